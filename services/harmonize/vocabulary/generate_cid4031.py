"""Regenerate cid4031_body_parts.csv: Body Part Examined defined terms with their CID 4031 code.

The term-to-concept pairs are those of DICOM PS3.16 Annex L, Table L-1 (see README.md); code values
and meanings come from the CID 4031 tables that pydicom generates from the standard, so a concept
that leaves CID 4031 or changes its code makes this script fail instead of writing a stale row.

Run: python -m services.harmonize.vocabulary.generate_cid4031
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from pydicom.sr._cid_dict import cid_concepts
from pydicom.sr._concepts_dict import concepts

CID = 4031
OUTPUT = Path(__file__).with_name("cid4031_body_parts.csv")

# Body Part Examined defined term -> pydicom keyword of the CID 4031 concept (PS3.16 Table L-1).
TERMS: dict[str, str] = {
    "ABDOMEN": "Abdomen",
    "ABDOMENPELVIS": "AbdomenAndPelvis",
    "ACJOINT": "AcromioclavicularJoint",
    "ANKLE": "AnkleJoint",
    "ARM": "UpperArm",
    "BILEDUCT": "BileDuct",
    "BLADDER": "Bladder",
    "BREAST": "Breast",
    "BRONCHUS": "Bronchus",
    "CALCANEUS": "Calcaneus",
    "CHEST": "Chest",
    "CHESTABDOMEN": "ChestAndAbdomen",
    "CHESTABDPELVIS": "ChestAbdomenAndPelvis",
    "CLAVICLE": "Clavicle",
    "COCCYX": "Coccyx",
    "COLON": "Colon",
    "CSPINE": "CervicalSpine",
    "CTSPINE": "CervicoThoracicSpine",
    "DUODENUM": "Duodenum",
    "ELBOW": "ElbowJoint",
    "ESOPHAGUS": "Esophagus",
    "EXTREMITY": "Extremity",
    "EYE": "Eye",
    "FEMUR": "Femur",
    "FIBULA": "Fibula",
    "FINGER": "Finger",
    "FOOT": "Foot",
    "FOREARM": "Forearm",
    "GALLBLADDER": "Gallbladder",
    "HAND": "Hand",
    "HEAD": "Head",
    "HEADNECK": "HeadAndNeck",
    "HEART": "Heart",
    "HIP": "HipJoint",
    "HUMERUS": "Humerus",
    "IAC": "InternalAuditoryCanal",
    "ILEUM": "Ileum",
    "ILIUM": "Ilium",
    "JAW": "JawRegion",
    "JEJUNUM": "Jejunum",
    "KNEE": "Knee",
    "LARGEINTESTINE": "LargeIntestine",
    "LARYNX": "Larynx",
    "LEG": "LowerLeg",
    "LSPINE": "LumbarSpine",
    "LSSPINE": "LumboSacralSpine",
    "MASTOID": "MastoidBone",
    "MAXILLA": "Maxilla",
    "MEDIASTINUM": "Mediastinum",
    "NECK": "Neck",
    "NECKCHEST": "NeckAndChest",
    "NECKCHESTABDOMEN": "NeckChestAndAbdomen",
    "NECKCHESTABDPELV": "NeckChestAbdomenAndPelvis",
    "OPTICCANAL": "OpticCanal",
    "ORBIT": "OrbitalStructure",
    "PAROTID": "ParotidGland",
    "PATELLA": "Patella",
    "PELVIS": "Pelvis",
    "PROSTATE": "Prostate",
    "RECTUM": "Rectum",
    "RIB": "Rib",
    "SCAPULA": "Scapula",
    "SCJOINT": "SternoclavicularJoint",
    "SELLA": "SellaTurcica",
    "SESAMOID": "SesamoidBonesOfFoot",
    "SHOULDER": "Shoulder",
    "SIJOINT": "SacroiliacJoint",
    "SKULL": "Skull",
    "SMALLINTESTINE": "SmallIntestine",
    "SPINE": "Spine",
    "SSPINE": "Sacrum",
    "STERNUM": "Sternum",
    "STOMACH": "Stomach",
    "SUBMANDIBULAR": "SubmandibularGland",
    "THIGH": "Thigh",
    "THUMB": "Thumb",
    "TLSPINE": "ThoracoLumbarSpine",
    "TMJ": "TemporomandibularJoint",
    "TOE": "Toe",
    "TRACHEA": "Trachea",
    "TSPINE": "ThoracicSpine",
    "UPRURINARYTRACT": "UpperUrinaryTract",
    "URETER": "Ureter",
    "URETHRA": "Urethra",
    "WHOLEBODY": "EntireBody",
    "WRIST": "WristJoint",
    "ZYGOMA": "Zygoma",
}


def rows() -> list[tuple[str, str, str]]:
    """(defined term, SNOMED CT code, code meaning) for every term, sorted by term."""
    in_cid = set(cid_concepts[CID]["SCT"])
    out = []
    for term, keyword in sorted(TERMS.items()):
        if keyword not in in_cid:
            raise LookupError(f"{keyword} (for {term}) is not in CID {CID}")
        entry: dict[str, tuple[str, list[int]]] = concepts["SCT"][keyword]  # type: ignore[assignment]
        ((code, (meaning, _cids)),) = entry.items()
        out.append((term, code, meaning))
    return out


def write(output: Path = OUTPUT) -> None:
    """Write the CSV to `output`."""
    with output.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("body_part_examined", "snomed_code", "code_meaning"))
        writer.writerows(rows())


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
