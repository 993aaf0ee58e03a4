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

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QSizePolicy,
    QStyleOptionGraphicsItem,
    QWidget,
)

from mission_desktop.report.map_layout import (
    NODE_H,
    NODE_W,
    auto_layout,
    format_probability,
    layout_spread,
    saved_layout,
)
from mission_desktop.sim.snapshots import ServiceSnapshot, Snapshot

from .palette import HEAT_STEPS, NEUTRAL, department_colours, heat

#: the header band: up to NAME_LINES lines of the service's name
HEADER_H = 32.0
NAME_LINES = 3
NAME_LINE_H = 18.0
#: below the header: the capacity line and the live queue line
BODY_H = NODE_H - HEADER_H
COHORT_W, COHORT_H = 200.0, 40.0
COHORT_LINES = 3
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


def wrap_text(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines`` lines of ``width`` (the last elided)."""
    fm = QFontMetricsF(font)
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if fm.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[i:])
            break
    if current:
        lines.append(current)
    return [_elide(line, font, width) for line in lines[:max_lines]] or [""]


def paint_swatch(painter: QPainter, swatch: QRectF, kind: str, colour: str, radius: float) -> None:
    """A key's colour sample: blocked servers hatched on white, anything else filled."""
    if kind == "hatch":
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawRect(swatch)
        painter.setBrush(QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern))
    else:
        painter.setBrush(QColor(colour))
    painter.drawRoundedRect(swatch, radius, radius)


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
        self.name_lines = wrap_text(service.name, _font(11, bold=True), NODE_W - 20, NAME_LINES)
        self.header_h = max(HEADER_H, len(self.name_lines) * NAME_LINE_H + 10)
        self.height = self.header_h + BODY_H
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
        return self.rect().adjusted(-4, -24, 4, 4)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.rect(), 12, 12)
        return path

    def rect(self) -> QRectF:
        return QRectF(-NODE_W / 2, -self.height / 2, NODE_W, self.height)

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
        painter.setClipRect(QRectF(r.left(), r.top(), r.width(), self.header_h))
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
            QRectF(r.left() + 10, r.top(), r.width() - 20, self.header_h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            "\n".join(self.name_lines),
        )
        top = r.top() + self.header_h
        body_font = _font(10)
        painter.setFont(body_font)
        if self.waiting is not None:  # a plate keeps the capacity readable on dark heat
            cap_w = QFontMetricsF(body_font).horizontalAdvance(self.capacity_text()) + 8
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawRoundedRect(
                QRectF(r.left() + 6, top + 4, min(cap_w, r.width() - 12), 20), 4, 4
            )
        painter.setPen(TEXT)
        painter.drawText(
            QRectF(r.left() + 10, top + 2, r.width() - 20, 24),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            _elide(self.capacity_text(), body_font, r.width() - 20),
        )
        if self.waiting is not None:
            queue_font = _font(11, bold=True)
            painter.setFont(queue_font)
            text_rect = QRectF(r.left() + 10, top + 26, r.width() - 20, 34)
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
            badge = QRectF(r.right() - w + 4, r.top() - 22, w, 24)  # above the name
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

    def __init__(self, cohort, entries: str = "") -> None:
        super().__init__()
        self.cohort = cohort
        self.setZValue(2)
        self.name_lines = wrap_text(cohort.name, _font(10), COHORT_W - 24, COHORT_LINES)
        self.height = max(COHORT_H, len(self.name_lines) * 16.0 + 14)
        tip = f"Cohort: {cohort.name} (arrivals {cohort.arrivals.rate:g} per time unit)"
        if entries:
            tip += f"; enters at {entries}"
        self.setToolTip(tip)

    def rect(self) -> QRectF:
        return QRectF(-COHORT_W / 2, -self.height / 2, COHORT_W, self.height)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect().adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#444444"), 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(QColor("#EEEEEE"))
        painter.drawRoundedRect(self.rect(), 18, 18)
        painter.setFont(_font(10))
        painter.setPen(TEXT)
        painter.drawText(
            self.rect().adjusted(12, 0, -12, 0),
            Qt.AlignmentFlag.AlignCenter,
            "\n".join(self.name_lines),
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

    def __init__(
        self,
        source,
        target,
        label: str,
        *,
        dashed: bool = False,
        bend: float = 0.0,
        tooltip: str = "",
        label_t: float = 0.5,
    ):
        super().__init__()
        self.source, self.target = source, target
        self.label = label
        self.dashed = dashed
        self.bend = bend
        #: where along the arrow the label sits (0 = start, 1 = tip); moved to avoid overlaps
        self.label_t = label_t
        self.preferred_t = label_t
        self.setZValue(1)
        if tooltip:
            self.setToolTip(tooltip)
        self._path = QPainterPath()
        self._head = QPolygonF()
        self._label_pos = QPointF()
        self._label_rect = QRectF()
        self._bounds = QRectF()
        self.update_geometry()

    @property
    def is_loop(self) -> bool:
        return self.source is self.target

    def label_rect_at(self, t: float) -> QRectF:
        """The label's rectangle (scene coordinates) if it sat at ``t`` along the arrow."""
        if not self.label:
            return QRectF()
        fm = QFontMetricsF(_font(10, bold=True))
        w, h = fm.horizontalAdvance(self.label) + 10, fm.height() + 4
        if self.is_loop:
            p = self._label_pos
        else:
            p = self._path.pointAtPercent(min(max(t, 0.0), 1.0))
        return QRectF(p.x() - w / 2, p.y() - h / 2, w, h)

    def label_rect(self) -> QRectF:
        return QRectF(self._label_rect)

    def set_label_t(self, t: float) -> None:
        if t != self.label_t:
            self.label_t = t
            self.update_geometry()

    def shape(self) -> QPainterPath:
        """The line, its head and its label (hover and tooltips only there)."""
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        shape = stroker.createStroke(self._path)
        shape.addPolygon(self._head)
        if self.label:
            shape.addRect(self._label_rect)
        return shape

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
        self._path = path
        if self.source is not self.target:
            self._label_pos = path.pointAtPercent(min(max(self.label_t, 0.0), 1.0))
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
        self._label_rect = self.label_rect_at(self.label_t)
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


def legend_rows(departments: dict[str, str]) -> list[tuple[str, str, str]]:
    """(kind, colour, text) rows of the map's legend: heat words, patterns, departments."""
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
    rows.append(("arrow", "", "arrow: share of people who go on to the next service"))
    rows.append(("dashed", "", "dashed arrow: a route for one cohort only, or gave up"))
    rows.append(("star", "", "* differs for a cohort (point at the arrow for details)"))
    for dep, colour in departments.items():
        rows.append(("dept", colour, dep))
    return rows


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
        return legend_rows(self.departments)

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
        painter.drawText(QRectF(10, 6, self._size.width() - 20, 22), "How to read the map")
        painter.setFont(_font(10))
        y = 34.0
        for kind, colour, text in self._rows():
            swatch = QRectF(10, y + 2, 32, 18)
            painter.setPen(QPen(QColor("#444444"), 1))
            if kind in ("arrow", "dashed", "star"):
                pen = QPen(QColor("#333333"), 2)
                if kind == "dashed":
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                if kind == "star":
                    painter.setFont(_font(10, bold=True))
                    painter.drawText(swatch, Qt.AlignmentFlag.AlignCenter, "8%*")
                    painter.setFont(_font(10))
                else:
                    mid = swatch.center().y()
                    painter.drawLine(QPointF(swatch.left(), mid), QPointF(swatch.right() - 4, mid))
                    painter.setBrush(QColor("#333333"))
                    painter.drawPolygon(
                        QPolygonF(
                            [
                                QPointF(swatch.right(), mid),
                                QPointF(swatch.right() - 8, mid - 5),
                                QPointF(swatch.right() - 8, mid + 5),
                            ]
                        )
                    )
                painter.setPen(TEXT)
                painter.drawText(QRectF(50, y, self._size.width() - 60, 22), text)
                y += 24
                continue
            paint_swatch(painter, swatch, kind, colour, radius=3)
            painter.setPen(TEXT)
            label = text if kind != "dept" else f"department: {text}"
            painter.drawText(QRectF(50, y, self._size.width() - 60, 22), label)
            y += 24


class MapKey(QWidget):
    """A compact key for a small map (one line when there is room, wrapping when not):

        queue: □ none · □ light · □ building · □ heavy · □ severe   ▨ blocked   ■ department…

    For a view that hides the in-scene legend (``ServiceMapView.show_legend(False)``). Each
    swatch carries its word; the details are in the tooltip and the accessible description.
    """

    SWATCH_W, SWATCH_H, GAP = 18, 12, 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Map key")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._entries: list[tuple[str, str, str]] = []
        self.set_departments({})

    def set_departments(self, departments: dict[str, str]) -> None:
        """(Re)build the key; departments map a name to its header colour ({} for none)."""
        entries: list[tuple[str, str, str]] = [("text", "", "queue:")]
        words = ("none", "light", "building", "heavy", "severe")
        for i, ((_, colour, _word), word) in enumerate(zip(HEAT_STEPS, words, strict=True)):
            entries.append(("heat", colour, word + (" ·" if i < len(words) - 1 else "")))
        entries.append(("space", "", ""))
        entries.append(("hatch", "#333333", "blocked"))
        if departments:
            entries.append(("space", "", ""))
            for dep, colour in departments.items():
                entries.append(("dept", colour, dep or "No department"))
        self._entries = entries
        details = [
            text if kind != "dept" else f"department: {text}"
            for kind, _, text in legend_rows(
                {(k or "No department"): v for k, v in departments.items()}
            )
        ]
        self.setToolTip("How to read the map:\n" + "\n".join(details))
        self.setAccessibleDescription("; ".join(details))
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        """The key in words, as shown ('queue: none · light · … · severe   ▨ blocked')."""
        out = ""
        for kind, _colour, text in self._entries:
            if kind == "space":
                out += "  "
            else:
                out += (" " if out else "") + ("▨ " if kind == "hatch" else "") + text
        return out

    # ---------------------------------------------------------------- layout
    def _chunks(self) -> list[tuple[str, str, str, float]]:
        fm = self.fontMetrics()
        out = []
        for kind, colour, text in self._entries:
            if kind == "space":
                width = 2.0 * fm.horizontalAdvance(" ")
            elif kind == "text":
                width = fm.horizontalAdvance(text) + self.GAP
            else:
                width = self.SWATCH_W + self.GAP + fm.horizontalAdvance(text) + self.GAP + 2
            out.append((kind, colour, text, float(width)))
        return out

    def _layout(self, width: float) -> list[tuple[str, str, str, QRectF]]:
        line_h = max(self.fontMetrics().height(), self.SWATCH_H) + 4
        x, y, placed = 0.0, 0.0, []
        for kind, colour, text, w in self._chunks():
            if x > 0 and x + w > width and kind != "space":
                x, y = 0.0, y + line_h
            if kind == "space" and x == 0:
                continue
            placed.append((kind, colour, text, QRectF(x, y, w, line_h)))
            x += w
        return placed

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        placed = self._layout(max(width - 8, 50))
        return int(max((r.bottom() for *_, r in placed), default=0.0)) + 4

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        width = int(sum(w for *_, w in self._chunks())) + 10
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # one line: the height at the actual width comes from heightForWidth (a minimum
        # worked out for a narrow width would stop the splitter giving the map less room)
        return QSize(120, self.heightForWidth(100_000))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(self.foregroundRole())
        for kind, colour, text, r in self._layout(max(self.width() - 8, 50)):
            r = r.translated(4, 2)
            if kind == "space":
                continue
            x = r.left()
            if kind != "text":
                swatch = QRectF(x, r.center().y() - self.SWATCH_H / 2, self.SWATCH_W, self.SWATCH_H)
                painter.setPen(QPen(QColor("#444444"), 1))
                paint_swatch(painter, swatch, kind, colour, radius=2)
                x += self.SWATCH_W + self.GAP
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(x, r.top(), r.right() - x, r.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                text,
            )
        painter.end()


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
        self._spread = 1.0

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
            s.id: ServiceNode(s, colours.get(s.department, NEUTRAL), self)
            for s in scenario.services
        }
        tallest = max((n.height for n in nodes.values()), default=NODE_H)
        # a layout saved for smaller nodes is spread out (for display only) so names fit
        self._spread = layout_spread([saved[sid] for sid in nodes if sid in saved], tallest)
        for s in scenario.services:
            node = nodes[s.id]
            if s.id in saved:
                x, y = saved[s.id]
                node.setPos(x * self._spread, y * self._spread)
            else:
                node.setPos(*automatic[s.id])
            scene.addItem(node)
            self._nodes[s.id] = node
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
            cnode = CohortNode(c, split)
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
        self._title.setFont(_font(13, bold=True))
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
        k = getattr(self, "_spread", 1.0)
        return {
            sid: [round(n.pos().x() / k, 1), round(n.pos().y() / k, 1)]
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
        self._legend.setVisible(True)  # an exported map explains itself
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(image.rect()), rect)
        painter.end()
        self._legend.setVisible(self._show_legend)
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
