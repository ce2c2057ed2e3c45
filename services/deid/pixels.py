"""Integrity of native Pixel Data, checked on the encoded bytes without decoding them.

A file cut short in transfer, or written by a faulty device, can still parse: its Pixel Data element
is self-consistent but holds fewer bytes than Rows x Columns x Samples per Pixel x Bits Allocated x
Number of Frames require. Such an instance is corrupt and is refused before it reaches research data.
Encapsulated (compressed) pixel data is framed by items; its structure is checked by the parser.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts import DataRejected

ROWS = 0x00280010
COLUMNS = 0x00280011
SAMPLES_PER_PIXEL = 0x00280002
BITS_ALLOCATED = 0x00280100
NUMBER_OF_FRAMES = 0x00280008
PIXEL_DATA = 0x7FE00010
FLOAT_PIXEL_DATA = 0x7FE00008
DOUBLE_FLOAT_PIXEL_DATA = 0x7FE00009
PIXEL_TAGS = frozenset({ROWS, COLUMNS, SAMPLES_PER_PIXEL, BITS_ALLOCATED, NUMBER_OF_FRAMES, PIXEL_DATA,
                        FLOAT_PIXEL_DATA, DOUBLE_FLOAT_PIXEL_DATA})
UNDEFINED = 0xFFFFFFFF


def expected_pixel_bytes(rows: int, columns: int, samples: int, bits_allocated: int, frames: int) -> int:
    """Bytes a native Pixel Data value needs (PS3.5 8.1.1; 1-bit data is packed)."""
    bits = rows * columns * samples * frames * bits_allocated
    return (bits + 7) // 8


def check_native_pixel_data(
    pixel_length: int | None,
    read_us: Callable[[int], int | None],
    read_is: Callable[[int], str | None],
) -> None:
    """Raise DataRejected('pixel_data_truncated') when native Pixel Data is shorter than its description.

    `pixel_length` is the Pixel Data value length (None when absent, UNDEFINED when encapsulated);
    `read_us` / `read_is` read the US / IS attributes that describe it.
    """
    if pixel_length is None or pixel_length == UNDEFINED:
        return
    rows, columns = read_us(ROWS), read_us(COLUMNS)
    bits = read_us(BITS_ALLOCATED)
    if not rows or not columns or not bits:
        return  # an incomplete Image Pixel module is for QC to judge, not a sign of truncation
    samples = read_us(SAMPLES_PER_PIXEL) or 1
    frames_text = (read_is(NUMBER_OF_FRAMES) or "1").strip() or "1"
    try:
        frames = max(1, int(frames_text))
    except ValueError:
        raise DataRejected("malformed_dicom", "Number of Frames (0028,0008) is not an integer") from None
    needed = expected_pixel_bytes(rows, columns, samples, bits, frames)
    if pixel_length < needed:
        raise DataRejected(
            "pixel_data_truncated",
            f"Pixel Data holds {pixel_length} bytes where {rows}x{columns}x{samples} samples of {bits} bits "
            f"in {frames} frame(s) need {needed}",
        )
