"""The adjudicated labels of MIDRC's table (bench/data/ADJUDICATION.md): complete, consistent with
the annotators' files, and made of catalogue codes."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bench.data import merge_annotations
from bench.harmonize_eval import held_out, labelled_modalities, read_adjudicated, read_rewrites
from services.harmonize.procedure import build_mapper, read_midrc_table

DATA = Path(merge_annotations.__file__).resolve().parent


def adjudicated_rows() -> list[dict[str, str]]:
    with merge_annotations.OUTPUT.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_row_of_midrc_table_is_adjudicated_once_in_its_part() -> None:
    want = {r.line: r for r in read_midrc_table(corrected=False)}
    rows = adjudicated_rows()
    assert sorted(int(r["line"]) for r in rows) == sorted(want)
    for r in rows:
        source = want[int(r["line"])]
        assert r["part"] == ("held_out" if held_out(source) else "development")
        assert r["description"] == source.description
        assert r["midrc_code"] == source.code
        assert r["resolution"] in ("agreed", "third")
        assert r["acceptable"], f"line {r['line']} has no adjudicated answer"


def test_labels_are_catalogue_codes() -> None:
    catalogue = build_mapper().catalogue
    for r in adjudicated_rows():
        for column in ("acceptable", "annotator_a", "annotator_b"):
            codes = r[column].split()
            assert codes, (r["line"], column)
            assert codes == ["none"] or all(c in catalogue for c in codes), (r["line"], column, codes)


def test_agreed_rows_are_the_codes_both_annotators_accept() -> None:
    for r in adjudicated_rows():
        a, b, acceptable = r["annotator_a"].split(), r["annotator_b"].split(), r["acceptable"].split()
        if r["resolution"] == "agreed":
            assert acceptable == [c for c in a if c in b]
        else:
            assert not set(a) & set(b)
            assert acceptable == ["none"] or set(acceptable) <= set(a) | set(b)


def test_the_file_is_built_from_the_annotations() -> None:
    assert merge_annotations.main(["--check"]) == 0


def test_read_adjudicated_gives_sets_and_none_as_empty() -> None:
    labels = read_adjudicated()
    assert len(labels) == len(adjudicated_rows())
    rows = {int(r["line"]): r["acceptable"].split() for r in adjudicated_rows()}
    for line, codes in rows.items():
        assert labels[line] == (frozenset() if codes == ["none"] else frozenset(codes))


@pytest.mark.parametrize(("a", "b", "third", "want"), [
    ("1-1 2-2", "2-2 3-3", {}, ("2-2", "agreed")),
    ("1-1", "3-3", {"9": "3-3"}, ("3-3", "third")),
    ("1-1", "3-3", {}, ("", "waiting")),
    ("none", "none", {}, ("none", "agreed")),
])
def test_merge(a: str, b: str, third: dict[str, str], want: tuple[str, str]) -> None:
    row = {"line": "9", "modality": "CT", "description": "x", "note": ""}
    merged, waiting = merge_annotations.merge([{**row, "acceptable": a}], [{**row, "acceptable": b}], third,
                                              {"9": ("1-1", "development")})
    assert (merged[0]["acceptable"], merged[0]["resolution"]) == want
    assert waiting == (["9"] if want[1] == "waiting" else [])


def test_the_unmapped_samples_are_disjoint_rows_of_midrc_list_outside_its_table() -> None:
    from bench.data import unmapped_sample
    from services.harmonize.text import key

    source = {r["id"]: r for r in unmapped_sample.read_source()}  # refuses a copy that is not MIDRC's file
    table_keys = {r.key for r in read_midrc_table(corrected=False)}
    ids: dict[Path, set[str]] = {}
    for path, size in ((unmapped_sample.OUTPUT, unmapped_sample.SAMPLE_SIZE),
                       (unmapped_sample.DEVELOPMENT_OUTPUT, unmapped_sample.DEVELOPMENT_SIZE)):
        with path.open(encoding="utf-8", newline="") as f:
            sample = list(csv.DictReader(f))
        ids[path] = {r["id"] for r in sample}
        assert len(sample) == size == len(ids[path])
        for r in sample:
            assert r == source[r["id"]]
            assert key(r["description"]) not in table_keys
    assert not ids[unmapped_sample.OUTPUT] & ids[unmapped_sample.DEVELOPMENT_OUTPUT]


@pytest.mark.parametrize(("sample_path", "output_path"), [(s, o) for _, s, labels, o, _ in merge_annotations.FRESH_SETS
                                                           if labels.exists()])
def test_the_fresh_sets_are_adjudicated_row_for_row(sample_path: Path, output_path: Path) -> None:
    with sample_path.open(encoding="utf-8", newline="") as f:
        sample = list(csv.DictReader(f))
    with output_path.open(encoding="utf-8", newline="") as f:
        adjudicated = list(csv.DictReader(f))
    catalogue = build_mapper().catalogue
    ids = [r["id"] for r in sample]
    assert [r["id"] for r in adjudicated] == [i for i in ids if i in {r["id"] for r in adjudicated}]
    assert adjudicated
    for r in adjudicated:
        assert r["resolution"] in ("agreed", "third")
        codes = r["acceptable"].split()
        assert codes == ["none"] or (codes and all(c in catalogue for c in codes)), (r["id"], codes)


def test_fresh_set_second_part_errors_stay_sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The bench lists the fresh set's errors on its first part only, unless the blind part is unsealed."""
    from bench import harmonize_eval

    with harmonize_eval.UNMAPPED_SAMPLE.open(encoding="utf-8", newline="") as f:
        order = [r["id"] for r in csv.DictReader(f)]
    first, second = order[0], order[harmonize_eval.UNMAPPED_PART_ONE_ROWS]
    adjudicated = tmp_path / "unmapped_adjudicated.csv"
    with adjudicated.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=merge_annotations.UNMAPPED_COLUMNS)
        writer.writeheader()
        for row_id, description in ((first, "FIRST PART CT CHEST WO"), (second, "SECOND PART CT CHEST WO")):
            writer.writerow({"id": row_id, "modality": "CT", "description": description, "frequency": "1",
                             "acceptable": "none", "annotator_a": "none", "annotator_b": "none",
                             "resolution": "agreed", "note": ""})
    monkeypatch.setitem(harmonize_eval.LABELS, "whole", (adjudicated, *harmonize_eval.LABELS["whole"][1:]))

    sealed = harmonize_eval.evaluate_unmapped(True)
    printed = capsys.readouterr().out
    assert "FIRST PART" in printed and "SECOND PART" not in printed
    assert sealed["parts"]["second"]["rows"] == 1 and sealed["parts"]["second"]["right"] == 0.0

    harmonize_eval.evaluate_unmapped(True, unseal_blind=True)
    assert "SECOND PART" in capsys.readouterr().out


