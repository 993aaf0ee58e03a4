"""The scenario: typed, immutable models of every field of SCENARIO_FORMAT.md (version 1).

Structural rules (types, ranges, unknown fields) live on the models; rules that need the
whole scenario (ids resolve, probabilities sum, policies apply cleanly) live in
:mod:`mission_desktop.model.checks`. No Qt, no SimPy, no files here.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .text import plain_description, plain_name

FORMAT = "mission-desktop/scenario"
VERSION = 1


def _not_a_whole_number(value: Any) -> Any:
    """``true`` is not 1 and ``"40"`` is text: only JSON numbers are whole numbers."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "must be a whole number")
    return value


def _not_a_number(value: Any) -> Any:
    """``true`` is not 1.0 and ``"0.5"`` is text: only JSON numbers are numbers."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("float_type", "must be a number")
    return value


# Put last in an ``Annotated``, after any ``Field`` constraints, so that the constraints stay
# on the number itself (and so in the JSON Schema as minimum/maximum).
_WHOLE = BeforeValidator(_not_a_whole_number)
_NUMBER = BeforeValidator(_not_a_number)
#: a whole number (40 and 40.0 are accepted; true/false are not)
Whole = Annotated[int, _WHOLE]
#: a number (true/false are not numbers)
Number = Annotated[float, _NUMBER]

_PLAIN_NAME = AfterValidator(plain_name)
_PLAIN_DESCRIPTION = AfterValidator(plain_description)
#: a name shown to people: 1 to 200 characters, none of them invisible or a control
Name = Annotated[str, Field(min_length=1, max_length=200), _PLAIN_NAME]

ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
# Bounds that keep every number the engine uses finite (numpy's lognormal and gamma, sums of
# empirical values, capacity × horizon × cost): a valid-looking file never crashes a run.
#: the largest time, duration, distribution parameter, rate or count (a billion)
MAX_VALUE = 1e9
#: the smallest value of a parameter that must be > 0 (a billionth)
MIN_POSITIVE = 1e-9
#: the largest amount of money (a million million)
MAX_MONEY = 1e12
#: the largest multiplier (of a profile, or of a policy change)
MAX_MULTIPLIER = 1e6
#: the most servers a service may have, and the most in a schedule's step
MAX_CAPACITY = 1_000_000
#: the largest priority (either way)
MAX_PRIORITY = 1_000_000

NonNeg = Annotated[
    float,
    Field(ge=0, le=MAX_VALUE, allow_inf_nan=False, description="A number from 0 to 1e9."),
    _NUMBER,
]
Positive = Annotated[
    float,
    Field(
        ge=MIN_POSITIVE,
        le=MAX_VALUE,
        allow_inf_nan=False,
        description="A number > 0: from 1e-9 to 1e9.",
    ),
    _NUMBER,
]
Money = Annotated[
    float,
    Field(ge=0, le=MAX_MONEY, allow_inf_nan=False, description="An amount from 0 to 1e12."),
    _NUMBER,
]
Multiplier = Annotated[
    float,
    Field(ge=0, le=MAX_MULTIPLIER, allow_inf_nan=False, description="From 0 to 1e6."),
    _NUMBER,
]


def _no_tiny_spread(value: float) -> float:
    if 0 < value < MIN_POSITIVE:
        raise ValueError(f"must be 0 or at least {MIN_POSITIVE:g}".replace("e-09", "e-9"))
    return value


#: a standard deviation: 0 (no spread), or from a billionth to a billion
Spread = Annotated[
    float,
    Field(
        ge=0,
        le=MAX_VALUE,
        allow_inf_nan=False,
        json_schema_extra={"anyOf": [{"const": 0}, {"minimum": MIN_POSITIVE}]},
        description="A standard deviation: 0 (no spread), or from 1e-9 to 1e9.",
    ),
    _NUMBER,
    AfterValidator(_no_tiny_spread),
]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), _NUMBER]
TIME_UNITS = ("minute", "hour", "day", "week")


class _Frozen(BaseModel):
    """Immutable, and refuses unknown fields except those starting with ``x_``."""

    model_config = ConfigDict(frozen=True, extra="allow", strict=False)

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [
                k
                for k in data
                if isinstance(k, str) and k not in cls.model_fields and not k.startswith("x_")
            ]
            if unknown:
                allowed = ", ".join(cls.model_fields)
                raise ValueError(
                    f"unknown field{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(repr(k) for k in unknown)} (allowed: {allowed}; "
                    "add your own data under a key starting with x_)"
                )
        return data


# --------------------------------------------------------------------------- distributions


class Exponential(_Frozen):
    dist: Literal["exponential"]
    mean: Positive

    @property
    def expected(self) -> float:
        return self.mean


class Fixed(_Frozen):
    dist: Literal["fixed"]
    value: NonNeg

    @property
    def expected(self) -> float:
        return self.value


class Uniform(_Frozen):
    dist: Literal["uniform"]
    low: NonNeg
    high: NonNeg

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self

    @property
    def expected(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Frozen):
    dist: Literal["triangular"]
    low: NonNeg
    mode: NonNeg
    high: NonNeg

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high):
            raise ValueError("must have low ≤ mode ≤ high")
        return self

    @property
    def expected(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Lognormal(_Frozen):
    dist: Literal["lognormal"]
    mean: Positive
    sd: Spread

    @property
    def expected(self) -> float:
        return self.mean


class Gamma(_Frozen):
    dist: Literal["gamma"]
    mean: Positive
    sd: Spread

    @property
    def expected(self) -> float:
        return self.mean


class Empirical(_Frozen):
    dist: Literal["empirical"]
    values: Annotated[tuple[NonNeg, ...], Field(min_length=1, max_length=100_000)]

    @property
    def expected(self) -> float:
        return math.fsum(self.values) / len(self.values)


Distribution = Annotated[
    Exponential | Fixed | Uniform | Triangular | Lognormal | Gamma | Empirical,
    Field(discriminator="dist"),
]
DIST_NAMES = ("exponential", "fixed", "uniform", "triangular", "lognormal", "gamma", "empirical")


# --------------------------------------------------------------------------- run settings


class RunSettings(_Frozen):
    horizon: Positive
    warm_up: NonNeg = 0
    replications: Annotated[int, Field(ge=1, le=10_000), _WHOLE] = 10
    seed: Annotated[int, Field(ge=0, le=2**63 - 1), _WHOLE] = 0

    @model_validator(mode="after")
    def _window(self) -> RunSettings:
        if not self.horizon > self.warm_up:
            raise ValueError(
                f"horizon ({self.horizon:g}) must be greater than warm_up ({self.warm_up:g})"
            )
        return self


# --------------------------------------------------------------------------- services


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


# --------------------------------------------------------------------------- cohorts


class ArrivalProfile(_Frozen):
    period: Positive
    multipliers: Annotated[tuple[Multiplier, ...], Field(min_length=1, max_length=10_000)]

    @property
    def mean_multiplier(self) -> float:
        return math.fsum(self.multipliers) / len(self.multipliers)


class Arrivals(_Frozen):
    rate: NonNeg
    profile: ArrivalProfile | None = None


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


# --------------------------------------------------------------------------- policies


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


# --------------------------------------------------------------------------- scenario


class Scenario(_Frozen):
    format: Literal["mission-desktop/scenario"]
    version: Annotated[Literal[1], _WHOLE]
    name: Name
    description: Annotated[str, Field(max_length=100_000), _PLAIN_DESCRIPTION] = ""
    time_unit: Literal["minute", "hour", "day", "week"] = "day"
    run: RunSettings
    services: Annotated[tuple[Service, ...], Field(min_length=1, max_length=500)]
    cohorts: Annotated[tuple[Cohort, ...], Field(min_length=1, max_length=500)]
    policies: tuple[Policy, ...] = ()
    variants: tuple[Variant, ...] | None = None
    ui: dict[str, Any] = Field(default_factory=dict)

    # ----------------------------------------------------------------- lookups
    def service(self, service_id: str) -> Service:
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    def cohort(self, cohort_id: str) -> Cohort:
        for c in self.cohorts:
            if c.id == cohort_id:
                return c
        raise KeyError(cohort_id)

    def policy(self, policy_id: str) -> Policy:
        for p in self.policies:
            if p.id == policy_id:
                return p
        raise KeyError(policy_id)

    @property
    def effective_variants(self) -> tuple[Variant, ...]:
        """The variants to compare: as listed, or baseline then one per policy."""
        if self.variants is not None:
            return self.variants
        derived = [Variant(id="baseline", name="Baseline (no policies)", policies=())]
        for p in self.policies:
            vid = p.id if p.id != "baseline" else "policy_baseline"
            derived.append(Variant(id=vid, name=p.name, policies=(p.id,)))
        return tuple(derived)

    def variant(self, variant_id: str) -> Variant:
        for v in self.effective_variants:
            if v.id == variant_id:
                return v
        raise KeyError(variant_id)
