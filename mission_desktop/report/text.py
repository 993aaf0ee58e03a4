"""Text from files made safe to print: control, format and invisible characters shown as
Python's escapes (``\\x1b``, ``\\n``, ``\\u202e``), so a name or key in a hostile file cannot
clear the screen, retitle the terminal, write to the clipboard (OSC 52), overwrite a line
with a carriage return, reorder a line with bidi overrides, or hide a difference between two
names with a zero-width character. The escaping is the model's
:func:`~mission_desktop.model.escapes.visible` (one function, one style, for the terminal,
the report and problem messages alike)."""

from __future__ import annotations


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """:func:`mission_desktop.model.escapes.visible`. Imported on first use: the command
    line imports this module as it starts and must not load the model for ``--help``."""
    from mission_desktop.model.escapes import visible

    return visible(text, keep_newlines=keep_newlines)
