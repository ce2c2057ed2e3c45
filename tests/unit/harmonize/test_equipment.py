"""Manufacturer / model canonical names and acquisition attributes in UCUM units, on real headers."""

from __future__ import annotations

import pytest

from services.harmonize.equipment import canonical_manufacturer, equipment, measurements
from tests.unit.series import read


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("SIEMENS", "Siemens Healthineers"), ("Siemens Healthineers", "Siemens Healthineers"),
        ("GE MEDICAL SYSTEMS", "GE HealthCare"), ("G.E. Medical Systems", "GE HealthCare"),
        ("GE Healthcare", "GE HealthCare"), ("Philips Medical Systems", "Philips"),
        ("Philips Healthcare", "Philips"), ("TOSHIBA_MEC", "Canon Medical Systems"),
        ("CANON_MEC", "Canon Medical Systems"), ("UIH", "United Imaging Healthcare"),
        ("上海联影", "United Imaging Healthcare"), ("FUJI PHOTO FILM CO. LTD.", "Fujifilm"),
        ("Agfa-Gevaert AG", "Agfa"), ("Acme Medical Devices", None), (None, None),
    ],
)
def test_manufacturers(raw: str | None, canonical: str | None) -> None:
    assert canonical_manufacturer(raw) == canonical


@pytest.mark.parametrize(
    ("name", "manufacturer", "model", "rule"),
    [
        ("CT_small.dcm", "GE HealthCare", "RHAPSODE", "manufacturer:table+model:as_written"),
        ("MR_small.dcm", "Canon Medical Systems", "MRT50H1", "manufacturer:table+model:as_written"),
        ("MR-SIEMENS-DICOM-WithOverlays.dcm", "Siemens Healthineers", "Avanto", "manufacturer:table+model:table"),
        ("eCT_Supplemental.dcm", "Acme Medical Devices", "Super Dooper Scanner",
         "manufacturer:unknown+model:as_written"),
    ],
)
def test_equipment_of_real_files(name: str, manufacturer: str, model: str, rule: str) -> None:
    ds = read(name)
    gear = equipment([ds])
    assert gear is not None
    assert (gear.manufacturer, gear.model, gear.rule) == (manufacturer, model, rule)
    assert gear.manufacturer_raw == str(ds.Manufacturer)


def test_model_with_the_vendor_prefixed() -> None:
    ds = read("CT_small.dcm")
    ds.Manufacturer, ds.ManufacturerModelName = "SIEMENS", "SIEMENS  somatom   force"
    gear = equipment([ds])
    assert gear is not None and gear.model == "SOMATOM Force"


def test_measurements_in_ucum() -> None:
    found = {m.name: (m.value, m.unit) for m in measurements([read("CT_small.dcm")])}
    assert found["slice_thickness"] == (5.0, "mm")
    assert found["tube_voltage"] == (120.0, "kV")
    assert found["tube_current"] == (170.0, "mA")
    assert found["exposure"] == (170.0, "mA.s")
    mr = {m.name: (m.value, m.unit) for m in measurements([read("MR_small.dcm")])}
    assert mr["repetition_time"] == (4000.0, "ms") and mr["echo_time"] == (240.0, "ms")


def test_field_strength_written_in_gauss_is_converted() -> None:
    ds = read("MR_small.dcm")
    ds.MagneticFieldStrength = 15000
    assert {m.name: m.value for m in measurements([ds])}["magnetic_field_strength"] == 1.5
    ds.MagneticFieldStrength = 3
    assert {m.name: (m.value, m.unit) for m in measurements([ds])}["magnetic_field_strength"] == (3.0, "T")


def test_b_values_of_a_diffusion_series() -> None:
    slices = [read("MR_small.dcm") for _ in range(3)]
    for ds, b in zip(slices, (0, 1000, 1000), strict=True):
        ds.DiffusionBValue = b
    found = [(m.value, m.unit) for m in measurements(slices) if m.name == "diffusion_b_value"]
    assert found == [(0.0, "s/mm2"), (1000.0, "s/mm2")]


def test_implausible_values_are_dropped() -> None:
    ds = read("CT_small.dcm")
    ds.KVP = 99999
    assert "tube_voltage" not in {m.name for m in measurements([ds])}