def test_the_development_sample_labels_are_its_rows_in_catalogue_codes() -> None:
    from bench import harmonize_eval

    with harmonize_eval.UNMAPPED_DEVELOPMENT.open(encoding="utf-8", newline="") as f:
        sample = {r["id"]: r for r in csv.DictReader(f)}
    with harmonize_eval.UNMAPPED_DEVELOPMENT_LABELS.open(encoding="utf-8", newline="") as f:
        labels = list(csv.DictReader(f))
    catalogue = build_mapper().catalogue
    ids = [r["id"] for r in labels]
    assert ids == sorted(set(ids), key=int) and set(ids) <= set(sample) and labels
    for r in labels:
        assert (r["modality"], r["description"]) == (sample[r["id"]]["modality"], sample[r["id"]]["description"])
        codes = r["acceptable"].split()
        assert codes == ["none"] or (codes and all(c in catalogue for c in codes)), (r["id"], codes)


def test_the_catalogue_is_the_one_the_whole_catalogue_labels_were_chosen_from() -> None:
    """Labels are catalogue-relative: a code entering or leaving the catalogue (a vocabulary change that makes a
    Playbook name readable) asks for the fresh and Chinese sets to be labelled again against it."""
    labelled = (Path(__file__).resolve().parents[3] / "bench" / "data" / "labelled_catalogue.txt").read_text()
    assert set(labelled.split()) == set(build_mapper().catalogue), "catalogue changed: relabel, then update the list"


