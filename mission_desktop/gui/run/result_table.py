"""Results as data tables: the cells of the Costs and Cohorts pages and the cost tile.

A cell's text comes from the one formatter (report/format.py) and the one wording
(report/summary.py); a difference is called better/worse/higher/lower only where its 95%
interval excludes zero, in words, so colour is never the only signal. Every text is plain
(names come from a file and are never read as HTML), and every cell has a spoken form.

A data table is itself the alternative to a chart: a screen reader moves cell by cell, and
each cell says its row, column and figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
)

from mission_desktop.report.format import (
    MINUS,
    duration,
    duration_unit,
    estimate_parts,
    format_signed,
    in_unit,
    money,
    number,
    plural_unit,
    signed,
)
from mission_desktop.report.summary import BETTER_COLOUR, WORSE_COLOUR, baseline_id, verdict


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its lines of text, what a screen reader says, and an optional colour."""

    text: str
    spoken: str = ""
    colour: str = ""


EMPTY = Cell("—", "no figure")


def _ends_differ(interval: str) -> bool:
    """'95% CI a to b' with a ≠ b (an exact figure's interval is not worth showing)."""
    body = interval.removeprefix("95% CI ")
    lo, _, hi = body.partition(" to ")
    return lo != hi


def estimate_cell(
    fig: dict[str, Any] | None, kind: str, time_unit: str = "day", metric: str = ""
) -> Cell:
    """'£20.8m' / '95% CI £20.7m to £20.9m' (the interval clipped to what the figure can
    be, left out when both ends read the same)."""
    if not fig or fig.get("mean") is None:
        return EMPTY
    value, interval = estimate_parts(fig, kind, time_unit, metric)
    if interval and _ends_differ(interval):
        return Cell(f"{value}\n{interval}", f"{value} ({interval})")
    return Cell(value, value)


def _count(value: float, sign: bool = False) -> str:
    if sign:
        return signed(value, minus=MINUS, compact=False)
    return number(value, minus=MINUS, compact=False)


def person_time(value: float, time_unit: str, *, sign: bool = False) -> str:
    """'1,606 person-days', '−213 person-days' (waiting summed over people)."""
    return f"{_count(value, sign)} person-{plural_unit(time_unit)}"


def person_time_cell(fig: dict[str, Any] | None, time_unit: str) -> Cell:
    """Person-time spent waiting, with its interval (never below zero)."""
    if not fig or fig.get("mean") is None:
        return EMPTY
    lo, hi = fig.get("ci95") or [fig["mean"], fig["mean"]]
    value = person_time(fig["mean"], time_unit)
    interval = f"95% CI {_count(max(lo, 0.0))} to {_count(max(hi, 0.0))}"
    if _ends_differ(interval):
        return Cell(f"{value}\n{interval}", f"{value} ({interval})")
    return Cell(value, value)


#: how a clear difference is said, per figure family: the verdict's word → a template of
#: {value} (signed) and {size} (unsigned); the default is "▲ worse: +1.03 days"
COST_WORDS = {"worse": "▲ costs {size} more", "better": "▼ costs {size} less"}
WAIT_WORDS = {"worse": "▲ {size} more waiting", "better": "▼ {size} less waiting"}
GAP_WORDS = {"higher": "▲ {size} higher than everyone", "lower": "▼ {size} lower than everyone"}


def difference_cell(
    fig: dict[str, Any] | None,
    metric: str,
    kind: str,
    time_unit: str = "day",
    words: dict[str, str] | None = None,
    unclear: str = "no clear difference",
) -> Cell:
    """A paired difference: words where its interval excludes zero ('▲ worse: +1.03 days',
    '▼ costs £35k less', '▲ 1.02 min higher than everyone'; see :data:`COST_WORDS`), else
    ``unclear`` and its size; then the interval (never clipped; a duration's ends in the unit
    of its mean)."""
    if not fig or fig.get("mean") is None:
        return EMPTY
    mean = float(fig["mean"])
    lo, hi = fig.get("ci95") or [mean, mean]
    word = verdict(metric, {"mean": mean, "ci95": [lo, hi]})
    if kind == "person_time":
        value = person_time(mean, time_unit, sign=True)
        ends = [_count(v, sign=True) for v in (lo, hi)]
    elif kind == "money":
        value = money(mean, minus=MINUS, sign=True)
        ends = [money(v, minus=MINUS, sign=True) for v in (lo, hi)]
    elif kind == "time":
        unit = duration_unit([mean, lo, hi], time_unit)
        value = duration(mean, time_unit, unit=unit, minus=MINUS, sign=True)
        ends = [_count(in_unit(v, time_unit, unit), sign=True) for v in (lo, hi)]
    else:
        value = format_signed(mean, kind, time_unit)
        ends = [format_signed(v, kind, time_unit) for v in (lo, hi)]
    interval = f"95% CI {ends[0]} to {ends[1]}" if ends[0] != ends[1] else ""
    if word == "no clear difference" or mean == 0:
        said, colour = f"{unclear}: {value}", ""
    else:
        arrow = "▲" if mean > 0 else "▼"
        template = (words or {}).get(word, f"{arrow} {word}: {{value}}")
        said = template.format(value=value, size=value.lstrip("+-" + MINUS))
        colour = {"better": BETTER_COLOUR, "worse": WORSE_COLOUR}.get(word, "")
    lines = [said] + ([interval] if interval else [])
    spoken = said.lstrip("▲▼ ") + (f" ({interval})" if interval else "")
    return Cell("\n".join(lines), spoken, colour)


