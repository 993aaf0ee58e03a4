"""The executor (issue 8 §1): one interface for every batch of replications; local processes
and a real Dask cluster give bit-identical results; a worker lost mid-run is survived."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mission_desktop.model import load_scenario, scenario_from_dict, scenario_to_dict
from mission_desktop.model.canonical import dumps_scenario
from mission_desktop.sim import LocalExecutor, run_experiment, simulate, with_run_settings
from mission_desktop.sim.executor import run_task
from mission_desktop.sim.overrides import overrides_key, with_overrides

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "hospital_discharge.mission.json"


def small(replications: int = 4, horizon: float = 60.0):
    return with_run_settings(
        load_scenario(EXAMPLE), replications=replications, horizon=horizon, warm_up=10.0
    )


def comparable(results: dict) -> str:
    """Results without what may differ between runs (timing, start time)."""
    out = dict(results)
    out.pop("timing")
    out["provenance"] = {k: v for k, v in out["provenance"].items() if k != "started"}
    return json.dumps(out, sort_keys=True)


def test_local_pool_kept_across_batches_matches_one_worker() -> None:
    sc = small()
    tasks = [(v.id, r) for v in sc.effective_variants[:2] for r in range(3)]
    one = LocalExecutor(1).map(sc, tasks)
    with LocalExecutor(2) as ex:
        first = ex.map(sc, tasks[:3])
        pool = ex._pool
        second = ex.map(sc, tasks[3:])
        assert ex._pool is pool  # the same worker processes served both batches
    assert ex._pool is None
    assert {**first, **second} == one


def test_an_empty_override_changes_nothing() -> None:
    sc = small(1)
    text = dumps_scenario(sc)
    assert run_task(text, "baseline", 0, overrides_key()) == simulate(sc, "baseline", 0)
    key = overrides_key([], policies=[])
    assert run_task(text, "baseline", 0, key) == simulate(sc, "baseline", 0)


def test_an_override_is_a_policy_from_time_zero() -> None:
    sc = small(1)
    change = {"lever": "capacity", "service": "reablement", "add": -10}
    doc = scenario_to_dict(sc)
    doc["policies"] = [*doc.get("policies", []), {"id": "more", "name": "More", "changes": [change]}]
    doc["variants"] = [{"id": "baseline", "name": "B", "policies": ["more"]}]
    by_hand = simulate(scenario_from_dict(doc), "baseline", 0)
    via_override = run_task(dumps_scenario(sc), "baseline", 0, overrides_key([change]))
    assert via_override.services == by_hand.services
    assert via_override.cost == by_hand.cost
    assert via_override.services != simulate(sc, "baseline", 0).services


def test_an_impossible_override_is_refused_with_its_place() -> None:
    from mission_desktop.model import ScenarioError

    sc = small(1)
    with pytest.raises(ScenarioError) as info:
        with_overrides(
            sc, "baseline", overrides_key([{"lever": "capacity", "service": "hospital", "add": -999}])
        )
    assert "capacity would become" in str(info.value)


# --------------------------------------------------------------------------- a real cluster

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from dask_cluster import LocalCluster

    with LocalCluster(workers=2, log_dir=tmp_path_factory.mktemp("dask")) as c:
        yield c


def test_results_on_a_cluster_are_bit_identical_to_local(cluster) -> None:
    from mission_desktop.sim import DaskExecutor

    sc = small(replications=3)
    local = run_experiment(sc, workers=1)
    with DaskExecutor(cluster.address) as ex:
        remote = run_experiment(sc, executor=ex)
    assert comparable(remote) == comparable(local)


def test_a_worker_killed_mid_run_is_survived(cluster) -> None:
    from mission_desktop.sim import DaskExecutor

    sc = small(replications=8, horizon=120.0)
    tasks = [(v.id, r) for v in sc.effective_variants for r in range(8)]
    local = LocalExecutor(1).map(sc, tasks)
    killed = []

    def progress(done: int, total: int) -> None:
        if done >= 1 and not killed:
            cluster.kill_worker(1)
            killed.append(done)

    with DaskExecutor(cluster.address) as ex:
        remote = ex.map(sc, tasks, progress=progress)
    assert killed and killed[0] < len(tasks)
    assert remote == local
    assert list(remote) == tasks
