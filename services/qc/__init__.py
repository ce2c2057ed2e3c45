"""qc: automatic checks of each series (geometry, consistency, required attributes, sampled pixel data), the
study-level consistency checks and verdict, and the protocol profiles a study is eligible for."""

__version__ = "0.2.0"
SERVICE = "qc"
