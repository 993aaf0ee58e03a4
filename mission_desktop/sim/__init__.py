"""The engine: SimPy processes for citizen flows; experiments; summaries. No Qt, no files."""

from .analysis import (
    MAX_EVENTS_PER_REPLICATION,
    ServiceLoad,
    expected_events,
    overload_warnings,
    phase_loads,
    run_size_problems,
)
from .engine import Deadlock, ReplicationSummary, Simulation, simulate
from .executor import DaskExecutor, Executor, ExperimentCancelled, LocalExecutor, make_executor
from .experiment import (
    ENGINE_VERSION,
    RESULTS_FORMAT,
    figure,
    run_experiment,
    run_replications,
    with_run_settings,
)
from .live import stream_snapshots
from .snapshots import ServiceSnapshot, Snapshot

__all__ = [
    "MAX_EVENTS_PER_REPLICATION",
    "expected_events",
    "run_size_problems",
    "ENGINE_VERSION",
    "RESULTS_FORMAT",
    "DaskExecutor",
    "Deadlock",
    "Executor",
    "ExperimentCancelled",
    "LocalExecutor",
    "make_executor",
    "ReplicationSummary",
    "ServiceLoad",
    "ServiceSnapshot",
    "Simulation",
    "Snapshot",
    "figure",
    "overload_warnings",
    "phase_loads",
    "run_experiment",
    "run_replications",
    "simulate",
    "stream_snapshots",
    "with_run_settings",
]
