"""Protocol profiles: loading and validation, the facts read from real series, and eligibility per profile."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydicom import Dataset

from contracts import SeriesQC, Verdict
from services.qc.checks import SeriesKind, check_series
from services.qc.facts import KernelClass, MRWeighting, SeriesFacts, kernel_class, mr_weighting, series_facts
from services.qc.profiles import (
    PROFILES_DIR,
    Profile,
    ProfileError,
    eligible_for,
    evaluate_profiles,
    load_profile,
    load_profiles,
)
from services.qc.rules import QCRules, load_rules
from tests.unit.series import SAGITTAL, build_series, header_only, read

CHEST, HEAD = "816094009", "69536005"


@pytest.fixture(scope="module")
def rules() -> QCRules:
    return load_rules()


@pytest.fixture(scope="module")
def profiles() -> list[Profile]:
    return load_profiles()


# ---------------------------------------------------------------- kernel and weighting


@pytest.mark.parametrize(
    ("kernel", "expected"),
    [
        ("B70f", KernelClass.SHARP), ("B60s", KernelClass.SHARP), ("I70f\\3", KernelClass.SHARP),
        (["Br64d", "3"], KernelClass.SHARP), ("Bl57d", KernelClass.LUNG), ("B30f", KernelClass.STANDARD),
        ("I26f", KernelClass.STANDARD), ("Br40d", KernelClass.STANDARD), ("B45f", KernelClass.STANDARD),
        ("LUNG", KernelClass.LUNG), ("HD LUNG", KernelClass.LUNG), ("BONE", KernelClass.SHARP),
        ("BONEPLUS", KernelClass.SHARP), ("STANDARD", KernelClass.STANDARD), ("SOFT", KernelClass.STANDARD),
        ("L", KernelClass.LUNG), ("YA", KernelClass.SHARP), ("YB", KernelClass.SHARP), ("C", KernelClass.SHARP),
        ("B", KernelClass.STANDARD), ("A", KernelClass.STANDARD),
        ("FC52", KernelClass.LUNG), ("FC86", KernelClass.SHARP), ("FC30", KernelClass.SHARP),
        ("FC13", KernelClass.STANDARD), ("FL04", KernelClass.LUNG),
        ("whatever", KernelClass.UNKNOWN), (None, KernelClass.UNKNOWN), ("", KernelClass.UNKNOWN),
    ],
)
def test_kernel_class(kernel: str | list[str] | None, expected: KernelClass) -> None:
    assert kernel_class(kernel) is expected


def _mr(**attributes: Any) -> Dataset:
    ds = header_only(read("MR_small.dcm"))
    for keyword in ("SeriesDescription", "ProtocolName", "SequenceName", "RepetitionTime", "EchoTime",
                    "InversionTime"):
        if keyword in ds:
            del ds[keyword]
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    return ds


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"SeriesDescription": "t1_mprage_sag_p2_iso"}, MRWeighting.T1),
        ({"SeriesDescription": "Sag 3D T1 BRAVO"}, MRWeighting.T1),
        ({"ProtocolName": "T1W_3D_TFE"}, MRWeighting.T1),
        ({"SeriesDescription": "MP-RAGE"}, MRWeighting.T1),
        ({"SeriesDescription": "t2_tirm_tra_dark-fluid"}, MRWeighting.FLAIR),
        ({"SeriesDescription": "Ax T2 FLAIR"}, MRWeighting.FLAIR),
        ({"SeriesDescription": "3D_FLAIR_SPACE"}, MRWeighting.FLAIR),
        ({"SeriesDescription": "Ax T1 FLAIR"}, MRWeighting.T1),
        ({"SeriesDescription": "t2_tse_tra"}, MRWeighting.T2),
        ({"SeriesDescription": "ep2d_diff_3scan_trace DWI"}, MRWeighting.DWI),
        ({"SeriesDescription": "PD TSE"}, MRWeighting.PD),
        ({"RepetitionTime": 9000, "EchoTime": 120, "InversionTime": 2500}, MRWeighting.FLAIR),
        ({"RepetitionTime": 2300, "EchoTime": 3, "InversionTime": 900}, MRWeighting.T1),
        ({"RepetitionTime": 500, "EchoTime": 12}, MRWeighting.T1),
        ({"RepetitionTime": 4000, "EchoTime": 100}, MRWeighting.T2),
        ({"RepetitionTime": 3000, "EchoTime": 15}, MRWeighting.PD),
        ({}, MRWeighting.UNKNOWN),
    ],
)
def test_mr_weighting(attributes: dict[str, Any], expected: MRWeighting) -> None:
    assert mr_weighting(_mr(**attributes)) is expected


# ---------------------------------------------------------------- facts from real series


def _lung_ct(count: int = 170, spacing: float = 1.25, kernel: str = "B70f", **kwargs: Any) -> list[Dataset]:
    slices = build_series("CT_small.dcm", count=count, spacing=spacing, **kwargs)  # pixels unused: faster
    for ds in slices:
        ds.ConvolutionKernel = kernel
        ds.SliceThickness = spacing
    return slices


def _facts(uid: str, slices: list[Dataset], rules: QCRules, body_part: str | None = CHEST) -> SeriesFacts:
    return series_facts(uid, slices, check_series(slices, rules), body_part=body_part, rules=rules)


def test_facts_of_a_thin_chest_ct(rules: QCRules) -> None:
    facts = _facts("2.25.1", _lung_ct(), rules)
    assert facts.model_dump() == {
        "series_uid": "2.25.1", "modality": "CT", "kind": SeriesKind.ACQUISITION, "body_part": CHEST,
        "plane": "AXIAL", "slice_count": 170, "slice_thickness_mm": 1.25, "slice_spacing_mm": 1.25,
        "pixel_spacing_mm": 0.661468, "extent_mm": 212.5, "gantry_tilt_deg": 0.0, "kernel_class": KernelClass.SHARP,
        "mr_acquisition_type": None, "mr_weighting": None, "qc_verdict": Verdict.PASS, "qc_codes": [],
    }


def test_facts_of_other_series(rules: QCRules) -> None:
    gap = _lung_ct(count=20)
    del gap[10]
    facts = _facts("2.25.2", gap, rules)
    assert (facts.qc_verdict, facts.qc_codes) == (Verdict.FAIL, ["missing_slice"])
    tilted = _facts("2.25.3", _lung_ct(count=20, tilt=15.0), rules)
    assert tilted.gantry_tilt_deg == pytest.approx(15.0)
    sagittal = _facts("2.25.4", build_series("MR_small.dcm", orientation=SAGITTAL, headers=True), rules, HEAD)
    assert (sagittal.plane, sagittal.kind, sagittal.kernel_class) == ("SAGITTAL", SeriesKind.DERIVED, None)
    us = series_facts("2.25.5", [header_only(read("US1_UNCR.dcm"))], SeriesQC(verdict=Verdict.PASS),
                      body_part=None, rules=rules)
    assert (us.kind, us.slice_count, us.extent_mm) == (SeriesKind.NON_VOLUMETRIC, 0, None)


# ---------------------------------------------------------------- eligibility


def _brain(rules: QCRules, *, t1_mm: float = 1.0, t1_type: str = "3D", flair: bool = True) -> list[SeriesFacts]:
    t1 = build_series("MR_small.dcm", count=160, spacing=t1_mm, orientation=SAGITTAL)
    for ds in t1:
        ds.SeriesDescription, ds.MRAcquisitionType = "t1_mprage_sag", t1_type
        ds.SliceThickness, ds.PixelSpacing = t1_mm, [1.0, 1.0]
    series = [_facts("2.25.10", t1, rules, HEAD)]
    if flair:
        f = build_series("MR_small.dcm", count=25, spacing=5.0, headers=True)
        for ds in f:
            ds.SeriesDescription = "Ax T2 FLAIR"
        series.append(_facts("2.25.11", f, rules, HEAD))
    return series


def _verdict(verdicts: list[Any], name: str) -> Any:
    (verdict,) = [v for v in verdicts if v.profile == name]
    return verdict


def test_thin_sharp_chest_ct_is_eligible_for_lung_nodules(rules: QCRules, profiles: list[Profile]) -> None:
    thick = _facts("2.25.1", _lung_ct(count=50, spacing=5.0, kernel="B30f"), rules)
    thin = _facts("2.25.2", _lung_ct(), rules)
    verdicts = evaluate_profiles([thick, thin], profiles)
    lung = _verdict(verdicts, "lung_nodule_ct")
    assert (lung.eligible, lung.reasons, lung.version) == (True, [], "1.0")
    assert lung.requirements[0].series_uids == ["2.25.2"]
    assert eligible_for(verdicts) == ["lung_nodule_ct"]
    assert _verdict(verdicts, "brain_mr").eligible is False


@pytest.mark.parametrize(
    ("change", "reasons"),
    [
        ({"spacing": 2.5, "count": 90}, ["slice_thickness", "slice_spacing"]),
        ({"kernel": "B30f"}, ["kernel_class"]),
        ({"count": 120}, ["extent"]),
        ({"body_part": "69536005"}, ["body_part"]),
        ({"orientation": SAGITTAL}, ["plane"]),
        ({"gap": True}, ["qc_verdict", "findings"]),
        ({"thickness": 2.0}, ["slice_thickness"]),
        ({"thickness": 1.0}, ["gap"]),
    ],
)
def test_why_a_chest_ct_is_not_eligible(
    change: dict[str, Any], reasons: list[str], rules: QCRules, profiles: list[Profile]
) -> None:
    kwargs = {k: change[k] for k in ("spacing", "count", "kernel", "orientation") if k in change}
    slices = _lung_ct(**kwargs)
    if "gap" in change:
        del slices[80]
    if "thickness" in change:
        for ds in slices:
            ds.SliceThickness = change["thickness"]
    facts = _facts("2.25.1", slices, rules, change.get("body_part", CHEST))
    lung = _verdict(evaluate_profiles([facts], profiles), "lung_nodule_ct")
    assert lung.eligible is False
    assert lung.reasons == [f"thin_lung_kernel_series:{r}" for r in reasons]
    [closest] = lung.requirements[0].closest
    assert [m.criterion for m in closest.misses] == reasons


def test_thin_slices_overlapping_are_not_a_gap(rules: QCRules, profiles: list[Profile]) -> None:
    slices = _lung_ct(spacing=1.0, count=210)
    for ds in slices:
        ds.SliceThickness = 1.25  # overlapping reconstruction
    assert _verdict(evaluate_profiles([_facts("2.25.1", slices, rules)], profiles), "lung_nodule_ct").eligible


def test_brain_mr(rules: QCRules, profiles: list[Profile]) -> None:
    brain = _verdict(evaluate_profiles(_brain(rules), profiles), "brain_mr")
    assert (brain.eligible, [r.series_uids for r in brain.requirements]) == (True, [["2.25.10"], ["2.25.11"]])
    no_flair = _verdict(evaluate_profiles(_brain(rules, flair=False), profiles), "brain_mr")
    assert no_flair.reasons == ["flair:mr_weighting"]
    thick = _verdict(evaluate_profiles(_brain(rules, t1_mm=1.5), profiles), "brain_mr")
    assert thick.reasons == ["t1_3d:slice_thickness", "t1_3d:slice_spacing"]
    two_d = _verdict(evaluate_profiles(_brain(rules, t1_type="2D"), profiles), "brain_mr")
    assert two_d.reasons == ["t1_3d:mr_acquisition_type"]


def test_study_without_series(profiles: list[Profile]) -> None:
    verdicts = evaluate_profiles([], profiles)
    assert _verdict(verdicts, "brain_mr").reasons == ["t1_3d:no_series", "flair:no_series"]
    assert eligible_for(verdicts) == []


def test_verdicts_are_json(rules: QCRules, profiles: list[Profile]) -> None:
    verdicts = evaluate_profiles([_facts("2.25.1", _lung_ct(count=20), rules)], profiles)
    dumped = [v.model_dump(mode="json") for v in verdicts]
    assert dumped[1]["requirements"][0]["closest"][0]["misses"][0] == {
        "criterion": "extent", "expected": 200.0, "actual": 25.0,
    }


# ---------------------------------------------------------------- profile files


def test_packaged_profiles(profiles: list[Profile]) -> None:
    assert [(p.name, p.version) for p in profiles] == [("brain_mr", "1.0"), ("lung_nodule_ct", "1.0")]


def _write(tmp_path: Path, name: str, edit: Any) -> Path:
    data = yaml.safe_load((PROFILES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / f"{data.get('name', name)}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda d: d["requirements"][0].update(max_slice_thicknes_mm=1.5),
         "requirements.0.max_slice_thicknes_mm: unknown key"),
        (lambda d: d["requirements"][0].update(kernel_class=["blurry"]), "requirements.0.kernel_class.0"),
        (lambda d: d["requirements"][0].update(max_slice_thickness_mm=-1), "requirements.0.max_slice_thickness_mm"),
        (lambda d: d["requirements"][0].update(modality=[]), "requirements.0.modality"),
        (lambda d: d.update(requirements=[]), "requirements: List should have at least 1 item"),
        (lambda d: d.update(version="one"), "version"),
        (lambda d: d.pop("requirements"), "requirements: Field required"),
        (lambda d: d["requirements"].append(dict(d["requirements"][0])), "requirement names must be unique"),
    ],
)
def test_bad_profiles_name_the_key(tmp_path: Path, edit: Any, named: str) -> None:
    path = _write(tmp_path, "lung_nodule_ct", edit)
    with pytest.raises(ProfileError, match=re.escape(named)) as caught:
        load_profile(path)
    assert str(path) in str(caught.value)


def test_profile_name_must_match_its_file(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text((PROFILES_DIR / "brain_mr.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ProfileError, match="must match the file name"):
        load_profile(path)


def test_empty_profile_directory(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no protocol profiles"):
        load_profiles(tmp_path)
