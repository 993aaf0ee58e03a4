"""The services and cohorts of a run as the engine holds them: servers, queue, blocked-in
list and running statistics per service; entry routes, arrival stream and journey counts
per cohort. Plain slotted state; the engine's parts (:mod:`.flow`, :mod:`.arrivals`,
:mod:`.phases`, :mod:`.deadlock`) work on it."""

from __future__ import annotations

from array import array
from collections import deque


class Cohort_:
    """A cohort at run time: where it enters, its arrival streams and its counts."""

    __slots__ = (
        "id",
        "index",
        "priority",
        "entry_targets",
        "entry_cum",
        "entry_u",
        "unit_exp",
        "journey_sum",
        "journey_n",
        "completed",
        "abandoned",
        "turned_away",
    )

    def __init__(self, cid: str, index: int, priority: int) -> None:
        self.id = cid
        self.index = index
        self.priority = priority
        self.journey_sum = 0.0
        self.journey_n = 0
        self.completed = 0
        self.abandoned = 0
        self.turned_away = 0


class Station:
    """A service at run time: servers, queue, blocked-in list and its statistics."""

    __slots__ = (
        "id",
        "index",
        "cap",
        "unlimited",
        "schedule",
        "busy",
        "blocked_n",
        "fifo",
        "queue",
        "heap",
        "seq",
        "n_waiting",
        "queue_limit",
        "draw",
        "st_factor",
        "patience",
        "pat_factor",
        "abandon_to",
        "route_u",
        "routes",
        "blocked_in",
        "blocked_targets",
        "target_wait",
        # statistics
        "last",
        "area_q",
        "area_busy",
        "area_cap",
        "waits",
        "wait_cohorts",
        "tis_sum",
        "tis_n",
        "blocked_sum",
        "blocked_count",
        "completions",
        "abandoned",
        "turned_away",
        "arrived_total",
        "completed_total",
        "abandoned_total",
        "turned_away_total",
        "recent_sum",
        "recent_n",
        "series_q",
    )

    def __init__(self, sid: str, index: int) -> None:
        self.id = sid
        self.index = index
        self.busy = 0
        self.blocked_n = 0
        self.queue: deque = deque()
        self.heap: list = []
        self.seq = 0
        self.n_waiting = 0
        self.blocked_in: deque = deque()
        self.blocked_targets: dict[int, int] = {}
        self.last = 0.0
        self.area_q = self.area_busy = self.area_cap = 0.0
        self.waits = array("d")
        #: the cohort index of each wait in ``waits`` (the equality view, per cohort)
        self.wait_cohorts = array("i")
        self.tis_sum = 0.0
        self.tis_n = 0
        self.blocked_sum = 0.0
        self.blocked_count = 0
        self.completions = self.abandoned = self.turned_away = 0
        self.arrived_total = self.completed_total = 0
        self.abandoned_total = self.turned_away_total = 0
        self.recent_sum = 0.0
        self.recent_n = 0
        self.series_q: list[int] = []
