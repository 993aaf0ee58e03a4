"""Validation of the version-2 engine features against exact results.

Same rule as tests/test_sim_theory.py (whose ``check`` records and asserts every row): R
independent replications with fixed seeds, a Student-t **99.9%** CI over the
per-replication values, the exact value inside it — a correct engine fails a given check
with probability < 0.1% — and a CI narrow enough to have teeth. The cases here have no
steady-state bias to allow for: each is exact over its finite horizon (a queue that clears,
a Poisson count, an i.i.d. duration).
"""

from __future__ import annotations

import math

import pytest
from scipy import integrate, stats
from test_sim_theory import TABLE, check, cohort, metric, replicate, scenario, svc

from mission_desktop.sim import Simulation


@pytest.fixture(scope="module", autouse=True)
def v2_rows():
    first = len(TABLE)
    yield
    print("\n\nVersion-2 theory rows\n")
    for row in TABLE[first:]:
        print(
            f"| {row['name']} | {row['exact']:.4f} | {row['mean']:.4f} | "
            f"[{row['lo']:.4f}, {row['hi']:.4f}] | {row['n']} |"
        )


def logged(sc, replication: int):
    """(summary, visit rows) of one replication."""
    rows: list[tuple] = []
    summary = Simulation(sc, "baseline", replication, visit_log=rows.extend).run()
    return summary, rows


def queue_of(n: int, waited=None, in_service: int = 0, capacity: int = 1, mean: float = 1.0):
    item = {"cohort": "people", "waiting": n, "in_service": in_service}
    if waited is not None:
        item["waited"] = waited
    return scenario(
        [svc("clinic", capacity, {"dist": "exponential", "mean": mean}, initial=[item])],
        [cohort("people", 0.0, "clinic")],  # no arrivals: only today's people
        horizon=1_000,
        warm_up=0,
    )


# --------------------------------------------------------------------------- initial queue


def test_an_initial_queue_clears_at_n_over_mu():
    """M/M/1 with N waiting at time 0 and no arrivals: the queue clears after N services,
    at N/μ on average; the k-th person (k = 0..N-1) waits k services, so the mean wait of a
    replication has expectation (N - 1) / (2μ)."""
    n, mu = 20, 0.5
    runs = [logged(queue_of(n, mean=1 / mu), r) for r in range(200)]
    cleared = [max(row[4] for row in rows) for _, rows in runs]
    check("initial queue N=20, μ=0.5: clears at N/μ", n / mu, cleared, 0.1)
    waits = [s.services["clinic"]["mean_wait"] for s, _ in runs]
    check("initial queue N=20, μ=0.5: mean wait (N-1)/(2μ)", (n - 1) / (2 * mu), waits, 0.1)
    assert all(s.services["clinic"]["throughput"] * 1_000 == n for s, _ in runs)


def test_waits_of_initial_people_count_from_their_earlier_arrival():
    """Each has already waited w (uniform 0..10, mean 5): the mean wait is E[w] + (N-1)/(2μ)
    and the mean journey E[w] + (N+1)/(2μ); the longest waiting are served first."""
    n, mu = 10, 1.0
    waited = {"dist": "uniform", "low": 0, "high": 10}
    runs = [logged(queue_of(n, waited=waited), r) for r in range(300)]
    check(
        "initial queue, waited U(0,10): mean wait E[w] + (N-1)/(2μ)",
        5 + (n - 1) / (2 * mu),
        metric([s for s, _ in runs], "clinic", "mean_wait"),
        0.1,
    )
    check(
        "initial queue, waited U(0,10): journey E[w] + (N+1)/(2μ)",
        5 + (n + 1) / (2 * mu),
        [s.cohorts["people"]["mean_journey_time"] for s, _ in runs],
        0.1,
    )
    for _, rows in runs[:20]:
        by_start = sorted(rows, key=lambda row: row[3])
        arrived = [row[2] for row in by_start]
        assert arrived == sorted(arrived), "longest waiting first"
        assert all(-10 <= a <= 0 for a in arrived)


def test_people_in_service_at_time_0_take_a_fresh_service_time():
    """5 servers busy at time 0, exponential services (mean 1), no arrivals: the last ends
    at the maximum of 5 exponentials, H_5 = 1 + 1/2 + ... + 1/5 on average. Their arrival is
    unknown: they add no wait or time-in-system sample."""
    runs = [logged(queue_of(0, in_service=5, capacity=5), r) for r in range(400)]
    cleared = [max(row[4] for row in rows) for _, rows in runs]
    check("5 in service at time 0: all done at H_5", sum(1 / k for k in range(1, 6)), cleared, 0.1)
    summary = runs[0][0].services["clinic"]
    assert summary["mean_wait"] is None and summary["mean_time_in_system"] is None
    assert summary["throughput"] * 1_000 == 5


