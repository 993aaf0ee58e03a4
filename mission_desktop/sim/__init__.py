"""The engine: SimPy processes for citizen flows; experiments; summaries. No Qt, no files.

The names below are imported on first use (PEP 562): ``import mission_desktop.sim.snapshots``
(the GUI's live data) loads neither SimPy nor the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mission_desktop.lazy import lazy_exports

#: each public name → the submodule that defines it
_WHERE = {
    "ServiceLoad": "analysis",
    "overload_warnings": "analysis",
    "phase_loads": "analysis",
    "variant_loads": "analysis",
    "Deadlock": "summary",
    "ReplicationSummary": "summary",
    "Simulation": "engine",
    "simulate": "engine",
    "ENGINE_VERSION": "experiment",
    "RESULTS_FORMAT": "experiment",
    "DaskExecutor": "executor",
    "Executor": "executor",
    "ExperimentCancelled": "executor",
    "LocalExecutor": "executor",
    "make_executor": "executor",
    "figure": "experiment",
    "run_experiment": "experiment",
    "run_replications": "experiment",
    "with_run_settings": "experiment",
    "stream_snapshots": "live",
    "MAX_EVENTS_PER_REPLICATION": "runsize",
    "expected_events": "runsize",
    "run_size_problems": "runsize",
    "worker_count": "runsize",
    "ServiceSnapshot": "snapshots",
    "Snapshot": "snapshots",
}

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

if TYPE_CHECKING:  # for type checkers and editors: the eager form
    from .analysis import ServiceLoad, overload_warnings, phase_loads, variant_loads
    from .engine import Simulation, simulate
    from .experiment import (
        ENGINE_VERSION,
        RESULTS_FORMAT,
        ExperimentCancelled,
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
    from .summary import Deadlock, ReplicationSummary


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
