"""The service map: services as nodes, routes as arrows, and live queues during a run.

Nodes are coloured by department (Okabe–Ito, from :mod:`.palette`) in a header band that
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
from collections import deque

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from mission_desktop.sim.snapshots import ServiceSnapshot, Snapshot

from .palette import HEAT_STEPS, NEUTRAL, department_colours, heat

NODE_W, NODE_H = 190.0, 96.0
HEADER_H = 32.0
COHORT_W, COHORT_H = 150.0, 40.0
LAYER_DX, ROW_DY = 290.0, 150.0
TEXT = QColor("#111111")
#: a queue of this many people per server counts as "severe"
SEVERE_QUEUE_PER_SERVER = 2.0


def queue_pressure(waiting: int, capacity: int | None) -> float:
    """Queue pressure in [0, 1] for the heat scale: people waiting per server, scaled.

    Any queue at all is at least "light", so the word never says "no queue" when people wait.
    """
    if waiting <= 0:
        return 0.0
    if not capacity:
        return 1.0
    return max(min(waiting / capacity / SEVERE_QUEUE_PER_SERVER, 1.0), 0.25)


def _text_colour_on(background: str) -> QColor:
    c = QColor(background)
    luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()
    return QColor("#000000") if luminance > 0.45 else QColor("#FFFFFF")


def _font(points: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(points)
    f.setBold(bold)
    return f


def _elide(text: str, font: QFont, width: float) -> str:
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width)


class ServiceNode(QGraphicsItem):
    """One service: a rounded rectangle, draggable, focusable."""

    def __init__(self, service, colour: str, owner: ServiceMapView) -> None:
        super().__init__()
        self.service = service
        self.service_id: str = service.id
        self.colour = colour
        self._owner = owner
        self.waiting: int | None = None
        self.blocked = 0
        self.in_service = 0
        self.capacity: int | None = service.capacity
        self.heat_colour, self.heat_word = heat(0.0)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setZValue(2)
        self.setToolTip(self.describe())

    # ---------------------------------------------------------------- text
    def capacity_text(self) -> str:
        cap = self.capacity
        if cap is None:
            return "unlimited capacity"
        return f"capacity {cap}"

    def queue_text(self) -> str:
        if self.waiting is None:
            return ""
        return f"queue {self.waiting} · {self.heat_word}"

    def describe(self) -> str:
        parts = [self.service.name]
        if self.service.department:
            parts.append(self.service.department)
        parts.append(self.capacity_text())
        if self.waiting is not None:
            parts.append(f"{self.waiting} waiting ({self.heat_word})")
            parts.append(f"{self.in_service} in service")
            if self.blocked:
                parts.append(f"{self.blocked} blocked")
        return ", ".join(parts)

    # ---------------------------------------------------------------- live state
    def set_live(self, svc: ServiceSnapshot | None) -> bool:
        """Show a service snapshot (None clears). True if anything visible changed."""
        if svc is None:
            new = (None, 0, 0, self.service.capacity)
        else:
            new = (svc.waiting, svc.blocked, svc.in_service, svc.capacity)
        if new == (self.waiting, self.blocked, self.in_service, self.capacity):
            return False
        self.waiting, self.blocked, self.in_service, self.capacity = new
        if self.waiting is None:
            self.heat_colour, self.heat_word = heat(0.0)
        else:
            self.heat_colour, self.heat_word = heat(queue_pressure(self.waiting, self.capacity))
        self.setToolTip(self.describe())
        self.update()
        return True

    # ---------------------------------------------------------------- geometry
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(-NODE_W / 2 - 4, -NODE_H / 2 - 16, NODE_W + 8, NODE_H + 20)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(-NODE_W / 2, -NODE_H / 2, NODE_W, NODE_H), 12, 12)
        return path

    def rect(self) -> QRectF:
        return QRectF(-NODE_W / 2, -NODE_H / 2, NODE_W, NODE_H)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect()
        body = QPainterPath()
        body.addRoundedRect(r, 12, 12)
        # body: heat colour while running, white otherwise
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(self.heat_colour if self.waiting is not None else "#FFFFFF"))
        painter.drawPath(body)
        if self.blocked:
            painter.setBrush(QBrush(QColor("#333333"), Qt.BrushStyle.BDiagPattern))
            painter.drawPath(body)
        # header band in the department colour
        painter.save()
        painter.setClipRect(QRectF(r.left(), r.top(), r.width(), HEADER_H))
        painter.setBrush(QColor(self.colour))
        painter.drawPath(body)
        painter.restore()
        # outline: thicker when selected / focused
        selected = self.isSelected() or self.hasFocus()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#000000" if selected else "#444444"), 4 if selected else 1.5))
        painter.drawPath(body)
        # text
        name_font = _font(11, bold=True)
        painter.setFont(name_font)
        painter.setPen(_text_colour_on(self.colour))
        painter.drawText(
            QRectF(r.left() + 10, r.top(), r.width() - 20, HEADER_H),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            _elide(self.service.name, name_font, r.width() - 20),
        )
        body_font = _font(10)
        painter.setFont(body_font)
        if self.waiting is not None:  # a plate keeps the capacity readable on dark heat
            cap_w = QFontMetricsF(body_font).horizontalAdvance(self.capacity_text()) + 8
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawRoundedRect(
                QRectF(r.left() + 6, r.top() + HEADER_H + 4, min(cap_w, r.width() - 12), 20), 4, 4
            )
        painter.setPen(TEXT)
        painter.drawText(
            QRectF(r.left() + 10, r.top() + HEADER_H + 2, r.width() - 20, 24),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            _elide(self.capacity_text(), body_font, r.width() - 20),
        )
        if self.waiting is not None:
            queue_font = _font(11, bold=True)
            painter.setFont(queue_font)
            text_rect = QRectF(r.left() + 10, r.top() + HEADER_H + 26, r.width() - 20, 34)
            # a white plate behind the number keeps it readable on any heat colour/hatch
            fm = QFontMetricsF(queue_font)
            label = self.queue_text()
            plate = QRectF(
                text_rect.left() - 4,
                text_rect.center().y() - fm.height() / 2 - 1,
                min(fm.horizontalAdvance(label) + 8, text_rect.width() + 8),
                fm.height() + 2,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawRoundedRect(plate, 4, 4)
            painter.setPen(TEXT)
            painter.drawText(
                text_rect,
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                _elide(label, queue_font, r.width() - 20),
            )
        if self.blocked:
            badge_font = _font(10, bold=True)
            text = f"{self.blocked} blocked"
            w = QFontMetricsF(badge_font).horizontalAdvance(text) + 14
            badge = QRectF(r.right() - w + 4, r.top() - 14, w, 24)
            painter.setPen(QPen(QColor("#000000"), 1.5))
            painter.setBrush(QColor("#FFFFFF"))
            painter.drawRoundedRect(badge, 12, 12)
            painter.setBrush(QBrush(QColor("#999999"), Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(badge, 12, 12)
            painter.setFont(badge_font)
            painter.setPen(TEXT)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)

    # ---------------------------------------------------------------- interaction
    def itemChange(self, change, value):  # noqa: N802 - Qt API
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self._owner._node_moved(self)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged and value:
            self._owner._node_selected(self)
        return super().itemChange(change, value)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        super().mouseReleaseEvent(event)
        self._owner._drag_finished()


class CohortNode(QGraphicsItem):
    """A cohort's entry point: a small labelled pill left of its entry services."""

    def __init__(self, cohort) -> None:
        super().__init__()
        self.cohort = cohort
        self.setZValue(2)
        self.setToolTip(f"Cohort: {cohort.name} (arrivals {cohort.arrivals.rate:g} per time unit)")

    def rect(self) -> QRectF:
        return QRectF(-COHORT_W / 2, -COHORT_H / 2, COHORT_W, COHORT_H)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect().adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#444444"), 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(QColor("#EEEEEE"))
        painter.drawRoundedRect(self.rect(), COHORT_H / 2, COHORT_H / 2)
        font = _font(10)
        painter.setFont(font)
        painter.setPen(TEXT)
        painter.drawText(
            self.rect().adjusted(10, 0, -10, 0),
            Qt.AlignmentFlag.AlignCenter,
            _elide(self.cohort.name, font, COHORT_W - 20),
        )


