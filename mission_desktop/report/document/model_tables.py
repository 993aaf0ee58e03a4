"""The model in tables, in natural units: services, cohorts, routes and policies.

Each table is ``{"caption", "columns": [...], "rows": [[text, ...], ...]}``, the shape every
renderer (HTML, PDF, Word) draws the same way.
"""

from __future__ import annotations

from typing import Any

from ...model.scenario import Scenario
from .words import fmt_number, money, percent, plural_unit

DIST_WORDS = {
    "exponential": "exponential",
    "fixed": "fixed",
    "uniform": "uniform",
    "triangular": "triangular",
    "lognormal": "lognormal",
    "gamma": "gamma",
    "empirical": "empirical (resampled data)",
}
SMALLER_UNIT = {"week": ("day", 7), "day": ("hour", 24), "hour": ("minute", 60)}


def duration(x: float, time_unit: str) -> str:
    """'6 days', '0.5 days (12 hours)': below one unit the next smaller unit is added."""
    text = f"{fmt_number(x)} {plural_unit(time_unit) if x != 1 else time_unit}"
    smaller = SMALLER_UNIT.get(time_unit)
    if smaller and 0 < x < 1:
        unit, factor = smaller
        n = x * factor
        text += f" ({fmt_number(n)} {unit if round(n, 2) == 1 else plural_unit(unit)})"
    return text


def describe_distribution(dist: Any, time_unit: str) -> str:
    """'lognormal: mean 6 days, sd 7 days' — every parameter in the scenario's time unit."""
    d = dist.dist
    if d == "fixed":
        text = f"fixed: {duration(dist.value, time_unit)}"
    elif d == "empirical":
        values = dist.values
        text = (
            f"empirical: {len(values)} recorded values, mean {duration(dist.expected, time_unit)}"
            f", from {duration(min(values), time_unit)} to {duration(max(values), time_unit)}"
        )
    else:
        names = {
            "exponential": ("mean",),
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "lognormal": ("mean", "sd"),
            "gamma": ("mean", "sd"),
            "normal": ("mean", "sd"),
        }.get(d, ())
        params = ", ".join(f"{n} {duration(getattr(dist, n), time_unit)}" for n in names)
        text = f"{DIST_WORDS.get(d, d)}: {params}"
    bounds = [
        f"{word} {duration(v, time_unit)}"
        for word, v in (("at least", getattr(dist, "min", None)), ("at most", getattr(dist, "max", None)))
        if v is not None
    ]
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def _capacity(service: Any, time_unit: str) -> str:
    if service.capacity is None:
        return "unlimited (self-service)"
    text = f"{service.capacity}"
    sched = service.capacity_schedule
    if sched is not None:
        steps = "; ".join(
            f"{c} from {fmt_number(offset)}" for offset, c in sched.steps
        )
        text += f"; repeating every {duration(sched.period, time_unit)}: {steps}"
    return text


def _target(service: Any, time_unit: str) -> str:
    t = service.target
    if t is None:
        return "none"
    return f"{percent(t.within)} wait at most {duration(t.wait, time_unit)}"


def _cost(service: Any, time_unit: str) -> str:
    c = service.cost
    parts = []
    if c.per_server_per_time:
        parts.append(money(fmt_number(c.per_server_per_time)) + f" per server per {time_unit}")
    if c.per_case:
        parts.append(money(fmt_number(c.per_case)) + " per case")
    return "; ".join(parts) or "none"


def services_table(scenario: Scenario) -> dict[str, Any]:
    u = scenario.time_unit
    rows = []
    for s in scenario.services:
        queue = []
        queue.append("priority order" if s.discipline == "priority" else "first come, first served")
        if s.queue_limit is not None:
            queue.append(f"at most {s.queue_limit} waiting")
        if s.patience is not None:
            gives_up = f"gives up after {describe_distribution(s.patience, u)}"
            if s.abandon_to:
                gives_up += f", then goes to {service_name(scenario, s.abandon_to)}"
            queue.append(gives_up)
        rows.append(
            [
                s.name,
                s.department or "—",
                _capacity(s, u),
                describe_distribution(s.service_time, u),
                "; ".join(queue),
                _target(s, u),
                _cost(s, u),
            ]
        )
    return {
        "caption": "Services and their parameters",
        "columns": ["Service", "Department", "Capacity (servers)", "Service time", "Queue",
                    "Target", "Cost"],
        "rows": rows,
    }


def service_name(scenario: Scenario, sid: str) -> str:
    for s in scenario.services:
        if s.id == sid:
            return s.name
    return sid


