"""Benchmarks of issue 8 (ratios within one run, never asserted by the test suite).

1. ``optimise`` on a 3-lever problem (the M/M/c desk of tests/test_decide_optimise.py plus
   its service time and its arrivals' rate as levers) vs evaluating the full grid with the
   same precision (every candidate at the replications the chosen plan needed): goal ≥ 5×
   fewer replications for the same answer.
2. Executor overhead per task on local processes: ``LocalExecutor(1)`` in a pool of one
   (task text sent, pickled, parsed once) vs a one-year replication of the smallest bundled
   scenario run directly; goal < 5%.
3. 200 tasks (sensitivity-style overrides of the largest bundled scenario) with 1 local
   worker, all local cores and a 2-worker Dask cluster on this machine: efficiency vs one.

Run from the repository root: ``.venv/bin/python tests/benchmarks/bench_decide.py [--part N]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for p in (str(ROOT), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

from mission_desktop.model import load_scenario, scenario_from_dict, scenario_to_dict  # noqa: E402
from mission_desktop.sim import LocalExecutor, simulate, with_run_settings  # noqa: E402
from mission_desktop.sim.overrides import overrides_key  # noqa: E402


def part_optimise() -> None:
    from test_decide_optimise import mmc_scenario

    from mission_desktop.decide.optimise import optimise

    levers = [
        {"lever": "capacity", "service": "desk", "add": [0, 6], "step": 1},
        {"lever": "service_time", "service": "desk", "multiply": [0.9, 1.1], "step": 0.1},
        {"lever": "arrival_rate", "cohort": "people", "multiply": [0.9, 1.0], "step": 0.1},
    ]
    sc = mmc_scenario(levers=levers)
    with LocalExecutor() as ex:
        out = optimise(sc, budget=20000, executor=ex)
        best = out["best"]
        n = best["replications"]
        grid = len(out["evaluated"]) * n
        print(f"optimise: {len(out['evaluated'])} candidates, {out['replications']} replications; "
              f"best {best['changes']} cost {best['cost']['mean']:.0f} at {n} replications")
        # the full grid at the same precision: every candidate with n replications
        from mission_desktop.decide.optimise import _Candidate

        cands = []
        for e in out["evaluated"]:
            c = _Candidate(e, overrides_key(e["changes"], e["policies"]))
            cands.append(c)
        tasks = [("baseline", r, c.key) for c in cands for r in range(n)]
        done = ex.map(sc, tasks)
    targets = {"desk": 0.9}
    for c in cands:
        c.reps = [done[("baseline", r, c.key)] for r in range(n)]
    ok = [c for c in cands if c.meets(targets, 0.95)]
    grid_best = min(ok, key=lambda c: c.cost()["mean"])
    same = grid_best.spec["changes"] == best["changes"]
    print(f"full grid: {grid} replications; same answer: {same}; "
          f"ratio {grid / out['replications']:.1f}x fewer (goal ≥ 5x)")


def part_overhead(repeats: int = 3) -> None:
    paths = sorted((ROOT / "scenarios").glob("*.mission.json"))
    year = {"minute": 525600, "hour": 8760, "day": 365, "week": 52}
    scs = [load_scenario(p) for p in paths]
    sc = min(scs, key=lambda s: len(s.services) + len(s.cohorts))
    sc = with_run_settings(sc, horizon=year[sc.time_unit], warm_up=0)
    tasks = [("baseline", r) for r in range(8)]
    direct, pooled = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        for v, r in tasks:
            simulate(sc, v, r)
        direct.append((time.perf_counter() - t) / len(tasks))
        with LocalExecutor(1) as ex:
            ex._get_pool(1)
            ex.map(sc, tasks[:1])  # warm the worker
            t = time.perf_counter()
            ex.map(sc, tasks)
            pooled.append((time.perf_counter() - t) / len(tasks))
    d, p = min(direct), min(pooled)
    print(f"overhead: {sc.name}: direct {d * 1000:.1f} ms/replication, through a worker "
          f"{p * 1000:.1f} ms; overhead {(p - d) / d:.1%} (goal < 5%)")


def part_scaling(n_tasks: int = 200) -> None:
    from dask_cluster import LocalCluster

    from mission_desktop.sim import DaskExecutor

    paths = sorted((ROOT / "scenarios").glob("*.mission.json"))
    sc = max((load_scenario(p) for p in paths), key=lambda s: len(s.services) * s.run.horizon)
    sc = with_run_settings(sc, horizon=min(sc.run.horizon, 120), warm_up=0)
    s0 = sc.services[0]
    doc = scenario_to_dict(sc)
    sc = scenario_from_dict(doc)
    keys = [overrides_key([{"lever": "service_time", "service": s0.id, "multiply": 0.8 + 0.01 * k}]) for k in range(20)]
    tasks = [("baseline", r, keys[k]) for k in range(20) for r in range(n_tasks // 20)]
    times = {}
    for label, make in (("1 local worker", lambda: LocalExecutor(1)),
                        (f"{os.cpu_count()} local workers", lambda: LocalExecutor())):
        with make() as ex:
            t = time.perf_counter()
            ref = ex.map(sc, tasks)
            times[label] = time.perf_counter() - t
    with LocalCluster(workers=2) as cluster, DaskExecutor(cluster.address) as ex:
        t = time.perf_counter()
        got = ex.map(sc, tasks)
        times["2-worker Dask"] = time.perf_counter() - t
    one = times["1 local worker"]
    for label, t in times.items():
        k = 1 if label.startswith("1 ") else (2 if "Dask" in label else os.cpu_count())
        print(f"scaling: {label}: {t:.1f} s, efficiency {one / (k * t):.0%}")
    print(f"scaling: Dask results identical to local: {got == ref}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", type=int, choices=(1, 2, 3))
    a = ap.parse_args()
    for k, fn in ((1, part_optimise), (2, part_overhead), (3, part_scaling)):
        if a.part in (None, k):
            fn()
