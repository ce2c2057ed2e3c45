"""Finding codes of the qc stage: stable, machine-readable reasons (README lists each with its verdict)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Finding codes. The ones checks can raise double as the check names recorded in `SeriesQC.checks`."""

    # processing
    NO_INSTANCES = "no_instances"
    NO_SERIES = "no_series"
    MALFORMED_ATTRIBUTE = "malformed_attribute"
    # consistency within a series / a study
    MIXED_MODALITY = "mixed_modality"
    MIXED_FRAME_OF_REFERENCE = "mixed_frame_of_reference"
    MIXED_PATIENT = "mixed_patient"
    MIXED_STUDY = "mixed_study"
    MISSING_REQUIRED_ATTRIBUTE = "missing_required_attribute"
    # geometry
    MISSING_GEOMETRY = "missing_geometry"
    MIXED_DIMENSIONS = "mixed_dimensions"
    MIXED_ORIENTATION = "mixed_orientation"
    DUPLICATE_POSITION = "duplicate_position"
    MISSING_SLICE = "missing_slice"
    INCONSISTENT_SPACING = "inconsistent_spacing"
    MISALIGNED_SLICE = "misaligned_slice"
    SKEWED_STACK = "skewed_stack"
    # recognised, not defects (verdict PASS)
    GANTRY_TILT = "gantry_tilt"
    MULTI_VOLUME = "multi_volume"
    INSTANCE_ORDER = "instance_order"
    # pixel data
    MISSING_PIXEL_DATA = "missing_pixel_data"
    PIXEL_DECODER_UNAVAILABLE = "pixel_decoder_unavailable"
    UNDECODABLE_PIXEL_DATA = "undecodable_pixel_data"
    CONSTANT_PIXEL_DATA = "constant_pixel_data"
    NON_FINITE_PIXELS = "non_finite_pixels"
    BIT_DEPTH_INCONSISTENT = "bit_depth_inconsistent"
    HU_OUT_OF_RANGE = "hu_out_of_range"
    UNREADABLE_INSTANCE = "unreadable_instance"
    PIXEL_DATA_UNAVAILABLE = "pixel_data_unavailable"
