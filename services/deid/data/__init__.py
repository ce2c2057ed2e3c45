"""Project-authored data files for the de-identification engine; see README.md."""
