"""Random streams for common random numbers, and fast buffered samplers for durations.

Every stream is derived from ``(run.seed, replication, purpose, stable hash of the id)``, so
adding a service does not shift another's stream, and replication *r* of every variant sees
the same random numbers wherever the variants agree.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from ..model.scenario import (
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Triangular,
    Uniform,
)

BUFFER = 512

#: purpose codes: part of the seed, so a service's durations and its routing never collide
SERVICE_TIME, PATIENCE, ROUTING, ARRIVALS, ENTRY = 1, 2, 3, 4, 5


def stable_hash(text: str) -> int:
    """A hash of an id that is the same in every process and on every machine."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def generator(seed: int, replication: int, purpose: int, ident: str) -> np.random.Generator:
    ss = np.random.SeedSequence([seed, replication, purpose, stable_hash(ident)])
    return np.random.Generator(np.random.PCG64(ss))


class Sampler:
    """Draws from one distribution through one stream, in vectorised batches."""

    __slots__ = ("_rng", "_fill", "_buf", "_i", "constant")

    def __init__(self, rng: np.random.Generator, dist) -> None:
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0
        self.constant: float | None = None
        n = BUFFER
        if isinstance(dist, Exponential):
            mean = dist.mean
            self._fill = lambda: rng.exponential(mean, n).tolist()
        elif isinstance(dist, Fixed):
            self.constant = float(dist.value)
            self._fill = lambda: [self.constant] * n
        elif isinstance(dist, Uniform):
            lo, hi = dist.low, dist.high
            if hi == lo:
                self.constant = float(lo)
                self._fill = lambda: [self.constant] * n
            else:
                self._fill = lambda: rng.uniform(lo, hi, n).tolist()
        elif isinstance(dist, Triangular):
            lo, mode, hi = dist.low, dist.mode, dist.high
            if hi == lo:
                self.constant = float(lo)
                self._fill = lambda: [self.constant] * n
            else:
                self._fill = lambda: rng.triangular(lo, mode, hi, n).tolist()
        elif isinstance(dist, Lognormal):
            if dist.sd == 0:
                self.constant = float(dist.mean)
                self._fill = lambda: [self.constant] * n
            else:
                s2 = math.log1p((dist.sd / dist.mean) ** 2)
                mu, sigma = math.log(dist.mean) - s2 / 2, math.sqrt(s2)
                self._fill = lambda: rng.lognormal(mu, sigma, n).tolist()
        elif isinstance(dist, Gamma):
            if dist.sd == 0:
                self.constant = float(dist.mean)
                self._fill = lambda: [self.constant] * n
            else:
                shape = (dist.mean / dist.sd) ** 2
                scale = dist.sd**2 / dist.mean
                self._fill = lambda: rng.gamma(shape, scale, n).tolist()
        elif isinstance(dist, Empirical):
            values = np.asarray(dist.values, dtype=float)
            if len(values) == 1:
                self.constant = float(values[0])
                self._fill = lambda: [self.constant] * n
            else:
                self._fill = lambda: values[rng.integers(0, len(values), n)].tolist()
        else:  # pragma: no cover - the model admits no other kind
            raise TypeError(f"unknown distribution {dist!r}")

    def __call__(self) -> float:
        i = self._i
        buf = self._buf
        if i >= len(buf):
            buf = self._buf = self._fill()
            i = 0
        self._i = i + 1
        return buf[i]


class Uniforms:
    """Uniform(0, 1) draws through one stream, in batches (routing and entry choices)."""

    __slots__ = ("_rng", "_buf", "_i")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        i = self._i
        buf = self._buf
        if i >= len(buf):
            buf = self._buf = self._rng.random(BUFFER).tolist()
            i = 0
        self._i = i + 1
        return buf[i]
