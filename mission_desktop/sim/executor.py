"""The executor: every batch of replications runs through one interface, on local processes
(the default) or on a Dask distributed cluster.

A task is ``(variant, replication)`` or ``(variant, replication, overrides)`` (overrides as
the canonical text of :func:`.overrides.overrides_key`). A task function is a module-level
pure function ``fn(scenario_text, variant, replication, overrides) → result``: its inputs
fully determine its output, so results are bit-identical whichever executor runs it and
however many workers share the work. :func:`run_task` (→ :class:`ReplicationSummary`) is
the one every experiment uses; decision helpers add their own (e.g. the warm-up series).

- :class:`LocalExecutor`: in this process for one worker (cancellable inside a replication),
  else a pool of worker processes (forkserver where there is one, so workers start from a
  small preloaded process). Used as a context manager it keeps its pool across batches (the
  rounds of a sequential procedure); otherwise each batch has its own pool.
- :class:`DaskExecutor`: ``client.map`` of the same task functions on a cluster
  (``--cluster ADDRESS``). Dask is the optional extra ``cluster``: nothing here imports it
  unless a cluster is asked for. A worker lost mid-run has its tasks re-run elsewhere by the
  scheduler; the results are the same because the tasks are pure.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from ..extras import missing_extra
from ..model.canonical import dumps_scenario
from ..model.errors import Problem, ScenarioError
from ..model.scenario import Scenario
from .engine import Simulation
from .lifeline import watch_parent
from .overrides import scenario_for
from .runsize import worker_count
from .summary import ReplicationSummary

Task = tuple  # (variant, replication) or (variant, replication, overrides)
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class ExperimentCancelled(Exception):
    """The experiment was stopped before it finished."""


def task_parts(task: Task) -> tuple[str, int, str]:
    """(variant, replication, overrides) of a task."""
    return task[0], task[1], task[2] if len(task) > 2 else ""


def run_task(
    text: str, variant: str, replication: int, overrides: str = "", visit_log: Any = None
) -> ReplicationSummary:
    """One replication of one variant of the scenario of canonical ``text``, with overrides.
    ``visit_log`` (optional, local only) opens a sink per task: ``visit_log.open(variant,
    replication)`` returns a callable taking chunks of visit rows, with ``close()``."""
    scenario = scenario_for(text, variant, overrides)
    return simulate_task(scenario, variant, replication, None, visit_log=visit_log)


def simulate_task(
    scenario: Scenario,
    variant: str,
    replication: int,
    cancel: Cancel | None,
    chunks: int = 50,
    visit_log: Any = None,
) -> ReplicationSummary:
    """One replication of an already loaded scenario; with ``cancel``, in ``chunks`` steps
    that each check it first."""
    sink = visit_log.open(variant, replication) if visit_log is not None else None
    try:
        sim = Simulation(scenario, variant, replication, visit_log=sink)
        if cancel is None:
            return sim.run()
        h = sim.horizon
        for k in range(1, chunks + 1):
            if cancel():
                raise ExperimentCancelled
            sim.run_until(h * k / chunks)
        return sim.summary()
    finally:
        if sink is not None:
            sink.close()


class Executor:
    """Runs tasks; :meth:`map` returns ``{task: result}`` for every task."""

    def map(
        self,
        scenario: Scenario,
        tasks: Sequence[Task],
        *,
        fn: Callable[..., Any] = run_task,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        visit_log: Any = None,
    ) -> dict[Task, Any]:
        raise NotImplementedError

    def close(self) -> None:
        """Release workers or connections (the executor may be used again after)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- local processes


