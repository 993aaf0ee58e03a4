"""Editor panels over the scenario being edited: every edit is validated and undoable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

from mission_desktop.gui.edit.document import ScenarioDocument
from mission_desktop.lazy import lazy_exports

if TYPE_CHECKING:  # imported when the panels are built (see EditorPanel)
    from mission_desktop.gui.edit.assumptions import AssumptionsPanel
    from mission_desktop.gui.edit.cohorts import CohortsPanel
    from mission_desktop.gui.edit.decisions import DecisionsPanel
    from mission_desktop.gui.edit.distribution import DistributionEditor
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


__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "AssumptionsPanel": "assumptions",
        "CohortsPanel": "cohorts",
        "DecisionsPanel": "decisions",
        "DistributionEditor": "distribution",
        "PoliciesPanel": "policies",
        "RunSettingsPanel": "run_settings",
        "ServicesPanel": "services",
        "VariantsPanel": "variants",
    },
)

#: the panels, in tab order: (attribute, tab text, class name)
PANELS = (
    ("services", "Servi&ces", "ServicesPanel"),
    ("cohorts", "C&ohorts", "CohortsPanel"),
    ("policies", "&Policies", "PoliciesPanel"),
    ("variants", "Varia&nts", "VariantsPanel"),
    ("run_settings", "Scenario && r&un settings", "RunSettingsPanel"),
    ("assumptions", "Assu&mptions", "AssumptionsPanel"),
    ("decisions", "&Decisions", "DecisionsPanel"),
)


def _panel(name: str) -> property:
    def get(self: EditorPanel) -> QWidget:
        return self.built_panels()[name]

    return property(get, doc=f"The {name.replace('_', ' ')} panel (built on first use).")


class EditorPanel(QTabWidget):
    """All editor panels as tabs: Services, Cohorts, Policies, Variants, Run settings,
    Assumptions, Decisions.

    The panels are built when the editor is first shown or a panel is first used (the Edit
    tab is hidden at start); each shows the document's scenario as it is then."""

    services = _panel("services")
    cohorts = _panel("cohorts")
    policies = _panel("policies")
    variants = _panel("variants")
    run_settings = _panel("run_settings")
    assumptions = _panel("assumptions")
    decisions = _panel("decisions")

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self._panels: dict[str, QWidget] = {}
        self.setAccessibleName("Scenario editor")
        self.setToolTip(
            "Edit the scenario: services, cohorts, policies, variants, run settings, "
            "assumptions and decisions"
        )

    def built_panels(self) -> dict[str, QWidget]:
        """The panels by attribute name, built now if they were not yet."""
        if not self._panels:
            for name, text, cls in PANELS:
                panel = __getattr__(cls)(self.document, self)
                self._panels[name] = panel
                self.addTab(panel, text)
        return self._panels

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.built_panels()
        super().showEvent(event)
