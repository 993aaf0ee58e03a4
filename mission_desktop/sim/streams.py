"""Random streams for common random numbers, and fast buffered samplers for durations.

Every stream is derived from ``(run.seed, replication, purpose, stable hash of the id)``, so
adding a service does not shift another's stream, and replication *r* of every variant sees
the same random numbers wherever the variants agree.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from ..model.distributions import (
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Normal,
    Triangular,
    Uniform,
)

BUFFER = 512

#: purpose codes: part of the seed, so a service's durations and its routing never collide
SERVICE_TIME, PATIENCE, ROUTING, ARRIVALS, ENTRY = 1, 2, 3, 4, 5
#: the draws of a service's people already there at time 0 (``services[].initial``): their
#: own stream, so adding an initial list shifts no other stream
INITIAL = 6


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
        elif isinstance(dist, Normal):
            if dist.sd == 0:
                self.constant = float(dist.mean)
                self._fill = lambda: [self.constant] * n
            else:
                mean, sd = dist.mean, dist.sd
                self._fill = lambda: rng.normal(mean, sd, n).tolist()
        else:  # pragma: no cover - the model admits no other kind
            raise TypeError(f"unknown distribution {dist!r}")
        self._clamp(dist)

    def _clamp(self, dist) -> None:
        """Draws clamped to ``[min, max]`` (version 2); a normal never below 0. Distributions
        without bounds keep their fill untouched (bit-identical to version 1)."""
        lo, hi = getattr(dist, "min", None), getattr(dist, "max", None)
        if isinstance(dist, Normal) and lo is None:
            lo = 0.0
        if lo is None and hi is None:
            return
        if self.constant is not None:
            c = self.constant if lo is None else max(self.constant, lo)
            self.constant = c if hi is None else min(c, hi)
            return
        raw = self._fill
        self._fill = lambda: np.clip(raw(), lo, hi).tolist()

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