# --------------------------------------------------------------------------- growth


def grown_count(rate, factor, every, profile, t0, t1) -> float:
    """∫ rate × profile(t) × factor^(t/every) dt over [t0, t1], piece by piece."""
    k = math.log(factor) / every
    if profile is None:
        return rate * (math.exp(k * t1) - math.exp(k * t0)) / k
    period, mults = profile["period"], profile["multipliers"]
    width = period / len(mults)
    total, t = 0.0, t0
    while t < t1 - 1e-12:
        j = math.floor(t / width + 1e-9)
        end = min((j + 1) * width, t1)
        total += rate * mults[j % len(mults)] * (math.exp(k * end) - math.exp(k * t)) / k
        t = end
    return total


@pytest.mark.parametrize(
    ("factor", "profile"),
    [(2.0, None), (0.5, None), (1.5, {"period": 10, "multipliers": [2, 0, 1, 1]})],
    ids=["doubling", "halving", "growth x profile"],
)
def test_growth_gives_the_throughput_of_the_integrated_rate(factor, profile):
    """An NHPP with rate λ factor^(t/every) (× a profile): the number of arrivals in the
    window is Poisson with mean ∫ rate dt, so the throughput of a self-service channel is
    that integral over the window's length."""
    rate, every, warm_up, horizon = 5.0, 50.0, 10.0, 100.0
    people = cohort("people", rate, "online")
    people["arrivals"]["growth"] = {"factor": factor, "every": every}
    if profile is not None:
        people["arrivals"]["profile"] = profile
    sc = scenario(
        [svc("online", None, {"dist": "fixed", "value": 0})],
        [people],
        horizon=horizon,
        warm_up=warm_up,
    )
    exact = grown_count(rate, factor, every, profile, warm_up, horizon) / (horizon - warm_up)
    check(
        f"NHPP growth ×{factor:g}/50 {'× profile ' if profile else ''}: throughput",
        exact,
        metric(replicate(sc, 150), "online", "throughput"),
        0.03,
    )


# --------------------------------------------------------------------------- clamping


def clamped_normal_mean(mean: float, sd: float, lo: float, hi: float | None) -> float:
    """E[min(max(X, lo), hi)], X ~ N(mean, sd), by numerical integration (independent of the
    closed form the model uses)."""
    f = stats.norm(mean, sd)
    top = math.inf if hi is None else hi
    body = integrate.quad(lambda x: x * f.pdf(x), lo, top)[0]
    return lo * f.cdf(lo) + body + (0.0 if hi is None else hi * f.sf(hi))


@pytest.mark.parametrize(
    ("dist", "lo", "hi"),
    [
        ({"dist": "normal", "mean": 0.5, "sd": 1.0}, 0.0, None),
        ({"dist": "normal", "mean": 1.0, "sd": 1.0, "min": 0.8}, 0.8, None),
        ({"dist": "normal", "mean": 2.0, "sd": 1.5, "min": 0.5, "max": 3.0}, 0.5, 3.0),
    ],
    ids=["floor at 0", "min", "min and max"],
)
def test_normal_durations_have_the_clamped_mean(dist, lo, hi):
    """M/G/∞: the time in system is the (clamped) duration itself."""
    sc = scenario(
        [svc("self_help", None, dist)],
        [cohort("people", 5.0, "self_help")],
        horizon=2_000,
        warm_up=50,
    )
    exact = clamped_normal_mean(dist["mean"], dist["sd"], lo, hi)
    check(
        f"M/G/∞ normal{dist['mean']:g},{dist['sd']:g} clamped [{lo:g}, {hi}]: mean duration",
        exact,
        metric(replicate(sc, 10), "self_help", "mean_time_in_system"),
        0.05,
    )


def test_a_clamped_exponential_has_the_clamped_mean():
    """E[min(max(X, a), b)] for X ~ Exp(mean m) = a + m (e^{-a/m} - e^{-b/m})."""
    m, a, b = 2.0, 0.5, 4.0
    sc = scenario(
        [svc("self_help", None, {"dist": "exponential", "mean": m, "min": a, "max": b})],
        [cohort("people", 5.0, "self_help")],
        horizon=2_000,
        warm_up=50,
    )
    check(
        "M/G/∞ exponential 2 clamped [0.5, 4]: mean duration",
        a + m * (math.exp(-a / m) - math.exp(-b / m)),
        metric(replicate(sc, 10), "self_help", "mean_time_in_system"),
        0.05,
    )
