"""Body part mapping: defined terms, English words and abbreviations, Chinese, descriptions, unknowns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import ExplicitVRLittleEndian

from contracts import BodyPart
from services.harmonize.body_part import dataset_body_part, map_body_part
from tests.unit.series import read

HEAD, SKULL, CHEST, ABDOMEN, PELVIS = "69536005", "89546000", "816094009", "818981001", "816092008"
KNEE, CSPINE, LSPINE, HIP = "72696002", "122494005", "122496007", "24136001"
CHEST_ABDOMEN, CAP, ABD_PELVIS, HEAD_NECK = "416550000", "416775004", "818982008", "774007"


@pytest.mark.parametrize(
    ("value", "code", "meaning"),
    [
        # defined terms, with case, whitespace and punctuation noise
        ("CHEST", CHEST, "Chest"),
        ("ABDOMEN", ABDOMEN, "Abdomen"),
        ("HEAD", HEAD, "Head"),
        ("SKULL", SKULL, "Skull"),
        ("PELVIS", PELVIS, "Pelvis"),
        ("KNEE", KNEE, "Knee"),
        ("CSPINE", CSPINE, "Cervical spine"),
        ("CHESTABDPELVIS", CAP, "Chest, Abdomen and Pelvis"),
        ("  chest ", CHEST, "Chest"),
        ("Abdomen", ABDOMEN, "Abdomen"),
        ("head-neck", HEAD_NECK, "Head and Neck"),
        ("ＣＨＥＳＴ", CHEST, "Chest"),  # full width
        # English words and abbreviations
        ("THORAX", CHEST, "Chest"),
        ("Lungs", CHEST, "Chest"),
        ("ABD", ABDOMEN, "Abdomen"),
        ("BRAIN", HEAD, "Head"),
        ("C-SPINE", CSPINE, "Cervical spine"),
        ("C SPINE", CSPINE, "Cervical spine"),
        ("l_spine", LSPINE, "Lumbar spine"),
        ("Lumbar Spine", LSPINE, "Lumbar spine"),
        ("CAP", CAP, "Chest, Abdomen and Pelvis"),
        ("ABD PELVIS", ABD_PELVIS, "Abdomen and Pelvis"),
        ("CHEST_TO_PELVIS", CAP, "Chest, Abdomen and Pelvis"),
        ("Femoral head", HIP, "Hip joint"),
        # Chinese
        ("胸部", CHEST, "Chest"),
        ("腹部", ABDOMEN, "Abdomen"),
        ("头颅", HEAD, "Head"),
        ("颅脑", HEAD, "Head"),
        ("盆腔", PELVIS, "Pelvis"),
        ("膝关节", KNEE, "Knee"),
        ("颈椎", CSPINE, "Cervical spine"),
        ("胸腹部", CHEST_ABDOMEN, "Chest and Abdomen"),  # not 腹部 alone
        ("股骨头", HIP, "Hip joint"),  # femoral head, not the head
    ],
)
def test_body_part_examined(value: str, code: str, meaning: str) -> None:
    result = map_body_part(value)
    assert result == BodyPart(code=code, scheme="SCT", meaning=meaning, raw=value, source="BodyPartExamined")


@pytest.mark.parametrize("value", [None, "", "   ", "XYZZY", "OTHER", "头"])
def test_unknown_without_texts(value: str | None) -> None:
    result = map_body_part(value)
    assert result == BodyPart(code="unknown", scheme=None, meaning=None, raw=value, source="none")


@pytest.mark.parametrize(
    ("texts", "code", "source"),
    [
        ({"SeriesDescription": "AX T2 FLAIR BRAIN"}, HEAD, "SeriesDescription"),
        (
            {"SeriesDescription": "AX 5mm", "StudyDescription": "CT Chest Abd Pelvis w contrast"},
            CAP,
            "StudyDescription",
        ),
        ({"ProtocolName": "MR L-SPINE SAG T1"}, LSPINE, "ProtocolName"),
        ({"StudyDescription": "CT胸部平扫"}, CHEST, "StudyDescription"),
        ({"StudyDescription": "MR 左膝关节 平扫"}, KNEE, "StudyDescription"),
        ({"SeriesDescription": "颅脑CT平扫 5mm"}, HEAD, "SeriesDescription"),
        ({"StudyDescription": "CT 胸部 + 腹部"}, CHEST_ABDOMEN, "StudyDescription"),
        ({"StudyDescription": "HEAD NECK CTA"}, HEAD_NECK, "StudyDescription"),
        (["", None, "Knee MRI"], KNEE, "texts[2]"),
        ({"StudyDescription": "TK jamy brzusznej i miednicy małej"}, ABD_PELVIS, "StudyDescription"),  # Polish
        ({"StudyDescription": "IRM GENOU GAUCHE"}, KNEE, "StudyDescription"),  # French
        ({"StudyDescription": "CT Schädel nativ"}, HEAD, "StudyDescription"),  # German, accent folded
    ],
)
def test_descriptions_when_header_says_nothing(
    texts: Sequence[str | None] | Mapping[str, str | None], code: str, source: str
) -> None:
    result = map_body_part("NOT A PART", texts)
    assert (result.code, result.source, result.raw) == (code, source, "NOT A PART")


def test_header_wins_over_descriptions() -> None:
    result = map_body_part("KNEE", {"SeriesDescription": "CHEST"})
    assert (result.code, result.source) == (KNEE, "BodyPartExamined")


def test_first_text_that_answers_wins() -> None:
    result = map_body_part(
        None, {"SeriesDescription": "LOCALIZER", "ProtocolName": "PELVIS", "StudyDescription": "HEAD"}
    )
    assert (result.code, result.source) == (PELVIS, "ProtocolName")


@pytest.mark.parametrize("text", ["HEAD AND KNEE", "BRAIN, C-SPINE", "SKULL HEAD", "颅脑 膝关节"])
def test_ambiguous_texts_give_no_answer(text: str) -> None:
    result = map_body_part(None, [text])
    assert result.code == "unknown"
    assert result.source == "none"


def test_single_string_is_one_text() -> None:
    assert map_body_part(None, "PELVIS").code == PELVIS


def test_word_match_not_substring() -> None:
    # "CAP" and "HIP" are words here only inside other words
    assert map_body_part(None, ["CAPTURE", "WHIPLASH"]).code == "unknown"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("RG1_UNCR.dcm", CHEST),  # CHEST
        ("RG3_UNCR.dcm", "66019005"),  # EXTREMITY
        ("emri_small.dcm", HEAD),  # HEAD
        ("MR-SIEMENS-DICOM-WithOverlays.dcm", ABDOMEN),  # ABDOMEN
        ("explicit_VR-UN.dcm", ABDOMEN),  # PANCREAS: an organ, mapped to its region
        ("CT_small.dcm", "unknown"),  # no Body Part Examined, no descriptions naming one
    ],
)
def test_real_files(name: str, code: str) -> None:
    ds = read(name)
    result = dataset_body_part(ds)
    assert result.code == code
    assert result.raw == ds.get("BodyPartExamined")


def test_chinese_description_survives_a_file_round_trip(tmp_path: Path) -> None:
    ds = read("CT_small.dcm")
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SeriesDescription = "胸部 CT 平扫"
    path = tmp_path / "zh.dcm"
    ds.save_as(path, implicit_vr=False, little_endian=True)
    back = pydicom.dcmread(path)
    assert back.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    result = dataset_body_part(back)
    assert (result.code, result.source, result.raw) == (CHEST, "SeriesDescription", None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("XR AC JOINTS BILATERAL", "85856004"),  # Acromioclavicular joint
        ("XR SC JOINTS", "7844006"),  # Sternoclavicular joint
        ("CT CYSTOGRAM", "89837001"),  # Bladder
        ("US CAROTID DOPPLER", "45048000"),  # the carotid arteries lie in the neck
        ("MRA PORTAL VEIN", "818981001"),  # the portal vein in the abdomen
        ("US RLE ARTERIAL", "66019005"),  # right lower extremity: Extremity
        ("下肢静脉彩超", "66019005"),
    ],
)
def test_joints_vessels_and_limbs_of_vocabulary_4_6(text: str, code: str) -> None:
    assert map_body_part(None, {"StudyDescription": text}).code == code
