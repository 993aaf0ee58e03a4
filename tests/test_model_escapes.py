"""One way to show untrusted text (model/escapes.py): problem places and messages, what the
command line prints and the from-data wizard's names all escape an invisible character the
same way, in Python's style."""

from __future__ import annotations

import pytest

from mission_desktop.data.text import shown
from mission_desktop.model.errors import Problem, format_path
from mission_desktop.model.escapes import visible
from mission_desktop.report.text import printable


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("plain £ é 漢 a\\b", "plain £ é 漢 a\\b"),  # a backslash itself is left alone
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("\x00\x1b[2J\x7f\x85\x9b", "\\x00\\x1b[2J\\x7f\\x85\\x9b"),
        ("\u202a\u202e\u2066\u2069", "\\u202a\\u202e\\u2066\\u2069"),
        ("\u200b\u200c\u200d\ufeff\xad", "\\u200b\\u200c\\u200d\\ufeff\\xad"),
        ("\u2028\u2029", "\\u2028\\u2029"),  # line and paragraph separators
        ("\u3164\u115f\u1160\uffa0", "\\u3164\\u115f\\u1160\\uffa0"),  # Hangul fillers
        ("\udc80", "\\udc80"),  # a lone surrogate
        ("\ue000", "\\ue000"),  # private use
        ("tag\U000e0001", "tag\\U000e0001"),  # beyond the BMP: eight digits, never five
        ("\xa0non-breaking", "\xa0non-breaking"),  # a visible space stays
    ],
)
def test_every_invisible_character_is_shown_as_its_python_escape(text, escaped):
    assert visible(text) == escaped
    assert printable(text) == escaped  # the command line's and the report's: the same
    assert shown(text, limit=1000) == escaped  # the from-data wizard's: the same


def test_newlines_can_stay_line_breaks_and_anything_is_made_text():
    assert visible("one\ntwo\x1b", keep_newlines=True) == "one\ntwo\\x1b"
    assert printable("one\ntwo", keep_newlines=True) == "one\ntwo"
    assert visible(ValueError("bad\x07")) == "bad\\x07"
    assert shown(None) == "" and shown("x" * 70, limit=10) == "x" * 9 + "…"


def test_a_problem_names_its_place_and_subject_in_the_same_style():
    assert format_path(("services", 0, "x\x1b[2Jkey")) == "services[0].x\\x1b[2Jkey"
    problem = Problem("services[0].capacity", "must be at least 1", subject="A\u202eB")
    assert "A\\u202eB" in problem.place and "\u202e" not in str(problem)
