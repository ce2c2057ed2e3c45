"""Procedure -> LOINC: the MIDRC table, readings of unseen English / vendor / Chinese descriptions, reviews.

The rules are exercised over MIDRC's codes (the `midrc` part of the catalogue), the catalogue these cases were
written against: "no catalogue code fits" below means none of MIDRC's. The whole catalogue (with the Playbook
codes) is exercised by test_playbook_catalogue.py."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.harmonize.policy import default_policy
from services.harmonize.procedure import build_mapper, read_midrc_table
from services.harmonize.review import ReviewedRule, ReviewedRules, question_id

PROBES = Path(__file__).with_name("data") / "probe_descriptions.csv"
TABLE = read_midrc_table()
MIDRC = ("midrc",)
#: A mapper without MIDRC's rows: every answer below comes from reading the description.
READER = build_mapper(exclude_keys={row.key for row in TABLE}, catalogue_sources=MIDRC)
MAPPER = build_mapper(catalogue_sources=MIDRC)


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
    mapper = build_mapper(reviewed=rules, catalogue_sources=MIDRC)
    result = mapper.map("CT", study_description="research  protocol 7", body_part_examined="CHEST")
    assert (result.status, result.code, result.rule) == ("mapped", "24627-2", f"reviewed:{rid}")
    assert result.confidence == 1.0
    other = mapper.map("CT", study_description="RESEARCH PROTOCOL 8", body_part_examined="CHEST")
    assert other.status == "review"


def test_threshold_is_a_setting() -> None:
    strict = build_mapper(policy=default_policy().with_threshold(0.99), catalogue_sources=MIDRC)
    assert strict.map("CT", study_description="CT CHEST W/O CONTRAST").status == "review"
    lenient = build_mapper(policy=default_policy().with_threshold(0.5), catalogue_sources=MIDRC)
    assert lenient.map("CT", study_description="RESEARCH PROTOCOL 7", body_part_examined="CHEST").status == "mapped"


def test_no_input_is_unmapped() -> None:
    assert MAPPER.map(None).status == "unmapped"


def test_pet_ct_is_read_from_the_study_modalities() -> None:
    result = READER.map("CT", study_description="PET LYMPHOMA RESTAGING", study_modalities=["CT", "PT"])
    assert result.attributes is not None and result.attributes.modality == "PT+CT"
    # the tracer is not said, so not the FDG code (vocabulary 4.0): the PET of an unsaid region
    assert result.candidates[0].code == "44136-0"


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
     ("CT", "胸部主动脉夹层", "36266-5"),  # a dissection study is a CTA, and a CT angiogram is made with IV contrast
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
     ("CR", "ABDOMINAL SERIES", "37636-8"),  # a series whose views are not named (the acute abdomen series names
     # a chest view and the abdomen supine and upright since 4.75)
     ("CT", "CT ABDOMEN HEMATURIA PROTOCOL", "36267-3")],  # a hematuria CT is a urogram
)
def test_vocabulary_2_3_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates)


@pytest.mark.parametrize(
    ("modality", "description", "best", "unsaid"),
    [("MR", "MR THORACIC SPINE WITHOUT CONTRAST", "30854-4", "CSPINE"),  # the code adds cervical and lumbar spine
     ("MR", "MR PROSTATE WITH AND WITHOUT CONTRAST", "97392-5", "ABDOMEN"),  # pelvis would fit; abdomen is unsaid
     ("MR", "MR CHEST WITH AND WITHOUT CONTRAST", "36357-2", "HEART"),  # a part of the chest, not the chest
     ("CT", "CT NECK W IV CONTRAST", "36234-3", "angio"),  # a CT angiogram was not said
     ("CR", "XR HAND AT LEAST 3 VIEWS", None, "laterality"),  # the side is not said
     ("CR", "X-RAY TOE MINIMUM 2 VIEWS - LEFT", None, "views"),  # "GE 3 views" is narrower than "minimum 2"
     ("MR", "ABDOMEN^LIVER", "24557-1", "contrast")],  # the only MR abdomen code says "WO and W"
)
def test_a_code_stating_what_the_description_does_not_is_withheld(
    modality: str, description: str, best: str | None, unsaid: str,
) -> None:
    result = READER.map(modality, study_description=description)
    assert result.status == "review", result
    assert result.confidence < default_policy().review_threshold
    if best:
        assert result.candidates[0].code == best
    stated = next((part for part in result.rule.split("+") if part.startswith("unsaid:")), "unsaid:")
    assert unsaid in stated.removeprefix("unsaid:").split(","), result.rule


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("MR", "MRI P SHOULDER W, LT", None),  # shoulder is read; "Unspecified body region" contradicts it
     ("MR", "MR RIGHT FOREFOOT W AND WO IV CONTRAST", None),
     ("CT", "CT SIALOGRAM WITH CONTRAST", "25045-6"),  # an unread word may name the anatomy
     ("CR", "XR SCAPULA RIGHT", None)],
)
def test_an_unspecified_region_code_is_not_emitted_for_anatomy_it_cannot_name(
    modality: str, description: str, loinc: str | None,
) -> None:
    result = READER.map(modality, study_description=description)
    assert result.status == "review", result
    if loinc:
        assert result.candidates[0].code == loinc and result.rule.endswith("+unread"), result


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("MR", "MR REFERENCE IMPORT", "25056-3"), ("CT", "CT BODY OUTSIDE IMAGE", "25045-6")],
)
def test_an_unspecified_region_code_is_emitted_when_nothing_names_a_region(
    modality: str, description: str, loinc: str,
) -> None:
    result = READER.map(modality, study_description=description)
    assert (result.status, result.code) == ("mapped", loinc), result


def test_contrast_without_and_with_contradicts_a_single_phase() -> None:
    result = READER.map("MR", study_description="MRI ABDOMEN W/O CONTRAST")
    assert result.candidates[0].code == "24557-1"  # the only MR abdomen code says "WO and W"
    assert result.status == "review" and "contradicts:contrast" in result.rule, result


def test_a_tracer_other_than_fdg_contradicts_an_fdg_code() -> None:
    result = READER.map("PT", study_description="PET TUMOR IMAGING WITH DOTATATE", study_modalities=("CT", "PT"))
    assert result.candidates[0].code != "81555-5"  # the FDG code is no candidate while another is not contradicted
    # the region is a guess (a PET's whole body): the unspecified-region code says no more than the text
    assert (result.status, result.code) == ("mapped", "44136-0"), result
    fdg = READER.map("PT", study_description="PET LYMPHOMA (W/LOW DOSE CT)", study_modalities=("CT", "PT"))
    assert "81555-5" in [c.code for c in fdg.candidates] and "contradicts" not in fdg.rule, fdg  # FDG not ruled out


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CR", "XR CHEST 4 OR MORE VIEWS", "44211-1"),  # "4 OR MORE" is an open count
     ("CR", "HIP R", None)],  # a lone side letter after the anatomy
)
def test_vocabulary_2_4_readings(modality: str, description: str, loinc: str | None) -> None:
    mods = modality.split(",")
    result = READER.map(mods[-1], study_description=description, study_modalities=mods)
    if loinc:
        assert result.candidates[0].code == loinc, (result.attributes, result.candidates)
    else:
        assert result.attributes is not None and result.attributes.laterality == "right", result.attributes


def test_a_runner_up_stating_unsaid_anatomy_does_not_make_the_answer_ambiguous() -> None:
    result = READER.map("CT", study_description="CT PELVIS WO IV CONTRAST")
    # "CT Abdomen and Pelvis WO contrast" scores close, but states an abdomen the text does not
    assert (result.status, result.code) == ("mapped", "24865-8"), result


@pytest.mark.parametrize(
    ("modality", "description", "best", "dropped"),
    [("CT", "HEAD^STEALTH_SINUSES (ADULT)", "24725-4", "SINUSES"),  # a sinus CT is not a head CT
     ("DX", "X-RAY FINGER(S) MINIMUM 2 VIEWS - LEFT", "36630-2", "FINGER"),  # nor a finger film a hand film
     ("CR", "XR SACROILIAC JOINTS 1-2 VIEWS", "43522-2", "SACROILIAC_JOINTS")],
)
def test_a_code_for_the_containing_region_drops_a_region_examined_on_its_own(
    modality: str, description: str, best: str, dropped: str,
) -> None:
    result = READER.map(modality, study_description=description)
    assert result.status == "review" and result.candidates[0].code == best, result
    assert f"+drops:{dropped}" in result.rule


def test_an_organ_seen_in_its_region_is_not_dropped_by_the_region_code() -> None:
    result = READER.map("CT", study_description="CT ABDOMEN LIVER WITH CONTRAST")
    assert result.status == "mapped" and result.code == "79103-8" and "drops" not in result.rule, result


@pytest.mark.parametrize(
    ("modality", "study_modalities", "description", "loinc"),
    [("CT", {"CT", "NM"}, "MYOCARDIAL PERFUSION", "39667-1"),  # the CT of a SPECT/CT study
     ("CT", {"CT", "NM"}, "NM HEART PHARMACOLOGIC STRESS SPECT", "39667-1"),
     ("CT", {"CT", "NM"}, "CT CHEST WITHOUT CONTRAST", "29252-4"),  # a CT procedure stays a CT procedure
     ("CT", {"CT"}, "MYOCARDIAL PERFUSION", None)],  # no nuclear study: not read as NM
)
def test_the_ct_of_a_nuclear_study_carries_the_nuclear_procedure(
    modality: str, study_modalities: set[str], description: str, loinc: str | None,
) -> None:
    result = READER.map(modality, study_description=description, study_modalities=study_modalities)
    if loinc is None:
        assert not result.candidates[0].meaning.startswith("NM"), result
    else:
        assert result.candidates[0].code == loinc, result


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CT", "THORAX^1CHEST_W_3D (ADULT)", "24627-2"),  # with reconstructions, not contrast
     ("CT", "THORAX^CHEST_WITHOUT_WITH_HI_RES_CUTS (ADULT)", "30598-7"),  # (4.33: without, then with contrast)
     ("CT", "CAP IV IP", "72254-6"),  # IV alone: intravenous contrast
     ("CT", "CT CHEST WO IV CONTRAST", "29252-4"),
     ("CT", "THORAX^MCV_CH_AB_PL_ROUTINE (ADULT)", "87869-4"),
     ("CT", "CT CHST/ABD/PEL W/IV CONTRAST", "72254-6"),
     ("CT", "CARDIAC^CA_SCORING_2021 (ADULT)", "79087-3"),
     ("CT", "THORAX^LOW_DOSE_LUNG_UNDER_30_BMI (ADULT)", "29252-4"),  # low dose, screening unsaid (4.4)
     ("CT", "CT CODE STROKE CTA", "30593-8")],
)
def test_vocabulary_2_5_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


def test_a_complete_exam_contradicts_a_limited_code() -> None:
    result = READER.map("US", study_description="US ABDOMEN COMPLETE")
    assert result.status == "review" and result.candidates[0].code != "30704-1", result  # not "US Abdomen limited"


def test_a_pet_tracer_given_iv_is_not_contrast() -> None:
    result = READER.map("PT", study_description="PET CT WHOLE BODY W 18F-FDG IV", study_modalities={"PT", "CT"})
    assert result.candidates[0].code == "81555-5" and result.attributes is not None
    assert result.attributes.contrast != "W"  # (a PET/CT's CT is taken without contrast unless said: 4.52)


@pytest.mark.parametrize(
    ("modality", "study_modalities", "description", "reason"),
    [("NM", {"NM"}, "NM REST MYOCARDIAL PERFUSION", "playbook"),  # rest only: not the stress code (below)
     ("CR", {"CR"}, "XR SPINE LUMBAR (LATERAL ONLY)", "unsaid:views"),  # one view named, "2 or 3 Views" coded
     ("MR", {"MR"}, "MR ANGIOGRAM BRAIN WITHOUT CONTRAST", "drops:angio")],  # no MR angiogram code: not "MR Brain"
)
def test_vocabulary_2_5_withholds(modality: str, study_modalities: set[str], description: str, reason: str) -> None:
    result = READER.map(modality, study_description=description, study_modalities=study_modalities)
    assert result.status == "review" and reason in result.rule, result
    assert result.candidates[0].code != "39667-1"  # "NM Heart Views W stress": contradicted by a rest-only study


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CT", "CHEST WC", "24628-0"),  # WC: with contrast
     ("MR", "MRI SPINE SURVEY WO/W IV CONTRAST", "30855-1"),
     ("NM", "NM MYOCARDIAL PERFUSION REST AND STRESS", "39667-1")],
)
def test_vocabulary_2_5_more_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("DX", "XR CHEST POSTEROANTERIOR WITH DECUBITUS", "30745-4"),  # not "2 Views" (PA and lateral)
     ("CR", "XR CHEST SPECIAL VIEW (LORDOTIC,DECUB)", "30745-4"),
     ("DX", "OBSTRUCTION SERIES", "37636-8"),  # an abdomen series
     ("CT", "CT ANGIOGRAPHY CHEST", "36266-5"),  # a CT angiogram is made with IV contrast (vocabulary 4.0)
     ("CT", "CT ABDOMEN AND PELVIS WITH CONTRAST", "36813-4"),
     ("CT", "CT ANG CHEST, ABD, PEL WWO", "83298-0"),
     ("CR", "XR POR CHEST 1V", "36589-0")],  # a portable single chest view is AP
)
def test_vocabulary_2_6_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


def test_a_ct_abdomen_without_a_stated_phase_is_withheld() -> None:
    result = READER.map("CT", study_description="CT ABDOMEN AND PELVIS")
    assert result.status == "review" and "unsaid:" in result.rule, result  # every A/P code states a phase


def test_with_elastography_is_not_with_contrast() -> None:
    result = READER.map("MR", study_description="MRI LIVER W/O CONTRAST WITH ELASTOGRAPHY")
    assert result.attributes is not None and result.attributes.contrast == "WO", result


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CT", "CT CHEST NO IVCON", "29252-4"),  # NO before a contrast word: without
     ("CT", "ABDOMEN^UROGRAM_GR (ADULT)", "42274-1"),  # a urogram covers abdomen and pelvis
     ("CR", "CHEST PA/LT", "42272-5"),  # LT after PA is the lateral view: "XR Chest PA and Lateral"
     ("CT", "THORAX^01_LG_CHEST_LOWDOSE_WO_SCREENIN (ADULT)", "79086-5"),  # a word cut at the field's length
     ("DX", "XR CHEST DECUBITUS VIEWS, LEFT", "30745-4"),  # decubitus views are not routine views
     ("CR", "XR CHEST DECUBITUS 1 VW LEFT", "36554-4")],  # one view said: a single view
)
def test_vocabulary_2_7_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


def test_a_cut_word_is_completed_only_when_one_vocabulary_word_fits() -> None:
    from services.harmonize.procedure import _complete_cut_words

    lexicon = READER.lexicon
    assert _complete_cut_words(["PULMONAR", "ANGIO"], lexicon) == ["PULMONARY", "ANGIO"]
    assert _complete_cut_words(["STROKE"], lexicon) == ["STROKE"]  # a phrase's first word is not a cut word
    assert _complete_cut_words(["SCREENINGXYZ"], lexicon) == ["SCREENINGXYZ"]  # longer than any word
    assert _complete_cut_words(["CHESTPA", "WALL"], lexicon) == ["CHEST", "PA", "WALL"]  # two words glued
    # a word with one stray letter is not read apart inside it: ABDOMEN and a slip, not ABDOME and NT (the
    # nuchal translucency scan) or NC (no contrast)
    assert _complete_cut_words(["ABDOMENT"], lexicon) == ["ABDOMEN"]
    assert _complete_cut_words(["ABDOMENC"], lexicon) == ["ABDOMEN"]
    assert _complete_cut_words(["ABDOMENW"], lexicon) == ["ABDOMEN", "W"]  # a with word glued after it



@pytest.mark.parametrize(
    ("modality", "study_modalities", "description", "loinc"),
    [("CT", {"CT"}, "PET/CT FDG TUMOR IMAGING WITH CT WHOLE BODY", "81555-5"),  # the study is the PET/CT
     ("DX", {"DX"}, "CERV SP FLEXION+EXTENSION", "43539-6"),  # two lateral views of the cervical spine
     ("CT", {"CT"}, "CT PULM VEIN OP", "36266-5"),  # pulmonary veins before ablation: a chest CTA
     ("CR", {"CR"}, "XR CHEST PA LAT AND OBLIQUES", "30742-1")],  # both obliques
)
def test_vocabulary_2_8_readings(modality: str, study_modalities: set[str], description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description, study_modalities=study_modalities)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


@pytest.mark.parametrize(
    ("modality", "description"),
    [("CR", "XR SPINE LUMBAR (AP+LAT+OBLIQUES)"),  # four views named: not "2 or 3 Views"
     ("CT", "HEAD^MAXILLOFACIAL1 (ADULT)"),  # a word glued to a number is still read (face: not "CT Head")
     ("DX", "C-ARM FLUOROSCOPY UP TO 1 HOUR")],  # a C-arm is not an arm
)
def test_vocabulary_2_8_withholds(modality: str, description: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.status == "review", result


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CT", "HEAD^HEAD_WOANDWITH_GR (ADULT)", "24726-2"),  # WO AND WITH glued
     ("CT", "ABDOMEN^6_DUAL_PHASE (ADULT)", "79103-8"),  # arterial and venous phases: with contrast
     ("CT", "IR ESI SPINE CERVICAL THORACIC", None)],  # cervical and thoracic spine, not the chest
)
def test_vocabulary_2_9_readings(modality: str, description: str, loinc: str | None) -> None:
    result = READER.map(modality, study_description=description)
    if loinc is None:
        assert result.attributes is not None and "CHEST" not in result.attributes.regions, result
    else:
        assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


def test_a_nuclear_study_named_on_its_ct_series_is_not_a_ct_code_and_timing_must_be_said() -> None:
    result = READER.map("CT", study_description="NM HEART CARDIAC AMYLOID SPECT SCAN", study_modalities={"CT", "NM"})
    assert result.candidates[0].meaning.startswith(("NM", "SPECT")), result
    assert result.status == "review" and "unsaid:" in result.rule and "timing" in result.rule, result


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CR", "ABDOMEN SERIES-NO CHEST-CS", "37636-8"),  # a region said not to be examined
     ("DX", "RIBS - UNILATERAL NO CHEST-CS", "24899-7"),
     ("CT", "CARDIAC TRIPLE OP", "36266-5")],  # a cardiac triple rule-out: a chest CTA
)
def test_vocabulary_3_0_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("CT", "泌尿系CT平扫", "36952-0"),  # the urinary tract: abdomen and pelvis
     ("DX", "胸部正侧位", "36643-5"),  # frontal and lateral: two views
     ("DX", "左手正斜位", "26389-7")],  # frontal and oblique of the left hand
)
def test_vocabulary_3_1_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


@pytest.mark.parametrize(
    ("modality", "description", "reason"),
    [("US", "腓肠肌彩超", "unread"),  # Chinese characters no phrase covers may name the anatomy (the calf muscle)
     ("CT", "腘窝CT平扫+增强", "unread"),  # the popliteal fossa
     ("CT", "颞骨HRCT", "drops:TEMPORAL_BONES"),  # HRCT of the temporal bones, not of the chest
     ("MG", "钼靶-双乳", "drops:laterality"),  # the side of a paired part
     ("CT", "胰腺CT薄层增强", "drops:PANCREAS")],  # an organ examined on its own
)
def test_vocabulary_3_1_withholds(modality: str, description: str, reason: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.status == "review" and reason in result.rule, result


def test_unread_chinese_ignores_silent_words() -> None:
    from services.harmonize.procedure import read_text

    assert read_text("急诊头颅CT平扫复查", {"CT"}, READER.lexicon).unread == []
    assert read_text("子宫附件彩超（经阴道）", {"US"}, READER.lexicon).unread == []  # uterus and adnexa: the pelvis
    assert read_text("腓肠肌彩超", {"US"}, READER.lexicon).unread == ["腓肠肌"]
