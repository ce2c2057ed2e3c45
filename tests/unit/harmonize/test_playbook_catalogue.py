"""Procedure -> LOINC over the whole catalogue: MIDRC's codes and the LOINC/RSNA Radiology Playbook codes the
vocabulary reads (joints, sides, view counts, arthrograms, diagnostic mammograms... that MIDRC's codes lack)."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from services.harmonize.procedure import build_mapper, default_lexicon, read_midrc_table, read_text
from tests.unit.harmonize.readings_by_version import READINGS_BY_VERSION

#: Without MIDRC's rows: every answer comes from reading the description.
READER = build_mapper(exclude_keys={row.key for row in read_midrc_table()})
#: The mapper as deployed (MIDRC's rows included), built once for the module.
MAPPER = build_mapper()


def _assert_best_code(modality: str, description: str, code: str, *, mapped: bool) -> None:
    """The deployed mapper's best code for a series of `modality` described so, emitted (not in review) if `mapped`."""
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset({modality}))
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)
    if mapped:
        assert result.status == "mapped", (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("MR", "MRI SHOULDER", "24905-2"),  # MR Shoulder
    ("MR", "MRI KNEE LEFT WO CONTRAST", "36508-0"),  # MR Knee - left WO contrast
    ("CR", "XR ELBOW 3 VIEWS RIGHT", "37682-2"),  # XR Elbow - right 3 Views
    ("US", "US THYROID", "25010-0"),  # US Thyroid gland
    ("MG", "MAMMO DIAG BILAT", "26346-7"),  # MG Breast - bilateral Diagnostic
    ("MR", "MRI TMJ BILATERAL", "37228-4"),  # MR Temporomandibular joint - bilateral
    ("MR", "颞下颌关节MRI", "24999-5"),  # MR Temporomandibular joint
    ("MR", "MR ARTHROGRAM SHOULDER RIGHT", "36132-9"),  # MR Shoulder - right Arthrogram
    ("NM", "NM Whole Body Bone", "39818-0"),  # NM Whole body Bone Views
    ("CT", "CT ENTEROGRAPHY DONE AT AN OUTSIDE HOSPITAL", "72250-4"),  # CT Small bowel W contrast PO and IV
    ("CT", "ABDOMEN^ENTEROGRAPHY (ADULT)", "72250-4"),
    ("MR", "前列腺多参数MRI(mpMRI)", "30675-3"),  # MR Prostate (4.70: contrast is said apart, rule 2)
    ("CT", "头颅CT灌注成像（CTP）", "24728-8"),  # CT perfusion Head (its contrast unsaid: the W code fits too, 4.74)
    ("CR", "HAND RIGHT 3 VIEWS MIN", "47371-0"),  # XR Hand - right GE 3 Views
    ("MR", "MRI P SHOULDER W, RT", "36254-1"),  # W before the side is contrast: MR Shoulder - right W contrast IV
    ("CT", "上腹部CT平扫(肝胆胰脾)", "36424-0"),  # liver, gallbladder, pancreas and spleen: CT Abdomen WO contrast
    ("US", "双下肢静脉彩超", "39420-5"),  # US.doppler Lower extremity vein - bilateral
    ("NM", "NUC MED LUNG VENTILATION + PERFUSION", "39942-8"),  # NM Lung Ventilation and Perfusion
])
def test_descriptions_midrcs_codes_could_not_name_map_to_playbook_codes(modality: str, description: str,
                                                                       code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert (result.status, result.code) == ("mapped", code), (result.confidence, result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    # "GE 2 Views" states less than "GE 4 Views", which the description says itself: no alternative
    ("CR", "XR C Spine Comp Min 4 Views", "44212-9"),
    # "W contrast IV" would rest on the contrast an MR angiogram is assumed to have: the silent code is the answer
    ("MR", "Brain-MRA", "30856-9"),
])
def test_a_close_code_stating_less_or_only_an_assumption_does_not_make_the_answer_ambiguous(
        modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert (result.status, result.code) == ("mapped", code), (result.confidence, result.rule, result.candidates)


def test_a_code_that_does_not_reach_a_named_region_is_withheld() -> None:
    result = READER.map("CT", study_description="CT CHEST (PULMONARY EMBOLISM) PELVIS")
    assert result.status == "review" and "drops:PELVIS" in result.rule, result.rule


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("US", "US LOWER EXTREMITY VENOUS DUPLEX BILATERAL", "39420-5"),  # US.doppler Lower extremity vein - bilateral
    ("US", "US ARTERIAL DOPPLER LOWER EXTREMITY BILATERAL", "38130-1"),  # US Lower extremity artery - bilateral
    ("US", "US DVT LEFT LEG", "39432-0"),  # US.doppler Lower extremity vein - left
    ("US", "US CAROTID DOPPLER LEFT", "26218-8"),  # US Carotid arteries - left
    ("US", "颈动脉彩超", "24616-5"),  # US Carotid arteries
    ("CT", "CTA CAROTID", "36146-9"),  # CTA Carotid artery W contrast IV
    ("CT", "CTA PULMONARY VEINS", "87839-7"),  # CTA Pulmonary veins W contrast IV
    ("CT", "CTA MESENTERIC", "87851-2"),  # CTA Mesenteric vessels W contrast IV
    ("MR", "MRA PORTAL VEIN", "36077-6"),  # MRA Portal vein
    ("MR", "MRV BRAIN", "30858-5"),  # MRA Head veins
    ("CT", "CT CHEST (PULMONARY EMBOLISM) PELVIS LOWER EXTREMITY BILATERAL", "83290-7"),  # PE and DVT
])
def test_the_kind_of_vessel_named_chooses_the_artery_or_vein_code(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert (result.status, result.code) == ("mapped", code), (result.confidence, result.rule, result.candidates)


def test_an_intravenous_route_is_contrast_not_a_venous_study() -> None:
    reading = READER.read("CT", ["腹部静脉注射增强CT"])[0]
    assert reading.contrast == {"W"} and "veins" not in reading.qualifiers
    assert "veins" not in READER.read("XR", ["静脉肾盂造影"])[0].qualifiers


def test_arteries_and_veins_contradict_each_other() -> None:
    result = READER.map("US", study_description="US LOWER EXTREMITY VENOUS DUPLEX LEFT")
    assert all("artery" not in (c.meaning or "") for c in result.candidates), result.candidates


def test_a_screening_mammogram_is_not_a_diagnostic_code() -> None:
    result = READER.map("MG", study_description="SCREENING MAMMOGRAM BILATERAL")
    assert result.candidates and "Diagnostic" not in (result.candidates[0].meaning or "")
    assert result.status == "mapped" and result.meaning == "MG Breast - bilateral Screening"


def test_a_code_keeping_the_purpose_said_comes_before_one_dropping_it() -> None:
    result = READER.map("CT", study_description="VASCULAR^THORACIC_ANEURYSM_CTA (ADULT)")
    assert result.candidates[0].meaning == "CTA Thoracic Aorta", result.candidates  # not "CT Thoracic Aorta W ..."


def test_a_protocol_names_category_gives_way_to_the_anatomy_of_its_protocol_part() -> None:
    result = READER.map("CT", study_description="HEAD^DE_CTA_NECK (ADULT)")
    assert (result.status, result.meaning) == ("mapped", "CTA Neck vessels W contrast IV"), result.rule


def test_a_tracer_code_needs_the_tracer_said() -> None:
    result = READER.map("PT", study_description="PET SARCOMA (W/LOW DOSE CT)", study_modalities=("CT", "PT"))
    assert result.candidates[0].code == "44136-0" and result.code != "81555-5", result.candidates  # not FDG
    fdg = READER.map("PT", study_description="PET FDG WHOLE BODY", study_modalities=("CT", "PT"))
    assert fdg.candidates[0].code == "81555-5", fdg.candidates


def test_an_arthrogram_code_carries_the_contrast_in_the_joint() -> None:
    result = READER.map("MR", study_description="MRI POST ARTHRO SHOULDER RT W")
    assert (result.status, result.code) == ("mapped", "36132-9"), result.rule  # MR Shoulder - right Arthrogram
    iv = READER.map("MR", study_description="MRI SHOULDER RIGHT W CONTRAST")
    assert iv.code == "36254-1"  # MR Shoulder - right W contrast IV: an IV contrast study is no arthrogram


@pytest.mark.parametrize(("description", "meaning"), [
    ("XR CHEST DECUBITUS LEFT", "XR Chest AP left lateral-decubitus"),  # a side word on the chest is the view's
    ("XR CHEST LATERAL DECUBITUS RIGHT", "XR Chest AP right lateral-decubitus"),
    ("XR CHEST LEFT DECUBITUS VIEW (RIGHT SIDE UP)", "XR Chest AP left lateral-decubitus"),
    ("XR CHEST DECUBITUS 1 VW LEFT", "XR Chest AP left lateral-decubitus"),  # before "Single view"
    ("XR CHEST DECUBITUS", "XR Chest AP lateral-decubitus"),  # no side said: the code naming none
])
def test_a_decubitus_view_keeps_its_side(description: str, meaning: str) -> None:
    result = READER.map("CR", study_description=description)
    assert (result.status, result.meaning) == ("mapped", meaning), (result.confidence, result.candidates)


def test_the_side_of_a_decubitus_view_is_not_guessed() -> None:
    result = READER.map("CR", study_description="XR CHEST DECUBITUS")
    assert all("left" not in (c.meaning or "") and "right" not in (c.meaning or "") for c in result.candidates[:1])
    left = READER.map("CR", study_description="XR CHEST LEFT DECUBITUS")
    assert "right" not in (left.meaning or ""), left.meaning


@pytest.mark.parametrize(("modality", "description", "meaning"), [
    ("CR", "XR LEFT THUMB", "XR Thumb - left Views"),  # the thumb is coded apart from the fingers
    ("DX", "CERV SP FLEXION+EXTENSION", "XR Cervical spine Views W flexion and W extension"),
    ("DX", "XR LUMBAR SPINE FLEXION AND EXTENSION ONLY", "XR Lumbar spine Views W flexion and W extension"),
    # routine views and the bent ones: the code adding the bent views to views left open
    ("DX", "XR SPINE LUMBAR (AP, LAT, FLEX/EX)", "XR Lumbar spine Views W flexion and W extension"),
    ("DX", "XR CERVICAL COMPLETE FLEX EXTENSION", "XR Cervical spine Views W flexion and W extension"),
])
def test_thumbs_and_bent_spine_views_have_codes_of_their_own(modality: str, description: str,
                                                             meaning: str) -> None:
    result = READER.map(modality, study_description=description)
    assert (result.status, result.meaning) == ("mapped", meaning), (result.confidence, result.candidates)


@pytest.mark.parametrize(("description", "meaning"), [
    ("XR SPINE SCOLIOSIS STANDING", "XR Thoracic and lumbar spine Views for scoliosis W standing"),
    ("XR CERVICAL SPINE AP LAT ODONTOID", "XR Cervical spine AP and Lateral and Odontoid"),
])
def test_scoliosis_series_and_named_spine_views_are_read(description: str, meaning: str) -> None:
    result = READER.map("DX", study_description=description)
    assert (result.status, result.meaning) == ("mapped", meaning), (result.confidence, result.candidates)


def test_a_view_count_no_code_keeps_is_withheld() -> None:
    result = READER.map("DX", study_description="XR SCOLIOSIS STUDY 2 OR 3 VIEWS")
    assert result.status == "review" and "drops:views" in result.rule, result.rule


def test_ap_or_pa_is_not_the_code_stating_ap() -> None:
    result = READER.map("CR", study_description="XR CHEST AP OR PA PORTABLE")
    assert result.candidates[0].meaning == "Portable XR Chest Views", result.candidates


@pytest.mark.parametrize(
    ("modality", "description", "loinc"),
    [("DX", "CHESTPA WALL", "24648-8"),  # at the wall stand: "XR Chest PA upright"
     ("DX", "PELVISAP TABLE", "37622-8"),  # on the table: "XR Pelvis AP", the position left open by the code
     ("DX", "L-SPINELAT WALL", "37003-1"),  # "XR Lumbar spine Lateral W standing"
     ("DX", "XR SPINE LUMBAR (AP+LAT, SUPINE+UPRIGHT)", "39333-0"),  # "AP and Lateral W standing"
     ("CR", "SKULL LESS THAN 4 VIEWS", "28564-3"),  # 1 to 3 views: "XR Skull Views", not "4 Views"
     ("CT", "CTA ABDOMEN WWO CONTRAST (AORTA)", "82678-4"),  # the aorta in the abdomen: the abdominal aorta
     ("CT", "CARDIAC PV OP", "87839-7"),  # the pulmonary veins of a cardiac CT: "CTA Pulmonary veins"
     ("CT", "CTA CIRCLE OF WILLIS", "36814-2"),  # "CTA Head Arteries W contrast IV"
     ("MR", "头颅MRA+MRV", "30856-9")],  # arteries and veins: "MRA Head vessels"
)
def test_vocabulary_4_2_readings(modality: str, description: str, loinc: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates[0].code == loinc, (result.attributes, result.candidates, result.rule)


def test_a_region_named_with_the_region_holding_it_is_not_read_as_their_common_part() -> None:
    reading = READER.read("CT", ["CT HEART AND CHEST"])[0]
    assert "PULMONARY_VEINS" not in reading.regions and "HEART" in reading.regions, reading


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CR", "XR SHOULDER RIGHT (COMPLETE: IR/ER/GRASHEY/Y/AXILLARY)", "37795-2"),  # five views named: "5 Views"
    ("CR", "XR SHOULDER 3 VIEWS (AP, SCAPULAR Y, AXILLARY) LEFT", "37084-1"),  # "AP and Axillary and Y"
    ("CR", "XR SCAPULA Y VIEW LEFT", "37054-4"),  # "XR Scapula - left Y"
    ("CR", "XR KNEE BILATERAL AP LAT SUNRISE", "37107-0"),  # "AP and Lateral and Sunrise"
    ("CR", "XR KNEE LEFT SUNRISE VIEW", "43779-8"),
    ("CR", "XR HIP AP AND FROG LEG LATERAL LEFT", "37093-2"),  # "AP and Lateral frog": two views
    ("CR", "XR HIP CROSS TABLE LATERAL RIGHT", "37727-5"),  # "Lateral crosstable"
    ("CR", "XR ANKLE AP LAT MORTISE RIGHT", "37666-5"),
    ("CR", "XR PATELLA RIGHT", "37777-0"),
    ("CR", "XR AC JOINTS BILATERAL", "26136-2"),
    ("CR", "XR PELVIS INLET OUTLET", "30771-0"),
    ("CT", "CT CYSTOGRAM", "79094-9"),  # "CT Urinary bladder W contrast intra bladder"
    ("US", "US RLE ARTERIAL", "39505-3"),  # right lower extremity: "US.doppler Lower extremity artery - right"
    ("US", "US LE VENOUS DUPLEX BILAT", "39420-5"),
])
def test_named_views_joints_and_routes_of_vocabulary_4_3(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


def test_a_name_with_a_word_known_only_for_other_modalities_stays_out_of_the_catalogue() -> None:
    from services.harmonize.procedure import read_catalogue

    names = {p.name for p in read_catalogue()}
    assert "MRA Thoracic inlet vessels W contrast IV" not in names  # INLET is a radiograph's view
    assert "MRA Chest vessels W contrast IV" in names


def test_le_before_a_view_count_is_at_most() -> None:
    from services.harmonize.procedure import Views

    reading = READER.read("CR", ["XR SKULL LE 3 VIEWS"])[0]
    assert reading.views == Views(1, 3) and reading.regions == {"HEAD"}, reading


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "VASCULAR^CTA_MESSENTERIC (ADULT)", "87851-2"),  # a letter added: MESENTERIC
    ("CT", "CT CARD W/CON PULMNARY VEIN", "87839-7"),  # a letter missing: PULMONARY
    ("CT", "CT ABDOMNE PELVIS", "44115-4"),  # two letters swapped
    ("CT", "CARDIAC TRIPLE RULE OUT OP", "87842-1"),  # coronary and pulmonary arteries and thoracic aorta
    ("CT", "ABDOMEN^AB20_LOWER_GIB (ADULT)", "44115-4"),  # a GI bleed: abdomen and pelvis
    ("XA", "FL CYSTOURETHROGRAM", "25017-5"),  # the bladder and urethra (the urethra read since 4.59)
    ("RF", "FL C-ARM (PAIN MANAGMENT ONLY)", "86407-4"),  # "RF Guidance of Unspecified body region"
    ("CT", "THORAX^LOW_DOSE_LUNG_OVER_30_BMI (ADULT)", "29252-4"),  # low dose, screening unsaid
    ("CT", "LOW DOSE LUNG CA SCRN 71271-CS", "79086-5"),  # screening said
])
def test_vocabulary_4_5_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "modalities", "description", "code"), [
    ("CT", "CT", "TK jamy brzusznej z kontrastem", "79103-8"),  # Polish: CT Abdomen W contrast IV
    ("CT", "CT", "TK klatki piersiowej bez i ze wzmocnieniem kontrastowym", "30598-7"),  # chest WO and W
    ("CT", "CT", "Thorax^KLATKA_PIERSIOWA_kontrast (Adult)", "24628-0"),
    ("MR", "MR", "IRM HANCHE DROITE C+", "36206-1"),  # French: MR Hip - right W contrast IV
    ("MR", "MR", "RM PELVE - EXT", "24867-4"),  # Portuguese: MR Pelvis
    ("CT", "CT", "myelom - pouze nativ", "43525-5"),  # Czech: native = without contrast, no region named
    ("MR", "MR", "MC prostaat kliniek detectie", "30675-3"),  # Dutch: MR Prostate
    ("CT", "CT", "three_phase__abdomen", "79103-8"),  # three phases: with contrast (4.28; without and with before)
    ("CT", "CT", "two_phase__abdomen_pelvis", "36813-4"),  # two phases after contrast: with
    ("CT", "CT", "CT ABDOMEN & PELVIS NONENH & ENHANCED", "42274-1"),
    ("CT", "CT", "Abdomen^1CT_ACRIN COLONOGRAPHY", "60515-4"),  # (4.14) CT Colon and Rectum W air contrast PR
    ("CT", "CT", "CT CH/AB W/ CONTRAST", "42275-8"),
    ("CT", "CT", "CT AbdPelvis", "44115-4"),  # two words written as one
    ("CT", "CT", "CT_pelvisbonebiopsy", "24864-1"),  # three
    ("MR", "MR", "MR PROSTATE W ENDORECTAL COIL", "30675-3"),  # with a coil, not with contrast
    ("MR", "MR", "MRI THORACIC W/WO CONTRAST", "24981-3"),  # an MR of the thoracic spine
    ("MR", "MR", "_t1of6 MRI IAMS", "35956-2"),  # internal auditory meatus
    ("CT", "CT", "NLST-ACRIN", "79086-5"),  # the lung screening trial's CT
    ("PT", "CT,PT", "Unspecified CT ABDOMEN", "41806-1"),  # the CT of a PET/CT study, described alone
    ("PT", "CT,PT", "PET-CT (Teilkoerper nativ)", "44136-0"),  # a PET/CT is coded as its PET, not its CT
])
def test_vocabulary_4_7_readings(modality: str, modalities: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description, study_modalities=frozenset(modalities.split(",")))
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "Abdomen^BRZUCH_BOLUS (Adult)", "79103-8"),  # a contrast bolus
    ("CT", "Thorax^CAP_ARTERIAL_PORTVENOUS (Adult)", "72254-6"),
    ("CT", "Abdomen^12_9_Liver_HCC_Hepatoma_Triphase (Adult)", "24815-3"),  # CT Liver W contrast IV (4.28)
    ("CT", "J.BRZUSZ.", "41806-1"),
    ("MR", "MR BREAST BI", "30795-9"),  # both breasts
    ("MR", "ACRIN 6667 CONTRALATERAL", "46299-4"),  # the trial's breast MR (its number alone names no region: 4.26)
])
def test_vocabulary_4_10_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CTAPWO", "36952-0"),  # CT A/P WO written as one word
    ("CT", "CTCAPWIV", "72254-6"),  # CT CAP W IV
    ("MR", "MRBRAIN", "24590-2"),
    ("CT", "AbdomenTRIPLE_PHASE_LIVER_Adult_", "24815-3"),  # camel case read apart
    ("CT", "SpecialsCTBIOPSY_Adult_", "25044-9"),
    ("CT", "CT Chest withBH", "24627-2"),  # with a breath hold, not with contrast
    ("CT", "CT Abdo UnEnhan", "36424-0"),  # a word cut short is not read apart
    ("CT", "CT_CHT_ABD_PLV_W_CNTRST", "72254-6"),
    ("MR", "MRM DYN", "30794-2"),  # MR mammography
    ("CT", "CT_GENERIC", "25045-6"),
])
def test_vocabulary_4_11_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CT ABD PEL W ORAL", "44115-4"),  # oral contrast says nothing of IV contrast
    ("CT", "CT_Abd_Pelv_w_IV_and_PO_cont", "36813-4"),  # IV said too
    ("CT", "CT Biopsy BoneMarrow", "37211-0"),  # glued BONEMARROW read apart: "CT Guidance for biopsy of Bone marrow"
    ("CT", "Thorax2CAP_Adult_", "87869-4"),  # a word glued to a number
    ("MG", "Mamm bil screen", "26175-0"),  # MG Breast - bilateral Screening
])
def test_vocabulary_4_12_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modalities", "description", "code"), [
    ("CT,PT", "PET CT SKULL BASE TO MID THIGH", "58741-0"),  # PT Skull base to mid-thigh: not the whole body
    ("CT,PT", "PETCT_Skull_MidThigh", "58741-0"),
    # FDG tumour imaging of that extent, though MIDRC's sites give such rows the whole-body code
    ("CT,PT", "PET/CT FDG TUMOR IMAGING SKULL BASE TO MID THIGH", "81554-8"),
    ("CT,PT", "PET CT WHOLE BODY", "44139-4"),
])
def test_vocabulary_4_13_readings(modalities: str, description: str, code: str) -> None:
    result = READER.map("PT", study_description=description, study_modalities=frozenset(modalities.split(",")))
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CT COLONOGRAPHY", "60515-4"),  # CT Colon and Rectum W air contrast PR
    ("CT", "Abdomen^01ACRINColonographySupine", "60515-4"),  # a protocol name glued to a number and a word
    ("CT", "CT VIRTUAL COLONOSCOPY WO IV CONTRAST", "79071-7"),
    ("CT", "CT ABD PELVIS", "44115-4"),  # not a colonography
    ("RF", "COLON AIR CONTRAST PR", "46357-0"),
    ("CT", "CT COLONOGRAPHY SCREE", "79101-2"),  # SCREE: screen or screener; IV contrast not said
    ("CT", "CT CHEST SCREENING", "79086-5"),  # a screening chest CT: without contrast
])
def test_vocabulary_4_14_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CT TEMPORAL BONES WO", "36866-2"),  # CT Temporal bone WO contrast: not the internal auditory canal
    ("CT", "CT IAC", "35958-8"),  # CT Internal auditory canal
    ("MR", "MRI IAMS", "35956-2"),
    ("MR", "MR BRAIN IAC", "43772-3"),  # (4.16) named together, and a code names them together
    ("MR", "MRI BRAIN AND PITUITARY", "42385-5"),
    ("CT", "CT ABDOMEN LIVER", "24814-6"),  # no code names them together: the part
])
def test_vocabulary_4_15_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modalities", "description", "code"), [
    ("CT,PT", "PETCT__Skull_Base_to", "58741-0"),  # the extent cut at the field's length
    ("CT,PT", "PET IMAGE W/CT SKULL-T", "58741-0"),
    ("CT,PT", "PET_CT_BASE_OF_HEAD_TO_THIGH_EVAL_IMAGING", "58741-0"),
    ("CT,PT", "PET IMAGE W/CT, SKULL-", "44138-6"),  # the skull alone: not that extent
    ("CT", "Thorax^LOW_DOSE_NON_CONCHEST (Adult)", "29252-4"),  # a contrast word glued to a region
    ("CT", "CT_Chest_With_GI", "24627-2"),  # GI (oral) contrast says nothing of IV contrast
    ("CT", "CT ABD W IV AND GI CONTRAST", "79103-8"),
    ("CT", "Vascular^PEAngio (Adult)", "79077-4"),  # an acronym before a capitalised word read apart
])
def test_vocabulary_4_17_readings(modalities: str, description: str, code: str) -> None:
    mods = frozenset(modalities.split(","))
    result = READER.map("PT" if "PT" in mods else "CT", study_description=description, study_modalities=mods)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


