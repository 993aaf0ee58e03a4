"""The v2 results figures: targets met, the equality view, policy costs, cost per waiting saved
and provenance (SCENARIO_FORMAT.md, "New results figures"). No Qt, no files.

Definitions (also in the README's Command line section):

- ``p_target_met`` (per service with a target): the share of replications in which
  ``share_within_target`` ≥ ``target.within``, with a Wilson 95% score interval (a replication
  in which nobody started service there has no share and is left out).
- ``variants.V.cohorts.C.services.S``: ``mean_wait``, ``p90_wait``, ``share_within_target`` of
  cohort C's visits to service S, and ``<figure>_vs_all``: the cohort's figure minus that of
  everyone at the service, paired by replication (the equality view: a gap whose CI excludes 0
  is one the run can vouch for). The services listed are those the cohort started service at
  in the window in any replication (a replication without such a visit counts as missing).
- ``variants.V.policy_costs``: each policy's own cost over the window (one-off once if it
  starts before the horizon, plus per-time while in force in the window); exact, so its
  interval has no width.
- ``variants.V.waiting.total``: person-time spent waiting in the window, over every service
  (the integral of the queue lengths: ``Σ mean_queue_length × window``), so people still
  waiting at the horizon count too. ``comparisons.V.waiting.total`` is its paired difference.
- ``comparisons.V.cost_per_waiting_saved``: Δcost / waiting saved, where Δcost is the paired
  difference in total cost and waiting saved = −Δ``waiting.total`` (money per time unit of
  waiting saved, e.g. £ per person-day). The mean is the ratio of the mean differences; the
  95% interval is Fieller's for a ratio of paired means. ``null`` unless the saving is clear
  (its 95% CI lies above 0): where waiting did not clearly improve the ratio means nothing.
"""

from __future__ import annotations

import hashlib
import math
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import numpy as np

from ..model.canonical import dumps_scenario
from ..model.scenario import Scenario
from .summary import ReplicationSummary

#: the standard normal quantile for a two-sided 95% interval
Z95 = 1.959963984540054
COHORT_SERVICE_METRICS = ("mean_wait", "p90_wait", "share_within_target")
GAP_SUFFIX = "_vs_all"


@cache
def t_quantile(df: int, p: float) -> float:
    """Student-t quantile (``scipy.stats.t.ppf``'s own function, bit for bit). scipy.special
    is imported here, on first use: importing scipy.stats at start-up cost about as long as
    simulating 50,000 arrivals."""
    from scipy.special import stdtrit

    return float(stdtrit(df, p))


def t_quantile_975(df: int) -> float:
    """The 97.5% quantile of a 95% confidence interval."""
    return t_quantile(df, 0.975)


def wilson(successes: int, n: int, z: float = Z95) -> dict[str, Any] | None:
    """The share ``successes / n`` with its Wilson score interval (None when n = 0)."""
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    lo = 0.0 if successes == 0 else max(0.0, centre - half)  # exact ends, not 1 − 1e-16
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return {"mean": p, "ci95": [lo, hi]}


def ratio_figure(
    numerator: Sequence[float], denominator: Sequence[float], level: float = 0.95
) -> dict[str, Any] | None:
    """mean(numerator) / mean(denominator) over paired replications, with Fieller's interval.

    None unless the denominator's mean is clearly above zero (its Student-t CI excludes 0):
    otherwise the interval is unbounded and the ratio means nothing. With one replication the
    interval is the point."""
    a = np.asarray(numerator, dtype=float)
    b = np.asarray(denominator, dtype=float)
    n = len(a)
    if n == 0 or n != len(b):
        return None
    ma, mb = float(a.mean()), float(b.mean())
    if not mb > 0:
        return None
    ratio = ma / mb
    if n == 1:
        return {"mean": ratio, "ci95": [ratio, ratio]}
    t = t_quantile(n - 1, 0.5 + level / 2)
    vaa = float(a.var(ddof=1)) / n
    vbb = float(b.var(ddof=1)) / n
    vab = float(np.cov(a, b, ddof=1)[0, 1]) / n
    t2 = t * t
    # (ma − R mb)² ≤ t² (vaa − 2 R vab + R² vbb): a quadratic in R, bounded when mb² > t² vbb
    qa = mb * mb - t2 * vbb
    if not qa > 0:
        return None
    qb = -2 * (ma * mb - t2 * vab)
    qc = ma * ma - t2 * vaa
    disc = max(0.0, qb * qb - 4 * qa * qc)
    root = math.sqrt(disc)
    return {"mean": ratio, "ci95": [(-qb - root) / (2 * qa), (-qb + root) / (2 * qa)]}


def figure(values: Sequence[float | None]) -> dict[str, Any] | None:
    """Mean and Student-t 95% CI over replications (None values dropped; all None → None)."""
    xs = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if len(xs) == 0:
        return None
    mean = float(xs.mean())
    if len(xs) == 1:
        return {"mean": mean, "ci95": [mean, mean]}
    half = float(t_quantile_975(len(xs) - 1) * xs.std(ddof=1) / math.sqrt(len(xs)))
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def paired(a: Sequence[float | None], b: Sequence[float | None]) -> list[float | None]:
    """Replication by replication a − b (None where either is None)."""
    return [None if x is None or y is None else x - y for x, y in zip(a, b, strict=True)]


