"""Reading scenario files: every kind of bad input gives a ScenarioError naming the place.

Each test breaks a valid document in one way and checks the exact path and the words a
civil servant needs to fix it. The file arrived by email: it must never crash the reader.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from mission_desktop.model import Problem, Scenario, ScenarioError, format_path, jsonread
from mission_desktop.model.canonical import dumps_scenario
from mission_desktop.model.io import load_scenario, loads_scenario, scenario_from_dict

Doc = dict[str, Any]


def problems_of(doc: Any) -> list[Problem]:
    """The problems found in ``doc``; checks on the way that validation never mutates it."""
    before = copy.deepcopy(doc)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(doc)
    assert doc == before, "validation must not change the document it was given"
    assert info.value.problems, "a ScenarioError must hold at least one problem"
    return list(info.value.problems)


def text_problems(data: bytes | str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(data)
    return list(info.value.problems)


def only_problem(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def assert_problem(problems: list[Problem], path: str, *words: str) -> Problem:
    """Exactly one problem, at ``path``, whose message contains every one of ``words``."""
    p = only_problem(problems)
    assert p.path == path, str(p)
    for w in words:
        assert w in p.message, f"{w!r} not in {p.message!r}"
    return p


def test_the_example_is_valid(scenario_doc: Doc) -> None:
    scenario = scenario_from_dict(scenario_doc)
    assert [s.id for s in scenario.services] == [
        "gp",
        "hospital",
        "social_care",
        "housing",
        "online",
    ]
    assert scenario.services[4].capacity is None


# --------------------------------------------------------------------------- the raw file


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonread, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.mission.json"
    big.write_text(json.dumps({"padding": "x" * 2000}))
    with pytest.raises(ScenarioError) as info:
        load_scenario(big)
    p = only_problem(list(info.value.problems))
    assert p.path == "(file)"
    assert "the limit is 1000 bytes" in p.message and "KB" in p.message
    assert info.value.source == str(big)
    # the same limit holds for bytes and text given directly
    assert "the limit is" in only_problem(text_problems(b" " * 1001)).message
    assert "the limit is" in only_problem(text_problems(" " * 1001)).message


def test_file_not_utf8() -> None:
    p = only_problem(text_problems(b'{\n"name": "Caf\xe9"}'))
    assert p.path == "(file)"
    assert "UTF-8" in p.message and "line 2" in p.message


def test_utf8_byte_order_mark_is_accepted(scenario_doc: Doc) -> None:
    data = b"\xef\xbb\xbf" + json.dumps(scenario_doc).encode("utf-8")
    assert loads_scenario(data).name == scenario_doc["name"]


def test_not_json_gives_line_and_column() -> None:
    p = only_problem(
        text_problems('{\n  "format": "mission-desktop/scenario",\n  "version": 1,,\n}')
    )
    assert p.path == "line 3, column 16"
    assert p.message.startswith("not valid JSON")


def test_empty_file() -> None:
    p = only_problem(text_problems(b""))
    assert p.path == "line 1, column 1"
    assert "not valid JSON" in p.message


def line_column(text: str, pos: int) -> str:
    """The place of ``text[pos]`` as the reader reports it (like Python's JSON errors)."""
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    return f"line {line}, column {column}"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(scenario_doc: Doc, constant: str) -> None:
    text = json.dumps(scenario_doc).replace('"mean": 6', f'"mean": {constant}')
    assert constant in text
    p = only_problem(text_problems(text))
    where = line_column(text, text.index(f'"mean": {constant}') + len('"mean": '))
    assert where.startswith("line 1, column ")
    first = next(i for i, s in enumerate(scenario_doc["services"]) if '"mean": 6' in json.dumps(s))
    # the field it is in, named, and its line and column
    assert p.path == f"services[{first}].service_time.mean"
    assert p.subject == scenario_doc["services"][first]["name"]
    assert f"({where})" in p.message
    assert constant in p.message and "finite number" in p.message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_give_their_line_and_column(scenario_doc: Doc, constant: str) -> None:
    # the same words inside text (and an escaped quote before them) are not the number
    scenario_doc["description"] = 'a "quoted\\" NaN, -Infinity and Infinity'
    scenario_doc["services"][2]["service_time"]["high"] = "@@"
    text = json.dumps(scenario_doc, indent=2).replace('"@@"', constant)
    p = only_problem(text_problems(text))
    line = next(
        i for i, ln in enumerate(text.splitlines(), 1) if ln.endswith(f'"high": {constant}')
    )
    column = text.splitlines()[line - 1].index(constant) + 1
    assert p.path == "services[2].service_time.high"
    assert p.message == (
        f"{constant} is not a number JSON allows (line {line}, column {column}); "
        "write a finite number"
    )
    assert str(p).startswith(f"services[2] “{scenario_doc['services'][2]['name']}”: ")


def test_absurd_nesting_is_refused_without_recursion_error() -> None:
    text = "[" * 10_000 + "]" * 10_000
    p = only_problem(text_problems(text))
    assert p.path == "(file)"
    assert "nested more than" in p.message
    # brackets inside strings do not count
    doc = {"format": "x", "s": "[" * 10_000}
    assert only_problem(text_problems(json.dumps(doc))).path == "format"


def test_absurd_nesting_of_objects() -> None:
    text = '{"a":' * 5000 + "1" + "}" * 5000
    assert "nested" in only_problem(text_problems(text)).message


def test_duplicate_keys_are_refused(scenario_doc: Doc) -> None:
    text = json.dumps(scenario_doc).replace('"name": "GP practices"', '"name": "A", "name": "B"')
    p = only_problem(text_problems(text))
    assert p.path == "services[0]"
    where = line_column(text, text.index('"name": "B"'))
    assert f"({where})" in p.message
    assert "'name' appears twice" in p.message


def test_duplicate_keys_give_the_line_and_column_of_the_second(scenario_doc: Doc) -> None:
    # the key also appears as text, and in other objects, before the repeated one
    scenario_doc["services"][1]["department"] = 'the "capacity": 3 of { an object'
    scenario_doc["services"][1]["x_note"] = "@@"
    text = json.dumps(scenario_doc, indent=2).replace('"@@"', '{"a": 1, "b": 2}')
    text = text.replace('"capacity": 40,', '"capacity": 40,\n      "x_": [{}], "capacity": 41,')
    p = only_problem(text_problems(text))
    lines = text.splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if '"capacity": 41' in ln)
    column = lines[line - 1].index('"capacity": 41') + 1
    assert p.path == "services[1]"
    assert p.message == (
        f"the key 'capacity' appears twice in one object (line {line}, column {column}); keep one"
    )


