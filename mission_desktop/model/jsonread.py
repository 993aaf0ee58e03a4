"""Guarded JSON reading for untrusted files: size, encoding, nesting, NaN/Infinity,
duplicate keys and absurdly long numbers are refused with the place they occur."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from .errors import Problem, ScenarioError, format_path, named, visible

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NESTING = 64


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


class _Refused(ValueError):
    """A refusal of the JSON parser's: ``kind`` is ``constant``, ``duplicate`` or ``digits``."""

    def __init__(self, kind: str, value: str):
        super().__init__(kind, value)
        self.kind, self.value = kind, value


def _refuse_constant(name: str) -> Any:
    raise _Refused("constant", name)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Refused("duplicate", k)
        out[k] = v
    return out


def _max_digits() -> int:
    return sys.get_int_max_str_digits() or 4300


#: the tokens of JSON text that matter for finding a place: strings (so that nothing inside
#: one is taken for a token), the constants JSON does not allow, numbers and punctuation
_TOKEN = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[{}\[\],:]'
)


def _line_column(text: str, pos: int) -> str:
    """The place of ``pos`` in ``text`` as JSON errors give it (both counted from 1)."""
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    return f"line {line}, column {column}"


def _refused_place(text: str, kind: str) -> tuple[int, str, tuple[Any, ...]] | None:
    """Where the parser's first refusal of ``kind`` is: the position, the token there (for
    a duplicate key, the key's second appearance and the key) and the path of the field it
    is in. The parser gives no position for these, so the text is scanned again (only ever
    after a refusal)."""
    # per open container: [keys seen, want a key, current key] or [None, index]
    frames: list[list[Any]] = []

    def path() -> tuple[Any, ...]:
        return tuple(f[2] if f[0] is not None else f[1] for f in frames)

    for m in _TOKEN.finditer(text):
        token = m.group()
        top = frames[-1] if frames else None
        if kind == "constant" and token in ("NaN", "Infinity", "-Infinity"):
            return m.start(), token, path()
        if kind == "digits" and token.lstrip("-").isdigit():
            if len(token.lstrip("-")) > _max_digits():
                return m.start(), token, path()
        if token == "{":
            frames.append([set(), True, None])
        elif token == "[":
            frames.append([None, 0])
        elif token in "]}":
            if frames:
                frames.pop()
        elif top is None:
            continue
        elif token == ",":
            if top[0] is None:
                top[1] += 1
            else:
                top[1] = True
        elif token.startswith('"') and top[0] is not None and top[1]:
            top[1] = False
            key = json.loads(token)
            top[2] = key
            if kind == "duplicate" and key in top[0]:
                return m.start(), key, path()
            top[0].add(key)
    return None


def _field(loc: tuple[Any, ...], text: str, where: str) -> Problem:
    """A problem at ``loc`` naming what the file's own names say is there."""
    try:  # read leniently (NaN and repeats allowed), only to find the names
        doc = json.loads(text)
    except (ValueError, RecursionError):
        doc = None
    return named([Problem(format_path(loc), where)], doc)[0]


def _refusal(text: str, refused: _Refused) -> Problem:
    place = _refused_place(text, refused.kind)
    where = _line_column(text, place[0]) if place else "(file)"
    value = place[1] if place else refused.value
    loc = place[2] if place else ()
    if refused.kind == "constant":
        message = f"{value} is not a number JSON allows ({where}); write a finite number"
    elif refused.kind == "duplicate":
        loc = loc[:-1]
        message = f"the key '{visible(value)}' appears twice in one object ({where}); keep one"
    else:
        return Problem(
            where,
            f"this number is {len(value.lstrip('-'))} digits long; "
            f"a number may have at most {_max_digits()} digits",
        )
    if not loc:
        return Problem(where, message.replace(f" ({where})", ""))
    problem = _field(loc, text, message)
    return problem


def _size(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.1f} KB".replace(".0 KB", " KB")
    return f"{n} bytes"


def _precise(n: int) -> str:
    """``20.3 MB (21,288,960 bytes)``: rounded for reading, exact for comparing."""
    return f"{_size(n)} ({n:,} bytes)" if n >= 1024 else _size(n)


def too_big_message(n: int) -> str:
    return (
        f"is {_precise(n)}; the limit is {_precise(MAX_FILE_BYTES)} "
        "(is this really a scenario file?)"
    )


def written_size_problem(text: str) -> Problem | None:
    """The one limit holds for what a scenario becomes as well as for the file it came from:
    its canonical text (indented, so larger than a compact file) must fit too."""
    n = len(text.encode("utf-8", "surrogatepass"))
    if n <= MAX_FILE_BYTES:
        return None
    return Problem(
        "(file)",
        f"would be {_precise(n)} when written out (two-space indented, as Mission Desktop "
        f"saves it); the limit is {_precise(MAX_FILE_BYTES)}. Make the scenario smaller, "
        "e.g. shorten its empirical value lists",
    )


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    "(file)",
                    too_big_message(len(data)),
                )
            ]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ScenarioError(
            [
                Problem(
                    "(file)",
                    f"is not UTF-8 text (the first wrong character is on line {line}); "
                    "save it again choosing the UTF-8 encoding",
                )
            ]
        ) from None


def parse_json(data: bytes | str) -> Any:
    """Guarded JSON parse: size, encoding, nesting, NaN/Infinity and duplicate keys refused."""
    text = _decode(data)
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ScenarioError(
            [Problem("(file)", too_big_message(len(text.encode("utf-8", "surrogatepass"))))]
        )
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
    except _Refused as e:
        raise ScenarioError([_refusal(text, e)]) from None
    except ValueError as e:  # Python's limit on the digits of a whole number
        if _refused_place(text, "digits") is None:
            raise ScenarioError([Problem("(file)", f"cannot be read: {e}")]) from None
        raise ScenarioError([_refusal(text, _Refused("digits", ""))]) from None
    except RecursionError:
        raise ScenarioError([Problem("(file)", "is nested too deeply")]) from None
