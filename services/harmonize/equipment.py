"""Equipment names canonicalised (vocabulary/vendors.yaml) and numeric acquisition attributes in UCUM units.

DICOM gives each numeric attribute in one unit (PS3.3: SliceThickness mm, KVP kV, XRayTubeCurrent mA,
Exposure mAs, RepetitionTime / EchoTime / InversionTime ms, MagneticFieldStrength T, ...); here each becomes a
`Measurement` with its UCUM code, after sanity rules for values sites write in another unit (a field strength
in gauss, 15000 for 1.5 T).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from pydicom import Dataset

from contracts.events import Equipment, Measurement
from services.harmonize.policy import VOCABULARY_DIR
from services.harmonize.text import compact


@dataclass(frozen=True)
class Vendors:
    prefixes: tuple[tuple[str, str], ...]  # (compacted prefix, canonical name), longest prefix first
    models: dict[str, str]  # compacted model -> canonical spelling


@cache
def default_vendors() -> Vendors:
    raw: dict[str, Any] = yaml.safe_load((VOCABULARY_DIR / "vendors.yaml").read_text(encoding="utf-8"))
    prefixes = [(compact(str(p)), str(name)) for name, ps in raw["manufacturers"].items() for p in ps or ()]
    prefixes.sort(key=lambda pn: -len(pn[0]))
    models = {compact(str(m)): str(m) for m in raw["models"]}
    return Vendors(tuple(prefixes), models)


def _text(ds: Dataset | None, keyword: str) -> str | None:
    if ds is None:
        return None
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError):
        return None
    text = " ".join(str(value).split()) if value not in (None, "") else ""
    return text or None


def canonical_manufacturer(raw: str | None, vendors: Vendors | None = None) -> str | None:
    if not raw:
        return None
    key = compact(raw)
    for prefix, name in (vendors or default_vendors()).prefixes:
        if key.startswith(prefix):
            return name
    return None


def equipment(headers: Sequence[Dataset]) -> Equipment | None:
    """Manufacturer and model of the first instance that names them, canonicalised where the table knows them."""
    vendors = default_vendors()
    ds = next((h for h in headers if _text(h, "Manufacturer") or _text(h, "ManufacturerModelName")), None)
    manufacturer_raw, model_raw = _text(ds, "Manufacturer"), _text(ds, "ManufacturerModelName")
    if manufacturer_raw is None and model_raw is None:
        return None
    manufacturer = canonical_manufacturer(manufacturer_raw, vendors)
    model = None
    rule = []
    if model_raw:
        key = compact(model_raw)
        for prefix, _ in vendors.prefixes:  # "SIEMENS SOMATOM Force" -> "SOMATOM Force"
            if manufacturer and key.startswith(prefix) and key[len(prefix):] in vendors.models:
                key = key[len(prefix):]
                break
        model = vendors.models.get(key, model_raw)
        rule.append("model:table" if key in vendors.models else "model:as_written")
    rule.insert(0, "manufacturer:table" if manufacturer else "manufacturer:unknown")
    return Equipment(manufacturer=manufacturer or manufacturer_raw, model=model, manufacturer_raw=manufacturer_raw,
                     model_raw=model_raw, rule="+".join(rule))


# ---------------------------------------------------------------- measurements (UCUM)

#: name, DICOM keyword, UCUM unit, lowest and highest plausible value in that unit.
QUANTITIES: tuple[tuple[str, str, str, float, float], ...] = (
    ("slice_thickness", "SliceThickness", "mm", 0.0, 1000.0),
    ("spacing_between_slices", "SpacingBetweenSlices", "mm", -1000.0, 1000.0),
    ("tube_voltage", "KVP", "kV", 1.0, 1000.0),
    ("tube_current", "XRayTubeCurrent", "mA", 0.0, 10000.0),
    ("exposure", "Exposure", "mA.s", 0.0, 100000.0),
    ("exposure_time", "ExposureTime", "ms", 0.0, 1.0e6),
    ("ctdi_vol", "CTDIvol", "mGy", 0.0, 10000.0),
    ("spiral_pitch_factor", "SpiralPitchFactor", "1", 0.0, 10.0),
    ("repetition_time", "RepetitionTime", "ms", 0.0, 1.0e6),
    ("echo_time", "EchoTime", "ms", 0.0, 1.0e5),
    ("inversion_time", "InversionTime", "ms", 0.0, 1.0e5),
    ("flip_angle", "FlipAngle", "deg", 0.0, 360.0),
    ("magnetic_field_strength", "MagneticFieldStrength", "T", 0.0, 20.0),
    ("imaging_frequency", "ImagingFrequency", "MHz", 0.0, 2000.0),
    ("echo_train_length", "EchoTrainLength", "1", 0.0, 10000.0),
    ("pixel_bandwidth", "PixelBandwidth", "Hz", 0.0, 1.0e6),
)
GAUSS_PER_TESLA = 10000.0


def _float(ds: Dataset, keyword: str) -> float | None:
    try:
        value = ds.get(keyword)
        number = None if value is None or value == "" else float(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def measurements(headers: Sequence[Dataset]) -> list[Measurement]:
    """Numeric acquisition attributes of the series (first instance that has each), plus distinct b-values."""
    out: list[Measurement] = []
    for name, keyword, unit, low, high in QUANTITIES:
        value = next((v for ds in headers if (v := _float(ds, keyword)) is not None), None)
        if value is None:
            continue
        if keyword == "MagneticFieldStrength" and value > high and value / GAUSS_PER_TESLA <= high:
            value /= GAUSS_PER_TESLA  # written in gauss
        if not low <= value <= high:
            continue
        out.append(Measurement(name=name, value=round(value, 6), unit=unit, source=keyword))
    b_values = sorted({round(b, 3) for ds in headers if (b := _float(ds, "DiffusionBValue")) is not None and b >= 0})
    out += [Measurement(name="diffusion_b_value", value=b, unit="s/mm2", source="DiffusionBValue") for b in b_values]
    return out
