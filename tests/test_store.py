"""The local library: scenarios, revisions, drafts, runs, examples and plain-words errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mission_desktop.model import Scenario, loads_scenario
from mission_desktop.store import (
    ENV_DATA_DIR,
    EXAMPLES_FLAG,
    Library,
    ScenarioNotFound,
    StoreError,
    data_dir,
    ensure_examples,
)
from mission_desktop.store import connection as connection_module

ROOT = Path(__file__).resolve().parents[1]


def make_scenario(name: str = "Test scenario", rate: float = 1.5, capacity: int = 2) -> Scenario:
    return loads_scenario(
        json.dumps(
            {
                "format": "mission-desktop/scenario",
                "version": 1,
                "name": name,
                "run": {"horizon": 100},
                "services": [
                    {
                        "id": "gp",
                        "name": "GP surgery",
                        "capacity": capacity,
                        "service_time": {"dist": "exponential", "mean": 1},
                    }
                ],
                "cohorts": [
                    {"id": "adults", "name": "Adults", "arrivals": {"rate": rate}, "entry": "gp"}
                ],
            }
        )
    )


@pytest.fixture
def lib(tmp_path: Path):
    with Library(tmp_path / "library.sqlite") as library:
        yield library


# --------------------------------------------------------------------------- opening


def test_data_dir_respects_environment_variable(tmp_path, monkeypatch):
    target = tmp_path / "somewhere" / "data"
    monkeypatch.setenv(ENV_DATA_DIR, str(target))
    assert data_dir() == target
    assert target.is_dir()
    with Library() as library:
        assert library.path == target / "library.sqlite"
    assert (target / "library.sqlite").is_file()


def test_data_dir_defaults_to_platform_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    calls = []

    def fake_user_data_dir(appname, appauthor):
        calls.append((appname, appauthor))
        return str(tmp_path / "platform")

    monkeypatch.setattr(connection_module.platformdirs, "user_data_dir", fake_user_data_dir)
    assert data_dir() == tmp_path / "platform"
    assert (tmp_path / "platform").is_dir()
    assert calls == [("Mission Desktop", "Mission Desktop")]


def test_wal_foreign_keys_and_synchronous_normal(lib):
    conn = lib.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_wal_persists_in_the_file(tmp_path):
    path = tmp_path / "library.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_parent_folders_are_created(tmp_path):
    with Library(tmp_path / "a" / "b" / "library.sqlite") as library:
        assert library.list_scenarios() == []


def test_non_database_file_gives_store_error_naming_the_file(tmp_path):
    path = tmp_path / "notes.sqlite"
    content = b"These are my meeting notes, not a database.\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        Library(path)
    message = str(info.value)
    assert str(path) in message
    assert "not a Mission Desktop library" in message
    assert path.read_bytes() == content  # never touched


def test_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a Mission Desktop library"):
        Library(path)
    assert path.read_bytes() == before


def test_folder_instead_of_file_gives_store_error(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Library(tmp_path)


def test_store_imports_no_qt():
    code = (
        "import sys, mission_desktop.store\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --------------------------------------------------------------------------- scenarios


def test_add_scenario_makes_revision_one(lib):
    scenario = make_scenario()
    record = lib.add_scenario(scenario)
    assert record.name == "Test scenario"
    assert record.revision_number == 1
    assert uuid.UUID(record.uid).version == 4
    [revision] = lib.revisions(record.id)
    assert (revision.number, revision.kind, revision.scenario_id) == (1, "import", record.id)
    assert lib.current_scenario(record.id) == scenario
    assert lib.load_revision(revision.id) == scenario
    assert lib.current_revision(record.id) == revision


def test_revision_numbers_count_per_scenario(lib):
    a = lib.add_scenario(make_scenario("A"))
    b = lib.add_scenario(make_scenario("B"))
    lib.save_revision(a.id, make_scenario("A", rate=2))
    r3 = lib.save_revision(a.id, make_scenario("A", rate=3), message="more demand")
    lib.save_revision(b.id, make_scenario("B", rate=2))
    assert [r.number for r in lib.revisions(a.id)] == [1, 2, 3]
    assert [r.number for r in lib.revisions(b.id)] == [1, 2]
    assert (r3.number, r3.kind, r3.message) == (3, "save", "more demand")
    assert lib.get_scenario(a.id).revision_number == 3
    assert lib.current_scenario(a.id).cohorts[0].arrivals.rate == 3
    assert lib.load_revision(lib.revisions(a.id)[0].id).cohorts[0].arrivals.rate == 1.5


def test_identical_content_adds_no_revision(lib):
    record = lib.add_scenario(make_scenario())
    before = lib.get_scenario(record.id)
    again = lib.save_revision(record.id, make_scenario())
    assert again.number == 1
    assert len(lib.revisions(record.id)) == 1
    assert lib.get_scenario(record.id).updated_at == before.updated_at


def test_save_updates_name_and_time(lib):
    record = lib.add_scenario(make_scenario("Old name"))
    lib.save_revision(record.id, make_scenario("New name"))
    updated = lib.get_scenario(record.id)
    assert updated.name == "New name"
    assert updated.updated_at > record.updated_at


def test_restore_adds_a_revision_and_keeps_history(lib):
    record = lib.add_scenario(make_scenario(rate=1))
    first = lib.revisions(record.id)[0]
    lib.save_revision(record.id, make_scenario(rate=2))
    restored = lib.restore_revision(record.id, first.id)
    assert (restored.number, restored.kind) == (3, "restore")
    assert restored.message == "Restored revision 1"
    assert restored.content_sha256 == first.content_sha256
    assert lib.current_scenario(record.id) == make_scenario(rate=1)
    assert [r.number for r in lib.revisions(record.id)] == [1, 2, 3]
    assert lib.load_revision(lib.revisions(record.id)[1].id) == make_scenario(rate=2)
    # restoring what is already current adds nothing
    assert lib.restore_revision(record.id, first.id).number == 3


def test_restore_refuses_another_scenarios_revision(lib):
    a = lib.add_scenario(make_scenario("A"))
    b = lib.add_scenario(make_scenario("B"))
    with pytest.raises(StoreError, match="another scenario"):
        lib.restore_revision(a.id, lib.revisions(b.id)[0].id)


def test_replace_scenario_adds_an_import_revision(lib):
    record = lib.add_scenario(make_scenario())
    revision = lib.replace_scenario(record.id, make_scenario(capacity=5))
    assert (revision.number, revision.kind) == (2, "import")
    assert lib.current_scenario(record.id).services[0].capacity == 5


def test_list_scenarios_most_recent_first_and_soft_delete(lib):
    a = lib.add_scenario(make_scenario("A"))
    b = lib.add_scenario(make_scenario("B"))
    c = lib.add_scenario(make_scenario("C"))
    assert [r.id for r in lib.list_scenarios()] == [c.id, b.id, a.id]
    lib.save_revision(a.id, make_scenario("A", rate=9))
    assert [r.id for r in lib.list_scenarios()] == [a.id, c.id, b.id]
    lib.delete_scenario(c.id)
    assert [r.id for r in lib.list_scenarios()] == [a.id, b.id]
    # soft: history still there, and it can come back
    assert len(lib.revisions(c.id)) == 1
    lib.undelete_scenario(c.id)
    assert {r.id for r in lib.list_scenarios()} == {a.id, b.id, c.id}


def test_find_by_name(lib):
    a = lib.add_scenario(make_scenario("Hospital discharge"))
    lib.add_scenario(make_scenario("Housing"))
    d = lib.add_scenario(make_scenario("hospital DISCHARGE"))
    assert {r.id for r in lib.find_by_name("Hospital discharge")} == {a.id, d.id}
    assert [r.id for r in lib.find_by_name("  hospital discharge ")][0] == d.id
    assert lib.find_by_name("Hospital") == []
    lib.delete_scenario(a.id)
    assert [r.id for r in lib.find_by_name("Hospital discharge")] == [d.id]


def test_rename_saves_a_revision_and_keeps_the_draft(lib):
    record = lib.add_scenario(make_scenario("Before"))
    lib.save_draft(record.id, make_scenario("Before", rate=4))
    revision = lib.rename_scenario(record.id, "  After  ")
    assert revision.number == 2
    assert lib.get_scenario(record.id).name == "After"
    assert lib.current_scenario(record.id).name == "After"
    draft = lib.draft(record.id)
    assert draft is not None
    assert (draft.name, draft.cohorts[0].arrivals.rate) == ("After", 4)


def test_rename_to_nothing_is_refused(lib):
    record = lib.add_scenario(make_scenario())
    with pytest.raises(StoreError, match="needs a name"):
        lib.rename_scenario(record.id, "   ")
    assert len(lib.revisions(record.id)) == 1


def test_unknown_ids_are_store_errors(lib):
    with pytest.raises(ScenarioNotFound):
        lib.current_scenario(42)
    with pytest.raises(ScenarioNotFound):
        lib.load_revision(42)
    with pytest.raises(ScenarioNotFound):
        lib.save_revision(42, make_scenario())
    with pytest.raises(ScenarioNotFound):
        lib.save_draft(42, make_scenario())
    with pytest.raises(ScenarioNotFound):
        lib.run(42)
    assert issubclass(ScenarioNotFound, StoreError)


def test_bad_revision_kind_is_refused(lib):
    with pytest.raises(ValueError, match="kind"):
        lib.add_scenario(make_scenario(), kind="sneaky")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- atomic writes


def test_failed_write_leaves_nothing_half_written(lib, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(Library, "_insert_revision", staticmethod(broken))
    with pytest.raises(RuntimeError):
        lib.add_scenario(make_scenario())
    monkeypatch.undo()
    assert lib.db.execute("SELECT COUNT(*) FROM scenarios").fetchone()[0] == 0
    assert lib.is_empty()
    assert not lib.db.conn.in_transaction
    lib.add_scenario(make_scenario())
    assert len(lib.list_scenarios()) == 1


def test_disk_full_is_a_plain_message_and_last_revision_is_safe(lib):
    record = lib.add_scenario(make_scenario())
    pages = lib.db.conn.execute("PRAGMA page_count").fetchone()[0]
    lib.db.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    huge = loads_scenario(
        json.dumps(
            {
                "format": "mission-desktop/scenario",
                "version": 1,
                "name": "Test scenario",
                "description": "x" * 90_000,
                "run": {"horizon": 100},
                "services": [
                    {
                        "id": "gp",
                        "name": "GP surgery",
                        "capacity": 2,
                        "service_time": {"dist": "exponential", "mean": 1},
                    }
                ],
                "cohorts": [
                    {"id": "adults", "name": "Adults", "arrivals": {"rate": 1.5}, "entry": "gp"}
                ],
            }
        )
    )
    with pytest.raises(StoreError, match="the disk is full; your last saved revision is safe"):
        lib.save_revision(record.id, huge)
    assert len(lib.revisions(record.id)) == 1
    assert lib.current_scenario(record.id) == make_scenario()
    assert not lib.db.conn.in_transaction


def test_busy_library_gives_store_error_then_recovers(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library(path, timeout=0.05) as library:
        record = library.add_scenario(make_scenario())
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreError, match="busy"):
                library.save_revision(record.id, make_scenario(rate=3))
            # reading still works while another window writes (WAL)
            assert library.current_scenario(record.id) == make_scenario()
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert library.save_revision(record.id, make_scenario(rate=3)).number == 2


# --------------------------------------------------------------------------- drafts


def test_draft_round_trip_and_save_clears_it(lib):
    record = lib.add_scenario(make_scenario())
    assert lib.draft(record.id) is None
    lib.save_draft(record.id, make_scenario(rate=2))
    lib.save_draft(record.id, make_scenario(rate=3))  # upsert: one draft per scenario
    assert lib.db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 1
    assert lib.draft(record.id) == make_scenario(rate=3)
    assert lib.draft_updated_at(record.id) is not None
    assert [r.id for r in lib.scenarios_with_drafts()] == [record.id]
    assert len(lib.revisions(record.id)) == 1  # drafts are not revisions
    lib.save_revision(record.id, make_scenario(rate=3))
    assert lib.draft(record.id) is None
    assert lib.draft_updated_at(record.id) is None
    assert lib.scenarios_with_drafts() == []


def test_draft_equal_to_current_revision_is_not_offered(lib):
    record = lib.add_scenario(make_scenario())
    lib.save_draft(record.id, make_scenario())
    assert lib.draft(record.id) is None
    assert lib.scenarios_with_drafts() == []


def test_identical_save_still_clears_the_draft(lib):
    record = lib.add_scenario(make_scenario())
    lib.save_draft(record.id, make_scenario(rate=7))
    lib.save_revision(record.id, make_scenario())
    assert lib.draft_updated_at(record.id) is None


def test_unreadable_draft_is_ignored(lib):
    record = lib.add_scenario(make_scenario())
    lib.save_draft(record.id, make_scenario(rate=2))
    lib.db.execute("UPDATE drafts SET content = ? WHERE scenario_id = ?", ["{not json", record.id])
    assert lib.draft(record.id) is None


def test_discard_draft(lib):
    record = lib.add_scenario(make_scenario())
    lib.save_draft(record.id, make_scenario(rate=2))
    lib.discard_draft(record.id)
    assert lib.draft(record.id) is None
    assert lib.current_scenario(record.id) == make_scenario()


def test_draft_survives_close_without_saving(tmp_path):
    path = tmp_path / "library.sqlite"
    library = Library(path)
    record = library.add_scenario(make_scenario())
    library.save_draft(record.id, make_scenario(rate=5))
    library.close()  # the user quits (or the app dies) without saving
    with Library(path) as reopened:
        assert reopened.draft(record.id) == make_scenario(rate=5)
        assert reopened.current_scenario(record.id) == make_scenario()


def test_draft_survives_a_crash_in_another_process(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        record = library.add_scenario(make_scenario())
    script = textwrap.dedent(
        f"""
        import json, os
        from mission_desktop.model import loads_scenario
        from mission_desktop.store import Library
        doc = {{
            "format": "mission-desktop/scenario", "version": 1, "name": "Test scenario",
            "run": {{"horizon": 100}},
            "services": [{{"id": "gp", "name": "GP surgery", "capacity": 2,
                          "service_time": {{"dist": "exponential", "mean": 1}}}}],
            "cohorts": [{{"id": "adults", "name": "Adults", "arrivals": {{"rate": 6}},
                         "entry": "gp"}}],
        }}
        library = Library({str(path)!r})
        library.save_draft({record.id}, loads_scenario(json.dumps(doc)))
        os._exit(1)  # crash: no close, no cleanup
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert done.returncode == 1, done.stderr.decode()
    with Library(path) as reopened:
        assert reopened.draft(record.id) == make_scenario(rate=6)
        assert [r.id for r in reopened.scenarios_with_drafts()] == [record.id]
        assert reopened.current_scenario(record.id) == make_scenario()


