"""Rules of the version-2 fields that need the whole scenario: today's people, growth,
assumptions and decisions (SCENARIO_FORMAT.md, "Version 2").

Like :func:`.checks.check_references`, :func:`check_twin` reads a validated
:class:`Scenario` or a raw document that failed validation alike, tolerating any shape, so a
broken file has every problem reported at once.
"""

from __future__ import annotations

import math
from typing import Any

from .checks import _ABSENT, _as_list, _get, _is_id, _is_object, _known, _resolve, _unique
from .errors import Problem
from .policies import PROBABILITY_SLACK
from .services import CapacitySchedule

#: the most demand may grow or shrink over a run (factor ** (horizon / every))
MAX_GROWTH_OVER_RUN = 1e6


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _pair(value: Any) -> tuple[float, float] | None:
    items = _as_list(value)
    if items is None or len(items) != 2 or not all(_number(v) for v in items):
        return None
    return float(items[0]), float(items[1])


def _name(obj: Any) -> str:
    name = _get(obj, "name")
    return f" “{name}”" if isinstance(name, str) and name else ""


def _by_id(items: Any) -> dict[str, Any]:
    return {
        _get(x, "id"): x
        for x in _as_list(items) or ()
        if _is_object(x) and isinstance(_get(x, "id"), str)
    }


