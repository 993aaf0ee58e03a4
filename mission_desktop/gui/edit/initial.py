"""A service's people at time 0 (``initial``: today's waiting list) and its observed
figures (``observed``, to check the twin against), both version 2."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.describe import describe_distribution
from mission_desktop.gui.edit.distribution import DistributionEditor
from mission_desktop.gui.edit.document import ScenarioDocument, parse_number, value_problem
from mission_desktop.gui.edit.duration import DurationEdit, exact, parse_time
from mission_desktop.gui.edit.fields import FieldProblems, InlineProblem, mark_invalid
from mission_desktop.gui.edit.list_editor import ListEditor, show_list
from mission_desktop.gui.edit.table_model import Column, ListTableModel
from mission_desktop.gui.shared.access import a11y
from mission_desktop.model.twin import OBSERVED_FIGURES
from mission_desktop.report.format import plain as fmt_number
from mission_desktop.report.format import plural_unit

# --------------------------------------------------------------------------- initial people


def waited_text(item: dict[str, Any], time_unit: str = "day") -> str:
    """``42 days`` for a fixed wait (with its unit); any other distribution described as
    elsewhere (``uniform low 0, high 42``), in the model's unit."""
    waited = item.get("waited") or {"dist": "fixed", "value": 0}
    if waited.get("dist") == "fixed" and len(waited) == 2:
        return f"{exact(waited['value'])} {plural_unit(time_unit)}"
    return f"{describe_distribution(waited)} ({plural_unit(time_unit)})"


def initial_columns(document: ScenarioDocument) -> list[Column]:
    unit = lambda: document.scenario.time_unit  # noqa: E731

    def store_cohort(item: dict[str, Any], value: Any, path: str) -> None:
        item["cohort"] = str(value).strip()

    def store_count(key: str):
        def store(item: dict[str, Any], value: Any, path: str) -> None:
            item[key] = parse_number(value, path, whole=True, blank=0)

        return store

    def store_waited(item: dict[str, Any], value: Any, path: str) -> None:
        text = str(value).strip()
        if text.lower().startswith("fixed"):
            text = text[5:].strip()
        try:
            item["waited"] = {"dist": "fixed", "value": parse_time(text or "0", unit())}
        except ValueError as e:
            raise value_problem(path, f"{e} (or choose a distribution below)") from None

    return [
        Column(
            "cohort",
            "Cohort",
            lambda i: i.get("cohort", ""),
            store_cohort,
            "Whose people these are (their priority and later routes)",
            choices=lambda: tuple(c.id for c in document.scenario.cohorts),
        ),
        Column(
            "waiting",
            "Waiting (people)",
            lambda i: i.get("waiting", 0),
            store_count("waiting"),
            "People already in the queue at time 0",
        ),
        Column(
            "waited",
            "Already waited",
            lambda i: waited_text(i, unit()),
            store_waited,
            "How long each has already waited: type a duration in any unit (fixed for all), "
            "or choose a distribution below",
            edit_value=lambda i: exact((i.get("waited") or {}).get("value", 0))
            if (i.get("waited") or {"dist": "fixed"}).get("dist") == "fixed"
            else waited_text(i, unit()),
        ),
        Column(
            "in_service",
            "In service (people)",
            lambda i: i.get("in_service", 0),
            store_count("in_service"),
            "People being served at time 0 (at most the capacity)",
        ),
    ]


class InitialEditor(QWidget):
    """The table of a service's ``initial`` items and the "already waited" distribution of
    the selected one. Point it at a service with :meth:`show_service`."""

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.service_row = -1
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.model = ListTableModel(document, "", initial_columns(document), "group", self)
        self.table = ListEditor(self.model, "People there at the start", self._new_item, self)
        self.table.setMinimumHeight(140)
        box.addWidget(self.table)
        self.waited = DistributionEditor("Already waited", parent=self)
        self.waited.distribution_changed.connect(self._on_waited)
        box.addWidget(self.waited)
        self.waited_problem = InlineProblem(self)
        box.addWidget(self.waited_problem)
        self.table.current_row_changed.connect(self._show_waited)

    def show_service(self, row: int) -> None:
        self.service_row = row
        show_list(self.model, f"services[{row}].initial" if row >= 0 else "")
        self._show_waited(self.table.current_row())

    def _show_waited(self, row: int) -> None:
        has = 0 <= row < self.model.rowCount()
        self.waited.setEnabled(has)
        self.waited_problem.clear()
        unit = self.document.scenario.time_unit
        item = self.model.item(row) if has else {}
        self.waited.set_distribution(item.get("waited") or {"dist": "fixed", "value": 0}, unit)

    def _on_waited(self, dist: dict[str, Any] | None) -> None:
        svc, row = self.service_row, self.table.current_row()
        if svc < 0 or row < 0 or dist is None:
            return

        def change(doc: dict[str, Any]) -> None:
            doc["services"][svc]["initial"][row]["waited"] = dist

        sid = self.document.scenario.services[svc].id
        problems = self.document.edit(change, f"Set {sid} already waited")
        if problems:
            text = "; ".join(p.message for p in problems)
            mark_invalid(self.waited, text)
            self.waited_problem.show_message(text)

    def _new_item(self) -> dict[str, Any] | None:
        scenario = self.document.scenario
        used = {i["cohort"] for i in self.model._items}
        cohort = next((c.id for c in scenario.cohorts if c.id not in used), scenario.cohorts[0].id)
        return {"cohort": cohort, "waiting": 0, "waited": {"dist": "fixed", "value": 0}}


