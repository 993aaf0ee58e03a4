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


def overload_warnings(scenario: Scenario, variant_id: str) -> list[str]:
    """Plain-words warnings for services whose offered load reaches their capacity."""
    warnings: list[str] = []
    phases = variant_timeline(scenario, variant_id)
    unit = scenario.time_unit
    seen: set[str] = set()
    for phase in phases:
        if phase.start >= scenario.run.horizon:
            continue
        for load in phase_loads(scenario, phase):
            if load.service_id in seen or not load.overloaded:
                continue
            seen.add(load.service_id)
            name = scenario.service(load.service_id).name
            when = f" from {unit} {phase.start:g}" if phase.start > 0 else ""
            if not np.isfinite(load.offered_load):
                warnings.append(
                    f"{variant_id}: service '{load.service_id}' ({name}): routes loop with no way "
                    "out, so people never leave; check its routes"
                )
                continue
            warnings.append(
                f"{variant_id}: service '{load.service_id}' ({name}) is overloaded{when}: "
                f"offered load {load.offered_load:.1f} servers vs capacity {load.capacity:.1f} "
                f"({load.offered_load / load.capacity:.0%}); its backlog will grow through the run"
            )
    return warnings
