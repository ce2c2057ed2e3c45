"""The cohort query API over the index (FastAPI). Run: python -m services.index.api

Every /api/v1 route needs `Authorization: Bearer <INDEX_API_TOKEN>`; /healthz and /docs do not.
"""


import datetime as dt
import logging.config
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from contracts import QCSeries, QuarantinedBody, SkippedInstance, StageRun, StudyQC, TransientError, Verdict
from contracts.events import Candidate
from contracts.logs import logging_config
from services.index import SERVICE, __version__
from services.index.qc_api import qc_router
from services.index.qc_review import ReviewState, Role
from services.index.queries import quarantine_filter, review_filter, study_filter
from services.index.review import replay_filter, valid_answer
from services.index.review_store import QCReviewStore
from services.index.settings import ApiSettings
from services.index.store import IndexStore
from services.index.users import SERVICE_USER, ApiUser, UserDirectory

UID = r"^[0-9]+(\.[0-9]+)*$"


class StudySummary(BaseModel):
    model_config = ConfigDict(extra="ignore")

    study_uid: str
    patient_pseudonym: str
    site_id: str
    study_date: dt.date | None
    study_description: str | None
    modalities: list[str]
    body_parts: list[str] = Field(description="SNOMED CT codes (CID 4031) of the series, or 'unknown'.")
    procedures: list[str] = Field(default_factory=list, description="LOINC codes of the series' procedures (mapped).")
    review_pending: int = Field(0, description="Series mappings withheld for review (procedure, body part).")
    series_count: int
    instance_count: int
    qc_status: Verdict
    eligible_for: list[str] = Field(default_factory=list, description="Protocol profiles the study is eligible for.")
    review_state: ReviewState | None = Field(None, description="Where the three-level QC review stands.")
    document_version: int
    indexed_at: dt.datetime


class HistoryEntry(BaseModel):
    version: int
    content_hash: str
    event_id: str
    indexed_at: dt.datetime


class StudyDetail(StudySummary):
    series: list[QCSeries]
    qc: StudyQC
    skipped_instances: list[SkippedInstance]
    provenance: list[StageRun]
    correlation_id: str
    research_study_id: str = Field(description="The study's id in the research archive.")
    edge_study_id: str = Field(description="The original study's id in the edge archive (an opaque hash).")
    first_indexed_at: dt.datetime
    history: list[HistoryEntry]


class StudyPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[StudySummary]


class QuarantineRecord(QuarantinedBody):
    model_config = ConfigDict(extra="ignore")

    event_id: str
    correlation_id: str
    received_at: dt.datetime


class QuarantinePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[QuarantineRecord]


ReviewStatus = Literal["open", "answered", "resolved"]
ReviewField = Literal[
    "procedure", "body_part", "series_type.contrast_phase", "series_type.kernel_class", "series_type.sequence"
]


