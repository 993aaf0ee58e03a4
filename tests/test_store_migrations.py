"""Library migrations: each from a blank database and from the schema before it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from mission_desktop.model import dumps_scenario, loads_scenario
from mission_desktop.store import MIGRATIONS, Library, StoreError, applied_migrations, migrate
from mission_desktop.store import migrations as migrations_module

NAMES = [m.__name__ for m in MIGRATIONS]

SCENARIO_JSON = json.dumps(
    {
        "format": "mission-desktop/scenario",
        "version": 1,
        "name": "Old scenario",
        "run": {"horizon": 50},
        "services": [
            {
                "id": "gp",
                "name": "GP surgery",
                "capacity": 3,
                "service_time": {"dist": "exponential", "mean": 1},
            }
        ],
        "cohorts": [{"id": "adults", "name": "Adults", "arrivals": {"rate": 2}, "entry": "gp"}],
    }
)

#: tables and columns each migration leaves behind (cumulative)
EXPECTED_COLUMNS = {
    "m001_initial": {
        "scenarios": {
            "id",
            "uid",
            "name",
            "created_at",
            "updated_at",
            "current_revision_id",
            "deleted_at",
        },
        "revisions": {
            "id",
            "scenario_id",
            "number",
            "created_at",
            "message",
            "content",
            "content_sha256",
            "kind",
        },
        "drafts": {"scenario_id", "content", "updated_at"},
        "runs": {
            "id",
            "scenario_id",
            "revision_id",
            "started_at",
            "finished_at",
            "status",
            "settings",
            "engine_version",
        },
        "results": {"run_id", "summary", "series"},
        "settings": {"key", "value"},
    },
}
EXPECTED_COLUMNS["m002_run_timings_and_indexes"] = {
    **EXPECTED_COLUMNS["m001_initial"],
    "runs": EXPECTED_COLUMNS["m001_initial"]["runs"] | {"timings"},
}
EXPECTED_COLUMNS["m003_scenario_format_v2"] = EXPECTED_COLUMNS["m002_run_timings_and_indexes"]
EXPECTED_COLUMNS["m004_drafts_per_instance"] = {
    **EXPECTED_COLUMNS["m003_scenario_format_v2"],
    "drafts": {"scenario_id", "instance_id", "content", "updated_at"},
    "instances": {"id", "pid", "host", "started_at", "seen_at"},
}


def open_db(path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(sqlite3.connect(path), execute_plugins=False)
    db.conn.execute("PRAGMA foreign_keys = ON")
    return db


def columns(db: sqlite_utils.Database) -> dict[str, set[str]]:
    return {t.name: {c.name for c in t.columns} for t in db.tables if t.name != "_migrations"}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def insert_old_rows(db: sqlite_utils.Database) -> None:
    """Rows as the first schema (m001) knew them: the shape every later schema must keep."""
    content = dumps_scenario(loads_scenario(SCENARIO_JSON))
    sha = hashlib.sha256(content.encode()).hexdigest()
    conn = db.conn
    with conn:
        conn.execute(
            "INSERT INTO scenarios (id, uid, name, created_at, updated_at) "
            "VALUES (1, 'a3c1e0f4-0000-4000-8000-000000000001', 'Old scenario', "
            "'2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO revisions (id, scenario_id, number, created_at, message, content, "
            "content_sha256, kind) VALUES (1, 1, 1, '2024-01-01T00:00:00+00:00', 'first', ?, ?, "
            "'import')",
            [content, sha],
        )
        conn.execute("UPDATE scenarios SET current_revision_id = 1 WHERE id = 1")
        conn.execute(
            "INSERT INTO drafts (scenario_id, content, updated_at) VALUES (1, ?, "
            "'2024-01-02T00:00:00+00:00')",
            [content.replace('"rate": 2', '"rate": 4')],
        )
        conn.execute(
            "INSERT INTO runs (id, scenario_id, revision_id, started_at, finished_at, status, "
            "settings, engine_version) VALUES (1, 1, 1, '2024-01-01T10:00:00+00:00', "
            "'2024-01-01T10:01:00+00:00', 'finished', ?, '0.0.9')",
            [json.dumps({"replications": 3, "seed": 1})],
        )
        conn.execute(
            "INSERT INTO results (run_id, summary, series) VALUES (1, ?, NULL)",
            [json.dumps({"format": "mission-desktop/results", "version": 1})],
        )
        conn.execute("INSERT INTO settings (key, value) VALUES ('examples_imported', 'true')")


def test_migrations_are_ordered_and_named():
    assert len(NAMES) >= 2
    assert len(set(NAMES)) == len(NAMES)
    assert NAMES == sorted(NAMES)  # mNNN_ prefixes keep the order readable
    assert set(EXPECTED_COLUMNS) == set(NAMES), "describe the schema of each new migration"


@pytest.mark.parametrize("upto", range(1, len(MIGRATIONS) + 1))
def test_each_migration_from_a_blank_database(tmp_path, upto):
    db = open_db(tmp_path / "library.sqlite")
    try:
        assert migrate(db, upto=upto) == NAMES[:upto]
        assert applied_migrations(db) == NAMES[:upto]
        assert columns(db) == EXPECTED_COLUMNS[NAMES[upto - 1]]
        assert migrate(db, upto=upto) == []  # idempotent
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


@pytest.mark.parametrize("upto", range(1, len(MIGRATIONS)))
def test_upgrade_from_the_previous_schema_keeps_rows(tmp_path, upto):
    path = tmp_path / "library.sqlite"
    db = open_db(path)
    migrate(db, upto=upto)
    insert_old_rows(db)
    db.close()

    with Library(path) as library:  # opening upgrades the library
        assert applied_migrations(library.db) == NAMES
        assert columns(library.db) == EXPECTED_COLUMNS[NAMES[-1]]
        [record] = library.list_scenarios()
        assert (record.id, record.name, record.revision_number) == (1, "Old scenario", 1)
        assert library.current_scenario(1) == loads_scenario(SCENARIO_JSON)
        [revision] = library.revisions(1)
        assert (revision.kind, revision.message) == ("import", "first")
        draft = library.draft(1)
        assert draft is not None and draft.cohorts[0].arrivals.rate == 4
        last = library.last_run(1)
        assert last is not None
        assert last.settings == {"replications": 3, "seed": 1}
        assert last.results == {"format": "mission-desktop/results", "version": 1}
        assert last.timings == {}  # runs from before m002 have no timings
        assert last.engine_version == "0.0.9"
        assert library.get_setting("examples_imported") is True
        # and the upgraded library keeps working
        assert (
            library.save_revision(
                1, loads_scenario(SCENARIO_JSON.replace('"rate": 2', '"rate": 5'))
            ).number
            == 2
        )
        run_id = library.record_run(1, None, {}, {}, timings={"simulate": 0.5})
        assert library.run(run_id).timings == {"simulate": 0.5}


def test_m002_adds_timings_column_and_indexes(tmp_path):
    db = open_db(tmp_path / "library.sqlite")
    try:
        migrate(db, upto=NAMES.index("m002_run_timings_and_indexes"))
        assert "timings" not in {c.name for c in db["runs"].columns}
        assert migrate(db) == NAMES[NAMES.index("m002_run_timings_and_indexes") :]
        assert "timings" in {c.name for c in db["runs"].columns}
        indexed = {tuple(i.columns) for i in db["runs"].indexes}
        assert ("scenario_id", "started_at") in indexed
        assert ("revision_id",) in indexed
    finally:
        db.close()


def test_migrations_table_records_name_and_time(tmp_path):
    with Library(tmp_path / "library.sqlite") as library:
        rows = list(library.db.query("SELECT name, applied_at FROM _migrations ORDER BY rowid"))
        assert [r["name"] for r in rows] == NAMES
        assert all(r["applied_at"].startswith("20") for r in rows)


def test_newer_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        library.db.execute(
            "INSERT INTO _migrations (name, applied_at) VALUES ('m999_from_the_future', '2030')"
        )
    before = file_digest(path)
    with pytest.raises(StoreError) as info:
        Library(path)
    message = str(info.value)
    assert "newer version of Mission Desktop" in message
    assert "m999_from_the_future" in message
    assert str(path) in message
    assert file_digest(path) == before
    db = open_db(path)
    try:
        with pytest.raises(StoreError, match="newer"):
            migrate(db)
    finally:
        db.close()
    assert file_digest(path) == before


def test_failing_migration_rolls_back_and_is_not_recorded(tmp_path, monkeypatch):
    def m900_broken(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER)")
        raise RuntimeError("power cut in the middle of a migration")

    monkeypatch.setattr(migrations_module, "MIGRATIONS", [*MIGRATIONS, m900_broken])
    db = open_db(tmp_path / "library.sqlite")
    try:
        with pytest.raises(RuntimeError):
            migrate(db)
        assert applied_migrations(db) == NAMES  # the good ones stay applied
        assert not db["half_done"].exists()  # DDL rolled back too
        assert not db.conn.in_transaction
    finally:
        db.close()


def test_duplicate_migration_names_are_refused(monkeypatch):
    monkeypatch.setattr(migrations_module, "MIGRATIONS", list(MIGRATIONS))

    def m001_initial(db: sqlite_utils.Database) -> None:  # same name as the first one
        pass

    with pytest.raises(ValueError, match="two migrations"):
        migrations_module.migration(m001_initial)


def test_m004_keeps_the_old_draft_as_one_of_no_instance(tmp_path):
    path = tmp_path / "library.sqlite"
    db = open_db(path)
    migrate(db, upto=NAMES.index("m004_drafts_per_instance"))
    insert_old_rows(db)
    db.close()
    with Library(path) as library:
        [row] = library.db.execute("SELECT scenario_id, instance_id FROM drafts").fetchall()
        assert row == (1, "")
        # it belongs to no running instance: offered, and cleared by a save
        assert library.draft(1) is not None
        library.save_revision(1, library.draft(1))
        assert library.db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 0
