"""Fixtures of the QC unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pydicom
import pytest

from services.qc.rules import QCRules, load_rules


@pytest.fixture
def strict_pydicom() -> Iterator[None]:
    """pydicom refuses invalid values while the test runs (STYLE: strictness is a setting)."""
    config = pydicom.config.settings
    saved = config.reading_validation_mode
    config.reading_validation_mode = pydicom.config.RAISE
    yield
    config.reading_validation_mode = saved


@pytest.fixture(scope="module")
def rules() -> QCRules:
    """The packaged QC rules."""
    return load_rules()
