"""`radcurate map`: one JSON object from the same function the service uses; no stack needed."""

from __future__ import annotations

import json

import pytest

from radcurate.cli import main
from services.harmonize.harmonize import default_harmonizer


@pytest.mark.parametrize(
    ("args", "loinc", "body_part"),
    [
        (["--modality", "CT", "--description", "CT CHEST W/O CONTRAST"], "29252-4", "816094009"),
        (["--modality", "CT", "--description", "胸部CT平扫", "--body-part", "CHEST"], "29252-4", "816094009"),
        (["--modality", "MR", "--description", "腰椎MRI平扫"], "30679-5", "122496007"),
    ],
)
def test_map_prints_one_json_object(
    args: list[str], loinc: str, body_part: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["map", *args]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["loinc"], result["body_part"], result["status"]) == (loinc, body_part, "mapped")
    assert result["loinc_name"] and result["rule"] and 0.8 <= result["confidence"] <= 1
    assert result == default_harmonizer().map_description(args[1], args[3], args[5] if len(args) > 5 else None)


def test_map_withholds_an_unclear_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", "--modality", "CT", "--description", "RESEARCH PROTOCOL 7"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["loinc"] is None and result["status"] == "review" and result["candidates"]
    assert result["body_part"] == "unknown"
