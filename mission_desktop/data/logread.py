"""Reading a case-system event log (SCENARIO_FORMAT.md, "Event logs") into DuckDB.

The engine is **DuckDB**: it scans a CSV or Parquet file in parallel and in bounded memory
(it spills to a temporary folder beyond ``MEMORY_LIMIT``), sorts and windows by person out
of core, and reports a query's progress, so a 5-million-row extract is summarised without a
row ever becoming a Python object. Only summaries (counts, a sample of durations) come back.
XLSX is streamed row by row with openpyxl (read-only mode) into a CSV that DuckDB scans.

Every value is read as text first, so that a row that cannot be used is found and reported
with its number and why, never silently dropped or guessed. Row numbers are as a
spreadsheet shows them (the header is row 1) for CSV and XLSX; Parquet records count from 1.

The usable visits land in table ``v`` with model times in ``time_unit`` counted from the end
of the log (time 0 = "today"; the log's own times are negative):
``row, person, service, cohort, a (arrived), s (started), e (ended), outcome`` where
``outcome`` is completed, abandoned, turned_away, waiting (still waiting at the end) or
serving (still in service at the end).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("person", "service", "arrived", "started", "ended", "outcome", "cohort")
REQUIRED = ("person", "service", "arrived")
OUTCOMES = ("completed", "abandoned", "turned_away")
UNIT_SECONDS = {"minute": 60.0, "hour": 3600.0, "day": 86400.0, "week": 604800.0}
FORMATS = (".csv", ".xlsx", ".parquet")
MEMORY_LIMIT = "1GB"
#: bad rows listed one by one in the report (the rest are counted)
LISTED = 20

Progress = Callable[[str, float], None]


class LogError(Exception):
    """The log cannot be used as a whole; the message says what is wrong."""


@dataclass
class EventLog:
    """A read log: the DuckDB connection holding table ``v``, and what reading it found."""

    con: object
    path: Path
    time_unit: str
    numeric: bool  # times were numbers in time_unit (else ISO date-times)
    length: float  # the log's period, in time_unit: it ran from -length to 0
    end: dt.datetime | None  # the calendar moment of time 0 (ISO logs)
    rows: int  # data rows in the file
    used: int
    bad_count: int
    bad_listed: list[tuple[int, str]]
    bad_kinds: dict[str, int]
    notes: list[str] = field(default_factory=list)
    row_word: str = "row"
    workdir: tempfile.TemporaryDirectory | None = None

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            if self.workdir is not None:
                self.workdir.cleanup()


def parse_columns(text: str | None) -> dict[str, str]:
    """``"person=Client ID,arrived=Referral date"`` → {name: column in the file}."""
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    for part in text.split(","):
        if not part.strip():
            continue
        name, eq, column = part.partition("=")
        name, column = name.strip().lower(), column.strip()
        if not eq or not column:
            raise LogError(f"--columns: {part.strip()!r} must be name=COLUMN")
        if name not in COLUMNS:
            raise LogError(f"--columns: unknown name {name!r}; the names are {', '.join(COLUMNS)}")
        if name in mapping:
            raise LogError(f"--columns: {name!r} is mapped twice")
        mapping[name] = column
    return mapping


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _run(con, sql: str, progress: Progress | None, stage: str) -> None:
    """Execute ``sql``, reporting DuckDB's progress of it as ``progress(stage, 0..1)``."""
    if progress is None:
        con.execute(sql)
        return
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.25):
            try:
                p = con.query_progress()
            except Exception:  # noqa: BLE001 - progress is best effort
                return
            if p is not None and p >= 0:
                progress(stage, min(p, 100.0) / 100.0)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        con.execute(sql)
    finally:
        done.set()
        thread.join()
    progress(stage, 1.0)


def _xlsx_to_csv(path: Path, out: Path, progress: Progress | None) -> None:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as e:  # a dependency of the app; only a broken install lacks it
        raise LogError(f"reading XLSX needs openpyxl ({e})") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as e:
        raise LogError(f"{path.name}: not a readable XLSX workbook ({e})") from None
    try:
        sheet = book.worksheets[0]
        total = sheet.max_row or 0
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for i, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                writer.writerow(["" if v is None else _cell(v) for v in row])
                if progress and total and i % 50_000 == 0:
                    progress("reading the workbook", i / total)
    finally:
        book.close()


