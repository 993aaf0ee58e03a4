"""The JSON Schema of the scenario file format, generated from the models.

Other tools (editors, validators, other departments' systems) can check a ``.mission.json``
file against ``resources/scenario.schema.json`` without running Mission Desktop. The schema
covers the structure only; rules that need the whole scenario (ids resolve, probabilities
sum to 1, policies apply cleanly) are Mission Desktop's own (see :mod:`.checks`).

Regenerate the checked-in copy after changing the models::

    python -m mission_desktop.model.schema
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .base import ID_PATTERN
from .scenario import VERSION, Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"https://mission-desktop.example/schema/scenario-v{VERSION}.schema.json"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "resources" / "scenario.schema.json"

#: keys starting with x_ hold the user's own data, anywhere in the file
EXTRA_KEYS = {"^x_": {}}


def _close_objects(node: Any) -> None:
    """Models refuse unknown fields except ``x_...``; say so on every model's object schema."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["patternProperties"] = dict(EXTRA_KEYS)
        elif node.get("type") == "object" and "patternProperties" in node:
            # a mapping keyed by id (a cohort's routes): a key that is not an id is refused
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_objects(value)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a version-``VERSION`` scenario file."""
    schema = Scenario.model_json_schema()
    _close_objects(schema)
    # ``ui`` belongs to the program that wrote the file: anything goes under it
    # a version-1 file is read as it is (version 2 only adds fields): both are valid here
    schema["properties"]["version"] = {
        "description": f"The file format version: 1 to {VERSION} (files are written at {VERSION}).",
        "enum": list(range(1, VERSION + 1)),
        "title": "Version",
        "type": "integer",
    }
    schema["properties"]["ui"] = {
        "description": "Layout and other display settings; free-form.",
        "title": "Ui",
        "type": "object",
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": f"Mission Desktop scenario file, version {VERSION}",
        "description": (
            "A .mission.json scenario (see SCENARIO_FORMAT.md). Structure only: ids must also "
            f"resolve ({ID_PATTERN}), probabilities sum correctly and policies apply cleanly."
        ),
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    """The schema as written to disk: sorted keys, two-space indent, trailing newline."""
    return json.dumps(scenario_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8", newline="\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
