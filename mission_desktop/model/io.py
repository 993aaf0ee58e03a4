"""Reading and writing ``.mission.json`` files.

Every file opened is untrusted (it arrived by email). Reading is
guard → parse → upgrade one version at a time → validate (nbformat's way); validation never
mutates. Every problem is reported at once, each with its place as a path.
Writing is canonical: the same scenario always gives the same bytes (model field order, a
change's lever first, defaults left out, two-space indent with lists of plain numbers on one
line, UTF-8 with non-ASCII left readable, trailing newline).
"""

from __future__ import annotations

import copy
import json
import math
import os
import stat
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from . import jsonread
from .base import MIN_POSITIVE
from .checks import check_references, check_scenario
from .checks_twin import check_twin
from .distributions import DIST_NAMES
from .errors import Problem, ScenarioError, format_path, named
from .jsonread import MAX_NESTING, parse_json, too_big_message
from .levers import LEVERS
from .places import in_document_order
from .scenario import FORMAT, VERSION, Scenario
from .text import hostile_values, layout_problems
from .typos import UnknownKey, closest, unknown_key_problems


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only adds optional fields: a version-1 file means the same as version 2."""
    return doc


#: upgrade functions: ``UPGRADES[n]`` turns a version-n document into version n+1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


# --------------------------------------------------------------------------- versions


def _versions_read() -> str:
    return "version 1" if VERSION == 1 else f"versions 1 to {VERSION}"


def upgrade(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring a document to the current version, one version at a time.

    ``UPGRADES[n]`` is given a private deep copy of a version-n document and returns the
    version-n+1 one; ``doc`` itself is never modified. Returns ``doc`` when already current.
    """
    version = doc.get("version")
    if "version" not in doc:
        raise ScenarioError(
            [Problem("version", f"is required: the file format version ({_versions_read()})")]
        )
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScenarioError(
            [
                Problem(
                    "version",
                    f"must be a whole number such as {VERSION}, not {json.dumps(version)} "
                    f"(this build reads {_versions_read()})",
                )
            ]
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
        raise ScenarioError(
            [
                Problem(
                    "version",
                    f"{version} is not a file format version (this build reads {_versions_read()})",
                )
            ]
        )
    if version < VERSION:
        doc = copy.deepcopy(doc)
    while version < VERSION:
        doc = UPGRADES[version](doc)
        version += 1
        doc["version"] = version
    return doc


# --------------------------------------------------------------------------- validation

_MESSAGES = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number (no decimal part)",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be an object { ... }",
    "model_type": "must be an object { ... }",
    "model_attributes_type": "must be an object { ... }",
    "missing": "is required",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "none_required": "must be null",
}

_ID_RULE = "a lower-case letter, then up to 39 lower-case letters, digits or _"


def _num(value: Any) -> str:
    """A bound as a person would write it: ``1`` not ``1.0``, ``0.5`` not ``0.50000``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _bound(kind: str, ctx: dict[str, Any], whole: bool, path_tail: Any) -> str:
    symbol, key = {
        "greater_than_equal": ("≥", "ge"),
        "greater_than": (">", "gt"),
        "less_than_equal": ("≤", "le"),
        "less_than": ("<", "lt"),
    }[kind]
    if path_tail == "p":
        return "is a probability: it must be between 0 and 1"
    what = "a whole number " if whole else ""
    return f"must be {what}{symbol} {_num(ctx.get(key))}"


def _describe(err: dict[str, Any], whole: bool = False, path_tail: Any = None) -> str:
    """A sentence a civil servant can act on, for one pydantic error (no jargon)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "greater_than_equal" and ctx.get("ge") == MIN_POSITIVE:
        value = err.get("input")
        tiny = isinstance(value, int | float) and value > 0
        return f"must be at least {_num(MIN_POSITIVE)}" if tiny else "must be > 0"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return _bound(kind, ctx, whole, path_tail)
    if kind == "string_pattern_mismatch":
        return f"must be an id ({_ID_RULE})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"must list at least {_plural(ctx.get('min_length'), 'item')}"
    if kind == "too_long":
        return f"must list at most {_plural(ctx.get('max_length'), 'item')}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind == "value_error":
        error = ctx.get("error")
        return str(error) if error is not None else _plain(err["msg"])
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return _plain(err["msg"])


