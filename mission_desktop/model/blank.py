"""A blank scenario: the smallest useful one (one service, one cohort), a start for New."""

from __future__ import annotations

from mission_desktop.model.io import scenario_from_dict
from mission_desktop.model.scenario import Scenario


def blank_scenario(name: str = "Untitled scenario") -> Scenario:
    """The smallest useful scenario: one service, one cohort; a start for New."""
    return scenario_from_dict(
        {
            "format": "mission-desktop/scenario",
            "version": 2,
            "name": name,
            "time_unit": "day",
            "run": {"horizon": 365, "warm_up": 30, "replications": 5, "seed": 1},
            "services": [
                {
                    "id": "service",
                    "name": "New service",
                    "capacity": 2,
                    "service_time": {"dist": "exponential", "mean": 1},
                }
            ],
            "cohorts": [
                {"id": "people", "name": "People", "arrivals": {"rate": 1.5}, "entry": "service"}
            ],
        }
    )
