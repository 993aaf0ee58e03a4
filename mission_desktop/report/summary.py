"""In words: which way each figure is better, the better/worse verdict on a paired difference,
and the "where did the pressure go?" summary — one wording for the app, the command line and
the report. No Qt.

A difference is called "better" or "worse" only where its 95% confidence interval excludes
zero; otherwise it is "no clear difference". Lower is better for waits, queues, backlog and
cost; higher is better for the share within target and the chance of meeting it; utilisation
and throughput are neutral ("higher" or "lower", never better/worse).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .format import format_signed

#: which way is better for a difference (−1: lower is better, +1: higher, 0: neither)
BETTER: dict[str, int] = {
    "mean_wait": -1,
    "p90_wait": -1,
    "mean_time_in_system": -1,
    "mean_queue_length": -1,
    "utilisation": 0,
    "throughput": 0,
    "abandoned": -1,
    "turned_away": -1,
    "mean_blocked_time": -1,
    "backlog_at_end": -1,
    "share_within_target": 1,
    "mean_journey_time": -1,
    "completed": 1,
    "total": -1,
    "staff_and_capacity": -1,
    "per_case": -1,
    "policies": -1,
    "p_target_met": 1,
    "policy_cost": -1,
    "waiting": -1,
}


def verdict(metric: str, fig: dict[str, Any] | None, sense: int | None = None) -> str:
    """For a paired difference: 'better', 'worse', 'higher', 'lower' where the CI excludes 0,
    else 'no clear difference'. ``sense`` overrides :data:`BETTER`'s direction."""
    if fig is None:
        return "n/a"
    lo, hi = fig["ci95"]
    if lo <= 0 <= hi:
        return "no clear difference"
    up = lo > 0
    if sense is None:  # a gap between cohorts (…_vs_all) is neither better nor worse
        sense = BETTER.get(metric, 0)
    if sense == 0:
        return "higher" if up else "lower"
    return "better" if (up and sense > 0) or (not up and sense < 0) else "worse"


LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL_DIRECTION = "lower", "higher", "neutral"
_DIRECTION = {-1: LOWER_IS_BETTER, 1: HIGHER_IS_BETTER, 0: NEUTRAL_DIRECTION}


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    kind: str  # "time", "people", "share"
    direction: str
    #: how the summary names it ("mean wait −0.14 days")
    short: str = ""


def _metric(key: str, label: str, kind: str, short: str) -> Metric:
    return Metric(key, label, kind, _DIRECTION[BETTER[key]], short)


METRICS: tuple[Metric, ...] = (
    _metric("mean_wait", "Mean wait", "time", "mean wait"),
    _metric("p90_wait", "90th percentile wait", "time", "90th percentile wait"),
    _metric("mean_queue_length", "Queue (average waiting)", "people", "queue"),
    _metric("utilisation", "Utilisation", "share", "utilisation"),
    _metric("backlog_at_end", "Backlog at end", "people", "backlog at end"),
    _metric("share_within_target", "Share within target", "share", "within target"),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}

BETTER_COLOUR = "#00664A"  # dark bluish green: readable as text
WORSE_COLOUR = "#A33A00"  # dark vermillion
UNCLEAR_COLOUR = "#555555"


def baseline_id(variant_ids: Iterable[str]) -> str | None:
    ids = list(variant_ids)
    if "baseline" in ids:
        return "baseline"
    return ids[0] if ids else None


@dataclass(frozen=True, slots=True)
class Judgement:
    #: "better", "worse", "higher", "lower" or "no clear difference" (or "—" if unknown)
    word: str
    #: "▲" (variant higher), "▼" (variant lower) or "" (no clear difference)
    arrow: str
    #: arrow, word and size, e.g. "▼ better (−0.80 days)"
    text: str
    colour: str
    #: the signed size of the difference, e.g. "−0.80 days" ('' when unclear)
    amount: str = ""


def judge_difference(metric_key: str, difference: dict | None, time_unit: str = "day") -> Judgement:
    """Better / worse only where the 95% CI of (variant − baseline) excludes zero
    (:func:`verdict`), with an arrow, the size in words and a colour."""
    metric = METRIC_BY_KEY.get(metric_key, Metric(metric_key, metric_key, "", NEUTRAL_DIRECTION))
    if not difference or difference.get("mean") is None:
        return Judgement("—", "", "—", UNCLEAR_COLOUR)
    mean = float(difference["mean"])
    ci = difference.get("ci95") or [mean, mean]
    sense = {LOWER_IS_BETTER: -1, HIGHER_IS_BETTER: 1}.get(metric.direction, 0)
    word = verdict(metric_key, {"mean": mean, "ci95": ci}, sense)
    if word == "no clear difference" or mean == 0:
        return Judgement("no clear difference", "", "no clear difference", UNCLEAR_COLOUR)
    arrow = "▲" if mean > 0 else "▼"
    amount = format_signed(mean, metric.kind, time_unit)
    colour = {"better": BETTER_COLOUR, "worse": WORSE_COLOUR}.get(word, UNCLEAR_COLOUR)
    return Judgement(word, arrow, f"{arrow} {word} ({amount})", colour, amount)