# --------------------------------------------------------------------------- runs

RESULTS = {
    "format": "mission-desktop/results",
    "version": 1,
    "scenario": "Test scenario",
    "run": {"horizon": 100, "warm_up": 0, "replications": 2, "seed": 7},
    "variants": {
        "baseline": {
            "services": {"gp": {"mean_wait": {"mean": 1.9, "ci95": [1.7, 2.1]}}},
            "cohorts": {"adults": {"mean_journey_time": {"mean": 3.0, "ci95": [2.5, 3.5]}}},
            "cost": {"total": {"mean": 1200.0, "ci95": [1100.0, 1300.0]}},
        }
    },
}
SETTINGS = {"variants": ["baseline"], "replications": 2, "seed": 7, "horizon": 100, "workers": 1}


def test_record_run_and_last_run_round_trip(lib):
    record = lib.add_scenario(make_scenario())
    revision = lib.current_revision(record.id)
    started = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    finished = datetime(2025, 3, 1, 9, 31, tzinfo=UTC)
    series = {"baseline": {"gp": {"t": [0, 1, 2], "queue": [0, 3, 1]}}}
    run_id = lib.record_run(
        record.id,
        revision.id,
        SETTINGS,
        RESULTS,
        series,
        "finished",
        started,
        finished,
        {"simulate": 1.25, "summarise": 0.01},
        "0.1.0",
    )
    last = lib.last_run(record.id)
    assert last is not None
    assert last.id == run_id
    assert (last.scenario_id, last.revision_id, last.status) == (record.id, revision.id, "finished")
    assert last.settings == SETTINGS
    assert last.results == RESULTS
    assert last.series == series
    assert last.timings == {"simulate": 1.25, "summarise": 0.01}
    assert last.engine_version == "0.1.0"
    assert last.started_at.startswith("2025-03-01T09:30:00")
    assert last.finished_at is not None and last.finished_at.startswith("2025-03-01T09:31:00")
    assert lib.run(run_id) == last


