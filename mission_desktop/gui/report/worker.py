"""Building a report off the GUI thread.

:class:`ReportJob` is a :class:`~mission_desktop.gui.shared.job.Job` that runs
``build_report``. Only immutable data crosses: the frozen
:class:`~mission_desktop.model.Scenario`, a deep copy of the results dict made on the GUI
thread before the thread starts, and plain strings and numbers back (``progressed(done,
total, step)``; the path written).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from mission_desktop.gui.shared.job import (
    CANCELLED,
    FAILED,
    RUNNING,
    Job,
    JobState,
    WorkCancelled,
    WorkFailed,
)
from mission_desktop.model import Scenario

__all__ = ["CANCELLED", "FAILED", "RUNNING", "WRITTEN", "ReportJob"]

WRITTEN = "written"

BuildFn = Callable[..., Path]


class ReportJob(Job):
    """One report being built. ``state`` is RUNNING until one of ``written(path)``,
    ``cancelled()`` or ``failed(message)`` is emitted (then ``ended()``), on the GUI thread.
    A build that wrote its file although Cancel came late counts as written."""

    progressed = Signal(int, int, str)
    written = Signal(str)

    done_state = WRITTEN
    bug_text = "The report could not be built ({})."
    wait_ms = 60_000

    def __init__(
        self,
        build: BuildFn,
        scenario: Scenario,
        results: dict[str, Any],
        out_path: Path,
        parent: QObject | None = None,
        **options: Any,
    ):
        out = Path(out_path)
        copied = copy.deepcopy(results)  # the GUI's dict is never read off its thread
        options = dict(options)

        def run(state: JobState) -> str:
            # imported here, off the GUI thread: the report loads matplotlib
            from mission_desktop.report.document import ReportCancelled, ReportError

            try:
                written = build(
                    scenario,
                    copied,
                    out,
                    progress=state.set_progress,
                    cancelled=state.is_cancelled,
                    **options,
                )
            except ReportCancelled as e:
                raise WorkCancelled from e
            except ReportError as e:
                raise WorkFailed(str(e)) from e
            return str(written)

        super().__init__(run, parent=parent)
        self.out_path = out

    def finished_anyway(self, value: Any) -> bool:
        return Path(value).exists()

    def deliver(self, value: Any) -> None:
        self.value = self.message = value
        self.out_path = Path(value)
        self.written.emit(value)
