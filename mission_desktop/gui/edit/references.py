"""Ids and names in the scenario's dict: a new one that is not taken, and renaming an id
everywhere it is referenced (routes, entries, policy levers, variants, the map's layout)."""

from __future__ import annotations

from typing import Any


def unique_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def unique_name(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base} ({n})" in taken:
        n += 1
    return f"{base} ({n})"





def rename_service(doc: dict[str, Any], old: str, new: str) -> None:
    """Point every reference to service ``old`` at ``new`` (routes, entries, levers, layout)."""

    def fix_routes(routes: Any) -> None:
        for r in routes or []:
            if r.get("to") == old:
                r["to"] = new

    for s in doc.get("services", []):
        fix_routes(s.get("routes"))
        if s.get("abandon_to") == old:
            s["abandon_to"] = new
    for c in doc.get("cohorts", []):
        if c.get("entry") == old:
            c["entry"] = new
        elif isinstance(c.get("entry"), list):
            fix_routes(c["entry"])
        overrides = c.get("routes") or {}
        if old in overrides:
            overrides[new] = overrides.pop(old)
        for routes in overrides.values():
            fix_routes(routes)
    for p in doc.get("policies", []):
        for ch in p.get("changes", []):
            if ch.get("service") == old:
                ch["service"] = new
            if ch.get("lever") == "route" and ch.get("to") == old:
                ch["to"] = new
    layout = (doc.get("ui") or {}).get("layout")
    if isinstance(layout, dict) and old in layout:
        layout[new] = layout.pop(old)


def rename_cohort(doc: dict[str, Any], old: str, new: str) -> None:
    for p in doc.get("policies", []):
        for ch in p.get("changes", []):
            if ch.get("cohort") == old:
                ch["cohort"] = new


def rename_policy(doc: dict[str, Any], old: str, new: str) -> None:
    for v in doc.get("variants") or []:
        v["policies"] = [new if p == old else p for p in v.get("policies", [])]
