"""Quick throughput check of the de-identification engine against plain pydicom read + write.

Builds N CT instances from pydicom's CT_small.dcm (distinct patients, studies, series and instances), then
times, in one process and in memory:

- pydicom: ``dcmread`` + ``dcmwrite`` of each file (no de-identification at all);
- the engine: ``Deidentifier.deidentify_file`` with the shipped basic and research profiles;
- dicom-anonymizer's ``anonymize_dataset`` (read + anonymize + write), when that package is importable.

Usage: python bench/deid_engine_quick.py [N]   (default 200)
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable

import pydicom
from pydicom.data import get_testdata_file

from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer


def make_files(count: int) -> list[bytes]:
    """`count` CT instances: 10 instances per series, 2 series per study, one study per patient."""
    template = pydicom.dcmread(str(get_testdata_file("CT_small.dcm")))
    files = []
    for index in range(count):
        patient, series, instance = index // 20, index // 10, index
        ds = template.copy()
        ds.PatientName = f"PATIENT{patient:04d}^TEST"
        ds.PatientID = f"PID{patient:06d}"
        ds.StudyInstanceUID = f"1.2.826.0.1.3680043.9.7.1.{patient}"
        ds.SeriesInstanceUID = f"1.2.826.0.1.3680043.9.7.2.{series}"
        ds.SOPInstanceUID = f"1.2.826.0.1.3680043.9.7.3.{instance}"
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.InstanceNumber = instance % 10 + 1
        buffer = io.BytesIO()
        ds.save_as(buffer, enforce_file_format=True)
        files.append(buffer.getvalue())
    return files


def rate(files: list[bytes], work: Callable[[bytes], object], repeat: int = 3) -> float:
    """Best of `repeat` runs, in instances per second."""
    work(files[0])
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for raw in files:
            work(raw)
        best = min(best, time.perf_counter() - start)
    return len(files) / best


def pydicom_roundtrip(raw: bytes) -> bytes:
    ds = pydicom.dcmread(io.BytesIO(raw))
    buffer = io.BytesIO()
    ds.save_as(buffer)
    return buffer.getvalue()


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    files = make_files(count)
    key = b"benchmark-key-not-secret-0123456"
    results = {"pydicom dcmread+dcmwrite": rate(files, pydicom_roundtrip)}
    for name in ("basic", "research"):
        engine = Deidentifier(builtin_profile(name), Pseudonymizer(key, "bench"))
        results[f"engine {name}"] = rate(files, engine.deidentify_file)
    try:
        from dicomanonymizer import anonymize_dataset  # type: ignore[import-not-found]
    except ImportError:
        anonymize_dataset = None
    if anonymize_dataset is not None:

        def anonymizer(raw: bytes) -> bytes:
            ds = pydicom.dcmread(io.BytesIO(raw))
            anonymize_dataset(ds)
            buffer = io.BytesIO()
            ds.save_as(buffer)
            return buffer.getvalue()

        results["dicom-anonymizer"] = rate(files, anonymizer, repeat=1)
    baseline = results["pydicom dcmread+dcmwrite"]
    size = sum(map(len, files)) / len(files) / 1024
    print(f"{count} CT instances of {size:.1f} KiB, Python {sys.version.split()[0]}, pydicom {pydicom.__version__}")
    for name, value in results.items():
        print(f"{name:28s} {value:9.0f} inst/s   x{value / baseline:5.2f} vs pydicom")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