def _capacity_at_start(service: Any) -> int | None:
    """Servers at time 0 (None: unlimited or unreadable)."""
    capacity = _get(service, "capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool):
        return None
    schedule = _get(service, "capacity_schedule")
    if isinstance(schedule, CapacitySchedule):
        return schedule.capacity_at(0.0)
    if schedule not in (None, _ABSENT):
        return None  # a raw schedule that failed validation: reported there
    return capacity


def _check_initial(scenario: Any, cohort_ids: set[str] | None, problems: list[Problem]) -> None:
    for i, s in enumerate(_as_list(_get(scenario, "services")) or ()):
        items = _as_list(_get(s, "initial"))
        if not items:
            continue
        where = f"services[{i}].initial"
        in_service = 0
        counted = True
        for j, item in enumerate(items):
            _resolve(_get(item, "cohort"), cohort_ids, "cohort", f"{where}[{j}].cohort", problems)
            n = _get(item, "in_service")
            if n is _ABSENT:
                n = 0
            if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
                in_service += n
            else:
                counted = False
            waiting = _get(item, "waiting")
            if _get(s, "capacity") is None and isinstance(waiting, int) and waiting > 0:
                problems.append(
                    Problem(
                        f"{where}[{j}].waiting",
                        f"nobody waits at{_name(s)}: its capacity is unlimited; "
                        "count these people in_service instead",
                    )
                )
        capacity = _capacity_at_start(s)
        if counted and capacity is not None and in_service > capacity:
            problems.append(
                Problem(
                    where,
                    f"{in_service} people in_service at time 0, but{_name(s)} has "
                    f"{capacity} server{'s' if capacity != 1 else ''} then; "
                    "put the others in waiting",
                )
            )


def _check_growth(scenario: Any, problems: list[Problem]) -> None:
    horizon = _get(_get(scenario, "run"), "horizon")
    if not _number(horizon) or horizon <= 0:
        return
    for i, c in enumerate(_as_list(_get(scenario, "cohorts")) or ()):
        growth = _get(_get(c, "arrivals"), "growth")
        factor, every = _get(growth, "factor"), _get(growth, "every")
        if not (_number(factor) and _number(every) and factor > 0 and every > 0):
            continue  # validation reports it
        exponent = math.log(factor) * horizon / every
        if abs(exponent) > math.log(MAX_GROWTH_OVER_RUN):
            over = "grow" if exponent > 0 else "shrink"
            problems.append(
                Problem(
                    f"cohorts[{i}].arrivals.growth",
                    f"demand of{_name(c)} would {over} by a factor of more than "
                    f"{MAX_GROWTH_OVER_RUN:,.0f} over the run (horizon {horizon:g}); "
                    "check factor and every",
                )
            )


def _route_p(scenario: Any, service: Any, to: Any, cohort_id: Any) -> tuple[float, float]:
    """(the route's own p, the sum of the other routes) out of ``service`` for the cohort."""
    routes = _get(service, "routes")
    if isinstance(cohort_id, str):
        cohort = _by_id(_get(scenario, "cohorts")).get(cohort_id)
        override = _get(cohort, "routes")
        sid = _get(service, "id")
        if isinstance(override, dict) and sid in override:
            routes = override[sid]
    own, others = 0.0, 0.0
    for r in _as_list(routes) or ():
        p = _get(r, "p")
        if not _number(p):
            continue
        if _get(r, "to") == to:
            own = float(p)
        else:
            others += float(p)
    return own, others


def _check_lever(
    scenario: Any,
    item: Any,
    where: str,
    ids: tuple[set[str] | None, set[str] | None],
    problems: list[Problem],
    *,
    central: bool,
) -> None:
    """One assumption or decision lever: its target exists and can be varied over its range
    (and, for an assumption, the range contains the file's own value)."""
    service_ids, cohort_ids = ids
    lever = _get(item, "lever")
    if lever == "arrival_rate":
        _resolve(_get(item, "cohort"), cohort_ids, "cohort", f"{where}.cohort", problems)
        rng = _pair(_get(item, "multiply"))
        if central and rng and not rng[0] <= 1 <= rng[1]:
            problems.append(
                Problem(
                    f"{where}.multiply",
                    f"the range [{rng[0]:g}, {rng[1]:g}] must contain 1 (the file's own rate)",
                )
            )
        return
    sid = _get(item, "service")
    _resolve(sid, service_ids, "service", f"{where}.service", problems)
    service = _by_id(_get(scenario, "services")).get(sid) if _is_id(sid) else None
    if service is None:
        return
    named = f"service '{sid}'{_name(service)}"
    if lever in ("service_time", "patience"):
        if lever == "patience" and _get(service, "patience") in (None, _ABSENT):
            problems.append(Problem(f"{where}.service", f"{named} has no patience to vary"))
        rng = _pair(_get(item, "multiply"))
        if central and rng and not rng[0] <= 1 <= rng[1]:
            problems.append(
                Problem(
                    f"{where}.multiply",
                    f"the range [{rng[0]:g}, {rng[1]:g}] must contain 1 (the file's own value)",
                )
            )
    elif lever in ("capacity", "queue_limit"):
        rng = _pair(_get(item, "add"))
        current = _get(service, lever)
        if current in (None, _ABSENT):
            what = "unlimited capacity" if lever == "capacity" else "no queue limit"
            problems.append(Problem(f"{where}.service", f"{named} has {what} to vary"))
        elif rng and _number(current):
            lowest = 1 if lever == "capacity" else 0
            if current + rng[0] < lowest:
                problems.append(
                    Problem(
                        f"{where}.add",
                        f"{lever} {current:g} + {rng[0]:g} would be {current + rng[0]:g}; "
                        f"it must stay ≥ {lowest}",
                    )
                )
        if central and rng and not rng[0] <= 0 <= rng[1]:
            problems.append(
                Problem(
                    f"{where}.add",
                    f"the range [{rng[0]:g}, {rng[1]:g}] must contain 0 (the file's own value)",
                )
            )
    elif lever == "route":
        to, cohort_id = _get(item, "to"), _get(item, "cohort")
        _resolve(to, service_ids, "service", f"{where}.to", problems)
        if cohort_id not in (None, _ABSENT):
            _resolve(cohort_id, cohort_ids, "cohort", f"{where}.cohort", problems)
        rng = _pair(_get(item, "p"))
        if rng is None:
            return
        own, others = _route_p(scenario, service, to, cohort_id)
        if central and not rng[0] - PROBABILITY_SLACK <= own <= rng[1] + PROBABILITY_SLACK:
            problems.append(
                Problem(
                    f"{where}.p",
                    f"the range [{rng[0]:g}, {rng[1]:g}] must contain {own:g} "
                    f"(the route's own p in the file)",
                )
            )
        if others + rng[1] > 1 + PROBABILITY_SLACK:
            problems.append(
                Problem(
                    f"{where}.p",
                    f"at p = {rng[1]:g} the routes out of '{sid}' would sum to "
                    f"{others + rng[1]:g}; they must sum to at most 1",
                )
            )


def _check_decisions(
    scenario: Any, ids: tuple[set[str] | None, set[str] | None], problems: list[Problem]
) -> None:
    decisions = _get(scenario, "decisions")
    if not _is_object(decisions):
        return
    for j, lever in enumerate(_as_list(_get(decisions, "levers")) or ()):
        _check_lever(scenario, lever, f"decisions.levers[{j}]", ids, problems, central=False)
    policy_ids = _known(_get(scenario, "policies"))
    if _get(scenario, "policies") in (None, _ABSENT):
        policy_ids = set()
    seen: set[str] = set()
    for j, pid in enumerate(_as_list(_get(decisions, "policies")) or ()):
        _resolve(pid, policy_ids, "policy", f"decisions.policies[{j}]", problems)
        if isinstance(pid, str) and pid in seen:
            problems.append(Problem(f"decisions.policies[{j}]", f"'{pid}' is listed twice"))
        seen.add(pid)


def check_twin(scenario: Any) -> list[Problem]:
    """Every cross-field problem of the version-2 fields (empty list if none)."""
    problems: list[Problem] = []
    ids = (
        _known(_get(scenario, "services"), may_be_empty=False),
        _known(_get(scenario, "cohorts"), may_be_empty=False),
    )
    _check_initial(scenario, ids[1], problems)
    _check_growth(scenario, problems)
    assumptions = _get(scenario, "assumptions")
    _unique(assumptions, "assumptions", problems)
    for j, a in enumerate(_as_list(assumptions) or ()):
        _check_lever(scenario, a, f"assumptions[{j}]", ids, problems, central=True)
    _check_decisions(scenario, ids, problems)
    return problems
