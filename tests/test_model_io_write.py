"""Writing scenario files: canonical, stable, readable, and exact on the way back in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mission_desktop.model import ScenarioError
from mission_desktop.model.canonical import dumps_scenario
from mission_desktop.model.io import (
    load_scenario,
    loads_scenario,
    save_scenario,
    scenario_from_dict,
)
from mission_desktop.model.text import BIDI_CONTROLS

Doc = dict[str, Any]


def round_trip(scenario_doc: Doc) -> tuple[str, str]:
    scenario = scenario_from_dict(scenario_doc)
    first = dumps_scenario(scenario)
    again = loads_scenario(first)
    assert again == scenario
    second = dumps_scenario(again)
    return first, second


def test_load_dump_load_is_exact(scenario_doc: Doc) -> None:
    first, second = round_trip(scenario_doc)
    assert first == second


def test_canonical_text_layout(scenario_doc: Doc) -> None:
    text = dumps_scenario(scenario_from_dict(scenario_doc))
    assert text.endswith("}\n") and not text.endswith("\n\n")
    lines = text.splitlines()
    assert lines[0] == "{"
    assert lines[1] == '  "format": "mission-desktop/scenario",'
    assert lines[2] == '  "version": 2,', "writing always writes the current version"
    # two-space indent throughout
    for line in lines:
        stripped = line.lstrip(" ")
        assert (len(line) - len(stripped)) % 2 == 0, line
        assert "\t" not in line
    # short lists of numbers stay on one line, so a schedule reads as a table
    assert '"steps": [' in text and "[0, 40]," in text and "[5, 30]" in text
    assert '"multipliers": [1.2, 1, 1, 1, 1, 0.6, 0.5]' in text
    # whole numbers are written without ".0"
    assert '"horizon": 365,' in text and "365.0" not in text


def test_key_order_is_the_models_order(scenario_doc: Doc) -> None:
    written = json.loads(dumps_scenario(scenario_from_dict(scenario_doc)))
    assert list(written) == [
        "format",
        "version",
        "name",
        "description",
        "run",
        "services",
        "cohorts",
        "policies",
        "variants",
        "ui",
    ]
    assert list(written["services"][1]) == [
        "id",
        "name",
        "department",
        "capacity",
        "capacity_schedule",
        "service_time",
        "cost",
        "target",
        "routes",
    ]
    # a change names its lever first, then where, then how much
    changes = written["policies"][0]["changes"]
    assert [list(c)[0] for c in changes] == ["lever"] * len(changes)
    assert list(changes[0]) == ["lever", "service", "add"]
    assert list(changes[3]) == ["lever", "service", "to", "p"]


def test_key_order_does_not_depend_on_the_input_order(scenario_doc: Doc) -> None:
    shuffled = {k: scenario_doc[k] for k in reversed(list(scenario_doc))}
    shuffled["services"] = [{k: s[k] for k in reversed(list(s))} for s in scenario_doc["services"]]
    a = dumps_scenario(scenario_from_dict(scenario_doc))
    b = dumps_scenario(scenario_from_dict(shuffled))
    assert a == b


def test_defaults_are_left_out_and_required_fields_kept(scenario_doc: Doc) -> None:
    written = json.loads(dumps_scenario(scenario_from_dict(scenario_doc)))
    assert "time_unit" not in written  # "day" is the default
    assert "replications" not in written["run"]  # 10 is the default
    assert written["services"][4]["capacity"] is None  # unlimited: required, so written
    assert "discipline" not in written["services"][0]


def test_non_ascii_stays_readable(scenario_doc: Doc, tmp_path: Path) -> None:
    scenario_doc["services"][0]["name"] = "Médecin généraliste — Ysbyty Gwynedd ✓"
    scenario = scenario_from_dict(scenario_doc)
    text = dumps_scenario(scenario)
    assert "Médecin généraliste — Ysbyty Gwynedd ✓" in text
    assert "Café Zoë" in text
    assert "\\u" not in text
    path = tmp_path / "out.mission.json"
    save_scenario(scenario, path)
    raw = path.read_bytes()
    assert raw == text.encode("utf-8")
    assert "Médecin".encode() in raw
    assert b"\r\n" not in raw
    assert load_scenario(path) == scenario
    assert not list(tmp_path.glob("*.tmp")), "no temporary file left behind"


def test_save_replaces_an_existing_file(scenario_doc: Doc, tmp_path: Path) -> None:
    path = tmp_path / "out.mission.json"
    path.write_text("old", encoding="utf-8")
    scenario = scenario_from_dict(scenario_doc)
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario


def test_written_file_is_plain_json(scenario_doc: Doc) -> None:
    text = dumps_scenario(scenario_from_dict(scenario_doc))
    assert json.loads(text)["name"] == scenario_doc["name"]
    for word in ("NaN", "Infinity"):
        assert word not in text


# --------------------------------------------------------------------------- property test

ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
#: names hold no invisible character (control, format, line or paragraph separator)
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
    min_size=1,
    max_size=20,
)
#: descriptions may hold newlines and tabs, but no other control or bidi control character
BIDI = "".join(sorted(BIDI_CONTROLS))
descriptions = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=BIDI)
    | st.sampled_from("\n\t\r"),
    max_size=50,
)
non_neg = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
whole_or_float = st.one_of(st.integers(0, 1000), non_neg)
extra_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | non_neg | names,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ids, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def distributions(draw: st.DrawFn) -> Doc:
    kind = draw(
        st.sampled_from(
            ["exponential", "fixed", "uniform", "triangular", "lognormal", "gamma", "empirical"]
        )
    )
    if kind == "exponential":
        d: Doc = {"dist": kind, "mean": draw(positive)}
    elif kind == "fixed":
        d = {"dist": kind, "value": draw(whole_or_float)}
    elif kind == "uniform":
        low, high = sorted(draw(st.lists(non_neg, min_size=2, max_size=2)))
        d = {"dist": kind, "low": low, "high": high}
    elif kind == "triangular":
        low, mode, high = sorted(draw(st.lists(non_neg, min_size=3, max_size=3)))
        d = {"dist": kind, "low": low, "mode": mode, "high": high}
    elif kind in ("lognormal", "gamma"):
        d = {"dist": kind, "mean": draw(positive), "sd": draw(st.just(0) | positive)}  # 0 or ≥ 1e-9
    else:
        d = {"dist": kind, "values": draw(st.lists(whole_or_float, min_size=1, max_size=5))}
    if draw(st.booleans()) and draw(st.booleans()):
        d["x_source"] = draw(extra_values)
    return d


@st.composite
def route_lists(draw: st.DrawFn, targets: list[str], exact: bool = False) -> list[Doc]:
    """Routes to distinct targets, probabilities in hundredths, summing to ≤ 1 (or = 1)."""
    chosen = draw(
        st.lists(st.sampled_from(targets), unique=True, min_size=1 if exact else 0, max_size=3)
    )
    left = 100
    routes = []
    for i, to in enumerate(chosen):
        if exact and i == len(chosen) - 1:
            k = left
        else:
            k = draw(st.integers(0, left))
        left -= k
        routes.append({"to": to, "p": k / 100})
    return routes


@st.composite
def valid_scenarios(draw: st.DrawFn) -> Doc:
    service_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    services = []
    for sid in service_ids:
        s: Doc = {"id": sid, "name": draw(names), "service_time": draw(distributions())}
        s["capacity"] = draw(st.none() | st.integers(1, 100))
        if s["capacity"] is not None and draw(st.booleans()):
            period = draw(st.integers(1, 10))
            offsets = sorted(draw(st.sets(st.integers(0, period - 1), min_size=1, max_size=3)))
            s["capacity_schedule"] = {
                "period": period,
                "steps": [[o, draw(st.integers(0, 50))] for o in offsets],
            }
        if draw(st.booleans()):
            s["patience"] = draw(distributions())
            if draw(st.booleans()):
                s["abandon_to"] = draw(st.sampled_from(service_ids))
        if draw(st.booleans()):
            s["queue_limit"] = draw(st.integers(0, 50))
        if draw(st.booleans()):
            s["discipline"] = draw(st.sampled_from(["fifo", "priority"]))
        if draw(st.booleans()):
            s["department"] = draw(names)
        if draw(st.booleans()):
            s["cost"] = {"per_server_per_time": draw(non_neg), "per_case": draw(non_neg)}
        if draw(st.booleans()):
            within = draw(st.floats(min_value=0.01, max_value=1))
            s["target"] = {"wait": draw(non_neg), "within": within}
        s["routes"] = draw(route_lists(service_ids))
        if draw(st.booleans()) and draw(st.booleans()):
            s["x_note"] = draw(extra_values)
        services.append(s)

    cohorts = []
    for cid in draw(st.lists(ids, min_size=1, max_size=3, unique=True)):
        c: Doc = {"id": cid, "name": draw(names), "arrivals": {"rate": draw(non_neg)}}
        if draw(st.booleans()):
            c["arrivals"]["profile"] = {
                "period": draw(st.floats(min_value=1, max_value=1e6)),  # ≤ 1e7 slices a run
                "multipliers": draw(st.lists(whole_or_float, min_size=1, max_size=7)),
            }
        if draw(st.booleans()):
            c["entry"] = draw(st.sampled_from(service_ids))
        else:
            c["entry"] = draw(route_lists(service_ids, exact=True))
        if draw(st.booleans()):
            c["priority"] = draw(st.integers(-5, 5))
        overridden = draw(st.lists(st.sampled_from(service_ids), unique=True, max_size=2))
        if overridden:
            c["routes"] = {sid: draw(route_lists(service_ids)) for sid in overridden}
        cohorts.append(c)

    limited = [s["id"] for s in services if s["capacity"] is not None]
    with_patience = [s["id"] for s in services if "patience" in s]
    with_queue_limit = [s["id"] for s in services if "queue_limit" in s]
    edges = [(s["id"], r["to"], r["p"]) for s in services for r in s["routes"] if r["p"] > 0]

    @st.composite
    def changes(draw: st.DrawFn) -> Doc:
        levers = ["service_time", "arrival_rate", "queue_limit"]
        levers += ["capacity"] * bool(limited) + ["patience"] * bool(with_patience)
        levers += ["route"] * bool(edges)
        lever = draw(st.sampled_from(levers))
        if lever == "capacity":  # only growing: stays ≥ 1 whatever the variant combines
            op = draw(st.sampled_from(["set", "add", "multiply"]))
            value = {
                "set": st.integers(1, 100),
                "add": st.integers(0, 10),
                "multiply": st.floats(min_value=1, max_value=3),
            }[op]
            return {"lever": lever, "service": draw(st.sampled_from(limited)), op: draw(value)}
        if lever == "queue_limit":
            if with_queue_limit and draw(st.booleans()):
                sid = draw(st.sampled_from(with_queue_limit))
                return {"lever": lever, "service": sid, "add": draw(st.integers(0, 5))}
            sid = draw(st.sampled_from(service_ids))
            return {"lever": lever, "service": sid, "set": draw(st.integers(0, 50))}
        if lever in ("service_time", "patience"):
            pool = service_ids if lever == "service_time" else with_patience
            factor = draw(st.floats(min_value=0.1, max_value=5))
            return {"lever": lever, "service": draw(st.sampled_from(pool)), "multiply": factor}
        if lever == "arrival_rate":
            op = draw(st.sampled_from(["set", "add", "multiply"]))
            return {
                "lever": lever,
                "cohort": draw(st.sampled_from(cohorts))["id"],
                op: draw(non_neg),
            }
        # route: only lowering an existing edge keeps every sum ≤ 1 in every variant
        service, to, p = draw(st.sampled_from(edges))
        change: Doc = {"lever": "route", "service": service, "to": to, "p": p / 2}
        free = [c["id"] for c in cohorts if service not in c.get("routes", {})]
        if free and draw(st.booleans()):
            change["cohort"] = draw(st.sampled_from(free))
        return change

    policy_ids = draw(st.lists(ids, max_size=3, unique=True))
    policies = []
    for pid in policy_ids:
        p: Doc = {
            "id": pid,
            "name": draw(names),
            "changes": draw(st.lists(changes(), min_size=1, max_size=4)),
        }
        if draw(st.booleans()):
            p["start"] = draw(st.integers(0, 50) | non_neg)
        if draw(st.booleans()):
            p["cost"] = {"one_off": draw(non_neg), "per_time": draw(non_neg)}
        if draw(st.booleans()):
            p["description"] = draw(names)
        policies.append(p)

    horizon = draw(st.integers(1, 1000) | positive)
    doc: Doc = {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": draw(names),
        "run": {"horizon": horizon},
        "services": services,
        "cohorts": cohorts,
    }
    if draw(st.booleans()):
        doc["run"]["warm_up"] = draw(st.floats(min_value=0, max_value=horizon, exclude_max=True))
    if draw(st.booleans()):
        doc["run"]["replications"] = draw(st.integers(1, 100))
        doc["run"]["seed"] = draw(st.integers(0, 2**63 - 1))
    if draw(st.booleans()):
        doc["time_unit"] = draw(st.sampled_from(["minute", "hour", "day", "week"]))
    if draw(st.booleans()):
        doc["description"] = draw(descriptions)
    if policies:
        doc["policies"] = policies
        if draw(st.booleans()):
            variant_ids = draw(
                st.lists(ids.filter(lambda i: i != "baseline"), unique=True, max_size=3)
            )
            doc["variants"] = [{"id": "baseline", "name": "Today"}] + [
                {
                    "id": vid,
                    "name": draw(names),
                    "policies": draw(st.lists(st.sampled_from(policy_ids), unique=True)),
                }
                for vid in variant_ids
            ]
    if draw(st.booleans()):
        doc["ui"] = {"layout": {sid: [draw(non_neg), draw(non_neg)] for sid in service_ids}}
    if draw(st.booleans()):
        doc["x_author"] = draw(extra_values)
    return doc


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(valid_scenarios())
def test_round_trip_is_exact_for_any_valid_scenario(doc: Doc) -> None:
    try:
        scenario = scenario_from_dict(doc)
    except ScenarioError as e:  # the strategy must only build valid scenarios
        raise AssertionError(f"the strategy built an invalid scenario: {e}") from None
    text = dumps_scenario(scenario)
    again = loads_scenario(text)
    assert again == scenario
    assert dumps_scenario(again) == text
    assert text.endswith("}\n")
    # every user's x_ field survives
    written = json.loads(text)
    for key in doc:
        if key.startswith("x_"):
            assert key in written


SHIPPED = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.mission.json"))


def test_shipped_scenarios_load_and_round_trip() -> None:
    for path in SHIPPED:
        scenario = load_scenario(path)
        text = dumps_scenario(scenario)
        assert loads_scenario(text) == scenario, path.name
