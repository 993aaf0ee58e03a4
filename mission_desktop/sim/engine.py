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
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import simpy
from simpy.events import NORMAL

from ..model.distributions import Exponential
from ..model.policies import Phase, variant_timeline
from ..model.scenario import Scenario
from . import streams
from .growth import next_grown_arrival
from .initial import place_initial_people
from .people import BLOCKED, GONE, SERVING, WAITING, Person, _Timer
from .snapshots import ServiceSnapshot, Snapshot
from .visitlog import VisitRecorder

INF = math.inf


class Cohort_:
    __slots__ = (
        "id",
        "index",
        "priority",
        "entry_targets",
        "entry_cum",
        "entry_u",
        "unit_exp",
        "journey_sum",
        "journey_n",
        "completed",
        "abandoned",
        "turned_away",
    )

    def __init__(self, cid: str, index: int, priority: int) -> None:
        self.id = cid
        self.index = index
        self.priority = priority
        self.journey_sum = 0.0
        self.journey_n = 0
        self.completed = 0
        self.abandoned = 0
        self.turned_away = 0


class Station:
    """A service at run time: servers, queue, blocked-in list and its statistics."""

    __slots__ = (
        "id",
        "index",
        "cap",
        "unlimited",
        "schedule",
        "busy",
        "blocked_n",
        "fifo",
        "queue",
        "heap",
        "seq",
        "n_waiting",
        "queue_limit",
        "draw",
        "st_factor",
        "patience",
        "pat_factor",
        "abandon_to",
        "route_u",
        "routes",
        "blocked_in",
        "blocked_targets",
        "target_wait",
        # statistics
        "last",
        "area_q",
        "area_busy",
        "area_cap",
        "waits",
        "wait_cohorts",
        "tis_sum",
        "tis_n",
        "blocked_sum",
        "blocked_count",
        "completions",
        "abandoned",
        "turned_away",
        "arrived_total",
        "completed_total",
        "abandoned_total",
        "turned_away_total",
        "recent_sum",
        "recent_n",
        "series_q",
    )

    def __init__(self, sid: str, index: int) -> None:
        self.id = sid
        self.index = index
        self.busy = 0
        self.blocked_n = 0
        self.queue: deque = deque()
        self.heap: list = []
        self.seq = 0
        self.n_waiting = 0
        self.blocked_in: deque = deque()
        self.blocked_targets: dict[int, int] = {}
        self.last = 0.0
        self.area_q = self.area_busy = self.area_cap = 0.0
        self.waits = array("d")
        #: the cohort index of each wait in ``waits`` (the equality view, per cohort)
        self.wait_cohorts = array("i")
        self.tis_sum = 0.0
        self.tis_n = 0
        self.blocked_sum = 0.0
        self.blocked_count = 0
        self.completions = self.abandoned = self.turned_away = 0
        self.arrived_total = self.completed_total = 0
        self.abandoned_total = self.turned_away_total = 0
        self.recent_sum = 0.0
        self.recent_n = 0
        self.series_q: list[int] = []


@dataclass(frozen=True)
class Deadlock:
    services: tuple[str, ...]
    since: float
    still_at_end: bool


@dataclass
class ReplicationSummary:
    """Per-replication figures (plain floats, ``None`` where undefined). Picklable."""

    variant_id: str
    replication: int
    services: dict[str, dict[str, float | None]]
    cohorts: dict[str, dict[str, float | None]]
    cost: dict[str, float]
    series_time: list[float] = field(default_factory=list)
    series_queue: dict[str, list[float]] = field(default_factory=dict)
    deadlocks: list[Deadlock] = field(default_factory=list)
    events: int = 0
    #: the equality view: cohort id → service id → mean_wait, p90_wait, share_within_target
    #: of that cohort's visits (only services the cohort started service at in the window)
    cohort_services: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)


