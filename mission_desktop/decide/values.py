"""Shared pieces of the decision helpers: every figure's per-replication values, and the
assumptions and decision levers as overrides (policy-change objects at a value)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..model.errors import Problem, ScenarioError
from ..model.scenario import Scenario
from ..sim.overrides import with_overrides
from ..sim.summary import ReplicationSummary

Values = dict[str, list[float | None]]


def figure_values(reps: Sequence[ReplicationSummary]) -> Values:
    """Every service, cohort and cost figure of the results (``"services.S.m"``,
    ``"cohorts.C.m"``, ``"cost.m"``) → its value in each replication (None where undefined)."""
    out: Values = {}
    first = reps[0]
    for sid, metrics in first.services.items():
        for m in metrics:
            out[f"services.{sid}.{m}"] = [r.services[sid][m] for r in reps]
    for cid, metrics in first.cohorts.items():
        for m in metrics:
            out[f"cohorts.{cid}.{m}"] = [r.cohorts[cid][m] for r in reps]
    for m in first.cost:
        out[f"cost.{m}"] = [r.cost[m] for r in reps]
    return out


def finite(values: Sequence[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def central_value(scenario: Scenario, item: Any) -> float:
    """The file's own value of an assumption's or decision lever's quantity: multiply 1,
    add 0, a route's own probability (0 where the edge does not exist)."""
    if item.lever != "route":
        return 0.0 if item.lever in ("capacity", "queue_limit") else 1.0
    routes = scenario.service(item.service).routes
    if item.cohort is not None:
        routes = scenario.cohort(item.cohort).routes.get(item.service, routes)
    return next((r.p for r in routes if r.to == item.to), 0.0)


def change_at(item: Any, value: float) -> dict[str, Any]:
    """The policy-change object that puts an assumption's or lever's quantity at ``value``."""
    change: dict[str, Any] = {"lever": item.lever}
    if item.lever == "arrival_rate":
        change["cohort"] = item.cohort
    else:
        change["service"] = item.service
    if item.lever == "route":
        change["to"] = item.to
        if item.cohort is not None:
            change["cohort"] = item.cohort
        change["p"] = float(value)
    elif item.lever in ("capacity", "queue_limit"):
        change["add"] = int(value)
    else:
        change["multiply"] = float(value)
    return change


def range_of(item: Any) -> tuple[float, float]:
    """[low, high] of an assumption or decision lever."""
    if item.lever == "route":
        return item.p
    if item.lever in ("capacity", "queue_limit"):
        return item.add
    return item.multiply


def check_override(scenario: Scenario, variant: str, key: str, place: str) -> None:
    """Refuse, before anything runs, an override the model cannot apply, naming ``place``
    (e.g. ``assumptions[2] “Care home beds” at its low end``)."""
    try:
        with_overrides(scenario, variant, key)
    except ScenarioError as e:
        raise ScenarioError([Problem(place, p.message) for p in e.problems]) from None
