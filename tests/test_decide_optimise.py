"""Goal-seek (issue 8 §4) against queueing theory: an M/M/c service with a wait target and
its capacity as the decision; long replications, so a replication's share within target is
close to the steady-state P(Wq ≤ t) and p_target_met is 1 where Erlang C says P(Wq ≤ t)
exceeds ``within`` and 0 where it falls short. The case is chosen far from the boundary."""

from __future__ import annotations

import math

import pytest
from builders import build
from helpers_theory import MMc

from mission_desktop.decide.optimise import ocba, optimise
from mission_desktop.model import ScenarioError, scenario_from_dict, scenario_to_dict
from mission_desktop.sim import LocalExecutor

LAM, MU, BASE_C, WAIT, WITHIN, PER_SERVER = 4.0, 1.0, 5, 0.25, 0.9, 100.0
HORIZON, WARM_UP = 2000.0, 50.0


def mmc_scenario(levers=None, policies=()):
    sc = build(
        [
            {
                "id": "desk",
                "name": "Desk",
                "capacity": BASE_C,
                "service_time": {"dist": "exponential", "mean": 1 / MU},
                "cost": {"per_server_per_time": PER_SERVER},
                "target": {"wait": WAIT, "within": WITHIN},
            }
        ],
        [{"id": "people", "name": "People", "arrivals": {"rate": LAM}, "entry": "desk"}],
        horizon=HORIZON,
        warm_up=WARM_UP,
        policies=policies,
    )
    doc = scenario_to_dict(sc)
    doc["decisions"] = {
        "levers": levers or [{"lever": "capacity", "service": "desk", "add": [0, 6], "step": 1}],
        "confidence": 0.95,
    }
    return scenario_from_dict(doc)


def erlang_table():
    """c → P(Wq ≤ WAIT) by Erlang C; the theory's answer is the smallest c above WITHIN."""
    return {c: MMc(LAM, MU, c).p_wait_at_most(WAIT) for c in range(BASE_C, BASE_C + 7)}


def test_the_case_is_not_borderline() -> None:
    table = erlang_table()
    answer = min(c for c, p in table.items() if p > WITHIN)
    assert answer == 7
    assert table[6] < WITHIN - 0.05 and table[7] > WITHIN + 0.03
    # the formula, written out: 1 − C(c, a)·e^{−(cμ−λ)t}
    from helpers_theory import erlang_c

    assert table[7] == pytest.approx(1 - erlang_c(7, LAM / MU) * math.exp(-(7 * MU - LAM) * WAIT))


def test_optimise_returns_the_smallest_capacity_erlang_c_allows_with_its_cost() -> None:
    out = optimise(mmc_scenario(), budget=1500, executor=LocalExecutor(2))
    assert out["format"] == "mission-desktop/optimisation" and out["version"] == 1
    best = out["best"]
    assert best is not None, out.get("message")
    assert best["changes"] == [{"lever": "capacity", "service": "desk", "add": 2}]
    assert best["policies"] == []
    # the cost is exact for capacity: servers × cost per server per hour × the window
    assert best["cost"]["mean"] == pytest.approx(7 * PER_SERVER * (HORIZON - WARM_UP))
    assert best["p_target_met"]["desk"]["mean"] >= 0.95
    assert best["p_target_met"]["desk"]["ci95"][0] >= 0.95  # proved, not just estimated
    by_add = {e["changes"][0]["add"]: e for e in out["evaluated"]}
    assert sorted(by_add) == list(range(7))  # every candidate evaluated and reported
    for add in (0, 1):
        assert by_add[add]["status"] == "infeasible"
        assert by_add[add]["replications"] == 5  # settled by the screen alone
    # replications went where they mattered: the dearer feasible plans were not proved
    assert max(by_add[a]["replications"] for a in (3, 4, 5, 6)) < best["replications"]
    for e in out["evaluated"]:
        assert set(e) >= {"changes", "policies", "cost", "p_target_met", "replications"}


def test_no_feasible_candidate_says_why() -> None:
    sc = mmc_scenario(levers=[{"lever": "capacity", "service": "desk", "add": [0, 1], "step": 1}])
    out = optimise(sc, budget=200, executor=LocalExecutor(1))
    assert out["best"] is None
    assert "no candidate meets every target" in out["message"]


def test_a_scenario_without_decisions_is_refused_in_words() -> None:
    doc = scenario_to_dict(mmc_scenario())
    del doc["decisions"]
    with pytest.raises(ScenarioError) as info:
        optimise(scenario_from_dict(doc))
    assert "decisions" in str(info.value)


def test_ocba_gives_more_to_close_competitors() -> None:
    import numpy as np

    shares = ocba(np.array([10.0, 10.5, 20.0]), np.array([1.0, 1.0, 1.0]), 100)
    assert shares[1] > shares[2] and shares[0] > shares[2]
