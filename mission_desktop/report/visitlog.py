"""Writing the per-visit log of a run (``mission-desktop run --log VISITS.csv|.parquet``).

Each replication writes its own part (plain CSV rows, no header) as the engine hands it rows
in chunks, in whichever process runs it; at the end the parts are joined, in the fixed order
of the tasks, into one CSV or Parquet file. Nothing holds the whole log in memory: rows
stream to the parts, and parts are copied (CSV) or converted batch by batch (Parquet).
Parquet needs pyarrow (the optional ``data`` extra).

Columns: the event-log columns of SCENARIO_FORMAT.md plus ``variant`` and ``replication``.
An unknown time (a visit still waiting or in service at the horizon; the arrival of someone
already in service at time 0) is blank in CSV and null in Parquet.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..extras import missing_extra

COLUMNS = (
    "person",
    "service",
    "arrived",
    "started",
    "ended",
    "outcome",
    "cohort",
    "variant",
    "replication",
)
FORMATS = (".csv", ".parquet")
PARQUET_MISSING = (
    missing_extra("writing Parquet needs pyarrow", "data") + ", or write the log as .csv"
)


def log_problem(path: str | Path) -> str | None:
    """Why a visit log cannot be written to ``path`` (None if it can)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        return f"the visit log must end in .csv or .parquet, not {suffix or 'nothing'!r}"
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        return PARQUET_MISSING
    return None


class PartWriter:
    """One replication's part: called with chunks of engine rows; :meth:`close` at the end."""

    def __init__(self, path: Path, variant: str, replication: int) -> None:
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._tail = (variant, replication)

    def __call__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        tail = self._tail
        self._csv.writerows(
            (
                person,
                service,
                "" if arrived != arrived else float(arrived),  # NaN: unknown
                "" if started is None else float(started),  # SimPy's time 0 is int 0
                "" if ended is None else float(ended),
                outcome or "",
                cohort,
                *tail,
            )
            for person, service, arrived, started, ended, outcome, cohort in rows
        )

    def close(self) -> None:
        self._fh.close()


class VisitLogParts:
    """Where the parts of one run's log go: a folder (picklable, so worker processes open
    their own parts)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = str(directory)

    def part(self, variant: str, replication: int) -> Path:
        return Path(self.directory) / f"{variant}.{replication:06d}.csv"

    def open(self, variant: str, replication: int) -> PartWriter:
        return PartWriter(self.part(variant, replication), variant, replication)


def join_parts(
    parts: VisitLogParts, tasks: Sequence[tuple[str, int]], out: str | Path
) -> None:
    """Join the parts of ``tasks`` (in that order) into ``out`` (.csv or .parquet),
    atomically: a failure leaves no half-written file."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        if out.suffix.lower() == ".parquet":
            _join_parquet(parts, tasks, tmp)
        else:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                fh.write(",".join(COLUMNS) + "\n")
                for variant, replication in tasks:
                    with parts.part(variant, replication).open(encoding="utf-8") as part:
                        shutil.copyfileobj(part, fh, 1 << 20)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def _join_parquet(parts: VisitLogParts, tasks: Sequence[tuple[str, int]], tmp: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("person", pa.int64()),
            ("service", pa.string()),
            ("arrived", pa.float64()),
            ("started", pa.float64()),
            ("ended", pa.float64()),
            ("outcome", pa.string()),
            ("cohort", pa.string()),
            ("variant", pa.string()),
            ("replication", pa.int64()),
        ]
    )
    read = pacsv.ReadOptions(column_names=list(COLUMNS), block_size=8 << 20)
    convert = pacsv.ConvertOptions(
        column_types=schema, null_values=[""], strings_can_be_null=True
    )
    with pq.ParquetWriter(str(tmp), schema) as writer:
        for variant, replication in tasks:
            path = parts.part(variant, replication)
            if path.stat().st_size == 0:
                continue
            reader = pacsv.open_csv(str(path), read_options=read, convert_options=convert)
            for batch in reader:
                writer.write_batch(batch)
