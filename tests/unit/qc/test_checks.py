"""QC checks on series built from real files, clean and with one injected defect each."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom import Dataset
from pydicom.dataelem import RawDataElement
from pydicom.tag import Tag

from contracts import QCFinding, SeriesQC, Verdict
from services.qc.checks import (
    APPLICABILITY,
    LOCALIZERS_EXCLUDED,
    NOT_CHECKED,
    Code,
    SeriesKind,
    check_series,
    check_study,
    classify,
    study_verdict,
)
from services.qc.rules import QCRules, load_rules
from tests.unit.series import (
    AXIAL,
    CORONAL,
    ORIENTATIONS,
    build_series,
    header_only,
    localizers,
    read,
    renumber,
    rotate,
    rotation,
)

TEMPLATES = ["CT_small.dcm", "MR_small.dcm", "693_UNCR.dcm", "MR2_UNCR.dcm"]
CONSISTENCY_CHECKS = [Code.MIXED_MODALITY, Code.MISSING_REQUIRED_ATTRIBUTE]
VOLUMETRIC_CHECKS = [
    *CONSISTENCY_CHECKS,
    APPLICABILITY,
    Code.MISSING_GEOMETRY,
    Code.MIXED_FRAME_OF_REFERENCE,
    Code.MALFORMED_ATTRIBUTE,
    Code.MIXED_DIMENSIONS,
    Code.MIXED_ORIENTATION,
    Code.DUPLICATE_POSITION,
    Code.MISSING_SLICE,
    Code.INCONSISTENT_SPACING,
    Code.MISALIGNED_SLICE,
]


pytestmark = pytest.mark.usefixtures("strict_pydicom")


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
    stack_check = Code.GANTRY_TILT if slices[0].Modality == "CT" else Code.SKEWED_STACK
    assert qc.checks == [*VOLUMETRIC_CHECKS, stack_check, Code.INSTANCE_ORDER]
    assert qc.verdict is Verdict.PASS
    # shuffled InstanceNumbers are recognised (PASS), never a defect: slices are ordered by position
    assert [(f.code, f.verdict) for f in qc.findings] == (
        [(Code.INSTANCE_ORDER, Verdict.PASS)] if order == "shuffled" else []
    )


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
    assert (qc.verdict, qc.findings) == (Verdict.PASS, [])
    assert qc.checks[-2:] == [APPLICABILITY, f"not_volumetric:{reason}"]
    # CT, MR and Secondary Capture are in the IOD table; other SOP classes are recorded as not checked
    covered = slices[0].SOPClassUID in {"1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4",
                                        "1.2.840.10008.5.1.4.1.1.7"}
    assert (Code.MISSING_REQUIRED_ATTRIBUTE in qc.checks) is covered
    assert (f"{NOT_CHECKED}:{Code.MISSING_REQUIRED_ATTRIBUTE}" in qc.checks) is not covered


def test_localizer_series_is_not_a_volume(rules: QCRules) -> None:
    slices = build_series(count=3, orientation=ORIENTATIONS["coronal"], headers=True)
    for ds in slices:
        ds.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    slices[1].ImagePositionPatient = [0.0, 0.0, 0.0]  # scouts need not be evenly spaced
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.PASS
    assert qc.checks == [*CONSISTENCY_CHECKS, APPLICABILITY, "not_volumetric:localizer"]


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


# ---------------------------------------------------------------- gantry tilt and skewed stacks


@pytest.mark.parametrize("tilt", [-25.0, -7.5, 12.0, 30.0])
@pytest.mark.parametrize("order", ["ascending", "shuffled"])
def test_tilted_ct_is_recognised_and_passes(tilt: float, order: str, rules: QCRules) -> None:
    slices = build_series("CT_small.dcm", count=20, spacing=1.25, tilt=tilt, order=order, headers=True)
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.PASS
    assert _problems(qc) == set()
    finding = _finding(qc, Code.GANTRY_TILT)
    assert finding.verdict is Verdict.PASS
    assert finding.evidence["tilt_deg"] == pytest.approx(abs(tilt), abs=1e-3)
    assert finding.evidence["gantry_detector_tilt_deg"] == pytest.approx(tilt)


def test_tilted_ct_defects_keep_their_codes(rules: QCRules) -> None:
    slices = build_series("CT_small.dcm", count=16, spacing=1.0, tilt=20.0, headers=True)
    del slices[7]
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.MISSING_SLICE}
    assert _finding(qc, Code.MISSING_SLICE).evidence["estimated_missing"] == 1
    assert Code.GANTRY_TILT in {f.code for f in qc.findings}


def test_tilt_in_the_header_only_is_reported(rules: QCRules) -> None:
    slices = build_series("CT_small.dcm", headers=True)
    for ds in slices:
        ds.GantryDetectorTilt = 15.0
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.PASS
    assert _finding(qc, Code.GANTRY_TILT).evidence == {"tilt_deg": 0.0, "gantry_detector_tilt_deg": 15.0}


def test_untilted_ct_records_no_tilt(rules: QCRules) -> None:
    qc = check_series(build_series("CT_small.dcm", headers=True), rules)
    assert Code.GANTRY_TILT in qc.checks
    assert Code.GANTRY_TILT not in {f.code for f in qc.findings}


@pytest.mark.parametrize("template", ["MR_small.dcm", "MR2_UNCR.dcm"])
def test_skewed_mr_stack_fails(template: str, rules: QCRules) -> None:
    slices = build_series(template, tilt=10.0, headers=True)
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.SKEWED_STACK}
    assert _finding(qc, Code.SKEWED_STACK).evidence == {"angle_deg": 10.0, "tolerance_deg": 0.5}


def test_misaligned_slice(rules: QCRules) -> None:
    slices = build_series(count=10, spacing=2.0, origin=(0.0, 0.0, 0.0), headers=True)
    slices[4].ImagePositionPatient = [3.0, 0.0, 8.0]  # 3 mm off along the rows, in its own plane
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.MISALIGNED_SLICE}
    assert _finding(qc, Code.MISALIGNED_SLICE).evidence == {
        "instance_count": 1, "instance_numbers": [5], "max_offset_mm": 3.0, "tolerance_mm": 0.5,
    }


# ---------------------------------------------------------------- several volumes in one series


@pytest.mark.parametrize(
    ("template", "volumes", "keys"),
    [
        ("MR_small.dcm", [{"EchoNumbers": e, "EchoTime": 10.0 * e} for e in (1, 2, 3)], ["EchoNumbers"]),
        ("MR2_UNCR.dcm", [{"DiffusionBValue": b, "DiffusionGradientOrientation": d}
                          for b, d in ((0.0, [0.0, 0.0, 0.0]), (1000.0, [1.0, 0.0, 0.0]), (1000.0, [0.0, 1.0, 0.0]))],
         ["DiffusionBValue", "DiffusionGradientOrientation"]),
        ("CT_small.dcm", [{"TemporalPositionIdentifier": t} for t in (1, 2, 3, 4)], ["TemporalPositionIdentifier"]),
        ("693_UNCR.dcm", [{"AcquisitionNumber": a} for a in (1, 2)], ["AcquisitionNumber"]),
    ],
    ids=["multi_echo", "diffusion", "multi_phase", "acquisitions"],
)
def test_volumes_sharing_positions_are_grouped(
    template: str, volumes: list[dict[str, object]], keys: list[str], rules: QCRules
) -> None:
    slices = build_series(template, count=8, volumes=volumes, order="shuffled", headers=True)
    qc = check_series(slices, rules)
    assert qc.verdict is Verdict.PASS
    assert _problems(qc) == set()
    finding = _finding(qc, Code.MULTI_VOLUME)
    assert finding.evidence["keys"] == keys
    assert [v["instances"] for v in finding.evidence["volumes"]] == [8] * len(volumes)


def test_duplicate_within_one_echo_is_a_duplicate(rules: QCRules) -> None:
    slices = build_series("MR_small.dcm", count=8, spacing=2.0, origin=(0.0, 0.0, 0.0), headers=True,
                          volumes=[{"EchoNumbers": 1}, {"EchoNumbers": 2}])
    twin = next(ds for ds in slices if ds.EchoNumbers == 2 and float(ds.ImagePositionPatient[2]) == 6.0)
    slices += renumber([twin])
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.DUPLICATE_POSITION}
    assert _finding(qc, Code.DUPLICATE_POSITION).evidence == {
        "positions": [{"position_mm": 6.0, "count": 2}], "duplicate_count": 1, "distinct_positions": 8,
        "volume": {"EchoNumbers": "2"},
    }


def test_one_echo_lacking_its_last_slice_misses_a_slice(rules: QCRules) -> None:
    slices = build_series("MR_small.dcm", count=8, spacing=2.0, origin=(0.0, 0.0, 0.0), headers=True,
                          volumes=[{"EchoNumbers": 1}, {"EchoNumbers": 2}])
    slices = [ds for ds in slices if not (ds.EchoNumbers == 1 and float(ds.ImagePositionPatient[2]) == 14.0)]
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.MISSING_SLICE}
    assert _finding(qc, Code.MISSING_SLICE).evidence == {
        "volume": {"EchoNumbers": "1"}, "absent_positions_mm": [14.0], "estimated_missing": 1,
    }


def test_a_slice_acquired_again_is_a_duplicate_not_a_volume(rules: QCRules) -> None:
    slices = build_series("CT_small.dcm", count=12, spacing=2.0, origin=(0.0, 0.0, 0.0), headers=True)
    again = renumber([slices[6]])[0]
    again.AcquisitionNumber = 2
    qc = check_series([*slices, again], rules)
    assert _problems(qc) == {Code.DUPLICATE_POSITION}
    assert "volume" not in _finding(qc, Code.DUPLICATE_POSITION).evidence
    assert Code.MULTI_VOLUME not in {f.code for f in qc.findings}


def test_sequential_ct_acquisitions_without_repeats_are_one_volume(rules: QCRules) -> None:
    slices = build_series("CT_small.dcm", count=16, headers=True)
    for ds in slices:
        ds.AcquisitionNumber = 1 + (int(ds.InstanceNumber) - 1) // 4
    qc = check_series(slices, rules)
    assert (qc.verdict, qc.findings) == (Verdict.PASS, [])


# ---------------------------------------------------------------- series kinds


def test_localizers_mixed_into_a_volume_pass(rules: QCRules) -> None:
    slices = build_series(headers=True)
    qc = check_series([*slices, *localizers(slices, 3)], rules)
    assert (qc.verdict, qc.findings) == (Verdict.PASS, [])
    assert LOCALIZERS_EXCLUDED in qc.checks


def test_rotating_mip_is_a_projection_not_a_volume(rules: QCRules) -> None:
    slices = build_series(count=6, headers=True)
    for k, ds in enumerate(slices):
        m = rotation(2, 60.0 * k)
        ds.ImageOrientationPatient = [round(v, 8) for v in (*rotate(m, AXIAL[0]), *rotate(m, AXIAL[1]))]
        ds.ImageType = ["DERIVED", "SECONDARY", "MIP"]
    qc = check_series(slices, rules)
    assert (qc.verdict, qc.findings) == (Verdict.PASS, [])
    assert qc.checks[-1] == "not_volumetric:derived_projection"
    assert classify(slices, rules)[0] is SeriesKind.PROJECTION


def test_derived_reformat_is_checked_as_a_volume(rules: QCRules) -> None:
    slices = build_series(headers=True)
    for ds in slices:
        ds.ImageType = ["DERIVED", "SECONDARY", "MPR"]
    assert classify(slices, rules)[0] is SeriesKind.DERIVED
    del slices[5]
    assert _problems(check_series(slices, rules)) == {Code.MISSING_SLICE}


def test_secondary_capture_with_a_ct_modality_is_not_a_volume(rules: QCRules) -> None:
    slices = [header_only(read("SC_rgb.dcm")) for _ in range(2)]
    for ds in slices:
        ds.Modality = "CT"
    qc = check_series(slices, rules)
    assert (qc.verdict, qc.checks[-1]) == (Verdict.PASS, "not_volumetric:secondary_capture")


def test_kinds(rules: QCRules) -> None:
    assert classify(build_series(headers=True), rules)[0] is SeriesKind.ACQUISITION
    assert classify(build_series("MR_small.dcm", headers=True), rules)[0] is SeriesKind.DERIVED  # DERIVED\SECONDARY
    assert classify([header_only(read("US1_UNCR.dcm"))], rules)[0] is SeriesKind.NON_VOLUMETRIC
    assert classify([header_only(read("emri_small.dcm"))], rules)[0] is SeriesKind.MULTI_FRAME


# ---------------------------------------------------------------- consistency within the series


def test_mixed_modality(rules: QCRules) -> None:
    slices = build_series(headers=True)
    slices[3].Modality = "OT"
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.MIXED_MODALITY}
    assert _finding(qc, Code.MIXED_MODALITY).evidence == {"values": {"CT": 11, "OT": 1}}


def test_mixed_frame_of_reference(rules: QCRules) -> None:
    slices = build_series(headers=True)
    for ds in slices[:2]:
        ds.FrameOfReferenceUID = "2.25.42"
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.MIXED_FRAME_OF_REFERENCE}
    evidence = _finding(qc, Code.MIXED_FRAME_OF_REFERENCE).evidence
    assert (evidence["frame_of_reference_count"], evidence["instances_per_frame"]) == (2, [10, 2])
    assert sorted(evidence["instance_numbers"]) == sorted(int(ds.InstanceNumber) for ds in slices[:2])


def test_localizers_may_have_their_own_frame_of_reference(rules: QCRules) -> None:
    slices = build_series(headers=True)
    scouts = localizers(slices)
    for ds in scouts:
        ds.FrameOfReferenceUID = "2.25.43"
    assert check_series([*slices, *scouts], rules).verdict is Verdict.PASS


@pytest.mark.parametrize("everywhere", [True, False])
@pytest.mark.parametrize(
    ("template", "keyword", "kind", "module"),
    [
        ("CT_small.dcm", "KVP", "2", "CTImage"),
        ("CT_small.dcm", "RescaleSlope", "1", "CTImage"),
        ("MR_small.dcm", "ScanningSequence", "1", "MRImage"),
        ("MR_small.dcm", "StudyDate", "2", "GeneralStudy"),
        ("693_UNCR.dcm", "FrameOfReferenceUID", "1", "FrameOfReference"),
    ],
)
def test_missing_required_attribute(
    template: str, keyword: str, kind: str, module: str, everywhere: bool, rules: QCRules
) -> None:
    slices = build_series(template, headers=True)
    for ds in slices if everywhere else slices[4:5]:
        del ds[keyword]
    qc = check_series(slices, rules)
    assert _problems(qc) == {Code.MISSING_REQUIRED_ATTRIBUTE}
    evidence = _finding(qc, Code.MISSING_REQUIRED_ATTRIBUTE).evidence
    assert evidence["attributes"] == [keyword]
    assert (evidence["type"], evidence["module"], evidence["problem"]) == (kind, module, "absent")
    assert evidence["instance_count"] == (12 if everywhere else 1)


def test_empty_type1_fails_and_empty_type2_passes(rules: QCRules) -> None:
    slices = build_series(headers=True)
    slices[2].StudyDate = ""  # Type 2: may be empty
    slices[3].ImageType = None  # Type 1: must have a value
    qc = check_series(slices, rules)
    evidence = _finding(qc, Code.MISSING_REQUIRED_ATTRIBUTE).evidence
    assert (evidence["attributes"], evidence["problem"], evidence["instance_numbers"]) == (["ImageType"], "empty", [4])


def test_deidentified_without_a_method_fails(rules: QCRules) -> None:
    slices = build_series(headers=True)
    for ds in slices:
        ds.PatientIdentityRemoved = "YES"
    qc = check_series(slices, rules)
    evidence = _finding(qc, Code.MISSING_REQUIRED_ATTRIBUTE).evidence
    assert evidence["attributes"] == ["DeidentificationMethod", "DeidentificationMethodCodeSequence"]
    assert evidence["type"] == "1C"


# ---------------------------------------------------------------- the study


def _study(series: dict[str, list[Dataset]], patient: str | None = "P1") -> list[QCFinding]:
    return check_study(series, study_uid="2.25.7", patient_id=patient, rules=load_rules())


def _identified(slices: list[Dataset], study: str = "2.25.7", patient: str = "P1") -> list[Dataset]:
    for ds in slices:
        ds.StudyInstanceUID, ds.PatientID = study, patient
    return slices


def test_consistent_study_has_no_findings() -> None:
    series = {"2.25.1": _identified(build_series(headers=True)), "2.25.2": _identified(build_series(headers=True))}
    assert _study(series) == []


def test_instances_of_another_patient_or_study() -> None:
    other = _identified(build_series(headers=True))
    other[0].PatientID = "P2"
    other[1].StudyInstanceUID = "2.25.8"
    series = {"2.25.1": _identified(build_series(headers=True)), "2.25.2": other}
    findings = {f.code: f for f in _study(series)}
    assert set(findings) == {Code.MIXED_PATIENT, Code.MIXED_STUDY}
    one_off = {"instance_count": 1, "distinct_values": 2, "series_uids": ["2.25.2"]}
    assert findings[Code.MIXED_PATIENT].evidence == one_off
    assert findings[Code.MIXED_STUDY].evidence == one_off
    assert all(f.verdict is Verdict.FAIL for f in findings.values())


def test_every_instance_names_another_patient_than_the_event() -> None:
    series = {"2.25.1": _identified(build_series(headers=True), patient="P9")}
    assert [f.code for f in _study(series)] == [Code.MIXED_PATIENT]
    assert _study(series, patient=None) == []  # without an expected pseudonym they only have to agree


def test_study_findings_decide_the_study_verdict(rules: QCRules) -> None:
    series_qc = {"2.25.1": check_series(build_series(headers=True), rules)}
    mixed = QCFinding(code=Code.MIXED_PATIENT, verdict=Verdict.FAIL, message="m")
    study = study_verdict(series_qc, [mixed])
    assert study.verdict is Verdict.FAIL
    assert [f.code for f in study.findings] == [Code.MIXED_PATIENT]
    assert study.findings[0].series_uid is None


def test_instance_order_evidence(rules: QCRules) -> None:
    slices = build_series(count=5, headers=True)
    for ds, number in zip(slices, [3, 1, 2, 5, 4], strict=True):
        ds.InstanceNumber = number
    assert _finding(check_series(slices, rules), Code.INSTANCE_ORDER).evidence == {
        "instance_numbers_by_position": [3, 1, 2, 5, 4]
    }