def _pool_context():
    if os.name == "posix" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["mission_desktop.sim.engine", "mission_desktop.model", "mission_desktop.sim.executor"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


def _watch_owner(owner: int) -> None:
    """In each worker: end it if the process running the experiment dies (kill -9 too)."""
    watch_parent(owner)


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.terminate()
    for process in list(processes.values()):
        process.join(timeout=2)


class LocalExecutor(Executor):
    """Local processes: ``workers`` of them (default: every core), never more than there
    are tasks; one worker runs in this process."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._pool_size = 0
        self._kept = False

    def __enter__(self) -> LocalExecutor:
        self._kept = True
        return self

    def __exit__(self, *exc: object) -> None:
        self._kept = False
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _abandon_pool(self) -> None:
        if self._pool is not None:
            _terminate_workers(self._pool)
            self._pool.shutdown(wait=False)
            self._pool = None

    def _get_pool(self, size: int) -> ProcessPoolExecutor:
        if self._pool is not None and self._pool_size < size:
            self.close()
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=size,
                mp_context=_pool_context(),
                initializer=_watch_owner,
                initargs=(os.getpid(),),
            )
            self._pool_size = size
        return self._pool

    def map(self, scenario, tasks, *, fn=run_task, progress=None, cancel=None, visit_log=None):
        total = len(tasks)
        # no more than the cores, the tasks, and what the free memory holds
        variants = sorted({task_parts(task)[0] for task in tasks})
        workers, _ = worker_count(scenario, variants, self.workers, max(total, 1))
        done: dict[Task, Any] = {}
        if progress:
            progress(0, total)
        if total == 0:
            return done
        extra = {"visit_log": visit_log} if visit_log is not None else {}
        if workers == 1 and self._pool is None:
            text = None
            for task in tasks:
                if cancel and cancel():
                    raise ExperimentCancelled
                v, r, key = task_parts(task)
                if fn is run_task and not key:
                    done[task] = simulate_task(scenario, v, r, cancel, visit_log=visit_log)
                else:
                    text = text if text is not None else dumps_scenario(scenario)
                    done[task] = fn(text, v, r, key, **extra)
                if progress:
                    progress(len(done), total)
            return done
        text = dumps_scenario(scenario)
        pool = self._get_pool(workers)
        futures = {pool.submit(fn, text, *task_parts(task), **extra): task for task in tasks}
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for f in finished:
                    done[futures[f]] = f.result()
                if finished and progress:
                    progress(len(done), total)
                if cancel and cancel():
                    raise ExperimentCancelled
        except BaseException:
            # Stopped (cancel, Ctrl+C, SIGTERM) or failed: end the workers now rather than
            # letting them finish replications nobody will read.
            # (futures are not cancelled one by one: on Python 3.11 the pool's manager thread
            # then fails setting "broken pool" on them; it marks them all itself instead)
            self._abandon_pool()
            raise
        if not self._kept:
            self.close()
        return done


# --------------------------------------------------------------------------- Dask cluster

CLUSTER_EXTRA_HINT = missing_extra("the cluster option needs Dask", "cluster")


class DaskExecutor(Executor):
    """The tasks on a Dask distributed cluster at ``address`` (e.g. ``tcp://host:8786``).
    Every worker needs the same Mission Desktop version installed (the task functions are
    sent by name)."""

    def __init__(self, address: str, *, timeout: float = 30.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ScenarioError([Problem("--cluster", CLUSTER_EXTRA_HINT)]) from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            raise ScenarioError(
                [Problem("--cluster", f"cannot reach a Dask scheduler at {address}: {e}")]
            ) from None

    def close(self) -> None:
        self.client.close()

    def map(self, scenario, tasks, *, fn=run_task, progress=None, cancel=None, visit_log=None):
        from distributed import as_completed

        if visit_log is not None:
            raise ScenarioError(
                [Problem("--log", "a visit log is written by local runs only; drop --cluster")]
            )
        total = len(tasks)
        done: dict[Task, Any] = {}
        if progress:
            progress(0, total)
        if total == 0:
            return done
        text = self.client.scatter(dumps_scenario(scenario), broadcast=True, hash=True)
        parts = [task_parts(t) for t in tasks]
        futures = self.client.map(
            fn,
            [text] * total,
            [p[0] for p in parts],
            [p[1] for p in parts],
            [p[2] for p in parts],
            pure=True,
            retries=2,
        )
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for f in as_completed(futures, loop=self.client.loop):
                done[tasks[index[f.key]]] = f.result()
                if progress:
                    progress(len(done), total)
                if cancel and cancel():
                    raise ExperimentCancelled
        except BaseException:
            self.client.cancel(futures)
            raise
        return {t: done[t] for t in tasks}


@contextlib.contextmanager
def batches(executor: Executor) -> Iterator[Executor]:
    """Several batches in a row on ``executor``: a local pool is kept between them (and
    closed after); a cluster connection is left as it is (its owner closes it)."""
    if isinstance(executor, LocalExecutor) and not executor._kept:
        with executor:
            yield executor
    else:
        yield executor


def make_executor(cluster: str | None = None, workers: int | None = None) -> Executor:
    """The executor a command asks for: a cluster at ``cluster``, else local processes."""
    if cluster:
        return DaskExecutor(cluster)
    return LocalExecutor(workers)
