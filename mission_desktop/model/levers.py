"""Policies: the changes they make to the levers (one model per ``lever``), what they cost,
and the variants that switch them on. Applying them is :mod:`.policies`."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import (
    _NUMBER,
    _PLAIN_DESCRIPTION,
    MAX_MULTIPLIER,
    MAX_VALUE,
    Id,
    Money,
    Name,
    NonNeg,
    Probability,
    _Frozen,
)


class _Change(_Frozen):
    set: Annotated[float, Field(ge=-MAX_VALUE, le=MAX_VALUE), _NUMBER] | None = None
    add: Annotated[float, Field(ge=-MAX_VALUE, le=MAX_VALUE), _NUMBER] | None = None
    multiply: Annotated[float, Field(ge=0, le=MAX_MULTIPLIER), _NUMBER] | None = None

    @model_validator(mode="after")
    def _one_operation(self) -> _Change:
        given = [k for k in ("set", "add", "multiply") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of set, add, multiply")
        for k in given:
            if not math.isfinite(getattr(self, k)):
                raise ValueError(f"{k} must be a finite number")
        return self

    @property
    def operation(self) -> tuple[str, float]:
        for k in ("set", "add", "multiply"):
            v = getattr(self, k)
            if v is not None:
                return k, v
        raise AssertionError("unreachable")


class CapacityChange(_Change):
    lever: Literal["capacity"]
    service: Id


class QueueLimitChange(_Change):
    lever: Literal["queue_limit"]
    service: Id


class _MultiplyOnly(_Frozen):
    multiply: Annotated[float, Field(gt=0, le=MAX_MULTIPLIER, allow_inf_nan=False), _NUMBER]


class ServiceTimeChange(_MultiplyOnly):
    lever: Literal["service_time"]
    service: Id


class PatienceChange(_MultiplyOnly):
    lever: Literal["patience"]
    service: Id


class ArrivalRateChange(_Change):
    lever: Literal["arrival_rate"]
    cohort: Id


class RouteChange(_Frozen):
    lever: Literal["route"]
    service: Id
    to: Id
    p: Probability
    cohort: Id | None = None


Change = Annotated[
    CapacityChange
    | QueueLimitChange
    | ServiceTimeChange
    | PatienceChange
    | ArrivalRateChange
    | RouteChange,
    Field(discriminator="lever"),
]
LEVERS = ("capacity", "queue_limit", "service_time", "patience", "arrival_rate", "route")


class PolicyCost(_Frozen):
    one_off: Money = 0
    per_time: Money = 0


class Policy(_Frozen):
    id: Id
    name: Name
    description: Annotated[str, _PLAIN_DESCRIPTION] = ""
    start: NonNeg = 0
    cost: PolicyCost = PolicyCost()
    changes: Annotated[tuple[Change, ...], Field(min_length=1)]


class Variant(_Frozen):
    id: Id
    name: Name
    policies: tuple[Id, ...] = ()
