"""Event bodies and event types. Pointers and metadata only: pixel data never travels on the bus.

Before de-identification events carry only edge-Orthanc identifiers (opaque hashes) and codes;
after it, only pseudonymised UIDs. Neither kind carries names, original UIDs or dates of birth.

Fields added by a minor version are optional and left out of the JSON while they carry nothing
(`exclude_if=absent`), so a payload of the previous minor version decodes and re-encodes unchanged.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.envelope import EventBase

PseudoUID = str  # a UID under the 2.25 root produced by the keyed pseudonymiser
UID_PATTERN = r"^[0-9]+(\.[0-9]+)*$"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def absent(value: object) -> bool:
    """True for a field value that says nothing (None, empty list or mapping).

    Fields added in a minor version use it as `exclude_if`: an event that has nothing to say in them
    serialises exactly as the previous minor version did, so released payloads round-trip unchanged.
    """
    return value is None or value == [] or value == {}


# ---------------------------------------------------------------- shared parts


class StageRun(Model):
    """One stage's processing of a study: which code and which rule versions produced the output."""

    stage: Literal["ingest", "deid", "harmonize", "qc", "index"]
    service_version: str
    rules: dict[str, str] = Field(
        default_factory=dict, description="Versions of the data files that drove the stage, by name."
    )
    finished_at: AwareDatetime


class Verdict(StrEnum):
    """QC result: FAIL is a verdict on the data, ERROR a processing fault."""

    PASS = "PASS"  # noqa: S105 - a QC verdict, not a password
    FAIL = "FAIL"
    ERROR = "ERROR"


class QuarantineKind(StrEnum):
    DATA_REJECTED = "data_rejected"
    PROCESSING_ERROR = "processing_error"
    CONTRACT_ERROR = "contract_error"
    QC_FAILED = "qc_failed"


# ---------------------------------------------------------------- ingest


class Sender(Model):
    """How the study reached the edge archive (Orthanc's instance metadata)."""

    origin: str = Field(description="Orthanc 'Origin': DicomProtocol, RestApi, Plugins, Lua or Unknown.")
    calling_aet: str | None = None
    called_aet: str | None = None
    http_user: str | None = None


class SeriesInventory(Model):
    edge_series_id: str
    modality: str | None = None
    instance_ids: list[str] = Field(description="Edge-Orthanc instance ids of the series.")


class StudyStableBody(Model):
    """A study that the edge archive reports stable (no new instance for StableAge seconds)."""

    edge_study_id: str
    change_seq: int = Field(ge=0, description="Sequence number of the StableStudy change in /changes.")
    site_id: str
    sender: Sender
    series: list[SeriesInventory]
    instance_count: int = Field(ge=0)


# ---------------------------------------------------------------- deid


class StudyRef(Model):
    """Identity of a de-identified study, common to every event after de-identification."""

    study_uid: PseudoUID = Field(pattern=UID_PATTERN)
    patient_pseudonym: str
    site_id: str
    edge_study_id: str
    research_study_id: str
    study_date: dt.date | None = Field(default=None, description="Study date after the de-id profile's date rule.")
    study_description: str | None = Field(default=None, description="Cleaned description, when the profile keeps it.")
    modalities: list[str] = Field(default_factory=list)


class SkippedInstance(Model):
    edge_instance_id: str
    reason: str
    detail: str


class DeidentifiedSeries(Model):
    series_uid: PseudoUID = Field(pattern=UID_PATTERN)
    research_series_id: str
    modality: str
    instance_count: int = Field(ge=0)
    series_number: int | None = None
    series_description: str | None = None
    body_part_examined: str | None = None


class PixelTextFlag(Model):
    """An instance whose pixels the optional OCR check found text in (counts only, never the text)."""

    sop_instance_uid: PseudoUID = Field(pattern=UID_PATTERN)
    words: int = Field(ge=0)
    mean_confidence: float | None = Field(default=None, ge=0, le=100)


class StudyDeidentifiedBody(Model):
    study: StudyRef
    series: list[DeidentifiedSeries]
    skipped_instances: list[SkippedInstance] = Field(default_factory=list)
    provenance: list[StageRun]
    pixel_text: list[PixelTextFlag] = Field(
        default_factory=list, exclude_if=absent,
        description="Instances flagged by the pixel OCR check in `flag` mode (since 1.1).",
    )


# ---------------------------------------------------------------- harmonize


