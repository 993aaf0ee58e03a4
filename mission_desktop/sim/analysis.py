"""Before a run: flows from the traffic equations, and warnings for overloaded services."""

from __future__ import annotations

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


def phase_loads(scenario: Scenario, phase: Phase) -> list[ServiceLoad]:
    """Offered load per service in one phase (abandonment ignored: an upper bound)."""
    ids = [s.id for s in scenario.services]
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    flow = np.zeros(n)
    for c in scenario.cohorts:
        rate = phase.arrival_rates[c.id]
        if c.arrivals.profile is not None:
            rate *= c.arrivals.profile.mean_multiplier
        if rate <= 0:
            continue
        external = np.zeros(n)
        for r in c.entry_routes():
            external[index[r.to]] += rate * r.p
        p = np.zeros((n, n))
        for s in scenario.services:
            for r in phase.routes_for(c.id, s.id):
                p[index[s.id], index[r.to]] += r.p
        try:
            lam = np.linalg.solve(np.eye(n) - p.T, external)
            if not np.all(np.isfinite(lam)) or np.any(lam < -1e-9):
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            lam = np.full(n, np.inf)
        flow += lam
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
                offered_load=float(flow[i] * mean_service),
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


def overload_warnings(scenario: Scenario, variant_id: str) -> list[str]:
    """Plain-words warnings for services whose offered load reaches their capacity, saying
    when (a policy may relieve or cause the overload part-way through the run)."""
    phases = [p for p in variant_timeline(scenario, variant_id) if p.start < scenario.run.horizon]
    horizon = scenario.run.horizon
    unit = scenario.time_unit
    # service id → list of (from, to, load) while overloaded
    spans: dict[str, list[tuple[float, float, ServiceLoad]]] = {}
    for i, phase in enumerate(phases):
        end = phases[i + 1].start if i + 1 < len(phases) else horizon
        for load in phase_loads(scenario, phase):
            if load.overloaded:
                spans.setdefault(load.service_id, []).append((phase.start, end, load))
    warnings: list[str] = []
    for service in scenario.services:
        if service.id not in spans:
            continue
        where = f"{variant_label(scenario, variant_id)}: {service_label(scenario, service.id)}"
        worst = max(spans[service.id], key=lambda s: s[2].offered_load / s[2].capacity)[2]
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
            f"{worst.offered_load:.1f} servers vs capacity {worst.capacity:.1f} "
            f"({worst.offered_load / worst.capacity:.0%}); its backlog will grow while it lasts"
        )
    return warnings


#: beyond this many events in one replication a run would take many minutes and gigabytes
MAX_EVENTS_PER_REPLICATION = 20_000_000


def expected_events(scenario: Scenario, variant_id: str) -> tuple[float, float]:
    """Rough counts for one replication: (outside arrivals, events). Events come from the
    traffic equations and are infinite when routes trap people forever (a blocking
    deadlock may still end such a run: it is warned about, not refused)."""
    phases = [p for p in variant_timeline(scenario, variant_id) if p.start < scenario.run.horizon]
    horizon = scenario.run.horizon
    arrivals = events = 0.0
    for i, phase in enumerate(phases):
        end = phases[i + 1].start if i + 1 < len(phases) else horizon
        external = grown = 0.0
        for c in scenario.cohorts:
            rate = phase.arrival_rates[c.id]
            if c.arrivals.profile is not None:
                rate *= c.arrivals.profile.mean_multiplier
            external += rate
            growth = c.arrivals.growth
            grown += rate * (growth.mean_multiplier(phase.start, end) if growth else 1.0)
        visits = sum(load.arrival_rate for load in phase_loads(scenario, phase))
        if external > 0:  # demand that grows (v2) brings its visits with it
            visits *= grown / external
        arrivals += grown * (end - phase.start)
        events += (grown + 2.0 * visits) * (end - phase.start)
    # people already there at time 0 (v2): each arrives (or starts) once and leaves once
    events += 2.0 * sum(i.waiting + i.in_service for s in scenario.services for i in s.initial)
    return arrivals, events


def run_size_problems(scenario: Scenario, variant_ids: list[str]) -> list[str]:
    """Plain-words reasons a run is too large to attempt (empty when it is fine)."""
    problems = []
    for vid in variant_ids:
        arrivals, events = expected_events(scenario, vid)
        if not arrivals <= MAX_EVENTS_PER_REPLICATION:
            size = arrivals
        elif np.isfinite(events) and events > MAX_EVENTS_PER_REPLICATION:
            size = events
        else:
            continue
        amount = f"about {size:.2g}" if np.isfinite(size) else "an unbounded number of"
        problems.append(
            f"variant {variant_label(scenario, vid)} would simulate {amount} events in each replication (the most "
            f"this app attempts is {MAX_EVENTS_PER_REPLICATION:,}); shorten run.horizon, "
            "or check the arrival rates and routes for a mistake"
        )
    return problems
