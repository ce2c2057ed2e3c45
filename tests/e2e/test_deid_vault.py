"""The re-identification vault against real servers: edge and research Orthanc and the MongoDB API.

The deid handler runs in-process (no broker needed) with the real archive adapters and a real MongoVault:
a study's mapping is sealed in MongoDB, lookups go through the audited function only, the CLI uses it,
the vault is off by default, and a rotated key or a reused key id are handled.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from contracts import Producer, Sender, SeriesInventory, StudyStable, StudyStableBody
from contracts.delivery import StageContext
from contracts.errors import TransientError
from radcurate.cli import main
from radcurate.samples import SampleSeries, make_series
from radcurate.stack import Stack
from services.deid.deidentify import Deidentifier
from services.deid.handler import StudyDeidentifier, Vault
from services.deid.orthanc import EdgeArchive, ResearchArchive
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer
from services.deid.settings import Settings
from services.deid.vault import MongoVault, VaultError, VaultKeyMismatch, open_vault, vault_from_settings

pytestmark = pytest.mark.stack

PROJECT_KEY = bytes(range(32))
ROTATED_KEY = bytes(range(32, 64))
VAULT_KEY_HEX = "5a" * 32


@dataclass
class Servers:
    env: dict[str, str]
    edge: httpx.Client
    research: httpx.Client


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    stack = Stack(state_dir=tmp_path_factory.mktemp("vault-stack"), report=print)
    try:
        for name in ("edge", "research", "mongo"):
            stack.start(name)
        env = stack.env()
        edge = httpx.Client(base_url=env["ORTHANC_URL"], auth=(env["ORTHANC_USER"], env["ORTHANC_PASSWORD"]))
        research = httpx.Client(base_url=env["RESEARCH_ORTHANC_URL"],
                                auth=(env["RESEARCH_ORTHANC_USER"], env["RESEARCH_ORTHANC_PASSWORD"]))
        yield Servers(env, edge, research)
    finally:
        stack.down()


@pytest.fixture
def database(servers: Servers) -> str:
    return f"vault_{uuid.uuid4().hex[:12]}"  # a fresh vault database per test


def vault_for(servers: Servers, database: str, key_hex: str = VAULT_KEY_HEX, key_id: str = "vault-1") -> MongoVault:
    return open_vault(mongo_uri=servers.env["MONGO_URI"], database=database, key_hex=key_hex, key_id=key_id)


def raw_db(servers: Servers, database: str) -> Any:
    return MongoClient(servers.env["MONGO_URI"])[database]


@dataclass
class Study:
    series: list[SampleSeries]
    event: StudyStable


def upload_study(servers: Servers, root: Path) -> Study:
    """Two series of one study with planted PHI, stored in the edge archive; the event ingest would send."""
    first = make_series(root / "a", slices=3, series_number=1, patient_id=f"HOSP-{uuid.uuid4().hex[:8]}")
    second = make_series(root / "b", slices=2, series_number=2, study_uid=first.study_uid, patient_id=first.patient_id)
    edge_study = ""
    inventory: dict[str, list[str]] = {}
    for path in [*first.files, *second.files]:
        answer = servers.edge.post("/instances", content=path.read_bytes()).raise_for_status().json()
        edge_study = answer["ParentStudy"]
        inventory.setdefault(answer["ParentSeries"], []).append(answer["ID"])
    body = StudyStableBody(
        edge_study_id=edge_study, change_seq=1, site_id="site-demo-a", sender=Sender(origin="RestApi"),
        series=[SeriesInventory(edge_series_id=s, modality="CT", instance_ids=ids) for s, ids in inventory.items()],
        instance_count=sum(len(ids) for ids in inventory.values()),
    )
    event = StudyStable.create(body, correlation_id=uuid.uuid4(), producer=Producer(service="test", version="0"))
    return Study([first, second], event)


def handler(servers: Servers, vault: Vault | None, key: bytes = PROJECT_KEY, key_id: str = "k1") -> StudyDeidentifier:
    env = servers.env
    return StudyDeidentifier(
        edge=EdgeArchive(env["ORTHANC_URL"], env["ORTHANC_USER"], env["ORTHANC_PASSWORD"], 30),
        research=ResearchArchive(env["RESEARCH_ORTHANC_URL"], env["RESEARCH_ORTHANC_USER"],
                                 env["RESEARCH_ORTHANC_PASSWORD"], 30),
        engine=Deidentifier(builtin_profile("research"), Pseudonymizer(key, key_id)),
        ctx=StageContext("deid", Producer(service="deid", version="test")),
        rules={},
        vault=vault,
    )


def test_mapping_is_sealed_and_lookups_are_audited(servers: Servers, database: str, tmp_path: Path) -> None:
    study = upload_study(servers, tmp_path)
    vault = vault_for(servers, database)
    outputs = asyncio.run(handler(servers, vault).handle(study.event))
    deidentified = outputs[0].event.body
    pseudonyms = Pseudonymizer(PROJECT_KEY, "k1")
    study_pseudonym = deidentified.study.study_uid
    assert study_pseudonym == pseudonyms.uid(study.series[0].study_uid)

    # At rest: one document, pseudonyms in the clear, no original anywhere in it.
    documents = list(raw_db(servers, database)["mappings"].find())
    assert len(documents) == 1
    document = documents[0]
    assert document["_id"] == study_pseudonym
    assert document["patient_pseudonym"] == deidentified.study.patient_pseudonym
    assert sorted(document["series_pseudonyms"]) == sorted(s.series_uid for s in deidentified.series)
    assert (document["key_id"], document["key_fingerprint"], document["vault_key_id"]) == (
        "k1", pseudonyms.fingerprint(), "vault-1")
    stored = repr(document).encode() + bytes(document["sealed"])
    for original in (study.series[0].patient_id, study.series[0].study_uid, study.series[0].series_uid,
                     study.series[1].series_uid, study.series[0].planted["AccessionNumber"]):
        assert original.encode() not in stored

    # Lookups by study, series and patient pseudonym give the originals, each after its audit record.
    by_study = vault.lookup(study_pseudonym, actor="alice@test", reason="incidental finding, ticket 17")
    assert len(by_study) == 1
    mapping = by_study[0]
    assert mapping.patient_id == study.series[0].patient_id
    assert mapping.study_instance_uid == study.series[0].study_uid
    assert mapping.accession_number == study.series[0].planted["AccessionNumber"]
    assert mapping.edge_study_id == study.event.body.edge_study_id
    assert mapping.site_id == "site-demo-a"
    assert mapping.series == {pseudonyms.uid(s.series_uid): s.series_uid for s in study.series}
    assert "HOSP" not in repr(mapping)
    series_pseudonym = pseudonyms.uid(study.series[1].series_uid)
    assert vault.lookup(series_pseudonym, actor="bob@test", reason="QC follow-up") == by_study
    assert vault.lookup(deidentified.study.patient_pseudonym, actor="bob@test", reason="recall") == by_study
    assert vault.lookup("2.25.1", actor="bob@test", reason="typo") == []

    audit = list(raw_db(servers, database)["audit"].find().sort("at", 1))
    assert [(a["actor"], a["pseudonym"], a["outcome"]) for a in audit] == [
        ("alice@test", study_pseudonym, "found"),
        ("bob@test", series_pseudonym, "found"),
        ("bob@test", deidentified.study.patient_pseudonym, "found"),
        ("bob@test", "2.25.1", "not_found"),
    ]
    assert audit[0]["reason"] == "incidental finding, ticket 17"
    assert audit[0]["studies"] == [study_pseudonym]
    assert audit[0]["at"] <= audit[0]["finished_at"]

    # A replay of the same event changes nothing in the vault.
    asyncio.run(handler(servers, vault).handle(study.event))
    again = raw_db(servers, database)["mappings"].find_one({"_id": study_pseudonym})
    assert again["revision"] == document["revision"] == 1
    vault.close()


def test_no_audit_no_lookup(servers: Servers, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = upload_study(servers, tmp_path)
    vault = vault_for(servers, database)
    study_pseudonym = asyncio.run(handler(servers, vault).handle(study.event))[0].event.body.study.study_uid
    read: list[object] = []
    monkeypatch.setattr(vault.mappings, "find", lambda *a, **k: read.append(a) or iter(()))

    def refuse(*args: object, **kwargs: object) -> None:
        raise TransientError("audit store down")

    monkeypatch.setattr(vault.audit, "insert_one", refuse)
    with pytest.raises(TransientError):
        vault.lookup(study_pseudonym, actor="eve@test", reason="curious")
    assert read == []  # the mappings were never queried
    for bad in ({"actor": "", "reason": "x"}, {"actor": "a", "reason": "  "}, {"actor": "a", "reason": "r" * 1001}):
        with pytest.raises(VaultError):
            vault.lookup(study_pseudonym, **bad)
    with pytest.raises(VaultError, match="pseudonym"):
        vault.lookup('{"$gt": ""}', actor="a", reason="r")


def test_wrong_vault_key_opens_nothing_and_is_audited(servers: Servers, database: str, tmp_path: Path) -> None:
    study = upload_study(servers, tmp_path)
    study_pseudonym = asyncio.run(
        handler(servers, vault_for(servers, database)).handle(study.event))[0].event.body.study.study_uid
    wrong_key = vault_for(servers, database, key_hex="6b" * 32)  # same key id, other bytes
    with pytest.raises(VaultError, match="do not open"):
        wrong_key.lookup(study_pseudonym, actor="a@test", reason="r")
    other_id = vault_for(servers, database, key_id="vault-2")
    with pytest.raises(VaultError, match="sealed under vault key 'vault-1'"):
        other_id.lookup(study_pseudonym, actor="a@test", reason="r")
    outcomes = [a["outcome"] for a in raw_db(servers, database)["audit"].find()]
    assert outcomes == ["failed", "failed"]


def test_vault_is_off_by_default(servers: Servers, database: str, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"ORTHANC_URL": "http://x", "ORTHANC_USER": "u", "ORTHANC_PASSWORD": "p",
                        "RESEARCH_ORTHANC_URL": "http://y", "RESEARCH_ORTHANC_USER": "u",
                        "RESEARCH_ORTHANC_PASSWORD": "p", "DEID_PROJECT_KEY": PROJECT_KEY.hex(), "DEID_KEY_ID": "k1",
                        "MONGO_URI": servers.env["MONGO_URI"], "DEID_VAULT_DB": database}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DEID_VAULT_ENABLED", raising=False)
    assert vault_from_settings(Settings()) is None
    asyncio.run(handler(servers, None).handle(upload_study(servers, tmp_path).event))
    assert database not in MongoClient(servers.env["MONGO_URI"]).list_database_names()

    monkeypatch.setenv("DEID_VAULT_ENABLED", "true")
    with pytest.raises(ValueError, match="DEID_VAULT_KEY, DEID_VAULT_KEY_ID"):
        Settings()
    monkeypatch.setenv("DEID_VAULT_KEY", PROJECT_KEY.hex())
    monkeypatch.setenv("DEID_VAULT_KEY_ID", "vault-1")
    with pytest.raises(ValueError, match="must differ from DEID_PROJECT_KEY"):
        Settings()
    monkeypatch.setenv("DEID_VAULT_KEY", "ab" * 16)
    with pytest.raises(ValueError, match="exactly 32 bytes"):
        Settings()
    monkeypatch.setenv("DEID_VAULT_KEY", VAULT_KEY_HEX)
    vault = vault_from_settings(Settings())
    assert isinstance(vault, MongoVault)
    assert VAULT_KEY_HEX not in repr(vault) and VAULT_KEY_HEX not in repr(Settings())


def test_key_rotation_and_a_reused_key_id(servers: Servers, database: str, tmp_path: Path) -> None:
    study = upload_study(servers, tmp_path)
    vault = vault_for(servers, database)
    first = asyncio.run(handler(servers, vault).handle(study.event))[0].event.body
    research_before = servers.research.get("/instances").json()

    # The same key id with other key bytes: the stage pauses (transient) before storing anything.
    with pytest.raises(VaultKeyMismatch, match="'k1' is registered in the vault with another key"):
        asyncio.run(handler(servers, vault, key=ROTATED_KEY, key_id="k1").handle(study.event))
    assert servers.research.get("/instances").json() == research_before

    # A rotated key under a new id: new pseudonyms everywhere, a second mapping, both looked up.
    rotated = asyncio.run(handler(servers, vault, key=ROTATED_KEY, key_id="k2").handle(study.event))[0].event.body
    assert rotated.study.study_uid != first.study.study_uid
    assert rotated.study.patient_pseudonym != first.study.patient_pseudonym
    assert not {s.series_uid for s in rotated.series} & {s.series_uid for s in first.series}
    old = vault.lookup(first.study.study_uid, actor="a@test", reason="rotation check")
    new = vault.lookup(rotated.study.study_uid, actor="a@test", reason="rotation check")
    assert [m.key_id for m in old + new] == ["k1", "k2"]
    assert old[0].study_instance_uid == new[0].study_instance_uid == study.series[0].study_uid
    keys = {k["_id"]: k["fingerprint"] for k in raw_db(servers, database)["keys"].find()}
    assert keys == {"k1": Pseudonymizer(PROJECT_KEY, "k1").fingerprint(),
                    "k2": Pseudonymizer(ROTATED_KEY, "k2").fingerprint()}


def test_lookup_command(servers: Servers, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    study = upload_study(servers, tmp_path)
    body = asyncio.run(handler(servers, vault_for(servers, database)).handle(study.event))[0].event.body
    for name, value in {"MONGO_URI": servers.env["MONGO_URI"], "DEID_VAULT_DB": database,
                        "DEID_VAULT_KEY": VAULT_KEY_HEX, "DEID_VAULT_KEY_ID": "vault-1"}.items():
        monkeypatch.setenv(name, value)
    argv = ["--stack-env", "/nonexistent", "deid-vault", "lookup", body.study.study_uid]
    with pytest.raises(SystemExit):
        main(argv)  # --reason is required
    assert main([*argv, "--reason", "patient asked for their data", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed[0]["patient_id"] == study.series[0].patient_id
    assert printed[0]["study_instance_uid"] == study.series[0].study_uid
    assert main([*argv[:-1], "2.25.42", "--reason", "unknown"]) == 1
    audit = list(raw_db(servers, database)["audit"].find().sort("at", 1))
    assert [a["outcome"] for a in audit] == ["found", "not_found"]
    assert audit[0]["actor"].startswith(getpass.getuser() + "@")
    assert audit[0]["reason"] == "patient asked for their data"


def test_pixel_ocr_flags_reach_the_deidentified_event(servers: Servers, tmp_path: Path) -> None:
    """In `flag` mode an instance with text in its pixels goes through, and the event names it (counts only)."""
    import deid_data

    from services.deid.ocr import OcrMode

    ultrasound = Path(deid_data.__file__).parent / "data" / "ultrasounds" / "GREYSCALE_IMAGE.dcm"
    answer = servers.edge.post("/instances", content=ultrasound.read_bytes()).raise_for_status().json()
    body = StudyStableBody(
        edge_study_id=answer["ParentStudy"], change_seq=1, site_id="site-demo-a", sender=Sender(origin="RestApi"),
        series=[SeriesInventory(edge_series_id=answer["ParentSeries"], modality="US", instance_ids=[answer["ID"]])],
        instance_count=1,
    )
    event = StudyStable.create(body, correlation_id=uuid.uuid4(), producer=Producer(service="test", version="0"))
    profile = builtin_profile("research").model_copy(update={"allow_burned_in": True, "ocr": OcrMode.FLAG})
    stage = handler(servers, None)
    stage.engine = Deidentifier(profile, Pseudonymizer(PROJECT_KEY, "k1"))

    [out] = asyncio.run(stage.handle(event))
    flags = out.event.body.pixel_text
    assert len(flags) == 1
    assert flags[0].words >= 2
    assert flags[0].sop_instance_uid.startswith("2.25.")
    assert set(json.loads(out.event.body.model_dump_json())["pixel_text"][0]) == {
        "sop_instance_uid", "words", "mean_confidence"}