def test_vocabulary_4_17_reads_cancer_words_of_a_pet_and_screening_mammography_as_bilateral() -> None:
    pet = READER.map("PT", study_description="PET_SARCOMA", study_modalities=frozenset({"CT", "PT"}))
    assert pet.candidates[0].code == "44136-0" and "unread" not in pet.rule
    screening = MAPPER.map("MG", study_description="MAM Tomo Screening", study_modalities=frozenset({"MG"}))
    assert screening.candidates[0].code == "72142-3" and "unsaid:laterality" not in screening.rule


@pytest.mark.parametrize(("modalities", "description", "code"), [
    ("MR", "MRI BREAST BILAT W+ OR WO CONT", "30795-9"),  # with or without: neither, whatever word follows
    ("CT", "CT ANGIO HEAD W OR WO CONTRAST", "36830-8"),  # an angiogram's own contrast, not WO and W
    ("CT", "CT CHEST NON IONIC", "24628-0"),  # a contrast entry of two words read where they stand apart
    ("CT", "CT_CHESTABDPEL_W_CON", "72254-6"),  # read apart into the fewest words (CHEST ABDPEL)
    ("CT", "O_CT_LWR_EXT_W_O_CONTRAST_RIGHT", "36454-7"),
    ("MR", "MRI JNT OF LWR EXTRE W/O DYE - LEFT", "36453-9"),
    ("CT", "CT TRUNK", "87869-4"),
    ("CT,PT", "NM_PET_SCAN_SKULL_THIGHS_", "58741-0"),  # (4.17: the skull alone, PT Brain)
    ("CT", "TK J. BRZ. I M.M", "44115-4"),  # Polish: jama brzuszna i miednica mniejsza
    ("CT", "Abdomen^KLP_JB_M (Adult)", "87869-4"),  # klatka piersiowa, jama brzuszna (M alone: not read)
])
def test_vocabulary_4_18_readings(modalities: str, description: str, code: str) -> None:
    mods = frozenset(modalities.split(","))
    result = READER.map("PT" if "PT" in mods else sorted(mods)[0], study_description=description,
                        study_modalities=mods)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


