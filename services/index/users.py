"""Who calls the API: personal bearer tokens with roles, so every review decision names its reviewer.

The users file (YAML, `INDEX_API_USERS_FILE`) lists each user's name, roles and the SHA-256 of their
token, never the token itself. The service token (`INDEX_API_TOKEN`) is the automation account,
named `service`, with every role.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.index.qc_review import Role

SERVICE_USER = "service"


class ApiUser(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    roles: frozenset[Role]


class UserEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
    roles: list[Role] = Field(min_length=1)
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    users: list[UserEntry]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserDirectory:
    def __init__(self, service_token: str, users: list[UserEntry] | None = None) -> None:
        self._entries = [(token_digest(service_token), ApiUser(name=SERVICE_USER, roles=frozenset(Role)))]
        names = {SERVICE_USER}
        for entry in users or []:
            if entry.name in names:
                raise ValueError(f"user {entry.name!r} is listed twice")
            names.add(entry.name)
            self._entries.append((entry.token_sha256, ApiUser(name=entry.name, roles=frozenset(entry.roles))))

    @classmethod
    def load(cls, service_token: str, path: Path | None) -> UserDirectory:
        if path is None:
            return cls(service_token)
        try:
            parsed = UsersFile.model_validate(yaml.safe_load(path.read_text()))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"invalid users file {path}: {problems}") from None
        return cls(service_token, parsed.users)

    def authenticate(self, token: str) -> ApiUser | None:
        """The user a bearer token belongs to (compared in constant time), or None."""
        digest = token_digest(token)
        found = None
        for expected, user in self._entries:
            if hmac.compare_digest(expected, digest):
                found = user
        return found