def _cohort_service_values(
    scenario: Scenario, reps: list[ReplicationSummary]
) -> dict[str, dict[str, dict[str, list[float | None]]]]:
    """cohort → service → metric → per-replication values (None where the cohort had no
    visit there), in the scenario's order, including the ``_vs_all`` gaps."""
    out: dict[str, dict[str, dict[str, list[float | None]]]] = {}
    for c in scenario.cohorts:
        seen = {sid for r in reps for sid in r.cohort_services.get(c.id, {})}
        services: dict[str, dict[str, list[float | None]]] = {}
        for s in scenario.services:
            if s.id not in seen:
                continue
            values: dict[str, list[float | None]] = {
                m: [r.cohort_services.get(c.id, {}).get(s.id, {}).get(m) for r in reps]
                for m in COHORT_SERVICE_METRICS
            }
            for m in COHORT_SERVICE_METRICS:
                values[m + GAP_SUFFIX] = paired(values[m], [r.services[s.id][m] for r in reps])
            services[s.id] = values
        out[c.id] = services
    return out


def _total_waiting(scenario: Scenario, rep: ReplicationSummary) -> float:
    window = scenario.run.horizon - scenario.run.warm_up
    return sum(m["mean_queue_length"] for m in rep.services.values()) * window


def _policy_costs(scenario: Scenario, variant_id: str) -> dict[str, dict[str, Any]]:
    h, w = scenario.run.horizon, scenario.run.warm_up
    out = {}
    for pid in scenario.variant(variant_id).policies:
        pol = scenario.policy(pid)
        cost = 0.0
        if pol.start < h:  # the engine's rule (summary.summarise), policy by policy
            cost = pol.cost.one_off + pol.cost.per_time * max(0.0, h - max(pol.start, w))
        out[pid] = {"mean": cost, "ci95": [cost, cost]}
    return out


def add_figures(
    results: dict[str, Any], scenario: Scenario, by_variant: dict[str, list[ReplicationSummary]]
) -> None:
    """Add the v2 figures to ``results`` (its ``variants`` and ``comparisons`` in place)."""
    within = {s.id: s.target.within for s in scenario.services if s.target is not None}
    per_cohort = {v: _cohort_service_values(scenario, reps) for v, reps in by_variant.items()}
    waiting = {v: [_total_waiting(scenario, r) for r in reps] for v, reps in by_variant.items()}
    for v, reps in by_variant.items():
        block = results["variants"][v]
        for sid, metrics in block["services"].items():
            if sid not in within:
                metrics["p_target_met"] = None
                continue
            shares = [r.services[sid]["share_within_target"] for r in reps]
            known = [x for x in shares if x is not None]
            met = sum(1 for x in known if x >= within[sid] - 1e-12)
            metrics["p_target_met"] = wilson(met, len(known))
        for cid, services in per_cohort[v].items():
            block["cohorts"][cid]["services"] = {
                sid: {m: figure(vals) for m, vals in values.items()}
                for sid, values in services.items()
            }
        block["policy_costs"] = _policy_costs(scenario, v)
        block["waiting"] = {"total": figure(waiting[v])}
    base = by_variant.get("baseline")
    if base is None:
        return
    for v, comparison in results["comparisons"].items():
        reps = by_variant[v]
        for cid, services in per_cohort[v].items():
            theirs = per_cohort["baseline"].get(cid, {})
            comparison["cohorts"][cid]["services"] = {
                sid: {m: figure(paired(vals, theirs[sid][m])) for m, vals in values.items()}
                for sid, values in services.items()
                if sid in theirs
            }
        delta_wait = paired(waiting[v], waiting["baseline"])
        comparison["waiting"] = {"total": figure(delta_wait)}
        delta_cost = [r.cost["total"] - b.cost["total"] for r, b in zip(reps, base, strict=True)]
        comparison["cost_per_waiting_saved"] = ratio_figure(delta_cost, [-d for d in delta_wait])


def names(scenario: Scenario) -> dict[str, dict[str, str]]:
    """Each id's name, so exports can show both (``results["names"]``)."""
    return {
        "services": {s.id: s.name for s in scenario.services},
        "cohorts": {c.id: c.name for c in scenario.cohorts},
        "policies": {p.id: p.name for p in scenario.policies},
        "variants": {v.id: v.name for v in scenario.effective_variants},
    }


def provenance(
    scenario: Scenario,
    *,
    engine: str,
    started: datetime | None = None,
    command: str = "app",
    scenario_revision: int | None = None,
) -> dict[str, Any]:
    """Where a result came from: the scenario's canonical text (as run, with any run-setting
    overrides applied) by its SHA-256, and the versions that ran it."""
    import simpy

    text = dumps_scenario(scenario)
    return {
        "scenario_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "scenario_revision": scenario_revision,
        "engine": engine,
        "python": platform.python_version(),
        "simpy": getattr(simpy, "__version__", "unknown"),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "started": (started or datetime.now(UTC)).isoformat(timespec="seconds"),
        "command": command,
    }