def test_runs_newest_first_and_last_run(lib):
    record = lib.add_scenario(make_scenario())
    other = lib.add_scenario(make_scenario("Other"))
    assert lib.last_run(record.id) is None
    first = lib.record_run(record.id, None, SETTINGS, RESULTS)
    lib.save_revision(record.id, make_scenario(rate=2))
    second = lib.record_run(record.id, None, SETTINGS, RESULTS, status="stopped")
    lib.record_run(other.id, None, SETTINGS, RESULTS)
    runs = lib.runs(record.id)
    assert [r.id for r in runs] == [second, first]
    assert all(r.results is None for r in runs)  # listed without the heavy part
    assert lib.runs(record.id, with_results=True)[0].results == RESULTS
    last = lib.last_run(record.id)
    assert last is not None
    assert (last.id, last.status) == (second, "stopped")
    assert last.revision_id == lib.current_revision(record.id).id
    assert lib.run(first).revision_id == lib.revisions(record.id)[0].id


def test_failed_run_and_validation(lib):
    record = lib.add_scenario(make_scenario())
    run_id = lib.record_run(record.id, None, SETTINGS, {}, status="failed")
    assert lib.run(run_id).finished_at is None
    assert lib.run(run_id).series is None
    with pytest.raises(ValueError, match="status"):
        lib.record_run(record.id, None, SETTINGS, RESULTS, status="crashed")  # type: ignore[arg-type]
    other = lib.add_scenario(make_scenario("Other"))
    with pytest.raises(StoreError, match="another scenario"):
        lib.record_run(record.id, lib.current_revision(other.id).id, SETTINGS, RESULTS)
    assert len(lib.runs(record.id)) == 1


