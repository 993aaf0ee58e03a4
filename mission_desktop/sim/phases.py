"""What is in force as a run goes on: the variant's phases (policies taking effect at their
start: routes, arrival rates, capacity, queue limits, service-time and patience factors)
and each service's capacity schedule stepping through its period.

Part of :class:`~.engine.Simulation` (a mixin). A policy that leaves a service alone does
not touch it, not even a statistics update, so the variants share random numbers (CRN).
"""

from __future__ import annotations

import math

from ..model.policies import Phase
from .stations import Station

INF = math.inf


class PhasesAndSchedules:
    """Applies phases as they start and steps capacity schedules."""

    def _routes_table(self, phase: Phase) -> list[list[tuple[tuple[float, Station], ...] | None]]:
        table = []
        for c in self.scenario.cohorts:
            row = []
            for s in self.scenario.services:
                routes = phase.routes_for(c.id, s.id)
                routes = [r for r in routes if r.p > 0]
                if routes:
                    cum, acc = [], 0.0
                    for r in routes:
                        acc += r.p
                        cum.append(acc)
                    row.append(tuple(zip(cum, [self.by_id[r.to] for r in routes], strict=True)))
                else:
                    row.append(None)
            table.append(row)
        return table

    def _apply_phase(self, phase: Phase, initial: bool = False) -> None:
        now = self.env.now
        previous = None if initial else self.phase
        self.phase = phase
        self.routes = self._routes_table(phase)
        self.rates = [phase.arrival_rates[c.id] for c in self.scenario.cohorts]
        for s, st in zip(self.scenario.services, self.stations, strict=True):
            sp = phase.services[s.id]
            if previous is not None and previous.services[s.id] == sp:
                continue  # untouched by this policy: not even a statistics update (CRN)
            st.st_factor = sp.service_time_factor
            st.pat_factor = sp.patience_factor
            old_schedule = None if initial else st.schedule
            st.schedule = sp.schedule
            if sp.capacity is None:
                new_cap = INF
                st.unlimited = True
            else:
                st.unlimited = False
                new_cap = sp.capacity if sp.schedule is None else sp.schedule.capacity_at(now)
            if initial:
                st.cap = new_cap
                st.queue_limit = sp.queue_limit
            else:
                self._tick(st, now)
                st.queue_limit = sp.queue_limit
                st.cap = new_cap
                if st.schedule is not None and old_schedule is None:
                    self._schedule_next_step(st, now)
        if not initial:
            for st in self.stations:
                self._start_next(st)

    def _on_phase(self, ev) -> None:
        self._apply_phase(ev._value)

    def _schedule_next_step(self, st: Station, now: float) -> None:
        sch = st.schedule
        period = sch.period
        cycle = math.floor(now / period)
        # the next step boundary strictly after now
        for _ in range(3):
            for k, (offset, _cap) in enumerate(sch.steps):
                t = cycle * period + offset
                if t > now + 1e-12:
                    if t < self.horizon:
                        ev = self.env.timeout(t - now, (st, k, sch))
                        ev.callbacks.append(self._on_step)
                    return
            cycle += 1

    def _on_step(self, ev) -> None:
        st, k, sch = ev._value
        if st.schedule is not sch:  # a policy replaced the schedule; its own chain runs
            if st.schedule is None or st.schedule.period != sch.period:
                return
            sch = st.schedule
        now = self.env.now
        self._tick(st, now)
        st.cap = sch.steps[k][1]
        self._start_next(st)
        self._schedule_next_step(st, now)
