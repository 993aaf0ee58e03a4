"""Benchmark: how responsive the window stays during a run, and how fast Stop ends it.

Measured with a 10 ms timer on the GUI thread (offscreen Qt) that records the gaps between
its ticks, in one process, side by side:

- **floor**: the run view shown with the scenario set, no run: the worst gap of an idle
  event loop on this machine, now;
- **stall**: the worst gap during a full-speed run of a 4-service scenario (live phase, then
  its replications) — printed as a ratio to the floor (goal: worst gap ≤ 100 ms);
- **stop latency**: from pressing Stop in a paced run to the worker (and its child process)
  having ended, best, median and worst of ``--stops`` — printed in ms and as a ratio to the
  worker's slice (``run_task.SLICE``, how often it looks for Stop).

The machine's load (``os.getloadavg``) is printed before and after: on a busy machine every
figure grows, which is why none of this is asserted by the test suite (see
tests/test_gui_run_mechanism.py for what is).

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_gui_latency.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from builders import build  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mission_desktop.gui.run import worker as w  # noqa: E402
from mission_desktop.gui.run.run_task import SLICE  # noqa: E402
from mission_desktop.gui.run.view import RunView  # noqa: E402
from mission_desktop.sim import with_run_settings  # noqa: E402


def chain_scenario(horizon: float, rate: float, services: int, replications: int):
    """A chain of services (GP → hospital → …) with a capacity policy: the old stall test's."""
    ids = ["gp", "hospital", "social_care", "housing", "benefits", "mental_health"][:services]
    svc = []
    for i, sid in enumerate(ids):
        nxt = ids[i + 1] if i + 1 < len(ids) else None
        svc.append(
            {
                "id": sid,
                "name": sid.replace("_", " ").title(),
                "capacity": 3 + i,
                "service_time": {"dist": "exponential", "mean": 0.5 + 0.2 * i},
                "routes": [{"to": nxt, "p": 0.4}] if nxt else [],
                **({"queue_limit": 5} if nxt is None and i > 0 else {}),
            }
        )
    scenario = build(
        svc,
        [{"id": "people", "name": "People", "arrivals": {"rate": rate}, "entry": "gp"}],
        horizon=horizon,
        seed=7,
        policies=[
            {
                "id": "more_gps",
                "name": "More GPs",
                "changes": [{"lever": "capacity", "service": "gp", "add": 2}],
            }
        ],
    )
    return with_run_settings(scenario, replications=replications)


class GapRecorder:
    """A 10 ms timer on the GUI thread recording the wall-clock gaps between its ticks."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> list[float]:
        self._timer.stop()
        return self.gaps


def spin(seconds: float) -> None:
    """Run the event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def spin_until(condition, limit: float = 300.0) -> None:
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("benchmark gave up waiting (is the machine overloaded?)")
        spin(0.01)


def describe(gaps: list[float]) -> str:
    ordered = sorted(gaps)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (
        f"worst {max(gaps) * 1000:6.1f} ms, p99 {p99 * 1000:5.1f} ms, "
        f"mean {statistics.fmean(gaps) * 1000:5.1f} ms over {len(gaps)} ticks"
    )


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # not on Windows
        return "load average unavailable"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--idle", type=float, default=3.0, help="seconds of idle floor (3)")
    ap.add_argument("--horizon", type=float, default=3000.0, help="full-speed run horizon")
    ap.add_argument("--stops", type=int, default=5, help="Stop presses to time (5)")
    args = ap.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    print(f"before: {load()}")
    view = RunView()
    view.resize(1400, 800)
    view.show()
    scenario = chain_scenario(args.horizon, rate=20, services=4, replications=4)
    view.set_scenario(scenario)
    spin(1.0)  # first paint, and the process server warming up in the background
    recorder = GapRecorder()

    # the floor: an idle event loop, now, in this process
    recorder.start()
    spin(args.idle)
    idle = recorder.stop()
    floor = max(idle)
    print(f"idle event loop:   {describe(idle)}")

    # a full-speed run: live phase, then every replication
    view.set_pace(None)
    finished: list[object] = []
    view.run_finished.connect(finished.append)
    recorder.start()
    started = time.perf_counter()
    view.run_action.trigger()
    spin_until(lambda: bool(finished))
    duration = time.perf_counter() - started
    run = recorder.stop()
    print(f"full-speed run:    {describe(run)}; the run lasted {duration:.2f} s")
    print(
        f"  stall ratio (worst gap during the run / idle worst gap): {max(run) / floor:.2f}; "
        f"worst gap {max(run) * 1000:.0f} ms (goal ≤ 100 ms)"
    )

    # Stop: from the press to the worker (and its child process) having ended
    latencies = []
    for _ in range(args.stops):
        view.set_scenario(chain_scenario(50, rate=5, services=2, replications=3))
        view.set_pace(2.0)
        view.run_action.trigger()
        spin_until(lambda: any(s.time > 1.0 for s in view.controller.latest_snapshots().values()))
        pressed = time.perf_counter()
        view.stop_action.trigger()
        assert view.controller.state == w.STOPPED
        ended = view.controller.wait(30.0)
        latencies.append(time.perf_counter() - pressed)
        if not ended:
            print("  the worker did not end within 30 s")
        spin(0.1)
    best, median, worst = min(latencies), statistics.median(latencies), max(latencies)
    print(
        f"stop latency:      best {best * 1000:.0f} ms, median {median * 1000:.0f} ms, "
        f"worst {worst * 1000:.0f} ms over {len(latencies)} stops (goal ≤ 500 ms)"
    )
    print(
        f"  in slices of the worker ({SLICE * 1000:.0f} ms): median {median / SLICE:.1f}, "
        f"worst {worst / SLICE:.1f}; worst / idle worst gap: {worst / floor:.1f}"
    )
    print(f"after:  {load()}")
    view.controller.shutdown(2.0)
    view.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
