"""Results as flat rows and text: the shape CSV, XLSX and the command line all share."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .format import (  # noqa: F401 - the figure formatters, re-exported where they were
    NON_NEGATIVE,
    PERCENT,
    UNIT_INTERVAL,
    clip_interval,
    fmt_difference,
    fmt_figure,
    fmt_number,
)
from .summary import BETTER, verdict  # noqa: F401 - re-exported where they were

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
CSV_COLUMNS = ("section", "variant", "kind", "id", "metric", "mean", "ci95_low", "ci95_high")


def iter_rows(results: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """One row per figure: results and comparisons, services, cohorts and cost."""
    for section in ("variants", "comparisons"):
        label = "result" if section == "variants" else "difference_vs_baseline"
        for vid, block in results.get(section, {}).items():
            for kind in ("services", "cohorts"):
                for ident, metrics in block.get(kind, {}).items():
                    for metric, fig in metrics.items():
                        if metric != "services":  # a cohort's equality view
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
