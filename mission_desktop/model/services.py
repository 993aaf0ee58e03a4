"""A service and its parts: capacity and its schedule, costs, the waiting-time target, routes
onward, and the people already there at time 0 (``initial``, version 2)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import (
    _NUMBER,
    _PLAIN_NAME,
    _WHOLE,
    MAX_CAPACITY,
    MAX_VALUE,
    Id,
    Money,
    Name,
    NonNeg,
    Positive,
    Probability,
    _Frozen,
)
from .distributions import Distribution, Fixed
from .twin import Observed


class Route(_Frozen):
    to: Id
    p: Probability


class CapacitySchedule(_Frozen):
    period: Positive
    steps: Annotated[
        tuple[tuple[NonNeg, Annotated[int, Field(ge=0, le=MAX_CAPACITY), _WHOLE]], ...],
        Field(min_length=1),
    ]

    @model_validator(mode="after")
    def _steps(self) -> CapacitySchedule:
        offsets = [s[0] for s in self.steps]
        if any(b <= a for a, b in zip(offsets, offsets[1:], strict=False)):
            raise ValueError("step offsets must be strictly increasing")
        if offsets[-1] >= self.period:
            raise ValueError(f"step offsets must be less than the period ({self.period:g})")
        return self

    def capacity_at(self, t: float) -> int:
        phase = t % self.period
        cap = self.steps[-1][1]  # before the first offset, the last step still holds
        for offset, c in self.steps:
            if offset <= phase:
                cap = c
            else:
                break
        return cap

    def mean_capacity(self) -> float:
        total = 0.0
        offsets = [s[0] for s in self.steps] + [self.period + self.steps[0][0]]
        for i, (offset, cap) in enumerate(self.steps):
            total += (offsets[i + 1] - offset) * cap
        return total / self.period


class ServiceCost(_Frozen):
    per_server_per_time: Money = 0
    per_case: Money = 0


class Target(_Frozen):
    wait: NonNeg
    within: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), _NUMBER]


#: the most people one ``initial`` item may hold, waiting or in service
MAX_INITIAL_PEOPLE = 1_000_000
InitialCount = Annotated[int, Field(ge=0, le=MAX_INITIAL_PEOPLE), _WHOLE]


class InitialPeople(_Frozen):
    """People of one cohort already at a service at time 0 (version 2)."""

    cohort: Id
    waiting: InitialCount = 0
    #: how long each waiting person has already waited (their arrival was at ``-waited``)
    waited: Distribution = Fixed(dist="fixed", value=0)
    in_service: InitialCount = 0


class Service(_Frozen):
    id: Id
    name: Name
    department: Annotated[str, Field(max_length=200), _PLAIN_NAME] = ""
    capacity: Annotated[int, Field(ge=1, le=MAX_CAPACITY), _WHOLE] | None
    capacity_schedule: CapacitySchedule | None = None
    service_time: Distribution
    patience: Distribution | None = None
    abandon_to: Id | None = None
    queue_limit: Annotated[int, Field(ge=0, le=int(MAX_VALUE)), _WHOLE] | None = None
    discipline: Literal["fifo", "priority"] = "fifo"
    cost: ServiceCost = ServiceCost()
    target: Target | None = None
    routes: tuple[Route, ...] = ()
    initial: Annotated[tuple[InitialPeople, ...], Field(max_length=500)] = ()
    observed: Observed | None = None
