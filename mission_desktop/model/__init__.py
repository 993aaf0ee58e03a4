"""The scenario: typed, immutable, validated; file format, versions, migrations; policies."""

from .canonical import dumps_scenario, scenario_to_dict
from .checks import check_scenario
from .cohorts import Cohort
from .errors import Problem, ScenarioError, format_path
from .io import load_scenario, loads_scenario, save_scenario, scenario_from_dict
from .jsonread import parse_json
from .levers import Policy, Variant
from .policies import Phase, ServiceParams, variant_timeline
from .scenario import FORMAT, VERSION, RunSettings, Scenario
from .services import Service

__all__ = [
    "FORMAT",
    "VERSION",
    "Cohort",
    "Phase",
    "Policy",
    "Problem",
    "RunSettings",
    "Scenario",
    "ScenarioError",
    "Service",
    "ServiceParams",
    "Variant",
    "check_scenario",
    "dumps_scenario",
    "format_path",
    "load_scenario",
    "loads_scenario",
    "parse_json",
    "save_scenario",
    "scenario_from_dict",
    "scenario_to_dict",
    "variant_timeline",
]
