"""Text from files made safe to print: control, format and invisible characters shown as
visible escapes, so a name or key in a hostile file cannot clear the screen, retitle the
terminal, write to the clipboard (OSC 52) or reorder a line with bidi overrides."""

from __future__ import annotations

import unicodedata

#: characters that are shown as ``<U+XXXX>`` although not in a control or format category
_INVISIBLE = {"\u2028", "\u2029", "\u115f", "\u1160", "\u3164", "\uffa0"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def _unsafe(ch: str) -> bool:
    # Cc: C0, DEL and C1 controls; Cf: bidi overrides and isolates, zero-width characters,
    # soft hyphen, BOM; Cs: lone surrogates (they cannot even be encoded to print)
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs") or ch in _INVISIBLE


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, format and invisible character replaced by a visible
    escape (``\\x1b``, ``<U+202E>``). With ``keep_newlines`` a ``\\n`` stays a line break
    (for whole messages made of several lines); otherwise it is shown as ``\\x0a``."""
    s = str(text)
    # fast path: str.isprintable is False for every Cc, Cf, Cs, Zl and Zp character
    if s.isprintable() and not any(ch in _INVISIBLE for ch in s):
        return s
    return "".join(
        ch if (keep_newlines and ch == "\n") or not _unsafe(ch) else _escape(ch) for ch in s
    )
