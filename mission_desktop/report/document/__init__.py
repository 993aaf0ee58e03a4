"""The report and the assurance pack: HTML, PDF and Word, from a scenario and its results.

No Qt: charts are drawn with matplotlib's Agg/SVG backends. Call :func:`build_report`
from a worker thread; it reports progress and can be cancelled between steps.

The names below are imported on first use (PEP 562): the app's description preview
(:mod:`.description`) does not load matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["FORMATS", "ReportCancelled", "ReportError", "build_report", "report_format"]

if TYPE_CHECKING:  # for type checkers and editors: the eager form
    from .build import FORMATS, ReportCancelled, ReportError, build_report, report_format


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.build"), name)
    globals()[name] = value  # the next look-up is a plain one
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
