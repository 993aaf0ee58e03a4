"""Benchmark: how fast the app opens, and what the headless commands pay for importing.

(a) **First window**: wall time from starting a process to its first window shown and
painted (offscreen Qt), for the app (``python -m mission_desktop`` with
``MISSION_DESKTOP_QUIT_AFTER_FIRST_PAINT=1``, on a library in a temporary folder, started
once untimed so the bundled examples are already in it) and for a bare PySide6 + pyqtgraph
window (a QMainWindow holding one PlotWidget) doing the same. Best of ``--repeats``,
interleaved; prints app / bare (goal ≤ 1.3).

(b) **Headless cost**: ``mission-desktop validate`` on the bundled example and the imports
``run`` needs (those of ``cli.run.cmd_run``: the model, the engine, the exports), each against ``python -c
pass`` and against simulating 50,000 arrivals (one replication in this process); also the
import of scipy.stats alone, for scale. Best of ``--repeats``, interleaved.

Run from the repository root::

    .venv/bin/python tests/benchmarks/bench_startup.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

EXAMPLE = ROOT / "scenarios" / "hospital_discharge.mission.json"
PROBE_LINE = "first window painted"

#: the floor for (a): the same probe around the barest window with a plot
BARE_WINDOW = textwrap.dedent(
    """
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(pg.PlotWidget())
    window.resize(1600, 1000)

    class FirstPaint(QObject):  # as mission_desktop.gui.app.quit_after_first_paint
        def eventFilter(self, watched, event):
            if (
                event.type() == QEvent.Type.Paint
                and hasattr(watched, "window")
                and watched.window() is window
            ):
                app.removeEventFilter(self)
                print("first window painted", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    app.installEventFilter(FirstPaint(window))
    window.show()
    raise SystemExit(app.exec())
    """
)


def time_to_line(argv: list[str], env: dict[str, str], line: str | None) -> float:
    """Seconds from starting ``argv`` to it printing ``line`` (None: to its exit)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    seen: float | None = None

    def read() -> None:
        nonlocal seen
        assert proc.stdout is not None
        for out in proc.stdout:
            if line is not None and out.strip() == line and seen is None:
                seen = time.perf_counter() - started

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"{' '.join(argv[:3])} did not finish within 120 s") from None
    ended = time.perf_counter() - started
    reader.join(5)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {code}")
    if line is not None and seen is None:
        raise SystemExit(f"{' '.join(argv)} never printed {line!r}")
    return ended if line is None else seen


def best_of(repeats: int, cases: dict[str, tuple[list[str], dict[str, str], str | None]]):
    """Best time of each case over ``repeats`` rounds, the cases interleaved in each round."""
    best = {name: float("inf") for name in cases}
    for _ in range(repeats):
        for name, (argv, env, line) in cases.items():
            best[name] = min(best[name], time_to_line(argv, env, line))
    return best


def fifty_thousand_arrivals() -> float:
    """Best of 3: one replication of an M/M/4 service with 50,000 arrivals, in this process."""
    from builders import build

    from mission_desktop.sim import simulate

    scenario = build(
        [
            {
                "id": "desk",
                "name": "Desk",
                "capacity": 4,
                "service_time": {"dist": "exponential", "mean": 0.03},
            }
        ],
        [{"id": "people", "name": "People", "arrivals": {"rate": 100}, "entry": "desk"}],
        horizon=500,
    )
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        simulate(scenario)
        best = min(best, time.perf_counter() - started)
    return best


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unavailable"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7, help="rounds, best of (7)")
    args = ap.parse_args(argv)
    py = sys.executable
    print(f"before: {load()}")

    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as pycache:
        # as an installed app starts: with its bytecode cached (kept out of the source tree)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=pycache)
        gui_env = {
            **env,
            "QT_QPA_PLATFORM": "offscreen",
            "MISSION_DESKTOP_DATA_DIR": data,
            "MISSION_DESKTOP_QUIT_AFTER_FIRST_PAINT": "1",
        }
        app = [py, "-m", "mission_desktop"]
        # the first start fills the library and the bytecode cache: untimed
        time_to_line(app, gui_env, PROBE_LINE)
        time_to_line([py, "-c", BARE_WINDOW], gui_env, PROBE_LINE)
        gui = best_of(
            args.repeats,
            {
                "bare": ([py, "-c", BARE_WINDOW], gui_env, PROBE_LINE),
                "app": (app, gui_env, PROBE_LINE),
            },
        )
        print("(a) first window shown and painted (offscreen), best of", args.repeats)
        print(f"    bare PySide6 + pyqtgraph window  {gui['bare'] * 1000:7.0f} ms")
        print(f"    Mission Desktop                  {gui['app'] * 1000:7.0f} ms")
        print(f"    app / bare = {gui['app'] / gui['bare']:.2f} (goal ≤ 1.3)")

        # what `run` imports before it simulates (cli.run.cmd_run): the packages themselves load
        # their names on first use, so importing them alone would measure nothing
        run_imports = (
            "import mission_desktop.cli; "
            "from mission_desktop.model import ScenarioError; "
            "from mission_desktop.report import write_csv, write_json, write_xlsx; "
            "from mission_desktop.report.console import Progress, make_console, print_results; "
            "from mission_desktop.report.files import output_path_problems; "
            "from mission_desktop.sim import overload_warnings, run_experiment, "
            "run_size_problems, with_run_settings, worker_count"
        )
        cli = best_of(
            args.repeats,
            {
                "pass": ([py, "-c", "pass"], env, None),
                "validate": ([py, "-m", "mission_desktop", "validate", str(EXAMPLE)], env, None),
                "run imports": ([py, "-c", run_imports], env, None),
                "scipy.stats": ([py, "-c", "import scipy.stats"], env, None),
            },
        )
    sim = fifty_thousand_arrivals()
    floor = cli["pass"]
    print("(b) headless commands, best of", args.repeats)
    print(f"    python -c pass                   {floor * 1000:7.0f} ms")
    print(f"    simulating 50,000 arrivals       {sim * 1000:7.0f} ms (in process)")
    for name in ("validate", "run imports", "scipy.stats"):
        extra = cli[name] - floor
        print(
            f"    {name:<32} {cli[name] * 1000:7.0f} ms: {cli[name] / floor:5.2f} × python, "
            f"its own {extra * 1000:5.0f} ms = {extra / sim:.2f} × 50,000 arrivals"
        )
    print(f"after:  {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