def _cell(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _source(con, path: Path, workdir: Path, progress: Progress | None) -> tuple[str, bool]:
    """The DuckDB table expression reading ``path`` as text, and whether it is a CSV scan."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            cols = [d[0] for d in con.execute(f"SELECT * FROM read_parquet({_s(str(path))}) LIMIT 0").description]
        except Exception as e:  # noqa: BLE001 - DuckDB raises its own error types
            raise LogError(f"{path.name}: not a readable Parquet file ({_first_line(e)})") from None
        select = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS {_q(c)}" for c in cols)
        return (
            f"(SELECT file_row_number + 1 AS __row, {select} "
            f"FROM read_parquet({_s(str(path))}, file_row_number = true))",
            False,
        )
    if suffix == ".xlsx":
        csv_path = workdir / "sheet.csv"
        _xlsx_to_csv(path, csv_path, progress)
        path = csv_path
    return (
        f"read_csv({_s(str(path))}, all_varchar = true, header = true, "
        "store_rejects = true, auto_detect = true)",
        True,
    )


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__


def read_log(
    path: str | Path,
    columns: dict[str, str] | None = None,
    time_unit: str = "day",
    progress: Progress | None = None,
) -> EventLog:
    """Read and check the log; raises :class:`LogError` when it is unusable as a whole."""
    try:
        import duckdb
    except ImportError:
        raise LogError(
            'fitting a log needs DuckDB: pip install "mission-desktop[data]" (or duckdb)'
        ) from None

    path = Path(path)
    if time_unit not in UNIT_SECONDS:
        raise LogError(f"--time-unit must be one of {', '.join(UNIT_SECONDS)}, not {time_unit!r}")
    if path.suffix.lower() not in FORMATS:
        raise LogError(
            f"{path.name}: an event log must be .csv, .xlsx or .parquet, "
            f"not {path.suffix or 'a file without a suffix'!r}"
        )
    if not path.is_file():
        raise LogError(f"{path}: no such file")
    workdir = tempfile.TemporaryDirectory(prefix="mission-fit-")
    con = duckdb.connect(str(Path(workdir.name) / "log.duckdb"))
    try:
        con.execute(f"SET memory_limit = {_s(MEMORY_LIMIT)}")
        con.execute(f"SET temp_directory = {_s(str(Path(workdir.name) / 'spill'))}")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        log = _read(con, path, Path(workdir.name), columns or {}, time_unit, progress)
    except LogError:
        con.close()
        workdir.cleanup()
        raise
    except duckdb.Error as e:
        con.close()
        workdir.cleanup()
        raise LogError(f"{path.name}: cannot be read as an event log ({_first_line(e)})") from None
    except BaseException:
        con.close()
        workdir.cleanup()
        raise
    log.workdir = workdir
    return log


def _read(con, path, workdir, mapping, time_unit, progress) -> EventLog:
    source, is_csv = _source(con, path, workdir, progress)
    try:
        header = [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
    except Exception as e:  # noqa: BLE001
        raise LogError(f"{path.name}: cannot be read as a table ({_first_line(e)})") from None
    header = [h for h in header if h != "__row"]
    chosen: dict[str, str] = {}
    for name in COLUMNS:
        column = mapping.get(name, name)
        if column in header:
            chosen[name] = column
        elif name in mapping:
            raise LogError(
                f"{path.name}: --columns maps {name} to {column!r}, but the log has no such "
                f"column (its columns: {_listing(header)})"
            )
    missing = [n for n in REQUIRED if n not in chosen]
    if missing:
        raise LogError(
            f"{path.name}: the log has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''} (its columns: {_listing(header)}); "
            "map them with --columns name=COLUMN,..."
        )
    select = ", ".join(
        f"{_q(chosen[n])} AS {n}" if n in chosen else f"NULL::VARCHAR AS {n}" for n in COLUMNS
    )
    run_cols = [c for c in ("variant", "replication") if c in header and c not in chosen.values()]
    extra = "".join(f", {_q(c)} AS __{c}" for c in run_cols)
    first = "" if is_csv else "__row AS r0, "
    _run(
        con,
        f"CREATE TABLE raw AS SELECT {first}{select}{extra} FROM {source}",
        progress,
        "reading the log",
    )
    con.execute(f"CREATE VIEW r AS SELECT {'rowid AS r0, ' if is_csv else ''}* FROM raw")
    rejected = _rejected(con) if is_csv else []
    return _check(con, path, is_csv, rejected, run_cols, time_unit, progress)


def _listing(names: list[str]) -> str:
    from .text import shown

    text = ", ".join(shown(n, 40) for n in names[:12])
    return text + (f" and {len(names) - 12} more" if len(names) > 12 else "") if names else "none"


def _rejected(con) -> list[tuple[int, str]]:
    try:
        rows = con.execute(
            "SELECT line, error_type, csv_line FROM reject_errors ORDER BY line"
        ).fetchall()
    except Exception:  # noqa: BLE001 - no rejects table: nothing was rejected
        return []
    out, seen = [], set()
    for line, kind, _text in rows:
        if line in seen:
            continue
        seen.add(line)
        what = str(kind).lower().replace("_", " ")
        out.append((int(line), f"not a well-formed row ({what})"))
    return out


def _blank(col: str) -> str:
    return f"(nullif(trim({col}), '') IS NULL)"


def _time(col: str, numeric: bool) -> str:
    if numeric:
        x = f"TRY_CAST(trim({col}) AS DOUBLE)"
    else:
        x = f"epoch(TRY_CAST(trim({col}) AS TIMESTAMPTZ))"
    return f"(CASE WHEN isfinite({x}) THEN {x} END)"


#: (kind of problem, the value to show, condition), checked in this order
_PROBLEMS = (
    ("no person", None, _blank("person")),
    ("no service", None, _blank("service")),
    ("no arrival time", None, _blank("arrived")),
    ("unparseable time in arrived", "arrived", "a IS NULL"),
    ("unparseable time in started", "started", f"NOT {_blank('started')} AND s IS NULL"),
    ("unparseable time in ended", "ended", f"NOT {_blank('ended')} AND e IS NULL"),
    ("unknown outcome", "outcome", f"oc IS NOT NULL AND oc NOT IN {OUTCOMES}"),
    ("started before it arrived", None, "s < a"),
    ("ended before it started", None, "e < s"),
    ("ended before it arrived", None, "e < a"),
    ("outcome completed but it never started", None, "oc = 'completed' AND s IS NULL"),
    ("outcome completed but no ended time", None, "oc = 'completed' AND e IS NULL"),
    ("gave up or turned away after service started", None,
     "oc IN ('abandoned', 'turned_away') AND s IS NOT NULL"),
    ("outcome abandoned but no ended time (when they gave up)", None,
     "oc = 'abandoned' AND e IS NULL"),
    ("ended but never started, and no outcome says why", None,
     "oc IS NULL AND e IS NOT NULL AND s IS NULL"),
)


def _mode(con, path: Path) -> bool:
    """Whether the log's times are numbers (else ISO date-times); refuses a log whose
    arrival times are neither."""
    given, numbers, stamps = con.execute(
        f"SELECT count(*) FILTER (WHERE NOT {_blank('arrived')}), "
        f"count({_time('arrived', True)}), count({_time('arrived', False)}) FROM rr"
    ).fetchone()
    if given == 0:
        raise LogError(f"{path.name}: no row has an arrival time (the arrived column is empty)")
    if numbers == 0 and stamps == 0:
        (example,) = con.execute(
            f"SELECT arrived FROM rr WHERE NOT {_blank('arrived')} LIMIT 1"
        ).fetchone()
        from .text import shown

        raise LogError(
            f"{path.name}: no arrival time can be read as an ISO 8601 date-time or a number "
            f"(for example {shown(example)!r}); write times like 2024-03-31T14:05 or as "
            "numbers in the time unit"
        )
    return numbers >= stamps


def _check(con, path, is_csv, rejected, run_cols, time_unit, progress) -> EventLog:
    from .text import shown

    notes: list[str] = []
    (rows,) = con.execute("SELECT count(*) FROM r").fetchone()
    total_rows = rows + len(rejected)
    if total_rows == 0:
        raise LogError(f"{path.name}: the log has a header but no rows")
    where = ""
    if run_cols:  # a log written by `run --log`: several runs of the model in one file
        keys = ", ".join(f"__{c}" for c in run_cols)
        runs, *first = con.execute(
            f"SELECT count(DISTINCT ({keys})), arg_min(({keys}), r0) FROM r"
        ).fetchone()
        if runs > 1:
            first_key = first[0]
            values = list(first_key.values()) if isinstance(first_key, dict) else [first_key]
            cond = " AND ".join(
                f"__{c} IS NOT DISTINCT FROM {_s(str(v))}" if v is not None else f"__{c} IS NULL"
                for c, v in zip(run_cols, values, strict=True)
            )
            where = f"WHERE {cond}"
            (kept,) = con.execute(f"SELECT count(*) FROM r {where}").fetchone()
            label = ", ".join(f"{c} {shown(v)}" for c, v in zip(run_cols, values, strict=True))
            notes.append(
                f"The log holds {runs} runs ({' and '.join(run_cols)} columns); fitted from the "
                f"first, {label} ({kept:,} rows); the other {rows - kept:,} rows were set aside."
            )
    con.execute(f"CREATE VIEW rr AS SELECT * FROM r {where}")
    numeric = _mode(con, path)
    kind = "CASE " + " ".join(f"WHEN {cond} THEN {_s(k)}" for k, _, cond in _PROBLEMS) + " END"
    detail = "CASE " + " ".join(
        f"WHEN {cond} THEN {col}" for _, col, cond in _PROBLEMS if col
    ) + " END"
    _run(
        con,
        f"""CREATE TABLE c AS
        SELECT *, {kind} AS kind, {detail} AS detail FROM (
          SELECT r0, trim(person) AS person, trim(service) AS service,
                 coalesce(nullif(trim(cohort), ''), 'everyone') AS cohort,
                 nullif(lower(trim(outcome)), '') AS oc, arrived, started, ended, outcome,
                 {_time('arrived', numeric)} AS a, {_time('started', numeric)} AS s,
                 {_time('ended', numeric)} AS e
          FROM rr)""",
        progress,
        "checking every row",
    )
    counts = dict(
        con.execute("SELECT kind, count(*) FROM c WHERE kind IS NOT NULL GROUP BY kind").fetchall()
    )
    if rejected:
        for _, why in rejected:
            counts[why] = counts.get(why, 0) + 1
    bad_count = sum(counts.values())
    listed = _listed(con, is_csv, rejected)
    (used,) = con.execute("SELECT count(*) FROM c WHERE kind IS NULL").fetchone()
    if used <= 0:
        top = ", ".join(f"{k} ({n:,})" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
        raise LogError(f"{path.name}: none of its {total_rows:,} rows can be used: {top}")
    unit = 1.0 if numeric else UNIT_SECONDS[time_unit]
    lo, hi = con.execute(
        "SELECT min(a), max(greatest(a, coalesce(s, a), coalesce(e, a))) FROM c WHERE kind IS NULL"
    ).fetchone()
    step = 1.0 if numeric else 86400.0  # whole time units, or whole calendar days
    start, end = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if end <= start:
        end = start + step
    length = (end - start) / unit
    end_moment = None if numeric else dt.datetime.fromtimestamp(end, dt.UTC).replace(tzinfo=None)
    con.execute(
        f"""CREATE TABLE v AS SELECT r0 AS row, person, service, cohort,
          (a - {end!r}) / {unit!r} AS a, (s - {end!r}) / {unit!r} AS s,
          (e - {end!r}) / {unit!r} AS e,
          CASE WHEN oc IS NOT NULL THEN oc WHEN e IS NOT NULL THEN 'completed'
               WHEN s IS NOT NULL THEN 'serving' ELSE 'waiting' END AS outcome
        FROM c WHERE kind IS NULL ORDER BY r0"""
    )
    for what, limit in (("service", 500), ("cohort", 500)):
        (n,) = con.execute(f"SELECT count(DISTINCT {what}) FROM v").fetchone()
        if n > limit:
            raise LogError(
                f"{path.name}: the log names {n:,} different {what}s; a scenario holds at most "
                f"{limit} (is the right column mapped to {what}?)"
            )
    return EventLog(
        con=con,
        path=path,
        time_unit=time_unit,
        numeric=numeric,
        length=length,
        end=end_moment,
        rows=total_rows,
        used=used,
        bad_count=bad_count,
        bad_listed=listed,
        bad_kinds=counts,
        notes=notes,
        row_word="row" if is_csv else "record",
    )


def _listed(con, is_csv: bool, rejected: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The first :data:`LISTED` bad rows, by their number in the file."""
    from .text import shown

    found = con.execute(
        f"SELECT r0, kind, detail FROM c WHERE kind IS NOT NULL ORDER BY r0 LIMIT {LISTED}"
    ).fetchall()
    lines = sorted(line for line, _ in rejected)
    out = list(rejected[:LISTED])
    for r0, kind, detail in found:
        if is_csv:  # a data row's line: after the header and the rejected lines before it
            number = r0 + 2
            for line in lines:
                if line <= number:
                    number += 1
                else:
                    break
        else:
            number = r0
        text = kind if detail is None else f"{kind}: '{shown(detail, 40)}'"
        out.append((int(number), text))
    out.sort()
    return out[:LISTED]
