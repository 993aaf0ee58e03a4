"""Applying a variant's policies: the scenario's parameters as a timeline of phases.

A variant switches on a set of policies; each takes effect at its ``start``. The engine
needs, at every moment, the parameters in force: this module turns (scenario, variant) into
an ordered tuple of :class:`Phase` objects, each holding the complete parameters from its
start time until the next phase. Policies that start at the same time are applied in the
order the variant lists them. Pure data; no SimPy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .base import MAX_CAPACITY, MAX_VALUE
from .errors import Problem, ScenarioError
from .levers import (
    ArrivalRateChange,
    CapacityChange,
    PatienceChange,
    QueueLimitChange,
    RouteChange,
    ServiceTimeChange,
    Variant,
)
from .scenario import Scenario
from .services import CapacitySchedule, Route

PROBABILITY_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class ServiceParams:
    capacity: int | None
    schedule: CapacitySchedule | None
    service_time_factor: float
    patience_factor: float
    queue_limit: int | None
    routes: tuple[Route, ...]


@dataclass(frozen=True, slots=True)
class Phase:
    """All parameters in force from ``start`` until the next phase begins."""

    start: float
    services: Mapping[str, ServiceParams]
    arrival_rates: Mapping[str, float]
    #: cohort id → service id → routes replacing that service's routes for the cohort
    cohort_routes: Mapping[str, Mapping[str, tuple[Route, ...]]]
    #: ids of the policies in force during this phase
    policies: tuple[str, ...]
    #: cohort id → service id → destination → probability set by cohort-specific route
    #: changes: single edges laid over the routes the cohort would otherwise follow, so a
    #: later change for everyone to another edge still reaches the cohort
    cohort_edges: Mapping[str, Mapping[str, Mapping[str, float]]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def routes_for(self, cohort_id: str, service_id: str) -> tuple[Route, ...]:
        override = self.cohort_routes.get(cohort_id, {}).get(service_id)
        routes = override if override is not None else self.services[service_id].routes
        edges = self.cohort_edges.get(cohort_id, {}).get(service_id)
        if edges:
            for to, p in edges.items():
                routes = _set_route(routes, to, p)
        return routes


def _round_capacity(x: float) -> int:
    return int(math.floor(x + 0.5))


def _apply(op: str, value: float, current: float) -> float:
    if op == "set":
        return value
    if op == "add":
        return current + value
    return current * value


def _set_route(routes: tuple[Route, ...], to: str, p: float) -> tuple[Route, ...]:
    out = [r for r in routes]
    for i, r in enumerate(out):
        if r.to == to:
            out[i] = Route(to=to, p=p)
            break
    else:
        out.append(Route(to=to, p=p))
    return tuple(r for r in out if r.p > 0 or r.to == to)


def base_phase(scenario: Scenario) -> Phase:
    services = {
        s.id: ServiceParams(
            capacity=s.capacity,
            schedule=s.capacity_schedule,
            service_time_factor=1.0,
            patience_factor=1.0,
            queue_limit=s.queue_limit,
            routes=s.routes,
        )
        for s in scenario.services
    }
    return Phase(
        start=0.0,
        services=MappingProxyType(services),
        arrival_rates=MappingProxyType({c.id: c.arrivals.rate for c in scenario.cohorts}),
        cohort_routes=MappingProxyType(
            {c.id: MappingProxyType(dict(c.routes)) for c in scenario.cohorts}
        ),
        policies=(),
    )


def _apply_policy(
    scenario: Scenario, phase: Phase, policy_index: int, problems: list[Problem]
) -> Phase:
    policy = scenario.policies[policy_index]
    services = dict(phase.services)
    rates = dict(phase.arrival_rates)
    cohort_routes = {k: dict(v) for k, v in phase.cohort_routes.items()}
    cohort_edges = {
        c: {sid: dict(e) for sid, e in v.items()} for c, v in phase.cohort_edges.items()
    }
    for ci, change in enumerate(policy.changes):
        where = f"policies[{policy_index}].changes[{ci}]"
        if isinstance(change, ArrivalRateChange):
            if change.cohort not in rates:
                continue  # reported by checks
            op, value = change.operation
            new = _apply(op, value, rates[change.cohort])
            if new < 0 or not math.isfinite(new):
                problems.append(
                    Problem(where, f"the arrival rate would become {new:g}; it must stay ≥ 0")
                )
                new = max(new, 0.0) if math.isfinite(new) else 0.0
            rates[change.cohort] = new
            continue
        sp = services.get(change.service)
        if sp is None:
            continue  # reported by checks
        if isinstance(change, CapacityChange):
            op, value = change.operation
            if sp.capacity is None:
                problems.append(
                    Problem(
                        where,
                        f"service '{change.service}' has unlimited capacity; it cannot be changed",
                    )
                )
                continue
            new_cap = _round_capacity(_apply(op, value, sp.capacity))
            if new_cap > MAX_CAPACITY:
                problems.append(
                    Problem(
                        where,
                        f"capacity would become {new_cap:,}; it may be at most {MAX_CAPACITY:,}",
                    )
                )
                new_cap = MAX_CAPACITY
            if new_cap < 1:
                problems.append(
                    Problem(
                        where, f"capacity would become {new_cap}; it must stay a whole number ≥ 1"
                    )
                )
                new_cap = 1
            schedule = sp.schedule
            if schedule is not None:
                if op == "set":
                    schedule = None
                else:
                    steps = []
                    for offset, cap in schedule.steps:
                        c = _round_capacity(_apply(op, value, cap))
                        if c > MAX_CAPACITY:
                            problems.append(
                                Problem(
                                    where,
                                    f"a scheduled capacity would become {c:,}; it may be at "
                                    f"most {MAX_CAPACITY:,}",
                                )
                            )
                            c = MAX_CAPACITY
                        if c < 0:
                            problems.append(
                                Problem(
                                    where,
                                    f"a scheduled capacity would become {c}; it must stay ≥ 0",
                                )
                            )
                            c = 0
                        steps.append((offset, c))
                    schedule = CapacitySchedule(period=schedule.period, steps=tuple(steps))
            services[change.service] = replace(sp, capacity=new_cap, schedule=schedule)
        elif isinstance(change, QueueLimitChange):
            op, value = change.operation
            if sp.queue_limit is None and op != "set":
                problems.append(
                    Problem(
                        where,
                        f"service '{change.service}' has no queue limit to {op}; use \"set\"",
                    )
                )
                continue
            new_limit = _round_capacity(_apply(op, value, sp.queue_limit or 0))
            if new_limit > MAX_VALUE:
                problems.append(
                    Problem(
                        where,
                        f"queue_limit would become {new_limit:,}; it may be at most "
                        f"{int(MAX_VALUE):,}",
                    )
                )
                new_limit = int(MAX_VALUE)
            if new_limit < 0:
                problems.append(
                    Problem(where, f"queue_limit would become {new_limit}; it must stay ≥ 0")
                )
                new_limit = 0
            services[change.service] = replace(sp, queue_limit=new_limit)
        elif isinstance(change, ServiceTimeChange):
            services[change.service] = replace(
                sp, service_time_factor=sp.service_time_factor * change.multiply
            )
        elif isinstance(change, PatienceChange):
            if scenario.service(change.service).patience is None:
                problems.append(
                    Problem(where, f"service '{change.service}' has no patience to change")
                )
                continue
            services[change.service] = replace(
                sp, patience_factor=sp.patience_factor * change.multiply
            )
        elif isinstance(change, RouteChange):
            if change.cohort is not None:
                if change.cohort not in cohort_routes:
                    continue  # reported by checks
                edges = cohort_edges.setdefault(change.cohort, {}).setdefault(change.service, {})
                edges[change.to] = change.p
                affected = [change.cohort]
            else:
                services[change.service] = replace(
                    sp, routes=_set_route(sp.routes, change.to, change.p)
                )
                affected = [None] + list(cohort_routes)
            # the sum must stay ≤ 1 for everyone whose routes this change reaches
            trial = _phase(phase, services, rates, cohort_routes, cohort_edges, phase.policies)
            for cid in affected:
                routes = (
                    trial.services[change.service].routes
                    if cid is None
                    else trial.routes_for(cid, change.service)
                )
                total = math.fsum(r.p for r in routes)
                if total > 1 + PROBABILITY_SLACK:
                    who = "" if cid is None else f" for cohort '{cid}'"
                    problems.append(
                        Problem(
                            where,
                            f"routes out of '{change.service}'{who} would sum to {total:g}; "
                            "they must sum to at most 1",
                        )
                    )
                    break
    return _phase(
        phase, services, rates, cohort_routes, cohort_edges, phase.policies + (policy.id,)
    )


def _phase(phase, services, rates, cohort_routes, cohort_edges, policies) -> Phase:
    return Phase(
        start=phase.start,
        services=MappingProxyType(services),
        arrival_rates=MappingProxyType(rates),
        cohort_routes=MappingProxyType({k: MappingProxyType(v) for k, v in cohort_routes.items()}),
        policies=policies,
        cohort_edges=MappingProxyType(
            {
                c: MappingProxyType({sid: MappingProxyType(dict(e)) for sid, e in v.items()})
                for c, v in cohort_edges.items()
            }
        ),
    )


def timeline_with_problems(
    scenario: Scenario, variant: Variant, variant_path: str = "variants"
) -> tuple[tuple[Phase, ...], list[Problem]]:
    problems: list[Problem] = []
    index = {p.id: i for i, p in enumerate(scenario.policies)}
    chosen = [index[pid] for pid in variant.policies if pid in index]
    # stable: by start time, then the variant's own order
    chosen.sort(key=lambda i: scenario.policies[i].start)
    phase = base_phase(scenario)
    phases = [phase]
    for i in chosen:
        start = scenario.policies[i].start
        phase = _apply_policy(scenario, phase, i, problems)
        phase = replace(phase, start=float(start))
        if start <= phases[-1].start:
            phases[-1] = phase
        else:
            phases.append(phase)
    return tuple(phases), problems


def variant_timeline(scenario: Scenario, variant_id: str) -> tuple[Phase, ...]:
    """The phases of ``variant_id``; raises :class:`ScenarioError` if a policy cannot apply."""
    variant = scenario.variant(variant_id)
    phases, problems = timeline_with_problems(scenario, variant)
    if problems:
        raise ScenarioError(problems)
    return phases
