"""Version-2 models that stand alone: the calendar date, demand growth, observed figures,
assumptions and decisions (SCENARIO_FORMAT.md, "Version 2"). Today's people
(``services[].initial``) live with the services in :mod:`.services`, as they hold a
distribution."""

from __future__ import annotations

import datetime as _dt
import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from .base import _NUMBER, _WHOLE, Id, NonNeg, Positive, Probability, Whole, _Frozen

# --------------------------------------------------------------------------- calendar


def _calendar_date(value: Any) -> Any:
    """Only ``"YYYY-MM-DD"`` text is a date (not a number, not a date-time)."""
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise PydanticCustomError("date_type", 'must be a date written "YYYY-MM-DD"')
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date_type", 'must be a real calendar date written "YYYY-MM-DD"'
        ) from None


#: a calendar date, written "YYYY-MM-DD" (version 2)
CalendarDate = Annotated[_dt.date, BeforeValidator(_calendar_date)]


# --------------------------------------------------------------------------- growth


class Growth(_Frozen):
    """Demand that grows (version 2): the rate is multiplied by ``factor ** (t / every)``."""

    factor: Positive
    every: Positive

    @property
    def log_rate(self) -> float:
        """k in exp(k t): the continuous growth rate per time unit."""
        return math.log(self.factor) / self.every

    def multiplier(self, t: float) -> float:
        return math.exp(self.log_rate * t)

    def mean_multiplier(self, t0: float, t1: float) -> float:
        """The mean of the multiplier over ``[t0, t1]`` (t1 > t0)."""
        k = self.log_rate
        if k == 0:
            return 1.0
        return math.exp(k * t0) * math.expm1(k * (t1 - t0)) / (k * (t1 - t0))


# --------------------------------------------------------------------------- observed figures


OBSERVED_FIGURES = ("mean_wait", "p90_wait", "mean_queue_length", "throughput", "utilisation")


class Observed(_Frozen):
    """What the real service showed over ``period`` (model time), to check the model
    against; every figure has the Results section's definition (version 2)."""

    period: tuple[NonNeg, NonNeg]
    mean_wait: NonNeg | None = None
    p90_wait: NonNeg | None = None
    mean_queue_length: NonNeg | None = None
    throughput: NonNeg | None = None
    utilisation: Probability | None = None

    @model_validator(mode="after")
    def _period_and_figures(self) -> Observed:
        t0, t1 = self.period
        if not t1 > t0:
            raise ValueError(f"period [{t0:g}, {t1:g}] must end after it starts")
        if all(getattr(self, k) is None for k in OBSERVED_FIGURES):
            raise ValueError(f"give at least one observed figure ({', '.join(OBSERVED_FIGURES)})")
        return self


# --------------------------------------------------------------------------- assumptions, decisions
# (version 2) A range is around the file's own value, in the vocabulary of a policy change:
# ``multiply`` ranges for arrival_rate, service_time and patience, whole-number ``add``
# ranges for capacity and queue_limit, ``p`` ranges for a route.


def _ordered_range(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[1] < value[0]:
        raise ValueError(f"must be [low, high] with low ≤ high, not [{value[0]:g}, {value[1]:g}]")
    return value


def _range(item: Any) -> Any:
    return Annotated[tuple[item, item], AfterValidator(_ordered_range)]


MultiplyRange = _range(Positive)
RateRange = _range(NonNeg)
AddRange = _range(Whole)
ProbabilityRange = _range(Probability)


class _ServiceMultiplyRange(_Frozen):
    lever: Literal["service_time", "patience"]
    service: Id
    multiply: MultiplyRange


class _ArrivalRateRange(_Frozen):
    lever: Literal["arrival_rate"]
    cohort: Id
    multiply: RateRange


class _AddRange(_Frozen):
    lever: Literal["capacity", "queue_limit"]
    service: Id
    add: AddRange


class _RouteRange(_Frozen):
    lever: Literal["route"]
    service: Id
    to: Id
    cohort: Id | None = None
    p: ProbabilityRange


class _AssumptionInfo(_Frozen):
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=200)]
    source: Annotated[str, Field(max_length=10_000)] = ""
    reliability: Literal["low", "medium", "high"] | None = None
    owner: Annotated[str, Field(max_length=200)] = ""


class ServiceMultiplyAssumption(_AssumptionInfo, _ServiceMultiplyRange):
    pass


class ArrivalRateAssumption(_AssumptionInfo, _ArrivalRateRange):
    pass


class AddAssumption(_AssumptionInfo, _AddRange):
    pass


class RouteAssumption(_AssumptionInfo, _RouteRange):
    pass


Assumption = Annotated[
    ServiceMultiplyAssumption | ArrivalRateAssumption | AddAssumption | RouteAssumption,
    Field(discriminator="lever"),
]

PositiveStep = Annotated[float, Field(gt=0, allow_inf_nan=False), _NUMBER]
WholeStep = Annotated[int, Field(ge=1), _WHOLE]


class ServiceMultiplyDecision(_ServiceMultiplyRange):
    step: PositiveStep


class ArrivalRateDecision(_ArrivalRateRange):
    step: PositiveStep


class AddDecision(_AddRange):
    step: WholeStep


class RouteDecision(_RouteRange):
    step: PositiveStep


DecisionLever = Annotated[
    ServiceMultiplyDecision | ArrivalRateDecision | AddDecision | RouteDecision,
    Field(discriminator="lever"),
]


class Decisions(_Frozen):
    """What goal-seek may change: lever ranges with steps, and policies on or off."""

    levers: Annotated[tuple[DecisionLever, ...], Field(max_length=100)] = ()
    policies: tuple[Id, ...] = ()
    confidence: Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False), _NUMBER] = 0.95
