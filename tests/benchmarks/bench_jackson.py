"""Benchmark: one replication of a 5-node Jackson network, three ways, in one run.

(a) the Mission Desktop engine (``mission_desktop.sim.simulate``; the scenario is parsed once,
    outside the timing), (b) a minimal, idiomatic hand-written SimPy model of the same
    network, (c) Ciw 3.2. All three collect per-node mean wait, mean queue length,
    utilisation and throughput over ``[warm_up, horizon]``; their mean waits are checked
    against each other and against the exact Jackson / Erlang C values.

Timings are wall-clock, best of ``--repeats`` (default 3), the contenders interleaved so
that noise from other work on a shared machine hits them alike.

Run from the repository root::

    .venv/bin/python tests/benchmarks/bench_jackson.py
    .venv/bin/python tests/benchmarks/bench_jackson.py --repeats 1 --horizon 2000 --no-ciw

(Not ``python -m tests.benchmarks...``: Ciw 3.2.7's wheel installs a top-level ``tests``
package into site-packages, which shadows this directory as long as it has no __init__.py.)
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import simpy  # noqa: E402

from mission_desktop.model import scenario_from_dict  # noqa: E402
from mission_desktop.sim import simulate  # noqa: E402

# --------------------------------------------------------------------------- the network

ARRIVAL_RATE = 10.0  # per hour, into node 1
MU = (4.5, 4.0, 2.5, 2.0, 1.5)  # service rate per server, per hour
SERVERS = (3, 2, 2, 3, 2)
ROUTING = (  # ROUTING[i][j]: probability of going from node i+1 to node j+1; rest leave
    (0.0, 0.6, 0.4, 0.0, 0.0),
    (0.0, 0.0, 0.0, 0.5, 0.0),
    (0.0, 0.0, 0.0, 0.3, 0.3),
    (0.0, 0.0, 0.0, 0.0, 0.2),
    (0.1, 0.0, 0.0, 0.0, 0.0),
)
N = len(MU)
NAMES = [f"n{i + 1}" for i in range(N)]
METRICS = ("mean_wait", "mean_queue_length", "utilisation", "throughput")


def scenario_dict(horizon: float, warm_up: float, seed: int) -> dict:
    services = []
    for i in range(N):
        services.append(
            {
                "id": NAMES[i],
                "name": f"Node {i + 1}",
                "capacity": SERVERS[i],
                "service_time": {"dist": "exponential", "mean": 1.0 / MU[i]},
                "routes": [
                    {"to": NAMES[j], "p": ROUTING[i][j]} for j in range(N) if ROUTING[i][j] > 0
                ],
            }
        )
    return {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "Five-node Jackson network",
        "time_unit": "hour",
        "run": {"horizon": horizon, "warm_up": warm_up, "replications": 1, "seed": seed},
        "services": services,
        "cohorts": [
            {
                "id": "citizens",
                "name": "Citizens",
                "arrivals": {"rate": ARRIVAL_RATE},
                "entry": NAMES[0],
            }
        ],
    }


# --------------------------------------------------------------------------- exact values


def erlang_c_wq(lam: float, mu: float, c: int) -> float:
    """Mean queueing delay of an M/M/c queue (Erlang C)."""
    a = lam / mu
    rho = a / c
    if rho >= 1:
        return math.inf
    term = a**c / math.factorial(c) / (1 - rho)
    p_wait = term / (sum(a**k / math.factorial(k) for k in range(c)) + term)
    return p_wait / (c * mu - lam)


def exact() -> dict[str, dict[str, float]]:
    """Jackson's theorem: λ from the traffic equations, each node an M/M/c queue."""
    p = np.array(ROUTING)
    ext = np.zeros(N)
    ext[0] = ARRIVAL_RATE
    lam = np.linalg.solve(np.eye(N) - p.T, ext)
    out = {}
    for i in range(N):
        wq = erlang_c_wq(lam[i], MU[i], SERVERS[i])
        out[NAMES[i]] = {
            "mean_wait": wq,
            "mean_queue_length": lam[i] * wq,
            "utilisation": lam[i] / (SERVERS[i] * MU[i]),
            "throughput": float(lam[i]),
        }
    return out


# --------------------------------------------------------------------------- (a) engine


def run_engine(scenario) -> dict[str, dict[str, float]]:
    summary = simulate(scenario)
    return {sid: {m: s[m] for m in METRICS} for sid, s in summary.services.items()}


