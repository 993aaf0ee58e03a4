"""Policies (levers): when they start, what they cost, and their list of changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QSplitter, QVBoxLayout, QWidget

from mission_desktop.gui.edit.document import ScenarioDocument, parse_number, value_problem
from mission_desktop.gui.edit.duration import date_note, exact, store_duration
from mission_desktop.gui.edit.list_editor import ListEditor, show_list
from mission_desktop.gui.edit.references import rename_policy, unique_id
from mission_desktop.gui.edit.services import _store_text
from mission_desktop.gui.edit.table_model import Column, ListTableModel
from mission_desktop.model.levers import LEVERS
from mission_desktop.report.format import plain as fmt_number

OPERATIONS = ("set", "add", "multiply")
MULTIPLY_ONLY = ("service_time", "patience")


def _store_number(key: str):
    def store(item: dict[str, Any], value: Any, path: str) -> None:
        group, _, field = key.partition(".")
        if field:
            item.setdefault(group, {})[field] = parse_number(value, path)
        else:
            item[key] = parse_number(value, path)

    return store


def start_text(policy: dict[str, Any], document: ScenarioDocument) -> str:
    """``day 90 · from 30 Jun 2027`` (the date where the scenario has a start date)."""
    scenario = document.scenario
    start = float(policy.get("start", 0))
    text = f"{scenario.time_unit} {exact(start)}"
    note = date_note(start, scenario.time_unit, scenario.run.start_date)
    return f"{text} · from {note}" if note else text


def policy_columns(document: ScenarioDocument) -> list[Column]:
    return [
        Column(
            "id",
            "Id",
            lambda p: p["id"],
            _store_text("id"),
            "Short id used by variants",
            rename=rename_policy,
        ),
        Column("name", "Name", lambda p: p["name"], _store_text("name"), "Name of the policy"),
        Column(
            "start",
            "Start ({unit} number or date)",
            lambda p: start_text(p, document),
            store_duration("start", document, dates=True, default=0),
            "When the policy takes effect: a time from the start in any unit (90, 3 weeks) "
            "or, where the scenario has a start date, a date (2027-04-01)",
            edit_value=lambda p: exact(p.get("start", 0)),
        ),
        Column(
            "cost.one_off",
            "One-off cost (£)",
            lambda p: fmt_number(p.get("cost", {}).get("one_off", 0)),
            _store_number("cost.one_off"),
            "Paid once, when the policy starts",
        ),
        Column(
            "cost.per_time",
            "Running cost (£ per {unit})",
            lambda p: fmt_number(p.get("cost", {}).get("per_time", 0)),
            _store_number("cost.per_time"),
            "Paid per time unit while the policy is in force",
        ),
        Column(
            "description",
            "Description",
            lambda p: p.get("description", ""),
            _store_text("description", required=False),
            "What the policy does, in words",
        ),
    ]


def _target_key(change: dict[str, Any]) -> str:
    return "cohort" if change.get("lever") == "arrival_rate" else "service"


def _operation(change: dict[str, Any]) -> str:
    if change.get("lever") == "route":
        return "p"
    for op in OPERATIONS:
        if op in change:
            return op
    return ""


def _value(change: dict[str, Any]) -> Any:
    op = _operation(change)
    return change.get(op) if op else None


def change_columns(document: ScenarioDocument) -> list[Column]:
    def store_lever(item: dict[str, Any], value: Any, path: str) -> None:
        lever = str(value).strip()
        if lever not in LEVERS:
            raise value_problem(path, f"must be one of {', '.join(LEVERS)}")
        if lever == item.get("lever"):
            return
        scenario = document.scenario
        old_value = _value(item)
        item.clear()
        item["lever"] = lever
        if lever == "arrival_rate":
            item["cohort"] = scenario.cohorts[0].id
        else:
            item["service"] = scenario.services[0].id
        if lever == "route":
            item["to"] = scenario.services[0].id
            item["p"] = 0
        elif lever in MULTIPLY_ONLY:
            item["multiply"] = 1
        else:
            item["add" if lever == "capacity" else "multiply"] = old_value if old_value else 1

    def services() -> tuple[str, ...]:
        return tuple(s.id for s in document.scenario.services)

    def cohorts() -> tuple[str, ...]:
        return tuple(c.id for c in document.scenario.cohorts)

    def targets(item: dict[str, Any]) -> tuple[str, ...]:
        """What the lever acts on: a cohort's arrivals, else a service."""
        return cohorts() if _target_key(item) == "cohort" else services()

    def store_target(item: dict[str, Any], value: Any, path: str) -> None:
        text = str(value).strip()
        if text not in targets(item):
            kind = "a cohort" if _target_key(item) == "cohort" else "a service"
            raise value_problem(
                path, f"{item.get('lever', 'this')} changes act on {kind}: “{text}” is not one"
            )
        item[_target_key(item)] = text

    def route_cohorts(item: dict[str, Any]) -> tuple[str, ...]:
        return ("",) + cohorts() if item.get("lever") == "route" else ()

    def store_cohort(item: dict[str, Any], value: Any, path: str) -> None:
        text = str(value).strip()
        if item.get("lever") == "arrival_rate":
            store_target(item, text, path)
            return
        if item.get("lever") != "route":
            raise value_problem(path, "only a route change (or arrival_rate) has a cohort")
        if text:
            item["cohort"] = text
        else:
            item.pop("cohort", None)

    def store_to(item: dict[str, Any], value: Any, path: str) -> None:
        if item.get("lever") != "route":
            raise value_problem(path, "only a route change has a destination")
        item["to"] = str(value).strip()

    def store_op(item: dict[str, Any], value: Any, path: str) -> None:
        op = str(value).strip()
        if item.get("lever") == "route":
            raise value_problem(path, "a route change sets the probability p")
        if op not in OPERATIONS:
            raise value_problem(path, "must be set, add or multiply")
        old = _operation(item)
        if old and old != op:
            item[op] = item.pop(old)

    def store_value(item: dict[str, Any], value: Any, path: str) -> None:
        op = _operation(item) or "set"
        item[op] = parse_number(value, path)

    return [
        Column(
            "lever",
            "Lever",
            lambda c: c.get("lever", ""),
            store_lever,
            "What the change acts on",
            choices=lambda: LEVERS,
        ),
        Column(
            "service",
            "Service or cohort",
            lambda c: c.get(_target_key(c), ""),
            store_target,
            "The service changed (for arrival_rate: the cohort)",
            item_choices=targets,
        ),
        Column(
            "to",
            "To (routes)",
            lambda c: c.get("to", ""),
            store_to,
            "For a route change: the destination service",
            item_choices=lambda c: services() if c.get("lever") == "route" else (),
        ),
        Column(
            "cohort",
            "Cohort (routes, optional)",
            lambda c: c.get("cohort", "") if c.get("lever") == "route" else "",
            store_cohort,
            "For a route change: only this cohort's route (blank: everyone's)",
            item_choices=route_cohorts,
        ),
        Column(
            "operation",
            "Operation",
            _operation,
            store_op,
            "set, add or multiply (service time and patience: multiply only)",
            choices=lambda: OPERATIONS,
        ),
        Column(
            "value",
            "Value",
            lambda c: fmt_number(_value(c)),
            store_value,
            "The amount (for a route: the new probability)",
        ),
    ]