def test_vocabulary_4_18_reads_word_list_entries_of_several_words_and_reviews_a_torso_pet() -> None:
    reading, _, _ = READER.read("CR", ["CHEST AP PORT CENTRAL LINE PL"], None, frozenset({"CR"}))
    assert reading.unread == []  # CENTRAL LINE and LINE PL are silent entries, overlapping
    either, _, _ = READER.read("MR", ["MR BREAST W OR WO CONT"], None, frozenset({"MR"}))
    assert either.contrast == set() and either.contrast_either  # not "WO CONT"
    torso = READER.map("PT", study_description="NMPET_CT_trunk", study_modalities=frozenset({"CT", "PT"}))
    assert torso.status == "review"  # no code names a PET of the trunk


@pytest.mark.parametrize(("modality", "description", "code"), [
    pytest.param(*reading, id=f"{version}-{number}")
    for version, readings in READINGS_BY_VERSION.items() for number, reading in enumerate(readings, 1)
])
def test_vocabulary_readings(modality: str, description: str, code: str) -> None:
    """What each version's rules added is still read so (readings_by_version.py)."""
    _assert_best_code(modality, description, code, mapped=False)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("MR", "MR BREAST UNILAT", "46299-4"),  # MR Breast - unilateral: one side, which one unsaid
    ("MR", "MRI BREAST/UNILAT WO/WITH CON", "43528-9"),
    ("MR", "MR BREAST UNILAT LEFT W&WO CONT", "36278-0"),  # the side said: that side's code
    ("MG", "MAMMO SCREENING UNILATERAL", "46356-2"),
    ("CR", "RIBS UNILATERAL 2 VIEWS", "83040-6"),
    ("MR", "MR KNEE UNILATERAL", "24802-1"),  # no code of one knee unsaid: the knee, not reviewed for it
    ("MG", "3-D Tomo Mammogram", "36625-2"),  # nothing said of the side: not one side (nor both: 4.25)
])
def test_vocabulary_4_20_reads_one_side_unsaid(modality: str, description: str, code: str) -> None:
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset({modality}))
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)
    if modality == "MR" and "KNEE" in description:
        assert result.status == "mapped" and "drops" not in result.rule


def test_one_side_unsaid_is_dropped_only_where_codes_of_one_side_exist() -> None:
    ribs = MAPPER.map("DX", study_description="RIBS - UNILATERAL NO CHEST-CS")
    assert ribs.status == "review" and "drops:laterality" in ribs.rule  # ribs have codes of one side unsaid


def test_one_side_unsaid_gives_way_to_a_side_said_and_stays_out_of_the_events() -> None:
    from services.harmonize.procedure import Reading

    reading = Reading(laterality={"unilateral", "left"})
    assert reading.laterality_value == "left"
    alone = Reading(laterality={"unilateral"})
    assert alone.laterality_value == "unilateral" and alone.attributes("MR").laterality is None


def test_a_soft_tissue_biopsy_keeps_the_biopsy() -> None:
    """Soft tissue is read as a target only in a procedure's words, which keep the procedure (vocabulary 4.23)."""
    result = MAPPER.map("CT", study_description="CT_Biopsy_Soft")
    assert result.status == "mapped" and result.code == "89959-1"  # CT Guidance for biopsy of Soft tissue


