"""QC checks on series built from real files, clean and with one injected defect each."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom import Dataset
from pydicom.dataelem import RawDataElement
from pydicom.tag import Tag

from contracts import QCFinding, SeriesQC, Verdict
from services.qc.checks import APPLICABILITY, Code, check_series, study_verdict
from services.qc.rules import QCRules, load_rules
from tests.unit.series import CORONAL, ORIENTATIONS, build_series, header_only, read, renumber, rotate, rotation

TEMPLATES = ["CT_small.dcm", "MR_small.dcm", "693_UNCR.dcm", "MR2_UNCR.dcm"]
VOLUMETRIC_CHECKS = [
    APPLICABILITY,
    Code.MISSING_GEOMETRY,
    Code.MALFORMED_ATTRIBUTE,
    Code.MIXED_DIMENSIONS,
    Code.MIXED_ORIENTATION,
    Code.DUPLICATE_POSITION,
    Code.MISSING_SLICE,
    Code.INCONSISTENT_SPACING,
]


@pytest.fixture(autouse=True)
def _strict_pydicom() -> Iterator[None]:
    config = pydicom.config.settings
    saved = config.reading_validation_mode
    config.reading_validation_mode = pydicom.config.RAISE
    yield
    config.reading_validation_mode = saved


@pytest.fixture(scope="module")
def rules() -> QCRules:
    return load_rules()


def _problems(qc: SeriesQC) -> set[str]:
    return {f.code for f in qc.findings if f.verdict is not Verdict.PASS}


def _finding(qc: SeriesQC, code: str) -> QCFinding:
    (finding,) = [f for f in qc.findings if f.code == code]
    return finding


# ---------------------------------------------------------------- clean series


@pytest.mark.parametrize("headers", [False, True], ids=["full", "header_only"])
@pytest.mark.parametrize("order", ["ascending", "reversed", "shuffled"])
@pytest.mark.parametrize("orientation", list(ORIENTATIONS))
@pytest.mark.parametrize("template", TEMPLATES)
def test_clean_series_pass(template: str, orientation: str, order: str, headers: bool, rules: QCRules) -> None:
    slices = build_series(template, orientation=ORIENTATIONS[orientation], order=order, headers=headers)
    qc = check_series(slices, rules)
    assert qc == SeriesQC(verdict=Verdict.PASS, findings=[], checks=VOLUMETRIC_CHECKS)


def test_variation_within_tolerance_passes(rules: QCRules) -> None:
    slices = build_series(spacing=2.0, headers=True)
    jitter = 0.5 * rules.spacing_tolerance * 2.0
    slices[5].ImagePositionPatient = [*slices[5].ImagePositionPatient[:2], slices[5].ImagePositionPatient[2] + jitter]
    assert check_series(slices, rules).verdict is Verdict.PASS


# ---------------------------------------------------------------- one defect each


def _remove_one(slices: list[Dataset]) -> None:
    del slices[_at(slices, 6)]


def _duplicate_one(slices: list[Dataset]) -> None:
    slices.append(renumber([slices[_at(slices, 4)]])[0])


def _perturb_one(slices: list[Dataset]) -> None:
    ds = slices[_at(slices, 5)]
    normal = _normal(ds)
    ds.ImagePositionPatient = [
        round(p + 0.3 * 2.5 * n, 6) for p, n in zip(ds.ImagePositionPatient, normal, strict=True)
    ]


def _rotate_one(slices: list[Dataset]) -> None:
    ds = slices[_at(slices, 7)]
    tilt = rotation(1, 5.0)
    cosines = [float(v) for v in ds.ImageOrientationPatient]
    row, column = rotate(tilt, tuple(cosines[:3])), rotate(tilt, tuple(cosines[3:]))  # type: ignore[arg-type]
    ds.ImageOrientationPatient = [round(v, 8) for v in (*row, *column)]


def _resize_one(slices: list[Dataset]) -> None:
    slices[_at(slices, 3)].Rows = int(slices[0].Rows) // 2


def _corrupt_position(slices: list[Dataset]) -> None:
    slices[_at(slices, 2)].ImagePositionPatient = [1.0, 2.0]


def _at(slices: list[Dataset], instance_number: int) -> int:
    return next(i for i, ds in enumerate(slices) if int(ds.InstanceNumber) == instance_number)


def _normal(ds: Dataset) -> tuple[float, float, float]:
    c = [float(v) for v in ds.ImageOrientationPatient]
    return (c[1] * c[5] - c[2] * c[4], c[2] * c[3] - c[0] * c[5], c[0] * c[4] - c[1] * c[3])


DEFECTS: dict[str, tuple[Callable[[list[Dataset]], None], str, Verdict]] = {
    "remove_slice": (_remove_one, Code.MISSING_SLICE, Verdict.FAIL),
    "duplicate_slice": (_duplicate_one, Code.DUPLICATE_POSITION, Verdict.FAIL),
    "perturb_position": (_perturb_one, Code.INCONSISTENT_SPACING, Verdict.FAIL),
    "rotate_orientation": (_rotate_one, Code.MIXED_ORIENTATION, Verdict.FAIL),
    "change_rows": (_resize_one, Code.MIXED_DIMENSIONS, Verdict.FAIL),
    "corrupt_position": (_corrupt_position, Code.MALFORMED_ATTRIBUTE, Verdict.ERROR),
}


@pytest.mark.parametrize("headers", [False, True], ids=["full", "header_only"])
@pytest.mark.parametrize("orientation", ["axial", "sagittal", "oblique"])
@pytest.mark.parametrize("template", ["CT_small.dcm", "MR_small.dcm", "693_UNCR.dcm"])
@pytest.mark.parametrize("defect", list(DEFECTS))
def test_each_defect_gives_its_code(
    defect: str, template: str, orientation: str, headers: bool, rules: QCRules
) -> None:
    inject, code, verdict = DEFECTS[defect]
    slices = build_series(
        template, orientation=ORIENTATIONS[orientation], spacing=2.5, order="shuffled", headers=headers
    )
    inject(slices)
    qc = check_series(slices, rules)
    assert _problems(qc) == {code}
    assert qc.verdict is verdict
    assert _finding(qc, code).verdict is verdict


def test_missing_slice_evidence(rules: QCRules) -> None:
    slices = build_series(count=16, spacing=2.0, origin=(0.0, 0.0, 0.0), headers=True)
    del slices[9:12]  # positions 18, 20, 22 mm
    del slices[3]  # position 6 mm
    finding = _finding(check_series(slices, rules), Code.MISSING_SLICE)
    assert finding.evidence == {
        "expected_spacing_mm": 2.0,
        "gaps": [
            {"after_position_mm": 4.0, "size_mm": 4.0, "missing": 1},
            {"after_position_mm": 16.0, "size_mm": 8.0, "missing": 3},
        ],
        "gap_count": 2,
        "estimated_missing": 4,
    }


def test_duplicate_position_evidence(rules: QCRules) -> None:
    slices = build_series(count=8, spacing=2.0, origin=(0.0, 0.0, 0.0), headers=True)
    slices += renumber([slices[2], slices[2]])
    finding = _finding(check_series(slices, rules), Code.DUPLICATE_POSITION)
    assert finding.evidence == {
        "positions": [{"position_mm": 4.0, "count": 3}],
        "duplicate_count": 2,
        "distinct_positions": 8,
    }


def test_inconsistent_spacing_evidence(rules: QCRules) -> None:
    slices = build_series(count=8, spacing=2.0, origin=(0.0, 0.0, 0.0), headers=True)
    slices[4].ImagePositionPatient = [0.0, 0.0, 8.6]
    finding = _finding(check_series(slices, rules), Code.INCONSISTENT_SPACING)
    assert finding.evidence["expected_spacing_mm"] == 2.0
    assert finding.evidence["intervals"] == [
        {"after_position_mm": 6.0, "size_mm": 2.6},
        {"after_position_mm": 8.6, "size_mm": 1.4},
    ]
    assert (finding.evidence["min_spacing_mm"], finding.evidence["max_spacing_mm"]) == (1.4, 2.6)


def test_mixed_orientation_evidence(rules: QCRules) -> None:
    slices = build_series(headers=True)
    slices[4].ImageOrientationPatient = [*CORONAL[0], *CORONAL[1]]
    qc = check_series(slices, rules)
    finding = _finding(qc, Code.MIXED_ORIENTATION)
    assert finding.evidence == {
        "orientation_count": 2,
        "deviating_instances": 1,
        "instance_numbers": [5],
        "max_angle_deg": 90.0,
    }
    assert Code.MISSING_SLICE not in qc.checks  # no spacing along a normal the instances disagree on


def test_mixed_dimensions_evidence(rules: QCRules) -> None:
    slices = build_series(headers=True)
    slices[0].Rows = 64
    slices[1].PixelSpacing = [0.5, 0.5]
    finding = _finding(check_series(slices, rules), Code.MIXED_DIMENSIONS)
    assert finding.evidence == {
        "values": {"Rows": {"128": 11, "64": 1}, "PixelSpacing": {"0.661468\\0.661468": 11, "0.5\\0.5": 1}}
    }


# ---------------------------------------------------------------- malformed values: ERROR


@pytest.mark.parametrize(
    ("keyword", "value", "problem"),
    [
        ("ImagePositionPatient", [1.0, 2.0], "expected 3 values, got 2"),
        ("ImageOrientationPatient", [1.0, 0.0, 0.0, 0.0, 1.0], "expected 6 values, got 5"),
        ("ImageOrientationPatient", [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], "row and column not orthogonal"),
        ("ImageOrientationPatient", [0.0, 0.0, 0.0, 0.0, 1.0, 0.0], "zero direction vector"),
        ("PixelSpacing", [0.0, 0.5], "not positive"),
    ],
)
def test_malformed_values_are_errors(keyword: str, value: list[float], problem: str, rules: QCRules) -> None:
    slices = build_series(headers=True)
    setattr(slices[6], keyword, value)
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.ERROR
    finding = _finding(qc, Code.MALFORMED_ATTRIBUTE)
    assert finding.evidence == {
        "attribute": keyword,
        "problem": problem,
        "instance_count": 1,
        "instance_numbers": [7],
    }


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_non_numeric_position_is_an_error(strict: bool, rules: QCRules) -> None:
    # strict pydicom raises when the value is decoded, lenient pydicom hands over the strings
    if not strict:
        pydicom.config.settings.reading_validation_mode = pydicom.config.WARN
    slices = build_series()
    slices[3][0x00200032] = RawDataElement(Tag(0x00200032), "DS", 12, b"1.0\\abc\\3.0 ", 0, False, True)
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.ERROR
    finding = _finding(qc, Code.MALFORMED_ATTRIBUTE)
    assert finding.evidence["problem"] == ("undecodable" if strict else "not numeric")


def test_malformed_number_of_frames_is_an_error(rules: QCRules) -> None:
    slices = build_series(headers=True)
    slices[0].add_new(0x00280008, "IS", None)
    slices[0][0x00280008]._value = ["1A"]  # as in pydicom's badVR.dcm
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.ERROR
    assert _finding(qc, Code.MALFORMED_ATTRIBUTE).evidence["attribute"] == "NumberOfFrames"


# ---------------------------------------------------------------- geometry absent


@pytest.mark.parametrize("everywhere", [True, False])
@pytest.mark.parametrize("keyword", ["ImagePositionPatient", "ImageOrientationPatient"])
def test_cross_sectional_images_without_geometry_fail(keyword: str, everywhere: bool, rules: QCRules) -> None:
    slices = build_series("MR_small.dcm", headers=True)
    for ds in slices if everywhere else slices[:1]:
        del ds[keyword]
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.FAIL
    assert _problems(qc) == {Code.MISSING_GEOMETRY}
    assert _finding(qc, Code.MISSING_GEOMETRY).evidence == {
        "instances_lacking": {keyword: 12 if everywhere else 1},
        "instance_count": 12,
    }


# ---------------------------------------------------------------- volumetric checks not applicable


@pytest.mark.parametrize(
    ("name", "count", "reason"),
    [
        ("US1_UNCR.dcm", 3, "modality"),
        ("RG1_UNCR.dcm", 2, "modality"),  # CR
        ("SC_rgb.dcm", 2, "modality"),  # OT secondary capture
        ("reportsi.dcm", 1, "modality"),  # SR
        ("liver.dcm", 1, "modality"),  # SEG
        ("emri_small.dcm", 1, "multi_frame"),  # enhanced MR
        ("CT_small.dcm", 1, "single_instance"),
    ],
)
def test_not_volumetric(name: str, count: int, reason: str, rules: QCRules) -> None:
    slices = [header_only(read(name)) for _ in range(count)]
    qc = check_series(slices, rules)
    assert qc == SeriesQC(verdict=Verdict.PASS, findings=[], checks=[APPLICABILITY, f"not_volumetric:{reason}"])


def test_localizer_series_is_not_a_volume(rules: QCRules) -> None:
    slices = build_series(count=3, orientation=ORIENTATIONS["coronal"], headers=True)
    for ds in slices:
        ds.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    slices[1].ImagePositionPatient = [0.0, 0.0, 0.0]  # scouts need not be evenly spaced
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.PASS
    assert qc.checks == [APPLICABILITY, "not_volumetric:localizer"]


def test_localizer_inside_an_axial_series_is_left_out(rules: QCRules) -> None:
    slices = build_series(headers=True)
    scout = copy.deepcopy(slices[0])
    scout.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    scout.ImageOrientationPatient = [*CORONAL[0], *CORONAL[1]]
    qc = check_series([scout, *slices], rules)
    assert qc.verdict is Verdict.PASS
    assert "localizers_excluded" in qc.checks
    assert Code.MISSING_SLICE in qc.checks  # the axial slices were still checked


def test_empty_series_is_an_error(rules: QCRules) -> None:
    qc = check_series([], rules)
    assert qc.verdict is Verdict.ERROR
    assert _problems(qc) == {Code.NO_INSTANCES}


# ---------------------------------------------------------------- properties


@settings(max_examples=30, deadline=None)
@given(
    count=st.integers(7, 30),  # at least 4 slices remain: one gap among 3+ intervals leaves the median true
    spacing=st.floats(0.5, 8.0),
    tilt=st.floats(-60, 60),
    removed=st.integers(1, 3),
    data=st.data(),
)
def test_removing_interior_slices_is_always_found(
    count: int, spacing: float, tilt: float, removed: int, data: st.DataObject
) -> None:
    rules = load_rules()
    m = rotation(0, tilt)
    orientation = (rotate(m, (1.0, 0.0, 0.0)), rotate(m, (0.0, 1.0, 0.0)))
    slices = build_series(count=count, spacing=spacing, orientation=orientation, headers=True)
    assert check_series(slices, rules).verdict is Verdict.PASS
    start = data.draw(st.integers(1, count - 1 - removed))
    del slices[start : start + removed]
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.MISSING_SLICE}
    assert _finding(qc, Code.MISSING_SLICE).evidence["estimated_missing"] == removed


# ---------------------------------------------------------------- study verdict


def _qc(verdict: Verdict, *codes: str) -> SeriesQC:
    return SeriesQC(
        verdict=verdict, findings=[QCFinding(code=c, verdict=verdict, message="m") for c in codes], checks=["x"]
    )


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([Verdict.PASS, Verdict.PASS], Verdict.PASS),
        ([Verdict.PASS, Verdict.FAIL], Verdict.FAIL),
        ([Verdict.FAIL, Verdict.ERROR, Verdict.PASS], Verdict.ERROR),
        ([Verdict.ERROR], Verdict.ERROR),
    ],
)
def test_study_verdict(verdicts: list[Verdict], expected: Verdict) -> None:
    series = {f"2.25.{i}": _qc(v, *([f"code_{i}"] if v is not Verdict.PASS else [])) for i, v in enumerate(verdicts)}
    study = study_verdict(series)
    assert study.verdict is expected
    assert [(f.series_uid, f.code) for f in study.findings] == [
        (uid, f.code) for uid, qc in series.items() for f in qc.findings
    ]
    assert all(f.series_uid is None for qc in series.values() for f in qc.findings)  # inputs untouched


def test_study_verdict_over_real_checks(rules: QCRules) -> None:
    gap = build_series(headers=True)
    del gap[5]
    series = {"2.25.1": check_series(build_series(headers=True), rules), "2.25.2": check_series(gap, rules)}
    study = study_verdict(series)
    assert study.verdict is Verdict.FAIL
    assert [(f.series_uid, f.code) for f in study.findings] == [("2.25.2", Code.MISSING_SLICE)]


def test_study_without_series_is_an_error() -> None:
    study = study_verdict({})
    assert study.verdict is Verdict.ERROR
    assert [f.code for f in study.findings] == [Code.NO_SERIES]
