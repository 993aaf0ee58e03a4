"""The same run in a child process (forkserver, warmed in the background): the engine's
garbage-collection pauses then never hold the GUI's interpreter lock. :class:`ChildControl`
is the child's side of :class:`~.run_task.RunState`; :func:`run_in_process` the parent's."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.queues  # noqa: F401 - imported now, not mid-run on the GUI's GIL
import multiprocessing.synchronize  # noqa: F401
import os
import queue
import threading
import time

from mission_desktop.gui.run.run_task import (
    FAILED,
    SLICE,
    STOPPED,
    RunCancelled,
    RunRequest,
    RunState,
    describe_error,
    run_task,
)
from mission_desktop.model import dumps_scenario
from mission_desktop.sim.snapshots import Snapshot

log = logging.getLogger(__name__)


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


def _child_main(
    control: ChildControl, scenario_text: str, fields: dict, owner: int | None = None
) -> None:
    """Entry point of the run process: the same plain function, in another interpreter."""
    from mission_desktop.model import loads_scenario
    from mission_desktop.sim.lifeline import watch_parent

    watch_parent(owner)  # the app killed (SIGTERM, kill -9): this run ends too

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
            # the modules a run uses (mission_desktop.sim itself imports them only on use)
            ctx.set_forkserver_preload(
                ["mission_desktop.sim.live", "mission_desktop.sim.experiment", "mission_desktop.model"]
            )
        else:
            ctx = multiprocessing.get_context("spawn")
        _CONTEXT = ctx
    return _CONTEXT


_WARM_LOCK = threading.Lock()
_WARM_THREAD: threading.Thread | None = None
#: while True, warm_up() only notes that it was asked (see hold_warm_up)
_WARM_HELD = False
_WARM_ASKED = False


def _ensure_process_server() -> None:
    ctx = process_context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def hold_warm_up() -> None:
    """Until :func:`release_warm_up`, :func:`warm_up` starts nothing (the app holds it while
    it opens its first window: the process server's start would compete with it)."""
    global _WARM_HELD
    with _WARM_LOCK:
        _WARM_HELD = True


def release_warm_up() -> None:
    """End :func:`hold_warm_up`; a warm-up asked for meanwhile starts now."""
    global _WARM_HELD
    with _WARM_LOCK:
        _WARM_HELD = False
        asked = _WARM_ASKED
    if asked:
        warm_up()


def warm_up() -> threading.Thread | None:
    """Start the process server (forkserver, which imports the engine once) in the background.

    Call it early (when a run view is made or a scenario is shown): the first run then does
    not pay for starting it, and nothing of it happens on the GUI thread. Idempotent. While
    held (:func:`hold_warm_up`) it only notes the request and returns None."""
    global _WARM_THREAD, _WARM_ASKED
    with _WARM_LOCK:
        if _WARM_HELD:
            _WARM_ASKED = True
            return _WARM_THREAD
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
            target=_child_main,
            args=(control, text, fields, os.getpid()),
            name="mission-desktop-run",
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
