"""1,000 malformed inputs through the de-identification engine: each is refused with a reason code or yields a
readable de-identified file; nothing else ever escapes (no crash, no exception type the stage would not expect).

Inputs are seeded mutations of real files: truncations, flipped header bytes, wrong VRs, huge lengths, bad
transfer syntaxes, random non-DICOM bytes.
"""

from __future__ import annotations

import io
import random
import re
import struct
from collections import Counter
from collections.abc import Callable

import pydicom
import pytest
from pydicom.data import get_testdata_file

from contracts import DataRejected
from services.deid.deidentify import Deidentifier
from services.deid.profile import load_profile
from services.deid.pseudonym import Pseudonymizer

SOURCES = ["CT_small.dcm", "MR_small.dcm", "rtstruct.dcm", "JPEG2000.dcm", "emri_small_big_endian.dcm",
           "MR_small_implicit.dcm", "nested_priv_SQ.dcm", "SC_rgb_rle.dcm"]
COUNT = 1000


def _raw(name: str) -> bytes:
    path = get_testdata_file(name)
    assert path is not None, name
    with open(path, "rb") as handle:
        return handle.read()


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(0, len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        pos = rng.randrange(128, min(len(buf), 2048))
        buf[pos] = rng.randrange(256)
    return bytes(buf)


def wrong_vr(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    positions = [i for i in range(132, min(len(buf) - 2, 4096)) if bytes(buf[i:i + 2]) in (b"LO", b"PN", b"DS", b"UI")]
    for pos in rng.sample(positions, min(len(positions), rng.randint(1, 4))):
        buf[pos:pos + 2] = rng.choice([b"SQ", b"OB", b"XX", b"UN", b"\x00\x00"])
    return bytes(buf)


def huge_length(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    positions = [i for i in range(132, min(len(buf) - 8, 4096)) if bytes(buf[i:i + 2]) in (b"LO", b"PN", b"CS")]
    if positions:
        pos = rng.choice(positions)
        buf[pos + 2:pos + 4] = struct.pack("<H", rng.choice([0xFFFF, 0xFFFE, min(len(buf), 0xFFF0)]))
    return bytes(buf)


def bad_transfer_syntax(data: bytes, rng: random.Random) -> bytes:
    start = data.find(b"1.2.840.10008.1.2")
    if start < 0:
        return data
    replacement = rng.choice([b"1.2.3.4.5.6.7.8.9", b"9.9", b"1.2.840.10008.1.2.4.50", b"\xff\xfe\x00garbage"])
    end = start + len(b"1.2.840.10008.1.2.1")
    return data[:start] + replacement.ljust(end - start, b"\x00")[: end - start] + data[end:]


def random_bytes(data: bytes, rng: random.Random) -> bytes:
    return rng.randbytes(rng.randint(0, 4096))


def preamble_only(data: bytes, rng: random.Random) -> bytes:
    return data[: 128 + 4 + rng.randint(0, 40)]


MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    truncate, flip_bytes, wrong_vr, huge_length, bad_transfer_syntax, random_bytes, preamble_only,
]


def cases() -> list[tuple[str, str, bytes]]:
    rng = random.Random(20261122)
    sources = {name: _raw(name) for name in SOURCES}
    out = []
    for i in range(COUNT):
        name = SOURCES[i % len(SOURCES)]
        mutation = MUTATIONS[(i // len(SOURCES)) % len(MUTATIONS)]
        out.append((name, mutation.__name__, mutation(sources[name], rng)))
    return out


@pytest.fixture(scope="module")
def engine() -> Deidentifier:
    profile = load_profile("services/deid/profiles/research.yaml").model_copy(update={"allow_burned_in": True})
    return Deidentifier(profile, Pseudonymizer(b"f" * 32, "fuzz"))


def test_a_thousand_malformed_inputs_are_refused_with_a_reason_or_cleanly_processed(engine: Deidentifier) -> None:
    outcomes: Counter[str] = Counter()
    for source, mutation, data in cases():
        try:
            output, _report = engine.deidentify_file(data)
        except DataRejected as exc:
            outcomes[f"rejected:{exc.reason}"] += 1
            continue
        except Exception as exc:  # anything but DataRejected is a defect of the engine
            raise AssertionError(f"{source} / {mutation}: {type(exc).__name__} escaped") from exc
        ds = pydicom.dcmread(io.BytesIO(output))
        assert ds.PatientIdentityRemoved == "YES", (source, mutation)
        outcomes["processed"] += 1
    assert sum(outcomes.values()) == COUNT
    reasons = {key.split(":", 1)[1] for key in outcomes if key.startswith("rejected:")}
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", reason) for reason in reasons), reasons
    assert outcomes["processed"] < COUNT, "the mutations must actually break files"
    assert sum(n for k, n in outcomes.items() if k.startswith("rejected:")) >= COUNT // 3
