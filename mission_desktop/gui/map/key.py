"""The service map's key: the legend drawn in the scene and the compact key widget beside the
live map; both draw their swatches with one helper."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QSizePolicy,
    QWidget,
)

from mission_desktop.gui.map.drawing import SEVERE_QUEUE_PER_SERVER, TEXT, map_font, paint_swatch
from mission_desktop.gui.shared.palette import HEAT_STEPS
from mission_desktop.gui.shared.text import plain_tip


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
        fm = QFontMetricsF(map_font(10))
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
        painter.setFont(map_font(10, bold=True))
        painter.setPen(TEXT)
        painter.drawText(QRectF(10, 6, self._size.width() - 20, 22), "How to read the map")
        painter.setFont(map_font(10))
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
                    painter.setFont(map_font(10, bold=True))
                    painter.drawText(swatch, Qt.AlignmentFlag.AlignCenter, "8%*")
                    painter.setFont(map_font(10))
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
        self.setToolTip(plain_tip("How to read the map:\n" + "\n".join(details)))
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


#: room between neighbouring nodes for an arrow and its label
