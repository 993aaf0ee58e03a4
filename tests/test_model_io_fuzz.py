"""A file arrived by email may be broken in any way: reading it never crashes.

Hypothesis breaks a valid scenario in random places with random JSON (lists where objects
belong, numbers as ids, duplicated items, missing fields ...): reading it either gives a
scenario or a ScenarioError whose every problem names a place and says what is wrong;
never any other exception.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from conftest import example_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mission_desktop.model import Scenario, ScenarioError, loads_scenario, scenario_from_dict

Doc = dict[str, Any]
Path = tuple[Any, ...]

#: values that mean something somewhere in a scenario, so that mutations hit real rules
MEANINGFUL = st.sampled_from(
    [
        "gp",
        "hospital",
        "social_care",
        "older_frail",
        "discharge_to_assess",
        "more_gps",
        "baseline",
        "nowhere",
        "GP",
        "",
        "capacity",
        "route",
        "arrival_rate",
        "exponential",
        "empirical",
        0,
        1,
        -1,
        0.5,
        1.5,
        40.0,
        2**70,
        True,
        False,
        None,
        [],
        {},
        [0, 1],
        {"to": "gp", "p": 0.5},
        {"id": "gp", "name": "x"},
        {"dist": "fixed", "value": 1},
        {"lever": "route", "service": "ghost", "to": 3, "p": "x"},
    ]
)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON = st.recursive(
    SCALARS | MEANINGFUL,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | MEANINGFUL.filter(_is_text), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.text(max_size=10) | st.sampled_from(
    ["id", "to", "p", "entry", "routes", "service", "cohort", "policies", "x_note", "capcity"]
)


def _places(node: Any, path: Path = ()) -> list[Path]:
    """Every place in the document (the root included)."""
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _places(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _places(v, (*path, i))
    return out


def _at(doc: Any, path: Path) -> Any:
    for part in path:
        doc = doc[part]
    return doc


@st.composite
def broken_documents(draw: st.DrawFn) -> Any:
    def junk() -> Any:  # a private copy: the sampled lists and objects are shared
        return copy.deepcopy(draw(JSON))

    doc: Any = example_scenario()
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        places = _places(doc)
        path = draw(st.sampled_from(places))
        op = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if not path:
            if op == "replace" and draw(st.integers(0, 9)) == 0:
                doc = junk()  # rarely: the whole file is something else
            continue
        parent, last = _at(doc, path[:-1]), path[-1]
        if op == "replace":
            parent[last] = junk()
        elif op == "delete":
            del parent[last]
        elif op == "add":
            target = parent[last]
            if isinstance(target, dict):
                target[draw(KEYS)] = junk()
            elif isinstance(target, list):
                target.insert(draw(st.integers(0, len(target))), junk())
            else:
                parent[last] = junk()
        elif isinstance(parent, list):  # duplicate an item: duplicate ids, routes ...
            parent.insert(last, copy.deepcopy(parent[last]))
        else:  # copy a sibling's value here: an id where a list belongs, and so on
            parent[last] = copy.deepcopy(parent[draw(st.sampled_from(list(parent)))])
    return doc


def _read(doc: Any) -> Scenario | None:
    try:
        return scenario_from_dict(doc)
    except ScenarioError as e:
        assert e.problems, "a ScenarioError must hold at least one problem"
        for p in e.problems:
            assert isinstance(p.path, str) and p.path, p
            assert isinstance(p.message, str) and p.message, p
        assert len(set(e.problems)) == len(e.problems), "a problem is reported twice"
        return None


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(broken_documents())
def test_any_broken_document_gives_a_scenario_error_and_nothing_else(doc: Any) -> None:
    before = copy.deepcopy(doc)
    _read(doc)
    assert doc == before, "validation must not change the document it was given"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_documents())
def test_broken_documents_read_from_text_behave_the_same(doc: Any) -> None:
    text = json.dumps(doc, ensure_ascii=False)
    try:
        from_text = loads_scenario(text)
    except ScenarioError as e:
        assert all(p.path and p.message for p in e.problems)
        with_dict = _read(doc)
        assert with_dict is None
    else:
        assert from_text == scenario_from_dict(doc)


def test_one_object_in_two_places_gives_its_problems_not_a_crash() -> None:
    """Found by the fuzz test: a document given as a dict may hold the same object twice
    (a file never does); an unknown field in it is a problem at both places."""
    doc = example_scenario()
    shared = {"to": "gp", "p": 0.5}
    doc["services"] = [shared, shared]
    try:
        scenario_from_dict(doc)
    except ScenarioError as e:
        places = {p.path for p in e.problems}
        assert {"services[0].to", "services[1].to"} <= places
    else:
        raise AssertionError("a service made of a route's fields was accepted")
