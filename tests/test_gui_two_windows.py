"""Two Mission Desktop windows (two app instances) on the same scenario: a save over a
revision the other saved meanwhile asks first, and each keeps its own autosaved draft."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

import test_gui_main as main_fixtures  # noqa: E402
from conftest import example_scenario  # noqa: E402

from mission_desktop.store import Library  # noqa: E402

_fake_run_view = main_fixtures._fake_run_view
_restore_app_font = main_fixtures._restore_app_font
data_dir = main_fixtures.data_dir
library = main_fixtures.library
prompts = main_fixtures.prompts
make_window = main_fixtures.make_window


def set_rate(window, rate: float) -> None:
    def change(doc):
        doc["cohorts"][0]["arrivals"]["rate"] = rate

    assert not window.document.edit(change, "Set the rate")


@pytest.fixture
def pair(make_window, library, tmp_path: Path):
    """Windows A and B, each with its own Library on one file, showing one scenario."""
    path = tmp_path / "example.mission.json"
    path.write_text(json.dumps(example_scenario()), encoding="utf-8")
    other = Library(library.path)
    a = make_window(library)
    b = make_window(other)
    sid = a.open_file(path)
    assert sid is not None and b.open_scenario(sid)
    yield a, b, sid
    other.close()


def rate_of(lib: Library, sid: int) -> float:
    return lib.current_scenario(sid).cohorts[0].arrivals.rate


def test_saving_over_the_other_windows_save_asks(pair, monkeypatch):
    a, b, sid = pair
    set_rate(b, 7)
    assert b.save()
    set_rate(a, 9)
    asked: list[str] = []
    answer = {"value": "cancel"}
    monkeypatch.setattr(a, "ask_stale_save", lambda name: asked.append(name) or answer["value"])
    assert not a.save()  # cancelled: nothing written, still unsaved
    assert asked == [a.scenario.name]
    assert rate_of(a.library, sid) == 7 and a.is_modified()
    answer["value"] = "anyway"
    assert a.save()
    assert rate_of(a.library, sid) == 9 and not a.is_modified()
    numbers = [r.number for r in a.library.revisions(sid)]
    assert numbers == [1, 2, 3]  # b's revision 2 stays in the history
    # A's next save starts from its own revision: no question
    set_rate(a, 10)
    assert a.save() and len(asked) == 2  # asked for the cancelled save and "anyway" only


def test_save_as_a_copy_instead(pair, monkeypatch, prompts):
    a, b, sid = pair
    set_rate(b, 7)
    assert b.save()
    set_rate(a, 9)
    monkeypatch.setattr(a, "ask_stale_save", lambda name: "copy")
    prompts.text = "My copy"
    assert a.save()
    assert rate_of(a.library, sid) == 7  # theirs is untouched
    assert a.scenario_id != sid and a.scenario.name == "My copy"
    assert rate_of(a.library, a.scenario_id) == 9


def test_own_saves_restore_and_rename_do_not_ask(pair, monkeypatch):
    a, _b, sid = pair
    monkeypatch.setattr(a, "ask_stale_save", lambda name: pytest.fail("asked"))
    set_rate(a, 7)
    assert a.save()
    assert a.rename_scenario(sid, "Renamed here")
    first = a.library.revisions(sid)[0].id
    assert a.restore_revision(sid, first)
    set_rate(a, 8)
    assert a.save()


def test_each_window_keeps_its_own_draft(pair, prompts):
    a, b, sid = pair
    set_rate(a, 7)
    assert a.autosave_now()
    set_rate(b, 8)
    assert b.autosave_now()
    assert a.library.draft(sid).cohorts[0].arrivals.rate == 7
    assert b.library.draft(sid).cohorts[0].arrivals.rate == 8
    # B saves: A's unsaved edits are still autosaved
    assert b.save()
    assert a.library.draft(sid).cohorts[0].arrivals.rate == 7
    # a third window while A runs is not offered A's draft
    prompts.asked.clear()
    third = Library(a.library.path)
    try:
        assert third.draft(sid) is None
    finally:
        third.close()
    assert "recover" not in prompts.names()
