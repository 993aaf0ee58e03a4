"""Editors for the version-2 fields: growth, today's people, observed figures, assumptions
and decisions. Every edit is validated like a file and undoable."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from conftest import example_scenario  # noqa: E402

from mission_desktop.gui.edit.document import ScenarioDocument  # noqa: E402
from mission_desktop.gui.edit.panel import EditorPanel  # noqa: E402
from mission_desktop.model import scenario_from_dict  # noqa: E402


def make_panel(qtbot, doc: dict | None = None) -> tuple[EditorPanel, ScenarioDocument]:
    document = ScenarioDocument(scenario_from_dict(doc or example_scenario()))
    panel = EditorPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    return panel, document


def type_into(edit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


# --------------------------------------------------------------------------- growth
def test_growth_on_a_cohort_in_words_undoable(qtbot):
    panel, document = make_panel(qtbot)
    cohorts = panel.cohorts
    cohorts.table.select_row(0)
    assert not cohorts.has_growth.isChecked()
    cohorts.has_growth.setChecked(True)
    growth = document.scenario.cohorts[0].arrivals.growth
    assert (growth.factor, growth.every) == (1.03, 365)
    col = cohorts.model.column_index("growth")
    assert cohorts.model.index(0, col).data() == "×1.03 every 365 days"
    assert "3.0% more" in cohorts.growth_words.text()
    type_into(cohorts.growth_factor, "1.1")
    type_into(cohorts.growth_every, "26 weeks")
    growth = document.scenario.cohorts[0].arrivals.growth
    assert (growth.factor, growth.every) == (1.1, 182)
    document.undo_stack.undo()
    assert document.scenario.cohorts[0].arrivals.growth.every == 365
    cohorts.has_growth.setChecked(False)
    assert document.scenario.cohorts[0].arrivals.growth is None


def test_a_bad_growth_factor_is_refused_beside_the_field(qtbot):
    panel, document = make_panel(qtbot)
    cohorts = panel.cohorts
    cohorts.table.select_row(0)
    cohorts.has_growth.setChecked(True)
    before = document.scenario
    type_into(cohorts.growth_factor, "lots")
    assert document.scenario is before
    assert "not a number" in cohorts.growth_problem.label.text()
    type_into(cohorts.growth_factor, "0")
    assert document.scenario is before
    assert "factor" in cohorts.growth_problem.label.text()
    assert cohorts.growth_factor.property("invalid")


# --------------------------------------------------------------------------- initial people
def test_initial_people_table_and_their_waited_distribution(qtbot):
    panel, document = make_panel(qtbot)
    services = panel.services
    services.table.select_row(1)  # hospital
    initial = services.initial
    assert initial.model.rowCount() == 0
    initial.table.add_item()
    hospital = document.scenario.service("hospital")
    assert len(hospital.initial) == 1 and hospital.initial[0].waiting == 0
    model = initial.model
    assert model.setData(model.index(0, model.column_index("waiting")), "120")
    assert model.setData(model.index(0, model.column_index("waited")), "6 weeks")
    assert model.setData(model.index(0, model.column_index("in_service")), "3")
    item = document.scenario.service("hospital").initial[0]
    assert (item.waiting, item.in_service) == (120, 3)
    assert item.waited.dist == "fixed" and item.waited.value == 42
    assert model.index(0, model.column_index("waited")).data() == "42 days"
    # a distribution for the selected group
    initial.table.select_row(0)
    waited = initial.waited
    waited.kind.setCurrentText("uniform")
    waited.kind.activated.emit(waited.kind.currentIndex())
    assert document.scenario.service("hospital").initial[0].waited.dist == "uniform"
    document.undo_stack.undo()
    assert document.scenario.service("hospital").initial[0].waited.value == 42


def test_initial_people_are_validated_like_a_file(qtbot):
    panel, document = make_panel(qtbot)
    services = panel.services
    services.table.select_row(0)  # gp: capacity 12
    initial = services.initial
    initial.table.add_item()
    model = initial.model
    before = document.scenario
    assert not model.setData(model.index(0, model.column_index("in_service")), "500")
    assert document.scenario is before
    assert "has 12 servers" in initial.table.problem.label.text()
    assert not model.setData(model.index(0, model.column_index("waiting")), "many")
    assert "whole number" in initial.table.problem.label.text()
    assert not model.setData(model.index(0, model.column_index("waited")), "ages")
    assert "not a duration" in initial.table.problem.label.text()


# --------------------------------------------------------------------------- observed
def test_observed_figures_each_optional(qtbot):
    panel, document = make_panel(qtbot)
    services = panel.services
    services.table.select_row(1)
    observed = services.observed
    assert document.scenario.service("hospital").observed is None
    type_into(observed.figures["mean_wait"], "36 h")
    got = document.scenario.service("hospital").observed
    assert got.mean_wait == 1.5 and got.period == (0, 365)
    type_into(observed.figures["utilisation"], "85")
    type_into(observed.period_from, "90")
    got = document.scenario.service("hospital").observed
    assert got.utilisation == pytest.approx(0.85) and got.period == (90, 365)
    assert observed.figures["utilisation"].text() == "85"
    # a period that ends before it starts is refused at the field
    before = document.scenario
    type_into(observed.period_to, "30")
    assert document.scenario is before
    texts = [lbl.label.text() for _p, w, lbl in observed.problems._fields if w is observed.period_to]
    assert "must end after it starts" in texts[0]
    # blank every figure: no observed block
    type_into(observed.period_to, "365")
    type_into(observed.figures["utilisation"], "")
    type_into(observed.figures["mean_wait"], "")
    assert document.scenario.service("hospital").observed is None


def test_observed_bad_number_named_at_its_field(qtbot):
    panel, document = make_panel(qtbot)
    services = panel.services
    services.table.select_row(1)
    observed = services.observed
    type_into(observed.figures["throughput"], "lots")
    assert document.scenario.service("hospital").observed is None
    edit = observed.figures["throughput"]
    assert edit.property("invalid")
    texts = [lbl.label.text() for _p, w, lbl in observed.problems._fields if w is edit]
    assert texts and "must be a number" in texts[0]


# --------------------------------------------------------------------------- assumptions
def test_assumptions_log_add_edit_undo(qtbot):
    panel, document = make_panel(qtbot)
    table = panel.assumptions.table
    model = panel.assumptions.model
    table.add_item()
    (a,) = document.scenario.assumptions
    assert a.lever == "arrival_rate" and a.multiply == (0.8, 1.2)
    col = model.column_index
    assert model.index(0, col("range")).data() == "×0.8 to ×1.2"
    assert model.setData(model.index(0, col("name")), "Referrals from GPs")
    assert model.setData(model.index(0, col("range")), "0.9 to 1.3")
    assert model.setData(model.index(0, col("source")), "2024 referral extract")
    assert model.setData(model.index(0, col("reliability")), "medium")
    assert model.setData(model.index(0, col("owner")), "Analyst team")
    a = document.scenario.assumptions[0]
    assert (a.name, a.multiply, a.source, a.reliability, a.owner) == (
        "Referrals from GPs",
        (0.9, 1.3),
        "2024 referral extract",
        "medium",
        "Analyst team",
    )
    # another lever: its range is reset to one that holds the file's own value
    assert model.setData(model.index(0, col("lever")), "capacity")
    a = document.scenario.assumptions[0]
    assert a.lever == "capacity" and a.add == (0, 2) and a.service
    assert model.index(0, col("range")).data() == "+0 to +2"
    document.undo_stack.undo()
    assert document.scenario.assumptions[0].lever == "arrival_rate"


def test_assumption_problems_are_named(qtbot):
    panel, document = make_panel(qtbot)
    panel.assumptions.table.add_item()
    model = panel.assumptions.model
    col = model.column_index
    before = document.scenario
    assert not model.setData(model.index(0, col("range")), "1.1 to 1.3")  # misses 1
    assert document.scenario is before
    text = panel.assumptions.table.problem.label.text()
    assert "assumption" in text and "assumptions[0]" in text
    assert not model.setData(model.index(0, col("range")), "cheap")
    assert "“cheap” is not a range" in panel.assumptions.table.problem.label.text()
    assert not model.setData(model.index(0, col("range")), "low to high")
    assert "not a range of two numbers" in panel.assumptions.table.problem.label.text()
    assert not model.setData(model.index(0, col("reliability")), "shaky")
    assert "low, medium or high" in panel.assumptions.table.problem.label.text()
    assert model.setData(model.index(0, col("lever")), "capacity")
    assert not model.setData(model.index(0, col("range")), "0, 2.5")
    assert "whole numbers" in panel.assumptions.table.problem.label.text()


# --------------------------------------------------------------------------- decisions
def test_decisions_levers_policies_and_confidence(qtbot):
    from PySide6.QtCore import Qt

    panel, document = make_panel(qtbot)
    decisions = panel.decisions
    assert document.scenario.decisions is None
    decisions.table.add_item()
    (lever,) = document.scenario.decisions.levers
    assert lever.lever == "capacity" and lever.add == (0, 2) and lever.step == 1
    model = decisions.model
    col = model.column_index
    assert model.setData(model.index(0, col("range")), "0, 8")
    assert document.scenario.decisions.levers[0].add == (0, 8)
    assert not model.setData(model.index(0, col("step")), "0.5")  # whole steps for capacity
    assert "whole number" in decisions.table.problem.label.text()
    assert model.setData(model.index(0, col("lever")), "service_time")
    lever = document.scenario.decisions.levers[0]
    assert lever.multiply == (0.8, 1.2) and lever.step == 0.1
    # policies on or off
    first = decisions.policies.item(0).data(Qt.ItemDataRole.UserRole)
    decisions.policies.item(0).setCheckState(Qt.CheckState.Checked)
    assert document.scenario.decisions.policies == (first,)
    # confidence in per cent
    type_into(decisions.confidence, "90%")
    assert document.scenario.decisions.confidence == pytest.approx(0.9)
    before = document.scenario
    type_into(decisions.confidence, "100")
    assert document.scenario is before
    assert decisions.confidence.property("invalid")
    document.undo_stack.undo()
    assert document.scenario.decisions.confidence == 0.95
    # no policy and the default confidence: the block holds only the levers
    decisions.policies.item(0).setCheckState(Qt.CheckState.Unchecked)
    decisions.table.select_row(0)
    decisions.table.remove_current()
    assert document.scenario.decisions.levers == ()
    decisions.policies.item(0).setCheckState(Qt.CheckState.Checked)
    decisions.policies.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert document.scenario.decisions is None  # nothing left to decide
