"""The log wizard's data side (no Qt): the first rows of a log, a column mapping guessed from
its header, the fit run with its samples, the density and Q–Q points of a fitted shape, and
the scenario with the user's choices applied."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mission_desktop.data.logread import COLUMNS, FORMATS, LogError

#: rows shown in the preview
PREVIEW_ROWS = 20
#: the field each column name suggests (the name folded to lower-case words), after the
#: field's own name; the first field a column suits takes it
SYNONYMS = {
    "person": ("person", "person id", "client", "client id", "case", "case id", "patient",
               "patient id", "citizen", "id", "nhs number", "customer"),
    "service": ("service", "team", "queue", "department", "specialty", "activity", "stage"),
    "arrived": ("arrived", "arrival", "arrival time", "referred", "referral", "referral date",
                "received", "created", "opened", "joined"),
    "started": ("started", "start", "start time", "seen", "assessed", "began"),
    "ended": ("ended", "end", "end time", "closed", "discharged", "finished", "completed at"),
    "outcome": ("outcome", "result", "status", "closure reason", "reason"),
    "cohort": ("cohort", "group", "segment", "client group", "category", "type"),
}


def _fold(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


def guess_mapping(header: list[str]) -> dict[str, str | None]:
    """The column of ``header`` for each field of the event log (None: no likely column).
    A column named as the field wins; then the synonyms in order; no column is used twice."""
    folded = {h: _fold(h) for h in header}
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for field in COLUMNS:
        out[field] = None
        for word in SYNONYMS[field]:
            hit = next((h for h in header if folded[h] == word and h not in taken), None)
            if hit is not None:
                out[field] = hit
                taken.add(hit)
                break
    return out


def read_preview(path: str | Path, limit: int = PREVIEW_ROWS) -> tuple[list[str], list[list[str]]]:
    """(header, the first ``limit`` rows as text) of a CSV, XLSX or Parquet log.
    Raises :class:`LogError` with what is wrong."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise LogError(
            f"{path.name}: an event log must be .csv, .xlsx or .parquet, "
            f"not {suffix or 'a file without a suffix'!r}"
        )
    if not path.is_file():
        raise LogError(f"{path}: no such file")
    if suffix == ".xlsx":
        return _xlsx_preview(path, limit)
    try:
        import duckdb
    except ImportError:
        raise LogError('reading a log needs DuckDB: pip install "mission-desktop[data]"') from None
    quoted = "'" + str(path).replace("'", "''") + "'"
    source = (
        f"read_parquet({quoted})" if suffix == ".parquet"
        else f"read_csv({quoted}, all_varchar = true, header = true, ignore_errors = true)"
    )
    con = duckdb.connect()
    try:
        cur = con.execute(f"SELECT * FROM {source} LIMIT {int(limit)}")
        header = [d[0] for d in cur.description]
        rows = [["" if v is None else str(v) for v in row] for row in cur.fetchall()]
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
        raise LogError(f"{path.name}: cannot be read as a table ({first})") from None
    finally:
        con.close()
    return header, rows


def _xlsx_preview(path: Path, limit: int) -> tuple[list[str], list[list[str]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from mission_desktop.data.logread import _cell

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as e:
        raise LogError(f"{path.name}: not a readable XLSX workbook ({e})") from None
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True, max_row=limit + 1):
            rows.append(["" if v is None else _cell(v) for v in row])
    finally:
        book.close()
    if not rows:
        raise LogError(f"{path.name}: the workbook's first sheet is empty")
    return [str(h) for h in rows[0]], rows[1:]


@dataclass
class Fitted:
    """What the fitting thread hands back: the fit (its log already closed), the fit
    report's text and each service's sample of durations (by service id) for the plots."""

    result: Any  # mission_desktop.data.FitResult
    report: str
    samples: dict[str, np.ndarray]


def fit_with_samples(
    path: Path,
    columns: dict[str, str],
    time_unit: str,
    progress: Callable[[str, float], None],
    cancelled: Callable[[], bool],
) -> Fitted:
    """Fit the log (on a worker thread) and keep each service's durations for the plots."""
    from mission_desktop.data import derive, fit_log, render_fit

    result = fit_log(path, columns, time_unit, progress, cancelled)
    try:
        samples = {f.id: derive.durations(result.log.con, f.name)[1] for f in result.services}
        return Fitted(result, render_fit(result), samples)
    finally:
        result.log.close()


def frozen(dist: dict):
    """The scipy.stats distribution of a scenario's distribution object (None: empirical,
    fixed, or anything without a density)."""
    from scipy import stats

    kind, mean, sd = dist.get("dist"), dist.get("mean"), dist.get("sd")
    if kind == "exponential":
        return stats.expon(scale=mean)
    if kind == "gamma" and mean and sd:
        return stats.gamma((mean / sd) ** 2, scale=sd * sd / mean)
    if kind == "lognormal" and mean and sd:
        s2 = math.log1p((sd / mean) ** 2)
        return stats.lognorm(math.sqrt(s2), scale=math.exp(math.log(mean) - s2 / 2))
    if kind == "normal" and sd:
        return stats.norm(mean, sd)
    return None


def histogram(values: np.ndarray, bins: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """(edges, density) of the durations."""
    x = np.asarray(values, dtype=float)
    top = float(np.quantile(x, 0.995)) if len(x) else 1.0
    counts, edges = np.histogram(x, bins=bins, range=(0.0, top if top > 0 else 1.0), density=True)
    return edges, counts


def density_curve(dist: dict, top: float, points: int = 200) -> tuple[np.ndarray, np.ndarray] | None:
    rv = frozen(dist)
    if rv is None:
        return None
    xs = np.linspace(0.0, top, points)
    with np.errstate(all="ignore"):
        ys = np.nan_to_num(rv.pdf(xs), nan=0.0, posinf=0.0)
    return xs, ys


def qq_points(values: np.ndarray, dist: dict, limit: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """(fitted quantiles, observed quantiles) at ``limit`` evenly spaced probabilities; for
    an empirical shape its own values are the fitted quantiles."""
    x = np.sort(np.asarray(values, dtype=float))
    probs = (np.arange(min(limit, len(x))) + 0.5) / max(min(limit, len(x)), 1)
    observed = np.quantile(x, probs) if len(x) else probs
    rv = frozen(dist)
    if rv is None:
        fitted = np.quantile(np.asarray(dist.get("values", x), dtype=float), probs)
    else:
        fitted = rv.ppf(probs)
    return fitted, observed


def with_choices(scenario, choices: dict[str, dict], capacities: dict[str, int | None]):
    """The fitted scenario with the service times and capacities the user chose (by id)."""
    from mission_desktop.model import scenario_from_dict, scenario_to_dict

    doc = scenario_to_dict(scenario)
    for service in doc["services"]:
        if service["id"] in choices:
            service["service_time"] = choices[service["id"]]
        if service["id"] in capacities:
            service["capacity"] = capacities[service["id"]]
            observed = service.get("observed")
            if observed and capacities[service["id"]] is None:
                observed.pop("utilisation", None)  # unlimited: there is no utilisation
    return scenario_from_dict(doc, source="the fitted scenario")
