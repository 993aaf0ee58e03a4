"""Results as an Excel workbook (openpyxl): one sheet of results, one of differences."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .files import write_file
from .tables import CSV_COLUMNS, iter_rows, verdict


def write_xlsx(results: dict[str, Any], path: str | Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    diff = wb.create_sheet("Differences vs baseline")
    notes = wb.create_sheet("About")
    header = list(CSV_COLUMNS[1:]) + ["verdict"]
    for sheet in (ws, diff):
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for row in iter_rows(results):
        section, *rest = row
        if section == "result":
            ws.append(list(rest) + [""])
        else:
            metric = rest[3]
            fig = None if rest[4] == "" else {"mean": rest[4], "ci95": [rest[5], rest[6]]}
            diff.append(list(rest) + [verdict(metric, fig)])
    run = results.get("run", {})
    notes.append(["Scenario", results.get("scenario", "")])
    for key in ("horizon", "warm_up", "replications", "seed"):
        notes.append([key, run.get(key)])
    notes.append(["Time unit", results.get("time_unit", "")])
    notes.append(
        [
            "Reading",
            "Each figure is the mean over replications with its 95% confidence interval "
            "(Student t). Differences are paired by replication (common random numbers); "
            "'better'/'worse' only where the interval excludes zero.",
        ]
    )
    for w in results.get("warnings", []):
        notes.append(["Warning", w])
    for sheet in (ws, diff):
        for col, width in zip("ABCDEFGH", (14, 10, 22, 22, 14, 14, 14, 20), strict=False):
            sheet.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    write_file(path, buf.getvalue())
