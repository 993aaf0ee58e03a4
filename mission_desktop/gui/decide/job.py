"""One decision-support computation (warm-up, precision, sensitivity, optimise) off the GUI thread.

:class:`DecideJob` runs ``work(progress=..., cancel=...)`` on a :class:`QThread`. Only immutable
data crosses: the work is given the frozen :class:`~mission_desktop.model.Scenario` and plain
options when it is made; plain numbers come back as progress; the result dict is handed over
once the worker has finished with it. The worker never touches a widget: it emits private
signals queued to the job (on the GUI thread), which re-emits them from there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

RUNNING = "running"
DONE = "done"
CANCELLED = "cancelled"
FAILED = "failed"

Work = Callable[..., dict[str, Any]]


class _Thread(QThread):
    def __init__(self, work: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work

    def run(self) -> None:  # the worker thread
        self._work()


def problem_text(error: Exception) -> str:
    """A ScenarioError's problems as plain lines (place: message); anything else in words."""
    problems = getattr(error, "problems", None)
    if problems:
        return "\n".join(f"• {p.path}: {p.message}" for p in problems)
    return f"{type(error).__name__}: {error}"


class DecideJob(QObject):
    """``state`` is RUNNING until one of ``done(result)``, ``cancelled()`` or ``failed(text)``
    is emitted (then ``ended()``), on the GUI thread."""

    progressed = Signal(int, int)
    done = Signal(object)
    cancelled = Signal()
    failed = Signal(str)
    ended = Signal()

    _progress_from_worker = Signal(int, int)
    _end_from_worker = Signal(str, object)

    def __init__(self, work: Work, parent: QObject | None = None):
        super().__init__(parent)
        self.state = RUNNING
        self.result: dict[str, Any] | None = None
        self.message = ""
        self._work_fn = work
        self._stop = threading.Event()
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_from_worker.connect(self._relay_progress, queued)
        self._end_from_worker.connect(self._relay_end, queued)
        self._thread = _Thread(self._work, self)

    # ----------------------------------------------------------------- GUI thread
    def start(self) -> DecideJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop at the next replication; nothing is shown then."""
        self._stop.set()

    def is_running(self) -> bool:
        return self.state == RUNNING

    def wait(self, ms: int = 60_000) -> bool:
        return self._thread.wait(ms)

    @Slot(int, int)
    def _relay_progress(self, done: int, total: int) -> None:
        if self.state == RUNNING:
            self.progressed.emit(done, total)

    @Slot(str, object)
    def _relay_end(self, state: str, payload: object) -> None:
        self.state = state
        if state == DONE:
            self.result = payload  # type: ignore[assignment]
            self.done.emit(payload)
        elif state == CANCELLED:
            self.cancelled.emit()
        else:
            self.message = str(payload)
            self.failed.emit(self.message)
        self.ended.emit()

    # ----------------------------------------------------------------- worker thread
    def _work(self) -> None:
        from mission_desktop.model import ScenarioError
        from mission_desktop.sim.executor import ExperimentCancelled

        try:
            out = self._work_fn(
                progress=lambda d, t: self._progress_from_worker.emit(int(d), int(t)),
                cancel=self._stop.is_set,
            )
        except ExperimentCancelled:
            self._end_from_worker.emit(CANCELLED, None)
        except ScenarioError as e:
            self._end_from_worker.emit(FAILED, problem_text(e))
        except Exception as e:  # noqa: BLE001 - a bug must become a message, not a crash
            self._end_from_worker.emit(FAILED, f"It could not be worked out ({problem_text(e)}).")
        else:
            if self._stop.is_set():
                self._end_from_worker.emit(CANCELLED, None)
            else:
                self._end_from_worker.emit(DONE, out)
