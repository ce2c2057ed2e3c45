"""Series type on real headers: localizers, CT contrast phase / kernel / thickness, MR sequence classes."""

from __future__ import annotations

import pytest
from pydicom import Dataset

from services.harmonize.policy import default_policy
from services.harmonize.series_type import SeriesTyper, default_rules
from tests.unit.harmonize.realdata import files, labelled
from tests.unit.series import read

TYPER = SeriesTyper(default_rules(), default_policy())
REAL = [row for row in labelled() if row.field != "-"]


@pytest.mark.parametrize("row", REAL, ids=lambda r: f"{r.series.split(':')[1][-30:]}-{r.field}")
def test_real_series(row: object) -> None:
    from tests.unit.harmonize.realdata import Labelled

    assert isinstance(row, Labelled)
    headers = row.headers()
    ds = headers[0]
    kind = TYPER.type(str(ds.Modality), headers, series_description=str(ds.get("SeriesDescription") or "") or None,
                      protocol_name=str(ds.get("ProtocolName") or "") or None,
                      manufacturer="Siemens Healthineers" if "SIEMENS" in str(ds.get("Manufacturer", "")) else None)
    assert kind is not None
    if row.field == "localizer":
        assert kind.localizer is (row.value == "true")
    else:
        attribute = getattr(kind, row.field)
        assert attribute is not None and attribute.value == row.value, attribute


def _ct(**attrs: object) -> list[Dataset]:
    ds = read("CT_small.dcm")
    for keyword in ("ContrastBolusAgent", "ContrastBolusRoute"):
        del ds[keyword]
    for keyword, value in attrs.items():
        setattr(ds, keyword, value)
    return [ds]


@pytest.mark.parametrize(
    ("kernel", "vendor", "expected", "rule"),
    [
        ("B30f", "Siemens Healthineers", "standard", "kernel:siemens"),
        ("B20f", "Siemens Healthineers", "soft", "kernel:siemens"),
        ("B70f", "Siemens Healthineers", "lung", "kernel:siemens"),
        ("Br59d", "Siemens Healthineers", "sharp", "kernel:siemens"),
        ("Bl57d", "Siemens Healthineers", "lung", "kernel:siemens"),
        ("H70h", "Siemens Healthineers", "sharp", "kernel:siemens"),  # a head kernel is never "lung"
        ("I31f", "Siemens Healthineers", "standard", "kernel:siemens"),
        ("STANDARD", "GE HealthCare", "standard", "kernel:name"),
        ("LUNG", "GE HealthCare", "lung", "kernel:name"),
        ("BONE", "GE HealthCare", "sharp", "kernel:name"),
        ("SOFT", "GE HealthCare", "soft", "kernel:name"),
        ("B", "Philips", "standard", "kernel:philips"),
        ("YA", "Philips", "standard", "kernel:philips"),
        ("L", "Philips", "lung", "kernel:philips"),
        ("FC13", "Canon Medical Systems", "standard", "kernel:canon"),
        ("FC52", "Canon Medical Systems", "lung", "kernel:canon"),
        ("FC03", "Canon Medical Systems", "soft", "kernel:canon"),
        ("B_SHARP_C", "United Imaging Healthcare", "sharp", "kernel:words"),
    ],
)
def test_kernel_classes(kernel: str, vendor: str, expected: str, rule: str) -> None:
    attribute = TYPER.kernel_class(_ct(ConvolutionKernel=kernel), None, vendor)
    assert (attribute.value, attribute.rule, attribute.status) == (expected, rule, "mapped")


def test_a_kernel_read_without_its_vendor_goes_to_review() -> None:
    attribute = TYPER.kernel_class(_ct(ConvolutionKernel="Q40f"), None, None)
    assert (attribute.status, attribute.value) == ("review", None)
    assert attribute.candidates[0].code == "standard" and attribute.rule == "generic:siemens_pattern"


