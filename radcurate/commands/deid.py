"""`radcurate deid IN_DIR OUT_DIR`: de-identify a folder offline with the deid service's engine.

Every file under IN_DIR (recursively; OUT_DIR excluded when it lies inside) goes through
`services.deid.deidentify.Deidentifier`, the engine the service runs, with a profile (default: the
service's, ``DEID_PROFILE_FILE`` or the bundled research profile) and the project key (env
``DEID_PROJECT_KEY`` or ``--key-file``, hex, at least 32 bytes; never a command-line value) named by
``--key-id`` / ``DEID_KEY_ID``.

Outputs: ``OUT_DIR/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`` with the pseudonymised
UIDs, so a study is one folder and re-runs overwrite the same files; ``OUT_DIR/deid-report.jsonl``, one line
per input file (relative path, status ok / rejected / not_dicom / error, reason code, output path, action
counts, OCR counts, profile, version, table edition, key id) and never a value from the data; and
``OUT_DIR/deid-run.json``, the key id and key fingerprint the folder was made with: a run under another key
refuses to write into it (a rotated key gives every instance new pseudonyms, so it needs a new folder).

`radcurate deid-vault lookup PSEUDONYM --reason TEXT` reads the re-identification vault through its one
audited lookup (see `services.deid.vault`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import re
import socket
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from radcurate.cli import Env
    from services.deid.deidentify import Deidentifier
    from services.deid.profile import DeidProfile

REPORT_NAME = "deid-report.jsonl"
MANIFEST_NAME = "deid-run.json"
PARTIAL_DIR = ".partial"
KEY_ENV, KEY_ID_ENV, PROFILE_ENV = "DEID_PROJECT_KEY", "DEID_KEY_ID", "DEID_PROFILE_FILE"
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_UID = re.compile(r"^[0-9]{1,64}(\.[0-9]{1,64}){0,63}$")
MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"  # DICOMDIR: offsets and records, not an instance

# Statuses of a report line.
OK, REJECTED, NOT_DICOM, ERROR = "ok", "rejected", "not_dicom", "error"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "deid",
        help="de-identify a folder of DICOM files offline (same engine as the deid service)",
        description="De-identify every file under IN_DIR into OUT_DIR/<study>/<series>/<instance>.dcm "
        f"(pseudonymised UIDs) and write OUT_DIR/{REPORT_NAME}. The key comes from {KEY_ENV} (hex, >= 32 "
        "bytes) or --key-file, never from the command line.",
    )
    p.add_argument("in_dir", type=Path, metavar="IN_DIR")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    p.add_argument("--profile", type=Path, help=f"profile YAML (default: {PROFILE_ENV}, else the bundled research)")
    p.add_argument("--key-id", help=f"id recorded with every output (default: {KEY_ID_ENV})")
    p.add_argument("--key-file", type=Path, help=f"file holding the hex key (default: the {KEY_ENV} variable)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run_deid)

    v = subparsers.add_parser("deid-vault", help="re-identification vault (every lookup is audited)")
    vault_commands = v.add_subparsers(dest="vault_command", required=True)
    lookup = vault_commands.add_parser(
        "lookup",
        help="original identifiers behind a study, series or patient pseudonym",
        description="Look a pseudonym up in the vault (MONGO_URI, DEID_VAULT_DB, DEID_VAULT_KEY, "
        "DEID_VAULT_KEY_ID). An audit record naming you, the reason, the time and the pseudonym is written "
        "before anything is shown.",
    )
    lookup.add_argument("pseudonym")
    lookup.add_argument("--reason", required=True, help="why the re-identification is needed (audited)")
    lookup.add_argument("--json", action="store_true", help="print JSON")
    lookup.set_defaults(run=run_vault_lookup)


# ---------------------------------------------------------------------------------------------- settings


def _fail(message: str) -> SystemExit:
    return SystemExit(f"radcurate deid: {message}")


def parse_key(text: str | None, source: str) -> bytes:
    """The project key from its hex text; refuse anything shorter than 32 bytes."""
    if not text or not text.strip():
        raise _fail(f"no key: set {KEY_ENV} or pass --key-file")
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise _fail(f"the key in {source} is not hex") from None
    if len(key) < 32:
        raise _fail(f"the key in {source} holds {len(key)} bytes; at least 32 are required")
    return key


def _load_key(args: argparse.Namespace, env: Env) -> bytes:
    if args.key_file is not None:
        try:
            text = args.key_file.read_text(encoding="ascii")
        except (OSError, UnicodeError) as exc:
            raise _fail(f"cannot read --key-file ({type(exc).__name__})") from None
        return parse_key(text, "--key-file")
    return parse_key(env.get(KEY_ENV), KEY_ENV)


def _load_key_id(args: argparse.Namespace, env: Env) -> str:
    key_id = args.key_id or env.get(KEY_ID_ENV)
    if not key_id:
        raise _fail(f"no key id: pass --key-id or set {KEY_ID_ENV}")
    if not KEY_ID_PATTERN.match(key_id):
        raise _fail("the key id must be 1-64 characters of A-Z a-z 0-9 . _ -")
    return key_id


def _load_profile(args: argparse.Namespace, env: Env) -> DeidProfile:
    from services.deid.profile import PROFILES_DIR, ProfileError, load_profile

    path = args.profile or Path(env.get(PROFILE_ENV) or PROFILES_DIR / "research.yaml")
    try:
        return load_profile(path)
    except ProfileError as exc:
        raise _fail(str(exc)) from None


# ---------------------------------------------------------------------------------------------- one file


def looks_like_dicom(head: bytes) -> bool:
    """A Part 10 preamble, or a bare data set starting with a group 0002 or 0008 element."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        return True
    if len(head) < 8:
        return False
    return int.from_bytes(head[:2], "little") in (0x0002, 0x0008) or head[:2] == b"\x00\x08"


