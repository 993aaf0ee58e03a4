"""The scenario being edited: its undo stack, and edits validated as a file would be.

The :class:`ScenarioDocument` holds the scenario being edited and its undo stack. An edit
is a function applied to the scenario's canonical dict; the new dict is validated exactly
as a file would be (``scenario_from_dict``), and only a valid result is pushed onto the undo
stack. An invalid edit changes nothing and hands back its problems, each with its place, so
the editor can show the message at the field.

Beside it: the table model over a list in the scenario (table_model.py), paths to a place in
the scenario's dict (paths.py), new and renamed ids (references.py) and cell texts
(describe.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from mission_desktop.gui.edit.commands import ReplaceScenarioCommand
from mission_desktop.model import Problem, Scenario, ScenarioError, scenario_from_dict
from mission_desktop.model import scenario_to_dict as _to_dict

ProblemList = tuple[Problem, ...]


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A deep, freely editable copy of the scenario's canonical dict."""
    return copy.deepcopy(_to_dict(scenario))


# --------------------------------------------------------------------------- document


class ScenarioDocument(QObject):
    """The scenario being edited, its undo stack, and validated edits."""

    #: the scenario changed (an edit, undo, redo, or a new scenario loaded)
    scenario_changed = Signal(object)
    #: an edit was refused; carries the tuple of problems
    edit_rejected = Signal(object)

    def __init__(self, scenario: Scenario, parent: QObject | None = None):
        super().__init__(parent)
        self._scenario = scenario
        self.undo_stack = QUndoStack(self)

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    def to_dict(self) -> dict[str, Any]:
        return scenario_to_dict(self._scenario)

    def reset(self, scenario: Scenario) -> None:
        """Load a different scenario: the undo history starts again and the state is clean."""
        self.undo_stack.clear()
        self._set_scenario(scenario)
        self.undo_stack.setClean()

    def _set_scenario(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self.scenario_changed.emit(scenario)

    def validate(self, doc: dict[str, Any]) -> Scenario | ProblemList:
        try:
            return scenario_from_dict(doc)
        except ScenarioError as e:
            return e.problems

    def apply(self, doc: dict[str, Any], text: str) -> ProblemList:
        """Validate ``doc``; if valid push it as an undoable edit. Returns the problems."""
        result = self.validate(doc)
        if not isinstance(result, Scenario):
            self.edit_rejected.emit(result)
            return result
        if result == self._scenario:
            return ()
        self.undo_stack.push(ReplaceScenarioCommand(self, self._scenario, result, text))
        return ()

    def replace(self, scenario: Scenario, text: str) -> None:
        """Push an already-validated scenario as an undoable edit (e.g. a recovered draft)."""
        if scenario != self._scenario:
            self.undo_stack.push(ReplaceScenarioCommand(self, self._scenario, scenario, text))

    def edit(self, change: Callable[[dict[str, Any]], None], text: str) -> ProblemList:
        """Apply ``change`` to a copy of the scenario's dict, validate, and push it."""
        doc = self.to_dict()
        try:
            change(doc)
        except _ValueProblem as e:
            problems = (Problem(e.path, e.message),)
            self.edit_rejected.emit(problems)
            return problems
        return self.apply(doc, text)


class _ValueProblem(Exception):
    """A value typed by the user that cannot even be put in the dict (e.g. 'abc' as a number)."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def value_problem(path: str, message: str) -> _ValueProblem:
    return _ValueProblem(path, message)


# --------------------------------------------------------------------------- parsing


def parse_number(text: Any, path: str, *, whole: bool = False, blank: Any = ...) -> Any:
    """A number typed in a cell. ``blank`` is what an empty cell means (if allowed)."""
    if isinstance(text, bool):
        raise _ValueProblem(path, "must be a number")
    if isinstance(text, int | float):
        value: float = text
    else:
        s = str(text).strip().replace(",", "")
        if s == "" or s.lower() in ("unlimited", "none", "-", "—"):
            if blank is not ...:
                return blank
            raise _ValueProblem(path, "must not be empty")
        try:
            value = float(s)
        except ValueError:
            what = "a whole number" if whole else "a number"
            hint = " (or leave it blank)" if blank is not ... else ""
            raise _ValueProblem(path, f"must be {what}{hint}") from None
    if whole:
        if float(value) != int(value):
            raise _ValueProblem(path, "must be a whole number")
        return int(value)
    return value
