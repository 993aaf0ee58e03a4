"""Everything a report shows, gathered from the scenario and its results into a plain dict.

The renderers (HTML, PDF, Word) only lay this out; none of them computes or words a figure.
Figures missing from older results (``p_target_met``, ``provenance``, series bands) are
skipped, never invented.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ... import __version__
from ...model.canonical import dumps_scenario
from ...model.scenario import Scenario
from ..tables import SERVICE_METRICS
from . import assurance, model_tables, stress_des
from .description import description_blocks, description_html, named_sources
from .words import fmt_figure, money, percent, plural_unit, summarise, verdict

#: the figures shown per service, with the unit each is in
RESULT_METRICS = [m for m, _ in SERVICE_METRICS] + ["p_target_met"]
LABELS = {**dict(SERVICE_METRICS), "p_target_met": "Chance the target is met"}
TIME_METRICS = {"mean_wait", "p90_wait", "mean_time_in_system", "mean_blocked_time"}
RATE_METRICS = {"throughput", "abandoned", "turned_away"}
COST_PARTS = (
    ("total", "Total"),
    ("staff_and_capacity", "Staff and capacity"),
    ("per_case", "Per case"),
    ("policies", "Policies"),
)


def metric_label(metric: str, time_unit: str) -> str:
    label = LABELS.get(metric, metric)
    if metric in TIME_METRICS:
        return f"{label} ({plural_unit(time_unit)})"
    if metric in RATE_METRICS:
        return f"{label} (per {time_unit})"
    if metric in ("mean_queue_length", "backlog_at_end"):
        return f"{label} (people)"
    return label


def canonical_sha256(scenario: Scenario) -> tuple[str, str]:
    """(the file's canonical text, its sha256): the text that is attached and hashed."""
    text = dumps_scenario(scenario)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cell(fig: dict[str, Any] | None, metric: str, signed: bool = False) -> dict[str, Any]:
    return {
        "text": fmt_figure(fig, metric, signed=signed),
        "mean": None if fig is None else fig["mean"],
        "low": None if fig is None else fig["ci95"][0],
        "high": None if fig is None else fig["ci95"][1],
        "verdict": verdict(metric, fig) if signed else "",
    }


def build_context(
    scenario: Scenario,
    results: dict[str, Any],
    *,
    analyst: str = "",
    command: str | None = None,
    ran_here: bool = False,
    file_name: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    u = scenario.time_unit
    text, sha = canonical_sha256(scenario)
    prov = results.get("provenance") or {}
    variants_res: dict[str, Any] = results.get("variants") or {}
    comparisons: dict[str, Any] = results.get("comparisons") or {}
    vids = list(variants_res)
    base = "baseline" if "baseline" in vids else (vids[0] if vids else None)
    vnames = {v.id: v.name for v in scenario.effective_variants}
    snames = {s.id: s.name for s in scenario.services}
    sids = [s.id for s in scenario.services]
    variants = [
        {"id": v, "name": vnames.get(v, v), "is_baseline": v == base} for v in vids
    ]
    now = now or dt.datetime.now().astimezone()
    run = results.get("run") or {}

    # ----------------------------------------------------------------- summary
    summaries = summarise(results, snames, vnames, u, sids)
    by_variant = {s.variant_id: s for s in summaries}
    summary = []
    for v in vids:
        block = variants_res[v]
        cost = (block.get("cost") or {}).get("total")
        diff = ((comparisons.get(v) or {}).get("cost") or {}).get("total")
        targets = []
        for sid in sids:
            p = ((block.get("services") or {}).get(sid) or {}).get("p_target_met")
            if p is not None:
                targets.append(
                    f"{snames[sid]}: {percent(p['mean'])} chance of meeting its target "
                    f"(95% CI {percent(p['ci95'][0])} to {percent(p['ci95'][1])})"
                )
        item = {
            "id": v,
            "name": vnames.get(v, v),
            "is_baseline": v == base,
            "cost": money(fmt_figure(cost, "total")) if cost else "—",
            "cost_difference": money(fmt_figure(diff, "total", signed=True)) if diff else "",
            "cost_verdict": verdict("total", diff) if diff else "",
            "targets": targets,
        }
        s = by_variant.get(v)
        if s is not None:
            item.update(
                sentence=s.sentence(),
                verdicts=s.sentence()[len(s.name) + 2 :],
                better=[{"service": n, "detail": d} for _, n, d in s.better],
                worse=[{"service": n, "detail": d} for _, n, d in s.worse],
            )
        summary.append(item)

    # ----------------------------------------------------------------- results per service
    services = []
    for sid in sids:
        rows = []
        for metric in RESULT_METRICS:
            figs = [((variants_res[v].get("services") or {}).get(sid) or {}).get(metric)
                    for v in vids]
            if all(f is None for f in figs):
                continue
            rows.append(
                {
                    "metric": metric,
                    "label": metric_label(metric, u),
                    "cells": [_cell(f, metric) for f in figs],
                }
            )
        diffs = []
        for v in vids:
            if v == base or v not in comparisons:
                continue
            block = (comparisons[v].get("services") or {}).get(sid) or {}
            diffs.append(
                {
                    "variant": vnames.get(v, v),
                    "cells": [_cell(block.get(m), m, signed=True) for m in FOREST_METRICS],
                }
            )
        services.append({"id": sid, "name": snames[sid], "rows": rows, "differences": diffs})

    # ----------------------------------------------------------------- costs
    costs = []
    for v in vids:
        block = variants_res[v].get("cost") or {}
        diff = (comparisons.get(v) or {}).get("cost") or {}
        costs.append(
            {
                "variant": vnames.get(v, v),
                "id": v,
                "parts": [
                    {**_cell(block.get(k), k), "text": money(fmt_figure(block.get(k), k))}
                    for k, _ in COST_PARTS
                ],
                "difference": {
                    **_cell(diff.get("total"), "total", signed=True),
                    "text": money(fmt_figure(diff.get("total"), "total", signed=True))
                    if diff.get("total")
                    else "—",
                },
            }
        )

    # ----------------------------------------------------------------- forest and series
    forest = {
        "metric": "mean_wait",
        "label": metric_label("mean_wait", u),
        "variants": [
            {
                "name": vnames.get(v, v),
                "rows": [
                    {"service": snames[sid], **_cell(
                        ((comparisons[v].get("services") or {}).get(sid) or {}).get("mean_wait"),
                        "mean_wait", signed=True)}
                    for sid in sids
                ],
            }
            for v in vids
            if v != base and v in comparisons
        ],
    }
    series = _series(results, scenario, vids, vnames, snames, sids)

    # ----------------------------------------------------------------- model, assurance
    sources = named_sources(scenario.description)
    assumptions = assurance.assumptions_log(scenario)
    revision = prov.get("scenario_revision")
    if file_name is None:
        file_name = "scenario.mission.json"
    if command is None:
        command = prov.get("command") or reproduce_command(file_name, results)
    return {
        "title": {
            "name": scenario.name,
            "revision": "not recorded" if revision is None else str(revision),
            "date": now.strftime("%d %B %Y, %H:%M %Z").strip(),
            "analyst": analyst or "not given",
            "sha256": sha,
            "results_sha256": prov.get("scenario_sha256"),
            "sha_matches": prov.get("scenario_sha256") in (None, sha),
            "version": __version__,
            "time_unit": u,
            "units": plural_unit(u),
        },
        "run": {
            "horizon": _g(run.get("horizon")),
            "warm_up": _g(run.get("warm_up")),
            "replications": run.get("replications"),
            "seed": run.get("seed"),
        },
        "baseline": {"id": base, "name": vnames.get(base, base or "")},
        "variants": variants,
        "summary": summary,
        "warnings": list(results.get("warnings") or []),
        "services": services,
        "forest_metrics": [metric_label(m, u) for m in FOREST_METRICS],
        "forest": forest,
        "series": series,
        "costs": costs,
        "model_tables": model_tables.model_tables(scenario, vids),
        "description_html": description_html(scenario.description),
        "description_blocks": description_blocks(scenario.description),
        "assumptions": assumptions,
        "decisions": assurance.decisions_log(scenario, results),
        "data_log": assurance.data_log(scenario, sha),
        "stress": stress_des.checklist(
            scenario,
            results,
            ran_here=ran_here,
            sources=sources,
            assumptions_from_file=assumptions["from_file"],
        ),
        "stress_open": stress_des.FOR_ANALYST,
        "command": command,
        "file_name": file_name,
        "file_text": text,
    }


#: the differences shown per service (and in the forest plot: the first)
FOREST_METRICS = ("mean_wait", "p90_wait", "mean_queue_length", "backlog_at_end")


def reproduce_command(file_name: str, results: dict[str, Any]) -> str:
    run = results.get("run") or {}
    parts = ["mission-desktop", "run", _quote(file_name)]
    if run.get("replications") is not None:
        parts += ["--replications", str(run["replications"])]
    if run.get("seed") is not None:
        parts += ["--seed", str(run["seed"])]
    if run.get("horizon") is not None:
        parts += ["--horizon", f"{run['horizon']:g}"]
    parts += ["--json", "results.json"]
    return " ".join(parts)


def _g(x: Any) -> str:
    return "—" if x is None else f"{x:g}"


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _series(results, scenario, vids, vnames, snames, sids) -> dict[str, Any] | None:
    raw = results.get("series") or {}
    if not raw:
        return None
    starts = []
    for p in scenario.policies:
        if any(p.id in v.policies for v in scenario.effective_variants if v.id in vids):
            starts.append({"time": p.start, "label": p.name})
    out = {"warm_up": (results.get("run") or {}).get("warm_up", 0), "starts": starts,
           "services": []}
    for sid in sids:
        lines = []
        for v in vids:
            block = (raw.get(v) or {})
            s = (block.get("services") or {}).get(sid)
            if not s or "queue" not in s:
                continue
            band = s.get("queue_ci95")
            lines.append(
                {
                    "name": vnames.get(v, v),
                    "time": block.get("time") or [],
                    "mean": s["queue"],
                    "low": band[0] if band else None,
                    "high": band[1] if band else None,
                }
            )
        if lines:
            out["services"].append({"id": sid, "name": snames[sid], "lines": lines})
    return out