def test_an_unspecified_region_code_dropping_the_procedure_said_is_not_emitted() -> None:
    """No CT code of a guided injection of an unspecified region: the biopsy code is the nearest, reviewed."""
    result = MAPPER.map("CT", study_description="CT GUIDED NEEDLE INJ,B")
    assert result.status == "review" and "drops:injection" in result.rule
    assert result.candidates[0].code == "25044-9"
    placement = MAPPER.map("CT", study_description="CT_Guided_Needle_Placement")
    assert placement.status == "review"  # the one CT code of a needle placed says "deep"


def test_an_abscess_study_is_no_drainage() -> None:
    assert MAPPER.catalogue["39811-5"].qualifiers == frozenset({"abscess"})  # SPECT ... for abscess
    assert {"guidance", "drainage", "abscess"} <= MAPPER.catalogue["30578-9"].qualifiers


def test_a_pet_series_of_a_pet_ct_study_weighs_no_ct_code() -> None:
    """The PET series of a PET/CT study can carry a PET or PET/CT code, never a CT one: a CT code is no runner-up
    lowering the confidence of the PET code (vocabulary 4.22)."""
    result = MAPPER.map("PT", study_description="PET1_PETCT_WholeBody_Adult_", study_modalities=frozenset({"CT", "PT"}))
    assert result.status == "mapped" and result.code == "44139-4"  # PT Whole body
    catalogue = MAPPER.catalogue
    assert all(catalogue[c.code].modality != "CT" for c in result.candidates)
    ct = MAPPER.map("CT", study_description="PET1_PETCT_WholeBody_Adult_", study_modalities=frozenset({"CT", "PT"}))
    assert {catalogue[c.code].modality for c in ct.candidates} & {"CT", "PT+CT"}  # its CT series still may


def test_a_pet_of_an_organ_is_not_a_whole_body_pet_unless_a_cancer_is_said() -> None:
    liver = MAPPER.map("PT", study_description="PET-CT WATROBA", study_modalities=frozenset({"CT", "PT"}))
    assert liver.candidates[0].code == "44139-4" and liver.status == "review"  # no PET code of the liver
    assert "unsaid:WHOLEBODY" in liver.rule


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CHEST_ABDOMEN_PELVIS_WITH_71260_74177", "72254-6"),  # CPT numbers: with contrast
    ("CT", "CT CHEST (CPT=71250)", "29252-4"),  # CT Chest WO contrast
    ("CT", "CT_LUNG__MEDIASTINUM_32405_77012", "35895-2"),  # a lung biopsy under CT guidance
    ("CT", "CT GUIDED BIOPSY LUNG MEDIASTINUM", "35895-2"),  # the lung and the mediastinum: the chest
    ("CT", "CT NL MEDIASTINUM-LUNG", "35895-2"),  # a site's CT needle procedure
])
def test_vocabulary_4_24_reads_cpt_numbers_and_the_lung_with_the_mediastinum(modality: str, description: str,
                                                                            code: str) -> None:
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset({modality}))
    assert result.status == "mapped" and result.code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "study", "description", "code"), [
    ("MR", "MR", "MRI CONTRALATERAL BREAST", "46299-4"),  # the other breast: one side, which one unsaid
    ("MR", "MR", "CONTRABREAST LEFT", "35954-7"),  # a side said beside it is that side
    ("MR", "MR", "6667 CONTRA-LAT", "46299-4"),  # the ACRIN 6667 trial's breast MR
    ("MG", "MG", "SCREENING MAMMO COMBO", "72142-3"),  # Hologic's combo: with tomosynthesis
    ("MG", "MG", "MAMMO SCR BILAT TOMO", "72142-3"),  # SCR: screening, on a mammogram
    ("MG", "MG", "MAMMO TOMO DX RIGHT", "72137-3"),  # DX: diagnostic, on a mammogram
    ("MG", "MG", "DIAGNOSTIC MAMMOGRAM WITH TOMO", "24605-8"),  # every DBT code names a side: tomo dropped
    ("MG", "MG", "TOMO BDS", "86463-7"),  # German beidseits: both breasts
    ("MG", "MG", "MAMMO 3D RIGHT DIAGNOSTIC", "72137-3"),  # 3D on a mammogram: tomosynthesis
    ("CT", "CT", "CTCH3", "24627-2"),  # a modality glued to a word, then a number
    ("CT", "CT", "CT ABDOMEN W0 CONTRAST", "36424-0"),  # W0: WO mistyped
    ("CT", "CT", "CT_HEAD_W_OUT_CONTRAST", "30799-1"),
    ("CT", "CT", "CT_ABDOMEN_WITH_BI", "41806-1"),  # not with contrast
    ("CT", "CT", "CT ABD PELCONT", "36813-4"),  # a region's short name glued to the contrast word
    ("PT", "CT,PT", "PETCT SK-TH", "58741-0"),  # skull base to thigh, abbreviated
    ("PT", "CT,PT", "PET WHOLE BODY SKULL BASE TO MID THIGH", "58741-0"),  # the extent narrows the whole body
    ("PT", "CT,PT", "PETCT TORSO", "58741-0"),  # a PET of the torso: skull base to mid-thigh
    ("PT", "PT", "PET RT PLANNING WHOLE", "44139-4"),
    ("CT", "CT", "CT CHEST/ABDOMENW", "42275-8"),  # W glued to a region
    ("CT", "CT", "CT_CHEST.WCONTRAST", "24628-0"),  # W glued to the contrast word
    ("CT", "CT", "CT PULMONARY ARTERY", "36147-7"),  # a CT of the pulmonary arteries is an angiogram
])
def test_vocabulary_4_25_readings(modality: str, study: str, description: str, code: str) -> None:
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset(study.split(",")))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("description", "code"), [
    ("CT CHEST W/ ABD PELVIS W/WO", "87864-5"),  # the chest with contrast, the abdomen and pelvis without and with
    ("CT ABDOMEN WO+W PELVIS W", "87862-9"),  # the abdomen without and with, the pelvis with
    ("CT CHEST W ABDOMEN W+WO", "87863-7"),
    ("CT ABD/PELVIS W/WO", "42274-1"),  # one contrast for both: without and with
    ("CT ABDOMEN WO+W PELVIS WO+W", "42274-1"),  # each without and with: the same
    ("CT HEAD AND NECK W/WO", "86972-7"),  # a code of the head and neck without and with entered (4.25)
])
def test_contrast_said_apart_for_regions(description: str, code: str) -> None:
    result = MAPPER.map("CT", study_description=description, study_modalities=frozenset({"CT"}))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


def test_a_w_between_two_regions_is_contrast_only_beside_another_regions_without() -> None:
    lexicon = READER.lexicon
    assert read_text("CT CHEST W ABDOMEN", ("CT",), lexicon).contrast == set()  # the chest with the abdomen
    split = read_text("CT CHEST W ABDOMEN WO", ("CT",), lexicon)
    assert split.contrast == {"W", "WO"} and "contrast_by_region" in split.qualifiers
    assert MAPPER.catalogue["87864-5"].qualifiers == frozenset({"contrast_by_region"})
    assert "contrast_by_region" not in MAPPER.catalogue["72252-0"].qualifiers


