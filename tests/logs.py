"""Event logs for tests: one replication of a scenario, written as the engine logs it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from mission_desktop.model import Scenario
from mission_desktop.report import visitlog
from mission_desktop.sim import Simulation


def simulated_log(scenario: Scenario, path: Path, replication: int = 0) -> Path:
    """Run the baseline once and write its visit log (the columns of ``run --log``)."""
    parts = visitlog.VisitLogParts(path.parent)
    sink = parts.open("baseline", replication)
    try:
        Simulation(scenario, "baseline", replication, visit_log=sink).run()
    finally:
        sink.close()
    part = parts.part("baseline", replication)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(visitlog.COLUMNS) + "\n")
        fh.write(part.read_text(encoding="utf-8"))
    part.unlink()
    return path


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def as_dates(path: Path, out: Path, start: dt.datetime, unit: dt.timedelta) -> Path:
    """The log with its model times written as ISO date-times from ``start``."""
    with path.open(encoding="utf-8", newline="") as src, out.open(
        "w", encoding="utf-8", newline=""
    ) as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=["person", "service", "arrived", "started", "ended", "outcome", "cohort"], extrasaction="ignore")
        writer.writeheader()
        for row in reader:
            for key in ("arrived", "started", "ended"):
                if row[key]:
                    row[key] = (start + unit * float(row[key])).isoformat(timespec="minutes")
            writer.writerow(row)
    return out
