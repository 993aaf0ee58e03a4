"""Model time ↔ calendar dates (``run.start_date``, format version 2).

The engine works in ``time_unit`` from 0; where a scenario gives ``run.start_date``, the
app, tables and reports show dates instead ("from 1 Apr 2027"). Time 0 is the start of
that date (midnight), for every unit: a day is a calendar day, a week seven, and hours and
minutes are counted from midnight. Calendar days are taken as 24 hours (no clock changes).
"""

from __future__ import annotations

import datetime as dt

from .scenario import Scenario

#: the length of one model time unit
UNIT = {
    "minute": dt.timedelta(minutes=1),
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _unit(time_unit: str) -> dt.timedelta:
    try:
        return UNIT[time_unit]
    except KeyError:
        raise ValueError(f"time_unit must be one of {', '.join(UNIT)}, not {time_unit!r}") from None


def to_datetime(t: float, start_date: dt.date, time_unit: str) -> dt.datetime:
    """The calendar date and time of model time ``t`` (to the microsecond)."""
    start = dt.datetime.combine(start_date, dt.time())
    try:
        return start + _unit(time_unit) * t
    except OverflowError:
        raise ValueError(
            f"{time_unit} {t:g} from {date_label(start)} is beyond the calendar (year 9999)"
        ) from None


def to_model_time(when: dt.date | dt.datetime, start_date: dt.date, time_unit: str) -> float:
    """The model time of a calendar date (its midnight) or date-time."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time())
    return (when - dt.datetime.combine(start_date, dt.time())) / _unit(time_unit)


def date_label(when: dt.date | dt.datetime, with_time: bool = False) -> str:
    """``1 Apr 2027`` (``1 Apr 2027 14:30`` with the time), the same in every locale."""
    text = f"{when.day} {MONTHS[when.month - 1]} {when.year}"
    if with_time and isinstance(when, dt.datetime):
        text += f" {when:%H:%M}"
    return text


def scenario_date(scenario: Scenario, t: float) -> dt.datetime | None:
    """The calendar date-time of ``t`` in ``scenario``, or None without a ``start_date``."""
    start = scenario.run.start_date
    return None if start is None else to_datetime(t, start, scenario.time_unit)


def scenario_time_label(scenario: Scenario, t: float) -> str:
    """How a time shows on screen: its date where the scenario has a start date (with the
    clock time for hour and minute units), else the time in units (``day 30``)."""
    when = scenario_date(scenario, t)
    if when is None:
        return f"{scenario.time_unit} {t:g}"
    return date_label(when, with_time=scenario.time_unit in ("hour", "minute"))


def parse_date(text: str) -> dt.date:
    """A date typed by a person: ``2027-04-01`` or ``1 Apr 2027`` (month names in English,
    in full or their first three letters). Raises ValueError with a message for the user."""
    s = " ".join(str(text).replace(",", " ").split())
    try:
        if len(s) == 10 and s[4] == "-" and s[7] == "-":
            return dt.date.fromisoformat(s)
        parts = s.split(" ")
        if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit():
            month = MONTHS.index(parts[1][:3].title()) + 1
            if len(parts[1]) > 3 and not _MONTH_NAMES[month - 1].startswith(parts[1].lower()):
                raise ValueError
            return dt.date(int(parts[2]), month, int(parts[0]))
    except ValueError:
        pass
    raise ValueError(f"“{s or '(blank)'}” is not a date: write it as 2027-04-01 or 1 Apr 2027")


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def time_with_date(scenario: Scenario, t: float) -> str:
    """``day 90 (30 Jun 2027)`` where the scenario has a start date, else ``day 90``."""
    text = f"{scenario.time_unit} {t:,.0f}"
    try:
        when = scenario_date(scenario, t)
    except ValueError:
        return text
    if when is None:
        return text
    return f"{text} ({date_label(when, with_time=scenario.time_unit in ('hour', 'minute'))})"


def date_phrase(scenario: Scenario, t: float, word: str = "on") -> str:
    """`` on 31 Mar 2028`` (with a leading space) for time ``t``, or '' without a start date."""
    try:
        when = scenario_date(scenario, t)
    except ValueError:
        return ""
    if when is None:
        return ""
    return f" {word} {date_label(when, with_time=scenario.time_unit in ('hour', 'minute'))}"


def window_label(start_date: dt.date, time_unit: str, t0: float, t1: float) -> str:
    """``from 1 Apr 2027 to 31 Mar 2028``: the dates of model times t0 and t1 ('' past the
    calendar's end)."""
    hours = time_unit in ("hour", "minute")
    try:
        a, b = (to_datetime(t, start_date, time_unit) for t in (t0, t1))
    except ValueError:
        return ""
    return f"from {date_label(a, hours)} to {date_label(b, hours)}"


def window_phrase(scenario: Scenario, t0: float, t1: float) -> str:
    """:func:`window_label` for ``scenario``, or '' without a start date."""
    start = scenario.run.start_date
    return "" if start is None else window_label(start, scenario.time_unit, t0, t1)
