"""Each behaviour of SCENARIO_FORMAT.md, checked on small scenarios built for it."""

from __future__ import annotations

import math
from typing import Any

import pytest
from builders import build

from mission_desktop.sim import (
    ExperimentCancelled,
    Simulation,
    run_experiment,
    simulate,
    stream_snapshots,
)


def expo(mean: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": mean}


def fixed(value: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": value}


def svc(sid: str, capacity: int | None, service_time: dict[str, Any], **extra) -> dict[str, Any]:
    return {
        "id": sid,
        "name": sid.replace("_", " ").title(),
        "capacity": capacity,
        "service_time": service_time,
        **extra,
    }


def cohort(cid: str, rate: float, entry, **extra) -> dict[str, Any]:
    return {
        "id": cid,
        "name": cid.replace("_", " ").title(),
        "arrivals": {"rate": rate},
        "entry": entry,
        **extra,
    }


def make(services, cohorts, *, horizon=100.0, warm_up=0.0, seed=11, policies=(), variants=None):
    return build(
        services,
        cohorts,
        horizon=horizon,
        warm_up=warm_up,
        seed=seed,
        policies=policies,
        variants=variants,
        name="behaviour",
    )


def snapshots(sc, variant="baseline", replication=0, step=0.25):
    return list(stream_snapshots(sc, variant, replication, step=step))


def expected_capacity(steps, period, t):
    phase = t % period
    cap = steps[-1][1]
    for offset, c in steps:
        if offset <= phase:
            cap = c
    return cap


# --------------------------------------------------------------------------- capacity schedule

STEPS = [[0, 2], [4, 0], [7, 3]]
SCHEDULED = svc(
    "desk", 2, fixed(1.0), capacity_schedule={"period": 10, "steps": STEPS}
)  # capacity 2 on [0,4), 0 on [4,7), 3 on [7,10), repeating


def _on_boundary(t: float) -> bool:
    return any(
        math.isclose((t - o) % 10, 0, abs_tol=1e-9) or math.isclose((t - o) % 10, 10, abs_tol=1e-9)
        for o, _ in STEPS
    )


def test_capacity_schedule_changes_capacity_at_the_right_times():
    sc = make([SCHEDULED], [cohort("people", 3.0, "desk")], horizon=40)
    snaps = snapshots(sc, step=0.25)
    assert snaps[-1].time == 40 and snaps[-1].done
    for s in snaps:
        if _on_boundary(s.time):
            continue  # boundaries: see test_snapshot_at_a_step_time_shows_the_new_capacity
        d = s.service("desk")
        assert d.capacity == expected_capacity(STEPS, 10, s.time), s.time
        # no new service starts while busy >= capacity: one fixed service time after a
        # change at most `capacity` people are on a server
        since_change = min((s.time - o) % 10 for o, _ in STEPS)
        if since_change > 1.0:
            assert d.in_service + d.blocked <= d.capacity, s.time
        # work-conserving: nobody waits while a server is free
        if d.waiting > 0:
            assert d.in_service + d.blocked >= d.capacity, s.time
    # the drop really left people finishing above the new capacity for a moment
    assert any(s.service("desk").capacity == 0 and s.service("desk").in_service > 0 for s in snaps)


def test_snapshot_at_a_step_time_shows_the_new_capacity():
    """BUG (live.py / engine.py Simulation.run_until): ``env.run(until=t)`` stops *before*
    the events scheduled at exactly t (SimPy's stop event is URGENT), so a snapshot labelled
    t shows the state before a capacity step or a policy that starts at t: at t=4 the
    schedule's capacity is 0 (a step 'holds from that offset') but the snapshot says 2; at
    a policy start t=50 the old capacity is shown. Fix: in Simulation.run_until, after
    env.run(until=t), when t < horizon also process the events due at t:
    ``while self.env.peek() <= t: self.env.step()``."""
    sc = make([SCHEDULED], [cohort("people", 3.0, "desk")], horizon=40)
    at = {s.time: s.service("desk").capacity for s in snapshots(sc, step=0.5)}
    assert [at[4.0], at[7.0], at[10.0], at[14.0]] == [0, 3, 2, 0]


def test_policy_start_time_changes_capacity_at_start():
    policy = {
        "id": "more_staff",
        "name": "More staff",
        "start": 50,
        "changes": [{"lever": "capacity", "service": "desk", "set": 3}],
    }
    sc = make([svc("desk", 1, fixed(1.0))], [cohort("people", 2.0, "desk")], policies=[policy])
    snaps = snapshots(sc, "more_staff", step=1.0)
    for s in snaps:
        d = s.service("desk")
        if s.time < 50:
            assert d.capacity == 1, s.time
            assert d.in_service <= 1
        elif s.time > 50:
            assert d.capacity == 3, s.time
    # the baseline never changes
    assert {s.service("desk").capacity for s in snapshots(sc, "baseline", step=1.0)} == {1}
    # a backlog builds before 50 (2 arrivals per time, 1 server) and 3 servers work after
    after = [s.service("desk") for s in snaps if s.time > 51]
    assert all(d.in_service == 3 for d in after if d.waiting > 0)


# --------------------------------------------------------------------------- capacity kinds


def test_unlimited_capacity_means_nobody_waits():
    sc = make(
        [svc("online", None, expo(3.0), target={"wait": 0, "within": 1})],
        [cohort("people", 5.0, "online")],
        horizon=200,
        warm_up=10,
    )
    s = simulate(sc).services["online"]
    assert s["mean_wait"] == 0 and s["p90_wait"] == 0
    assert s["mean_queue_length"] == 0 and s["backlog_at_end"] == 0
    assert s["utilisation"] is None
    assert s["share_within_target"] == 1.0
    assert s["throughput"] > 4


def test_queue_limit_turns_away_outside_arrivals():
    sc = make(
        [svc("desk", 1, expo(1.0), queue_limit=2)],
        [cohort("people", 2.0, "desk")],
        horizon=200,
        warm_up=20,
    )
    assert all(s.service("desk").waiting <= 2 for s in snapshots(sc, step=0.5))
    rep = simulate(sc)
    s = rep.services["desk"]
    assert s["turned_away"] > 0.5
    assert s["backlog_at_end"] <= 2
    assert rep.cohorts["people"]["turned_away"] == s["turned_away"]
    assert s["mean_blocked_time"] in (0, None)


def _blocking_scenario(**kwargs):
    return make(
        [
            svc("ward", 3, expo(1.0), routes=[{"to": "care", "p": 1.0}]),
            svc("care", 1, expo(1.5), queue_limit=0),
        ],
        [cohort("patients", 1.0, "ward")],
        **kwargs,
    )


def test_queue_limit_blocks_transfers_instead_of_turning_them_away():
    sc = _blocking_scenario(horizon=300, warm_up=20)
    rep = simulate(sc)
    ward, care = rep.services["ward"], rep.services["care"]
    assert ward["mean_blocked_time"] > 0.1  # delayed transfers of care
    assert care["turned_away"] == 0 and ward["turned_away"] == 0
    assert rep.cohorts["patients"]["turned_away"] == 0
    assert care["mean_queue_length"] == 0 and care["mean_wait"] == 0
    # blocked people occupy a ward server: time in system includes it
    assert ward["mean_time_in_system"] > 1.0 + ward["mean_blocked_time"] * 0.5
    snaps = snapshots(sc, step=0.5)
    assert all(s.service("care").waiting == 0 for s in snaps)
    assert any(s.service("ward").blocked > 0 for s in snaps)
    # blocked people stay on their server: in service + blocked never exceed the capacity
    assert all(s.service("ward").in_service + s.service("ward").blocked <= 3 for s in snaps)


def test_outside_arrivals_at_a_full_queue_are_turned_away_while_transfers_block():
    sc = make(
        [
            svc("ward", 3, expo(1.0), routes=[{"to": "care", "p": 1.0}]),
            svc("care", 1, expo(1.5), queue_limit=0),
        ],
        [cohort("patients", 1.0, "ward"), cohort("walk_in", 0.3, "care")],
        horizon=300,
        warm_up=20,
    )
    rep = simulate(sc)
    assert rep.services["care"]["turned_away"] == rep.cohorts["walk_in"]["turned_away"] > 0
    assert rep.cohorts["patients"]["turned_away"] == 0
    assert rep.services["ward"]["mean_blocked_time"] > 0


# --------------------------------------------------------------------------- patience


def _patience_scenario(abandon_to: str | None):
    extra: dict[str, Any] = {"patience": fixed(1.0)}
    if abandon_to:
        extra["abandon_to"] = abandon_to
    return make(
        [svc("phone", 1, expo(2.0), **extra), svc("online", None, fixed(0))],
        [cohort("callers", 1.0, "phone")],
        horizon=300,
        warm_up=20,
    )


def test_patience_with_abandon_to_moves_people_to_the_other_service():
    rep = simulate(_patience_scenario("online"))
    phone, online = rep.services["phone"], rep.services["online"]
    assert phone["abandoned"] > 0.1
    # online has no other inflow and serves instantly: it completes exactly the abandoners
    assert online["throughput"] == phone["abandoned"]
    assert rep.cohorts["callers"]["abandoned"] == 0
    # nobody waits longer than their patience (fixed 1)
    assert phone["p90_wait"] <= 1.0 and phone["mean_wait"] < 1.0


def test_patience_without_abandon_to_leaves_the_system():
    rep = simulate(_patience_scenario(None))
    phone = rep.services["phone"]
    assert phone["abandoned"] > 0.1
    assert rep.cohorts["callers"]["abandoned"] == phone["abandoned"]
    assert rep.services["online"]["throughput"] == 0


# --------------------------------------------------------------------------- priority


def test_priority_serves_lower_priority_number_first():
    """People of both cohorts queue while the desk is closed (capacity 0 until 50, no
    arrivals after 50); once it opens, every priority-0 person is served before any
    priority-1 person. Read through two exit services, one per cohort."""
    doc_cohorts = []
    for cid, prio, out in (("urgent", 0, "urgent_done"), ("routine", 1, "routine_done")):
        c = cohort(cid, 0.3, "desk", priority=prio, routes={"desk": [{"to": out, "p": 1.0}]})
        c["arrivals"]["profile"] = {"period": 100, "multipliers": [1, 0]}
        doc_cohorts.append(c)
    sc = make(
        [
            svc(
                "desk",
                1,
                fixed(1.0),
                discipline="priority",
                capacity_schedule={"period": 1000, "steps": [[0, 0], [50, 1]]},
            ),
            svc("urgent_done", None, fixed(0)),
            svc("routine_done", None, fixed(0)),
        ],
        # listed routine first, so file order is not what decides
        list(reversed(doc_cohorts)),
        horizon=100,
    )
    snaps = snapshots(sc, step=0.5)
    total_urgent = snaps[-1].service("urgent_done").completed
    total_routine = snaps[-1].service("routine_done").completed
    assert total_urgent > 3 and total_routine > 3
    assert snaps[-1].service("desk").waiting == 0
    for s in snaps:
        if s.service("routine_done").completed > 0:
            assert s.service("urgent_done").completed == total_urgent, s.time


def test_fifo_ignores_priority():
    """Same set-up with discipline fifo: routine people are served while urgent ones wait."""
    doc_cohorts = []
    for cid, prio, out in (("urgent", 0, "urgent_done"), ("routine", 1, "routine_done")):
        c = cohort(cid, 0.3, "desk", priority=prio, routes={"desk": [{"to": out, "p": 1.0}]})
        c["arrivals"]["profile"] = {"period": 100, "multipliers": [1, 0]}
        doc_cohorts.append(c)
    sc = make(
        [
            svc(
                "desk",
                1,
                fixed(1.0),
                capacity_schedule={"period": 1000, "steps": [[0, 0], [50, 1]]},
            ),
            svc("urgent_done", None, fixed(0)),
            svc("routine_done", None, fixed(0)),
        ],
        doc_cohorts,
        horizon=100,
    )
    snaps = snapshots(sc, step=0.5)
    total_urgent = snaps[-1].service("urgent_done").completed
    assert any(
        s.service("routine_done").completed > 0
        and s.service("urgent_done").completed < total_urgent
        for s in snaps
    )


# --------------------------------------------------------------------------- routes


def test_per_cohort_route_override():
    sc = make(
        [
            svc("hub", None, fixed(0), routes=[{"to": "left", "p": 1.0}]),
            svc("left", None, fixed(0)),
            svc("right", None, fixed(0)),
        ],
        [
            cohort("usual", 2.0, "hub"),
            cohort("special", 1.0, "hub", routes={"hub": [{"to": "right", "p": 1.0}]}),
        ],
        horizon=200,
        warm_up=10,
    )
    rep = simulate(sc)
    assert rep.services["left"]["throughput"] == rep.cohorts["usual"]["completed"] > 1.5
    assert rep.services["right"]["throughput"] == rep.cohorts["special"]["completed"] > 0.5
    assert rep.services["hub"]["throughput"] == pytest.approx(
        rep.cohorts["usual"]["completed"] + rep.cohorts["special"]["completed"], rel=1e-12
    )


def test_route_probabilities_and_leaving_remainder():
    sc = make(
        [
            svc("hub", None, fixed(0), routes=[{"to": "a", "p": 0.2}, {"to": "b", "p": 0.5}]),
            svc("a", None, fixed(0)),
            svc("b", None, fixed(0)),
        ],
        [cohort("people", 50.0, "hub")],
        horizon=200,
    )
    s = simulate(sc).services
    hub = s["hub"]["throughput"]
    assert s["a"]["throughput"] / hub == pytest.approx(0.2, abs=0.01)
    assert s["b"]["throughput"] / hub == pytest.approx(0.5, abs=0.01)


# --------------------------------------------------------------------------- levers


def test_each_lever_moves_the_right_figures_the_right_way():
    def pol(pid, change):
        return {"id": pid, "name": pid.replace("_", " "), "changes": [change]}

    sc = make(
        [
            svc(
                "front",
                2,
                expo(1.0),
                patience=expo(4.0),
                routes=[{"to": "back", "p": 0.3}],
            ),
            svc("back", 1, expo(1.5), queue_limit=3),
        ],
        [cohort("people", 1.6, "front"), cohort("walk_in", 0.2, "back")],
        horizon=500,
        warm_up=50,
        policies=[
            pol("more_arrivals", {"lever": "arrival_rate", "cohort": "people", "multiply": 1.3}),
            pol("faster", {"lever": "service_time", "service": "front", "multiply": 0.7}),
            pol("more_referrals", {"lever": "route", "service": "front", "to": "back", "p": 0.6}),
            pol("no_queue", {"lever": "queue_limit", "service": "back", "set": 0}),
            pol("impatient", {"lever": "patience", "service": "front", "multiply": 0.25}),
            pol("more_staff", {"lever": "capacity", "service": "front", "add": 1}),
        ],
    )
    res = run_experiment(sc, replications=10, workers=1)
    cmp = res["comparisons"]

    def up(variant, sid, metric):
        lo, hi = cmp[variant]["services"][sid][metric]["ci95"]
        assert lo > 0, (variant, sid, metric, lo, hi)

    def down(variant, sid, metric):
        lo, hi = cmp[variant]["services"][sid][metric]["ci95"]
        assert hi < 0, (variant, sid, metric, lo, hi)

    up("more_arrivals", "front", "throughput")
    up("more_arrivals", "front", "mean_wait")
    down("faster", "front", "mean_wait")
    down("faster", "front", "utilisation")
    down("faster", "front", "mean_time_in_system")
    up("more_referrals", "back", "throughput")
    up("more_referrals", "back", "mean_queue_length")
    up("no_queue", "back", "turned_away")
    down("no_queue", "back", "mean_wait")
    up("no_queue", "front", "mean_blocked_time")
    up("impatient", "front", "abandoned")
    down("impatient", "front", "mean_wait")
    down("more_staff", "front", "mean_wait")
    up("more_staff", "front", "throughput")
    # more referrals into a service with a queue limit: more delayed transfers upstream
    up("more_referrals", "front", "mean_blocked_time")


# --------------------------------------------------------------------------- warnings


def test_blocking_deadlock_is_detected_and_the_run_finishes():
    sc = make(
        [
            svc("a", 1, expo(1.0), queue_limit=0, routes=[{"to": "b", "p": 1.0}]),
            svc("b", 1, expo(1.0), queue_limit=0, routes=[{"to": "a", "p": 1.0}]),
        ],
        [cohort("people", 1.0, "a")],
        horizon=200,
    )
    res = run_experiment(sc, replications=3, workers=1)
    deadlock = [w for w in res["warnings"] if "deadlock" in w]
    assert len(deadlock) == 1
    assert "between “A” (a), “B” (b)" in deadlock[0] and "3 of 3" in deadlock[0]
    rep = simulate(sc)
    assert rep.deadlocks and rep.deadlocks[0].services == ("a", "b")
    assert rep.deadlocks[0].still_at_end
    assert rep.services["a"]["turned_away"] > 0.5  # the stuck queue turns arrivals away


def test_no_deadlock_warning_when_blocking_resolves():
    res = run_experiment(_blocking_scenario(horizon=200), replications=2, workers=1)
    assert not [w for w in res["warnings"] if "deadlock" in w]


def test_overloaded_service_is_named_in_a_warning():
    sc = make(
        [
            svc("calm", 5, expo(1.0), routes=[{"to": "busy", "p": 0.5}]),
            svc("busy", 1, expo(1.5)),
        ],
        [cohort("people", 1.5, "calm")],  # busy: 0.75 × 1.5 = 1.125 servers needed, 1 there
        horizon=100,
    )
    res = run_experiment(sc, replications=1, workers=1)
    over = [w for w in res["warnings"] if "overloaded" in w]
    assert len(over) == 1
    assert "“Busy” (busy)" in over[0] and "calm" not in over[0].lower()


# --------------------------------------------------------------------------- warm-up


def _closed_then_open(warm_up: float):
    # capacity 0 until 50, then 50 servers: the backlog clears at once at 50
    return make(
        [
            svc(
                "desk",
                50,
                fixed(1.0),
                capacity_schedule={"period": 1000, "steps": [[0, 0], [50, 50]]},
            )
        ],
        [cohort("people", 1.0, "desk")],
        horizon=200,
        warm_up=warm_up,
    )


def test_warm_up_is_excluded_from_statistics():
    with_warm_up = simulate(_closed_then_open(60.0))
    s = with_warm_up.services["desk"]
    assert s["mean_wait"] == 0 and s["p90_wait"] == 0
    assert s["mean_queue_length"] == 0
    # completions of the backlog (at 51) are outside the window
    assert s["throughput"] == pytest.approx(with_warm_up.cohorts["people"]["completed"])
    assert s["throughput"] < 1.3
    without = simulate(_closed_then_open(0.0)).services["desk"]
    assert without["mean_wait"] > 5 and without["mean_queue_length"] > 5


# --------------------------------------------------------------------------- cost


def test_cost_total_by_hand():
    """Capacity × per_server_per_time × time (capacity 2 then 3 from 40) + per_case ×
    completions + each policy's one_off (if it starts before the horizon) + per_time × its
    time in force within the window [20, 100]."""
    policies = [
        {
            "id": "extra",
            "name": "Extra desk",
            "start": 40,
            "cost": {"one_off": 500, "per_time": 7},
            "changes": [{"lever": "capacity", "service": "desk", "add": 1}],
        },
        {
            "id": "early",
            "name": "Early",
            "start": 5,  # before the warm-up ends: per_time only counts from 20
            "cost": {"one_off": 50, "per_time": 2},
            "changes": [{"lever": "service_time", "service": "desk", "multiply": 1.0}],
        },
        {
            "id": "late",
            "name": "Late",
            "start": 1000,  # after the horizon: costs nothing
            "cost": {"one_off": 9999, "per_time": 9999},
            "changes": [{"lever": "capacity", "service": "desk", "add": 5}],
        },
    ]
    sc = make(
        [
            svc(
                "desk",
                2,
                fixed(0.5),
                cost={"per_server_per_time": 10, "per_case": 3},
                routes=[{"to": "online", "p": 1.0}],
            ),
            svc("online", None, fixed(0), cost={"per_server_per_time": 100, "per_case": 1}),
        ],
        [cohort("people", 2.0, "desk")],
        horizon=100,
        warm_up=20,
        policies=policies,
        variants=[
            {"id": "baseline", "name": "Today", "policies": []},
            {"id": "all", "name": "All", "policies": ["extra", "early", "late"]},
        ],
    )
    window = 80
    for variant, staff, pol in (
        ("baseline", 10 * 2 * window, 0.0),
        ("all", 10 * (2 * 20 + 3 * 60), 500 + 7 * 60 + 50 + 2 * 80),
    ):
        rep = simulate(sc, variant)
        desk_done = rep.services["desk"]["throughput"] * window
        online_done = rep.services["online"]["throughput"] * window
        assert desk_done == pytest.approx(round(desk_done)) and desk_done > 100
        per_case = 3 * round(desk_done) + 1 * round(online_done)
        assert rep.cost["staff_and_capacity"] == pytest.approx(staff, rel=1e-12)
        assert rep.cost["per_case"] == pytest.approx(per_case, rel=1e-12)
        assert rep.cost["policies"] == pytest.approx(pol, rel=1e-12)
        assert rep.cost["total"] == pytest.approx(staff + per_case + pol, rel=1e-12)


def test_cost_with_capacity_schedule_integrates_capacity():
    sc = make(
        [
            svc(
                "desk",
                3,
                expo(1.0),
                capacity_schedule={"period": 10, "steps": [[0, 3], [6, 1]]},
                cost={"per_server_per_time": 4},
            )
        ],
        [cohort("people", 1.0, "desk")],
        horizon=105,
        warm_up=5,
    )
    # window [5, 105]: ten periods' worth of capacity, time-average 2.2
    assert simulate(sc).cost["staff_and_capacity"] == pytest.approx(4 * 2.2 * 100, rel=1e-12)


# --------------------------------------------------------------------------- snapshot stream


def test_stream_snapshots_ends_with_done_at_horizon_and_returns_the_summary():
    sc = _blocking_scenario(horizon=50, warm_up=5)
    gen = stream_snapshots(sc, "baseline", 0, step=7.0)
    snaps = []
    with pytest.raises(StopIteration) as stop:
        while True:
            snaps.append(next(gen))
    times = [s.time for s in snaps]
    assert times[0] == 0 and times[-1] == 50
    assert times == sorted(times) and times[1:-1] == [7 * k for k in range(1, 8)]
    assert [s.done for s in snaps] == [False] * (len(snaps) - 1) + [True]
    summary = stop.value.value
    assert summary.services == simulate(sc).services
    assert summary.cost == simulate(sc).cost


def test_stream_snapshots_is_cancellable():
    sc = _blocking_scenario(horizon=1000)
    gen = stream_snapshots(sc, "baseline", 0, step=1.0)
    first = [next(gen) for _ in range(5)]
    assert first[-1].time == 4.0 and not first[-1].done
    gen.close()
    with pytest.raises(StopIteration):
        next(gen)


def test_snapshot_counts_are_consistent():
    sc = _blocking_scenario(horizon=100)
    for s in snapshots(sc, step=2.0):
        in_system = sum(x.waiting + x.in_service + x.blocked for x in s.services)
        assert in_system == s.in_system, s.time


def test_run_experiment_can_be_cancelled():
    sc = _blocking_scenario(horizon=100)
    with pytest.raises(ExperimentCancelled):
        run_experiment(sc, replications=3, workers=1, cancel=lambda: True)


def test_simulation_can_be_advanced_in_pieces():
    sc = _blocking_scenario(horizon=100, warm_up=10)
    sim = Simulation(sc)
    for t in (3.3, 10.0, 10.0, 55.5, 99.99, 100.0, 150.0):
        sim.run_until(t)
    assert sim.now == 100.0
    assert sim.summary().services == simulate(sc).services


# --------------------------------------------------------------------------- policies mid-run


@pytest.mark.parametrize(
    "change, after",
    [
        ({"add": 1}, [[0, 3], [4, 1], [7, 4]]),
        ({"multiply": 2}, [[0, 4], [4, 0], [7, 6]]),
        ({"set": 5}, None),  # "set" replaces the schedule by a constant capacity
    ],
)
def test_capacity_policy_on_a_scheduled_service(change, after):
    policy = {
        "id": "change",
        "name": "Change",
        "start": 15,
        "changes": [{"lever": "capacity", "service": "desk", **change}],
    }
    sc = make([SCHEDULED], [cohort("people", 3.0, "desk")], horizon=40, policies=[policy])
    for s in snapshots(sc, "change", step=0.25):
        if _on_boundary(s.time) or math.isclose(s.time, 15):
            continue
        cap = s.service("desk").capacity
        if s.time < 15:
            assert cap == expected_capacity(STEPS, 10, s.time), s.time
        elif after is None:
            assert cap == 5, s.time
        else:
            assert cap == expected_capacity(after, 10, s.time), s.time


def test_arrival_rate_policy_mid_run_changes_the_rate_from_its_start():
    policy = {
        "id": "double",
        "name": "Double",
        "start": 100,
        "changes": [{"lever": "arrival_rate", "cohort": "people", "multiply": 3}],
    }
    sc = make(
        [svc("online", None, fixed(0))],
        [cohort("people", 2.0, "online")],
        horizon=200,
        policies=[policy],
    )
    counts = []
    for r in range(20):
        snaps = {s.time: s for s in stream_snapshots(sc, "double", r, step=100)}
        counts.append(
            (snaps[100.0].service("online").arrived, snaps[200.0].service("online").arrived)
        )
    before = sum(c[0] for c in counts) / 20
    after = sum(c[1] - c[0] for c in counts) / 20
    # Poisson counts: mean 200 then 600, sd of the 20-rep mean ≈ 3.2 and 5.5
    assert before == pytest.approx(200, abs=20)
    assert after == pytest.approx(600, abs=35)


def test_raising_a_queue_limit_mid_run_releases_blocked_people():
    policy = {
        "id": "open_up",
        "name": "Open up",
        "start": 100,
        "changes": [{"lever": "queue_limit", "service": "care", "set": 1000}],
    }
    sc = make(
        [
            svc("ward", 3, expo(1.0), routes=[{"to": "care", "p": 1.0}]),
            svc("care", 1, expo(1.5), queue_limit=0),
        ],
        [cohort("patients", 1.0, "ward")],
        horizon=150,
        policies=[policy],
    )
    snaps = snapshots(sc, "open_up", step=0.5)
    assert any(s.service("ward").blocked > 0 for s in snaps if s.time < 100)
    assert all(s.service("ward").blocked == 0 for s in snaps if s.time > 100)
    assert any(s.service("care").waiting > 0 for s in snaps if s.time > 100)
