"""The figures a Decide dialog offers and how they read in words (no Qt here).

A figure is a path into a results block: ``("cost", "total")``,
``("services", "hospital", "mean_wait")`` or ``("cohorts", "older_frail", "mean_journey_time")``.
"""

from __future__ import annotations

import math
from typing import Any

from mission_desktop.report.format import money

Figure = tuple[str, ...]

SERVICE_METRICS = (
    ("mean_wait", "mean wait"),
    ("p90_wait", "90th percentile wait"),
    ("mean_queue_length", "mean queue length"),
    ("utilisation", "utilisation"),
    ("share_within_target", "share seen within target"),
    ("backlog_at_end", "backlog at the end"),
)
COHORT_METRICS = (("mean_journey_time", "mean journey time"),)
TIME_METRICS = {"mean_wait", "p90_wait", "mean_journey_time", "mean_time_in_system"}
SHARE_METRICS = {"utilisation", "share_within_target"}


def figure_choices(scenario: Any, block: dict[str, Any]) -> list[tuple[str, Figure]]:
    """(words, figure) for every figure present in a results-shaped ``block``: total cost
    first, then each service's and each cohort's, in the file's order."""
    out: list[tuple[str, Figure]] = []
    if "total" in (block.get("cost") or {}):
        out.append(("Total cost", ("cost", "total")))
    services = block.get("services") or {}
    for s in scenario.services:
        for key, words in SERVICE_METRICS:
            if key in services.get(s.id, {}):
                out.append((f"{words.capitalize()} at {s.name}", ("services", s.id, key)))
    cohorts = block.get("cohorts") or {}
    for c in scenario.cohorts:
        for key, words in COHORT_METRICS:
            if key in cohorts.get(c.id, {}):
                out.append((f"{words.capitalize()} of {c.name}", ("cohorts", c.id, key)))
    return out


def figure_at(block: dict[str, Any], figure: Figure) -> dict[str, Any] | None:
    node: Any = block
    for key in figure:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, dict) and "mean" in node else None


def short_name(scenario: Any, figure: Figure) -> str:
    """'mean wait', 'total cost': the figure as the end of a sentence."""
    if figure[0] == "cost":
        return "total cost"
    words = dict(SERVICE_METRICS + COHORT_METRICS).get(figure[-1], figure[-1].replace("_", " "))
    return words


def amount(value: float | None, figure: Figure, unit: str, *, sign: bool = False) -> str:
    """A value (or a difference, with ``sign``) of ``figure`` in words with its unit."""
    if value is None or not math.isfinite(value):
        return "not known"
    if figure[0] == "cost":
        return money(value, minus="−", sign=sign)
    key = figure[-1]
    if key in SHARE_METRICS:
        text = f"{abs(value) * 100:.1f}{' points' if sign else '%'}"
    elif key in TIME_METRICS:
        text = f"{abs(value):.2g} {unit}s" if abs(value) < 10 else f"{abs(value):,.0f} {unit}s"
    else:
        text = f"{abs(value):.3g} people" if abs(value) < 1000 else f"{abs(value):,.0f} people"
    if sign:
        return ("+" if value > 0 else "−" if value < 0 else "±") + text
    return ("−" if value < 0 else "") + text


def axis_unit(figure: Figure, unit: str) -> str:
    """The unit a chart axis of ``figure`` is in: '£', 'days', '% points', 'people'."""
    if figure[0] == "cost":
        return "£"
    if figure[-1] in SHARE_METRICS:
        return "share, 0 to 1"
    return f"{unit}s" if figure[-1] in TIME_METRICS else "people"


def change_words(assumption: Any, value: float, central: float) -> str:
    """'−10%' (multiply), '+4' (add), 'p 0.30' (route): an assumption's end in words."""
    lever = getattr(assumption, "lever", "")
    if lever == "route":
        return f"p {value:.2f}"
    if lever in ("capacity", "queue_limit"):
        d = value - central
        return f"{'+' if d >= 0 else '−'}{abs(d):g}"
    pct = (value - 1) * 100
    return f"{'+' if pct >= 0 else '−'}{abs(pct):.0f}%"


def tornado_rows(result: dict[str, Any], figure: Figure) -> list[dict[str, Any]]:
    """One row per assumption: its name, low and high values, and the paired difference of
    ``figure`` at each end (``{"mean", "ci95"}`` or None) — ordered by the largest |effect|
    at either end, the largest first (ties keep the file's order)."""
    rows = []
    for order, (aid, a) in enumerate(result.get("assumptions", {}).items()):
        low, high = figure_at(a["low"], figure), figure_at(a["high"], figure)
        effects = [abs(x["mean"]) for x in (low, high) if x and x.get("mean") is not None]
        rows.append(
            {
                "id": aid,
                "name": a.get("name", aid),
                "values": a.get("values", {}),
                "low": low,
                "high": high,
                "effect": max(effects) if effects else 0.0,
                "order": order,
            }
        )
    rows.sort(key=lambda r: (-r["effect"], r["order"]))
    return rows
