"""The three kinds of failure at a stage's edges, shared so every stage classifies them alike."""

from __future__ import annotations


class ContractError(Exception):
    """An event that cannot be decoded or violates its schema: dead-lettered, never retried."""

    reason = "contract_violation"


class DataRejected(Exception):
    """The data itself is refused (corrupt file, unknown site, burned-in text...): quarantined with `reason`.

    `detail` must not contain PHI: name tags and codes, never values from the dataset.
    """

    def __init__(self, reason: str, detail: str, *, edge_instance_ids: tuple[str, ...] = ()) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.edge_instance_ids = edge_instance_ids


class TransientError(Exception):
    """A dependency is unavailable (Orthanc 502/503, MongoDB timeout): back off and retry."""
