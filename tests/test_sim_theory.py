"""Validation of the engine against exact queueing theory.

Tolerance rule (no guessed tolerances): every case runs R independent replications (fixed
seeds, so the suite is deterministic) with a warm-up of many relaxation times. From the R
per-replication values we form a Student-t **99.9%** confidence interval; the exact value
must lie inside it. A correct engine would fail a given check with probability < 0.1%
(plus a negligible residual initial/end bias, kept small against the CI by the warm-up and
horizon chosen). To make sure a check has teeth, each also asserts that the CI is narrow
(its half-width is at most a stated share of the exact value): a wide CI would accept
anything.

Every check is recorded in a theory-validation table printed at the end of the module and
written to /tmp/theory_table.md (for the release note).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from builders import build
from helpers_theory import (
    ErlangA,
    MMc,
    MMcK,
    cobham_wq,
    pollaczek_khinchine_wq,
    traffic_equations,
)
from scipy import stats

from mission_desktop.sim import ReplicationSummary, run_experiment, run_replications

LEVEL = 0.999
TABLE_PATH = Path("/tmp/theory_table.md")
TABLE: list[dict[str, Any]] = []


# --------------------------------------------------------------------------- helpers


def scenario(services, cohorts, *, horizon, warm_up, seed=2024, policies=(), variants=None):
    return build(
        services,
        cohorts,
        horizon=horizon,
        warm_up=warm_up,
        seed=seed,
        policies=policies,
        variants=variants,
        name="theory",
    )


def svc(sid, capacity, service_time, **extra):
    return {
        "id": sid,
        "name": sid.upper(),
        "capacity": capacity,
        "service_time": service_time,
        **extra,
    }


def expo(mean):
    return {"dist": "exponential", "mean": mean}


def cohort(cid, rate, entry, **extra):
    return {"id": cid, "name": cid.upper(), "arrivals": {"rate": rate}, "entry": entry, **extra}


def replicate(sc, reps: int) -> list[ReplicationSummary]:
    done = run_replications(sc, [("baseline", r) for r in range(reps)], workers=1)
    return [done[("baseline", r)] for r in range(reps)]


def ci(values) -> tuple[float, float, float]:
    """Mean and the Student-t 99.9% CI of per-replication values."""
    xs = np.asarray(values, dtype=float)
    mean = float(xs.mean())
    half = float(stats.t.ppf(0.5 + LEVEL / 2, len(xs) - 1) * xs.std(ddof=1) / math.sqrt(len(xs)))
    return mean, mean - half, mean + half


def _write_table() -> None:
    lines = [
        "| check | exact | simulated mean | 99.9% CI | R | ok |",
        "|---|---:|---:|---|---:|:-:|",
    ]
    for row in TABLE:
        lines.append(
            f"| {row['name']} | {row['exact']:.4f} | {row['mean']:.4f} | "
            f"[{row['lo']:.4f}, {row['hi']:.4f}] | {row['n']} | {'✓' if row['ok'] else '✗'} |"
        )
    TABLE_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(
    name: str,
    exact: float,
    values,
    max_rel_half_width: float = 0.1,
    *,
    allowance: float = 0.0,
    scale: float | None = None,
) -> None:
    """Record a row of the table and assert: exact inside the 99.9% CI (widened by an
    explicit, documented ``allowance`` where a known O(1/T) edge bias exists), and the CI
    narrow against ``scale`` (default: the exact value)."""
    mean, lo, hi = ci(values)
    lo, hi = lo - allowance, hi + allowance
    ok = lo <= exact <= hi
    TABLE.append(
        {"name": name, "exact": exact, "mean": mean, "lo": lo, "hi": hi, "n": len(values), "ok": ok}
    )
    _write_table()
    assert ok, f"{name}: exact {exact:.5g} outside 99.9% CI [{lo:.5g}, {hi:.5g}] (mean {mean:.5g})"
    half = (hi - lo) / 2
    ref = abs(exact) if scale is None else abs(scale)
    assert half <= max_rel_half_width * ref, (
        f"{name}: CI half-width {half:.3g} too wide against {ref:.3g} to be a real check"
    )


def metric(reps, service, name):
    return [r.services[service][name] for r in reps]


@pytest.fixture(scope="module", autouse=True)
def theory_table():
    TABLE.clear()
    yield TABLE
    _write_table()
    print("\n\nTheory-validation table (also in /tmp/theory_table.md)\n")
    print(TABLE_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- (a) M/M/1


def test_mm1():
    q = MMc(lam=0.75, mu=1.0, c=1)
    sc = scenario(
        [svc("desk", 1, expo(1.0), target={"wait": 2.0, "within": 0.8})],
        [cohort("people", q.lam, "desk")],
        horizon=20_000,
        warm_up=1_000,
    )
    reps = replicate(sc, 20)
    check("M/M/1 ρ=0.75: Wq", q.wq, metric(reps, "desk", "mean_wait"))
    check("M/M/1 ρ=0.75: Lq", q.lq, metric(reps, "desk", "mean_queue_length"))
    check("M/M/1 ρ=0.75: W (time in system)", q.w, metric(reps, "desk", "mean_time_in_system"))
    check("M/M/1 ρ=0.75: utilisation", q.rho, metric(reps, "desk", "utilisation"), 0.02)
    check("M/M/1 ρ=0.75: throughput", q.lam, metric(reps, "desk", "throughput"), 0.02)
    check(
        "M/M/1 ρ=0.75: P(Wq ≤ 2)",
        q.p_wait_at_most(2.0),
        metric(reps, "desk", "share_within_target"),
        0.03,
    )
    check("M/M/1 ρ=0.75: p90 wait", q.wait_quantile(0.9), metric(reps, "desk", "p90_wait"))


# --------------------------------------------------------------------------- (b) M/M/c


def test_mmc_erlang_c():
    q = MMc(lam=2.4, mu=1.0, c=3)  # ρ = 0.8
    sc = scenario(
        [svc("team", 3, expo(1.0), target={"wait": 1.0, "within": 0.9})],
        [cohort("people", q.lam, "team")],
        horizon=10_000,
        warm_up=500,
    )
    reps = replicate(sc, 20)
    check("M/M/3 ρ=0.8: Wq (Erlang C)", q.wq, metric(reps, "team", "mean_wait"))
    check("M/M/3 ρ=0.8: Lq", q.lq, metric(reps, "team", "mean_queue_length"))
    check("M/M/3 ρ=0.8: W", q.w, metric(reps, "team", "mean_time_in_system"), 0.05)
    check("M/M/3 ρ=0.8: utilisation", q.rho, metric(reps, "team", "utilisation"), 0.02)
    check(
        "M/M/3 ρ=0.8: P(Wq ≤ 1) = 1 − C·e^−(cμ−λ)",
        q.p_wait_at_most(1.0),
        metric(reps, "team", "share_within_target"),
        0.03,
    )


# --------------------------------------------------------------------------- (c) M/G/1


@pytest.mark.parametrize(
    "dist, label",
    [
        ({"dist": "gamma", "mean": 1.0, "sd": 1.5}, "M/G/1 gamma(mean 1, sd 1.5)"),
        ({"dist": "lognormal", "mean": 1.0, "sd": 1.2}, "M/G/1 lognormal(mean 1, sd 1.2)"),
        ({"dist": "fixed", "value": 1.0}, "M/D/1"),
    ],
)
def test_mg1_pollaczek_khinchine(dist, label):
    lam = 0.6
    mean = 1.0
    sd = dist.get("sd", 0.0)
    wq = pollaczek_khinchine_wq(lam, mean, sd)
    sc = scenario(
        [svc("desk", 1, dist)],
        [cohort("people", lam, "desk")],
        horizon=20_000,
        warm_up=1_000,
    )
    reps = replicate(sc, 20)
    check(f"{label} λ=0.6: Wq (P–K)", wq, metric(reps, "desk", "mean_wait"))
    check(f"{label} λ=0.6: Lq = λ·Wq", lam * wq, metric(reps, "desk", "mean_queue_length"))
    check(f"{label} λ=0.6: W", wq + mean, metric(reps, "desk", "mean_time_in_system"), 0.06)
    check(f"{label} λ=0.6: utilisation", lam * mean, metric(reps, "desk", "utilisation"), 0.02)


@pytest.mark.parametrize(
    "dist, mean",
    [
        ({"dist": "exponential", "mean": 2.0}, 2.0),
        ({"dist": "uniform", "low": 1.0, "high": 4.0}, 2.5),
        ({"dist": "triangular", "low": 0.5, "mode": 1.0, "high": 6.0}, 2.5),
        ({"dist": "lognormal", "mean": 2.0, "sd": 3.0}, 2.0),
        ({"dist": "gamma", "mean": 2.0, "sd": 0.5}, 2.0),
        ({"dist": "empirical", "values": [1, 2, 2, 7]}, 3.0),
    ],
)
def test_mg_infinity_mean_duration(dist, mean):
    """M/G/∞: time in system is the service time itself, so its mean is the distribution's
    mean (validates every distribution's parameterisation)."""
    sc = scenario(
        [svc("self_help", None, dist)],
        [cohort("people", 5.0, "self_help")],
        horizon=2_000,
        warm_up=50,
    )
    reps = replicate(sc, 10)
    check(
        f"M/G/∞ {dist['dist']}: mean duration",
        mean,
        metric(reps, "self_help", "mean_time_in_system"),
        0.05,
    )


# --------------------------------------------------------------------------- (d) Jackson


def test_open_jackson_network_with_feedback():
    """A → B (0.6), A → C (0.3); B → C (0.5); C → A (0.2, feedback). Product form: each node
    is an independent M/M/c with the traffic-equation arrival rate."""
    gamma = 0.5
    routing = {"a": {"b": 0.6, "c": 0.3}, "b": {"c": 0.5}, "c": {"a": 0.2}}
    lam = traffic_equations({"a": gamma, "b": 0.0, "c": 0.0}, routing)
    nodes = {"a": (1, 1.0), "b": (2, 4.0), "c": (1, 2.0)}  # servers, mean service
    services = [
        svc(
            n,
            c,
            expo(m),
            routes=[{"to": t, "p": p} for t, p in routing[n].items()],
        )
        for n, (c, m) in nodes.items()
    ]
    sc = scenario(services, [cohort("people", gamma, "a")], horizon=20_000, warm_up=1_000)
    reps = replicate(sc, 20)
    for n, (c, m) in nodes.items():
        q = MMc(lam=lam[n], mu=1 / m, c=c)
        tag = f"Jackson node {n} (M/M/{c}, λ={lam[n]:.4f}, ρ={q.rho:.3f})"
        check(f"{tag}: Lq", q.lq, metric(reps, n, "mean_queue_length"), 0.15)
        check(f"{tag}: Wq", q.wq, metric(reps, n, "mean_wait"), 0.15)
        check(f"{tag}: throughput", lam[n], metric(reps, n, "throughput"), 0.02)


# --------------------------------------------------------------------------- (e) M/M/c/K


def test_mmck_turned_away():
    q = MMcK(lam=2.0, mu=1.0, c=2, queue_limit=3)
    sc = scenario(
        [svc("desk", 2, expo(1.0), queue_limit=3)],
        [cohort("people", q.lam, "desk")],
        horizon=5_000,
        warm_up=100,
    )
    reps = replicate(sc, 20)
    check(
        "M/M/2/5 λ=2: turned away = λ·P_block",
        q.turned_away_rate,
        metric(reps, "desk", "turned_away"),
        0.05,
    )
    check("M/M/2/5 λ=2: throughput", q.throughput, metric(reps, "desk", "throughput"), 0.02)
    check("M/M/2/5 λ=2: Lq", q.lq, metric(reps, "desk", "mean_queue_length"), 0.03)
    check("M/M/2/5 λ=2: Wq (admitted)", q.wq, metric(reps, "desk", "mean_wait"), 0.03)
    check("M/M/2/5 λ=2: utilisation", q.busy / 2, metric(reps, "desk", "utilisation"), 0.02)
    cohort_rate = [r.cohorts["people"]["turned_away"] for r in reps]
    check("M/M/2/5 λ=2: cohort turned away", q.turned_away_rate, cohort_rate, 0.05)


# --------------------------------------------------------------------------- (f) M/M/1+M


def test_mm1_with_exponential_patience_erlang_a():
    q = ErlangA(lam=1.0, mu=1.0, c=1, theta=0.2)  # ρ = 1: only abandonment keeps it stable
    sc = scenario(
        [svc("desk", 1, expo(1.0), patience=expo(1 / q.theta))],
        [cohort("people", q.lam, "desk")],
        horizon=10_000,
        warm_up=500,
    )
    reps = replicate(sc, 20)
    check(
        "M/M/1+M λ=μ=1, θ=0.2: abandonment rate",
        q.abandonment_rate,
        metric(reps, "desk", "abandoned"),
        0.05,
    )
    check("M/M/1+M: Lq", q.lq, metric(reps, "desk", "mean_queue_length"), 0.05)
    check("M/M/1+M: throughput", q.throughput, metric(reps, "desk", "throughput"), 0.02)
    check("M/M/1+M: utilisation", q.busy, metric(reps, "desk", "utilisation"), 0.02)
    cohort_rate = [r.cohorts["people"]["abandoned"] for r in reps]
    check("M/M/1+M: cohort abandoned", q.abandonment_rate, cohort_rate, 0.05)


# --------------------------------------------------------------------------- (h) M/M/∞


def test_mm_infinity():
    lam, mean = 5.0, 2.0
    sc = scenario(
        [svc("online", None, expo(mean))],
        [cohort("people", lam, "online")],
        horizon=5_000,
        warm_up=50,
    )
    reps = replicate(sc, 10)
    assert all(r.services["online"]["utilisation"] is None for r in reps)
    assert all(r.services["online"]["mean_wait"] == 0 for r in reps)
    assert all(r.services["online"]["mean_queue_length"] == 0 for r in reps)
    check(
        "M/M/∞ λ=5, 1/μ=2: time in system",
        mean,
        metric(reps, "online", "mean_time_in_system"),
        0.02,
    )
    in_service = [
        r.services["online"]["throughput"] * r.services["online"]["mean_time_in_system"]
        for r in reps
    ]
    check("M/M/∞: mean in service = λ/μ (throughput × W)", lam * mean, in_service, 0.02)


# --------------------------------------------------------------------------- (i) NHPP


def test_non_homogeneous_arrivals_throughput():
    mults = [0.5, 1.5, 1.0, 2.0, 0.0, 1.6]
    rate = 3.0
    doc_cohort = cohort("people", rate, "online")
    doc_cohort["arrivals"]["profile"] = {"period": 12, "multipliers": mults}
    sc = scenario(
        [svc("online", None, {"dist": "fixed", "value": 0})],
        [doc_cohort],
        horizon=12 * 300 + 120,
        warm_up=120,  # the window is a whole number of periods
    )
    reps = replicate(sc, 10)
    exact = rate * sum(mults) / len(mults)
    check(
        "NHPP rate 3 × profile (mean mult 1.1): throughput",
        exact,
        metric(reps, "online", "throughput"),
        0.02,
    )


# --------------------------------------------------------------------------- (g) Little


def test_littles_law_on_network_with_blocking():
    """L = λW, per service (queue: Lq = throughput × mean_wait; whole service: Lq + busy =
    throughput × mean_time_in_system, busy = utilisation × capacity, blocked included) and
    for the whole system (people present = exits per time × mean journey time), on a
    network with queue limits that block transfers and turn people away.

    Little's law holds exactly on a sample path except for the people straddling the
    window's two edges; their contribution is O(1/T): at each edge about L people with a
    mean residual time of at most 2W, so the allowance added to the 99.9% CI of the paired
    per-replication differences is 4·L·W/T (documented, not guessed)."""
    services = [
        svc("triage", 3, expo(0.5), routes=[{"to": "ward", "p": 0.4}, {"to": "clinic", "p": 0.3}]),
        svc("ward", 4, expo(4.0), queue_limit=2, routes=[{"to": "care", "p": 0.3}]),
        svc("care", 2, expo(5.0), queue_limit=1),
        svc("clinic", 2, expo(1.5), queue_limit=0),
    ]
    caps = {"triage": 3, "ward": 4, "care": 2, "clinic": 2}
    horizon, warm_up = 5_000, 200
    length = horizon - warm_up
    sc = scenario(
        services,
        [cohort("people", 2.0, "triage"), cohort("walkin", 0.5, "clinic")],
        horizon=horizon,
        warm_up=warm_up,
    )
    reps = replicate(sc, 20)
    # the scenario really blocks and turns away
    assert np.mean(metric(reps, "triage", "mean_blocked_time")) > 0.1
    assert np.mean(metric(reps, "ward", "mean_blocked_time")) > 0.01
    assert np.mean(metric(reps, "clinic", "turned_away")) > 0.05

    def m(sid, key):
        return np.array(metric(reps, sid, key), dtype=float)

    total_l = np.zeros(len(reps))
    for sid, cap in caps.items():
        lq = m(sid, "mean_queue_length")
        thr = m(sid, "throughput")
        wait = m(sid, "mean_wait")
        l_all = lq + m(sid, "utilisation") * cap
        tis = m(sid, "mean_time_in_system")
        total_l += l_all
        check(
            f"Little {sid}: Lq − λ·Wq",
            0.0,
            lq - thr * wait,
            allowance=4 * lq.mean() * wait.mean() / length,
            scale=max(lq.mean(), 0.1),
        )
        check(
            f"Little {sid}: L − λ·W (blocked incl.)",
            0.0,
            l_all - thr * tis,
            allowance=4 * l_all.mean() * tis.mean() / length,
            scale=l_all.mean(),
        )
    exits = np.zeros(len(reps))
    lam_w = np.zeros(len(reps))
    for cid in ("people", "walkin"):
        out = np.array(
            [
                r.cohorts[cid]["completed"]
                + r.cohorts[cid]["abandoned"]
                + r.cohorts[cid]["turned_away"]
                for r in reps
            ]
        )
        exits += out
        lam_w += out * np.array([r.cohorts[cid]["mean_journey_time"] for r in reps])
    journey = lam_w / exits
    check(
        "Little whole system: L − λ·W(journey)",
        0.0,
        total_l - lam_w,
        allowance=4 * total_l.mean() * journey.mean() / length,
        scale=total_l.mean(),
    )


# --------------------------------------------------------------------------- (j) schedule


def test_capacity_schedule_utilisation_uses_time_average_capacity():
    lam, mean = 1.5, 1.0
    schedule = {"period": 10, "steps": [[0, 3], [6, 1]]}  # time-average capacity 2.2
    sc = scenario(
        [svc("desk", 3, expo(mean), capacity_schedule=schedule)],
        [cohort("people", lam, "desk")],
        horizon=10_200,
        warm_up=200,  # the window is a whole number of periods
    )
    reps = replicate(sc, 10)
    check(
        "Schedule 3/1 (mean 2.2), offered 1.5: utilisation = λE[S]/2.2",
        lam * mean / 2.2,
        metric(reps, "desk", "utilisation"),
        0.02,
    )
    check("Schedule: throughput = λ", lam, metric(reps, "desk", "throughput"), 0.02)
    staff = [r.cost["staff_and_capacity"] for r in reps]
    assert staff == pytest.approx([0.0] * len(reps))  # no cost given: zero


def test_non_preemptive_priority_cobham():
    """Two classes into one M/M/1 with discipline priority: each class's mean wait follows
    Cobham's formula; read through each single-visit cohort's mean journey time (wait +
    mean service 1)."""
    lams = [0.3, 0.4]  # class 0 (priority 0) first
    wq = cobham_wq(lams, [1.0, 1.0], [2.0, 2.0])
    sc = scenario(
        [svc("desk", 1, expo(1.0), discipline="priority")],
        [
            cohort("urgent", lams[0], "desk", priority=0),
            cohort("routine", lams[1], "desk", priority=1),
        ],
        horizon=20_000,
        warm_up=1_000,
    )
    reps = replicate(sc, 20)
    for k, cid in enumerate(("urgent", "routine")):
        journeys = [r.cohorts[cid]["mean_journey_time"] for r in reps]
        check(
            f"Priority M/M/1 ρ=0.7 class {k} ({cid}): journey = Wq (Cobham) + 1",
            wq[k] + 1.0,
            journeys,
        )
    check(
        "Priority M/M/1: overall Wq (work-conserving = M/M/1)",
        MMc(0.7, 1.0).wq,
        metric(reps, "desk", "mean_wait"),
    )


# --------------------------------------------------------------------------- aggregation


def test_results_figures_are_student_t_over_replications():
    """run_experiment's {mean, ci95} is the mean and 95% Student-t CI of the per-replication
    values that run_replications gives."""
    q = MMc(lam=0.5, mu=1.0)
    sc = scenario(
        [svc("desk", 1, expo(1.0))], [cohort("people", q.lam, "desk")], horizon=500, warm_up=50
    )
    res = run_experiment(sc, replications=8, workers=1)
    reps = replicate(sc, 8)
    xs = np.array(metric(reps, "desk", "mean_wait"))
    fig = res["variants"]["baseline"]["services"]["desk"]["mean_wait"]
    half = stats.t.ppf(0.975, 7) * xs.std(ddof=1) / math.sqrt(8)
    assert fig["mean"] == pytest.approx(xs.mean(), rel=1e-12)
    assert fig["ci95"] == pytest.approx([xs.mean() - half, xs.mean() + half], rel=1e-12)
