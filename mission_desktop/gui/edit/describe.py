"""A distribution or a list of routes from the scenario's dict in a few words, for a table
cell: ``lognormal mean 2, sd 1``, ``gp 0.6, ae 0.4``."""

from __future__ import annotations

from typing import Any

from mission_desktop.report.format import plain as fmt_number


def describe_distribution(dist: dict[str, Any] | None) -> str:
    if not dist:
        return ""
    kind = dist.get("dist", "?")
    if kind == "empirical":
        n = len(dist.get("values", []))
        return f"empirical ({n} value{'s' if n != 1 else ''})"
    params = ", ".join(f"{k} {fmt_number(v)}" for k, v in dist.items() if k != "dist")
    return f"{kind} {params}".strip()


def describe_routes(routes: Any) -> str:
    if routes is None:
        return ""
    if isinstance(routes, str):
        return routes
    return ", ".join(f"{r['to']} {fmt_number(r['p'])}" for r in routes)
