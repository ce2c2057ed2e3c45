"""De-identify one stable study: edge archive → Annex E engine → research archive. No Kafka here.

Instances are streamed one at a time (a bounded number in flight), never the whole study in memory.
An instance the engine refuses is skipped and reported; the study goes on with the rest, and the
skipped instances are quarantined (they stay in the edge archive).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from contracts import (
    DataRejected,
    DeidentifiedSeries,
    QuarantineKind,
    SkippedInstance,
    StageRun,
    StudyDeidentified,
    StudyDeidentifiedBody,
    StudyRef,
    StudyStable,
    derived_event_id,
)
from contracts.delivery import Outgoing, StageContext, describe_exception
from contracts.topics import STUDY_DEIDENTIFIED
from services.deid import __version__
from services.deid.orthanc import EdgeArchive, InstanceGone, ResearchArchive

log = logging.getLogger("radcurate.deid")


class Engine(Protocol):
    def deidentify_file(self, raw: bytes) -> tuple[bytes, Any]: ...


@dataclass
class _Progress:
    research_study_ids: Counter[str] = field(default_factory=Counter)
    stored: int = 0
    skipped: list[SkippedInstance] = field(default_factory=list)


def parse_da(value: str | None) -> dt.date | None:
    """A DICOM DA value (YYYYMMDD) as a date, or None when empty or malformed."""
    if not value or len(value.strip()) != 8:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class StudyDeidentifier:
    def __init__(
        self,
        *,
        edge: EdgeArchive,
        research: ResearchArchive,
        engine: Engine,
        ctx: StageContext,
        rules: dict[str, str],
        concurrency: int = 4,
    ) -> None:
        self.edge = edge
        self.research = research
        self.engine = engine
        self.ctx = ctx
        self.rules = rules
        self.concurrency = concurrency

    async def handle(self, event: StudyStable) -> list[Outgoing]:
        progress = _Progress()
        limit = asyncio.Semaphore(self.concurrency)

        async def one(instance_id: str) -> None:
            async with limit:
                await self._deidentify_instance(instance_id, progress)

        await asyncio.gather(*(one(i) for s in event.body.series for i in s.instance_ids))
        if not progress.stored:
            reasons = sorted({s.reason for s in progress.skipped}) or ["no_instances"]
            raise DataRejected(
                "no_instance_deidentified",
                f"none of {event.body.instance_count} instances could be de-identified ({', '.join(reasons)})",
                edge_instance_ids=tuple(s.edge_instance_id for s in progress.skipped),
            )
        research_study_id = progress.research_study_ids.most_common(1)[0][0]
        if len(progress.research_study_ids) > 1:
            log.warning(
                "instances of one edge study landed in several research studies",
                extra={"correlation_id": str(event.correlation_id), "count": len(progress.research_study_ids)},
            )
        body = await asyncio.to_thread(self._describe, event, research_study_id, progress.skipped)
        out = StudyDeidentified.create(
            body,
            correlation_id=event.correlation_id,
            producer=self.ctx.producer,
            event_id=derived_event_id(StudyDeidentified.EVENT_TYPE, event.event_id),
        )
        log.info(
            "study de-identified",
            extra={
                "correlation_id": str(event.correlation_id),
                "study_uid": body.study.study_uid,
                "stored": progress.stored,
                "skipped": len(progress.skipped),
            },
        )
        outputs = [Outgoing(STUDY_DEIDENTIFIED, out)]
        if progress.skipped:
            skipped_reasons = Counter(s.reason for s in progress.skipped)
            reason = next(iter(skipped_reasons)) if len(skipped_reasons) == 1 else "instances_rejected"
            outputs.append(
                self.ctx.quarantine(
                    out,
                    kind=QuarantineKind.DATA_REJECTED,
                    reason=reason,
                    detail="; ".join(f"{n} instance(s): {r}" for r, n in sorted(skipped_reasons.items())),
                    edge_instance_ids=[s.edge_instance_id for s in progress.skipped],
                )
            )
        return outputs

    async def _deidentify_instance(self, instance_id: str, progress: _Progress) -> None:
        try:
            raw = await asyncio.to_thread(self.edge.download, instance_id)
        except InstanceGone:
            progress.skipped.append(SkippedInstance(
                edge_instance_id=instance_id, reason="instance_gone", detail="deleted from the edge archive"))
            return
        try:
            clean, _report = await asyncio.to_thread(self.engine.deidentify_file, raw)
        except DataRejected as exc:
            progress.skipped.append(SkippedInstance(edge_instance_id=instance_id, reason=exc.reason, detail=exc.detail))
            return
        except Exception as exc:
            progress.skipped.append(SkippedInstance(
                edge_instance_id=instance_id, reason="unreadable_dicom", detail=describe_exception(exc)))
            return
        finally:
            del raw
        try:
            answer = await asyncio.to_thread(self.research.store, clean)
        except DataRejected as exc:
            progress.skipped.append(SkippedInstance(edge_instance_id=instance_id, reason=exc.reason, detail=exc.detail))
            return
        progress.research_study_ids[str(answer["ParentStudy"])] += 1
        progress.stored += 1

    def _describe(
        self, event: StudyStable, research_study_id: str, skipped: list[SkippedInstance]
    ) -> StudyDeidentifiedBody:
        """Read back what the research archive holds for the study (the de-identified truth)."""
        study = self.research.study(research_study_id)
        tags = study.get("MainDicomTags", {})
        patient = study.get("PatientMainDicomTags", {})
        series: list[DeidentifiedSeries] = []
        for item in self.research.series_of_study(research_study_id):
            main = item.get("MainDicomTags", {})
            series.append(
                DeidentifiedSeries(
                    series_uid=main["SeriesInstanceUID"],
                    research_series_id=item["ID"],
                    modality=main.get("Modality") or "OT",
                    instance_count=len(item.get("Instances", [])),
                    series_number=_int_or_none(main.get("SeriesNumber")),
                    series_description=main.get("SeriesDescription") or None,
                    body_part_examined=main.get("BodyPartExamined") or None,
                )
            )
        series.sort(key=lambda s: (s.series_number if s.series_number is not None else 1 << 30, s.series_uid))
        return StudyDeidentifiedBody(
            study=StudyRef(
                study_uid=tags["StudyInstanceUID"],
                patient_pseudonym=patient.get("PatientID") or "",
                site_id=event.body.site_id,
                edge_study_id=event.body.edge_study_id,
                research_study_id=research_study_id,
                study_date=parse_da(tags.get("StudyDate")),
                study_description=tags.get("StudyDescription") or None,
                modalities=sorted({s.modality for s in series}),
            ),
            series=series,
            skipped_instances=skipped,
            provenance=[StageRun(
                stage="deid", service_version=__version__, rules=self.rules, finished_at=dt.datetime.now(dt.UTC))],
        )
