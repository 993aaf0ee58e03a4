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
import math
import multiprocessing
import multiprocessing.queues  # noqa: F401 - imported now, not mid-run on the GUI's GIL
import multiprocessing.synchronize  # noqa: F401
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from mission_desktop.model import dumps_scenario
from mission_desktop.sim.snapshots import Snapshot

log = logging.getLogger(__name__)

StreamFn = Callable[..., Iterator[Snapshot]]
ExperimentFn = Callable[..., dict]

#: the longest the worker sleeps before checking for Stop / Pause again (seconds)
SLICE = 0.02
#: at most this many snapshots wait for the GUI; older ones are dropped (a stalled GUI
#: must not make the worker's memory grow without bound)
MAX_PENDING = 20_000

# states reported by RunController.state_changed
IDLE = "idle"
LIVE = "live"
PAUSED = "paused"
REPLICATIONS = "replications"
FINISHED = "finished"
STOPPED = "stopped"
FAILED = "failed"
RUNNING_STATES = (LIVE, PAUSED, REPLICATIONS)


class RunCancelled(Exception):
    """Raised inside the worker when Stop was pressed."""


@dataclass(frozen=True, slots=True)
class RunRequest:
    """Everything the worker needs; immutable, so it can cross to the worker thread."""

    scenario: Any
    variants: tuple[str, ...]
    replications: int
    #: simulated time units per wall-clock second; None = as fast as possible
    pace: float | None = None
    #: simulated time per live step; None = the engine's default (horizon / 400)
    step: float | None = None
    #: run the live phase (replication 0 watched as it happens) before the replications
    live: bool = True
    #: run the replications phase (summaries with confidence intervals)
    replicate: bool = True
    #: worker processes for run_experiment; None = leave one core for the GUI
    workers: int | None = None


