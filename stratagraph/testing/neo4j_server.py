"""A real Neo4j 5.26 LTS community server for test suites (no mocks).

``Neo4jServer().start()`` returns a :class:`Neo4jEndpoint`, picking the first that works:

a) ``STRATAGRAPH_TEST_NEO4J_URI`` (+ ``_USER`` / ``_PASSWORD``, default ``neo4j`` /
   :data:`DEFAULT_PASSWORD`): an already running server, only checked to answer;
b) testcontainers' Neo4j module (image :data:`DOCKER_IMAGE`), only if a Docker engine
   answers and ``testcontainers`` is installed (extra ``stratagraph[docker]``);
c) a JVM on this machine: the community server jars of :data:`NEO4J_VERSION` are fetched
   once from Maven Central with ``mvn`` (``testing/neo4j/pom.xml``), cached under
   ``${STRATAGRAPH_CACHE:-~/.cache/stratagraph}/neo4j-<version>/``, and
   ``org.neo4j.server.CommunityEntryPoint`` runs on a free loopback port with a throwaway
   home dir. Needs Java 17+ and Maven.

``python -m stratagraph.testing.neo4j_server [--keep]`` is a smoke test / dev server.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "DOCKER_IMAGE",
    "NEO4J_VERSION",
    "Neo4jEndpoint",
    "Neo4jServer",
    "Neo4jUnavailable",
    "ensure_neo4j_jars",
]

# Keep in sync with <neo4j.version> in testing/neo4j/pom.xml.
NEO4J_VERSION = "5.26.30"
DOCKER_IMAGE = "neo4j:5.26-community"
DEFAULT_USER = "neo4j"
# Throwaway credential for disposable test servers; Neo4j 5 wants >= 8 characters.
DEFAULT_PASSWORD = "stratagraph-test"  # noqa: S105

ENV_URI = "STRATAGRAPH_TEST_NEO4J_URI"
ENV_USER = "STRATAGRAPH_TEST_NEO4J_USER"
ENV_PASSWORD = "STRATAGRAPH_TEST_NEO4J_PASSWORD"  # noqa: S105 - a variable name, not a secret
ENV_CACHE = "STRATAGRAPH_CACHE"

POM = Path(__file__).with_name("neo4j") / "pom.xml"
_MARKER = ".complete"  # written only after a full copy, so a partial download is redone

# JVM flags that Neo4j's own launcher adds; without the opens, native I/O hints fail with
# "Incorrect file descriptor" warnings and the page cache uses a slower fallback.
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)

Backend = Literal["external", "docker", "jvm"]


class Neo4jUnavailable(RuntimeError):
    """No Neo4j server could be reached or started; the message says how to fix it."""


@dataclass(frozen=True)
class Neo4jEndpoint:
    uri: str
    user: str
    password: str
    database: str = "neo4j"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)


_HOW_TO_FIX = (
    f"Fix one of: (1) install Java 17+ and Maven with access to Maven Central "
    f"(e.g. `apt-get install openjdk-17-jdk-headless maven`), so Neo4j {NEO4J_VERSION} can be "
    f"run from its jars; (2) run a Docker engine and `pip install 'stratagraph[docker]'`; "
    f"(3) point {ENV_URI} (with {ENV_USER}/{ENV_PASSWORD}) at a running Neo4j 5.26."
)


def _say(msg: str) -> None:
    print(f"[stratagraph.neo4j] {msg}", file=sys.stderr, flush=True)


def cache_dir() -> Path:
    root = os.environ.get(ENV_CACHE) or Path.home() / ".cache" / "stratagraph"
    return Path(root).expanduser() / f"neo4j-{NEO4J_VERSION}"


def ensure_neo4j_jars(cache: Path | None = None) -> Path:
    """Return the folder of Neo4j server jars, downloading them once with Maven."""
    cache = cache or cache_dir()
    lib = cache / "lib"
    if (cache / _MARKER).is_file():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jUnavailable(f"`mvn` not found on PATH. {_HOW_TO_FIX}")
    cache.mkdir(parents=True, exist_ok=True)
    # A file lock, not a check-then-create, so parallel first runs (pytest-xdist, two
    # terminals) download once and never see each other's half-copied folder.
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (cache / _MARKER).is_file():
            return lib
        shutil.rmtree(lib, ignore_errors=True)
        _say(f"downloading Neo4j {NEO4J_VERSION} jars from Maven Central once (~125 MB) into {lib}")
        t0 = time.monotonic()
        cmd = [
            mvn,
            "-q",
            "-B",
            "-Dstyle.color=never",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={lib}",
        ]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        jars = list(lib.glob("*.jar"))
        if res.returncode != 0 or not jars:
            raise Neo4jUnavailable(
                f"`{' '.join(cmd)}` failed (exit {res.returncode}):\n"
                f"{_tail(res.stdout + res.stderr)}\n{_HOW_TO_FIX}"
            )
        tmp = cache / f"{_MARKER}.tmp"
        tmp.write_text(f"{NEO4J_VERSION}\n{len(jars)} jars\n")
        tmp.replace(cache / _MARKER)  # atomic: the marker exists only when complete
        _say(f"cached {len(jars)} jars in {time.monotonic() - t0:.0f}s")
    return lib


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _file_tail(path: Path, lines: int = 40) -> str:
    try:
        return f"--- {path} (tail) ---\n" + _tail(path.read_text(errors="replace"), lines)
    except OSError:
        return f"--- {path}: not written ---"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise Neo4jUnavailable(f"`java` not found on PATH. {_HOW_TO_FIX}")
    return java


def _check_java_version(java: str) -> None:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    m = re.search(r'version "(?:1\.)?(\d+)', out.stderr)  # "17.0.15", "21", "1.8.0_402"
    if m is None or int(m.group(1)) < 17:
        raise Neo4jUnavailable(
            f"Neo4j {NEO4J_VERSION} needs Java 17 or 21, `{java} -version` says: "
            f"{out.stderr.strip().splitlines()[:1]}. {_HOW_TO_FIX}"
        )


def _docker_answers(timeout: float = 3.0) -> bool:
    """True only when a Docker engine responds; a bare docker CLI is not enough."""
    try:
        import docker  # optional dependency, imported lazily

        client = docker.from_env(timeout=int(max(1, timeout)))
        try:
            return bool(client.ping())
        finally:
            client.close()
    except ImportError:
        pass
    except Exception:  # any failure means "no engine"
        return False
    if shutil.which("docker") is None:
        return False
    try:
        res = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return res.returncode == 0


def _wait_for_bolt(
    ep: Neo4jEndpoint, deadline: float, alive: Callable[[], str | None] | None = None
) -> None:
    """Poll until Bolt accepts our credentials and the database runs a query."""
    last: Exception | None = None
    while time.monotonic() < deadline:
        if alive is not None and (why := alive()) is not None:
            raise Neo4jUnavailable(why)
        try:
            with GraphDatabase.driver(
                ep.uri, auth=ep.auth, connection_timeout=3.0, connection_acquisition_timeout=5.0
            ) as drv:
                drv.verify_connectivity()
                drv.execute_query("RETURN 1", database_=ep.database)
            return
        except AuthError:
            raise
        except Exception as exc:  # not up yet: refused, unavailable, ...
            last = exc
        time.sleep(0.3)
    raise TimeoutError(f"Bolt at {ep.uri} not ready in time; last error: {last!r}")


def _die_with_parent() -> None:
    """Child-side (Linux): SIGTERM the JVM if the Python process dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_HOME_PREFIX = "stratagraph-neo4j-"
