"""series_geometry on series built from real files, checked against SimpleITK's and dcm2niix's readings."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pydicom
import pytest
import SimpleITK
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom.dataelem import RawDataElement
from pydicom.tag import Tag

from services.harmonize.geometry import (
    PLANE_TOLERANCE_DEG,
    GeometryUnavailable,
    Reason,
    series_geometry,
    slice_plane,
)
from tests.unit.series import (
    AXIAL,
    CORONAL,
    OBLIQUE,
    ORIENTATIONS,
    SAGITTAL,
    build_series,
    cross,
    read,
    renumber,
    rotate,
    rotation,
    write,
)

sitk: Any = SimpleITK  # SimpleITK's wrappers are untyped


@pytest.fixture(autouse=True)
def _strict_pydicom() -> object:
    """Tests run with pydicom refusing invalid values (STYLE: strictness is a setting)."""
    config = pydicom.config.settings
    saved = config.reading_validation_mode
    config.reading_validation_mode = pydicom.config.RAISE
    yield
    config.reading_validation_mode = saved


def _close(a: tuple[float, ...], b: tuple[float, ...], tol: float = 1e-4) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------- values


@pytest.mark.parametrize("headers", [False, True], ids=["full", "header_only"])
@pytest.mark.parametrize("order", ["ascending", "reversed", "shuffled"])
def test_axial_ct_series(order: str, headers: bool) -> None:
    g = series_geometry(build_series("CT_small.dcm", spacing=2.5, order=order, headers=headers))
    assert (g.rows, g.columns, g.slice_count) == (128, 128, 12)
    assert g.pixel_spacing == pytest.approx((0.661468, 0.661468))
    assert g.slice_spacing == pytest.approx(2.5, abs=1e-5)
    assert g.slice_thickness == pytest.approx(5.0)  # header value, not the spacing
    assert (g.plane, g.orientation) == ("AXIAL", "LPS")
    assert g.direction == pytest.approx((1, 0, 0, 0, 1, 0, 0, 0, 1))
    assert g.origin == pytest.approx((-80.0, -90.0, 10.0))  # lowest along the normal, whatever the order
    assert g.extent_mm == pytest.approx((128 * 0.661468, 128 * 0.661468, 11 * 2.5 + 2.5), abs=1e-4)


@pytest.mark.parametrize(
    ("name", "plane", "code"),
    [("axial", "AXIAL", "LPS"), ("coronal", "CORONAL", "LIP"), ("sagittal", "SAGITTAL", "PIR")],
)
def test_planes_and_orientation_codes(name: str, plane: str, code: str) -> None:
    g = series_geometry(build_series("MR_small.dcm", orientation=ORIENTATIONS[name], headers=True))
    assert (g.plane, g.orientation) == (plane, code)
    row, column = ORIENTATIONS[name]
    assert g.direction == pytest.approx((*row, *column, *cross(row, column)))


def test_oblique_series() -> None:
    g = series_geometry(build_series("CT_small.dcm", orientation=OBLIQUE, spacing=3.0))
    assert g.plane == "OBLIQUE"
    assert g.slice_spacing == pytest.approx(3.0, abs=1e-4)
    normal = g.direction[6:]
    assert math.isclose(sum(c * c for c in normal), 1.0, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("tilt", "plane"), [(PLANE_TOLERANCE_DEG - 1, "AXIAL"), (PLANE_TOLERANCE_DEG + 1, "OBLIQUE"), (85.0, "CORONAL")]
)
def test_plane_tolerance(tilt: float, plane: str) -> None:
    tilted = rotation(0, tilt)
    orientation = (rotate(tilted, AXIAL[0]), rotate(tilted, AXIAL[1]))
    g = series_geometry(build_series(orientation=orientation, headers=True))
    assert g.plane == plane
    assert slice_plane((0.0, 0.0, -1.0)) == "AXIAL"


def test_spacing_is_median_of_positions_not_instance_order() -> None:
    # InstanceNumbers run against the positions and SliceThickness (5 mm) is not the spacing (1.25 mm)
    slices = build_series("CT_small.dcm", spacing=1.25, order="reversed", headers=True)
    assert int(slices[0].InstanceNumber) == 12
    g = series_geometry(slices)
    assert g.slice_spacing == pytest.approx(1.25, abs=1e-5)
    assert g.origin == pytest.approx(tuple(float(v) for v in slices[0].ImagePositionPatient))


def test_median_ignores_one_gap() -> None:
    slices = build_series(spacing=2.0, count=13, headers=True)
    del slices[6]
    g = series_geometry(slices)
    assert g.slice_spacing == pytest.approx(2.0)
    assert g.slice_count == 12
    assert g.extent_mm[2] == pytest.approx(12 * 2.0 + 2.0)


def test_repeated_positions_count_once() -> None:
    slices = build_series(count=6, headers=True)
    g = series_geometry(slices + renumber(slices))  # e.g. two echoes per position
    assert g.slice_count == 6
    assert g.slice_spacing == pytest.approx(2.5)


def test_single_slice() -> None:
    g = series_geometry(build_series(count=1, headers=True))
    assert g.slice_count == 1
    assert g.slice_spacing is None
    assert g.extent_mm[2] == pytest.approx(5.0)  # SliceThickness stands in for the depth


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(2, 20),
    spacing=st.floats(0.3, 10.0),
    angles=st.tuples(st.floats(-180, 180), st.floats(-180, 180), st.floats(-180, 180)),
)
def test_any_rotation(count: int, spacing: float, angles: tuple[float, float, float]) -> None:
    m = rotation(0, angles[0])
    for axis in (1, 2):
        r = rotation(axis, angles[axis])
        m = tuple(tuple(sum(r[i][k] * m[k][j] for k in range(3)) for j in range(3)) for i in range(3))  # type: ignore[assignment]
    orientation = (rotate(m, AXIAL[0]), rotate(m, AXIAL[1]))
    slices = build_series(count=count, spacing=spacing, orientation=orientation, order="shuffled", headers=True)
    g = series_geometry(slices)
    assert g.slice_count == count
    assert g.slice_spacing == pytest.approx(spacing, abs=1e-4)
    assert _close(g.direction[6:], cross(*orientation), 1e-6)
    assert g.origin == pytest.approx((-80.0, -90.0, 10.0), abs=1e-5)
    assert len(g.orientation) == 3 and set(g.orientation) <= set("LRAPSI")


# ---------------------------------------------------------------- oracles


@pytest.mark.parametrize("name", ["axial", "coronal", "sagittal", "oblique"])
@pytest.mark.parametrize("template", ["CT_small.dcm", "MR_small.dcm"])
def test_matches_simpleitk_series_reader(template: str, name: str, tmp_path: Path) -> None:
    slices = build_series(template, orientation=ORIENTATIONS[name], spacing=3.3, order="shuffled")
    write(slices, tmp_path)
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(sitk.ImageSeriesReader.GetGDCMSeriesFileNames(str(tmp_path)))
    image = reader.Execute()
    g = series_geometry(slices)
    assert image.GetSize() == (g.columns, g.rows, g.slice_count)
    assert _close(image.GetSpacing(), (g.pixel_spacing[1], g.pixel_spacing[0], g.slice_spacing or 0.0))
    assert _close(image.GetOrigin(), g.origin, 1e-3)
    d = image.GetDirection()  # row-major matrix whose columns are the axes
    assert _close((d[0], d[3], d[6], d[1], d[4], d[7], d[2], d[5], d[8]), g.direction, 1e-5)
    # reorienting to our code is a no-op only if the code names the image's own axes
    orient = sitk.DICOMOrientImageFilter()
    orient.SetDesiredCoordinateOrientation(g.orientation)
    assert orient.Execute(image).GetDirection() == pytest.approx(d, abs=1e-9)


@pytest.mark.skipif(shutil.which("dcm2niix") is None, reason="dcm2niix not installed")
@pytest.mark.parametrize(
    ("template", "orientation", "spacing"),
    [("CT_small.dcm", AXIAL, 2.5), ("CT_small.dcm", CORONAL, 1.7), ("MR_small.dcm", SAGITTAL, 3.3)],
    ids=["ct-axial", "ct-coronal", "mr-sagittal"],
)
def test_matches_dcm2niix(template: str, orientation: tuple[Any, Any], spacing: float, tmp_path: Path) -> None:
    slices = build_series(template, count=14, spacing=spacing, orientation=orientation, order="shuffled")
    write(slices, tmp_path / "dicom")
    _assert_dcm2niix_agrees(tmp_path, series_geometry(slices))


def _assert_dcm2niix_agrees(work: Path, g: Any) -> None:
    """dcm2niix converts `work`/dicom: same sizes, spacings within 0.01 mm and direction cosines as `g`."""
    out = work / "nifti"
    out.mkdir()
    run = subprocess.run(["dcm2niix", "-b", "y", "-z", "n", "-f", "series", "-o", str(out), str(work / "dicom")],
                         capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    (nifti,) = out.glob("*.nii")
    sidecar = json.loads(next(out.glob("*.json")).read_text())
    image = sitk.ReadImage(str(nifti))
    # dcm2niix may permute axes towards the nearest canonical orientation: pair each axis' size with its spacing
    theirs = sorted(zip(image.GetSize(), image.GetSpacing(), strict=True))
    ours = sorted([(g.columns, g.pixel_spacing[1]), (g.rows, g.pixel_spacing[0]), (g.slice_count, g.slice_spacing)])
    assert [size for size, _ in theirs] == [size for size, _ in ours]
    for (_, their_spacing), (_, our_spacing) in zip(theirs, ours, strict=True):
        assert our_spacing == pytest.approx(their_spacing, abs=0.01)
    assert sidecar["ImageOrientationPatientDICOM"] == pytest.approx(g.direction[:6], abs=1e-4)


# ---------------------------------------------------------------- no geometry


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("US1_UNCR.dcm", Reason.NO_IMAGE_POSITION),
        ("RG1_UNCR.dcm", Reason.NO_IMAGE_POSITION),
        ("SC_rgb.dcm", Reason.NO_IMAGE_POSITION),
        ("reportsi.dcm", Reason.NOT_AN_IMAGE),
        ("emri_small.dcm", Reason.MULTI_FRAME),  # enhanced MR whose functional groups the test file dropped
        ("examples_ybr_color.dcm", Reason.MULTI_FRAME),  # US cine
        ("rtdose.dcm", Reason.MULTI_FRAME),  # frames placed by GridFrameOffsetVector, no functional groups
    ],
)
def test_real_files_without_volume_geometry(name: str, code: Reason) -> None:
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry([read(name), read(name)])
    assert caught.value.code is code


def test_empty_series() -> None:
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry([])
    assert caught.value.code is Reason.NO_INSTANCES


@pytest.mark.parametrize(
    ("keyword", "code"),
    [
        ("ImagePositionPatient", Reason.NO_IMAGE_POSITION),
        ("ImageOrientationPatient", Reason.NO_IMAGE_ORIENTATION),
        ("PixelSpacing", Reason.NO_PIXEL_SPACING),
        ("Rows", Reason.NOT_AN_IMAGE),
    ],
)
def test_missing_attribute_in_one_instance(keyword: str, code: Reason) -> None:
    slices = build_series(headers=True)
    del slices[4][keyword]
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry(slices)
    assert caught.value.code is code


def test_wrong_value_count_is_malformed() -> None:
    slices = build_series(headers=True)
    slices[3].ImagePositionPatient = [1.0, 2.0]
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry(slices)
    assert caught.value.code is Reason.MALFORMED_ATTRIBUTE
    assert "ImagePositionPatient" in str(caught.value)


def test_undecodable_value_is_malformed() -> None:
    slices = build_series()
    slices[2][0x00200032] = RawDataElement(Tag(0x00200032), "DS", 12, b"1.0\\abc\\3.0 ", 0, False, True)
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry(slices)
    assert caught.value.code is Reason.MALFORMED_ATTRIBUTE


def test_mixed_orientation_and_dimensions() -> None:
    slices = build_series(headers=True)
    slices[5].ImageOrientationPatient = [*CORONAL[0], *CORONAL[1]]
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry(slices)
    assert caught.value.code is Reason.MIXED_ORIENTATION

    slices = build_series(headers=True)
    slices[5].Rows = 64
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry(slices)
    assert caught.value.code is Reason.MIXED_DIMENSIONS


# ---------------------------------------------------------------- enhanced multi-frame


def _enhanced(slices: list[pydicom.Dataset]) -> pydicom.Dataset:
    """One enhanced multi-frame instance made from a single-frame series by highdicom's legacy converter."""
    from highdicom.legacy import LegacyConvertedEnhancedCTImage, LegacyConvertedEnhancedMRImage
    from pydicom.uid import generate_uid

    converter = LegacyConvertedEnhancedCTImage if slices[0].Modality == "CT" else LegacyConvertedEnhancedMRImage
    return converter(slices, series_instance_uid=generate_uid(), series_number=1,
                     sop_instance_uid=generate_uid(), instance_number=1)


