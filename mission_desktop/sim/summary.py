"""What a replication reports at its end: :class:`ReplicationSummary`, the metrics of the
Results section over the window ``[warm_up, horizon]`` (SCENARIO_FORMAT.md), computed from
the statistics the engine gathered as it ran, and the deadlocks it found. Picklable, plain
floats: what crosses back from a worker process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .engine import Simulation


@dataclass(frozen=True)
class Deadlock:
    services: tuple[str, ...]
    since: float
    still_at_end: bool


@dataclass
class ReplicationSummary:
    """Per-replication figures (plain floats, ``None`` where undefined). Picklable."""

    variant_id: str
    replication: int
    services: dict[str, dict[str, float | None]]
    cohorts: dict[str, dict[str, float | None]]
    cost: dict[str, float]
    series_time: list[float] = field(default_factory=list)
    series_queue: dict[str, list[float]] = field(default_factory=dict)
    deadlocks: list[Deadlock] = field(default_factory=list)
    events: int = 0
    #: the equality view: cohort id → service id → mean_wait, p90_wait, share_within_target
    #: of that cohort's visits (only services the cohort started service at in the window)
    cohort_services: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)


def summarise(sim: Simulation) -> ReplicationSummary:
    """The figures of ``sim`` over ``[warm_up, horizon]``: call when it has run to the
    horizon (:meth:`Simulation.summary` does)."""
    h, w = sim.horizon, sim.warm_up
    length = h - w
    services: dict[str, dict[str, float | None]] = {}
    cohort_services: dict[str, dict[str, dict[str, float | None]]] = {}
    capacity_cost = 0.0
    case_cost = 0.0
    for s, st in zip(sim.scenario.services, sim.stations, strict=True):
        sim._tick(st, h)
        waits = np.frombuffer(st.waits, dtype=float) if len(st.waits) else None
        mean_wait, p90, share = wait_figures(waits, st.target_wait)
        if waits is not None:
            who = np.frombuffer(st.wait_cohorts, dtype=np.intc)
            for k in np.unique(who).tolist():
                mine = wait_figures(waits[who == k], st.target_wait)
                cohort_services.setdefault(sim.cohorts[k].id, {})[s.id] = dict(
                    zip(("mean_wait", "p90_wait", "share_within_target"), mine, strict=True)
                )
        util = None if st.unlimited or st.area_cap <= 0 else st.area_busy / st.area_cap
        services[s.id] = {
            "mean_wait": mean_wait,
            "p90_wait": p90,
            "mean_time_in_system": st.tis_sum / st.tis_n if st.tis_n else None,
            "mean_queue_length": st.area_q / length,
            "utilisation": util,
            "throughput": st.completions / length,
            "abandoned": st.abandoned / length,
            "turned_away": st.turned_away / length,
            "mean_blocked_time": st.blocked_sum / st.blocked_count
            if st.blocked_count
            else None,
            "backlog_at_end": float(st.n_waiting),
            "share_within_target": share,
        }
        if not st.unlimited:
            capacity_cost += s.cost.per_server_per_time * st.area_cap
        case_cost += s.cost.per_case * st.completions
    cohorts: dict[str, dict[str, float | None]] = {}
    for co in sim.cohorts:
        cohorts[co.id] = {
            "mean_journey_time": co.journey_sum / co.journey_n if co.journey_n else None,
            "completed": co.completed / length,
            "abandoned": co.abandoned / length,
            "turned_away": co.turned_away / length,
        }
    policy_cost = 0.0
    variant = sim.scenario.variant(sim.variant_id)
    for pid in variant.policies:
        pol = sim.scenario.policy(pid)
        if pol.start < h:
            policy_cost += pol.cost.one_off
            policy_cost += pol.cost.per_time * max(0.0, h - max(pol.start, w))
    total = capacity_cost + case_cost + policy_cost
    deadlocks = []
    for ids, since, key in sim.deadlocks:
        still = all(sim._stuck(sim.stations[i]) for i in key)
        deadlocks.append(Deadlock(services=ids, since=since, still_at_end=still))
    return ReplicationSummary(
        variant_id=sim.variant_id,
        replication=sim.replication,
        services=services,
        cohorts=cohorts,
        cost={
            "total": total,
            "staff_and_capacity": capacity_cost,
            "per_case": case_cost,
            "policies": policy_cost,
        },
        series_time=list(sim.series_time),
        series_queue={st.id: [float(x) for x in st.series_q] for st in sim.stations},
        deadlocks=deadlocks,
        events=0,
        cohort_services=cohort_services,
    )



def wait_figures(
    waits: np.ndarray | None, target_wait: float | None
) -> tuple[float | None, float | None, float | None]:
    """(mean, 90th percentile, share within ``target_wait``) of a sample of waits."""
    if waits is None or not len(waits):
        return None, None, None
    share = (
        float(np.count_nonzero(waits <= target_wait + 1e-12) / len(waits))
        if target_wait is not None
        else None
    )
    return float(waits.mean()), float(np.percentile(waits, 90)), share

