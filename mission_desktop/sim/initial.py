"""Starting from today (``services[].initial``, format version 2): the people already at a
service at time 0.

Waiting people join the queue at time 0 in order of how long they have waited (longest
first; a ``priority`` service keeps priority first), each with their arrival at
``-waited``, so their waits and journeys count from then; a queue limit may be exceeded.
People in service start a fresh service time at time 0; their arrival is unknown (before
the model's time 0), so they add no wait, time-in-system or journey sample, but their
completions, occupied servers and later visits count like everyone's.

Every draw here (waited, the in-service people's service times, the waiting people's
patience) comes from the service's own ``initial`` stream, ``(seed, replication,
INITIAL, service id)``: adding an initial list shifts no other stream. A policy in force at
time 0 does not change them: they began waiting or being served before it started.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

from simpy.events import NORMAL

from . import streams
from .people import SERVING, WAITING, Person, _Timer

if TYPE_CHECKING:
    from .engine import Simulation

UNKNOWN = math.nan  #: the arrival time of someone in service at time 0


def place_initial_people(sim: Simulation) -> None:
    """Put every service's ``initial`` people in place (call at time 0, before arrivals)."""
    seed, replication = sim.scenario.run.seed, sim.replication
    cohorts = {co.id: co for co in sim.cohorts}
    for service, st in zip(sim.scenario.services, sim.stations, strict=True):
        if not service.initial:
            continue
        rng = streams.generator(seed, replication, streams.INITIAL, service.id)
        serve = streams.Sampler(rng, service.service_time)
        waiting: list[Person] = []
        for item in service.initial:
            co = cohorts[item.cohort]
            waited = streams.Sampler(rng, item.waited)
            for _ in range(item.waiting):
                p = Person(co, 0.0 - waited())  # 0.0 - x: never -0.0
                waiting.append(p)
            for _ in range(item.in_service):
                p = Person(co, UNKNOWN)
                _join(sim, p, st)
                p.state = SERVING
                p.served_at = 0.0
                st.busy += 1
                sim._schedule(_Timer(p, sim._cb_service_end), NORMAL, serve())
        waiting.sort(key=lambda p: p.arrived)  # longest waited first (a stable sort)
        patience = (
            streams.Sampler(rng, service.patience) if service.patience is not None else None
        )
        for p in waiting:
            _join(sim, p, st)
            p.state = WAITING
            st.n_waiting += 1
            if st.fifo:
                st.queue.append((p, p.visit))
            else:
                st.seq += 1
                heapq.heappush(st.heap, (p.cohort.priority, st.seq, p.visit, p))
            if patience is not None:
                sim._schedule(_Timer((p, p.visit, st), sim._cb_patience), NORMAL, patience())
        if waiting:
            sim._start_next(st)  # free servers at time 0 take the longest waiting first


def _join(sim: Simulation, p: Person, st) -> None:
    p.station = st
    p.visit = 1
    st.arrived_total += 1
    sim.in_system += 1
    if sim._log is not None:
        sim._log.number(p)
