"""One typo, one problem: a misspelt key is reported once, with the key it was meant to be.

Validation sees a misspelt ``"capactiy": 40`` twice: as a field it does not know and as the
field ``capacity`` that is missing. The two are joined into one problem at the misspelt
key, which suggests the likely spelling ("did you mean 'capacity'?").
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import Problem, format_path

_REQUIRED = "is required"
_CUTOFF = 0.6
#: beyond this many unknown keys (a file that is not a scenario at all), no more spelling
#: suggestions are worked out: each costs a comparison with every field of its object
MAX_SUGGESTED = 1000


def closest(word: str, options: Iterable[str], cutoff: float = _CUTOFF) -> str | None:
    """The option ``word`` most likely misspells (ignoring case), or None."""
    by_lower: dict[str, str] = {}
    for o in options:
        by_lower.setdefault(o.lower(), o)
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[found[0]] if found else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'hospital'?)`` when ``word`` is close to one of ``options`` (ids:
    closer than for field names, which are short and few)."""
    match = closest(word, options, cutoff=0.75)
    return f" (did you mean '{match}'?)" if match is not None and match != word else ""


@dataclass(frozen=True, slots=True)
class UnknownKey:
    loc: tuple[Any, ...]  #: the place of the object holding the key
    key: str
    allowed: tuple[str, ...]  #: the fields of that object


def _message(suggestion: str | None, allowed: Sequence[str]) -> str:
    hint = f"did you mean '{suggestion}'? " if suggestion else "check the spelling "
    return (
        f"is an unknown field: {hint}(allowed here: {', '.join(allowed)}), "
        "or put your own data under a key starting with x_"
    )


def unknown_key_problems(unknown: Sequence[UnknownKey], problems: list[Problem]) -> list[Problem]:
    """``problems`` with one problem per unknown key; an unknown key and a missing field of
    the same object that it misspells (or the only such pair there) become one problem."""
    required_at: dict[str, tuple[tuple[Any, ...], str]] = {}  # path → (object loc, field)
    for loc, allowed in {u.loc: u.allowed for u in unknown}.items():
        for f in allowed:
            required_at[format_path(loc + (f,))] = (loc, f)
    missing: dict[tuple[Any, ...], dict[str, int]] = {}  # object loc → missing field → index
    for i, p in enumerate(problems):
        if p.message == _REQUIRED and p.path in required_at:
            loc, f = required_at[p.path]
            missing.setdefault(loc, {})[f] = i
    by_loc: dict[tuple[Any, ...], list[UnknownKey]] = {}
    for u in unknown:
        by_loc.setdefault(u.loc, []).append(u)
    dropped: set[int] = set()
    out: list[Problem] = []
    for loc, keys in by_loc.items():
        absent = dict(missing.get(loc, {}))
        for u in keys:
            meant = closest(u.key, absent) if absent else None
            if meant is None and len(keys) == 1 and len(absent) == 1:
                meant = next(iter(absent))  # the only typo here and the only gap
            if meant is not None:
                dropped.add(absent.pop(meant))
            elif len(out) < MAX_SUGGESTED:
                meant = closest(u.key, u.allowed)
            out.append(Problem(format_path(loc + (u.key,)), _message(meant, u.allowed)))
    return out + [p for i, p in enumerate(problems) if i not in dropped]
