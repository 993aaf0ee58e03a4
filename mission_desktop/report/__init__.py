"""Exports: CSV, XLSX, text tables of results. No Qt widgets."""

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