def output_path(report: Any, fallback_uid: str) -> str:
    """``study/series/instance.dcm`` from the report's (pseudonymised) UIDs, relative to OUT_DIR.

    A missing or unusual UID (anything but digits and dots, as Retain UIDs could carry) is replaced, so no
    value can steer the path out of OUT_DIR.
    """

    def part(uid: str | None, missing: str) -> str:
        return uid if uid and _UID.match(uid) else missing

    study = part(report.study_instance_uid, "unknown-study")
    series = part(report.series_instance_uid, "unknown-series")
    return f"{study}/{series}/{part(report.sop_instance_uid, fallback_uid)}.dcm"


class _Worker:
    """The engine and output folder of one process."""

    engine: Deidentifier
    out_dir: Path
    written = 0


def _init_worker(profile: DeidProfile, key: bytes, key_id: str, out_dir: str) -> None:
    from services.deid.deidentify import Deidentifier
    from services.deid.pseudonym import Pseudonymizer

    _Worker.engine = Deidentifier(profile, Pseudonymizer(key, key_id))
    _Worker.out_dir = Path(out_dir)


def _record(rel: str, status: str, reason: str | None = None, detail: str | None = None) -> dict[str, Any]:
    engine = _Worker.engine
    return {
        "input": rel,
        "status": status,
        "reason": reason,
        "detail": detail,
        "output": None,
        "counts": {},
        "dates_shifted": None,
        "ocr": None,
        "profile": engine.profile.name,
        "profile_version": engine.profile.version,
        "table_edition": None,
        "key_id": engine.pseudonymizer.key_id,
    }


