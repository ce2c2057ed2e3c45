"""deid wiring.

Consumes: radcurate.study.stable.v1.
Produces: radcurate.study.deidentified.v1, radcurate.quarantine.deid.v1.
Stores: de-identified instances in the research Orthanc; with DEID_VAULT_ENABLED, sealed re-identification
mappings in the vault database (MongoDB).
"""

from __future__ import annotations

import faust

from contracts import Producer, StudyStable
from contracts.bus import add_health_page, publisher, raw_topic
from contracts.codec import header_map
from contracts.delivery import StageContext, process_record
from contracts.topics import STUDY_STABLE
from services.deid import SERVICE, __version__
from services.deid.annex_e import ANNEX_E_EDITION
from services.deid.deidentify import Deidentifier
from services.deid.handler import StudyDeidentifier
from services.deid.orthanc import EdgeArchive, ResearchArchive
from services.deid.profile import load_profile
from services.deid.pseudonym import Pseudonymizer
from services.deid.settings import Settings
from services.deid.vault import vault_from_settings

settings = Settings()
app = faust.App(f"radcurate-{SERVICE}", **settings.faust_options())
ctx = StageContext(SERVICE, Producer(service=SERVICE, version=__version__), settings.retry_policy())
publish = publisher(app, SERVICE, ctx.retry)
add_health_page(app, SERVICE)

profile = load_profile(settings.profile_file)
vault = vault_from_settings(settings)  # None unless DEID_VAULT_ENABLED
handler = StudyDeidentifier(
    edge=EdgeArchive(
        settings.orthanc_url, settings.orthanc_user, settings.orthanc_password.get_secret_value(),
        settings.http_timeout,
    ),
    research=ResearchArchive(
        settings.research_orthanc_url, settings.research_orthanc_user,
        settings.research_orthanc_password.get_secret_value(), settings.http_timeout,
    ),
    engine=Deidentifier(profile, Pseudonymizer(settings.key_bytes(), settings.key_id)),
    ctx=ctx,
    rules={
        "annex_e": ANNEX_E_EDITION,
        "profile": profile.name,
        "profile_version": profile.version,
        "options": ",".join(profile.options),
        "key_id": settings.key_id,
    },
    concurrency=settings.concurrency,
    vault=vault,
)


@app.agent(raw_topic(app, STUDY_STABLE))
async def deidentify_studies(stream: faust.StreamT[bytes]) -> None:
    async for record in stream.events():
        for outgoing in await process_record(
            ctx, topic=STUDY_STABLE.name, value=record.value, headers=header_map(record.headers),
            expected=StudyStable, handle=handler.handle,
        ):
            await publish(outgoing)
