"""Benchmark: parallel replications with ``run_experiment``, one worker vs all cores.

Picks the bundled scenario (``scenarios/*.mission.json``) with the most expected events per
experiment (outside arrivals + service visits from the traffic equations, times the number
of variants); without any, a generated 8-service network (~50 arrivals/day for 365 days).
Runs its replications (default 10, every variant) with ``workers=1`` and with
``workers=os.cpu_count()``, best of ``--repeats`` interleaved; prints the times, speed-up
and parallel efficiency ``t1 / (n * tn)``, and checks that both results are bit-identical
(``timing`` dropped).

Run from the repository root::

    .venv/bin/python tests/benchmarks/bench_parallel.py
    .venv/bin/python tests/benchmarks/bench_parallel.py --variants baseline
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from mission_desktop.model import load_scenario, scenario_from_dict  # noqa: E402
from mission_desktop.sim import run_experiment, with_run_settings  # noqa: E402


def expected_events(scenario) -> float:
    """Rough events per experiment: (outside arrivals + visits) per replication × variants.

    Visits come from the traffic equations of the baseline routes (per cohort, with its
    route overrides); capacity limits, patience and policies are ignored: it only ranks.
    """
    ids = [s.id for s in scenario.services]
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    horizon = scenario.run.horizon
    total = 0.0
    for c in scenario.cohorts:
        mult = c.arrivals.profile.mean_multiplier if c.arrivals.profile else 1.0
        arrivals = c.arrivals.rate * mult * horizon
        p = np.zeros((n, n))
        for s in scenario.services:
            for r in c.routes.get(s.id, s.routes):
                p[index[s.id], index[r.to]] += r.p
        entry = np.zeros(n)
        for r in c.entry_routes():
            entry[index[r.to]] += r.p
        try:
            visits = float(np.linalg.solve(np.eye(n) - p.T, entry).sum())
        except np.linalg.LinAlgError:  # a closed loop with no way out
            visits = math.inf
        total += arrivals * (1.0 + visits)
    return total * len(scenario.effective_variants)


def generated_scenario() -> dict:
    """An 8-service network, ~50 arrivals/day for 365 days, with loops and two cohorts."""
    services = []
    routes = {
        0: [(1, 0.5), (2, 0.3)],
        1: [(3, 0.4), (4, 0.2)],
        2: [(4, 0.5), (5, 0.2)],
        3: [(6, 0.3)],
        4: [(6, 0.2), (7, 0.2)],
        5: [(0, 0.1), (7, 0.3)],
        6: [(1, 0.05)],
        7: [],
    }
    for i in range(8):
        services.append(
            {
                "id": f"s{i}",
                "name": f"Service {i}",
                "capacity": 6 + 2 * i,
                "service_time": {"dist": "gamma", "mean": 0.1 * (i + 1), "sd": 0.05 * (i + 1)},
                "routes": [{"to": f"s{j}", "p": p} for j, p in routes[i]],
            }
        )
    return {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "Generated 8-service network",
        "time_unit": "day",
        "run": {"horizon": 365, "warm_up": 30, "replications": 10, "seed": 7},
        "services": services,
        "cohorts": [
            {"id": "a", "name": "A", "arrivals": {"rate": 30}, "entry": "s0"},
            {
                "id": "b",
                "name": "B",
                "arrivals": {"rate": 20},
                "entry": [{"to": "s0", "p": 0.5}, {"to": "s2", "p": 0.5}],
            },
        ],
    }


def busy_seconds() -> float | None:
    """CPU seconds spent busy by the whole machine so far (Linux /proc/stat), else None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def pick_scenario():
    best = None
    for path in sorted((ROOT / "scenarios").glob("*.mission.json")):
        try:
            sc = load_scenario(path)
        except Exception as exc:  # a file being written right now
            print(f"  skipped {path.name}: {exc.__class__.__name__}")
            continue
        ev = expected_events(sc)
        print(f"  {path.name:<40} ~{ev:,.0f} expected events")
        if best is None or ev > best[0]:
            best = (ev, path.name, sc)
    if best is None:
        sc = scenario_from_dict(generated_scenario())
        best = (expected_events(sc), "generated 8-service network", sc)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeats", type=int, default=3, help="best of N, interleaved")
    ap.add_argument("--variants", nargs="*", help="variant ids (default: all)")
    args = ap.parse_args(argv)

    print("scenarios:")
    events, name, scenario = pick_scenario()
    chosen = args.variants or [v.id for v in scenario.effective_variants]
    n = args.workers
    print(
        f"\nusing {name}: {len(chosen)} variant(s) × {args.replications} replications "
        f"= {len(chosen) * args.replications} tasks; workers 1 vs {n}; best of {args.repeats}"
    )

    def run(workers: int):
        return run_experiment(
            scenario, variants=chosen, replications=args.replications, workers=workers
        )

    best = {1: math.inf, n: math.inf}
    cpu1 = math.inf  # CPU seconds of the fastest serial run: the work itself
    share = 0.0
    others = []  # cores used by other processes during each parallel run
    results = {}
    for rep in range(args.repeats):
        for w in (1, n):
            gc.collect()
            b0 = busy_seconds()
            c0, t0 = time.process_time(), time.perf_counter()
            res = run(w)
            t = time.perf_counter() - t0
            c = time.process_time() - c0
            b1 = busy_seconds()
            extra = ""
            if w == 1:
                cpu1 = min(cpu1, c)
                share = max(share, c / t)
                extra = f"  (cpu {c:.3f} s: got {c / t:.0%} of a core)"
            elif b0 is not None and b1 is not None and cpu1 < math.inf:
                # machine busy time minus our own work (~ the serial CPU) = other processes
                load = max(0.0, (b1 - b0 - cpu1) / t)
                others.append(load)
                extra = f"  (other processes used ~{load:.2f} of {n} cores meanwhile)"
            best[w] = min(best[w], t)
            results[w] = res
            print(f"  run {rep + 1} workers={w:<3} {t:8.3f} s{extra}", flush=True)

    # fixed cost of going parallel: pool start-up, scenario shipping, result pickling
    tiny = with_run_settings(scenario, horizon=1e-3, warm_up=0)
    overhead = math.inf
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        run_experiment(tiny, variants=chosen, replications=args.replications, workers=n)
        overhead = min(overhead, time.perf_counter() - t0)

    t1, tn = best[1], best[n]
    speedup = t1 / tn
    eff = t1 / (n * tn)
    print(f"\nbest: workers=1 {t1:.3f} s, workers={n} {tn:.3f} s")
    print(f"speed-up {speedup:.2f}×, parallel efficiency {eff:.0%} (goal >= 80%: ", end="")
    print("met)" if eff >= 0.8 else "MISSED)")
    print(f"parallel fixed overhead (same tasks, horizon ~0): {overhead:.3f} s")
    busy = share < 0.9 or (others and min(others) > 0.1 * n)
    if busy:
        tasks = len(chosen) * args.replications
        tail = cpu1 / tasks / 2  # on average half a task runs on alone at the end
        proj = cpu1 / (n * (cpu1 / n + overhead + tail))
        print(
            f"WARNING: the machine is busy (serial run got at most {share:.0%} of a core; "
            f"others used >= {min(others, default=0):.2f} cores during the parallel runs), "
            f"so wall-clock efficiency is not meaningful. On {n} idle cores, serial CPU "
            f"{cpu1:.2f} s + overhead {overhead:.2f} s + tail {tail:.2f} s projects to "
            f"{proj:.0%}."
        )

    def canonical(res: dict) -> str:
        res = {k: v for k, v in res.items() if k not in ("timing", "provenance")}
        return json.dumps(res, sort_keys=True, allow_nan=True)

    same = canonical(results[1]) == canonical(results[n])
    print(f"results bit-identical (timing dropped): {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
