"""Body part with confidence: sources agreeing, disagreeing (header vs text), anatomic codes, reviewed rules."""

from __future__ import annotations

import pytest
from pydicom import Dataset

from services.harmonize.body_part import compatible, resolve_body_part
from services.harmonize.harmonize import anatomic_region
from services.harmonize.policy import default_policy
from services.harmonize.review import ReviewedRule, ReviewedRules, question_id
from tests.unit.series import read

POLICY = default_policy()
CHEST, ABDOMEN, HEAD, HEART, KNEE = "816094009", "818981001", "69536005", "80891009", "72696002"


def test_header_and_descriptions_agree() -> None:
    part = resolve_body_part("CHEST", {"SeriesDescription": "AX LUNG 1.25", "StudyDescription": "CT THORAX W/O"},
                             policy=POLICY)
    assert (part.code, part.status, part.source) == (CHEST, "mapped", "BodyPartExamined")
    assert part.confidence is not None and part.confidence > 0.95
    assert part.disagreements == [] and part.inputs is None


def test_a_part_inside_the_region_agrees() -> None:
    assert compatible("HEART", "CHEST") and compatible("CHEST", "CHESTABDPELVIS") and compatible("LSPINE", "SPINE")
    assert not compatible("HEAD", "KNEE") and not compatible("CHEST", "PELVIS")
    part = resolve_body_part("HEART", {"StudyDescription": "CT CHEST"}, policy=POLICY)
    assert (part.code, part.status) == (HEART, "mapped")


def test_header_contradicted_by_the_descriptions_is_flagged_and_withheld() -> None:
    part = resolve_body_part("CHEST", {"SeriesDescription": "AX ABDOMEN 5MM", "StudyDescription": "CT ABD PELVIS"},
                             policy=POLICY)
    assert (part.code, part.status, part.raw) == ("unknown", "review", "CHEST")
    assert [c.code for c in part.candidates] == [ABDOMEN, "818982008", CHEST]  # the header's region last
    assert [(d.source, d.code) for d in part.disagreements] == [("BodyPartExamined", CHEST)]
    assert part.inputs == {"body_part_examined": "CHEST", "series_description": "AX ABDOMEN 5MM",
                           "study_description": "CT ABD PELVIS"}
    assert part.rule is not None and "disagrees:BodyPartExamined" in part.rule


def test_one_text_against_the_header_keeps_the_header_but_flags_it() -> None:
    part = resolve_body_part("KNEE", {"SeriesDescription": "SAG PD FS", "StudyDescription": "MRI HEAD"},
                             policy=POLICY)
    assert part.status == "review" and part.candidates[0].code == KNEE
    assert [d.code for d in part.disagreements] == [HEAD]


def test_description_only_is_mapped_at_its_own_confidence() -> None:
    part = resolve_body_part(None, {"SeriesDescription": "T2 FLAIR BRAIN"}, policy=POLICY)
    assert (part.code, part.source, part.status) == (HEAD, "SeriesDescription", "mapped")


def test_nothing_to_go_on_is_unmapped() -> None:
    part = resolve_body_part(None, {"SeriesDescription": "AX 5MM"}, policy=POLICY)
    assert (part.code, part.status, part.source) == ("unknown", "unmapped", "none")


@pytest.mark.parametrize(("value", "scheme"), [(HEAD, "SCT"), ("T-D1100", "SRT")])
def test_anatomic_region_code_on_a_real_file(value: str, scheme: str) -> None:
    ds = read("CT_small.dcm")
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, "Head"
    ds.AnatomicRegionSequence = [item]
    region = anatomic_region([ds])
    part = resolve_body_part("CHEST", {"StudyDescription": "CT HEAD"}, anatomic_region=region, policy=POLICY)
    assert part.code == "unknown" or part.code == HEAD
    assert part.candidates[0].code == HEAD  # code and description agree against the header
    assert any(d.source == "BodyPartExamined" for d in part.disagreements)
    alone = resolve_body_part(None, {}, anatomic_region=region, policy=POLICY)
    assert (alone.code, alone.source, alone.status) == (HEAD, "AnatomicRegionSequence", "mapped")


def test_reviewed_rule_wins() -> None:
    inputs = {"body_part_examined": "OTHER", "series_description": "XYZ"}
    rid = question_id("body_part", inputs)
    rules = ReviewedRules("2", {rid: ReviewedRule(rid, "body_part", inputs, "KNEE")})
    part = resolve_body_part("OTHER", {"SeriesDescription": "XYZ"}, policy=POLICY, reviewed=rules)
    assert (part.code, part.status, part.rule) == (KNEE, "mapped", f"reviewed:{rid}")
