"""Annex E de-identification of one instance, driven by Table E.1-1 and run on the encoded bytes.

`Deidentifier.deidentify_file` walks the data set element by element (``wire``), copies kept elements as
slices of the input and encodes only what it changes; pixel data is copied through and never decoded.
Decisions are compiled once per (tag, VR, IOD, nesting) and cached, so the usual per-element cost is one
dict lookup. Rules beyond the table, applied at every nesting level:

- Patient ID becomes ``Pseudonymizer.patient_id`` and Patient's Name the same pseudonym (keyed on the Study
  Instance UID when the instance has no Patient ID, so that nothing links it to other studies).
- UIDs (action U, D on a UI, and any UI attribute the table does not list, except class, syntax and
  coding-scheme identifiers) are replaced by ``Pseudonymizer.uid``; standard UIDs (``1.2.840.10008.`` or
  in pydicom's UID dictionary) keep their value, so SOP Class UIDs and Referenced SOP Class UIDs do.
- Private attributes are removed unless Retain Safe Private is on: then an element listed in Table
  E.3.10-1 for its block's private creator (matched on creator, group and element byte) is kept, with its
  UIDs replaced; a private creator element is kept only if an element of its block is.
- With Retain Longitudinal Modified Dates every kept DA and DT value (C in the table, or not listed in it)
  is shifted by the patient's offset and TM values are kept; a value that cannot be shifted falls back to
  the Basic action (removal for unlisted ones).
- X/Z/U* (Referenced Image Sequence, Source Image Sequence) becomes U* whatever the Type when the profile
  sets ``keep_references``: references between instances survive, with pseudonymised UIDs.
- Sequences: K, U and unlisted sequences keep their items, processed with the same table. C cleans the
  items and, inside them, also cleans free text the table does not list (Text Value, Unformatted Text
  Value, Code Meaning...) and replaces person names. D replaces the sequence by one empty item (its content
  is dropped), except Verifying Observer Sequence, whose items are made only of table attributes and are
  cleaned instead; a Content Sequence's one item is a TEXT content item saying REMOVED (its macros have
  Type 1 attributes). Compound actions inside items use the IOD's nested Types
  (``standard/ps3.3_attribute_types.json``).
- C that leaves nothing of a value falls back to the Basic action (D gives a dummy, X a removal).
- X on an attribute its IOD makes Type 1 or 2 (a 1C / 2C condition: Responsible Person for animals...) is
  done as D or Z, so the output keeps its IOD's required attributes (``annex_e.removal_for_type``).
- Overlay groups (60xx) are removed whole with their Overlay Data, so no half overlay module remains; curve
  groups (50xx) are removed. C on binary data cannot be done without reading pixels: the Basic action
  applies.
- Group lengths (gggg,0000) are dropped; the File Meta Information is rebuilt with only the elements a
  file needs and this project's Implementation Class UID.
- Patient Identity Removed = YES, De-identification Method, its Code Sequence (CID 7050) and Longitudinal
  Temporal Information Modified are set.
"""

from __future__ import annotations

import io
import re
import struct
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import pydicom
import pydicom.charset
from pydicom.datadict import get_entry
from pydicom.dataset import Dataset

from contracts.errors import DataRejected
from services.deid import wire
from services.deid.annex_e import (
    BASIC_PROFILE_CODE,
    EDITION,
    OPTION_CODES,
    Action,
    AnnexETable,
    IodTypes,
    Option,
    SafePrivateTable,
    effective_action,
    load_iod_types,
    load_safe_private,
    load_table,
    removal_for_type,
    resolve_compound,
)
from services.deid.burned_in import BurnedInPolicy, load_burned_in_policy
from services.deid.clean import TextCleaner, dummy_value, name_terms, shift_date, shift_datetime
from services.deid.ocr import REASON as OCR_REASON
from services.deid.ocr import UNREADABLE_REASON as OCR_UNREADABLE_REASON
from services.deid.ocr import OcrMode, OcrResult, OcrStatus, PixelTextDetector
from services.deid.pixels import PIXEL_DATA, PIXEL_TAGS, check_native_pixel_data
from services.deid.profile import DeidProfile
from services.deid.pseudonym import Pseudonymizer
from services.deid.wire import IMPLICIT_LE, ITEM, ITEM_END, SEQUENCE_END, UNDEFINED, Codec

try:  # pydicom keeps its UID dictionary in a private module; the 1.2.840.10008. prefix covers the rest
    from pydicom._uid_dict import UID_dictionary as _UID_DICTIONARY
except ImportError:  # pragma: no cover
    _UID_DICTIONARY = {}

IMPLEMENTATION_CLASS_UID = "2.25.252838835575079191035671083974425455196"
IMPLEMENTATION_VERSION_NAME = "RADCURATE_DEID1"

PATIENT_NAME = 0x00100010
PATIENT_ID = 0x00100020
SOP_CLASS_UID = 0x00080016
SOP_INSTANCE_UID = 0x00080018
STUDY_INSTANCE_UID = 0x0020000D
SERIES_INSTANCE_UID = 0x0020000E
SPECIFIC_CHARACTER_SET = 0x00080005
MODALITY = 0x00080060
BURNED_IN_ANNOTATION = 0x00280301
PATIENT_IDENTITY_REMOVED = 0x00120062
DEIDENTIFICATION_METHOD = 0x00120063
DEIDENTIFICATION_METHOD_CODES = 0x00120064
LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED = 0x00280303
_ADDED = frozenset(
    {
        PATIENT_IDENTITY_REMOVED,
        DEIDENTIFICATION_METHOD,
        DEIDENTIFICATION_METHOD_CODES,
        LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED,
    }
)

