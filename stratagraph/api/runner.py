"""Runs the API server drives in the background: `execute` and `resume` start a run and
return at once; a small pool of threads drives it with the same Executor the CLI uses.

On shutdown the drivers stop at their next step (the executor's steps are idempotent and
leased, so `stratagraph resume RUN`, or the next `resume` mutation, continues the run).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from stratagraph.settings import Settings
from stratagraph.store import GraphStore

log = logging.getLogger("stratagraph.api.runs")


class _Stopping(Exception):
    pass


class RunDriver:
    def __init__(self, store: GraphStore, settings: Settings, *, workers: int) -> None:
        self.store = store
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stratagraph-run")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def drive(self, run: str, *, actor: str) -> bool:
        """Drive `run` in the background; False when this server drives it already."""
        with self._lock:
            current = self._futures.get(run)
            if current is not None and not current.done():
                return False
            self._futures[run] = self._pool.submit(self._drive, run, actor)
        return True

    def _drive(self, run: str, actor: str) -> None:
        from stratagraph.execution import Executor

        def check(_: object) -> None:
            if self._stopping.is_set():
                raise _Stopping

        try:
            Executor(self.store, self.settings, actor=actor, progress=check).drive(run)
        except _Stopping:
            log.info("stopped driving run %s for shutdown; resume it to continue", run)
        except Exception:
            log.exception("driving run %s failed; `stratagraph resume %s` continues it", run, run)

    def driving(self) -> list[str]:
        with self._lock:
            return [run for run, f in self._futures.items() if not f.done()]

    def wait(self, run: str, timeout: float) -> bool:
        """Wait until this server stops driving `run`; True when it has."""
        with self._lock:
            future = self._futures.get(run)
        if future is None:
            return True
        done, _ = wait([future], timeout=timeout)
        return bool(done)

    def close(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        with self._lock:
            futures = list(self._futures.values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        wait(futures, timeout=timeout)
