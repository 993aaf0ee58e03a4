"""Benchmark: `fit` on a generated 5-million-row event log, next to pandas' read_csv.

Generates a CSV log (numpy, written by pyarrow) of ``--rows`` visits — people arriving over
two years at eight services, one to three visits each, ISO date-times, a few bad rows —
then, each in a fresh process so that peak memory is its own, times:

- ``fit``: :func:`mission_desktop.data.fit_log` (DuckDB: read, check every row, journeys,
  fitting, initial and observed figures) — the whole job;
- ``pandas``: ``pandas.read_csv`` of the same file — reading alone, no fitting.

Prints rows per second and peak resident memory (``VmHWM``, Linux) of each, and their ratios.
Needs the ``bench`` extra (pandas). Run from the repository root::

    .venv/bin/python tests/benchmarks/bench_fit.py            # 5,000,000 rows
    .venv/bin/python tests/benchmarks/bench_fit.py --rows 500000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
path, what = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if what == "fit":
    from mission_desktop.data import fit_log
    result = fit_log(path, time_unit="day")
    rows = result.log.rows
    result.log.close()
else:
    import pandas
    rows = len(pandas.read_csv(path))
elapsed = time.perf_counter() - t
# VmHWM: this process's own peak (ru_maxrss would carry the parent's over fork + exec)
with open("/proc/self/status") as fh:
    peak = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmHWM:"))
print(json.dumps({{"rows": rows, "seconds": elapsed, "peak": peak}}))
"""


def generate(path: Path, rows: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(1)
    people = rows // 2
    visits = rng.integers(1, 4, people)
    person = np.repeat(np.arange(people), visits)[:rows]
    n = len(person)
    services = np.array([f"Service {i}" for i in range(8)])
    service = services[rng.integers(0, 8, n)]
    start = np.datetime64("2023-01-01T00:00")
    minutes = 2 * 365 * 1440
    first = rng.uniform(0, minutes, people)
    arrived_min = first[person] + rng.exponential(2880, n) * (np.arange(n) % 3)
    wait = rng.exponential(600, n)
    serve = rng.gamma(2.0, 90, n)
    arrived = start + arrived_min.astype("timedelta64[m]")
    started = arrived + wait.astype("timedelta64[m]")
    ended = started + serve.astype("timedelta64[m]")
    outcome = np.where(rng.random(n) < 0.03, "abandoned", "completed")
    gave_up = outcome == "abandoned"
    as_text = lambda a: np.datetime_as_string(a, unit="m")  # noqa: E731
    started_t = np.where(gave_up, "", as_text(started))
    bad = rng.random(n) < 1e-5
    ended_t = np.where(bad, "yesterday", as_text(ended))
    table = pa.table(
        {
            "person": person,
            "service": service,
            "arrived": as_text(arrived),
            "started": started_t,
            "ended": ended_t,
            "outcome": outcome,
            "cohort": np.where(person % 5 == 0, "children", "adults"),
        }
    )
    pacsv.write_csv(table, path)


def measure(path: Path, what: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path), what],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        t = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size
        print(f"generated {args.rows:,} rows ({size / 2**20:,.0f} MiB) in {time.perf_counter() - t:.1f}s")
        results = {what: measure(path, what) for what in ("fit", "pandas")}
    for what, r in results.items():
        print(
            f"{what:<7} {r['rows'] / r['seconds']:>12,.0f} rows/s  {r['seconds']:7.1f}s  "
            f"peak {r['peak'] / 2**20:7,.0f} MiB"
        )
    fit, pd = results["fit"], results["pandas"]
    print(
        f"fit (the whole job) vs pandas read_csv (reading alone): "
        f"{(fit['rows'] / fit['seconds']) / (pd['rows'] / pd['seconds']):.2f}× the rows/s, "
        f"{fit['peak'] / pd['peak']:.2f}× the peak memory"
    )


if __name__ == "__main__":
    main()
