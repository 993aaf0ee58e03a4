"""Exports: CSV, XLSX, text tables of results. No Qt widgets.

The names below are imported on first use (PEP 562): a command that needs one submodule
(``validate``: :mod:`.text`) loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mission_desktop.lazy import lazy_exports

__all__ = [
    "BETTER",
    "COHORT_METRICS",
    "SERVICE_METRICS",
    "fmt_figure",
    "fmt_number",
    "iter_rows",
    "results_csv",
    "verdict",
    "write_csv",
    "write_json",
    "write_xlsx",
]

if TYPE_CHECKING:  # for type checkers and editors: the eager form
    from .tables import (
        BETTER,
        COHORT_METRICS,
        SERVICE_METRICS,
        fmt_figure,
        fmt_number,
        iter_rows,
        results_csv,
        verdict,
        write_csv,
        write_json,
    )
    from .xlsx import write_xlsx


__getattr__, __dir__ = lazy_exports(
    globals(), {name: "xlsx" if name == "write_xlsx" else "tables" for name in __all__}
)
