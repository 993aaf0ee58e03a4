"""The engine: one replication of one variant, as a SimPy simulation of citizen flows.

Design: SimPy's environment and event queue drive everything, but people are not SimPy
processes: every step (arrive, start service, finish, give up, move on) is a callback on a
SimPy timeout. That keeps the per-event cost close to a bare SimPy model while supporting
everything SCENARIO_FORMAT.md defines: capacity schedules, unlimited capacity, priorities,
patience with ``abandon_to``, queue limits that turn outside arrivals away and *block* the
upstream server for transfers (delayed transfers of care), routes with loops and per-cohort
overrides, non-homogeneous arrivals, and policies that take effect at their start time.

Statistics are gathered as they happen (time-weighted integrals and per-visit samples) over
the window ``[warm_up, horizon]``; :meth:`Simulation.summary` turns them into the metrics of
the Results section.

This module wires a run together and drives it; its parts live beside it, one room each:
:mod:`.stations` (the run-time state of services and cohorts), :mod:`.arrivals` (arrivals
from outside), :mod:`.flow` (the per-person flow and its statistics), :mod:`.phases`
(policies taking effect, capacity schedules), :mod:`.deadlock` (cycles of blocking) and
:mod:`.summary` (the figures at the end); :mod:`.snapshots` holds what the GUI sees.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import simpy

from ..model.distributions import Exponential
from ..model.policies import Phase, variant_timeline
from ..model.scenario import Scenario
from . import streams
from .arrivals import CohortArrivals
from .deadlock import DeadlockWatch
from .flow import PersonFlow
from .initial import place_initial_people
from .phases import PhasesAndSchedules
from .snapshots import ServiceSnapshot, Snapshot
from .stations import Cohort_, Station
from .summary import ReplicationSummary, summarise
from .visitlog import VisitRecorder

INF = math.inf


class Simulation(CohortArrivals, PhasesAndSchedules, PersonFlow, DeadlockWatch):
    """One replication of one variant. Advance with :meth:`run_until`; read with
    :meth:`snapshot` at any time and :meth:`summary` at the end."""

    def __init__(
        self,
        scenario: Scenario,
        variant_id: str = "baseline",
        replication: int = 0,
        *,
        series_points: int = 200,
        horizon: float | None = None,
        warm_up: float | None = None,
        visit_log: Callable[[list[tuple]], None] | None = None,
    ) -> None:
        self.scenario = scenario
        self.variant_id = variant_id
        self.replication = replication
        self.phases: tuple[Phase, ...] = variant_timeline(scenario, variant_id)
        run = scenario.run
        self.horizon = float(horizon if horizon is not None else run.horizon)
        self.warm_up = float(warm_up if warm_up is not None else run.warm_up)
        #: who is in the window by arrival: arrived at or after warm_up; with no warm-up,
        #: everyone whose arrival is known, including people already waiting at time 0
        #: (arrived at -waited; the arrival of someone in service at time 0 is unknown: NaN)
        self._arrived_from = self.warm_up if self.warm_up > 0 else -INF
        if not self.horizon > self.warm_up:
            raise ValueError("horizon must be greater than warm_up")
        seed = run.seed
        self.env = env = simpy.Environment()
        self._schedule = env.schedule
        self._cb_arrival = self._on_arrival
        self._cb_service_end = self._on_service_end
        self._cb_patience = self._on_patience
        #: the per-visit records, when asked for (``visit_log`` receives rows in chunks)
        self._log = VisitRecorder(self, visit_log) if visit_log is not None else None
        self.in_system = 0
        self._pending: list[Station] = []
        self._draining = False
        self.deadlocks: list[list] = []  # [services, since, still]
        self._deadlocked: set[frozenset[int]] = set()

        self.stations: list[Station] = []
        self.by_id: dict[str, Station] = {}
        for i, s in enumerate(scenario.services):
            st = Station(s.id, i)
            st.fifo = s.discipline == "fifo"
            st.draw = streams.Sampler(
                streams.generator(seed, replication, streams.SERVICE_TIME, s.id), s.service_time
            )
            st.patience = (
                streams.Sampler(
                    streams.generator(seed, replication, streams.PATIENCE, s.id), s.patience
                )
                if s.patience is not None
                else None
            )
            st.route_u = streams.Uniforms(
                streams.generator(seed, replication, streams.ROUTING, s.id)
            )
            st.target_wait = s.target.wait if s.target is not None else None
            self.stations.append(st)
            self.by_id[s.id] = st
        for s, st in zip(scenario.services, self.stations, strict=True):
            st.abandon_to = self.by_id[s.abandon_to] if s.abandon_to else None

        self.cohorts: list[Cohort_] = []
        unit = Exponential(dist="exponential", mean=1.0)
        for i, c in enumerate(scenario.cohorts):
            co = Cohort_(c.id, i, c.priority)
            entry = c.entry_routes()
            co.entry_targets = [self.by_id[r.to] for r in entry]
            co.entry_cum = np.cumsum([r.p for r in entry]).tolist()
            co.entry_u = streams.Uniforms(streams.generator(seed, replication, streams.ENTRY, c.id))
            co.unit_exp = streams.Sampler(
                streams.generator(seed, replication, streams.ARRIVALS, c.id), unit
            )
            self.cohorts.append(co)

        self._prepare_arrivals()
        self._apply_phase(self.phases[0], initial=True)
        if any(s.initial for s in scenario.services):
            place_initial_people(self)
        for ph in self.phases[1:]:
            if ph.start < self.horizon:
                ev = env.timeout(ph.start, ph)
                ev.callbacks.append(self._on_phase)
        # capacity schedules
        for st in self.stations:
            if st.schedule is not None:
                self._schedule_next_step(st, 0.0)
        # arrivals
        for co in self.cohorts:
            self._schedule_arrival(co, 0.0)
        # time series of queue lengths
        self.series_time: list[float] = []
        if series_points > 0:
            self._series_dt = self.horizon / series_points
            self._record_series(None)

    # ------------------------------------------------------------------ series
    def _record_series(self, ev) -> None:
        now = self.env.now
        self.series_time.append(now)
        for st in self.stations:
            st.series_q.append(st.n_waiting)
        t_next = (len(self.series_time)) * self._series_dt
        if t_next < self.horizon:
            e = self.env.timeout(t_next - now)
            e.callbacks.append(self._record_series)

    # ------------------------------------------------------------------ running
    @property
    def now(self) -> float:
        return self.env.now

    def run_until(self, t: float) -> None:
        t = min(t, self.horizon)
        env = self.env
        if t > env.now:
            env.run(until=t)
        if t < self.horizon:
            # SimPy stops before events due at exactly t; a snapshot labelled t must show
            # them (a capacity step or a policy starting at t). The horizon is left as is:
            # events at the horizon lie outside the window.
            while env.peek() <= t:
                env.step()

    def run(self) -> ReplicationSummary:
        self.run_until(self.horizon)
        return self.summary()

    def snapshot(self) -> Snapshot:
        services = []
        for st in self.stations:
            recent = st.recent_sum / st.recent_n if st.recent_n else None
            st.recent_sum = 0.0
            st.recent_n = 0
            services.append(
                ServiceSnapshot(
                    id=st.id,
                    waiting=st.n_waiting,
                    in_service=st.busy - st.blocked_n,
                    blocked=st.blocked_n,
                    capacity=None if st.unlimited else int(st.cap),
                    recent_mean_wait=recent,
                    arrived=st.arrived_total,
                    completed=st.completed_total,
                    abandoned=st.abandoned_total,
                    turned_away=st.turned_away_total,
                )
            )
        now = self.env.now
        return Snapshot(
            variant_id=self.variant_id,
            replication=self.replication,
            time=now,
            horizon=self.horizon,
            services=tuple(services),
            in_system=self.in_system,
            done=now >= self.horizon,
        )

    def summary(self) -> ReplicationSummary:
        """The figures of this replication over ``[warm_up, horizon]`` (call at the end)."""
        h = self.horizon
        if self.env.now < h:
            self.run_until(h)
        if self._log is not None:
            self._log.finish()
        return summarise(self)



def simulate(
    scenario: Scenario, variant_id: str = "baseline", replication: int = 0, **kwargs
) -> ReplicationSummary:
    """Run one replication of one variant to the horizon and summarise it."""
    return Simulation(scenario, variant_id, replication, **kwargs).run()
