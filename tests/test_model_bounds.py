"""Every number the engine uses is bounded, so a valid-looking file never crashes a run:
each extreme below was accepted once and broke the engine; now it is refused naming the
field. Values at the bounds are accepted and do run."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from test_model_io_read import assert_problem, problems_of, text_problems

from mission_desktop.model import scenario_from_dict
from mission_desktop.model.checks import MAX_CHANGES_PER_RUN

Doc = dict[str, Any]


def _set(doc: Doc, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        doc = doc[part]
    doc[path[-1]] = value


EXTREMES = [
    # (path, value, words in the message)
    (("services", 1, "service_time"), {"dist": "lognormal", "mean": 1e-300, "sd": 1}, "mean"),
    (("services", 1, "service_time"), {"dist": "lognormal", "mean": 6, "sd": 1e300}, "sd"),
    (("services", 1, "service_time"), {"dist": "gamma", "mean": 1e300, "sd": 1e-300}, "time"),
    (("services", 1, "service_time"), {"dist": "gamma", "mean": 1, "sd": 1e-300}, "sd"),
    (("services", 1, "service_time"), {"dist": "empirical", "values": [1e308, 1e308]}, "values"),
    (("services", 1, "capacity_schedule", "steps", 0, 1), 10**400, "steps[0][1]"),
    (("services", 1, "capacity_schedule"), {"period": 1e-9, "steps": [[0, 4]]}, "period"),
    (("cohorts", 0, "arrivals", "profile", "multipliers"), [1e308, 1e308], "multipliers"),
    (("cohorts", 0, "arrivals", "profile", "period"), 1e-9, "period"),
    (("cohorts", 0, "arrivals", "rate"), 1e300, "rate"),
    (("cohorts", 0, "priority"), 10**400, "priority"),
    (("run", "horizon"), 1e12, "horizon"),
    (("services", 1, "cost", "per_server_per_time"), 1e300, "per_server_per_time"),
    (("policies", 0, "cost", "one_off"), 1e300, "one_off"),
    (("policies", 0, "start"), 1e300, "start"),
    (("services", 0, "queue_limit"), 10**30, "queue_limit"),
]


@pytest.mark.parametrize(("path", "value", "field"), EXTREMES, ids=[e[2] for e in EXTREMES])
def test_extreme_numbers_are_refused_naming_the_field(
    scenario_doc: Doc, path: tuple[Any, ...], value: Any, field: str
) -> None:
    if path[:3] == ("cohorts", 0, "arrivals") and "profile" in path:
        scenario_doc["cohorts"][0]["arrivals"]["profile"] = {"period": 7, "multipliers": [1, 1]}
    _set(scenario_doc, path, value)
    problems = problems_of(scenario_doc)
    assert len(problems) >= 1
    assert all(field in p.path for p in problems), [str(p) for p in problems]
    assert all("must be" in p.message or "too short" in p.message for p in problems)


def test_a_policy_that_sets_an_absurd_capacity_is_refused(scenario_doc: Doc) -> None:
    scenario_doc["policies"][0]["changes"] = [{"lever": "capacity", "service": "gp", "set": 1e308}]
    assert_problem(problems_of(scenario_doc), "policies[0].changes[0].set", "≤ 1000000000")


def test_a_policy_may_not_push_capacity_past_the_most_a_service_may_have(scenario_doc) -> None:
    scenario_doc["policies"][0]["changes"] = [
        {"lever": "capacity", "service": "gp", "multiply": 1e6}
    ]
    problems = problems_of(scenario_doc)  # one per variant that holds the policy
    assert {p.path for p in problems} == {"policies[0].changes[0]"}
    assert all("it may be at most 1,000,000" in p.message for p in problems)


def test_a_policy_multiplier_is_bounded(scenario_doc: Doc) -> None:
    scenario_doc["policies"][0]["changes"] = [
        {"lever": "service_time", "service": "gp", "multiply": 1e300}
    ]
    assert_problem(problems_of(scenario_doc), "policies[0].changes[0].multiply", "≤ 1000000")


def test_zero_and_tiny_means_have_their_own_words(scenario_doc: Doc) -> None:
    st = scenario_doc["services"][1]["service_time"]
    st["mean"] = 0
    assert problems_of(scenario_doc)[0].message == "must be > 0"
    st["mean"] = 1e-300
    assert problems_of(scenario_doc)[0].message == "must be at least 1e-9"


def test_an_overflowing_number_in_the_file_is_refused_too(scenario_doc: Doc) -> None:
    scenario_doc["run"]["horizon"] = "@@"
    text = json.dumps(scenario_doc).replace('"@@"', "1e400")  # Python reads it as inf
    assert_problem(text_problems(text), "run.horizon", "must be")


def test_a_period_short_for_the_horizon_is_refused_with_the_count(scenario_doc: Doc) -> None:
    horizon = scenario_doc["run"]["horizon"]
    steps = len(scenario_doc["services"][1]["capacity_schedule"]["steps"])
    scenario_doc["services"][1]["capacity_schedule"] = {
        "period": 1e-5,
        "steps": [[0, 40], [5e-6, 30]][:steps],
    }
    p = assert_problem(
        problems_of(scenario_doc), "services[1].capacity_schedule.period", "too short"
    )
    assert f"{MAX_CHANGES_PER_RUN:,}" in p.message
    assert f"about {horizon / 1e-5 * min(steps, 2):.2g} times" in p.message


def test_a_period_just_long_enough_is_accepted(scenario_doc: Doc) -> None:
    horizon = scenario_doc["run"]["horizon"]
    scenario_doc["cohorts"][0]["arrivals"]["profile"] = {
        "period": horizon * 2 / MAX_CHANGES_PER_RUN,
        "multipliers": [1, 1],
    }
    scenario_from_dict(scenario_doc)


BOUNDS = [
    {"dist": "lognormal", "mean": 1e-9, "sd": 1e9},
    {"dist": "lognormal", "mean": 1e9, "sd": 1e-9},
    {"dist": "gamma", "mean": 1e-9, "sd": 1e9},
    {"dist": "gamma", "mean": 1e9, "sd": 1e-9},
    {"dist": "gamma", "mean": 1, "sd": 0},
    {"dist": "empirical", "values": [1e9, 1e9, 0]},
]


@pytest.mark.parametrize("dist", BOUNDS, ids=lambda d: f"{d['dist']}-{d.get('mean', '')}")
def test_distributions_at_the_bounds_draw_finite_durations(scenario_doc: Doc, dist) -> None:
    import numpy as np

    from mission_desktop.sim.streams import Sampler

    scenario_doc["services"][1]["service_time"] = dist
    scenario = scenario_from_dict(scenario_doc)
    draw = Sampler(np.random.default_rng(1), scenario.services[1].service_time)
    values = [draw() for _ in range(5000)]
    assert all(math.isfinite(v) and v >= 0 for v in values)
