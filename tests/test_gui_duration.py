"""Durations typed in any unit, stored at full precision; dates where a scenario has them."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import datetime as dt  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from conftest import example_scenario  # noqa: E402

from mission_desktop.gui.edit.distribution import DistributionEditor, density  # noqa: E402
from mission_desktop.gui.edit.document import ScenarioDocument  # noqa: E402
from mission_desktop.gui.edit.duration import DurationEdit, exact, parse_time  # noqa: E402
from mission_desktop.gui.edit.panel import EditorPanel  # noqa: E402
from mission_desktop.model import scenario_from_dict, scenario_to_dict  # noqa: E402
from mission_desktop.model.dates import parse_date  # noqa: E402


def make_panel(qtbot, doc: dict) -> tuple[EditorPanel, ScenarioDocument]:
    document = ScenarioDocument(scenario_from_dict(doc))
    panel = EditorPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    return panel, document


def type_into(edit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


# --------------------------------------------------------------------------- parsing
def test_parse_time_any_unit_at_full_precision():
    assert parse_time("15 min", "day") == 15 / 1440
    assert parse_time("2 weeks", "hour") == 336
    assert parse_time("2.5 h", "minute") == 150
    assert parse_time("0.0104", "day") == 0.0104
    with pytest.raises(ValueError, match="not a duration"):
        parse_time("soon", "day")
    with pytest.raises(ValueError, match="negative"):
        parse_time("-3 days", "day")


def test_exact_is_the_shortest_text_that_reads_back():
    for value in (15 / 1440, 0.0104, 336.0, 1e-7, 0.1 + 0.2, 123456.789):
        assert float(exact(value)) == value
        assert "e" not in exact(value)
    assert exact(336.0) == "336" and exact(0.0104) == "0.0104"


def test_parse_time_takes_a_date_only_where_asked_and_a_start_date_is_set():
    start = dt.date(2027, 4, 1)
    assert parse_time("2027-06-30", "day", start, dates=True) == 90
    assert parse_time("30 Jun 2027", "week", start, dates=True) == pytest.approx(90 / 7)
    with pytest.raises(ValueError, match="before the scenario's start date"):
        parse_time("2027-03-01", "day", start, dates=True)
    with pytest.raises(ValueError, match="not a duration"):
        parse_time("2027-06-30", "day", None, dates=True)
    with pytest.raises(ValueError, match="not a duration"):
        parse_time("2027-06-30", "day", start)  # a duration field takes no date


def test_parse_date_forms_and_refusals():
    assert parse_date("2027-04-01") == parse_date("1 Apr 2027") == parse_date("1 april 2027")
    for bad in ("31 Feb 2027", "1 Aprx 2027", "2027-13-01", "tomorrow", ""):
        with pytest.raises(ValueError, match="is not a date"):
            parse_date(bad)


# --------------------------------------------------------------------------- the field
def test_duration_edit_stores_what_was_typed_in_any_unit(qtbot):
    edit = DurationEdit("Target wait")
    qtbot.addWidget(edit)
    edit.set_time_unit("day")
    edit.set_value(1)
    assert edit.text() == "1" and edit.suffix() == "days"
    with qtbot.waitSignal(edit.value_changed) as blocker:
        type_into(edit, "15 min")
    assert blocker.args == [15 / 1440]
    assert edit.value() == 15 / 1440


def test_duration_edit_leaves_a_precise_value_alone(qtbot):
    edit = DurationEdit("Mean")
    qtbot.addWidget(edit)
    edit.set_time_unit("day")
    edit.set_value(0.0104)
    assert edit.text() == "0.0104"  # not rounded to 0.01
    with qtbot.assertNotEmitted(edit.value_changed):
        edit.editingFinished.emit()
        type_into(edit, "0.0104")
    assert edit.value() == 0.0104


def test_duration_edit_bad_text_gives_a_message_and_keeps_the_value(qtbot):
    from mission_desktop.gui.edit.fields import InlineProblem

    edit = DurationEdit("Horizon")
    problem = InlineProblem()
    qtbot.addWidget(edit)
    qtbot.addWidget(problem)
    edit.problem_label = problem
    edit.set_value(365)
    with qtbot.assertNotEmitted(edit.value_changed):
        type_into(edit, "a year")
    assert edit.value() == 365
    assert edit.property("invalid")
    assert problem.label.text().startswith("Horizon: “a year”")
    assert "15 min" in problem.label.text()
    type_into(edit, "52 weeks")
    assert edit.value() == 364 and not edit.property("invalid")


def test_a_date_field_shows_its_date_and_takes_a_date(qtbot):
    edit = DurationEdit("Observed from", dates=True)
    qtbot.addWidget(edit)
    edit.set_time_unit("day", dt.date(2027, 4, 1))  # no value yet: the unit alone
    assert edit.suffix() == "days"
    edit.set_value(90)
    assert edit.suffix() == "days · 30 Jun 2027"
    with qtbot.waitSignal(edit.value_changed) as blocker:
        type_into(edit, "2027-04-15")
    assert blocker.args == [14]
    assert "or a date" in edit.toolTip()


# --------------------------------------------------------------------------- in the panels
def test_warm_up_typed_in_minutes_is_stored_exactly_and_saved_so(qtbot):
    panel, document = make_panel(qtbot, example_scenario())
    type_into(panel.run_settings.warm_up, "15 min")
    assert document.scenario.run.warm_up == 15 / 1440
    assert scenario_to_dict(document.scenario)["run"]["warm_up"] == 15 / 1440
    document.undo_stack.undo()
    assert document.scenario.run.warm_up == 30
    assert panel.run_settings.warm_up.text() == "30"


def test_hour_model_takes_weeks(qtbot):
    doc = example_scenario()
    doc["time_unit"] = "hour"
    doc["run"]["horizon"] = 2000
    panel, document = make_panel(qtbot, doc)
    type_into(panel.run_settings.horizon, "2 weeks")
    assert document.scenario.run.horizon == 336
    assert panel.run_settings.horizon.suffix() == "hours"


def test_service_time_mean_round_trips_a_precise_value(qtbot):
    doc = example_scenario()
    doc["services"][0]["service_time"] = {"dist": "exponential", "mean": 0.0104}
    panel, document = make_panel(qtbot, doc)
    panel.services.table.select_row(0)
    field = panel.services.service_time.fields["mean"]
    assert field.text() == "0.0104"
    count = document.undo_stack.count()
    field.editingFinished.emit()
    type_into(field, "0.0104")
    assert document.undo_stack.count() == count
    type_into(field, "15 min")
    assert document.scenario.services[0].service_time.mean == 15 / 1440


def test_a_bad_mean_is_refused_beside_the_field(qtbot):
    panel, document = make_panel(qtbot, example_scenario())
    panel.services.table.select_row(0)
    editor = panel.services.service_time
    before = document.scenario
    type_into(editor.fields["mean"], "quick")
    assert document.scenario is before
    assert "“quick” is not a duration" in editor.entry_problem.label.text()
    assert editor.entry_problem.isVisibleTo(panel)


def test_schedule_offsets_and_period_in_any_unit(qtbot):
    panel, document = make_panel(qtbot, example_scenario())
    services = panel.services
    services.table.select_row(1)  # hospital: every 7 days, 40 then 30 from day 5
    editor = services.capacity_schedule
    editor.table.item(1, 0).setText("108 h")
    assert document.scenario.service("hospital").capacity_schedule.steps[1][0] == 4.5
    type_into(editor.period, "2 weeks")
    assert document.scenario.service("hospital").capacity_schedule.period == 14


# --------------------------------------------------------------------------- the distribution
def test_normal_with_limits_in_the_editor(qtbot):
    editor = DistributionEditor("Service time")
    qtbot.addWidget(editor)
    editor.show()
    editor.set_distribution({"dist": "exponential", "mean": 2}, "day")
    editor.kind.setCurrentText("normal")
    with qtbot.waitSignal(editor.distribution_changed) as blocker:
        editor.kind.activated.emit(editor.kind.currentIndex())
    assert blocker.args[0] == {"dist": "normal", "mean": 2, "sd": 0.4}
    with qtbot.waitSignal(editor.distribution_changed) as blocker:
        type_into(editor.fields["min"], "1")
    assert blocker.args[0] == {"dist": "normal", "mean": 2, "sd": 0.4, "min": 1}
    with qtbot.waitSignal(editor.distribution_changed) as blocker:
        type_into(editor.fields["max"], "60 h")
    assert blocker.args[0]["max"] == 2.5
    assert editor.clamp_lines["min"].isVisible() and editor.clamp_lines["max"].isVisible()
    assert editor.clamp_lines["max"].value() == 2.5
    assert "at least 1 and at most 2.5 days" in editor.summary.text()
    x, _y = editor.curve.getData()
    assert x.min() >= 1 and x.max() <= 2.5  # the shape is cut at the limits
    # the limits stay when the kind changes, and clear when blanked
    editor.kind.setCurrentText("gamma")
    with qtbot.waitSignal(editor.distribution_changed) as blocker:
        editor.kind.activated.emit(editor.kind.currentIndex())
    assert blocker.args[0]["min"] == 1 and blocker.args[0]["max"] == 2.5
    with qtbot.waitSignal(editor.distribution_changed) as blocker:
        type_into(editor.fields["max"], "")
    assert "max" not in blocker.args[0]


def test_normal_density_is_floored_at_zero_and_its_mean_is_the_clamped_one():
    from mission_desktop.gui.edit.distribution import mean_of
    from mission_desktop.model.distributions import normal_clamped_mean

    dist = {"dist": "normal", "mean": 1, "sd": 1}
    x, y = density(dist)
    assert x.min() >= 0 and (y > 0).all()
    assert mean_of(dist) == normal_clamped_mean(1, 1, 0, None) > 1


def test_min_above_max_is_refused_at_the_service_time(qtbot):
    panel, document = make_panel(qtbot, example_scenario())
    services = panel.services
    services.table.select_row(0)
    editor = services.service_time
    type_into(editor.fields["max"], "1")
    before = document.scenario
    type_into(editor.fields["min"], "2")
    assert document.scenario is before
    texts = [lbl.label.text() for _p, w, lbl in services.problems._fields if w is editor]
    assert any("max (1) must be at least min (2)" in t for t in texts)


# --------------------------------------------------------------------------- dates
def test_start_date_field_sets_clears_and_refuses(qtbot):
    panel, document = make_panel(qtbot, example_scenario())
    rs = panel.run_settings
    type_into(rs.start_date, "1 Apr 2027")
    assert document.scenario.run.start_date == dt.date(2027, 4, 1)
    assert rs.start_date.text() == "2027-04-01"
    type_into(rs.start_date, "31 Feb 2027")
    assert document.scenario.run.start_date == dt.date(2027, 4, 1)
    texts = [lbl.label.text() for _p, w, lbl in rs.problems._fields if w is rs.start_date]
    assert any("is not a date" in t for t in texts)
    type_into(rs.start_date, "")
    assert document.scenario.run.start_date is None
    document.undo_stack.undo()
    assert document.scenario.run.start_date == dt.date(2027, 4, 1)


def test_policy_start_accepts_a_date_and_shows_one(qtbot):
    doc = example_scenario()
    doc["run"]["start_date"] = "2027-04-01"
    panel, document = make_panel(qtbot, doc)
    model = panel.policies.model
    col = model.column_index("start")
    assert model.setData(model.index(0, col), "30 Jun 2027")
    assert document.scenario.policies[0].start == 90
    assert model.index(0, col).data() == "day 90 · from 30 Jun 2027"
    assert model.setData(model.index(0, col), "2 weeks")
    assert document.scenario.policies[0].start == 14
    assert not model.setData(model.index(0, col), "2027-01-01")
    assert "before the scenario's start date" in model.problems[0].message
    assert document.scenario.policies[0].start == 14
