"""Experiments: variants × replications, in parallel processes, summarised with confidence.

Results are bit-identical whatever the number of workers: every (variant, replication)
task is deterministic, and results are combined in a fixed order.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import __version__
from ..model import ScenarioError, scenario_from_dict, scenario_to_dict
from ..model.errors import Problem
from ..model.scenario import Scenario
from .analysis import overload_warnings, service_label, variant_label
from .executor import Executor, LocalExecutor
from .executor import ExperimentCancelled as ExperimentCancelled
from .figures import add_figures, figure, names, provenance, t_quantile_975
from .figures import paired as _paired
from .runsize import run_size_problems
from .summary import ReplicationSummary

RESULTS_FORMAT = "mission-desktop/results"
RESULTS_VERSION = 2  # v2: additions only (sim/figures.py)
ENGINE_VERSION = __version__


# --------------------------------------------------------------------------- settings


def with_run_settings(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    horizon: float | None = None,
    warm_up: float | None = None,
) -> Scenario:
    """The scenario with some run settings replaced, validated like a file."""
    if replications is None and seed is None and horizon is None and warm_up is None:
        return scenario
    doc = scenario_to_dict(scenario)
    run = dict(doc["run"])
    for key, value in (
        ("replications", replications),
        ("seed", seed),
        ("horizon", horizon),
        ("warm_up", warm_up),
    ):
        if value is not None:
            run[key] = value
    doc["run"] = run
    return scenario_from_dict(doc)


# --------------------------------------------------------------------------- statistics


def _series_band(curves: Sequence[Sequence[float]]) -> dict[str, list[float]]:
    """Mean over replications at each time, with its Student-t 95% band (``queue_ci95``:
    [lows, highs]; with one replication both are the mean)."""

    xs = np.asarray(curves, dtype=float)
    mean = xs.mean(axis=0)
    if len(xs) < 2:
        return {"queue": mean.tolist(), "queue_ci95": [mean.tolist(), mean.tolist()]}
    half = t_quantile_975(len(xs) - 1) * xs.std(axis=0, ddof=1) / math.sqrt(len(xs))
    return {"queue": mean.tolist(), "queue_ci95": [(mean - half).tolist(), (mean + half).tolist()]}


def _summarise(reps: list[ReplicationSummary], reference: list[ReplicationSummary] | None):
    def block(getter):
        first = getter(reps[0])
        out = {}
        for key, metrics in first.items():
            out[key] = {}
            for m in metrics:
                vals = [getter(r)[key][m] for r in reps]
                if reference is not None:
                    vals = _paired(vals, [getter(r)[key][m] for r in reference])
                out[key][m] = figure(vals)
        return out

    services = block(lambda r: r.services)
    cohorts = block(lambda r: r.cohorts)
    cost = {}
    for m in reps[0].cost:
        vals = [r.cost[m] for r in reps]
        if reference is not None:
            vals = _paired(vals, [r.cost[m] for r in reference])
        cost[m] = figure(vals)
    return {"services": services, "cohorts": cohorts, "cost": cost}


#: the figures of replications, or their paired differences from ``reference`` (the shape of
#: a ``variants`` or ``comparisons`` entry, before the v2 additions)
summarise = _summarise


# --------------------------------------------------------------------------- running


def run_replications(
    scenario: Scenario,
    tasks: list[tuple[str, int]],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    visit_log: Any = None,
    executor: Executor | None = None,
) -> dict[tuple[str, int], ReplicationSummary]:
    """Run every (variant, replication) task through ``executor`` (default: local
    processes, ``workers`` of them). ``visit_log``: see :func:`.executor.run_task`
    (picklable, for the workers)."""
    if executor is None:
        executor = LocalExecutor(workers)
    return executor.map(scenario, tasks, progress=progress, cancel=cancel, visit_log=visit_log)


def run_experiment(
    scenario: Scenario,
    *,
    variants: Sequence[str] | None = None,
    replications: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    visit_log: Any = None,
    command: str = "app",
    scenario_revision: int | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Run the experiment and return the results JSON dict of SCENARIO_FORMAT.md.
    ``visit_log`` (optional) receives every visit's record, per task (see
    :func:`run_replications`): variant by variant as in ``results["variants"]``, then
    replication by replication.

    Extra fields beyond the contract: ``warnings`` (list of plain-words strings), ``series``
    (mean queue length over time per variant and service, with its 95% band ``queue_ci95``),
    ``engine`` and ``timing``; the v2 figures of :mod:`.figures`. ``command`` and
    ``scenario_revision`` go into ``provenance``. ``executor``: where the replications run
    (default: local processes, ``workers`` of them).
    """
    if replications is not None:
        scenario = with_run_settings(scenario, replications=replications)
    chosen = chosen_variants(scenario, variants)
    n = scenario.run.replications
    tasks = [(v, r) for v in chosen for r in range(n)]
    begun = provenance(
        scenario, engine=ENGINE_VERSION, command=command, scenario_revision=scenario_revision
    )
    started = time.perf_counter()
    done = run_replications(
        scenario,
        tasks,
        workers=workers,
        progress=progress,
        cancel=cancel,
        visit_log=visit_log,
        executor=executor,
    )
    elapsed = time.perf_counter() - started
    by_variant = {v: [done[(v, r)] for r in range(n)] for v in chosen}
    return build_results(scenario, by_variant, begun, elapsed)


