"""Editor panels over the scenario being edited: every edit is validated and undoable."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from ..models import ScenarioDocument
from .cohorts import CohortsPanel
from .distribution import DistributionEditor
from .policies import PoliciesPanel
from .run_settings import RunSettingsPanel
from .services import ServicesPanel
from .variants import VariantsPanel

__all__ = [
    "CohortsPanel",
    "DistributionEditor",
    "EditorPanel",
    "PoliciesPanel",
    "RunSettingsPanel",
    "ServicesPanel",
    "VariantsPanel",
]


class EditorPanel(QTabWidget):
    """All editor panels as tabs: Services, Cohorts, Policies, Variants, Run settings."""

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.services = ServicesPanel(document, self)
        self.cohorts = CohortsPanel(document, self)
        self.policies = PoliciesPanel(document, self)
        self.variants = VariantsPanel(document, self)
        self.run_settings = RunSettingsPanel(document, self)
        self.addTab(self.services, "&Services")
        self.addTab(self.cohorts, "C&ohorts")
        self.addTab(self.policies, "&Policies")
        self.addTab(self.variants, "&Variants")
        self.addTab(self.run_settings, "Scenario && r&un settings")
        self.setAccessibleName("Scenario editor")
        self.setToolTip("Edit the scenario: services, cohorts, policies, variants, run settings")
