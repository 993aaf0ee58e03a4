"""A results page built when it is first shown after a run (the Costs and Cohorts pages),
so the end of a run never waits for it: a scroll area over one column of widgets, remade
whole each time it is built, that says in words when there is nothing to show."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from mission_desktop.gui.run.result_table import plain_label


class LazyResultsPage(QScrollArea):
    """A subclass says :attr:`waiting_text`, forgets its widgets in :meth:`_forget` and
    fills the page in :meth:`_build` (from :meth:`_body`, or :meth:`_show_message`)."""

    #: what the page says before a run
    waiting_text = ""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(accessible_name)
        self._scenario: Any = None
        self._results: dict | None = None
        self._built = False
        self._font_pt = 11
        self._show_message(self.waiting_text)

    # the run view's calls (the same as the Results page's)
    def set_scenario(self, scenario) -> None:
        self._scenario = scenario
        self.clear()

    def clear(self) -> None:
        self._results = None
        self._show_message(self.waiting_text)

    def set_font_size(self, points: int) -> None:
        self._font_pt = max(int(points), 6)
        self.rebuild()

    def show_results(self, results: dict) -> None:
        self._results = results
        self.rebuild()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.ensure_built()

    def rebuild(self) -> None:
        """Build again: now if the page is shown, else when it next is."""
        self._built = False
        if self.isVisible():
            self.ensure_built()

    def ensure_built(self) -> None:
        """Build the page now (if results came, or what it shows changed, since last built)."""
        if self._built or self._results is None:
            return
        self._build(self._results)
        self._built = True

    # ----------------------------------------------------------------- for subclasses
    def _forget(self) -> None:
        """Let go of the widgets of the page being replaced."""

    def _build(self, results: dict) -> None:
        raise NotImplementedError

    def _body(self) -> QVBoxLayout:
        """A new, empty page; its layout."""
        self._forget()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setSpacing(10)
        self.setWidget(body)
        return layout

    def _show_message(self, text: str) -> None:
        layout = self._body()
        label = plain_label(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
        self._built = True
