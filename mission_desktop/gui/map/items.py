"""The service map's items: service nodes (department header, capacity, live queue, blocked
badge), cohort entry nodes and route arrows with their shares."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from mission_desktop.gui.map.drawing import (
    BODY_H,
    COHORT_H,
    COHORT_LINES,
    COHORT_W,
    HEADER_H,
    NAME_LINE_H,
    NAME_LINES,
    NODE_W,
    TEXT,
    elide,
    map_font,
    queue_pressure,
    text_colour_on,
    wrap_text,
)
from mission_desktop.gui.shared.palette import heat
from mission_desktop.gui.shared.text import plain_tip
from mission_desktop.sim.snapshots import ServiceSnapshot

if TYPE_CHECKING:  # the view owns its items; only for type hints (no import cycle)
    from mission_desktop.gui.map.view import ServiceMapView


def node_name_lines(name: str, text_scale: float = 1.0) -> list[str]:
    """A service's name wrapped to its node's width (one more line allowed when larger)."""
    lines = NAME_LINES if text_scale <= 1 else NAME_LINES + 1
    return wrap_text(name, map_font(11 * text_scale, bold=True), NODE_W - 20, lines)


def node_height(name: str, text_scale: float = 1.0) -> float:
    """The height of a service's node: its wrapped name in the header, then the body."""
    lines = len(node_name_lines(name, text_scale))
    return max(HEADER_H, lines * NAME_LINE_H + 10 / text_scale) * text_scale + BODY_H * text_scale


class ServiceNode(QGraphicsItem):
    """One service: a rounded rectangle, draggable, focusable."""

    def __init__(
        self, service, colour: str, owner: ServiceMapView, text_scale: float = 1.0
    ) -> None:
        super().__init__()
        #: text size relative to normal (the presentation zoom): the node keeps its width
        #: and grows taller, so a map fitted to the screen shows its text larger
        self.s = s = text_scale
        self.service = service
        self.service_id: str = service.id
        self.colour = colour
        self._owner = owner
        self.waiting: int | None = None
        self.blocked = 0
        self.in_service = 0
        self.capacity: int | None = service.capacity
        self.heat_colour, self.heat_word = heat(0.0)
        self.name_lines = node_name_lines(service.name, s)
        self.header_h = max(HEADER_H * s, len(self.name_lines) * NAME_LINE_H * s + 10)
        self.height = self.header_h + BODY_H * s
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setZValue(2)
        self.setToolTip(plain_tip(self.describe()))

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

    def fitted_queue_text(self) -> str:
        """The queue text as painted: the full text, or a shorter one that keeps the number
        and the word (colour is never the only signal) when the full one does not fit the
        node, as at presentation zoom; elided only if even that does not fit."""
        full = self.queue_text()
        if not full:
            return full
        font = map_font(11 * self.s, bold=True)
        width = NODE_W - 20
        if self.waiting == 0:
            short = self.heat_word
        else:
            short = f"{self.waiting} · {self.heat_word}"
        fm = QFontMetricsF(font)
        for label in (full, short):
            if fm.horizontalAdvance(label) <= width:
                return label
        return elide(short, font, width)

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
        self.setToolTip(plain_tip(self.describe()))
        self.update()
        return True

    # ---------------------------------------------------------------- geometry
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect().adjusted(-4, -24 * self.s, 4, 4)

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
        s = self.s
        name_font = map_font(11 * s, bold=True)
        painter.setFont(name_font)
        painter.setPen(text_colour_on(self.colour))
        painter.drawText(
            QRectF(r.left() + 10, r.top(), r.width() - 20, self.header_h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            "\n".join(self.name_lines),
        )
        top = r.top() + self.header_h
        body_font = map_font(10 * s)
        painter.setFont(body_font)
        if self.waiting is not None:  # a plate keeps the capacity readable on dark heat
            cap_w = QFontMetricsF(body_font).horizontalAdvance(self.capacity_text()) + 8
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawRoundedRect(
                QRectF(r.left() + 6, top + 4 * s, min(cap_w, r.width() - 12), 20 * s), 4, 4
            )
        painter.setPen(TEXT)
        painter.drawText(
            QRectF(r.left() + 10, top + 2 * s, r.width() - 20, 24 * s),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            elide(self.capacity_text(), body_font, r.width() - 20),
        )
        if self.waiting is not None:
            queue_font = map_font(11 * s, bold=True)
            painter.setFont(queue_font)
            text_rect = QRectF(r.left() + 10, top + 26 * s, r.width() - 20, 34 * s)
            # a white plate behind the number keeps it readable on any heat colour/hatch
            fm = QFontMetricsF(queue_font)
            label = self.fitted_queue_text()
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
                label,
            )
        if self.blocked:
            badge_font = map_font(10 * s, bold=True)
            text = f"{self.blocked} blocked"
            w = QFontMetricsF(badge_font).horizontalAdvance(text) + 14
            badge = QRectF(r.right() - w + 4, r.top() - 22 * s, w, 24 * s)  # above the name
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

    def __init__(self, cohort, entries: str = "", text_scale: float = 1.0) -> None:
        super().__init__()
        self.cohort = cohort
        self.s = s = text_scale
        self.setZValue(2)
        lines = COHORT_LINES if s <= 1 else COHORT_LINES + 1
        self.name_lines = wrap_text(cohort.name, map_font(10 * s), COHORT_W - 24, lines)
        self.height = max(COHORT_H * s, len(self.name_lines) * 16.0 * s + 14)
        tip = f"Cohort: {cohort.name} (arrivals {cohort.arrivals.rate:g} per time unit)"
        if entries:
            tip += f"; enters at {entries}"
        self.setToolTip(plain_tip(tip))

    def rect(self) -> QRectF:
        return QRectF(-COHORT_W / 2, -self.height / 2, COHORT_W, self.height)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect().adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#444444"), 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(QColor("#EEEEEE"))
        painter.drawRoundedRect(self.rect(), 18, 18)
        painter.setFont(map_font(10 * self.s))
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
        #: the label's text size relative to normal (the presentation zoom)
        self.text_scale = 1.0
        self.setZValue(1)
        if tooltip:
            self.setToolTip(plain_tip(tooltip))
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
        fm = QFontMetricsF(map_font(10 * self.text_scale, bold=True))
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
            top = r.top()
            start = QPointF(a.x() - 30, a.y() + top)
            end = QPointF(a.x() + 30, a.y() + top)
            path.moveTo(start)
            path.cubicTo(
                QPointF(start.x() - 30, start.y() - 70),
                QPointF(end.x() + 30, end.y() - 70),
                end,
            )
            tip, tangent_from = end, QPointF(end.x() + 20, end.y() - 40)
            self._label_pos = QPointF(a.x(), a.y() + top - 58)
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
            painter.setFont(map_font(10 * self.text_scale, bold=True))
            painter.setPen(TEXT)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)