MappingStatus = Literal["mapped", "review", "unmapped"]
"""mapped: confidence at or above the threshold, value emitted; review: below it, value withheld and the
question put on the review list; unmapped: nothing to go on (no text, no header)."""


class Candidate(Model):
    """A possible answer of a mapping, best first; the only place a value below the threshold appears."""

    code: str
    meaning: str | None = None
    confidence: float = Field(ge=0, le=1)


class BodyPartEvidence(Model):
    """One source's reading of the body part (a header, an anatomic code or a description)."""

    source: str = Field(description="DICOM keyword the reading came from, e.g. SeriesDescription.")
    code: str = Field(description="SNOMED CT concept id of CID 4031.")
    meaning: str | None = None
    raw: str | None = None


class BodyPart(Model):
    """Body part as a SNOMED CT code from DICOM CID 4031, or `unknown`; the header's value kept as `raw`.

    Since 1.1: the confidence and rule behind the code; below the review threshold `code` is `unknown`,
    `status` is `review` and the best reading is only a candidate.
    """

    code: str = Field(description="SNOMED CT concept id, or 'unknown'.")
    scheme: Literal["SCT"] | None = None
    meaning: str | None = None
    raw: str | None = None
    source: str = Field(description="Where the value came from, e.g. BodyPartExamined or SeriesDescription.")
    status: MappingStatus | None = Field(default=None, exclude_if=absent)
    confidence: float | None = Field(default=None, ge=0, le=1, exclude_if=absent)
    rule: str | None = Field(default=None, exclude_if=absent, description="Rule or table row behind the code.")
    review_id: str | None = Field(
        default=None, exclude_if=absent, description="Fingerprint of the question on the review list."
    )
    candidates: list[Candidate] = Field(default_factory=list, exclude_if=absent)
    disagreements: list[BodyPartEvidence] = Field(
        default_factory=list, exclude_if=absent,
        description="Sources that name another region than the one chosen (header vs text, anatomic code).",
    )
    inputs: dict[str, str] | None = Field(
        default=None, exclude_if=absent, description="The de-identified inputs, when the question is for review."
    )


class Mapping(Model):
    """How a harmonized value was obtained: confidence, rule, and what a reviewer needs when it is withheld."""

    status: MappingStatus
    confidence: float = Field(ge=0, le=1)
    rule: str = Field(description="Rule or table row that produced the value, e.g. midrc:L42, playbook, reviewed:<id>.")
    review_id: str | None = Field(default=None, description="Fingerprint of the question (the review list's id).")
    candidates: list[Candidate] = Field(default_factory=list, description="Best answers found, best first.")
    inputs: dict[str, str] | None = Field(
        default=None, description="The de-identified inputs of the question, when it is for review."
    )


class PlaybookAttributes(Model):
    """A procedure description read as LOINC/RSNA Radiology Playbook attributes."""

    modality: str | None = Field(default=None, description="Playbook modality: XR, CT, MR, US, NM, PT, PT+CT, MG...")
    regions: list[str] = Field(default_factory=list, description="Anatomy named, e.g. CHEST, PULMONARY_ARTERIES.")
    contrast: Literal["WO", "W", "WO_W"] | None = None
    laterality: Literal["left", "right", "bilateral"] | None = None
    views: str | None = Field(default=None, description="View count or projections, e.g. 1, 2, 2-3, >=3, PA+LAT.")
    timing: list[str] = Field(default_factory=list, description="e.g. inspiration_expiration, stress, intraoperative.")
    qualifiers: list[str] = Field(default_factory=list, description="e.g. angio, portable, screening, guidance.")


class ProcedureMapping(Mapping):
    """The procedure as a LOINC code of the LOINC/RSNA Radiology Playbook (withheld below the threshold)."""

    scheme: Literal["LN"] = "LN"
    code: str | None = Field(default=None, description="LOINC code when mapped.")
    meaning: str | None = Field(default=None, description="LOINC long common name.")
    attributes: PlaybookAttributes | None = None


class SeriesAttribute(Mapping):
    """One series type attribute (a class name of this project's vocabulary), withheld below the threshold."""

    value: str | None = None
    raw: str | None = Field(default=None, description="Header value it was read from, e.g. the kernel name.")


