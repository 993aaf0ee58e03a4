"""Arrival times of a cohort whose demand grows (``arrivals.growth``, format version 2).

The rate at time ``s`` is ``rate(s) × profile(s) × exp(k s)``, ``k = ln(factor) / every``,
where ``rate`` is the phase's (policies included) and ``profile`` the repeating multiplier:
a non-homogeneous Poisson process, sampled by inverting its cumulative rate one piece at a
time, exactly (on each piece the integral of ``r exp(k s)`` has a closed form).
"""

from __future__ import annotations

import math

from ..model.cohorts import ArrivalProfile

INF = math.inf


def next_grown_arrival(
    segments: list[tuple[float, float]],
    profile: ArrivalProfile | None,
    k: float,
    horizon: float,
    t: float,
    e: float,
) -> float:
    """The time after ``t`` by which ``e`` units of the grown cumulative rate accrue (INF if
    not before ``horizon``). ``segments``: (start, rate) wherever the phase rate changes."""
    if profile is not None:
        mults = profile.multipliers
        slice_len = profile.period / len(mults)
    while t < horizon:
        pi = 0
        for i, (start, _rate) in enumerate(segments):
            if start <= t:
                pi = i
        end = segments[pi + 1][0] if pi + 1 < len(segments) else INF
        rate = segments[pi][1]
        if profile is not None:
            j = math.floor(t / slice_len)
            s_end = (j + 1) * slice_len
            if s_end <= t:
                j += 1
                s_end = (j + 1) * slice_len
            rate *= mults[j % len(mults)]
            end = min(end, s_end)
        end = min(end, horizon)
        if rate > 0:
            at_t = rate * math.exp(k * t)  # the grown rate at t
            mass = at_t * math.expm1(k * (end - t)) / k
            if mass >= e:
                return min(t + math.log1p(e * k / at_t) / k, end)
            e -= mass
        t = end
    return INF
