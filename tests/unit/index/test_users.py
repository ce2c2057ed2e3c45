"""API identities: tokens map to named users with roles; the file never holds a token."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.index.qc_review import Role
from services.index.users import SERVICE_USER, UserDirectory, token_digest


def write_users(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "users.yaml"
    path.write_text(text)
    return path


def test_tokens_resolve_to_their_users(tmp_path: Path) -> None:
    path = write_users(tmp_path, f"""
version: "1"
users:
  - name: li.na
    roles: [review]
    token_sha256: {token_digest("t-li")}
  - name: wang.fang
    roles: [arbitrate, review]
    token_sha256: {token_digest("t-wang")}
""")
    users = UserDirectory.load("t-service", path)
    li = users.authenticate("t-li")
    assert li is not None
    assert (li.name, li.roles) == ("li.na", frozenset({Role.REVIEW}))
    service = users.authenticate("t-service")
    assert service is not None
    assert service.name == SERVICE_USER
    assert service.roles == frozenset(Role)
    assert users.authenticate("nope") is None


def test_a_bad_users_file_names_the_bad_key(tmp_path: Path) -> None:
    path = write_users(tmp_path, "version: '1'\nusers:\n  - name: li\n    roles: [superuser]\n    token_sha256: x\n")
    with pytest.raises(ValueError, match=r"users\.0\.roles\.0"):
        UserDirectory.load("t", path)


def test_a_user_listed_twice_is_refused() -> None:
    from services.index.users import UserEntry

    entry = UserEntry(name="li", roles=[Role.REVIEW], token_sha256=token_digest("a"))
    with pytest.raises(ValueError, match="twice"):
        UserDirectory("t", [entry, entry])
