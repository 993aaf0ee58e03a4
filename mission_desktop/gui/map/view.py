"""The service map: services as nodes, routes as arrows, and live queues during a run.

Nodes are coloured by department (Okabe–Ito, from :mod:`~mission_desktop.gui.shared.palette`) in a header band that
carries the service's name; the body says its capacity and, during a run, its queue as a
number *and* a word (light, building, heavy, severe) on a heat colour; servers held by
people waiting for a downstream place show a hatched pattern and an "N blocked" badge.
Colour is never the only signal. A legend in the scene explains the colours and patterns.

Drag nodes (or select one with Tab and move it with the arrow keys) to arrange the map; the
new positions are announced with ``layout_changed({service_id: [x, y]})`` for saving in
``scenario.ui["layout"]`` (positions are node centres).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPainter,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from mission_desktop.gui.map.drawing import COHORT_W, map_font
from mission_desktop.gui.map.items import CohortNode, RouteEdge, ServiceNode, node_height
from mission_desktop.gui.map.key import MapLegend
from mission_desktop.gui.shared.palette import NEUTRAL, department_colours
from mission_desktop.model.dates import time_with_date
from mission_desktop.report.map_layout import (
    NODE_H,
    NODE_W,
    auto_layout,
    format_probability,
    layout_spread,
    saved_layout,
    vertical_spread,
)
from mission_desktop.sim.snapshots import Snapshot

#: the text size the map's fonts are designed for (the presentation zoom's 100%)
BASE_FONT_POINTS = 13.0


class ServiceMapView(QGraphicsView):
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

    # ------------------------------------------------------------------ building
    @property
    def nodes(self) -> dict[str, ServiceNode]:
        return dict(self._nodes)

    def set_scenario(self, scenario) -> None:
        """Build the map: one node per service, cohort entry points, route arrows."""
        self._building = True
        scene = self.scene()
        scene.clear()
        self._nodes.clear()
        self._cohort_nodes.clear()
        self._edges.clear()
        self._cohort_only: list[tuple[str, str]] = []
        self._scenario = scenario
        self._last_snapshot = None
        colours = department_colours(s.department for s in scenario.services)
        saved = saved_layout(scenario)
        automatic = auto_layout(scenario)
        nodes = {
            s.id: ServiceNode(s, colours.get(s.department, NEUTRAL), self, self._text_scale)
            for s in scenario.services
        }
        tallest = max((n.height for n in nodes.values()), default=NODE_H)
        # a layout saved for smaller nodes is spread out (for display only) so names fit
        normal = max((node_height(s.name) for s in scenario.services), default=NODE_H)
        spread = layout_spread([saved[sid] for sid in nodes if sid in saved], normal)
        places = {
            sid: (saved[sid][0] * spread, saved[sid][1] * spread)
            if sid in saved
            else tuple(automatic[sid])
            for sid in nodes
        }
        # larger text (presentation zoom) makes nodes taller, never wider: the map spreads
        # only as much as they need not to touch, so once fitted its text reads larger
        grow = vertical_spread(list(places.values()), tallest) if self._text_scale != 1 else 1.0
        self._spread = (spread, spread * grow)
        for sid, node in nodes.items():
            x, y = places[sid]
            node.setPos(x, y * grow)
            scene.addItem(node)
            self._nodes[sid] = node
        # routes (a pair of opposite routes bends apart so both labels stay readable)
        pairs: set[tuple[str, str]] = set()
        for s in scenario.services:
            for r in s.routes:
                pairs.add((s.id, r.to))
        # a cohort's own routes: shown on hover, marked "*" on the arrow, never as long labels
        overrides: dict[tuple[str, str], list[str]] = {}
        override_p: dict[tuple[str, str], list[float]] = {}
        for c in scenario.cohorts:
            for sid, routes in c.routes.items():
                for r in routes:
                    if sid in self._nodes and r.to in self._nodes:
                        overrides.setdefault((sid, r.to), []).append(
                            f"{c.name}: {format_probability(r.p)}"
                        )
                        override_p.setdefault((sid, r.to), []).append(r.p)
                        if (sid, r.to) not in pairs and (sid, r.to) not in self._cohort_only:
                            self._cohort_only.append((sid, r.to))
        all_pairs = pairs | set(self._cohort_only)
        for s in scenario.services:
            for r in s.routes:
                if r.to in self._nodes:
                    label = format_probability(r.p)
                    name_to = self._nodes[r.to].service.name
                    tip = f"{s.name} → {name_to}: {label} of people leaving go here"
                    if (s.id, r.to) in overrides:
                        label += "*"
                        tip += "; differs for a cohort — " + "; ".join(overrides[(s.id, r.to)])
                    self._add_edge(s.id, r.to, label, all_pairs, tooltip=tip)
            if s.abandon_to in self._nodes:
                name_to = self._nodes[s.abandon_to].service.name
                self._add_edge(
                    s.id,
                    s.abandon_to,
                    "gave up",
                    all_pairs,
                    dashed=True,
                    tooltip=f"People who give up waiting at {s.name} go to {name_to}",
                )
        for sid, to in self._cohort_only:
            name_from, name_to = self._nodes[sid].service.name, self._nodes[to].service.name
            only = overrides[(sid, to)]
            self._add_edge(
                sid,
                to,
                format_probability(override_p[(sid, to)][0]) + "*"
                if len(only) == 1
                else "cohorts*",
                all_pairs,
                dashed=True,
                tooltip=f"{name_from} → {name_to}, only for one cohort: " + "; ".join(only),
            )
        # cohort entry points, each with labelled arrows (the split) to its entry services
        for c in scenario.cohorts:
            entries = [r for r in c.entry_routes() if r.to in self._nodes]
            split = ", ".join(
                f"{format_probability(r.p)} at {self._nodes[r.to].service.name}" for r in entries
            )
            cnode = CohortNode(c, split, self._text_scale)
            scene.addItem(cnode)
            self._cohort_nodes.append((cnode, [r.to for r in entries]))
            for r in entries:
                edge = RouteEdge(
                    cnode,
                    self._nodes[r.to],
                    format_probability(r.p),
                    tooltip=f"{c.name}: {format_probability(r.p)} arrive at "
                    f"{self._nodes[r.to].service.name}",
                    label_t=0.62,
                )
                if self._text_scale != 1:
                    edge.text_scale = self._text_scale
                    edge.update_geometry()
                scene.addItem(edge)
                self._edges.append(edge)
        self._place_cohorts()
        self._refresh_edges()
        self._departments = (
            dict(colours.items()) if any(s.department for s in scenario.services) else {}
        )
        self._legend = MapLegend()
        self._legend.set_departments(self._departments)
        self._legend.setVisible(self._show_legend)
        scene.addItem(self._legend)
        self._title = scene.addSimpleText("")
        self._title.setFont(map_font(13 * self._text_scale, bold=True))
        self._title.setZValue(3)
        self._place_decorations()
        self._building = False
        self._moved = False
        self._auto_fit = True
        self.fit_map()

    def _add_edge(
        self, a: str, b: str, label: str, pairs, dashed: bool = False, tooltip: str = ""
    ) -> None:
        bend = 28.0 if (b, a) in pairs and a != b else 0.0
        edge = RouteEdge(
            self._nodes[a], self._nodes[b], label, dashed=dashed, bend=bend, tooltip=tooltip
        )
        if self._text_scale != 1:
            edge.text_scale = self._text_scale
            edge.update_geometry()
        self.scene().addItem(edge)
        self._edges.append(edge)

    @property
    def edges(self) -> list[RouteEdge]:
        return list(self._edges)

    def _refresh_edges(self) -> None:
        """Re-route every arrow, then slide labels along their arrows so none overlap."""
        for e in self._edges:
            e.label_t = e.preferred_t
            e.update_geometry()
        self._resolve_labels()

    def _resolve_labels(self) -> None:
        """Greedy: each label takes the first spot along its arrow (middle first) that
        overlaps no node and no label already placed; failing that, the least overlap."""
        obstacles = [n.mapRectToScene(n.rect()) for n in self._nodes.values()]
        obstacles += [c.sceneBoundingRect() for c, _ in self._cohort_nodes]
        placed: list[QRectF] = []

        def overlap(rect: QRectF) -> float:
            total = 0.0
            for other in obstacles + placed:
                inter = rect.intersected(other)
                if not inter.isEmpty():
                    total += inter.width() * inter.height()
            return total

        # loops and short arrows first: they have the fewest places to go
        order = sorted(
            (e for e in self._edges if e.label),
            key=lambda e: (not e.is_loop, e._path.length()),
        )
        for e in order:
            if e.is_loop:
                placed.append(e.label_rect())
                continue
            base = e.preferred_t
            offsets = (0.0, -0.12, 0.12, -0.22, 0.22, -0.3, 0.3, -0.36, 0.36)
            best_t, best = base, math.inf
            for off in offsets:
                t = min(max(base + off, 0.12), 0.88)
                cost = overlap(e.label_rect_at(t))
                if cost < best:
                    best_t, best = t, cost
                if cost == 0:
                    break
            e.set_label_t(best_t)
            placed.append(e.label_rect())

    def label_overlaps(self) -> list[tuple[str, str]]:
        """Pairs of arrow labels that overlap each other (tests: should be none)."""
        labelled = [e for e in self._edges if e.label]
        out = []
        for i, a in enumerate(labelled):
            for b in labelled[i + 1 :]:
                if a.label_rect().intersects(b.label_rect()):
                    out.append((a.label, b.label))
        return out

    def _place_cohorts(self) -> None:
        if not self._nodes:
            return
        min_x = min(n.pos().x() for n in self._nodes.values())
        wanted = []
        for cnode, entries in self._cohort_nodes:
            ys = [self._nodes[sid].pos().y() for sid in entries] or [0.0]
            wanted.append((sum(ys) / len(ys), cnode))
        # stack the cohorts in a column, centred on their entry services as a group
        gap = 40.0
        heights = [c.height for _, c in wanted]
        total = sum(heights) + gap * max(len(wanted) - 1, 0)
        centre = sum(y for y, _ in wanted) / len(wanted) if wanted else 0.0
        y = centre - total / 2
        for (_, cnode), h in zip(wanted, heights, strict=True):
            cnode.setPos(min_x - NODE_W / 2 - 150 - COHORT_W / 2, y + h / 2)
            y += h + gap

    def _place_decorations(self) -> None:
        items = [n for n in self._nodes.values()] + [c for c, _ in self._cohort_nodes]
        rect = QRectF()
        for it in items:
            rect = rect.united(it.sceneBoundingRect())
        for e in self._edges:
            rect = rect.united(e.sceneBoundingRect())
        self._legend.setPos(rect.left(), rect.bottom() + 30)
        if self._title is not None:
            self._title.setPos(rect.left(), rect.top() - 50)

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

    # ------------------------------------------------------------------ keyboard & view
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_map()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
        else:
            super().wheelEvent(event)

    def zoom(self, factor: float) -> None:
        self._auto_fit = False
        self.scale(factor, factor)

    def _ordered_nodes(self) -> list[ServiceNode]:
        return sorted(self._nodes.values(), key=lambda n: (n.pos().x(), n.pos().y()))

    def select_service(self, service_id: str) -> None:
        node = self._nodes[service_id]
        self.scene().clearSelection()
        node.setSelected(True)
        node.setFocus()
        self.ensureVisible(node)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt API
        """Tab walks the services; past the last one focus leaves the map."""
        nodes = self._ordered_nodes()
        if not nodes:
            return super().focusNextPrevChild(next)
        current = next_node = None
        selected = [n for n in nodes if n.isSelected()]
        if selected:
            current = nodes.index(selected[0])
        if current is None:
            next_node = nodes[0] if next else nodes[-1]
        else:
            i = current + (1 if next else -1)
            if 0 <= i < len(nodes):
                next_node = nodes[i]
        if next_node is None:
            self.scene().clearSelection()
            return super().focusNextPrevChild(next)
        self.select_service(next_node.service_id)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = event.key()
        step = 50.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 10.0
        moves = {
            Qt.Key.Key_Left: (-step, 0.0),
            Qt.Key.Key_Right: (step, 0.0),
            Qt.Key.Key_Up: (0.0, -step),
            Qt.Key.Key_Down: (0.0, step),
        }
        selected = [n for n in self.scene().selectedItems() if isinstance(n, ServiceNode)]
        if key in moves and selected:
            dx, dy = moves[key]
            for n in selected:
                n.moveBy(dx, dy)
            self._drag_finished()
            return
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.15)
            return
        if key == Qt.Key.Key_Minus:
            self.zoom(1 / 1.15)
            return
        if key == Qt.Key.Key_0:
            self._auto_fit = True
            self.fit_map()
            return
        super().keyPressEvent(event)