# --------------------------------------------------------------------------- (b) SimPy


def buffered(fill):
    """Endless stream of floats drawn in numpy batches (``fill()`` returns a list)."""
    return itertools.chain.from_iterable(iter(fill, None)).__next__


class Node:
    """A station: a SimPy resource, its random streams, routing and running statistics."""

    __slots__ = (
        "res",
        "service",
        "uniform",
        "routes",
        "n_queue",
        "n_busy",
        "last",
        "area_q",
        "area_busy",
        "wait_sum",
        "wait_n",
        "completions",
    )

    def __init__(self, env, servers, mu, rng) -> None:
        self.res = simpy.Resource(env, capacity=servers)
        self.service = buffered(lambda: rng.exponential(1.0 / mu, 4096).tolist())
        self.uniform = buffered(lambda: rng.random(4096).tolist())
        self.routes: list[tuple[float, Node]] = []
        self.n_queue = self.n_busy = 0
        self.last = self.area_q = self.area_busy = self.wait_sum = 0.0
        self.wait_n = self.completions = 0

    def next_node(self) -> Node | None:
        u = self.uniform()
        for cum, node in self.routes:
            if u < cum:
                return node
        return None


def run_simpy(horizon: float, warm_up: float, seed: int) -> dict[str, dict[str, float]]:
    env = simpy.Environment()
    rngs = [np.random.default_rng([seed, i]) for i in range(N + 1)]
    nodes = [Node(env, SERVERS[i], MU[i], rngs[i]) for i in range(N)]
    for i, node in enumerate(nodes):
        acc = 0.0
        for j in range(N):
            if ROUTING[i][j] > 0:
                acc += ROUTING[i][j]
                node.routes.append((acc, nodes[j]))

    def tick(node: Node, now: float) -> None:
        # time-weighted integrals of queue length and busy servers over [warm_up, now]
        if now > warm_up:
            dt = now - (node.last if node.last > warm_up else warm_up)
            node.area_q += node.n_queue * dt
            node.area_busy += node.n_busy * dt
        node.last = now

    def customer(node: Node):
        while node is not None:
            arrived = env.now
            tick(node, arrived)
            node.n_queue += 1
            with node.res.request() as req:
                yield req
                now = env.now
                tick(node, now)
                node.n_queue -= 1
                node.n_busy += 1
                if arrived >= warm_up:
                    node.wait_sum += now - arrived
                    node.wait_n += 1
                yield env.timeout(node.service())
                now = env.now
                tick(node, now)
                node.n_busy -= 1
                if now >= warm_up:
                    node.completions += 1
            node = node.next_node()

    def source():
        gap = buffered(lambda: rngs[N].exponential(1.0 / ARRIVAL_RATE, 4096).tolist())
        entry = nodes[0]
        while True:
            yield env.timeout(gap())
            env.process(customer(entry))

    env.process(source())
    env.run(until=horizon)
    window = horizon - warm_up
    out = {}
    for i, node in enumerate(nodes):
        tick(node, horizon)
        out[NAMES[i]] = {
            "mean_wait": node.wait_sum / node.wait_n if node.wait_n else math.nan,
            "mean_queue_length": node.area_q / window,
            "utilisation": node.area_busy / (SERVERS[i] * window),
            "throughput": node.completions / window,
        }
    return out


# --------------------------------------------------------------------------- (c) Ciw


def run_ciw(horizon: float, warm_up: float, seed: int, keep: dict | None = None):
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVAL_RATE)] + [None] * (N - 1),
        service_distributions=[ciw.dists.Exponential(rate=mu) for mu in MU],
        routing=[list(row) for row in ROUTING],
        number_of_servers=list(SERVERS),
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(horizon)
    records = q.get_all_records()
    window = horizon - warm_up
    wait_sum = [0.0] * N
    wait_n = [0] * N
    area_q = [0.0] * N
    area_busy = [0.0] * N
    done = [0] * N
    waits: list[list[tuple[float, float]]] = [[] for _ in range(N)]
    for r in records:
        if r.record_type != "service":
            continue
        k = r.node - 1
        a, s, e = r.arrival_date, r.service_start_date, r.service_end_date
        if a >= warm_up:
            wait_sum[k] += r.waiting_time
            wait_n[k] += 1
            if keep is not None:
                waits[k].append((a, r.waiting_time))
        area_q[k] += max(0.0, min(s, horizon) - max(a, warm_up))
        area_busy[k] += max(0.0, min(e, horizon) - max(s, warm_up))
        if warm_up <= e <= horizon:
            done[k] += 1
    if keep is not None:
        keep["waits"] = waits
    return {
        NAMES[k]: {
            "mean_wait": wait_sum[k] / wait_n[k] if wait_n[k] else math.nan,
            "mean_queue_length": area_q[k] / window,
            "utilisation": area_busy[k] / (SERVERS[k] * window),
            "throughput": done[k] / window,
        }
        for k in range(N)
    }