def process_file(job: tuple[str, str]) -> dict[str, Any]:
    """De-identify one file into a partial file under OUT_DIR; the parent moves it into place.

    Never raises: every outcome is a report record (``_partial`` names the file to move).
    """
    from contracts.delivery import describe_exception
    from contracts.errors import DataRejected
    from services.deid import wire

    root, rel = job
    try:
        raw = (Path(root) / rel).read_bytes()
    except OSError as exc:
        return _record(rel, ERROR, "unreadable_file", type(exc).__name__)
    if not looks_like_dicom(raw[:132]):
        return _record(rel, NOT_DICOM, "not_dicom")
    engine = _Worker.engine
    try:
        if wire.read_part10(raw).media_sop_class == MEDIA_STORAGE_DIRECTORY:
            return _record(rel, REJECTED, "media_directory", "a DICOMDIR indexes files; it is not an instance")
        output, report = engine.deidentify_file(raw)
    except DataRejected as exc:
        return _record(rel, REJECTED, exc.reason, exc.detail)
    except wire.MalformedError as exc:
        return _record(rel, REJECTED, "malformed_dicom", str(exc))
    except Exception as exc:  # never crash on one file: record the type and code location only
        return _record(rel, ERROR, "processing_error", describe_exception(exc))
    finally:
        del raw
    _Worker.written += 1
    partial = _Worker.out_dir / PARTIAL_DIR / f"{os.getpid()}-{_Worker.written}.dcm"
    try:
        partial.write_bytes(output)
    except OSError as exc:
        return _record(rel, ERROR, "write_failed", type(exc).__name__)
    record = _record(rel, OK)
    record.update(
        output=output_path(report, engine.pseudonymizer.uid("radcurate-offline-file:" + rel)),
        counts=dict(report.counts),
        dates_shifted=report.dates_shifted,
        ocr=None if report.ocr is None else report.ocr.as_dict(),
        table_edition=report.table_edition,
        _partial=str(partial),
    )
    return record


# ---------------------------------------------------------------------------------------------- the run


def find_inputs(in_dir: Path, out_dir: Path) -> list[str]:
    """Every file under `in_dir`, relative and sorted, skipping `out_dir` when it lies inside."""
    out_resolved = out_dir.resolve()
    found: list[str] = []
    for folder, dirs, files in os.walk(in_dir):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() != out_resolved)
        found.extend(str((here / name).relative_to(in_dir)) for name in files)
    return sorted(found)


