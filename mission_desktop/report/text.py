"""Text from a file, made safe to print: control characters shown, not obeyed.

A scenario's names are free text from whoever sent the file. Printed as they are, an escape
sequence could rewrite the terminal, a carriage return overwrite a line, a bidi override
reverse what the reader sees, or a zero-width character hide a difference between two names.
"""

from __future__ import annotations

import re

#: C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, zero-width characters
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(s: str) -> str:
    """``s`` with every control, bidi-override and zero-width character as a visible escape
    (``\\x1b``, ``\\n``, ``\\u202e``); a backslash itself is left alone."""
    return _UNSAFE.sub(_escape, str(s))
