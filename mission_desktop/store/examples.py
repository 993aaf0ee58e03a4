"""The example scenarios, added to the library on first start."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mission_desktop.model import Scenario, ScenarioError, dumps_scenario, load_scenario

from .errors import describe_sqlite_error
from .library import Library
from .settings import write_setting

EXAMPLES_FLAG = "examples_imported"


def ensure_examples(library: Library, scenarios_dir: Path) -> list[str]:
    """On first start, add every ``*.mission.json`` in ``scenarios_dir`` to the library.

    Runs only when the library is empty and the examples were never imported; once done (or
    once the library holds anything), a flag is set so that deleting the examples later does
    not bring them back. Invalid files are skipped; returns one message per problem, each
    naming its file.
    """
    try:
        if library.get_setting(EXAMPLES_FLAG):
            return []
        if not library.is_empty():  # a library from before the flag existed: not a first start
            library.set_setting(EXAMPLES_FLAG, True)
            return []
        scenarios_dir = Path(scenarios_dir)
        if not scenarios_dir.is_dir():
            return [f"{scenarios_dir}: the folder of example scenarios is missing"]
        problems: list[str] = []
        loaded: list[tuple[Scenario, str]] = []
        for path in sorted(scenarios_dir.glob("*.mission.json")):
            try:
                scenario = load_scenario(path)
            except ScenarioError as e:
                problems.append(str(e))
                continue
            loaded.append((scenario, dumps_scenario(scenario)))
        with library._write() as conn:
            if library.get_setting(EXAMPLES_FLAG):  # another window got there first
                return problems
            for scenario, content in loaded:
                library._insert_scenario(
                    conn, scenario, content, "import", "Example shipped with Mission Desktop"
                )
            write_setting(conn, EXAMPLES_FLAG, True)
        return problems
    except sqlite3.Error as e:
        raise describe_sqlite_error(e, library.path) from e