def _border_point(center: QPointF, toward: QPointF, half_w: float, half_h: float) -> QPointF:
    """Where the line from ``center`` toward ``toward`` leaves a w×h box around center."""
    dx, dy = toward.x() - center.x(), toward.y() - center.y()
    if dx == 0 and dy == 0:
        return QPointF(center)
    scale = min(
        half_w / abs(dx) if dx else math.inf,
        half_h / abs(dy) if dy else math.inf,
    )
    return QPointF(center.x() + dx * scale, center.y() + dy * scale)


class RouteEdge(QGraphicsItem):
    """An arrow from one node to another (or a loop back to itself), with a label."""

    def __init__(self, source, target, label: str, *, dashed: bool = False, bend: float = 0.0):
        super().__init__()
        self.source, self.target = source, target
        self.label = label
        self.dashed = dashed
        self.bend = bend
        self.setZValue(1)
        self._path = QPainterPath()
        self._head = QPolygonF()
        self._label_pos = QPointF()
        self._bounds = QRectF()
        self.update_geometry()

    def _half(self, node) -> tuple[float, float]:
        r = node.rect()
        return r.width() / 2 + 4, r.height() / 2 + 4

    def update_geometry(self) -> None:
        self.prepareGeometryChange()
        a, b = self.source.pos(), self.target.pos()
        path = QPainterPath()
        if self.source is self.target:
            r = self.source.rect()
            start = QPointF(a.x() - 30, a.y() + r.top())
            end = QPointF(a.x() + 30, a.y() + r.top())
            path.moveTo(start)
            path.cubicTo(
                QPointF(start.x() - 30, start.y() - 70),
                QPointF(end.x() + 30, end.y() - 70),
                end,
            )
            tip, tangent_from = end, QPointF(end.x() + 20, end.y() - 40)
            self._label_pos = QPointF(a.x(), a.y() + r.top() - 58)
        else:
            mid = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
            dx, dy = b.x() - a.x(), b.y() - a.y()
            length = math.hypot(dx, dy) or 1.0
            normal = QPointF(-dy / length, dx / length)
            control = mid + normal * self.bend
            start = _border_point(a, control, *self._half(self.source))
            tip = _border_point(b, control, *self._half(self.target))
            path.moveTo(start)
            path.quadTo(control, tip)
            tangent_from = control
            self._label_pos = start * 0.25 + control * 0.5 + tip * 0.25  # curve midpoint
        self._path = path
        # arrow head
        ang = math.atan2(tip.y() - tangent_from.y(), tip.x() - tangent_from.x())
        size = 14.0
        left = QPointF(
            tip.x() - size * math.cos(ang - math.pi / 7),
            tip.y() - size * math.sin(ang - math.pi / 7),
        )
        right = QPointF(
            tip.x() - size * math.cos(ang + math.pi / 7),
            tip.y() - size * math.sin(ang + math.pi / 7),
        )
        self._head = QPolygonF([tip, left, right])
        fm = QFontMetricsF(_font(10, bold=True))
        w, h = fm.horizontalAdvance(self.label) + 10, fm.height() + 4
        self._label_rect = QRectF(self._label_pos.x() - w / 2, self._label_pos.y() - h / 2, w, h)
        self._bounds = (
            path.boundingRect()
            .united(self._head.boundingRect())
            .united(self._label_rect)
            .adjusted(-4, -4, 4, 4)
        )
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("#333333"), 2)
        if self.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#333333"))
        painter.drawPolygon(self._head)
        if self.label:
            painter.setPen(QPen(QColor("#666666"), 1))
            painter.setBrush(QColor(255, 255, 255, 235))
            painter.drawRoundedRect(self._label_rect, 5, 5)
            painter.setFont(_font(10, bold=True))
            painter.setPen(TEXT)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)


