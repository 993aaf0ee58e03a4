"""Results read from a file are untrusted: check they are results of this scenario, in the
shape the report reads, before drawing anything from them."""

from __future__ import annotations

import math
from typing import Any

from ...model.scenario import Scenario

RESULTS_FORMAT = "mission-desktop/results"


def _figure_problem(fig: Any, place: str) -> str | None:
    if fig is None:
        return None
    if not isinstance(fig, dict) or "mean" not in fig or "ci95" not in fig:
        return f"{place}: must be a figure {{mean, ci95}}"
    ci = fig["ci95"]
    values = [fig["mean"], *(ci if isinstance(ci, list) else [None])]
    if not (isinstance(ci, list) and len(ci) == 2) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        for v in values
    ):
        return f"{place}: mean and ci95 [low, high] must be finite numbers"
    return None


def results_problems(results: Any, scenario: Scenario) -> list[str]:
    """Every reason these results cannot be reported for ``scenario`` (empty: fine)."""
    if not isinstance(results, dict) or results.get("format") != RESULTS_FORMAT:
        return [f"not a results file (its \"format\" is not \"{RESULTS_FORMAT}\")"]
    problems: list[str] = []
    variants = results.get("variants")
    if not isinstance(variants, dict) or not variants:
        return ["variants: no results"]
    known = {v.id for v in scenario.effective_variants}
    services = {s.id for s in scenario.services}
    cohorts = {c.id for c in scenario.cohorts}
    for section in ("variants", "comparisons"):
        block = results.get(section) or {}
        if not isinstance(block, dict):
            problems.append(f"{section}: must be an object")
            continue
        for vid, res in block.items():
            place = f"{section}.{vid}"
            if vid not in known:
                problems.append(f"{place}: the scenario has no variant '{vid}'")
                continue
            if not isinstance(res, dict):
                problems.append(f"{place}: must be an object")
                continue
            for kind, ids in (("services", services), ("cohorts", cohorts)):
                part = res.get(kind) or {}
                if not isinstance(part, dict):
                    problems.append(f"{place}.{kind}: must be an object")
                    continue
                for ident, metrics in part.items():
                    if ident not in ids:
                        problems.append(f"{place}.{kind}.{ident}: not in the scenario")
                        continue
                    if not isinstance(metrics, dict):
                        problems.append(f"{place}.{kind}.{ident}: must be an object")
                        continue
                    for metric, fig in metrics.items():
                        if isinstance(fig, dict) and metric == "services":
                            continue  # per-cohort-per-service figures (v2)
                        p = _figure_problem(fig, f"{place}.{kind}.{ident}.{metric}")
                        if p:
                            problems.append(p)
            cost = res.get("cost") or {}
            for metric, fig in (cost.items() if isinstance(cost, dict) else []):
                p = _figure_problem(fig, f"{place}.cost.{metric}")
                if p:
                    problems.append(p)
    if results.get("scenario") not in (None, scenario.name):
        problems.append(
            f"scenario: these are results of “{results.get('scenario')}”, not “{scenario.name}”"
        )
    return problems[:20]
