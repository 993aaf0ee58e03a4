"""Round trip: simulate a known scenario with a visit log, fit the log, and the fitted
scenario's rates, route shares and service-time means lie within their sampling error of
the truth; its calibration passes.

Tolerances are z-intervals of each estimate's standard error, with z set by Bonferroni so
that the chance of any one false alarm over all the checks of this file is at most 0.1%
(the seed is fixed, so a run is reproducible; the tolerance says how far a correct fit may
stray by chance)."""

from __future__ import annotations

import math

import pytest
from builders import build
from logs import simulated_log
from scipy import stats

from mission_desktop.data import fit_log, render_fit
from mission_desktop.data.calibrate import calibrate, render_calibration
from mission_desktop.data.durations import fit_service_times

CHECKS = 20  # the estimates compared with the truth below
Z = float(stats.norm.ppf(1 - 0.001 / (2 * CHECKS)))
HORIZON = 728.0
PROFILE = [1.3, 1.2, 1.1, 1.0, 1.0, 0.7, 0.7]

TRUTH_SERVICES = [
    {
        "id": "triage",
        "name": "Triage",
        "capacity": 3,
        "service_time": {"dist": "lognormal", "mean": 0.5, "sd": 0.4},
        "patience": {"dist": "exponential", "mean": 2},
        "routes": [{"to": "clinic", "p": 0.6}, {"to": "triage", "p": 0.1}],
    },
    {
        "id": "clinic",
        "name": "Clinic",
        "capacity": 5,
        "service_time": {"dist": "gamma", "mean": 1.2, "sd": 0.6},
        "routes": [{"to": "followup", "p": 0.3}],
    },
    {
        "id": "followup",
        "name": "Follow-up",
        "capacity": 2,
        "service_time": {"dist": "exponential", "mean": 0.8},
    },
]
TRUTH_COHORTS = [
    {
        "id": "adults",
        "name": "Adults",
        "arrivals": {"rate": 3, "profile": {"period": 7, "multipliers": PROFILE}},
        "entry": [{"to": "triage", "p": 0.8}, {"to": "clinic", "p": 0.2}],
    },
    {"id": "children", "name": "Children", "arrivals": {"rate": 1}, "entry": "triage"},
]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roundtrip")
    truth = build(TRUTH_SERVICES, TRUTH_COHORTS, horizon=HORIZON, seed=2024)
    log = simulated_log(truth, folder / "visits.csv")
    result = fit_log(log, time_unit="day")
    yield truth, result
    result.log.close()


def test_arrival_rates_lie_within_their_sampling_error(fitted) -> None:
    truth, result = fitted
    by_id = {cid: arr for cid, _, arr, _ in result.cohorts}
    for cohort in TRUTH_COHORTS:
        arr = by_id[cohort["id"]]
        true_rate = cohort["arrivals"]["rate"]
        se = math.sqrt(true_rate / result.log.length)  # Poisson count over the log
        assert abs(arr.mean_rate - true_rate) <= Z * se, cohort["id"]
        assert arr.growth is None, "no growth in the truth, none found"
    adults = result.scenario.cohort("adults").arrivals
    assert adults.profile is not None and len(adults.profile.multipliers) == 7
    assert result.scenario.cohort("children").arrivals.profile is None, "flat stays flat"
    # fitted phases count from the end of the log: day 0 of the fit is day HORIZON % 7
    shift = int(HORIZON) % 7
    for i, m in enumerate(adults.profile.multipliers):
        true_m = PROFILE[(i + shift) % 7]
        n_slice = 3 * true_m * HORIZON / 7
        assert abs(m - true_m) <= Z * true_m / math.sqrt(n_slice) + 0.05, i


def test_entry_and_route_shares_lie_within_their_sampling_error(fitted) -> None:
    _, result = fitted
    fits = {f.id: f for f in result.services}
    adults = dict(next(entry for cid, _, _, entry in result.cohorts if cid == "adults"))
    n = sum(adults.values())
    assert abs(adults["triage"] / n - 0.8) <= Z * math.sqrt(0.8 * 0.2 / n)
    for service in TRUTH_SERVICES:
        f = fits[service["id"]]
        got = dict(f.routes)
        for route in service.get("routes", []):
            p, share = route["p"], got.get(route["to"], 0) / f.completed
            assert abs(share - p) <= Z * math.sqrt(p * (1 - p) / f.completed), (f.id, route)
        if not service.get("routes"):
            assert got == {}
    assert any(r.to == "triage" for r in result.scenario.service("triage").routes), "the loop"


def test_service_time_means_lie_within_their_sampling_error(fitted) -> None:
    _, result = fitted
    fits = {f.id: f for f in result.services}
    expected = {"triage": "lognormal", "clinic": "gamma", "followup": "exponential"}
    for service in TRUTH_SERVICES:
        st = service["service_time"]
        sd = st.get("sd", st["mean"])
        fit = fits[service["id"]].service_time
        assert abs(fit.chosen.dist["mean"] - st["mean"]) <= Z * sd / math.sqrt(fit.n), service["id"]
        assert fit.chosen.family == expected[service["id"]]
        assert fits[service["id"]].capacity == service["capacity"], "the peak in service"


def test_patience_is_fitted_with_censoring(fitted) -> None:
    _, result = fitted
    triage = next(f for f in result.services if f.id == "triage")
    expo = next(c for c in triage.patience.candidates if c.family == "exponential")
    gave_up = triage.counts["abandoned"]
    # exponential MLE with censoring: its standard error is mean / √(abandonments)
    assert abs(expo.dist["mean"] - 2) <= Z * 2 / math.sqrt(gave_up)
    assert triage.patience.censored > gave_up
    assert all(f.patience is None for f in result.services if f.id != "triage")


def test_initial_and_observed_come_from_the_end_of_the_log(fitted) -> None:
    _, result = fitted
    for service in result.scenario.services:
        counts = next(f for f in result.services if f.id == service.id).counts
        waiting = sum(i.waiting for i in service.initial)
        serving = sum(i.in_service for i in service.initial)
        assert (waiting, serving) == (counts.get("waiting", 0), counts.get("serving", 0))
        assert serving <= service.capacity
        assert service.observed is not None and service.observed.period == (0, 91)


def test_the_fitted_scenario_calibrates(fitted, capsys) -> None:
    _, result = fitted
    comparison = calibrate(result.scenario, workers=1)
    print(render_fit(result))
    print(render_calibration(comparison))
    assert comparison["inside"] + comparison["outside"] == 15
    assert comparison["matches"], comparison["summary"]
    text = render_calibration(comparison)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert all(len(line) <= 100 for line in render_fit(result).splitlines())


def test_a_wrong_model_fails_calibration(fitted) -> None:
    _, result = fitted
    from mission_desktop.model import scenario_from_dict, scenario_to_dict

    doc = scenario_to_dict(result.scenario)
    doc["services"][1]["service_time"] = {"dist": "exponential", "mean": 0.6}  # half the truth
    comparison = calibrate(scenario_from_dict(doc), workers=1)
    assert not comparison["matches"]
    assert "Clinic" in comparison["summary"] or "clinic" in comparison["summary"]


def test_service_times_too_different_from_any_shape_are_empirical() -> None:
    import numpy as np

    rng = np.random.default_rng(5)
    bimodal = np.concatenate([rng.normal(1, 0.05, 3000), rng.normal(5, 0.1, 3000)])
    fit = fit_service_times(bimodal)
    assert fit.chosen.family == "empirical"
    assert "resampled" in fit.explanation
