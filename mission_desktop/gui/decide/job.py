"""One decision-support computation (warm-up, precision, sensitivity, optimise) off the GUI thread.

:class:`DecideJob` is a :class:`~mission_desktop.gui.shared.job.Job` whose work is called as
``work(progress=..., cancel=...)``. Only immutable data crosses: the work is given the frozen
:class:`~mission_desktop.model.Scenario` and plain options when it is made; plain numbers
come back as progress (replications done, of how many); the result dict is handed over once
the worker has finished with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from mission_desktop.gui.shared.job import CANCELLED, DONE, FAILED, RUNNING, Job, JobState

__all__ = ["CANCELLED", "DONE", "FAILED", "RUNNING", "DecideJob", "problem_text"]

Work = Callable[..., dict[str, Any]]


def problem_text(error: BaseException) -> str:
    """A ScenarioError's problems as plain lines (place: message); anything else in words."""
    problems = getattr(error, "problems", None)
    if problems:
        return "\n".join(f"• {p.path}: {p.message}" for p in problems)
    return f"{type(error).__name__}: {error}"


class DecideJob(Job):
    """``state`` is RUNNING until one of ``done(result)``, ``cancelled()`` or ``failed(text)``
    is emitted (then ``ended()``), on the GUI thread; ``progressed(done, total)``."""

    progressed = Signal(int, int)
    bug_text = "It could not be worked out ({})."
    wait_ms = 60_000

    def __init__(self, work: Work, parent: QObject | None = None):
        from mission_desktop.model import ScenarioError
        from mission_desktop.sim.executor import ExperimentCancelled

        def run(state: JobState) -> dict[str, Any]:
            return work(
                progress=lambda d, t: state.set_progress(int(d), int(t)),
                cancel=state.is_cancelled,
            )

        super().__init__(run, (ScenarioError,), (ExperimentCancelled,), parent, problem_text)

    @property
    def result(self) -> dict[str, Any] | None:
        return self.value

    def bug_message(self, error: Exception) -> str:
        return self.bug_text.format(problem_text(error))
