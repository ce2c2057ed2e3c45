"""Enhanced multi-frame series are judged frame by frame: each frame placed by its functional groups."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import pytest
from pydicom import Dataset
from pydicom.uid import generate_uid

from contracts import SeriesQC, Verdict
from services.qc.checks import SeriesKind, check_series, classify
from services.qc.codes import Code
from services.qc.geometry import Malformed, frame_headers
from services.qc.rules import QCRules
from tests.unit.series import ORIENTATIONS, build_series, read


def enhanced(slices: Sequence[Dataset]) -> Dataset:
    """One legacy converted enhanced instance made by highdicom from a single-frame series."""
    from highdicom.legacy import LegacyConvertedEnhancedCTImage, LegacyConvertedEnhancedMRImage

    converter = LegacyConvertedEnhancedCTImage if slices[0].Modality == "CT" else LegacyConvertedEnhancedMRImage
    return converter(list(slices), series_instance_uid=generate_uid(), series_number=1,
                     sop_instance_uid=generate_uid(), instance_number=1)


def problems(qc: SeriesQC) -> set[str]:
    return {f.code for f in qc.findings if f.verdict is not Verdict.PASS}


@pytest.mark.parametrize("orientation", ["axial", "coronal", "sagittal", "oblique"])
@pytest.mark.parametrize("template", ["CT_small.dcm", "MR_small.dcm"])
def test_clean_enhanced_series_pass_with_every_volumetric_check(template: str, orientation: str,
                                                                 rules: QCRules) -> None:
    slices = build_series(template, count=16, spacing=1.5, orientation=ORIENTATIONS[orientation], order="shuffled")
    qc = check_series([enhanced(slices)], rules)
    assert qc.verdict is Verdict.PASS, qc.findings
    assert {Code.MISSING_SLICE, Code.DUPLICATE_POSITION, Code.INCONSISTENT_SPACING} <= set(qc.checks)
    kind = classify([enhanced(slices)], rules)[0]
    assert kind is classify(slices, rules)[0] and kind in (SeriesKind.ACQUISITION, SeriesKind.DERIVED)


def test_a_missing_frame_is_a_missing_slice(rules: QCRules) -> None:
    slices = build_series("CT_small.dcm", count=16, spacing=1.0)
    del slices[6]
    qc = check_series([enhanced(slices)], rules)
    assert qc.verdict is Verdict.FAIL and problems(qc) == {Code.MISSING_SLICE}


def test_a_repeated_frame_is_a_duplicate_position(rules: QCRules) -> None:
    slices = build_series("CT_small.dcm", count=12, spacing=1.0)
    again = copy.deepcopy(slices[4])
    again.SOPInstanceUID = generate_uid()
    qc = check_series([enhanced([*slices, again])], rules)
    assert qc.verdict is Verdict.FAIL and problems(qc) == {Code.DUPLICATE_POSITION}


def test_echoes_in_one_instance_are_volumes_not_duplicates(rules: QCRules) -> None:
    slices = build_series("MR_small.dcm", count=10, spacing=3.0,
                          volumes=[{"EchoNumbers": 1, "EchoTime": 10.0}, {"EchoNumbers": 2, "EchoTime": 80.0}])
    qc = check_series([enhanced(slices)], rules)
    assert qc.verdict is Verdict.PASS
    [multi] = [f for f in qc.findings if f.code == Code.MULTI_VOLUME]
    assert multi.evidence["keys"] == ["EchoNumbers"]


def test_frames_keep_the_instance_identity_and_the_converted_attributes() -> None:
    slices = build_series("CT_small.dcm", count=5, spacing=2.0)
    instance = enhanced(slices)
    frames = frame_headers(instance)
    assert frames is not None and len(frames) == 5
    assert {f.SOPInstanceUID for f in frames} == {instance.SOPInstanceUID}
    assert sorted(f.InstanceNumber for f in frames) == [1, 2, 3, 4, 5]
    assert [float(v) for v in frames[0].PixelSpacing] == [float(v) for v in slices[0].PixelSpacing]


def test_per_frame_groups_that_do_not_match_the_frames_are_malformed(rules: QCRules) -> None:
    instance = enhanced(build_series("CT_small.dcm", count=4, spacing=2.0))
    del instance.PerFrameFunctionalGroupsSequence[-1]
    with pytest.raises(Malformed):
        frame_headers(instance)
    qc = check_series([instance], rules)
    assert qc.verdict is Verdict.ERROR and problems(qc) == {Code.MALFORMED_ATTRIBUTE}


@pytest.mark.parametrize("name", ["emri_small.dcm", "examples_ybr_color.dcm", "rtdose.dcm"])
def test_multi_frame_without_functional_groups_is_not_volumetric(name: str, rules: QCRules) -> None:
    ds = read(name)
    assert frame_headers(ds) is None or ds.Modality not in rules.volumetric_modalities
