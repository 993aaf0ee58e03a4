"""Text from a log made safe to show and to use: control characters escaped, ids made."""

from __future__ import annotations

import re
import unicodedata

from ..model.escapes import visible

_ID_START = re.compile(r"^[^a-z]+")
_NOT_ID = re.compile(r"[^a-z0-9]+")


def shown(value: object, limit: int = 60) -> str:
    """``value`` as text for a terminal or a file: control and format characters
    (escape sequences, bidi overrides, NUL) written as escapes (``\\x1b``, ``\\u202e``:
    :func:`~mission_desktop.model.escapes.visible`), cut to ``limit`` characters with an
    ellipsis."""
    text = visible("" if value is None else value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_id(name: str, taken: set[str], fallback: str) -> str:
    """A scenario id (``^[a-z][a-z0-9_]{0,39}$``) for ``name``, unique among ``taken``
    (which it joins)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = _ID_START.sub("", _NOT_ID.sub("_", folded)).strip("_")[:32].rstrip("_") or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate)
    return candidate