# Identifiers of the instance that feed the descriptor cleaner (read before they are replaced).
_NAME_TAGS = frozenset(
    {
        0x00100010,  # Patient's Name
        0x00101001,  # Other Patient Names
        0x00101005,  # Patient's Birth Name
        0x00101060,  # Patient's Mother's Birth Name
        0x00080090,  # Referring Physician's Name
        0x00081048,  # Physician(s) of Record
        0x00081050,  # Performing Physician's Name
        0x00081060,  # Name of Physician(s) Reading Study
        0x00081070,  # Operators' Name
        0x00321032,  # Requesting Physician
        0x00102297,  # Responsible Person
    }
)
_ID_TAGS = frozenset(
    {
        0x00100020,  # Patient ID
        0x00101000,  # Other Patient IDs
        0x00080050,  # Accession Number
        0x00200010,  # Study ID
        0x00101040,  # Patient's Address
        0x00102154,  # Patient's Telephone Numbers
        0x00380010,  # Admission ID
        0x00401001,  # Requested Procedure ID
    }
)
_INSTITUTION_TAGS = frozenset({0x00080080, 0x00080081, 0x00081040})
_PRESCAN = frozenset(
    {SPECIFIC_CHARACTER_SET, SOP_CLASS_UID, MODALITY, BURNED_IN_ANNOTATION, STUDY_INSTANCE_UID}
    | PIXEL_TAGS
    | _NAME_TAGS
    | _ID_TAGS
    | _INSTITUTION_TAGS
)
# UI attributes that name classes, syntaxes, schemes or registries rather than instances: never remapped.
_NON_INSTANCE_UIDS = frozenset(
    {
        0x00000002, 0x00000003, 0x00020002, 0x00020010, 0x00020012, 0x00020032, 0x00020100,
        0x00041510, 0x00041512, 0x0004151A, 0x00080016, 0x0008001A, 0x0008001B, 0x00080062,
        0x0008010C, 0x0008010D, 0x00080117, 0x00080118, 0x0008040E, 0x00081150, 0x0008115A,
        0x00083002, 0x00089123, 0x00340003, 0x04000010, 0x04000510, 0x3010001F, 0x30100052,
        0x30100053, 0x0072007F,
    }
)  # fmt: skip
# Kept even when a profile removes unlisted attributes: without them the instance is no longer an image.
_ESSENTIAL_GROUPS = frozenset({0x0028, 0x7FE0})  # image pixel description and pixel data
_ESSENTIAL = frozenset(
    {
        SPECIFIC_CHARACTER_SET,
        0x00080008,  # Image Type
        SOP_CLASS_UID,
        MODALITY,
        0x00180050,  # Slice Thickness
        0x00180088,  # Spacing Between Slices
        0x00200011,  # Series Number
        0x00200013,  # Instance Number
        0x00200032,  # Image Position (Patient)
        0x00200037,  # Image Orientation (Patient)
    }
)
_REPORTED_UIDS = frozenset({SOP_INSTANCE_UID, STUDY_INSTANCE_UID, SERIES_INSTANCE_UID})
_TEXT_VRS = frozenset({"LO", "SH", "ST", "LT", "UT", "UC", "CS", "PN"})
_UNSPLIT_VRS = frozenset({"LT", "ST", "UT", "UR"})
_DATE_VRS = frozenset({"DA", "DT"})
_BULK_VRS = frozenset({"OB", "OW", "OD", "OF", "OL", "OV"})
_PN_DELIMITERS = {0x5C, 0x5E, 0x3D}
# Longest value a cleaned text may have (PS3.5 6.2): an over-long input value comes out valid.
_MAX_CHARACTERS = {"SH": 16, "CS": 16, "LO": 64, "ST": 1024, "LT": 10240}

# Operations compiled from an action and a VR.
_KEEP, _REMOVE, _ZERO, _DUMMY, _CLEAN, _UID, _SEQ, _SEQ_CLEAN, _SEQ_DUMMY = range(9)
_PATIENT_ID, _PATIENT_NAME, _SHIFT, _AE, _CREATOR, _PRIVATE = range(9, 15)

# Where a data set sits: the instance's top level, a sequence item, or an item of a sequence being
# cleaned (action C): there, free text the table does not list is cleaned too.
TOP, ITEM_LEVEL, CLEANED_ITEM = 0, 1, 2
# Sequences whose D is done by cleaning their items (every attribute of the items is in the table);
# any other sequence with action D becomes one empty item.
_D_BY_ITEMS = frozenset({0x0040A073})  # Verifying Observer Sequence
CONTENT_SEQUENCE = 0x0040A730
_FREE_TEXT_VRS = frozenset({"LO", "SH", "ST", "LT", "UT", "UC"})
# Parts of coded entries other than Code Meaning: codes such as SNOMED 12345678 are not identifiers.
_CODE_TAGS = frozenset({0x00080100, 0x00080102, 0x00080103, 0x00080105, 0x0008010F, 0x00080119, 0x00080120})

Header = tuple[int, str | None, int, int, int, int]  # tag, VR, length, offset, value offset, value end
Chunks = list[bytes | memoryview]