@pytest.mark.parametrize(("modality", "study", "description", "code"), [
    ("PT", "PT", "FDG PET LUNG", "57822-9"),  # a study of PET series alone: no PET/CT code unless one is said
    ("PT", "PT", "PET CT WHOLE BODY", "44139-4"),
    ("MG", "MG", "SCREENING COMBO", "72142-3"),  # combo: a tomosynthesis of the breast, both for a screening
    ("CT", "CT", "CT ABDOMEN W WO PELVIS W", "87862-9"),  # W WO, then the pelvis: not "without the pelvis"
    ("MR", "MR", "ACRIN6667", "25056-3"),  # a trial's number names no region
    ("MR", "MR", "ACRIN6667 CONTRA-LAT", "46299-4"),  # the trial's contralateral breast
])
def test_vocabulary_4_26_readings(modality: str, study: str, description: str, code: str) -> None:
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset(study.split(",")))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("description", "code"), [
    ("CT CHEST ABD PELVIS C", "72254-6"),  # a lone C ending the description after the anatomy: with contrast
    ("CT CHEST IC", "24628-0"),  # IC: intravenous contrast
    ("CT CHEST ABDWITH", "42275-8"),  # a region's short name glued to WITH
    ("CT ABDOMEN WO PELVIS WO", "36952-0"),  # each region without: not the pelvis left out
    ("CT CHEST ABDOMEN PELVIS WITH PANEL", "87869-4"),  # with a panel: not contrast
    ("CT ABDOMEN PELVIS DELAYS", "36813-4"),  # a CT's delayed images: after contrast (4.28)
    ("CT CHEST WO CONTRAST W CAD", "29252-4"),  # with computer-aided detection: not contrast (4.28)
    ("CT LIVER TRIPLE PHASE", "24815-3"),  # a phase count: with contrast (4.28)
    ("CT ABDOMEN TRIPLE PHASE WITH PLAIN", "36267-3"),  # a plain phase said too: without and with
])
def test_vocabulary_4_27_readings(description: str, code: str) -> None:
    result = MAPPER.map("CT", study_description=description, study_modalities=frozenset({"CT"}))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "study", "description", "code"), [
    ("CT", "CT", "THORAX^CT_CA_WO (ADULT)", "42276-6"),  # CA where the regions are named: chest and abdomen
    ("CT", "CT", "CT_CA_WITH", "42275-8"),
    ("CT", "CT", "THORAX_CA_W_WO", "42277-4"),  # after the folder's region, before contrast
    ("CT", "CT", "CA.AP W", "72254-6"),  # before another region: a list of regions
    ("CT", "CT", "CT CHEST CA", "24627-2"),  # after the site it qualifies: a cancer
    ("CT", "CT", "CT F/U CA STAGING", "25045-6"),
    ("CT", "CT", "THORAX^AVERAGE_CHEST_LOW_DOSE (ADULT)", "29252-4"),  # a low-dose chest CT: without contrast
    ("CT", "CT", "LOW DOSE CHEST W CONTRAST", "24628-0"),  # unless contrast is said
    ("CT", "CT", "CT LOW DOSE CHEST", "29252-4"),  # without contrast, but no screening purpose
    ("CT", "CT", "THORAX^HI_RESOLUTION_CHEST (ADULT)", "29252-4"),
    ("PT", "CT,PT", "PET/CT LUNG CA", "44136-0"),  # a PET for a lung cancer: the cancer's site, region unsaid
    ("PT", "CT,PT", "PET NSC LUNG RESTAGE", "44136-0"),
    ("PT", "PT", "LUNG NODULE", "44136-0"),
    ("PT", "CT,PT", "PET ESOPHAGEAL CANCER", "44136-0"),
    ("PT", "CT,PT", "PET/CT LUNGS", "57822-9"),  # the lungs said alone: the region imaged
    ("PT", "CT,PT", "CHEST DELAYS", "57822-9"),
    ("PT", "CT,PT", "NM PET STOT LUNG CA RESTG", "58741-0"),  # STOT: skull base to thigh, kept
    ("PT", "CTPT,PT", "PET LUNG", "57822-9"),  # MIDRC's CTPT: a study of CT and PT series
])
def test_vocabulary_4_29_readings(modality: str, study: str, description: str, code: str) -> None:
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset(study.split(",")))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "study", "description", "code"), [
    ("CT", "CT", "CHEST_ABD_PELVIS_WITH_CT", "72254-6"),  # WITH, then the CT said last after the regions: contrast
    ("PT", "CT,PT", "PET_SKULL_TO_THIGH_ONCOLOGIC_SCAN_W_CT", "58741-0"),  # a PET's CT: a scan, not contrast
    ("CT", "CT", "CTCAPC", "72254-6"),  # a modality glued to a region and a contrast letter
    ("CT", "CT", "CTAPC", "36813-4"),
    ("CT", "CT", "XIONGBU CT PINGSAO", "29252-4"),  # pinyin: 胸部 平扫
    ("CT", "CT", "SHANGFU PINGSAO+ZENGQIANG", "36267-3"),  # 上腹 平扫+增强
    ("MR", "MR", "TOULU MR PINGSAO ZENGQIANG", "24587-8"),  # 头颅 平扫 增强
    ("CT", "CT", "QUANFU CT ZENGQ", "36813-4"),  # 全腹 增强, cut short
    ("MR", "MR", "YAOZHUI MR", "24968-0"),  # 腰椎
    ("CT", "CT", "CT STONE PROTOCOL", "36952-0"),  # a stone CT: the abdomen and pelvis without contrast
    ("CT", "CT", "ABD RENAL STONE", "36424-0"),  # unless a region is said
])
def test_vocabulary_4_30_readings(modality: str, study: str, description: str, code: str) -> None:
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset(study.split(",")))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "study", "description", "code"), [
    ("CT", "CT", "THORAX^CAP_W_IRIS (ADULT)", "72254-6"),  # W before a reconstruction's name: still contrast
    ("CT", "CT", "THORAX^01_CHEST_W_HR (ADULT)", "24628-0"),  # contrast said: not the high-resolution default
    ("CT", "CT", "CAP WITH FEET FIRST", "72254-6"),
    ("CT", "CT", "CT CHEST W 3D", "24627-2"),  # reconstructions: not contrast
    ("CT", "CT", "CT ABD PELBIS", "44115-4"),  # one letter mistyped in a word of six
    ("MR", "MR", "MR BREAST W WO CONTRA", "36276-4"),  # CONTRA begins several words: cut short, not mistyped
    ("PT", "PT", "NM_PET_CT_Tumor_Skull_Base_Initial", "58741-0"),  # a PET's skull base: the oncologic extent
    ("PT", "CT,PT", "PET LUNG CA SKULL BASE", "58741-0"),
])
def test_vocabulary_4_33_readings(modality: str, study: str, description: str, code: str) -> None:
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset(study.split(",")))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("study", "description", "code"), [
    ("CT", "PET CT Wholebody", "46305-9"),  # a study of CT series alone named PET/CT: its CT
    ("CT", "PET_CT_CHEST_W_CON", "24628-0"),
    ("CT", "PETCT_Head_Neck_Subsequent_Treatment", "87905-6"),  # a PET purpose said: the PET/CT's code
    ("CT,PT", "PET CT Wholebody", "44139-4"),  # the study holds PET series
])
def test_a_ct_study_named_pet_ct_is_read_as_its_ct_unless_a_pet_purpose_is_said(
        study: str, description: str, code: str) -> None:
    modality = "PT" if "PT" in study else "CT"
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset(study.split(",")))
    assert result.candidates[0].code == code, (result.rule, result.candidates)


def test_a_modality_written_after_a_vocabulary_word_is_read_apart_and_other_words_are_not() -> None:
    from services.harmonize.procedure import _modality_last

    lexicon = READER.lexicon
    assert _modality_last("WBPETCT", lexicon) == ("WB", "PETCT")
    assert _modality_last("BREASTMR", lexicon) == ("BREAST", "MR")
    assert [_modality_last(w, lexicon) for w in ("PRODUCT", "INFARCT", "CONTACT", "DUCT")] == [None] * 4


def test_a_narrowing_term_names_no_region_when_none_is_said() -> None:
    said = READER.read("CT", ["CTA CHEST DISSECTION"])[0]
    alone = READER.read("CT", ["CTA DISSECTION"])[0]
    assert said.regions == {"THORACIC_AORTA"} and not alone.regions
    assert "regions" not in alone.implied and "regions" not in alone.assumed


def test_a_convention_never_gives_a_code_of_a_modality_the_study_has_not() -> None:
    result = MAPPER.map("CT", study_description="PETCT_Lymphoma_Subsequent_Treatment",
                        study_modalities=frozenset({"CT"}))
    assert all(MAPPER.catalogue[c.code].modality in ("CT", "PT+CT") for c in result.candidates)
    assert result.status != "mapped" or MAPPER.catalogue[str(result.code)].modality != "PT"


def test_the_skull_base_is_the_oncologic_extent_for_a_pet_only() -> None:
    for modality in ("MR", "CT"):
        result = MAPPER.map(modality, study_description=f"{modality} SKULL BASE")
        assert "SKULL_BASE_TO_THIGH" not in (result.attributes.regions if result.attributes else ())


def test_the_generated_pinyin_is_current_and_left_out_words_stay_out() -> None:
    pytest.importorskip("pypinyin")
    from services.harmonize.vocabulary import generate_pinyin

    assert generate_pinyin.main(["--check"]) == 0
    assert generate_pinyin.spelling("颈椎") == "JINGZHUI"  # corrected reading
    lexicon = READER.lexicon
    assert lexicon.phrases.find(["HOU"]) == [] and lexicon.phrases.find(["FU"]) == []
    assert lexicon.phrases.find(["NAO"])  # 脑 alone read in pinyin since 4.74


def test_midrc_ctpt_is_a_study_of_ct_and_pt_series() -> None:
    from services.harmonize.procedure import _study_modalities

    assert _study_modalities({"ctpt"}) == {"CT", "PT"}
    assert "PT+CT" in MAPPER._families("PT", _study_modalities({"CTPT"}))
    assert "PT+CT" not in MAPPER._families("PT", frozenset({"PT"}))


def test_a_pet_study_without_ct_series_weighs_no_pet_ct_code() -> None:
    result = MAPPER.map("PT", study_description="FDG PET LUNG", study_modalities=frozenset({"PT"}))
    assert all(MAPPER.catalogue[c.code].modality != "PT+CT" for c in result.candidates)
    assert "PT+CT" not in MAPPER._families("PT", frozenset({"PT"}))
    assert "PT+CT" in MAPPER._families("PT", frozenset())  # the study's other series unknown: a PET/CT code may fit
    assert "PT+CT" in MAPPER._families("PT", frozenset({"CT", "PT"}))


def test_a_study_of_the_contralateral_breast_without_breast_said_is_not_a_breast_code() -> None:
    result = MAPPER.map("CT", study_description="CT CHEST W CONTRA", study_modalities=frozenset({"CT"}))
    assert result.code == "24628-0"  # CONTRA alone stays the contrast word cut short


def test_a_modality_glued_to_words_is_read_apart_only_one_way() -> None:
    from services.harmonize.procedure import _camel_words, _modality_glued

    lexicon = READER.lexicon
    assert _modality_glued("CTAPWIV", lexicon) == ("CT", "AP", "W", "IV")
    assert _modality_glued("CTCHESTU", lexicon) is None  # U is no vocabulary word
    assert _modality_glued("USUAL", lexicon) is None
    assert _camel_words("AbdomenTRIPLE_PHASE", lexicon) == "Abdomen TRIPLE_PHASE"
    assert _camel_words("PETWhole Bod", lexicon) == "PET Whole Bod"  # an acronym, then a capitalised word
    assert _camel_words("CT Abdo UnEnhan", lexicon) == "CT Abdo UnEnhan"  # UNENHAN: UNENHANCED cut short
    assert _camel_words("BRAIN head", lexicon) == "BRAIN head"


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CT UROGRAM WITHOUT 3D RECONSTRUCTIONS", "42274-1"),  # without reconstructions, not without contrast
    ("CT", "CT DIAGN VIRT COLONOSCOPY", "60515-4"),  # (4.14: a CT colonography code)
    ("CT", "RECTUM/ANUS", "24865-8"),
    ("MR", "IRM BRAS GAUCHE C-C+", "36368-9"),  # MR Upper arm - left WO and W contrast IV
    ("MR", "RESSONANCIA MAGNETICA DE ABDOME INFERIOR", "24867-4"),  # the lower abdomen: the pelvis
])
def test_vocabulary_4_9_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CT V ABD/PEL", "44115-4"),  # not "CTV": a word is joined to a lone letter only where written so
    ("CT", "CT A/P LIVER", "44115-4"),  # not "CTA"
    ("CT", "Abdomen^ABDOME_4_FASES (Adult)", "79103-8"),  # four phases: with contrast (4.28)
    ("CT", "CT ABDOMEN, COMBINED,NON & ENH-BODY", "36267-3"),
    ("CT", "TK j.brzusznej/mied malej BK i min 2 fazy ZK", "42274-1"),  # bez / z kontrastem
    ("CT", "VIRTUAL PELVIS  FULL BLADDER", "24865-8"),  # the bladder filled for a pelvis scan
    ("MR", "ABDOMEN_EOVIST", "36134-5"),  # a contrast medium by name
    ("MR", "MR ABDOMEN +/- CONTRAST=AB", "24557-1"),
    ("MR", "MR BREAST BILAT W OR WO SCCA", "30795-9"),  # with or without: contrast not said
    ("MR", "MRI BR BI W/INJ/MBBI", "36150-1"),  # both breasts
    ("MR", "CONTRABREAST -LT", "35954-7"),  # the contralateral breast, written as one word
    ("MR", "MRI_L_Shoulder", "26268-3"),  # a lone L before a paired part
    ("MR", "MRI NECK SPINE W/O DYE", "30667-0"),
    ("MG", "MAMMO TOMOGRAPHY DIAGNOSTIC  RIGHT", "72137-3"),  # tomosynthesis
    ("US", "US_Biop_Thoracentesis", "24662-9"),  # a thoracentesis: the pleural space's fluid drawn (4.48)
    ("PT", "PET^03_CBM_Wholebody_First_Head (Adult)", "44139-4"),  # head first: how the patient lay
])
def test_vocabulary_4_8_readings(modality: str, description: str, code: str) -> None:
    result = READER.map(modality, study_description=description)
    assert result.candidates and result.candidates[0].code == code, (result.rule, result.candidates)


