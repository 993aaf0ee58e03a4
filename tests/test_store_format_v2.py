"""Library migration m003: stored version-1 scenarios move to format version 2 and stay
readable; anything the migration cannot vouch for is left as it was."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import sqlite_utils

from mission_desktop.model import dumps_scenario, loads_scenario
from mission_desktop.store import MIGRATIONS, Library, migrate

NAMES = [m.__name__ for m in MIGRATIONS]
BEFORE = NAMES.index("m003_scenario_format_v2")
V1_FILE = Path(__file__).resolve().parent / "fixtures" / "v1" / "hospital_discharge.mission.json"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _old_library(path: Path, contents: list[str], draft: str) -> None:
    """A library at the schema before m003, holding version-1 texts as that build wrote."""
    db = sqlite_utils.Database(sqlite3.connect(path), execute_plugins=False)
    migrate(db, upto=BEFORE)
    with db.conn:
        db.conn.execute(
            "INSERT INTO scenarios (id, uid, name, created_at, updated_at) VALUES "
            "(1, 'u1', 'Old', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
        )
        for number, content in enumerate(contents, start=1):
            db.conn.execute(
                "INSERT INTO revisions (scenario_id, number, created_at, content, "
                "content_sha256, kind) VALUES (1, ?, '2024-01-01T00:00:00+00:00', ?, ?, 'save')",
                [number, content, _sha(content)],
            )
        db.conn.execute("UPDATE scenarios SET current_revision_id = ? WHERE id = 1", [1])
        db.conn.execute(
            "INSERT INTO drafts (scenario_id, content, updated_at) VALUES (1, ?, '2024-01-02')",
            [draft],
        )
    db.close()


def test_v1_revisions_are_upgraded_and_stay_readable(tmp_path: Path) -> None:
    v1 = V1_FILE.read_text(encoding="utf-8")
    assert json.loads(v1)["version"] == 1
    not_canonical = json.dumps(json.loads(v1))  # one line: left as it is
    path = tmp_path / "library.sqlite"
    _old_library(path, [v1, not_canonical], draft=v1.replace('"seed": 20240401', '"seed": 7'))
    with Library(path) as library:
        scenario = loads_scenario(v1)
        assert library.current_scenario(1) == scenario
        rows = library.db.execute(
            "SELECT number, content, content_sha256 FROM revisions ORDER BY number"
        ).fetchall()
        (_, first, first_sha), (_, second, second_sha) = rows
        assert first == dumps_scenario(scenario), "now the canonical version-2 text"
        assert first_sha == _sha(first)
        assert second == not_canonical and second_sha == _sha(not_canonical)
        assert loads_scenario(second) == scenario  # still readable through the upgrade
        draft = library.db.execute("SELECT content FROM drafts").fetchone()[0]
        assert json.loads(draft)["version"] == 2
        # saving the unchanged scenario adds no revision: its text matches the stored one
        before = len(library.revisions(1))
        library.save_revision(1, scenario)
        assert len(library.revisions(1)) == before


def test_content_the_migration_cannot_vouch_for_is_untouched() -> None:
    from mission_desktop.store.migrations import _v1_content_as_v2

    v1 = V1_FILE.read_text(encoding="utf-8")
    assert _v1_content_as_v2(v1) == v1.replace('  "version": 1,', '  "version": 2,', 1)
    for text in ("not json", "[]", '{"format": "other", "version": 1}', v1.replace("1,", "2,", 1)):
        assert _v1_content_as_v2(text) is None
