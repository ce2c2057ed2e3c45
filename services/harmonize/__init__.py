"""harmonize: procedure to LOINC, body part to SNOMED CT (CID 4031), series type, equipment, units and geometry,
with a confidence and rule for every mapping (below the threshold: withheld for review)."""

__version__ = "0.2.0"
SERVICE = "harmonize"
