"""Before a run: traffic equations and overload warnings that say when."""

from __future__ import annotations

import pytest

from mission_desktop.model import scenario_from_dict
from mission_desktop.model.policies import variant_timeline
from mission_desktop.sim import overload_warnings, phase_loads


def scenario(extra_policies=()):
    return scenario_from_dict(
        {
            "format": "mission-desktop/scenario",
            "version": 1,
            "name": "Loads",
            "run": {"horizon": 365},
            "services": [
                {
                    "id": "hospital",
                    "name": "Hospital",
                    "capacity": 40,
                    "service_time": {"dist": "exponential", "mean": 6},
                    "routes": [{"to": "care", "p": 0.3}, {"to": "hospital", "p": 0.1}],
                },
                {
                    "id": "care",
                    "name": "Social care",
                    "capacity": 10,
                    "service_time": {"dist": "gamma", "mean": 20, "sd": 10},
                },
            ],
            "cohorts": [
                {
                    "id": "frail",
                    "name": "Frail",
                    "arrivals": {
                        "rate": 5,
                        "profile": {"period": 7, "multipliers": [1.4, 1, 1, 1, 1, 0.8, 0.8]},
                    },
                    "entry": "hospital",
                }
            ],
            "policies": list(extra_policies),
        }
    )


def test_traffic_equations_with_a_loop_and_a_profile():
    s = scenario()
    loads = {x.service_id: x for x in phase_loads(s, variant_timeline(s, "baseline")[0])}
    # hospital: λ = 5 × mean multiplier 1 / (1 − 0.1 re-admission) ; care: 0.3 of that
    lam_h = 5 / 0.9
    assert loads["hospital"].arrival_rate == pytest.approx(lam_h)
    assert loads["hospital"].offered_load == pytest.approx(lam_h * 6)
    assert loads["care"].arrival_rate == pytest.approx(0.3 * lam_h)
    assert loads["care"].offered_load == pytest.approx(0.3 * lam_h * 20)
    assert not loads["hospital"].overloaded  # 33.3 < 40
    assert loads["care"].overloaded  # 33.3 ≥ 10


def test_overload_warning_names_the_service_and_the_period():
    relief = {
        "id": "more_care",
        "name": "More care",
        "start": 100,
        "changes": [{"lever": "capacity", "service": "care", "add": 30}],
    }
    s = scenario([relief])
    (baseline,) = overload_warnings(s, "baseline")
    # names first, ids after: "“Baseline …” (baseline): “Social care” (care) is overloaded"
    assert baseline.startswith("“Baseline (no policies)” (baseline): “Social care” (care) is")
    assert "the whole run" in baseline
    assert "33.3 servers vs capacity 10.0" in baseline
    (relieved,) = overload_warnings(s, "more_care")
    assert "day 0 to 100" in relieved
    assert not any("hospital" in w for w in overload_warnings(s, "baseline"))