class ReviewAnswer(BaseModel):
    """A reviewer's answer: the code that should have been mapped (or `unknown`: none of the vocabulary fits)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=32, description="LOINC code, CID 4031 code / term, or class name.")
    reviewer: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[\w .@-]+$",
                                 description="Who answers, when the service token answers for someone; a personal "
                                             "token's user otherwise.")
    note: str | None = Field(default=None, max_length=500)


class StoredAnswer(ReviewAnswer):
    answered_at: dt.datetime


class ReviewItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    field: ReviewField
    status: ReviewStatus
    inputs: dict[str, str] = Field(description="The de-identified inputs of the question.")
    candidates: list[Candidate] = Field(description="Best answers harmonize found, best first.")
    confidence: float
    rule: str
    vocabulary: str | None = Field(description="Vocabulary version that last asked the question.")
    occurrences: int = Field(description="Series that asked it.")
    first_seen: dt.datetime
    last_seen: dt.datetime
    last_study_uid: str
    site_id: str | None = None
    answer: StoredAnswer | None = None
    resolution: dict[str, Any] | None = None


class ReviewDetail(ReviewItem):
    studies: list[str] = Field(description="Some studies whose series asked the question.")


class ReviewPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ReviewItem]


class ReharmonizeRequest(BaseModel):
    """Replay the stored de-identified studies through the current harmonization vocabulary."""

    model_config = ConfigDict(extra="forbid")

    since: dt.date = Field(description="Studies de-identified on or after this day.")
    until: dt.date | None = Field(default=None, description="... and on or before this day.")
    study_uids: list[Annotated[str, Field(pattern=UID, max_length=64)]] | None = Field(default=None, max_length=1000)
    site: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=200)


class ReharmonizeStatus(BaseModel):
    model_config = ConfigDict(extra="ignore")

    request_id: str
    status: Literal["pending", "publishing", "published"]
    matched: int = Field(description="Stored studies the request selected when it was made.")
    published: int | None = Field(default=None, description="Replay events published.")
    requested_at: dt.datetime
    finished_at: dt.datetime | None = None


class PipelineStatus(BaseModel):
    counts: dict[str, int] = Field(description="Studies per stage, QC verdicts, quarantine records.")


def _summary_fields(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    doc.pop("_id", None)
    if isinstance(doc.get("study_date"), dt.datetime):
        doc["study_date"] = doc["study_date"].date()
    return doc


def create_app(settings: ApiSettings) -> FastAPI:
    bearer = HTTPBearer(auto_error=False)
    users = UserDirectory.load(settings.api_token.get_secret_value(), settings.api_users_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = IndexStore(settings.mongo_uri.get_secret_value(), settings.mongo_db)
        app.state.reviews = QCReviewStore(app.state.store.db)
        yield
        await app.state.store.close()

    app = FastAPI(
        title="radcurate index API",
        version=__version__,
        description="Query curated, de-identified imaging studies and the quarantine.",
        lifespan=lifespan,
    )

    def store_of(request: Request) -> IndexStore:
        store: IndexStore = request.app.state.store
        return store

    def current_user(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> ApiUser:
        user = users.authenticate(credentials.credentials) if credentials else None
        if user is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "missing or invalid bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return user

    def reviews_of(request: Request) -> QCReviewStore:
        reviews: QCReviewStore = request.app.state.reviews
        return reviews

    Store = Annotated[IndexStore, Depends(store_of)]
    User = Annotated[ApiUser, Depends(current_user)]
    Auth = [Depends(current_user)]
    Limit = Annotated[int, Query(ge=1, le=settings.max_page_size)]
    Offset = Annotated[int, Query(ge=0)]

    @app.exception_handler(TransientError)
    async def unavailable(request: Request, exc: TransientError) -> JSONResponse:
        return JSONResponse({"detail": "index store unavailable"}, status_code=503)

    app.include_router(qc_router(reviews_of, current_user, settings.review_policy(), settings.max_page_size))

    @app.get("/livez", tags=["health"])
    async def livez() -> dict[str, Any]:
        return {"service": SERVICE, "alive": True}

    @app.get("/healthz", tags=["health"])
    async def healthz(store: Store) -> JSONResponse:
        ok = await store.ping()
        return JSONResponse({"service": SERVICE, "mongo": ok}, status_code=200 if ok else 503)

    @app.get("/api/v1/studies", response_model=StudyPage, dependencies=Auth, tags=["studies"])
    async def list_studies(
        store: Store,
        modality: Annotated[str | None, Query(max_length=16, description="DICOM modality, e.g. CT")] = None,
        body_part: Annotated[str | None, Query(max_length=64, description="SNOMED code or meaning")] = None,
        site: Annotated[str | None, Query(max_length=64)] = None,
        qc_status: Verdict | None = None,
        date_from: Annotated[dt.date | None, Query(description="Study date from (inclusive)")] = None,
        date_to: Annotated[dt.date | None, Query(description="Study date to (inclusive)")] = None,
        patient: Annotated[str | None, Query(max_length=128, description="Patient pseudonym")] = None,
        loinc: Annotated[str | None, Query(max_length=16, pattern=r"^\d{1,7}-\d$", description="LOINC code")] = None,
        eligible_for: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_]*$",
                                                  description="Protocol profile, e.g. lung_nodule_ct")] = None,
        review_state: ReviewState | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> StudyPage:
        if date_from and date_to and date_from > date_to:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "date_from is after date_to")
        query = study_filter(modality=modality, body_part=body_part, site=site, qc_status=qc_status,
                             date_from=date_from, date_to=date_to, patient=patient, loinc=loinc,
                             eligible_for=eligible_for, review_state=review_state.value if review_state else None)
        total, docs = await store.find_studies(query, limit=limit, offset=offset)
        items = [StudySummary.model_validate(_summary_fields(d)) for d in docs]
        return StudyPage(total=total, limit=limit, offset=offset, items=items)

    @app.get("/api/v1/studies/{study_uid}", response_model=StudyDetail, dependencies=Auth, tags=["studies"])
    async def get_study(store: Store, study_uid: Annotated[str, Path(pattern=UID, max_length=64)]) -> StudyDetail:
        doc = await store.get_study(study_uid)
        if doc is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such study")
        return StudyDetail.model_validate(_summary_fields(doc))

    @app.get("/api/v1/quarantine", response_model=QuarantinePage, dependencies=Auth, tags=["quarantine"])
    async def list_quarantine(
        store: Store,
        stage: Annotated[str | None, Query(max_length=16)] = None,
        reason: Annotated[str | None, Query(max_length=64)] = None,
        site: Annotated[str | None, Query(max_length=64)] = None,
        study_uid: Annotated[str | None, Query(pattern=UID, max_length=64)] = None,
        include_superseded: Annotated[bool, Query(description="Also records a later published version superseded")]
        = False,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> QuarantinePage:
        query = quarantine_filter(stage=stage, reason=reason, site=site, study_uid=study_uid,
                                  include_superseded=include_superseded)
        total, docs = await store.find_quarantine(query, limit=limit, offset=offset)
        items = [QuarantineRecord.model_validate({**d, "event_id": d["_id"]}) for d in docs]
        return QuarantinePage(total=total, limit=limit, offset=offset, items=items)

    ReviewId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]

    @app.get("/api/v1/review", response_model=ReviewPage, dependencies=Auth, tags=["review"])
    async def list_review(
        store: Store,
        status_: Annotated[ReviewStatus | None, Query(alias="status")] = None,
        field: ReviewField | None = None,
        site: Annotated[str | None, Query(max_length=64)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ReviewPage:
        """Mappings harmonize withheld (confidence below its threshold), one item per question."""
        total, docs = await store.find_reviews(review_filter(status=status_, field=field, site=site),
                                               limit=limit, offset=offset)
        items = [ReviewItem.model_validate({**d, "id": d["_id"]}) for d in docs]
        return ReviewPage(total=total, limit=limit, offset=offset, items=items)

    @app.get("/api/v1/review/{review_id}", response_model=ReviewDetail, dependencies=Auth, tags=["review"])
    async def get_review(store: Store, review_id: ReviewId) -> ReviewDetail:
        doc = await store.get_review(review_id)
        if doc is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such review item")
        return ReviewDetail.model_validate({**doc, "id": doc["_id"], "studies": await store.review_studies(review_id)})

    @app.post("/api/v1/review/{review_id}", response_model=ReviewItem, dependencies=Auth, tags=["review"])
    async def answer_review(store: Store, user: User, review_id: ReviewId, answer: ReviewAnswer) -> ReviewItem:
        """Store the reviewer's answer; `radcurate review export` turns answers into rules of the next version."""
        if Role.REVIEW not in user.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "answering needs the review role")
        if user.name != SERVICE_USER:
            answer = answer.model_copy(update={"reviewer": user.name})
        elif answer.reviewer is None:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the service token must name the reviewer")
        current = await store.get_review(review_id)
        if current is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such review item")
        if not valid_answer(current["field"], answer.code):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"not a valid answer for a {current['field']} question")
        stored = StoredAnswer(**answer.model_dump(), answered_at=dt.datetime.now(dt.UTC))
        doc = await store.answer_review(review_id, stored.model_dump())
        if doc is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such review item")
        return ReviewItem.model_validate({**doc, "id": doc["_id"]})

    @app.post("/api/v1/reharmonize", response_model=ReharmonizeStatus, status_code=status.HTTP_202_ACCEPTED,
              dependencies=Auth, tags=["review"])
    async def reharmonize(store: Store, request: ReharmonizeRequest) -> ReharmonizeStatus:
        """Queue a replay of stored de-identified studies through harmonization (de-identification is not
        re-run); the index worker publishes one replay event per study."""
        if request.until and request.until < request.since:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "until is before since")
        query = replay_filter(since=request.since, until=request.until, study_uids=request.study_uids,
                              site=request.site)
        now = dt.datetime.now(dt.UTC)
        doc = {"_id": str(uuid.uuid4()), "status": "pending", "since": request.since.isoformat(),
               "until": request.until.isoformat() if request.until else None, "study_uids": request.study_uids,
               "site": request.site, "reason": request.reason, "requested_at": now,
               "matched": await store.count_deidentified(query)}
        await store.create_replay(doc)
        return ReharmonizeStatus.model_validate({**doc, "request_id": doc["_id"]})

    @app.get("/api/v1/reharmonize/{request_id}", response_model=ReharmonizeStatus, dependencies=Auth,
             tags=["review"])
    async def reharmonize_status(
        store: Store, request_id: Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
    ) -> ReharmonizeStatus:
        doc = await store.get_replay(request_id)
        if doc is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such request")
        return ReharmonizeStatus.model_validate({**doc, "request_id": doc["_id"]})

    @app.get("/api/v1/status", response_model=PipelineStatus, dependencies=Auth, tags=["pipeline"])
    async def pipeline_status(store: Store) -> PipelineStatus:
        return PipelineStatus(counts=await store.stage_counts())

    return app


def main() -> None:
    import uvicorn

    settings = ApiSettings()
    logging.config.dictConfig(logging_config(f"{SERVICE}-api", settings.log_level, settings.log_format))
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port, log_config=None,
                access_log=False)


if __name__ == "__main__":
    main()
