"""A version-2 scenario fitted from an event log (``mission-desktop fit``).

The fitted scenario starts from the end of the log ("today"): time 0 is the end of the log
(for ISO date-times the midnight after its last time, which is ``run.start_date``), its
``initial`` people are those waiting and in service then, and it runs as long as the log
did. Each service's ``observed`` figures describe the last part of the log, nearest to today
(all of it, or its last 13 weeks when longer, so that demand growth over a long log does not
set the past against the model's future); they are given the period ``[0, window]`` (model
time is never negative), so calibration asks whether the model, started from today,
behaves over the next such period as the services did over the last one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Scenario, scenario_from_dict
from . import derive
from .durations import DurationFit, fit_patience, fit_service_times
from .logread import EventLog, read_log
from .text import make_id, shown


@dataclass
class ServiceFit:
    id: str
    name: str
    counts: dict[str, int]
    service_time: DurationFit | None
    patience: DurationFit | None
    capacity: int | None  # None: unlimited (nobody waited)
    routes: list[tuple[str, int]]  # (to id, visits)
    completed: int
    abandon_to: str | None
    abandon_note: str
    observed: dict | None


@dataclass
class FitResult:
    log: EventLog
    scenario: Scenario
    services: list[ServiceFit]
    cohorts: list[tuple[str, str, derive.ArrivalFit, list[tuple[str, int]]]]  # id, name, fit, entry
    names: dict[str, str]  # service id → name
    window: float  # the observed figures' period: the last ``window`` of the log
    notes: list[str] = field(default_factory=list)


def fit_log(
    path: str | Path,
    columns: dict[str, str] | None = None,
    time_unit: str = "day",
    progress: Callable[[str, float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FitResult:
    """Read, check and fit the log. Raises :class:`.logread.LogError` for an unusable log,
    :class:`FitCancelled` when ``cancelled()`` turns true (checked between stages).
    The caller closes ``result.log``."""
    log = read_log(path, columns, time_unit, progress)
    try:
        _check_cancel(cancelled)
        return _fit(log, progress, cancelled)
    except BaseException:
        log.close()
        raise


class FitCancelled(Exception):
    """The fit was cancelled (``fit_log(cancelled=...)``); nothing is returned."""


def _check_cancel(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise FitCancelled


def _shares(counts: list[tuple[str, int]], total: int) -> list[tuple[str, float]]:
    """Shares rounded to 4 places that never sum above 1 (the largest takes the excess)."""
    shares = [(k, round(n / total, 4)) for k, n in counts if n > 0]
    excess = math.fsum(p for _, p in shares) - 1
    if shares and excess > 0:
        k, p = shares[0]
        shares[0] = (k, round(p - excess, 6))
    return [(k, p) for k, p in shares if p > 0]


def _fit(log: EventLog, progress, cancelled=None) -> FitResult:
    con, length, unit = log.con, log.length, log.time_unit
    if progress:
        progress("following journeys", 0.0)
    derive.journeys(con)
    services_in_log = derive.in_order(con, "service")
    cohorts_in_log = [
        r[0] for r in con.execute(
            "SELECT person_cohort FROM j WHERE visit_no = 1 GROUP BY 1 ORDER BY min(row)"
        ).fetchall()
    ]
    taken: set[str] = set()
    sid = {name: make_id(name, taken, "service") for name in services_in_log}
    cid_taken: set[str] = set()
    cid = {name: make_id(name, cid_taken, "cohort") for name in cohorts_in_log}
    counts = derive.counts_by_outcome(con)
    peaks = derive.peaks(con)
    queued = derive.ever_waited(con)
    routes = derive.next_counts(con, "completed")
    after_abandon = derive.next_counts(con, "abandoned")
    initial = derive.initial(con)
    window = derive.observed_window(length, unit)
    observed = derive.observed(con, window)
    fits: list[ServiceFit] = []
    doc_services = []
    for i, name in enumerate(services_in_log):
        _check_cancel(cancelled)
        if progress:
            progress("fitting service times", i / len(services_in_log))
        n, values = derive.durations(con, name)
        st = fit_service_times(values, n) if n else None
        gave_up, waited = derive.waits_for_patience(con, name)
        patience = fit_patience(gave_up, waited)
        # nobody ever waited: the log shows no limit, so the service is taken as unlimited
        capacity = max(peaks.get(name, 0), 1) if queued.get(name, True) else None
        completed, nexts = routes.get(name, (0, []))
        abandoned, ab_next = after_abandon.get(name, (0, []))
        abandon_to, abandon_note = None, ""
        if ab_next and ab_next[0][1] * 2 >= abandoned:
            abandon_to = sid[ab_next[0][0]]
            abandon_note = (
                f"{ab_next[0][1]:,} of {abandoned:,} who gave up went next to "
                f"{shown(ab_next[0][0])}: they go there"
            )
        elif abandoned:
            went = sum(k for _, k in ab_next)
            abandon_note = f"{went:,} of {abandoned:,} who gave up went on to another service: they leave"
        obs = observed.get(name)
        figures = None
        if obs is not None:
            figures = {"period": [0, derive._r(window)]}
            for key in ("mean_wait", "p90_wait", "mean_queue_length", "throughput"):
                if obs[key] is not None:
                    figures[key] = derive._r(obs[key])
            if capacity is not None:
                figures["utilisation"] = min(derive._r(obs["busy"] / capacity), 1.0)
        route_list = [(sid[to], k) for to, k in nexts]
        fits.append(
            ServiceFit(sid[name], name, counts.get(name, {}), st, patience, capacity,
                       route_list, completed, abandon_to, abandon_note, figures)
        )
        service: dict = {
            "id": sid[name],
            "name": shown(name, 200),
            "capacity": capacity,
            "service_time": st.chosen.dist if st else {"dist": "fixed", "value": 0},
        }
        if patience is not None:
            service["patience"] = patience.chosen.dist
        if abandon_to:
            service["abandon_to"] = abandon_to
        if completed and route_list:
            service["routes"] = [{"to": to, "p": p} for to, p in _shares(route_list, completed)]
        if name in initial:
            service["initial"] = [
                {**item, "cohort": cid[item["cohort"]]} for item in initial[name]
            ]
        if figures is not None:
            service["observed"] = figures
        doc_services.append(service)
    _check_cancel(cancelled)
    entries = derive.entry_counts(con)
    cohort_fits = []
    doc_cohorts = []
    for name in cohorts_in_log:
        arr = derive.arrivals(con, name, length, unit)
        entry = [(sid[s], n) for s, n in entries.get(name, [])]
        total = sum(n for _, n in entry)
        shares = [(k, round(n / total, 6)) for k, n in entry]
        shares[0] = (shares[0][0], round(1 - math.fsum(p for _, p in shares[1:]), 12))
        arrivals: dict = {"rate": derive._r(arr.rate)}
        if arr.profile:
            arrivals["profile"] = arr.profile
        if arr.growth:
            arrivals["growth"] = arr.growth
        doc_cohorts.append(
            {
                "id": cid[name],
                "name": shown(name, 200),
                "arrivals": arrivals,
                "entry": [{"to": k, "p": p} for k, p in shares] if len(shares) > 1 else shares[0][0],
            }
        )
        cohort_fits.append((cid[name], name, arr, entry))
    run: dict = {"horizon": derive._r(length), "warm_up": 0, "replications": 10, "seed": 0}
    if log.end is not None:
        run["start_date"] = log.end.date().isoformat()
    doc = {
        "format": "mission-desktop/scenario",
        "version": 2,
        "name": shown(f"Fitted from {log.path.name}", 200),
        "description": _description(log, fits),
        "time_unit": unit,
        "run": run,
        "services": doc_services,
        "cohorts": doc_cohorts,
    }
    scenario = scenario_from_dict(doc, source="the fitted scenario")
    return FitResult(log, scenario, fits, cohort_fits, {f.id: f.name for f in fits}, window)


def _description(log: EventLog, fits: list[ServiceFit]) -> str:
    caps = ", ".join(
        f"{shown(f.name, 60)} {'unlimited' if f.capacity is None else f.capacity}" for f in fits
    )
    return (
        f"Fitted by `mission-desktop fit` from the event log `{shown(log.path.name, 100)}` "
        f"({log.used:,} of its {log.rows:,} rows used; {log.bad_count:,} left out, listed in "
        f"the fit report). Time 0 is the end of the log; the model starts from the people "
        f"waiting and in service then, and runs as long as the log did "
        f"({log.length:.4g} {log.time_unit}s).\n\n"
        f"**Capacities are suggestions** — the most people the log shows in service at once "
        f"({caps}); confirm each against the real staffing before relying on the model.\n"
    )
