"""Hostile text and values in an untrusted file, refused with the place named.

- Names (of the scenario, services, cohorts, policies, variants, departments) may hold no
  control, format (zero-width, bidi override) or line/paragraph separator character: a
  name that looks like another ("Care homes" with a zero-width space) would pass for it.
- Descriptions may hold newlines and tabs, but no other control character and no bidi
  embedding, override or isolate (which reorder the text shown after them).
- Nowhere in the file may a string hold a lone surrogate (``"\\udc80"``: not a character,
  it cannot be written as UTF-8), nor, under ``ui`` or an ``x_`` key, a number too large to
  be finite (``1e400``).
- ``ui.layout`` is what the map reads: an object of service id → ``[x, y]``, two finite
  numbers of at most 1e9 in size.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from .errors import Problem, format_path, visible

#: bidi embeddings, overrides and isolates: they reorder the text displayed after them
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: the largest coordinate of a service on the map
MAX_COORDINATE = 1e9


def _describe_char(ch: str, at: int) -> str:
    name = unicodedata.name(ch, "")
    code = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
    return f"{code} at character {at + 1}"


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def plain_name(value: str) -> str:
    """Refuse a name holding an invisible or control character (surrogates are reported,
    wherever they are, by :func:`hostile_values`)."""
    for i, ch in enumerate(value):
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Zl", "Zp"):  # (unassigned ones may be assigned later)
            raise ValueError(
                f"contains an invisible or control character ({_describe_char(ch, i)}); "
                "remove it: a name must show every character it holds"
            )
    return value


def plain_description(value: str) -> str:
    """Refuse control characters other than newline, tab and carriage return, and bidi
    embeddings, overrides and isolates."""
    for i, ch in enumerate(value):
        if ch in BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"):
            raise ValueError(
                f"contains a control character ({_describe_char(ch, i)}); remove it "
                "(newlines and tabs are fine)"
            )
    return value


def _surrogate_problem(text: str, loc: tuple[Any, ...], what: str) -> Problem | None:
    for i, ch in enumerate(text):
        if _is_surrogate(ch):
            return Problem(
                format_path(loc),
                f"{what} a lone surrogate (\\u{ord(ch):04x} at character {i + 1}): it is not "
                "a character and cannot be saved; the file is damaged there, retype that text",
            )
    return None


def hostile_values(doc: Any) -> list[Problem]:
    """Lone surrogates anywhere in ``doc`` (keys and values), and numbers that are not
    finite under ``ui`` or an ``x_`` key (the models refuse them everywhere else)."""
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[Any, ...], bool]] = [(doc, (), False)]
    while stack:
        node, loc, free = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                key = str(k)
                p = _surrogate_problem(key, loc + (visible(key),), "this key holds")
                if p is not None:
                    problems.append(p)
                inner_free = free or key.startswith("x_") or (loc == () and key == "ui")
                if loc == ("ui",) and key == "layout":
                    inner_free = False  # layout_problems says what a layout must hold
                stack.append((v, loc + (visible(key),), inner_free))
        elif isinstance(node, list | tuple):
            stack.extend((v, loc + (i,), free) for i, v in enumerate(node))
        elif isinstance(node, str):
            p = _surrogate_problem(node, loc, "holds")
            if p is not None:
                problems.append(p)
        elif free and isinstance(node, float) and not math.isfinite(node):
            problems.append(
                Problem(format_path(loc), "is too large to be a number; write a finite number")
            )
    return problems[::-1]


def _is_coordinate(v: Any) -> bool:
    return (
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and abs(v) <= MAX_COORDINATE  # False for inf and NaN, and safe for huge whole numbers
    )


def layout_problems(doc: Any) -> list[Problem]:
    """``ui.layout`` must be an object of service id → [x, y] (ids of services no longer
    in the file are allowed: the map ignores them)."""
    ui = doc.get("ui") if isinstance(doc, dict) else None
    if not isinstance(ui, dict) or "layout" not in ui:
        return []
    layout = ui["layout"]
    if not isinstance(layout, dict):
        return [Problem("ui.layout", "must be an object {service id: [x, y], ...}")]
    return [
        Problem(
            format_path(("ui", "layout", visible(str(sid)))),
            f"must be [x, y]: two numbers between -{MAX_COORDINATE:,.0f} and "
            f"{MAX_COORDINATE:,.0f} (the service's place on the map)",
        )
        for sid, pos in layout.items()
        if not (isinstance(pos, list | tuple) and len(pos) == 2 and all(map(_is_coordinate, pos)))
    ]
