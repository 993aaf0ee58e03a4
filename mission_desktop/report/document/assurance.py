"""The assurance pack's logs: assumptions, decisions and data (where inputs came from).

Each log is a table ``{"caption", "columns", "rows"}`` like :mod:`.model_tables`.
"""

from __future__ import annotations

from typing import Any

from ...model.scenario import Scenario
from .description import named_sources
from .model_tables import (
    cohort_name,
    describe_change,
    describe_distribution,
    duration,
    service_name,
)
from .words import fmt_number, money, percent

TO_FILL = "(to fill in)"


def _get(item: Any, key: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def _assumption_range(item: Any) -> str:
    for key, fmt in (
        ("multiply", lambda v: f"×{fmt_number(v)}"),
        ("add", lambda v: f"{v:+g}"),
        ("p", percent),
    ):
        bounds = _get(item, key)
        if isinstance(bounds, list | tuple) and len(bounds) == 2:
            return f"{fmt(bounds[0])} to {fmt(bounds[1])}"
    return "—"


def _assumption_target(scenario: Scenario, item: Any) -> str:
    lever = _get(item, "lever", "")
    service, cohort, to = _get(item, "service"), _get(item, "cohort"), _get(item, "to")
    if lever == "route" and service and to:
        text = f"route {service_name(scenario, service)} → {service_name(scenario, to)}"
        return text + (f" ({cohort_name(scenario, cohort)})" if cohort else "")
    where = cohort_name(scenario, cohort) if cohort else service_name(scenario, service or "")
    return f"{str(lever).replace('_', ' ')} of {where}".strip()


def assumptions_log(scenario: Scenario) -> dict[str, Any]:
    """From the file's ``assumptions`` where it has them; otherwise every input with its
    value, pointing at the description's sources."""
    stated = _get(scenario, "assumptions") or ()
    if stated:
        rows = [
            [
                str(_get(a, "id", "")),
                f"{_get(a, 'name', '')}: {_assumption_target(scenario, a)}",
                _assumption_range(a),
                _get(a, "source") or "—",
                _get(a, "reliability") or "—",
                _get(a, "owner") or TO_FILL,
            ]
            for a in stated
        ]
        return {
            "caption": "Assumptions log (from the scenario file)",
            "columns": ["ID", "What", "Range", "Source", "Reliability", "Owner"],
            "rows": rows,
            "from_file": True,
        }
    sources = named_sources(scenario.description)
    source = (
        "See the description's sources (data log)"
        if sources
        else "Not stated in the file: for the analyst"
    )
    rows = [[label, value, source, TO_FILL] for label, value in every_input(scenario)]
    return {
        "caption": "Assumptions log (generated: every input with its value; the file states "
        "no assumptions)",
        "columns": ["Input", "Value", "Source", "Reliability"],
        "rows": rows,
        "from_file": False,
    }


def every_input(scenario: Scenario) -> list[tuple[str, str]]:
    """(input, value) for every number the model uses."""
    u = scenario.time_unit
    out: list[tuple[str, str]] = []
    run = scenario.run
    out.append(("Run length (horizon)", duration(run.horizon, u)))
    out.append(("Warm-up", duration(run.warm_up, u)))
    for s in scenario.services:
        out.append((f"{s.name}: capacity", "unlimited" if s.capacity is None else str(s.capacity)))
        out.append((f"{s.name}: service time", describe_distribution(s.service_time, u)))
        if s.patience is not None:
            out.append((f"{s.name}: patience", describe_distribution(s.patience, u)))
        if s.queue_limit is not None:
            out.append((f"{s.name}: queue limit", str(s.queue_limit)))
        if s.cost.per_server_per_time:
            out.append(
                (f"{s.name}: cost per server per {u}", money(fmt_number(s.cost.per_server_per_time)))
            )
        if s.cost.per_case:
            out.append((f"{s.name}: cost per case", money(fmt_number(s.cost.per_case))))
        for r in s.routes:
            out.append((f"{s.name} → {service_name(scenario, r.to)}", percent(r.p)))
    for c in scenario.cohorts:
        out.append((f"{c.name}: arrivals per {u}", fmt_number(c.arrivals.rate)))
        for r in c.entry_routes():
            out.append((f"{c.name}: enter at {service_name(scenario, r.to)}", percent(r.p)))
        for sid, routes in c.routes.items():
            for r in routes:
                out.append(
                    (f"{c.name}: {service_name(scenario, sid)} → {service_name(scenario, r.to)}", percent(r.p))
                )
    for p in scenario.policies:
        for ch in p.changes:
            out.append((f"Policy {p.name}", describe_change(scenario, ch)))
        if p.cost.one_off:
            out.append((f"Policy {p.name}: one-off cost", money(fmt_number(p.cost.one_off))))
        if p.cost.per_time:
            out.append((f"Policy {p.name}: cost per {u}", money(fmt_number(p.cost.per_time))))
    return out


def decisions_log(scenario: Scenario, results: dict[str, Any]) -> dict[str, Any]:
    """What was compared and how it was run, with who/when left to fill."""
    u = scenario.time_unit
    run = results.get("run") or {}
    run_variants = list((results.get("variants") or {}).keys())
    policy_names = {p.id: p.name for p in scenario.policies}
    rows = []
    for v in scenario.effective_variants:
        if v.id in run_variants:
            chosen = ", ".join(policy_names.get(p, p) for p in v.policies) or "no policies"
            rows.append([f"Compare variant “{v.name}”", chosen, TO_FILL, TO_FILL])
    rows.append(["Run length", duration(float(run.get("horizon", 0)), u), TO_FILL, TO_FILL])
    rows.append(["Warm-up", duration(float(run.get("warm_up", 0)), u), TO_FILL, TO_FILL])
    rows.append(["Replications", str(run.get("replications", "—")), TO_FILL, TO_FILL])
    rows.append(["Random seed", str(run.get("seed", "—")), TO_FILL, TO_FILL])
    return {
        "caption": "Decisions log",
        "columns": ["Decision", "What was chosen", "Decided by", "When"],
        "rows": rows,
    }


def data_log(scenario: Scenario, sha256: str) -> dict[str, Any]:
    """Where the inputs came from: stated sources, the description's named sources, observed
    figures, and the file itself."""
    rows = []
    for a in _get(scenario, "assumptions") or ():
        if _get(a, "source"):
            rows.append([_get(a, "source"), f"assumption {_get(a, 'id', '')}", "scenario file"])
    for name in named_sources(scenario.description):
        rows.append([name, "named in the scenario description", "scenario description"])
    for s in scenario.services:
        observed = _get(s, "observed")
        if observed is not None:
            period = _get(observed, "period") or ["?", "?"]
            rows.append(
                [
                    f"Observed figures for {s.name}",
                    f"calibration over {scenario.time_unit}s {period[0]} to {period[1]}",
                    "scenario file",
                ]
            )
    rows.append(
        [
            "The scenario file",
            "every input of this report",
            f"sha256 {sha256}",
        ]
    )
    if len(rows) == 1:
        rows.insert(0, [TO_FILL, "no sources are named in the file", "for the analyst"])
    return {"caption": "Data log", "columns": ["Source", "Used for", "Where recorded"], "rows": rows}
