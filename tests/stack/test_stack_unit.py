"""radcurate.stack without servers: ports, secrets, env file, pid bookkeeping, CLI."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from radcurate import stack as stk


@pytest.fixture
def stack(tmp_path: Path) -> stk.Stack:
    return stk.Stack(state_dir=tmp_path / "state")


SERVICE_ENV = [
    "KAFKA_BOOTSTRAP", "MONGO_URI", "MONGO_DB", "ORTHANC_URL", "ORTHANC_USER", "ORTHANC_PASSWORD",
    "RESEARCH_ORTHANC_URL", "RESEARCH_ORTHANC_USER", "RESEARCH_ORTHANC_PASSWORD", "DEID_PROJECT_KEY",
    "DEID_KEY_ID", "INDEX_API_TOKEN", "INDEX_API_PORT", "INGEST_WEB_PORT", "DEID_WEB_PORT",
    "HARMONIZE_WEB_PORT", "QC_WEB_PORT", "INDEX_WEB_PORT", "FAUST_BROKER_SESSION_TIMEOUT",
    "FAUST_BROKER_HEARTBEAT_INTERVAL", "RADCURATE_DATA_DIR", "PYTHONUNBUFFERED",
]
ENDPOINT_ENV = [
    "ORTHANC_DICOM_HOST", "ORTHANC_DICOM_PORT", "ORTHANC_AET", "RESEARCH_ORTHANC_DICOM_PORT", "API_URL",
    "API_TOKEN",
]


def test_pick_port_is_free_and_avoids_taken() -> None:
    first = stk.pick_port()
    assert stk.port_free(first)
    assert stk.pick_port({first}) != first


def test_port_free_is_false_for_a_listening_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        assert not stk.port_free(sock.getsockname()[1])


def test_secrets_are_generated_once_and_private(stack: stk.Stack) -> None:
    first = stack.secrets()
    assert first == stack.secrets()
    assert len(bytes.fromhex(first["deid_project_key"])) == 32
    assert first["edge_password"] != first["research_password"]
    mode = (stack.dir / "secrets.json").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert stk.Stack(state_dir=stack.dir).secrets() == first


def test_env_has_every_name_and_distinct_ports(stack: stk.Stack) -> None:
    env = stack.env()
    assert set(SERVICE_ENV + ENDPOINT_ENV) <= set(env)
    assert env["MONGO_URI"].endswith("/?directConnection=true")
    assert env["DEID_KEY_ID"] == "local-1"
    assert env["INDEX_API_TOKEN"] == env["API_TOKEN"]
    ports = [p for component in stack.ports().values() for p in component.values()]
    assert len(ports) == len(set(ports)) == 4 + 2 + 6  # two Orthancs with 2 each, broker, mongo, 6 services
    assert stack.env() == env  # recorded ports and secrets are reused


def test_service_env_puts_venv_first_on_path(stack: stk.Stack) -> None:
    env = stack.service_env("ingest")
    assert env["PATH"].split(os.pathsep)[0] == str(stack.python.parent)
    assert env["INGEST_WEB_PORT"] == str(stack.ports()["ingest"]["http"])
    assert "127.0.0.1" in env["NO_PROXY"]


def test_env_file_round_trips_through_the_shell(stack: stk.Stack, tmp_path: Path) -> None:
    tricky = {"A": "it's $HOME `x` \"q\" ;&|", "B": "", "C": "plain"}
    path = tmp_path / "env"
    path.write_text(stk.env_file_text(tricky))
    out = subprocess.run(
        ["bash", "-c", f'. {path} && printf "%s\\0" "$A" "$B" "$C"'], check=True, capture_output=True, text=True
    ).stdout
    assert out.split("\0")[:3] == [tricky["A"], tricky["B"], tricky["C"]]
    stack.write_env()
    assert stat.S_IMODE(stack.env_path.stat().st_mode) == 0o600


def test_pid_ignores_dead_and_reused_pids(stack: stk.Stack) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stack.pid_path("edge").parent.mkdir(parents=True)
    stack.pid_path("edge").write_text(f"{dead.pid}\n")
    assert stack.pid("edge") is None
    stack.pid_path("edge").write_text(f"{os.getpid()}\n")  # alive, but started after this "old" pid file?
    assert stack.pid("edge") == os.getpid()
    old = time.time() - 3600
    os.utime(stack.pid_path("edge"), (old, old))
    if Path("/proc").is_dir():
        assert stack.pid("edge") is None  # a process younger than the pid file is someone else's


def test_unknown_component_is_an_error(stack: stk.Stack) -> None:
    with pytest.raises(stk.StackError, match="unknown component"):
        stack.start("nope")


def test_service_table_is_data() -> None:
    assert [s.module for s in stk.SERVICES] == [
        "services.ingest", "services.deid", "services.harmonize", "services.qc", "services.index",
        "services.index.api",
    ]
    assert stk.COMPONENTS[:4] == ("edge", "research", "broker", "mongo")
    assert all(len(aet) <= 16 for aet in (stk.EDGE_AET, stk.RESEARCH_AET))  # DICOM AE title limit


def test_cli_status_on_an_empty_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RADCURATE_STACK_DIR", str(tmp_path / "state"))
    assert stk.main(["status"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in stk.COMPONENTS)
    assert stk.main(["down", "--purge"]) == 0
    assert [p.name for p in (tmp_path / "state").iterdir()] == [".lock"]
