"""The site registry: maps how a study reached the edge archive to the site that sent it."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contracts import DataRejected, Sender


class Site(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    aets: list[str] = Field(default_factory=list)
    http_users: list[str] = Field(default_factory=list)


class SiteRegistry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    sites: list[Site]

    @model_validator(mode="after")
    def _unique(self) -> SiteRegistry:
        seen: dict[str, str] = {}
        for site in self.sites:
            for key in [f"aet:{a.strip().upper()}" for a in site.aets] + [f"user:{u}" for u in site.http_users]:
                if key in seen and seen[key] != site.id:
                    raise ValueError(f"{key} is registered for both {seen[key]} and {site.id}")
                seen[key] = site.id
        return self

    def resolve(self, sender: Sender) -> str:
        """The id of the site that sent a study, or DataRejected('unknown_site')."""
        for site in self.sites:
            if sender.calling_aet and sender.calling_aet.strip().upper() in {a.strip().upper() for a in site.aets}:
                return site.id
            if sender.http_user and sender.http_user in site.http_users:
                return site.id
        who = f"calling AE {sender.calling_aet!r}" if sender.calling_aet else f"HTTP user {sender.http_user!r}"
        raise DataRejected("unknown_site", f"no registered site for {who} (origin {sender.origin})")


def load_sites(path: Path) -> SiteRegistry:
    """Load and validate the registry; errors name the file and the bad key."""
    try:
        data = yaml.safe_load(path.read_text())
        return SiteRegistry.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"invalid site registry {path}: {problems}") from None