def batch_se(samples: list[tuple[float, float]], start: float, end: float, batches: int = 20):
    """Standard error of a mean wait by batch means over equal slices of arrival time."""
    sums = [0.0] * batches
    counts = [0] * batches
    width = (end - start) / batches
    for t, w in samples:
        b = min(int((t - start) / width), batches - 1)
        sums[b] += w
        counts[b] += 1
    means = np.array([s / c for s, c in zip(sums, counts, strict=True) if c])
    return float(means.std(ddof=1) / math.sqrt(len(means)))


# --------------------------------------------------------------------------- main


def timed(fn, *args):
    gc.collect()
    t0 = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t0, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--horizon", type=float, default=10_000.0, help="hours (default 10000)")
    ap.add_argument("--warm-up", type=float, default=100.0, help="hours (default 100)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--repeats", type=int, default=3, help="best of N, interleaved")
    ap.add_argument("--no-ciw", action="store_true", help="skip Ciw (it is the slow one)")
    args = ap.parse_args(argv)
    h, w, seed = args.horizon, args.warm_up, args.seed

    scenario = scenario_from_dict(scenario_dict(h, w, seed))  # parse: not timed
    contenders = {
        "engine": lambda: run_engine(scenario),
        "simpy": lambda: run_simpy(h, w, seed),
    }
    if not args.no_ciw:
        contenders["ciw"] = lambda: run_ciw(h, w, seed)
    print(
        f"Jackson network, 5 nodes, {ARRIVAL_RATE:g} arrivals/hour, horizon {h:g} h "
        f"(~{ARRIVAL_RATE * h:,.0f} arrivals), warm-up {w:g} h, best of {args.repeats}"
    )
    best = {name: math.inf for name in contenders}
    results: dict[str, dict] = {}
    for rep in range(args.repeats):
        for name, fn in contenders.items():
            t, res = timed(fn)
            best[name] = min(best[name], t)
            results[name] = res
            print(f"  run {rep + 1} {name:<7} {t:8.3f} s", flush=True)

    # ---- agreement
    ex = exact()
    keep: dict = {}
    run_ciw(h, w, seed, keep) if not args.no_ciw else None
    names = list(contenders)
    print("\nper-node metrics (exact = Jackson + Erlang C)")
    ok = True
    for metric in METRICS:
        print(f"\n  {metric}")
        head = "".join(f"{n:>12}" for n in [*names, "exact"])
        print(f"  {'node':<5}{head}" + ("    ±se(wait)" if metric == "mean_wait" and keep else ""))
        for node in NAMES:
            row = [results[n][node][metric] for n in names] + [ex[node][metric]]
            line = f"  {node:<5}" + "".join(f"{v:12.4f}" for v in row)
            if metric == "mean_wait" and keep:
                se = batch_se(keep["waits"][NAMES.index(node)], w, h)
                worst = max(abs(v - ex[node][metric]) for v in row[:-1])
                flag = "ok" if worst <= 4 * se else "CHECK"
                ok &= flag == "ok"
                line += f"  {se:10.4f}  {flag}"
            print(line)

    # ---- times and ratios
    print("\nbest times")
    for name in names:
        print(f"  {name:<7} {best[name]:8.3f} s")
    r1 = best["engine"] / best["simpy"]
    print(f"\nengine / minimal SimPy = {r1:.2f}  (goal <= 1.5: {'met' if r1 <= 1.5 else 'MISSED'})")
    if "ciw" in best:
        r2 = best["ciw"] / best["engine"]
        print(f"Ciw / engine           = {r2:.2f}  (goal >= 4: {'met' if r2 >= 4 else 'MISSED'})")
    if keep:
        print(f"mean waits agree with each other and with exact values within 4 se: {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
