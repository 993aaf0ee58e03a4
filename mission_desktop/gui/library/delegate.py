"""The library list: each scenario on up to two lines, with a grey second line (revision,
when saved), elided rather than scrolled sideways."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

#: the library list's second line (revision, when saved): 7:1 on white (WCAG AA needs 4.5:1)
SECONDARY_TEXT = "#595959"
#: data role of the library list's second line
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1


def wrap_lines(text: str, metrics: QFontMetrics, width: int, most: int = 2) -> list[str]:
    """``text`` broken at spaces into at most ``most`` lines of ``width`` px; the last line
    is elided (…) if the text does not fit."""
    width = max(width, 20)
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
        if len(lines) == most - 1:
            current = " ".join([word, *words[i + 1 :]])
            break
    if current:
        lines.append(current)
    lines = lines[:most]
    if lines:
        lines[-1] = metrics.elidedText(lines[-1], Qt.TextElideMode.ElideRight, width)
    return lines


def friendly_time(stamp: str) -> str:
    """``2025-03-12T14:02:11+00:00`` (UTC) as local time: ``12 Mar 2025, 14:02``."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp.replace("T", " ")[:16]
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().strftime("%d %b %Y, %H:%M").lstrip("0")


class LibraryItemDelegate(QStyledItemDelegate):
    """A scenario's name over up to two lines (bold when open; the full name in the tooltip),
    then a grey line: revision and when it was saved. Never wider than the list, so the list
    never needs a horizontal scroll bar."""

    PAD = 6

    def _fonts(self, option: QStyleOptionViewItem, index: Any) -> tuple[QFont, QFont]:
        name_font = QFont(option.font)
        item_font = index.data(Qt.ItemDataRole.FontRole)
        if isinstance(item_font, QFont) and item_font.bold():
            name_font.setBold(True)
        detail_font = QFont(option.font)
        size = option.font.pointSizeF()
        if size > 0:
            detail_font.setPointSizeF(size * 0.9)
        return name_font, detail_font

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        return width - 2 * self.PAD - 4

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        name_font, detail_font = self._fonts(option, index)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        metrics = QFontMetrics(name_font)
        lines = len(wrap_lines(name, metrics, self._text_width(option))) or 1
        height = lines * metrics.height() + QFontMetrics(detail_font).height() + 2
        return QSize(max(self._text_width(option), 40), height + 2 * self.PAD)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        detail = str(index.data(DETAIL_ROLE) or "")
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        name_font, detail_font = self._fonts(option, index)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal
        text_colour = opt.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        detail_colour = text_colour if selected else QColor(SECONDARY_TEXT)
        rect = opt.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        painter.save()
        metrics = QFontMetrics(name_font)
        painter.setFont(name_font)
        painter.setPen(text_colour)
        top = rect.top()
        for line in wrap_lines(name, metrics, rect.width()):
            painter.drawText(
                QRect(rect.left(), top, rect.width(), metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                line,
            )
            top += metrics.height()
        detail_metrics = QFontMetrics(detail_font)
        painter.setFont(detail_font)
        painter.setPen(detail_colour)
        painter.drawText(
            QRect(rect.left(), top + 2, rect.width(), detail_metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            detail_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()
