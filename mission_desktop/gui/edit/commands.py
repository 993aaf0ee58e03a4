"""Undo commands: every edit swaps one immutable scenario for another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:  # pragma: no cover
    from mission_desktop.gui.edit.document import ScenarioDocument
    from mission_desktop.model import Scenario


class ReplaceScenarioCommand(QUndoCommand):
    """Replace the document's scenario with ``new`` (redo) or ``old`` (undo).

    Both scenarios are immutable and already validated, so undo and redo cannot fail.
    """

    def __init__(self, document: ScenarioDocument, old: Scenario, new: Scenario, text: str):
        super().__init__(text)
        self._document = document
        self.old = old
        self.new = new

    def redo(self) -> None:
        self._document._set_scenario(self.new)

    def undo(self) -> None:
        self._document._set_scenario(self.old)
