"""Run the harmonize worker: python -m services.harmonize"""

import faust

from contracts import telemetry
from contracts.logs import logging_config
from services.harmonize import SERVICE, __version__
from services.harmonize.app import app, settings

if __name__ == "__main__":
    telemetry.setup(SERVICE, __version__)
    worker = faust.Worker(
        app,
        loglevel=settings.log_level,
        logging_config=logging_config(SERVICE, settings.log_level, settings.log_format),
    )
    worker.execute_from_commandline()
