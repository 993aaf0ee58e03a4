"""Results as flat rows: the shape CSV and XLSX share, with a metadata block."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model.dates import window_label
from .format import (  # noqa: F401 - the figure formatters, re-exported where they were
    MINUS,
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
CSV_COLUMNS = (
    "section",
    "variant",
    "variant_name",
    "kind",
    "id",
    "name",
    "service",
    "service_name",
    "metric",
    "mean",
    "ci95_low",
    "ci95_high",
    "display",
)
#: a CSV cell starting with one of these is read as a formula by spreadsheets (OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _calendar(run: dict[str, Any], time_unit: str) -> list[tuple[str, Any]]:
    """``start_date`` and the window in dates, where the run had a start date."""
    start = run.get("start_date")
    if not start:
        return []
    try:
        window = window_label(
            dt.date.fromisoformat(start), time_unit, run.get("warm_up") or 0, run["horizon"]
        )
    except (KeyError, TypeError, ValueError):
        return [("start_date", start)]
    if not window:
        return [("start_date", start)]
    return [("start_date", start), ("window", window)]


def metadata(results: dict[str, Any]) -> list[tuple[str, Any]]:
    """The export's metadata block: scenario, revision, run settings, date and version."""
    run = results.get("run", {})
    prov = results.get("provenance", {})
    return [
        ("scenario", results.get("scenario", "")),
        ("scenario_revision", prov.get("scenario_revision")),
        ("scenario_sha256", prov.get("scenario_sha256", "")),
        ("seed", run.get("seed")),
        ("replications", run.get("replications")),
        ("horizon", run.get("horizon")),
        ("warm_up", run.get("warm_up")),
        ("time_unit", results.get("time_unit", "")),
        *_calendar(run, results.get("time_unit", "day")),
        ("date", prov.get("started", "")),
        ("version", prov.get("engine", (results.get("engine") or {}).get("version", ""))),
        ("command", prov.get("command", "")),
        ("results_format", f"{results.get('format', '')} v{results.get('version', '')}"),
    ] + (  # the app ran edits not yet saved: the revision is the one they started from
        [("unsaved_edits", "yes: the run used edits not saved as a revision")]
        if prov.get("unsaved_edits")
        else []
    )


def iter_rows(results: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """One row per figure (in CSV_COLUMNS order): results and paired differences of services,
    cohorts, each cohort at each service, costs, each policy's cost and waiting; ids with
    names, and a display text in natural units."""
    names = results.get("names") or {}
    unit = results.get("time_unit", "day")

    def row(label, vid, kind, ident, metric, fig, service=""):
        group = {"service": "services", "cohort": "cohorts", "cohort_service": "cohorts",
                 "policy_cost": "policies"}.get(kind, "")  # fmt: skip
        name = (names.get(group) or {}).get(ident, "") if group else ""
        service_name = (names.get("services") or {}).get(service, "") if service else ""
        vname = (names.get("variants") or {}).get(vid, "")
        head = (label, vid, vname, kind, ident, name, service, service_name, metric)
        if fig is None:
            return (*head, "", "", "", "")
        signed = label != "result"
        display = fmt_figure(fig, metric, signed=signed, time_unit=unit, minus=MINUS)
        return (*head, fig["mean"], fig["ci95"][0], fig["ci95"][1], display)

    for section in ("variants", "comparisons"):
        label = "result" if section == "variants" else "difference_vs_baseline"
        for vid, block in results.get(section, {}).items():
            for kind in ("services", "cohorts"):
                for ident, metrics in block.get(kind, {}).items():
                    for metric, fig in metrics.items():
                        if metric != "services":  # a cohort's equality view: below
                            yield row(label, vid, kind[:-1], ident, metric, fig)
            for cid, metrics in block.get("cohorts", {}).items():
                for sid, figures in (metrics.get("services") or {}).items():
                    for metric, fig in figures.items():
                        yield row(label, vid, "cohort_service", cid, metric, fig, sid)
            for metric, fig in block.get("cost", {}).items():
                yield row(label, vid, "cost", "", metric, fig)
            for pid, fig in (block.get("policy_costs") or {}).items():
                yield row(label, vid, "policy_cost", pid, "policy_cost", fig)
            for metric, fig in (block.get("waiting") or {}).items():
                yield row(label, vid, "waiting", "", metric, fig)
            if "cost_per_waiting_saved" in block:
                fig = block["cost_per_waiting_saved"]
                yield row(label, vid, "cost", "", "cost_per_waiting_saved", fig)


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert (OWASP CSV injection): a
    leading = + - @ tab or CR gets a single quote before it. Numbers are left as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def results_csv(results: dict[str, Any]) -> str:
    """The metadata block ("# key,value" lines, before the header: skip them to read the table),
    then one header row and one row per figure."""
    buf = io.StringIO()
    # CRLF rows (RFC 4180): a name holding a bare CR or LF is then quoted, not a row break
    writer = csv.writer(buf, lineterminator="\r\n")
    for key, value in metadata(results):
        writer.writerow([f"# {key}", csv_safe("" if value is None else value)])
    writer.writerow(CSV_COLUMNS)
    for row in iter_rows(results):
        writer.writerow([repr(x) if isinstance(x, float) else csv_safe(x) for x in row])
    return buf.getvalue()


def write_csv(results: dict[str, Any], path: str | Path) -> None:
    _atomic_write(Path(path), results_csv(results))


def write_json(results: dict[str, Any], path: str | Path) -> None:
    _atomic_write(Path(path), json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    from .files import write_file

    write_file(path, text.encode("utf-8"))

