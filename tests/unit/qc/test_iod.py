"""The required-attribute table against its oracle, dciodvfy (Debian dicom3tools), on real files.

For every attribute of the table: removing it (and, for Type 1, emptying it) from a valid real file makes
dciodvfy report that very attribute missing with the same Type, and the pure-Python check report the same.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pydicom import Dataset

from services.qc.iod import IOD_PATH, IODTable, IODTableError, Requirement, load_iod_table, missing_attributes
from tests.unit.series import build_series, header_only, read

TEMPLATES = {
    "1.2.840.10008.5.1.4.1.1.2": "CT_small.dcm",
    "1.2.840.10008.5.1.4.1.1.4": "MR_small.dcm",
    "1.2.840.10008.5.1.4.1.1.7": "SC_rgb.dcm",
}
DCIODVFY = shutil.which("dciodvfy")
needs_oracle = pytest.mark.skipif(DCIODVFY is None, reason="dciodvfy (dicom3tools) not installed: make install")
TABLE = load_iod_table()
REPORT = re.compile(r"^Error - (?:Missing attribute|Empty attribute \(no value\)) Type (\w+) \w+ Element=<(\w+)>")


def _oracle(ds: Dataset, tmp_path: Path) -> set[tuple[str, str]]:
    """(keyword, Type) of each attribute dciodvfy reports missing or empty."""
    path = tmp_path / "instance.dcm"
    ds.save_as(path, enforce_file_format=True)
    assert DCIODVFY is not None
    out = subprocess.run([DCIODVFY, str(path)], capture_output=True, text=True, check=False)
    found = set()
    for line in (out.stdout + out.stderr).splitlines():
        match = REPORT.match(line)
        if match:
            found.add((match.group(2), match.group(1)))
    return found


def _ours(ds: Dataset) -> set[tuple[str, str]]:
    missing = missing_attributes(ds, TABLE)
    assert missing is not None
    return {(k, m.requirement.type) for m in missing for k in m.requirement.attributes[:1]}


def _cases() -> list[tuple[str, Requirement]]:
    out = []
    for sop, name in TEMPLATES.items():
        requirements = TABLE.requirements(sop)
        assert requirements is not None
        out += [(name, req) for req in requirements if not req.when]
    return out


CASES = _cases()


@needs_oracle
@pytest.mark.parametrize("name", list(TEMPLATES.values()))
def test_templates_are_complete_for_both(name: str, tmp_path: Path) -> None:
    ds = read(name)
    reported = {k for k, _ in _oracle(ds, tmp_path)}
    listed = {k for _, req in CASES for k in req.attributes}
    assert not reported & listed
    assert _ours(ds) == set()


ALTERATIONS = [(n, r, "removed") for n, r in CASES] + [(n, r, "emptied") for n, r in CASES if r.type != "2"]


@needs_oracle
@pytest.mark.parametrize(
    ("name", "req", "how"), ALTERATIONS, ids=[f"{n}-{r.attributes[0]}-{how}" for n, r, how in ALTERATIONS]
)
def test_each_required_attribute_matches_dciodvfy(name: str, req: Requirement, how: str, tmp_path: Path) -> None:
    """Type 1 and 1C: removed or emptied; Type 2: removed (an empty Type 2 attribute is valid)."""
    (keyword,) = req.attributes
    ds = read(name)
    assert keyword in ds, f"{name} lacks {keyword}: pick another template"
    if how == "removed":
        del ds[keyword]
    else:
        ds[keyword].value = None
    assert _ours(ds) == {(keyword, req.type)}
    if keyword == "SOPClassUID":  # without it dciodvfy cannot even tell the IOD
        return
    assert (keyword, req.type) in _oracle(ds, tmp_path)


@needs_oracle
def test_deidentification_method_is_required_once_identity_is_removed(tmp_path: Path) -> None:
    ds = read("CT_small.dcm")
    ds.PatientIdentityRemoved = "YES"
    assert {("DeidentificationMethod", "1C"), ("DeidentificationMethodCodeSequence", "1C")} <= _oracle(ds, tmp_path)
    assert _ours(ds) == {("DeidentificationMethod", "1C")}
    ds.DeidentificationMethod = "basic profile"
    assert not {k for k, _ in _oracle(ds, tmp_path)} & {"DeidentificationMethod", "DeidentificationMethodCodeSequence"}
    assert _ours(ds) == set()


@needs_oracle
def test_real_file_missing_frame_of_reference(tmp_path: Path) -> None:
    ds = read("693_UNCR.dcm")  # as shipped: FrameOfReferenceUID absent, identity removed without a method
    expected = {("FrameOfReferenceUID", "1"), ("DeidentificationMethod", "1C")}
    assert expected <= _oracle(ds, tmp_path)
    assert _ours(ds) == expected


def test_header_only_datasets_keep_empty_type2_attributes() -> None:
    ds = read("CT_small.dcm")
    ds.AccessionNumber = ""
    ds.ReferringPhysicianName = ""
    assert _ours(header_only(ds)) == set()


def test_unsupported_sop_class_is_not_checked() -> None:
    assert missing_attributes(read("US1_UNCR.dcm"), TABLE) is None
    assert missing_attributes(header_only(read("liver.dcm")), TABLE) is None  # Segmentation


def test_series_builder_makes_valid_iods() -> None:
    for name in ("CT_small.dcm", "693_UNCR.dcm", "MR_small.dcm", "MR2_UNCR.dcm"):
        assert all(_ours(ds) == set() for ds in build_series(name, count=3, headers=True))


# ---------------------------------------------------------------- the table file


def _write(tmp_path: Path, change: dict[str, object]) -> Path:
    data = copy.deepcopy(yaml.safe_load(IOD_PATH.read_text(encoding="utf-8")))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for key in parents:
            node = node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
    path = tmp_path / "iod.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_packaged_table() -> None:
    assert TABLE.version == "1.0"
    assert set(TABLE.sop_classes) == set(TEMPLATES)
    assert isinstance(TABLE, IODTable)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"modules.CTImage.type1": ["ImageType", "RescaleIntercep"]},
         "modules.CTImage.type1: Value error, not DICOM keywords: RescaleIntercep"),
        ({"modules.CTImage.type3": ["KVP"]}, "modules.CTImage.type3: unknown key"),
        ({"version": None}, "version: Field required"),
        ({"modules.FrameOfReference": None}, "unknown module FrameOfReference"),
    ],
)
def test_bad_tables_name_the_key(tmp_path: Path, change: dict[str, object], named: str) -> None:
    path = _write(tmp_path, change)
    with pytest.raises(IODTableError, match=re.escape(named)) as caught:
        load_iod_table(path)
    assert str(path) in str(caught.value)
