"""The embedded FalkorDB server: shared by local processes, durable, never doubled.

Real processes and a real server throughout; each test uses its own data directory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stratagraph.cli import run
from stratagraph.settings import get_settings
from stratagraph.store import open_store
from stratagraph.store.embedded_server import EmbeddedServer

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from stratagraph.settings import get_settings
    from stratagraph.store import open_store
    folder, tag, hold = sys.argv[1], sys.argv[2], sys.argv[3]
    store = open_store(get_settings(store="falkordb+embedded://" + folder))
    store.write("UNWIND range(1, 200) AS i CREATE (:Audience {uid: $tag + '-' + toString(i)})",
                {"tag": tag})
    print("written", flush=True)
    while hold and not Path(hold).exists():
        time.sleep(0.02)
    store.close()
    """
)


def spawn(folder: Path, tag: str, hold: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(folder), tag, str(hold or "")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_written(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "written", proc.stderr.read() if proc.stderr else ""


def count(folder: Path) -> int:
    with open_store(get_settings(store=f"falkordb+embedded://{folder}")) as store:
        return int(store.read("MATCH (n:Audience) RETURN count(n) AS c")[0]["c"])


def redis_pids(folder: Path) -> list[int]:
    server = EmbeddedServer(folder)
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().split(")")[-1].split()[0]
            except OSError:
                continue
            ours = b"redis-server" in title and str(server.socket_path).encode() in title
            if ours and state != "Z":
                found.append(int(entry.name))
    return found


def test_processes_share_one_server_which_stops_with_its_last_user(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    release = tmp_path / "release-first"
    first = spawn(folder, "a", hold=release)
    wait_written(first)
    second = spawn(folder, "b")
    second.wait(timeout=60)
    assert second.returncode == 0, second.stderr.read() if second.stderr else ""
    assert len(redis_pids(folder)) == 1, "the first process still uses the server"
    release.touch()
    first.wait(timeout=60)
    wait_stopped(folder)
    assert redis_pids(folder) == [], "the last user stopped the server"
    assert count(folder) == 400, "both processes' writes persisted"


def test_racing_starters_get_exactly_one_server(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    release = tmp_path / "go"
    procs = [spawn(folder, f"p{i}", hold=release) for i in range(6)]
    for proc in procs:
        wait_written(proc)
    assert len(redis_pids(folder)) == 1
    release.touch()
    for proc in procs:
        proc.wait(timeout=60)
        assert proc.returncode == 0
    assert count(folder) == 1200


def test_killed_server_loses_no_acknowledged_write(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    with open_store(get_settings(store=f"falkordb+embedded://{folder}")) as store:
        for i in range(50):
            store.write(
                "UNWIND range(1, 100) AS i CREATE (:Audience {uid: $p + toString(i)})",
                {"p": f"w{i}-"},
            )
        store.write("MATCH (n:Audience) WITH n LIMIT 10 SET n.size = 7")
        pid = store.embedded_server.status().pid if store.embedded_server else None
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
    assert count(folder) == 5000
    with open_store(get_settings(store=f"falkordb+embedded://{folder}")) as store:
        assert store.read("MATCH (n:Audience) WHERE n.size = 7 RETURN count(n) AS c") == [{"c": 10}]


def wait_stopped(folder: Path, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while redis_pids(folder) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_killed_user_is_not_counted(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    holder = spawn(folder, "h", hold=tmp_path / "release")
    wait_written(holder)
    victim = spawn(folder, "v", hold=tmp_path / "never")
    wait_written(victim)
    victim.kill()
    victim.wait(timeout=10)
    time.sleep(2.5)  # the watchdog looks every second
    assert len(redis_pids(folder)) == 1, "the server serves its live user after a killed one"
    (tmp_path / "release").touch()
    holder.wait(timeout=60)
    wait_stopped(folder)
    assert redis_pids(folder) == [], "the last live user stopped it"
    assert count(folder) == 400


def test_server_stops_when_its_last_user_dies(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    victim = spawn(folder, "v", hold=tmp_path / "never")
    wait_written(victim)
    assert len(redis_pids(folder)) == 1
    victim.kill()  # no close(): only the watchdog can notice
    victim.wait(timeout=10)
    wait_stopped(folder)
    assert redis_pids(folder) == [], "the watchdog stopped the server of a dead user"
    assert count(folder) == 200, "every acknowledged write survived"


def test_reopen_after_clean_stop_finds_every_write(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    for i in range(3):
        with open_store(get_settings(store=f"falkordb+embedded://{folder}")) as store:
            store.write("CREATE (:Audience {uid: $u})", {"u": f"a{i}"})
        assert redis_pids(folder) == []
    assert count(folder) == 3


def test_db_stop_and_status_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "db"
    url = f"falkordb+embedded://{folder}"
    holder = spawn(folder, "h", hold=tmp_path / "never")
    wait_written(holder)
    assert run(["db", "status", "--store", url]) == 0
    assert "running" in capsys.readouterr().out
    assert run(["db", "stop", "--store", url]) == 0
    assert "stopped the server" in capsys.readouterr().out
    assert redis_pids(folder) == []
    holder.kill()
    holder.wait(timeout=10)
    assert run(["db", "status", "--store", url]) == 0
    assert "stopped" in capsys.readouterr().out
    assert count(folder) == 200


def test_long_data_dir_uses_a_short_socket_path(tmp_path: Path) -> None:
    folder = tmp_path / ("x" * 60) / ("y" * 60)
    server = EmbeddedServer(folder)
    assert len(str(server.socket_path)) < 100
    with open_store(get_settings(store=f"falkordb+embedded://{folder}")) as store:
        store.write("CREATE (:Audience {uid: 'deep'})")
    assert count(folder) == 1


def test_db_stop_refuses_a_non_embedded_store() -> None:
    assert run(["db", "stop", "--store", "bolt://localhost:7687"]) == 2


HUNG_SERVER = textwrap.dedent(
    """
    import os, pathlib, socket, sys, time
    args = sys.argv[1:]
    marker = pathlib.Path(os.environ["SG_HUNG_MARKER"])
    if marker.exists():  # every later start: the real server
        real = os.environ["SG_REAL_SERVER"]
        os.execv(real, [real, *args])
    marker.touch()
    if os.fork():
        sys.exit(0)  # returns at once, as --daemonize does
    os.setsid()
    server = socket.socket(socket.AF_UNIX)
    server.bind(args[args.index("--unixsocket") + 1])
    server.listen(16)
    pathlib.Path(args[args.index("--pidfile") + 1]).write_text(str(os.getpid()))
    held = []
    while True:  # takes every connection, answers nothing: hung as a deadlocked load
        held.append(server.accept()[0])
    """
)


def test_a_server_hung_while_loading_is_killed_and_started_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stratagraph.store import embedded_server

    real_server, module = embedded_server._binaries()
    launcher = tmp_path / "hung-then-real"
    launcher.write_text(f"#!{sys.executable}\n{HUNG_SERVER}")
    launcher.chmod(0o755)
    marker = tmp_path / "hung-once"
    monkeypatch.setenv("SG_HUNG_MARKER", str(marker))
    monkeypatch.setenv("SG_REAL_SERVER", real_server)
    monkeypatch.setattr(embedded_server, "_binaries", lambda: (str(launcher), module))
    monkeypatch.setattr(embedded_server, "_STALL_S", 1.0)
    server = EmbeddedServer(tmp_path / "db")
    server.acquire()
    try:
        assert marker.exists(), "the first start hung"
        status = server.status()
        assert status.running and status.pid is not None
        assert b"redis-server" in Path(f"/proc/{status.pid}/cmdline").read_bytes()
    finally:
        server.release()
    assert redis_pids(tmp_path / "db") == []
