"""Opening the library file: where it lives, the SQLite connection (WAL, foreign keys on),
refusing a foreign, newer or damaged file untouched, migrating an older one, write
transactions, and SQLite failures turned into plain words (:func:`guarded`).

:class:`LibraryFile` is the base of :class:`~.library.Library`; the parts that read and
write scenarios, drafts, runs and settings build on it.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import platformdirs

from . import drafts
from .errors import StoreError, describe_os_error, describe_sqlite_error
from .migrations import MIGRATIONS_TABLE, check_not_newer, migrate, transaction
from .sqlite_import import sqlite_utils

APP_NAME = "Mission Desktop"
ENV_DATA_DIR = "MISSION_DESKTOP_DATA_DIR"
LIBRARY_FILE = "library.sqlite"


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


P = ParamSpec("P")
R = TypeVar("R")
L = TypeVar("L", bound="LibraryFile")


def guarded(method: Callable[Concatenate[L, P], R]) -> Callable[Concatenate[L, P], R]:
    """Turn any :mod:`sqlite3` failure inside ``method`` into a plain-words StoreError."""

    @functools.wraps(method)
    def wrapper(self: L, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise describe_sqlite_error(e, self.path) from e
        except OSError as e:
            raise describe_os_error(e, self.path) from e

    return wrapper


class LibraryFile:
    """The library's SQLite file, open. Use as a context manager, or call close().

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

    def __enter__(self) -> Self:
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
