"""The per-person flow: arrive at a service, wait or start at once, be served, then move on,
leave, be blocked (holding the server while the next service is full), give up (patience,
``abandon_to``) or be turned away (a full queue). Every step is a callback on a SimPy event,
not a process; the time-weighted statistics of each service are updated as it happens
(:meth:`PersonFlow._tick`) over the window ``[warm_up, horizon]``.

Part of :class:`~.engine.Simulation` (a mixin): it works on the simulation's stations,
cohorts, routes and clock. The hot path of the engine: keep it lean.
"""

from __future__ import annotations

import heapq

from simpy.events import NORMAL

from .people import BLOCKED, GONE, SERVING, WAITING, Person, _Timer
from .stations import Station


class PersonFlow:
    """The callbacks and steps that move people through the services."""

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
