"""Scenarios and their revisions: adding, listing, finding, renaming and deleting scenarios;
saving, loading and restoring revisions.

History is never rewritten: saving adds a revision (1, 2, 3… per scenario), restoring an old
revision adds a new ``restore`` revision with its content, and deleting a scenario only marks
it deleted. A save clears the draft (see :mod:`.recovery`); it may name the revision its
window opened (``base_revision_id``): if another window saved meanwhile,
:class:`~.errors.StaleRevision` is raised and nothing is written.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from mission_desktop.model import (
    Scenario,
    ScenarioError,
    dumps_scenario,
    loads_scenario,
    scenario_from_dict,
    scenario_to_dict,
)

from . import drafts
from .connection import LibraryFile, guarded
from .errors import ScenarioNotFound, StaleRevision, StoreError
from .migrations import now
from .records import (
    REVISION_COLUMNS,
    REVISION_KINDS,
    SCENARIO_SELECT,
    RevisionKind,
    RevisionRecord,
    ScenarioRecord,
)
from .values import sha256, stored_text

MAX_NAME_LENGTH = 200


class ScenarioStore(LibraryFile):
    """The library's scenarios and revisions."""

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

    @guarded
    def get_scenario(self, scenario_id: int) -> ScenarioRecord:
        """The record of one scenario (deleted ones included)."""
        row = self._one(SCENARIO_SELECT + " WHERE s.id = ?", [scenario_id])
        if row is None:
            raise ScenarioNotFound(f"there is no scenario number {scenario_id} in the library")
        return ScenarioRecord(**row)

    @guarded
    def add_scenario(
        self, scenario: Scenario, kind: RevisionKind = "import", message: str = ""
    ) -> ScenarioRecord:
        """Add a new scenario with ``scenario`` as its revision 1."""
        _check_kind(kind)
        content = stored_text(scenario)
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
            [scenario_id, number, stamp, message, content, sha256(content), kind],
        )
        return int(cur.lastrowid or 0)

    @guarded
    def list_scenarios(self) -> list[ScenarioRecord]:
        """Scenarios not deleted, most recently updated first."""
        rows = self.db.query(
            SCENARIO_SELECT
            + " WHERE s.deleted_at IS NULL ORDER BY s.updated_at DESC, s.current_revision_id DESC, s.id DESC"
        )
        return [ScenarioRecord(**row) for row in rows]

    @guarded
    def find_by_name(self, name: str) -> list[ScenarioRecord]:
        """Scenarios not deleted whose name is ``name`` (ignoring case of A–Z and outer
        spaces), most recently updated first: e.g. to ask before importing a second copy."""
        rows = self.db.query(
            SCENARIO_SELECT + " WHERE s.deleted_at IS NULL AND TRIM(s.name) = ? COLLATE NOCASE"
            " ORDER BY s.updated_at DESC, s.current_revision_id DESC, s.id DESC",
            [name.strip()],
        )
        return [ScenarioRecord(**row) for row in rows]

    @guarded
    def rename_scenario(self, scenario_id: int, name: str) -> RevisionRecord:
        """Rename a scenario. The name lives in the scenario itself (it is exported with it),
        so this saves a new revision; an unsaved draft is renamed too."""
        current = self.current_scenario(scenario_id)
        renamed = _with_name(current, name)
        with self._write() as conn:
            draft = drafts.newest(conn, scenario_id, self.instance_id)
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

    @guarded
    def delete_scenario(self, scenario_id: int) -> None:
        """Mark a scenario deleted (hidden from lists; its history and runs are kept)."""
        self._scenario_row(scenario_id)
        with self._write() as conn:
            conn.execute(
                "UPDATE scenarios SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                [now(), scenario_id],
            )

    @guarded
    def undelete_scenario(self, scenario_id: int) -> None:
        """Bring back a deleted scenario (undo of :meth:`delete_scenario`)."""
        self._scenario_row(scenario_id)
        with self._write() as conn:
            conn.execute("UPDATE scenarios SET deleted_at = NULL WHERE id = ?", [scenario_id])

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
        content = stored_text(scenario)
        sha = sha256(content)
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

    @guarded
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

    @guarded
    def replace_scenario(
        self, scenario_id: int, scenario: Scenario, message: str = "Replaced by an imported file"
    ) -> RevisionRecord:
        """Replace a scenario's content (e.g. by a newer copy of its file) as a new ``import``
        revision; the earlier revisions stay in its history."""
        with self._write() as conn:
            return self._save(conn, scenario_id, scenario, "import", message)

    def _revision(self, revision_id: int) -> RevisionRecord:
        row = self._one(f"SELECT {REVISION_COLUMNS} FROM revisions WHERE id = ?", [revision_id])
        if row is None:
            raise ScenarioNotFound(f"there is no revision number {revision_id} in the library")
        return RevisionRecord(**row)

    @guarded
    def revisions(self, scenario_id: int) -> list[RevisionRecord]:
        """Every revision of a scenario, oldest (number 1) first."""
        self._scenario_row(scenario_id)
        rows = self.db.query(
            f"SELECT {REVISION_COLUMNS} FROM revisions WHERE scenario_id = ? ORDER BY number",
            [scenario_id],
        )
        return [RevisionRecord(**row) for row in rows]

    @guarded
    def current_revision(self, scenario_id: int) -> RevisionRecord:
        """The revision a scenario currently stands at."""
        return self._revision(self._scenario_row(scenario_id)["current_revision_id"])

    @guarded
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

    @guarded
    def current_scenario(self, scenario_id: int) -> Scenario:
        """The scenario's current (last saved or restored) revision."""
        return self.load_revision(self._scenario_row(scenario_id)["current_revision_id"])

    @guarded
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

