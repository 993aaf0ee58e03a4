"""The scenario: typed, immutable models of every field of SCENARIO_FORMAT.md (version 2).

Structural rules (types, ranges, unknown fields) live on the models; rules that need the
whole scenario (ids resolve, probabilities sum, policies apply cleanly) live in
:mod:`mission_desktop.model.checks` (and, for the version-2 fields, :mod:`.checks_twin`). No Qt, no SimPy, no files here.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from .base import (  # noqa: F401 - the number and id types are part of this module's names
    _NUMBER,
    _PLAIN_DESCRIPTION,
    _PLAIN_NAME,
    _WHOLE,
    ID_PATTERN,
    MAX_CAPACITY,
    MAX_MONEY,
    MAX_MULTIPLIER,
    MAX_PRIORITY,
    MAX_VALUE,
    MIN_POSITIVE,
    Id,
    Money,
    Multiplier,
    Name,
    NonNeg,
    Number,
    Positive,
    Probability,
    Spread,
    Whole,
    _Frozen,
)
from .twin import (  # noqa: F401 - re-exported: the version-2 models are the scenario's too
    OBSERVED_FIGURES,
    AddAssumption,
    AddDecision,
    ArrivalRateAssumption,
    ArrivalRateDecision,
    Assumption,
    CalendarDate,
    DecisionLever,
    Decisions,
    Growth,
    Observed,
    RouteAssumption,
    RouteDecision,
    ServiceMultiplyAssumption,
    ServiceMultiplyDecision,
)

FORMAT = "mission-desktop/scenario"
VERSION = 2

TIME_UNITS = ("minute", "hour", "day", "week")


# --------------------------------------------------------------------------- distributions

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


# --------------------------------------------------------------------------- run settings


class RunSettings(_Frozen):
    horizon: Positive
    warm_up: NonNeg = 0
    replications: Annotated[int, Field(ge=1, le=10_000), _WHOLE] = 10
    seed: Annotated[int, Field(ge=0, le=2**63 - 1), _WHOLE] = 0
    #: the calendar date of time 0 (display only; version 2)
    start_date: CalendarDate | None = None

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
    version: Annotated[Literal[2], _WHOLE]
    name: Name
    description: Annotated[str, Field(max_length=100_000), _PLAIN_DESCRIPTION] = ""
    time_unit: Literal["minute", "hour", "day", "week"] = "day"
    run: RunSettings
    services: Annotated[tuple[Service, ...], Field(min_length=1, max_length=500)]
    cohorts: Annotated[tuple[Cohort, ...], Field(min_length=1, max_length=500)]
    policies: tuple[Policy, ...] = ()
    variants: tuple[Variant, ...] | None = None
    assumptions: Annotated[tuple[Assumption, ...], Field(max_length=1000)] = ()
    decisions: Decisions | None = None
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
