"""Editor panels over the scenario being edited: every edit is validated and undoable."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from mission_desktop.gui.edit.assumptions import AssumptionsPanel
from mission_desktop.gui.edit.cohorts import CohortsPanel
from mission_desktop.gui.edit.decisions import DecisionsPanel
from mission_desktop.gui.edit.distribution import DistributionEditor
from mission_desktop.gui.edit.document import ScenarioDocument
from mission_desktop.gui.edit.policies import PoliciesPanel
from mission_desktop.gui.edit.run_settings import RunSettingsPanel
from mission_desktop.gui.edit.services import ServicesPanel
from mission_desktop.gui.edit.variants import VariantsPanel

__all__ = [
    "AssumptionsPanel",
    "CohortsPanel",
    "DecisionsPanel",
    "DistributionEditor",
    "EditorPanel",
    "PoliciesPanel",
    "RunSettingsPanel",
    "ServicesPanel",
    "VariantsPanel",
]


class EditorPanel(QTabWidget):
    """All editor panels as tabs: Services, Cohorts, Policies, Variants, Run settings,
    Assumptions, Decisions."""

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.services = ServicesPanel(document, self)
        self.cohorts = CohortsPanel(document, self)
        self.policies = PoliciesPanel(document, self)
        self.variants = VariantsPanel(document, self)
        self.run_settings = RunSettingsPanel(document, self)
        self.assumptions = AssumptionsPanel(document, self)
        self.decisions = DecisionsPanel(document, self)
        self.addTab(self.services, "&Services")
        self.addTab(self.cohorts, "C&ohorts")
        self.addTab(self.policies, "&Policies")
        self.addTab(self.variants, "&Variants")
        self.addTab(self.run_settings, "Scenario && r&un settings")
        self.addTab(self.assumptions, "Assumpt&ions")
        self.addTab(self.decisions, "Decisio&ns")
        self.setAccessibleName("Scenario editor")
        self.setToolTip(
            "Edit the scenario: services, cohorts, policies, variants, run settings, "
            "assumptions and decisions"
        )
