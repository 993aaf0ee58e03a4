"""The one worker-thread job core (gui/shared/job.py) every slow dialog uses: the work is a
plain function given a state (set_progress, is_cancelled); progress and the end reach the
GUI thread in order, by polling (no signal is emitted from the worker); Cancel and a newer
job stop it. Counts and handshakes, never a clock."""

from __future__ import annotations

import os
import threading

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QObject, Qt, Signal  # noqa: E402

from mission_desktop.gui.decide.job import DecideJob  # noqa: E402
from mission_desktop.gui.report.worker import WRITTEN, ReportJob  # noqa: E402
from mission_desktop.gui.shared.job import (  # noqa: E402
    CANCELLED,
    DONE,
    FAILED,
    RUNNING,
    Job,
    WorkCancelled,
    WorkFailed,
)

#: a signal ends every wait; this only bounds a broken test
WAIT_MS = 60_000
#: a handshake's safety net (s): the test releases the worker long before
HOLD_S = 60


class Recorder(QObject):
    """Every signal of a job, with the thread it was emitted on (direct connections)."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.events: list[tuple] = []
        self.threads: set[int] = set()
        direct = Qt.ConnectionType.DirectConnection
        job.progressed.connect(lambda *v: self._add("progressed", *v), direct)
        for name in ("done", "failed", "written"):
            if hasattr(job, name):
                getattr(job, name).connect(lambda v, n=name: self._add(n, v), direct)
        job.cancelled.connect(lambda: self._add("cancelled"), direct)
        job.ended.connect(lambda: self._add("ended"), direct)

    def _add(self, *event) -> None:
        self.threads.add(threading.get_ident())
        self.events.append(event)


def finish(qtbot, job: Job) -> None:
    if job.is_running():
        with qtbot.waitSignal(job.ended, timeout=WAIT_MS):
            pass


def test_progress_then_the_result_reach_the_gui_thread_in_order(qtbot):
    ran_on: list[int] = []

    def work(state):
        ran_on.append(threading.get_ident())
        for i in range(5):
            state.set_progress(i / 4, f"step {i}")
        return ("answer", 42)

    job = Job(work)
    seen = Recorder(job)
    assert job.state == RUNNING and job.wait(0)  # not started: no thread to wait for
    finish(qtbot, job.start())
    assert job.state == DONE and job.value == ("answer", 42)
    assert seen.events == [
        *[("progressed", i / 4, f"step {i}") for i in range(5)],
        ("done", ("answer", 42)),
        ("ended",),
    ]
    assert seen.threads == {threading.get_ident()}  # every signal on the GUI thread
    assert ran_on and ran_on[0] != threading.get_ident()  # the work off it
    assert job.wait(0)


def test_cancel_stops_the_work_at_its_next_step(qtbot):
    reached, release = threading.Event(), threading.Event()
    steps: list[int] = []

    def work(state):
        for i in range(100):
            if state.is_cancelled():
                raise WorkCancelled
            steps.append(i)
            state.set_progress(i / 100, "")
            if i == 2:
                reached.set()
                release.wait(HOLD_S)
        return "not cancelled"

    job = Job(work)
    seen = Recorder(job)
    job.start()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    job.cancel()
    assert job.is_cancelling() and job.is_running()
    release.set()
    finish(qtbot, job)
    assert steps == [0, 1, 2]  # the fourth step saw the cancel
    assert job.state == CANCELLED and job.value is None
    assert [e[0] for e in seen.events if e[0] != "progressed"] == ["cancelled", "ended"]


def test_work_that_ends_normally_after_cancel_counts_as_cancelled(qtbot):
    reached, release = threading.Event(), threading.Event()

    def work(state):
        reached.set()
        release.wait(HOLD_S)
        return "too late"

    job = Job(work).start()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    job.cancel()
    release.set()
    finish(qtbot, job)
    assert job.state == CANCELLED and job.value is None


class Expected(Exception):
    pass


class Stopped(Exception):
    pass


def _raise(error):
    def work(state):
        raise error

    return work


@pytest.mark.parametrize(
    "error, state, message",
    [
        (Expected("the log has no rows"), FAILED, "the log has no rows"),
        (WorkFailed("cannot write x.pdf"), FAILED, "cannot write x.pdf"),
        (ZeroDivisionError("division by zero"), FAILED, "This failed (ZeroDivisionError: division by zero)."),
        (Stopped(), CANCELLED, ""),
        (WorkCancelled(), CANCELLED, ""),
    ],
)
def test_an_exception_becomes_a_message_or_a_cancel(qtbot, error, state, message):
    job = Job(_raise(error), (Expected,), (Stopped,))
    seen = Recorder(job)
    finish(qtbot, job.start())
    assert job.state == state and job.message == message
    assert seen.events[-2:] == ([("failed", message)] if state == FAILED else [("cancelled",)]) + [
        ("ended",)
    ]


def test_a_new_job_cancels_the_old_one_which_says_nothing_more(qtbot):
    reached, release = threading.Event(), threading.Event()
    old_steps: list[int] = []

    def slow(state):
        for i in range(100):
            if state.is_cancelled():
                raise WorkCancelled
            old_steps.append(i)
            state.set_progress(0.0, "old")
            if i == 0:
                reached.set()
                release.wait(HOLD_S)
        return "old answer"

    old = Job(slow).start()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    old_seen = Recorder(old)  # from here on, nothing of the old job may be emitted
    new = Job(lambda state: "new answer")
    new_seen = Recorder(new)
    new.start(replacing=old)
    assert old.is_cancelling()
    release.set()
    finish(qtbot, new)
    assert old.wait(HOLD_S * 1000)
    qtbot.waitUntil(lambda: not old.is_running(), timeout=WAIT_MS)
    assert old.state == CANCELLED and old_steps == [0]
    assert old_seen.events == []
    assert new.state == DONE and new_seen.events == [("done", "new answer"), ("ended",)]


def test_the_decide_adapter_passes_progress_and_cancel_by_name(qtbot):
    calls: list[str] = []

    def work(*, progress, cancel):
        calls.append("run")
        progress(1, 3)
        progress(3.0, 3)
        return {"answer": not cancel()}

    job = DecideJob(work)
    seen = Recorder(job)
    finish(qtbot, job.start())
    assert calls == ["run"] and job.state == DONE and job.result == {"answer": True}
    assert seen.events[:2] == [("progressed", 1, 3), ("progressed", 3, 3)]


def test_the_decide_adapter_words_scenario_problems_and_bugs(qtbot):
    from mission_desktop.model import Problem, ScenarioError

    def bad(**kwargs):
        raise ScenarioError([Problem("services[0].capacity", "must be at least 1")])

    job = DecideJob(bad)
    finish(qtbot, job.start())
    assert job.state == FAILED and job.message == "• services[0].capacity: must be at least 1"
    job = DecideJob(lambda **kwargs: 1 / 0)
    finish(qtbot, job.start())
    assert job.message == "It could not be worked out (ZeroDivisionError: division by zero)."


def test_the_report_adapter_writes_and_a_late_cancel_keeps_what_was_written(qtbot, tmp_path):
    reached, release = threading.Event(), threading.Event()
    results = {"variants": {"a": 1}}

    def build(scenario, res, out, *, progress, cancelled, **options):
        res["variants"].clear()  # scribbles on its own copy
        progress(1, 2, "charts")
        reached.set()
        release.wait(HOLD_S)
        out.write_text(options["analyst"], encoding="utf-8")
        return out

    job = ReportJob(build, None, results, tmp_path / "r.html", analyst="A")
    seen = Recorder(job)
    job.start()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    job.cancel()  # too late: the file gets written
    release.set()
    finish(qtbot, job)
    path = str(tmp_path / "r.html")
    assert job.state == WRITTEN and job.message == path and job.out_path == tmp_path / "r.html"
    assert seen.events == [("progressed", 1, 2, "charts"), ("written", path), ("ended",)]
    assert results == {"variants": {"a": 1}}


class _Holder(QObject):
    gone = Signal()


def test_a_job_whose_owner_is_deleted_never_blocks_its_thread(qtbot):
    reached, release = threading.Event(), threading.Event()

    def work(state):
        reached.set()
        release.wait(HOLD_S)
        state.set_progress(1.0, "after")
        return "ignored"

    owner = _Holder()
    job = Job(work, parent=owner).start()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    with qtbot.waitSignal(owner.destroyed, timeout=WAIT_MS):
        owner.deleteLater()
    release.set()
    assert job.wait(HOLD_S * 1000)  # the thread ended although no timer polls it any more