class _Entry(NamedTuple):
    op: int
    code: str | None  # action code reported; None for a kept attribute the table does not list
    vr: str  # effective VR: the dictionary's when the encoding is implicit or the element says UN
    fallback: _Entry | None = None  # for C, when the value cannot be cleaned


_REMOVE_X = _Entry(_REMOVE, "X", "UN")


class _TooLong(Exception):
    """A replacement does not fit a 16-bit length field."""


@dataclass(frozen=True, slots=True)
class DeidReport:
    """What was done to one instance: actions by tag path (never values), profile, edition and key id.

    `actions` lists every attribute an action was applied to, including K from an option; attributes the
    table does not list and that were kept unchanged are not listed. `counts` tallies `actions` by code.
    The UIDs and the patient pseudonym are the new ones, for the caller's bookkeeping; `ocr` is the pixel
    OCR outcome when the profile enables it (counts only).
    """

    profile_name: str
    profile_version: str
    table_edition: str
    key_id: str
    dates_shifted: bool
    counts: Mapping[str, int]
    actions: tuple[tuple[str, str], ...]  # ("(0008,1140)>(0008,1155)", "U"), ...
    study_instance_uid: str | None = None
    series_instance_uid: str | None = None
    sop_instance_uid: str | None = None
    patient_pseudonym: str | None = None
    ocr: OcrResult | None = None


@dataclass(slots=True)
class _Run:
    """State of one instance's de-identification."""

    encodings: list[str]
    terms: list[str]
    patient_pseudonym: str
    shift_days: int
    actions: list[tuple[str, str]] = field(default_factory=list)
    cleaner: TextCleaner | None = None
    shifted: bool = False
    new_uids: dict[int, str] = field(default_factory=dict)


_PREAMBLE = bytes(128) + b"DICM"
_TAG_TEXTS: dict[int, str] = {}


def _tag_text(tag: int) -> str:
    text = _TAG_TEXTS.get(tag)
    if text is None:
        text = _TAG_TEXTS[tag] = f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
    return text


def _dictionary_vr(tag: int) -> str | None:
    try:
        vr = str(get_entry(tag)[0])
    except KeyError:
        return None
    return "OW" if vr == "US or SS or OW" else vr.split(" or ")[0]


def _even(raw: bytes, pad: bytes) -> bytes:
    return raw + pad if len(raw) % 2 else raw


def _element(codec: Codec, tag: int, vr: str, value: bytes) -> bytes:
    if not codec.implicit and vr not in wire.LONG_VRS and len(value) > 0xFFFF:
        raise _TooLong
    return codec.header(tag, vr, len(value)) + value


_VALID_UID = re.compile(r"[0-9]+(\.[0-9]+)*")


def _file_meta(sop_class: str, sop_instance: str, syntax: str) -> bytes:
    """File Meta Information, rebuilt: only what a Part 10 file needs, with this project's identity."""
    for name, uid in (("SOP Class UID", sop_class), ("SOP Instance UID", sop_instance),
                      ("Transfer Syntax UID", syntax)):
        if uid and not _VALID_UID.fullmatch(uid):  # empty only for bare test data sets without them
            raise wire.MalformedError(f"{name} is not a valid UID")
    codec = wire.EXPLICIT_LE
    body = b"".join(
        [
            _element(codec, 0x00020001, "OB", b"\x00\x01"),
            _element(codec, 0x00020002, "UI", _even(sop_class.encode("ascii"), b"\x00")),
            _element(codec, 0x00020003, "UI", _even(sop_instance.encode("ascii"), b"\x00")),
            _element(codec, 0x00020010, "UI", _even(syntax.encode("ascii"), b"\x00")),
            _element(codec, 0x00020012, "UI", _even(IMPLEMENTATION_CLASS_UID.encode("ascii"), b"\x00")),
            _element(codec, 0x00020013, "SH", _even(IMPLEMENTATION_VERSION_NAME.encode("ascii"), b" ")),
        ]
    )
    return _element(codec, 0x00020000, "UL", struct.pack("<L", len(body))) + body


