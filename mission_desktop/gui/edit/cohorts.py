"""Cohorts (groups of citizens): arrivals, priority, where they enter, their own routes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.describe import describe_routes
from mission_desktop.gui.edit.document import ScenarioDocument, parse_number
from mission_desktop.gui.edit.duration import DurationEdit, exact
from mission_desktop.gui.edit.fields import InlineProblem, mark_invalid, problem_text
from mission_desktop.gui.edit.list_editor import ListDetailPanel, show_list
from mission_desktop.gui.edit.paths import path_startswith
from mission_desktop.gui.edit.references import rename_cohort, unique_id
from mission_desktop.gui.edit.routes_table import routes_editor
from mission_desktop.gui.edit.schedules import ArrivalProfileEditor, parse_profile
from mission_desktop.gui.edit.services import _store_text
from mission_desktop.gui.edit.table_model import Column
from mission_desktop.gui.shared.access import a11y
from mission_desktop.report.format import plain as fmt_number
from mission_desktop.report.format import plural_unit


def _store_priority(item: dict[str, Any], value: Any, path: str) -> None:
    item["priority"] = parse_number(value, path, whole=True)


def _store_rate(item: dict[str, Any], value: Any, path: str) -> None:
    item.setdefault("arrivals", {})["rate"] = parse_number(value, path)


#: a first growth period per time unit: a year
YEAR = {"minute": 525_600, "hour": 8760, "day": 365, "week": 52}


def default_every(time_unit: str) -> float:
    return YEAR.get(time_unit, 365)


def growth_text(growth: dict[str, Any] | None, time_unit: str, long: bool = False) -> str:
    """``×1.03 every 365 days`` (with ``long``, what that means over a year)."""
    if not growth:
        return ""
    factor, every = float(growth["factor"]), float(growth["every"])
    text = f"×{exact(factor)} every {exact(every)} {plural_unit(time_unit)}"
    if long:
        change = factor - 1
        more = "more" if change >= 0 else "fewer"
        text = (
            f"The arrival rate is multiplied by {exact(factor)} every {exact(every)} "
            f"{plural_unit(time_unit)} ({abs(change):.1%} {more} arrivals a period, "
            "growing smoothly in between)."
        )
    return text


def cohort_columns(document: ScenarioDocument) -> list[Column]:
    unit = lambda: document.scenario.time_unit  # noqa: E731
    return [
        Column(
            "id",
            "Id",
            lambda c: c["id"],
            _store_text("id"),
            "Short id used in files and levers",
            rename=rename_cohort,
        ),
        Column("name", "Name", lambda c: c["name"], _store_text("name"), "Name of the group"),
        Column(
            "priority",
            "Priority",
            lambda c: c.get("priority", 0),
            _store_priority,
            "Lower numbers are served first at priority services",
        ),
        Column(
            "arrivals.rate",
            "Arrivals per {unit}",
            lambda c: fmt_number(c["arrivals"]["rate"]),
            _store_rate,
            f"Mean arrivals per time unit ({unit()})",
        ),
        Column(
            "growth",
            "Growth",
            lambda c: growth_text((c.get("arrivals") or {}).get("growth"), unit()),
            None,
            "How demand grows: the rate is multiplied by the factor every period (edit below)",
        ),
        Column(
            "entry",
            "Entry",
            lambda c: describe_routes(c.get("entry")),
            None,
            "Where people first arrive (edit below)",
        ),
    ]


class CohortsPanel(ListDetailPanel):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(
            document,
            "cohorts",
            cohort_columns(document),
            "cohort",
            "Cohorts",
            self._new_cohort,
            3,
            parent,
        )
        box = QVBoxLayout(self.detail)

        box.addWidget(
            QLabel(
                "<b>Arrival profile</b> — busy and quiet times in a repeating cycle", self.detail
            )
        )
        self.profile = ArrivalProfileEditor(self.detail)
        self.profile.profile_changed.connect(self._on_profile)
        box.addWidget(self.profile)
        self.profile_problem = InlineProblem(self.detail)
        box.addWidget(self.profile_problem)

        box.addWidget(QLabel("<b>Growth</b> — demand that grows year on year", self.detail))
        self._build_growth(box)

        box.addWidget(
            QLabel("<b>Entry</b> — where people first arrive (shares sum to 1)", self.detail)
        )
        self.entry = routes_editor(document, self, self.detail, "Entry points", "entry point")
        self.entry_model = self.entry.model
        box.addWidget(self.entry)

        box.addWidget(
            QLabel("<b>Route overrides</b> — this cohort's own routes after a service", self.detail)
        )
        form = QFormLayout()
        row = QHBoxLayout()
        self.override_service = QComboBox(self.detail)
        a11y(
            self.override_service,
            "Override routes after service",
            "Choose the service whose routes this cohort replaces",
        )
        self.override_service.activated.connect(self._on_override_service)
        row.addWidget(self.override_service, 1)
        self.add_override = QPushButton("Add &override", self.detail)
        a11y(
            self.add_override,
            "Add route override",
            "Give this cohort its own routes after the chosen service",
        )
        self.add_override.clicked.connect(self._add_override)
        self.remove_override = QPushButton("Rem&ove override", self.detail)
        a11y(
            self.remove_override,
            "Remove route override",
            "Use the service's own routes again for this cohort",
        )
        self.remove_override.clicked.connect(self._remove_override)
        row.addWidget(self.add_override)
        row.addWidget(self.remove_override)
        form.addRow("After service:", row)
        box.addLayout(form)
        self.overrides = routes_editor(document, self, self.detail, "Route override")
        self.override_model = self.overrides.model
        box.addWidget(self.overrides)
        self.banner = InlineProblem(self.detail)
        box.addWidget(self.banner)
        box.addStretch(1)

        self.follow_selection(self.show_cohort)

    def _build_growth(self, box: QVBoxLayout) -> None:
        line = QHBoxLayout()
        self.has_growth = QCheckBox("Demand &grows:", self.detail)
        a11y(self.has_growth, "Demand grows", "Tick to let this cohort's arrival rate grow")
        self.has_growth.toggled.connect(self._on_has_growth)
        self.growth_factor = QLineEdit(self.detail)
        self.growth_factor.setMaximumWidth(90)
        a11y(
            self.growth_factor,
            "Growth factor",
            "The arrival rate is multiplied by this every period (1.03 = 3% more)",
        )
        self.growth_factor.editingFinished.connect(self._on_growth)
        self.growth_every = DurationEdit(
            "Growth period", "How often the rate is multiplied by the factor", self.detail
        )
        self.growth_every.value_changed.connect(lambda _v: self._on_growth())
        line.addWidget(self.has_growth)
        line.addWidget(QLabel("×", self.detail))
        line.addWidget(self.growth_factor)
        line.addWidget(QLabel("every", self.detail))
        line.addWidget(self.growth_every, 1)
        box.addLayout(line)
        self.growth_words = QLabel(self.detail)
        self.growth_words.setWordWrap(True)
        box.addWidget(self.growth_words)
        self.growth_problem = InlineProblem(self.detail)
        self.growth_every.problem_label = self.growth_problem
        box.addWidget(self.growth_problem)

    def _show_growth(self, growth: Any, time_unit: str) -> None:
        on = growth is not None
        self.has_growth.blockSignals(True)
        self.has_growth.setChecked(on)
        self.has_growth.blockSignals(False)
        self.growth_factor.setText(exact(growth.factor) if on else "1.03")
        self.growth_every.set_time_unit(time_unit)
        self.growth_every.set_value(growth.every if on else default_every(time_unit))
        self.growth_factor.setEnabled(on)
        self.growth_every.setEnabled(on)
        self.growth_words.setText(
            growth_text({"factor": growth.factor, "every": growth.every}, time_unit, long=True)
            if on
            else "The arrival rate stays the same over the whole run."
        )
        mark_invalid(self.growth_factor, None)
        self.growth_problem.clear()

    def _on_has_growth(self, checked: bool) -> None:
        self._on_growth(checked)

    def _on_growth(self, on: bool | None = None) -> None:
        row = self.row
        if row < 0:
            return
        on = self.has_growth.isChecked() if on is None else on
        path = f"cohorts[{row}].arrivals.growth"
        text = self.growth_factor.text().strip()
        try:
            factor = float(text)
        except ValueError:
            factor = None
        if on and factor is None:
            message = f"Growth factor: “{text}” is not a number (e.g. 1.03 for 3% a period)"
            mark_invalid(self.growth_factor, message)
            self.growth_problem.show_message(message)
            return
        growth = {"factor": factor, "every": self.growth_every.value()} if on else None
        old = self.model.item(row)["arrivals"].get("growth")
        if growth == old:
            return

        def change(doc: dict[str, Any]) -> None:
            arrivals = doc["cohorts"][row]["arrivals"]
            if growth is None:
                arrivals.pop("growth", None)
            else:
                arrivals["growth"] = growth

        cid = self.document.scenario.cohorts[row].id
        verb = "Set" if on else "Remove"
        problems = self.document.edit(change, f"{verb} {cid} growth")
        mine = [p for p in problems if path_startswith(p.path, path)]
        if mine:
            text = "; ".join(
                (p.path[len(path) :].lstrip(".") + ": " if p.path != path else "") + p.message
                for p in mine
            )
            mark_invalid(self.growth_factor, text)
            self.growth_problem.show_message(text)
        if len(mine) < len(problems):
            self.banner.show_message(problem_text([p for p in problems if p not in mine]))

    def show_cohort(self, row: int) -> None:
        scenario = self.document.scenario
        if row < 0 or row >= len(scenario.cohorts):
            self.row = -1
            self.detail.setEnabled(False)
            self.entry_model.set_list_path("")
            self.override_model.set_list_path("")
            return
        self.row = row
        self.detail.setEnabled(True)
        cohort = scenario.cohorts[row]
        self.detail.setTitle(f"Selected cohort: {cohort.name} ({cohort.id})")
        self.profile.set_profile(
            self.model.item(row)["arrivals"].get("profile"), scenario.time_unit
        )
        mark_invalid(self.profile.multipliers, None)
        self.profile_problem.clear()
        self._show_growth(cohort.arrivals.growth, scenario.time_unit)
        show_list(self.entry_model, f"cohorts[{row}].entry")
        current = self.override_service.currentData()
        self.override_service.blockSignals(True)
        self.override_service.clear()
        for s in scenario.services:
            mark = " — overridden" if s.id in cohort.routes else ""
            self.override_service.addItem(f"{s.name} ({s.id}){mark}", s.id)
        i = self.override_service.findData(current)
        if i < 0 and cohort.routes:
            i = self.override_service.findData(next(iter(cohort.routes)))
        self.override_service.setCurrentIndex(max(i, 0))
        self.override_service.blockSignals(False)
        self._show_override()
        self.banner.clear()

    def _on_profile(self, raw: dict[str, Any] | None) -> None:
        row = self.row
        if row < 0:
            return
        path = f"cohorts[{row}].arrivals.profile"

        def change(doc: dict[str, Any]) -> None:
            profile = parse_profile(raw, path)
            arrivals = doc["cohorts"][row]["arrivals"]
            if profile is None:
                arrivals.pop("profile", None)
            else:
                arrivals["profile"] = profile

        cid = self.document.scenario.cohorts[row].id
        verb = "Remove" if raw is None else "Set"
        problems = self.document.edit(change, f"{verb} {cid} arrival profile")
        mine = [p for p in problems if path_startswith(p.path, path)]
        if mine:
            text = "; ".join(
                (p.path[len(path) :].lstrip(".") + ": " if p.path != path else "") + p.message
                for p in mine
            )
            mark_invalid(self.profile.multipliers, text)
            self.profile_problem.show_message(text)
        if len(mine) < len(problems):
            self.banner.show_message(problem_text([p for p in problems if p not in mine]))

    def _show_override(self) -> None:
        sid = self.override_service.currentData()
        cohort = self.document.scenario.cohorts[self.row]
        has = sid in cohort.routes
        self.add_override.setEnabled(not has)
        self.remove_override.setEnabled(has)
        self.overrides.setEnabled(has)
        show_list(self.override_model, f"cohorts[{self.row}].routes.{sid}" if has else "")

    def _on_override_service(self, _i: int) -> None:
        self._show_override()

    def _edit_routes(self, add: bool) -> None:
        row, sid = self.row, self.override_service.currentData()
        if row < 0 or sid is None:
            return

        def change(doc: dict[str, Any]) -> None:
            routes = doc["cohorts"][row].setdefault("routes", {})
            if add:
                svc = next(s for s in doc["services"] if s["id"] == sid)
                routes[sid] = [dict(r) for r in svc.get("routes", [])]
            else:
                routes.pop(sid, None)

        verb = "Add" if add else "Remove"
        problems = self.document.edit(change, f"{verb} route override at {sid}")
        if problems:
            self.banner.show_message(problem_text(problems))

    def _add_override(self) -> None:
        self._edit_routes(True)

    def _remove_override(self) -> None:
        self._edit_routes(False)

    def _new_cohort(self) -> dict[str, Any]:
        taken = {c.id for c in self.document.scenario.cohorts}
        return {
            "id": unique_id("new_cohort", taken),
            "name": "New cohort",
            "arrivals": {"rate": 1},
            "entry": self.document.scenario.services[0].id,
        }
