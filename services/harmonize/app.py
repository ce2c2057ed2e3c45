"""harmonize wiring.

Consumes: radcurate.study.deidentified.v1, radcurate.study.reharmonize.v1 (replays of stored studies).
Produces: radcurate.study.harmonized.v1, radcurate.quarantine.harmonize.v1.
Reads: series headers from the research Orthanc (DICOMweb); the vocabulary and the reviewed rules file.
"""

from __future__ import annotations

import faust

from contracts import Producer, StudyDeidentified
from contracts.bus import add_health_page, publisher, raw_topic
from contracts.codec import header_map
from contracts.delivery import StageContext, process_record
from contracts.events import StudyReharmonizeRequested
from contracts.topics import STUDY_DEIDENTIFIED, STUDY_REHARMONIZE
from services.harmonize import SERVICE, __version__
from services.harmonize.handler import StudyHarmonizer
from services.harmonize.harmonize import build_harmonizer
from services.harmonize.orthanc import ResearchArchive
from services.harmonize.settings import Settings

settings = Settings()
app = faust.App(f"radcurate-{SERVICE}", **settings.faust_options())
ctx = StageContext(SERVICE, Producer(service=SERVICE, version=__version__), settings.retry_policy())
publish = publisher(app, SERVICE, ctx.retry)
add_health_page(app, SERVICE)

handler = StudyHarmonizer(
    research=ResearchArchive(
        settings.research_orthanc_url, settings.research_orthanc_user,
        settings.research_orthanc_password.get_secret_value(), settings.http_timeout, settings.dicomweb_root,
    ),
    ctx=ctx,
    harmonizer=build_harmonizer(settings.reviewed_rules_file, settings.review_threshold),
)


@app.agent(raw_topic(app, STUDY_DEIDENTIFIED))
async def harmonize_studies(stream: faust.StreamT[bytes]) -> None:
    async for record in stream.events():
        for outgoing in await process_record(
            ctx, topic=STUDY_DEIDENTIFIED.name, value=record.value, headers=header_map(record.headers),
            expected=StudyDeidentified, handle=handler.handle,
        ):
            await publish(outgoing)


@app.agent(raw_topic(app, STUDY_REHARMONIZE))
async def reharmonize_studies(stream: faust.StreamT[bytes]) -> None:
    async for record in stream.events():
        for outgoing in await process_record(
            ctx, topic=STUDY_REHARMONIZE.name, value=record.value, headers=header_map(record.headers),
            expected=StudyReharmonizeRequested, handle=handler.handle_replay,
        ):
            await publish(outgoing)