def test_duplicate_keys_written_differently_are_found(scenario_doc: Doc) -> None:
    text = json.dumps(scenario_doc).replace('"seed": 12345', '"seed": 1, "s\\u0065ed": 2')
    p = only_problem(text_problems(text))
    assert p.path == "run"
    where = line_column(text, text.index('"s\\u0065ed"'))
    assert f"({where})" in p.message
    assert "'seed' appears twice" in p.message


def test_a_number_too_long_to_read(scenario_doc: Doc) -> None:
    text = json.dumps(scenario_doc, indent=2).replace('"seed": 12345', '"seed": ' + "9" * 5000)
    p = only_problem(text_problems(text))
    lines = text.splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if '"seed"' in ln)
    assert p.path == f"line {line}, column {lines[line - 1].index('9') + 1}"
    assert "5000 digits" in p.message
    assert "sys." not in p.message and "set_int_max_str_digits" not in p.message


def test_not_an_object() -> None:
    p = only_problem(text_problems("[1, 2]"))
    assert p.path == "(file)" and "JSON object" in p.message


# --------------------------------------------------------------------------- format and version


def test_wrong_format(scenario_doc: Doc) -> None:
    scenario_doc["format"] = "something-else"
    assert_problem(problems_of(scenario_doc), "format", '"mission-desktop/scenario"', "not a")


def test_missing_format(scenario_doc: Doc) -> None:
    del scenario_doc["format"]
    assert_problem(problems_of(scenario_doc), "format", "required")


def test_results_file_given_as_scenario() -> None:
    results = {
        "format": "mission-desktop/results",
        "version": 1,
        "scenario": "Hospital",
        "variants": {},
    }
    assert_problem(problems_of(results), "format", "results file", "scenario")


def test_version_newer_than_this_build(scenario_doc: Doc) -> None:
    scenario_doc["version"] = 99
    p = assert_problem(problems_of(scenario_doc), "version", "newer Mission Desktop", "99")
    assert "Update Mission Desktop" in p.message


@pytest.mark.parametrize(
    ("version", "words"),
    [
        (0, ("0 is not a file format version", "versions 1 to 2")),
        (-3, ("-3 is not",)),
        ("1", ("whole number", '"1"')),
        (1.5, ("whole number", "1.5")),
        (True, ("whole number", "true")),
        (None, ("whole number", "null")),
    ],
)
def test_version_not_a_known_version(scenario_doc: Doc, version: Any, words: tuple[str]) -> None:
    scenario_doc["version"] = version
    assert_problem(problems_of(scenario_doc), "version", *words)


def test_version_missing(scenario_doc: Doc) -> None:
    del scenario_doc["version"]
    assert_problem(problems_of(scenario_doc), "version", "required")


# --------------------------------------------------------------------------- unknown fields