class Deidentifier:
    """De-identifies instances with one profile and one key; build once, reuse for every instance."""

    def __init__(
        self,
        profile: DeidProfile,
        pseudonymizer: Pseudonymizer,
        *,
        table: AnnexETable | None = None,
        safe_private: SafePrivateTable | None = None,
        iod_types: IodTypes | None = None,
        burned_in: BurnedInPolicy | None = None,
        ocr: PixelTextDetector | None = None,
    ) -> None:
        """`ocr` defaults to a tesseract detector with the profile's thresholds when the profile enables
        OCR (OcrUnavailable when tesseract is missing); it is unused otherwise."""
        self.profile = profile
        self.pseudonymizer = pseudonymizer
        self._table = table or load_table()
        self._safe = safe_private or load_safe_private()
        self._iods = iod_types or load_iod_types()
        self._burned_in = burned_in or load_burned_in_policy()
        self._ocr: PixelTextDetector | None = None
        if profile.ocr is not OcrMode.OFF:
            self._ocr = ocr or PixelTextDetector(
                min_confidence=profile.ocr_min_confidence,
                min_words=profile.ocr_min_words,
                max_frames=profile.ocr_max_frames,
            )
        self._options = profile.option_set
        self._shift = Option.RETAIN_LONG_MODIFIED_DATES in self._options
        self._safe_private = Option.RETAIN_SAFE_PRIVATE in self._options
        self._keep_institution = Option.RETAIN_INSTITUTION_IDENTITY in self._options
        self._plans: dict[tuple[str | None, int], dict[tuple[int, str | None], _Entry]] = {}
        self._insertion_cache: dict[bool, list[tuple[int, bytes]]] = {}
        self._private_plans: dict[tuple[str | None, int, str | None, bool, int], _Entry] = {}

    def __repr__(self) -> str:
        return f"Deidentifier(profile={self.profile.name!r} {self.profile.version!r}, {self.pseudonymizer!r})"

    # ------------------------------------------------------------------ public API

    def deidentify_file(self, raw: bytes) -> tuple[bytes, DeidReport]:
        """De-identify an encoded instance (Part 10 file or bare data set) into a Part 10 file.

        Raises DataRejected("burned_in_annotation") for refused instances, DataRejected("malformed_dicom")
        for unreadable ones and, with OCR set to reject, DataRejected("burned_in_text_detected") or
        DataRejected("pixel_ocr_failed"); messages never contain values.
        """
        try:
            return self._deidentify_bytes(raw)
        except wire.MalformedError as exc:
            raise DataRejected("malformed_dicom", str(exc)) from None

    def deidentify(self, ds: Dataset) -> DeidReport:
        """De-identify a pydicom Dataset in place, through the same byte engine; return the report."""
        buffer = io.BytesIO()
        meta = getattr(ds, "file_meta", None)
        if meta is not None and "TransferSyntaxUID" in meta:
            pydicom.dcmwrite(buffer, ds, enforce_file_format=False)
        else:
            pydicom.dcmwrite(buffer, ds, implicit_vr=False, little_endian=True)
        output, report = self.deidentify_file(buffer.getvalue())
        result = pydicom.dcmread(io.BytesIO(output))
        ds.clear()
        ds.update(result)
        ds.file_meta = result.file_meta
        return report

    # ------------------------------------------------------------------ one instance

    def _deidentify_bytes(self, raw: bytes) -> tuple[bytes, DeidReport]:
        part10 = wire.read_part10(raw)
        codec = part10.codec
        if part10.deflated:
            buf, start = wire.inflate(raw[part10.dataset_offset :]), 0
        else:
            buf, start = raw, part10.dataset_offset
        headers, _ = _index(buf, start, len(buf), codec)
        if not headers:
            raise wire.MalformedError("no data set")
        found = {header[0]: header for header in headers if header[0] in _PRESCAN}

        def ascii_value(tag: int) -> str | None:
            header = found.get(tag)
            return None if header is None else buf[header[4] : header[5]].decode("latin-1").strip(" \x00")

        def us_value(tag: int) -> int | None:
            header = found.get(tag)
            if header is None or header[5] - header[4] < 2:
                return None
            return int(codec.u16.unpack_from(buf, header[4])[0])

        pixel = found.get(PIXEL_DATA)
        check_native_pixel_data(None if pixel is None else pixel[2], us_value, ascii_value)
        sop_class = ascii_value(SOP_CLASS_UID) or part10.media_sop_class
        if not self.profile.allow_burned_in:
            burned = ascii_value(BURNED_IN_ANNOTATION)
            self._burned_in.check(None if burned is None else burned.upper(), ascii_value(MODALITY), sop_class or None)
        ocr = self._check_pixels(raw) if self._ocr is not None else None
        run = self._start_run(buf, found, self._encodings(ascii_value(SPECIFIC_CHARACTER_SET)))
        iod = self._iods.iod_for(sop_class) if sop_class else None
        chunks = self._process(run, buf, memoryview(buf), headers, codec, iod, "", TOP, self._insertions(codec))
        if part10.deflated:
            chunks = [wire.deflate(b"".join(chunks))]

        sop_instance = run.new_uids.get(SOP_INSTANCE_UID)
        if sop_instance is None and part10.media_sop_instance:
            retain = Option.RETAIN_UIDS in self._options
            sop_instance = part10.media_sop_instance if retain else self._uid(part10.media_sop_instance)
        syntax = part10.transfer_syntax or (wire.IMPLICIT_VR_LE if codec is IMPLICIT_LE else wire.EXPLICIT_VR_LE)
        meta = _file_meta(sop_class or "", sop_instance or "", syntax)
        output = b"".join([_PREAMBLE, meta, *chunks])  # one copy of the pixel data, here
        counts = Counter(code for _, code in run.actions)
        report = DeidReport(
            profile_name=self.profile.name,
            profile_version=self.profile.version,
            table_edition=EDITION,
            key_id=self.pseudonymizer.key_id,
            dates_shifted=run.shifted,
            counts=dict(sorted(counts.items())),
            actions=tuple(run.actions),
            study_instance_uid=run.new_uids.get(STUDY_INSTANCE_UID),
            series_instance_uid=run.new_uids.get(SERIES_INSTANCE_UID),
            sop_instance_uid=sop_instance,
            patient_pseudonym=run.patient_pseudonym,
            ocr=ocr,
        )
        return output, report

    def _check_pixels(self, raw: bytes) -> OcrResult:
        """Pixel OCR; with OCR set to reject, refuse text and pixels that cannot be read (fail closed)."""
        assert self._ocr is not None
        result = self._ocr.check(raw)
        if self.profile.ocr is OcrMode.REJECT:
            if result.status is OcrStatus.TEXT_FOUND:
                raise DataRejected(
                    OCR_REASON,
                    f"pixel OCR read {result.words} word(s) with confidence >= {self._ocr.min_confidence:g} "
                    f"in {result.frames_checked} frame(s)",
                )
            if result.status is OcrStatus.UNREADABLE:
                raise DataRejected(OCR_UNREADABLE_REASON, f"pixel data could not be read for OCR ({result.failure})")
        return result

    @staticmethod
    def _encodings(charset: str | None) -> list[str]:
        if not charset:
            return ["iso8859"]
        try:
            return pydicom.charset.convert_encodings([part.strip() for part in charset.split("\\")])
        except (LookupError, ValueError):
            return ["iso8859"]

    def _start_run(self, buf: bytes, found: Mapping[int, Header], encodings: list[str]) -> _Run:
        def decoded(tag: int) -> str:
            header = found.get(tag)
            if header is None:
                return ""
            raw = buf[header[4] : header[5]]
            try:
                return pydicom.charset.decode_bytes(raw, encodings, _PN_DELIMITERS).strip(" \x00")
            except (UnicodeError, LookupError, ValueError):
                return raw.decode("latin-1").strip(" \x00")

        patient_id = decoded(PATIENT_ID)
        if patient_id:
            pseudonym = self.pseudonymizer.patient_id(patient_id)
        else:  # without a Patient ID nothing links the study to others
            pseudonym = self.pseudonymizer.patient_id("study:" + decoded(STUDY_INSTANCE_UID))
        terms: list[str] = []
        for tag in _NAME_TAGS:
            for value in decoded(tag).split("\\"):
                terms.extend(name_terms(value))
        for tag in _ID_TAGS:
            for value in decoded(tag).split("\\"):
                terms.append(value)
                terms.extend(value.replace("^", ",").split(","))
        if not self._keep_institution:
            for tag in _INSTITUTION_TAGS:
                terms.extend(decoded(tag).split("\\"))
        shift = self.pseudonymizer.date_shift_days(pseudonym) if self._shift else 0
        return _Run(encodings, [term for term in terms if term.strip()], pseudonym, shift)

    def _insertions(self, codec: Codec) -> list[tuple[int, bytes]]:
        """Encoded attributes added at the top level, in tag order (cached per encoding)."""
        key = codec.implicit
        cached = self._insertion_cache.get(key) if codec.little else None
        if cached is not None:
            return cached
        codes = [BASIC_PROFILE_CODE, *sorted(OPTION_CODES[option] for option in self.profile.options)]
        items = []
        for value, meaning in codes:
            item = (
                _element(codec, 0x00080100, "SH", _even(value.encode("ascii"), b" "))
                + _element(codec, 0x00080102, "SH", b"DCM ")
                + _element(codec, 0x00080104, "LO", _even(meaning.encode("ascii"), b" "))
            )
            items.append(codec.delimiter(ITEM, len(item)) + item)
        if self._shift:
            temporal = b"MODIFIED"
        elif Option.RETAIN_LONG_FULL_DATES in self._options:
            temporal = b"UNMODIFIED"
        else:
            temporal = b"REMOVED "
        method = _even(self.profile.method_text.encode("ascii"), b" ")
        insertions = [
            (PATIENT_IDENTITY_REMOVED, _element(codec, PATIENT_IDENTITY_REMOVED, "CS", b"YES ")),
            (DEIDENTIFICATION_METHOD, _element(codec, DEIDENTIFICATION_METHOD, "LO", method)),
            (DEIDENTIFICATION_METHOD_CODES, _element(codec, DEIDENTIFICATION_METHOD_CODES, "SQ", b"".join(items))),
            (
                LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED,
                _element(codec, LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED, "CS", temporal),
            ),
        ]
        if codec.little:
            self._insertion_cache[key] = insertions
        return insertions

    # ------------------------------------------------------------------ one data set

    def _process(
        self,
        run: _Run,
        buf: bytes,
        view: memoryview,
        headers: list[Header],
        codec: Codec,
        iod: str | None,
        path: str,
        context: int,
        insertions: list[tuple[int, bytes]] | None = None,
    ) -> Chunks:
        """Rewrite the elements of one data set; `insertions` are added in tag order (top level)."""
        plan = self._plans.get((iod, context))
        if plan is None:
            plan = self._plans[(iod, context)] = {}
        out: Chunks = []
        pending = list(insertions) if insertions else []
        creators: dict[int, tuple[str, int]] = {}  # (group << 8 | block) -> (creator, index in out)
        used_blocks: set[int] = set()
        actions = run.actions
        encodings = run.encodings
        for header in headers:
            tag, vr, _, pos, value_pos, value_end = header
            while pending and pending[0][0] <= tag:
                out.append(pending.pop(0)[1])
            if tag == SPECIFIC_CHARACTER_SET and context != TOP:  # an item may declare its own
                encodings = self._encodings(buf[value_pos:value_end].decode("latin-1").strip(" \x00"))
            entry = plan.get((tag, vr))
            if entry is None:
                entry = plan[(tag, vr)] = self._compile(tag, vr, iod, context)
            op = entry.op
            if op == _KEEP:
                out.append(view[pos:value_end])
                if entry.code is not None:
                    actions.append((path + _tag_text(tag), entry.code))
                    if context == TOP and tag in _REPORTED_UIDS:
                        run.new_uids[tag] = buf[value_pos:value_end].decode("latin-1").strip(" \x00")
                continue
            if op == _REMOVE:
                if entry.code is not None:
                    actions.append((path + _tag_text(tag), entry.code))
                continue
            if op == _CREATOR:
                creator = buf[value_pos:value_end].decode("latin-1").strip(" \x00")
                if creator in self._safe.creators:
                    creators[((tag >> 16) << 8) | (tag & 0xFF)] = (creator, len(out))
                    out.append(view[pos:value_end])
                else:
                    actions.append((path + _tag_text(tag), "X"))
                continue
            if op == _PRIVATE:
                entry = self._private_entry(header, creators, context)
                if entry.op == _REMOVE:
                    actions.append((path + _tag_text(tag), "X"))
                    continue
                used_blocks.add(((tag >> 16) << 8) | ((tag >> 8) & 0xFF))
                if entry.op == _KEEP:
                    out.append(view[pos:value_end])
                    actions.append((path + _tag_text(tag), "K"))
                    continue
            written = self._apply(run, entry, header, buf, view, codec, encodings, iod, path, context)
            if written is None and entry.fallback is not None:
                entry = entry.fallback
                if entry.op == _KEEP:
                    out.append(view[pos:value_end])
                    actions.append((path + _tag_text(tag), entry.code or "K"))
                    continue
                written = self._apply(run, entry, header, buf, view, codec, encodings, iod, path, context)
            if written is None:
                actions.append((path + _tag_text(tag), "X"))
                continue
            out.extend(written)
            if entry.code is not None:
                actions.append((path + _tag_text(tag), entry.code))
        out.extend(chunk for _, chunk in pending)
        for block, (_, index) in creators.items():
            if block not in used_blocks:
                out[index] = b""
                actions.append((path + _tag_text(((block >> 8) << 16) | (block & 0xFF)), "X"))
        return out

    def _private_entry(self, header: Header, creators: Mapping[int, tuple[str, int]], context: int) -> _Entry:
        """Keep a private element only if Table E.3.10-1 lists it for its block's creator (decisions cached)."""
        tag, vr, length = header[0], header[1], header[2]
        group = tag >> 16
        found = creators.get((group << 8) | ((tag >> 8) & 0xFF))
        key = (None if found is None else found[0], tag, vr, length == UNDEFINED, context)
        entry = self._private_plans.get(key)
        if entry is None:
            entry = self._private_plans[key] = self._compile_private(found, tag, vr, length, context)
        return entry

    def _compile_private(
        self, found: tuple[str, int] | None, tag: int, vr: str | None, length: int, context: int
    ) -> _Entry:
        group = tag >> 16
        safe_vr = None if found is None else self._safe.vr_of(found[0], group, tag & 0xFF)
        if safe_vr is None:
            return _REMOVE_X
        evr = vr if vr and vr != "UN" else safe_vr.split("/")[0]
        if evr == "SQ" or (length == UNDEFINED and evr not in _BULK_VRS):
            return _Entry(_SEQ_CLEAN if context == CLEANED_ITEM else _SEQ, "K", "SQ")
        if evr == "UI":
            return _Entry(_UID, "U", "UI")
        return _Entry(_KEEP, "K", evr)

    # ------------------------------------------------------------------ compiling decisions

    def _compile(self, tag: int, vr: str | None, iod: str | None, context: int) -> _Entry:
        """Decide what to do with `tag` (encoded with `vr`) in this context."""
        group, element = tag >> 16, tag & 0xFFFF
        if element == 0 or group in (0x0000, 0x0002):
            return _REMOVE_X
        if group & 1:
            if element < 0x0010 or not self._safe_private:
                return _REMOVE_X
            return _Entry(_CREATOR if element <= 0x00FF else _PRIVATE, None, vr or "UN")
        dictionary_vr = _dictionary_vr(tag)
        evr = vr if vr and vr != "UN" else (dictionary_vr or "UN")
        if tag == PATIENT_ID:
            return _Entry(_PATIENT_ID, "D", evr)
        if tag == PATIENT_NAME:
            return _Entry(_PATIENT_NAME, "D", evr)
        if context == TOP and tag in _ADDED:
            return _Entry(_REMOVE, None, evr)
        if 0x6000 <= group <= 0x60FF:
            return _Entry(_REMOVE, "X", evr)
        rule = self._table.rule_for(tag)
        if rule is None:
            action = (
                self.profile.unknown_public_action if dictionary_vr is None else self.profile.unlisted_public_action
            )
            if action != "keep" and not (group in _ESSENTIAL_GROUPS or tag in _ESSENTIAL):
                return _Entry(_REMOVE, "X", evr)
            cleaning = context == CLEANED_ITEM
            if evr == "UI" and tag not in _NON_INSTANCE_UIDS:
                return _Entry(_UID, "U", evr)
            if evr == "SQ":
                return _Entry(_SEQ_CLEAN if cleaning else _SEQ, None, evr)
            if self._shift and evr in _DATE_VRS:
                return _Entry(_SHIFT, "C", evr, _Entry(_REMOVE, "X", evr))
            if cleaning and evr in _FREE_TEXT_VRS and tag not in _CODE_TAGS:
                return _Entry(_CLEAN, "C", evr, _Entry(_ZERO, "Z", evr))
            if cleaning and evr == "PN":
                return _Entry(_DUMMY, "D", evr)
            return _Entry(_KEEP, None, evr)
        attribute_type = self._iods.attribute_type(tag, iod, nested=context != TOP)
        code = effective_action(rule, self._options)
        if code == "X/Z/U*" and self.profile.keep_references:
            action_code = Action.U
        else:
            action_code = removal_for_type(resolve_compound(code, attribute_type), attribute_type)
        dated = self._shift and rule.options.get(Option.RETAIN_LONG_MODIFIED_DATES) is Action.C
        basic = removal_for_type(resolve_compound(rule.basic, attribute_type), attribute_type)
        return self._entry_for(action_code, evr, basic, dated=dated, cleaning=context == CLEANED_ITEM)

    def _entry_for(
        self, action: Action, evr: str, basic: Action, *, dated: bool = False, cleaning: bool = False
    ) -> _Entry:
        """Operation for a resolved action; `dated` marks a C that comes from the modified-dates option,
        `cleaning` an attribute inside an item of a sequence being cleaned."""
        code = action.value
        if action is Action.X:
            return _Entry(_REMOVE, code, evr)
        if action is Action.Z:
            return _Entry(_ZERO, code, evr)
        if action is Action.K or action is Action.U:
            if evr == "SQ":
                return _Entry(_SEQ_CLEAN if cleaning else _SEQ, code, evr)
            if action is Action.K:
                return _Entry(_KEEP, code, evr)
            return _Entry(_UID, code, evr) if evr == "UI" else _Entry(_REMOVE, "X", evr)
        if action is Action.D:
            if evr == "SQ":
                return _Entry(_SEQ_DUMMY, code, evr)
            return _Entry(_UID if evr == "UI" else _DUMMY, code, evr)
        fallback = self._entry_for(basic, evr, basic, cleaning=cleaning)  # action C
        if evr == "SQ":
            return _Entry(_SEQ_CLEAN, code, evr)
        if dated:  # dates shift, times and UTC offsets stay, timestamps (OB) follow the Basic action
            if evr in _DATE_VRS:
                return _Entry(_SHIFT, code, evr, fallback)
            return _Entry(_KEEP, code, evr) if evr in ("TM", "SH") else fallback
        if evr == "AE":
            return _Entry(_AE, code, evr)
        if evr in _TEXT_VRS:
            return _Entry(_CLEAN, code, evr, fallback)
        return fallback

    # ------------------------------------------------------------------ applying decisions

    def _uid(self, value: str) -> str:
        value = value.strip(" \x00")
        if not value or value.startswith("1.2.840.10008.") or value in _UID_DICTIONARY:
            return value
        return self.pseudonymizer.uid(value)

    def _apply(
        self,
        run: _Run,
        entry: _Entry,
        header: Header,
        buf: bytes,
        view: memoryview,
        codec: Codec,
        encodings: list[str],
        iod: str | None,
        path: str,
        context: int,
    ) -> Chunks | None:
        """Encoded replacement of one element, or None when it must be dropped (or fall back)."""
        tag, vr, _, _, value_pos, value_end = header
        op = entry.op
        if op in (_SEQ, _SEQ_CLEAN):
            child = CLEANED_ITEM if op == _SEQ_CLEAN or context == CLEANED_ITEM else ITEM_LEVEL
            return self._sequence(run, header, buf, view, codec, iod, path, child)
        if op == _SEQ_DUMMY:
            if tag in _D_BY_ITEMS:
                return self._sequence(run, header, buf, view, codec, iod, path, max(context, ITEM_LEVEL), dummy=True)
            return self._sequence(run, header, buf, view, codec, iod, path, ITEM_LEVEL, dummy=True, drop_items=True)
        out_vr = entry.vr if vr in (None, "UN") and entry.vr != "UN" else (vr or entry.vr)
        if op == _ZERO:
            return [codec.header(tag, out_vr, 0)]
        value = buf[value_pos:value_end]
        try:
            if op == _DUMMY:
                return [_element(codec, tag, out_vr, dummy_value(entry.vr, little_endian=codec.little))]
            if op == _UID:
                text = "\\".join(self._uid(part) for part in value.decode("latin-1").split("\\"))
                if not path:
                    run.new_uids.setdefault(tag, text)
                return [_element(codec, tag, out_vr, _even(text.encode("ascii"), b"\x00"))]
            if op == _PATIENT_NAME or (op == _PATIENT_ID and not path):
                return [_element(codec, tag, out_vr, _even(run.patient_pseudonym.encode("ascii"), b" "))]
            if op == _PATIENT_ID:
                own = pydicom.charset.decode_bytes(value, encodings, {0x5C}).strip(" \x00")
                pseudonym = self.pseudonymizer.patient_id(own) if own else ""
                return [_element(codec, tag, out_vr, _even(pseudonym.encode("ascii"), b" "))]
            if op == _SHIFT:
                return self._shift_value(run, tag, out_vr, entry.vr, value, codec)
            if op == _AE:
                titles = value.decode("latin-1").split("\\")
                text = "\\".join(self.pseudonymizer.ae_title(t) if t.strip(" \x00") else "" for t in titles)
                return [_element(codec, tag, out_vr, _even(text.encode("ascii"), b" "))]
            if op == _CLEAN:
                return self._clean_text(run, tag, out_vr, entry.vr, value, codec, encodings)
        except (_TooLong, UnicodeError, LookupError, ValueError):
            return None
        return None

    def _shift_value(self, run: _Run, tag: int, out_vr: str, vr: str, value: bytes, codec: Codec) -> Chunks | None:
        shift: Callable[[str, int], str | None] = shift_date if vr == "DA" else shift_datetime
        parts = []
        for part in value.decode("latin-1").split("\\"):
            shifted = shift(part.strip(" \x00"), run.shift_days)
            if shifted is None:
                return None
            parts.append(shifted)
        run.shifted = True
        return [_element(codec, tag, out_vr, _even("\\".join(parts).encode("ascii"), b" "))]

    def _clean_text(
        self, run: _Run, tag: int, out_vr: str, vr: str, value: bytes, codec: Codec, encodings: list[str]
    ) -> Chunks | None:
        if run.cleaner is None:
            run.cleaner = TextCleaner(run.terms)
        unsplit = vr in _UNSPLIT_VRS
        try:
            text = pydicom.charset.decode_bytes(value, encodings, set() if unsplit else {0x5C})
            parts = [text] if unsplit else text.split("\\")
            limit = _MAX_CHARACTERS.get(vr)
            cleaned = "\\".join(run.cleaner.clean(part.rstrip(" \x00"))[:limit] for part in parts)
            encoded = pydicom.charset.encode_string(cleaned, encodings)
        except (UnicodeError, LookupError, ValueError):
            return None
        if not cleaned.strip(" \\") and text.strip(" \x00\\"):
            return None  # nothing left: the Basic action applies (a dummy where the attribute is Type 1)
        return [_element(codec, tag, out_vr, _even(encoded, b" "))]

    def _sequence(
        self,
        run: _Run,
        header: Header,
        buf: bytes,
        view: memoryview,
        codec: Codec,
        iod: str | None,
        path: str,
        context: int,
        *,
        dummy: bool = False,
        drop_items: bool = False,
    ) -> Chunks:
        """Rewrite a sequence's items with the same rules (in `context`); the sequence keeps its length
        encoding. With `dummy` an empty result becomes one empty item; `drop_items` discards the items."""
        tag, vr, length, _, value_pos, value_end = header
        inner = IMPLICIT_LE if vr == "UN" else codec
        child_path = path + _tag_text(tag) + ">"
        items: Chunks = []
        total = 0
        pos = value_pos
        while pos < value_end:
            item_tag, _, item_length, item_pos = inner.read_header(buf, pos)
            if item_tag == SEQUENCE_END:
                break
            if item_tag != ITEM:
                raise wire.MalformedError(f"expected an item at offset {pos}")
            if item_length == UNDEFINED:
                item_headers, pos = _index(buf, item_pos, None, inner)
            else:
                pos = item_pos + item_length
                item_headers, _ = _index(buf, item_pos, pos, inner)
            if drop_items:
                continue
            chunks = self._process(run, buf, view, item_headers, inner, iod, child_path, context)
            size = sum(len(chunk) for chunk in chunks)
            items.append(inner.delimiter(ITEM, size))
            items.extend(chunks)
            total += 8 + size
        if dummy and total == 0:
            content = _dummy_item(tag, inner)
            items.append(inner.delimiter(ITEM, len(content)))
            items.append(content)
            total = 8 + len(content)
        out_vr = vr or "SQ"
        if length == UNDEFINED:
            return [codec.header(tag, out_vr, UNDEFINED), *items, inner.delimiter(SEQUENCE_END)]
        return [codec.header(tag, out_vr, total), *items]


