"""Optional pixel OCR: does an instance show text in its pixels? Counts and confidences only, never the text.

The byte engine never decodes pixels; this check does (pydicom), only when a profile enables it, and runs
tesseract (Debian ``tesseract-ocr``) through pytesseract on a few frames converted to 8-bit grey. A word
counts when tesseract's confidence reaches the profile's threshold and it has at least three letters or
digits; text is found when enough words count. What was read is discarded at once.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pydicom
from numpy.typing import NDArray
from pydicom.pixels.utils import pixel_array

REASON = "burned_in_text_detected"
UNREADABLE_REASON = "pixel_ocr_failed"
_MIN_WORD_CHARACTERS = 3
_TESSERACT_CONFIG = "--psm 11"  # sparse text: labels scattered over an image, not paragraphs


class OcrMode(StrEnum):
    """What a profile does with pixel OCR."""

    OFF = "off"
    FLAG = "flag"
    REJECT = "reject"


class OcrStatus(StrEnum):
    """Outcome of the check for one instance."""

    CLEAN = "clean"  # pixels read, no text found
    TEXT_FOUND = "text_found"
    NO_PIXELS = "no_pixels"  # nothing to read (SR, RT structure set, ...)
    UNREADABLE = "unreadable"  # pixels could not be decoded, or tesseract failed


class OcrUnavailable(RuntimeError):
    """pytesseract or the tesseract program is missing while a profile asks for OCR."""


@dataclass(frozen=True, slots=True)
class OcrResult:
    """Per-instance outcome: counts and confidences, never what was read."""

    status: OcrStatus
    frames_checked: int = 0
    words: int = 0  # confident words over the frames checked
    mean_confidence: float | None = None  # of the confident words
    failure: str | None = None  # exception type when UNREADABLE

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "frames_checked": self.frames_checked,
            "words": self.words,
            "mean_confidence": self.mean_confidence,
            "failure": self.failure,
        }


def _tesseract() -> Any:
    try:
        return importlib.import_module("pytesseract")  # untyped: used through Any
    except ImportError:
        raise OcrUnavailable("pytesseract is not installed") from None


def frame_indices(frames: int, limit: int) -> list[int]:
    """At most `limit` frame indices spread evenly from the first to the last."""
    if frames <= limit:
        return list(range(frames))
    if limit == 1:
        return [0]
    return sorted({round(i * (frames - 1) / (limit - 1)) for i in range(limit)})


def to_grey8(pixels: NDArray[Any], photometric: str) -> NDArray[np.uint8]:
    """One frame as 8-bit grey: colour averaged, full range stretched, MONOCHROME1 inverted."""
    values = pixels.astype(np.float32)
    if values.ndim == 3:
        values = values.mean(axis=2)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
    if photometric == "MONOCHROME1":
        scaled = 255.0 - scaled
    return np.clip(scaled, 0, 255).astype(np.uint8)


class PixelTextDetector:
    """Runs tesseract on an instance's pixels; build once (it checks tesseract is there)."""

    def __init__(self, *, min_confidence: float = 60.0, min_words: int = 2, max_frames: int = 3) -> None:
        self._tesseract = _tesseract()
        try:
            self._tesseract.get_tesseract_version()
        except Exception as exc:  # TesseractNotFoundError, or an unusable program
            raise OcrUnavailable(f"the tesseract program is not usable ({type(exc).__name__})") from None
        self.min_confidence = min_confidence
        self.min_words = min_words
        self.max_frames = max_frames

    def check(self, raw: bytes) -> OcrResult:
        """Look for text in the pixels of an encoded instance; never raises for bad pixel data."""
        try:
            ds = pydicom.dcmread(io.BytesIO(raw), force=True)
            if "PixelData" not in ds and "FloatPixelData" not in ds and "DoubleFloatPixelData" not in ds:
                return OcrResult(OcrStatus.NO_PIXELS)
            frames = int(str(ds.get("NumberOfFrames") or 1).strip() or 1)
            photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2"))
            confidences: list[float] = []
            indices = frame_indices(max(frames, 1), self.max_frames)
            for index in indices:
                frame = pixel_array(ds, index=index if frames > 1 else None)
                confidences.extend(self._confident_words(to_grey8(frame, photometric)))
        except Exception as exc:  # decoders raise many types; the type alone is reported
            return OcrResult(OcrStatus.UNREADABLE, failure=type(exc).__name__)
        found = len(confidences) >= self.min_words
        mean = round(sum(confidences) / len(confidences), 1) if confidences else None
        return OcrResult(OcrStatus.TEXT_FOUND if found else OcrStatus.CLEAN, len(indices), len(confidences), mean)

    def _confident_words(self, grey: NDArray[np.uint8]) -> list[float]:
        from PIL import Image

        data = self._tesseract.image_to_data(
            Image.fromarray(grey), config=_TESSERACT_CONFIG, output_type=self._tesseract.Output.DICT
        )
        kept = []
        for text, confidence in zip(data["text"], data["conf"], strict=True):
            value = float(confidence)
            if value >= self.min_confidence and sum(ch.isalnum() for ch in str(text)) >= _MIN_WORD_CHARACTERS:
                kept.append(value)
        return kept
