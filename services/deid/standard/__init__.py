"""Tables from DICOM PS3.15 2023b (Annex E), kept as data with their generator; see README.md."""
