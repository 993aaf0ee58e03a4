"""The one number formatter, shared by the app, the command line and the exports' display
columns (the JSON keeps model units). No Qt.

Rules:
- Durations read in the unit that reads best ("28.8 min", not "0.02 days"): the largest of
  s, min, h, days, weeks in which the value is at least 1, but never larger than the
  scenario's unit or a day, whichever is larger (waits of a day-unit model stay in days).
  A figure's mean and interval share one unit.
- Numbers: 2 decimals under 10, 1 under 100, whole above (with thousands separators);
  "1.23m" only where ``compact`` (files and the terminal; the screen keeps "1,234,567").
- Never scientific notation. A result rounding to zero reads "0.00"; a *difference* never
  reads as zero when it is not (a bound that excludes zero must not look like zero): it gets
  the digits it needs, down to "> −0.0001" / "< +0.0001".
- Negative numbers use ``minus``: "-" for files and the terminal, U+2212 on screen, where a
  minus must not read as a dash.

:func:`parse_duration` reads typed durations in any unit back to full-precision model time.
"""

from __future__ import annotations

import math
import re
from typing import Any

MINUS = "\u2212"

#: each time unit in minutes, largest first; seconds are for display only
UNIT_MINUTES = {"week": 7 * 24 * 60.0, "day": 24 * 60.0, "hour": 60.0, "minute": 1.0}
DISPLAY_UNITS = (*UNIT_MINUTES.items(), ("second", 1 / 60))
_MINUTES = dict(DISPLAY_UNITS)
TIME_UNIT_PLURALS = {
    "second": "seconds",
    "minute": "minutes",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
}
#: short names for figures ("28.8 min", "3.36 h", "2.10 days")
SHORT_UNITS = {"second": "s", "minute": "min", "hour": "h", "day": "days", "week": "weeks"}
_SINGULAR_SHORT = {"day": "day", "week": "week"}

# ------------------------------------------------------------------- what each figure is

TIME_METRICS = {
    "mean_wait",
    "p90_wait",
    "mean_time_in_system",
    "mean_blocked_time",
    "mean_journey_time",
}
PEOPLE_METRICS = {"mean_queue_length", "backlog_at_end"}
SHARE_METRICS = {"utilisation", "share_within_target", "p_target_met"}
RATE_METRICS = {"throughput", "abandoned", "turned_away", "completed"}
MONEY_METRICS = {"total", "staff_and_capacity", "per_case", "policies", "policy_cost"}


def kind_of(metric: str) -> str:
    """"time", "people", "share", "rate", "money", "money_per_time", "person_time" or ""."""
    base = metric.removesuffix("_vs_all")
    for kind, names in (
        ("time", TIME_METRICS),
        ("people", PEOPLE_METRICS),
        ("share", SHARE_METRICS),
        ("rate", RATE_METRICS),
        ("money", MONEY_METRICS),
    ):
        if base in names:
            return kind
    if base == "cost_per_waiting_saved":
        return "money_per_time"
    if base == "waiting":
        return "person_time"
    return ""


def plural_unit(time_unit: str) -> str:
    return TIME_UNIT_PLURALS.get(time_unit, time_unit)


# ------------------------------------------------------------------------------ numbers


