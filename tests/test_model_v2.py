"""Scenario format version 2 (SCENARIO_FORMAT.md "Version 2"): every new field typed and
validated like version 1 (every problem at once, by its place), v1 files upgrading, and
writing always at version 2."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from mission_desktop.model import (
    ScenarioError,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    scenario_from_dict,
)
from mission_desktop.model.distributions import Normal, normal_clamped_mean
from mission_desktop.model.scenario import VERSION

Doc = dict[str, Any]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "v1"
V1_FILES = sorted(FIXTURES.glob("*.mission.json"))
BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"


def v2_doc(scenario_doc: Doc) -> Doc:
    """The shared example with every version-2 field used once."""
    doc = copy.deepcopy(scenario_doc)
    doc["version"] = 2
    doc["run"]["start_date"] = "2027-04-01"
    services = doc["services"]
    services[0]["service_time"] = {"dist": "normal", "mean": 0.05, "sd": 0.02, "min": 0.01}
    services[1]["service_time"]["max"] = 60
    services[1]["initial"] = [
        {
            "cohort": "older_frail",
            "waiting": 12,
            "waited": {"dist": "uniform", "low": 0, "high": 5},
            "in_service": 20,
        },
        {"cohort": "adults", "waiting": 3},
    ]
    services[1]["observed"] = {"period": [0, 90], "mean_wait": 1.5, "utilisation": 0.93}
    doc["cohorts"][0]["arrivals"]["growth"] = {"factor": 1.03, "every": 365}
    doc["assumptions"] = [
        {
            "id": "frail_demand",
            "name": "Growth of frail demand",
            "lever": "arrival_rate",
            "cohort": "older_frail",
            "multiply": [0.9, 1.2],
            "source": "ONS projections",
            "reliability": "medium",
            "owner": "Analyst",
        },
        {"id": "beds", "name": "Beds", "lever": "capacity", "service": "hospital", "add": [-5, 5]},
        {
            "id": "to_care",
            "name": "Share to social care",
            "lever": "route",
            "service": "hospital",
            "to": "social_care",
            "p": [0.2, 0.4],
        },
        {
            "id": "los",
            "name": "Length of stay",
            "lever": "service_time",
            "service": "hospital",
            "multiply": [0.8, 1.25],
        },
    ]
    doc["decisions"] = {
        "levers": [
            {"lever": "capacity", "service": "social_care", "add": [0, 8], "step": 1},
            {"lever": "service_time", "service": "hospital", "multiply": [0.8, 1], "step": 0.05},
        ],
        "policies": [p["id"] for p in doc.get("policies", [])][:1],
        "confidence": 0.9,
    }
    return doc


def problems(doc: Any) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(doc)
    return [(p.path, p.message) for p in info.value.problems]


def has(found: list[tuple[str, str]], path: str, *words: str) -> None:
    for p, m in found:
        if p == path and all(w in m for w in words):
            return
    raise AssertionError(f"no problem at {path} with {words}; found {found}")


# --------------------------------------------------------------------------- reading


def test_every_v2_field_reads_and_types(scenario_doc: Doc) -> None:
    s = scenario_from_dict(v2_doc(scenario_doc))
    assert s.version == VERSION == 2
    assert s.run.start_date == datetime.date(2027, 4, 1)
    gp, hospital = s.services[0], s.services[1]
    assert isinstance(gp.service_time, Normal) and gp.service_time.min == 0.01
    assert hospital.service_time.max == 60
    assert [i.waiting for i in hospital.initial] == [12, 3]
    assert hospital.initial[1].waited.dist == "fixed" and hospital.initial[1].waited.value == 0
    assert hospital.initial[0].in_service == 20 and hospital.initial[1].in_service == 0
    assert hospital.observed.period == (0, 90) and hospital.observed.throughput is None
    growth = s.cohorts[0].arrivals.growth
    assert growth.multiplier(365) == pytest.approx(1.03)
    assert [a.lever for a in s.assumptions] == ["arrival_rate", "capacity", "route", "service_time"]
    assert s.assumptions[0].reliability == "medium" and s.assumptions[1].source == ""
    assert s.decisions.confidence == 0.9 and s.decisions.levers[0].step == 1


def test_v2_round_trips_canonically(scenario_doc: Doc) -> None:
    s = scenario_from_dict(v2_doc(scenario_doc))
    text = dumps_scenario(s)
    assert loads_scenario(text) == s
    assert dumps_scenario(loads_scenario(text)) == text
    doc = json.loads(text)
    assert doc["version"] == 2
    assert doc["run"]["start_date"] == "2027-04-01"
    # an assumption reads what it is, then what it varies, then where it comes from
    assert list(doc["assumptions"][0]) == [
        "id",
        "name",
        "lever",
        "cohort",
        "multiply",
        "source",
        "reliability",
        "owner",
    ]
    assert list(doc["services"][0]["service_time"]) == ["dist", "mean", "sd", "min"]
    assert list(doc["decisions"]["levers"][0]) == ["lever", "service", "add", "step"]
    assert "waited" not in doc["services"][1]["initial"][1], "defaults are left out"


@pytest.mark.parametrize("path", V1_FILES, ids=[p.name for p in V1_FILES])
def test_every_shipped_v1_file_upgrades_unchanged_in_meaning(path: Path) -> None:
    """The bundled scenarios as they shipped at version 1 read as the version-2 files."""
    v1_text = path.read_text(encoding="utf-8")
    assert json.loads(v1_text)["version"] == 1
    upgraded = load_scenario(path)
    assert upgraded.version == 2
    # the bundled file may since have gained version-2 fields (the hospital example's
    # assumptions and decisions): without them it is the upgraded v1 file exactly
    bundled = json.loads((BUNDLED / path.name).read_text(encoding="utf-8"))
    for v2_only in ("assumptions", "decisions"):
        bundled.pop(v2_only, None)
    assert upgraded == scenario_from_dict(bundled), "same meaning as the v2 file"
    written = dumps_scenario(upgraded)
    assert written == dumps_scenario(scenario_from_dict(bundled))
    assert written == v1_text.replace('  "version": 1,', '  "version": 2,', 1)


def test_the_v1_test_fixture_upgrades(scenario_doc: Doc) -> None:
    assert scenario_doc["version"] == 1
    s = scenario_from_dict(scenario_doc)
    assert s.version == 2 and s.assumptions == () and s.decisions is None
    assert all(sv.initial == () and sv.observed is None for sv in s.services)
    assert '"version": 2,' in dumps_scenario(s)


def test_a_newer_file_is_refused(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    doc["version"] = 3
    found = problems(doc)
    assert len(found) == 1
    has(found, "version", "newer Mission Desktop", "up to version 2")


# --------------------------------------------------------------------------- bad input


def test_every_v2_problem_at_once(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    doc["run"]["start_date"] = "1 April 2027"
    doc["services"][0]["service_time"] = {"dist": "normal", "mean": 0, "sd": -1}
    doc["services"][1]["service_time"]["min"] = 70  # max is 60
    doc["services"][1]["initial"][0]["cohort"] = "nobody"
    doc["services"][1]["initial"][1]["waiting"] = -2
    doc["services"][1]["observed"]["period"] = [90, 10]
    doc["cohorts"][0]["arrivals"]["growth"] = {"factor": 0, "every": 365}
    doc["assumptions"][0]["multiply"] = [1.1, 1.3]  # excludes the file's own rate
    doc["assumptions"][1]["add"] = [1.5, 3]
    doc["assumptions"][2]["p"] = [0.5, 0.99]  # excludes 0.3, and 0.99 + 0.05 > 1
    doc["assumptions"][3]["reliability"] = "somewhat"
    doc["decisions"]["levers"][0]["step"] = 0
    doc["decisions"]["policies"] = ["no_such_policy"]
    doc["decisions"]["confidence"] = 1
    found = problems(doc)
    has(found, "run.start_date", "YYYY-MM-DD")
    has(found, "services[0].service_time.mean", "> 0")
    has(found, "services[0].service_time.sd", "≥ 0")
    has(found, "services[1].service_time", "max (60) must be at least min (70)")
    has(found, "services[1].initial[0].cohort", "no cohort has id 'nobody'")
    has(found, "services[1].initial[1].waiting", "≥ 0")
    has(found, "services[1].observed", "must end after it starts")
    has(found, "cohorts[0].arrivals.growth.factor", "> 0")
    has(found, "assumptions[0].multiply", "must contain 1")
    has(found, "assumptions[1].add[0]", "whole number")
    has(found, "assumptions[2].p", "must contain 0.3")
    has(found, "assumptions[2].p", "sum to 1.04")
    has(found, "assumptions[1].add", "must contain 0")
    has(found, "assumptions[3].reliability", "'low', 'medium' or 'high'")
    has(found, "decisions.levers[0].step", "≥ 1")
    has(found, "decisions.policies[0]", "no policy has id 'no_such_policy'")
    has(found, "decisions.confidence", "< 1")
    assert len(found) == 17, found


def test_a_date_that_is_not_a_calendar_date(scenario_doc: Doc) -> None:
    for bad in ("2027-02-30", 20270401, "2027-04-01T00:00", True):
        doc = v2_doc(scenario_doc)
        doc["run"]["start_date"] = bad
        has(problems(doc), "run.start_date", "YYYY-MM-DD")


def test_initial_people_must_fit_the_servers_at_time_0(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    # the hospital has 40 beds at time 0 (its schedule's first step)
    doc["services"][1]["initial"][1]["in_service"] = 21  # 20 + 21 = 41 > 40
    has(problems(doc), "services[1].initial", "41 people in_service", "“Acute hospital beds”", "40")
    doc["services"][1]["initial"][1]["in_service"] = 20
    scenario_from_dict(doc)  # exactly full is fine


def test_nobody_waits_at_an_unlimited_service(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    online = next(i for i, s in enumerate(doc["services"]) if s["capacity"] is None)
    doc["services"][online]["initial"] = [{"cohort": "adults", "waiting": 2, "in_service": 500}]
    has(problems(doc), f"services[{online}].initial[0].waiting", "unlimited", "in_service")


def test_levers_must_have_something_to_vary(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    online = next(s["id"] for s in doc["services"] if s["capacity"] is None)
    doc["assumptions"] = [
        {"id": "a", "name": "A", "lever": "capacity", "service": online, "add": [0, 2]},
        {"id": "b", "name": "B", "lever": "patience", "service": "hospital", "multiply": [1, 2]},
        {"id": "c", "name": "C", "lever": "queue_limit", "service": "gp", "add": [0, 2]},
        {"id": "c", "name": "D", "lever": "capacity", "service": "gp", "add": [-12, 0]},
        {"id": "e", "name": "E", "lever": "arrival_rate", "cohort": "ghosts", "multiply": [1, 2]},
    ]
    doc["decisions"]["levers"] = [
        {"lever": "route", "service": "hospital", "to": "nowhere", "p": [0, 0.5], "step": 0.1}
    ]
    found = problems(doc)
    has(found, "assumptions[0].service", "unlimited capacity to vary")
    has(found, "assumptions[1].service", "no patience to vary")
    has(found, "assumptions[2].service", "no queue limit to vary")
    has(found, "assumptions[3].id", "already used")
    has(found, "assumptions[3].add", "would be 0", "≥ 1")
    has(found, "assumptions[4].cohort", "no cohort has id 'ghosts'")
    has(found, "decisions.levers[0].to", "no service has id 'nowhere'")


def test_a_decision_range_need_not_contain_today(scenario_doc: Doc) -> None:
    """Goal-seek may be told to add at least 2 servers: only assumptions are about today."""
    doc = v2_doc(scenario_doc)
    doc["decisions"]["levers"][0]["add"] = [2, 8]
    assert scenario_from_dict(doc).decisions.levers[0].add == (2, 8)


def test_growth_that_overflows_is_refused(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    doc["cohorts"][0]["arrivals"]["growth"] = {"factor": 1e300, "every": 1e-3}
    has(problems(doc), "cohorts[0].arrivals.growth", "by a factor of more than")


def test_an_observed_block_says_something(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    doc["services"][1]["observed"] = {"period": [0, 10]}
    has(problems(doc), "services[1].observed", "at least one observed figure")
    doc["services"][1]["observed"] = {"period": [0, 10], "utilisation": 1.5, "speed": 1}
    found = problems(doc)
    has(found, "services[1].observed.utilisation", "≤ 1")
    has(found, "services[1].observed.speed", "unknown field")


def test_a_broken_file_still_has_its_v2_references_checked(scenario_doc: Doc) -> None:
    doc = v2_doc(scenario_doc)
    doc["services"][0]["capacity"] = "many"  # a structural error elsewhere
    doc["decisions"]["policies"] = ["ghost"]
    found = problems(doc)
    has(found, "services[0].capacity", "whole number")
    has(found, "decisions.policies[0]", "no policy has id 'ghost'")


# --------------------------------------------------------------------------- clamped normal


def test_normal_clamped_mean_by_numerical_integration() -> None:
    from scipy import integrate, stats

    for mean, sd, lo, hi in [(2, 1, 0, None), (1, 2, 0.5, None), (3, 1, 1, 3.5), (5, 0, 6, None)]:
        if sd == 0:
            exact = min(max(mean, lo), hi or float("inf"))
        else:
            f = stats.norm(mean, sd)
            top = hi if hi is not None else float("inf")
            exact = (
                lo * f.cdf(lo)
                + integrate.quad(lambda x, f=f: x * f.pdf(x), lo, top)[0]
                + (top * f.sf(top) if hi is not None else 0.0)
            )
        assert normal_clamped_mean(mean, sd, lo, hi) == pytest.approx(exact, rel=1e-9)


def test_the_v2_example_validates_against_the_schema(scenario_doc: Doc) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from mission_desktop.model.schema import scenario_json_schema

    validator = jsonschema.validators.validator_for(scenario_json_schema())(scenario_json_schema())
    doc = v2_doc(scenario_doc)
    assert not list(validator.iter_errors(doc))
    doc["assumptions"][0]["reliability"] = "somewhat"
    doc["services"][1]["initial"][0]["cohrt"] = "adults"
    assert len(list(validator.iter_errors(doc))) == 2