# --------------------------------------------------------------------------- settings, examples


def test_settings_round_trip(lib):
    assert lib.get_setting("window", {"w": 1}) == {"w": 1}
    lib.set_setting("window", {"w": 800, "h": 600})
    lib.set_setting("window", {"w": 1024, "h": 768})
    assert lib.get_setting("window") == {"w": 1024, "h": 768}


def write_example(folder: Path, filename: str, name: str) -> None:
    from mission_desktop.model import dumps_scenario

    (folder / filename).write_text(dumps_scenario(make_scenario(name)), encoding="utf-8")


def test_ensure_examples_first_start_only(tmp_path):
    examples = tmp_path / "scenarios"
    examples.mkdir()
    write_example(examples, "a.mission.json", "Example A")
    write_example(examples, "b.mission.json", "Example B")
    (examples / "broken.mission.json").write_text('{"format": "nonsense"}', encoding="utf-8")
    (examples / "readme.txt").write_text("not a scenario", encoding="utf-8")
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        problems = ensure_examples(library, examples)
        assert len(problems) == 1
        assert "broken.mission.json" in problems[0]
        names = sorted(r.name for r in library.list_scenarios())
        assert names == ["Example A", "Example B"]
        assert all(library.revisions(r.id)[0].kind == "import" for r in library.list_scenarios())
        assert library.get_setting(EXAMPLES_FLAG) is True
        # second start: nothing new
        assert ensure_examples(library, examples) == []
        assert len(library.list_scenarios()) == 2
        for record in library.list_scenarios():
            library.delete_scenario(record.id)
    with Library(path) as library:
        # deleting them later does not bring them back
        assert ensure_examples(library, examples) == []
        assert library.list_scenarios() == []


