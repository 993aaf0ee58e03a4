"""Scenario name, description, time unit, and run settings (horizon, warm-up, replications, seed)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.document import ScenarioDocument
from mission_desktop.gui.edit.duration import DurationEdit
from mission_desktop.gui.edit.fields import FieldProblems, InlineProblem
from mission_desktop.gui.shared.access import a11y
from mission_desktop.gui.shared.markdown_view import MarkdownView
from mission_desktop.model import Problem
from mission_desktop.model.dates import date_label, parse_date
from mission_desktop.model.scenario import TIME_UNITS

MAX_SEED = 2**31 - 1


class _DescriptionEdit(QPlainTextEdit):
    """A plain-text box that reports an edit when it loses focus (one undo step per visit)."""

    def __init__(self, on_done, parent: QWidget | None = None):
        super().__init__(parent)
        self._on_done = on_done
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self._on_done()


class RunSettingsPanel(QWidget):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self._shown_description: str | None = None
        layout = QVBoxLayout(self)
        self.banner = InlineProblem(self)
        layout.addWidget(self.banner)
        self.problems = FieldProblems(self.banner)
        form = QFormLayout()
        layout.addLayout(form)

        def row(label: str, widget: QWidget, path: str, also: tuple[str, ...] = ()) -> None:
            problem = InlineProblem(self)
            form.addRow(label, widget)
            form.addRow("", problem)
            self.problems.add(path, widget, problem, also)
            if isinstance(widget, DurationEdit):
                widget.problem_label = problem

        self.name = QLineEdit(self)
        a11y(self.name, "Scenario name", "The scenario's name, shown in the library and the title")
        self.name.editingFinished.connect(
            lambda: self._set("name", self.name.text().strip(), "name")
        )
        row("Scenario &name:", self.name, "name")

        self.description = _DescriptionEdit(self._on_description, self)
        self.description.setMaximumHeight(100)
        a11y(self.description, "Description", "What this scenario models, in words")
        row("&Description:", self.description, "description")
        self.description_view = MarkdownView(self)
        self.description_view.setMaximumHeight(160)
        a11y(
            self.description_view,
            "Description as it reads",
            "The description rendered from its markdown (headings, lists, tables, bold)",
        )
        form.addRow("As it reads:", self.description_view)

        self.time_unit = QComboBox(self)
        self.time_unit.addItems(list(TIME_UNITS))
        a11y(self.time_unit, "Time unit", "The unit of every time and rate in this scenario")
        self.time_unit.activated.connect(
            lambda _i: self._set("time_unit", self.time_unit.currentText(), "time unit")
        )
        row("&Time unit:", self.time_unit, "time_unit")

        self.horizon = self._double("Horizon", "How long each replication runs")
        row("Hori&zon:", self.horizon, "run.horizon", also=("run",))
        self.warm_up = self._double("Warm-up", "Time excluded from statistics at the start")
        row("&Warm-up:", self.warm_up, "run.warm_up")

        self.start_date = QLineEdit(self)
        self.start_date.setPlaceholderText("no start date (e.g. 2027-04-01 or 1 Apr 2027)")
        a11y(
            self.start_date,
            "Start date",
            "The calendar date of time 0, shown as dates on screen and in tables "
            "(2027-04-01 or 1 Apr 2027); leave blank for no start date",
        )
        self.start_date.editingFinished.connect(self._on_start_date)
        row("St&art date:", self.start_date, "run.start_date")

        self.replications = QSpinBox(self)
        self.replications.setRange(0, 10_000)
        self.replications.setKeyboardTracking(False)
        a11y(
            self.replications,
            "Replications",
            "Independent runs per variant; more gives tighter CIs",
        )
        self.replications.editingFinished.connect(
            lambda: self._set_run("replications", self.replications.value())
        )
        row("Re&plications:", self.replications, "run.replications")

        self.seed = QSpinBox(self)
        self.seed.setRange(0, MAX_SEED)
        self.seed.setKeyboardTracking(False)
        a11y(self.seed, "Random seed", "The same seed gives the same results on every run")
        self.seed.editingFinished.connect(lambda: self._set_run("seed", self.seed.value()))
        row("Ra&ndom seed:", self.seed, "run.seed")
        layout.addStretch(1)
        document.scenario_changed.connect(lambda _s: self.refresh())
        self.refresh()

    def _double(self, name: str, tip: str) -> DurationEdit:
        edit = DurationEdit(name, tip, self)
        key = "horizon" if name == "Horizon" else "warm_up"
        edit.value_changed.connect(lambda value: self._set_run(key, value))
        return edit

    def refresh(self) -> None:
        s = self.document.scenario
        for edit, value in ((self.horizon, s.run.horizon), (self.warm_up, s.run.warm_up)):
            edit.set_time_unit(s.time_unit)
            edit.set_value(value)
        for widget, value in (
            (self.replications, s.run.replications),
            (self.seed, min(s.run.seed, MAX_SEED)),
        ):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        start = s.run.start_date
        self.start_date.setText("" if start is None else start.isoformat())
        self.start_date.setToolTip(
            self.start_date.accessibleDescription()
            + ("" if start is None else f"\nTime 0 is {date_label(start)}")
        )
        self.seed.setEnabled(s.run.seed <= MAX_SEED)
        if self.name.text() != s.name:
            self.name.setText(s.name)
        if self.description.toPlainText() != s.description:
            self.description.blockSignals(True)
            self.description.setPlainText(s.description)
            self.description.blockSignals(False)
        if self._shown_description != s.description:
            self._shown_description = s.description
            self.description_view.set_markdown_text(s.description)
        self.time_unit.setCurrentText(s.time_unit)
        self.problems.clear()

    def _apply(self, change, text: str) -> None:
        problems = self.document.edit(change, text)
        if problems:
            self.problems.show(problems)

    def _set(self, key: str, value: Any, label: str) -> None:
        def change(doc: dict[str, Any]) -> None:
            doc[key] = value

        self._apply(change, f"Set {label}")

    def _set_run(self, key: str, value: Any) -> None:
        def change(doc: dict[str, Any]) -> None:
            doc["run"][key] = value

        self._apply(change, f"Set {key.replace('_', ' ')}")

    def _on_start_date(self) -> None:
        text = self.start_date.text().strip()
        old = self.document.scenario.run.start_date
        if text == ("" if old is None else old.isoformat()):
            return
        try:
            value = None if not text else parse_date(text).isoformat()
        except ValueError as e:
            self.problems.show([Problem("run.start_date", str(e))])
            return

        def change(doc: dict[str, Any]) -> None:
            if value is None:
                doc["run"].pop("start_date", None)
            else:
                doc["run"]["start_date"] = value

        self._apply(change, "Remove start date" if value is None else "Set start date")

    def _on_description(self) -> None:
        text = self.description.toPlainText()
        if text != self.document.scenario.description:
            self._set("description", text, "description")