def test_the_held_out_sample_is_the_benchs_split_of_midrcs_table() -> None:
    """midrc_held_out.csv (the rows labelled again against the whole catalogue) is the bench's held-out split."""
    with merge_annotations.MIDRC_HELD_OUT_SAMPLE.open(encoding="utf-8", newline="") as f:
        sample = [(int(r["id"]), r["modality"], r["description"]) for r in csv.DictReader(f)]
    split = [(r.line, ",".join(sorted(r.modalities)), r.description)
             for r in read_midrc_table(corrected=False) if held_out(r)]
    assert sample == split and len(sample) == 196


def test_the_idc_samples_are_disjoint_rows_of_the_extract_outside_midrcs_descriptions() -> None:
    """The two test samples and the three development samples: rows of the recorded extract, none a MIDRC
    description, the second and third development samples sharing no normalised description with the others."""
    from bench.data import idc_sample, unmapped_sample
    from services.harmonize.text import key

    assert idc_sample.main(["--check"]) == 0
    source = {r["id"]: r for r in idc_sample.read_source()}  # refuses a copy that is not the recorded extract
    known = {r.key for r in read_midrc_table(corrected=False)}
    for path in (unmapped_sample.OUTPUT, unmapped_sample.DEVELOPMENT_OUTPUT):
        with path.open(encoding="utf-8", newline="") as f:
            known |= {key(r["description"]) for r in csv.DictReader(f)}
    ids: dict[Path, set[str]] = {}
    keys: dict[Path, set[str]] = {}
    for path, size in ((idc_sample.OUTPUT, idc_sample.SAMPLE_SIZE),
                       (idc_sample.DEVELOPMENT_OUTPUT, idc_sample.DEVELOPMENT_SIZE),
                       (idc_sample.DEVELOPMENT_2_OUTPUT, idc_sample.DEVELOPMENT_2_SIZE),
                       (idc_sample.TEST_2_OUTPUT, idc_sample.TEST_2_SIZE),
                       (idc_sample.DEVELOPMENT_3_OUTPUT, idc_sample.DEVELOPMENT_3_SIZE)):
        with path.open(encoding="utf-8", newline="") as f:
            sample = list(csv.DictReader(f))
        ids[path] = {r["id"] for r in sample}
        keys[path] = {key(r["description"]) for r in sample}
        assert len(sample) == size == len(ids[path])
        for r in sample:
            assert r == {c: source[r["id"]][c] for c in idc_sample.COLUMNS}
            assert key(r["description"]) not in known
    firsts = [idc_sample.OUTPUT, idc_sample.DEVELOPMENT_OUTPUT, idc_sample.TEST_2_OUTPUT]
    for i, a in enumerate(firsts):
        for b in firsts[i + 1:]:
            assert not ids[a] & ids[b]
    assert not keys[idc_sample.DEVELOPMENT_2_OUTPUT] & set().union(*(keys[p] for p in firsts))
    assert not keys[idc_sample.DEVELOPMENT_3_OUTPUT] & set().union(*(keys[p] for p in ids if
                                                                     p != idc_sample.DEVELOPMENT_3_OUTPUT))


