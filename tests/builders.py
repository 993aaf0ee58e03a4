"""Building small scenarios in tests: one place for the boilerplate of a valid document."""

from __future__ import annotations

from typing import Any

from mission_desktop.model import Scenario, scenario_from_dict


def build(
    services,
    cohorts,
    *,
    horizon: float = 100.0,
    warm_up: float = 0.0,
    seed: int = 11,
    policies=(),
    variants=None,
    name: str = "test",
) -> Scenario:
    """A validated scenario of one replication from service and cohort dicts."""
    doc: dict[str, Any] = {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": name,
        "run": {"horizon": horizon, "warm_up": warm_up, "replications": 1, "seed": seed},
        "services": list(services),
        "cohorts": list(cohorts),
        "policies": list(policies),
    }
    if variants is not None:
        doc["variants"] = variants
    return scenario_from_dict(doc)
