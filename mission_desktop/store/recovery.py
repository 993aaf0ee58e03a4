"""Recovering unsaved edits: the library's autosaved drafts, one per scenario and app
instance (overwritten by each autosave, cleared by the next save), so they survive a crash.
Which instance's draft may be offered is decided in :mod:`.drafts`."""

from __future__ import annotations

from typing import Any

from mission_desktop.model import Scenario, ScenarioError, loads_scenario

from . import drafts
from .connection import guarded
from .records import SCENARIO_SELECT, ScenarioRecord
from .scenarios import ScenarioStore
from .values import sha256, stored_text


class DraftStore(ScenarioStore):
    """The library's drafts of unsaved edits."""

    def _draft_row(self, scenario_id: int) -> dict[str, Any] | None:
        """The newest draft this instance may offer (its own or a stopped instance's)."""
        return drafts.newest(self.db.conn, scenario_id, self.instance_id)

    @guarded
    def save_draft(self, scenario_id: int, scenario: Scenario) -> None:
        """Autosave unsaved edits (this instance's draft, overwritten each time). The draft
        survives a crash and is cleared by the next save."""
        content = stored_text(scenario)
        with self._write() as conn:
            self._scenario_row(scenario_id)
            drafts.upsert(conn, scenario_id, self.instance_id, content)
        self._registered = True

    @guarded
    def draft(self, scenario_id: int) -> Scenario | None:
        """Unsaved edits to recover after a crash (this instance's, or those of an instance
        that has stopped; never another open window's): ``None`` if there is no draft, if it
        is the same as the current revision, or if it can no longer be read."""
        scenario_row = self._scenario_row(scenario_id)
        row = self._draft_row(scenario_id)
        if row is None or sha256(row["content"]) == scenario_row["current_sha256"]:
            return None
        try:
            return loads_scenario(row["content"])
        except ScenarioError:
            return None

    @guarded
    def draft_updated_at(self, scenario_id: int) -> str | None:
        """When the draft was last autosaved (ISO-8601 UTC), or ``None`` without a draft."""
        row = self._draft_row(scenario_id)
        return None if row is None else row["updated_at"]

    @guarded
    def scenarios_with_drafts(self) -> list[ScenarioRecord]:
        """Scenarios (not deleted) with unsaved edits worth offering to recover at start-up."""
        rows = self.db.query(
            SCENARIO_SELECT + " WHERE s.deleted_at IS NULL AND s.id IN "
            "(SELECT scenario_id FROM drafts) ORDER BY s.updated_at DESC"
        )
        return [ScenarioRecord(**row) for row in rows if self.draft(row["id"]) is not None]

    @guarded
    def discard_draft(self, scenario_id: int) -> None:
        """Throw away unsaved edits (this instance's, and the stopped instances' it offered)."""
        with self._write() as conn:
            drafts.clear(conn, scenario_id, self.instance_id)
