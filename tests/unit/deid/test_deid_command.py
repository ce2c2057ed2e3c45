"""`radcurate deid IN_DIR OUT_DIR` on a folder of real files, with junk among them: it never crashes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydicom
import pytest

from radcurate.cli import main
from radcurate.commands import deid as command
from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import DEID_DATA, lenient_read, sample_path, strict_read

KEY_HEX = "11" * 32
OTHER_KEY_HEX = "22" * 32
ROOT = Path(__file__).resolve().parents[3]
RESEARCH_VERSION = builtin_profile("research").version

# input relative path -> source file
DICOM_INPUTS = {
    "site-a/ct/CT_small.dcm": sample_path("CT_small.dcm"),
    "site-a/mr/MR_small_implicit.dcm": sample_path("MR_small_implicit.dcm"),
    "site-a/rt/rtdose": sample_path("rtdose.dcm"),  # no extension
    "site-b/rtstruct.dcm": sample_path("rtstruct.dcm"),
    "site-b/deflated.dcm": sample_path("image_dfl.dcm"),  # OT without Burned In Annotation: rejected
    "site-b/liver-seg.dcm": sample_path("liver.dcm"),  # pydicom-data
    "site-b/siemens-overlays.dcm": sample_path("MR-SIEMENS-DICOM-WithOverlays.dcm"),
    "cat.dcm": DEID_DATA / "animals" / "cat.dcm",
    "us/GREYSCALE_IMAGE.dcm": DEID_DATA / "ultrasounds" / "GREYSCALE_IMAGE.dcm",  # burned in: rejected
    "site-c/CT_small-again.dcm": sample_path("CT_small.dcm"),  # same instance twice: duplicate
    "media/DICOMDIR": sample_path("DICOMDIR"),
}
EXPECTED = {
    "site-a/ct/CT_small.dcm": ("ok", None),
    "site-a/mr/MR_small_implicit.dcm": ("ok", None),
    "site-a/rt/rtdose": ("ok", None),
    "site-b/rtstruct.dcm": ("ok", None),
    "site-b/deflated.dcm": ("rejected", "burned_in_annotation"),
    "site-b/liver-seg.dcm": ("ok", None),
    "site-b/siemens-overlays.dcm": ("ok", None),
    "cat.dcm": ("ok", None),
    "us/GREYSCALE_IMAGE.dcm": ("rejected", "burned_in_annotation"),
    "site-c/CT_small-again.dcm": ("rejected", "duplicate_sop_instance"),
    "media/DICOMDIR": ("rejected", "media_directory"),
    "notes/readme.txt": ("not_dicom", "not_dicom"),
    "notes/empty": ("not_dicom", "not_dicom"),
    "broken/truncated.dcm": ("rejected", "malformed_dicom"),
    "broken/garbage-after-preamble.dcm": ("rejected", "malformed_dicom"),
}


@pytest.fixture
def in_dir(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    for rel, source in DICOM_INPUTS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / rel)
    (root / "notes").mkdir()
    (root / "notes" / "readme.txt").write_text("patient list: DOE^JANE\n")
    (root / "notes" / "empty").write_bytes(b"")
    (root / "broken").mkdir()
    ct = sample_path("CT_small.dcm").read_bytes()
    (root / "broken" / "truncated.dcm").write_bytes(ct[: len(ct) // 3])
    (root / "broken" / "garbage-after-preamble.dcm").write_bytes(ct[:132] + b"\xff" * 300)
    return root


def run(*argv: str | Path) -> int:
    return main(["--stack-env", "/nonexistent/env", "deid", *map(str, argv)])


def report_of(out_dir: Path) -> dict[str, dict[str, Any]]:
    lines = (out_dir / command.REPORT_NAME).read_text().splitlines()
    return {record["input"]: record for record in map(json.loads, lines)}


@pytest.fixture(autouse=True)
def key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEID_PROJECT_KEY", KEY_HEX)
    monkeypatch.setenv("DEID_KEY_ID", "offline-1")
    monkeypatch.delenv("DEID_PROFILE_FILE", raising=False)


def test_folder_with_junk(in_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    assert run(in_dir, out_dir, "--quiet") == 0
    report = report_of(out_dir)
    assert {rel: (r["status"], r["reason"]) for rel, r in report.items()} == EXPECTED
    assert "15 files: 7 ok, 6 rejected, 2 not_dicom, 0 error" in capsys.readouterr().out

    pseudonymizer = Pseudonymizer(bytes.fromhex(KEY_HEX), "offline-1")
    outputs = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.dcm"))
    assert outputs == sorted(r["output"] for r in report.values() if r["status"] == "ok")
    for rel, record in report.items():
        expected_run = ("research", RESEARCH_VERSION, "offline-1")
        assert (record["profile"], record["profile_version"], record["key_id"]) == expected_run
        if record["status"] != "ok":
            assert record["output"] is None
            continue
        original = lenient_read((in_dir / rel).read_bytes())
        out = strict_read((out_dir / record["output"]).read_bytes())
        study, series, instance = record["output"].split("/")
        assert (study, series, instance) == (out.StudyInstanceUID, out.SeriesInstanceUID, out.SOPInstanceUID + ".dcm")
        assert out.SOPInstanceUID == pseudonymizer.uid(original.SOPInstanceUID)
        assert out.PatientIdentityRemoved == "YES"
        assert record["table_edition"] == "2023b"
        assert sum(record["counts"].values()) > 0
    # The engine is the service's: same bytes as Deidentifier with the same profile and key.
    record = report["site-a/ct/CT_small.dcm"]
    expected, _ = Deidentifier(builtin_profile("research"), pseudonymizer).deidentify_file(
        sample_path("CT_small.dcm").read_bytes()
    )
    assert (out_dir / record["output"]).read_bytes() == expected
    assert not (out_dir / command.PARTIAL_DIR).exists()


def test_report_holds_no_values(in_dir: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    run(in_dir, out_dir, "--quiet")
    text = (out_dir / command.REPORT_NAME).read_text()
    for rel, source in DICOM_INPUTS.items():
        if rel == "media/DICOMDIR":
            continue
        ds = lenient_read(source.read_bytes())
        for keyword in ("PatientName", "PatientID", "StudyInstanceUID", "SOPInstanceUID", "InstitutionName"):
            value = str(ds.get(keyword, "") or "").strip()
            if len(value) >= 4:
                assert value not in text, (rel, keyword)
    assert "DOE" not in text


def test_workers_give_the_same_result(in_dir: Path, tmp_path: Path) -> None:
    run(in_dir, tmp_path / "one", "--quiet")
    assert run(in_dir, tmp_path / "two", "--quiet", "--workers", "2") == 0
    assert report_of(tmp_path / "one") == report_of(tmp_path / "two")
    for path in (tmp_path / "one").rglob("*.dcm"):
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes()


def test_out_dir_inside_in_dir_is_not_read_back(in_dir: Path) -> None:
    out_dir = in_dir / "deidentified"
    assert run(in_dir, out_dir, "--quiet") == 0
    assert run(in_dir, out_dir, "--quiet") == 0  # a second run must not pick up the first one's outputs
    assert not any(rel.startswith("deidentified") for rel in report_of(out_dir))


def test_unexpected_failure_is_reported_not_raised(
    in_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Deidentifier.deidentify_file

    def flaky(self: Deidentifier, raw: bytes) -> Any:
        if raw == sample_path("MR_small_implicit.dcm").read_bytes():
            raise RuntimeError("a value that must not show: DOE^JANE")
        return real(self, raw)

    monkeypatch.setattr(Deidentifier, "deidentify_file", flaky)
    out_dir = tmp_path / "out"
    assert run(in_dir, out_dir, "--quiet") == 1
    record = report_of(out_dir)["site-a/mr/MR_small_implicit.dcm"]
    assert (record["status"], record["reason"]) == ("error", "processing_error")
    assert "RuntimeError" in record["detail"] and "DOE" not in record["detail"]
    assert report_of(out_dir)["site-a/ct/CT_small.dcm"]["status"] == "ok"


def test_key_file_and_key_checks(in_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEID_PROJECT_KEY")
    with pytest.raises(SystemExit, match="no key"):
        run(in_dir, tmp_path / "a")
    key_file = tmp_path / "key.hex"
    key_file.write_text("ab" * 16 + "\n")
    with pytest.raises(SystemExit, match="holds 16 bytes"):
        run(in_dir, tmp_path / "a", "--key-file", key_file)
    key_file.write_text("not hex at all")
    with pytest.raises(SystemExit, match="not hex"):
        run(in_dir, tmp_path / "a", "--key-file", key_file)
    key_file.write_text(KEY_HEX + "\n")
    assert run(in_dir, tmp_path / "a", "--key-file", key_file, "--quiet") == 0
    with pytest.raises(SystemExit):  # there is no option that takes the key itself
        run(in_dir, tmp_path / "b", "--key", KEY_HEX)


def test_rotated_key_needs_a_new_out_dir(in_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    assert run(in_dir, out_dir, "--quiet") == 0
    manifest = json.loads((out_dir / command.MANIFEST_NAME).read_text())
    assert manifest["key_id"] == "offline-1"
    assert KEY_HEX not in (out_dir / command.MANIFEST_NAME).read_text()

    monkeypatch.setenv("DEID_PROJECT_KEY", OTHER_KEY_HEX)
    with pytest.raises(SystemExit, match="new OUT_DIR"):
        run(in_dir, out_dir, "--key-id", "offline-2", "--quiet")
    with pytest.raises(SystemExit, match="names a different key"):
        run(in_dir, out_dir, "--quiet")  # same key id, other key bytes
    rotated = tmp_path / "rotated"
    assert run(in_dir, rotated, "--key-id", "offline-2", "--quiet") == 0
    old, new = report_of(out_dir), report_of(rotated)
    assert new["cat.dcm"]["key_id"] == "offline-2"
    assert new["cat.dcm"]["output"] != old["cat.dcm"]["output"]  # every pseudonym changes with the key
    assert set(old["cat.dcm"]["output"].split("/")).isdisjoint(new["cat.dcm"]["output"].split("/"))


def test_profile_option_and_ocr_counts(tmp_path: Path) -> None:
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    shutil.copyfile(DEID_DATA / "ultrasounds" / "RGB_IMAGE.dcm", in_dir / "us.dcm")
    shutil.copyfile(sample_path("CT_small.dcm"), in_dir / "ct.dcm")
    profile = tmp_path / "ocr.yaml"
    profile.write_text("name: ocr-flag\nversion: '3'\nallow_burned_in: true\nocr: flag\n")
    out_dir = tmp_path / "out"
    assert run(in_dir, out_dir, "--profile", profile, "--quiet") == 0
    report = report_of(out_dir)
    assert report["us.dcm"]["ocr"]["status"] == "text_found" and report["us.dcm"]["ocr"]["words"] >= 2
    assert report["ct.dcm"]["ocr"]["status"] == "clean"
    assert report["ct.dcm"]["profile"] == "ocr-flag" and report["ct.dcm"]["profile_version"] == "3"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: '1'\nocr: sometimes\n")
    with pytest.raises(SystemExit, match=r"bad\.yaml: ocr"):
        run(in_dir, tmp_path / "out2", "--profile", bad)


def test_paths_come_from_pseudonymised_uids_only() -> None:
    class Report:
        study_instance_uid = "2.25.1"
        series_instance_uid = "../../etc"
        sop_instance_uid = None

    assert command.output_path(Report(), "2.25.9") == "2.25.1/unknown-series/2.25.9.dcm"
    assert command.looks_like_dicom(bytes(128) + b"DICM")
    assert command.looks_like_dicom(b"\x08\x00\x05\x00CS\x0a\x00")  # bare explicit VR data set
    assert not command.looks_like_dicom(b"%PDF-1.7\n")


def test_console_script_with_worker_processes(in_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DEID_PROJECT_KEY": KEY_HEX, "DEID_KEY_ID": "offline-1"}
    script = Path(sys.executable).with_name("radcurate")
    done = subprocess.run(
        [str(script), "--stack-env", "/nonexistent", "deid", str(in_dir), str(tmp_path / "out"), "--workers", "2"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "15 files: 7 ok" in done.stdout
    assert "100%" in done.stderr  # the progress bar
    assert KEY_HEX not in done.stdout + done.stderr
    assert pydicom.dcmread(next((tmp_path / "out").rglob("*.dcm"))).PatientIdentityRemoved == "YES"


def test_missing_tesseract_stops_before_any_file(in_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no tesseract program to be found
    profile = tmp_path / "ocr.yaml"
    profile.write_text("name: ocr\nversion: '1'\nocr: reject\n")
    with pytest.raises(SystemExit, match="asks for pixel OCR"):
        run(in_dir, tmp_path / "out", "--profile", profile, "--quiet")
    assert not (tmp_path / "out" / command.REPORT_NAME).exists()
