"""Work of the From-data wizard off the GUI thread, with progress and Cancel.

:class:`DataJob` runs ``work(progress, cancelled)`` on a :class:`QThread`. The worker never
touches a widget: it emits private signals queued to the job (which lives on the GUI thread),
and the job re-emits them from there, so a slot connected just after :meth:`start` never
misses the end. ``cancelled`` is a thread-safe flag the work checks between its steps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"


class _Thread(QThread):
    def __init__(self, work: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work

    def run(self) -> None:  # the worker thread
        self._work()


class DataJob(QObject):
    """One piece of work. ``state`` is RUNNING until ``done(value)``, ``cancelled()`` or
    ``failed(message)`` (then ``ended()``), all on the GUI thread. ``expected``: exception
    types whose message is shown as it is; ``cancel_types``: those that mean "cancelled"."""

    progressed = Signal(float, str)
    done = Signal(object)
    cancelled = Signal()
    failed = Signal(str)
    ended = Signal()

    _progress_from_worker = Signal(float, str)
    _end_from_worker = Signal(str, object)

    def __init__(
        self,
        work: Callable[[Callable[[float, str], None], Callable[[], bool]], Any],
        expected: tuple[type[BaseException], ...] = (),
        cancel_types: tuple[type[BaseException], ...] = (),
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.state = RUNNING
        self.value: Any = None
        self.message = ""
        self._work_fn = work
        self._expected = expected
        self._cancel_types = cancel_types
        self._stop = threading.Event()
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_from_worker.connect(self._relay_progress, queued)
        self._end_from_worker.connect(self._relay_end, queued)
        self._thread = _Thread(self._work, self)

    def start(self) -> DataJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._stop.set()

    def is_cancelling(self) -> bool:
        return self._stop.is_set()

    def is_running(self) -> bool:
        return self.state == RUNNING

    def wait(self, ms: int = 120_000) -> bool:
        return self._thread.wait(ms)

    @Slot(float, str)
    def _relay_progress(self, fraction: float, step: str) -> None:
        if self.state == RUNNING:
            self.progressed.emit(fraction, step)

    @Slot(str, object)
    def _relay_end(self, state: str, payload: Any) -> None:
        self.state = state
        if state == DONE:
            self.value = payload
            self.done.emit(payload)
        elif state == CANCELLED:
            self.cancelled.emit()
        else:
            self.message = str(payload)
            self.failed.emit(self.message)
        self.ended.emit()

    def _work(self) -> None:  # the worker thread
        def progress(fraction: float, step: str) -> None:
            self._progress_from_worker.emit(float(fraction), str(step))

        try:
            value = self._work_fn(progress, self._stop.is_set)
        except self._cancel_types:
            self._end_from_worker.emit(CANCELLED, None)
        except self._expected as e:
            self._end_from_worker.emit(FAILED, str(e))
        except Exception as e:  # noqa: BLE001 - a bug must become a message, not a crash
            self._end_from_worker.emit(FAILED, f"This failed ({type(e).__name__}: {e}).")
        else:
            if self._stop.is_set():
                self._end_from_worker.emit(CANCELLED, None)
            else:
                self._end_from_worker.emit(DONE, value)
