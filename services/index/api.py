"""The cohort query API over the index (FastAPI). Run: python -m services.index.api

Every /api/v1 route needs `Authorization: Bearer <INDEX_API_TOKEN>`; /healthz and /docs do not.
"""


import datetime as dt
import logging.config
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from contracts import QCSeries, QuarantinedBody, SkippedInstance, StageRun, StudyQC, TransientError, Verdict
from contracts.logs import logging_config
from services.index import SERVICE, __version__
from services.index.queries import quarantine_filter, study_filter
from services.index.settings import ApiSettings
from services.index.store import IndexStore

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
    series_count: int
    instance_count: int
    qc_status: Verdict
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
    expected_token = settings.api_token.get_secret_value().encode()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = IndexStore(settings.mongo_uri.get_secret_value(), settings.mongo_db)
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

    def authorised(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        supplied = credentials.credentials.encode() if credentials else b""
        if not credentials or not secrets.compare_digest(supplied, expected_token):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "missing or invalid bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    Store = Annotated[IndexStore, Depends(store_of)]
    Auth = [Depends(authorised)]
    Limit = Annotated[int, Query(ge=1, le=settings.max_page_size)]
    Offset = Annotated[int, Query(ge=0)]

    @app.exception_handler(TransientError)
    async def unavailable(request: Request, exc: TransientError) -> JSONResponse:
        return JSONResponse({"detail": "index store unavailable"}, status_code=503)

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
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> StudyPage:
        if date_from and date_to and date_from > date_to:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "date_from is after date_to")
        query = study_filter(modality=modality, body_part=body_part, site=site, qc_status=qc_status,
                             date_from=date_from, date_to=date_to, patient=patient)
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
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> QuarantinePage:
        query = quarantine_filter(stage=stage, reason=reason, site=site, study_uid=study_uid)
        total, docs = await store.find_quarantine(query, limit=limit, offset=offset)
        items = [QuarantineRecord.model_validate({**d, "event_id": d["_id"]}) for d in docs]
        return QuarantinePage(total=total, limit=limit, offset=offset, items=items)

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
