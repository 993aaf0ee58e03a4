"""Hostile files refused cleanly: invisible characters in names, lone surrogates, numbers
too large to be finite in free-form places, and a ``ui.layout`` the map cannot use."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_model_io_read import assert_problem, only_problem, problems_of, text_problems

from mission_desktop.model import ScenarioError, dumps_scenario, loads_scenario, scenario_from_dict

Doc = dict[str, Any]

HIDDEN = {
    "bidi override": "\u202e",
    "bidi isolate": "\u2067",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "NUL": "\x00",
    "escape": "\x1b",
    "newline": "\n",
    "line separator": "\u2028",
}

NAMED_FIELDS = [
    ("name",),
    ("services", 1, "name"),
    ("services", 1, "department"),
    ("cohorts", 0, "name"),
    ("policies", 0, "name"),
    ("variants", 1, "name"),
]


def _path(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


@pytest.mark.parametrize("where", NAMED_FIELDS, ids=_path)
@pytest.mark.parametrize("char", list(HIDDEN.values()), ids=list(HIDDEN))
def test_invisible_or_control_characters_in_names_are_refused(
    scenario_doc: Doc, where: tuple[Any, ...], char: str
) -> None:
    obj: Any = scenario_doc
    for part in where[:-1]:
        obj = obj[part]
    obj[where[-1]] = f"Care{char}homes"
    p = assert_problem(problems_of(scenario_doc), _path(where), "character 5", "remove it")
    assert f"U+{ord(char):04X}" in p.message
    assert char not in str(p)  # the message itself shows the character as its code


def test_a_look_alike_name_is_refused_so_it_cannot_pass_for_another(scenario_doc: Doc) -> None:
    scenario_doc["services"][1]["name"] = scenario_doc["services"][0]["name"] + "\u200b"
    assert_problem(problems_of(scenario_doc), "services[1].name", "ZERO WIDTH SPACE")


def test_ids_hold_only_plain_letters_digits_and_underscores(scenario_doc: Doc) -> None:
    scenario_doc["services"][0]["id"] = "gp\u200b"
    assert problems_of(scenario_doc)[0].path == "services[0].id"


def test_descriptions_keep_newlines_and_tabs_and_emoji(scenario_doc: Doc) -> None:
    scenario_doc["description"] = "Line one\r\n\tLine two 👨\u200d👩\u200d👧"
    scenario_doc["policies"][0]["description"] = "a\nb"
    assert scenario_from_dict(scenario_doc).description.startswith("Line one")


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\x00", "\x07", "\x1b"])
@pytest.mark.parametrize("where", [("description",), ("policies", 0, "description")], ids=_path)
def test_descriptions_refuse_bidi_controls_and_other_control_characters(
    scenario_doc: Doc, char: str, where: tuple[Any, ...]
) -> None:
    obj: Any = scenario_doc
    for part in where[:-1]:
        obj = obj[part]
    obj[where[-1]] = f"ok{char}"
    assert_problem(problems_of(scenario_doc), _path(where), "control character", "character 3")


# --------------------------------------------------------------------------- lone surrogates


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.__setitem__("ui", {"note": "a\udc80"}), "ui.note"),
        (lambda d: d["services"][0].__setitem__("x_note", ["\ud800"]), "services[0].x_note[0]"),
        (lambda d: d.__setitem__("x_owner", {"\udc80": 1}), "x_owner.\\udc80"),
        (lambda d: d["services"][0].__setitem__("name", "GP\udc80"), "services[0].name"),
        (lambda d: d.__setitem__("description", "\udfff"), "description"),
    ],
    ids=["ui", "x_ list", "x_ key", "name", "description"],
)
def test_a_lone_surrogate_anywhere_is_refused_with_its_place(
    scenario_doc: Doc, mutate, path: str
) -> None:
    mutate(scenario_doc)
    # as a file: JSON escapes can spell a lone surrogate
    text = json.dumps(scenario_doc)
    p = only_problem(text_problems(text))
    assert p.path == path and "lone surrogate" in p.message
    str(p).encode("utf-8")  # the message itself can be printed and saved
    p2 = only_problem(problems_of(scenario_doc))
    assert p2 == p


def test_a_valid_file_with_no_surrogates_still_writes_as_utf8(scenario_doc: Doc) -> None:
    scenario_doc["ui"] = {"note": "Zoë 👍"}
    dumps_scenario(scenario_from_dict(scenario_doc)).encode("utf-8")


@pytest.mark.parametrize("where", ["ui", "x_extra"])
def test_a_number_too_large_to_be_finite_in_a_free_form_place_is_refused(
    scenario_doc: Doc, where: str
) -> None:
    scenario_doc[where] = {"zoom": "@@"}
    text = json.dumps(scenario_doc).replace('"@@"', "1e400")
    assert_problem(text_problems(text), f"{where}.zoom", "finite number")


# --------------------------------------------------------------------------- ui.layout


@pytest.mark.parametrize("layout", [[1, 2], "gp", 3, None, True])
def test_a_layout_that_is_not_an_object_is_refused(scenario_doc: Doc, layout: Any) -> None:
    scenario_doc["ui"] = {"layout": layout}
    assert_problem(problems_of(scenario_doc), "ui.layout", "must be an object")


@pytest.mark.parametrize(
    "position",
    [[1], [1, 2, 3], [1, True], ["1", 2], None, {"x": 1}, [0, 10**500], [0, 1e10]],
    ids=str,
)
def test_a_bad_layout_entry_is_refused_naming_the_service(scenario_doc: Doc, position) -> None:
    scenario_doc["ui"] = {"layout": {"gp": [0, 0], "hospital": position}}
    assert_problem(problems_of(scenario_doc), "ui.layout.hospital", "[x, y]")


def test_nan_in_a_layout_is_refused(scenario_doc: Doc) -> None:
    scenario_doc["ui"] = {"layout": {"gp": [0, "@@"]}}
    text = json.dumps(scenario_doc).replace('"@@"', "1e999")
    problems = text_problems(text)
    assert {p.path for p in problems} == {"ui.layout.gp"}


def test_a_good_layout_and_other_ui_settings_are_kept(scenario_doc: Doc) -> None:
    scenario_doc["ui"] = {"layout": {"gp": [1, -2.5], "gone": [0, 0]}, "theme": ["any", None]}
    scenario = loads_scenario(json.dumps(scenario_doc))
    assert scenario.ui == scenario_doc["ui"]  # a layout entry of a removed service is fine


def test_errors_about_hostile_text_are_scenario_errors(scenario_doc: Doc) -> None:
    scenario_doc["name"] = "\u202e"
    with pytest.raises(ScenarioError):
        loads_scenario(json.dumps(scenario_doc))
