"""``warmup FILE``: a warm-up suggestion per service by MSER-5, and the cumulative means.

Each replication runs from time 0 with no warm-up and records, on a grid of ``POINTS``
equal intervals: the number waiting at each service (sampled at the start of each
interval) and the mean wait of the people who started service there in the interval. Each
series is averaged over the replications (an empty interval is left out of the average),
then MSER-5 (White 1997; Hoad, Robinson & Davies 2008) is applied to it: batch means of 5
consecutive points Y_1..Y_b, and the truncation d ≤ b/2 minimising
``MSER(d) = Σ_{i>d} (Y_i − Ȳ_d)² / (b − d)²``. The warm-up is d × 5 intervals. (The search
stops half-way, as usual: a short tail of zeros would otherwise always win.)

A minimum at the half-way mark means the series has not settled (it is still moving at the
end): MSER then has no warm-up to offer. A service whose offered
load reaches its capacity (:func:`..sim.analysis.overload_warnings`) never settles either.
The suggestion is the largest warm-up across services and series, with the reason; a
system that does not settle gets no number, and says why.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..model.scenario import Scenario
from ..sim.analysis import overload_warnings
from ..sim.engine import Simulation
from ..sim.executor import Executor, LocalExecutor
from ..sim.experiment import ENGINE_VERSION, chosen_variants
from ..sim.figures import provenance
from ..sim.overrides import scenario_for

POINTS = 500
BATCH = 5
WARMUP_FORMAT = "mission-desktop/warmup"


def warmup_task(text: str, variant: str, replication: int, overrides: str = "") -> dict:
    """One replication's queue-length and wait series on the grid (a pure task)."""
    scenario = scenario_for(text, variant, overrides)
    horizon = scenario.run.horizon
    dt = horizon / POINTS
    sums = {s.id: np.zeros(POINTS) for s in scenario.services}
    counts = {s.id: np.zeros(POINTS) for s in scenario.services}

    def sink(rows: list[tuple]) -> None:
        for _num, sid, arrived, started, *_ in rows:
            if started is None or not math.isfinite(arrived):
                continue
            k = min(POINTS - 1, int(started / dt))
            sums[sid][k] += started - arrived
            counts[sid][k] += 1

    sim = Simulation(
        scenario, variant, replication, series_points=POINTS, warm_up=0.0, visit_log=sink
    )
    summary = sim.run()
    wait = {}
    for sid in sums:
        with np.errstate(invalid="ignore", divide="ignore"):
            wait[sid] = (sums[sid] / counts[sid]).tolist()  # NaN where nobody started
    queue = {sid: q[:POINTS] for sid, q in summary.series_queue.items()}
    return {"time": summary.series_time[:POINTS], "queue": queue, "wait": wait}


def mser5(series: list[float] | np.ndarray) -> tuple[int | None, int]:
    """(truncation in points, or None if the series does not settle; batches used)."""
    y = np.asarray(series, dtype=float)
    y = y[np.isfinite(y)]
    b = len(y) // BATCH
    if b < 4:
        return None, b
    means = y[: b * BATCH].reshape(b, BATCH).mean(axis=1)
    best_d, best = 0, math.inf
    half = b // 2
    for d in range(0, half + 1):
        tail = means[d:]
        value = float(((tail - tail.mean()) ** 2).sum()) / (b - d) ** 2
        if value < best * (1 - 1e-12):  # a strictly smaller value: ties keep the earlier d
            best_d, best = d, value
    if best_d == half:  # still falling at the half-way mark: no settled tail to keep
        return None, b
    return best_d * BATCH, b


def _mean_over_replications(curves: list[list[float]]) -> np.ndarray:
    x = np.asarray(curves, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an interval empty in every replication
        return np.nanmean(x, axis=0)


def _cumulative_mean(y: np.ndarray) -> list[float | None]:
    ok = np.isfinite(y)
    count = np.cumsum(ok)
    total = np.cumsum(np.where(ok, y, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total / count
    return [None if not math.isfinite(v) else float(v) for v in out]


def _clean(y: np.ndarray) -> list[float | None]:
    return [None if not math.isfinite(v) else float(v) for v in y]


def warmup(
    scenario: Scenario,
    *,
    variant: str = "baseline",
    replications: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    command: str = "app",
) -> dict[str, Any]:
    """The warm-up JSON: ``suggested`` (model time, or null), ``settles``, ``reason``,
    ``services`` (each series' MSER-5 warm-up) and ``series`` (the replication means and
    their cumulative means, on ``series.time``)."""
    (variant,) = chosen_variants(scenario, [variant])
    n = replications or max(5, scenario.run.replications)
    begun = provenance(scenario, engine=ENGINE_VERSION, command=command)
    tasks = [(variant, r) for r in range(n)]
    executor = executor or LocalExecutor()
    done = executor.map(scenario, tasks, fn=warmup_task, progress=progress, cancel=cancel)
    runs = [done[t] for t in tasks]
    dt = scenario.run.horizon / POINTS
    overloads = overload_warnings(scenario, variant)
    services: dict[str, Any] = {}
    series: dict[str, Any] = {}
    worst: tuple[float, str] | None = None
    unsettled: list[str] = []
    for s in scenario.services:
        block: dict[str, Any] = {}
        series[s.id] = {}
        for kind in ("queue", "wait"):
            y = _mean_over_replications([r[kind][s.id] for r in runs])
            d, _ = mser5(y)
            settles = d is not None and not any(f"service '{s.id}'" in w for w in overloads)
            t = d * dt if settles else None
            block[kind] = {"warm_up": t, "settles": settles}
            series[s.id][kind] = _clean(y)
            series[s.id][f"{kind}_cumulative_mean"] = _cumulative_mean(y)
            label = f"{s.name} ({s.id}): {'queue length' if kind == 'queue' else 'wait'}"
            if not settles:
                if np.isfinite(y).any():
                    unsettled.append(label)
            elif worst is None or t > worst[0]:
                worst = (t, label)
        times = [b["warm_up"] for b in block.values() if b["warm_up"] is not None]
        block["warm_up"] = max(times) if times else None
        services[s.id] = block
    unit = scenario.time_unit
    if unsettled:
        suggested, reason = None, (
            "the system does not settle, so no warm-up can be suggested: "
            + "; ".join(unsettled)
            + (" (" + "; ".join(overloads) + ")" if overloads else " (still rising at the end)")
        )
    else:
        suggested = worst[0] if worst else 0.0
        reason = (
            f"the longest to settle is {worst[1]}, after {suggested:g} {unit}s"
            if worst and suggested > 0
            else "every series is settled from the start"
        )
    return {
        "format": WARMUP_FORMAT,
        "version": 1,
        "variant": variant,
        "replications": n,
        "method": "MSER-5 on the replication mean of each series",
        "suggested": suggested,
        "settles": not unsettled,
        "reason": reason,
        "time_unit": unit,
        "services": services,
        "series": {"time": [i * dt for i in range(POINTS)], "services": series},
        "provenance": begun,
    }