class SeriesType(Model):
    """What kind of series: localizer, CT contrast phase / kernel / thickness class, MR sequence class."""

    localizer: bool = False
    contrast_phase: SeriesAttribute | None = Field(default=None, description="CT: non_contrast, contrast, arterial...")
    kernel_class: SeriesAttribute | None = Field(default=None, description="CT: soft, standard, sharp, lung.")
    thickness_class: SeriesAttribute | None = Field(default=None, description="CT: thin, medium, thick.")
    sequence: SeriesAttribute | None = Field(
        default=None, description="MR: T1, T2, FLAIR, PD, DWI, ADC, SWI, LOCALIZER, EPI_FMRI, OTHER."
    )


class Equipment(Model):
    """Manufacturer and model names, canonicalised; the header values kept."""

    manufacturer: str | None = None
    model: str | None = None
    manufacturer_raw: str | None = None
    model_raw: str | None = None
    rule: str


class Measurement(Model):
    """A numeric acquisition attribute in UCUM units (e.g. mm, kV, mA, ms, T, s/mm2)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    value: float
    unit: str = Field(description="UCUM unit code.")
    source: str = Field(description="DICOM keyword the value came from.")


class SeriesGeometry(Model):
    """Geometry of an image series, derived from per-slice positions rather than SliceThickness."""

    rows: int
    columns: int
    slice_count: int
    pixel_spacing: tuple[float, float] = Field(description="Row spacing, column spacing in mm.")
    slice_spacing: float | None = Field(description="Median distance between adjacent slice positions (mm).")
    slice_thickness: float | None = None
    orientation: str = Field(description="Three-letter DICOM/LPS orientation code, e.g. LPS for axial.")
    plane: Literal["AXIAL", "CORONAL", "SAGITTAL", "OBLIQUE"]
    direction: tuple[float, float, float, float, float, float, float, float, float]
    origin: tuple[float, float, float]
    extent_mm: tuple[float, float, float]


class HarmonizedSeries(DeidentifiedSeries):
    body_part: BodyPart
    geometry: SeriesGeometry | None = None
    geometry_note: str | None = Field(default=None, description="Why geometry is absent, as a code.")
    # since 1.1
    procedure: ProcedureMapping | None = Field(
        default=None, exclude_if=absent, description="LOINC procedure of the study as acquired by this series."
    )
    series_type: SeriesType | None = Field(default=None, exclude_if=absent)
    equipment: Equipment | None = Field(default=None, exclude_if=absent)
    acquisition: list[Measurement] = Field(default_factory=list, exclude_if=absent)


class StudyHarmonizedBody(Model):
    study: StudyRef
    series: list[HarmonizedSeries]
    skipped_instances: list[SkippedInstance] = Field(default_factory=list)
    provenance: list[StageRun]


# ---------------------------------------------------------------- qc


class QCFinding(Model):
    """One machine-readable reason behind a verdict, with the values that triggered it."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    verdict: Verdict = Field(description="The verdict this finding implies on its own.")
    series_uid: PseudoUID | None = None
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)


class SeriesQC(Model):
    verdict: Verdict
    findings: list[QCFinding] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list, description="Names of the checks that ran.")


class QCSeries(HarmonizedSeries):
    qc: SeriesQC


class ProfileCriterionMiss(Model):
    criterion: str = Field(description="What fell short, e.g. slice_thickness, kernel_class, extent.")
    expected: Any = None
    actual: Any = None


class ProfileSeriesMiss(Model):
    series_uid: PseudoUID
    misses: list[ProfileCriterionMiss] = Field(default_factory=list)


class ProfileRequirement(Model):
    requirement: str
    met: bool
    series_uids: list[PseudoUID] = Field(default_factory=list, description="Series that meet it.")
    closest: list[ProfileSeriesMiss] = Field(default_factory=list, description="Nearest misses, when unmet.")


class ProfileVerdict(Model):
    """Whether a study is eligible for one disease database's protocol profile, and why not."""

    profile: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str
    eligible: bool
    reasons: list[str] = Field(default_factory=list, description="e.g. thin_lung_kernel_series:slice_thickness")
    requirements: list[ProfileRequirement] = Field(default_factory=list)


class StudyQC(Model):
    verdict: Verdict
    findings: list[QCFinding] = Field(default_factory=list)
    profiles: list[ProfileVerdict] = Field(default_factory=list, exclude_if=absent,
                                           description="Verdict per protocol profile (since 1.2).")
    eligible_for: list[str] = Field(default_factory=list, exclude_if=absent,
                                    description="Profiles the study is eligible for (since 1.2).")


