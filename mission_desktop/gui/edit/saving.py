"""Saving the scenario being edited: revisions, Save As, New, and the autosaved draft."""

from __future__ import annotations

from mission_desktop.gui.edit.document import scenario_to_dict
from mission_desktop.gui.edit.references import unique_name
from mission_desktop.gui.window.dialogs import (
    DISCARD,
    SAVE,
)
from mission_desktop.model import (
    ScenarioError,
    scenario_from_dict,
)
from mission_desktop.model.blank import blank_scenario
from mission_desktop.store import StaleRevision, StoreError

#: answers to :meth:`ask_stale_save`
SAVE_ANYWAY = "anyway"
SAVE_COPY = "copy"


class SavingMixin:
    """Saving and autosaving (mixed into MainWindow)."""

    # ================================================================= saving
    def save(self) -> bool:
        """Save the scenario as a new revision in the library."""
        scenario = self.scenario
        try:
            if self.scenario_id is None:
                record = self.library.add_scenario(scenario, "save", "Created")
                self.scenario_id = record.id
                revision = self.library.current_revision(record.id)
            else:
                revision = self._save_revision(scenario)
                if isinstance(revision, bool):  # cancelled, or saved as a copy instead
                    return revision
        except StoreError as e:
            self.show_error("Not saved", str(e))
            return False
        self.base_revision_id = revision.id
        self.autosave_timer.stop()
        self.undo_stack.setClean()
        self._update_title()
        self.refresh_library()
        self.statusBar().showMessage(f"Saved “{scenario.name}” as revision {revision.number}", 5000)
        self.scenario_saved.emit(revision)
        return True

    def _save_revision(self, scenario):
        """Save over the revision the edits started from; if another window saved
        meanwhile, ask: a new revision anyway, a copy (True when made) or nothing (False)."""
        try:
            return self.library.save_revision(
                self.scenario_id, scenario, "save", base_revision_id=self.base_revision_id
            )
        except StaleRevision:
            choice = self.ask_stale_save(scenario.name)
        if choice == SAVE_ANYWAY:
            return self.library.save_revision(self.scenario_id, scenario, "save")
        if choice == SAVE_COPY:
            return self.save_as()
        return False

    def note_base_revision(self) -> None:
        """The edits now start from the scenario's current revision."""
        self.base_revision_id = None
        if self.scenario_id is not None:
            try:
                self.base_revision_id = self.library.current_revision(self.scenario_id).id
            except StoreError:
                pass

    def save_as(self, name: str | None = None) -> bool:
        """Save a copy under a new name as a new library entry, and continue with the copy."""
        if name is None:
            suggestion = unique_name(f"{self.scenario.name} copy", set(self.library_names()))
            name = self.ask_text("Save As", "Name of the new scenario:", suggestion)
            if not name:
                return False
        name = unique_name(name, set(self.library_names()))
        doc = scenario_to_dict(self.scenario)
        doc["name"] = name
        try:
            copy = scenario_from_dict(doc)
        except ScenarioError as e:
            self.show_problems(e, "The name cannot be used")
            return False
        try:
            if self.scenario_id is not None:
                self.library.discard_draft(self.scenario_id)
            record = self.library.add_scenario(
                copy, "save", f"Saved as a copy of “{self.scenario.name}”"
            )
        except StoreError as e:
            self.show_error("Not saved", str(e))
            return False
        self.autosave_timer.stop()
        self.scenario_id = record.id
        self.note_base_revision()
        self.document.reset(copy)
        self.refresh_library()
        self.statusBar().showMessage(f"Saved a copy as “{name}”", 5000)
        self.scenario_saved.emit(self.library.current_revision(record.id))
        return True

    def new_scenario(self) -> bool:
        if not self.maybe_save():
            return False
        name = unique_name("Untitled scenario", set(self.library_names()))
        try:
            record = self.library.add_scenario(blank_scenario(name), "save", "New scenario")
        except StoreError as e:
            self.show_error("No new scenario", str(e))
            return False
        self.refresh_library()
        ok = self.open_scenario(record.id)
        self.tabs.setCurrentWidget(self.editor)
        return ok

    def maybe_save(self) -> bool:
        """Before leaving the scenario: True to go on (saved or discarded), False to stay."""
        if not self.is_modified():
            return True
        choice = self.ask_save_changes(self.scenario.name)
        if choice == SAVE:
            return self.save()
        if choice == DISCARD:
            self._discard_draft()
            self.undo_stack.setClean()
            return True
        return False

    def _discard_draft(self) -> None:
        if self.scenario_id is None:
            return
        try:
            self.library.discard_draft(self.scenario_id)
        except StoreError:
            pass

    def autosave_now(self) -> bool:
        """Write unsaved edits to the library's draft (done 2 s after the last edit)."""
        self.autosave_timer.stop()
        if self.scenario_id is None:
            return False
        try:
            if self.is_modified():
                self.library.save_draft(self.scenario_id, self.scenario)
            else:
                self.library.discard_draft(self.scenario_id)
        except StoreError as e:
            self.statusBar().showMessage(f"Autosave failed: {e}", 10000)
            return False
        if self.is_modified():
            self.statusBar().showMessage("Edits autosaved", 2000)
        return True

