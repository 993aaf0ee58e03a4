"""The report and the assurance pack: HTML, PDF and Word, from a scenario and its results.

No Qt: charts are drawn with matplotlib's Agg/SVG backends. Call :func:`build_report`
from a worker thread; it reports progress and can be cancelled between steps.

The names below are imported on first use (PEP 562): the app's description preview
(:mod:`.description`) does not load matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mission_desktop.lazy import lazy_exports

__all__ = ["FORMATS", "ReportCancelled", "ReportError", "build_report", "report_format"]

if TYPE_CHECKING:  # for type checkers and editors: the eager form
    from .build import FORMATS, ReportCancelled, ReportError, build_report, report_format


__getattr__, __dir__ = lazy_exports(globals(), dict.fromkeys(__all__, "build"))
