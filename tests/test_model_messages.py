"""Messages that name things: a problem names the service, cohort, policy or variant by its
name as well as its place, and one typo gives one problem (with the likely spelling)."""

from __future__ import annotations

from typing import Any

import pytest
from test_model_io_read import assert_problem, only_problem, problems_of

from mission_desktop.model import Problem, ScenarioError
from mission_desktop.model.errors import MAX_LISTED

Doc = dict[str, Any]


def test_a_problem_names_the_service_by_its_name(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["name"] = "A&E (type 1)"
    scenario_doc["services"][1]["capacity"] = 0
    p = assert_problem(problems_of(scenario_doc), "services[1].capacity", "≥ 1")
    assert p.subject == "A&E (type 1)"
    assert str(p) == "services[1] “A&E (type 1)”: capacity must be a whole number ≥ 1"
    assert p.place == "services[1] “A&E (type 1)”, capacity"


@pytest.mark.parametrize(
    ("path", "mutate", "name"),
    [
        ("cohorts[1].arrivals.rate", lambda d: d["cohorts"][1]["arrivals"].update(rate=-1), 1),
        ("policies[0].start", lambda d: d["policies"][0].update(start=-1), 0),
        ("variants[1].policies[0]", lambda d: d["variants"][1].update(policies=["nope"]), 1),
    ],
)
def test_cohorts_policies_and_variants_are_named_too(scenario_doc, path, mutate, name) -> None:
    mutate(scenario_doc)
    p = only_problem(problems_of(scenario_doc))
    assert p.path == path
    listed = path.split("[")[0]
    assert p.subject == scenario_doc[listed][name]["name"]
    assert str(p).startswith(f"{listed}[{name}] “{p.subject}”: ")


def test_a_problem_outside_a_named_item_keeps_the_plain_form(scenario_doc: Doc) -> None:
    scenario_doc["run"]["horizon"] = -1
    p = only_problem(problems_of(scenario_doc))
    assert p.subject == "" and str(p) == f"run.horizon: {p.message}"


def test_the_name_does_not_change_what_programs_compare() -> None:
    # the subject is for display: equal places and messages are the same problem
    assert Problem("services[0].capacity", "x", "GP") == Problem("services[0].capacity", "x")
    assert len({Problem("a", "b", "one"), Problem("a", "b", "two")}) == 1


def test_a_name_with_invisible_characters_is_shown_with_them_visible() -> None:
    p = Problem("services[0].capacity", "must be a whole number ≥ 1", "Care\u202eemoh")
    assert "\u202e" not in str(p) and "\\u202e" in str(p)


def test_a_long_name_is_shortened_in_the_message() -> None:
    p = Problem("services[0]", "is wrong", "x" * 500)
    assert len(str(p)) < 100 and "…" in str(p)


# --------------------------------------------------------------------------- one typo


TYPOS = [
    ("services", 1, "capacity", "capactiy"),
    ("services", 1, "service_time", "servicetime"),
    ("cohorts", 0, "entry", "entyr"),
    ("cohorts", 0, "arrivals", "Arrivals"),
    ("run", None, "horizon", "horizn"),
    (None, None, "services", "servics"),
]


@pytest.mark.parametrize(("listed", "index", "key", "typo"), TYPOS, ids=[t[3] for t in TYPOS])
def test_one_misspelt_key_gives_one_problem_with_a_suggestion(
    scenario_doc: Doc, listed, index, key, typo
) -> None:
    obj = scenario_doc if listed is None else scenario_doc[listed]
    if index is not None:
        obj = obj[index]
    obj[typo] = obj.pop(key)
    prefix = "" if listed is None else f"{listed}[{index}]." if index is not None else "run."
    p = assert_problem(problems_of(scenario_doc), f"{prefix}{typo}", f"did you mean '{key}'?")
    assert "x_" in p.message


def test_a_misspelt_key_in_a_distribution_and_in_a_route(scenario_doc: Doc) -> None:
    st = scenario_doc["services"][1]["service_time"]
    st["maen"] = st.pop("mean")
    scenario_doc["services"][0]["routes"][0]["prob"] = scenario_doc["services"][0]["routes"][0].pop(
        "p"
    )
    problems = problems_of(scenario_doc)
    assert [p.path for p in problems] == [
        "services[0].routes[0].prob",
        "services[1].service_time.maen",
    ]
    assert "did you mean 'p'?" in problems[0].message  # the only gap there
    assert "did you mean 'mean'?" in problems[1].message


def test_a_misspelt_optional_key_is_suggested(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["patiense"] = {"dist": "exponential", "mean": 2}
    assert_problem(problems_of(scenario_doc), "services[0].patiense", "did you mean 'patience'?")


def test_an_unrelated_unknown_key_is_not_given_a_suggestion(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["colour"] = "red"
    p = assert_problem(problems_of(scenario_doc), "services[0].colour", "check the spelling")
    assert "did you mean" not in p.message


def test_two_typos_in_one_object_are_two_problems_each_matched(scenario_doc: Doc) -> None:
    s = scenario_doc["services"][1]
    s["capcity"] = s.pop("capacity")
    s["nmae"] = s.pop("name")
    problems = problems_of(scenario_doc)
    assert {p.path: p.message.split("?")[0][-10:] for p in problems} == {
        "services[1].capcity": "'capacity'",
        "services[1].nmae": "ean 'name'",
    }


def test_a_misspelt_distribution_or_lever_suggests_the_kind(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["service_time"]["dist"] = "lognormla"
    scenario_doc["policies"][0]["changes"][0]["lever"] = "capacty"
    problems = problems_of(scenario_doc)
    assert len(problems) == 2
    assert "did you mean 'lognormal'?" in problems[0].message
    assert "did you mean 'capacity'?" in problems[1].message


def test_a_misspelt_dist_key_is_one_problem(scenario_doc: Doc) -> None:
    st = scenario_doc["services"][1]["service_time"]
    st["dsit"] = st.pop("dist")
    assert_problem(
        problems_of(scenario_doc), "services[1].service_time.dist", "'dsit' a misspelling"
    )


# --------------------------------------------------------------------------- many problems


def test_the_message_lists_the_first_problems_and_counts_the_rest() -> None:
    n = MAX_LISTED + 1234
    error = ScenarioError([Problem(f"x_{i}", "is wrong") for i in range(n)], "big.mission.json")
    lines = str(error).splitlines()
    assert lines[0] == f"big.mission.json: {n:,} problems found:"
    assert len(lines) == 1 + MAX_LISTED + 1
    assert lines[-1] == "  … and 1,234 more"
    assert len(error.problems) == n  # programs still get every one


# --------------------------------------------------------------------------- NaN names its field


def test_nan_in_a_list_names_the_item_and_the_service(scenario_doc: Doc) -> None:
    import json

    from test_model_io_read import text_problems

    scenario_doc["services"][3]["service_time"] = {"dist": "empirical", "values": [1, 2, "@@"]}
    text = json.dumps(scenario_doc, indent=2).replace('"@@"', "NaN")
    p = only_problem(text_problems(text))
    assert p.path == "services[3].service_time.values[2]"
    assert str(p).startswith(f"services[3] “{scenario_doc['services'][3]['name']}”: ")
    assert "NaN is not a number JSON allows (line " in p.message


def test_a_file_that_is_only_nan_keeps_its_line_and_column() -> None:
    from test_model_io_read import text_problems

    p = only_problem(text_problems("NaN"))
    assert p.path == "line 1, column 1" and "NaN" in p.message


def test_a_misspelt_reference_suggests_the_id_it_was_meant_to_be(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["routes"][0]["to"] = "social_cair"
    p = assert_problem(problems_of(scenario_doc), "services[1].routes[0].to", "no service")
    assert p.message == "no service has id 'social_cair' (did you mean 'social_care'?)"
    scenario_doc["services"][1]["routes"][0]["to"] = "zzz"
    assert problems_of(scenario_doc)[0].message == "no service has id 'zzz'"
