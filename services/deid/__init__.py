"""deid: de-identifies stable studies to PS3.15 Annex E and stores them in the research archive."""

__version__ = "0.1.0"
SERVICE = "deid"