class MapLegend(QGraphicsItem):
    """Explains the heat colours (with words), the hatching and the department colours."""

    def __init__(self) -> None:
        super().__init__()
        self.departments: dict[str, str] = {}
        self.setZValue(3)
        self._size = QRectF()
        self._relayout()

    def set_departments(self, departments: dict[str, str]) -> None:
        self.departments = {(k or "No department"): v for k, v in departments.items()}
        self._relayout()

    def _rows(self) -> list[tuple[str, str, str]]:
        rows: list[tuple[str, str, str]] = []
        details = (
            "nobody waiting",
            "under 1 waiting per server",
            "1 or more waiting per server",
            "1.5 or more waiting per server",
            f"{SEVERE_QUEUE_PER_SERVER:g} or more waiting per server",
        )
        for (_, colour, word), detail in zip(HEAT_STEPS, details, strict=True):
            rows.append(("heat", colour, f"{word}: {detail}"))
        rows.append(("hatch", "#333333", "blocked servers (waiting for a place downstream)"))
        for dep, colour in self.departments.items():
            rows.append(("dept", colour, dep))
        return rows

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        fm = QFontMetricsF(_font(10))
        rows = self._rows()
        width = max([fm.horizontalAdvance(r[2]) for r in rows] + [200]) + 60
        self._size = QRectF(0, 0, width, 34 + 24 * len(rows) + 10)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._size.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(QPen(QColor("#888888"), 1))
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawRoundedRect(self._size, 6, 6)
        painter.setFont(_font(10, bold=True))
        painter.setPen(TEXT)
        painter.drawText(QRectF(10, 6, self._size.width() - 20, 22), "Queue now (word and colour)")
        painter.setFont(_font(10))
        y = 34.0
        for kind, colour, text in self._rows():
            swatch = QRectF(10, y + 2, 32, 18)
            painter.setPen(QPen(QColor("#444444"), 1))
            if kind == "hatch":
                painter.setBrush(QColor("#FFFFFF"))
                painter.drawRect(swatch)
                painter.setBrush(QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern))
            else:
                painter.setBrush(QColor(colour))
            painter.drawRoundedRect(swatch, 3, 3)
            painter.setPen(TEXT)
            label = text if kind != "dept" else f"department: {text}"
            painter.drawText(QRectF(50, y, self._size.width() - 60, 22), label)
            y += 24


