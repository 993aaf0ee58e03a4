"""Decisions: what goal-seek may change (lever ranges with a step, policies on or off) and
how sure it must be that every target is met (version 2)."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.document import ScenarioDocument, parse_number
from mission_desktop.gui.edit.duration import exact
from mission_desktop.gui.edit.fields import FieldProblems, InlineProblem
from mission_desktop.gui.edit.list_editor import ListEditor
from mission_desktop.gui.edit.ranges import lever_columns, range_key, reset_lever
from mission_desktop.gui.edit.table_model import Column, ListTableModel
from mission_desktop.gui.shared.access import a11y
from mission_desktop.report.format import plain as fmt_number

#: a first step for each kind of range
DEFAULT_STEP = {"add": 1, "multiply": 0.1, "p": 0.1}


def decision_columns(document: ScenarioDocument) -> list[Column]:
    columns = lever_columns(document)
    lever = columns[0]

    def store_lever(item: dict[str, Any], value: Any, path: str) -> None:
        old = item.get("lever")
        lever.store(item, value, path)
        if item.get("lever") != old:
            item["step"] = DEFAULT_STEP[range_key(item)]

    def store_step(item: dict[str, Any], value: Any, path: str) -> None:
        item["step"] = parse_number(value, path, whole=range_key(item) == "add")

    columns[0] = dataclasses.replace(lever, store=store_lever)
    columns.append(
        Column(
            "step",
            "Step",
            lambda d: exact(d["step"]) if "step" in d else "",
            store_step,
            "The values tried go from low to high in this step (whole numbers for capacity)",
        )
    )
    return columns


class DecisionsPanel(QWidget):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        intro = QLabel(
            "What goal-seek may change to meet every service's target at the lowest cost: "
            "levers with a range and a step, and policies it may switch on or off.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = ListTableModel(
            document, "decisions.levers", decision_columns(document), "lever", self
        )
        self.table = ListEditor(self.model, "Decision levers", self._new_lever, self)
        layout.addWidget(self.table, 2)

        box = QGroupBox("Policies goal-seek may switch on or off", self)
        inner = QVBoxLayout(box)
        self.policies = QListWidget(box)
        a11y(self.policies, "Policies goal-seek may use", "Tick the policies it may switch on")
        self.policies.itemChanged.connect(self._on_policy)
        inner.addWidget(self.policies)
        layout.addWidget(box, 1)

        form = QFormLayout()
        self.banner = InlineProblem(self)
        self.problems = FieldProblems(self.banner)
        self.confidence = QLineEdit(self)
        a11y(
            self.confidence,
            "Confidence",
            "How sure goal-seek must be that each target is met (e.g. 95%)",
        )
        self.confidence.editingFinished.connect(self._on_confidence)
        problem = InlineProblem(self)
        form.addRow("Confidence every target is met (%):", self.confidence)
        form.addRow("", problem)
        self.problems.add("decisions.confidence", self.confidence, problem)
        self.problems.add("decisions.policies", self.policies, self.banner)
        layout.addLayout(form)
        layout.addWidget(self.banner)
        document.scenario_changed.connect(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        scenario = self.document.scenario
        decisions = scenario.decisions
        chosen = set(decisions.policies) if decisions else set()
        self.policies.blockSignals(True)
        self.policies.clear()
        for p in scenario.policies:
            item = QListWidgetItem(f"{p.name} ({p.id})", self.policies)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = p.id in chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.policies.blockSignals(False)
        confidence = decisions.confidence if decisions else 0.95
        self.confidence.setText(fmt_number(round(confidence * 100, 9)))
        self.problems.clear()

    def _edit(self, change, text: str) -> None:
        def apply(doc: dict[str, Any]) -> None:
            decisions = doc.get("decisions") or {}
            change(decisions)
            if decisions.get("confidence", 0.95) == 0.95:
                decisions.pop("confidence", None)
            if any(decisions.get(k) for k in ("levers", "policies", "confidence")):
                doc["decisions"] = decisions
            else:  # nothing left to decide
                doc.pop("decisions", None)

        problems = self.document.edit(apply, text)
        if problems:
            self.problems.show(problems)

    def _on_policy(self, _item: QListWidgetItem) -> None:
        chosen = [
            self.policies.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.policies.count())
            if self.policies.item(i).checkState() == Qt.CheckState.Checked
        ]

        def change(decisions: dict[str, Any]) -> None:
            decisions["policies"] = chosen

        self._edit(change, "Set the policies goal-seek may use")

    def _on_confidence(self) -> None:
        text = self.confidence.text().replace("%", "").strip()

        def change(decisions: dict[str, Any]) -> None:
            decisions["confidence"] = parse_number(text, "decisions.confidence") / 100

        old = self.document.scenario.decisions
        if text == fmt_number(round((old.confidence if old else 0.95) * 100, 9)):
            return
        self._edit(change, "Set goal-seek confidence")

    def _new_lever(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        reset_lever(item, "capacity", self.document)
        item["step"] = DEFAULT_STEP["add"]
        return item
