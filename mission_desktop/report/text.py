"""Text from files made safe to print: control, format and invisible characters shown as
visible escapes, so a name or key in a hostile file cannot clear the screen, retitle the
terminal, write to the clipboard (OSC 52), overwrite a line with a carriage return, reorder
a line with bidi overrides, or hide a difference between two names with a zero-width
character. The escapes are Python's (``\\x1b``, ``\\n``, ``\\u202e``), as problem messages
show them too."""

from __future__ import annotations

import unicodedata

#: characters shown escaped although not in a control or format category
_INVISIBLE = {"\u2028", "\u2029", "\u115f", "\u1160", "\u3164", "\uffa0"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unsafe(ch: str) -> bool:
    # Cc: C0, DEL and C1 controls; Cf: bidi overrides and isolates, zero-width characters,
    # soft hyphen, BOM; Cs: lone surrogates (they cannot even be encoded to print)
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs") or ch in _INVISIBLE


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, format and invisible character replaced by a visible
    escape (``\\x1b``, ``\\n``, ``\\u202e``); a backslash itself is left alone. With
    ``keep_newlines`` a newline stays a line break (for messages of several lines)."""
    s = str(text)
    # fast path: str.isprintable is False for every Cc, Cf, Cs, Zl and Zp character
    if s.isprintable() and not any(ch in _INVISIBLE for ch in s):
        return s
    return "".join(
        ch if (keep_newlines and ch == "\n") or not _unsafe(ch) else _escape(ch) for ch in s
    )
