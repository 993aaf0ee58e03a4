"""Results as flat rows and text: the shape CSV, XLSX and the command line all share."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SERVICE_METRICS: tuple[tuple[str, str], ...] = (
    ("mean_wait", "Mean wait"),
    ("p90_wait", "90th percentile wait"),
    ("mean_time_in_system", "Mean time in service"),
    ("mean_queue_length", "Mean queue"),
    ("utilisation", "Utilisation"),
    ("throughput", "Throughput"),
    ("abandoned", "Gave up"),
    ("turned_away", "Turned away"),
    ("mean_blocked_time", "Mean blocked time"),
    ("backlog_at_end", "Backlog at end"),
    ("share_within_target", "Share within target"),
)
COHORT_METRICS: tuple[tuple[str, str], ...] = (
    ("mean_journey_time", "Mean journey time"),
    ("completed", "Completed"),
    ("abandoned", "Gave up"),
    ("turned_away", "Turned away"),
)
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
}
CSV_COLUMNS = ("section", "variant", "kind", "id", "metric", "mean", "ci95_low", "ci95_high")


def verdict(metric: str, fig: dict[str, Any] | None) -> str:
    """For a paired difference: 'better', 'worse', 'higher', 'lower' where the CI excludes 0,
    else 'no clear difference'."""
    if fig is None:
        return "n/a"
    lo, hi = fig["ci95"]
    if lo <= 0 <= hi:
        return "no clear difference"
    up = lo > 0
    sense = BETTER.get(metric, 0)
    if sense == 0:
        return "higher" if up else "lower"
    return "better" if (up and sense > 0) or (not up and sense < 0) else "worse"


def iter_rows(results: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """One row per figure: results and comparisons, services, cohorts and cost."""
    for section in ("variants", "comparisons"):
        label = "result" if section == "variants" else "difference_vs_baseline"
        for vid, block in results.get(section, {}).items():
            for kind in ("services", "cohorts"):
                for ident, metrics in block.get(kind, {}).items():
                    for metric, fig in metrics.items():
                        yield _row(label, vid, kind[:-1], ident, metric, fig)
            for metric, fig in block.get("cost", {}).items():
                yield _row(label, vid, "cost", "", metric, fig)


def _row(section, vid, kind, ident, metric, fig):
    if fig is None:
        return (section, vid, kind, ident, metric, "", "", "")
    return (section, vid, kind, ident, metric, fig["mean"], fig["ci95"][0], fig["ci95"][1])


def results_csv(results: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in iter_rows(results):
        writer.writerow([repr(x) if isinstance(x, float) else x for x in row])
    return buf.getvalue()


def write_csv(results: dict[str, Any], path: str | Path) -> None:
    _atomic_write(Path(path), results_csv(results))


def write_json(results: dict[str, Any], path: str | Path) -> None:
    _atomic_write(Path(path), json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    from .files import write_file

    write_file(path, text.encode("utf-8"))


# --------------------------------------------------------------------------- text

PERCENT = {"utilisation", "share_within_target"}


#: the feasible range of each figure (for display only: a Student-t interval can overshoot)
NON_NEGATIVE = {m for m, _ in SERVICE_METRICS + COHORT_METRICS} | {
    "total",
    "staff_and_capacity",
    "per_case",
    "policies",
}
UNIT_INTERVAL = {"share_within_target"}


def fmt_number(x: float | None, metric: str = "") -> str:
    if x is None:
        return "–"
    if metric in PERCENT:
        text = f"{x * 100:.0f}%"
        return "0%" if text == "-0%" else text
    a = abs(x)
    if a >= 1e6:
        text = f"{x / 1e6:,.2f}m"
    elif a >= 1000:
        text = f"{x:,.0f}"
    elif a >= 100:
        text = f"{x:.0f}"
    elif a >= 10:
        text = f"{x:.1f}"
    else:
        text = f"{x:.2f}"
    if text.startswith("-") and text.strip("-0.,m") == "":
        text = text[1:]
    return text


def clip_interval(metric: str, lo: float, hi: float) -> tuple[float, float]:
    """Clip a displayed interval to what the figure can be (waits ≥ 0, shares ≤ 100%)."""
    if metric in NON_NEGATIVE:
        lo, hi = max(lo, 0.0), max(hi, 0.0)
    if metric in UNIT_INTERVAL:
        lo, hi = min(lo, 1.0), min(hi, 1.0)
    return lo, hi


def _is_zero_text(text: str) -> bool:
    return text.lstrip("+-").rstrip("%m").replace(",", "").strip("0.") == ""


def fmt_difference(x: float, metric: str = "") -> str:
    """A paired difference: signed; shares in percentage points; never shown as 0 when it
    is not (so a bound that excludes zero never reads as zero)."""
    if metric in PERCENT:
        value = x * 100
        text = f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"
        if _is_zero_text(text) and value != 0:
            text = f"{value:.2g}"
        text += " pp"
    else:
        text = fmt_number(x)
        if _is_zero_text(text) and x != 0:
            text = f"{x:.2g}"
    if _is_zero_text(text.replace(" pp", "")):
        return "0" + (" pp" if metric in PERCENT else "")
    if x > 0 and not text.startswith("+"):
        text = "+" + text
    return text


def fmt_figure(fig: dict[str, Any] | None, metric: str = "", signed: bool = False) -> str:
    """'mean (low to high)'; a result's interval is clipped to the feasible range, a
    difference's (``signed``) is not, and is written in percentage points for shares."""
    if fig is None:
        return "–"
    lo, hi = fig["ci95"]
    if signed:
        m, lo_text, hi_text = (fmt_difference(v, metric) for v in (fig["mean"], lo, hi))
    else:
        lo, hi = clip_interval(metric, lo, hi)
        m = fmt_number(fig["mean"], metric)
        lo_text, hi_text = fmt_number(lo, metric), fmt_number(hi, metric)
    if lo_text == hi_text:
        return m
    return f"{m} ({lo_text} to {hi_text})"
