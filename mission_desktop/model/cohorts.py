"""A cohort of citizens: its arrivals (rate, repeating profile, growth), where it enters and
the routes it takes instead of a service's own."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import Field, field_validator

from .base import (
    _WHOLE,
    MAX_PRIORITY,
    Id,
    Multiplier,
    Name,
    NonNeg,
    Positive,
    _Frozen,
)
from .services import Route
from .twin import Growth


class ArrivalProfile(_Frozen):
    period: Positive
    multipliers: Annotated[tuple[Multiplier, ...], Field(min_length=1, max_length=10_000)]

    @property
    def mean_multiplier(self) -> float:
        return math.fsum(self.multipliers) / len(self.multipliers)


class Arrivals(_Frozen):
    rate: NonNeg
    profile: ArrivalProfile | None = None
    growth: Growth | None = None


class Cohort(_Frozen):
    id: Id
    name: Name
    priority: Annotated[int, Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY), _WHOLE] = 0
    arrivals: Arrivals
    entry: Id | tuple[Route, ...]
    routes: dict[Id, tuple[Route, ...]] = Field(default_factory=dict)

    @field_validator("entry")
    @classmethod
    def _entry(cls, v: Any) -> Any:
        if isinstance(v, tuple):
            if not v:
                raise ValueError("must name a service or list at least one {to, p}")
            total = math.fsum(r.p for r in v)
            if abs(total - 1) > 1e-9:
                raise ValueError(f"probabilities must sum to exactly 1 (they sum to {total:g})")
        return v

    def entry_routes(self) -> tuple[Route, ...]:
        if isinstance(self.entry, str):
            return (Route(to=self.entry, p=1.0),)
        return self.entry