class StudyQCBody(Model):
    study: StudyRef
    series: list[QCSeries]
    qc: StudyQC
    skipped_instances: list[SkippedInstance] = Field(default_factory=list)
    provenance: list[StageRun]


# ---------------------------------------------------------------- index


class ReplayRequest(Model):
    """Why a stored de-identified study is sent through harmonization again."""

    request_id: str
    requested_at: AwareDatetime
    reason: str | None = Field(default=None, max_length=200)


class StudyReharmonizeBody(StudyDeidentifiedBody):
    """A de-identified study as the index stored it, sent back to harmonize; de-identification is not re-run."""

    replay: ReplayRequest


class ReviewSummary(Model):
    """How the three-level review ended for a published study version (no reviewer names, no free text)."""

    state: Literal["accepted"]
    level: Literal[1, 2, 3] = Field(description="1: automatic QC, 2: reviewer, 3: arbitration.")
    decided_at: AwareDatetime


class StudyCuratedBody(StudyQCBody):
    """A study as indexed, for downstream subscribers; `document_version` grows with each re-indexing."""

    document_version: int = Field(ge=1)
    indexed_at: AwareDatetime
    review: ReviewSummary | None = Field(default=None, exclude_if=absent, description="Since 1.2.")


# ---------------------------------------------------------------- quarantine


class QuarantinedBody(Model):
    """Something a stage could not or would not pass on. The source data stays in the edge archive."""

    stage: Literal["ingest", "deid", "harmonize", "qc", "index"]
    kind: QuarantineKind
    reason: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable reason code.")
    detail: str = Field(max_length=2000, description="Human-readable explanation; never contains PHI.")
    edge_study_id: str | None = None
    edge_instance_ids: list[str] = Field(default_factory=list)
    study_uid: PseudoUID | None = None
    series_uids: list[PseudoUID] = Field(default_factory=list)
    site_id: str | None = None
    findings: list[QCFinding] = Field(default_factory=list)
    source_topic: str | None = None
    source_event_id: str | None = None
    source_event_type: str | None = None
    payload_excerpt: str | None = Field(
        default=None, max_length=8192, description="Base64 of the first bytes of an undecodable event."
    )


# ---------------------------------------------------------------- event types


class StudyStable(EventBase):
    EVENT_TYPE: ClassVar[str] = "study.stable"
    SCHEMA_VERSION: ClassVar[str] = "1.0"
    event_type: Literal["study.stable"] = "study.stable"
    body: StudyStableBody


class StudyDeidentified(EventBase):
    EVENT_TYPE: ClassVar[str] = "study.deidentified"
    SCHEMA_VERSION: ClassVar[str] = "1.1"
    event_type: Literal["study.deidentified"] = "study.deidentified"
    body: StudyDeidentifiedBody


class StudyHarmonized(EventBase):
    EVENT_TYPE: ClassVar[str] = "study.harmonized"
    SCHEMA_VERSION: ClassVar[str] = "1.1"
    event_type: Literal["study.harmonized"] = "study.harmonized"
    body: StudyHarmonizedBody


class StudyQCResult(EventBase):
    EVENT_TYPE: ClassVar[str] = "study.qc_result"
    SCHEMA_VERSION: ClassVar[str] = "1.2"
    event_type: Literal["study.qc_result"] = "study.qc_result"
    body: StudyQCBody


class StudyCurated(EventBase):
    EVENT_TYPE: ClassVar[str] = "study.curated"
    SCHEMA_VERSION: ClassVar[str] = "1.2"
    event_type: Literal["study.curated"] = "study.curated"
    body: StudyCuratedBody


class StudyReharmonizeRequested(EventBase):
    EVENT_TYPE: ClassVar[str] = "study.reharmonize_requested"
    SCHEMA_VERSION: ClassVar[str] = "1.1"
    event_type: Literal["study.reharmonize_requested"] = "study.reharmonize_requested"
    body: StudyReharmonizeBody


class StudyQuarantined(EventBase):
    EVENT_TYPE: ClassVar[str] = "study.quarantined"
    SCHEMA_VERSION: ClassVar[str] = "1.0"
    event_type: Literal["study.quarantined"] = "study.quarantined"
    body: QuarantinedBody


EVENT_TYPES: dict[str, type[EventBase]] = {
    cls.EVENT_TYPE: cls
    for cls in (
        StudyStable, StudyDeidentified, StudyHarmonized, StudyQCResult, StudyCurated, StudyQuarantined,
        StudyReharmonizeRequested,
    )
}
