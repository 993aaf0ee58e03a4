"""The JSON Schema of the file format: generated from the models and checked in, in sync."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mission_desktop.model.schema import SCHEMA_PATH, scenario_json_schema, schema_text

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = "python -m mission_desktop.model.schema"


def test_schema_is_checked_in_at_the_expected_place() -> None:
    assert SCHEMA_PATH == ROOT / "resources" / "scenario.schema.json"
    assert SCHEMA_PATH.exists(), f"resources/scenario.schema.json is missing; run `{REGENERATE}`"


def test_checked_in_schema_matches_the_models() -> None:
    on_disk = SCHEMA_PATH.read_text(encoding="utf-8")
    assert on_disk == schema_text(), (
        "resources/scenario.schema.json is out of date with the scenario models; "
        f"regenerate it with `{REGENERATE}` and commit the result"
    )


def test_schema_header_and_extras() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("scenario-v2.schema.json")
    assert "Mission Desktop" in schema["title"]
    assert schema["required"][:2] == ["format", "version"]
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object" and "properties" in definition:
            assert definition["additionalProperties"] is False, name
            assert definition["patternProperties"] == {"^x_": {}}, name
    assert schema["additionalProperties"] is False
    assert schema["properties"]["ui"]["type"] == "object"
    assert "additionalProperties" not in schema["properties"]["ui"]  # anything goes under ui


def test_schema_text_is_canonical() -> None:
    text = schema_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_module_entry_point_writes_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "out" / "scenario.schema.json"
    subprocess.run(
        [sys.executable, "-m", "mission_desktop.model.schema", str(target)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert target.read_text(encoding="utf-8") == schema_text()


@pytest.fixture
def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    cls = jsonschema.validators.validator_for(scenario_json_schema())
    cls.check_schema(scenario_json_schema())
    return cls(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_example_validates_against_the_schema(validator: Any, scenario_doc: dict) -> None:
    errors = sorted(validator.iter_errors(scenario_doc), key=str)
    assert not errors, "\n".join(e.message for e in errors)


def test_x_fields_validate_and_typos_do_not(validator: Any, scenario_doc: dict) -> None:
    scenario_doc["x_owner"] = "me"
    scenario_doc["services"][0]["x_note"] = [1, 2]
    scenario_doc["services"][0]["service_time"]["x_src"] = "data"
    scenario_doc["ui"] = {"anything": {"at": ["all"]}}
    assert not list(validator.iter_errors(scenario_doc))
    scenario_doc["services"][0]["capcity"] = 3
    assert list(validator.iter_errors(scenario_doc))


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("services", 0, "capacity"), 0),
        (("services", 0, "id"), "GP"),
        (("services", 0, "routes", 0, "p"), 1.5),
        (("services", 0, "service_time"), {"dist": "weibull", "mean": 1}),
        (("cohorts", 0, "routes"), {"Hospital": []}),
        (("version",), 3),
    ],
)
def test_schema_refuses_what_the_models_refuse(
    validator: Any, scenario_doc: dict, where: tuple, value: Any
) -> None:
    target: Any = scenario_doc
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    assert list(validator.iter_errors(scenario_doc))


SHIPPED = sorted((ROOT / "scenarios").glob("*.mission.json"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenarios_validate_against_the_schema(validator: Any, path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(doc), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
