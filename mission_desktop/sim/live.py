"""The snapshot stream: advance a replication in steps of simulated time, yielding snapshots.

A generator (superqt's idea): the consumer decides the pace, and stops the run by simply
closing the generator between steps (cooperative cancel).
"""

from __future__ import annotations

from collections.abc import Generator

from ..model.errors import Problem, ScenarioError
from ..model.scenario import Scenario
from .engine import Simulation
from .runsize import run_size_problems
from .snapshots import Snapshot
from .summary import ReplicationSummary


def stream_snapshots(
    scenario: Scenario,
    variant_id: str = "baseline",
    replication: int = 0,
    step: float | None = None,
) -> Generator[Snapshot, None, ReplicationSummary]:
    """Yield a snapshot at time 0 and after every ``step`` (default horizon/400) until the
    horizon; the last has ``done=True``. The generator's return value is the summary."""
    too_big = run_size_problems(scenario, [variant_id])
    if too_big:
        raise ScenarioError([Problem("run", message) for message in too_big])
    sim = Simulation(scenario, variant_id, replication)
    horizon = sim.horizon
    if step is None or step <= 0:
        step = horizon / 400
    yield sim.snapshot()
    k = 1
    while True:
        t = min(horizon, k * step)
        sim.run_until(t)
        snap = sim.snapshot()
        yield snap
        if snap.done:
            break
        k += 1
    return sim.summary()
