"""The packaged QC rules load; a bad file is refused with the offending key named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from services.qc.rules import RULES_PATH, QCRules, RulesError, load_rules


def _write(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_packaged_rules() -> None:
    rules = load_rules()
    assert rules.version == "1.1"
    assert {"CT", "MR", "PT", "NM"} <= rules.volumetric_modalities
    assert "US" not in rules.volumetric_modalities
    assert rules.gap_tolerance > 1 + rules.spacing_tolerance
    assert load_rules(RULES_PATH) == rules


def test_pixel_checks_can_be_turned_off(tmp_path: Path) -> None:
    assert load_rules(_write(tmp_path, pixel_samples_per_series=0)).pixel_samples_per_series == 0


def test_modalities_are_normalised(tmp_path: Path) -> None:
    rules = load_rules(_write(tmp_path, volumetric_modalities=["ct", " mr "]))
    assert rules.volumetric_modalities == frozenset({"CT", "MR"})


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"gap_tolerence": 2.0}, "gap_tolerence: unknown key"),
        ({"gap_tolerance": 0.9}, "gap_tolerance: Input should be greater than 1"),
        ({"gap_tolerance": "wide"}, "gap_tolerance"),
        ({"spacing_tolerance": None}, "spacing_tolerance: Field required"),
        ({"version": "one"}, "version"),
        ({"max_evidence_items": 0}, "max_evidence_items"),
        ({"volumetric_modalities": []}, "volumetric_modalities"),
        ({"gap_tolerance": 1.04}, "gap_tolerance must exceed 1 + spacing_tolerance"),
        ({"pixel_samples_per_series": 2}, "pixel_samples_per_series: Value error, must be 0"),
        ({"pixel_samples_per_series": -1}, "pixel_samples_per_series"),
        ({"volume_keys": ["EchoNumbers", "EchoNumber"]}, "volume_keys: Value error, not DICOM keywords: EchoNumber"),
        ({"secondary_capture_sop_classes": ["1.2.x"]}, "secondary_capture_sop_classes: Value error, not UIDs: 1.2.x"),
        ({"ct_hu_range": [4000, -1200]}, "ct_hu_range must be [lowest, highest]"),
        ({"ct_hu_range": [0]}, "ct_hu_range"),
        ({"tilt_tolerance_deg": 0}, "tilt_tolerance_deg"),
        ({"volume_min_fraction": 0}, "volume_min_fraction"),
        ({"stack_alignment_tolerance_mm": None}, "stack_alignment_tolerance_mm: Field required"),
    ],
)
def test_bad_rules_name_the_key(tmp_path: Path, changes: dict[str, object], named: str) -> None:
    with pytest.raises(RulesError, match=re.escape(named)) as caught:
        load_rules(_write(tmp_path, **changes))
    assert str(tmp_path) in str(caught.value)


@pytest.mark.parametrize("text", ["- just\n- a list\n", "version: [unclosed\n", ""])
def test_unreadable_rules(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match="rules"):
        load_rules(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "absent.yaml")


def test_rules_are_frozen() -> None:
    rules = load_rules()
    with pytest.raises(ValueError, match="frozen"):
        rules.gap_tolerance = 3.0  # type: ignore[misc]
    assert isinstance(rules, QCRules)