def test_a_pet_series_described_as_ct_is_not_given_a_ct_code() -> None:
    """A CT description on a study with PET series only: no CT series to carry a CT code, so none is emitted."""
    result = READER.map("PT", study_description="CT_chest_Abd_pelvis", study_modalities=frozenset({"PT"}))
    assert result.status == "review"
    assert READER.catalogue[result.candidates[0].code].modality != "CT"


def test_a_ct_study_described_as_pet_ct_is_not_given_a_pet_code() -> None:
    """A CT study with no PET series named PET/CT: a PET/CT code may fit it, a PET code may not."""
    result = READER.map("CT", study_description="PET CT SKULL BASE TO MID THIGH", study_modalities=frozenset({"CT"}))
    assert result.status == "review"
    assert READER.catalogue[result.candidates[0].code].modality != "PT"
    with_pet = READER.map("CT", study_description="PET CT SKULL BASE TO MID THIGH",
                          study_modalities=frozenset({"CT", "PT"}))
    assert with_pet.code == "58741-0"


def test_a_word_is_corrected_only_to_the_one_vocabulary_word_a_slip_away() -> None:
    from services.harmonize.procedure import _mistyped, _one_slip

    lexicon = READER.lexicon
    assert _mistyped("MESSENTERIC", lexicon) == ["MESENTERIC"]
    assert _mistyped("ARTHRITIS", lexicon) == []  # no vocabulary word a slip away
    assert _one_slip("ABDOMNE", "ABDOMEN") and not _one_slip("ABDMNE", "ABDOMEN")


@pytest.mark.parametrize(("modality", "description", "rewritten", "code"), [
    ("DX", "XR LEFT KNEE 1-2 VIEWS", "XR_LEFT_KNEE_1-2_VIEWS", "47373-6"),  # underscores part words as spaces
    ("CT", "CHEST_C", "CHEST_C (Adult)", "24628-0"),  # the age group after the contrast letter
    ("CT", "CHEST_ABD_PELVIS_WITH_CT", "CHEST_ABD_PELVIS_WITH_CT ROUTINE", "72254-6"),
    ("CR", "HIP RIGHT 2 VIEWS", "HIP R 2 VIEWS", "37721-8"),  # the side letter before a count of views
    ("MR", "BREAST L", "BREAST (L) ROUTINE", "35954-7"),
    ("MR", "MRI ABD WO+W", "ABD WO+W MRI", "24557-1"),  # the modality said last
    ("MR", "MRI PELVIS C-C+", "MRI PELVIS C- C", "30674-6"),
    ("CT", "CT CHEST WO CONTRAST IP", "CT CHEST C- IP", "29252-4"),  # C- before a word: without
    ("CR", "C-SPINE 2 VIEWS", "C- SPINE 2 VIEWS", "36669-0"),  # C- before SPINE: the cervical spine
    ("CT", "CTA HEAD AND NECK", "CTA H&N", "37498-3"),
    ("CT", "CT HEAD AND NECK W CONTRAST", "CT H&N W CONTRAST", "82691-7"),
    ("CT", "CT LOW DOSE CHEST", "CT LD CHEST", "29252-4"),
    ("CT", "CT CODE STROKE CTA", "CT CODE STROKE CT ANGIOGRAM", "82680-0"),
    ("CT", "CT CHEST WITH IV CONTRAST", "CT WITH IV CONTRAST CHEST", "24628-0"),  # the contrast said first
])
def test_a_rewriting_that_keeps_the_meaning_keeps_the_code(modality: str, description: str, rewritten: str,
                                                          code: str) -> None:
    """Sites write one exam's words with other separators, abbreviations and trailing words: the code stays."""
    for text in (description, rewritten):
        result = MAPPER.map(modality, study_description=text, study_modalities=frozenset({modality}))
        assert result.candidates[0].code == code, (text, result.rule, result.candidates)


def test_a_with_before_the_modality_said_last_is_contrast_but_not_after_a_pet() -> None:
    lexicon = READER.lexicon
    assert read_text("ABD WO+W MRI", {"MR"}, lexicon).contrast == {"W", "WO"}
    assert not read_text("PET W CT", {"PT", "CT"}, lexicon).contrast


def test_a_short_word_is_read_as_the_vocabulary_word_it_is_with_two_letters_swapped() -> None:
    from services.harmonize.procedure import _swapped

    lexicon = READER.lexicon
    assert _swapped("CHSET", lexicon) == ["CHEST"] and _swapped("BRIAN", lexicon) == ["BRAIN"]
    assert _swapped("HCEST", lexicon) == []  # the first letter is kept
    assert READER.map("CT", study_description="CT CHSET W CONTRAST").candidates[0].code == "24628-0"


def test_a_five_letter_word_is_read_for_a_missing_letter_or_a_neighbouring_key_only() -> None:
    from services.harmonize.procedure import _complete_cut_words, _likely_slip

    assert _likely_slip("BREAT", "BREAST")  # a letter missing
    assert _likely_slip("RIFHT", "RIGHT")  # F struck for G, its neighbour
    assert not _likely_slip("TRUNC", "TRUNK")  # C and K lie apart: a truncation, not the trunk
    assert not _likely_slip("LEVEL", "LEVER")  # nor a level the Dutch liver
    assert not _likely_slip("KNIFE", "KNIE")  # a letter added to a shorter word: Gamma Knife is no knee
    lexicon = READER.lexicon
    assert _complete_cut_words(["BILAT", "BREAT"], lexicon) == ["BILAT", "BREAST"]
    assert _complete_cut_words(["KNIFE", "LEVEL", "TRUNC"], lexicon) == ["KNIFE", "LEVEL", "TRUNC"]
    assert READER.map("MR", study_description="Breast-Rifht").candidates[0].code == "35955-4"


def test_c_minus_before_a_word_is_without_contrast_unless_the_spines_are_listed() -> None:
    from services.harmonize.text import tokens

    assert "CMINUS" in tokens("CT CHEST C- IP")
    for listed in ("C- SPINE", "MRI C- AND T-SPINE WO", "MRI C- T- L-SPINE", "CT +C - PE PROTOCOL"):
        assert "CMINUS" not in tokens(listed), listed


def test_a_region_named_with_its_part_stays_whole_only_where_a_code_of_the_modality_names_both() -> None:
    # "RF Neck Views W contrast intra larynx" names the neck and the larynx: not a reason to keep a CT's neck
    ct = MAPPER.map("CT", study_description="CT NECK LARYNX W", study_modalities=frozenset({"CT"}))
    assert ct.candidates[0].code == "36229-3"
    # CT codes name the head with the temporal bone: kept together, the code naming both (contrast said)
    head = MAPPER.map("CT", study_description="CT HEAD AND TEMPORAL BONES WO", study_modalities=frozenset({"CT"}))
    assert head.candidates[0].code == "83302-0"


def test_a_larynx_exam_a_neck_code_would_drop_is_sent_to_review() -> None:
    result = MAPPER.map("CT", study_description="CT LARYNX W WO", study_modalities=frozenset({"CT"}))
    assert result.status == "review" and "drops:LARYNX" in result.rule


def test_a_side_glued_to_the_anatomy_it_names_is_read_apart() -> None:
    lexicon = MAPPER.lexicon
    assert {"ZUO", "YOU", "SHUANG", "LEFT", "RIGHT", "BILAT"} <= lexicon.side_words
    for description, code in (("GULING (ZUOSHOU ZHENGWEI)", "26353-3"),  # the left hand's bone age
                              ("XR LEFTKNEE 2 VIEWS", "26395-4")):
        assert MAPPER.map("DX", study_description=description).candidates[0].code == code, description


def test_a_limited_exam_unsaid_is_not_emitted() -> None:
    # no code for twins without a trimester or limited: the limited one is the closest, not emitted
    twins = MAPPER.map("US", study_description="US OB TWINS", study_modalities=frozenset({"US"}))
    assert twins.status == "review" and "unsaid:limited" in twins.rule
    assert MAPPER.map("US", study_description="US ABDOMEN").candidates[0].code == "24558-9"


def test_a_tracer_a_code_names_contradicts_another_tracer() -> None:
    result = MAPPER.map("NM", study_description="SPECT HEART TETROFOSMIN", study_modalities=frozenset({"NM"}))
    assert result.candidates[0].code == "39647-3"
    assert all("Sestamibi" not in c.meaning for c in result.candidates[:3])


