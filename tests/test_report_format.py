"""The one number formatter (report/format.py) and the duration parser."""

from __future__ import annotations

import re

import pytest

from mission_desktop.report.format import (
    MINUS,
    count,
    duration,
    duration_unit,
    fmt_figure,
    kind_of,
    money,
    number,
    parse_duration,
    percent,
    plain,
    points,
    rate,
    signed,
)
from mission_desktop.report.summary import judge_difference, verdict


def fig(mean, lo, hi):
    return {"mean": mean, "ci95": [lo, hi]}


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.02, "day", "28.8 min"),
        (0.14, "day", "3.36 h"),
        (2.1, "day", "2.10 days"),
        (1.0, "day", "1.00 day"),
        (45.0, "day", "45.0 days"),  # a day-unit model keeps days: never "6.43 weeks"
        (400.0, "day", "400 days"),
        (3.0, "week", "3.00 weeks"),
        (0.5, "week", "3.50 days"),
        (90.0, "minute", "1.50 h"),
        (0.5, "minute", "30.0 s"),
        (3000.0, "minute", "2.08 days"),
        (50.0, "hour", "2.08 days"),
        (0.0, "day", "0.00 days"),
        (1e-9, "day", "0.00 s"),
    ],
)
def test_durations_read_in_the_best_unit(value, unit, expected):
    assert duration(value, unit) == expected


def test_signed_durations_and_minus_signs():
    assert duration(-0.14, "day", sign=True) == "-3.36 h"
    assert duration(-0.14, "day", sign=True, minus=MINUS) == MINUS + "3.36 h"
    assert duration(1.03, "day", sign=True) == "+1.03 days"
    assert duration_unit([0.0, 0.01, 0.05], "day") == "minute"  # the mean, else the bounds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.1, "2.10"),
        (12.34, "12.3"),
        (12345.6, "12,346"),
        (1234567.0, "1.23m"),
        (-0.0004, "0.00"),
        (-3.5, "-3.50"),
    ],
)
def test_numbers(value, expected):
    assert number(value) == expected


def test_screen_numbers_stay_whole_and_use_a_real_minus():
    assert number(1234567.0, compact=False) == "1,234,567"
    assert number(-0.14, minus=MINUS) == MINUS + "0.14"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.3, "+0.30"),
        (-0.001, "-0.001"),
        (-7.9e-05, "> -0.0001"),  # never "-7.9e-05", never "0"
        (7.9e-05, "< +0.0001"),
        (0.00042, "+0.00042"),
        (0.0, "0"),
        (-1234.0, "-1,234"),
    ],
)
def test_differences_never_read_as_zero_or_in_scientific_notation(value, expected):
    text = signed(value)
    assert text == expected
    assert not re.search(r"\de[+-]?\d", text)


def test_percentages_and_points():
    assert percent(0.8512) == "85%"
    assert percent(0.045) == "4.5%"
    assert percent(-0.0004) == "0%"
    assert points(0.11) == "+11 pp"
    assert points(-0.004) == "-0.4 pp"
    assert points(0.0) == "0 pp"
    assert points(-3e-7) == "> -0.0001 pp"


@pytest.mark.parametrize(
    ("value", "sign", "expected"),
    [
        (1_234_567, False, "£1.2m"),
        (12_345_678, False, "£12m"),
        (35_400, False, "£35k"),
        (3_540, False, "£3.5k"),
        (3_000, False, "£3k"),
        (950, False, "£950"),
        (0.4, False, "£0.40"),
        (0, False, "£0"),
        (2.5e9, False, "£2.5bn"),
        (999_999, False, "£1m"),
        (-35_000, False, "-£35k"),
        (35_000, True, "+£35k"),
        (-950, True, "-£950"),
        (0.001, True, "< +£0.01"),
        (0, True, "£0"),
    ],
)
def test_money(value, sign, expected):
    assert money(value, sign=sign) == expected


