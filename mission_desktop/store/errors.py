"""Library errors in plain words.

Every SQLite failure a user can meet (another window holding the library, a full disk, a
damaged or foreign file) becomes a :class:`StoreError` whose message names the file and says
what is safe and what to do. Writes are transactions, so a failure never leaves half a save.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The library could not do what was asked; the message is meant for the user."""


class ScenarioNotFound(StoreError):
    """No scenario (or revision, or run) with that id in the library."""


class StaleRevision(StoreError):
    """Not saved: the scenario's current revision is no longer the one this window opened
    (another Mission Desktop window saved it meanwhile). Nothing was written."""

    def __init__(self, name: str, current_number: int):
        super().__init__(
            f"“{name}” was saved by another Mission Desktop window (it is now at revision "
            f"{current_number}) since this window opened it; nothing was saved"
        )
        self.name = name
        self.current_number = current_number


def describe_os_error(err: OSError, place: Path | str) -> StoreError:
    """An :class:`OSError` met while preparing the library folder or file."""
    if err.errno == errno.ENOSPC:
        return StoreError("the disk is full; your last saved revision is safe. Free some space.")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(
            f"Mission Desktop is not allowed to write to {place}; "
            "choose another folder with MISSION_DESKTOP_DATA_DIR or ask IT for access"
        )
    return StoreError(f"{place} cannot be used: {err.strerror or err}")


def describe_sqlite_error(err: sqlite3.Error, path: Path | str) -> StoreError:
    """Turn an :mod:`sqlite3` exception into a :class:`StoreError` naming the library file."""
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return StoreError(
            f"the library {path} is busy: another Mission Desktop window (or program) is "
            "writing to it. Wait a moment and try again; nothing was lost"
        )
    if name == "SQLITE_FULL" or "disk is full" in text or "database or disk is full" in text:
        return StoreError("the disk is full; your last saved revision is safe. Free some space.")
    if name == "SQLITE_NOTADB" or "not a database" in text:
        return StoreError(
            f"{path} is not a Mission Desktop library (it is not an SQLite database, or it is "
            "encrypted). Move it aside and start Mission Desktop again to make a new library"
        )
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return StoreError(
            f"the library {path} is damaged (the database file is corrupt). Keep a copy of it, "
            "move it aside and start again; your exported .mission.json files are not affected"
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreError(
            f"the library {path} is read-only; check the file's permissions or choose another "
            "folder with MISSION_DESKTOP_DATA_DIR"
        )
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return StoreError(
            f"the library {path} cannot be opened; check that its folder exists and that you "
            "may write to it"
        )
    if name.startswith("SQLITE_IOERR") or "disk i/o" in text:
        return StoreError(
            f"the library {path} could not be read or written (a disk or network problem); "
            "your last saved revision is safe. Try again, or copy the library to a local disk"
        )
    return StoreError(f"the library {path} could not be used: {err}")