def plain(value: Any) -> str:
    """A value as an editor field shows it: '3', '0.25', '' for None (no rounding)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}" if "e" not in f"{value:g}" else _positional(value)
    return str(value)


def _positional(value: float) -> str:
    return f"{value:.12f}".rstrip("0").rstrip(".")


def _is_zero_text(text: str) -> bool:
    return text.lstrip("+-" + MINUS).rstrip("%m").replace(",", "").strip("0.") == ""


def number(value: float, *, minus: str = "-", compact: bool = True) -> str:
    """'2.10', '12.3', '1,234', '1.23m' (``compact``); never '-0.00'."""
    a = abs(value)
    if compact and a >= 1e6:
        text = f"{a / 1e6:,.2f}m"
    elif a >= 100:
        text = f"{a:,.0f}"
    elif a >= 10:
        text = f"{a:.1f}"
    else:
        text = f"{a:.2f}"
    if value < 0 and not _is_zero_text(text):
        text = minus + text
    return text


def _tiny(value: float, minus: str) -> str:
    """A nonzero value that rounds to zero at 2 decimals, without exponent or false zero."""
    a = abs(value)
    if a < 1e-4:
        return f"> {minus}0.0001" if value < 0 else "< +0.0001"
    digits = 1 - math.floor(math.log10(a))  # two significant digits
    text = f"{a:.{digits}f}".rstrip("0")
    return (minus if value < 0 else "+") + text


def signed(value: float, *, minus: str = "-", compact: bool = True) -> str:
    """A difference: '+0.30', '-0.001' (never '0' unless it is 0), '0'."""
    if value == 0:
        return "0"
    text = number(value, minus=minus, compact=compact)
    if _is_zero_text(text):
        return _tiny(value, minus)
    return text if value < 0 else "+" + text


def percent(share: float, *, minus: str = "-") -> str:
    """A share as a percentage: '85%', '4.5%' under 10%, '0%'."""
    pct = share * 100
    text = f"{abs(pct):.0f}" if abs(share) >= 0.1 else f"{abs(pct):.1f}"
    if _is_zero_text(text):
        return "0%"
    return (minus if pct < 0 else "") + text + "%"


def points(difference: float, *, minus: str = "-") -> str:
    """A difference of shares in percentage points: '+11 pp', '-0.4 pp', '0 pp'."""
    value = difference * 100
    if value == 0:
        return "0 pp"
    text = f"{abs(value):.1f}" if abs(value) < 10 else f"{abs(value):.0f}"
    if _is_zero_text(text):
        return _tiny(value, minus) + " pp"
    return (minus if value < 0 else "+") + text + " pp"


def money(value: float, *, minus: str = "-", sign: bool = False) -> str:
    """'£1.2m', '£35k', '£3.5k', '£950', '£0.40'; with ``sign``, '+£35k' (never '£0' for a
    nonzero difference)."""
    a = abs(value)
    if a >= 1e9:
        text = f"{a / 1e9:.1f}bn" if a < 1e10 else f"{a / 1e9:,.0f}bn"
    elif a >= 1e6:
        text = f"{a / 1e6:.1f}m" if a < 1e7 else f"{a / 1e6:.0f}m"
    elif a >= 1e4:
        text = f"{a / 1e3:.0f}k"
    elif a >= 1e3:
        text = f"{a / 1e3:.1f}k"
    elif a >= 1 or a == 0:
        text = f"{a:.0f}"
    else:
        text = f"{a:.2f}"
    text = text.replace(".0k", "k").replace(".0m", "m").replace(".0bn", "bn")
    if text == "1000k":
        text = "1m"
    if sign and value != 0 and _is_zero_text(text):  # under half a penny
        return "< +£0.01" if value > 0 else f"> {minus}£0.01"
    if value < 0 and not _is_zero_text(text):
        return f"{minus}£{text}"
    return f"+£{text}" if sign and value > 0 else f"£{text}"


def rate(value: float, time_unit: str, *, minus: str = "-") -> str:
    """'2.50 per day'."""
    return f"{number(value, minus=minus)} per {time_unit}"


def count(value: float, *, minus: str = "-") -> str:
    """'3', '1,234', '12.5': a whole count stays whole."""
    if float(value).is_integer():
        text = f"{abs(value):,.0f}"
        return minus + text if value < 0 else text
    return number(value, minus=minus, compact=False)


# ----------------------------------------------------------------------------- durations


def duration_unit(values: list[float], time_unit: str) -> str:
    """The unit that reads best for the first nonzero of these values (a figure's mean,
    then its bounds), of a model in ``time_unit``."""
    if time_unit not in UNIT_MINUTES:
        return time_unit
    size = next((abs(v) for v in values if v and math.isfinite(v)), 0.0)
    if size == 0:
        return time_unit
    minutes = size * UNIT_MINUTES[time_unit]
    cap = max(UNIT_MINUTES[time_unit], UNIT_MINUTES["day"])
    for name, length in DISPLAY_UNITS:
        if length <= cap and minutes >= length:
            return name
    return "second"


def in_unit(value: float, time_unit: str, unit: str) -> float:
    """A model-time value expressed in ``unit``."""
    if time_unit not in UNIT_MINUTES or unit == time_unit:
        return value
    return value * UNIT_MINUTES[time_unit] / _MINUTES[unit]


def unit_label(unit: str, shown: str = "") -> str:
    if unit in _SINGULAR_SHORT and shown in ("1", "1.00"):
        return _SINGULAR_SHORT[unit]
    return SHORT_UNITS.get(unit, unit)


def duration(
    value: float,
    time_unit: str = "day",
    *,
    unit: str | None = None,
    minus: str = "-",
    sign: bool = False,
) -> str:
    """'28.8 min' (0.02 days), '3.36 h', '2.10 days', '+1.03 days'; ``unit`` forces one."""
    unit = unit or duration_unit([value], time_unit)
    shown = in_unit(value, time_unit, unit)
    text = signed(shown, minus=minus) if sign else number(shown, minus=minus, compact=False)
    return f"{text} {unit_label(unit, text)}"


_UNIT_WORDS = {
    "second": ("s", "sec", "secs", "second", "seconds"),
    "minute": ("m", "min", "mins", "minute", "minutes"),
    "hour": ("h", "hr", "hrs", "hour", "hours"),
    "day": ("d", "day", "days"),
    "week": ("w", "wk", "wks", "week", "weeks"),
}
_UNIT_OF_WORD = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_DURATION = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z]*)\.?\s*$")


def parse_duration(text: str, time_unit: str = "day", *, allow_negative: bool = False) -> float:
    """'15 min', '2.5 h', '3 days', '2 weeks', '90 seconds' or a plain number (in the model's
    unit) → model time, at full precision. Raises ValueError with a message for the user."""
    if not isinstance(text, str):
        text = str(text)
    match = _DURATION.match(text.replace(",", ""))
    if not match:
        shown = text.strip() or "(blank)"
        raise ValueError(
            f"“{shown}” is not a duration: write a number, optionally with a unit "
            "(e.g. 15 min, 2.5 h, 3 days, 2 weeks)"
        )
    value = float(match.group(1))
    word = match.group(2).lower()
    if word and word not in _UNIT_OF_WORD:
        raise ValueError(
            f"“{text.strip()}”: unknown unit “{match.group(2)}” (use s, min, h, days or weeks)"
        )
    if value < 0 and not allow_negative:
        raise ValueError(f"“{text.strip()}”: a duration cannot be negative")
    unit = _UNIT_OF_WORD[word] if word else time_unit
    if unit == time_unit or time_unit not in UNIT_MINUTES:
        if word and time_unit not in UNIT_MINUTES:
            raise ValueError(f"this scenario's time unit “{time_unit}” cannot take {unit}s")
        return value
    return value * _MINUTES[unit] / UNIT_MINUTES[time_unit]


def format_wait(wait: Any, time_unit: str) -> str:
    """A waiting time with its unit for an editor's summary, in full words: ``1 hour`` (0.0417
    days), ``0.5 days``, ``15 minutes`` (0.25 hours), ``3 days``. A wait under half the
    scenario's unit is shown in the largest smaller unit it is at least 1 of.

    In the scenario's own unit the value keeps up to 3 decimals (what the editor's field
    holds). A converted value keeps 3 significant digits and reads as a whole number when
    within 1% of one: 0.042 days is 1.008 hours, which is "1 hour"."""
    try:
        value = float(wait)
    except (TypeError, ValueError):
        return str(wait)
    if time_unit not in UNIT_MINUTES:  # an unknown unit: the number as it is, with its name
        return f"{_decimals(value, 3)} {time_unit}".strip()
    unit, text = time_unit, _decimals(value, 3)
    if 0 < value < 0.5:
        minutes = value * UNIT_MINUTES[time_unit]
        smaller = [(u, m) for u, m in DISPLAY_UNITS if m < UNIT_MINUTES[time_unit]]
        for name, size in smaller:
            shown = minutes / size
            whole = round(shown)
            if whole >= 1 and abs(shown - whole) <= 0.01 * shown:
                shown = float(whole)
            if shown >= 1 or name == smaller[-1][0]:
                unit, text = name, f"{shown:.3g}"
                break
    return f"{text} {unit if text == '1' else plural_unit(unit)}"


def _decimals(value: float, places: int) -> str:
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# ------------------------------------------------------------------- figures {mean, ci95}

PERCENT = {"utilisation", "share_within_target", "p_target_met"}
#: the feasible range of each figure (for display only: a Student-t interval can overshoot)
NON_NEGATIVE = TIME_METRICS | PEOPLE_METRICS | RATE_METRICS | MONEY_METRICS | PERCENT
UNIT_INTERVAL = {"share_within_target", "p_target_met"}


def clip_interval(metric: str, lo: float, hi: float) -> tuple[float, float]:
    """Clip a displayed interval to what the figure can be (waits ≥ 0, shares ≤ 100%)."""
    if metric in NON_NEGATIVE:
        lo, hi = max(lo, 0.0), max(hi, 0.0)
    if metric in UNIT_INTERVAL:
        lo, hi = min(lo, 1.0), min(hi, 1.0)
    return lo, hi


def fmt_number(x: float | None, metric: str = "") -> str:
    """A result for files and the terminal, without its unit: '85%', '1.23m', '0.70'."""
    if x is None:
        return "–"
    if metric in PERCENT:
        return percent(x)
    return number(x)


def fmt_difference(x: float, metric: str = "") -> str:
    """A paired difference: signed; shares in percentage points; never shown as 0 when it
    is not (so a bound that excludes zero never reads as zero)."""
    return points(x) if metric in PERCENT else signed(x)


def fmt_figure(
    fig: dict[str, Any] | None,
    metric: str = "",
    signed: bool = False,
    time_unit: str | None = None,
    minus: str = "-",
) -> str:
    """'mean (low to high)'; a result's interval is clipped to the feasible range, a
    difference's (``signed``) is not, and is written in percentage points for shares.

    With ``time_unit``, the figure carries its unit: durations in the unit that reads best
    ('28.8 min (14.4 to 43.2)'), money as money ('£1.2m (£1.1m to £1.3m)')."""
    if fig is None or fig.get("mean") is None:
        return "–"
    mean = fig["mean"]
    lo, hi = fig["ci95"]
    if not signed:
        lo, hi = clip_interval(metric, lo, hi)
    kind = kind_of(metric) if time_unit is not None else ""
    if kind == "time":
        unit = duration_unit([mean, lo, hi], time_unit)
        m = duration(mean, time_unit, unit=unit, minus=minus, sign=signed)
        pick = _signed_fn(minus) if signed else (lambda v: number(v, minus=minus, compact=False))
        lo_text, hi_text = (pick(in_unit(v, time_unit, unit)) for v in (lo, hi))
    elif kind in ("money", "money_per_time"):
        m, lo_text, hi_text = (money(v, minus=minus, sign=signed) for v in (mean, lo, hi))
    elif signed:
        fn = (lambda v: points(v, minus=minus)) if metric in PERCENT else _signed_fn(minus)
        m, lo_text, hi_text = (fn(v) for v in (mean, lo, hi))
    elif metric in PERCENT:
        m, lo_text, hi_text = (percent(v, minus=minus) for v in (mean, lo, hi))
    else:
        m, lo_text, hi_text = (number(v, minus=minus) for v in (mean, lo, hi))
    if lo_text == hi_text:
        return m
    return f"{m} ({lo_text} to {hi_text})"


def _signed_fn(minus: str):
    return lambda v: signed(v, minus=minus)


# ------------------------------------------------------- the screen's kind-based wording


def format_value(value: float | None, kind: str, time_unit: str = "day") -> str:
    """A number with its unit, as the app shows it: '2.10 days', '28.8 min', '85%'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "share":
        return percent(value, minus=MINUS)
    if kind == "time":
        return duration(value, time_unit, minus=MINUS)
    if kind == "people":
        return f"{number(value, minus=MINUS, compact=False)} people"
    if kind == "money":
        return money(value, minus=MINUS)
    return number(value, minus=MINUS, compact=False)


