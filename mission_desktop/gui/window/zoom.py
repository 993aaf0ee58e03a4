"""Presentation zoom: the application's text at 100–200%, remembered between sessions."""

from __future__ import annotations

from PySide6.QtGui import (
    QFont,
)
from PySide6.QtWidgets import (
    QApplication,
)

from mission_desktop.gui.shared.palette import FOCUS_STYLE
from mission_desktop.store import StoreError

ZOOM_STEPS = (100, 110, 125, 150, 175, 200)
#: the plots' own text size at 100% (the run view scales it with the presentation zoom)
PLOT_FONT_POINTS = 13
SETTING_ZOOM = "gui.zoom_percent"


class ZoomMixin:
    """Presentation zoom (mixed into MainWindow)."""

    # ================================================================= zoom
    def set_zoom(self, percent: int, persist: bool = True) -> None:
        """Presentation zoom: scales the application's font (100–200%); remembered."""
        percent = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], int(percent)))
        self.zoom_percent = percent
        font = QFont(self._base_font)
        size = self._base_font.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * percent / 100)
        else:
            font.setPixelSize(max(1, round(self._base_font.pixelSize() * percent / 100)))
        QApplication.setFont(font)
        # a style sheet stops the new font reaching the children: apply it afresh
        self.setStyleSheet("")
        self.setStyleSheet(FOCUS_STYLE)
        for view in (self.run_view, self.service_map):
            set_size = getattr(view, "set_font_size", None)
            if set_size is not None:
                set_size(round(PLOT_FONT_POINTS * percent / 100))
        action = getattr(self, "zoom_level_actions", {}).get(percent)
        if action is not None:
            action.setChecked(True)  # one group: the others untick
        if persist:
            try:
                self.library.set_setting(SETTING_ZOOM, percent)
            except StoreError:
                pass
        self.statusBar().showMessage(f"Zoom {percent}%", 2000)
        self.zoom_changed.emit(percent)

    def _restore_zoom(self) -> None:
        """The presentation zoom of the last session (kept in the library's settings)."""
        try:
            percent = self.library.get_setting(SETTING_ZOOM, 100)
        except StoreError:
            return
        if isinstance(percent, int | float) and int(percent) != 100:
            self.set_zoom(int(percent), persist=False)

    def zoom_in(self) -> None:
        bigger = [z for z in ZOOM_STEPS if z > self.zoom_percent]
        self.set_zoom(bigger[0] if bigger else ZOOM_STEPS[-1])

    def zoom_out(self) -> None:
        smaller = [z for z in ZOOM_STEPS if z < self.zoom_percent]
        self.set_zoom(smaller[-1] if smaller else ZOOM_STEPS[0])

    def zoom_reset(self) -> None:
        self.set_zoom(100)

