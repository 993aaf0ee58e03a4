"""The people of a run and the minimal timer event the engine schedules (shared by the
engine and its version-2 helpers: today's people and the visit log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .stations import Cohort_, Station

# person states
WAITING, SERVING, BLOCKED, GONE = 0, 1, 2, 3


class _Timer:
    """The least a SimPy event needs for ``Environment.step``: callbacks, ``_ok``, ``_value``.

    Scheduled with the public ``Environment.schedule`` at NORMAL priority, exactly like a
    ``Timeout`` (same event ids, same order), but without its checks and attributes.
    """

    __slots__ = ("callbacks", "_value")
    _ok = True

    def __init__(self, value, callback) -> None:
        self._value = value
        self.callbacks = [callback]


class Person:
    __slots__ = (
        "cohort",
        "arrived",
        "svc_arrived",
        "served_at",
        "done_at",
        "state",
        "visit",
        "station",
        "target",
        "timer",
        "num",  # the person's number in the visit log (set only when a log is kept)
    )

    def __init__(self, cohort: Cohort_, now: float) -> None:
        self.cohort = cohort
        self.arrived = now
        self.svc_arrived = now
        self.served_at = now
        self.done_at = now
        self.state = WAITING
        self.visit = 0
        self.station: Station | None = None
        self.target: Station | None = None
        #: the pending patience timer while waiting (emptied when service starts, so it no
        #: longer keeps this person alive in the event queue after they leave)
        self.timer: _Timer | None = None
