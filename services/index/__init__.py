"""index: curated study documents in MongoDB, the curated-study topic, and the query API."""

__version__ = "0.2.0"
SERVICE = "index"