def auto_layout(scenario) -> dict[str, list[float]]:
    """Layered left to right by breadth-first search from the cohorts' entry services."""
    ids = [s.id for s in scenario.services]
    edges: dict[str, list[str]] = {sid: [] for sid in ids}
    for s in scenario.services:
        for r in s.routes:
            if r.to in edges and r.to not in edges[s.id]:
                edges[s.id].append(r.to)
        if s.abandon_to in edges and s.abandon_to not in edges[s.id]:
            edges[s.id].append(s.abandon_to)
    for c in scenario.cohorts:
        for sid, routes in c.routes.items():
            for r in routes:
                if sid in edges and r.to in edges and r.to not in edges[sid]:
                    edges[sid].append(r.to)
    layer: dict[str, int] = {}
    queue: deque[str] = deque()
    for c in scenario.cohorts:
        for r in c.entry_routes():
            if r.to in edges and r.to not in layer:
                layer[r.to] = 0
                queue.append(r.to)
    while queue:
        sid = queue.popleft()
        for nxt in edges[sid]:
            if nxt not in layer:
                layer[nxt] = layer[sid] + 1
                queue.append(nxt)
    last = max(layer.values(), default=-1) + 1
    for sid in ids:  # services nobody reaches go in a column of their own
        layer.setdefault(sid, last)
    columns: dict[int, list[str]] = {}
    for sid in ids:
        columns.setdefault(layer[sid], []).append(sid)
    out: dict[str, list[float]] = {}
    for col, members in columns.items():
        top = -(len(members) - 1) * ROW_DY / 2
        for i, sid in enumerate(members):
            out[sid] = [col * LAYER_DX, top + i * ROW_DY]
    return out


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
        self._title = None
        self._variant_id: str | None = None
        self._moved = False
        self._building = False
        self._auto_fit = True
        self._last_snapshot: Snapshot | None = None

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
        self._scenario = scenario
        self._last_snapshot = None
        colours = department_colours(s.department for s in scenario.services)
        saved = (scenario.ui or {}).get("layout") or {}
        automatic = auto_layout(scenario)
        for s in scenario.services:
            node = ServiceNode(s, colours.get(s.department, NEUTRAL), self)
            pos = saved.get(s.id)
            if not (
                isinstance(pos, list | tuple)
                and len(pos) == 2
                and all(isinstance(v, int | float) and math.isfinite(v) for v in pos)
            ):
                pos = automatic[s.id]
            node.setPos(float(pos[0]), float(pos[1]))
            scene.addItem(node)
            self._nodes[s.id] = node
        # routes (a pair of opposite routes bends apart so both labels stay readable)
        pairs: set[tuple[str, str]] = set()
        for s in self._scenario.services:
            for r in s.routes:
                pairs.add((s.id, r.to))
        for s in scenario.services:
            for r in s.routes:
                if r.to in self._nodes:
                    self._add_edge(s.id, r.to, f"{r.p:.0%}", pairs)
            if s.abandon_to in self._nodes:
                self._add_edge(s.id, s.abandon_to, "gave up", pairs, dashed=True)
        for c in scenario.cohorts:
            for sid, routes in c.routes.items():
                for r in routes:
                    if sid in self._nodes and r.to in self._nodes and (sid, r.to) not in pairs:
                        label = f"{r.p:.0%} ({c.name})"
                        self._add_edge(sid, r.to, label, pairs, dashed=True)
        # cohort entry points
        for c in scenario.cohorts:
            entries = [r for r in c.entry_routes() if r.to in self._nodes]
            cnode = CohortNode(c)
            scene.addItem(cnode)
            self._cohort_nodes.append((cnode, [r.to for r in entries]))
            for r in entries:
                label = "" if r.p >= 1 else f"{r.p:.0%}"
                edge = RouteEdge(cnode, self._nodes[r.to], label, dashed=False)
                scene.addItem(edge)
                self._edges.append(edge)
        self._place_cohorts()
        self._legend = MapLegend()
        self._legend.set_departments(
            {dep: colour for dep, colour in colours.items()}
            if any(s.department for s in scenario.services)
            else {}
        )
        scene.addItem(self._legend)
        self._title = scene.addSimpleText("")
        self._title.setFont(_font(13, bold=True))
        self._title.setZValue(3)
        self._place_decorations()
        self._building = False
        self._moved = False
        self._auto_fit = True
        self.fit_map()

    def _add_edge(self, a: str, b: str, label: str, pairs, dashed: bool = False) -> None:
        bend = 28.0 if (b, a) in pairs and a != b else 0.0
        edge = RouteEdge(self._nodes[a], self._nodes[b], label, dashed=dashed, bend=bend)
        self.scene().addItem(edge)
        self._edges.append(edge)

    def _place_cohorts(self) -> None:
        if not self._nodes:
            return
        min_x = min(n.pos().x() for n in self._nodes.values())
        used: list[float] = []
        for cnode, entries in self._cohort_nodes:
            ys = [self._nodes[sid].pos().y() for sid in entries] or [0.0]
            y = sum(ys) / len(ys)
            while any(abs(y - u) < COHORT_H + 10 for u in used):
                y += COHORT_H + 12
            used.append(y)
            cnode.setPos(min_x - NODE_W / 2 - 60 - COHORT_W / 2 - 40, y)

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

    def fit_map(self) -> None:
        scene = self.scene()
        rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
        scene.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    # ------------------------------------------------------------------ layout
    def layout(self) -> dict[str, list[float]]:  # type: ignore[override]
        """Service id → [x, y] (node centres), as saved in ``scenario.ui["layout"]``."""
        return {
            sid: [round(n.pos().x(), 1), round(n.pos().y(), 1)] for sid, n in self._nodes.items()
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
            for e in self._edges:
                e.update_geometry()
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
            unit = self._scenario.time_unit
            self._title.setText(
                f"{name} — {unit} {snapshot.time:,.0f} of {snapshot.horizon:,.0f}"
                + (" (finished)" if snapshot.done else "")
            )

    def queue_label(self, service_id: str) -> str:
        """The live queue text shown on a service's node ('' before a run)."""
        return self._nodes[service_id].queue_text()

    # ------------------------------------------------------------------ export
    def export_png(self, path: str, scale: float = 2.0) -> bool:
        """Render the whole map (not only what is visible) to a PNG file."""
        scene = self.scene()
        rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
        if rect.isEmpty():
            return False
        image = QImage(
            max(int(rect.width() * scale), 1),
            max(int(rect.height() * scale), 1),
            QImage.Format.Format_ARGB32,
        )
        image.fill(QColor("#FFFFFF"))
        selected = scene.selectedItems()
        for it in selected:
            it.setSelected(False)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(image.rect()), rect)
        painter.end()
        for it in selected:
            it.setSelected(True)
        return image.save(str(path), "PNG")

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