class RunState:
    """What the worker and the GUI share. Every method is thread-safe."""

    def __init__(self, pace: float | None = None) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._running = threading.Event()  # set = not paused
        self._running.set()
        self._pace = pace
        self._pace_version = 0
        self._latest: dict[str, Snapshot] = {}
        self._pending: list[Snapshot] = []
        self._progress: tuple[int, int, float] = (0, 0, math.nan)
        self._progress_new = False
        self._phase = LIVE
        self._paused_total = 0.0
        self._paused_since: float | None = None
        self.result: dict | None = None
        self.error: str | None = None
        self.done = threading.Event()
        #: the child process's control block, when the run happens in a process
        self.remote: ChildControl | None = None

    # ------------------------------------------------------------------ GUI side
    def request_interruption(self) -> None:
        self._cancel.set()
        self._running.set()  # wake a paused worker so it can see the cancel
        if self.remote is not None:
            self.remote.cancel.set()
            self.remote.running.set()

    def pause(self) -> None:
        with self._lock:
            if self._paused_since is None:
                self._paused_since = time.monotonic()
            if self.remote is not None:
                self.remote.paused_since.value = self._paused_since
                self.remote.running.clear()
        self._running.clear()

    def resume(self) -> None:
        with self._lock:
            if self._paused_since is not None:
                self._paused_total += time.monotonic() - self._paused_since
                self._paused_since = None
            if self.remote is not None:
                self.remote.paused_total.value = self._paused_total
                self.remote.paused_since.value = -1.0
                self.remote.running.set()
        self._running.set()

    @property
    def is_paused(self) -> bool:
        return not self._running.is_set()

    def set_pace(self, pace: float | None) -> None:
        with self._lock:
            self._pace = pace
            self._pace_version += 1
            if self.remote is not None:
                self.remote.set_pace(pace)

    def take_snapshots(self) -> tuple[dict[str, Snapshot], list[Snapshot]]:
        """(latest snapshot per variant, every snapshot since the last call, in order)."""
        with self._lock:
            pending, self._pending = self._pending, []
            return dict(self._latest), pending

    def take_progress(self) -> tuple[int, int, float] | None:
        with self._lock:
            if not self._progress_new:
                return None
            self._progress_new = False
            return self._progress

    @property
    def phase(self) -> str:
        with self._lock:
            return self._phase

    # ------------------------------------------------------------------ worker side
    def is_interruption_requested(self) -> bool:
        return self._cancel.is_set()

    def active_seconds(self, since: float) -> float:
        """Wall seconds since ``since`` (a monotonic time), not counting pauses."""
        with self._lock:
            paused = self._paused_total
            if self._paused_since is not None:
                paused += time.monotonic() - self._paused_since
        return max(time.monotonic() - since - paused, 0.0)

    def paused_total(self) -> float:
        with self._lock:
            extra = 0.0 if self._paused_since is None else time.monotonic() - self._paused_since
            return self._paused_total + extra

    def pace(self) -> tuple[float | None, int]:
        with self._lock:
            return self._pace, self._pace_version

    def set_phase(self, phase: str) -> None:
        with self._lock:
            self._phase = phase

    def set_partial_result(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._latest[snapshot.variant_id] = snapshot
            self._pending.append(snapshot)
            if len(self._pending) > MAX_PENDING:
                del self._pending[: len(self._pending) - MAX_PENDING]

    def set_progress_value(self, done: int, total: int, eta_seconds: float) -> None:
        with self._lock:
            self._progress = (int(done), int(total), float(eta_seconds))
            self._progress_new = True

    def set_result(self, result: dict) -> None:
        self.result = result

    def set_error(self, message: str) -> None:
        self.error = message

    def mark_done(self) -> None:
        self.done.set()

    def wait_while_paused(self) -> bool:
        """Block (in small slices) while paused. True if it did pause. Raises on Stop."""
        paused = False
        while not self._running.wait(SLICE):
            paused = True
            if self._cancel.is_set():
                break
        if self._cancel.is_set():
            raise RunCancelled
        return paused

    def sleep_until(self, deadline: float) -> bool:
        """Sleep until the monotonic ``deadline`` in small slices. Raises on Stop.

        Returns False (early) if a pause or a pace change interrupted the wait, so the caller
        can re-anchor its clock.
        """
        _, version = self.pace()
        while True:
            if self._cancel.is_set():
                raise RunCancelled
            if not self._running.is_set() or self.pace()[1] != version:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            time.sleep(min(SLICE, left))


# ---------------------------------------------------------------------- the plain functions


def _default_stream_fn() -> StreamFn:
    from mission_desktop.sim import stream_snapshots  # type: ignore[attr-defined]

    return stream_snapshots


def _default_experiment_fn() -> ExperimentFn:
    from mission_desktop.sim import run_experiment  # type: ignore[attr-defined]

    return run_experiment


def run_live(state: RunState, request: RunRequest, stream_fn: StreamFn) -> None:
    """Step replication 0 of every variant in lockstep, publishing each snapshot."""
    horizon = float(request.scenario.run.horizon)
    streams: dict[str, Iterator[Snapshot]] = {
        v: stream_fn(request.scenario, v, 0, request.step) for v in request.variants
    }
    active = list(request.variants)
    started = time.monotonic()
    anchor_wall, anchor_sim = started, 0.0
    sim_time = 0.0
    _, pace_version = state.pace()
    try:
        while active:
            if state.wait_while_paused():
                anchor_wall, anchor_sim = time.monotonic(), sim_time
            for variant_id in list(active):
                try:
                    snap = next(streams[variant_id])
                except StopIteration:
                    active.remove(variant_id)
                    continue
                state.set_partial_result(snap)
                sim_time = max(sim_time, float(snap.time))
                if snap.done:
                    active.remove(variant_id)
            if state.is_interruption_requested():
                raise RunCancelled
            pace, version = state.pace()
            if version != pace_version:
                pace_version = version
                anchor_wall, anchor_sim = time.monotonic(), sim_time
            fraction = min(sim_time / horizon, 1.0) if horizon > 0 else 1.0
            if pace is None or pace <= 0:
                active_s = state.active_seconds(started)
                eta = active_s * (1 - fraction) / fraction if fraction > 0 else math.nan
                state.set_progress_value(round(fraction * 1000), 1000, eta)
                # let the GUI thread have the interpreter between steps
                time.sleep(0)
            else:
                state.set_progress_value(
                    round(fraction * 1000), 1000, max(horizon - sim_time, 0.0) / pace
                )
                deadline = anchor_wall + (sim_time - anchor_sim) / pace
                if not state.sleep_until(deadline):
                    anchor_wall, anchor_sim = time.monotonic(), sim_time
    finally:
        for stream in streams.values():
            close = getattr(stream, "close", None)
            if close is not None:
                close()


def run_replications(state: RunState, request: RunRequest, experiment_fn: ExperimentFn) -> dict:
    """Every replication of every selected variant, with progress, pause and Stop."""
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        active_s = state.active_seconds(started)
        eta = active_s * (total - done) / done if done > 0 else math.nan
        state.set_progress_value(done, total, eta)

    def cancel() -> bool:
        # pausing blocks here, so no new replication starts while paused
        try:
            state.wait_while_paused()
        except RunCancelled:
            return True
        return state.is_interruption_requested()

    workers = request.workers
    if workers is None:
        workers = max(1, (os.cpu_count() or 2) - 1)
    return experiment_fn(
        request.scenario,
        variants=list(request.variants),
        replications=request.replications,
        workers=workers,
        progress=progress,
        cancel=cancel,
    )


def _is_cancelled_error(exc: BaseException) -> bool:
    return isinstance(exc, RunCancelled) or type(exc).__name__ == "ExperimentCancelled"


def _problem_words(problem: Any) -> str:
    """A problem's plain words; its place only when it points somewhere precise (a field
    such as ``services[2].capacity``), not a whole section such as ``run``."""
    message = getattr(problem, "message", None)
    if not isinstance(message, str) or not message:
        return str(problem)
    path = getattr(problem, "path", "") or ""
    if "." in path or "[" in path:
        return f"{path}: {message}"
    return message


def describe_error(exc: BaseException) -> str:
    """A message for the user: what went wrong, without a traceback."""
    problems = getattr(exc, "problems", None)
    if problems:
        lines = [_problem_words(p) for p in problems]
        return "The scenario cannot be run:\n" + "\n".join(f"• {line}" for line in lines)
    text = str(exc) or type(exc).__name__
    return f"The simulation stopped with an error: {text}"


def run_task(
    state: RunState,
    request: RunRequest,
    stream_fn: StreamFn | None = None,
    experiment_fn: ExperimentFn | None = None,
) -> None:
    """The whole run (live phase, then replications); result or error left on ``state``."""
    try:
        if request.live:
            state.set_phase(LIVE)
            run_live(state, request, stream_fn or _default_stream_fn())
        if request.replicate:
            if state.is_interruption_requested():
                raise RunCancelled
            state.set_phase(REPLICATIONS)
            state.set_progress_value(0, request.replications * len(request.variants), math.nan)
            state.set_result(
                run_replications(state, request, experiment_fn or _default_experiment_fn())
            )
        else:
            state.set_result({})
        state.set_phase(FINISHED)
    except BaseException as exc:  # noqa: BLE001 - everything must reach the GUI as a message
        if _is_cancelled_error(exc) or state.is_interruption_requested():
            state.set_phase(STOPPED)
        else:
            if getattr(exc, "problems", None):  # the scenario refused, not a crash
                log.info("run refused: %s", describe_error(exc))
            else:
                log.exception("simulation run failed")
            state.set_error(describe_error(exc))
            state.set_phase(FAILED)
    finally:
        state.mark_done()


class ChildControl:
    """The worker side of :class:`RunState` for a run in a child process.

    Same interface as RunState's worker side, over multiprocessing primitives: the GUI
    process sets the events and values (through ``RunState.remote``); the child reports
    snapshots, progress, phase and the result through the ``out`` queue.
    """

    def __init__(self, ctx, pace: float | None) -> None:
        self.cancel = ctx.Event()
        self.running = ctx.Event()
        self.running.set()
        self.pace_value = ctx.Value("d", -1.0 if pace is None else float(pace))
        self.pace_version = ctx.Value("i", 0)
        self.paused_total = ctx.Value("d", 0.0)
        self.paused_since = ctx.Value("d", -1.0)
        self.out = ctx.Queue()

    # ------------------------------------------------------------------ GUI side
    def set_pace(self, pace: float | None) -> None:
        with self.pace_version.get_lock():
            self.pace_value.value = -1.0 if pace is None else float(pace)
            self.pace_version.value += 1

    # ------------------------------------------------------------------ child side
    def is_interruption_requested(self) -> bool:
        return self.cancel.is_set()

    def pace(self) -> tuple[float | None, int]:
        with self.pace_version.get_lock():
            value, version = self.pace_value.value, self.pace_version.value
        return (None if value < 0 else value), version

    def active_seconds(self, since: float) -> float:
        paused = self.paused_total.value
        paused_since = self.paused_since.value
        if paused_since >= 0:
            paused += time.monotonic() - paused_since
        return max(time.monotonic() - since - paused, 0.0)

    def set_phase(self, phase: str) -> None:
        self.out.put(("phase", phase))

    def set_partial_result(self, snapshot: Snapshot) -> None:
        self.out.put(("snapshot", snapshot))

    def set_progress_value(self, done: int, total: int, eta_seconds: float) -> None:
        self.out.put(("progress", (int(done), int(total), float(eta_seconds))))

    def set_result(self, result: dict) -> None:
        self.out.put(("result", result))

    def set_error(self, message: str) -> None:
        self.out.put(("error", message))

    def mark_done(self) -> None:
        self.out.put(("done", None))

    def wait_while_paused(self) -> bool:
        paused = False
        while not self.running.wait(SLICE):
            paused = True
            if self.cancel.is_set():
                break
        if self.cancel.is_set():
            raise RunCancelled
        return paused

    def sleep_until(self, deadline: float) -> bool:
        _, version = self.pace()
        while True:
            if self.cancel.is_set():
                raise RunCancelled
            if not self.running.is_set() or self.pace()[1] != version:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            time.sleep(min(SLICE, left))


def _child_main(control: ChildControl, scenario_text: str, fields: dict) -> None:
    """Entry point of the run process: the same plain function, in another interpreter."""
    from mission_desktop.model import loads_scenario

    try:
        scenario = loads_scenario(scenario_text)
    except BaseException as exc:  # noqa: BLE001
        control.set_error(describe_error(exc))
        control.set_phase(FAILED)
        control.mark_done()
        return
    run_task(control, RunRequest(scenario=scenario, **fields))  # type: ignore[arg-type]
    control.out.close()
    control.out.join_thread()


_CONTEXT = None


def process_context():
    """forkserver where available (the engine is imported once, then forked), else spawn."""
    global _CONTEXT
    if _CONTEXT is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["mission_desktop.sim", "mission_desktop.model"])
        else:
            ctx = multiprocessing.get_context("spawn")
        _CONTEXT = ctx
    return _CONTEXT


