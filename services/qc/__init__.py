"""qc: checks each series for missing, duplicated or inconsistent slices and gives a study verdict."""

__version__ = "0.1.0"
SERVICE = "qc"