@pytest.mark.parametrize(
    ("attrs", "description", "expected", "status"),
    [
        ({"ContrastBolusAgent": "OMNIPAQUE 350"}, "ABD PV 5MM", "venous", "mapped"),
        ({"ContrastBolusAgent": "OMNIPAQUE 350"}, "CHEST C+", "contrast", "mapped"),
        ({"ContrastBolusAgent": "NONE"}, "PLAIN 5MM", "non_contrast", "mapped"),
        ({}, "动脉期 1.25", "arterial", "mapped"),
        ({}, "5MM", "non_contrast", "mapped"),  # no Contrast/Bolus module: none was given (PS3.3)
        ({"ContrastBolusAgent": "IOPAMIDOL"}, "PLAIN", None, "review"),  # header and text disagree
    ],
)
def test_contrast_phase(attrs: dict[str, str], description: str, expected: str | None, status: str) -> None:
    attribute = TYPER.contrast_phase(_ct(**attrs), description, None, None)
    assert (attribute.value, attribute.status) == (expected, status)


def test_thickness_from_the_header_or_the_geometry() -> None:
    assert TYPER.thickness_class(_ct(SliceThickness=0.625), None).value == "thin"
    assert TYPER.thickness_class(_ct(SliceThickness=3), None).value == "medium"
    assert TYPER.thickness_class(_ct(SliceThickness=5), None).value == "thick"


def _mr(**attrs: object) -> list[Dataset]:
    ds = read("MR_small.dcm")
    for keyword, value in attrs.items():
        setattr(ds, keyword, value)
    return [ds]


@pytest.mark.parametrize(
    ("attrs", "description", "expected", "rule"),
    [
        ({}, None, "T2", "header:SE_long_TR_TE"),  # MR_small: SE, TR 4000, TE 240
        ({"RepetitionTime": 500, "EchoTime": 15}, None, "T1", "header:SE_short_TR_TE"),
        ({"RepetitionTime": 3000, "EchoTime": 15}, None, "PD", "header:SE_long_TR_short_TE"),
        ({"ScanningSequence": ["SE", "IR"], "InversionTime": 2500, "RepetitionTime": 9000, "EchoTime": 120},
         "AX T2 FLAIR", "FLAIR", "header:IR_long_TI+text"),
        ({"ScanningSequence": ["SE", "IR"], "InversionTime": 150, "RepetitionTime": 4000}, None, "T2",
         "header:IR_short_TI"),
        ({"ImageType": ["DERIVED", "PRIMARY", "DIFFUSION", "ADC"]}, "ADC", "ADC", "header:ImageType=ADC+text"),
        ({"ScanningSequence": "EP", "DiffusionBValue": 1000}, "DWI b1000", "DWI", "header:DiffusionBValue+text"),
        ({"ScanningSequence": "GR"}, "SWI", "SWI", "text"),
        ({"ScanningSequence": "EP"}, "rs fMRI BOLD", "EPI_FMRI", "text"),
        ({}, "3-Plane Loc", "LOCALIZER", "localizer"),
        ({"ScanningSequence": "GR"}, "TOF 3D multi-slab", "OTHER", "text"),
    ],
)
def test_mr_sequence_classes(attrs: dict[str, object], description: str | None, expected: str, rule: str) -> None:
    headers = _mr(**attrs)
    kind = TYPER.type("MR", headers, series_description=description)
    assert kind is not None and kind.sequence is not None
    assert (kind.sequence.value, kind.sequence.rule) == (expected, rule)


def test_mr_header_and_text_disagreeing_goes_to_review() -> None:
    kind = TYPER.type("MR", _mr(RepetitionTime=500, EchoTime=15), series_description="AX T2 TSE")
    assert kind is not None and kind.sequence is not None
    assert (kind.sequence.status, kind.sequence.value) == ("review", None)
    assert {c.code for c in kind.sequence.candidates} == {"T1", "T2"}


def test_other_modalities_only_say_localizer() -> None:
    assert TYPER.type("CR", [read("RG1_UNCR.dcm")], series_description=None) is None
    assert files("pydicom:test_files/CT_small.dcm")