_WARM_LOCK = threading.Lock()
_WARM_THREAD: threading.Thread | None = None


def _ensure_process_server() -> None:
    ctx = process_context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def warm_up() -> threading.Thread:
    """Start the process server (forkserver, which imports the engine once) in the background.

    Call it early (when a run view is made or a scenario is shown): the first run then does
    not pay for starting it, and nothing of it happens on the GUI thread. Idempotent."""
    global _WARM_THREAD
    with _WARM_LOCK:
        if _WARM_THREAD is None:
            _WARM_THREAD = threading.Thread(
                target=_ensure_process_server, name="mission-desktop-warm-up", daemon=True
            )
            _WARM_THREAD.start()
        return _WARM_THREAD


class RunHandle:
    """The current run's state and thread, as plain Python (no Qt).

    Safe to use from ``QApplication.aboutToQuit`` or a ``destroyed`` signal, after the Qt
    objects may be gone: :meth:`shutdown` cancels the run and waits briefly for it."""

    def __init__(self) -> None:
        self.state: RunState | None = None
        self.thread: threading.Thread | None = None

    def shutdown(self, timeout: float = 1.0) -> None:
        state, thread = self.state, self.thread
        if state is not None:
            state.request_interruption()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)


#: after Stop, a child process that has not ended by itself within this time is terminated
TERMINATE_AFTER = 0.3


