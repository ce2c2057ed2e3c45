"""De-identify one stable study: edge archive → Annex E engine → research archive. No Kafka here.

Instances are streamed one at a time (a bounded number in flight), never the whole study in memory.
An instance the engine refuses is skipped and reported; the study goes on with the rest, and the
skipped instances are quarantined (they stay in the edge archive).

With a re-identification vault injected (``DEID_VAULT_ENABLED``), the pseudonymisation key id is checked
against the vault's key registry before anything is stored, and each study's sealed mapping is recorded
before the study.deidentified event is produced.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import pydicom

from contracts import (
    DataRejected,
    DeidentifiedSeries,
    PixelTextFlag,
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
from services.deid.deidentify import DeidReport
from services.deid.ocr import OcrStatus
from services.deid.orthanc import EdgeArchive, InstanceGone, ResearchArchive
from services.deid.pseudonym import Pseudonymizer
from services.deid.reid import OriginalIdentifiers, StudyMapping, read_original_identifiers

log = logging.getLogger("radcurate.deid")


class Engine(Protocol):
    @property
    def pseudonymizer(self) -> Pseudonymizer: ...

    def deidentify_file(self, raw: bytes) -> tuple[bytes, DeidReport]: ...


class Vault(Protocol):
    """What the handler needs of the re-identification vault (services.deid.vault.MongoVault)."""

    def check_key(self, key_id: str, fingerprint: str) -> None: ...

    def record(self, mapping: StudyMapping) -> None: ...


@dataclass
class _Progress:
    research_study_ids: Counter[str] = field(default_factory=Counter)
    stored: int = 0
    skipped: list[SkippedInstance] = field(default_factory=list)
    pixel_text: list[PixelTextFlag] = field(default_factory=list)  # instances the OCR check flagged
    mappings: dict[str, StudyMapping] = field(default_factory=dict)  # by study pseudonym
    main_tags: dict[str, dict[str, str]] = field(default_factory=dict)  # by research series id


#: The study- and series-level attributes the event reports, read from the de-identified output itself.
MAIN_TAGS = ("StudyInstanceUID", "StudyDate", "StudyDescription", "PatientID", "SeriesInstanceUID", "Modality",
             "SeriesNumber", "SeriesDescription", "BodyPartExamined")
STUDY_LEVEL = ("StudyInstanceUID", "StudyDate", "StudyDescription")


def main_tags(dicom: bytes) -> dict[str, str]:
    """The MAIN_TAGS of an encoded instance, as text (absent ones left out); pixel data is not read."""
    ds = pydicom.dcmread(io.BytesIO(dicom), stop_before_pixels=True, specific_tags=list(MAIN_TAGS))
    return {k: str(ds.get(k)).strip() for k in MAIN_TAGS if ds.get(k) not in (None, "")}


def stale(archived: dict[str, Any], written: dict[str, str], keys: tuple[str, ...]) -> list[str]:
    """Keys whose value in the archive's main tags differs from what was just written."""
    return [k for k in keys if (archived.get(k) or "").strip() != written.get(k, "")]


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
        vault: Vault | None = None,
    ) -> None:
        self.edge = edge
        self.research = research
        self.engine = engine
        self.ctx = ctx
        self.rules = rules
        self.concurrency = concurrency
        self.vault = vault
        self._vault_key_checked = False

    async def handle(self, event: StudyStable) -> list[Outgoing]:
        if self.vault is not None and not self._vault_key_checked:
            pseudonymizer = self.engine.pseudonymizer
            await asyncio.to_thread(self.vault.check_key, pseudonymizer.key_id, pseudonymizer.fingerprint())
            self._vault_key_checked = True
        progress = _Progress()
        limit = asyncio.Semaphore(self.concurrency)

        async def one(instance_id: str) -> None:
            async with limit:
                await self._deidentify_instance(event, instance_id, progress)

        await asyncio.gather(*(one(i) for s in event.body.series for i in s.instance_ids))
        if progress.pixel_text:
            log.warning(
                "pixel OCR found text",
                extra={"correlation_id": str(event.correlation_id), "instances": len(progress.pixel_text)},
            )
        if self.vault is not None:
            for mapping in progress.mappings.values():
                await asyncio.to_thread(self.vault.record, mapping)
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
        body = await asyncio.to_thread(self._describe, event, research_study_id, progress)
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

    def _run_engine(self, raw: bytes) -> tuple[bytes, DeidReport, OriginalIdentifiers | None]:
        clean, report = self.engine.deidentify_file(raw)
        return clean, report, read_original_identifiers(raw) if self.vault is not None else None

    def _note(self, event: StudyStable, report: DeidReport, originals: OriginalIdentifiers | None,
              progress: _Progress) -> None:
        """Count OCR flags; add the instance to its study's vault mapping."""
        if report.ocr is not None and report.ocr.status is OcrStatus.TEXT_FOUND and report.sop_instance_uid:
            progress.pixel_text.append(PixelTextFlag(sop_instance_uid=report.sop_instance_uid, words=report.ocr.words,
                                                     mean_confidence=report.ocr.mean_confidence))
        if originals is None or not report.study_instance_uid or not report.patient_pseudonym:
            return
        mapping = StudyMapping.from_instance(
            originals,
            study_pseudonym=report.study_instance_uid,
            patient_pseudonym=report.patient_pseudonym,
            series_pseudonym=report.series_instance_uid,
            key_id=report.key_id,
            key_fingerprint=self.engine.pseudonymizer.fingerprint(),
            site_id=event.body.site_id,
            edge_study_id=event.body.edge_study_id,
        )
        known = progress.mappings.get(mapping.study_pseudonym)
        progress.mappings[mapping.study_pseudonym] = mapping if known is None else known.merge(mapping)

    async def _deidentify_instance(self, event: StudyStable, instance_id: str, progress: _Progress) -> None:
        try:
            raw = await asyncio.to_thread(self.edge.download, instance_id)
        except InstanceGone:
            progress.skipped.append(SkippedInstance(
                edge_instance_id=instance_id, reason="instance_gone", detail="deleted from the edge archive"))
            return
        try:
            clean, report, originals = await asyncio.to_thread(self._run_engine, raw)
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
        series_id = str(answer["ParentSeries"])
        if series_id not in progress.main_tags:
            progress.main_tags[series_id] = await asyncio.to_thread(main_tags, clean)
        self._note(event, report, originals, progress)

    def _describe(self, event: StudyStable, research_study_id: str, progress: _Progress) -> StudyDeidentifiedBody:
        """Describe the study from what was just written, and make the research archive agree with it.

        Orthanc keeps a study's and a series' main tags from the first instance it stored: when a study is
        de-identified again (a late instance, a new profile version), overwritten instances would leave
        the old values there. Stale main tags are rebuilt from the stored files.
        """
        study = self.research.study(research_study_id)
        items = self.research.series_of_study(research_study_id)
        written_study = next(iter(progress.main_tags.values()))
        stale_levels = []
        if stale(study.get("MainDicomTags", {}), written_study, STUDY_LEVEL):
            stale_levels.append(("studies", research_study_id))
        stale_levels += [("series", item["ID"]) for item in items if item["ID"] in progress.main_tags
                         and stale(item.get("MainDicomTags", {}), progress.main_tags[item["ID"]], MAIN_TAGS[4:])]
        for level, resource in stale_levels:
            log.info("stale main tags rebuilt in the research archive", extra={"level": level, "resource": resource})
            self.research.reconstruct(level, resource)
        series: list[DeidentifiedSeries] = []
        for item in items:
            tags = progress.main_tags.get(item["ID"]) or item.get("MainDicomTags", {})
            series.append(
                DeidentifiedSeries(
                    series_uid=tags["SeriesInstanceUID"],
                    research_series_id=item["ID"],
                    modality=tags.get("Modality") or "OT",
                    instance_count=len(item.get("Instances", [])),
                    series_number=_int_or_none(tags.get("SeriesNumber")),
                    series_description=tags.get("SeriesDescription") or None,
                    body_part_examined=tags.get("BodyPartExamined") or None,
                )
            )
        series.sort(key=lambda s: (s.series_number if s.series_number is not None else 1 << 30, s.series_uid))
        return StudyDeidentifiedBody(
            study=StudyRef(
                study_uid=written_study["StudyInstanceUID"],
                patient_pseudonym=written_study.get("PatientID", ""),
                site_id=event.body.site_id,
                edge_study_id=event.body.edge_study_id,
                research_study_id=research_study_id,
                study_date=parse_da(written_study.get("StudyDate")),
                study_description=written_study.get("StudyDescription") or None,
                modalities=sorted({s.modality for s in series}),
            ),
            series=series,
            skipped_instances=progress.skipped,
            pixel_text=sorted(progress.pixel_text, key=lambda flag: flag.sop_instance_uid),
            provenance=[StageRun(
                stage="deid", service_version=__version__, rules=self.rules, finished_at=dt.datetime.now(dt.UTC))],
        )
