"""Capacity as staff × cases each; lever targets that fit the lever; units in headers."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from conftest import example_scenario  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem  # noqa: E402

from mission_desktop.gui.edit.document import ScenarioDocument  # noqa: E402
from mission_desktop.gui.edit.panel import EditorPanel  # noqa: E402
from mission_desktop.model import scenario_from_dict  # noqa: E402

SERVICES = ["gp", "hospital", "social_care", "housing", "online"]
COHORTS = ["older_frail", "adults"]


@pytest.fixture
def document(qapp) -> ScenarioDocument:
    return ScenarioDocument(scenario_from_dict(example_scenario()))


@pytest.fixture
def panel(qtbot, document) -> EditorPanel:
    p = EditorPanel(document)
    qtbot.addWidget(p)
    p.show()
    return p


def test_staff_times_cases_writes_capacity_as_one_undoable_edit(panel, document):
    services = panel.services
    services.table.select_row(1)  # hospital, capacity 40
    assert services.staff.value() * services.cases_each.value() == 40
    services.staff.setValue(12)
    services.cases_each.setValue(3)
    before = document.undo_stack.count()
    services.apply_staff()
    assert document.scenario.service("hospital").capacity == 36
    assert document.undo_stack.count() == before + 1
    assert "12 staff × 3 cases" in document.undo_stack.text(before)
    document.undo_stack.undo()
    assert document.scenario.service("hospital").capacity == 40
    # the boxes always agree with the capacity shown
    assert services.staff.value() * services.cases_each.value() == 40
    document.undo_stack.redo()
    assert services.staff.value() * services.cases_each.value() == 36


def editor_choices(table, row: int, key: str) -> list[str] | None:
    model = table.model
    index = model.index(row, model.column_index(key))
    if not model.flags(index) & Qt.ItemFlag.ItemIsEditable:
        return None
    editor = table.view.itemDelegate().createEditor(
        table.view.viewport(), QStyleOptionViewItem(), index
    )
    assert isinstance(editor, QComboBox)
    choices = [editor.itemText(i) for i in range(editor.count())]
    editor.deleteLater()
    return choices


@pytest.mark.parametrize(
    ("row", "lever", "target", "to", "cohort"),
    [
        (0, "capacity", SERVICES, None, None),
        (1, "service_time", SERVICES, None, None),
        (2, "arrival_rate", COHORTS, None, None),
        (3, "route", SERVICES, SERVICES, ["", *COHORTS]),
        (4, "patience", SERVICES, None, None),
        (5, "queue_limit", SERVICES, None, None),
    ],
)
def test_change_targets_fit_the_lever(panel, row, lever, target, to, cohort):
    policies = panel.policies
    policies.table.select_row(0)
    changes = policies.changes
    assert changes.model.item(row)["lever"] == lever
    assert editor_choices(changes, row, "service") == target
    assert editor_choices(changes, row, "to") == to
    assert editor_choices(changes, row, "cohort") == cohort


def test_a_cohort_is_refused_as_a_capacity_target(panel, document):
    model = panel.policies.changes_model
    panel.policies.table.select_row(0)
    index = model.index(0, model.column_index("service"))
    assert not model.setData(index, "adults")
    assert document.scenario.policies[0].changes[0].service == "social_care"
    assert "service" in model.index(0, index.column()).data(Qt.ItemDataRole.ToolTipRole)


def test_a_route_change_for_one_cohort(panel, document):
    model = panel.policies.changes_model
    panel.policies.table.select_row(0)
    index = model.index(3, model.column_index("cohort"))
    assert model.setData(index, "adults")
    assert document.scenario.policies[0].changes[3].cohort == "adults"
    assert model.setData(model.index(3, index.column()), "")
    assert document.scenario.policies[0].changes[3].cohort is None


def headers(model) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_columns_and_fields_say_their_units(panel):
    assert {"Start (day number or date)", "One-off cost (£)", "Running cost (£ per day)"} <= set(
        headers(panel.policies.model)
    )
    assert "Arrivals per day" in headers(panel.cohorts.model)
    services = headers(panel.services.model)
    assert {"Capacity (servers)", "Service time (days)", "Queue limit (people)"} <= set(services)
    panel.services.table.select_row(1)
    assert panel.services.cost_server.suffix() == " per server per day"
    assert "£" in panel.services.cost_server.accessibleName()