def test_idc_test_sample_errors_stay_sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The bench lists the IDC development samples' errors only; the test samples' when unsealed."""
    from bench import harmonize_eval

    parts = []
    for part, row_id, description in (("development", "8", "DEVELOPMENT CT CHEST WO"),
                                      ("test", "7", "TEST CT CHEST WO"), ("test_2", "9", "SECOND TEST CT CHEST WO")):
        path = tmp_path / f"{part}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=merge_annotations.IDC_COLUMNS)
            writer.writeheader()
            writer.writerow({"id": row_id, "modality": "CT", "description": description, "collection": "x",
                             "studies": "1", "acceptable": "none", "annotator_a": "none", "annotator_b": "none",
                             "resolution": "agreed", "note": ""})
        parts.append((path, part))
    monkeypatch.setattr(harmonize_eval, "IDC_PARTS", (*parts, (tmp_path / "not labelled.csv", "development")))
    sealed = harmonize_eval.evaluate_idc(True)
    printed = capsys.readouterr().out
    assert "DEVELOPMENT CT" in printed and "TEST CT" not in printed
    assert sealed["parts"]["development"]["rows"] == 1 and sealed["parts"]["test"]["right"] == 0.0
    assert sealed["parts"]["test_2"]["rows"] == 1

    harmonize_eval.evaluate_idc(True, unseal_blind=True)
    printed = capsys.readouterr().out
    assert "TEST CT" in printed and "SECOND TEST CT" in printed


def test_the_human_reference_compares_the_mapper_and_each_annotator_with_one_annotator() -> None:
    from bench.harmonize_eval import Outcome, _unmapped_figures

    def row(best: str, a: str, b: str) -> Outcome:
        fits = frozenset(c for c in a.split() if c in b.split())
        return Outcome(True, fits or frozenset({"X"}), best, "mapped", best, best in fits, 1,
                       (tuple(a.split()), tuple(b.split())))

    figures = _unmapped_figures([
        row("1", "1 2", "2 1"),  # both annotators accept the best code; each prefers one the other accepts
        row("2", "1", "2 1"),  # the best code is only b's; a's first is b's second, b's first is not a's
        row("3", "1", "none"),  # the best code is neither's; no first choice is the other's
    ])
    assert figures["top1_against_one_annotator"] == pytest.approx(3 / 6)
    assert figures["annotator_against_the_other"] == pytest.approx(3 / 6)
    unjudged = Outcome(True, frozenset({"1"}), "1", "mapped", "1", True, 1)
    assert "annotator_against_the_other" not in _unmapped_figures([unjudged])


def test_errors_are_counted_by_kind_of_study_and_by_what_differs_from_the_nearest_acceptable_code() -> None:
    from bench.harmonize_eval import Outcome, _unmapped_figures, error_kind, modality_group
    from services.harmonize.procedure import build_mapper

    catalogue = build_mapper().catalogue
    # CT Chest W contrast IV against CT Chest WO contrast and CT Abdomen WO contrast: the nearest differs in contrast
    assert error_kind(catalogue, "24628-0", ["29252-4", "36424-0"]) == "contrast"
    assert error_kind(catalogue, "24628-0", ["36424-0"]) == "regions+contrast"
    assert error_kind(catalogue, None, ["29252-4"]) == "none said"
    assert [modality_group(m) for m in ({"CT", "PT"}, {"CTPT"}, {"CR", "DX"}, {"CT", "DX"}, {"MR"})] == [
        "PET", "PET", "XR", "CT+DX", "MR"]
    wrong = Outcome(True, frozenset({"29252-4"}), "24628-0", "mapped", "24628-0", False, 1, None, "CT", "contrast")
    right = Outcome(True, frozenset({"24725-4"}), "24725-4", "mapped", "24725-4", True, 1, None, "CT")
    figures = _unmapped_figures([wrong, right])
    assert figures["top1_by_modality"] == {"CT": {"rows": 2, "top1": 0.5}}
    assert figures["top1_errors_by_kind"] == {"contrast": 1}


def test_a_later_revision_replaces_an_earlier_one_by_version_not_by_name(tmp_path: Path) -> None:
    from bench.harmonize_eval import with_revisions

    for version, code in (("4.2", "old"), ("4.13", "new")):
        (tmp_path / f"revision_vocabulary_{version}").mkdir()
        (tmp_path / f"revision_vocabulary_{version}" / "annotator_a.csv").write_text(
            f"id,modality,description,acceptable,note\n7,CT,CT CHEST,{code},\n", encoding="utf-8")
    rows = [{"id": "7", "modality": "CT", "description": "CT CHEST", "acceptable": "first", "note": ""}]
    assert [r["acceptable"] for r in with_revisions(rows, tmp_path, "annotator_a.csv")] == ["new"]


def test_the_rewrites_apply_to_upper_case_descriptions_as_the_file_says() -> None:
    version, rewrites = read_rewrites()
    assert version >= 1 and {r.family for r in rewrites} >= {"separators", "contrast", "regions", "order"}
    by_name = {r.name: r for r in rewrites}
    assert by_name["CHEST -> THORAX"].apply("CT CHEST W CONTRAST") == "CT THORAX W CONTRAST"
    assert by_name["CHEST -> THORAX"].apply("CT CHESTWALL") is None  # whole words only
    assert by_name["CHEST -> THORAX"].apply("Ct Chest") is None  # upper-case descriptions only
    assert by_name["lower case"].apply("CT HEAD") == "ct head"
    underscores = next(r for r in rewrites if r.family == "separators" and r.replacement == "_")
    assert underscores.apply("CT HEAD WO") == "CT_HEAD_WO"  # every space
    moved = next(r for r in rewrites if r.family == "order" and "CONTRAST|CON|CONT" in r.name)
    assert moved.apply("CT ABDOMEN PELVIS W WO CONTRAST") == "CT W WO CONTRAST ABDOMEN PELVIS"
    assert moved.apply("CT THORAX W") is None  # a W alone is left where it is


def test_a_labelled_rows_modality_is_a_pet_ct_studys_pt() -> None:
    assert labelled_modalities("CT,PT") == ("PT", frozenset({"CT", "PT"}))
    assert labelled_modalities("['MR']") == ("MR", frozenset({"MR"}))
    assert labelled_modalities("") == (None, frozenset())


def test_the_protocol_file_holds_every_lettered_convention_adjudication_records() -> None:
    """A convention decided for the annotators (ADJUDICATION.md's "- **S**: ...") is written into the protocol file
    they are given, so that a relabelling repeated from the repository applies it."""
    recorded = set(re.findall(r"^- \*\*([A-Z])\*\*:", (DATA / "ADJUDICATION.md").read_text(), flags=re.MULTILINE))
    protocol = (DATA / "annotations" / "PROTOCOL.md").read_text()
    written = set(re.findall(r"\*\*([A-Z])\*\*:", protocol))
    assert recorded and recorded <= written, sorted(recorded - written)
    assert re.search(r"^Protocol version: \d+", protocol, flags=re.MULTILINE)


@pytest.mark.parametrize("round_name", ["4.62", "4.71"])
def test_a_relabelling_round_chooses_the_rows_its_revision_files_hold(round_name: str) -> None:
    """bench/data/relabel.py's patterns for a round's labels choose exactly the rows labelled again then."""
    from bench.data import relabel

    chosen = {(r["set"], r["id"]) for r in relabel.choose(round_name)}
    revised = {(labels, r["id"]) for labels in relabel.SETS
               for path in [DATA / "annotations" / labels / f"revision_vocabulary_{round_name}" / "annotator_a.csv"]
               if path.exists() for r in merge_annotations.read(path)}
    assert chosen and chosen == revised


def test_a_relabelling_round_refuses_answers_missing_a_row(tmp_path: Path) -> None:
    from bench.data import relabel

    rows = relabel.choose("4.62")
    for annotator in ("a", "b"):
        relabel.write_csv(tmp_path / f"annotator_{annotator}_1.csv", relabel.ANSWER_COLUMNS,
                          [{**r, "acceptable": "none", "note": ""} for r in rows[1:]])
    with pytest.raises(SystemExit, match="1 rows missing"):
        relabel.revision_files("4.62", tmp_path)


def test_a_relabelling_round_leaves_the_sets_labelled_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A set labelled by a protocol that already held a round's conventions is not labelled again by that round;
    a later round concerns it."""
    from bench.data import relabel

    monkeypatch.setitem(relabel.ROUNDS, "4.68", lambda row: True)
    monkeypatch.setitem(relabel.ROUNDS, "4.69", lambda row: True)
    written = merge_annotations.WRITTEN_SETS[0]
    later = written.annotations.name
    assert relabel.LABELLED_AT[later] == written.frozen == "4.68"
    assert later not in {r["set"] for r in relabel.choose("4.68")}
    chosen = [r for r in relabel.choose("4.69") if r["set"] == later]
    assert len(chosen) == len(merge_annotations.read(written.sample))