def run_in_process(state: RunState, request: RunRequest) -> None:
    """Run :func:`run_task` in a child process; relay what it reports into ``state``.

    Runs on a plain thread of the GUI process, which mostly sleeps in ``queue.get``: the
    simulation's CPU work and garbage collection happen in the child, so they never hold
    the GUI process's interpreter lock.
    """
    ctx = process_context()
    control = ChildControl(ctx, request.pace)
    with state._lock:
        state.remote = control
        control.set_pace(state._pace)
    if state.is_interruption_requested():
        control.cancel.set()
    fields = {
        "variants": request.variants,
        "replications": request.replications,
        "pace": request.pace,
        "step": request.step,
        "live": request.live,
        "replicate": request.replicate,
        "workers": request.workers,
    }
    try:
        text = dumps_scenario(request.scenario)
        proc = ctx.Process(
            target=_child_main, args=(control, text, fields), name="mission-desktop-run"
        )
        proc.start()
    except BaseException as exc:  # noqa: BLE001
        log.exception("could not start the simulation process")
        state.set_error(f"Could not start the simulation: {exc}")
        state.set_phase(FAILED)
        state.mark_done()
        return
    cancelled_at: float | None = None
    finished = False
    try:
        while True:
            try:
                kind, payload = control.out.get(timeout=SLICE * 2)
            except queue.Empty:
                if state.is_interruption_requested():
                    now = time.monotonic()
                    cancelled_at = cancelled_at or now
                    if now - cancelled_at > TERMINATE_AFTER and proc.is_alive():
                        proc.terminate()
                if not proc.is_alive():
                    try:  # anything still in the pipe?
                        kind, payload = control.out.get(timeout=SLICE)
                    except queue.Empty:
                        break
                else:
                    continue
            if kind == "snapshot":
                state.set_partial_result(payload)
            elif kind == "progress":
                state.set_progress_value(*payload)
            elif kind == "phase":
                state.set_phase(payload)
            elif kind == "result":
                state.set_result(payload)
            elif kind == "error":
                state.set_error(payload)
            elif kind == "done":
                finished = True
                break
    finally:
        if not finished:
            if state.is_interruption_requested():
                state.set_phase(STOPPED)
            else:
                code = proc.exitcode
                state.set_error(
                    "The simulation process ended unexpectedly"
                    + (f" (exit code {code})." if code is not None else ".")
                )
                state.set_phase(FAILED)
        proc.join(TERMINATE_AFTER)
        if proc.is_alive():
            proc.terminate()
            proc.join(TERMINATE_AFTER)
        state.mark_done()


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