class Simulation:
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

        # per cohort: (start, rate) whenever its own arrival rate changes
        self._rate_segments: list[list[tuple[float, float]]] = []
        for c in scenario.cohorts:
            segments: list[tuple[float, float]] = []
            for ph in self.phases:
                rate = ph.arrival_rates[c.id]
                if not segments or segments[-1][1] != rate:
                    segments.append((ph.start, rate))
            self._rate_segments.append(segments)
        #: per cohort: k of its growth exp(k t), 0 without growth (the version-1 path)
        self._growth_k = [
            c.arrivals.growth.log_rate if c.arrivals.growth is not None else 0.0
            for c in scenario.cohorts
        ]
        # cohorts that can never arrive (every rate or every profile multiplier 0): their
        # arrival search would otherwise walk every profile slice up to the horizon
        self._silent = [
            all(rate <= 0 for _, rate in segments)
            or (c.arrivals.profile is not None and not any(c.arrivals.profile.multipliers))
            for c, segments in zip(scenario.cohorts, self._rate_segments, strict=True)
        ]
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

    # ------------------------------------------------------------------ phases
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

    # ------------------------------------------------------------------ schedules
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

    # ------------------------------------------------------------------ arrivals
    def _next_arrival_time(self, cohort_index: int, t: float, e: float) -> float:
        """Invert the cumulative rate: the time after ``t`` by which ``e`` units accrue."""
        c = self.scenario.cohorts[cohort_index]
        profile = c.arrivals.profile
        # only the times at which *this cohort's* rate changes split a gap: a policy that
        # leaves the cohort alone must not change its arrival times, even by rounding (CRN)
        segments = self._rate_segments[cohort_index]
        horizon = self.horizon
        if self._silent[cohort_index]:
            return INF
        k = self._growth_k[cohort_index]
        if k:
            return next_grown_arrival(segments, profile, k, horizon, t, e)
        if profile is None and len(segments) == 1:  # constant rate: the loop below, unrolled
            rate = segments[0][1]
            if t < horizon and rate > 0 and rate * (horizon - t) >= e:
                return t + e / rate
            return INF
        if profile is not None:
            mults = profile.multipliers
            slice_len = profile.period / len(mults)
        while t < horizon:
            # phase in force at t and its end
            pi = 0
            for i, (start, _rate) in enumerate(segments):
                if start <= t:
                    pi = i
            end = segments[pi + 1][0] if pi + 1 < len(segments) else INF
            rate = segments[pi][1]
            if profile is not None:
                k = math.floor(t / slice_len)
                s_end = (k + 1) * slice_len
                if s_end <= t:
                    k += 1
                    s_end = (k + 1) * slice_len
                rate *= mults[k % len(mults)]
                end = min(end, s_end)
            end = min(end, horizon)
            if rate > 0:
                span = end - t
                if rate * span >= e:
                    return t + e / rate
                e -= rate * span
            t = end
        return INF

    def _schedule_arrival(self, co: Cohort_, now: float) -> None:
        t = self._next_arrival_time(co.index, now, co.unit_exp())
        if t < self.horizon:
            self._schedule(_Timer(co, self._cb_arrival), NORMAL, t - now)

    def _on_arrival(self, ev) -> None:
        co: Cohort_ = ev._value
        now = self.env._now
        p = Person(co, now)
        self.in_system += 1
        targets = co.entry_targets
        if len(targets) == 1:
            st = targets[0]
        else:
            u = co.entry_u()
            st = targets[-1]
            for cum, target in zip(co.entry_cum, targets, strict=True):
                if u < cum:
                    st = target
                    break
        self._arrive(p, st, outside=True)
        self._schedule_arrival(co, now)

    # ------------------------------------------------------------------ flow
    def _tick(self, st: Station, now: float) -> None:
        w = self.warm_up
        if now > w:
            lo = st.last if st.last > w else w
            dt = now - lo
            if dt > 0:
                st.area_q += st.n_waiting * dt
                st.area_busy += st.busy * dt
                if not st.unlimited:
                    st.area_cap += st.cap * dt
        st.last = now

    def _can_accept(self, st: Station) -> bool:
        return st.busy < st.cap or st.queue_limit is None or st.n_waiting < st.queue_limit

    def _arrive(self, p: Person, st: Station, outside: bool, bypass_limit: bool = False) -> None:
        now = self.env._now
        p.svc_arrived = now
        p.station = st
        p.visit += 1
        st.arrived_total += 1
        if st.busy < st.cap:
            self._start_service(p, st, now)
            return
        limit = st.queue_limit
        if limit is not None and st.n_waiting >= limit and not bypass_limit:
            # full queue: only outside (or abandoning) arrivals reach here; they are turned away
            st.turned_away_total += 1
            if now >= self.warm_up:
                st.turned_away += 1
            self._exit(p, "turned_away")
            return
        if st.last != now:  # a tick at the time of the last one changes nothing
            self._tick(st, now)
        p.state = WAITING
        st.n_waiting += 1
        if st.fifo:
            st.queue.append((p, p.visit))
        else:
            st.seq += 1
            heapq.heappush(st.heap, (p.cohort.priority, st.seq, p.visit, p))
        if st.patience is not None:
            p.timer = timer = _Timer((p, p.visit, st), self._cb_patience)
            self._schedule(timer, NORMAL, st.patience() * st.pat_factor)

    def _start_service(self, p: Person, st: Station, now: float) -> None:
        timer = p.timer
        if timer is not None:
            # the timer stays in the event queue until its time; emptied, it no longer
            # keeps this person (and everything they hold) alive after they leave
            timer._value = None
            p.timer = None
        wait = now - p.svc_arrived
        if p.svc_arrived >= self._arrived_from:
            st.waits.append(wait)
            st.wait_cohorts.append(p.cohort.index)
        st.recent_sum += wait
        st.recent_n += 1
        if st.last != now:
            self._tick(st, now)
        st.busy += 1
        p.state = SERVING
        p.served_at = now
        self._schedule(_Timer(p, self._cb_service_end), NORMAL, st.draw() * st.st_factor)

    def _on_service_end(self, ev) -> None:
        p: Person = ev._value
        st: Station = p.station
        now = self.env._now
        p.done_at = now
        st.completed_total += 1
        if now >= self.warm_up:
            st.completions += 1
        row = self.routes[p.cohort.index][st.index]
        nxt = None
        if row is not None:
            u = st.route_u()
            for c, target in row:
                if u < c:
                    nxt = target
                    break
        if nxt is st:
            # re-referral to the same service: frees its server and re-joins the queue
            # (never blocks on itself, never turned away: it did not leave the service)
            self._record_leave(p, st, now)
            if st.last != now:
                self._tick(st, now)
            st.busy -= 1
            self._start_next(st)
            self._arrive(p, st, outside=False, bypass_limit=True)
            return
        if (
            nxt is None
            or nxt.busy < nxt.cap
            or nxt.queue_limit is None
            or nxt.n_waiting < nxt.queue_limit
        ):  # leaves, or the next service can accept: _record_leave and _free_server inlined
            w = self.warm_up
            if p.svc_arrived >= self._arrived_from:
                st.tis_sum += now - p.svc_arrived
                st.tis_n += 1
            if now >= w:  # p.done_at == now
                st.blocked_sum += 0.0
                st.blocked_count += 1
            if nxt is None:
                self._exit(p, "completed")
            else:
                self._arrive(p, nxt, outside=False)
            if st.last != now:
                self._tick(st, now)
            st.busy -= 1
            if st.n_waiting or st.blocked_in:
                self._start_next(st)
        else:
            # blocked: holds its server until the next service has a place
            self._tick(st, now)
            p.state = BLOCKED
            p.target = nxt
            st.blocked_n += 1
            bt = st.blocked_targets
            bt[nxt.index] = bt.get(nxt.index, 0) + 1
            nxt.blocked_in.append((p, st))
            self._check_deadlock(st, now)

    def _record_leave(self, p: Person, st: Station, now: float) -> None:
        """Statistics of a person leaving ``st``'s server (call before they move on)."""
        if p.svc_arrived >= self._arrived_from:
            st.tis_sum += now - p.svc_arrived
            st.tis_n += 1
        if p.done_at >= self.warm_up:
            st.blocked_sum += now - p.done_at
            st.blocked_count += 1

    def _free_server(self, st: Station, now: float) -> None:
        if st.last != now:
            self._tick(st, now)
        st.busy -= 1
        self._start_next(st)

    def _pop_waiting(self, st: Station) -> Person | None:
        if st.fifo:
            q = st.queue
            while q:
                p, visit = q.popleft()
                if p.visit == visit and p.state == WAITING and p.station is st:
                    return p
        else:
            h = st.heap
            while h:
                _, _, visit, p = heapq.heappop(h)
                if p.visit == visit and p.state == WAITING and p.station is st:
                    return p
        return None

    def _start_next(self, st: Station) -> None:
        """Start waiting people on free servers and admit people blocked upstream; the
        cascade this sets off (each admission frees an upstream server) is worked through
        with an explicit stack, so a long chain of blocked people cannot exhaust Python's
        recursion limit."""
        pending = self._pending
        pending.append(st)
        if self._draining:
            return
        self._draining = True
        try:
            while pending:
                self._start_next_now(pending.pop())
        finally:
            self._draining = False

    def _start_next_now(self, st: Station) -> None:
        now = self.env._now
        while st.busy < st.cap and st.n_waiting > 0:
            p = self._pop_waiting(st)
            if p is None:  # pragma: no cover - counts and queue agree
                st.n_waiting = 0
                break
            if st.last != now:
                self._tick(st, now)
            st.n_waiting -= 1
            self._start_service(p, st, now)
        if st.blocked_in:
            self._admit_blocked(st)

    def _admit_blocked(self, st: Station) -> None:
        now = self.env._now
        blocked = st.blocked_in
        while blocked and self._can_accept(st):
            p, up = blocked.popleft()
            self._tick(up, now)
            up.blocked_n -= 1
            bt = up.blocked_targets
            bt[st.index] -= 1
            if not bt[st.index]:
                del bt[st.index]
            p.target = None
            self._record_leave(p, up, now)
            self._arrive(p, st, outside=False)
            self._free_server(up, now)

    def _on_patience(self, ev) -> None:
        if ev._value is None:  # started service before their patience ran out
            return
        p, visit, st = ev._value
        if p.visit != visit or p.state != WAITING or p.station is not st:
            return
        now = self.env._now
        self._tick(st, now)
        st.n_waiting -= 1
        p.state = GONE
        st.abandoned_total += 1
        if now >= self.warm_up:
            st.abandoned += 1
        if st.abandon_to is not None:
            self._arrive(p, st.abandon_to, outside=True)
        else:
            self._exit(p, "abandoned")
        if st.blocked_in:
            self._start_next(st)

    def _exit(self, p: Person, how: str) -> None:
        now = self.env._now
        p.state = GONE
        p.station = None
        self.in_system -= 1
        co = p.cohort
        w = self.warm_up
        if p.arrived >= self._arrived_from:
            co.journey_sum += now - p.arrived
            co.journey_n += 1
        if now >= w:
            if how == "completed":
                co.completed += 1
            elif how == "abandoned":
                co.abandoned += 1
            else:
                co.turned_away += 1

    # ------------------------------------------------------------------ deadlock
    def _stuck(self, st: Station) -> bool:
        return (
            not st.unlimited
            and st.busy >= st.cap
            and st.blocked_n >= st.busy
            and st.busy > 0
            and not self._can_accept(st)
        )

    def _find_cycle(self, start: Station) -> list[Station] | None:
        path: list[Station] = []
        on_path: set[int] = set()
        seen: set[int] = set()

        def visit(st: Station) -> list[Station] | None:
            if st.index in on_path:
                return path[path.index(st) :]
            if st.index in seen or not self._stuck(st):
                return None
            seen.add(st.index)
            on_path.add(st.index)
            path.append(st)
            for ti in list(st.blocked_targets):
                found = visit(self.stations[ti])
                if found:
                    return found
            path.pop()
            on_path.discard(st.index)
            return None

        return visit(start)

    def _check_deadlock(self, st: Station, now: float) -> None:
        if not self._stuck(st):
            return
        cycle = self._find_cycle(st)
        if cycle:
            key = frozenset(s.index for s in cycle)
            if key not in self._deadlocked:
                self._deadlocked.add(key)
                self.deadlocks.append([tuple(sorted(s.id for s in cycle)), now, key])

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
        h, w = self.horizon, self.warm_up
        if self.env.now < h:
            self.run_until(h)
        if self._log is not None:
            self._log.finish()
        length = h - w
        services: dict[str, dict[str, float | None]] = {}
        cohort_services: dict[str, dict[str, dict[str, float | None]]] = {}
        capacity_cost = 0.0
        case_cost = 0.0
        for s, st in zip(self.scenario.services, self.stations, strict=True):
            self._tick(st, h)
            waits = np.frombuffer(st.waits, dtype=float) if len(st.waits) else None
            mean_wait, p90, share = _wait_figures(waits, st.target_wait)
            if waits is not None:
                who = np.frombuffer(st.wait_cohorts, dtype=np.intc)
                for k in np.unique(who).tolist():
                    mine = _wait_figures(waits[who == k], st.target_wait)
                    cohort_services.setdefault(self.cohorts[k].id, {})[s.id] = dict(
                        zip(("mean_wait", "p90_wait", "share_within_target"), mine, strict=True)
                    )
            util = None if st.unlimited or st.area_cap <= 0 else st.area_busy / st.area_cap
            services[s.id] = {
                "mean_wait": mean_wait,
                "p90_wait": p90,
                "mean_time_in_system": st.tis_sum / st.tis_n if st.tis_n else None,
                "mean_queue_length": st.area_q / length,
                "utilisation": util,
                "throughput": st.completions / length,
                "abandoned": st.abandoned / length,
                "turned_away": st.turned_away / length,
                "mean_blocked_time": st.blocked_sum / st.blocked_count
                if st.blocked_count
                else None,
                "backlog_at_end": float(st.n_waiting),
                "share_within_target": share,
            }
            if not st.unlimited:
                capacity_cost += s.cost.per_server_per_time * st.area_cap
            case_cost += s.cost.per_case * st.completions
        cohorts: dict[str, dict[str, float | None]] = {}
        for co in self.cohorts:
            cohorts[co.id] = {
                "mean_journey_time": co.journey_sum / co.journey_n if co.journey_n else None,
                "completed": co.completed / length,
                "abandoned": co.abandoned / length,
                "turned_away": co.turned_away / length,
            }
        policy_cost = 0.0
        variant = self.scenario.variant(self.variant_id)
        for pid in variant.policies:
            pol = self.scenario.policy(pid)
            if pol.start < h:
                policy_cost += pol.cost.one_off
                policy_cost += pol.cost.per_time * max(0.0, h - max(pol.start, w))
        total = capacity_cost + case_cost + policy_cost
        deadlocks = []
        for ids, since, key in self.deadlocks:
            still = all(self._stuck(self.stations[i]) for i in key)
            deadlocks.append(Deadlock(services=ids, since=since, still_at_end=still))
        return ReplicationSummary(
            variant_id=self.variant_id,
            replication=self.replication,
            services=services,
            cohorts=cohorts,
            cost={
                "total": total,
                "staff_and_capacity": capacity_cost,
                "per_case": case_cost,
                "policies": policy_cost,
            },
            series_time=list(self.series_time),
            series_queue={st.id: [float(x) for x in st.series_q] for st in self.stations},
            deadlocks=deadlocks,
            events=0,
            cohort_services=cohort_services,
        )


def _wait_figures(
    waits: np.ndarray | None, target_wait: float | None
) -> tuple[float | None, float | None, float | None]:
    """(mean, 90th percentile, share within ``target_wait``) of a sample of waits."""
    if waits is None or not len(waits):
        return None, None, None
    share = (
        float(np.count_nonzero(waits <= target_wait + 1e-12) / len(waits))
        if target_wait is not None
        else None
    )
    return float(waits.mean()), float(np.percentile(waits, 90)), share


def simulate(
    scenario: Scenario, variant_id: str = "baseline", replication: int = 0, **kwargs
) -> ReplicationSummary:
    """Run one replication of one variant to the horizon and summarise it."""
    return Simulation(scenario, variant_id, replication, **kwargs).run()
