"""Arrivals from outside: each cohort's Poisson process, its rate changing with the phases,
a repeating profile and growth (:mod:`.growth`); sampled by inverting the cumulative rate,
one unit exponential per arrival from the cohort's own stream; then the entry route.

Part of :class:`~.engine.Simulation` (a mixin).
"""

from __future__ import annotations

import math

from simpy.events import NORMAL

from .growth import next_grown_arrival
from .people import Person, _Timer
from .stations import Cohort_

INF = math.inf


class CohortArrivals:
    """Schedules each cohort's next arrival and sends the person to their entry service."""

    def _prepare_arrivals(self) -> None:
        """The per-cohort arrival tables (call once the phases are known)."""
        scenario = self.scenario
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
