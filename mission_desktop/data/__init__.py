"""From case data to a scenario: reading event logs (CSV, XLSX, Parquet; big ones in
bounded memory with DuckDB), fitting arrivals, routes and durations with goodness of fit,
today's people and observed figures; calibration against them. No Qt."""

from .fit import FitResult, fit_log
from .fitreport import render_fit
from .logread import LogError, parse_columns

__all__ = ["FitResult", "LogError", "fit_log", "parse_columns", "render_fit"]