def test_a_biopsy_unsaid_is_not_emitted() -> None:
    said = MAPPER.map("US", study_description="超声引导下甲状腺结节穿刺", study_modalities=frozenset({"US"}))
    assert said.status == "mapped"  # 穿刺 says the biopsy
    # radiosurgery planning images without contrast said: the closest code is a stereotactic biopsy's
    planning = MAPPER.map("MR", study_description="_t3of3MRI Stereo Gamma Knife", study_modalities=frozenset({"MR"}))
    assert planning.status == "review" and "unsaid:biopsy" in planning.rule
    intervention = MAPPER.map("CT", study_description="AbdomenCT_GUIDE_ABD_INTERVENTION_Adult_")
    assert intervention.status == "review" and "unsaid:biopsy" in intervention.rule


def test_a_stress_agent_a_code_names_is_said_or_the_code_is_not_chosen() -> None:
    unsaid = MAPPER.map("NM", study_description="NM MYOCARDIAL PERFUSION STRESS", study_modalities=frozenset({"NM"}))
    assert unsaid.candidates[0].code == "39730-7"  # "W stress and W radionuclide IV"
    assert all(not {"adenosine", "dipyridamole", "dobutamine"} & set(c.meaning.split()) for c in unsaid.candidates[:3])
    other = MAPPER.map("NM", study_description="NM HEART PERFUSION DOBUTAMINE SESTAMIBI",
                       study_modalities=frozenset({"NM"}))
    assert other.candidates[0].code == "39702-6"
    assert all("adenosine" not in c.meaning and "dipyridamole" not in c.meaning for c in other.candidates[:3])


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("XA", "CEREBRAL ANGIOGRAM", "37173-2"),  # a catheter angiogram: arterial, with contrast (4.53)
    ("XA", "全脑血管造影", "37173-2"),
    ("XA", "脑血管造影DSA", "37173-2"),
    ("XA", "冠状动脉造影", "37174-0"),  # by catheter in an XA study...
    ("CT", "冠状动脉造影", "79073-3"),  # ... a CT angiogram in a CT one
    ("XA", "HEPATIC ANGIOGRAM TACE", "25076-1"),
    ("XA", "CAROTID ANGIOGRAM LEFT", "26080-2"),
    ("XA", "DSA 颈动脉", "24617-3"),
    ("XA", "VENOGRAM LEFT LEG", "37196-3"),  # veins said
    ("XA", "PULMONARY ANGIOGRAM", "39057-5"),
])
def test_vocabulary_4_53_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


def test_an_xa_study_is_an_angiogram_unless_another_purpose_is_said() -> None:
    biopsy = MAPPER.map("XA", study_description="XA_Biopsy_Bone", study_modalities=frozenset({"XA"}))
    assert biopsy.candidates[0].code == "69076-8" and biopsy.status == "mapped"  # fluoroscopy's guidance code
    pelvis = MAPPER.map("XA", study_description="XA_Pelvis", study_modalities=frozenset({"XA"}))
    assert pelvis.candidates[0].meaning.startswith("RFA Pelvis") and pelvis.status == "review"  # assumed (4.54)
    ct = MAPPER.map("CT", study_description="XA_Biopsy_BoneMarrow", study_modalities=frozenset({"CT", "XA"}))
    assert ct.candidates[0].code == "37211-0"  # the study's CT series: CT's guidance code


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("NM", "NM MUGA", "39861-0"),  # nuclear-medicine studies (4.57): an equilibrium ventriculogram
    ("NM", "心血池显像", "39861-0"),
    ("NM", "NM GASTRIC EMPTYING", "39769-5"),  # no tracer said: the code naming none
    ("NM", "胃排空显像", "39769-5"),
    ("NM", "NM GI BLEED SCAN", "81544-9"),
    ("NM", "NM GI BLEEDING TAGGED RBC", "24714-8"),
    ("NM", "NM MECKEL SCAN", "39629-1"),
    ("NM", "异位胃黏膜显像", "39629-1"),
    ("NM", "NM RENAL SCAN MAG3", "39746-3"),
    ("NM", "NM RENAL SCAN DTPA", "39745-5"),
    ("NM", "NM RENAL CORTICAL SCAN DMSA", "41771-7"),
    ("NM", "NM RENAL SCAN WITH LASIX", "43461-3"),
    ("NM", "NM RENAL SCAN", "24776-7"),  # no tracer said: the plain code, not one naming a tracer
    ("NM", "NM THYROID UPTAKE AND SCAN", "43672-5"),
    ("NM", "甲状腺摄碘率", "43672-5"),
    ("NM", "NM THYROID SCAN", "30695-1"),
    ("NM", "NM THALLIUM MYOCARDIAL PERFUSION", "39714-1"),  # stress unsaid (4.69: not implied)
    ("NM", "NM GALLIUM WHOLE BODY", "39683-8"),
    ("NM", "NM WBC SCAN", "81585-2"),
    ("NM", "NM BRAIN DEATH STUDY", "81573-8"),
    ("NM", "脑血流灌注显像", "39636-6"),
    ("NM", "NM LUNG VENTILATION", "39837-0"),
    ("NM", "肺通气显像", "39837-0"),
    ("NM", "NM VQ SCAN", "39942-8"),  # ventilation and perfusion: still the V/Q code
    ("NM", "NM HIDA WITH CCK", "43650-1"),
    ("NM", "NM HIDA SCAN", "43557-8"),
    ("NM", "NM LIVER BLOOD POOL", "42709-6"),
    ("NM", "NM SCROTAL SCAN", "30696-9"),
    ("CT", "CTA CORONARY GATED", "79073-3"),  # gating read in nuclear medicine only
    ("CT", "CT ABDOMEN INFECTION", "41806-1"),
])
def test_vocabulary_4_57_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


def test_a_tracer_said_keeps_a_plain_code_and_a_code_naming_one_needs_it_said() -> None:
    said = MAPPER.map("NM", study_description="NM I-131 WHOLE BODY", study_modalities=frozenset({"NM"}))
    assert said.candidates[0].code == "42175-0" and said.status == "mapped"  # no I-131 whole-body code: plain
    unsaid = MAPPER.map("NM", study_description="NM THYROID SCAN", study_modalities=frozenset({"NM"}))
    assert all(c.code != "25007-6" for c in unsaid.candidates[:1])  # "W I-131 IV" is not assumed
    other = MAPPER.map("NM", study_description="NM THYROID SCAN I-123", study_modalities=frozenset({"NM"}))
    assert other.candidates[0].code != "25007-6"  # iodine-123 contradicts a code naming iodine-131


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("MG", "MG SPOT MAG LEFT", "38854-6"),  # breast imaging beyond the routine views (4.58)
    ("MG", "右乳局部点压放大摄影", "37769-7"),
    ("MG", "MAMMO SCREENING BILATERAL WITH IMPLANTS", "48492-3"),
    ("MR", "MRI BREAST IMPLANT RUPTURE WO CONTRAST", "69191-5"),
    ("MG", "BREAST SPECIMEN RADIOGRAPH", "24597-7"),
    ("US", "US BREAST CORE BIOPSY RIGHT", "38025-3"),
    ("US", "US BREAST BIOPSY LEFT", "42449-9"),  # a core needle unsaid: the plain biopsy code
    ("MG", "MG VACUUM ASSISTED BIOPSY RIGHT", "86366-2"),
    ("MG", "DUCTOGRAM RIGHT", "38825-6"),
    ("MG", "乳腺导管造影", "39054-2"),
    ("PX", "口腔全景片", "24828-6"),  # dental radiography
    ("DX", "XR PANOREX", "24828-6"),
    ("IO", "BITEWINGS", "46386-9"),
    ("CT", "CBCT TEETH", "99633-0"),
    ("CT", "口腔CBCT", "99633-0"),
    ("CT", "CT DENTAL", "79095-6"),
    ("DX", "XR SINUSES WATERS VIEW", "37863-8"),  # the skull's and sinuses' named projections
    ("DX", "XR SINUS SERIES CALDWELL WATERS LATERAL", "37864-6"),
    ("DX", "XR SKULL TOWNE", "37870-3"),
    ("DX", "XR NASAL BONES LATERAL", "24834-4"),  # not "Lateral and Waters": a named view needs it said
    ("DX", "XR ANKLE STRESS VIEWS RIGHT", "37673-1"),  # a radiograph's stress is a force applied...
    ("NM", "NM MYOCARDIAL PERFUSION STRESS", "39730-7"),  # ... a nuclear study's, the heart's
    ("MG", "MAMMO SCREENING BILATERAL", "26175-0"),
])
def test_vocabulary_4_58_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


