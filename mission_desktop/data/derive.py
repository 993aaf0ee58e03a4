"""What an event log says about the system, summarised in DuckDB from table ``v`` (see
:mod:`.logread`: model times, the log running from ``-length`` to 0).

Only small summaries come back to Python: counts per group, and samples of at most
:data:`.durations.MAX_FIT` durations (DuckDB's reservoir sample, seeded: the same every run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .durations import MAX_EMPIRICAL, MAX_FIT

ALPHA = 0.01
#: a year in each time unit (growth is stated per year)
YEAR = {"minute": 525_600.0, "hour": 8760.0, "day": 365.0, "week": 365.0 / 7}
DAY = {"minute": 1440.0, "hour": 24.0, "day": 1.0, "week": 1 / 7}
#: growth is looked for when the log spans at least this many days and this many people
GROWTH_MIN_DAYS, GROWTH_MIN_PEOPLE = 182, 100


def journeys(con) -> None:
    """Table ``j``: every visit with the person's next visit (``nxt``) and its number."""
    con.execute(
        """CREATE TABLE j AS SELECT *,
             lead(service) OVER w AS nxt, row_number() OVER w AS visit_no,
             first_value(cohort) OVER w AS person_cohort
           FROM v WINDOW w AS (PARTITION BY person ORDER BY a, row)"""
    )


def in_order(con, what: str) -> list[str]:
    """Services or cohorts in order of first appearance in the log."""
    return [r[0] for r in con.execute(f"SELECT {what} FROM v GROUP BY {what} ORDER BY min(row)").fetchall()]


# --------------------------------------------------------------------------- arrivals


@dataclass
class ArrivalFit:
    people: int
    rate: float  # at time 0 (the end of the log), per time unit
    mean_rate: float  # over the log
    profile: dict | None
    profile_note: str
    growth: dict | None
    growth_note: str


def _profile_shape(time_unit: str, length: float) -> tuple[float, int, str] | None:
    """(period, slices, what) for a log of ``length``: weekly by day once it covers 4
    weeks; for hourly and minute models weekly by hour (4 weeks) or daily by hour (1 week)."""
    days = length / DAY[time_unit]
    if time_unit == "week":
        return None
    if time_unit == "day":
        return (7.0, 7, "weekly, by day") if days >= 28 else None
    hour = DAY[time_unit] / 24
    if days >= 28:
        return (168 * hour, 168, "weekly, by hour")
    if days >= 7:
        return (24 * hour, 24, "daily, by hour")
    return None


def exposure(length: float, period: float, slices: int) -> np.ndarray:
    """How long the window ``[-length, 0]`` spends in each slice of the repeating period
    (phases counted from time 0)."""
    width = period / slices
    full, rest = divmod(length, period)
    out = np.full(slices, full * width)
    start = (-length) % period
    for lo, hi in ((start, min(start + rest, period)), (0.0, max(start + rest - period, 0.0))):
        for i in range(slices):
            a, b = max(lo, i * width), min(hi, (i + 1) * width)
            if b > a:
                out[i] += b - a
    return out


