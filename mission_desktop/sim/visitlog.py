"""The per-visit records of a run (``mission-desktop run --log``), as the engine makes them.

One row per visit, in the event-log columns of SCENARIO_FORMAT.md: ``(person, service,
arrived, started, ended, outcome, cohort)``; the writer adds ``variant`` and
``replication``. ``started`` and ``ended`` are None when the visit had not reached them
(still waiting, gave up, turned away; still in service at the horizon); ``ended`` of an
abandoned or turned-away visit is when the person left; ``outcome`` is None for a visit
still open at the horizon. ``arrived`` is NaN for someone already in service at time 0
(their arrival is unknown). Blocked time is not service: ``ended`` is the end of service.

Rows go to ``sink`` (a callable taking a list of rows) in chunks, so a long run's log is
never held in memory. The hooks are installed only when a log is asked for: a run without
one executes exactly the engine's own callbacks, at no cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .people import WAITING, Person, _Timer

if TYPE_CHECKING:
    from .engine import Simulation

Row = tuple[Any, ...]
#: rows handed to the sink at a time
CHUNK_ROWS = 20_000


class VisitRecorder:
    """Wraps a :class:`Simulation`'s callbacks to record every visit (install before
    anything is scheduled)."""

    def __init__(
        self, sim: Simulation, sink: Callable[[list[Row]], None], chunk: int = CHUNK_ROWS
    ) -> None:
        self.sim = sim
        self.sink = sink
        self.chunk = chunk
        self.rows: list[Row] = []
        self.people = 0
        self.finished = False
        rows = self.rows
        env = sim.env
        service_end, patience, leave, arrive = (
            sim._on_service_end,
            sim._on_patience,
            sim._exit,
            sim._arrive,
        )

        def on_service_end(ev) -> None:
            p: Person = ev._value
            rows.append(
                (p.num, p.station.id, p.svc_arrived, p.served_at, env._now, "completed", p.cohort.id)
            )
            if len(rows) >= self.chunk:
                self.flush()
            service_end(ev)

        def on_patience(ev) -> None:
            if ev._value is None:  # emptied: the person started service in time
                return
            p, visit, st = ev._value
            if p.visit == visit and p.state == WAITING and p.station is st:
                rows.append((p.num, st.id, p.svc_arrived, None, env._now, "abandoned", p.cohort.id))
            patience(ev)

        def on_exit(p: Person, how: str) -> None:
            if how == "turned_away":
                rows.append(
                    (p.num, p.station.id, p.svc_arrived, None, env._now, how, p.cohort.id)
                )
            leave(p, how)

        def on_arrive(p: Person, st, outside: bool, bypass_limit: bool = False) -> None:
            if p.visit == 0:  # a new person: numbered in order of arrival
                self.number(p)
            arrive(p, st, outside, bypass_limit)

        self._service_end = on_service_end
        sim._cb_service_end = on_service_end
        sim._cb_patience = on_patience
        sim._exit = on_exit
        sim._arrive = on_arrive

    def number(self, p: Person) -> None:
        self.people += 1
        p.num = self.people

    def flush(self) -> None:
        if self.rows:
            self.sink(list(self.rows))
            self.rows.clear()

    def finish(self) -> None:
        """Record the visits still open at the horizon and hand over the last rows (once)."""
        if self.finished:
            return
        self.finished = True
        sim, rows = self.sim, self.rows
        for st in sim.stations:
            entries = [(p, visit) for p, visit in st.queue] if st.fifo else [
                (e[3], e[2]) for e in sorted(st.heap, key=lambda e: (e[0], e[1]))
            ]
            for p, visit in entries:
                if p.visit == visit and p.state == WAITING and p.station is st:
                    rows.append((p.num, st.id, p.svc_arrived, None, None, None, p.cohort.id))
        serving = [
            item[3]._value
            for item in sim.env._queue
            if isinstance(item[3], _Timer) and item[3].callbacks[0] is self._service_end
        ]
        serving.sort(key=lambda p: (p.station.index, p.served_at, p.num))
        for p in serving:
            rows.append((p.num, p.station.id, p.svc_arrived, p.served_at, None, None, p.cohort.id))
        self.flush()
