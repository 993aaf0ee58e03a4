"""Results as an Excel workbook (openpyxl): one sheet per view, and the metadata.

Sheets: Services, Cohorts, Equality view (each cohort at each service), Comparisons (every
paired difference from the baseline, with its verdict), Costs (totals, each policy's cost,
waiting and cost per waiting saved), Metadata. Each row has ids and names, the figure in model
units (mean and 95% CI) and a display text in natural units.

Security: every text cell is written as text (``data_type`` "s"). openpyxl otherwise takes
any string starting with "=" as a formula, so a scenario named ``=HYPERLINK(...)`` or
``=cmd|' /C calc'!A0`` would become a live formula in the recipient's Excel.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .files import write_file
from .summary import verdict
from .tables import CSV_COLUMNS, iter_rows, metadata

HEADER = list(CSV_COLUMNS)
SHEETS = ("Services", "Cohorts", "Equality view", "Comparisons", "Costs", "Metadata")
_SHEET_OF_KIND = {
    "service": "Services",
    "cohort": "Cohorts",
    "cohort_service": "Equality view",
    "cost": "Costs",
    "policy_cost": "Costs",
    "waiting": "Costs",
}
READING = (
    "Each figure is the mean over replications with its 95% confidence interval (Student t; "
    "targets met: Wilson; cost per waiting saved: Fieller). Differences are paired by "
    "replication (common random numbers); 'better'/'worse' only where the interval excludes "
    "zero. mean/ci95 columns are in the model's time unit; 'display' reads in natural units."
)


def _append(sheet, values: list[Any]) -> None:
    """Append a row; every text cell stays text, never a formula."""
    sheet.append([None if v == "" else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_xlsx(results: dict[str, Any], path: str | Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets = {}
    for i, title in enumerate(SHEETS):
        sheets[title] = wb.active if i == 0 else wb.create_sheet(title)
        sheets[title].title = title
    for title in SHEETS[:-1]:
        sheet = sheets[title]
        header = HEADER + (["verdict"] if title in ("Comparisons", "Costs") else [])
        _append(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for row in iter_rows(results):
        section, kind, metric = row[0], row[3], row[8]
        costs = _SHEET_OF_KIND.get(kind) == "Costs"
        if section == "result":
            title = _SHEET_OF_KIND.get(kind, "Costs")
            extra = [""] if costs else []
        else:
            title = "Costs" if costs else "Comparisons"
            fig = None if row[9] == "" else {"mean": row[9], "ci95": [row[10], row[11]]}
            extra = [verdict(metric, fig)]
        _append(sheets[title], list(row) + extra)
    about = sheets["Metadata"]
    for key, value in metadata(results):
        _append(about, [key, "" if value is None else value])
    _append(about, ["reading", READING])
    for w in results.get("warnings", []):
        _append(about, ["warning", w])
    widths = (22, 12, 18, 14, 14, 22, 12, 18, 22, 14, 14, 14, 30, 18)
    for title in SHEETS[:-1]:
        for col, width in zip("ABCDEFGHIJKLMN", widths, strict=False):
            sheets[title].column_dimensions[col].width = width
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    write_file(path, buf.getvalue())
