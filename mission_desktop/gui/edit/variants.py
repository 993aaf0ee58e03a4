"""Variants: what to compare, each a set of policies switched on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mission_desktop.gui.edit.document import ScenarioDocument
from mission_desktop.gui.edit.fields import InlineProblem, problem_text
from mission_desktop.gui.edit.list_editor import ListEditor
from mission_desktop.gui.edit.references import unique_id
from mission_desktop.gui.edit.services import _store_text
from mission_desktop.gui.edit.table_model import Column, ListTableModel
from mission_desktop.gui.shared.access import a11y


def variant_columns(document: ScenarioDocument) -> list[Column]:
    return [
        Column(
            "id",
            "Id",
            lambda v: v["id"],
            _store_text("id"),
            "Short id; 'baseline' is compared against",
        ),
        Column("name", "Name", lambda v: v["name"], _store_text("name"), "Name shown in results"),
        Column(
            "policies",
            "Policies switched on",
            lambda v: ", ".join(v.get("policies", [])) or "none",
            None,
            "Tick policies in the list below",
        ),
    ]


class VariantsPanel(QWidget):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.row = -1
        layout = QVBoxLayout(self)
        self.automatic = QCheckBox(
            "&Automatic: compare a baseline with no policies, then each policy on its own", self
        )
        a11y(
            self.automatic,
            "Automatic variants",
            "When ticked, the variants are a baseline and one per policy, in file order",
        )
        self.automatic.toggled.connect(self._on_automatic)
        layout.addWidget(self.automatic)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        layout.addWidget(splitter, 1)
        self.model = ListTableModel(
            document, "variants", variant_columns(document), "variant", self
        )
        self.table = ListEditor(self.model, "Variants", self._new_variant, self)
        splitter.addWidget(self.table)
        self.detail = QGroupBox("Policies in the selected variant", self)
        box = QVBoxLayout(self.detail)
        self.policies = QListWidget(self.detail)
        a11y(
            self.policies,
            "Policies in the selected variant",
            "Tick the policies switched on in this variant (Space toggles)",
        )
        self.policies.itemChanged.connect(self._on_policy_ticked)
        box.addWidget(self.policies)
        self.banner = InlineProblem(self.detail)
        box.addWidget(self.banner)
        splitter.addWidget(self.detail)
        self.table.current_row_changed.connect(self.show_variant)
        document.scenario_changed.connect(self._refresh)
        self._refresh(document.scenario)

    def _refresh(self, scenario: Any) -> None:
        automatic = scenario.variants is None
        self.automatic.blockSignals(True)
        self.automatic.setChecked(automatic)
        self.automatic.blockSignals(False)
        self.table.setEnabled(not automatic)
        if self.table.current_row() < 0 and not automatic:
            self.table.select_row(0)
        self.show_variant(self.table.current_row())

    def show_variant(self, row: int) -> None:
        scenario = self.document.scenario
        variants = scenario.variants or ()
        self.policies.blockSignals(True)
        self.policies.clear()
        if scenario.variants is None:
            self.row = -1
            self.detail.setTitle("Automatic variants")
            for v in scenario.effective_variants:
                item = QListWidgetItem(f"{v.name}: {', '.join(v.policies) or 'no policies'}")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.policies.addItem(item)
            self.policies.blockSignals(False)
            return
        if row < 0 or row >= len(variants):
            self.row = -1
            self.detail.setTitle("Policies in the selected variant: none selected")
            self.policies.blockSignals(False)
            return
        self.row = row
        variant = variants[row]
        self.detail.setTitle(f"Policies in {variant.name} ({variant.id})")
        for p in scenario.policies:
            item = QListWidgetItem(f"{p.name} ({p.id})")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsSelectable
            )
            on = p.id in variant.policies
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "switched on" if on else "off")
            self.policies.addItem(item)
        self.policies.blockSignals(False)
        self.banner.clear()

    def _on_policy_ticked(self, _item: QListWidgetItem) -> None:
        row = self.row
        if row < 0:
            return
        chosen = [
            self.policies.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.policies.count())
            if self.policies.item(i).checkState() == Qt.CheckState.Checked
        ]

        def change(doc: dict[str, Any]) -> None:
            doc["variants"][row]["policies"] = chosen

        problems = self.document.edit(change, "Change policies in variant")
        if problems:
            self.banner.show_message(problem_text(problems))

    def _on_automatic(self, checked: bool) -> None:
        scenario = self.document.scenario

        def change(doc: dict[str, Any]) -> None:
            if checked:
                doc.pop("variants", None)
            else:
                doc["variants"] = [
                    {"id": v.id, "name": v.name, "policies": list(v.policies)}
                    for v in scenario.effective_variants
                ]

        problems = self.document.edit(
            change, "Use automatic variants" if checked else "Choose variants by hand"
        )
        if problems:
            self.banner.show_message(problem_text(problems))

    def _new_variant(self) -> dict[str, Any] | None:
        taken = {v.id for v in self.document.scenario.effective_variants}
        return {"id": unique_id("variant", taken), "name": "New variant", "policies": []}