def _plain(msg: str) -> str:
    """Last resort for an error kind without a message of its own: drop the jargon."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if msg.startswith("Input should"):
        msg = "must" + msg[len("Input should") :]
    msg = msg.replace("a valid ", "").replace("dictionary", "object")
    return msg[:1].lower() + msg[1:]


# ----------------------------------------------------------------- where an error is


def _unwrap(tp: Any) -> Any:
    """``Annotated[X, ...]`` → X; ``X | None`` → X (other unions are kept)."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
            else:
                return tp
        else:
            return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _branch(union: Any, label: str) -> Any:
    """The member of ``union`` that pydantic's loc label (``lognormal``, ``constrained-str``,
    ``tuple[Route, ...]``) names, or None."""
    members = [_unwrap(a) for a in get_args(union) if a is not type(None)]
    for m in members:
        if isinstance(m, type) and issubclass(m, BaseModel):
            for field in m.model_fields.values():
                if get_origin(field.annotation) is Literal and label in get_args(field.annotation):
                    return m
    for m in members:
        if get_origin(m) is tuple and label.startswith("tuple"):
            return m
        if m in (str, int, float) and m.__name__ in label:
            return m
    return None


@dataclass(frozen=True, slots=True)
class _Place:
    loc: tuple[Any, ...]  #: the loc without pydantic's branch labels: a path into the document
    type: Any  #: the type expected there (None if it could not be worked out)
    union_at: int | None = None  #: len(loc) where an id-or-list union was crossed
    union_branch: str = ""  #: pydantic's label of the branch taken there


def _place(raw: tuple[Any, ...]) -> _Place:
    """Follow a pydantic loc through the models: the document path, and the type found."""
    tp: Any = Scenario
    out: list[Any] = []
    union_at: int | None = None
    union_branch = ""
    dict_key: Any = None  # the key type of the dict whose value was just entered
    for part in raw:
        if part == "[key]":  # the error is about the key just entered, not its value
            tp = dict_key
            continue
        base = _unwrap(tp) if tp is not None else None
        dict_key = get_args(base)[0] if get_origin(base) is dict else None
        if base is not None and _is_union(base):
            tp = _branch(base, str(part))
            if not _is_model(tp):
                union_at, union_branch = len(out), str(part)
            continue
        if base is None:
            if not (isinstance(part, str) and ("[" in part or part.startswith("constrained-"))):
                out.append(part)
            continue
        out.append(part)
        if isinstance(base, type) and issubclass(base, BaseModel):
            field = base.model_fields.get(part) if isinstance(part, str) else None
            tp = field.annotation if field is not None else None
        elif get_origin(base) is tuple:
            args = get_args(base)
            if len(args) == 2 and args[1] is Ellipsis:
                tp = args[0]
            elif isinstance(part, int) and part < len(args):
                tp = args[part]
            else:
                tp = None
        elif get_origin(base) is dict:
            tp = get_args(base)[1]
        else:
            tp = None
    return _Place(tuple(out), tp, union_at, union_branch)


_MISSING = object()