UNKNOWN_FIELD_CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("top level", lambda d: d.__setitem__("nmae", "x"), "nmae", "format, version, name"),
    ("run", lambda d: d["run"].__setitem__("horizn", 1), "run.horizn", "horizon, warm_up"),
    (
        "service",
        lambda d: d["services"][1].__setitem__("capcity", 3),
        "services[1].capcity",
        "capacity",
    ),
    (
        "distribution",
        lambda d: d["services"][1]["service_time"].__setitem__("stdev", 3),
        "services[1].service_time.stdev",
        "dist, mean, sd",
    ),
    (
        "patience distribution",
        lambda d: d["services"][3]["patience"].__setitem__("mode", 3),
        "services[3].patience.mode",
        "dist, low, high",
    ),
    (
        "route",
        lambda d: d["services"][1]["routes"][0].__setitem__("prob", 0.3),
        "services[1].routes[0].prob",
        "to, p",
    ),
    (
        "schedule",
        lambda d: d["services"][1]["capacity_schedule"].__setitem__("repeat", True),
        "services[1].capacity_schedule.repeat",
        "period, steps",
    ),
    (
        "cohort arrivals",
        lambda d: d["cohorts"][0]["arrivals"].__setitem__("mean", 3),
        "cohorts[0].arrivals.mean",
        "rate, profile",
    ),
    (
        "change",
        lambda d: d["policies"][0]["changes"][1].__setitem__("by", 3),
        "policies[0].changes[1].by",
        "multiply, lever, service",
    ),
    (
        "capacity change",
        lambda d: d["policies"][0]["changes"][0].__setitem__("servise", "gp"),
        "policies[0].changes[0].servise",
        "set, add, multiply, lever, service",
    ),
    (
        "variant",
        lambda d: d["variants"][1].__setitem__("policy", []),
        "variants[1].policy",
        "id, name, policies",
    ),
]


@pytest.mark.parametrize(
    ("where", "mutate", "path", "allowed"),
    UNKNOWN_FIELD_CASES,
    ids=[c[0] for c in UNKNOWN_FIELD_CASES],
)
def test_unknown_field_is_an_error(
    scenario_doc: Doc, where: str, mutate: Callable[[Doc], None], path: str, allowed: str
) -> None:
    mutate(scenario_doc)
    p = assert_problem(problems_of(scenario_doc), path, "unknown field", allowed)
    assert "x_" in p.message  # tells where the user's own data may go


