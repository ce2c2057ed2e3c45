"""Reading and writing DICOM data elements directly on bytes (PS3.5 chapter 7), without a Dataset.

The engine walks an encoded data set element by element, copies what it keeps as slices of the input and
encodes only what it changes, so untouched values (pixel data above all) are never decoded.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

UNDEFINED = 0xFFFFFFFF
ITEM = 0xFFFEE000
ITEM_END = 0xFFFEE00D
SEQUENCE_END = 0xFFFEE0DD
LONG_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"})
VALID_VRS = LONG_VRS | {
    "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST",
    "TM", "UI", "UL", "US",
}  # fmt: skip

IMPLICIT_VR_LE = "1.2.840.10008.1.2"
EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
DEFLATED_EXPLICIT_VR_LE = "1.2.840.10008.1.2.1.99"
EXPLICIT_VR_BE = "1.2.840.10008.1.2.2"


class MalformedError(ValueError):
    """The bytes are not a readable DICOM data set; the message gives an offset, never a value."""


class Codec:
    """Header layouts of one encoding: implicit or explicit VR, little or big endian."""

    __slots__ = ("implicit", "little", "long", "short", "tag_length", "u16", "u32")

    def __init__(self, *, implicit: bool, little: bool) -> None:
        order = "<" if little else ">"
        self.implicit = implicit
        self.little = little
        self.tag_length = struct.Struct(order + "HHL")
        self.short = struct.Struct(order + "HH2sH")
        self.long = struct.Struct(order + "HH2s2xL")
        self.u16 = struct.Struct(order + "H")
        self.u32 = struct.Struct(order + "L")

    def read_header(self, buf: bytes, pos: int) -> tuple[int, str | None, int, int]:
        """(tag, VR or None if implicit/delimiter, value length, value offset) of the element at `pos`."""
        try:
            group, element, length = self.tag_length.unpack_from(buf, pos)
        except struct.error:
            raise MalformedError(f"truncated element header at offset {pos}") from None
        if self.implicit or group == 0xFFFE:
            return (group << 16) | element, None, length, pos + 8
        vr = buf[pos + 4 : pos + 6].decode("latin-1")
        if vr in LONG_VRS:
            try:
                length = self.u32.unpack_from(buf, pos + 8)[0]
            except struct.error:
                raise MalformedError(f"truncated element header at offset {pos}") from None
            return (group << 16) | element, vr, length, pos + 12
        if vr not in VALID_VRS:
            raise MalformedError(f"invalid VR at offset {pos + 4}")
        return (group << 16) | element, vr, self.u16.unpack_from(buf, pos + 6)[0], pos + 8

    def header(self, tag: int, vr: str, length: int) -> bytes:
        """Encoded header of a data element (the VR is ignored when implicit)."""
        group, element = tag >> 16, tag & 0xFFFF
        if self.implicit:
            return self.tag_length.pack(group, element, length)
        if vr in LONG_VRS:
            return self.long.pack(group, element, vr.encode("ascii"), length)
        return self.short.pack(group, element, vr.encode("ascii"), length)

    def delimiter(self, tag: int, length: int = 0) -> bytes:
        """Item, item delimitation or sequence delimitation header."""
        return self.tag_length.pack(tag >> 16, tag & 0xFFFF, length)


IMPLICIT_LE = Codec(implicit=True, little=True)
EXPLICIT_LE = Codec(implicit=False, little=True)
EXPLICIT_BE = Codec(implicit=False, little=False)


def skip_items(buf: bytes, pos: int, codec: Codec) -> int:
    """Offset just after the sequence delimitation of an undefined-length value starting at `pos`."""
    size = len(buf)
    while pos < size:
        tag, _, length, pos = codec.read_header(buf, pos)
        if tag == SEQUENCE_END:
            return pos
        if tag != ITEM:
            raise MalformedError(f"expected an item at offset {pos - 8}")
        pos = skip_dataset(buf, pos, codec) if length == UNDEFINED else pos + length
    raise MalformedError("sequence without delimitation")


def skip_dataset(buf: bytes, pos: int, codec: Codec) -> int:
    """Offset just after the item delimitation of an undefined-length item starting at `pos`."""
    size = len(buf)
    while pos < size:
        tag, vr, length, pos = codec.read_header(buf, pos)
        if tag == ITEM_END:
            return pos
        if length == UNDEFINED:
            pos = skip_items(buf, pos, IMPLICIT_LE if vr == "UN" else codec)
        else:
            pos += length
    raise MalformedError("item without delimitation")


@dataclass(frozen=True, slots=True)
class Part10:
    """Where the data set starts in a Part 10 file and how it is encoded."""

    transfer_syntax: str
    media_sop_class: str
    media_sop_instance: str
    dataset_offset: int
    codec: Codec
    deflated: bool


def _meta_text(buf: bytes, pos: int, length: int) -> str:
    return buf[pos : pos + length].decode("ascii", "replace").strip(" \x00")


def read_part10(buf: bytes) -> Part10:
    """Parse the preamble and File Meta Information; accept a bare data set (no preamble) as well."""
    if len(buf) >= 132 and buf[128:132] == b"DICM":
        pos = 132
    elif buf[:4] == b"\x02\x00\x00\x00" or buf[:4] == b"\x02\x00\x01\x00":
        pos = 0  # File Meta Information without preamble
    else:
        return Part10("", "", "", 0, _guess_codec(buf), deflated=False)
    values: dict[int, str] = {}
    size = len(buf)
    while pos + 8 <= size:
        group = EXPLICIT_LE.u16.unpack_from(buf, pos)[0]
        if group != 0x0002:
            break
        tag, _, length, value_pos = EXPLICIT_LE.read_header(buf, pos)
        if length == UNDEFINED:
            raise MalformedError("undefined length in File Meta Information")
        if tag in (0x00020002, 0x00020003, 0x00020010):
            values[tag] = _meta_text(buf, value_pos, length)
        pos = value_pos + length
    syntax = values.get(0x00020010, "")
    deflated = syntax == DEFLATED_EXPLICIT_VR_LE
    if not syntax:
        return Part10("", values.get(0x00020002, ""), "", pos, _guess_codec(buf[pos:]), deflated=False)
    codec = IMPLICIT_LE if syntax == IMPLICIT_VR_LE else EXPLICIT_BE if syntax == EXPLICIT_VR_BE else EXPLICIT_LE
    if (
        not deflated
        and len(buf) >= pos + 6
        and (buf[pos + 4 : pos + 6].decode("latin-1") in VALID_VRS) == codec.implicit
    ):
        raise MalformedError("the data set is not encoded as its transfer syntax says")
    return Part10(syntax, values.get(0x00020002, ""), values.get(0x00020003, ""), pos, codec, deflated)


def _guess_codec(buf: bytes) -> Codec:
    """Codec of a bare data set: explicit VR if the first element carries a valid VR (big endian when
    its group reads as one, e.g. 00 08), else implicit VR little endian."""
    if len(buf) < 6 or buf[4:6].decode("latin-1") not in VALID_VRS:
        return IMPLICIT_LE
    return EXPLICIT_BE if buf[0] == 0 and buf[1] != 0 else EXPLICIT_LE


def inflate(data: bytes) -> bytes:
    """Decompress a Deflated Explicit VR Little Endian data set (raw deflate, RFC 1951)."""
    try:
        return zlib.decompress(data, -zlib.MAX_WBITS)
    except zlib.error:
        raise MalformedError("deflated data set cannot be inflated") from None


def deflate(data: bytes) -> bytes:
    """Compress a data set for Deflated Explicit VR Little Endian."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()