def _at(doc: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            doc = doc[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return doc


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unknown_keys(err: dict[str, Any], place: _Place, doc: Any) -> tuple[Any, list[str]]:
    """The model and the unknown keys that ``err`` (a refusal of unknown fields) is about."""
    error = (err.get("ctx") or {}).get("error")
    if err["type"] != "value_error" or not str(error).startswith("unknown field"):
        return None, []
    model = _unwrap(place.type) if place.type is not None else None
    value = _at(doc, place.loc)
    if not _is_model(model) or not isinstance(value, dict):
        return None, []
    keys = [
        k
        for k in value
        if isinstance(k, str) and k not in model.model_fields and not k.startswith("x_")
    ]
    return model, keys


def _wrong_branch(place: _Place, doc: Any) -> bool:
    """A cohort's ``entry`` may be an id or a list: only the complaints about the form that
    was written help ("must be a list" about a misspelt id only confuses)."""
    if place.union_at is None:
        return False
    value = _at(doc, place.loc[: place.union_at])
    branch_is_text = "str" in place.union_branch
    if isinstance(value, str):
        return not branch_is_text
    if isinstance(value, list):
        return branch_is_text
    return False


def _validation_problems(
    err: ValidationError, doc: Any
) -> tuple[list[Problem], dict[tuple[Any, ...], tuple[Any, list[str]]]]:
    """Problems of one validation pass, and the unknown fields found (by their object's loc)."""
    placed = [(e, _place(tuple(e["loc"]))) for e in err.errors(include_url=False)]
    # a lone surrogate is reported, wherever it is, by text.hostile_values
    placed = [
        (e, p) for e, p in placed if e["type"] != "string_unicode" and not _wrong_branch(p, doc)
    ]
    inner = {p.loc[:n] for _, p in placed for n in range(len(p.loc))}  # places holding others
    problems: list[Problem] = []
    unknown: dict[tuple[Any, ...], tuple[Any, list[str]]] = {}
    either: dict[str, list[str]] = {}  # path → messages of a value that is neither id nor list
    for e, place in placed:
        loc, kind, ctx = place.loc, e["type"], e.get("ctx") or {}
        # "should have at least 1 item after validation" only echoes failures inside the list
        if kind == "too_short" and loc in inner:
            continue
        model, keys = _unknown_keys(e, place, doc)
        if keys:
            unknown[loc] = (model, keys)
            continue
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            field = str(ctx.get("discriminator", "")).strip("'")
            options = ", ".join(
                repr(o) for o in {"dist": DIST_NAMES, "lever": LEVERS}.get(field, ())
            )
            names = {"dist": DIST_NAMES, "lever": LEVERS}.get(field, ())
            if kind == "union_tag_invalid":
                tag = str(ctx.get("tag"))
                meant = closest(tag, names)
                hint = f"; did you mean '{meant}'?" if meant else ""
                message = f"must be one of {options} (not {tag!r}{hint})"
            else:
                value = _at(doc, loc)
                keys = [k for k in value if isinstance(k, str)] if isinstance(value, dict) else []
                meant = next((k for k in keys if closest(k, (field,))), None)
                hint = f" (is '{meant}' a misspelling of '{field}'?)" if meant else ""
                message = f"is required: one of {options}{hint}"
            problems.append(Problem(format_path(loc + (field,)), message))
            continue
        whole = place.type is not None and _unwrap(place.type) is int
        message = _describe(e, whole=whole, path_tail=loc[-1] if loc else None)
        if place.union_at is not None and place.union_at == len(loc):
            either.setdefault(format_path(loc), []).append(message)
        else:
            problems.append(Problem(format_path(loc), message))
    for path, messages in either.items():
        if len(messages) > 1:
            messages = ['must be a service id or a list of {"to": ..., "p": ...}']
        problems += [Problem(path, m) for m in messages]
    return list(dict.fromkeys(problems)), unknown


def _validate(doc: dict[str, Any]) -> tuple[Scenario | None, list[Problem]]:
    """Validate without mutating ``doc``. A misspelt field stops its object's validation, so
    each round drops the unknown fields found (from a copy) and validates again: every
    problem of the file is reported at once."""
    unknown_keys: list[UnknownKey] = []
    work: Any = doc
    for _ in range(MAX_NESTING + 2):
        try:
            scenario = Scenario.model_validate(work)
            return scenario, unknown_key_problems(unknown_keys, [])
        except ValidationError as e:
            problems, unknown = _validation_problems(e, work)
        if not unknown:
            return None, unknown_key_problems(unknown_keys, problems)
        if work is doc:
            work = copy.deepcopy(doc)
        for loc, (model, keys) in unknown.items():
            obj = _at(work, loc)
            allowed = tuple(model.model_fields)
            for key in keys:
                unknown_keys.append(UnknownKey(loc, key, allowed))
                del obj[key]
    return None, unknown_key_problems(unknown_keys, [])  # pragma: no cover - nesting is limited


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
    scenario, problems = _validate(doc)
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


#: a change reads lever first: what is changed, where, then by how much
_CHANGE_KEYS = ("lever", "service", "cohort", "to", "p", "set", "add", "multiply")


#: an assumption reads what it is, what it varies and by how much, then where it comes from
_ASSUMPTION_KEYS = ("id", "name", *_CHANGE_KEYS, "source", "reliability", "owner")


def _change_first(change: dict[str, Any], keys: tuple[str, ...] = _CHANGE_KEYS) -> dict[str, Any]:
    ordered = {k: change[k] for k in keys if k in change}
    return {**ordered, **{k: v for k, v in change.items() if k not in ordered}}


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The canonical JSON-ready form: defaults left out, required fields always present,
    fields in the models' order (a change's ``lever`` first), extra ``x_`` fields last."""
    doc = scenario.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    doc = {"format": FORMAT, "version": VERSION, **doc}
    for policy in doc.get("policies", ()):
        policy["changes"] = [_change_first(c) for c in policy["changes"]]
    if "assumptions" in doc:
        doc["assumptions"] = [_change_first(a, _ASSUMPTION_KEYS) for a in doc["assumptions"]]
    if "levers" in doc.get("decisions", {}):
        doc["decisions"]["levers"] = [_change_first(c) for c in doc["decisions"]["levers"]]
    return _clean_floats(doc)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _encode(value: Any, indent: str, out: list[str]) -> None:
    """JSON with two-space indent, except that a list of plain values (a schedule step, a
    profile's multipliers, empirical data) stays on one line."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        out.append("{\n")
        for i, (k, v) in enumerate(value.items()):
            out.append(f"{inner}{json.dumps(k, ensure_ascii=False)}: ")
            _encode(v, inner, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(indent + "}")
    elif isinstance(value, list) and value and not all(_is_scalar(v) for v in value):
        inner = indent + "  "
        out.append("[\n")
        for i, v in enumerate(value):
            out.append(inner)
            _encode(v, inner, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(indent + "]")
    else:
        out.append(json.dumps(value, ensure_ascii=False, allow_nan=False))


def dumps_scenario(scenario: Scenario) -> str:
    """The canonical text of a scenario file: the same scenario always gives the same bytes."""
    out: list[str] = []
    _encode(scenario_to_dict(scenario), "", out)
    out.append("\n")
    return "".join(out)


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
