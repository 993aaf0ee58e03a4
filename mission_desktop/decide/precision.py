"""``run --precision R``: enough replications, by the sequential replications algorithm of
Hoad, Robinson & Davies (2010) with look-ahead, over every figure and every paired
difference from the baseline.

The stop rule at ``n`` replications (95% Student-t intervals over the first ``n``):

- every figure of every variant (services, cohorts, cost): half-width ≤ R × |mean|;
- every paired difference (variant − baseline, replication by replication): half-width
  ≤ R × |baseline mean|, or its interval excludes 0 (the decision it supports is made);
- a figure defined in fewer than 2 replications (e.g. blocked time where nobody is blocked)
  has no interval and is not checked.

Look-ahead (HRD): the solution is the smallest ``n`` ≥ 3 at which the rule holds and keeps
holding for the next ``kLimit(n) = ⌊look_ahead/100 × max(n, 100)⌋`` replications (5 for
n ≤ 100), so a lucky early interval does not stop the run. The run stops there, with
``n + kLimit(n)`` replications, all of which its results use.

Replications run in rounds (each as many as the estimate ``n × (half-width / allowed)²`` of
the figure furthest off asks, at most doubling), through the executor, within a budget
(``max_replications`` per variant). Replication *r* is the same whatever the rounds, and
the rule is evaluated on each prefix as if one replication ran at a time, so the answer
does not depend on how the rounds fell.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..model.scenario import Scenario
from ..sim.executor import Executor, LocalExecutor, batches
from ..sim.experiment import ENGINE_VERSION, build_results, chosen_variants, with_run_settings
from ..sim.figures import provenance, t_quantile_975
from .values import figure_values

INITIAL = 3
LOOK_AHEAD = 5
DEFAULT_BUDGET = 200


def k_limit(n: int, look_ahead: int = LOOK_AHEAD) -> int:
    return int(look_ahead / 100 * max(n, 100))


def _matrix(values: dict[str, list[float | None]]) -> np.ndarray:
    return np.array(
        [[np.nan if v is None else v for v in vals] for vals in values.values()], dtype=float
    )


def _prefix_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row and each prefix length m = 1..N: (count, mean, t half-width), NaN-aware
    (a half-width of NaN where fewer than 2 values)."""
    ok = np.isfinite(x)
    xs = np.where(ok, x, 0.0)
    count = np.cumsum(ok, axis=1)
    total = np.cumsum(xs, axis=1)
    squares = np.cumsum(xs * xs, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        var = np.maximum(squares - count * mean * mean, 0.0) / (count - 1)
        t = np.array([t_quantile_975(c - 1) if c >= 2 else np.nan for c in range(x.shape[1] + 1)])
        half = t[count] * np.sqrt(var / count)
    half[count < 2] = np.nan
    return count, mean, half


class _Checks:
    """The rule's verdict at every prefix, and each check's name and shortfall at the end."""

    def __init__(self, by_variant: dict[str, list], precision: float) -> None:
        self.names: list[tuple[str, str, bool]] = []
        rows_ok: list[np.ndarray] = []
        rows_ratio: list[np.ndarray] = []
        base = by_variant.get("baseline")
        base_vals = figure_values(base) if base else None
        for v, reps in by_variant.items():
            vals = figure_values(reps)
            x = _matrix(vals)
            _, mean, half = _prefix_stats(x)
            allowed = precision * np.abs(mean)
            rows_ok.append(np.isnan(half) | (half <= allowed))
            rows_ratio.append(_ratio(half, allowed))
            self.names += [(v, f, False) for f in vals]
            if base_vals is None or v == "baseline":
                continue
            b = _matrix(base_vals)
            _, bmean, _ = _prefix_stats(b)
            _, dmean, dhalf = _prefix_stats(x - b)
            allowed = precision * np.abs(bmean)
            excludes = np.abs(dmean) > dhalf
            rows_ok.append(np.isnan(dhalf) | (dhalf <= allowed) | excludes)
            rows_ratio.append(np.where(excludes, 0.0, _ratio(dhalf, allowed)))
            self.names += [(v, f, True) for f in vals]
        self.ok = np.vstack(rows_ok)
        self.ratio = np.vstack(rows_ratio)

    def all_ok(self, m: int) -> bool:
        return bool(self.ok[:, m - 1].all())

    def short(self, m: int) -> list[dict[str, Any]]:
        out = []
        for i in np.flatnonzero(~self.ok[:, m - 1]).tolist():
            v, f, diff = self.names[i]
            ratio = self.ratio[i, m - 1]
            out.append(
                {
                    "variant": v,
                    "figure": f,
                    "difference": diff,
                    "half_width_vs_allowed": None if not math.isfinite(ratio) else float(ratio),
                }
            )
        return out

    def needed(self, m: int) -> int:
        """The replications the furthest-off check would need (HRD's estimate)."""
        r = self.ratio[:, m - 1]
        r = r[np.isfinite(r)]
        worst = float(r.max()) if len(r) else 1.0
        return math.ceil(m * max(worst, 1.0) ** 2)


def _ratio(half: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        r = half / allowed
    r[(half == 0) & (allowed == 0)] = 0.0
    r[(half > 0) & (allowed == 0)] = np.inf
    return r


def solution(checks: _Checks, n: int, look_ahead: int = LOOK_AHEAD) -> int | None:
    """The smallest m ≥ 3 whose rule holds at m .. m + kLimit(m) (all within the n run)."""
    for m in range(INITIAL, n + 1):
        end = m + k_limit(m, look_ahead)
        if end > n:
            return None
        if all(checks.all_ok(j) for j in range(m, end + 1)):
            return m
    return None


def run_to_precision(
    scenario: Scenario,
    precision: float,
    *,
    max_replications: int = DEFAULT_BUDGET,
    variants: Sequence[str] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    command: str = "app",
    look_ahead: int = LOOK_AHEAD,
) -> dict[str, Any]:
    """Run until the rule holds (or the budget is spent); the results JSON with a
    ``precision`` block: ``target``, ``replications`` (used, per variant), ``solution``
    (HRD's n, or null), ``look_ahead``, ``budget``, ``stopped`` ("precision reached" or
    "budget spent"), ``reason`` in words and ``short`` (the checks still failing, each with
    its half-width as a multiple of what is allowed)."""
    chosen = chosen_variants(scenario, variants)
    budget = max(INITIAL, max_replications)
    begun = provenance(scenario, engine=ENGINE_VERSION, command=command)
    started = time.perf_counter()
    executor = executor or LocalExecutor()
    reps: dict[str, list] = {v: [] for v in chosen}
    n = 0
    target = min(budget, max(INITIAL + k_limit(INITIAL, look_ahead), scenario.run.replications))
    with batches(executor):
        while True:
            tasks = [(v, r) for v in chosen for r in range(n, target)]

            def round_progress(done: int, _total: int, base: int = n * len(chosen)) -> None:
                if progress:
                    progress(base + done, budget * len(chosen))

            done = executor.map(scenario, tasks, progress=round_progress, cancel=cancel)
            for v in chosen:
                reps[v].extend(done[(v, r)] for r in range(n, target))
            n = target
            checks = _Checks(reps, precision)
            m = solution(checks, n, look_ahead)
            if m is not None or n >= budget:
                break
            first_ok = next(
                (j for j in range(INITIAL, n + 1) if all(checks.all_ok(i) for i in range(j, n + 1))),
                None,
            )
            want = checks.needed(n) + look_ahead if first_ok is None else first_ok + k_limit(first_ok)
            target = min(budget, max(n + 1, min(2 * n, want)))
    if m is not None:
        used = m + k_limit(m, look_ahead)
        stopped, short = "precision reached", []
        reason = (
            f"every figure and paired difference reached ±{precision:.0%} at {m} replications "
            f"and held for {k_limit(m, look_ahead)} more"
        )
    else:
        used = n
        stopped, short = "budget spent", checks.short(n)
        names = ", ".join(
            f"{s['variant']}{' vs baseline' if s['difference'] else ''}: {s['figure']}"
            for s in short[:8]
        )
        more = f" and {len(short) - 8} more" if len(short) > 8 else ""
        reason = f"the budget of {budget} replications was spent; still short: {names}{more}"
    run_scenario = with_run_settings(scenario, replications=used)
    results = build_results(
        run_scenario, {v: reps[v][:used] for v in chosen}, begun, time.perf_counter() - started
    )
    results["precision"] = {
        "target": precision,
        "replications": used,
        "solution": m,
        "look_ahead": look_ahead,
        "budget": budget,
        "run": n,
        "stopped": stopped,
        "reason": reason,
        "short": short,
    }
    return results