def arrivals(con, cohort: str, length: float, time_unit: str) -> ArrivalFit:
    where = f"visit_no = 1 AND person_cohort = {_s(cohort)}"
    (people,) = con.execute(f"SELECT count(*) FROM j WHERE {where}").fetchone()
    mean_rate = people / length
    profile, profile_note = None, "none: the log is too short to show one"
    shape = _profile_shape(time_unit, length)
    if shape is not None and people > 0:
        period, slices, what = shape
        width = period / slices
        counts = np.zeros(slices)
        for i, n in con.execute(
            f"SELECT CAST(floor((((a % {period!r}) + {period!r}) % {period!r}) / {width!r}) AS BIGINT)"
            f" AS slot, count(*) FROM j WHERE {where} GROUP BY slot"
        ).fetchall():
            counts[min(int(i), slices - 1)] += n
        exp = exposure(length, period, slices)
        test = stats.chisquare(counts, exp / exp.sum() * counts.sum())
        if test.pvalue < ALPHA:
            rates = counts / exp
            multipliers = rates / rates.mean()
            profile = {"period": _r(period), "multipliers": [round(float(m), 4) for m in multipliers]}
            mean_rate = float(rates.mean())
            profile_note = f"{what} (χ² test of a flat rate: p < {ALPHA:g})"
        else:
            profile_note = f"flat: no clear {what.split(',')[0]} pattern (χ² p = {test.pvalue:.2f})"
    rate, growth, growth_note = mean_rate, None, ""
    days = length / DAY[time_unit]
    if days < GROWTH_MIN_DAYS or people < GROWTH_MIN_PEOPLE:
        growth_note = (
            f"not estimated: needs a log of at least {GROWTH_MIN_DAYS} days and "
            f"{GROWTH_MIN_PEOPLE} people"
        )
    else:
        (later,) = con.execute(f"SELECT count(*) FROM j WHERE {where} AND a >= {-length / 2!r}").fetchone()
        earlier = people - later
        test = stats.binomtest(later, people, 0.5)
        if earlier == 0 or later == 0:
            growth_note = "not estimated: every arrival is in one half of the log"
        else:
            k = 2 / length * math.log(later / earlier)  # continuous rate per time unit
            factor = math.exp(k * YEAR[time_unit])
            if test.pvalue < ALPHA:
                growth = {"factor": round(factor, 4), "every": _r(YEAR[time_unit])}
                # the rate at the end of the log: N k e^{kL} / (e^{kL} - 1)
                rate = mean_rate * k * length / -math.expm1(-k * length)
                growth_note = (
                    f"×{factor:.3f} a year ({later:,} arrivals in the second half of the log, "
                    f"{earlier:,} in the first; binomial test p = {test.pvalue:.2g})"
                )
            else:
                growth_note = (
                    f"none: the halves of the log differ by chance (×{factor:.3f} a year, "
                    f"p = {test.pvalue:.2f})"
                )
    return ArrivalFit(people, rate, people / length, profile, profile_note, growth, growth_note)


def entry_counts(con) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for cohort, service, n in con.execute(
        "SELECT person_cohort, service, count(*) FROM j WHERE visit_no = 1 "
        "GROUP BY ALL ORDER BY 3 DESC, 2"
    ).fetchall():
        out.setdefault(cohort, []).append((service, n))
    return out


def next_counts(con, outcome: str) -> dict[str, tuple[int, list[tuple[str, int]]]]:
    """Per service: visits with ``outcome`` and where the person went next (service, n)."""
    totals = dict(con.execute(f"SELECT service, count(*) FROM j WHERE outcome = {_s(outcome)} GROUP BY 1").fetchall())
    out = {s: (n, []) for s, n in totals.items()}
    for service, nxt, n in con.execute(
        f"SELECT service, nxt, count(*) FROM j WHERE outcome = {_s(outcome)} AND nxt IS NOT NULL "
        "GROUP BY ALL ORDER BY 3 DESC, 2"
    ).fetchall():
        out[service][1].append((nxt, n))
    return out


# --------------------------------------------------------------------------- per service


def durations(con, service: str) -> tuple[int, np.ndarray]:
    """How many service times the log holds, and a sample of at most MAX_FIT of them."""
    where = f"service = {_s(service)} AND outcome = 'completed'"
    (n,) = con.execute(f"SELECT count(*) FROM v WHERE {where}").fetchone()
    rows = con.execute(
        f"SELECT e - s FROM v WHERE {where} USING SAMPLE reservoir({MAX_FIT} ROWS) REPEATABLE (7)"
        if n > MAX_FIT else f"SELECT e - s FROM v WHERE {where}"
    ).fetchall()
    return n, np.array([r[0] for r in rows], dtype=float)


def waits_for_patience(con, service: str) -> tuple[np.ndarray, np.ndarray]:
    """(waits of those who gave up, waits of everyone else who queued: censored)."""
    rows = con.execute(
        f"""SELECT outcome = 'abandoned', coalesce(s, CASE WHEN outcome = 'abandoned' THEN e END, 0) - a
            FROM v WHERE service = {_s(service)} AND outcome <> 'turned_away'
            USING SAMPLE reservoir({MAX_FIT} ROWS) REPEATABLE (11)"""
    ).fetchall()
    x = np.array([w for gave_up, w in rows if gave_up], dtype=float)
    c = np.array([w for gave_up, w in rows if not gave_up], dtype=float)
    return x, c