# --------------------------------------------------------------------------- observed figures

FIGURE_LABELS = {
    "mean_wait": ("Mean wait", "duration"),
    "p90_wait": ("90th percentile wait", "duration"),
    "mean_queue_length": ("Mean queue length (people)", "number"),
    "throughput": ("Throughput (people per {unit})", "number"),
    "utilisation": ("Utilisation (%)", "percent"),
}


class ObservedEditor(QWidget):
    """What the real service showed over a period: each figure optional; all blank means no
    ``observed`` block. The period is in model time (a date too, where the scenario has a
    start date)."""

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.row = -1
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.banner = InlineProblem(self)
        box.addWidget(self.banner)
        self.problems = FieldProblems(self.banner)
        form = QFormLayout()
        box.addLayout(form)

        def add(label: str, widget: QWidget, key: str) -> None:
            problem = InlineProblem(self)
            form.addRow(label, widget)
            form.addRow("", problem)
            self.problems.add(lambda: self._path(key), widget, problem)
            if isinstance(widget, DurationEdit):
                widget.problem_label = problem

        self.period_from = DurationEdit(
            "Observed from", "Start of the observed period", self, dates=True
        )
        self.period_to = DurationEdit("Observed to", "End of the observed period", self, dates=True)
        for edit in (self.period_from, self.period_to):
            edit.value_changed.connect(lambda _v: self._store())
        add("Observed from (&period start):", self.period_from, "period")
        # rules across the figures ("must end after it starts") show at the period's end
        add("Observed to:", self.period_to, "")
        self.figures: dict[str, QLineEdit] = {}
        for key in OBSERVED_FIGURES:
            label, kind = FIGURE_LABELS[key]
            if kind == "duration":
                edit: QLineEdit = DurationEdit(label, "Blank: not observed", self, blank=True)
                edit.value_changed.connect(lambda _v: self._store())
            else:
                edit = QLineEdit(self)
                a11y(edit, label.split(" (")[0], "Blank: not observed")
                edit.editingFinished.connect(self._store)
            edit.setPlaceholderText("not observed")
            self.figures[key] = edit
            add(label.split(" (")[0] + ":", edit, key)
        self.figure_labels = {key: form.labelForField(self.figures[key]) for key in OBSERVED_FIGURES}

    def _path(self, key: str) -> str:
        if self.row < 0:
            return ""
        return f"services[{self.row}].observed" + (f".{key}" if key else "")

    def show_service(self, row: int) -> None:
        self.row = row
        scenario = self.document.scenario
        if row < 0 or row >= len(scenario.services):
            return
        unit, start = scenario.time_unit, scenario.run.start_date
        observed = scenario.services[row].observed
        period = observed.period if observed else (0.0, scenario.run.horizon)
        for edit, value in zip((self.period_from, self.period_to), period, strict=True):
            edit.set_time_unit(unit, start)
            edit.set_value(value)
        for key, edit in self.figures.items():
            value = getattr(observed, key) if observed else None
            label, kind = FIGURE_LABELS[key]
            shown = self.figure_labels[key]
            if shown is not None and hasattr(shown, "setText"):
                shown.setText(label.format(unit=unit) + ":")
            if isinstance(edit, DurationEdit):
                edit.set_time_unit(unit)
                edit.set_value(value)
            elif value is None:
                edit.setText("")
            else:
                edit.setText(fmt_number(value * 100) if kind == "percent" else exact(value))
        self.problems.clear()

    def _store(self) -> None:
        row = self.row
        if row < 0:
            return
        period = [self.period_from.value() or 0.0, self.period_to.value() or 0.0]

        def change(doc: dict[str, Any]) -> None:
            observed: dict[str, Any] = {"period": period}
            for key, edit in self.figures.items():
                if isinstance(edit, DurationEdit):
                    value = edit.value()
                else:
                    value = parse_number(edit.text(), self._path(key), blank=None)
                    if value is not None and FIGURE_LABELS[key][1] == "percent":
                        value = value / 100
                if value is not None:
                    observed[key] = value
            svc = doc["services"][row]
            if len(observed) > 1:
                svc["observed"] = observed
            else:  # every figure blank: nothing observed
                svc.pop("observed", None)

        sid = self.document.scenario.services[row].id
        problems = self.document.edit(change, f"Set {sid} observed figures")
        if problems:
            self.problems.show(problems)