@pytest.mark.parametrize("name", ["axial", "coronal", "sagittal", "oblique"])
@pytest.mark.parametrize("template", ["CT_small.dcm", "MR_small.dcm"])
def test_enhanced_multiframe_reads_like_its_single_frame_series(template: str, name: str) -> None:
    slices = build_series(template, count=12, spacing=2.2, orientation=ORIENTATIONS[name], order="shuffled")
    enhanced = _enhanced(slices)
    assert int(enhanced.NumberOfFrames) == 12 and "PerFrameFunctionalGroupsSequence" in enhanced
    assert series_geometry([enhanced]) == series_geometry(slices)


def test_enhanced_multiframe_from_dicomweb_metadata() -> None:
    """The headers harmonize fetches: DICOM JSON without bulk data, reduced to PER_INSTANCE past the first."""
    from services.harmonize.orthanc import PER_INSTANCE, dataset_from_dicom_json

    slices = build_series("CT_small.dcm", count=8, spacing=1.25, orientation=OBLIQUE)
    enhanced = _enhanced(slices)
    item = enhanced.to_json_dict(bulk_data_threshold=1024, bulk_data_element_handler=lambda _: "http://x/bulk")
    reduced = dataset_from_dicom_json({tag: element for tag, element in item.items() if tag in PER_INSTANCE})
    assert "PixelData" not in reduced
    assert series_geometry([reduced]) == series_geometry(slices)


