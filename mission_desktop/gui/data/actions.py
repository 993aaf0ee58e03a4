"""File › From data…: the wizard's action and the window's side of it (mixed into MainWindow).

Every question goes through an ``ask_*`` method (``ask_log_path``, and ``ask_save_path`` of
the window) and every message through ``show_error``, so tests answer them; the wizard
itself is shown with ``show_data_wizard`` (non-blocking). The wizard's modules, pyqtgraph's
plots and DuckDB load on first use, not at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

LOG_FILTER = "Event logs (*.csv *.xlsx *.parquet);;All files (*)"


class DataWizardMixin:
    """The From-data action, its wizard, and adding the fitted scenario to the library."""

    data_wizard: Any = None

    def _build_data_actions(self) -> None:
        self.from_data_action = self._action(
            "&From data…",
            self.from_data_dialog,
            None,
            "Fit a new scenario from a case-system event log, then check it against the log",
        )

    def from_data_dialog(self, path: str | Path | None = None):
        """Open the wizard (the one already open, if any); ``path``: a log to start with."""
        from mission_desktop.gui.data.wizard import FromDataWizard

        wizard = self.data_wizard
        if wizard is None or not wizard.isVisible():
            if wizard is not None:  # a finished one: its threads have ended (stop waits)
                wizard.stop(wait=True)
                wizard.deleteLater()
            wizard = FromDataWizard(self)
            self.data_wizard = wizard
            self.show_data_wizard(wizard)
        wizard.raise_()
        if path is not None:
            wizard.log_page.load(path)
        return wizard

    # ----------------------------------------------------------------- prompts (patch in tests)
    def show_data_wizard(self, wizard) -> None:
        wizard.open()  # window-modal, returns at once

    def ask_log_path(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the event log", "", LOG_FILTER)
        return Path(path) if path else None

    # ----------------------------------------------------------------- the result
    def add_fitted_scenario(self, scenario, log_path: Path) -> int | None:
        """Save the fitted scenario where the user says (beside the log by default), then
        open it as any scenario file is opened: added to the library, asked about a
        duplicate name. Returns its library id, or None if it was not added."""
        from mission_desktop.gui.files.exchange import FILE_FILTER
        from mission_desktop.model import save_scenario

        log_path = Path(log_path)
        suggested = log_path.with_name(f"{log_path.stem} fitted.mission.json")
        path = self.ask_save_path("Save the fitted scenario", str(suggested), FILE_FILTER)
        if path is None:
            return None
        if not path.name.endswith(".json"):
            path = path.with_name(path.name + ".mission.json")
        try:
            save_scenario(scenario, path)
        except OSError as e:
            self.show_error("Not saved", f"{path} cannot be written: {e.strerror or e}")
            return None
        return self.open_file(path)

    def close_data_wizard(self) -> None:
        """Stop the wizard's work (its threads must not outlive the window)."""
        if self.data_wizard is not None:
            self.data_wizard.stop(wait=True)
