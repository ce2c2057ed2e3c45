"""Fixtures for the de-identification engine tests."""

from __future__ import annotations

from collections.abc import Callable

import pydicom
import pytest
from pydicom.dataset import Dataset

from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import KEY, sample_path, with_options


@pytest.fixture
def pseudonymizer() -> Pseudonymizer:
    return Pseudonymizer(KEY, "unit-test")


@pytest.fixture
def basic(pseudonymizer: Pseudonymizer) -> Deidentifier:
    return Deidentifier(builtin_profile("basic"), pseudonymizer)


@pytest.fixture
def research(pseudonymizer: Pseudonymizer) -> Deidentifier:
    return Deidentifier(builtin_profile("research"), pseudonymizer)


@pytest.fixture
def engine_for(pseudonymizer: Pseudonymizer) -> Callable[..., Deidentifier]:
    def make(*options: str, allow_burned_in: bool = False) -> Deidentifier:
        return Deidentifier(with_options(*options, allow_burned_in=allow_burned_in), pseudonymizer)

    return make


@pytest.fixture
def ct() -> Dataset:
    return pydicom.dcmread(sample_path("CT_small.dcm"))
