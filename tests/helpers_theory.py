"""Exact queueing-theory formulas used to validate the engine (tests/test_sim_theory.py).

Plain Python and numpy only; every function states the model it is exact for.
Notation: arrival rate ``lam``, service rate per server ``mu`` (mean service 1/mu),
servers ``c``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def erlang_c(c: int, a: float) -> float:
    """Probability an arrival waits in M/M/c with offered load ``a = lam/mu`` (< c)."""
    if not 0 <= a < c:
        raise ValueError("need 0 <= a < c")
    # Erlang B by the stable recursion, then C from B
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1 - rho * (1 - b))


@dataclass(frozen=True)
class MMc:
    """Steady state of M/M/c (c = 1 gives M/M/1)."""

    lam: float
    mu: float
    c: int = 1

    @property
    def a(self) -> float:
        return self.lam / self.mu

    @property
    def rho(self) -> float:
        return self.a / self.c

    @property
    def p_wait(self) -> float:
        return erlang_c(self.c, self.a)

    @property
    def wq(self) -> float:
        return self.p_wait / (self.c * self.mu - self.lam)

    @property
    def lq(self) -> float:
        return self.lam * self.wq

    @property
    def w(self) -> float:
        return self.wq + 1 / self.mu

    def p_wait_at_most(self, t: float) -> float:
        """P(Wq <= t) = 1 - C exp(-(c mu - lam) t)."""
        return 1 - self.p_wait * math.exp(-(self.c * self.mu - self.lam) * t)

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of the waiting time (0 if at least q of people do not wait)."""
        if 1 - self.p_wait >= q:
            return 0.0
        return math.log(self.p_wait / (1 - q)) / (self.c * self.mu - self.lam)


def pollaczek_khinchine_wq(lam: float, mean: float, sd: float) -> float:
    """Mean wait in M/G/1: lam E[S^2] / (2 (1 - rho))."""
    rho = lam * mean
    if rho >= 1:
        raise ValueError("unstable")
    return lam * (sd**2 + mean**2) / (2 * (1 - rho))


def birth_death(birth, death, n_max: int) -> np.ndarray:
    """Stationary distribution of a birth-death chain on 0..n_max (birth(n), death(n))."""
    logp = np.zeros(n_max + 1)
    for n in range(1, n_max + 1):
        logp[n] = logp[n - 1] + math.log(birth(n - 1)) - math.log(death(n))
    p = np.exp(logp - logp.max())
    return p / p.sum()


@dataclass(frozen=True)
class MMcK:
    """M/M/c/K: at most K = c + queue_limit in the system; arrivals finding it full are lost."""

    lam: float
    mu: float
    c: int
    queue_limit: int

    @property
    def p(self) -> np.ndarray:
        k = self.c + self.queue_limit
        return birth_death(lambda n: self.lam, lambda n: min(n, self.c) * self.mu, k)

    @property
    def p_block(self) -> float:
        return float(self.p[-1])

    @property
    def turned_away_rate(self) -> float:
        return self.lam * self.p_block

    @property
    def throughput(self) -> float:
        return self.lam * (1 - self.p_block)

    @property
    def lq(self) -> float:
        p = self.p
        return float(sum(max(n - self.c, 0) * p[n] for n in range(len(p))))

    @property
    def wq(self) -> float:
        """Mean wait of admitted people (Little on the admitted stream)."""
        return self.lq / self.throughput

    @property
    def busy(self) -> float:
        p = self.p
        return float(sum(min(n, self.c) * p[n] for n in range(len(p))))


@dataclass(frozen=True)
class ErlangA:
    """M/M/c+M (exponential patience, rate theta), truncated at n_max (choose it large)."""

    lam: float
    mu: float
    c: int
    theta: float
    n_max: int = 2000

    @property
    def p(self) -> np.ndarray:
        return birth_death(
            lambda n: self.lam,
            lambda n: min(n, self.c) * self.mu + max(n - self.c, 0) * self.theta,
            self.n_max,
        )

    @property
    def lq(self) -> float:
        p = self.p
        n = np.arange(len(p))
        return float(np.sum(np.maximum(n - self.c, 0) * p))

    @property
    def abandonment_rate(self) -> float:
        return self.theta * self.lq

    @property
    def throughput(self) -> float:
        return self.lam - self.abandonment_rate

    @property
    def busy(self) -> float:
        p = self.p
        n = np.arange(len(p))
        return float(np.sum(np.minimum(n, self.c) * p))


def cobham_wq(lams: list[float], means: list[float], second_moments: list[float]) -> list[float]:
    """Mean wait per class in a non-preemptive priority M/G/1 (class 0 served first)."""
    w0 = sum(lam * m2 for lam, m2 in zip(lams, second_moments, strict=True)) / 2
    out = []
    sigma_prev = 0.0
    for lam, m in zip(lams, means, strict=True):
        sigma = sigma_prev + lam * m
        out.append(w0 / ((1 - sigma_prev) * (1 - sigma)))
        sigma_prev = sigma
    return out


def traffic_equations(external: dict[str, float], routing: dict[str, dict[str, float]]):
    """Arrival rate per node of an open network: lam = gamma + P^T lam."""
    nodes = list(external)
    idx = {n: i for i, n in enumerate(nodes)}
    p = np.zeros((len(nodes), len(nodes)))
    for a, row in routing.items():
        for b, prob in row.items():
            p[idx[a], idx[b]] = prob
    gamma = np.array([external[n] for n in nodes])
    lam = np.linalg.solve(np.eye(len(nodes)) - p.T, gamma)
    return {n: float(lam[idx[n]]) for n in nodes}
