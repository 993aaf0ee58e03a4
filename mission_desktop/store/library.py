"""The local library: scenarios, their revisions, autosaved drafts, runs and results.

One SQLite file (``<data_dir>/library.sqlite``) opened through :mod:`sqlite_utils`, in WAL
mode with foreign keys on. Every write is one ``BEGIN IMMEDIATE`` transaction, so a crash or
a full disk never leaves half a save: the last saved revision is always intact.

History is never rewritten: saving adds a revision (1, 2, 3… per scenario), restoring an old
revision adds a new ``restore`` revision with its content, and deleting a scenario only marks
it deleted. Unsaved edits live in ``drafts`` (one per scenario and app instance, overwritten
by each autosave; see :mod:`.drafts`) until the next save, so they survive a crash. A save
may name the revision its window opened (``base_revision_id``): if another window saved
meanwhile, :class:`~.errors.StaleRevision` is raised and nothing is written.

Use a :class:`Library` from one thread (SQLite connections are not shared between threads);
another window or process may open the same file at the same time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

import platformdirs

from mission_desktop.model import (
    Scenario,
    ScenarioError,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    scenario_from_dict,
    scenario_to_dict,
)
from mission_desktop.model.io import checked_text

from . import drafts
from .errors import (
    ScenarioNotFound,
    StaleRevision,
    StoreError,
    describe_os_error,
    describe_sqlite_error,
)
from .migrations import MIGRATIONS_TABLE, check_not_newer, migrate, now, transaction
from .sqlite_import import sqlite_utils

APP_NAME = "Mission Desktop"
ENV_DATA_DIR = "MISSION_DESKTOP_DATA_DIR"
LIBRARY_FILE = "library.sqlite"
EXAMPLES_FLAG = "examples_imported"

RevisionKind = Literal["save", "autosave", "import", "restore"]
RunStatus = Literal["finished", "stopped", "failed"]
REVISION_KINDS: tuple[str, ...] = ("save", "autosave", "import", "restore")
RUN_STATUSES: tuple[str, ...] = ("finished", "stopped", "failed")
MAX_NAME_LENGTH = 200

Timestamp = datetime | str | float | None


def data_dir() -> Path:
    """The folder holding the library: ``$MISSION_DESKTOP_DATA_DIR`` if set, else the
    platform's user data folder for Mission Desktop. Created if missing."""
    override = os.environ.get(ENV_DATA_DIR, "").strip()
    path = (
        Path(override).expanduser()
        if override
        else Path(platformdirs.user_data_dir(APP_NAME, APP_NAME))
    )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise describe_os_error(e, path) from e
    return path


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class ScenarioRecord:
    """One scenario in the library, as listed (its content is loaded separately)."""

    id: int
    uid: str
    name: str
    updated_at: str
    revision_number: int


@dataclass(frozen=True, slots=True)
class RevisionRecord:
    """One saved state of a scenario. ``number`` counts 1, 2, 3… within the scenario."""

    id: int
    scenario_id: int
    number: int
    created_at: str
    message: str
    kind: str
    content_sha256: str


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One recorded run. ``results`` (the results JSON dict of SCENARIO_FORMAT.md) and
    ``series`` are ``None`` when the record was listed without them."""

    id: int
    scenario_id: int
    revision_id: int
    started_at: str
    finished_at: str | None
    status: str
    settings: dict[str, Any]
    engine_version: str
    timings: dict[str, Any]
    results: dict[str, Any] | None = None
    series: dict[str, Any] | None = None


# --------------------------------------------------------------------------- helpers

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[Library, P], R]) -> Callable[Concatenate[Library, P], R]:
    """Turn any :mod:`sqlite3` failure inside ``method`` into a plain-words StoreError."""

    @functools.wraps(method)
    def wrapper(self: Library, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise describe_sqlite_error(e, self.path) from e
        except OSError as e:
            raise describe_os_error(e, self.path) from e

    return wrapper


def _content(scenario: Scenario) -> str:
    """The text stored for ``scenario``: refused when too large to be read back."""
    try:
        return checked_text(scenario)
    except ScenarioError as e:
        raise StoreError(f"“{scenario.name}” cannot be stored: it {e.problems[0].message}") from None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays (and anything else with ``tolist``/``item``) as plain JSON."""
    for attr in ("tolist", "item"):
        fn = getattr(value, attr, None)
        if callable(fn):
            return fn()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _timestamp(value: Timestamp) -> str | None:
    """A datetime (naive = local time), epoch seconds or ISO text, as ISO-8601 UTC text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


_SCENARIO_SELECT = """
    SELECT s.id, s.uid, s.name, s.updated_at, COALESCE(r.number, 0) AS revision_number
    FROM scenarios s LEFT JOIN revisions r ON r.id = s.current_revision_id