def test_ensure_examples_skips_a_library_already_in_use(tmp_path):
    examples = tmp_path / "scenarios"
    examples.mkdir()
    write_example(examples, "a.mission.json", "Example A")
    with Library(tmp_path / "library.sqlite") as library:
        library.add_scenario(make_scenario("Mine"))
        assert ensure_examples(library, examples) == []
        assert [r.name for r in library.list_scenarios()] == ["Mine"]
        assert library.get_setting(EXAMPLES_FLAG) is True


def test_ensure_examples_missing_folder_is_reported_and_retried(tmp_path):
    with Library(tmp_path / "library.sqlite") as library:
        problems = ensure_examples(library, tmp_path / "nowhere")
        assert len(problems) == 1 and "nowhere" in problems[0]
        assert library.get_setting(EXAMPLES_FLAG) is None
        (tmp_path / "nowhere").mkdir()
        write_example(tmp_path / "nowhere", "a.mission.json", "Example A")
        assert ensure_examples(library, tmp_path / "nowhere") == []
        assert [r.name for r in library.list_scenarios()] == ["Example A"]


def test_shipped_examples_import_cleanly(tmp_path):
    shipped = ROOT / "scenarios"
    if not any(shipped.glob("*.mission.json")):
        pytest.skip("no example scenarios shipped yet")
    with Library(tmp_path / "library.sqlite") as library:
        assert ensure_examples(library, shipped) == []
        assert len(library.list_scenarios()) == len(list(shipped.glob("*.mission.json")))