def peaks(con) -> dict[str, int]:
    """The most people in service at once at each service (ends before starts at a tie)."""
    return {
        s: int(p)
        for s, p in con.execute(
            """SELECT service, max(busy) FROM (
                 SELECT service, sum(d) OVER (PARTITION BY service ORDER BY t, d
                                              ROWS UNBOUNDED PRECEDING) AS busy
                 FROM (SELECT service, s AS t, 1 AS d FROM v WHERE s IS NOT NULL
                       UNION ALL SELECT service, e, -1 FROM v WHERE s IS NOT NULL AND e IS NOT NULL))
               GROUP BY service"""
        ).fetchall()
    }


def ever_waited(con) -> dict[str, bool]:
    """Whether anyone at each service waited at all (a queue shows a limit)."""
    return dict(
        con.execute(
            "SELECT service, bool_or(outcome IN ('waiting', 'abandoned', 'turned_away') "
            "OR s > a) FROM v GROUP BY service"
        ).fetchall()
    )


def counts_by_outcome(con) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for service, outcome, n in con.execute("SELECT service, outcome, count(*) FROM v GROUP BY ALL").fetchall():
        out.setdefault(service, {})[outcome] = n
    return out


def initial(con) -> dict[str, list[dict]]:
    """Per service, per cohort: who is waiting (with how long they have waited, as an
    empirical distribution) and in service at the end of the log (time 0)."""
    out: dict[str, list[dict]] = {}
    groups = con.execute(
        """SELECT service, person_cohort, count(*) FILTER (WHERE outcome = 'waiting'),
                  count(*) FILTER (WHERE outcome = 'serving')
           FROM j WHERE outcome IN ('waiting', 'serving') GROUP BY ALL ORDER BY min(row)"""
    ).fetchall()
    probs = [(i + 0.5) / MAX_EMPIRICAL for i in range(MAX_EMPIRICAL)]
    for service, cohort, waiting, serving in groups:
        item: dict = {"cohort": cohort, "waiting": int(waiting)}
        if waiting:
            where = f"service = {_s(service)} AND person_cohort = {_s(cohort)} AND outcome = 'waiting'"
            if waiting <= MAX_EMPIRICAL:
                values = [r[0] for r in con.execute(f"SELECT -a FROM j WHERE {where} ORDER BY a DESC").fetchall()]
            else:
                (values,) = con.execute(f"SELECT quantile_cont(-a, {probs}) FROM j WHERE {where}").fetchone()
            item["waited"] = {"dist": "empirical", "values": [_r(max(x, 0.0)) for x in values]}
        item["in_service"] = int(serving)
        out.setdefault(service, []).append(item)
    return out


#: observed figures describe the last part of the log, nearest to today: at most this many days
OBSERVED_DAYS = 91


def observed_window(length: float, time_unit: str) -> float:
    """The length of the observed period: the whole log, or its last 13 weeks (91 days)
    when it is longer, so that growth over the log does not set the past against the
    model's future."""
    return min(length, OBSERVED_DAYS * DAY[time_unit])


def observed(con, window: float) -> dict[str, dict]:
    """Per service, the contract's figures over the last ``window`` of the log,
    ``[-window, 0]`` (``utilisation`` is filled in by the caller, which knows the
    capacity): mean and 90th-percentile wait of those who arrived in it and started
    service; time-average number waiting; completions per time unit; busy servers."""
    w = repr(-window)
    out = {}
    for service, mean_wait, p90, waiting_time, completed, busy in con.execute(
        f"""SELECT service,
              avg(s - a) FILTER (WHERE s IS NOT NULL AND a >= {w}),
              quantile_cont(s - a, 0.9) FILTER (WHERE s IS NOT NULL AND a >= {w}),
              sum(greatest(coalesce(s, CASE WHEN outcome = 'abandoned' THEN e END, 0)
                           - greatest(a, {w}), 0))
                  FILTER (WHERE outcome <> 'turned_away'),
              count(*) FILTER (WHERE outcome = 'completed' AND e >= {w}),
              sum(greatest(coalesce(e, 0) - greatest(s, {w}), 0)) FILTER (WHERE s IS NOT NULL)
            FROM v GROUP BY service"""
    ).fetchall():
        out[service] = {
            "mean_wait": mean_wait,
            "p90_wait": p90,
            "mean_queue_length": (waiting_time or 0.0) / window,
            "throughput": completed / window,
            "busy": (busy or 0.0) / window,
        }
    return out


def _s(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _r(x: float) -> float:
    return float(f"{x:.6g}")
