"""Rules that need the whole scenario: ids resolve, probabilities sum, policies apply.

The reference, uniqueness and sum rules (:func:`check_references`) read a validated
:class:`Scenario` or a raw document that failed validation alike, tolerating any shape: a
file with a structural error still has every broken reference reported with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .base import ID_PATTERN
from .errors import Problem
from .levers import LEVERS
from .policies import PROBABILITY_SLACK, timeline_with_problems
from .scenario import Scenario
from .typos import MAX_SUGGESTED, did_you_mean

_ID = re.compile(ID_PATTERN)
_ABSENT: Any = object()


def _get(obj: Any, key: str) -> Any:
    """``obj[key]`` of a raw object, or the field of a model; ``_ABSENT`` if there is none."""
    if isinstance(obj, dict):
        return obj.get(key, _ABSENT)
    if isinstance(obj, BaseModel):
        return getattr(obj, key, _ABSENT)
    return _ABSENT


def _is_object(value: Any) -> bool:
    return isinstance(value, dict | BaseModel)


def _as_list(value: Any) -> list[Any] | tuple[Any, ...] | None:
    return value if isinstance(value, list | tuple) else None


def _is_id(value: Any) -> bool:
    """A well-formed id: an ill-formed one is reported by validation, not as unresolved."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _probability(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= 1
    )


def _ids(items: Any) -> Iterator[tuple[int, str]]:
    """(index, id) of the items of a list that are objects with a text id."""
    for i, item in enumerate(_as_list(items) or ()):
        item_id = _get(item, "id")
        if _is_object(item) and isinstance(item_id, str):
            yield i, item_id


def _known(items: Any, *, may_be_empty: bool = True) -> set[str] | None:
    """The ids of a list of objects; None when it is not a list, or is empty and must not
    be (references cannot usefully be checked against it: validation reports it)."""
    listed = _as_list(items)
    if listed is None or (not listed and not may_be_empty):
        return None
    return {item_id for _, item_id in _ids(items)}


