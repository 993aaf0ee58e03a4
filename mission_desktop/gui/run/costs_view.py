"""Costs on screen: the Costs page (a table per variant of every cost figure) and the cost
tile at the top of the Results page.

Per variant: the total cost over the window with its 95% CI and its parts (staff and
capacity, per case, policies); the paired difference from the baseline with its CI; each
policy's own cost; the person-time spent waiting and its paired difference; and the cost per
unit of waiting saved (Fieller's interval; shown only where waiting clearly fell). Every
number comes from the results JSON through the one formatter (report/format.py); the words
under the table are the summary's (report/summary.py), the same as in the report.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QSizePolicy, QVBoxLayout, QWidget

from mission_desktop.gui.run.lazy_page import LazyResultsPage
from mission_desktop.gui.run.result_table import (
    COST_WORDS,
    EMPTY,
    WAIT_WORDS,
    Cell,
    FittedTable,
    TableData,
    difference_cell,
    estimate_cell,
    make_table,
    person_time_cell,
    plain_label,
    result_names,
    sized_font,
    variant_columns,
)
from mission_desktop.report.format import MINUS, money, plural_unit
from mission_desktop.report.summary import cost_words

#: the parts of ``cost`` in the results, and how a row names them
COST_PARTS = (
    ("total", "Total cost over the window"),
    ("staff_and_capacity", "of which staff and capacity"),
    ("per_case", "of which per case"),
    ("policies", "of which policies"),
)
#: the rows the Results page's cost tile shows
TILE_ROWS = ("total", "total_vs_baseline", "policy_costs", "cost_per_waiting_saved")
NOT_IN_VARIANT = Cell("not in this variant", "not in this variant")


def cost_table(results: dict[str, Any], scenario=None) -> TableData | None:
    """Every cost figure as rows × variants (None when the results carry no costs)."""
    variants = results.get("variants") or {}
    if not any("cost" in block for block in variants.values()):
        return None
    unit = results.get("time_unit") or (scenario.time_unit if scenario is not None else "day")
    names = result_names(results, scenario)
    ids, labels, base = variant_columns(results, names)
    comparisons = results.get("comparisons") or {}
    policy_names = names.get("policies") or {}
    costed = [p for b in variants.values() for p in (b.get("policy_costs") or {})]
    # the names' order (the scenario's), then any policy the names do not know
    in_use = [p for p in policy_names if p in costed]
    in_use += [p for p in dict.fromkeys(costed) if p not in in_use]
    rows: list[tuple[str, str, list[Cell]]] = []

    def add(key: str, label: str, cell_of) -> None:
        rows.append((key, label, [cell_of(vid) for vid in ids]))

    def cost(vid: str, part: str) -> dict | None:
        return (variants[vid].get("cost") or {}).get(part)

    def versus(vid: str, make) -> Cell:
        if vid == base:
            return Cell("baseline", "the baseline")
        comparison = comparisons.get(vid)
        return make(comparison) if comparison is not None else EMPTY

    add("total", COST_PARTS[0][1], lambda v: estimate_cell(cost(v, "total"), "money", unit))
    add(
        "total_vs_baseline",
        "Difference from baseline",
        lambda v: versus(
            v,
            lambda c: difference_cell(
                (c.get("cost") or {}).get("total"), "total", "money", unit, COST_WORDS
            ),
        ),
    )
    for part, label in COST_PARTS[1:]:
        add(part, label, lambda v, part=part: estimate_cell(cost(v, part), "money", unit, part))
    for pid in in_use:
        name = policy_names.get(pid, pid)

        def own(vid: str, pid: str = pid) -> Cell:
            fig = (variants[vid].get("policy_costs") or {}).get(pid)
            return estimate_cell(fig, "money", unit, "policy_cost") if fig else NOT_IN_VARIANT

        add(f"policy:{pid}", f"Policy “{name}”", own)

    def policy_list(vid: str) -> Cell:
        own = variants[vid].get("policy_costs") or {}
        if not own:
            return Cell("no policies", "no policies")
        lines = [
            f"{policy_names.get(p, p)}: {money(fig['mean'], minus=MINUS)}"
            for p, fig in own.items()
        ]
        return Cell("\n".join(lines), "; ".join(lines))

    add("policy_costs", "Each policy's own cost", policy_list)
    people = f"person-{plural_unit(unit)}"
    add(
        "waiting",
        f"Time spent waiting ({people})",
        lambda v: person_time_cell((variants[v].get("waiting") or {}).get("total"), unit),
    )
    add(
        "waiting_vs_baseline",
        "Waiting: difference from baseline",
        lambda v: versus(
            v,
            lambda c: difference_cell(
                (c.get("waiting") or {}).get("total"), "waiting", "person_time", unit, WAIT_WORDS
            ),
        ),
    )

    def per_saved(comparison: dict) -> Cell:
        ratio = comparison.get("cost_per_waiting_saved")
        if ratio is None:
            return Cell("— waiting not clearly reduced", "none: waiting was not clearly reduced")
        return estimate_cell(ratio, "money", unit)

    add(
        "cost_per_waiting_saved",
        f"Cost per {unit} of waiting saved",
        lambda v: versus(v, per_saved),
    )
    return TableData(
        [r[0] for r in rows], [r[1] for r in rows], ids, labels, [r[2] for r in rows]
    )


def subset(table: TableData, keys) -> TableData:
    """The table's rows with these keys, in this order."""
    rows = [table.row_keys.index(k) for k in keys if k in table.row_keys]
    return TableData(
        [table.row_keys[i] for i in rows],
        [table.row_labels[i] for i in rows],
        table.column_keys,
        table.column_labels,
        [table.cells[i] for i in rows],
    )


