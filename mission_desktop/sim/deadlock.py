"""Deadlocks of blocking: a cycle of full services whose every server holds someone blocked
waiting for a place in the next one (delayed transfers of care). Each cycle is recorded
once, with the time it formed; the summary says whether it still held at the horizon.

Part of :class:`~.engine.Simulation` (a mixin); checked only when someone becomes blocked.
"""

from __future__ import annotations

from .stations import Station


class DeadlockWatch:
    """Finds and records cycles of blocked services."""

    def _stuck(self, st: Station) -> bool:
        return (
            not st.unlimited
            and st.busy >= st.cap
            and st.blocked_n >= st.busy
            and st.busy > 0
            and not self._can_accept(st)
        )

    def _find_cycle(self, start: Station) -> list[Station] | None:
        path: list[Station] = []
        on_path: set[int] = set()
        seen: set[int] = set()

        def visit(st: Station) -> list[Station] | None:
            if st.index in on_path:
                return path[path.index(st) :]
            if st.index in seen or not self._stuck(st):
                return None
            seen.add(st.index)
            on_path.add(st.index)
            path.append(st)
            for ti in list(st.blocked_targets):
                found = visit(self.stations[ti])
                if found:
                    return found
            path.pop()
            on_path.discard(st.index)
            return None

        return visit(start)

    def _check_deadlock(self, st: Station, now: float) -> None:
        if not self._stuck(st):
            return
        cycle = self._find_cycle(st)
        if cycle:
            key = frozenset(s.index for s in cycle)
            if key not in self._deadlocked:
                self._deadlocked.add(key)
                self.deadlocks.append([tuple(sorted(s.id for s in cycle)), now, key])