def cohort_name(scenario: Scenario, cid: str) -> str:
    for c in scenario.cohorts:
        if c.id == cid:
            return c.name
    return cid


def cohorts_table(scenario: Scenario) -> dict[str, Any]:
    u = scenario.time_unit
    rows = []
    for c in scenario.cohorts:
        arrivals = f"{fmt_number(c.arrivals.rate)} per {u} (Poisson)"
        profile = c.arrivals.profile
        if profile is not None:
            mults = ", ".join(f"×{fmt_number(m)}" for m in profile.multipliers)
            arrivals += f"; repeating every {duration(profile.period, u)}: {mults}"
        growth = getattr(c.arrivals, "growth", None)
        if growth is not None:
            arrivals += f"; grows ×{fmt_number(growth.factor)} every {duration(growth.every, u)}"
        entry = ", ".join(f"{percent(r.p)} at {service_name(scenario, r.to)}" for r in c.entry_routes())
        rows.append([c.name, arrivals, entry, str(c.priority)])
    return {
        "caption": "Cohorts (groups of citizens)",
        "columns": ["Cohort", "Arrivals", "Enter at", "Priority"],
        "rows": rows,
    }


def routes_table(scenario: Scenario) -> dict[str, Any]:
    rows = []
    for s in scenario.services:
        for r in s.routes:
            rows.append([s.name, service_name(scenario, r.to), percent(r.p), "everyone"])
        leave = 1 - sum(r.p for r in s.routes)
        rows.append([s.name, "leave the system", percent(leave), "everyone"])
    for c in scenario.cohorts:
        for sid, routes in c.routes.items():
            for r in routes:
                rows.append([service_name(scenario, sid), service_name(scenario, r.to), percent(r.p), c.name])
    return {
        "caption": "Routes: where people go after each service",
        "columns": ["From", "To", "Share", "Who"],
        "rows": rows,
    }


def describe_change(scenario: Scenario, change: Any) -> str:
    """'capacity of Reablement +6', 'service time at Acute beds ×0.9',
    'route Acute beds → Reablement set to 35% (Older people)'."""
    lever = change.lever
    if lever == "route":
        text = (
            f"route {service_name(scenario, change.service)} → {service_name(scenario, change.to)} "
            f"set to {percent(change.p)}"
        )
        if change.cohort:
            text += f" ({cohort_name(scenario, change.cohort)})"
        return text
    where = (
        cohort_name(scenario, change.cohort)
        if lever == "arrival_rate"
        else service_name(scenario, change.service)
    )
    label = {
        "capacity": "capacity of",
        "queue_limit": "queue limit of",
        "service_time": "service time at",
        "patience": "patience at",
        "arrival_rate": "arrival rate of",
    }.get(lever, lever)
    if hasattr(change, "operation"):
        op, value = change.operation
    else:
        op, value = "multiply", change.multiply
    amount = {"set": f"set to {fmt_number(value)}", "add": f"{value:+g}",
              "multiply": f"×{fmt_number(value)}"}[op]
    return f"{label} {where} {amount}"


def policies_table(scenario: Scenario) -> dict[str, Any]:
    u = scenario.time_unit
    rows = []
    for p in scenario.policies:
        cost = []
        if p.cost.one_off:
            cost.append(money(fmt_number(p.cost.one_off)) + " one-off")
        if p.cost.per_time:
            cost.append(money(fmt_number(p.cost.per_time)) + f" per {u}")
        changes = "; ".join(describe_change(scenario, c) for c in p.changes)
        rows.append([p.name, f"{u} {fmt_number(p.start)}", changes, "; ".join(cost) or "none"])
    return {
        "caption": "Policies (levers) and what each changes",
        "columns": ["Policy", "Starts", "Changes", "Cost"],
        "rows": rows,
    }


def variants_table(scenario: Scenario, run_variants: list[str]) -> dict[str, Any]:
    names = {p.id: p.name for p in scenario.policies}
    rows = []
    for v in scenario.effective_variants:
        if v.id not in run_variants:
            continue
        rows.append([v.name, ", ".join(names.get(p, p) for p in v.policies) or "none (today)"])
    return {
        "caption": "Variants compared",
        "columns": ["Variant", "Policies"],
        "rows": rows,
    }


def model_tables(scenario: Scenario, run_variants: list[str]) -> list[dict[str, Any]]:
    tables = [services_table(scenario), cohorts_table(scenario), routes_table(scenario)]
    if scenario.policies:
        tables.append(policies_table(scenario))
    tables.append(variants_table(scenario, run_variants))
    return tables
