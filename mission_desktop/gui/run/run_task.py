"""A run as a plain function (no Qt): :func:`run_task` steps the live replication of every
variant, then runs all replications, reporting through a small state object
(:class:`RunState`) from which it also learns whether to pause or stop (Orange3's
``concurrent.py`` idea). :mod:`.worker` drives it from Qt."""

from __future__ import annotations

import logging
import math
import multiprocessing
import multiprocessing.queues  # noqa: F401 - imported now, not mid-run on the GUI's GIL
import multiprocessing.synchronize  # noqa: F401
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mission_desktop.sim.snapshots import Snapshot

if TYPE_CHECKING:
    from mission_desktop.gui.run.run_process import ChildControl

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
