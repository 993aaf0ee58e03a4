"""Shared drawing helpers and sizes of the service map: fonts, wrapped and elided text,
queue pressure, key swatches. (Node sizes and the layout are shared with the report:
:mod:`mission_desktop.report.map_layout`.)"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
)

from mission_desktop.report.map_layout import NODE_H, NODE_W  # noqa: F401 - node sizes, shared with the report

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


def text_colour_on(background: str) -> QColor:
    c = QColor(background)
    luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()
    return QColor("#000000") if luminance > 0.45 else QColor("#FFFFFF")


def map_font(points: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(points)
    f.setBold(bold)
    return f


def elide(text: str, font: QFont, width: float) -> str:
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
    return [elide(line, font, width) for line in lines[:max_lines]] or [""]


def paint_swatch(painter: QPainter, swatch: QRectF, kind: str, colour: str, radius: float) -> None:
    """A key's colour sample: blocked servers hatched on white, anything else filled."""
    if kind == "hatch":
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawRect(swatch)
        painter.setBrush(QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern))
    else:
        painter.setBrush(QColor(colour))
    painter.drawRoundedRect(swatch, radius, radius)