def format_signed(value: float, kind: str, time_unit: str = "day") -> str:
    """A difference with its sign: '+1.03 days', '−3.36 h', '+3.1 pp'."""
    if kind == "share":
        return points(value, minus=MINUS)
    if kind == "time":
        return duration(value, time_unit, minus=MINUS, sign=True)
    if kind == "money":
        return money(value, minus=MINUS, sign=True)
    text = signed(value, minus=MINUS, compact=False)
    return f"{text} people" if kind == "people" else text


def format_interval(
    lo: float, hi: float, kind: str, time_unit: str = "day", unit: str | None = None
) -> str:
    """'1.70 to 2.50', '80% to 90%', '−0.41 to 1.41' (never a dash that could be a minus);
    a time interval in ``unit`` (default: the unit that reads best for its bounds)."""
    if kind == "share":
        return f"{percent(lo, minus=MINUS)} to {percent(hi, minus=MINUS)}"
    if kind == "money":
        return f"{money(lo, minus=MINUS)} to {money(hi, minus=MINUS)}"
    if kind == "time":
        unit = unit or duration_unit([max(abs(lo), abs(hi))], time_unit)
        lo, hi = in_unit(lo, time_unit, unit), in_unit(hi, time_unit, unit)
    return f"{number(lo, minus=MINUS, compact=False)} to {number(hi, minus=MINUS, compact=False)}"


