"""Presentation mode (F11): the live map, the live plots and the results, one at a time and
full screen, readable on a projector at 1280 × 720.

Everything else (library, menus, toolbar, status bar, run controls) steps aside; the text
grows to at least :data:`PRESENTATION_ZOOM` percent; Page Down / Page Up (a presenter's
clicker) move between the slides; F11 or Esc gives back the window as it was, zoom included.
The run keys (F5, F6, Shift+F5) keep working."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QKeySequence

#: the smallest zoom in presentation mode: at 1280 × 720 the map's names and the plots'
#: axes stay readable from the back of a room
PRESENTATION_ZOOM = 150


@dataclass(frozen=True)
class _Before:
    """What presentation mode changed, to give it back."""

    window_state: Qt.WindowState
    geometry: QRect
    zoom: int
    tab: int
    library: bool
    menus: bool
    toolbar: bool
    status: bool


class PresentationMixin:
    """Presentation mode (mixed into MainWindow)."""

    _before_presenting: _Before | None = None

    def _build_presentation_actions(self) -> None:
        self.presentation_action = QAction("&Presentation mode", self)
        self.presentation_action.setCheckable(True)
        self.presentation_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.presentation_action.setStatusTip(
            "The live map and plots full screen, in large type (F11 or Esc to leave)"
        )
        self.presentation_action.setToolTip("Presentation mode (F11)")
        self.presentation_action.triggered.connect(self.set_presentation)
        self.addAction(self.presentation_action)
        # only while presenting (when the fields that use these keys are hidden): Esc leaves
        # presentation mode (it never stops a run); a presenter's clicker sends Page Down /
        # Page Up: the next or previous slide
        self.leave_presentation_action = QAction("Leave presentation mode", self)
        self.leave_presentation_action.triggered.connect(lambda: self.set_presentation(False))
        self.next_slide_action = QAction("Next slide", self)
        self.next_slide_action.triggered.connect(lambda: self.run_view.next_slide(1))
        self.previous_slide_action = QAction("Previous slide", self)
        self.previous_slide_action.triggered.connect(lambda: self.run_view.next_slide(-1))
        self._presenting_keys = {
            self.leave_presentation_action: Qt.Key.Key_Escape,
            self.next_slide_action: Qt.Key.Key_PageDown,
            self.previous_slide_action: Qt.Key.Key_PageUp,
        }
        for action in self._presenting_keys:
            action.setEnabled(False)
            self.addAction(action)

    @property
    def presenting(self) -> bool:
        return self._before_presenting is not None

    def toggle_presentation(self) -> None:
        self.set_presentation(not self.presenting)

    def set_presentation(self, on: bool) -> None:
        on = bool(on)
        if on == self.presenting:
            self.presentation_action.setChecked(on)
            return
        if on:
            self.build_run_view()  # presenting shows it: in place now if the start deferred it
            self._before_presenting = _Before(
                window_state=self.windowState(),
                geometry=self.geometry(),
                zoom=self.zoom_percent,
                tab=self.tabs.currentIndex(),
                library=self.splitter.widget(0).isVisible(),
                menus=self.menuBar().isVisible(),
                toolbar=self.toolbar.isVisible(),
                status=self.statusBar().isVisible(),
            )
            self.tabs.setCurrentWidget(self.run_view)
            self.tabs.tabBar().hide()
            self.splitter.widget(0).hide()
            self.menuBar().hide()
            self.toolbar.hide()
            self.statusBar().hide()
            self.run_view.set_presentation(True)
            if self.zoom_percent < PRESENTATION_ZOOM:
                self.set_zoom(PRESENTATION_ZOOM, persist=False)
            screen = self.screen()
            if screen is not None:  # without a window manager, full screen is only a wish
                self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            before = self._before_presenting
            self._before_presenting = None
            self.run_view.set_presentation(False)
            self.tabs.tabBar().show()
            self.splitter.widget(0).setVisible(before.library)
            self.menuBar().setVisible(before.menus)
            self.toolbar.setVisible(before.toolbar)
            self.statusBar().setVisible(before.status)
            self.tabs.setCurrentIndex(before.tab)
            if self.zoom_percent != before.zoom:
                self.set_zoom(before.zoom, persist=False)
            self.setWindowState(before.window_state)
            if not before.window_state & (
                Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
            ):
                self.setGeometry(before.geometry)
        self.presentation_action.setChecked(on)
        for action, key in self._presenting_keys.items():
            action.setShortcut(QKeySequence(key) if on else QKeySequence())
            action.setEnabled(on)
