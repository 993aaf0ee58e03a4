"""The canonical form of a scenario file: the same scenario always gives the same bytes
(model field order, a change's lever first, defaults left out, two-space indent with lists
of plain numbers on one line, UTF-8 with non-ASCII left readable, trailing newline)."""

from __future__ import annotations

import json
import math
from typing import Any

from .scenario import FORMAT, VERSION, Scenario


def _clean_floats(value: Any) -> Any:
    """Whole-number floats are written as integers (12 not 12.0), so files read naturally."""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if isinstance(value, dict):
        return {k: _clean_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_floats(v) for v in value]
    return value


#: a change reads lever first: what is changed, where, then by how much
_CHANGE_KEYS = ("lever", "service", "cohort", "to", "p", "set", "add", "multiply")


#: an assumption reads what it is, what it varies and by how much, then where it comes from
_ASSUMPTION_KEYS = ("id", "name", *_CHANGE_KEYS, "source", "reliability", "owner")


def _change_first(change: dict[str, Any], keys: tuple[str, ...] = _CHANGE_KEYS) -> dict[str, Any]:
    ordered = {k: change[k] for k in keys if k in change}
    return {**ordered, **{k: v for k, v in change.items() if k not in ordered}}


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The canonical JSON-ready form: defaults left out, required fields always present,
    fields in the models' order (a change's ``lever`` first), extra ``x_`` fields last."""
    doc = scenario.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    doc = {"format": FORMAT, "version": VERSION, **doc}
    for policy in doc.get("policies", ()):
        policy["changes"] = [_change_first(c) for c in policy["changes"]]
    if "assumptions" in doc:
        doc["assumptions"] = [_change_first(a, _ASSUMPTION_KEYS) for a in doc["assumptions"]]
    if "levers" in doc.get("decisions", {}):
        doc["decisions"]["levers"] = [_change_first(c) for c in doc["decisions"]["levers"]]
    return _clean_floats(doc)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _encode(value: Any, indent: str, out: list[str]) -> None:
    """JSON with two-space indent, except that a list of plain values (a schedule step, a
    profile's multipliers, empirical data) stays on one line."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        out.append("{\n")
        for i, (k, v) in enumerate(value.items()):
            out.append(f"{inner}{json.dumps(k, ensure_ascii=False)}: ")
            _encode(v, inner, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(indent + "}")
    elif isinstance(value, list) and value and not all(_is_scalar(v) for v in value):
        inner = indent + "  "
        out.append("[\n")
        for i, v in enumerate(value):
            out.append(inner)
            _encode(v, inner, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(indent + "]")
    else:
        out.append(json.dumps(value, ensure_ascii=False, allow_nan=False))


def dumps_scenario(scenario: Scenario) -> str:
    """The canonical text of a scenario file: the same scenario always gives the same bytes."""
    out: list[str] = []
    _encode(scenario_to_dict(scenario), "", out)
    out.append("\n")
    return "".join(out)
