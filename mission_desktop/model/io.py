"""Reading and writing ``.mission.json`` files.

Every file opened is untrusted (it arrived by email). Reading is
guard → parse → upgrade one version at a time → validate (nbformat's way); validation never
mutates. Every problem is reported at once, each with its place as a path. The steps have
their own modules: :mod:`.jsonread` (guarding and parsing the raw text), :mod:`.versions`,
:mod:`.validation` (with :mod:`.wording`), and the whole-scenario checks.
Writing is canonical (:mod:`.canonical`), refused when too large to read again, and atomic.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from . import jsonread
from .canonical import dumps_scenario
from .checks import check_references, check_scenario
from .checks_twin import check_twin
from .errors import Problem, ScenarioError, named
from .jsonread import parse_json, too_big_message
from .places import in_document_order
from .scenario import FORMAT, Scenario
from .text import hostile_values, layout_problems
from .validation import validate
from .versions import upgrade


def scenario_from_dict(doc: Any, source: str | None = None) -> Scenario:
    """Upgrade and validate a parsed document (never modified). Raises :class:`ScenarioError`
    holding every problem found."""
    if not isinstance(doc, dict):
        raise ScenarioError(
            [Problem("(file)", "must be a JSON object { ... }, not a list or a value")], source
        )
    fmt = doc.get("format")
    if fmt != FORMAT:
        if fmt == "mission-desktop/results":
            message = (
                "this is a results file, not a scenario; open the .mission.json scenario "
                "the results were made from"
            )
        elif fmt is None:
            message = (
                f'is required and must be "{FORMAT}"; this is not a Mission Desktop scenario file'
            )
        else:
            message = f'must be "{FORMAT}"; this is not a Mission Desktop scenario file'
        raise ScenarioError([Problem("format", message)], source)
    try:
        doc = upgrade(doc)
    except ScenarioError as e:
        raise ScenarioError(e.problems, source) from None
    scenario, problems = validate(doc)
    problems = hostile_values(doc) + layout_problems(doc) + problems
    if scenario is not None:
        problems = problems + check_scenario(scenario) + check_twin(scenario)
    else:  # what can be read of a broken file is checked too: every problem at once
        problems = problems + check_references(doc) + check_twin(doc)
    if problems or scenario is None:
        raise ScenarioError(named(in_document_order(problems, doc), doc), source)
    return scenario


def loads_scenario(data: bytes | str, source: str | None = None) -> Scenario:
    try:
        doc = parse_json(data)
    except ScenarioError as e:
        raise ScenarioError(e.problems, source) from None
    scenario = scenario_from_dict(doc, source)
    checked_text(scenario, source)  # what it becomes must be readable again
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file; every failure is a :class:`ScenarioError` naming the place."""
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end
            raise ScenarioError(
                [Problem("(file)", "is not a regular file (a pipe, device or socket)")], str(p)
            )
        size = info.st_size
        if size > jsonread.MAX_FILE_BYTES:
            raise ScenarioError(
                [
                    Problem(
                        "(file)",
                        too_big_message(size),
                    )
                ],
                str(p),
            )
        with p.open("rb") as fh:
            data = fh.read(jsonread.MAX_FILE_BYTES + 1)
    except ScenarioError:
        raise
    except FileNotFoundError:
        raise ScenarioError([Problem("(file)", "does not exist")], str(p)) from None
    except IsADirectoryError:
        raise ScenarioError([Problem("(file)", "is a folder, not a file")], str(p)) from None
    except OSError as e:
        raise ScenarioError([Problem("(file)", f"cannot be read: {e.strerror}")], str(p)) from None
    return loads_scenario(data, str(p))


def checked_text(scenario: Scenario, source: str | None = None) -> str:
    """The canonical text, refused (:class:`ScenarioError`) when it is larger than a file
    may be: what is written or stored can always be read again."""
    text = dumps_scenario(scenario)
    problem = jsonread.written_size_problem(text)
    if problem is not None:
        raise ScenarioError([problem], source)
    return text


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write atomically: a crash mid-write never leaves a half-written file."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    data = checked_text(scenario, str(p)).encode("utf-8")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(p)
