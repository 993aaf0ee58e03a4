"""Decision support (issue 8 §2-3): run to precision, warm-up, sensitivity, uncertainty, and
their commands."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from builders import build

from mission_desktop import cli
from mission_desktop.decide.precision import _Checks, k_limit, run_to_precision, solution
from mission_desktop.decide.sensitivity import (
    latin_hypercube,
    run_uncertainty,
    sensitivity,
    variance_split,
)
from mission_desktop.decide.warmup import mser5, warmup
from mission_desktop.model import ScenarioError, save_scenario, scenario_from_dict, scenario_to_dict
from mission_desktop.sim import LocalExecutor, run_experiment
from mission_desktop.sim.figures import figure


def queue(rate=1.0, cap=2, mean=1.5, horizon=400.0, warm_up=20.0, initial=None, policies=()):
    service = {
        "id": "s",
        "name": "Desk",
        "capacity": cap,
        "service_time": {"dist": "exponential", "mean": mean},
        "cost": {"per_server_per_time": 10},
        "target": {"wait": 1, "within": 0.8},
    }
    if initial:
        service["initial"] = [{"cohort": "c", "waiting": initial}]
    return build(
        [service],
        [{"id": "c", "name": "People", "arrivals": {"rate": rate}, "entry": "s"}],
        horizon=horizon,
        warm_up=warm_up,
        policies=policies,
    )


def with_assumptions(sc, assumptions, replications=6):
    doc = scenario_to_dict(sc)
    doc["assumptions"] = assumptions
    doc["run"]["replications"] = replications
    return scenario_from_dict(doc)


ASSUMPTIONS = [
    {"id": "demand", "name": "Demand", "lever": "arrival_rate", "cohort": "c", "multiply": [0.8, 1.2]},
    {"id": "staff", "name": "Staff", "lever": "capacity", "service": "s", "add": [0, 1]},
]


# --------------------------------------------------------------------------- precision


def test_precision_stops_where_the_rule_holds_and_keeps_holding() -> None:
    more = [{"id": "more", "name": "More", "changes": [{"lever": "capacity", "service": "s", "add": 1}]}]
    sc = queue(rate=4.5, cap=5, mean=1.0, horizon=600, policies=more)
    out = run_to_precision(sc, 0.5, max_replications=100, executor=LocalExecutor(2))
    p = out["precision"]
    assert p["stopped"] == "precision reached", p["reason"]
    m = p["solution"]
    assert p["replications"] == m + k_limit(m) == out["run"]["replications"]
    assert out["variants"]["baseline"]["services"]["s"]["mean_wait"] is not None
    # the rule, checked independently with the results' own figure(): at the solution every
    # figure's half-width is within ±50% of its mean
    from mission_desktop.decide.values import figure_values
    from mission_desktop.sim import simulate

    reps = [simulate(sc, "baseline", r) for r in range(m)]
    for name, vals in figure_values(reps).items():
        f = figure(vals)
        if f is None or len([v for v in vals if v is not None]) < 2:
            continue
        half = (f["ci95"][1] - f["ci95"][0]) / 2
        assert half <= 0.5 * abs(f["mean"]) + 1e-9, name
    # the results are those of a plain run of that many replications
    plain = run_experiment(sc, replications=p["replications"], workers=1)
    assert out["variants"] == plain["variants"] and out["comparisons"] == plain["comparisons"]


def test_the_answer_does_not_depend_on_how_the_rounds_fell() -> None:
    sc = queue(rate=4.5, cap=5, mean=1.0, horizon=300)
    out = run_to_precision(sc, 0.5, max_replications=60, executor=LocalExecutor(1))
    from mission_desktop.sim import simulate

    reps = {"baseline": [simulate(sc, "baseline", r) for r in range(60)]}
    assert solution(_Checks(reps, 0.5), 60) == out["precision"]["solution"]


def test_a_spent_budget_names_the_figures_still_short() -> None:
    sc = queue(horizon=60)
    out = run_to_precision(sc, 0.01, max_replications=8, executor=LocalExecutor(1))
    p = out["precision"]
    assert p["stopped"] == "budget spent" and p["replications"] == 8 and p["solution"] is None
    assert any(s["figure"] == "services.s.mean_wait" for s in p["short"])
    assert "services.s.mean_wait" in p["reason"]


def test_a_difference_whose_interval_excludes_zero_needs_no_more() -> None:
    # a large, sure effect: the difference's CI excludes 0 long before it is ±1% of baseline
    reps = {"baseline": [], "v": []}
    from mission_desktop.sim.summary import ReplicationSummary

    rng = np.random.default_rng(1)
    for r in range(10):
        x = 10 + rng.normal()
        reps["baseline"].append(ReplicationSummary("baseline", r, {}, {}, {"total": x}))
        reps["v"].append(ReplicationSummary("v", r, {}, {}, {"total": x + 5 + 0.01 * rng.normal()}))
    checks = _Checks(reps, 0.5)
    names = [n for n in checks.names if n[2]]
    assert names == [("v", "cost.total", True)]
    assert checks.ok[-1, 9]  # the paired difference passes by excluding 0


# --------------------------------------------------------------------------- warm-up


def test_mser5_truncates_a_transient_and_refuses_a_trend() -> None:
    rng = np.random.default_rng(3)
    settled = np.concatenate([np.linspace(50, 5, 100), 5 + rng.normal(0, 1, 400)])
    d, _ = mser5(settled)
    assert 60 <= d <= 160
    rising = np.linspace(0, 100, 500) + rng.normal(0, 1, 500)
    assert mser5(rising)[0] is None


def test_warmup_suggests_time_for_a_backlog_to_clear() -> None:
    # 150 people waiting at time 0, spare capacity 1 per time unit: it clears near t = 150
    sc = queue(rate=2.0, cap=3, mean=1.0, horizon=1000, warm_up=0, initial=150)
    out = warmup(sc, replications=4, executor=LocalExecutor(2))
    assert out["format"] == "mission-desktop/warmup" and out["settles"]
    assert 60 <= out["suggested"] <= 400, out["reason"]
    assert "Desk" in out["reason"]
    series = out["series"]["services"]["s"]
    assert len(series["queue_cumulative_mean"]) == len(out["series"]["time"])


def test_warmup_of_an_overloaded_system_says_so_instead_of_a_number() -> None:
    sc = queue(rate=1.0, cap=1, mean=1.6, horizon=500, warm_up=0)
    out = warmup(sc, replications=3, executor=LocalExecutor(1))
    assert out["suggested"] is None and not out["settles"]
    assert "does not settle" in out["reason"] and "overloaded" in out["reason"]


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_pairs_each_end_with_the_central_run() -> None:
    sc = with_assumptions(queue(horizon=200), ASSUMPTIONS, replications=4)
    out = sensitivity(sc, executor=LocalExecutor(2))
    assert out["format"] == "mission-desktop/sensitivity" and out["version"] == 1
    assert set(out["assumptions"]) == {"demand", "staff"}
    demand = out["assumptions"]["demand"]
    assert set(demand) >= {"low", "high"}
    assert demand["high"]["services"]["s"]["mean_wait"]["mean"] > 0  # more demand, longer waits
    assert demand["low"]["services"]["s"]["mean_wait"]["mean"] < 0
    staff = out["assumptions"]["staff"]
    assert staff["low"]["services"]["s"]["mean_wait"] == {"mean": 0.0, "ci95": [0.0, 0.0]}
    # one more server costs 10 per time unit over the window, exactly
    assert staff["high"]["cost"]["total"]["mean"] == pytest.approx(10 * (200 - 20))


def test_sensitivity_without_assumptions_is_refused_in_words() -> None:
    with pytest.raises(ScenarioError) as info:
        sensitivity(queue())
    assert "states no assumptions" in str(info.value)


def test_an_assumption_the_model_cannot_take_is_refused_with_its_name() -> None:
    bad = [{"id": "cut", "name": "Cuts", "lever": "capacity", "service": "s", "add": [-5, 0]}]
    with pytest.raises(ScenarioError) as info:
        sensitivity(with_assumptions(queue(), bad))
    assert "assumptions[0]" in str(info.value) and "must stay ≥ 1" in str(info.value)


# --------------------------------------------------------------------------- uncertainty


def test_latin_hypercube_fills_every_stratum_from_its_own_stream() -> None:
    sc = with_assumptions(queue(), ASSUMPTIONS)
    draws = latin_hypercube(sc, 10)
    strata = sorted(int((v - 0.8) / 0.04) for v in draws["demand"])
    assert strata == list(range(10))
    assert set(draws["staff"]) <= {0.0, 1.0}
    fewer = with_assumptions(queue(), ASSUMPTIONS[:1])
    assert latin_hypercube(fewer, 10)["demand"] == draws["demand"]


def test_variance_split_recovers_known_components() -> None:
    # parametric sd 2, stochastic sd 1, 400 draws × 5: estimates within sampling error
    rng = np.random.default_rng(7)
    y = rng.normal(0, 2, (400, 1)) + rng.normal(0, 1, (400, 5))
    split = variance_split(y)
    assert split["stochastic_variance"] == pytest.approx(1.0, rel=0.1)
    assert split["parametric_variance"] == pytest.approx(4.0, rel=0.2)
    assert split["share_parametric"] == pytest.approx(0.8, abs=0.05)


def test_run_uncertainty_splits_the_variance() -> None:
    sc = with_assumptions(queue(horizon=200), ASSUMPTIONS, replications=12)
    out = run_uncertainty(sc, inner=3, executor=LocalExecutor(2))
    u = out["uncertainty"]
    assert u["draws"] == 4 and u["inner"] == 3 and out["run"]["replications"] == 12
    wait = u["figures"]["baseline"]["services.s.mean_wait"]
    assert 0 <= wait["share_parametric"] <= 1
    lo, hi = wait["interval95"]
    assert lo <= out["variants"]["baseline"]["services"]["s"]["mean_wait"]["mean"] <= hi


# --------------------------------------------------------------------------- commands


def test_commands_write_their_json(tmp_path, capsys) -> None:
    path = tmp_path / "q.mission.json"
    save_scenario(with_assumptions(queue(horizon=100), ASSUMPTIONS, replications=3), path)
    out = tmp_path / "s.json"
    assert cli.main(["sensitivity", str(path), "--json", str(out), "--workers", "1"]) == 0
    assert json.loads(out.read_text())["format"] == "mission-desktop/sensitivity"
    assert "Demand" in capsys.readouterr().out
    out = tmp_path / "w.json"
    assert cli.main(["warmup", str(path), "--json", str(out), "--quiet", "--workers", "1"]) == 0
    assert json.loads(out.read_text())["format"] == "mission-desktop/warmup"
    out = tmp_path / "r.json"
    argv = ["run", str(path), "--precision", "0.9", "--json", str(out), "--quiet", "--workers", "1"]
    assert cli.main(argv) == 0
    assert "precision" in json.loads(out.read_text())
    assert cli.main(["optimise", str(path), "--quiet"]) == 2
    assert "no decisions" in capsys.readouterr().err


def test_bad_options_are_refused_in_words(tmp_path, capsys) -> None:
    path = tmp_path / "q.mission.json"
    save_scenario(queue(), path)
    assert cli.main(["run", str(path), "--precision", "5"]) == 2
    assert "between 0 and 1" in capsys.readouterr().err
    assert cli.main(["run", str(path), "--precision", "0.1", "--uncertainty"]) == 2
    assert "either --precision or --uncertainty" in capsys.readouterr().err
    assert math.isfinite(1.0)
