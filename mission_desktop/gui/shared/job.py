"""Slow work off the GUI thread, with progress and Cancel: one core for every dialog.

The work is a plain function given a small :class:`JobState`: it calls
``state.set_progress(...)`` as it goes and checks ``state.is_cancelled()`` between its steps;
it returns its result (or raises). The widget only starts a :class:`Job`, cancels it and
receives its signals — all on the GUI thread. A new job started with ``replacing=old``
cancels the old one, whose signals are never emitted from then on.

How the result crosses: the work runs on a plain Python thread that touches nothing of Qt
(no signal, no QObject); it only appends to the state, under a lock. A :class:`QTimer` on the
GUI thread polls the state every :data:`POLL_MS` and emits what it finds there, in order:
every progress report, then the end. So no queued signal is ever emitted from a worker
thread (one emitted while the GUI thread ran a Python event filter was seen to deadlock; see
:mod:`mission_desktop.gui.files.loading`, which works the same way). Only immutable values
(or values the worker no longer touches) should be handed over: the caller gives the work
frozen inputs, or copies it makes on the GUI thread before :meth:`Job.start`.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"

#: how often the GUI thread looks at a running job (ms)
POLL_MS = 10


class WorkCancelled(Exception):
    """Raised by work to say it stopped because Cancel was asked for."""


class WorkFailed(Exception):
    """Raised by work to fail with its message shown as it is."""


class JobState:
    """What the work sees of its job: thread-safe, and nothing of Qt."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._progress: deque[tuple[Any, ...]] = deque()
        self._end: tuple[str, Any] | None = None

    # ----------------------------------------------------------------- the work's side
    def set_progress(self, *values: Any) -> None:
        """Report how far the work has got (the values of the job's ``progressed`` signal)."""
        with self._lock:
            self._progress.append(values)

    def is_cancelled(self) -> bool:
        """True once Cancel was asked for: stop at the next step."""
        return self._cancel.is_set()

    # ----------------------------------------------------------------- the job's side
    def cancel(self) -> None:
        self._cancel.set()

    def end(self, state: str, payload: Any) -> None:
        with self._lock:
            self._end = (state, payload)

    def take(self) -> tuple[list[tuple[Any, ...]], tuple[str, Any] | None]:
        """The progress reported since the last look, and the end once there is one."""
        with self._lock:
            progress = list(self._progress)
            self._progress.clear()
            return progress, self._end


class Job(QObject):
    """One piece of work. ``state`` is RUNNING until ``done(value)``, ``cancelled()`` or
    ``failed(message)`` is emitted (then ``ended()``), all on the GUI thread.

    ``work(state)`` is the slow function. ``expected``: exception types whose message is
    the failure as it is (``explain`` words it); ``cancel_types``: those that mean
    "cancelled" (:class:`WorkFailed` and :class:`WorkCancelled` always are). Any other exception is a bug and becomes ``bug_text`` with its type and
    message filled in for ``{}``. Work that ends normally after Cancel counts as cancelled
    unless :meth:`finished_anyway` says otherwise.

    A subclass may declare another ``progressed`` signal (its values are those the work
    passes to :meth:`JobState.set_progress`) and override :meth:`deliver` to emit the
    result its own way."""

    progressed = Signal(float, str)
    done = Signal(object)
    cancelled = Signal()
    failed = Signal(str)
    ended = Signal()

    #: ``state`` once the work has ended normally
    done_state = DONE
    #: the failure message of an unexpected exception ("{}" is "Type: message")
    bug_text = "This failed ({})."
    #: how long :meth:`wait` blocks at the most, by default (ms)
    wait_ms = 120_000

    def __init__(
        self,
        work: Callable[[JobState], Any],
        expected: tuple[type[BaseException], ...] = (),
        cancel_types: tuple[type[BaseException], ...] = (),
        parent: QObject | None = None,
        explain: Callable[[BaseException], str] = str,
    ):
        super().__init__(parent)
        self.state = RUNNING
        self.value: Any = None
        self.message = ""
        self.expected = expected
        self.cancel_types = cancel_types
        self.explain = explain
        self._job_state = JobState()
        self._muted = False
        self._thread = threading.Thread(
            target=_run, args=(self, work, self._job_state), name=type(self).__name__, daemon=True
        )
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    # ----------------------------------------------------------------- GUI thread
    def start(self, replacing: Job | None = None) -> Job:
        """Start the work; ``replacing``, a job it takes the place of, is cancelled first
        and says nothing more."""
        if replacing is not None:
            replacing.supersede()
        self._thread.start()
        self._timer.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next step."""
        self._job_state.cancel()

    def supersede(self) -> None:
        """Cancel, and emit nothing more (a newer job shows its answer instead)."""
        self._muted = True
        self.cancel()

    def is_cancelling(self) -> bool:
        return self._job_state.is_cancelled()

    def is_running(self) -> bool:
        return self.state == RUNNING

    def wait(self, ms: int | None = None) -> bool:
        """Block until the work's thread has ended (closing a window), at most ``ms``
        (default :attr:`wait_ms`); True if it has. Its signals come after, from the event
        loop."""
        ms = self.wait_ms if ms is None else ms
        if self._thread.ident is not None:
            self._thread.join(ms / 1000)
        return not self._thread.is_alive()

    def _poll(self) -> None:
        progress, end = self._job_state.take()
        for values in progress:
            if self.state == RUNNING and not self._muted:
                self.progressed.emit(*values)
        if end is not None and self.state == RUNNING:
            self._timer.stop()
            state, payload = end
            self.state = state
            if not self._muted:
                self._emit_end(state, payload)

    def _emit_end(self, state: str, payload: Any) -> None:
        if state == self.done_state:
            self.deliver(payload)
        elif state == CANCELLED:
            self.cancelled.emit()
        else:
            self.message = str(payload)
            self.failed.emit(self.message)
        self.ended.emit()

    def deliver(self, value: Any) -> None:
        """The work's result, on the GUI thread."""
        self.value = value
        self.done.emit(value)

    def finished_anyway(self, value: Any) -> bool:
        """Whether work that returned ``value`` after Cancel was asked for still counts as
        done (by default it does not)."""
        return False

    def bug_message(self, error: Exception) -> str:
        """The failure message of an unexpected exception (a bug)."""
        return self.bug_text.format(f"{type(error).__name__}: {error}")


def _run(job: Job, work: Callable[[JobState], Any], state: JobState) -> None:
    """The worker thread: ``work(state)``, its end left in ``state`` (nothing of Qt)."""
    try:
        value = work(state)
    except (WorkCancelled, *job.cancel_types):
        state.end(CANCELLED, None)
    except WorkFailed as e:
        state.end(FAILED, str(e))
    except job.expected as e:
        state.end(FAILED, job.explain(e))
    except Exception as e:  # noqa: BLE001 - a bug must become a message, not a crash
        state.end(FAILED, job.bug_message(e))
    else:
        if state.is_cancelled() and not job.finished_anyway(value):
            state.end(CANCELLED, None)
        else:
            state.end(job.done_state, value)
