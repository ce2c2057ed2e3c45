"""Event contracts: the only code the services share."""

from contracts.codec import KafkaRecord, decode, encode
from contracts.envelope import Producer, derived_event_id, study_correlation_id
from contracts.errors import ContractError, DataRejected, TransientError
from contracts.events import (
    EVENT_TYPES,
    BodyPart,
    DeidentifiedSeries,
    HarmonizedSeries,
    QCFinding,
    QCSeries,
    QuarantinedBody,
    QuarantineKind,
    Sender,
    SeriesGeometry,
    SeriesInventory,
    SeriesQC,
    SkippedInstance,
    StageRun,
    StudyCurated,
    StudyCuratedBody,
    StudyDeidentified,
    StudyDeidentifiedBody,
    StudyHarmonized,
    StudyHarmonizedBody,
    StudyQC,
    StudyQCBody,
    StudyQCResult,
    StudyQuarantined,
    StudyRef,
    StudyStable,
    StudyStableBody,
    Verdict,
)

__all__ = [
    "EVENT_TYPES", "BodyPart", "ContractError", "DataRejected", "DeidentifiedSeries", "HarmonizedSeries",
    "KafkaRecord", "Producer", "QCFinding", "QCSeries", "QuarantineKind", "QuarantinedBody", "Sender",
    "SeriesGeometry", "SeriesInventory", "SeriesQC", "SkippedInstance", "StageRun", "StudyCurated",
    "StudyCuratedBody", "StudyDeidentified", "StudyDeidentifiedBody", "StudyHarmonized", "StudyHarmonizedBody",
    "StudyQC", "StudyQCBody", "StudyQCResult", "StudyQuarantined", "StudyRef", "StudyStable", "StudyStableBody",
    "TransientError", "Verdict", "decode", "derived_event_id", "encode", "study_correlation_id",
]
