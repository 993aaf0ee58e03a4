"""Which assumptions move the answer: ``sensitivity`` (one at a time) and ``run
--uncertainty`` (all at once, Latin hypercube), over the file's ``assumptions``.

Sensitivity: each assumption at the low and at the high end of its range, every other at
its central value (the file's), run with the same replications as the central run, so
every figure's change is a paired difference with its 95% CI (common random numbers: the
streams depend on ids, never on values). An end equal to the central value is not run
again: its difference is exactly 0.

Uncertainty: a nested design. ``D`` draws of all the assumptions together, by Latin
hypercube sampling (each assumption's range cut into D equal-probability strata, one draw in
each, the strata matched at random across assumptions; whole-number ranges take each whole
number with equal chance); each draw is run with ``k`` replications (``inner``, default 2),
replication ``r`` using draw ``r // k``. Each assumption's draws come from its own stream,
derived from ``(run.seed, 0, LATIN_HYPERCUBE, assumption id)`` like every other stream, so
adding an assumption changes no other's draws. The figures are as in any run (over all
D × k replications). Each figure's variance over replications is split by the one-way
random-effects ANOVA of the nested design: with MSB and MSW the mean squares between and
within draws, the stochastic variance is MSW and the parametric variance (what we do not
know) is max(0, (MSB − MSW) / k); ``share_parametric`` is the parametric share of their sum.
``interval95``: the 2.5% and 97.5% points of the replications' values, which cover both the
luck of the draw and the assumptions.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..model.errors import Problem, ScenarioError
from ..model.scenario import Scenario
from ..sim.executor import Executor, LocalExecutor
from ..sim.experiment import (
    ENGINE_VERSION,
    build_results,
    chosen_variants,
    summarise,
    with_run_settings,
)
from ..sim.figures import names, provenance
from ..sim.overrides import overrides_key
from ..sim.streams import generator
from .values import central_value, change_at, check_override, figure_values, finite, range_of

SENSITIVITY_FORMAT = "mission-desktop/sensitivity"
#: the purpose code of the assumptions' draws (see sim/streams.py)
LATIN_HYPERCUBE = 101


def _need_assumptions(scenario: Scenario, what: str) -> None:
    if not scenario.assumptions:
        raise ScenarioError(
            [
                Problem(
                    "assumptions",
                    f"the file states no assumptions, so there is nothing to {what}; add "
                    "some, each with its range (low and high)",
                )
            ]
        )


def _place(scenario: Scenario, i: int) -> str:
    return f"assumptions[{i}] “{scenario.assumptions[i].name}”"


def sensitivity(
    scenario: Scenario,
    *,
    variant: str = "baseline",
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    command: str = "app",
) -> dict[str, Any]:
    """The sensitivity JSON of SCENARIO_FORMAT.md ("Command line"), with additions: each
    assumption's ``name`` and ``values`` (low, central, high), the ``variant``, the
    ``replications``, ``names`` and ``provenance``."""
    _need_assumptions(scenario, "analyse")
    (variant,) = chosen_variants(scenario, [variant])
    n = scenario.run.replications
    begun = provenance(scenario, engine=ENGINE_VERSION, command=command)
    keys: dict[tuple[str, str], str] = {}
    values: dict[str, dict[str, float]] = {}
    for i, a in enumerate(scenario.assumptions):
        centre = central_value(scenario, a)
        low, high = range_of(a)
        values[a.id] = {"low": low, "central": centre, "high": high}
        for end, value in (("low", low), ("high", high)):
            if math.isclose(value, centre, rel_tol=0, abs_tol=1e-12):
                keys[(a.id, end)] = ""
                continue
            key = overrides_key([change_at(a, value)])
            check_override(scenario, variant, key, f"{_place(scenario, i)} at its {end} end")
            keys[(a.id, end)] = key
    unique = list(dict.fromkeys(["", *keys.values()]))
    tasks = [(variant, r, key) for key in unique for r in range(n)]
    executor = executor or LocalExecutor()
    done = executor.map(scenario, tasks, progress=progress, cancel=cancel)
    runs = {key: [done[(variant, r, key)] for r in range(n)] for key in unique}
    central = runs[""]
    out: dict[str, Any] = {}
    for a in scenario.assumptions:
        out[a.id] = {
            "name": a.name,
            "values": values[a.id],
            **{end: summarise(runs[keys[(a.id, end)]], central) for end in ("low", "high")},
        }
    return {
        "format": SENSITIVITY_FORMAT,
        "version": 1,
        "variant": variant,
        "replications": n,
        "central": summarise(central, None),
        "assumptions": out,
        "names": names(scenario),
        "provenance": begun,
    }


def latin_hypercube(scenario: Scenario, draws: int) -> dict[str, list[float]]:
    """Each assumption's ``draws`` values (see the module's description)."""
    out: dict[str, list[float]] = {}
    for a in scenario.assumptions:
        rng = generator(scenario.run.seed, 0, LATIN_HYPERCUBE, a.id)
        u = (rng.permutation(draws) + rng.random(draws)) / draws
        low, high = range_of(a)
        if a.lever in ("capacity", "queue_limit"):
            vals = [min(high, low + math.floor(x * (high - low + 1))) for x in u]
        else:
            vals = [low + x * (high - low) for x in u.tolist()]
        out[a.id] = [float(v) for v in vals]
    return out


def variance_split(values: np.ndarray) -> dict[str, Any] | None:
    """The nested ANOVA of values shaped (draws, inner)."""
    d, k = values.shape
    if d < 2 or k < 2:
        return None
    msb = k * float(values.mean(axis=1).var(ddof=1))
    msw = float(values.var(axis=1, ddof=1).mean())
    parametric = max(0.0, (msb - msw) / k)
    total = parametric + msw
    return {
        "parametric_variance": parametric,
        "stochastic_variance": msw,
        "share_parametric": parametric / total if total > 0 else None,
    }


def run_uncertainty(
    scenario: Scenario,
    *,
    inner: int = 2,
    variants: list[str] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    command: str = "app",
) -> dict[str, Any]:
    """The results JSON over ``D × inner`` replications (``run.replications`` rounded up to
    a multiple of ``inner``), each variant under the same draws, with an ``uncertainty``
    block: ``method``, ``draws``, ``inner``, each assumption's drawn ``values`` and, per
    variant and figure, the variance split and the 95% interval."""
    _need_assumptions(scenario, "sample")
    if inner < 2:
        raise ScenarioError([Problem("--inner", "must be a whole number ≥ 2")])
    chosen = chosen_variants(scenario, variants)
    draws = max(2, math.ceil(scenario.run.replications / inner))
    n = draws * inner
    scenario = with_run_settings(scenario, replications=n)
    begun = provenance(scenario, engine=ENGINE_VERSION, command=command)
    started = time.perf_counter()
    drawn = latin_hypercube(scenario, draws)
    keys = []
    for i in range(draws):
        changes = [change_at(a, drawn[a.id][i]) for a in scenario.assumptions]
        keys.append(overrides_key(changes))
        for v in chosen:
            check_override(scenario, v, keys[-1], f"assumptions (draw {i + 1} of {draws})")
    tasks = [(v, r, keys[r // inner]) for v in chosen for r in range(n)]
    executor = executor or LocalExecutor()
    done = executor.map(scenario, tasks, progress=progress, cancel=cancel)
    by_variant = {v: [done[(v, r, keys[r // inner])] for r in range(n)] for v in chosen}
    results = build_results(scenario, by_variant, begun, time.perf_counter() - started)
    figures: dict[str, Any] = {}
    for v, reps in by_variant.items():
        figures[v] = {}
        for name, vals in figure_values(reps).items():
            known = finite(vals)
            if len(known) != n:
                continue  # undefined in some replication: no balanced design to split
            split = variance_split(np.asarray(known).reshape(draws, inner))
            lo, hi = np.percentile(known, [2.5, 97.5]).tolist()
            figures[v][name] = {**(split or {}), "interval95": [lo, hi]}
    results["uncertainty"] = {
        "method": "Latin hypercube draws, k replications each; one-way random-effects ANOVA",
        "draws": draws,
        "inner": inner,
        "values": drawn,
        "figures": figures,
    }
    return results
