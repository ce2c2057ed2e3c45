"""ingest: follows the edge archive's change feed and announces stable studies."""

__version__ = "0.1.0"
SERVICE = "ingest"
