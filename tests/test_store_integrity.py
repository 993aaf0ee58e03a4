"""The library checks its own integrity when it opens (PRAGMA quick_check)."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import EXAMPLE_SCENARIO

from mission_desktop.model import scenario_from_dict
from mission_desktop.store import Library, StoreError


def _damage_an_index(path) -> None:
    """Overwrite the pages of one index with garbage, leaving the tables readable: the kind
    of damage nothing notices until a query happens to use that index."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE INDEX IF NOT EXISTS x_test_damage ON revisions(content)")
    conn.commit()
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'x_test_damage'"
    ).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0d" + b"\xa5" * (page_size - 1))


def test_a_damaged_library_is_refused_at_start_in_plain_words(tmp_path):
    path = tmp_path / "library.sqlite"
    scenario = scenario_from_dict(EXAMPLE_SCENARIO)
    with Library(path) as library:
        for _ in range(30):
            library.add_scenario(scenario)
    _damage_an_index(path)
    # the damage is invisible to an ordinary read of the tables
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 30
    conn.close()
    with pytest.raises(StoreError) as info:
        Library(path)
    message = str(info.value)
    assert "damaged" in message and str(path) in message and "move it aside" in message


def test_a_sound_library_passes_the_check(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        library.add_scenario(scenario_from_dict(EXAMPLE_SCENARIO))
    with Library(path) as library:
        assert len(library.list_scenarios()) == 1
