"""``optimise FILE``: goal-seek over the file's ``decisions`` — the candidate (lever values
and policies) with the lowest mean total cost such that, for every service with a target,
``p_target_met`` ≥ ``confidence``.

Method: a feasibility screen plus OCBA, in rounds, within a budget of replications.

- Candidates: every combination of the levers' values (low to high by step) and of the
  listed policies on or off (refused past ``MAX_CANDIDATES``). A candidate runs as the
  baseline variant with its policies on and its lever values as an override from time 0.
- Screen (why: most of a grid is clearly infeasible or clearly dearer; proving that takes
  few replications): every candidate starts with ``initial`` replications. A target's
  ``p_target_met`` has its Wilson 95% interval; a candidate is *infeasible* when some
  target's interval lies below ``confidence``, *feasible* when every target's lies at or
  above it, else *undecided*. A candidate is *out* when infeasible, or when a feasible one
  is clearly cheaper (its cost interval lies wholly below).
- Each round, the undecided candidates still in, cheapest first, get their replications
  doubled (capped at ``max_per_candidate``, after which the point estimate decides, as the
  contract states the rule). Once none is undecided, OCBA (Chen et al. 2000) shares a
  round of replications among the feasible candidates still in, by their cost means and
  variances, until the cheapest is clear (its interval below every other's) or one remains.
- Bounded: at most ``budget`` replications in all. Every evaluated candidate is reported
  with its replications, cost and p_target_met; the best is the cheapest candidate still in
  whose point estimates all meet the confidence.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..model.errors import Problem, ScenarioError
from ..model.scenario import Scenario
from ..sim.executor import Executor, LocalExecutor, batches
from ..sim.experiment import chosen_variants
from ..sim.figures import figure, wilson
from ..sim.overrides import overrides_key
from .values import change_at, check_override, range_of

OPTIMISATION_FORMAT = "mission-desktop/optimisation"
MAX_CANDIDATES = 5000
VARIANT = "baseline"


def lever_values(lever: Any) -> list[float]:
    low, high = range_of(lever)
    count = int(math.floor((high - low) / lever.step + 1e-9)) + 1
    vals = [low + i * lever.step for i in range(count)]
    if lever.lever in ("capacity", "queue_limit"):
        return [int(round(v)) for v in vals]
    return [round(v, 12) for v in vals]


def candidates(scenario: Scenario) -> list[dict[str, Any]]:
    d = scenario.decisions
    if d is None or (not d.levers and not d.policies):
        raise ScenarioError(
            [Problem("decisions", "the file states no decisions (levers or policies) to seek over")]
        )
    grids = [lever_values(lv) for lv in d.levers]
    size = math.prod(len(g) for g in grids) * 2 ** len(d.policies)
    if size > MAX_CANDIDATES:
        raise ScenarioError(
            [Problem("decisions", f"{size} candidates is too many (at most {MAX_CANDIDATES}); "
                     "use larger steps or fewer levers")]
        )
    out = []
    for values in itertools.product(*grids):
        for on in itertools.product((False, True), repeat=len(d.policies)):
            changes = [change_at(lv, v) for lv, v in zip(d.levers, values, strict=True)]
            policies = [p for p, flag in zip(d.policies, on, strict=True) if flag]
            out.append({"changes": changes, "policies": policies})
    return out


class _Candidate:
    def __init__(self, spec: dict[str, Any], key: str) -> None:
        self.spec, self.key, self.reps = spec, key, []

    def costs(self) -> np.ndarray:
        return np.array([r.cost["total"] for r in self.reps], dtype=float)

    def cost(self) -> dict[str, Any]:
        return figure(self.costs().tolist())

    def met(self, targets: dict[str, float]) -> dict[str, Any]:
        out = {}
        for sid, within in targets.items():
            shares = [r.services[sid]["share_within_target"] for r in self.reps]
            known = [x for x in shares if x is not None]
            out[sid] = wilson(sum(1 for x in known if x >= within - 1e-12), len(known))
        return out

    def status(self, targets: dict[str, float], confidence: float) -> str:
        met = self.met(targets).values()
        if any(m is not None and m["ci95"][1] < confidence for m in met):
            return "infeasible"
        if all(m is not None and m["ci95"][0] >= confidence for m in met):
            return "feasible"
        return "undecided"

    def meets(self, targets: dict[str, float], confidence: float) -> bool:
        return all(m is not None and m["mean"] >= confidence for m in self.met(targets).values())


def ocba(means: np.ndarray, sds: np.ndarray, total: int) -> np.ndarray:
    """OCBA shares of ``total`` new replications for minimising (Chen et al. 2000)."""
    k = len(means)
    b = int(np.argmin(means))
    sds = np.maximum(sds, 1e-9 * max(1.0, float(np.abs(means).max())))
    gaps = np.maximum(np.abs(means - means[b]), 1e-12 * max(1.0, float(np.abs(means).max())))
    ratio = (sds / gaps) ** 2
    others = [i for i in range(k) if i != b]
    ratio[b] = sds[b] * math.sqrt(sum((ratio[i] / sds[i]) ** 2 for i in others)) if others else 1
    return np.floor(total * ratio / ratio.sum()).astype(int)


def optimise(
    scenario: Scenario,
    *,
    budget: int = 2000,
    initial: int = 5,
    max_per_candidate: int = 100,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """The optimisation JSON of SCENARIO_FORMAT.md, with additions: each candidate's
    ``status`` and ``meets``, the ``method``, ``budget`` and ``replications`` in all."""
    chosen_variants(scenario, [VARIANT])
    specs = candidates(scenario)
    confidence = scenario.decisions.confidence
    targets = {s.id: s.target.within for s in scenario.services if s.target is not None}
    if not targets:
        raise ScenarioError([Problem("services", "no service has a target to meet")])
    pool = []
    for i, spec in enumerate(specs):
        key = overrides_key(spec["changes"], spec["policies"])
        check_override(scenario, VARIANT, key, f"decisions (candidate {i + 1}: {_describe(spec)})")
        pool.append(_Candidate(spec, key))
    executor = executor or LocalExecutor()
    used = 0

    def run(wants: dict[_Candidate, int]) -> None:
        nonlocal used
        tasks, owner = [], {}
        for c, n in wants.items():
            n = min(n, budget - used - len(tasks))
            for r in range(len(c.reps), len(c.reps) + max(0, n)):
                tasks.append((VARIANT, r, c.key))
                owner[tasks[-1]] = c
        if not tasks:
            return
        done = executor.map(scenario, tasks, progress=None, cancel=cancel)
        for t in tasks:
            owner[t].reps.append(done[t])
        used += len(tasks)
        if progress:
            progress(used, budget)

    def still_in() -> list[_Candidate]:
        live = [c for c in pool if c.reps and c.status(targets, confidence) != "infeasible"]
        feasible = [c for c in live if c.status(targets, confidence) == "feasible"]
        if feasible:
            ceiling = min(c.cost()["ci95"][1] for c in feasible)
            live = [c for c in live if c.cost()["ci95"][0] <= ceiling]
        return sorted(live, key=lambda c: c.cost()["mean"])

    with batches(executor):
        run({c: initial for c in pool})
        while used < budget:
            live = still_in()
            # the probable best: the cheapest whose point estimates meet the confidence; the
            # undecided that could still beat it are the ones worth replications now
            probable = next((c for c in live if c.meets(targets, confidence)), None)
            ceiling = probable.cost()["ci95"][1] if probable is not None else math.inf
            undecided = [
                c for c in live
                if c.status(targets, confidence) == "undecided"
                and len(c.reps) < max_per_candidate
                and c.cost()["ci95"][0] <= ceiling
            ]
            if undecided:
                run({c: min(len(c.reps), max_per_candidate - len(c.reps)) for c in undecided})
                continue
            feasible = [c for c in live if c.meets(targets, confidence)]
            if len(feasible) <= 1 or all(
                feasible[0].cost()["ci95"][1] < c.cost()["ci95"][0] for c in feasible[1:]
            ):
                break
            costs = [c.costs() for c in feasible]
            if all(float(x.std()) == 0 for x in costs):
                break  # exact costs that tie: more replications cannot part them
            shares = ocba(
                np.array([x.mean() for x in costs]),
                np.array([x.std(ddof=1) for x in costs]),
                max(len(feasible), 2 * len(feasible)),
            )
            if shares.sum() == 0:
                break
            run({c: int(s) for c, s in zip(feasible, shares, strict=True) if s > 0})
    live = still_in()
    best = next((c for c in live if c.meets(targets, confidence)), None)
    evaluated = [_entry(c, targets, confidence) for c in pool if c.reps]
    out: dict[str, Any] = {
        "format": OPTIMISATION_FORMAT,
        "version": 1,
        "best": None if best is None else _entry(best, targets, confidence),
        "evaluated": evaluated,
        "method": "feasibility screen (Wilson 95% intervals) + OCBA on the mean total cost",
        "confidence": confidence,
        "budget": budget,
        "replications": used,
    }
    if best is None:
        out["message"] = (
            "no candidate meets every target with the confidence asked "
            f"({confidence:.0%} of replications) within the decisions' ranges"
        )
    elif used >= budget:
        out["message"] = (
            f"the budget of {budget} replications was spent before every candidate was decided"
        )
    return out


def _describe(spec: dict[str, Any]) -> str:
    parts = [
        f"{c['lever']} {c.get('service') or c.get('cohort')} "
        + next(f"{k} {c[k]:g}" for k in ("add", "multiply", "p") if k in c)
        for c in spec["changes"]
    ]
    parts += [f"policy {p}" for p in spec["policies"]]
    return ", ".join(parts) or "no change"


def _entry(c: _Candidate, targets: dict[str, float], confidence: float) -> dict[str, Any]:
    return {
        "changes": c.spec["changes"],
        "policies": c.spec["policies"],
        "cost": c.cost(),
        "p_target_met": c.met(targets),
        "replications": len(c.reps),
        "status": c.status(targets, confidence),
        "meets": c.meets(targets, confidence),
    }
