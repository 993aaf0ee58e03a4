"""Key figures after a run: a summary of where each policy moved the pressure, then one tile
per service, each figure with its 95% confidence interval.

Each variant's difference from the baseline is called "better" or "worse" (in words, with an
arrow) only where the paired confidence interval excludes zero; otherwise it says "no clear
difference". Lower is better for waits, queues and backlog; higher is better for the share
seen within target; utilisation is neutral (it says "higher" or "lower", never better/worse).

A result's interval is clipped to what the figure can be (a wait is never below zero, a share
never above 100%); a difference's interval is not. Ranges are written "0.00 to 1.46", and
negative numbers with a real minus sign, so a minus is never mistaken for a dash.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from mission_desktop.gui.run.plots import baseline_id, plural_unit
from mission_desktop.report.tables import clip_interval

LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL_DIRECTION = "lower", "higher", "neutral"
MINUS = "\u2212"


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    kind: str  # "time", "people", "share"
    direction: str
    #: how the summary names it ("mean wait −0.14 days")
    short: str = ""


METRICS: tuple[Metric, ...] = (
    Metric("mean_wait", "Mean wait", "time", LOWER_IS_BETTER, "mean wait"),
    Metric("p90_wait", "90th percentile wait", "time", LOWER_IS_BETTER, "90th percentile wait"),
    Metric("mean_queue_length", "Queue (average waiting)", "people", LOWER_IS_BETTER, "queue"),
    Metric("utilisation", "Utilisation", "share", NEUTRAL_DIRECTION, "utilisation"),
    Metric("backlog_at_end", "Backlog at end", "people", LOWER_IS_BETTER, "backlog at end"),
    Metric(
        "share_within_target", "Share within target", "share", HIGHER_IS_BETTER, "within target"
    ),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}

BETTER_COLOUR = "#00664A"  # dark bluish green: readable as text
WORSE_COLOUR = "#A33A00"  # dark vermillion
UNCLEAR_COLOUR = "#555555"


def format_number(value: float) -> str:
    """'2.10', '12.3', '1,234'; negative with a real minus sign ('−0.14'), never '−0.00'.

    Not :func:`mission_desktop.report.tables.fmt_number` on purpose: that one writes the
    ASCII '-' and '1.23m' for CSV and the command line; on screen a minus must not read as
    a dash, and thousands stay whole ('1,234,567')."""
    a = abs(value)
    if a < 0.005:
        return "0.00"
    if a >= 100:
        text = f"{a:,.0f}"
    elif a >= 10:
        text = f"{a:.1f}"
    else:
        text = f"{a:.2f}"
    return MINUS + text if value < 0 else text


def _percent(value: float) -> str:
    pct = value * 100
    text = f"{abs(pct):.0f}" if abs(value) >= 0.1 else f"{abs(pct):.1f}"
    if text.strip("0.") == "":
        return "0%"
    return (MINUS if pct < 0 else "") + text + "%"


def format_value(value: float | None, kind: str, time_unit: str = "day") -> str:
    """A number with its unit: '2.10 days', '12.3 people', '85%'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "share":
        return _percent(value)
    if kind == "time":
        return f"{format_number(value)} {plural_unit(time_unit)}"
    if kind == "people":
        return f"{format_number(value)} people"
    return format_number(value)


def format_signed(value: float, kind: str, time_unit: str = "day") -> str:
    """A difference with its sign: '+1.03 days', '−0.14 days', '+3.1 points'."""
    if kind == "share":
        text = f"{abs(value) * 100:.1f} points"
        zero = abs(value) * 100 < 0.05
    else:
        text = format_value(abs(value), kind, time_unit)
        zero = abs(value) < 0.005
    if zero:
        return text
    return ("+" if value > 0 else MINUS) + text


def format_interval(lo: float, hi: float, kind: str) -> str:
    """'1.70 to 2.50', '80% to 90%', '−0.41 to 1.41' (never a dash that could be a minus)."""
    if kind == "share":
        return f"{_percent(lo)} to {_percent(hi)}"
    return f"{format_number(lo)} to {format_number(hi)}"


def estimate_parts(
    estimate: dict | None, kind: str, time_unit: str = "day", metric: str = ""
) -> tuple[str, str]:
    """('2.10 days', '95% CI 1.70 to 2.50') — the interval clipped to the feasible range."""
    if not estimate or estimate.get("mean") is None:
        return "—", ""
    value = format_value(estimate["mean"], kind, time_unit)
    ci = estimate.get("ci95")
    if not ci or ci[0] is None or ci[1] is None:
        return value, ""
    lo, hi = float(ci[0]), float(ci[1])
    if metric:
        lo, hi = clip_interval(metric, lo, hi)
    return value, f"95% CI {format_interval(lo, hi, kind)}"


def format_estimate(
    estimate: dict | None, kind: str, time_unit: str = "day", metric: str = ""
) -> str:
    """'2.10 days (95% CI 1.70 to 2.50)' or '—' when the figure does not apply.

    With ``metric`` (e.g. "backlog_at_end"), the interval is clipped to what the figure can
    be: '0.70 people (95% CI 0.00 to 1.46)', not '−0.06'."""
    value, interval = estimate_parts(estimate, kind, time_unit, metric)
    return f"{value} ({interval})" if interval else value


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
    """Better / worse only where the 95% CI of (variant − baseline) excludes zero."""
    metric = METRIC_BY_KEY.get(metric_key, Metric(metric_key, metric_key, "", NEUTRAL_DIRECTION))
    if not difference or difference.get("mean") is None:
        return Judgement("—", "", "—", UNCLEAR_COLOUR)
    mean = float(difference["mean"])
    ci = difference.get("ci95") or [mean, mean]
    lo, hi = float(ci[0]), float(ci[1])
    if lo <= 0 <= hi or mean == 0:
        return Judgement("no clear difference", "", "no clear difference", UNCLEAR_COLOUR)
    up = mean > 0
    arrow = "▲" if up else "▼"
    amount = format_signed(mean, metric.kind, time_unit)
    if metric.direction == NEUTRAL_DIRECTION:
        word = "higher" if up else "lower"
        return Judgement(word, arrow, f"{arrow} {word} ({amount})", UNCLEAR_COLOUR, amount)
    better = (metric.direction == LOWER_IS_BETTER) != up
    word = "better" if better else "worse"
    colour = BETTER_COLOUR if better else WORSE_COLOUR
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


def kpi_rows(results: dict, time_unit: str = "day") -> list[dict[str, Any]]:
    """Flat rows (service, metric, variant, estimate text, difference judgement)."""
    rows: list[dict[str, Any]] = []
    variants = results.get("variants") or {}
    comparisons = results.get("comparisons") or {}
    for vid, vres in variants.items():
        for sid, metrics in (vres.get("services") or {}).items():
            for m in METRICS:
                if m.key not in metrics:
                    continue
                diff = ((comparisons.get(vid) or {}).get("services") or {}).get(sid, {})
                judgement = judge_difference(m.key, diff.get(m.key), time_unit) if diff else None
                rows.append(
                    {
                        "service": sid,
                        "metric": m.key,
                        "variant": vid,
                        "estimate": format_estimate(metrics.get(m.key), m.kind, time_unit, m.key),
                        "difference": judgement,
                    }
                )
    return rows
