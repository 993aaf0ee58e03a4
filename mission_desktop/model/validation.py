"""Validating a document against the models, every problem at once, each at its place.

Pydantic's error locations are followed through the models to a path into the document
(its union branch labels dropped); a misspelt field is reported with the closest allowed
name, and validation repeats without it so that it hides no other problem. Validation never
mutates the document.
"""

from __future__ import annotations

import copy
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .distributions import DIST_NAMES
from .errors import Problem, format_path
from .jsonread import MAX_NESTING
from .levers import LEVERS
from .scenario import Scenario
from .typos import UnknownKey, closest, unknown_key_problems
from .wording import describe


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
        message = describe(e, whole=whole, path_tail=loc[-1] if loc else None)
        if place.union_at is not None and place.union_at == len(loc):
            either.setdefault(format_path(loc), []).append(message)
        else:
            problems.append(Problem(format_path(loc), message))
    for path, messages in either.items():
        if len(messages) > 1:
            messages = ['must be a service id or a list of {"to": ..., "p": ...}']
        problems += [Problem(path, m) for m in messages]
    return list(dict.fromkeys(problems)), unknown


def validate(doc: dict[str, Any]) -> tuple[Scenario | None, list[Problem]]:
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
                # a dict (not a file) may hold one object in two places: gone from both
                obj.pop(key, None)
    return None, unknown_key_problems(unknown_keys, [])  # pragma: no cover - nesting is limited
