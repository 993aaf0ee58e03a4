"""Shared test set-up. GUI tests run offscreen: no display is needed anywhere."""

from __future__ import annotations

import copy
import os
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: A small but complete scenario using every part of the format (SCENARIO_FORMAT.md).
EXAMPLE_SCENARIO: dict[str, Any] = {
    "format": "mission-desktop/scenario",
    "version": 1,
    "name": "Hospital discharge and social care — Café Zoë",
    "description": "Free text, *markdown* allowed.",
    "time_unit": "day",
    "run": {"horizon": 365, "warm_up": 30, "replications": 10, "seed": 12345},
    "services": [
        {
            "id": "gp",
            "name": "GP practices",
            "department": "Health",
            "capacity": 12,
            "service_time": {"dist": "exponential", "mean": 0.05},
            "patience": {"dist": "gamma", "mean": 3, "sd": 1.5},
            "routes": [{"to": "hospital", "p": 0.1}],
        },
        {
            "id": "hospital",
            "name": "Acute hospital beds",
            "department": "Health",
            "capacity": 40,
            "capacity_schedule": {"period": 7, "steps": [[0, 40], [5, 30]]},
            "service_time": {"dist": "lognormal", "mean": 6, "sd": 4},
            "cost": {"per_server_per_time": 450, "per_case": 0},
            "target": {"wait": 2, "within": 0.95},
            "routes": [{"to": "social_care", "p": 0.3}, {"to": "housing", "p": 0.05}],
        },
        {
            "id": "social_care",
            "name": "Adult social care",
            "department": "Local authority",
            "capacity": 25,
            "service_time": {"dist": "triangular", "low": 5, "mode": 14, "high": 60},
            "queue_limit": 30,
            "discipline": "priority",
        },
        {
            "id": "housing",
            "name": "Housing options",
            "capacity": 4,
            "service_time": {"dist": "empirical", "values": [1, 2, 2.5, 7]},
            "patience": {"dist": "uniform", "low": 10, "high": 30},
            "abandon_to": "gp",
        },
        {
            "id": "online",
            "name": "Online self-help",
            "capacity": None,
            "service_time": {"dist": "fixed", "value": 0},
        },
    ],
    "cohorts": [
        {
            "id": "older_frail",
            "name": "Older people with frailty",
            "priority": 1,
            "arrivals": {
                "rate": 12.5,
                "profile": {"period": 7, "multipliers": [1.2, 1, 1, 1, 1, 0.6, 0.5]},
            },
            "entry": [{"to": "gp", "p": 0.8}, {"to": "hospital", "p": 0.2}],
            "routes": {"hospital": [{"to": "social_care", "p": 0.5}]},
        },
        {"id": "adults", "name": "Working-age adults", "arrivals": {"rate": 3}, "entry": "gp"},
    ],
    "policies": [
        {
            "id": "discharge_to_assess",
            "name": "Discharge to assess",
            "start": 90,
            "cost": {"one_off": 250000, "per_time": 1200},
            "changes": [
                {"lever": "capacity", "service": "social_care", "add": 20},
                {"lever": "service_time", "service": "hospital", "multiply": 0.85},
                {"lever": "arrival_rate", "cohort": "older_frail", "multiply": 0.9},
                {"lever": "route", "service": "hospital", "to": "social_care", "p": 0.4},
                {"lever": "patience", "service": "gp", "multiply": 1.5},
                {"lever": "queue_limit", "service": "social_care", "set": 50},
            ],
        },
        {
            "id": "more_gps",
            "name": "More GP appointments",
            "changes": [{"lever": "capacity", "service": "gp", "multiply": 1.25}],
        },
    ],
    "variants": [
        {"id": "baseline", "name": "Today", "policies": []},
        {"id": "d2a", "name": "Discharge to assess", "policies": ["discharge_to_assess"]},
        {"id": "both", "name": "Both", "policies": ["discharge_to_assess", "more_gps"]},
    ],
    "ui": {"layout": {"gp": [0, 0], "hospital": [200, 0]}},
}


def example_scenario() -> dict[str, Any]:
    """A fresh, private copy of :data:`EXAMPLE_SCENARIO` (tests may change it freely)."""
    return copy.deepcopy(EXAMPLE_SCENARIO)


@pytest.fixture
def scenario_doc() -> dict[str, Any]:
    """A valid scenario document (a private copy) to break in one place per test."""
    return example_scenario()


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request):
    """GUI tests run as the app does: Python's cyclic collector only on the GUI thread (see
    mission_desktop.gui.shared.collector), so a worker thread of one test never destroys a
    Qt object left by another. Other tests keep automatic collection."""
    if not {"qapp", "qtbot"} & set(request.fixturenames):
        yield
        return
    import gc

    from mission_desktop.gui.shared.collector import install

    collector = install(request.getfixturevalue("qapp"))
    gc.disable()
    yield
    collector.check()
    gc.enable()
