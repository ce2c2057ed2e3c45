"""The topic registry: every topic, the one service allowed to write it, and what it carries."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.events import (
    StudyCurated,
    StudyDeidentified,
    StudyHarmonized,
    StudyQCResult,
    StudyQuarantined,
    StudyReharmonizeRequested,
    StudyStable,
)

SERVICES = ("ingest", "deid", "harmonize", "qc", "index")


@dataclass(frozen=True)
class Topic:
    name: str
    writer: str
    event_type: str
    description: str
    #: Sized to the stage's maximum replica count (one partition per consumer at full scale).
    partitions: int = 6


STUDY_STABLE = Topic(
    "radcurate.study.stable.v1", "ingest", StudyStable.EVENT_TYPE,
    "A study the edge archive reports stable, with its series/instance inventory and sending site.",
)
STUDY_DEIDENTIFIED = Topic(
    "radcurate.study.deidentified.v1", "deid", StudyDeidentified.EVENT_TYPE,
    "A study de-identified and stored in the research archive.",
)
STUDY_HARMONIZED = Topic(
    "radcurate.study.harmonized.v1", "harmonize", StudyHarmonized.EVENT_TYPE,
    "A de-identified study with body parts mapped and series geometry computed.",
)
STUDY_QC = Topic(
    "radcurate.study.qc.v1", "qc", StudyQCResult.EVENT_TYPE,
    "A harmonized study with per-series and study QC verdicts (PASS / FAIL / ERROR).",
)
STUDY_CURATED = Topic(
    "radcurate.study.curated.v1", "index", StudyCurated.EVENT_TYPE,
    "A study that passed QC, as indexed: the feed for downstream subscribers.",
)
STUDY_REHARMONIZE = Topic(
    "radcurate.study.reharmonize.v1", "index", StudyReharmonizeRequested.EVENT_TYPE,
    "A de-identified study as the index stored it, replayed through the current harmonization vocabulary "
    "(radcurate reharmonize); de-identification is not re-run.",
)


def quarantine_topic(stage: str) -> Topic:
    """Each stage writes its own quarantine topic, so every topic keeps a single writer."""
    if stage not in SERVICES:
        raise ValueError(f"unknown stage {stage!r}")
    return Topic(
        f"radcurate.quarantine.{stage}.v1", stage, StudyQuarantined.EVENT_TYPE,
        f"What the {stage} stage rejected or could not process, with a reason code.",
    )


QUARANTINE = {stage: quarantine_topic(stage) for stage in SERVICES}

ALL_TOPICS: tuple[Topic, ...] = (
    STUDY_STABLE, STUDY_DEIDENTIFIED, STUDY_HARMONIZED, STUDY_QC, STUDY_CURATED, STUDY_REHARMONIZE,
    *QUARANTINE.values(),
)


def topics_written_by(service: str) -> list[Topic]:
    return [t for t in ALL_TOPICS if t.writer == service]


def by_name(name: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)
