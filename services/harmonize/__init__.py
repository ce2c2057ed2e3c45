"""harmonize: maps body parts to SNOMED CT (CID 4031) and describes each series' geometry."""

__version__ = "0.1.0"
SERVICE = "harmonize"
