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
