"""Before a run: flows from the traffic equations, and warnings for overloaded services."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from ..model.policies import Phase, variant_timeline
from ..model.scenario import Scenario


@dataclass(frozen=True)
class ServiceLoad:
    service_id: str
    #: people arriving per time unit (all cohorts), from the traffic equations
    arrival_rate: float
    #: arrival_rate × mean service time: the servers needed on average
    offered_load: float
    #: servers on average (None: unlimited)
    capacity: float | None

    @property
    def overloaded(self) -> bool:
        return self.capacity is not None and self.offered_load >= self.capacity


def _route_matrix(index: dict[str, int], rows) -> np.ndarray:
    """P[i, j]: the share of people leaving service i who go to j; ``rows`` holds
    (service id, ((to, p), ...)) pairs."""
    n = len(index)
    p = np.zeros((n, n))
    for sid, edges in rows:
        i = index[sid]
        for to, share in edges:
            p[i, index[to]] += share
    return p


def _flows(scenario: Scenario, phase: Phase) -> np.ndarray:
    """People arriving per time unit at each service (all cohorts) in one phase.

    λ = (I − Pᵀ)⁻¹ e is linear in the outside arrivals e, so cohorts that follow the same
    routes share one linear solve: usually one per phase, whatever the number of cohorts."""
    ids = [s.id for s in scenario.services]
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    base = _route_matrix(
        index, ((sid, [(r.to, r.p) for r in phase.services[sid].routes]) for sid in ids)
    )
    groups: dict[tuple, np.ndarray] = {}
    for c in scenario.cohorts:
        rate = phase.arrival_rates[c.id]
        if c.arrivals.profile is not None:
            rate *= c.arrivals.profile.mean_multiplier
        if rate <= 0:
            continue
        own = set(phase.cohort_routes.get(c.id, {})) | set(phase.cohort_edges.get(c.id, {}))
        key = tuple(
            (sid, tuple((r.to, r.p) for r in phase.routes_for(c.id, sid))) for sid in sorted(own)
        )
        external = groups.setdefault(key, np.zeros(n))
        for r in c.entry_routes():
            external[index[r.to]] += rate * r.p
    flow = np.zeros(n)
    for key, external in groups.items():
        p = base
        if key:
            p = base.copy()
            for sid, _ in key:
                p[index[sid], :] = 0.0
            p += _route_matrix(index, key)
        try:
            lam = np.linalg.solve(np.eye(n) - p.T, external)
            if not np.all(np.isfinite(lam)) or np.any(lam < -1e-9):
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            lam = np.full(n, np.inf)
        flow += lam
    return flow


def phase_loads(scenario: Scenario, phase: Phase) -> list[ServiceLoad]:
    """Offered load per service in one phase (abandonment ignored: an upper bound)."""
    flow = _flows(scenario, phase)
    out = []
    for i, s in enumerate(scenario.services):
        sp = phase.services[s.id]
        mean_service = s.service_time.expected * sp.service_time_factor
        if sp.capacity is None:
            cap = None
        elif sp.schedule is not None:
            cap = sp.schedule.mean_capacity()
        else:
            cap = float(sp.capacity)
        out.append(
            ServiceLoad(
                service_id=s.id,
                arrival_rate=float(flow[i]),
                # no arrivals, or no time spent: no load (even when the flow is unbounded)
                offered_load=float(flow[i] * mean_service) if flow[i] > 0 < mean_service else 0.0,
                capacity=cap,
            )
        )
    return out


def variant_label(scenario: Scenario, variant_id: str) -> str:
    """A variant in warnings: by its name, with its id (``“Discharge to assess” (d2a)``)."""
    try:
        name = scenario.variant(variant_id).name
    except KeyError:
        return f"'{variant_id}'"
    return f"“{name}” ({variant_id})"


def service_label(scenario: Scenario, service_id: str) -> str:
    """A service in warnings: by its name, with its id (``“Acute beds” (hospital)``)."""
    try:
        return f"“{scenario.service(service_id).name}” ({service_id})"
    except KeyError:
        return f"'{service_id}'"


@dataclass(frozen=True)
class PhaseLoads:
    """One phase of a variant that starts before the horizon: its span and its loads."""

    phase: Phase
    start: float
    end: float
    loads: tuple[ServiceLoad, ...]


_CACHE: dict[tuple[int, str], tuple[Scenario, tuple[PhaseLoads, ...]]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def variant_loads(scenario: Scenario, variant_id: str) -> tuple[PhaseLoads, ...]:
    """The traffic equations of every phase of a variant, solved once per (scenario,
    variant) and reused by the warnings, the run-size estimate and their callers."""
    key = (id(scenario), variant_id)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None and hit[0] is scenario:
        return hit[1]
    horizon = scenario.run.horizon
    phases = [p for p in variant_timeline(scenario, variant_id) if p.start < horizon]
    value = tuple(
        PhaseLoads(
            phase=ph,
            start=ph.start,
            end=phases[i + 1].start if i + 1 < len(phases) else horizon,
            loads=tuple(phase_loads(scenario, ph)),
        )
        for i, ph in enumerate(phases)
    )
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (scenario, value)  # the scenario is kept: its id cannot be reused
    return value


def readable(x: float) -> str:
    """A number for a sentence: 12.3, 4,560, 1.2e+15, 'unbounded' (never 309 digits)."""
    if not math.isfinite(x):
        return "unbounded"
    if abs(x) < 1000:
        return f"{x:.1f}"
    if abs(x) < 1e9:
        return f"{x:,.0f}"
    return f"{x:.2g}"


def _times(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "without limit"
    if ratio < 10:
        return f"{ratio:.0%}"
    return f"{readable(ratio)} times"


def overload_warnings(scenario: Scenario, variant_id: str) -> list[str]:
    """Plain-words warnings for services whose offered load reaches their capacity, saying
    when (a policy may relieve or cause the overload part-way through the run)."""
    unit = scenario.time_unit
    horizon = scenario.run.horizon
    # service id → list of (from, to, load) while overloaded
    spans: dict[str, list[tuple[float, float, ServiceLoad]]] = {}
    for span in variant_loads(scenario, variant_id):
        for load in span.loads:
            if load.overloaded:
                spans.setdefault(load.service_id, []).append((span.start, span.end, load))

    def ratio(load: ServiceLoad) -> float:
        return load.offered_load / load.capacity if load.capacity else math.inf

    warnings: list[str] = []
    for service in scenario.services:
        if service.id not in spans:
            continue
        where = f"{variant_label(scenario, variant_id)}: {service_label(scenario, service.id)}"
        worst = max(spans[service.id], key=lambda s: ratio(s[2]))[2]
        if not np.isfinite(worst.offered_load):
            warnings.append(
                f"{where}: routes loop with no way out, so people never leave; check its routes"
            )
            continue
        periods = [
            "the whole run" if a == 0 and b == horizon else f"{unit} {a:g} to {b:g}"
            for a, b, _ in spans[service.id]
        ]
        warnings.append(
            f"{where} is overloaded ({', '.join(periods)}): offered load "
            f"{readable(worst.offered_load)} servers vs capacity {readable(worst.capacity)} "
            f"({_times(ratio(worst))}); its backlog will grow while it lasts"
        )
    return warnings