def page_rows(table: TableData) -> TableData:
    """The Costs page shows each policy on its own row (not the tile's list)."""
    return subset(table, [k for k in table.row_keys if k != "policy_costs"])


def cost_tile(results: dict[str, Any], scenario, font_pt: int = 11) -> QFrame | None:
    """The Results page's cost tile: total, difference from baseline, each policy's own cost
    and cost per unit of waiting saved, per variant (None when there are no costs)."""
    table = cost_table(results, scenario)
    if table is None:
        return None
    box = QFrame()
    box.setObjectName("costTile")
    box.setAccessibleName("Costs per variant")
    box.setStyleSheet(
        "#costTile { border: 2px solid #1D3557; border-top: 10px solid #1D3557;"
        " border-radius: 6px; background: white; }"
    )
    box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    layout = QVBoxLayout(box)
    layout.addWidget(plain_label("Costs over the window", sized_font(font_pt, 3, bold=True)))
    box.table = make_table(subset(table, TILE_ROWS), "Costs per variant", font_pt)
    layout.addWidget(box.table)
    return box


class CostsPanel(LazyResultsPage):
    """The Costs page: one table (figures × variants) and the costs in words. Built when
    first shown after a run, so the end of a run never waits for it."""

    waiting_text = "Run the scenario to see its costs here."

    table: FittedTable | None = None
    data: TableData | None = None
    words: list[str]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Costs per variant", parent)

    def _forget(self) -> None:
        self.table, self.data, self.words = None, None, []

    def _build(self, results: dict) -> None:
        data = cost_table(results, self._scenario)
        if data is None:
            self._show_message("This run has no costs to show.")
            return
        layout = self._body()
        pt = self._font_pt
        layout.addWidget(plain_label("Costs over the window", sized_font(pt, 3, bold=True)))
        layout.addWidget(
            plain_label(
                "Each figure is the mean over replications with its 95% confidence interval. "
                "Differences from the baseline are paired by replication; “costs more” or "
                "“costs less” only where the interval excludes zero.",
                sized_font(pt, -1),
            )
        )
        self.data = page_rows(data)
        self.table = make_table(self.data, "Costs: figures by variant", pt)
        layout.addWidget(self.table)
        names = result_names(results, self._scenario)
        unit = results.get("time_unit") or "day"
        base = variant_columns(results, names)[2]
        for vid in data.column_keys:
            if vid == base:
                continue
            words = cost_words(results, vid, unit, names.get("policies") or {})
            if words:
                name = (names.get("variants") or {}).get(vid, vid)
                self.words.append(f"{name} {words}.")
        if self.words:
            layout.addWidget(plain_label("In words", sized_font(pt, 1, bold=True)))
            for sentence in self.words:
                layout.addWidget(plain_label(sentence, sized_font(pt)))
        layout.addStretch(1)
