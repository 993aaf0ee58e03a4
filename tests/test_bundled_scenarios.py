"""The example scenarios that ship in scenarios/: each loads, is complete, and runs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from mission_desktop.model import dumps_scenario, load_scenario

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIO_FILES = sorted(SCENARIOS_DIR.glob("*.mission.json"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_there_are_bundled_scenarios() -> None:
    assert len(SCENARIO_FILES) >= 3, f"expected at least 3 scenarios in {SCENARIOS_DIR}"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_loads_and_validates(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name.strip()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_written_in_canonical_style(path: Path) -> None:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert text.endswith("\n") and not text.endswith("\n\n"), "exactly one trailing newline"
    assert isinstance(json.loads(text), dict)
    assert text.splitlines()[1].startswith('  "'), "2-space indent"
    assert text == dumps_scenario(load_scenario(path)), "saved as Mission Desktop saves it"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_has_baseline_and_two_to_four_policies(path: Path) -> None:
    scenario = load_scenario(path)
    assert 2 <= len(scenario.policies) <= 4
    assert scenario.variants is not None, "bundled scenarios list their variants explicitly"
    variant_ids = [v.id for v in scenario.variants]
    assert "baseline" in variant_ids
    assert scenario.variant("baseline").policies == ()
    used = {pid for v in scenario.variants for pid in v.policies}
    assert used == {p.id for p in scenario.policies}, "every policy is shown in some variant"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_description_and_departments(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.description.strip(), "description says where the numbers come from"
    assert "illustrative" in scenario.description.lower(), "unsourced numbers are marked"
    for service in scenario.services:
        assert service.department.strip(), f"service '{service.id}' has no department"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_every_service_has_a_layout_position(path: Path) -> None:
    scenario = load_scenario(path)
    layout = scenario.ui.get("layout")
    assert isinstance(layout, dict)
    for service in scenario.services:
        position = layout.get(service.id)
        assert isinstance(position, list) and len(position) == 2, service.id
        assert all(isinstance(v, int | float) and math.isfinite(v) for v in position)
    assert set(layout) <= {s.id for s in scenario.services}, "no layout for unknown services"


def _figures(node: Any) -> list[dict[str, Any]]:
    """Every {"mean", "ci95"} figure inside a results subtree."""
    if isinstance(node, dict):
        if "mean" in node and "ci95" in node:
            return [node]
        return [f for v in node.values() for f in _figures(v)]
    return []


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_runs_briefly_with_finite_results(path: Path) -> None:
    sim = pytest.importorskip("mission_desktop.sim")
    if not hasattr(sim, "run_experiment") or not hasattr(sim, "with_run_settings"):
        pytest.skip("the engine's experiment runner is not available yet")
    scenario = load_scenario(path)
    short = sim.with_run_settings(
        scenario,
        replications=3,
        horizon=scenario.run.horizon / 6,
        warm_up=scenario.run.warm_up / 6,
    )
    results = sim.run_experiment(short, workers=1)
    assert set(results["variants"]) == {v.id for v in scenario.effective_variants}
    for variant_id, summary in results["variants"].items():
        assert set(summary["services"]) == {s.id for s in scenario.services}, variant_id
        figures = _figures(summary)
        assert figures, variant_id
        for fig in figures:
            assert math.isfinite(fig["mean"]), (variant_id, fig)
            assert all(math.isfinite(x) for x in fig["ci95"]), (variant_id, fig)
        assert summary["cost"]["total"]["mean"] > 0
    assert set(results["comparisons"]) == {
        v.id for v in scenario.effective_variants if v.id != "baseline"
    }
