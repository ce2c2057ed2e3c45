"""ingest pure logic: the site registry and study-stable events from Orthanc's change feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts import DataRejected, Producer, Sender, SeriesInventory
from services.ingest.changes import parse_changes, sender_from_metadata, stable_studies, study_stable_event
from services.ingest.sites import SiteRegistry, load_sites

ROOT = Path(__file__).resolve().parents[3]
PRODUCER = Producer(service="ingest", version="test")
REGISTRY = SiteRegistry.model_validate({
    "version": "1",
    "sites": [
        {"id": "site-a", "name": "A", "aets": ["PACS_A"], "http_users": ["stow-a"]},
        {"id": "site-b", "name": "B", "aets": ["PACS_B"]},
    ],
})
SERIES = [SeriesInventory(edge_series_id="s1", modality="CT", instance_ids=["i1", "i2", "i3"])]


def test_the_shipped_registry_loads() -> None:
    registry = load_sites(ROOT / "config" / "sites.yaml")
    assert registry.resolve(Sender(origin="DicomProtocol", calling_aet="RADCURATE_PUSH")) == "site-demo-a"


def test_registry_errors_name_the_bad_key(tmp_path: Path) -> None:
    bad = tmp_path / "sites.yaml"
    bad.write_text("version: '1'\nsites:\n  - id: x\n    name: X\n    aet: [TYPO]\n")
    with pytest.raises(ValueError, match=r"sites\.0\.aet"):
        load_sites(bad)


def test_an_ae_title_registered_for_two_sites_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        SiteRegistry.model_validate({"version": "1", "sites": [
            {"id": "a", "name": "A", "aets": ["SAME"]}, {"id": "b", "name": "B", "aets": ["same "]}]})


@pytest.mark.parametrize(
    ("sender", "site"),
    [
        (Sender(origin="DicomProtocol", calling_aet="PACS_A"), "site-a"),
        (Sender(origin="DicomProtocol", calling_aet=" pacs_b "), "site-b"),
        (Sender(origin="RestApi", http_user="stow-a"), "site-a"),
    ],
)
def test_senders_resolve_to_their_site(sender: Sender, site: str) -> None:
    assert REGISTRY.resolve(sender) == site


def test_an_unknown_sender_is_rejected_with_a_reason() -> None:
    with pytest.raises(DataRejected) as caught:
        REGISTRY.resolve(Sender(origin="DicomProtocol", calling_aet="ROGUE"))
    assert caught.value.reason == "unknown_site"


def test_parse_changes_keeps_only_stable_studies() -> None:
    page = parse_changes({
        "Changes": [
            {"Seq": 1, "ChangeType": "NewInstance", "ResourceType": "Instance", "ID": "i1", "Date": "x"},
            {"Seq": 7, "ChangeType": "StableStudy", "ResourceType": "Study", "ID": "st1", "Date": "x"},
            {"Seq": 8, "ChangeType": "StableSeries", "ResourceType": "Series", "ID": "se1", "Date": "x"},
        ],
        "Done": False,
        "Last": 8,
    })
    assert (page.last, page.done) == (8, False)
    assert [(c.seq, c.resource_id) for c in stable_studies(page.changes)] == [(7, "st1")]


def test_sender_from_orthanc_metadata() -> None:
    sender = sender_from_metadata({"Origin": "DicomProtocol", "RemoteAET": "PACS_A ", "CalledAET": "EDGE"})
    assert (sender.origin, sender.calling_aet, sender.called_aet, sender.http_user) == (
        "DicomProtocol", "PACS_A", "EDGE", None)


def test_study_stable_event_is_deterministic_per_change() -> None:
    def make(seq: int):  # type: ignore[no-untyped-def]
        return study_stable_event(edge_study_id="st1", change_seq=seq, series=SERIES,
                                  senders=[Sender(origin="DicomProtocol", calling_aet="PACS_A")],
                                  registry=REGISTRY, producer=PRODUCER)

    first, again, later = make(7), make(7), make(9)
    assert first.event_id == again.event_id != later.event_id
    assert first.correlation_id == later.correlation_id
    assert (first.body.site_id, first.body.instance_count) == ("site-a", 3)


def test_a_study_from_two_sites_is_ambiguous() -> None:
    with pytest.raises(DataRejected) as caught:
        study_stable_event(edge_study_id="st1", change_seq=1, series=SERIES * 2,
                           senders=[Sender(origin="DicomProtocol", calling_aet="PACS_A"),
                                    Sender(origin="DicomProtocol", calling_aet="PACS_B")],
                           registry=REGISTRY, producer=PRODUCER)
    assert caught.value.reason == "ambiguous_site"