def chosen_variants(scenario: Scenario, variants: Sequence[str] | None) -> list[str]:
    """The variants to run, in the file's order (all when none are named); refuses unknown
    ids and a run too big to finish."""
    known = [v.id for v in scenario.effective_variants]
    if variants:
        unknown = [v for v in variants if v not in known]
        if unknown:
            raise ScenarioError(
                [
                    Problem("variants", f"no variant has id '{v}' (known: {', '.join(known)})")
                    for v in unknown
                ]
            )
        chosen = [v for v in known if v in set(variants)]
    else:
        chosen = known
    too_big = run_size_problems(scenario, chosen)
    if too_big:
        raise ScenarioError([Problem("run", message) for message in too_big])
    return chosen


def build_results(
    scenario: Scenario,
    by_variant: dict[str, list[ReplicationSummary]],
    begun: dict[str, Any],
    elapsed: float,
) -> dict[str, Any]:
    """The results JSON dict of replications already run (``by_variant``: variant →
    replications in order, as many as ``scenario.run.replications``); ``begun``: the
    provenance taken when the run began."""
    chosen = list(by_variant)
    n = scenario.run.replications
    tasks = [(v, r) for v in chosen for r in range(n)]
    results: dict[str, Any] = {
        "format": RESULTS_FORMAT,
        "version": RESULTS_VERSION,
        "scenario": scenario.name,
        "run": {
            "horizon": scenario.run.horizon,
            "warm_up": scenario.run.warm_up,
            "replications": n,
            "seed": scenario.run.seed,
        },
        "time_unit": scenario.time_unit,
        "variants": {},
        "comparisons": {},
    }
    for v in chosen:
        results["variants"][v] = _summarise(by_variant[v], None)
    if "baseline" in by_variant:
        for v in chosen:
            if v != "baseline":
                results["comparisons"][v] = _summarise(by_variant[v], by_variant["baseline"])
    add_figures(results, scenario, by_variant)
    if scenario.run.start_date is not None:  # display only: the dates of the tables
        results["run"]["start_date"] = scenario.run.start_date.isoformat()
    results["provenance"] = begun
    results["names"] = names(scenario)

    warnings: list[str] = []
    for v in chosen:
        warnings.extend(overload_warnings(scenario, v))
        counts: dict[tuple[str, ...], list[float]] = {}
        for rep in by_variant[v]:
            for d in rep.deadlocks:
                counts.setdefault(d.services, []).append(d.since)
        for services, sinces in counts.items():
            warnings.append(
                f"{variant_label(scenario, v)}: blocking deadlock between "
                f"{', '.join(service_label(scenario, s) for s in services)} (each waits for a place in "
                f"the next) in {len(sinces)} of {n} replications, first at {scenario.time_unit} "
                f"{min(sinces):.1f}; raise a queue limit or capacity to break the cycle"
            )
    results["warnings"] = warnings
    series: dict[str, Any] = {}
    for v in chosen:
        reps = by_variant[v]
        if reps[0].series_time:
            series[v] = {
                "time": reps[0].series_time,
                "services": {
                    sid: _series_band([r.series_queue[sid] for r in reps])
                    for sid in reps[0].series_queue
                },
            }
    results["series"] = series
    results["engine"] = {"name": "mission-desktop", "version": ENGINE_VERSION}
    results["timing"] = {"seconds": elapsed, "tasks": len(tasks)}
    return results
