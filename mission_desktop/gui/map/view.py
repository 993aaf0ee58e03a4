"""The service map: services as nodes, routes as arrows, and live queues during a run.

Nodes are coloured by department (Okabe–Ito, from :mod:`~mission_desktop.gui.shared.palette`) in a header band that
carries the service's name; the body says its capacity and, during a run, its queue as a
number *and* a word (light, building, heavy, severe) on a heat colour; servers held by
people waiting for a downstream place show a hatched pattern and an "N blocked" badge.
Colour is never the only signal. A legend in the scene explains the colours and patterns.

Drag nodes (or select one with Tab and move it with the arrow keys) to arrange the map; the
new positions are announced with ``layout_changed({service_id: [x, y]})`` for saving in
``scenario.ui["layout"]`` (positions are node centres).

Building the scene from a scenario is in building.py, the keyboard and the wheel in
navigation.py (mixins of :class:`ServiceMapView`).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from mission_desktop.gui.map.building import MapBuildingMixin
from mission_desktop.gui.map.items import CohortNode, RouteEdge, ServiceNode
from mission_desktop.gui.map.key import MapLegend
from mission_desktop.gui.map.navigation import MapNavigationMixin
from mission_desktop.model.dates import time_with_date
from mission_desktop.sim.snapshots import Snapshot

#: the text size the map's fonts are designed for (the presentation zoom's 100%)
BASE_FONT_POINTS = 13.0


class ServiceMapView(MapBuildingMixin, MapNavigationMixin, QGraphicsView):
    """The map of services; see the module docstring."""

    layout_changed = Signal(dict)
    #: the keyboard or mouse selected a service (its id)
    service_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(QColor("#FAFAFA"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setAccessibleName("Service map")
        self.setAccessibleDescription(
            "Services and the routes between them. Tab selects a service; arrow keys move it "
            "(Shift for larger steps); plus and minus zoom; 0 fits the map to the window."
        )
        self._scenario = None
        self._nodes: dict[str, ServiceNode] = {}
        self._cohort_nodes: list[tuple[CohortNode, list[str]]] = []
        self._edges: list[RouteEdge] = []
        self._legend = MapLegend()
        self._show_legend = True
        self._departments: dict[str, str] = {}
        self._title = None
        self._variant_id: str | None = None
        self._moved = False
        self._building = False
        self._auto_fit = True
        self._last_snapshot: Snapshot | None = None
        #: (x, y) stretch of the saved layout on screen (for display only)
        self._spread = (1.0, 1.0)
        #: text (and so node) size relative to normal: the presentation zoom
        self._text_scale = 1.0

    # ------------------------------------------------------------------ legend
    def show_legend(self, shown: bool) -> None:
        """Show or hide the in-scene "How to read the map" legend (shown by default).

        Hidden, it takes no room: the map is fitted without it, so it is drawn larger (for
        a small view with a compact :class:`MapKey` beside it). PNG exports always carry it.
        """
        shown = bool(shown)
        if shown == self._show_legend:
            return
        self._show_legend = shown
        self._legend.setVisible(shown)
        if self._auto_fit:
            self.fit_map()

    @property
    def legend_shown(self) -> bool:
        return self._show_legend

    @property
    def department_colours(self) -> dict[str, str]:
        """Department → colour of the node headers ({} when the scenario names none)."""
        return dict(self._departments)

    def content_rect(self) -> QRectF:
        """The scene rectangle of everything visible on the map (not a hidden legend)."""
        items: list[QGraphicsItem] = [*self._nodes.values(), *self._edges]
        items += [c for c, _ in self._cohort_nodes]
        if self._title is not None:
            items.append(self._title)
        if self._show_legend and self._legend.scene() is self.scene():
            items.append(self._legend)
        rect = QRectF()
        for item in items:
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def fit_rect(self) -> QRectF:
        """What :meth:`fit_map` fits into the view: the content rectangle with a margin."""
        rect = self.content_rect()
        if rect.isEmpty():
            return rect
        margin = 20 + 0.03 * max(rect.width(), rect.height())
        return rect.adjusted(-margin, -margin, margin, margin)

    def fit_map(self) -> None:
        """Show the whole map, with a margin, as large as the view allows."""
        scene = self.scene()
        rect = self.fit_rect()
        if rect.isEmpty():
            return
        scene.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._auto_fit:
            self.fit_map()

    # ------------------------------------------------------------------ layout
    def layout(self) -> dict[str, list[float]]:  # type: ignore[override]
        """Service id → [x, y] (node centres), as saved in ``scenario.ui["layout"]``."""
        kx, ky = self._spread
        return {
            sid: [round(n.pos().x() / kx, 1), round(n.pos().y() / ky, 1)]
            for sid, n in self._nodes.items()
        }

    def _node_moved(self, node: ServiceNode) -> None:
        if self._building:
            return
        for e in self._edges:
            if e.source is node or e.target is node:
                e.update_geometry()
        self._moved = True

    def _node_selected(self, node: ServiceNode) -> None:
        self.setAccessibleDescription(node.describe())
        self.service_selected.emit(node.service_id)

    def _drag_finished(self) -> None:
        if self._moved:
            self._moved = False
            self._place_cohorts()
            self._refresh_edges()
            self._place_decorations()
            self.layout_changed.emit(self.layout())

    # ------------------------------------------------------------------ live
    def set_variant(self, variant_id: str | None) -> None:
        """Which variant's live snapshots the map shows."""
        if variant_id != self._variant_id:
            self._variant_id = variant_id
            self.clear_live()

    @property
    def variant_id(self) -> str | None:
        return self._variant_id

    def clear_live(self) -> None:
        for node in self._nodes.values():
            node.set_live(None)
        self._last_snapshot = None
        if self._title is not None:
            self._title.setText("")

    def update_snapshot(self, snapshot: Snapshot) -> None:
        """Show a live snapshot (of the variant chosen with set_variant; others ignored)."""
        if self._variant_id is None:
            self._variant_id = snapshot.variant_id
        if snapshot.variant_id != self._variant_id:
            return
        self._last_snapshot = snapshot
        for svc in snapshot.services:
            node = self._nodes.get(svc.id)
            if node is not None:
                node.set_live(svc)
        if self._title is not None and self._scenario is not None:
            name = snapshot.variant_id
            try:
                name = self._scenario.variant(snapshot.variant_id).name
            except KeyError:
                pass
            when = time_with_date(self._scenario, snapshot.time)  # day 90 (30 Jun 2027)
            self._title.setText(
                f"{name} — {when} of {snapshot.horizon:,.0f}"
                + (" (finished)" if snapshot.done else "")
            )

    def set_font_size(self, points: float) -> None:
        """The presentation zoom: map text (and nodes with it) at ``points`` / 13 of normal
        size. The map is rebuilt at the new size and keeps its live state."""
        scale = max(0.5, min(3.0, points / BASE_FONT_POINTS))
        if abs(scale - self._text_scale) < 1e-9:
            return
        self._text_scale = scale
        if self._scenario is not None:
            snapshot = self._last_snapshot
            self.set_scenario(self._scenario)
            if snapshot is not None:
                self.update_snapshot(snapshot)

    @property
    def text_scale(self) -> float:
        return self._text_scale

    def queue_label(self, service_id: str) -> str:
        """The live queue text shown on a service's node ('' before a run)."""
        return self._nodes[service_id].queue_text()

    # ------------------------------------------------------------------ export
    def export_png(self, path: str, scale: float = 2.0) -> bool:
        """Render the whole map (not only what is visible) to a PNG file at slide
        resolution (at least 1920 pixels wide), titled with the scenario's name."""
        from mission_desktop.gui.map.export import render_map

        selected = self.scene().selectedItems()
        for it in selected:
            it.setSelected(False)
        self._legend.setVisible(True)  # an exported map explains itself
        try:
            image = render_map(self, scale=scale)
        finally:
            self._legend.setVisible(self._show_legend)
            for it in selected:
                it.setSelected(True)
        return not image.isNull() and image.save(str(path), "PNG")

    # ------------------------------------------------------------------ view
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_map()

