"""Conformance: de-identified real files read in pydicom's strict mode and add no dciodvfy error.

dciodvfy (Debian dicom3tools, installed by scripts/bootstrap.sh) checks each output against its IOD: missing
or empty Type 1 / 2 attributes, bad values, broken conditions. Errors the input already had are allowed
(the samples are not all valid); any new one fails the test. Messages are compared with the values they
quote blanked, since de-identification changes values.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import DEID_DATA, KEY, sample_path, strict_read
from tests.unit.deid.test_deid_files import FILES

EXTRA = [
    "SC_rgb.dcm",
    "US1_UNCR.dcm",  # ultrasound
    "OBXXXX1A.dcm",
    "MR_small_bigendian.dcm",
    "emri_small.dcm",  # enhanced MR
    *sorted((DEID_DATA / "dicom-cookies").glob("*.dcm")),
    *sorted((DEID_DATA / "ultrasounds").glob("*.dcm")),  # burned-in: run with allow_burned_in
    DEID_DATA / "humans" / "ctbrain2.dcm",
]
ALL_FILES = list(dict.fromkeys([*FILES, *EXTRA]))
DCIODVFY = shutil.which("dciodvfy")

_QUOTED = [
    (re.compile(r"= <[^>]*>"), "= <>"),  # quoted values
    (re.compile(r'"[^"]*"'), '""'),
    (re.compile(r"values are .*"), "values are"),
    (re.compile(r"\b\d+(?:\.\d+){2,}\b"), "<uid>"),
]


def errors(path: Path) -> set[str]:
    """dciodvfy's Error lines for a file, with quoted values blanked."""
    assert DCIODVFY is not None, "dciodvfy is missing: make install (Debian dicom3tools)"
    done = subprocess.run([DCIODVFY, str(path)], capture_output=True, text=True, errors="replace", timeout=60,
                          check=False)
    found = set()
    for line in (done.stdout + done.stderr).splitlines():
        if line.startswith("Error"):
            for pattern, replacement in _QUOTED:
                line = pattern.sub(replacement, line)
            found.add(line)
    return found


@pytest.fixture(scope="module")
def engines() -> dict[str, Deidentifier]:
    pseudonymizer = Pseudonymizer(KEY, "conformance")
    return {
        name: Deidentifier(builtin_profile(name).model_copy(update={"allow_burned_in": True}), pseudonymizer)
        for name in ("basic", "research")
    }


@pytest.mark.parametrize("profile", ["basic", "research"])
@pytest.mark.parametrize("name", ALL_FILES, ids=lambda name: getattr(name, "name", name))
def test_no_new_iod_errors(name: str | Path, profile: str, engines: dict[str, Deidentifier], tmp_path: Path) -> None:
    source = sample_path(name) if isinstance(name, str) else name
    output, _ = engines[profile].deidentify_file(source.read_bytes())
    strict_read(output)
    target = tmp_path / "out.dcm"
    target.write_bytes(output)
    new = errors(target) - errors(source)
    assert not new, sorted(new)


def test_the_check_can_fail(tmp_path: Path) -> None:
    """Removing a Type 1 attribute is caught (so a passing run means something)."""
    import pydicom

    ds = pydicom.dcmread(sample_path("CT_small.dcm"))
    del ds.Rows
    target = tmp_path / "broken.dcm"
    ds.save_as(target)
    assert errors(target) - errors(sample_path("CT_small.dcm"))