class PoliciesPanel(QWidget):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        layout.addWidget(splitter)
        self.model = ListTableModel(document, "policies", policy_columns(document), "policy", self)
        self.table = ListEditor(self.model, "Policies", self._new_policy, self)
        splitter.addWidget(self.table)
        self.detail = QGroupBox("Changes of the selected policy", self)
        box = QVBoxLayout(self.detail)
        box.addWidget(
            QLabel(
                "Each change acts on one lever. Service time and patience take only multiply; "
                "a route change sets that route's probability.",
                self.detail,
            )
        )
        self.changes_model = ListTableModel(document, "", change_columns(document), "change", self)
        self.changes = ListEditor(
            self.changes_model, "Policy changes", self._new_change, self.detail
        )
        box.addWidget(self.changes)
        splitter.addWidget(self.detail)
        self.table.current_row_changed.connect(self.show_policy)
        document.scenario_changed.connect(lambda _s: self.show_policy(self.table.current_row()))
        self.table.select_row(0)
        self.show_policy(self.table.current_row())

    def show_policy(self, row: int) -> None:
        policies = self.document.scenario.policies
        if row < 0 or row >= len(policies):
            self.detail.setEnabled(False)
            self.detail.setTitle("Changes of the selected policy: none selected")
            self.changes_model.set_list_path("")
            return
        self.detail.setEnabled(True)
        self.detail.setTitle(f"Changes of {policies[row].name} ({policies[row].id})")
        show_list(self.changes_model, f"policies[{row}].changes")

    def _new_policy(self) -> dict[str, Any]:
        scenario = self.document.scenario
        taken = {p.id for p in scenario.policies}
        return {
            "id": unique_id("new_policy", taken),
            "name": "New policy",
            "changes": [{"lever": "capacity", "service": scenario.services[0].id, "add": 1}],
        }

    def _new_change(self) -> dict[str, Any]:
        return {"lever": "capacity", "service": self.document.scenario.services[0].id, "add": 1}