def test_unknown_field_does_not_hide_other_problems_in_the_same_object(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["colour"] = "red"
    scenario_doc["services"][0]["capacity"] = 0
    scenario_doc["services"][0]["service_time"]["sdev"] = 1  # one level further down
    problems = problems_of(scenario_doc)
    assert {p.path for p in problems} == {
        "services[0].colour",
        "services[0].capacity",
        "services[0].service_time.sdev",
    }


def test_unknown_field_and_a_cross_field_problem_are_reported_together(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["colour"] = "red"
    scenario_doc["services"][1]["routes"][0]["to"] = "nowhere"
    problems = problems_of(scenario_doc)
    assert {p.path for p in problems} == {"services[0].colour", "services[1].routes[0].to"}


def test_x_fields_and_ui_are_accepted_and_preserved(scenario_doc: Doc) -> None:
    scenario_doc["x_owner"] = {"team": "Analysis", "tags": ["a", 1]}
    scenario_doc["services"][0]["x_note"] = "checked with the practice manager"
    scenario_doc["services"][1]["service_time"]["x_source"] = "SUS 2024"
    scenario_doc["policies"][0]["changes"][0]["x_why"] = "winter plan"
    scenario_doc["ui"] = {"layout": {"gp": [1, 2]}, "anything": {"goes": [None, True]}}
    scenario = scenario_from_dict(scenario_doc)
    written = json.loads(dumps_scenario(scenario))
    assert written["x_owner"] == scenario_doc["x_owner"]
    assert written["services"][0]["x_note"] == "checked with the practice manager"
    assert written["services"][1]["service_time"]["x_source"] == "SUS 2024"
    assert written["policies"][0]["changes"][0]["x_why"] == "winter plan"
    assert written["ui"] == scenario_doc["ui"]


# --------------------------------------------------------------------------- schema violations


def test_missing_required_field(scenario_doc: Doc) -> None:
    del scenario_doc["services"][2]["service_time"]
    assert_problem(problems_of(scenario_doc), "services[2].service_time", "is required")


def test_missing_required_top_level(scenario_doc: Doc) -> None:
    del scenario_doc["name"]
    del scenario_doc["cohorts"]
    problems = problems_of(scenario_doc)
    assert sorted(str(p) for p in problems) == ["cohorts: is required", "name: is required"]


def test_missing_distribution_kind(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["service_time"] = {"mean": 1}
    assert_problem(
        problems_of(scenario_doc), "services[0].service_time.dist", "is required", "'lognormal'"
    )


def test_unknown_distribution_kind(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["service_time"] = {"dist": "weibull", "mean": 1}
    assert_problem(
        problems_of(scenario_doc), "services[0].service_time.dist", "'weibull'", "'gamma'"
    )


def test_unknown_lever(scenario_doc: Doc) -> None:
    scenario_doc["policies"][1]["changes"][0]["lever"] = "staff"
    assert_problem(
        problems_of(scenario_doc), "policies[1].changes[0].lever", "'staff'", "'capacity'"
    )


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (
            lambda d: d["services"][0].__setitem__("capacity", "ten"),
            "services[0].capacity",
            ("whole number",),
        ),
        (
            lambda d: d["services"][0].__setitem__("capacity", 2.5),
            "services[0].capacity",
            ("whole number",),
        ),
        (lambda d: d["services"][0].__setitem__("name", 7), "services[0].name", ("text",)),
        (lambda d: d["run"].__setitem__("horizon", "a year"), "run.horizon", ("number",)),
        (lambda d: d.__setitem__("run", 365), "run", ("object",)),
        (lambda d: d.__setitem__("services", {"gp": {}}), "services", ("list",)),
        (
            lambda d: d["services"][0].__setitem__("service_time", 3),
            "services[0].service_time",
            ("object",),
        ),
        (
            lambda d: d["cohorts"][1].__setitem__("entry", 5),
            "cohorts[1].entry",
            ("service id", "list"),
        ),
        (
            lambda d: d["cohorts"][0].__setitem__("priority", "high"),
            "cohorts[0].priority",
            ("whole number",),
        ),
        (lambda d: d.__setitem__("time_unit", "year"), "time_unit", ("'minute'", "'week'")),
        (
            lambda d: d["services"][2].__setitem__("discipline", "lifo"),
            "services[2].discipline",
            ("'fifo'",),
        ),
        (lambda d: d.__setitem__("ui", []), "ui", ("object",)),
        (
            lambda d: d["services"][1]["capacity_schedule"].__setitem__("steps", [[0, 2.5]]),
            "services[1].capacity_schedule.steps[0][1]",
            ("whole number",),
        ),
    ],
)
def test_wrong_type(
    scenario_doc: Doc, mutate: Callable[[Doc], None], path: str, words: tuple[str]
) -> None:
    mutate(scenario_doc)
    assert_problem(problems_of(scenario_doc), path, *words)


@pytest.mark.parametrize("bad_id", ["GP", "1gp", "gp-practice", "", "a" * 41, "gp "])
def test_id_pattern(scenario_doc: Doc, bad_id: str) -> None:
    scenario_doc["services"][4]["id"] = bad_id
    assert_problem(
        problems_of(scenario_doc), "services[4].id", "must be an id", "lower-case letter"
    )


def test_id_pattern_in_entry_names_the_id_not_the_list(scenario_doc: Doc) -> None:
    scenario_doc["cohorts"][1]["entry"] = "GP"
    p = assert_problem(problems_of(scenario_doc), "cohorts[1].entry", "must be an id")
    assert "list" not in p.message


def test_id_pattern_as_a_mapping_key(scenario_doc: Doc) -> None:
    scenario_doc["cohorts"][0]["routes"] = {"Hospital": []}
    assert_problem(problems_of(scenario_doc), "cohorts[0].routes.Hospital", "must be an id")


def test_capacity_zero_reads_as_a_whole_number_rule(scenario_doc: Doc) -> None:
    scenario_doc["services"][3]["capacity"] = 0
    p = assert_problem(problems_of(scenario_doc), "services[3].capacity", "whole number", "≥ 1")
    assert p.message == "must be a whole number ≥ 1"


def test_float_bounds_print_like_a_person_writes_them(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["service_time"]["mean"] = 0
    p = assert_problem(problems_of(scenario_doc), "services[0].service_time.mean", "> 0")
    assert p.message == "must be > 0"
    assert "0.0" not in p.message


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probability_out_of_range(scenario_doc: Doc, p: float) -> None:
    scenario_doc["services"][0]["routes"][0]["p"] = p
    assert_problem(
        problems_of(scenario_doc), "services[0].routes[0].p", "probability", "between 0 and 1"
    )


def test_target_share_out_of_range(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["target"]["within"] = 0
    assert_problem(problems_of(scenario_doc), "services[1].target.within", "> 0")


def test_negative_duration_parameter(scenario_doc: Doc) -> None:
    scenario_doc["services"][3]["service_time"]["values"] = [1, -2]
    assert_problem(problems_of(scenario_doc), "services[3].service_time.values[1]", "≥ 0")


def test_distribution_parameters_out_of_order(scenario_doc: Doc) -> None:
    scenario_doc["services"][2]["service_time"]["mode"] = 99
    assert_problem(problems_of(scenario_doc), "services[2].service_time", "low ≤ mode ≤ high")


def test_empty_list_of_services(scenario_doc: Doc) -> None:
    scenario_doc["services"] = []
    assert_problem(problems_of(scenario_doc), "services", "at least 1 item")


def test_entry_probabilities_must_sum_to_one(scenario_doc: Doc) -> None:
    scenario_doc["cohorts"][0]["entry"][0]["p"] = 0.5
    assert_problem(problems_of(scenario_doc), "cohorts[0].entry", "sum to exactly 1", "0.7")


def test_routes_sum_over_one(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["routes"][0]["p"] = 0.99
    assert_problem(problems_of(scenario_doc), "services[1].routes", "sum to 1.04", "at most 1")


def test_cohort_route_override_sum_over_one(scenario_doc: Doc) -> None:
    scenario_doc["cohorts"][0]["routes"]["hospital"].append({"to": "housing", "p": 0.6})
    assert_problem(problems_of(scenario_doc), "cohorts[0].routes.hospital", "at most 1")


def test_unknown_route_target(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["routes"][1]["to"] = "housnig"
    assert_problem(problems_of(scenario_doc), "services[1].routes[1].to", "no service", "'housnig'")


def test_unknown_entry_service(scenario_doc: Doc) -> None:
    scenario_doc["cohorts"][1]["entry"] = "pharmacy"
    assert_problem(problems_of(scenario_doc), "cohorts[1].entry", "no service", "'pharmacy'")


def test_abandon_to_unknown(scenario_doc: Doc) -> None:
    scenario_doc["services"][3]["abandon_to"] = "a_and_e"
    assert_problem(problems_of(scenario_doc), "services[3].abandon_to", "no service", "'a_and_e'")


def test_abandon_to_without_patience(scenario_doc: Doc) -> None:
    del scenario_doc["services"][3]["patience"]
    assert_problem(problems_of(scenario_doc), "services[3].abandon_to", "without patience")


def test_duplicate_ids(scenario_doc: Doc) -> None:
    scenario_doc["services"][4]["id"] = "gp"
    assert_problem(problems_of(scenario_doc), "services[4].id", "'gp'", "services[0]", "unique")


@pytest.mark.parametrize("warm_up", [365, 400])
def test_horizon_not_after_warm_up(scenario_doc: Doc, warm_up: int) -> None:
    scenario_doc["run"]["warm_up"] = warm_up
    assert_problem(problems_of(scenario_doc), "run", "horizon (365)", f"warm_up ({warm_up})")


def test_replications_zero(scenario_doc: Doc) -> None:
    scenario_doc["run"]["replications"] = 0
    assert_problem(problems_of(scenario_doc), "run.replications", "whole number ≥ 1")


def test_policy_target_service_missing(scenario_doc: Doc) -> None:
    scenario_doc["policies"][0]["changes"][1]["service"] = "hospitals"
    assert_problem(
        problems_of(scenario_doc), "policies[0].changes[1].service", "no service", "'hospitals'"
    )


def test_policy_target_cohort_missing(scenario_doc: Doc) -> None:
    scenario_doc["policies"][0]["changes"][2]["cohort"] = "frail"
    assert_problem(
        problems_of(scenario_doc), "policies[0].changes[2].cohort", "no cohort", "'frail'"
    )


def test_change_with_two_operations(scenario_doc: Doc) -> None:
    scenario_doc["policies"][1]["changes"][0]["add"] = 2
    assert_problem(
        problems_of(scenario_doc), "policies[1].changes[0]", "exactly one of set, add, multiply"
    )


def test_variant_naming_a_missing_policy(scenario_doc: Doc) -> None:
    scenario_doc["variants"][2]["policies"][1] = "more_gp"
    assert_problem(problems_of(scenario_doc), "variants[2].policies[1]", "no policy", "'more_gp'")


def test_variants_without_baseline(scenario_doc: Doc) -> None:
    scenario_doc["variants"][0]["id"] = "today"
    assert_problem(problems_of(scenario_doc), "variants", "'baseline'")


def test_capacity_change_below_one(scenario_doc: Doc) -> None:
    scenario_doc["policies"][0]["changes"][0] = {
        "lever": "capacity",
        "service": "social_care",
        "add": -30,
    }
    assert_problem(problems_of(scenario_doc), "policies[0].changes[0]", "-5", "whole number ≥ 1")


def test_route_change_pushing_sum_over_one(scenario_doc: Doc) -> None:
    scenario_doc["policies"][0]["changes"][3]["p"] = 0.99
    assert_problem(
        problems_of(scenario_doc), "policies[0].changes[3]", "'hospital'", "1.04", "at most 1"
    )


def test_patience_lever_on_a_service_without_patience(scenario_doc: Doc) -> None:
    scenario_doc["policies"][0]["changes"][4]["service"] = "hospital"
    assert_problem(problems_of(scenario_doc), "policies[0].changes[4]", "'hospital'", "no patience")


# --------------------------------------------------------------------------- all at once


def test_all_problems_of_a_file_are_reported_at_once(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["capacity"] = 0
    scenario_doc["cohorts"][1]["arrivals"]["rate"] = -1
    scenario_doc["policies"][1]["changes"][0]["lever"] = "staff"
    problems = problems_of(scenario_doc)
    assert [p.path for p in problems] == [
        "services[0].capacity",
        "cohorts[1].arrivals.rate",
        "policies[1].changes[0].lever",
    ]
    error = ScenarioError(problems, "demo.mission.json")
    assert str(error).startswith("demo.mission.json: 3 problems found:")


def test_all_cross_field_problems_are_reported_at_once(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["routes"][0]["to"] = "nowhere"
    scenario_doc["cohorts"][1]["entry"] = "nowhere"
    scenario_doc["variants"][1]["policies"] = ["nothing"]
    assert len(problems_of(scenario_doc)) == 3


def test_cross_field_problems_are_reported_with_structural_ones(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["capacity"] = 0
    scenario_doc["services"][1]["routes"][0]["to"] = "nowhere"
    scenario_doc["policies"][0]["changes"][1]["service"] = "ghost"
    scenario_doc["variants"][2]["policies"][1] = "missing_policy"
    assert [str(p) for p in problems_of(scenario_doc)] == [
        "services[0] “GP practices”: capacity must be a whole number ≥ 1",
        "services[1] “Acute hospital beds”: routes[0].to: no service has id 'nowhere'",
        "policies[0] “Discharge to assess”: changes[1].service: no service has id 'ghost'",
        "variants[2] “Both”: policies[1]: no policy has id 'missing_policy'",
    ]


def _set(*path_and_value: Any) -> Callable[[Doc], None]:
    *path, value = path_and_value

    def mutate(doc: Doc) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


#: (mutation, path, words): each cross-field rule, still applied when the file also has a
#: structural error elsewhere
CROSS_FIELD_CASES: list[tuple[Callable[[Doc], None], str, tuple[str, ...]]] = [
    (_set("services", 1, "routes", 1, "to", "nowhere"), "services[1].routes[1].to", ("'nowhere'",)),
    (_set("services", 1, "routes", 1, "to", "social_care"), "services[1].routes[1].to", ("twice",)),
    (_set("services", 1, "routes", 0, "p", 0.99), "services[1].routes", ("sum to 1.04",)),
    (_set("services", 3, "abandon_to", "a_and_e"), "services[3].abandon_to", ("'a_and_e'",)),
    (_set("services", 3, "patience", None), "services[3].abandon_to", ("without patience",)),
    (_set("services", 1, "capacity", None), "services[1].capacity_schedule", ("unlimited",)),
    (_set("services", 4, "id", "gp"), "services[4].id", ("already used by services[0]",)),
    (_set("cohorts", 1, "entry", "pharmacy"), "cohorts[1].entry", ("'pharmacy'",)),
    (_set("cohorts", 0, "entry", 1, "to", "nowhere"), "cohorts[0].entry[1].to", ("'nowhere'",)),
    (
        _set("cohorts", 0, "routes", {"ward": [{"to": "gp", "p": 0.5}]}),
        "cohorts[0].routes.ward",
        ("no service has id 'ward'",),
    ),
    (
        _set("cohorts", 0, "routes", "hospital", [{"to": "gp", "p": 0.5}, {"to": "gp", "p": 0.5}]),
        "cohorts[0].routes.hospital[1].to",
        ("twice",),
    ),
    (
        lambda d: d["cohorts"][0]["routes"]["hospital"].append({"to": "gp", "p": 0.6}),
        "cohorts[0].routes.hospital",
        ("sum to 1.1",),
    ),
    (_set("cohorts", 1, "id", "older_frail"), "cohorts[1].id", ("already used",)),
    (_set("policies", 0, "changes", 2, "cohort", "frail"), "policies[0].changes[2].cohort", ()),
    (_set("policies", 0, "changes", 3, "to", "nowhere"), "policies[0].changes[3].to", ()),
    (
        _set("policies", 0, "changes", 3, "cohort", "nobody"),
        "policies[0].changes[3].cohort",
        ("no cohort",),
    ),
    (
        lambda d: [_set("policies", 1, "id", "discharge_to_assess")(d), d.pop("variants")],
        "policies[1].id",
        ("already used",),
    ),
    (_set("variants", 2, "policies", 1, "more_gp"), "variants[2].policies[1]", ("no policy",)),
    (
        _set("variants", 2, "policies", ["more_gps", "more_gps"]),
        "variants[2].policies[1]",
        ("listed twice",),
    ),
    (_set("variants", 2, "id", "d2a"), "variants[2].id", ("already used",)),
    (_set("variants", 0, "id", "today"), "variants", ("'baseline'",)),
    (_set("variants", []), "variants", ("at least one variant",)),
]


@pytest.mark.parametrize(
    ("mutate", "path", "words"), CROSS_FIELD_CASES, ids=[c[1] for c in CROSS_FIELD_CASES]
)
def test_each_cross_field_rule_is_checked_despite_a_structural_error(
    scenario_doc: Doc, mutate: Callable[[Doc], None], path: str, words: tuple[str, ...]
) -> None:
    alone = copy.deepcopy(scenario_doc)
    mutate(alone)
    expected = assert_problem(problems_of(alone), path, *words)
    # the same with a structural error at the start and at the end of the file
    mutate(scenario_doc)
    scenario_doc["run"]["replications"] = 0
    scenario_doc["ui"] = []
    problems = problems_of(scenario_doc)
    assert [p.path for p in problems] == ["run.replications", path, "ui"]
    assert problems[1] == expected


def test_ill_formed_references_are_reported_once(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["routes"][0]["to"] = "Social care"
    scenario_doc["cohorts"][1]["entry"] = "GP"
    problems = problems_of(scenario_doc)
    assert [p.path for p in problems] == ["services[1].routes[0].to", "cohorts[1].entry"]
    assert all("must be an id" in p.message for p in problems)


def test_a_sum_is_not_checked_when_a_probability_is_wrong(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["routes"][0]["p"] = 1.5
    assert_problem(problems_of(scenario_doc), "services[1].routes[0].p", "between 0 and 1")
    scenario_doc["services"][1]["routes"][0]["p"] = None
    assert_problem(problems_of(scenario_doc), "services[1].routes[0].p", "number")


def test_references_are_not_checked_against_a_list_that_is_not_one(scenario_doc: Doc) -> None:
    scenario_doc["services"] = {"gp": scenario_doc["services"][0]}
    scenario_doc["policies"] = "none"
    scenario_doc["variants"][2]["policies"] = [7, "more_gps", {"id": "x"}]
    assert [p.path for p in problems_of(scenario_doc)] == [
        "services",
        "policies",
        "variants[2].policies[0]",
        "variants[2].policies[2]",
    ]


@pytest.mark.parametrize(
    "shape",
    [
        _set("services", 1, 5),
        _set("services", 1, "id", 5),
        _set("services", 1, "id", ["hospital"]),
        _set("services", 1, "routes", {"to": "nowhere", "p": 0.5}),
        _set("services", 1, "routes", [["social_care", 0.3], "housing", None]),
        _set("services", 1, "routes", 0, "to", {"id": "nowhere"}),
        _set("services", 3, "abandon_to", 3),
        _set("cohorts", 0, "entry", {"to": "gp", "p": 1}),
        _set("cohorts", 0, "routes", ["hospital"]),
        _set("cohorts", 0, "routes", "hospital", {"to": "gp"}),
        _set("policies", 0, "changes", {"lever": "capacity"}),
        _set("policies", 0, "changes", 0, ["capacity", "gp"]),
        _set("policies", 0, "changes", 0, "lever", 7),
        _set("policies", 0, "changes", 0, "service", ["gp"]),
        _set("policies", 0, 1),
        _set("variants", {"baseline": []}),
        _set("variants", [None, "baseline", 3.5]),
        _set("variants", 0, "policies", "more_gps"),
        _set("variants", 0, "policies", [["more_gps"], None, 1]),
    ],
)
def test_strange_shapes_give_problems_not_crashes(
    scenario_doc: Doc, shape: Callable[[Doc], None]
) -> None:
    shape(scenario_doc)
    scenario_doc["services"][0]["capacity"] = 0
    problems = problems_of(scenario_doc)
    assert problems[0].path == "services[0].capacity"
    assert all(p.path and p.message for p in problems)
    assert not any("nowhere" in p.message for p in problems)  # it was never a reference


def test_problems_are_listed_in_the_order_of_the_file(scenario_doc: Doc) -> None:
    scenario_doc["variants"][1]["policies"] = ["nothing"]
    scenario_doc["policies"][1]["colour"] = "red"
    scenario_doc["cohorts"][1]["entry"] = "nowhere"
    scenario_doc["services"][2]["capacity"] = True
    del scenario_doc["services"][2]["service_time"]
    scenario_doc["services"][0]["routes"][0]["to"] = "ghost"
    scenario_doc["run"]["seed"] = -1
    assert [p.path for p in problems_of(scenario_doc)] == [
        "run.seed",
        "services[0].routes[0].to",
        "services[2].capacity",
        "services[2].service_time",  # missing: after what is there
        "cohorts[1].entry",
        "policies[1].colour",
        "variants[1].policies[0]",
    ]


# --------------------------------------------------------------------------- true is not 1

WHOLE_NUMBER_FIELDS = [
    ("services", 0, "capacity"),
    ("services", 2, "queue_limit"),
    ("run", "replications"),
    ("run", "seed"),
    ("cohorts", 0, "priority"),
    ("services", 1, "capacity_schedule", "steps", 1, 1),
]


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("where", WHOLE_NUMBER_FIELDS, ids=str)
def test_true_and_false_are_not_whole_numbers(
    scenario_doc: Doc, where: tuple[Any, ...], value: bool
) -> None:
    _set(*where, value)(scenario_doc)
    p = assert_problem(problems_of(scenario_doc), format_path(where))
    assert p.message == "must be a whole number"


@pytest.mark.parametrize(
    "where",
    [
        ("run", "horizon"),
        ("run", "warm_up"),
        ("services", 0, "routes", 0, "p"),
        ("services", 0, "service_time", "mean"),
        ("services", 1, "target", "within"),
        ("services", 1, "cost", "per_case"),
        ("services", 1, "capacity_schedule", "period"),
        ("services", 1, "capacity_schedule", "steps", 1, 0),
        ("cohorts", 0, "arrivals", "rate"),
        ("cohorts", 0, "arrivals", "profile", "multipliers", 2),
        ("policies", 0, "start"),
        ("policies", 0, "changes", 0, "add"),
        ("policies", 0, "changes", 1, "multiply"),
        ("policies", 0, "changes", 5, "set"),
    ],
    ids=str,
)
def test_true_is_not_a_number(scenario_doc: Doc, where: tuple[Any, ...]) -> None:
    _set(*where, True)(scenario_doc)
    assert_problem(problems_of(scenario_doc), format_path(where), "must be a number")


def test_true_is_not_a_version(scenario_doc: Doc) -> None:
    scenario_doc["version"] = True
    assert_problem(problems_of(scenario_doc), "version", "whole number")
    with pytest.raises(ValidationError):  # nor when a model is built directly
        Scenario.model_validate(scenario_doc)


def test_whole_numbers_may_be_written_with_a_zero_decimal_part(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["capacity"] = 40.0
    scenario_doc["services"][1]["capacity_schedule"]["steps"][1][1] = 30.0
    scenario_doc["cohorts"][0]["priority"] = 2.0
    scenario_doc["run"]["replications"] = 5.0
    scenario = scenario_from_dict(scenario_doc)
    assert scenario.services[0].capacity == 40 and type(scenario.services[0].capacity) is int
    assert type(scenario.services[1].capacity_schedule.steps[1][1]) is int
    assert type(scenario.cohorts[0].priority) is int and scenario.run.replications == 5
    assert '"capacity": 40,' in dumps_scenario(scenario)


JARGON = (
    "Input should",
    "pydantic",
    "function-after",
    "tuple[",
    "constrained-",
    "[key]",
    "Value error",
)

BREAKAGES: list[Callable[[Doc], None]] = [
    lambda d: d["services"][0].__setitem__("capacity", 0),
    lambda d: d["services"][0].__setitem__("capacity", "x"),
    lambda d: d["services"][0].__setitem__("capacity", [1]),
    lambda d: d["services"][0].__setitem__("queue_limit", -1),
    lambda d: d["services"][0].__setitem__("service_time", {"dist": "fixed", "value": "a"}),
    lambda d: d["services"][0].__setitem__("patience", 5),
    lambda d: d["services"][0].__setitem__("target", {"wait": -1, "within": 2}),
    lambda d: d["services"][0].__setitem__("cost", {"per_case": None}),
    lambda d: d["services"][0].__setitem__("routes", [{"to": 1, "p": "x"}]),
    lambda d: d["services"][1].__setitem__("capacity_schedule", {"period": 0, "steps": []}),
    lambda d: d["services"][1].__setitem__("capacity_schedule", {"period": 7, "steps": [[8, 1]]}),
    lambda d: d["services"][1].__setitem__("capacity_schedule", {"period": 7, "steps": [[0]]}),
    lambda d: d["services"][3].__setitem__("service_time", {"dist": "empirical", "values": []}),
    lambda d: d["cohorts"][0].__setitem__("entry", [{"to": "GP", "p": 2}]),
    lambda d: d["cohorts"][0].__setitem__("entry", []),
    lambda d: d["cohorts"][0].__setitem__("entry", None),
    lambda d: d["cohorts"][0].__setitem__("routes", {"Bad": "x"}),
    lambda d: d["cohorts"][0]["arrivals"].__setitem__("profile", {"period": 7, "multipliers": []}),
    lambda d: d["policies"][0].__setitem__("changes", []),
    lambda d: d["policies"][0]["changes"].append({"lever": "patience", "service": "gp"}),
    lambda d: d["policies"][0]["changes"].append({"lever": "route", "service": "gp", "p": 2}),
    lambda d: d["policies"][0]["changes"].append({"lever": "capacity", "service": "gp"}),
    lambda d: d["policies"][0]["changes"].append("capacity"),
    lambda d: d.__setitem__("variants", [{"id": "baseline"}]),
    lambda d: d.__setitem__("variants", "baseline"),
    lambda d: d.__setitem__("description", None),
    lambda d: d["run"].__setitem__("seed", -1),
    lambda d: d["run"].__setitem__("seed", 2**70),
    lambda d: d["run"].__setitem__("replications", 10**9),
]


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_messages_have_no_jargon(scenario_doc: Doc, breakage: Callable[[Doc], None]) -> None:
    breakage(scenario_doc)
    problems = problems_of(scenario_doc)
    for p in problems:
        text = str(p)
        for word in JARGON:
            assert word.lower() not in text.lower(), text
        assert p.path and p.message


# --------------------------------------------------------------------------- files on disk


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.mission.json")
    assert_problem(list(info.value.problems), "(file)", "does not exist")
    assert "nope.mission.json" in str(info.value)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert_problem(list(info.value.problems), "(file)", "folder")


def test_error_names_the_file(tmp_path: Path, scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["capacity"] = 0
    path = tmp_path / "broken.mission.json"
    path.write_text(json.dumps(scenario_doc), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)
    assert str(info.value).startswith(f"{path}: 1 problem found:")
    assert "services[0] “GP practices”: capacity must be a whole number ≥ 1" in str(info.value)


def test_load_valid_file(tmp_path: Path, scenario_doc: Doc) -> None:
    path = tmp_path / "ok.mission.json"
    path.write_text(json.dumps(scenario_doc, ensure_ascii=False), encoding="utf-8")
    assert load_scenario(path).name == scenario_doc["name"]


def test_numbers_written_as_text_are_refused(scenario_doc):
    import copy

    from mission_desktop.model import ScenarioError, scenario_from_dict

    doc = copy.deepcopy(scenario_doc)
    doc["services"][0]["capacity"] = "40"
    doc["run"]["horizon"] = "365"
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict(doc)
    found = {(p.path, p.message) for p in e.value.problems}
    assert ("services[0].capacity", "must be a whole number") in found
    assert ("run.horizon", "must be a number") in found
