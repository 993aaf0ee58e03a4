"""Services: a table of every service and a detail form for the selected one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.describe import describe_distribution
from mission_desktop.gui.edit.distribution import DistributionEditor
from mission_desktop.gui.edit.document import ScenarioDocument, parse_number, value_problem
from mission_desktop.gui.edit.duration import DurationEdit
from mission_desktop.gui.edit.fields import FieldProblems, InlineProblem, spin_value
from mission_desktop.gui.edit.initial import InitialEditor, ObservedEditor
from mission_desktop.gui.edit.list_editor import ListDetailPanel, show_list
from mission_desktop.gui.edit.references import rename_service, unique_id
from mission_desktop.gui.edit.routes_table import routes_editor
from mission_desktop.gui.edit.schedules import CapacityScheduleEditor, parse_schedule
from mission_desktop.gui.edit.table_model import Column
from mission_desktop.gui.shared.access import a11y
from mission_desktop.report.format import format_wait
from mission_desktop.report.format import plain as fmt_number


def _store_text(key: str, required: bool = True):
    def store(item: dict[str, Any], value: Any, path: str) -> None:
        text = str(value).strip()
        if required and not text:
            raise value_problem(path, "must not be empty")
        item[key] = text

    return store


def _store_capacity(item: dict[str, Any], value: Any, path: str) -> None:
    item["capacity"] = parse_number(value, path, whole=True, blank=None)


def _store_queue_limit(item: dict[str, Any], value: Any, path: str) -> None:
    limit = parse_number(value, path, whole=True, blank=None)
    if limit is None:
        item.pop("queue_limit", None)
    else:
        item["queue_limit"] = limit


def _store_discipline(item: dict[str, Any], value: Any, path: str) -> None:
    text = str(value).strip().lower()
    if text not in ("fifo", "priority"):
        raise value_problem(path, "must be fifo (first come, first served) or priority")
    item["discipline"] = text


def target_text(item: dict[str, Any], time_unit: str) -> str:
    """``95% within 1 hour`` (the wait with its unit; see :func:`format_wait`)."""
    t = item.get("target")
    if not t:
        return ""
    share = fmt_number(round(t["within"] * 100, 3))
    return f"{share}% within {format_wait(t['wait'], time_unit)}"


def _capacity_text(item: dict[str, Any]) -> str:
    cap = item.get("capacity")
    return "unlimited" if cap is None else str(cap)


def service_columns(document: ScenarioDocument) -> list[Column]:
    return [
        Column(
            "id",
            "Id",
            lambda s: s["id"],
            _store_text("id"),
            "Short id used in routes and files",
            rename=rename_service,
        ),
        Column("name", "Name", lambda s: s["name"], _store_text("name"), "Name people know it by"),
        Column(
            "department",
            "Department",
            lambda s: s.get("department", ""),
            _store_text("department", required=False),
            "Department (sets the colour)",
        ),
        Column(
            "capacity",
            "Capacity (servers)",
            _capacity_text,
            _store_capacity,
            "Servers (staff, beds, caseworkers); blank = unlimited",
            edit_value=lambda s: "" if s.get("capacity") is None else s["capacity"],
        ),
        Column(
            "service_time",
            "Service time ({units})",
            lambda s: describe_distribution(s.get("service_time")),
            None,
            "How long each person is served (edit below)",
        ),
        Column(
            "queue_limit",
            "Queue limit (people)",
            lambda s: s.get("queue_limit"),
            _store_queue_limit,
            "Most people waiting; blank = no limit",
        ),
        Column(
            "discipline",
            "Discipline",
            lambda s: s.get("discipline", "fifo"),
            _store_discipline,
            "fifo: first come, first served; priority: lower cohort priority first",
            choices=lambda: ("fifo", "priority"),
        ),
        Column(
            "target",
            "Target",
            lambda s: target_text(s, document.scenario.time_unit),
            None,
            "Service standard (edit below)",
        ),
    ]


class ServicesPanel(ListDetailPanel):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(
            document,
            "services",
            service_columns(document),
            "service",
            "Services",
            self._new_service,
            2,
            parent,
        )
        self._build_detail()
        self.follow_selection(self.show_service)

    # ----------------------------------------------------------------- building
    def _build_detail(self) -> None:
        box = QVBoxLayout(self.detail)
        self.banner = InlineProblem(self.detail)
        box.addWidget(self.banner)
        self.problems = FieldProblems(self.banner)
        form = QFormLayout()
        box.addLayout(form)

        self.service_time = DistributionEditor("Service time", parent=self.detail)
        self.service_time.distribution_changed.connect(
            lambda d: self._set_field("service_time", d, "service time")
        )
        self._add_section(box, self.service_time, "service_time", "<b>Service time</b>")

        self.patience = DistributionEditor("Patience", optional=True, parent=self.detail)
        self.patience.distribution_changed.connect(
            lambda d: self._set_field("patience", d, "patience")
        )
        self._add_section(
            box,
            self.patience,
            "patience",
            "<b>Patience</b> (how long people wait before giving up)",
        )

        form2 = QFormLayout()
        box.addLayout(form2)
        self.abandon_to = QComboBox(self.detail)
        a11y(
            self.abandon_to,
            "People who give up go to",
            "Where people who give up waiting go next (or leave the system)",
        )
        self.abandon_to.activated.connect(self._on_abandon)
        ab_problem = InlineProblem(self.detail)
        form2.addRow("People who give up &go to:", self.abandon_to)
        form2.addRow("", ab_problem)
        self.problems.add(self._path("abandon_to"), self.abandon_to, ab_problem)

        self._build_staff_helper(form2)
        self.cost_server = self._spin(
            "Cost per server (£)", form2, "cost.per_server_per_time", 1e12
        )
        self.cost_case = self._spin("Cost per case (£)", form2, "cost.per_case", 1e12)

        self.has_target = QCheckBox("Has a service &target", self.detail)
        a11y(
            self.has_target,
            "Has a service target",
            "Whether this service has a waiting-time standard",
        )
        self.has_target.toggled.connect(self._on_target)
        form2.addRow(self.has_target)
        self.target_wait = DurationEdit("Target: wait at most", parent=self.detail)
        self.target_wait.value_changed.connect(lambda v: self._on_target_wait(v))
        wait_problem = InlineProblem(self.detail)
        self.target_wait.problem_label = wait_problem
        form2.addRow("Target: wait at most:", self.target_wait)
        form2.addRow("", wait_problem)
        self.problems.add(self._path("target.wait"), self.target_wait, wait_problem)
        self.target_within = self._spin("Target: share of people (%)", form2, "target.within", 100)

        box.addWidget(
            QLabel("<b>Capacity schedule</b> — shifts: servers over a repeating cycle", self.detail)
        )
        self.capacity_schedule = CapacityScheduleEditor(self.detail)
        self.capacity_schedule.schedule_changed.connect(self._on_schedule)
        self._add_section(
            box, self.capacity_schedule, "capacity_schedule", target=self.capacity_schedule.table
        )

        box.addWidget(QLabel("<b>Routes</b> — where people go after this service", self.detail))
        self.routes = routes_editor(
            self.document, self, self.detail, "Routes after this service", min_height=160
        )
        self.routes_model = self.routes.model
        box.addWidget(self.routes)
        self.leaving = QLabel(self.detail)
        box.addWidget(self.leaving)
        box.addWidget(
            QLabel(
                "<b>At the start</b> — people already waiting or in service at time 0 "
                "(today's waiting list)",
                self.detail,
            )
        )
        self.initial = InitialEditor(self.document, self.detail)
        box.addWidget(self.initial)
        box.addWidget(
            QLabel(
                "<b>Observed</b> — what the real service showed over a period, to check the "
                "twin against (every figure optional)",
                self.detail,
            )
        )
        self.observed = ObservedEditor(self.document, self.detail)
        box.addWidget(self.observed)
        box.addStretch(1)
        self.detail_form = form

    def _build_staff_helper(self, form: QFormLayout) -> None:
        """Capacity as staff × cases each: two boxes and a button that writes the product."""
        row = QHBoxLayout()
        self.staff = QSpinBox(self.detail)
        self.staff.setRange(1, 1_000_000)
        self.staff.setSuffix(" staff")
        a11y(self.staff, "Staff", "How many staff (or teams) work at this service")
        self.cases_each = QSpinBox(self.detail)
        self.cases_each.setRange(1, 1_000_000)
        self.cases_each.setSuffix(" cases each")
        a11y(self.cases_each, "Cases each", "How many people each of them serves at once")
        times = QLabel("×", self.detail)
        times.setAccessibleName("times")
        self.staff_button = QPushButton("Set capacit&y", self.detail)
        a11y(
            self.staff_button,
            "Set capacity from staff",
            "Set the capacity (servers) to staff × cases each",
        )
        self.staff_button.clicked.connect(self.apply_staff)
        for w in (self.staff, times, self.cases_each, self.staff_button):
            row.addWidget(w)
        row.addStretch(1)
        form.addRow("Capacity from staff:", row)

    def apply_staff(self) -> None:
        """Write capacity = staff × cases each, as one undoable edit."""
        capacity = self.staff.value() * self.cases_each.value()

        def change(item: dict[str, Any]) -> None:
            item["capacity"] = capacity

        self._edit(
            change,
            f"Set {self._name()} capacity to {self.staff.value()} staff × "
            f"{self.cases_each.value()} cases = {capacity}",
        )

    def _path(self, key: str) -> Callable[[], str]:
        """The path of the selected service's field ``key`` ('' with none selected)."""
        return lambda: f"services[{self.row}].{key}" if self.row >= 0 else ""

    def _add_section(
        self,
        box: QVBoxLayout,
        editor: QWidget,
        key: str,
        heading: str = "",
        target: QWidget | None = None,
    ) -> None:
        """An editor under its heading with its problem line below; the problems at ``key``
        are shown there (outlining ``target``, by default the editor)."""
        problem = InlineProblem(self.detail)
        if heading:
            box.addWidget(QLabel(heading, self.detail))
        box.addWidget(editor)
        box.addWidget(problem)
        self.problems.add(self._path(key), target or editor, problem)

    def _spin(self, label: str, form: QFormLayout, key: str, maximum: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self.detail)
        spin.setRange(0, maximum)
        spin.setDecimals(3 if "target" in key else 2)
        spin.setKeyboardTracking(False)
        a11y(spin, label)
        spin.editingFinished.connect(lambda: self._on_spin(key, spin))
        problem = InlineProblem(self.detail)
        form.addRow(label + ":", spin)
        form.addRow("", problem)
        self.problems.add(self._path(key), spin, problem)
        return spin

    # ----------------------------------------------------------------- showing
    def show_service(self, row: int) -> None:
        scenario = self.document.scenario
        if row < 0 or row >= len(scenario.services):
            self.row = -1
            self.detail.setEnabled(False)
            self.detail.setTitle("Selected service: none")
            self.routes_model.set_list_path("")
            self.initial.show_service(-1)
            return
        self.row = row
        self.detail.setEnabled(True)
        svc = scenario.services[row]
        item = self.model.item(row)
        unit = scenario.time_unit
        self.detail.setTitle(f"Selected service: {svc.name} ({svc.id})")
        self.service_time.set_distribution(item.get("service_time"), unit)
        self.patience.set_distribution(item.get("patience"), unit)
        self.abandon_to.blockSignals(True)
        self.abandon_to.clear()
        self.abandon_to.addItem("(leave the system)", None)
        for s in scenario.services:
            if s.id != svc.id:
                self.abandon_to.addItem(f"{s.name} ({s.id})", s.id)
        self.abandon_to.setCurrentIndex(max(self.abandon_to.findData(svc.abandon_to), 0))
        self.abandon_to.blockSignals(False)
        for spin, value in (
            (self.cost_server, svc.cost.per_server_per_time),
            (self.cost_case, svc.cost.per_case),
            (self.target_within, svc.target.within * 100 if svc.target else 95),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        # the helper keeps its numbers while they still give the capacity
        if self.staff.value() * self.cases_each.value() != svc.capacity:
            self.staff.setValue(svc.capacity or 1)
            self.cases_each.setValue(1)
        self.target_wait.set_time_unit(unit)
        self.target_wait.set_value(svc.target.wait if svc.target else 1)
        self.cost_server.setSuffix(f" per server per {unit}")
        self.has_target.blockSignals(True)
        self.has_target.setChecked(svc.target is not None)
        self.has_target.blockSignals(False)
        self.target_wait.setEnabled(svc.target is not None)
        self.target_within.setEnabled(svc.target is not None)
        self.capacity_schedule.set_schedule(item.get("capacity_schedule"), unit, svc.capacity)
        show_list(self.routes_model, f"services[{row}].routes")
        self.initial.show_service(row)
        self.observed.show_service(row)
        leave = 1 - sum(r.p for r in svc.routes)
        self.leaving.setText(f"The rest leave the system: {max(leave, 0):.0%} of people.")
        self.problems.clear()

    # ----------------------------------------------------------------- editing
    def _edit(self, change, text: str) -> None:
        if self.row < 0:
            return
        row = self.row

        def apply(doc: dict[str, Any]) -> None:
            change(doc["services"][row])

        problems = self.document.edit(apply, text)
        if problems:
            self.problems.show(problems)

    def _name(self) -> str:
        return self.document.scenario.services[self.row].id if self.row >= 0 else ""

    def _set_field(self, key: str, value: Any, label: str) -> None:
        def change(item: dict[str, Any]) -> None:
            if value is None:
                item.pop(key, None)
            else:
                item[key] = value

        self._edit(change, f"Set {self._name()} {label}")

    def _on_abandon(self, _index: int) -> None:
        self._set_field("abandon_to", self.abandon_to.currentData(), "abandon to")

    def _on_spin(self, key: str, spin: QDoubleSpinBox) -> None:
        group, _, field = key.partition(".")
        current = self.model.item(self.row).get(group, {}) if self.row >= 0 else {}
        old = (current or {}).get(field)
        if group == "target" and field == "within":
            value = spin_value(spin, None if old is None else old * 100) / 100
            if old is not None and abs(value - old) < 1e-12:
                value = old
        else:
            value = spin_value(spin, old)

        def change(item: dict[str, Any]) -> None:
            if group == "target" and "target" not in item:
                return
            item.setdefault(group, {})[field] = value

        self._edit(change, f"Set {self._name()} {key.replace('_', ' ')}")

    def _on_target_wait(self, value: float) -> None:
        def change(item: dict[str, Any]) -> None:
            if "target" in item:
                item["target"]["wait"] = value

        self._edit(change, f"Set {self._name()} target wait")

    def _on_schedule(self, raw: dict[str, Any] | None) -> None:
        row = self.row
        if row < 0:
            return

        def change(item: dict[str, Any]) -> None:
            schedule = parse_schedule(
                raw, f"services[{row}].capacity_schedule", self.document.scenario.time_unit
            )
            if schedule is None:
                item.pop("capacity_schedule", None)
            else:
                item["capacity_schedule"] = schedule

        verb = "Remove" if raw is None else "Set"
        self._edit(change, f"{verb} {self._name()} capacity schedule")

    def _on_target(self, checked: bool) -> None:
        def change(item: dict[str, Any]) -> None:
            if checked:
                item["target"] = {
                    "wait": self.target_wait.value() or 1,
                    "within": (self.target_within.value() or 95) / 100,
                }
            else:
                item.pop("target", None)

        self._edit(change, f"{'Add' if checked else 'Remove'} {self._name()} target")

    def _new_service(self) -> dict[str, Any]:
        taken = {s.id for s in self.document.scenario.services}
        sid = unique_id("new_service", taken)
        return {
            "id": sid,
            "name": "New service",
            "capacity": 1,
            "service_time": {"dist": "exponential", "mean": 1},
        }
