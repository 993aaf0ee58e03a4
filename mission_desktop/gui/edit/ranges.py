"""Table columns shared by the assumptions and decisions editors: a lever, what it acts on,
and a range around the file's own value in the vocabulary of a policy change (``multiply``
for rates and times, whole-number ``add`` for capacity and queue limit, ``p`` for a route)."""

from __future__ import annotations

import re
from typing import Any

from mission_desktop.gui.edit.document import ScenarioDocument, value_problem
from mission_desktop.gui.edit.duration import exact
from mission_desktop.gui.edit.table_model import Column
from mission_desktop.model.levers import LEVERS

#: the range's key for each lever
RANGE_KEY = {
    "capacity": "add",
    "queue_limit": "add",
    "service_time": "multiply",
    "patience": "multiply",
    "arrival_rate": "multiply",
    "route": "p",
}
#: a first range for each key (each holds the file's own value: multiply 1, add 0, any p)
DEFAULT_RANGE = {"add": [0, 2], "multiply": [0.8, 1.2], "p": [0, 1]}
_SPLIT = re.compile(r"\s*(?:,|;|\bto\b|–|—|\.\.)\s*")


def range_key(item: dict[str, Any]) -> str:
    return RANGE_KEY.get(item.get("lever", ""), "multiply")


def range_text(item: dict[str, Any]) -> str:
    """``×0.8 to ×1.2``, ``+0 to +2``, ``p 0.3 to 0.6``."""
    key = range_key(item)
    pair = item.get(key)
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return ""
    lo, hi = (exact(v) for v in pair)
    if key == "multiply":
        return f"×{lo} to ×{hi}"
    if key == "add":
        return f"{'+' if float(pair[0]) >= 0 else ''}{lo} to {'+' if float(pair[1]) >= 0 else ''}{hi}"
    return f"p {lo} to {hi}"


def parse_range(text: Any, path: str, whole: bool) -> list[float]:
    """``0.8, 1.2`` or ``0.8 to 1.2`` (signs and × allowed) → ``[low, high]``."""
    s = str(text).replace("×", "").replace("p ", "").strip()
    parts = [p for p in _SPLIT.split(s) if p]
    if len(parts) != 2:
        raise value_problem(path, f"“{s}” is not a range: write it as low, high (e.g. 0.8, 1.2)")
    try:
        values = [float(p.replace("+", "")) for p in parts]
    except ValueError:
        raise value_problem(path, f"“{s}” is not a range of two numbers (e.g. 0.8, 1.2)") from None
    if whole:
        if any(v != int(v) for v in values):
            raise value_problem(path, "must be whole numbers for capacity and queue limit")
        return [int(v) for v in values]
    return values


def _target_key(item: dict[str, Any]) -> str:
    return "cohort" if item.get("lever") == "arrival_rate" else "service"


def reset_lever(item: dict[str, Any], lever: str, document: ScenarioDocument) -> None:
    """Make ``item`` a ``lever`` range (keeping what does not depend on the lever)."""
    scenario = document.scenario
    for key in ("service", "cohort", "to", "add", "multiply", "p"):
        item.pop(key, None)
    item["lever"] = lever
    if lever == "arrival_rate":
        item["cohort"] = scenario.cohorts[0].id
    else:
        routed = next((s for s in scenario.services if s.routes), scenario.services[0])
        item["service"] = routed.id
        if lever == "route":
            item["to"] = routed.routes[0].to if routed.routes else scenario.services[0].id
    item[RANGE_KEY[lever]] = list(DEFAULT_RANGE[RANGE_KEY[lever]])


def lever_columns(document: ScenarioDocument) -> list[Column]:
    """Lever, what it acts on, the destination (routes) and the range."""

    def store_lever(item: dict[str, Any], value: Any, path: str) -> None:
        lever = str(value).strip()
        if lever not in LEVERS:
            raise value_problem(path, f"must be one of {', '.join(LEVERS)}")
        if lever != item.get("lever"):
            reset_lever(item, lever, document)

    def store_target(item: dict[str, Any], value: Any, path: str) -> None:
        item[_target_key(item)] = str(value).strip()

    def store_to(item: dict[str, Any], value: Any, path: str) -> None:
        if item.get("lever") != "route":
            raise value_problem(path, "only a route has a destination")
        item["to"] = str(value).strip()

    def store_range(item: dict[str, Any], value: Any, path: str) -> None:
        key = range_key(item)
        item[key] = parse_range(value, path, whole=key == "add")

    def targets() -> tuple[str, ...]:
        s = document.scenario
        return tuple(x.id for x in s.services) + tuple(c.id for c in s.cohorts)

    return [
        Column(
            "lever",
            "Lever",
            lambda a: a.get("lever", ""),
            store_lever,
            "What varies: capacity, queue_limit, service_time, patience, arrival_rate or route",
            choices=lambda: LEVERS,
        ),
        Column(
            "service",
            "Service or cohort",
            lambda a: a.get(_target_key(a), ""),
            store_target,
            "The service (or, for arrival_rate, the cohort) it acts on",
            choices=targets,
        ),
        Column(
            "to",
            "To (routes)",
            lambda a: a.get("to", ""),
            store_to,
            "For a route: the destination service",
            choices=lambda: tuple(s.id for s in document.scenario.services),
        ),
        Column(
            "range",
            "Range",
            range_text,
            store_range,
            "Low, high around the file's own value: ×multiplier for rates and times, "
            "+whole number for capacity and queue limit, probability p for a route",
            edit_value=lambda a: ", ".join(exact(v) for v in a.get(range_key(a), [])),
        ),
    ]