def _dummy_item(tag: int, codec: Codec) -> bytes:
    """Content of the one item that stands for a sequence replaced by D: empty, except where the item's
    macro has Type 1 attributes. A Content Sequence item becomes a TEXT "Comment" (DCM 121106) saying
    REMOVED, so the Document Relationship and Document Content macros stay valid."""
    if tag != CONTENT_SEQUENCE:
        return b""
    code = (
        _element(codec, 0x00080100, "SH", b"121106")
        + _element(codec, 0x00080102, "SH", b"DCM ")
        + _element(codec, 0x00080104, "LO", b"Comment ")
    )
    return (
        _element(codec, 0x0040A010, "CS", b"CONTAINS")
        + _element(codec, 0x0040A040, "CS", b"TEXT")
        + _element(codec, 0x0040A043, "SQ", codec.delimiter(ITEM, len(code)) + code)
        + _element(codec, 0x0040A160, "UT", b"REMOVED ")
    )


def _index(buf: bytes, pos: int, end: int | None, codec: Codec) -> tuple[list[Header], int]:
    """Headers of one data set's elements and the offset after it.

    `end` None means an undefined-length item: read up to and past its item delimitation.
    """
    headers: list[Header] = []
    size = len(buf)
    read = codec.read_header
    while end is None or pos < end:
        tag, vr, length, value_pos = read(buf, pos)
        if tag == ITEM_END:
            if end is None:
                return headers, value_pos
            raise wire.MalformedError(f"unexpected item delimitation at offset {pos}")
        if length == UNDEFINED:
            value_end = wire.skip_items(buf, value_pos, IMPLICIT_LE if vr == "UN" else codec)
        else:
            value_end = value_pos + length
            if value_end > size:
                raise wire.MalformedError(f"value at offset {value_pos} runs past the end")
        headers.append((tag, vr, length, pos, value_pos, value_end))
        pos = value_end
    return headers, pos
