"""The report and the assurance pack: HTML, PDF and Word, from a scenario and its results.

No Qt: charts are drawn with matplotlib's Agg/SVG backends. Call :func:`build_report`
from a worker thread; it reports progress and can be cancelled between steps.
"""

from .build import FORMATS, ReportCancelled, ReportError, build_report, report_format

__all__ = ["FORMATS", "ReportCancelled", "ReportError", "build_report", "report_format"]
