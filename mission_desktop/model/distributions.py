"""Duration distributions (service times, patience, how long today's people have waited):
one model per ``dist`` of SCENARIO_FORMAT.md, each with the mean of its draws, and the
discriminated union that reads any of them."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import (
    NonNeg,
    Positive,
    Spread,
    _Frozen,
)

#: optional floor and ceiling of every distribution's draws (version 2)
Bound = NonNeg | None


class _Dist(_Frozen):
    """A duration distribution. Every kind may carry ``min`` and/or ``max`` (version 2): each
    draw is clamped to ``[min, max]``. Subclasses declare both fields last, so files read
    parameters first."""

    @model_validator(mode="after")
    def _clamp_order(self) -> _Dist:
        lo, hi = getattr(self, "min", None), getattr(self, "max", None)
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"max ({hi:g}) must be at least min ({lo:g})")
        return self


class Exponential(_Dist):
    dist: Literal["exponential"]
    mean: Positive
    min: Bound = None
    max: Bound = None

    @property
    def expected(self) -> float:
        return self.mean


class Fixed(_Dist):
    dist: Literal["fixed"]
    value: NonNeg
    min: Bound = None
    max: Bound = None

    @property
    def expected(self) -> float:
        return self.value


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: NonNeg
    high: NonNeg
    min: Bound = None
    max: Bound = None

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self

    @property
    def expected(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: NonNeg
    mode: NonNeg
    high: NonNeg
    min: Bound = None
    max: Bound = None

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high):
            raise ValueError("must have low ≤ mode ≤ high")
        return self

    @property
    def expected(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Lognormal(_Dist):
    dist: Literal["lognormal"]
    mean: Positive
    sd: Spread
    min: Bound = None
    max: Bound = None

    @property
    def expected(self) -> float:
        return self.mean


class Gamma(_Dist):
    dist: Literal["gamma"]
    mean: Positive
    sd: Spread
    min: Bound = None
    max: Bound = None

    @property
    def expected(self) -> float:
        return self.mean


class Empirical(_Dist):
    dist: Literal["empirical"]
    values: Annotated[tuple[NonNeg, ...], Field(min_length=1, max_length=100_000)]
    min: Bound = None
    max: Bound = None

    @property
    def expected(self) -> float:
        return math.fsum(self.values) / len(self.values)


class Normal(_Dist):
    """Version 2. A draw below 0 becomes 0 when no ``min`` is given: never a negative
    duration. ``expected`` is the mean of the draws, clamping included."""

    dist: Literal["normal"]
    mean: Positive
    sd: NonNeg
    min: Bound = None
    max: Bound = None

    @property
    def expected(self) -> float:
        lo = 0.0 if self.min is None else self.min
        return normal_clamped_mean(self.mean, self.sd, lo, self.max)


def normal_clamped_mean(mean: float, sd: float, lo: float, hi: float | None) -> float:
    """E[min(max(X, lo), hi)] for X ~ Normal(mean, sd) (``hi`` None: no ceiling)."""
    if sd == 0:
        return min(max(mean, lo), math.inf if hi is None else hi)

    def pdf(z: float) -> float:
        return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    def cdf(z: float) -> float:
        return 0.5 * math.erfc(-z / math.sqrt(2))

    a = (lo - mean) / sd
    # E[max(X, lo)] = lo Φ(a) + mean (1 - Φ(a)) + sd φ(a); a ceiling takes off E[(X - hi)+]
    value = lo * cdf(a) + mean * (1 - cdf(a)) + sd * pdf(a)
    if hi is not None:
        b = (hi - mean) / sd
        value -= (mean - hi) * (1 - cdf(b)) + sd * pdf(b)
    return value


Distribution = Annotated[
    Exponential | Fixed | Uniform | Triangular | Lognormal | Gamma | Empirical | Normal,
    Field(discriminator="dist"),
]
DIST_NAMES = (
    "exponential",
    "fixed",
    "uniform",
    "triangular",
    "lognormal",
    "gamma",
    "empirical",
    "normal",
)
