"""The Live tab's split between the service map and the plots: the map gets the room it
needs to be drawn as large as the other direction allows, within :data:`MAP_SHARE`; a wide
map sits above the plots rather than beside them; once the user drags the splitter, their
split is kept. A mixin of :class:`~mission_desktop.gui.run.view.RunView` (which owns the
map, the plots, the splitter and its timer)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Slot

#: the share of the Live tab the service map may take, at least and at most (the plots
#: keep the rest): within these, the map gets the room it needs to be drawn full width
MAP_SHARE = (0.35, 0.6)


class LiveSplitMixin:
    """See the module docstring."""

    def map_share(self, width: float, height: float, plots_need: float = 0.0) -> float:
        """The share of a ``width`` × ``height`` Live tab to give the map: what it needs to
        be drawn as large as the other direction allows, within :data:`MAP_SHARE`, and
        (above the plots) leaving the plots ``plots_need`` pixels when it can."""
        bounds = self.service_map.fit_rect()
        lo, hi = MAP_SHARE
        if bounds.isEmpty() or width <= 0 or height <= 0:
            return lo
        frame = 2 * self.service_map.frameWidth() + 2
        key_h = self.map_key.heightForWidth(int(width)) + 2
        if self.live_splitter.orientation() == Qt.Orientation.Vertical:
            hi = max(lo, min(hi, 1.0 - plots_need / height))
            scale = (width - frame) / bounds.width()  # the most the map can use: full width
            need = bounds.height() * scale + frame + key_h
            return min(max(need / height, lo), hi)
        scale = (height - key_h - frame) / bounds.height()  # full height
        need = bounds.width() * scale + frame
        return min(max(need / width, lo), hi)

    def _plots_need(self, width: int) -> int:
        """The height the plots need to show every row without scrolling (about)."""
        scroll = getattr(self.plots, "scroll", None)
        inner = scroll.widget() if scroll is not None else None
        if inner is None:
            return 0
        if self.plots.isVisible():  # the metric selector and legend above the grid
            chrome = self.plots.height() - scroll.height()
            width = scroll.viewport().width()
        else:
            chrome = 80
        rows = inner.heightForWidth(width) if inner.hasHeightForWidth() else -1
        return max(chrome, 0) + max(rows, inner.minimumSizeHint().height()) + 4

    def _orient_live_split(self) -> None:
        """A wide map (a long chain of services) reads better above the plots than beside."""
        bounds = self.service_map.content_rect()
        wide = bounds.width() > 1.6 * max(bounds.height(), 1.0)
        self.live_splitter.setOrientation(
            Qt.Orientation.Vertical if wide else Qt.Orientation.Horizontal
        )

    def _apply_live_split(self) -> None:
        splitter = self.live_splitter
        if self._presenting:  # one pane at a time fills the screen
            return
        vertical = splitter.orientation() == Qt.Orientation.Vertical
        width = splitter.width() if splitter.width() > 100 else 1000
        height = splitter.height() if splitter.height() > 100 else 800
        share = self.map_share(width, height, self._plots_need(width) if vertical else 0)
        total = (height if vertical else width) - splitter.handleWidth()
        first = round(total * share)
        if splitter.sizes() != [first, max(total - first, 1)]:
            splitter.setSizes([first, max(total - first, 1)])

    @Slot()
    def _auto_split(self) -> None:
        if not self._user_split and self._scenario is not None:
            self._apply_live_split()

    @Slot(int, int)
    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._user_split = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            watched is self.live_splitter
            and event.type() in (QEvent.Type.Resize, QEvent.Type.Show)
            and not self._user_split
            and self._scenario is not None
        ):
            self._apply_live_split()
            self._split_timer.start()
        return super().eventFilter(watched, event)