# ---------------------------------------------------------------------- the summary


@dataclass(slots=True)
class VariantSummary:
    """Where one policy variant is clearly better and clearly worse than the baseline."""

    variant_id: str
    name: str
    #: (service id, service name, e.g. "mean wait −0.14 days")
    better: list[tuple[str, str, str]] = field(default_factory=list)
    worse: list[tuple[str, str, str]] = field(default_factory=list)

    def sentence(self) -> str:
        """'Discharge to assess: better at Acute hospital beds (mean wait −0.14 days); worse
        at Reablement (mean wait +1.03 days).'"""
        parts = []
        if self.better:
            parts.append("better at " + ", ".join(f"{n} ({d})" for _, n, d in self.better))
        if self.worse:
            parts.append("worse at " + ", ".join(f"{n} ({d})" for _, n, d in self.worse))
        if not parts:
            return f"{self.name}: no clear difference at any service."
        return f"{self.name}: " + "; ".join(parts) + "."


def summarise(
    results: dict,
    service_names: dict[str, str] | None = None,
    variant_names: dict[str, str] | None = None,
    time_unit: str = "day",
    service_order: list[str] | None = None,
) -> list[VariantSummary]:
    """For each non-baseline variant: the services where it is clearly better or worse.

    A service is listed under "better" with its first clearly better figure (mean wait
    first, then the 90th percentile wait, queue, backlog, share within target), and under
    "worse" with its first clearly worse one — so a service can appear in both."""
    service_names = service_names or {}
    variant_names = variant_names or {}
    variants = list((results.get("variants") or {}).keys())
    base = baseline_id(variants)
    comparisons = results.get("comparisons") or {}
    directional = [m for m in METRICS if m.direction != NEUTRAL_DIRECTION]
    out = []
    for vid in variants:
        if vid == base:
            continue
        summary = VariantSummary(vid, variant_names.get(vid, vid))
        services = (comparisons.get(vid) or {}).get("services") or {}
        sids = list(services)
        if service_order:
            order = {s: i for i, s in enumerate(service_order)}
            sids.sort(key=lambda s: order.get(s, len(order)))
        for sid in sids:
            found: dict[str, str] = {}
            for m in directional:
                j = judge_difference(m.key, (services.get(sid) or {}).get(m.key), time_unit)
                if j.word in ("better", "worse") and j.word not in found:
                    found[j.word] = f"{m.short} {j.amount}"
            name = service_names.get(sid, sid)
            if "better" in found:
                summary.better.append((sid, name, found["better"]))
            if "worse" in found:
                summary.worse.append((sid, name, found["worse"]))
        out.append(summary)
    return out


def summary_html(summaries: list[VariantSummary], baseline_name: str, font_pt: int) -> str:
    esc = html.escape
    rows = []
    for s in summaries:
        parts = []
        # worse first: where the pressure went is the question the room asks
        if s.worse:
            items = ", ".join(f"{esc(n)} ({esc(d)})" for _, n, d in s.worse)
            parts.append(f"<span style='color:{WORSE_COLOUR}'><b>✖ worse</b></span> at {items}")
        if s.better:
            items = ", ".join(f"{esc(n)} ({esc(d)})" for _, n, d in s.better)
            parts.append(f"<span style='color:{BETTER_COLOUR}'><b>✔ better</b></span> at {items}")
        if not parts:
            parts.append(
                f"<span style='color:{UNCLEAR_COLOUR}'>no clear difference at any service</span>"
            )
        rows.append(f"<li><b>{esc(s.name)}</b>:<br>" + "<br>".join(parts) + "</li>")
    return (
        f"<div style='font-size:{font_pt}pt'>"
        f"<div style='font-size:{font_pt + 2}pt'><b>Where did the pressure go?</b></div>"
        f"<div style='color:{UNCLEAR_COLOUR}'>Each policy variant compared with "
        f"{esc(baseline_name)}. Called better or worse only where the 95% confidence "
        "interval of the difference excludes zero.</div>"
        "<ul style='margin-top:4px; margin-left:-20px'>" + "".join(rows) + "</ul></div>"
    )