def estimate_parts(
    estimate: dict | None, kind: str, time_unit: str = "day", metric: str = ""
) -> tuple[str, str]:
    """('2.10 days', '95% CI 1.70 to 2.50') — the interval clipped to the feasible range and
    in the value's unit."""
    if not estimate or estimate.get("mean") is None:
        return "—", ""
    mean = estimate["mean"]
    ci = estimate.get("ci95")
    if not ci or ci[0] is None or ci[1] is None:
        return format_value(mean, kind, time_unit), ""
    lo, hi = float(ci[0]), float(ci[1])
    if metric:
        lo, hi = clip_interval(metric, lo, hi)
    if kind == "time":
        unit = duration_unit([mean, lo, hi], time_unit)
        value = duration(mean, time_unit, unit=unit, minus=MINUS)
        return value, f"95% CI {format_interval(lo, hi, kind, time_unit, unit)}"
    return format_value(mean, kind, time_unit), f"95% CI {format_interval(lo, hi, kind)}"


def format_estimate(
    estimate: dict | None, kind: str, time_unit: str = "day", metric: str = ""
) -> str:
    """'2.10 days (95% CI 1.70 to 2.50)' or '—' when the figure does not apply.

    With ``metric`` (e.g. "backlog_at_end"), the interval is clipped to what the figure can
    be: '0.70 people (95% CI 0.00 to 1.46)', not '−0.06'."""
    value, interval = estimate_parts(estimate, kind, time_unit, metric)
    return f"{value} ({interval})" if interval else value
