"""Rules that need the whole scenario: ids resolve, probabilities sum, policies apply."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .errors import Problem
from .policies import PROBABILITY_SLACK, timeline_with_problems
from .scenario import ArrivalRateChange, Route, RouteChange, Scenario


def _unique(items: Iterable[str], path: str, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item in seen:
            problems.append(
                Problem(
                    f"{path}[{i}].id",
                    f"'{item}' is already used by {path}[{seen[item]}]; ids must be unique",
                )
            )
        else:
            seen[item] = i


def _check_routes(
    routes: tuple[Route, ...], path: str, service_ids: set[str], problems: list[Problem]
) -> None:
    seen: set[str] = set()
    for j, r in enumerate(routes):
        if r.to not in service_ids:
            problems.append(Problem(f"{path}[{j}].to", f"no service has id '{r.to}'"))
        if r.to in seen:
            problems.append(
                Problem(
                    f"{path}[{j}].to", f"'{r.to}' is listed twice; give one route per destination"
                )
            )
        seen.add(r.to)
    total = math.fsum(r.p for r in routes)
    if total > 1 + PROBABILITY_SLACK:
        problems.append(
            Problem(
                path, f"probabilities sum to {total:g}; they must sum to at most 1 (the rest leave)"
            )
        )


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Every cross-field problem of a structurally valid scenario (empty list if none)."""
    problems: list[Problem] = []
    service_ids = {s.id for s in scenario.services}
    cohort_ids = {c.id for c in scenario.cohorts}
    policy_ids = {p.id for p in scenario.policies}
    _unique((s.id for s in scenario.services), "services", problems)
    _unique((c.id for c in scenario.cohorts), "cohorts", problems)
    _unique((p.id for p in scenario.policies), "policies", problems)

    for i, s in enumerate(scenario.services):
        where = f"services[{i}]"
        _check_routes(s.routes, f"{where}.routes", service_ids, problems)
        if s.abandon_to is not None:
            if s.abandon_to not in service_ids:
                problems.append(
                    Problem(f"{where}.abandon_to", f"no service has id '{s.abandon_to}'")
                )
            if s.patience is None:
                problems.append(
                    Problem(
                        f"{where}.abandon_to",
                        "has no effect without patience; set patience or remove abandon_to",
                    )
                )
        if s.capacity_schedule is not None and s.capacity is None:
            problems.append(
                Problem(
                    f"{where}.capacity_schedule",
                    "an unlimited service (capacity null) cannot have a schedule",
                )
            )

    for i, c in enumerate(scenario.cohorts):
        where = f"cohorts[{i}]"
        if isinstance(c.entry, str):
            if c.entry not in service_ids:
                problems.append(Problem(f"{where}.entry", f"no service has id '{c.entry}'"))
        else:
            _check_routes(c.entry, f"{where}.entry", service_ids, problems)
        for sid, routes in c.routes.items():
            if sid not in service_ids:
                problems.append(Problem(f"{where}.routes.{sid}", f"no service has id '{sid}'"))
            _check_routes(routes, f"{where}.routes.{sid}", service_ids, problems)

    for i, p in enumerate(scenario.policies):
        for j, ch in enumerate(p.changes):
            where = f"policies[{i}].changes[{j}]"
            if isinstance(ch, ArrivalRateChange):
                if ch.cohort not in cohort_ids:
                    problems.append(Problem(f"{where}.cohort", f"no cohort has id '{ch.cohort}'"))
                continue
            if ch.service not in service_ids:
                problems.append(Problem(f"{where}.service", f"no service has id '{ch.service}'"))
            if isinstance(ch, RouteChange):
                if ch.to not in service_ids:
                    problems.append(Problem(f"{where}.to", f"no service has id '{ch.to}'"))
                if ch.cohort is not None and ch.cohort not in cohort_ids:
                    problems.append(Problem(f"{where}.cohort", f"no cohort has id '{ch.cohort}'"))

    if scenario.variants is not None:
        _unique((v.id for v in scenario.variants), "variants", problems)
        if not scenario.variants:
            problems.append(Problem("variants", "list at least one variant, or leave variants out"))
        elif "baseline" not in {v.id for v in scenario.variants}:
            problems.append(
                Problem(
                    "variants",
                    "one variant must have id 'baseline': the others are compared with it",
                )
            )
        for i, v in enumerate(scenario.variants):
            seen: set[str] = set()
            for j, pid in enumerate(v.policies):
                if pid not in policy_ids:
                    problems.append(
                        Problem(f"variants[{i}].policies[{j}]", f"no policy has id '{pid}'")
                    )
                if pid in seen:
                    problems.append(
                        Problem(f"variants[{i}].policies[{j}]", f"'{pid}' is listed twice")
                    )
                seen.add(pid)

    if problems:
        return problems  # the timelines below assume ids resolve

    # Each variant's policies must apply cleanly (capacity stays ≥ 1, routes sum ≤ 1 ...).
    reported: set[Problem] = set()
    for v in scenario.effective_variants:
        _, found = timeline_with_problems(scenario, v)
        for p in found:
            if p not in reported:
                reported.add(p)
                problems.append(p)
    return problems
