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
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# --------------------------------------------------------------------------- text

PERCENT = {"utilisation", "share_within_target"}


def fmt_number(x: float | None, metric: str = "") -> str:
    if x is None:
        return "–"
    if metric in PERCENT:
        return f"{x * 100:.0f}%"
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:,.2f}m"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_figure(fig: dict[str, Any] | None, metric: str = "", signed: bool = False) -> str:
    if fig is None:
        return "–"
    lo, hi = fig["ci95"]
    m = fmt_number(fig["mean"], metric)
    if signed and fig["mean"] > 0:
        m = "+" + m
    if lo == hi:
        return m
    return f"{m} ({fmt_number(lo, metric)} to {fmt_number(hi, metric)})"