"""

_REVISION_COLUMNS = "id, scenario_id, number, created_at, message, kind, content_sha256"

_RUN_COLUMNS = (
    "id, scenario_id, revision_id, started_at, finished_at, status, settings, "
    "engine_version, timings"
)


# --------------------------------------------------------------------------- the library


class Library:
    """The scenario library in one SQLite file. Use as a context manager, or call close().

    ``path`` defaults to ``data_dir() / "library.sqlite"``; ``timeout`` is how many seconds
    to wait for another window's write to finish before giving up with a StoreError.
    """

    def __init__(self, path: Path | str | None = None, *, timeout: float = 5.0):
        self.path = Path(path) if path is not None else data_dir() / LIBRARY_FILE
        #: this app instance (its drafts are its own; see :mod:`.drafts`)
        self.instance_id = uuid.uuid4().hex
        self._registered = False  # in ``instances``: since its first draft
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a Mission Desktop library file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise describe_os_error(e, self.path.parent) from e
        try:
            conn = sqlite3.connect(str(self.path), timeout=timeout)
        except sqlite3.Error as e:
            raise describe_sqlite_error(e, self.path) from e
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        try:
            self._open()
        except BaseException as e:
            conn.close()
            if isinstance(e, sqlite3.Error):
                raise describe_sqlite_error(e, self.path) from e
            raise

    def _open(self) -> None:
        conn = self.db.conn
        conn.execute("PRAGMA foreign_keys = ON")
        # read before writing anything: a foreign or newer file is refused untouched
        check_not_newer(self.db, where=f"the library {self.path}")
        if not self.db[MIGRATIONS_TABLE].exists() and self.db.table_names():
            raise StoreError(
                f"{self.path} is an SQLite database but not a Mission Desktop library; "
                "choose another file, or move it aside to make a new library"
            )
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
        self._check_integrity()
        migrate(self.db)

    def _check_integrity(self) -> None:
        """``PRAGMA quick_check`` at every start: a damaged library is said to be damaged
        now, before anything is saved into it, not as an odd failure later."""
        rows = self.db.conn.execute("PRAGMA quick_check(5)").fetchall()
        found = [str(r[0]) for r in rows]
        if found != ["ok"]:
            raise StoreError(
                f"the library {self.path} is damaged (SQLite's check found: "
                f"{'; '.join(found)[:300]}). Keep a copy of it, move it aside and start again; "
                "your exported .mission.json files are not affected"
            )

    # ----------------------------------------------------------------- lifetime

    def close(self) -> None:
        """Close the library file (safe to call twice). Drafts left behind become
        recoverable by the next instance."""
        if self._registered:
            self._registered = False
            try:
                with self._write() as conn:
                    drafts.unregister(conn, self.instance_id)
            except (sqlite3.Error, StoreError):
                pass  # closed already, read-only or busy: the pid check covers it
        self.db.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Library({str(self.path)!r})"

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside is saved together or not at all."""
        with transaction(self.db):
            yield self.db.conn

    def _one(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> dict[str, Any] | None:
        return next(iter(self.db.query(sql, params)), None)

    # ----------------------------------------------------------------- scenarios

    def _scenario_row(self, scenario_id: int) -> dict[str, Any]:
        row = self._one(
            "SELECT s.*, r.content_sha256 AS current_sha256, r.number AS current_number "
            "FROM scenarios s LEFT JOIN revisions r ON r.id = s.current_revision_id "
            "WHERE s.id = ?",
            [scenario_id],
        )
        if row is None:
            raise ScenarioNotFound(f"there is no scenario number {scenario_id} in the library")
        return row

    @_guarded
    def get_scenario(self, scenario_id: int) -> ScenarioRecord:
        """The record of one scenario (deleted ones included)."""
        row = self._one(_SCENARIO_SELECT + " WHERE s.id = ?", [scenario_id])
        if row is None:
            raise ScenarioNotFound(f"there is no scenario number {scenario_id} in the library")
        return ScenarioRecord(**row)

    @_guarded
    def add_scenario(
        self, scenario: Scenario, kind: RevisionKind = "import", message: str = ""
    ) -> ScenarioRecord:
        """Add a new scenario with ``scenario`` as its revision 1."""
        _check_kind(kind)
        content = _content(scenario)
        with self._write() as conn:
            scenario_id = self._insert_scenario(conn, scenario, content, kind, message)
        return self.get_scenario(scenario_id)

    def _insert_scenario(
        self, conn: sqlite3.Connection, scenario: Scenario, content: str, kind: str, message: str
    ) -> int:
        stamp = now()
        cur = conn.execute(
            "INSERT INTO scenarios (uid, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [str(uuid.uuid4()), scenario.name, stamp, stamp],
        )
        scenario_id = int(cur.lastrowid or 0)
        revision_id = self._insert_revision(conn, scenario_id, 1, content, kind, message, stamp)
        conn.execute(
            "UPDATE scenarios SET current_revision_id = ? WHERE id = ?", [revision_id, scenario_id]
        )
        return scenario_id

    @staticmethod
    def _insert_revision(
        conn: sqlite3.Connection,
        scenario_id: int,
        number: int,
        content: str,
        kind: str,
        message: str,
        stamp: str,
    ) -> int:
        cur = conn.execute(
            "INSERT INTO revisions (scenario_id, number, created_at, message, content, "
            "content_sha256, kind) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [scenario_id, number, stamp, message, content, _sha256(content), kind],
        )
        return int(cur.lastrowid or 0)

    @_guarded
    def list_scenarios(self) -> list[ScenarioRecord]:
        """Scenarios not deleted, most recently updated first."""
        rows = self.db.query(
            _SCENARIO_SELECT
            + " WHERE s.deleted_at IS NULL ORDER BY s.updated_at DESC, s.current_revision_id DESC, s.id DESC"
        )
        return [ScenarioRecord(**row) for row in rows]

    @_guarded
    def find_by_name(self, name: str) -> list[ScenarioRecord]:
        """Scenarios not deleted whose name is ``name`` (ignoring case of A–Z and outer
        spaces), most recently updated first: e.g. to ask before importing a second copy."""
        rows = self.db.query(
            _SCENARIO_SELECT + " WHERE s.deleted_at IS NULL AND TRIM(s.name) = ? COLLATE NOCASE"
            " ORDER BY s.updated_at DESC, s.current_revision_id DESC, s.id DESC",
            [name.strip()],
        )
        return [ScenarioRecord(**row) for row in rows]

    @_guarded
    def rename_scenario(self, scenario_id: int, name: str) -> RevisionRecord:
        """Rename a scenario. The name lives in the scenario itself (it is exported with it),
        so this saves a new revision; an unsaved draft is renamed too."""
        current = self.current_scenario(scenario_id)
        renamed = _with_name(current, name)
        with self._write() as conn:
            draft = self._draft_row(scenario_id)
            revision = self._save(
                conn, scenario_id, renamed, "save", f"Renamed to “{renamed.name}”"
            )
            if draft is not None:  # _save cleared it: keep the unsaved edits, renamed
                try:
                    edited = _with_name(loads_scenario(draft["content"]), renamed.name)
                except (ScenarioError, StoreError):
                    pass
                else:
                    drafts.upsert(conn, scenario_id, self.instance_id, dumps_scenario(edited))
                    self._registered = True
        return revision

    @_guarded
    def delete_scenario(self, scenario_id: int) -> None:
        """Mark a scenario deleted (hidden from lists; its history and runs are kept)."""
        self._scenario_row(scenario_id)
        with self._write() as conn:
            conn.execute(
                "UPDATE scenarios SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                [now(), scenario_id],
            )

    @_guarded
    def undelete_scenario(self, scenario_id: int) -> None:
        """Bring back a deleted scenario (undo of :meth:`delete_scenario`)."""
        self._scenario_row(scenario_id)
        with self._write() as conn:
            conn.execute("UPDATE scenarios SET deleted_at = NULL WHERE id = ?", [scenario_id])

    # ----------------------------------------------------------------- revisions

    def _save(
        self,
        conn: sqlite3.Connection,
        scenario_id: int,
        scenario: Scenario,
        kind: str,
        message: str,
        base_revision_id: int | None = None,
    ) -> RevisionRecord:
        """Inside a write: add a revision unless identical to the current one; clear the draft.
        With ``base_revision_id``, refuse (StaleRevision) if the current revision is another."""
        content = _content(scenario)
        sha = _sha256(content)
        row = self._scenario_row(scenario_id)
        if row["current_sha256"] == sha:
            revision_id = row["current_revision_id"]
        elif base_revision_id is not None and row["current_revision_id"] != base_revision_id:
            raise StaleRevision(row["name"], row["current_number"] or 0)
        else:
            number = (row["current_number"] or 0) + 1
            top = conn.execute(
                "SELECT MAX(number) FROM revisions WHERE scenario_id = ?", [scenario_id]
            ).fetchone()[0]
            number = max(number, (top or 0) + 1)
            stamp = now()
            revision_id = self._insert_revision(
                conn, scenario_id, number, content, kind, message, stamp
            )
            conn.execute(
                "UPDATE scenarios SET current_revision_id = ?, name = ?, updated_at = ? "
                "WHERE id = ?",
                [revision_id, scenario.name, stamp, scenario_id],
            )
        drafts.clear(conn, scenario_id, self.instance_id)
        return self._revision(revision_id)

    @_guarded
    def save_revision(
        self,
        scenario_id: int,
        scenario: Scenario,
        kind: RevisionKind = "save",
        message: str = "",
        *,
        base_revision_id: int | None = None,
    ) -> RevisionRecord:
        """Save ``scenario`` as the next revision and clear the draft. If its content is
        identical to the current revision, no revision is added and the current one is
        returned. ``base_revision_id``: the revision the edits started from; if the scenario
        has moved on since (another window saved), raise :class:`StaleRevision` and write
        nothing (checked inside the same transaction as the save)."""
        _check_kind(kind)
        with self._write() as conn:
            return self._save(conn, scenario_id, scenario, kind, message, base_revision_id)

    @_guarded
    def replace_scenario(
        self, scenario_id: int, scenario: Scenario, message: str = "Replaced by an imported file"
    ) -> RevisionRecord:
        """Replace a scenario's content (e.g. by a newer copy of its file) as a new ``import``
        revision; the earlier revisions stay in its history."""
        with self._write() as conn:
            return self._save(conn, scenario_id, scenario, "import", message)

    def _revision(self, revision_id: int) -> RevisionRecord:
        row = self._one(f"SELECT {_REVISION_COLUMNS} FROM revisions WHERE id = ?", [revision_id])
        if row is None:
            raise ScenarioNotFound(f"there is no revision number {revision_id} in the library")
        return RevisionRecord(**row)

    @_guarded
    def revisions(self, scenario_id: int) -> list[RevisionRecord]:
        """Every revision of a scenario, oldest (number 1) first."""
        self._scenario_row(scenario_id)
        rows = self.db.query(
            f"SELECT {_REVISION_COLUMNS} FROM revisions WHERE scenario_id = ? ORDER BY number",
            [scenario_id],
        )
        return [RevisionRecord(**row) for row in rows]

    @_guarded
    def current_revision(self, scenario_id: int) -> RevisionRecord:
        """The revision a scenario currently stands at."""
        return self._revision(self._scenario_row(scenario_id)["current_revision_id"])

    @_guarded
    def load_revision(self, revision_id: int) -> Scenario:
        """The scenario as it was saved in one revision."""
        row = self._one(
            "SELECT r.number, r.content, s.name FROM revisions r "
            "JOIN scenarios s ON s.id = r.scenario_id WHERE r.id = ?",
            [revision_id],
        )
        if row is None:
            raise ScenarioNotFound(f"there is no revision number {revision_id} in the library")
        try:
            return loads_scenario(row["content"])
        except ScenarioError as e:
            raise StoreError(
                f"revision {row['number']} of “{row['name']}” in {self.path} can no longer be "
                f"read:\n{e}"
            ) from e

    @_guarded
    def current_scenario(self, scenario_id: int) -> Scenario:
        """The scenario's current (last saved or restored) revision."""
        return self.load_revision(self._scenario_row(scenario_id)["current_revision_id"])

    @_guarded
    def restore_revision(
        self, scenario_id: int, revision_id: int, message: str | None = None
    ) -> RevisionRecord:
        """Make an old revision current again by adding a new ``restore`` revision with its
        content (history is never rewritten). Restoring the current content adds nothing."""
        old = self._revision(revision_id)
        if old.scenario_id != scenario_id:
            raise StoreError(
                f"revision {old.number} (id {revision_id}) belongs to another scenario, "
                f"not to scenario number {scenario_id}"
            )
        scenario = self.load_revision(revision_id)
        with self._write() as conn:
            return self._save(
                conn,
                scenario_id,
                scenario,
                "restore",
                message if message is not None else f"Restored revision {old.number}",
            )

    # ----------------------------------------------------------------- drafts

    def _draft_row(self, scenario_id: int) -> dict[str, Any] | None:
        """The newest draft this instance may offer (its own or a stopped instance's)."""
        rows = drafts.recoverable(self.db.conn, scenario_id, self.instance_id)
        return rows[0] if rows else None

    @_guarded
    def save_draft(self, scenario_id: int, scenario: Scenario) -> None:
        """Autosave unsaved edits (this instance's draft, overwritten each time). The draft
        survives a crash and is cleared by the next save."""
        content = _content(scenario)
        with self._write() as conn:
            self._scenario_row(scenario_id)
            drafts.upsert(conn, scenario_id, self.instance_id, content)
        self._registered = True

    @_guarded
    def draft(self, scenario_id: int) -> Scenario | None:
        """Unsaved edits to recover after a crash (this instance's, or those of an instance
        that has stopped; never another open window's): ``None`` if there is no draft, if it
        is the same as the current revision, or if it can no longer be read."""
        scenario_row = self._scenario_row(scenario_id)
        row = self._draft_row(scenario_id)
        if row is None or _sha256(row["content"]) == scenario_row["current_sha256"]:
            return None
        try:
            return loads_scenario(row["content"])
        except ScenarioError:
            return None

    @_guarded
    def draft_updated_at(self, scenario_id: int) -> str | None:
        """When the draft was last autosaved (ISO-8601 UTC), or ``None`` without a draft."""
        row = self._draft_row(scenario_id)
        return None if row is None else row["updated_at"]

    @_guarded
    def scenarios_with_drafts(self) -> list[ScenarioRecord]:
        """Scenarios (not deleted) with unsaved edits worth offering to recover at start-up."""
        rows = self.db.query(
            _SCENARIO_SELECT + " WHERE s.deleted_at IS NULL AND s.id IN "
            "(SELECT scenario_id FROM drafts) ORDER BY s.updated_at DESC"
        )
        return [ScenarioRecord(**row) for row in rows if self.draft(row["id"]) is not None]

    @_guarded
    def discard_draft(self, scenario_id: int) -> None:
        """Throw away unsaved edits (this instance's, and the stopped instances' it offered)."""
        with self._write() as conn:
            drafts.clear(conn, scenario_id, self.instance_id)

    # ----------------------------------------------------------------- runs

    @_guarded
    def record_run(
        self,
        scenario_id: int,
        revision_id: int | None,
        settings: dict[str, Any],
        results: dict[str, Any],
        series: dict[str, Any] | None = None,
        status: RunStatus = "finished",
        started_at: Timestamp = None,
        finished_at: Timestamp = None,
        timings: dict[str, Any] | None = None,
        engine_version: str = "",
    ) -> int:
        """Record a run and its results together; return the run's id.

        ``revision_id`` is the revision that was run (``None``: the current one).
        ``settings``: variants, replications, seed, horizon, workers. ``results``: the results
        JSON dict of SCENARIO_FORMAT.md. ``series``: time series, or ``None``. Times are
        datetimes, epoch seconds or ISO text (``started_at`` defaults to now, and
        ``finished_at`` too unless the run failed).
        """
        if status not in RUN_STATUSES:
            raise ValueError(f"run status must be one of {RUN_STATUSES}, not {status!r}")
        row = self._scenario_row(scenario_id)
        if revision_id is None:
            revision_id = row["current_revision_id"]
        revision = self._revision(revision_id)
        if revision.scenario_id != scenario_id:
            raise StoreError(
                f"revision id {revision_id} belongs to another scenario, "
                f"not to scenario number {scenario_id}"
            )
        stamp = now()
        started = _timestamp(started_at) or stamp
        finished = _timestamp(finished_at) or (None if status == "failed" else stamp)
        settings_json = _dumps(settings)
        timings_json = _dumps(timings or {})
        summary_json = _dumps(results)
        series_json = None if series is None else _dumps(series)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO runs (scenario_id, revision_id, started_at, finished_at, status, "
                "settings, engine_version, timings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    scenario_id,
                    revision_id,
                    started,
                    finished,
                    status,
                    settings_json,
                    engine_version,
                    timings_json,
                ],
            )
            run_id = int(cur.lastrowid or 0)
            conn.execute(
                "INSERT INTO results (run_id, summary, series) VALUES (?, ?, ?)",
                [run_id, summary_json, series_json],
            )
        return run_id

    def _run_records(
        self, where: str, params: list[Any], with_results: bool, limit: int | None = None
    ) -> list[RunRecord]:
        columns = ", ".join(f"runs.{c.strip()}" for c in _RUN_COLUMNS.split(","))
        if with_results:
            columns += ", results.summary AS results, results.series AS series"
        sql = (
            f"SELECT {columns} FROM runs LEFT JOIN results ON results.run_id = runs.id "
            f"WHERE {where} ORDER BY runs.id DESC"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        records = []
        for row in self.db.query(sql, params):
            row["settings"] = _loads(row["settings"]) or {}
            row["timings"] = _loads(row["timings"]) or {}
            if with_results:
                row["results"] = _loads(row["results"])
                row["series"] = _loads(row["series"])
            records.append(RunRecord(**row))
        return records

    @_guarded
    def last_run(self, scenario_id: int) -> RunRecord | None:
        """The most recently recorded run of a scenario, with its results and series."""
        found = self._run_records("runs.scenario_id = ?", [scenario_id], True, limit=1)
        return found[0] if found else None

    @_guarded
    def runs(self, scenario_id: int, with_results: bool = False) -> list[RunRecord]:
        """A scenario's runs, newest first; results and series only if ``with_results``."""
        return self._run_records("runs.scenario_id = ?", [scenario_id], with_results)

    @_guarded
    def run(self, run_id: int) -> RunRecord:
        """One run with its results and series."""
        found = self._run_records("runs.id = ?", [run_id], True)
        if not found:
            raise ScenarioNotFound(f"there is no run number {run_id} in the library")
        return found[0]

    # ----------------------------------------------------------------- settings

    @_guarded
    def get_setting(self, key: str, default: Any = None) -> Any:
        """A value from the library's key-value settings (stored as JSON)."""
        row = self._one("SELECT value FROM settings WHERE key = ?", [key])
        return default if row is None else _loads(row["value"])

    @_guarded
    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-able value under ``key``."""
        with self._write() as conn:
            _set_setting(conn, key, value)

    @_guarded
    def is_empty(self) -> bool:
        """True if no scenario was ever added (deleted ones count as added)."""
        return self.db.execute("SELECT 1 FROM scenarios LIMIT 1").fetchone() is None


def _set_setting(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, _dumps(value)],
    )


def _check_kind(kind: str) -> None:
    if kind not in REVISION_KINDS:
        raise ValueError(f"revision kind must be one of {REVISION_KINDS}, not {kind!r}")


def _with_name(scenario: Scenario, name: str) -> Scenario:
    """``scenario`` with another name, validated like a file's."""
    name = name.strip()
    if not name:
        raise StoreError("a scenario needs a name; type one")
    if len(name) > MAX_NAME_LENGTH:
        raise StoreError(f"a scenario's name may be at most {MAX_NAME_LENGTH} characters")
    try:
        return scenario_from_dict({**scenario_to_dict(scenario), "name": name})
    except ScenarioError as e:
        raise StoreError(str(e)) from e


# --------------------------------------------------------------------------- examples


def ensure_examples(library: Library, scenarios_dir: Path) -> list[str]:
    """On first start, add every ``*.mission.json`` in ``scenarios_dir`` to the library.

    Runs only when the library is empty and the examples were never imported; once done (or
    once the library holds anything), a flag is set so that deleting the examples later does
    not bring them back. Invalid files are skipped; returns one message per problem, each
    naming its file.
    """
    try:
        if library.get_setting(EXAMPLES_FLAG):
            return []
        if not library.is_empty():  # a library from before the flag existed: not a first start
            library.set_setting(EXAMPLES_FLAG, True)
            return []
        scenarios_dir = Path(scenarios_dir)
        if not scenarios_dir.is_dir():
            return [f"{scenarios_dir}: the folder of example scenarios is missing"]
        problems: list[str] = []
        loaded: list[tuple[Scenario, str]] = []
        for path in sorted(scenarios_dir.glob("*.mission.json")):
            try:
                scenario = load_scenario(path)
            except ScenarioError as e:
                problems.append(str(e))
                continue
            loaded.append((scenario, dumps_scenario(scenario)))
        with library._write() as conn:
            if library.get_setting(EXAMPLES_FLAG):  # another window got there first
                return problems
            for scenario, content in loaded:
                library._insert_scenario(
                    conn, scenario, content, "import", "Example shipped with Mission Desktop"
                )
            _set_setting(conn, EXAMPLES_FLAG, True)
        return problems
    except sqlite3.Error as e:
        raise describe_sqlite_error(e, library.path) from e
