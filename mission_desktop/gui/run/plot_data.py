"""The live plots' data: replication 1's time series per variant, as snapshots arrive.

Plain lists appended from the GUI thread (no Qt here); the rolling mean wait is the mean of
the services' recent waits over the last :data:`ROLLING_WINDOW_SHARE` of the horizon.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from mission_desktop.sim.snapshots import Snapshot

#: the rolling mean wait covers this share of the horizon
ROLLING_WINDOW_SHARE = 0.05


@dataclass
class LiveSeries:
    """The time series of one variant: plain lists, appended from the GUI thread."""

    time: list[float] = field(default_factory=list)
    queue: dict[str, list[float]] = field(default_factory=dict)
    wait: dict[str, list[float]] = field(default_factory=dict)
    recent: dict[str, deque] = field(default_factory=dict)

    @classmethod
    def for_services(cls, service_ids: list[str]) -> LiveSeries:
        s = cls()
        for sid in service_ids:
            s.queue[sid] = []
            s.wait[sid] = []
            s.recent[sid] = deque()
        return s

    def append(self, snap: Snapshot, window: float) -> bool:
        """Add one snapshot (False when it is stale: a new replication restarted the clock)."""
        t = float(snap.time)
        if self.time and t < self.time[-1]:
            return False
        self.time.append(t)
        for svc in snap.services:
            queue = self.queue.get(svc.id)
            if queue is None:
                continue
            queue.append(float(svc.waiting))
            recent = self.recent[svc.id]
            if svc.recent_mean_wait is not None:
                recent.append((t, float(svc.recent_mean_wait)))
            while recent and recent[0][0] < t - window:
                recent.popleft()
            self.wait[svc.id].append(
                sum(w for _, w in recent) / len(recent) if recent else math.nan
            )
        return True
