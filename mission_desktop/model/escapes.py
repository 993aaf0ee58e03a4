"""Untrusted text made safe to show: every invisible character written as a visible escape.

A name or key in a hostile file could otherwise clear the screen or retitle the terminal
(``\\x1b``), overwrite a line (``\\r``), reorder what follows it (bidi overrides such as
``\\u202e``) or hide a difference between two names (a zero-width space). :func:`visible` is
the one function for it — problem places and messages (here in the model) and everything
the command line and the report print (:mod:`mission_desktop.report.text`) — so each shows a
character the same way: Python's escapes (``\\n``, ``\\x1b``, ``\\u202e``, ``\\U000e0001``).
"""

from __future__ import annotations

import unicodedata

#: characters shown escaped although not in a control, format or unassigned category
#: (line and paragraph separators, and the Hangul fillers, which show as nothing)
_INVISIBLE = frozenset("\u2028\u2029\u115f\u1160\u3164\uffa0")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _unsafe(ch: str) -> bool:
    # Cc: C0, DEL and C1 controls; Cf: bidi overrides and isolates, zero-width characters,
    # soft hyphen, BOM; Cs: lone surrogates (they cannot even be encoded to print); Co and
    # Cn: private-use and unassigned code points (nothing says how they show)
    return unicodedata.category(ch)[0] == "C" or ch in _INVISIBLE


def visible(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` (made a string) with every control, format, private-use, unassigned,
    separator and invisible character replaced by its escape; a backslash itself is left
    alone. With ``keep_newlines`` a newline stays a line break (messages of several lines)."""
    s = str(text)
    # fast path: str.isprintable is False for every C* and Z* character but the space
    if s.isprintable() and not any(ch in _INVISIBLE for ch in s):
        return s
    return "".join(
        ch if (keep_newlines and ch == "\n") or not _unsafe(ch) else _escape(ch) for ch in s
    )
