"""The version lives in the document; upgrades step one version at a time (nbformat's way),
and reading never changes the document it was given."""

from __future__ import annotations

import copy
from typing import Any, Literal

import pytest

from mission_desktop.model import Scenario, ScenarioError, canonical, io, validation, versions

Doc = dict[str, Any]


class ScenarioV3(Scenario):
    """What version 3 of the models might look like: only the version number differs here."""

    version: Literal[3]


@pytest.fixture
def pretend_v3(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Doc]]:
    """Pretend this build reads version 3: v1 → v2 renames ``run.seed`` to ``run.rng_seed``,
    v2 → v3 renames it back. Returns the log of (version seen, document seen) per step."""
    calls: list[tuple[int, Doc]] = []

    def v1_to_v2(doc: Doc) -> Doc:
        calls.append((doc["version"], copy.deepcopy(doc)))
        doc["run"]["rng_seed"] = doc["run"].pop("seed", 0)
        return doc

    def v2_to_v3(doc: Doc) -> Doc:
        calls.append((doc["version"], copy.deepcopy(doc)))
        assert "rng_seed" in doc["run"], "step 2 must see the output of step 1"
        doc["run"]["seed"] = doc["run"].pop("rng_seed")
        return doc

    monkeypatch.setattr(versions, "VERSION", 3)
    monkeypatch.setattr(versions, "UPGRADES", {1: v1_to_v2, 2: v2_to_v3})
    monkeypatch.setattr(validation, "Scenario", ScenarioV3)
    monkeypatch.setattr(canonical, "VERSION", 3)
    return calls


def test_upgrade_steps_one_version_at_a_time(scenario_doc: Doc, pretend_v3: list) -> None:
    before = copy.deepcopy(scenario_doc)
    upgraded = versions.upgrade(scenario_doc)
    assert [v for v, _ in pretend_v3] == [1, 2]
    assert "rng_seed" in pretend_v3[1][1]["run"]
    assert upgraded["version"] == 3
    assert upgraded["run"]["seed"] == 12345
    assert scenario_doc == before, "upgrading must not change the caller's document"


def test_upgrade_from_the_middle(scenario_doc: Doc, pretend_v3: list) -> None:
    scenario_doc["version"] = 2
    scenario_doc["run"]["rng_seed"] = scenario_doc["run"].pop("seed")
    upgraded = versions.upgrade(scenario_doc)
    assert [v for v, _ in pretend_v3] == [2]
    assert upgraded["run"]["seed"] == 12345 and upgraded["version"] == 3


def test_current_version_is_not_touched(scenario_doc: Doc, pretend_v3: list) -> None:
    scenario_doc["version"] = 3
    assert versions.upgrade(scenario_doc) is scenario_doc
    assert pretend_v3 == []


def test_an_old_file_reads_and_is_written_at_the_new_version(
    scenario_doc: Doc, pretend_v3: list
) -> None:
    before = copy.deepcopy(scenario_doc)
    scenario = io.scenario_from_dict(scenario_doc)
    assert scenario.version == 3
    assert scenario.run.seed == 12345
    assert scenario_doc == before
    text = canonical.dumps_scenario(scenario)
    assert '"version": 3,' in text
    assert io.loads_scenario(text) == scenario
    assert len(pretend_v3) == 2  # reading the v3 text ran no upgrade


def test_a_newer_file_than_the_pretend_build(scenario_doc: Doc, pretend_v3: list) -> None:
    scenario_doc["version"] = 4
    with pytest.raises(ScenarioError) as info:
        io.scenario_from_dict(scenario_doc)
    (p,) = info.value.problems
    assert p.path == "version" and "newer Mission Desktop" in p.message
    assert "up to version 3" in p.message
    assert pretend_v3 == []


def test_version_range_is_stated(scenario_doc: Doc, pretend_v3: list) -> None:
    scenario_doc["version"] = 0
    with pytest.raises(ScenarioError) as info:
        io.scenario_from_dict(scenario_doc)
    assert "versions 1 to 3" in info.value.problems[0].message


def test_every_upgrade_step_exists() -> None:
    """The real table: one step from each old version to the next."""
    assert sorted(versions.UPGRADES) == list(range(1, versions.VERSION))


def test_validation_never_mutates_the_input(scenario_doc: Doc) -> None:
    scenario_doc["x_mine"] = {"deep": [1, {"a": 2.0}]}
    before = copy.deepcopy(scenario_doc)
    io.scenario_from_dict(scenario_doc)
    assert scenario_doc == before


def test_validation_of_a_broken_file_never_mutates_the_input(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["colour"] = "red"  # unknown fields are dropped from a copy
    scenario_doc["services"][1]["service_time"]["shape"] = 2
    scenario_doc["cohorts"][0]["entry"][0]["p"] = 0.1
    before = copy.deepcopy(scenario_doc)
    with pytest.raises(ScenarioError) as info:
        io.scenario_from_dict(scenario_doc)
    assert len(info.value.problems) == 3
    assert scenario_doc == before
