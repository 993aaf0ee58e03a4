"""Decide › Find the cheapest plan…: goal-seek over the file's decisions (feasibility screen +
OCBA), the best plan in words, the runners-up in a table, the cost–target frontier, and
"Add to scenario" (the best plan as a new policy and variant, one undoable edit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from mission_desktop.gui.decide.base import DecideDialog
from mission_desktop.gui.decide.charts import draw_frontier, plot_widget
from mission_desktop.gui.shared.access import a11y
from mission_desktop.report.format import money

COLUMNS = ("Plan", "Mean total cost", "Lowest share meeting a target", "Meets every target", "Runs")
PLAN_NAME = "Cheapest plan"


def _who(scenario: Any, c: dict[str, Any]) -> str:
    """The name of the service (or cohort) a change is to, from the file."""
    if c.get("service"):
        names = {s.id: s.name for s in scenario.services}
        return names.get(c["service"], c["service"])
    names = {k.id: k.name for k in scenario.cohorts}
    return names.get(c.get("cohort") or "", c.get("cohort") or "")


def change_text(scenario: Any, c: dict[str, Any]) -> str:
    """'capacity of Reablement +4' in words, names from the file."""
    who, lever = _who(scenario, c), c["lever"].replace("_", " ")
    if "add" in c:
        return f"{lever} of {who} {'+' if c['add'] >= 0 else '−'}{abs(c['add']):g}"
    if "multiply" in c:
        return f"{lever} of {who} ×{c['multiply']:g}"
    return f"{lever} of {who} to {c.get('to', '')} p {c.get('p', 0):g}"


def _range_text(lever: Any) -> str:
    """'(add 0 to 8, steps of 4)': the decision's range."""
    for key in ("add", "multiply", "p"):
        value = getattr(lever, key, None)
        if value is not None:
            low, high = value
            return f"({key} {low:g} to {high:g}, steps of {lever.step:g})"
    return ""


def plan_text(scenario: Any, entry: dict[str, Any]) -> str:
    parts = [change_text(scenario, c) for c in entry["changes"] if not _no_op(c)]
    names = {p.id: p.name for p in scenario.policies}
    parts += [f"policy “{names.get(p, p)}”" for p in entry["policies"]]
    return ", ".join(parts) or "no change (today's plan)"


def _no_op(c: dict[str, Any]) -> bool:
    return ("add" in c and c["add"] == 0) or ("multiply" in c and c["multiply"] == 1)


def lowest_share(entry: dict[str, Any]) -> float | None:
    shares = [m["mean"] for m in (entry.get("p_target_met") or {}).values() if m]
    return min(shares) if shares else None


def _fresh_id(taken: set[str], base: str) -> str:
    if base not in taken:
        return base
    k = 2
    while f"{base}_{k}" in taken:
        k += 1
    return f"{base}_{k}"


def add_plan(doc: dict[str, Any], scenario: Any, entry: dict[str, Any]) -> tuple[str | None, str]:
    """Add ``entry`` (a plan of the optimisation JSON) to the scenario dict ``doc``: its lever
    changes as a new policy from time 0, and a new variant with that policy and the plan's
    policies. Returns (the new policy's id or None when it changes no lever, the variant's id)."""
    changes = [dict(c) for c in entry["changes"] if not _no_op(c)]
    policies = doc.setdefault("policies", [])
    if doc.get("variants") is None:  # the implied variants become explicit, unchanged
        doc["variants"] = [
            {"id": v.id, "name": v.name, "policies": list(v.policies)}
            for v in scenario.effective_variants
        ]
    policy_id = None
    if changes:
        policy_id = _fresh_id({p["id"] for p in policies}, "cheapest_plan")
        policies.append(
            {
                "id": policy_id,
                "name": PLAN_NAME,
                "description": "Found by Decide › Find the cheapest plan: "
                + plan_text(scenario, {"changes": changes, "policies": []}),
                "changes": changes,
            }
        )
    variant_id = _fresh_id({v["id"] for v in doc["variants"]}, "cheapest_plan")
    doc["variants"].append(
        {
            "id": variant_id,
            "name": PLAN_NAME,
            "policies": ([policy_id] if policy_id else []) + list(entry["policies"]),
        }
    )
    return policy_id, variant_id


