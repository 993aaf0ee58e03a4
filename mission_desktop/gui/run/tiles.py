"""A key-figures tile: one service, rows of figures, a column per variant; each figure with
its 95% confidence interval, the difference from the baseline in words, and — where the
interval is wide relative to the figure — "uncertain: run more replications" in words.

A mixin of :class:`~mission_desktop.gui.run.kpi_panel.KpiPanel` (which owns the fonts and
the cells it is asked about).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout

from mission_desktop.gui.run.kpi import (
    METRICS,
    UNCLEAR_COLOUR,
    estimate_parts,
    judge_difference,
)
from mission_desktop.model.dates import date_phrase

#: a figure is called uncertain when its 95% CI half-width is more than this share of
#: |mean|: the interval then spans more than a factor of three (from half the figure to one
#: and a half times it), so even the figure's first digit is in doubt
UNCERTAIN_SHARE = 0.5
#: ... and the half-width is at least this (below it the figure shows as 0.00 or 0%: a
#: near-zero figure is precise enough however large its relative width)
UNCERTAIN_FLOOR = 0.005
UNCERTAIN_TEXT = "uncertain: run more replications"
UNCERTAIN_COLOUR = "#7A4E00"  # dark amber: readable as text; the words carry the meaning


def is_uncertain(estimate: dict | None) -> bool:
    """True when the figure's 95% CI half-width exceeds :data:`UNCERTAIN_SHARE` × |mean|
    (and :data:`UNCERTAIN_FLOOR`). A figure without an interval is not called uncertain."""
    if not estimate or estimate.get("mean") is None:
        return False
    ci = estimate.get("ci95")
    if not ci or ci[0] is None or ci[1] is None:
        return False
    half = (float(ci[1]) - float(ci[0])) / 2
    return half >= UNCERTAIN_FLOOR and half > UNCERTAIN_SHARE * abs(float(estimate["mean"]))


def wrapping_label(text: str = "", font: QFont | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    # a wrapped label may be as narrow as the layout needs: nothing scrolls sideways
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    label.setMinimumWidth(40)
    if font is not None:
        label.setFont(font)
    return label


class TileBuilder:
    """Builds the tiles of a :class:`KpiPanel` (see the module docstring)."""

    def _date_of(self, metric: str) -> str:
        """`` on 31 Mar 2028`` for the backlog at the end, where the scenario has dates."""
        if metric != "backlog_at_end" or self._scenario is None:
            return ""
        horizon = ((self._results or {}).get("run") or {}).get("horizon")
        return date_phrase(self._scenario, self._scenario.run.horizon if horizon is None else horizon)

    def _service_tile(
        self,
        sid: str,
        sname: str,
        colour: str,
        variants: dict,
        variant_ids: list[str],
        names: dict[str, str],
        base: str | None,
        comparisons: dict,
        time_unit: str,
        delta: int = 0,
    ) -> QFrame:
        box = QFrame()
        box.setObjectName("kpiTile")
        box.setAccessibleName(f"Key figures for {sname}")
        box.setStyleSheet(
            f"#kpiTile {{ border: 2px solid {colour}; border-top: 10px solid {colour};"
            " border-radius: 6px; background: white; }"
        )
        # its natural height, never stretched to fill a row or the page
        box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        outer = QVBoxLayout(box)
        title = wrapping_label(html.escape(sname), self._font(3, bold=True))
        title.setAccessibleName(f"Service {sname}")
        outer.addWidget(title)
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        header_font = self._font(delta, bold=True)
        cell_font = self._font(delta)
        small = max(self._font_pt + delta - 2, 6)
        grid.setColumnStretch(0, 3)
        for col, vid in enumerate(variant_ids, start=1):
            grid.setColumnStretch(col, 4)
            text = names.get(vid, vid)
            if vid == base and "baseline" not in text.lower():
                text += " (baseline)"
            h = wrapping_label(html.escape(text), header_font)
            h.setAccessibleName(f"Variant {text}")
            grid.addWidget(h, 0, col, Qt.AlignmentFlag.AlignBottom)
        r = 1
        for m in METRICS:
            present = [
                (variants[v].get("services") or {}).get(sid, {}).get(m.key) for v in variant_ids
            ]
            if all(p is None for p in present):
                continue  # e.g. share within target for a service without a target
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setStyleSheet("color: #DDDDDD;")
            grid.addWidget(line, r, 0, 1, len(variant_ids) + 1)
            r += 1
            label = m.label + self._date_of(m.key)  # "Backlog at end on 31 Mar 2028"
            name = wrapping_label(html.escape(label), header_font)
            grid.addWidget(name, r, 0, Qt.AlignmentFlag.AlignTop)
            for col, vid in enumerate(variant_ids, start=1):
                est = (variants[vid].get("services") or {}).get(sid, {}).get(m.key)
                value, interval = estimate_parts(est, m.kind, time_unit, m.key)
                parts = [f"<b>{html.escape(value)}</b>"]
                spoken = f"{sname}, {label}, {names.get(vid, vid)}: {value}"
                if interval:
                    parts.append(
                        f"<span style='font-size:{small}pt; color:{UNCLEAR_COLOUR}'>"
                        f"{html.escape(interval)}</span>"
                    )
                    spoken += f" ({interval})"
                if is_uncertain(est):
                    parts.append(
                        f"<span style='font-size:{small}pt; color:{UNCERTAIN_COLOUR}'>"
                        f"<i>{UNCERTAIN_TEXT}</i></span>"
                    )
                    spoken += f"; {UNCERTAIN_TEXT}"
                if vid != base:
                    diff = (
                        ((comparisons.get(vid) or {}).get("services") or {}).get(sid) or {}
                    ).get(m.key)
                    j = judge_difference(m.key, diff, time_unit)
                    if j.word != "—":
                        weight = "bold" if j.word in ("better", "worse") else "normal"
                        parts.append(
                            f"<span style='color:{j.colour}; font-weight:{weight}'>"
                            f"{html.escape(j.text)}</span>"
                        )
                        spoken += f"; compared with baseline: {j.text}"
                cell = wrapping_label("<br>".join(parts), cell_font)
                cell.setAccessibleName(spoken)
                cell.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
                self.cells[(sid, m.key, vid)] = cell
                grid.addWidget(cell, r, col, Qt.AlignmentFlag.AlignTop)
            r += 1
        return box