def test_rates_counts_and_plain_values():
    assert rate(2.5, "day") == "2.50 per day"
    assert count(3.0) == "3" and count(1234) == "1,234" and count(12.5) == "12.5"
    assert plain(3.0) == "3" and plain(0.25) == "0.25" and plain(None) == ""
    assert plain(1e-7) == "0.0000001"  # an editor field never shows an exponent


def test_figures_with_units():
    assert fmt_figure(fig(0.02, 0.01, 0.03), "mean_wait", time_unit="day") == (
        "28.8 min (14.4 to 43.2)"
    )
    assert fmt_figure(fig(-0.14, -0.2, -0.08), "mean_wait", True, "day") == (
        "-3.36 h (-4.80 to -1.92)"
    )
    assert fmt_figure(fig(1.2e6, 1.1e6, 1.3e6), "total", time_unit="day") == (
        "£1.2m (£1.1m to £1.3m)"
    )
    assert fmt_figure(fig(5e4, 4e4, 6e4), "total", True, "day") == "+£50k (+£40k to +£60k)"
    assert fmt_figure(fig(0.8, 0.49, 0.94), "p_target_met", time_unit="day") == (
        "80% (49% to 94%)"
    )
    assert fmt_figure(None, "mean_wait", time_unit="day") == "–"
    assert fmt_figure(fig(3.0, 3.0, 3.0), "total", time_unit="day") == "£3"
    # without a time unit: unitless, as before
    assert fmt_figure(fig(0.7, -0.06, 1.46), "backlog_at_end") == "0.70 (0.00 to 1.46)"


def test_kinds():
    assert kind_of("mean_wait") == "time" and kind_of("mean_wait_vs_all") == "time"
    assert kind_of("p_target_met") == "share" and kind_of("total") == "money"
    assert kind_of("throughput") == "rate" and kind_of("backlog_at_end") == "people"
    assert kind_of("cost_per_waiting_saved") == "money_per_time"


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("15 min", "day", 15 / 1440),
        ("2.5 h", "day", 2.5 / 24),
        ("3 days", "day", 3.0),
        ("2 weeks", "day", 14.0),
        ("90 seconds", "minute", 1.5),
        ("1 week", "hour", 168.0),
        ("7", "day", 7.0),
        ("  .5d ", "day", 0.5),
        ("1,440 mins", "day", 1.0),
        ("1 Day", "week", 1 / 7),
        ("3 hrs.", "hour", 3.0),
        ("0", "day", 0.0),
    ],
)
def test_parse_duration(text, unit, expected):
    assert parse_duration(text, unit) == expected  # full precision: exactly the division


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "(blank)"),
        ("abc", "is not a duration"),
        ("5 fortnights", "unknown unit “fortnights”"),
        ("-3 days", "cannot be negative"),
        ("1e5", "is not a duration"),
        ("inf", "is not a duration"),
        ("nan days", "is not a duration"),
        ("3 days 2 h", "is not a duration"),
    ],
)
def test_parse_duration_refuses_bad_input_in_words(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_duration(text, "day")


def test_parse_duration_round_trips_the_formatter():
    for value in (0.02, 0.14, 2.1, 45.0):
        shown = duration(value, "day")
        assert parse_duration(shown, "day") == pytest.approx(value, rel=5e-3)
    assert parse_duration("-2 h", "day", allow_negative=True) == -2 / 24


def test_one_verdict_for_screen_and_files():
    better = fig(-0.8, -0.9, -0.7)
    assert verdict("mean_wait", better) == judge_difference("mean_wait", better).word == "better"
    assert verdict("p_target_met", fig(0.2, 0.1, 0.3)) == "better"
    assert verdict("mean_wait_vs_all", fig(0.2, 0.1, 0.3)) == "higher"  # a gap: neutral
    assert verdict("total", fig(-5.0, -9.0, -1.0)) == "better"
