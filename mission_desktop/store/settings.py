"""The library's key-value settings (each value stored as JSON)."""

from __future__ import annotations

import sqlite3
from typing import Any

from .connection import LibraryFile, guarded
from .values import dumps, loads


class SettingStore(LibraryFile):
    """The library's settings."""

    @guarded
    def get_setting(self, key: str, default: Any = None) -> Any:
        """A value from the library's key-value settings (stored as JSON)."""
        row = self._one("SELECT value FROM settings WHERE key = ?", [key])
        return default if row is None else loads(row["value"])

    @guarded
    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-able value under ``key``."""
        with self._write() as conn:
            write_setting(conn, key, value)

    @guarded
    def is_empty(self) -> bool:
        """True if no scenario was ever added (deleted ones count as added)."""
        return self.db.execute("SELECT 1 FROM scenarios LIMIT 1").fetchone() is None


def write_setting(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, dumps(value)],
    )

