"""A pydantic validation error in words a civil servant can act on: "must be a whole
number ≥ 1", "is a probability: it must be between 0 and 1", never the library's jargon."""

from __future__ import annotations

from typing import Any

from .base import MIN_POSITIVE

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


def describe(err: dict[str, Any], whole: bool = False, path_tail: Any = None) -> str:
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
