"""Building a report off the GUI thread.

:class:`ReportJob` runs ``build_report`` on a :class:`QThread`. Only immutable data crosses:
the frozen :class:`~mission_desktop.model.Scenario`, a deep copy of the results dict made
on the GUI thread before the thread starts, and plain strings and numbers back. The worker
never touches a widget: it emits private signals that are queued to the job (which lives on
the GUI thread), and the job re-emits them from there — so a slot connected just after
:meth:`ReportJob.start` never misses the end.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from mission_desktop.model import Scenario

RUNNING = "running"
WRITTEN = "written"
CANCELLED = "cancelled"
FAILED = "failed"

BuildFn = Callable[..., Path]


class _Thread(QThread):
    def __init__(self, work: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work

    def run(self) -> None:  # the worker thread
        self._work()


class ReportJob(QObject):
    """One report being built. ``state`` is RUNNING until one of ``written(path)``,
    ``cancelled()`` or ``failed(message)`` is emitted (then ``ended()``), on the GUI thread."""

    progressed = Signal(int, int, str)
    written = Signal(str)
    cancelled = Signal()
    failed = Signal(str)
    ended = Signal()

    # from the worker thread, queued to this object's (the GUI) thread
    _progress_from_worker = Signal(int, int, str)
    _end_from_worker = Signal(str, str)

    def __init__(
        self,
        build: BuildFn,
        scenario: Scenario,
        results: dict[str, Any],
        out_path: Path,
        parent: QObject | None = None,
        **options: Any,
    ):
        super().__init__(parent)
        self.state = RUNNING
        self.out_path = Path(out_path)
        self.message = ""
        self._build = build
        self._scenario = scenario
        self._results = copy.deepcopy(results)  # the GUI's dict is never read off its thread
        self._options = dict(options)
        self._stop = threading.Event()
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_from_worker.connect(self._relay_progress, queued)
        self._end_from_worker.connect(self._relay_end, queued)
        self._thread = _Thread(self._work, self)

    # ----------------------------------------------------------------- GUI thread
    def start(self) -> ReportJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the build to stop at its next step; nothing is written then."""
        self._stop.set()

    def is_running(self) -> bool:
        return self.state == RUNNING

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the thread has finished (closing the window); True if it has."""
        return self._thread.wait(ms)

    @Slot(int, int, str)
    def _relay_progress(self, done: int, total: int, step: str) -> None:
        if self.state == RUNNING:
            self.progressed.emit(done, total, step)

    @Slot(str, str)
    def _relay_end(self, state: str, text: str) -> None:
        self.state = state
        self.message = text
        if state == WRITTEN:
            self.out_path = Path(text)
            self.written.emit(text)
        elif state == CANCELLED:
            self.cancelled.emit()
        else:
            self.failed.emit(text)
        self.ended.emit()

    # ----------------------------------------------------------------- worker thread
    def _work(self) -> None:
        from mission_desktop.report.document import ReportCancelled, ReportError

        try:
            out = self._build(
                self._scenario,
                self._results,
                self.out_path,
                progress=lambda d, t, s: self._progress_from_worker.emit(d, t, s),
                cancelled=self._stop.is_set,
                **self._options,
            )
        except ReportCancelled:
            self._end_from_worker.emit(CANCELLED, "")
        except ReportError as e:
            self._end_from_worker.emit(FAILED, str(e))
        except Exception as e:  # noqa: BLE001 - a bug in a chart must become a message
            self._end_from_worker.emit(
                FAILED, f"The report could not be built ({type(e).__name__}: {e})."
            )
        else:
            if self._stop.is_set() and not Path(out).exists():
                self._end_from_worker.emit(CANCELLED, "")
            else:
                self._end_from_worker.emit(WRITTEN, str(out))
