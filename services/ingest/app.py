"""ingest wiring: a leader-only timer follows the edge archive's /changes feed.

Consumes: nothing (Orthanc's change feed, cursor in MongoDB).
Produces: radcurate.study.stable.v1, radcurate.quarantine.ingest.v1.
"""

from __future__ import annotations

import logging

import faust

from contracts import Producer, TransientError
from contracts.bus import add_health_page, publisher
from contracts.delivery import StageContext, describe_exception
from services.ingest import SERVICE, __version__
from services.ingest.cursor import CursorStore, PendingStudies
from services.ingest.follower import ChangeFollower
from services.ingest.orthanc import EdgeArchive
from services.ingest.settings import Settings
from services.ingest.sites import load_sites

log = logging.getLogger("radcurate.ingest")
settings = Settings()
app = faust.App(f"radcurate-{SERVICE}", **settings.faust_options())
ctx = StageContext(SERVICE, Producer(service=SERVICE, version=__version__), settings.retry_policy())
add_health_page(app, SERVICE)

follower = ChangeFollower(
    archive=EdgeArchive(
        settings.orthanc_url, settings.orthanc_user, settings.orthanc_password.get_secret_value(),
        settings.http_timeout,
    ),
    cursor=CursorStore(settings.mongo_uri.get_secret_value(), settings.mongo_db, settings.cursor_name),
    pending=PendingStudies(settings.mongo_uri.get_secret_value(), settings.mongo_db, settings.cursor_name),
    registry=load_sites(settings.sites_file),
    ctx=ctx,
    publish=publisher(app, SERVICE, ctx.retry),
    page_size=settings.changes_page_size,
    stability_grace=settings.stability_grace,
)


@app.timer(settings.poll_interval, on_leader=True)
async def follow_changes() -> None:
    try:
        read = await follower.drain()
        if read:
            log.debug("change feed read", extra={"changes": read})
    except TransientError as exc:
        log.warning("change feed paused: %s", exc)
    except Exception as exc:
        log.error("change feed paused: %s", describe_exception(exc))
