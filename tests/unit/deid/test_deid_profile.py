"""Profiles load from YAML, reject bad keys by name, and ship as basic and research."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.deid.annex_e import Option
from services.deid.profile import DeidProfile, ProfileError, builtin_profile, load_profile


def test_builtin_profiles() -> None:
    basic = builtin_profile("basic")
    assert (basic.name, basic.version, basic.options) == ("basic", "1.0", ())
    assert basic.unknown_public_action == "remove"
    assert basic.unlisted_public_action == "keep"
    assert basic.allow_burned_in is False
    research = builtin_profile("research")
    assert research.option_set == {
        Option.RETAIN_LONG_MODIFIED_DATES,
        Option.CLEAN_DESCRIPTORS,
        Option.RETAIN_PATIENT_CHARACTERISTICS,
        Option.RETAIN_SAFE_PRIVATE,
        Option.RETAIN_DEVICE_IDENTITY,
    }
    assert research.version
    assert len(research.method_text) <= 64


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, "name: p\nversion: '2'\n"))
    assert profile == DeidProfile(name="p", version="2")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("name: p\nversion: '1'\nretain_everything: true\n", "retain_everything"),
        ("name: p\nversion: '1'\noptions: [retain_all]\n", "options.0"),
        ("name: p\nversion: '1'\nunknown_public_action: shrug\n", "unknown_public_action"),
        ("name: p\nversion: '1'\nallow_burned_in: maybe\n", "allow_burned_in"),
        ("version: '1'\n", "name"),
        ("name: p\nversion: '1'\noptions: [clean_descriptors, clean_descriptors]\n", "options"),
    ],
)
def test_bad_keys_are_named(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ProfileError) as excinfo:
        load_profile(_write(tmp_path, text))
    assert f"profile.yaml: {key}" in str(excinfo.value)


def test_both_date_options_are_refused(tmp_path: Path) -> None:
    text = "name: p\nversion: '1'\noptions: [retain_long_full_dates, retain_long_modified_dates]\n"
    with pytest.raises(ProfileError, match="exclude each other"):
        load_profile(_write(tmp_path, text))


@pytest.mark.parametrize("text", ["- a\n- b\n", "name: [unclosed\n"])
def test_unreadable_files(tmp_path: Path, text: str) -> None:
    with pytest.raises(ProfileError, match=r"profile\.yaml"):
        load_profile(_write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile(tmp_path / "absent.yaml")
