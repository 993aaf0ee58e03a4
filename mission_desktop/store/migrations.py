"""Ordered, named schema migrations for the library.

Each migration is a function registered with :func:`migration`, in order. The names of the
ones applied are recorded in the ``_migrations`` table (name, applied_at); :func:`migrate`
applies the missing ones in order, each in its own transaction together with its record, so
a crash between two migrations leaves a database at a known schema.

Never edit or reorder a migration that has shipped: add a new one. A database that records a
migration this build does not know was made by a newer Mission Desktop; it is refused and left
untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .errors import StoreError
from .sqlite_import import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]

#: every migration, in the order it must be applied
MIGRATIONS: list[Migration] = []

MIGRATIONS_TABLE = "_migrations"


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration; its ``__name__`` is recorded once applied."""
    if any(m.__name__ == fn.__name__ for m in MIGRATIONS):
        raise ValueError(f"two migrations are named {fn.__name__}")
    MIGRATIONS.append(fn)
    return fn


_last_stamp: datetime | None = None


def now() -> str:
    """The current time as ISO-8601 UTC text, sortable as text, and strictly increasing
    within this process even on a coarse clock (so "most recently updated" never ties)."""
    global _last_stamp
    stamp = datetime.now(UTC)
    if _last_stamp is not None and stamp <= _last_stamp:
        stamp = _last_stamp + timedelta(microseconds=1)
    _last_stamp = stamp
    return stamp.isoformat(timespec="microseconds")


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations recorded in ``db``, in the order they were applied."""
    if not db[MIGRATIONS_TABLE].exists():
        return []
    return [row[0] for row in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]


def unknown_migrations(db: sqlite_utils.Database) -> list[str]:
    """Migrations recorded in ``db`` that this build does not know (a newer app made them)."""
    known = {m.__name__ for m in MIGRATIONS}
    return [name for name in applied_migrations(db) if name not in known]


def check_not_newer(db: sqlite_utils.Database, where: str = "this library") -> None:
    """Raise :class:`StoreError` if ``db`` was upgraded by a newer Mission Desktop."""
    unknown = unknown_migrations(db)
    if unknown:
        raise StoreError(
            f"{where} was made by a newer version of Mission Desktop (it has changes this "
            f"version does not know: {', '.join(unknown)}). Update Mission Desktop to open it; "
            "the library has not been changed"
        )


def migrate(db: sqlite_utils.Database, upto: int | None = None) -> list[str]:
    """Apply the missing migrations in order; return the names applied now.

    ``upto`` stops after the first ``upto`` migrations (tests use it to build an old library).
    Raises :class:`StoreError`, touching nothing, if ``db`` is from a newer build.
    """
    check_not_newer(db)
    if not db[MIGRATIONS_TABLE].exists():
        with transaction(db):
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} "
                "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
    done = set(applied_migrations(db))
    applied: list[str] = []
    for fn in MIGRATIONS[:upto]:
        if fn.__name__ in done:
            continue
        with transaction(db):
            # re-check inside the write lock: another window may have just applied it
            if db.execute(
                f"SELECT 1 FROM {MIGRATIONS_TABLE} WHERE name = ?", [fn.__name__]
            ).fetchone():
                continue
            fn(db)
            db.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)",
                [fn.__name__, now()],
            )
        applied.append(fn.__name__)
    return applied


class transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception (DDL included)."""

    def __init__(self, db: sqlite_utils.Database):
        self.conn = db.conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


# --------------------------------------------------------------------------- migrations


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    """Scenarios, their revisions, autosaved drafts, runs and results, and settings."""
    db.execute(
        """
        CREATE TABLE scenarios (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            current_revision_id INTEGER REFERENCES revisions(id),
            deleted_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            scenario_id INTEGER NOT NULL REFERENCES scenarios(id),
            number INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('save', 'autosave', 'import', 'restore')),
            UNIQUE (scenario_id, number)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE drafts (
            scenario_id INTEGER PRIMARY KEY REFERENCES scenarios(id),
            content TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            scenario_id INTEGER NOT NULL REFERENCES scenarios(id),
            revision_id INTEGER NOT NULL REFERENCES revisions(id),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('finished', 'stopped', 'failed')),
            settings TEXT NOT NULL,
            engine_version TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute(
        """
        CREATE TABLE results (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id),
            summary TEXT NOT NULL,
            series TEXT
        )
        """
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")


@migration
def m002_run_timings_and_indexes(db: sqlite_utils.Database) -> None:
    """Record how long each stage of a run took; index the lookups the app makes often."""
    db["runs"].add_column("timings", str)  # JSON object; NULL for runs recorded before
    db["runs"].create_index(["scenario_id", "started_at"], find_unique_name=True)
    db["runs"].create_index(["revision_id"], find_unique_name=True)
    db["scenarios"].create_index(["deleted_at", "updated_at"], find_unique_name=True)


def _v1_content_as_v2(content: str) -> str | None:
    """A stored version-1 scenario text as the version-2 text, or None to leave it as it is.

    The library stores canonical text (``dumps_scenario``), and version 2 only adds fields,
    so the canonical v2 text of a v1 scenario differs in its version line alone. Anything
    else (unreadable, not a scenario, not version 1, not canonical) is left untouched: it is
    still read through the upgrade on loading."""
    import json

    try:
        doc = json.loads(content)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != "mission-desktop/scenario":
        return None
    if doc.get("version") != 1 or type(doc.get("version")) is not int:
        return None
    old, new = '{\n  "format": "mission-desktop/scenario",\n  "version": 1,\n', None
    if content.startswith(old):
        new = '{\n  "format": "mission-desktop/scenario",\n  "version": 2,\n' + content[len(old) :]
    if new is None or json.loads(new) != {**doc, "version": 2}:
        return None
    return new


@migration
def m003_scenario_format_v2(db: sqlite_utils.Database) -> None:
    """Stored scenarios move to file format version 2 (only the version number changes):
    saving an unchanged scenario then matches its stored text and adds no revision."""
    import hashlib

    rows = db.execute("SELECT id, content FROM revisions").fetchall()
    for revision_id, content in rows:
        new = _v1_content_as_v2(content)
        if new is not None:
            db.execute(
                "UPDATE revisions SET content = ?, content_sha256 = ? WHERE id = ?",
                [new, hashlib.sha256(new.encode("utf-8")).hexdigest(), revision_id],
            )
    for scenario_id, content in db.execute("SELECT scenario_id, content FROM drafts").fetchall():
        new = _v1_content_as_v2(content)
        if new is not None:
            db.execute(
                "UPDATE drafts SET content = ? WHERE scenario_id = ?", [new, scenario_id]
            )


@migration
def m004_drafts_per_instance(db: sqlite_utils.Database) -> None:
    """One draft per scenario *and per app instance* (two windows on one scenario no longer
    overwrite or clear each other's unsaved edits), and the instances that write drafts (so
    a draft is offered for recovery only once its instance has stopped). A draft from before
    belongs to no instance (``''``): it is offered as before."""
    db.execute(
        """
        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            started_at TEXT NOT NULL,
            seen_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE drafts_new (
            scenario_id INTEGER NOT NULL REFERENCES scenarios(id),
            instance_id TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (scenario_id, instance_id)
        )
        """
    )
    db.execute(
        "INSERT INTO drafts_new (scenario_id, instance_id, content, updated_at) "
        "SELECT scenario_id, '', content, updated_at FROM drafts"
    )
    db.execute("DROP TABLE drafts")
    db.execute("ALTER TABLE drafts_new RENAME TO drafts")