def check_manifest(out_dir: Path, key_id: str, fingerprint: str, profile: DeidProfile) -> None:
    """Refuse an OUT_DIR made under another key (id or key bytes); record this run's key otherwise."""
    path = out_dir / MANIFEST_NAME
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise _fail(f"{MANIFEST_NAME} in OUT_DIR is unreadable; remove it or use a new OUT_DIR") from None
        if previous.get("key_id") != key_id:
            raise _fail(
                f"OUT_DIR holds outputs made under key id {previous.get('key_id')!r}; a rotated key gives new "
                f"pseudonyms, so write key id {key_id!r} into a new OUT_DIR"
            )
        if previous.get("key_fingerprint") != fingerprint:
            raise _fail(f"key id {key_id!r} names a different key than the one OUT_DIR was made with")
    manifest = {
        "key_id": key_id,
        "key_fingerprint": fingerprint,
        "profile": profile.name,
        "profile_version": profile.version,
        "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _results(jobs: list[tuple[str, str]], workers: int, init: tuple[Any, ...]) -> Iterator[dict[str, Any]]:
    if workers <= 1:  # in this process, whose engine run_deid already built
        yield from map(process_file, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=init) as pool:
        yield from pool.map(process_file, jobs, chunksize=8)


def run_deid(args: argparse.Namespace, env: Env) -> int:
    from tqdm import tqdm

    from services.deid.ocr import OcrUnavailable
    from services.deid.pseudonym import Pseudonymizer

    in_dir, out_dir = args.in_dir, args.out_dir
    if not in_dir.is_dir():
        raise _fail("IN_DIR is not a folder")
    if out_dir.resolve() == in_dir.resolve():
        raise _fail("OUT_DIR must differ from IN_DIR")
    if args.workers < 1:
        raise _fail("--workers must be at least 1")
    key, key_id, profile = _load_key(args, env), _load_key_id(args, env), _load_profile(args, env)
    try:  # build the engine once here, so that a profile it cannot run stops before any file is read
        _init_worker(profile, key, key_id, str(out_dir))
    except OcrUnavailable as exc:
        needs = "Debian tesseract-ocr, PyPI pytesseract"
        raise _fail(f"profile {profile.name} asks for pixel OCR: {exc} ({needs})") from None
    fingerprint = Pseudonymizer(key, key_id).fingerprint()
    out_dir.mkdir(parents=True, exist_ok=True)
    check_manifest(out_dir, key_id, fingerprint, profile)
    (out_dir / PARTIAL_DIR).mkdir(exist_ok=True)
    jobs = [(str(in_dir), rel) for rel in find_inputs(in_dir, out_dir)]

    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    placed: set[str] = set()
    init = (profile, key, key_id, str(out_dir))
    try:
        with (
            (out_dir / REPORT_NAME).open("w", encoding="utf-8") as report,
            tqdm(total=len(jobs), unit="file", desc="deid", disable=args.quiet) as bar,
        ):
            for record in _results(jobs, args.workers, init):
                partial = record.pop("_partial", None)
                if partial is not None:
                    _place(out_dir, Path(partial), record, placed)
                statuses[record["status"]] += 1
                if record["reason"]:
                    reasons[record["reason"]] += 1
                report.write(json.dumps(record, sort_keys=True) + "\n")
                bar.update(1)
    finally:
        _remove_partials(out_dir / PARTIAL_DIR)
    summary = ", ".join(f"{statuses[s]} {s}" for s in (OK, REJECTED, NOT_DICOM, ERROR))
    print(f"{len(jobs)} files: {summary}; report {out_dir / REPORT_NAME}")
    for reason, count in sorted(reasons.items()):
        print(f"  {count:6d}  {reason}")
    return 1 if statuses[ERROR] else 0


def _place(out_dir: Path, partial: Path, record: dict[str, Any], placed: set[str]) -> None:
    """Move a finished output into its place; a second file for the same instance in one run is refused."""
    relative = record["output"]
    if relative in placed:
        partial.unlink(missing_ok=True)
        record.update(status=REJECTED, reason="duplicate_sop_instance", output=None,
                      detail="another input file of this run produced the same SOP Instance UID")
        return
    target = out_dir / relative
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        record.update(status=ERROR, reason="write_failed", output=None, detail=type(exc).__name__)
        return
    placed.add(relative)


def _remove_partials(folder: Path) -> None:
    if folder.is_dir():
        for leftover in folder.iterdir():
            leftover.unlink(missing_ok=True)
        folder.rmdir()


# ---------------------------------------------------------------------------------------------- vault


def run_vault_lookup(args: argparse.Namespace, env: Env) -> int:
    from services.deid.vault import VaultError, open_vault

    try:
        vault = open_vault(
            mongo_uri=env.require("MONGO_URI"),
            database=env.get("DEID_VAULT_DB") or "radcurate_vault",
            key_hex=env.require("DEID_VAULT_KEY"),
            key_id=env.require("DEID_VAULT_KEY_ID"),
        )
    except VaultError as exc:
        raise SystemExit(f"radcurate deid-vault: {exc}") from None
    actor = f"{getpass.getuser()}@{socket.gethostname()}"
    try:
        entries = vault.lookup(args.pseudonym, actor=actor, reason=args.reason)
    except VaultError as exc:
        raise SystemExit(f"radcurate deid-vault: {exc}") from None
    finally:
        vault.close()
    if args.json:
        print(json.dumps([entry.as_dict() for entry in entries], indent=2, sort_keys=True))
    else:
        for entry in entries:
            print(entry.describe())
        print(f"{len(entries)} stud{'y' if len(entries) == 1 else 'ies'} (lookup audited as {actor})",
              file=sys.stderr)
    return 0 if entries else 1