def _unique(items: Any, path: str, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for i, item in _ids(items):
        if item in seen:
            problems.append(
                Problem(
                    f"{path}[{i}].id",
                    f"'{item}' is already used by {path}[{seen[item]}]; ids must be unique",
                )
            )
        else:
            seen[item] = i


def _resolve(
    value: Any, known: set[str] | None, what: str, path: str, problems: list[Problem]
) -> None:
    """``value`` names an existing ``what`` (only well-formed ids against a known list)."""
    if known is not None and _is_id(value) and value not in known:
        hint = did_you_mean(value, known) if len(problems) < MAX_SUGGESTED else ""
        problems.append(Problem(path, f"no {what} has id '{value}'{hint}"))


def _check_routes(
    routes: Any,
    path: str,
    service_ids: set[str] | None,
    problems: list[Problem],
    *,
    check_sum: bool = True,
) -> None:
    items = _as_list(routes)
    if items is None:
        return
    seen: set[str] = set()
    for j, r in enumerate(items):
        to = _get(r, "to")
        if not isinstance(to, str):
            continue
        _resolve(to, service_ids, "service", f"{path}[{j}].to", problems)
        if to in seen:
            problems.append(
                Problem(
                    f"{path}[{j}].to", f"'{to}' is listed twice; give one route per destination"
                )
            )
        seen.add(to)
    ps = [_get(r, "p") for r in items]
    if not check_sum or not all(_probability(p) for p in ps):
        return  # a probability that is not one is reported by validation
    total = math.fsum(ps)
    if total > 1 + PROBABILITY_SLACK:
        problems.append(
            Problem(
                path, f"probabilities sum to {total:g}; they must sum to at most 1 (the rest leave)"
            )
        )


def check_references(scenario: Scenario | Any) -> list[Problem]:
    """Ids unique and resolving, route probabilities summing to at most 1, and the other
    rules that relate fields, of a :class:`Scenario` or of a raw document of any shape
    (what cannot be read is skipped: validation reports it). Empty list if none."""
    problems: list[Problem] = []
    services, cohorts, policies = (
        _get(scenario, "services"),
        _get(scenario, "cohorts"),
        _get(scenario, "policies"),
    )
    service_ids = _known(services, may_be_empty=False)
    cohort_ids = _known(cohorts, may_be_empty=False)
    policy_ids = _known(policies)
    if policies is _ABSENT or policies is None:
        policy_ids = set()  # policies default to none
    _unique(services, "services", problems)
    _unique(cohorts, "cohorts", problems)
    _unique(policies, "policies", problems)

    for i, s in enumerate(_as_list(services) or ()):
        where = f"services[{i}]"
        _check_routes(_get(s, "routes"), f"{where}.routes", service_ids, problems)
        abandon_to = _get(s, "abandon_to")
        if isinstance(abandon_to, str):
            _resolve(abandon_to, service_ids, "service", f"{where}.abandon_to", problems)
            if _get(s, "patience") in (None, _ABSENT):
                problems.append(
                    Problem(
                        f"{where}.abandon_to",
                        "has no effect without patience; set patience or remove abandon_to",
                    )
                )
        if _get(s, "capacity_schedule") not in (None, _ABSENT) and _get(s, "capacity") is None:
            problems.append(
                Problem(
                    f"{where}.capacity_schedule",
                    "an unlimited service (capacity null) cannot have a schedule",
                )
            )

    for i, c in enumerate(_as_list(cohorts) or ()):
        where = f"cohorts[{i}]"
        entry = _get(c, "entry")
        if isinstance(entry, str):
            _resolve(entry, service_ids, "service", f"{where}.entry", problems)
        else:  # validation checks that an entry list sums to exactly 1
            _check_routes(entry, f"{where}.entry", service_ids, problems, check_sum=False)
        routes = _get(c, "routes")
        for sid, rs in routes.items() if isinstance(routes, dict) else ():
            _resolve(sid, service_ids, "service", f"{where}.routes.{sid}", problems)
            _check_routes(rs, f"{where}.routes.{sid}", service_ids, problems)

    for i, p in enumerate(_as_list(policies) or ()):
        for j, ch in enumerate(_as_list(_get(p, "changes")) or ()):
            where = f"policies[{i}].changes[{j}]"
            lever = _get(ch, "lever")
            known_lever = isinstance(lever, str) and lever in LEVERS
            if lever == "arrival_rate":
                _resolve(_get(ch, "cohort"), cohort_ids, "cohort", f"{where}.cohort", problems)
                continue
            _resolve(_get(ch, "service"), service_ids, "service", f"{where}.service", problems)
            if lever == "route" or not known_lever:
                _resolve(_get(ch, "to"), service_ids, "service", f"{where}.to", problems)
                _resolve(_get(ch, "cohort"), cohort_ids, "cohort", f"{where}.cohort", problems)

    variants = _as_list(_get(scenario, "variants"))
    if variants is not None:
        _unique(variants, "variants", problems)
        listed = [item_id for _, item_id in _ids(variants)]
        if not variants:
            problems.append(Problem("variants", "list at least one variant, or leave variants out"))
        elif len(listed) == len(variants) and "baseline" not in listed:
            problems.append(
                Problem(
                    "variants",
                    "one variant must have id 'baseline': the others are compared with it",
                )
            )
        for i, v in enumerate(variants):
            seen: set[str] = set()
            for j, pid in enumerate(_as_list(_get(v, "policies")) or ()):
                if not isinstance(pid, str):
                    continue
                _resolve(pid, policy_ids, "policy", f"variants[{i}].policies[{j}]", problems)
                if pid in seen:
                    problems.append(
                        Problem(f"variants[{i}].policies[{j}]", f"'{pid}' is listed twice")
                    )
                seen.add(pid)
    return problems


#: the most capacity steps or profile slices one service or cohort may pass through in a run
MAX_CHANGES_PER_RUN = 10_000_000


def _periods_too_short(scenario: Scenario) -> list[Problem]:
    """A schedule or profile so short for the horizon that the engine would spend the run
    changing capacity or rates (a period of 1e-9 over a year is 3.65e11 changes)."""
    horizon = scenario.run.horizon
    found: list[tuple[str, float, int, str, str]] = []  # path, period, pieces, what, changing
    for i, s in enumerate(scenario.services):
        if s.capacity_schedule is not None:
            sch = s.capacity_schedule
            path = f"services[{i}].capacity_schedule"
            found.append((path, sch.period, len(sch.steps), "step", "capacity"))
    for i, c in enumerate(scenario.cohorts):
        if c.arrivals.profile is not None:
            pr = c.arrivals.profile
            path = f"cohorts[{i}].arrivals.profile"
            found.append((path, pr.period, len(pr.multipliers), "slice", "rate"))
    problems = []
    for path, period, pieces, what, changes in found:
        count = horizon / period * pieces
        if count > MAX_CHANGES_PER_RUN:
            problems.append(
                Problem(
                    f"{path}.period",
                    f"is too short: with {pieces} {what}{'s' if pieces != 1 else ''} the "
                    f"{changes} would change about {count:.2g} times over run.horizon "
                    f"({horizon:g}); the most is {MAX_CHANGES_PER_RUN:,}. Lengthen the period "
                    "(or shorten the horizon)",
                )
            )
    return problems


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Every cross-field problem of a structurally valid scenario (empty list if none)."""
    problems = check_references(scenario) + _periods_too_short(scenario)
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
