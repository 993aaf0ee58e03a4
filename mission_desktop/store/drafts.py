"""Autosaved drafts, one per scenario and per app instance, and which instances still run.

Each :class:`~mission_desktop.store.Library` object is one instance (an id made fresh when
it opens; one per app window process). Its autosaves go to its own draft, so two windows on
one scenario never overwrite or clear each other's unsaved edits. A draft is offered for
recovery to its own instance, or once its instance has stopped: it closed cleanly (its row in
``instances`` is gone), its process is no longer running on this computer, or (another
computer sharing the library) it has not autosaved for :data:`OTHER_HOST_STALE`. A draft
from before drafts had instances (``instance_id = ''``) belongs to no running instance.

Functions here run inside the Library's transactions and take its connection.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from .migrations import now

#: an instance on another computer that has not autosaved for this long is taken as stopped
OTHER_HOST_STALE = timedelta(hours=12)


def host_name() -> str:
    try:
        return socket.gethostname() or "?"
    except OSError:  # pragma: no cover
        return "?"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (an unknown answer: True, so a
    draft is never taken from a window that may still be open)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - exercised on Windows CI
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def register(conn: sqlite3.Connection, instance_id: str) -> None:
    """Record (or refresh) this instance as running."""
    stamp = now()
    conn.execute(
        "INSERT INTO instances (id, pid, host, started_at, seen_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
        [instance_id, os.getpid(), host_name(), stamp, stamp],
    )


def unregister(conn: sqlite3.Connection, instance_id: str) -> None:
    """This instance stops: its drafts (if any are left) become recoverable by others."""
    conn.execute("DELETE FROM instances WHERE id = ?", [instance_id])


def _running(row: dict[str, Any], here: str, at: datetime) -> bool:
    if row["host"] == here:
        return pid_alive(int(row["pid"]))
    try:
        seen = datetime.fromisoformat(row["seen_at"])
    except (TypeError, ValueError):
        return False
    return at - seen < OTHER_HOST_STALE


def running_instances(conn: sqlite3.Connection, own: str) -> set[str]:
    """The ids of the instances still running (this one always)."""
    here = host_name()
    at = datetime.now(UTC)
    cur = conn.execute("SELECT id, pid, host, seen_at FROM instances")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return {r["id"] for r in rows if _running(r, here, at)} | {own}


def recoverable(conn: sqlite3.Connection, scenario_id: int, own: str) -> list[dict[str, Any]]:
    """The drafts of ``scenario_id`` this instance may offer: its own and those of stopped
    instances, newest first (each: instance_id, content, updated_at)."""
    running = running_instances(conn, own)
    cur = conn.execute(
        "SELECT instance_id, content, updated_at FROM drafts WHERE scenario_id = ? "
        "ORDER BY updated_at DESC",
        [scenario_id],
    )
    rows = [dict(zip(("instance_id", "content", "updated_at"), r, strict=True)) for r in cur]
    return [r for r in rows if r["instance_id"] == own or r["instance_id"] not in running]


def newest(conn: sqlite3.Connection, scenario_id: int, own: str) -> dict[str, Any] | None:
    """The newest draft of ``scenario_id`` this instance may offer (its own or a stopped
    instance's), or ``None``."""
    rows = recoverable(conn, scenario_id, own)
    return rows[0] if rows else None


def upsert(conn: sqlite3.Connection, scenario_id: int, own: str, content: str) -> None:
    register(conn, own)
    conn.execute(
        "INSERT INTO drafts (scenario_id, instance_id, content, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (scenario_id, instance_id) DO UPDATE SET content = excluded.content, "
        "updated_at = excluded.updated_at",
        [scenario_id, own, content, now()],
    )


def clear(conn: sqlite3.Connection, scenario_id: int, own: str) -> None:
    """Throw away this instance's draft of ``scenario_id`` and the stopped instances' ones
    (those it offered); another running window's draft is kept."""
    for row in recoverable(conn, scenario_id, own):
        conn.execute(
            "DELETE FROM drafts WHERE scenario_id = ? AND instance_id = ?",
            [scenario_id, row["instance_id"]],
        )
