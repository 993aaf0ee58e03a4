"""Model time ↔ calendar dates, given run.start_date and time_unit."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from mission_desktop.model import scenario_from_dict
from mission_desktop.model.dates import (
    date_label,
    scenario_date,
    scenario_time_label,
    to_datetime,
    to_model_time,
)

START = dt.date(2027, 4, 1)


@pytest.mark.parametrize(
    ("t", "unit", "expected"),
    [
        (0, "day", dt.datetime(2027, 4, 1)),
        (30, "day", dt.datetime(2027, 5, 1)),
        (1.5, "day", dt.datetime(2027, 4, 2, 12)),
        (52, "week", dt.datetime(2028, 3, 30)),
        (26.5, "hour", dt.datetime(2027, 4, 2, 2, 30)),  # hours counted from midnight
        (90, "minute", dt.datetime(2027, 4, 1, 1, 30)),
        (-7, "day", dt.datetime(2027, 3, 25)),  # before time 0: someone already waiting
        (366, "day", dt.datetime(2028, 4, 1)),  # 2028 is a leap year
    ],
)
def test_model_time_to_date_and_back(t, unit, expected) -> None:
    assert to_datetime(t, START, unit) == expected
    assert to_model_time(expected, START, unit) == pytest.approx(t, abs=1e-9)


def test_a_date_is_its_midnight() -> None:
    assert to_model_time(dt.date(2027, 4, 8), START, "week") == 1
    assert to_model_time(dt.date(2027, 4, 2), START, "hour") == 24


def test_labels_read_the_same_in_every_locale() -> None:
    assert date_label(dt.date(2027, 4, 1)) == "1 Apr 2027"
    assert date_label(dt.datetime(2027, 12, 25, 14, 30), with_time=True) == "25 Dec 2027 14:30"


def test_beyond_the_calendar_and_unknown_units_are_plain_errors() -> None:
    with pytest.raises(ValueError, match="beyond the calendar"):
        to_datetime(1e9, START, "week")
    with pytest.raises(ValueError, match="time_unit must be one of"):
        to_datetime(1, START, "fortnight")


def test_a_scenario_with_and_without_a_start_date(scenario_doc) -> None:
    plain = scenario_from_dict(scenario_doc)
    assert scenario_date(plain, 30) is None
    assert scenario_time_label(plain, 30) == "day 30"
    doc = copy.deepcopy(scenario_doc)
    doc["run"]["start_date"] = "2027-04-01"
    dated = scenario_from_dict(doc)
    assert scenario_date(dated, 30) == dt.datetime(2027, 5, 1)
    assert scenario_time_label(dated, 30) == "1 May 2027"
    doc["time_unit"] = "hour"
    assert scenario_time_label(scenario_from_dict(doc), 26.5) == "2 Apr 2027 02:30"
