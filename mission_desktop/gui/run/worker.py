"""The run controller: drives the simulation off the GUI thread.

Following Orange3's ``concurrent.py``: the slow work is a plain function (:func:`run_task`)
given a small state object (:class:`RunState`) through which it reports progress and partial
results and learns whether it should stop or pause. The Qt side (:class:`RunController`) only
starts, pauses, cancels and receives — it never waits for the worker.

Only immutable :class:`~mission_desktop.sim.snapshots.Snapshot` objects and the finished
results dict cross the thread boundary. The worker never touches Qt: the controller pulls the
latest snapshots with a timer on the GUI thread and emits them from there.

A run has two phases:

1. **live** — replication 0 of every selected variant is stepped in lockstep through
   ``stream_snapshots``, at presentation pace (simulated time units per wall second) or as
   fast as possible, so a room can watch queues build;
2. **replications** — ``run_experiment`` runs every replication of every selected variant for
   the summaries and confidence intervals shown afterwards.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.queues  # noqa: F401 - imported now, not mid-run on the GUI's GIL
import multiprocessing.synchronize  # noqa: F401
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from mission_desktop.gui.run.run_process import RunHandle, run_in_process, warm_up
from mission_desktop.gui.run.run_task import (  # noqa: F401 - the run's states and errors are part of this API
    FAILED,
    FINISHED,
    IDLE,
    LIVE,
    PAUSED,
    REPLICATIONS,
    RUNNING_STATES,
    STOPPED,
    ExperimentFn,
    RunRequest,
    RunState,
    StreamFn,
    describe_error,
    run_task,
)
from mission_desktop.sim.snapshots import Snapshot

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------- the Qt side


class RunController(QObject):
    """Starts, pauses, stops and receives a run; all signals are emitted on the GUI thread.

    ``snapshot_received(Snapshot)`` carries the latest snapshot of a variant, at most once
    per variant per timer tick; ``snapshots_received(list[Snapshot])`` carries every
    snapshot produced since the previous tick, in order (for plots that draw every step).
    """

    state_changed = Signal(str)
    progress_changed = Signal(int, int, float)
    run_finished = Signal(object)
    run_failed = Signal(str)
    snapshot_received = Signal(object)
    snapshots_received = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        stream_fn: StreamFn | None = None,
        experiment_fn: ExperimentFn | None = None,
        poll_interval_ms: int = 50,
        mode: str | None = None,
    ) -> None:
        super().__init__(parent)
        if mode is None:
            mode = "thread" if (stream_fn or experiment_fn) else "process"
        if mode not in ("thread", "process"):
            raise ValueError("mode must be 'thread' or 'process'")
        #: "process": the engine runs in a child process (the default: the GUI process's
        #: interpreter lock stays free); "thread": in a thread of this process (injected
        #: engines, e.g. fakes in tests, which a child process could not import)
        self.mode = mode
        self._stream_fn = stream_fn
        self._experiment_fn = experiment_fn
        self._state: RunState | None = None
        self._thread: threading.Thread | None = None
        self._request: RunRequest | None = None
        self._status = IDLE
        self._last_seen: dict[str, Snapshot] = {}
        #: plain-Python view of the run, for shutdown after the Qt side is gone
        self.handle = RunHandle()
        if mode == "process":
            warm_up()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_interval_ms)
        self._timer.timeout.connect(self._poll)

    # ------------------------------------------------------------------ queries
    @property
    def state(self) -> str:
        return self._status

    @property
    def is_running(self) -> bool:
        return self._status in RUNNING_STATES

    @property
    def is_paused(self) -> bool:
        return self._status == PAUSED

    @property
    def request(self) -> RunRequest | None:
        return self._request

    def latest_snapshots(self) -> dict[str, Snapshot]:
        return dict(self._last_seen)

    def is_worker_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float = 5.0) -> bool:
        """Block until the current worker thread ends (tests and shutdown only)."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # ------------------------------------------------------------------ commands
    def start(
        self,
        scenario: Any,
        variants: list[str] | tuple[str, ...] | None = None,
        replications: int | None = None,
        *,
        pace: float | None = None,
        step: float | None = None,
        live: bool = True,
        replicate: bool = True,
        workers: int | None = None,
    ) -> None:
        """Start a run; a run already going is cancelled first."""
        self._cancel_current()
        if variants is None:
            variants = [v.id for v in scenario.effective_variants]
        if replications is None:
            replications = scenario.run.replications
        request = RunRequest(
            scenario=scenario,
            variants=tuple(variants),
            replications=int(replications),
            pace=pace,
            step=step,
            live=live,
            replicate=replicate,
            workers=workers,
        )
        state = RunState(pace)
        if self.mode == "process":
            target, args = run_in_process, (state, request)
        else:
            target, args = run_task, (state, request, self._stream_fn, self._experiment_fn)
        thread = threading.Thread(target=target, args=args, name="mission-desktop-run", daemon=True)
        self._request, self._state, self._thread = request, state, thread
        self.handle.state, self.handle.thread = state, thread
        self._last_seen = {}
        thread.start()
        self._timer.start()
        self._set_status(LIVE if live else REPLICATIONS)

    def pause(self) -> None:
        if self._state is not None and self.is_running and not self.is_paused:
            self._state.pause()
            self._set_status(PAUSED)

    def resume(self) -> None:
        if self._state is not None and self.is_paused:
            self._state.resume()
            self._set_status(self._state.phase)

    def toggle_pause(self) -> None:
        if self.is_paused:
            self.resume()
        else:
            self.pause()

    def stop(self) -> None:
        """Cooperative Stop: takes effect at once for the GUI; the worker ends within a step."""
        if self._state is None or not self.is_running:
            return
        self._flush(self._state)
        self._cancel_current()
        self._set_status(STOPPED)

    def set_pace(self, pace: float | None) -> None:
        """Change the presentation pace (simulated units per second; None = fastest)."""
        if self._state is not None:
            self._state.set_pace(pace)

    def shutdown(self, timeout: float = 1.0) -> None:
        """Cancel any run and wait briefly for the worker (call when the window closes).

        Idempotent: calling it again (or with no run) does nothing."""
        was_running = self.is_running
        self._cancel_current()
        self.handle.shutdown(timeout)
        if was_running:
            self._set_status(STOPPED)

    # ------------------------------------------------------------------ internals
    def _cancel_current(self) -> None:
        if self._state is not None:
            self._state.request_interruption()
        self._state = None
        self._timer.stop()

    def _set_status(self, status: str) -> None:
        if status != self._status:
            self._status = status
            self.state_changed.emit(status)

    def _flush(self, state: RunState) -> None:
        latest, pending = state.take_snapshots()
        if pending:
            self.snapshots_received.emit(pending)
        for variant_id, snap in latest.items():
            if self._last_seen.get(variant_id) is not snap:
                self._last_seen[variant_id] = snap
                self.snapshot_received.emit(snap)
        progress = state.take_progress()
        if progress is not None:
            self.progress_changed.emit(*progress)

    @Slot()
    def _poll(self) -> None:
        state = self._state
        if state is None:
            self._timer.stop()
            return
        self._flush(state)
        if not self.is_paused:
            phase = state.phase
            if phase in (LIVE, REPLICATIONS):
                self._set_status(phase)
        if not state.done.is_set():
            return
        self._timer.stop()
        self._state = None
        phase = state.phase
        if phase == FINISHED:
            self._set_status(FINISHED)
            self.run_finished.emit(state.result or {})
        elif phase == FAILED:
            self._set_status(FAILED)
            self.run_failed.emit(state.error or "The simulation stopped with an error.")
        else:
            self._set_status(STOPPED)