def join_cells(*cells: Cell) -> Cell:
    """Cells stacked in one (a figure and its difference), '—' parts left out. The joined
    cell has no colour: its words say which way a difference goes, and a coloured figure
    would read as if the figure itself were good or bad."""
    shown = [c for c in cells if c is not EMPTY]
    if not shown:
        return EMPTY
    return Cell("\n".join(c.text for c in shown), "; ".join(c.spoken for c in shown))


def wrap(text: str, metrics, width: int) -> str:
    """``text`` broken at spaces into lines at most ``width`` pixels wide (a longer word
    keeps a line to itself)."""
    width = max(width, 30)
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and metrics.horizontalAdvance(trial) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return "\n".join(lines) or text


def _set_text(item, text: str) -> None:
    if item is not None and item.text() != text:
        item.setText(text)


class FittedTable(QTableWidget):
    """A read-only table as tall as its rows (the page scrolls, never the table), columns
    sharing the width, cells and column titles wrapping."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.column_labels: list[str] = []
        self.row_labels: list[str] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move within it
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        # the columns take their new widths after a resize: fit the rows to those
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_height)
        self.horizontalHeader().sectionResized.connect(lambda *_: self._refit.start())

    def fill(
        self, row_labels: list[str], column_labels: list[str], cells: list[list[Cell]]
    ) -> None:
        """Rows × columns of plain text; each cell's accessible text names row and column."""
        self.clear()
        self.setRowCount(len(row_labels))
        self.setColumnCount(len(column_labels))
        self.column_labels = list(column_labels)
        self.row_labels = list(row_labels)
        self.setHorizontalHeaderLabels(column_labels)
        self.setVerticalHeaderLabels(row_labels)
        for c, text in enumerate(column_labels):
            header = self.horizontalHeaderItem(c)
            header.setToolTip(text)
            header.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                item = QTableWidgetItem(cell.text)
                item.setData(
                    Qt.ItemDataRole.AccessibleTextRole,
                    f"{row_labels[r]}, {column_labels[c]}: {cell.spoken or cell.text}",
                )
                item.setToolTip(cell.spoken or cell.text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if cell.colour:
                    item.setForeground(QBrush(QColor(cell.colour)))
                    bold = QFont(self.font())
                    bold.setBold(True)
                    item.setFont(bold)
                self.setItem(r, c, item)
        self.fit_height()

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""

    def _wrap_headers(self) -> None:
        """Titles wrap onto lines that fit: a column's to its width, a row's to a fifth of
        the table (a header never wraps by itself, and a cut-off name would be unreadable)."""
        metrics = self.horizontalHeader().fontMetrics()
        for c, text in enumerate(self.column_labels):
            _set_text(self.horizontalHeaderItem(c), wrap(text, metrics, self.columnWidth(c) - 12))
        widest = max(self.width() // 5, 120)
        for r, text in enumerate(self.row_labels):
            _set_text(self.verticalHeaderItem(r), wrap(text, metrics, widest))

    def fit_height(self) -> None:
        self._wrap_headers()
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + 2 * self.frameWidth() + 2
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit_height()


# ------------------------------------------------------------------------- table data


@dataclass(slots=True)
class TableData:
    """A table's content, without Qt: rows × columns of cells, with keys and labels."""

    row_keys: list[str]
    row_labels: list[str]
    column_keys: list[str]
    column_labels: list[str]
    cells: list[list[Cell]]

    def cell(self, row_key: str, column_key: str) -> Cell:
        return self.cells[self.row_keys.index(row_key)][self.column_keys.index(column_key)]


def result_names(results: dict[str, Any], scenario=None) -> dict[str, dict[str, str]]:
    """Each id's name: the results' own (what was run), else the scenario's."""
    names = results.get("names")
    if names:
        return names
    if scenario is None:
        return {}
    from mission_desktop.sim.figures import names as scenario_names  # on first use only

    return scenario_names(scenario)


def variant_columns(results: dict[str, Any], names: dict[str, dict[str, str]]):
    """(variant ids in the results' order, their column labels, the baseline's id)."""
    ids = list(results.get("variants") or {})
    base = baseline_id(ids)
    labels = []
    for vid in ids:
        text = (names.get("variants") or {}).get(vid, vid)
        if vid == base and "baseline" not in text.lower():
            text += " (baseline)"
        labels.append(text)
    return ids, labels, base


# ------------------------------------------------------------------------- widgets


def plain_label(text: str, font: QFont | None = None, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from a file: never HTML
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    label.setAccessibleName(name or text)
    if font is not None:
        label.setFont(font)
    return label


def sized_font(points: int, delta: int = 0, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(max(points + delta, 6))
    f.setBold(bold)
    return f


def make_table(data: TableData, name: str, font_pt: int) -> FittedTable:
    table = FittedTable()
    table.setFont(sized_font(font_pt, -1))
    table.setAccessibleName(name)
    table.fill(data.row_labels, data.column_labels, data.cells)
    return table