def test_enhanced_multiframe_per_frame_groups_must_match_the_frames() -> None:
    enhanced = _enhanced(build_series("CT_small.dcm", count=4, spacing=2.0))
    del enhanced.PerFrameFunctionalGroupsSequence[-1]
    with pytest.raises(GeometryUnavailable) as caught:
        series_geometry([enhanced])
    assert caught.value.code is Reason.MALFORMED_ATTRIBUTE


def test_segmentation_frames_are_placed_by_their_functional_groups() -> None:
    g = series_geometry([read("liver.dcm")])  # real DICOM-SEG: shared orientation and measures, per-frame positions
    assert (g.rows, g.columns, g.slice_count, g.orientation, g.plane) == (512, 512, 3, "LPS", "AXIAL")
    assert g.slice_spacing == pytest.approx(1.0) and g.pixel_spacing == pytest.approx((0.810547, 0.810547))


@pytest.mark.skipif(shutil.which("dcm2niix") is None, reason="dcm2niix not installed")
@pytest.mark.parametrize(("template", "name"), [("CT_small.dcm", "axial"), ("MR_small.dcm", "coronal"),
                                                ("CT_small.dcm", "oblique")])
def test_enhanced_multiframe_matches_dcm2niix(template: str, name: str, tmp_path: Path) -> None:
    slices = build_series(template, count=14, spacing=1.9, orientation=ORIENTATIONS[name], order="shuffled")
    enhanced = _enhanced(slices)
    (tmp_path / "dicom").mkdir()
    enhanced.save_as(tmp_path / "dicom" / "enhanced.dcm")
    _assert_dcm2niix_agrees(tmp_path, series_geometry([pydicom.dcmread(tmp_path / "dicom" / "enhanced.dcm")]))