def test_spot_views_said_of_a_diagnostic_mammogram_keep_its_code() -> None:
    result = MAPPER.map("MG", study_description="MAMMO DIAGNOSTIC RIGHT SPOT COMPRESSION",
                        study_modalities=frozenset({"MG"}))
    assert result.candidates[0].code == "26348-3"  # not dropped (weight below 1): the diagnostic code first
    assert result.candidates[1].code == "38807-4"  # the spot views' code next: close, so in review


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("RF", "VCUG", "43559-4"),  # the urinary tract's contrast studies (4.59): voiding said
    ("RF", "排泄性膀胱尿道造影", "43559-4"),
    ("RF", "CYSTOGRAM", "86401-7"),
    ("RF", "RETROGRADE URETHROGRAM", "25016-7"),
    ("RF", "尿道造影", "25016-7"),
    ("RF", "RETROGRADE PYELOGRAM", "86388-6"),  # the fluoroscopy code names the ureter and bladder too
    ("RF", "逆行肾盂造影", "86388-6"),
    ("XR", "RETROGRADE PYELOGRAM", "38105-3"),
    ("RF", "NEPHROSTOMY TUBE CHECK", "86390-2"),
    ("RF", "FISTULOGRAM", "37565-9"),
    ("RF", "ESOPHAGRAM GASTROGRAFIN", "24678-5"),  # no esophagus code names it: the plain one
    ("CT", "CT UROGRAM", "42274-1"),
    ("CT", "CT ABD PELVIS", "44115-4"),
    ("MR", "MRI PELVIS FISTULA", "24867-4"),  # fistula read in fluoroscopy only
    ("MR", "MR URETHRA", "24867-4"),  # the urethra: the pelvis's
])
def test_vocabulary_4_59_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("XA", "ANGIOPLASTY ILIAC ARTERY", "24766-8"),  # vascular interventions guided by angiography (4.61)
    ("XA", "RENAL ARTERY PTA", "69248-3"),
    ("XA", "CEREBRAL ANGIOGRAM THROMBECTOMY", "24553-0"),
    ("XA", "CAROTID STENT", "24617-3"),  # no carotid stent code: the carotid angiogram's
    ("XA", "HEPATIC ANGIOGRAM TACE", "25076-1"),
])
def test_vocabulary_4_61_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("US", "经阴道彩超", "24677-7"),  # a transvaginal ultrasound naming no region: the pelvis's (4.62)
    ("US", "TRANSVAGINAL ULTRASOUND", "24677-7"),
    ("US", "TRANSVAGINAL OB ULTRASOUND", "80865-9"),  # a pregnancy said: its code
    ("RF", "食管吞钡", "24678-5"),  # barium swallowed: with contrast
    ("RF", "吞钡造影", "24678-5"),
])
def test_vocabulary_4_62_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "CT UROGRAM W POST PROCESSING", "42274-1"),  # W before post-processing is no contrast (4.63)
    ("CT", "CT CHEST W POST PROCESSING", "24627-2"),
    ("CT", "CT CHEST W MIPS", "24627-2"),
    ("CT", "CT CHEST W CONTRAST W MIPS", "24628-0"),
    ("CT", "CT ANGIO ATRIAL FIBRILLATION", "87839-7"),  # a CT planning atrial fibrillation's ablation
    ("CT", "CT CARDIAC AFIB ABLATION", "87839-7"),  # planning, not a CT-guided ablation
    ("CT", "房颤消融术前CTA", "87839-7"),
    ("CT", "CT LIVER ABLATION", "44101-4"),  # an ablation of the liver stays guided
])
def test_vocabulary_4_63_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "颞骨HRCT", "36773-0"),  # high resolution: without contrast by the chest's convention only (4.64)
    ("CT", "NIEGU GAOFENBIAN CT", "36773-0"),
    ("CT", "CT TEMPORAL BONE HIGH RESOLUTION", "36773-0"),
    ("CT", "CT SINUS HIGH RESOLUTION", "30588-8"),
    ("CT", "HRCT", "29252-4"),  # no region named: the chest's, without contrast
    ("CT", "CT LUNG HIGH RES", "29252-4"),  # the lung lies within the chest
    ("CT", "胸部HRCT", "29252-4"),
    ("CT", "THORAX^01_CHEST_W_HR (ADULT)", "24628-0"),  # contrast said stands
    ("CT", "CODE STROKE CTA", "82680-0"),  # a stroke CTA naming no vessels: the head's and neck's (convention S)
    ("CT", "CT CODE STROKE CTA HEAD", "30593-8"),  # the head alone named: the head's
    ("CT", "CODE STROKE CTA NECK", "30594-6"),
])
def test_vocabulary_4_64_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


@pytest.mark.parametrize(("modality", "description", "code", "mapped"), [
    ("CT", "CT GUIDED NEEDLE PLACEMENT", "89932-8", False),  # the nearest code names a depth unsaid: reviewed (4.64)
    ("CT", "CT GUIDED DEEP NEEDLE PLACEMENT", "89932-8", True),
    ("CT", "CT GUIDED BIOPSY", "25044-9", True),
])
def test_vocabulary_4_64_needle_depth(modality: str, description: str, code: str, mapped: bool) -> None:
    _assert_best_code(modality, description, code, mapped=mapped)
    result = MAPPER.map(modality, study_description=description, study_modalities=frozenset({modality}))
    assert (result.status == "mapped") == mapped, result.rule


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "胸腹主动脉CTA", "36141-0"),  # the thoracoabdominal aorta: 胸腹 + 主动脉, not 胸 + 腹主动脉 (4.66)
    ("CT", "腹主动脉CTA", "82677-6"),
    ("MR", "颈髓MR", "24935-9"),  # the cervical cord: the cervical spine's MR, not the neck's
    ("MR", "胸髓MR", "24980-5"),
    ("RF", "LUMBAR MYELOGRAM", "24974-8"),  # a myelogram: the spine's RF code W contrast IT
    ("RF", "FL MYELOGRAM CERVICAL", "24947-4"),
    ("RF", "MYELOGRAM", "37572-5"),
    ("RF", "腰椎脊髓造影", "24974-8"),
    ("CT", "CT LUMBAR MYELOGRAM", "24963-1"),  # no CT code names the intrathecal route: the spine's, contrast unread
    ("MR", "MR MYELOGRAM", "36067-7"),
])
def test_vocabulary_4_66_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "低剂量肺CT", "29252-4"),  # low dose: without contrast where the chest is examined, in any word order (4.67)
    ("CT", "LOW DOSE CT LUNG NODULE", "29252-4"),
    ("CT", "CT ABDOMEN LOW DOSE", "41806-1"),  # another region: nothing said of contrast
    ("CT", "LDCT CHEST W CONTRAST", "24628-0"),  # contrast said stands
    ("CT", "内耳CT", "36773-0"),  # the ear's CT: the temporal bone's
    ("CT", "CT INNER EAR", "36773-0"),
    ("MR", "MR INNER EAR", "35956-2"),  # the inner ear's MR: the internal auditory canals'
    ("MR", "内耳水成像", "35956-2"),
])
def test_vocabulary_4_67_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


@pytest.mark.parametrize(("modality", "description", "code"), [
    ("CT", "胸+腹+盆CT增强", "72254-6"),  # 盆 alone after 胸+腹+: the pelvis (4.68)
    ("CT", "XIONG+FU+PEN CT ZENGQIANG", "72254-6"),  # the same in pinyin, one syllable each
    ("CT", "ZHUDONGMAI CTA (XIONG+FU)", "36141-0"),
    ("CT", "盆腔CT", "24865-8"),
])
def test_vocabulary_4_68_readings(modality: str, description: str, code: str) -> None:
    _assert_best_code(modality, description, code, mapped=True)


def test_vocabulary_4_69_a_fetal_mr_is_withheld() -> None:
    """No MR code names the pregnancy, so nothing is emitted (4.69)."""
    result = MAPPER.map("MR", study_description="胎儿MR", study_modalities=frozenset({"MR"}))
    assert result.status != "mapped", result.rule


def test_vocabulary_4_69_a_compression_fracture_is_not_read_as_the_clavicle() -> None:
    """压缩骨折 (a compression fracture) holds the sound of 锁骨 (the clavicle): not read so (4.69)."""
    result = MAPPER.map("CT", study_description="腰椎压缩骨折CT", study_modalities=frozenset({"CT"}))
    assert "CLAVICLE" not in result.attributes.regions and "LSPINE" in result.attributes.regions


def test_a_playbook_name_using_a_word_read_as_a_default_only_is_left_out() -> None:
    """DYNAMIC in a description implies contrast; in a code's name it names a dynamic series: such a name is left out
    of the catalogue rather than read as the plain code it would duplicate."""
    from services.harmonize.vocabulary import generate_procedures

    lexicon = default_lexicon()
    assert "DYNAMIC" in generate_procedures._default_only_phrases(lexicon)
    assert "36150-1" in MAPPER.catalogue and "36114-7" not in MAPPER.catalogue  # MR Breast - bilateral dynamic W


def test_a_later_part_is_left_out_only_after_a_first_part_naming_the_exam() -> None:
    from services.harmonize.procedure import _without_reasons

    lexicon = default_lexicon()
    assert _without_reasons("左膝关节CT平扫 胫骨平台骨折", (), lexicon) == "左膝关节CT平扫"
    assert _without_reasons("卒中绿色通道 头颅平扫+CTA", (), lexicon) == "卒中绿色通道 头颅平扫+CTA"  # no exam first
    assert _without_reasons("CT CHEST ABDOMEN", (), lexicon) == "CT CHEST ABDOMEN"  # Latin text: as it is


def test_a_four_letter_word_is_read_only_with_two_neighbours_swapped() -> None:
    from services.harmonize.procedure import _complete_cut_words

    lexicon = default_lexicon()
    assert _complete_cut_words(["CT", "HAED"], lexicon) == ["CT", "HEAD"]
    assert _complete_cut_words(["CT", "HEDA"], lexicon) == ["CT", "HEAD"]  # the last two swapped
    assert _complete_cut_words(["CT", "EHAD"], lexicon) == ["CT", "EHAD"]  # not the first letter
    assert _complete_cut_words(["XR", "HAND"], lexicon) == ["XR", "HAND"]  # a vocabulary word as it is


def test_a_dissection_narrows_the_chest_not_the_aorta_said_whole() -> None:
    reading = READER.read("CT", ["CTA CHEST DISSECTION"])[0]
    assert reading.regions == {"THORACIC_AORTA"}
    assert READER.lexicon.made_of_parts("AORTA") and not READER.lexicon.made_of_parts("CHEST")


def test_a_chinese_word_of_several_entries_is_spelt_in_pinyin_in_each() -> None:
    """The pinyin list carries every meaning a Chinese word has (4.86), not only its first entry's."""
    pytest.importorskip("pypinyin")
    from services.harmonize.vocabulary import generate_pinyin

    raw = yaml.safe_load(generate_pinyin.TERMS.read_text(encoding="utf-8"))
    built = generate_pinyin.build(raw)
    entries_of = Counter(word for term in built["terms"] for word in term["words"])
    assert entries_of["NEIER"] == 2 and entries_of["MINIAOXI"] == 2 and entries_of["TAIER"] == 2
    assert any("ZIGONG" in words for words in built["anatomy"].values()) and entries_of["ZIGONG"] == 1


def test_the_pelvic_and_leg_arteries_are_not_read_as_the_pelvis_alone() -> None:
    """No code names an MR angiogram of the pelvis and legs together (4.79): the pelvis's is not emitted."""
    result = MAPPER.map("MR", study_description="MRA Becken-Bein", study_modalities=frozenset({"MR"}))
    assert result.status == "review" and "LOWER_EXTREMITY" in result.rule, (result.rule, result.candidates)