class OptimiseDialog(DecideDialog):
    title = "Find the cheapest plan"
    intro = (
        "The cheapest combination of the file's decisions (lever ranges and policies on or off) "
        "that meets every service's target in enough runs. Clearly failing or clearly dearer "
        "plans are dropped after a few replications; the rest get more where it matters (OCBA)."
    )
    apply_text = "A&dd to scenario"

    def settings(self, row: QHBoxLayout) -> None:
        self.budget = self.number_setting(
            row,
            "&Budget:",
            (10, 100_000),
            1000,
            ("Budget", "The most replications it may run in all"),
            " replications",
        )

    def build_body(self, body: QVBoxLayout) -> None:
        top = QHBoxLayout()
        self.decisions_label = QLabel(self)
        self.decisions_label.setTextFormat(Qt.TextFormat.PlainText)
        self.decisions_label.setWordWrap(True)
        self.decisions_label.setAccessibleName("The decisions sought over")
        edit = QPushButton("Change them in the &Edit view", self)
        a11y(edit, "Change the decisions", "The decisions are part of the scenario: edit them there")
        edit.clicked.connect(self._go_to_editor)
        top.addWidget(self.decisions_label, 1)
        top.addWidget(edit)
        body.addLayout(top)
        self.best_label = QLabel(self)
        self.best_label.setTextFormat(Qt.TextFormat.PlainText)
        self.best_label.setWordWrap(True)
        self.best_label.setAccessibleName("The best plan")
        font = self.best_label.font()
        font.setBold(True)
        self.best_label.setFont(font)
        body.addWidget(self.best_label)
        split = QSplitter(Qt.Orientation.Vertical, self)
        self.plot = plot_widget(split, "Cost against targets met")
        self.table = QTableWidget(0, len(COLUMNS), split)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        a11y(self.table, "Plans evaluated", "Every plan tried, cheapest meeting the targets first")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        split.addWidget(self.plot)
        split.addWidget(self.table)
        split.setSizes([380, 300])
        body.addWidget(split, 1)
        self.refresh_decisions()

    def refresh_decisions(self) -> None:
        d = self.scenario.decisions
        if d is None or (not d.levers and not d.policies):
            self.decisions_label.setText("This scenario states no decisions to seek over.")
            return
        names = {p.id: p.name for p in self.scenario.policies}
        levers = [
            f"{lv.lever.replace('_', ' ')} of {_who(self.scenario, lv.model_dump(exclude_none=True))} "
            f"{_range_text(lv)}"
            for lv in d.levers
        ]
        self.decisions_label.setText(
            f"Levers: {', '.join(levers) or 'none'}. Policies on or off: "
            f"{', '.join(names.get(p, p) for p in d.policies) or 'none'}. "
            f"Every target met in {d.confidence:.0%} of runs."
        )

    def _go_to_editor(self) -> None:
        tabs, editor = getattr(self.window_, "tabs", None), getattr(self.window_, "editor", None)
        if tabs is not None and editor is not None:
            tabs.setCurrentWidget(editor)
            self.window_.raise_()

    def work(self) -> Callable[..., dict[str, Any]]:
        from mission_desktop.decide.optimise import optimise

        self.refresh_decisions()
        scenario, make, budget = self.scenario, self.executor_factory(), self.budget.value()

        def run(progress, cancel) -> dict[str, Any]:
            with make() as executor:
                return optimise(
                    scenario, budget=budget, executor=executor, progress=progress, cancel=cancel
                )

        return run

    def ranked(self, result: dict[str, Any]) -> list[dict[str, Any]]:
        """Plans meeting every target first, each group by mean cost."""
        return sorted(
            result["evaluated"], key=lambda e: (not e.get("meets"), e["cost"]["mean"])
        )

    def show_result(self, result: dict[str, Any]) -> None:
        best = result.get("best")
        if best is None:
            self.best_label.setText(f"No plan found: {result.get('message', '')}")
        else:
            self.best_label.setText(
                f"Cheapest plan meeting every target: {plan_text(self.scenario, best)} — mean total "
                f"cost {money(best['cost']['mean'])} (lowest share of runs meeting a target "
                f"{(lowest_share(best) or 0):.0%})."
            )
        note = f" {result['message']}" if best is not None and result.get("message") else ""
        self._say(
            f"{len(result['evaluated'])} plans evaluated with {result['replications']} replications "
            f"({result.get('method', '')}).{note}"
        )
        self.apply_button.setEnabled(best is not None)
        rows = self.ranked(result)
        self.table.setRowCount(len(rows))
        for i, e in enumerate(rows):
            share = lowest_share(e)
            cells = (
                plan_text(self.scenario, e) + (" (best)" if best is not None and e == best else ""),
                money(e["cost"]["mean"]),
                "not known" if share is None else f"{share:.0%}",
                "yes" if e.get("meets") else "no",
                str(e["replications"]),
            )
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        points = [
            {"cost": e["cost"]["mean"], "p_min": lowest_share(e) or 0.0, "meets": e.get("meets")}
            for e in rows
        ]
        star = None if best is None else {"cost": best["cost"]["mean"], "p_min": lowest_share(best) or 0.0}
        draw_frontier(self.plot, points, star)

    def apply(self) -> None:
        best = (self.result or {}).get("best")
        if best is None:
            return
        made: dict[str, Any] = {}

        def change(doc: dict[str, Any]) -> None:
            made["ids"] = add_plan(doc, self.scenario, best)

        if not self.edit_scenario(change, "Add the cheapest plan", "Not added"):
            return
        self.apply_button.setEnabled(False)
        self._say(f"Added the variant “{PLAN_NAME}” to the scenario (Undo takes it back).")
        self.applied.emit(made["ids"][1])
