"""Reading and writing ``.mission.json`` files.

Every file opened is untrusted (it arrived by email). Reading is
guard → parse → upgrade one version at a time → validate (nbformat's way); validation never
mutates. Every problem is reported at once, each with its place as a path.
Writing is canonical: model field order, two-space indent, UTF-8, trailing newline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks import check_scenario
from .errors import Problem, ScenarioError, format_path
from .scenario import DIST_NAMES, FORMAT, LEVERS, VERSION, Scenario

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NESTING = 64

#: upgrade functions: ``UPGRADES[n]`` turns a version-n document into version n+1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


# --------------------------------------------------------------------------- guards


def _nesting_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows; write a finite number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key '{k}' appears twice in one object; keep one")
        out[k] = v
    return out


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    "(file)",
                    f"is {len(data) / 1e6:.1f} MB; a scenario file may be at most {MAX_FILE_BYTES // 2**20} MB",
                )
            ]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(
            [
                Problem(
                    "(file)",
                    f"is not UTF-8 text (bad byte at position {e.start}); save it as UTF-8 JSON",
                )
            ]
        ) from None


def parse_json(data: bytes | str) -> Any:
    """Guarded JSON parse: size, encoding, nesting, NaN/Infinity and duplicate keys refused."""
    text = _decode(data)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ScenarioError([Problem("(file)", f"is larger than {MAX_FILE_BYTES // 2**20} MB")])
    if _nesting_depth(text) > MAX_NESTING:
        raise ScenarioError(
            [
                Problem(
                    "(file)",
                    f"is nested more than {MAX_NESTING} levels deep; this is not a scenario file",
                )
            ]
        )
    try:
        return json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as e:
        raise ScenarioError(
            [Problem(f"line {e.lineno}, column {e.colno}", f"not valid JSON: {e.msg}")]
        ) from None
    except ValueError as e:
        raise ScenarioError([Problem("(file)", str(e))]) from None
    except RecursionError:
        raise ScenarioError([Problem("(file)", "is nested too deeply")]) from None


# --------------------------------------------------------------------------- versions


def upgrade(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring a document to the current version, one version at a time. Returns a new dict."""
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScenarioError(
            [Problem("version", f"must be a whole number (this build reads 1 to {VERSION})")]
        )
    if version > VERSION:
        raise ScenarioError(
            [
                Problem(
                    "version",
                    f"this file was made by a newer Mission Desktop (file version {version}; "
                    f"this build reads up to version {VERSION}). Update Mission Desktop to open it.",
                )
            ]
        )
    if version < 1:
        raise ScenarioError([Problem("version", f"must be between 1 and {VERSION}, not {version}")])
    while version < VERSION:
        doc = UPGRADES[version](dict(doc))
        version += 1
        doc["version"] = version
    return doc


# --------------------------------------------------------------------------- validation

_MESSAGES = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "missing": "is required",
    "bool_type": "must be true or false",
    "none_required": "must be null",
}


