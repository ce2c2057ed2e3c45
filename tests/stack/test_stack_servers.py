"""The real servers, started by radcurate.stack in a temporary state dir (``pytest -m stack``)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from kafka.admin import KafkaAdminClient
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid
from pymongo import MongoClient

from contracts.topics import ALL_TOPICS
from radcurate import stack as stk

pytestmark = pytest.mark.stack

FAKE = stk.Service("fake", "tests.stack.fake_service", "FAKE_WEB_PORT")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stk.Stack]:
    st = stk.Stack(state_dir=tmp_path_factory.mktemp("stack"), services=(FAKE,), stop_timeout=2)
    try:
        st.up(services=False)
        yield st
    finally:
        st.down()


def _processes_under(state_dir: Path) -> list[str]:
    """Live processes started for this state dir (every child gets RADCURATE_STACK_DIR in its environment)."""
    marker = f"RADCURATE_STACK_DIR={state_dir}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or (proc / "stat").read_text().split(") ")[1][0] == "Z":
                continue
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                found.append(proc.name + ": " + (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError):
            continue
    return found


def _orthanc(stack: stk.Stack, name: str) -> tuple[str, tuple[str, str]]:
    sec = stack.secrets()
    return f"http://127.0.0.1:{stack.ports()[name]['http']}", (sec[f"{name}_user"], sec[f"{name}_password"])


def _dicom_bytes() -> bytes:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientID, ds.Modality = "STACKTEST", "OT"
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def test_servers_are_healthy(stack: stk.Stack) -> None:
    rows = {row.name: row for row in stack.status()}
    for name in stk.INFRA:
        assert rows[name].alive, name
        assert rows[name].healthy, name
        assert stack.pid_path(name).exists()
    assert not rows["fake"].alive


def test_up_again_leaves_running_servers_alone(stack: stk.Stack) -> None:
    before = {name: stack.pid(name) for name in stk.INFRA}
    stack.up(services=False)
    assert {name: stack.pid(name) for name in stk.INFRA} == before


@pytest.mark.parametrize("name", ["edge", "research"])
def test_orthanc_requires_auth(stack: stk.Stack, name: str) -> None:
    url, auth = _orthanc(stack, name)
    assert httpx.get(f"{url}/system").status_code == 401
    assert httpx.get(f"{url}/system", auth=("radcurate", "wrong")).status_code == 401
    system = httpx.get(f"{url}/system", auth=auth).json()
    assert system["DicomAet"] == (stk.EDGE_AET if name == "edge" else stk.RESEARCH_AET)
    assert system["DicomPort"] == stack.ports()[name]["dicom"]


def test_only_research_has_dicomweb(stack: stk.Stack) -> None:
    url, auth = _orthanc(stack, "research")
    assert httpx.get(f"{url}/dicom-web/studies", auth=auth).status_code == 200
    assert "dicom-web" in httpx.get(f"{url}/plugins", auth=auth).json()
    url, auth = _orthanc(stack, "edge")
    assert "dicom-web" not in httpx.get(f"{url}/plugins", auth=auth).json()


def test_topics_exist(stack: stk.Stack) -> None:
    admin = KafkaAdminClient(bootstrap_servers=stack.env()["KAFKA_BOOTSTRAP"])
    try:
        described = {t["name"]: t for t in admin.describe_topics([t.name for t in ALL_TOPICS])}
    finally:
        admin.close()
    for topic in ALL_TOPICS:
        assert len(described[topic.name]["partitions"]) == topic.partitions


def test_mongo_answers(stack: stk.Stack) -> None:
    env = stack.env()
    client: MongoClient[dict[str, object]] = MongoClient(env["MONGO_URI"], serverSelectionTimeoutMS=5000)
    try:
        coll = client[env["MONGO_DB"]]["stack_test"]
        coll.insert_one({"_id": "x", "v": 1})
        assert coll.find_one({"_id": "x"}) == {"_id": "x", "v": 1}
    finally:
        client.close()


def test_stop_start_edge_keeps_port_and_storage(stack: stk.Stack) -> None:
    url, auth = _orthanc(stack, "edge")
    stored = httpx.post(f"{url}/instances", content=_dicom_bytes(), auth=auth).json()
    ports, old_pid = stack.ports()["edge"], stack.pid("edge")
    assert stack.stop("edge") == old_pid
    assert stack.pid("edge") is None
    assert not stack.healthy("edge")
    stack.start("edge")
    assert stack.ports()["edge"] == ports
    assert stack.pid("edge") not in (None, old_pid)
    assert httpx.get(f"{url}/instances/{stored['ID']}", auth=auth).status_code == 200


def test_restart_broker_recreates_topics(stack: stk.Stack) -> None:
    port = stack.ports()["broker"]["kafka"]
    stack.restart("broker")  # memory storage: the new process starts empty
    assert stack.ports()["broker"]["kafka"] == port
    admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}")
    try:
        assert {t.name for t in ALL_TOPICS} <= set(admin.list_topics())
    finally:
        admin.close()


def test_kill_and_start_mongo(stack: stk.Stack) -> None:
    port, old_pid = stack.ports()["mongo"]["mongo"], stack.pid("mongo")
    assert stack.kill("mongo") == old_pid
    assert not stack.healthy("mongo")
    stack.start("mongo")
    assert stack.ports()["mongo"]["mongo"] == port
    assert stack.healthy("mongo")


def test_cli_status_and_restart(stack: stk.Stack) -> None:
    env = {**os.environ, "RADCURATE_STACK_DIR": str(stack.dir)}
    run = [sys.executable, "-m", "radcurate.stack"]
    out = subprocess.run([*run, "restart", "research"], env=env, check=True, capture_output=True, text=True)
    assert "healthy in" in out.stdout
    out = subprocess.run([*run, "status"], env=env, check=True, capture_output=True, text=True)
    lines = {line.split()[0]: line.split() for line in out.stdout.splitlines()[1:]}
    for name in stk.INFRA:
        assert lines[name][-2:] == ["yes", "yes"], out.stdout


def test_service_gets_the_env_and_is_health_checked(stack: stk.Stack) -> None:
    stack.up(services=True)
    assert stack.healthy("fake")
    got = json.loads((stack.dir / "data" / "fake-env.json").read_text())
    env = stack.env()
    assert {k: got[k] for k in env} == env
    assert got["PATH"].split(os.pathsep)[0] == str(stack.python.parent)
    assert (stack.dir / "env").read_text().count("export ") == len(env)
    stack.stop("fake")


def test_stop_escalates_to_sigkill_for_the_whole_group(stack: stk.Stack) -> None:
    stubborn = stk.Service("fake", FAKE.module, FAKE.port_env, env={"FAKE_IGNORE_TERM": "1"})
    st = stk.Stack(state_dir=stack.dir, services=(stubborn,), stop_timeout=1)
    st.start("fake")
    child = int((stack.dir / "data" / "fake-child.pid").read_text())
    assert st.stop("fake") is not None
    assert not Path(f"/proc/{child}").exists() or Path(f"/proc/{child}/stat").read_text().split(") ")[1][0] == "Z"


def test_a_broken_service_fails_with_its_log(stack: stk.Stack) -> None:
    broken = stk.Service("fake", "tests.stack.no_such_module", FAKE.port_env)
    st = stk.Stack(state_dir=stack.dir, services=(broken,))
    with pytest.raises(stk.StackError, match=r"(?s)exited before becoming healthy.*No module named"):
        st.start("fake")
    assert st.pid("fake") is None


def test_down_leaves_nothing_running(stack: stk.Stack) -> None:
    pids = [stack.pid(name) for name in stack.components]
    stack.down()
    assert _processes_under(stack.dir) == []
    for pid in filter(None, pids):
        assert not stack._alive(pid)
    assert not any((stack.dir / "pids").iterdir())
    stack.down(purge=True)
    assert sorted(p.name for p in stack.dir.iterdir()) == [".lock"]
