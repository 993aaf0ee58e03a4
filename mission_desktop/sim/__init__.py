"""The engine: SimPy processes for citizen flows; experiments; summaries. No Qt, no files."""

from .analysis import ServiceLoad, overload_warnings, phase_loads, variant_loads
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
from .runsize import (
    MAX_EVENTS_PER_REPLICATION,
    expected_events,
    run_size_problems,
    worker_count,
)
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
    "variant_loads",
    "with_run_settings",
    "worker_count",
]