def _describe(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "greater_than_equal":
        return f"must be ≥ {ctx['ge']}"
    if kind == "greater_than":
        return f"must be > {ctx['gt']}"
    if kind == "less_than_equal":
        return f"must be ≤ {ctx['le']}"
    if kind == "less_than":
        return f"must be < {ctx['lt']}"
    if kind == "string_pattern_mismatch":
        return "must be an id: a lower-case letter, then up to 39 lower-case letters, digits or _"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"'{ctx.get('tag')}' is not one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"needs the field '{ctx.get('discriminator', '').strip(chr(39))}'"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return msg
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return err["msg"][0].lower() + err["msg"][1:]


_DIST_FIELDS = {"service_time", "patience"}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-branch names (``lognormal``, ``function-after[...]``) from a loc."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        prev = loc[i - 1] if i else None
        before = loc[i - 2] if i > 1 else None
        if isinstance(part, str):
            if part in DIST_NAMES and prev in _DIST_FIELDS:
                continue
            if part in LEVERS and isinstance(prev, int) and before == "changes":
                continue
            if "[" in part or part in ("int", "float", "str", "none", "constrained-int"):
                continue
        out.append(part)
    return tuple(out)


def _problems_from_validation(err: ValidationError) -> list[Problem]:
    errors = err.errors(include_url=False)
    locs = [_clean_loc(tuple(e["loc"])) for e in errors]
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for e, loc in zip(errors, locs, strict=True):
        # "should have at least 1 item after validation" only echoes failures inside the list
        if e["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in locs
        ):
            continue
        path = format_path(loc)
        message = _describe(e)
        if (path, message) not in seen:
            seen.add((path, message))
            problems.append(Problem(path, message))
    return _merge_union_noise(problems)


def _merge_union_noise(problems: list[Problem]) -> list[Problem]:
    """A value allowed to be null (or an id or a list) fails each branch: say it once."""
    by_path: dict[str, list[Problem]] = {}
    for p in problems:
        by_path.setdefault(p.path, []).append(p)
    out: list[Problem] = []
    done: set[str] = set()
    for p in problems:
        if p.path in done:
            continue
        group = by_path[p.path]
        messages = [g.message for g in group if g.message not in ("must be null",)]
        if not messages:
            messages = ["must be null"]
        if len(group) > 1 and any(g.message == "must be null" for g in group):
            out.append(Problem(p.path, " or ".join(dict.fromkeys(messages)) + ", or null"))
        else:
            out.extend(Problem(p.path, m) for m in dict.fromkeys(messages))
        done.add(p.path)
    return out


def scenario_from_dict(doc: Any, source: str | None = None) -> Scenario:
    """Upgrade and validate a parsed document. Raises :class:`ScenarioError` with every problem."""
    if not isinstance(doc, dict):
        raise ScenarioError(
            [Problem("(file)", "must be a JSON object { ... }, not a list or a value")], source
        )
    problems: list[Problem] = []
    fmt = doc.get("format")
    if fmt != FORMAT:
        hint = " (is this a results file?)" if fmt == "mission-desktop/results" else ""
        raise ScenarioError(
            [
                Problem(
                    "format",
                    f'must be "{FORMAT}"{hint}; this is not a Mission Desktop scenario file',
                )
            ],
            source,
        )
    try:
        doc = upgrade(doc)
    except ScenarioError as e:
        raise ScenarioError(e.problems, source) from None
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as e:
        raise ScenarioError(_problems_from_validation(e), source) from None
    problems = check_scenario(scenario)
    if problems:
        raise ScenarioError(problems, source)
    return scenario


def loads_scenario(data: bytes | str, source: str | None = None) -> Scenario:
    try:
        doc = parse_json(data)
    except ScenarioError as e:
        raise ScenarioError(e.problems, source) from None
    return scenario_from_dict(doc, source)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file; every failure is a :class:`ScenarioError` naming the place."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                [
                    Problem(
                        "(file)",
                        f"is {size / 1e6:.1f} MB; a scenario file may be at most {MAX_FILE_BYTES // 2**20} MB",
                    )
                ],
                str(p),
            )
        with p.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except ScenarioError:
        raise
    except FileNotFoundError:
        raise ScenarioError([Problem("(file)", "does not exist")], str(p)) from None
    except IsADirectoryError:
        raise ScenarioError([Problem("(file)", "is a folder, not a file")], str(p)) from None
    except OSError as e:
        raise ScenarioError([Problem("(file)", f"cannot be read: {e.strerror}")], str(p)) from None
    return loads_scenario(data, str(p))


# --------------------------------------------------------------------------- writing


def _clean_floats(value: Any) -> Any:
    """Whole-number floats are written as integers (12 not 12.0), so files read naturally."""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if isinstance(value, dict):
        return {k: _clean_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_floats(v) for v in value]
    return value


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The canonical JSON-ready form: defaults left out, required fields always present."""
    doc = scenario.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    doc = {"format": FORMAT, "version": VERSION, **doc}
    return _clean_floats(doc)


def dumps_scenario(scenario: Scenario) -> str:
    return json.dumps(scenario_to_dict(scenario), indent=2, ensure_ascii=False) + "\n"


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write atomically: a crash mid-write never leaves a half-written file."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(dumps_scenario(scenario), encoding="utf-8")
    tmp.replace(p)