_OWNER_FILE = "owner.pid"


def _sweep_stale_homes() -> None:
    """Remove temp homes whose Python owner died without cleanup (SIGKILL, OOM kill)."""
    for home in Path(tempfile.gettempdir()).glob(f"{_HOME_PREFIX}*"):
        try:
            os.kill(int((home / _OWNER_FILE).read_text()), 0)
        except ProcessLookupError:
            shutil.rmtree(home, ignore_errors=True)
        except (OSError, ValueError):
            continue  # not ours to judge (no/odd owner file, other user's process)


_LIVE: set[Neo4jServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.stop()


class Neo4jServer:
    """A Neo4j server for tests; ``with Neo4jServer() as ep:`` yields a Neo4jEndpoint."""

    def __init__(
        self,
        *,
        startup_timeout: float = 180.0,
        heap: str = "1g",
        pagecache: str = "256m",
        password: str = DEFAULT_PASSWORD,
        use_env: bool = True,
        use_docker: bool = True,
        stop_grace: float = 30.0,
    ) -> None:
        self.startup_timeout = startup_timeout
        self.heap = heap
        self.pagecache = pagecache
        self.password = password
        self.use_env = use_env
        self.use_docker = use_docker
        self.stop_grace = stop_grace
        self.backend: Backend | None = None
        self.endpoint: Neo4jEndpoint | None = None
        self.home: Path | None = None  # JVM backend: temp dir with conf/, data/, logs/
        self.process: subprocess.Popen[bytes] | None = None
        self._container: Any = None

    # -- public API -------------------------------------------------------------------------

    def start(self) -> Neo4jEndpoint:
        if self.endpoint is not None:
            return self.endpoint
        if self.use_env and os.environ.get(ENV_URI):
            return self._start_external(os.environ[ENV_URI])
        if self.use_docker and _docker_answers():
            try:
                return self._start_docker()
            except ImportError:
                _say("Docker engine found but `testcontainers` is not installed; using a JVM")
            except Exception as exc:  # e.g. the image cannot be pulled: the JVM may still work
                _say(f"Docker/testcontainers failed ({exc}); using a JVM instead")
        return self._start_jvm()

    def stop(self) -> None:
        _LIVE.discard(self)
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()  # SIGTERM: Neo4j's shutdown hook checkpoints and exits
            try:
                proc.wait(self.stop_grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        container, self._container = self._container, None
        if container is not None:
            with contextlib.suppress(Exception):  # already gone / engine went away
                container.stop()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None
        self.endpoint = self.backend = None

    def __enter__(self) -> Neo4jEndpoint:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- backends ----------------------------------------------------------------------------

    def _start_external(self, uri: str) -> Neo4jEndpoint:
        ep = Neo4jEndpoint(
            uri,
            os.environ.get(ENV_USER) or DEFAULT_USER,
            os.environ.get(ENV_PASSWORD) or DEFAULT_PASSWORD,
        )
        try:
            _wait_for_bolt(ep, time.monotonic() + 30.0)
        except (AuthError, TimeoutError) as exc:
            raise Neo4jUnavailable(
                f"{ENV_URI}={uri} does not answer as user {ep.user!r}: {exc}. "
                f"Check the server and {ENV_USER}/{ENV_PASSWORD}, or unset {ENV_URI}."
            ) from exc
        self.backend, self.endpoint = "external", ep
        return ep

    def _start_docker(self) -> Neo4jEndpoint:
        # Optional and lazy. testcontainers >= 4.14 moved the module (the old path warns).
        try:
            from testcontainers.community.neo4j import Neo4jContainer
        except ImportError:
            from testcontainers.neo4j import Neo4jContainer

        container = Neo4jContainer(image=DOCKER_IMAGE, password=self.password)
        container.with_env("NEO4J_server_memory_heap_max__size", self.heap)
        container.with_env("NEO4J_server_memory_pagecache_size", self.pagecache)
        container.with_env("NEO4J_dbms_usage__report_enabled", "false")
        self._container = container
        _LIVE.add(self)
        try:
            container.start()
            ep = Neo4jEndpoint(container.get_connection_url(), container.username, self.password)
            _wait_for_bolt(ep, time.monotonic() + self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.backend, self.endpoint = "docker", ep
        return ep

    def _start_jvm(self) -> Neo4jEndpoint:
        java = _java()
        _check_java_version(java)
        lib = ensure_neo4j_jars()
        for attempt in range(3):  # a free port can be taken between probe and bind
            try:
                return self._launch(java, lib)
            except _PortTakenError:
                if attempt == 2:
                    raise Neo4jUnavailable("no free loopback port for Bolt after 3 tries") from None
        raise AssertionError("unreachable")

    def _launch(self, java: str, lib: Path) -> Neo4jEndpoint:
        _sweep_stale_homes()
        self.home = Path(tempfile.mkdtemp(prefix=_HOME_PREFIX))
        (self.home / _OWNER_FILE).write_text(str(os.getpid()))
        conf, logs = self.home / "conf", self.home / "logs"
        conf.mkdir()
        logs.mkdir()
        port = _free_port()
        settings = {
            "server.directories.data": self.home / "data",
            "server.directories.logs": logs,
            "server.directories.run": self.home / "run",
            "server.directories.import": self.home / "import",
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{port}",
            "server.bolt.advertised_address": f"127.0.0.1:{port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.memory.pagecache.size": self.pagecache,
            "dbms.usage_report.enabled": "false",
            # Throwaway stores: skip preallocating tx logs (saves disk and time).
            "db.tx_log.preallocate": "false",
            # Bolt otherwise idles 2 x 5 s in shutdown waiting for clients that are gone.
            "internal.server.bolt.connection_shutdown_wait_time": "0s",
            "internal.server.bolt.thread_pool_shutdown_wait_time": "0s",
        }
        (conf / "neo4j.conf").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(conf)}
        cp = f"{lib}{os.sep}*"

        # `neo4j-admin dbms set-initial-password` (what the tarball's script runs): it writes
        # data/dbms/auth.ini so the server starts with auth on and our password, no change
        # required on first login.
        res = subprocess.run(
            [
                java,
                "-Xmx256m",
                "-cp",
                cp,
                "org.neo4j.cli.AdminTool",
                "dbms",
                "set-initial-password",
                self.password,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if res.returncode != 0:
            out = _tail(res.stdout + res.stderr)
            self.stop()
            raise Neo4jUnavailable(f"neo4j-admin set-initial-password failed:\n{out}")

        console = logs / "console.log"
        in_main = threading.current_thread() is threading.main_thread()
        with console.open("wb") as out_f:
            # PR_SET_PDEATHSIG fires when the *thread* that forked exits, so only use it
            # from the main thread; atexit covers the rest.
            self.process = subprocess.Popen(
                [
                    java,
                    f"-Xmx{self.heap}",
                    *_JVM_FLAGS,
                    "-cp",
                    cp,
                    "org.neo4j.server.CommunityEntryPoint",
                    f"--home-dir={self.home}",
                    f"--config-dir={conf}",
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out_f,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                start_new_session=True,  # Ctrl-C is ours to forward
                preexec_fn=_die_with_parent if in_main and sys.platform == "linux" else None,
            )
        _LIVE.add(self)
        ep = Neo4jEndpoint(f"bolt://127.0.0.1:{port}", DEFAULT_USER, self.password)

        def died() -> str | None:
            proc = self.process
            if proc is None or proc.poll() is None:
                return None
            return f"Neo4j JVM exited with code {proc.returncode}"

        try:
            # Wait for our own "Started." first: a racing process could have taken the probed
            # port, and a Bolt answer alone might then come from someone else's server.
            deadline = time.monotonic() + self.startup_timeout
            while "Started." not in _read(logs / "neo4j.log"):
                if (why := died()) is not None:
                    raise Neo4jUnavailable(why)
                if time.monotonic() > deadline:
                    raise TimeoutError("no 'Started.' in neo4j.log in time")
                time.sleep(0.2)
            _wait_for_bolt(ep, deadline, alive=died)
        except (Neo4jUnavailable, TimeoutError, AuthError) as exc:
            report = "\n".join(
                [
                    str(exc),
                    _file_tail(console),
                    _file_tail(logs / "neo4j.log"),
                    _file_tail(logs / "debug.log", 20),
                ]
            )
            self.stop()
            if "BindException" in report or "already in use" in report:
                raise _PortTakenError from exc
            raise Neo4jUnavailable(
                f"Neo4j {NEO4J_VERSION} did not start:\n{report}\n{_HOW_TO_FIX}"
            ) from exc
        self.backend, self.endpoint = "jvm", ep
        return ep

    def rss_bytes(self) -> int | None:
        """Resident memory of the server JVM (JVM backend on Linux), for reports."""
        if self.process is None:
            return None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        return int(m.group(1)) * 1024 if m else None


class _PortTakenError(Exception):
    pass


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stratagraph.testing.neo4j_server",
        description="Start a Neo4j test server, run a round trip, stop it.",
    )
    parser.add_argument("--keep", action="store_true", help="leave the server running until Ctrl-C")
    args = parser.parse_args(argv)

    t0 = time.monotonic()
    server = Neo4jServer()
    try:
        ep = server.start()
    except Neo4jUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with server:
        ready = time.monotonic() - t0
        rss = server.rss_bytes()
        print(f"backend:  {server.backend}")
        print(f"uri:      {ep.uri}\nuser:     {ep.user}\npassword: {ep.password}")
        print(f"database: {ep.database}")
        print(f"ready in: {ready:.1f}s" + (f"  (JVM RSS {rss / 2**20:.0f} MiB)" if rss else ""))
        with GraphDatabase.driver(ep.uri, auth=ep.auth) as drv:
            info = drv.get_server_info()
            print(
                f"server:   {info.agent} (bolt {'.'.join(map(str, info.protocol_version))}),"
                f" python driver {neo4j.__version__}"
            )
            one = drv.execute_query("RETURN 1 AS one", database_=ep.database).records[0]["one"]
            drv.execute_query(
                "CREATE (:SmokeTest {name: $name})", name="round-trip", database_=ep.database
            )
            rec = drv.execute_query(
                "MATCH (n:SmokeTest) RETURN n.name AS name, count(*) AS c", database_=ep.database
            ).records
            drv.execute_query("MATCH (n:SmokeTest) DELETE n", database_=ep.database)
        ok = one == 1 and [(r["name"], r["c"]) for r in rec] == [("round-trip", 1)]
        print(
            f"RETURN 1 -> {one}; CREATE/MATCH -> {[dict(r) for r in rec]}: "
            f"{'OK' if ok else 'FAILED'}"
        )
        if args.keep and ok:
            print("running; Ctrl-C to stop", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while server.process is None or server.process.poll() is None:
                    time.sleep(1)
        t1 = time.monotonic()
    print(f"stopped in {time.monotonic() - t1:.1f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(_main())
