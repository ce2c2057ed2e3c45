"""Procedure -> LOINC: the MIDRC table, readings of unseen English / vendor / Chinese descriptions, reviews."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.harmonize.policy import default_policy
from services.harmonize.procedure import build_mapper, read_midrc_table
from services.harmonize.review import ReviewedRule, ReviewedRules, question_id

PROBES = Path(__file__).with_name("data") / "probe_descriptions.csv"
TABLE = read_midrc_table()
#: A mapper without MIDRC's rows: every answer below comes from reading the description.
READER = build_mapper(exclude_keys={row.key for row in TABLE})
MAPPER = build_mapper()


def _probes() -> list[tuple[str, str, str]]:
    with PROBES.open(encoding="utf-8", newline="") as f:
        return [(r["modality"], r["description"], r["loinc"])
                for r in csv.DictReader(line for line in f if not line.startswith("#"))]


@pytest.mark.parametrize(("modality", "description", "loinc"), _probes())
def test_unseen_descriptions_map_by_their_meaning(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates)


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CT", "CT CHEST W/O CONTRAST", "29252-4"), ("CT", "Thorax^CHEST_WITH (Adult)", "24628-0"),
     ("DX", "XR PORT CHEST 1V", "36589-0"), ("MR", "MR LUMBAR SPINE WITHOUT CONTRAST", "30679-5")],
)
def test_table_rows_match_after_normalisation(modality: str, description: str, loinc: str) -> None:
    for variant in (description, description.lower(), f"  {description}  "):
        result = MAPPER.map(modality, study_description=variant)
        assert (result.status, result.code) == ("mapped", loinc)
        assert result.rule.startswith("midrc:L") and result.confidence == pytest.approx(0.97)


def test_the_table_is_only_used_with_a_compatible_modality() -> None:
    result = MAPPER.map("MR", study_description="CT CHEST W/O CONTRAST")
    assert not result.rule.startswith("midrc:")
    assert all(c.code != "29252-4" for c in result.candidates)  # a CT code never answers an MR series


def test_a_clear_reading_is_emitted_with_its_attributes() -> None:
    result = READER.map("CT", study_description="胸部CT平扫")
    assert (result.status, result.code, result.meaning) == ("mapped", "29252-4", "CT Chest WO contrast")
    assert result.confidence >= default_policy().review_threshold
    assert result.attributes is not None
    attributes = result.attributes
    assert (attributes.modality, attributes.regions, attributes.contrast) == ("CT", ["CHEST"], "WO")
    assert result.inputs is None


@pytest.mark.parametrize(
    ("description", "loinc"),
    [("CT HEAD", "24725-4"), ("头颅CT", "24725-4"), ("CT CHEST", "24627-2"),
     ("CT LOW DOSE CHEST", "24627-2"),  # a low dose is not a screening purpose
     ("CT CHEST LUNG SCREENING", "79086-5")],
)
def test_a_description_silent_on_contrast_maps_to_the_code_that_states_none(description: str, loinc: str) -> None:
    result = READER.map("CT", study_description=description)
    assert (result.status, result.code) == ("mapped", loinc), (result.rule, result.candidates)


@pytest.mark.parametrize(
    ("modality", "description", "body_part"),
    [
        ("CT", "RESEARCH PROTOCOL 7", "CHEST"),  # the anatomy only from Body Part Examined
        ("MR", "MRI SHOULDER", None),  # no MR shoulder code in the catalogue
        ("CR", "XR C SPINE COMP MIN 4 VIEWS", None),  # the only cervical spine code has 2 or 3 views
        ("CT", "", None),
    ],
)
def test_unclear_descriptions_are_withheld_for_review(modality: str, description: str, body_part: str | None) -> None:
    result = READER.map(modality, study_description=description or None, body_part_examined=body_part)
    if description:
        assert result.status == "review", (result.confidence, result.rule)
        assert result.code is None and result.meaning is None
        assert result.candidates and result.confidence < default_policy().review_threshold
        assert result.inputs and result.inputs["modality"] == modality
        assert result.review_id == question_id("procedure", {"modality": modality, "study_description": description,
                                                             "body_part_examined": body_part})
    else:
        assert result.code in (None, "25045-6")  # nothing said: at most the unspecified-region code


def test_a_reviewers_answer_is_a_rule_that_wins() -> None:
    inputs = {"modality": "CT", "study_description": "RESEARCH PROTOCOL 7", "body_part_examined": "CHEST"}
    rid = question_id("procedure", inputs)
    rules = ReviewedRules("3", {rid: ReviewedRule(rid, "procedure", inputs, "24627-2", "CT Chest", "dr x")})
    mapper = build_mapper(reviewed=rules)
    result = mapper.map("CT", study_description="research  protocol 7", body_part_examined="CHEST")
    assert (result.status, result.code, result.rule) == ("mapped", "24627-2", f"reviewed:{rid}")
    assert result.confidence == 1.0
    other = mapper.map("CT", study_description="RESEARCH PROTOCOL 8", body_part_examined="CHEST")
    assert other.status == "review"


def test_threshold_is_a_setting() -> None:
    strict = build_mapper(policy=default_policy().with_threshold(0.99))
    assert strict.map("CT", study_description="CT CHEST W/O CONTRAST").status == "review"
    lenient = build_mapper(policy=default_policy().with_threshold(0.5))
    assert lenient.map("CT", study_description="RESEARCH PROTOCOL 7", body_part_examined="CHEST").status == "mapped"


def test_no_input_is_unmapped() -> None:
    assert MAPPER.map(None).status == "unmapped"


def test_pet_ct_is_read_from_the_study_modalities() -> None:
    result = READER.map("CT", study_description="PET LYMPHOMA RESTAGING", study_modalities=["CT", "PT"])
    assert result.candidates[0].code == "81555-5"


def test_mapping_is_deterministic() -> None:
    first = READER.map("CT", study_description="CT ABD PELVIS WWO")
    assert READER.map("CT", study_description="CT ABD PELVIS WWO") == first


def test_a_corrected_table_row_gives_the_adjudicated_code() -> None:
    # MIDRC gives the pulmonary-embolus code to a description that does not say embolus (line 5)
    result = MAPPER.map("CT", study_description="CT CHEST PULMONARY ANGIO WITH IV CON")
    assert (result.code, result.rule) == ("36147-7", "midrc-adjudicated:L5")
    # a row whose description no catalogue code fits is left out of the table: the reading decides
    result = MAPPER.map("CT", study_description="CODE_T_CT_THOR_LMBR_SPINAL_REFORMATS")
    assert not result.rule.startswith("midrc")


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CT", "CT CHEST DISSECTION WO AND W", "30804-9"),  # a dissection study is an angiogram
     ("CT", "胸部主动脉夹层", "36266-5"),
     ("DX", "XR CHEST FRONTAL AND LATERAL", "36643-5"),  # two views; the frontal may be PA or AP
     ("DX", "ABDOMEN FLAT AND ERECT", "24798-1")],
)
def test_vocabulary_2_2_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates)


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CR", "XR LEFT HAND 1-2 VIEWS", "36630-2"),  # "2 Views" states a count the text leaves open
     ("DX", "XR CHEST 2 OR 3 VIEWS", "30745-4"),
     ("CR", "ABDOMEN SERIES FLAT AND ERECT", "24798-1"),  # a series whose two views are named
     ("CR", "ACUTE ABDOMINAL SERIES", "37636-8"),  # a series whose views are not named
     ("CT", "CT ABDOMEN HEMATURIA PROTOCOL", "36267-3")],  # a hematuria CT is a urogram
)
def test_vocabulary_2_3_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates)
