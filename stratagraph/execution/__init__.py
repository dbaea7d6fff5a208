"""Execution: runs approved strategies on real channels through an outbox in the graph.

Public API (the store and settings are always passed in):

- `Executor(store, settings).execute(strategy_uid, dry_run=..., clock_mode=...)`, `.resume(run)`
- control: `pause_run`, `resume_run`, `rollback_run`, `set_kill_switch`, `kill_state`, `flush`
- people: `record_opt_out(store, contact, channel)`
- measurement: `run_report(store, run) -> RunReport`, `list_runs(store)`
- dispatch: `Dispatcher`, `drain(store, settings, run)` (standalone dispatchers)
- adapters: `adapters.register(name, factory)`, `ChannelAdapter`, `ChannelCall`...
- demo: `execute_on_simulator(store, settings, strategy_uid, truth=PATH)`
"""

from . import adapters, control
from .control import (
    ControlOutcome,
    flush,
    kill_state,
    pause_run,
    resume_run,
    rollback_run,
    set_kill_switch,
)
from .demo import execute_on_simulator
from .dispatcher import Dispatcher, DispatchStats, drain
from .errors import AdapterError, ExecutionRefused
from .executor import Executor, Progress, RunOutcome, run_uid
from .measurement import CampaignReport, RunReport, list_runs, run_report
from .outbox import idempotency_key
from .people import OptOut, record_opt_out

__all__ = [
    "AdapterError",
    "CampaignReport",
    "ControlOutcome",
    "DispatchStats",
    "Dispatcher",
    "ExecutionRefused",
    "Executor",
    "OptOut",
    "Progress",
    "RunOutcome",
    "RunReport",
    "adapters",
    "control",
    "drain",
    "execute_on_simulator",
    "flush",
    "idempotency_key",
    "kill_state",
    "list_runs",
    "pause_run",
    "record_opt_out",
    "resume_run",
    "rollback_run",
    "run_report",
    "run_uid",
    "set_kill_switch",
]
