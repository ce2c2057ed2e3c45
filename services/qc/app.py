"""qc wiring.

Consumes: radcurate.study.harmonized.v1.
Produces: radcurate.study.qc.v1, radcurate.quarantine.qc.v1 (FAIL / ERROR studies).
Reads: series headers from the research Orthanc (DICOMweb).
"""

from __future__ import annotations

import faust

from contracts import Producer, StudyHarmonized
from contracts.bus import add_health_page, publisher, raw_topic
from contracts.codec import header_map
from contracts.delivery import StageContext, process_record
from contracts.topics import STUDY_HARMONIZED
from services.qc import SERVICE, __version__
from services.qc.handler import StudyChecker
from services.qc.iod import load_iod_table
from services.qc.orthanc import ResearchArchive
from services.qc.profiles import load_profiles
from services.qc.rules import load_rules
from services.qc.settings import Settings

settings = Settings()
app = faust.App(f"radcurate-{SERVICE}", **settings.faust_options())
ctx = StageContext(SERVICE, Producer(service=SERVICE, version=__version__), settings.retry_policy())
publish = publisher(app, SERVICE, ctx.retry)
add_health_page(app, SERVICE)

handler = StudyChecker(
    research=ResearchArchive(
        settings.research_orthanc_url, settings.research_orthanc_user,
        settings.research_orthanc_password.get_secret_value(), settings.http_timeout, settings.dicomweb_root,
    ),
    rules=load_rules(settings.rules_file),
    ctx=ctx,
    iod=load_iod_table(settings.iod_file),
    profiles=load_profiles(settings.profiles_dir),
)


@app.agent(raw_topic(app, STUDY_HARMONIZED))
async def check_studies(stream: faust.StreamT[bytes]) -> None:
    async for record in stream.events():
        for outgoing in await process_record(
            ctx, topic=STUDY_HARMONIZED.name, value=record.value, headers=header_map(record.headers),
            expected=StudyHarmonized, handle=handler.handle,
        ):
            await publish(outgoing)
