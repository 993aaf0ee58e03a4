"""Calibration: does the twin match what was observed? (``mission-desktop calibrate``)

The baseline runs over each service's ``observed.period`` (the run's warm-up and horizon set
to it; from the scenario's ``initial`` people when it has them), and each observed figure is
set beside the simulated mean and its **95% range**: the 95% prediction interval of a single
replication, ``mean ± t(0.975, n−1) · sd · √(1 + 1/n)`` over n replications. An observed
figure is one realisation of the real system, so it is compared with the spread of single
runs, not with the (much narrower) confidence interval of their mean: a model that is right
puts about 95% of observed figures inside, and about 1 in 20 outside by chance.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

from ..model import Scenario, ScenarioError
from ..model.errors import Problem
from ..model.twin import OBSERVED_FIGURES
from ..sim import run_replications, run_size_problems, with_run_settings

FORMAT = "mission-desktop/calibration"
#: replications at least (fewer give too wide a range to say anything)
MIN_REPLICATIONS = 10
LABELS = {
    "mean_wait": "Mean wait",
    "p90_wait": "P90 wait",
    "mean_queue_length": "Queue",
    "throughput": "Throughput",
    "utilisation": "Utilisation",
}


class CalibrationError(ValueError):
    """Nothing to calibrate (no observed figures)."""


def prediction_range(values: list[float]) -> tuple[float, float, float] | None:
    """(mean, low, high): the 95% prediction interval of one more replication."""
    xs = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if len(xs) < 2:
        return None
    mean, sd = float(xs.mean()), float(xs.std(ddof=1))
    half = float(stats.t.ppf(0.975, len(xs) - 1)) * sd * math.sqrt(1 + 1 / len(xs))
    return mean, max(mean - half, 0.0), mean + half


def calibrate(
    scenario: Scenario,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """``cancelled``: checked before each replication; raises
    :class:`~mission_desktop.sim.experiment.ExperimentCancelled` when it turns true."""
    with_obs = [s for s in scenario.services if s.observed is not None]
    if not with_obs:
        raise CalibrationError(
            "nothing to calibrate: no service has observed figures (services[].observed); "
            "`mission-desktop fit` writes them from an event log"
        )
    ids = [v.id for v in scenario.effective_variants]
    variant = "baseline" if "baseline" in ids else ids[0]
    n = max(scenario.run.replications, MIN_REPLICATIONS)
    periods: dict[tuple[float, float], list] = {}
    for s in with_obs:
        periods.setdefault(tuple(s.observed.period), []).append(s)
    runs = {}
    for t0, t1 in periods:
        run = with_run_settings(scenario, horizon=t1, warm_up=t0, replications=n)
        too_big = run_size_problems(run, [variant])
        if too_big:
            raise ScenarioError([Problem("run", m) for m in too_big])
        runs[(t0, t1)] = run
    tasks_total = n * len(runs)
    done_before = 0

    def step(done: int, total: int) -> None:
        if progress:
            progress(done_before + done, tasks_total)

    services: dict[str, Any] = {}
    inside = outside = 0
    for period, run in runs.items():
        reps = run_replications(
            run, [(variant, r) for r in range(n)], workers=workers, progress=step,
            cancel=cancelled,
        )
        done_before += n
        for s in periods[period]:
            figures = {}
            for key in OBSERVED_FIGURES:
                observed = getattr(s.observed, key)
                if observed is None:
                    continue
                sim = prediction_range([reps[(variant, r)].services[s.id].get(key) for r in range(n)])
                entry: dict[str, Any] = {"observed": observed, "simulated": None, "inside": None}
                if sim is not None:
                    mean, lo, hi = sim
                    if key == "utilisation":
                        hi = min(hi, 1.0)
                    entry["simulated"] = {"mean": mean, "range95": [lo, hi]}
                    entry["inside"] = lo <= observed <= hi
                    inside += entry["inside"]
                    outside += not entry["inside"]
                figures[key] = entry
            services[s.id] = {"name": s.name, "period": list(period), "figures": figures}
    result = {
        "format": FORMAT,
        "version": 1,
        "scenario": scenario.name,
        "time_unit": scenario.time_unit,
        "variant": variant,
        "replications": n,
        "range": "95% prediction range of one replication: mean ± t·sd·√(1 + 1/n)",
        "services": services,
        "inside": inside,
        "outside": outside,
    }
    result["matches"] = matches(inside, outside)
    result["summary"] = _summary(result)
    return result


#: a calibration "matches" unless so many figures lie outside that chance (each has a 5%
#: chance of lying outside a right model's 95% range) explains them with probability < 1%
MATCH_ALPHA = 0.01


def matches(inside: int, outside: int) -> bool:
    total = inside + outside
    return total > 0 and float(stats.binom.sf(outside - 1, total, 0.05)) >= MATCH_ALPHA


def _summary(result: dict[str, Any]) -> str:
    inside, outside = result["inside"], result["outside"]
    total = inside + outside
    if total == 0:
        return "No figure could be simulated (the runs produced none of them)."
    misses = [
        f"{item['name']} {LABELS[key].lower()} (observed {_g(f['observed'])}, simulated "
        f"{_g(f['simulated']['range95'][0])} to {_g(f['simulated']['range95'][1])})"
        for item in result["services"].values()
        for key, f in item["figures"].items()
        if f["inside"] is False
    ]
    head = f"{inside} of {total} observed figures lie inside the simulated 95% range"
    if not misses:
        return head + ": the twin reproduces what was observed, within run-to-run variation."
    verdict = (
        "no more than chance gives (each figure has a 1 in 20 chance of lying outside)"
        if result["matches"]
        else "more than chance explains: the model does not yet match the real services"
    )
    return f"{head}; {outside} outside, {verdict}. Outside: {'; '.join(misses)}."


def _g(x: float) -> str:
    return f"{x:,.4g}"


def render_calibration(result: dict[str, Any]) -> str:
    from .fitreport import _wrap, table

    unit = result["time_unit"]
    out = [
        f"Calibration of {result['scenario']} — variant {result['variant']}, "
        f"{result['replications']} replications.",
        f"Simulated: mean and 95% range of one replication; waits in {unit}s, "
        f"throughput per {unit}.",
    ]
    rows = []
    for item in result["services"].values():
        t0, t1 = item["period"]
        for key, f in item["figures"].items():
            sim = f["simulated"]
            if key == "utilisation":
                obs = f"{f['observed']:.1%}"
                text = "—" if sim is None else (
                    f"{sim['mean']:.1%} ({sim['range95'][0]:.1%} to {sim['range95'][1]:.1%})"
                )
            else:
                obs = _g(f["observed"])
                text = "—" if sim is None else (
                    f"{_g(sim['mean'])} ({_g(sim['range95'][0])} to {_g(sim['range95'][1])})"
                )
            verdict = {True: "inside", False: "OUTSIDE", None: "not simulated"}[f["inside"]]
            rows.append([item["name"][:28], f"{t0:g}–{t1:g}", LABELS[key], obs, text, verdict])
    out += table(["Service", "Period", "Figure", "Observed", "Simulated (95% range)", "Verdict"], rows, "")
    out.append("")
    out += _wrap(result["summary"], "")
    return "\n".join(out) + "\n"
