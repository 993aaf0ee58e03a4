"""Immutable snapshots of a running simulation: the only thing that crosses to the GUI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServiceSnapshot:
    id: str
    #: people waiting in the queue now
    waiting: int
    #: people on a server now, being served (blocked people not included)
    in_service: int
    #: people on a server now whose service is done but who wait for a downstream place
    blocked: int
    #: servers now; None for unlimited
    capacity: int | None
    #: mean wait of the people who started service during the last step (None if none did)
    recent_mean_wait: float | None
    #: cumulative counts since time 0
    arrived: int
    completed: int
    abandoned: int
    turned_away: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    variant_id: str
    replication: int
    #: simulated time now, in the scenario's time unit
    time: float
    horizon: float
    services: tuple[ServiceSnapshot, ...]
    #: people in the system now (waiting, in service or blocked anywhere)
    in_system: int
    #: True on the last snapshot of the replication (time == horizon)
    done: bool

    def service(self, service_id: str) -> ServiceSnapshot:
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)
