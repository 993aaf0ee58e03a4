"""The scenario: the whole file's model (SCENARIO_FORMAT.md, version 2), its run settings,
and the lookups of its parts. The parts have their own modules: :mod:`.distributions`,
:mod:`.services`, :mod:`.cohorts`, :mod:`.levers` (policies and variants), :mod:`.twin`
(the version-2 models that stand alone) and :mod:`.base` (the number and id types).

Structural rules (types, ranges, unknown fields) live on the models; rules that need the
whole scenario (ids resolve, probabilities sum, policies apply cleanly) live in
:mod:`mission_desktop.model.checks` (and, for the version-2 fields, :mod:`.checks_twin`).
No Qt, no SimPy, no files here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .base import (
    _PLAIN_DESCRIPTION,
    _WHOLE,
    Name,
    NonNeg,
    Positive,
    _Frozen,
)
from .cohorts import Cohort
from .levers import Policy, Variant
from .services import Service
from .twin import Assumption, CalendarDate, Decisions

FORMAT = "mission-desktop/scenario"
VERSION = 2

TIME_UNITS = ("minute", "hour", "day", "week")


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
