"""Files in and out: open and import ``.mission.json`` files (drag and drop too), recent
files, and exports of the scenario, its results, the map and the plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QTimer,
)
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
)

from mission_desktop.gui.edit.document import scenario_to_dict
from mission_desktop.gui.edit.references import unique_name
from mission_desktop.gui.files.loading import load_off_thread
from mission_desktop.gui.shared.text import menu_text, plain_tip
from mission_desktop.gui.window.dialogs import (
    KEEP_BOTH,
    REPLACE,
)
from mission_desktop.model import (
    ScenarioError,
    load_scenario,
    save_scenario,
    scenario_from_dict,
)
from mission_desktop.report import write_csv, write_xlsx
from mission_desktop.store import ScenarioRecord, StoreError

FILE_FILTER = "Mission Desktop scenarios (*.mission.json);;JSON files (*.json);;All files (*)"
MAX_RECENT = 8
SETTING_RECENT_FILES = "gui.recent_files"
ALREADY_IN_LIBRARY = "Already in your library — opened it"


class FileExchangeMixin:
    """Opening, importing and exporting files (mixed into MainWindow)."""

    def open_file(self, path: str | Path) -> int | None:
        """Open a scenario file: validate, add to the library (asking about a duplicate name),
        and show it. Returns the library id, or None if nothing was opened."""
        if not self.confirm_leave_run() or not self.maybe_save():
            return None
        sid = self.import_file(path)
        if sid is not None:
            identical = self._last_import_identical
            # already shown, unedited: keep the undo history; otherwise show the library's copy
            keep = identical and sid == self.scenario_id and not self.is_modified()
            self.open_scenario(sid, force=not keep)
            if identical:
                self.statusBar().showMessage(ALREADY_IN_LIBRARY, 8000)
        return sid

    def import_file(self, path: str | Path) -> int | None:
        """Add a file to the library without opening it. A bad file changes nothing."""
        path = Path(path)
        if getattr(self, "_loading_file", False):
            self.statusBar().showMessage("Still opening another file; try again in a moment", 5000)
            return None
        self._loading_file = True
        self.statusBar().showMessage(f"Opening {path.name}…")
        try:
            # read and checked off the GUI thread: a large or hostile file never freezes
            # the window; the library is touched here, on the GUI thread, afterwards
            scenario = load_off_thread(load_scenario, path)
        except ScenarioError as e:
            self.show_problems(e)
            self.statusBar().showMessage(f"{path.name} was not opened: it has problems", 8000)
            return None
        finally:
            self._loading_file = False
        self.statusBar().clearMessage()
        self._last_import_identical = False
        try:
            existing = self.library.find_by_name(scenario.name)
            same = next(
                (r for r in existing if self.library.current_scenario(r.id) == scenario), None
            )
            if same is not None:
                # the very same content: nothing to ask, nothing to add
                self._last_import_identical = True
                self.add_recent_file(path)
                self.statusBar().showMessage(f"{path.name}: already in your library", 8000)
                return same.id
            if existing:
                choice = self.ask_duplicate_choice(scenario.name)
                if choice == REPLACE:
                    target: ScenarioRecord = existing[0]
                    if target.id == self.scenario_id and self.is_modified():
                        self._discard_draft()
                    self.library.replace_scenario(target.id, scenario, f"Replaced by {path.name}")
                    sid = target.id
                    if sid == self.scenario_id:
                        self.note_base_revision()
                        self.document.reset(self.library.current_scenario(sid))
                    message = f"Replaced “{scenario.name}” with {path.name} (its history is kept)"
                elif choice == KEEP_BOTH:
                    name = unique_name(scenario.name, set(self.library_names()))
                    doc = scenario_to_dict(scenario)
                    doc["name"] = name
                    scenario = scenario_from_dict(doc)
                    sid = self.library.add_scenario(scenario, "import", f"Imported {path.name}").id
                    message = f"Added {path.name} as “{name}”"
                else:
                    self.statusBar().showMessage(f"{path.name} was not opened", 5000)
                    return None
            else:
                sid = self.library.add_scenario(scenario, "import", f"Imported {path.name}").id
                message = f"Added “{scenario.name}” from {path.name}"
        except StoreError as e:
            self.show_error("The library could not be changed", str(e))
            return None
        self.add_recent_file(path)
        self.refresh_library()
        self.statusBar().showMessage(message, 8000)
        return sid

    def open_file_dialog(self) -> None:
        paths = self.ask_open_paths("Open a scenario file")
        if paths:
            self.open_file(paths[0])

    def import_files_dialog(self) -> None:
        for path in self.ask_open_paths("Import scenario files", many=True):
            self.import_file(path)

    # ----------------------------------------------------------------- recent files
    def recent_files(self) -> list[str]:
        try:
            value = self.library.get_setting(SETTING_RECENT_FILES, [])
        except StoreError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent_file(self, path: Path) -> None:
        text = str(Path(path).resolve())
        files = [text] + [f for f in self.recent_files() if f != text]
        try:
            self.library.set_setting(SETTING_RECENT_FILES, files[:MAX_RECENT])
        except StoreError:
            pass

    def clear_recent_files(self) -> None:
        try:
            self.library.set_setting(SETTING_RECENT_FILES, [])
        except StoreError:
            pass
        self._fill_recent_menu()

    def open_recent_file(self, path: str | Path) -> int | None:
        """Open a recent file; one that has gone is taken off the list, with a word why."""
        if not Path(path).is_file():
            files = [f for f in self.recent_files() if f != str(path)]
            try:
                self.library.set_setting(SETTING_RECENT_FILES, files)
            except StoreError:
                pass
            self.show_error(
                "File not found",
                f"{path} is no longer there (moved, renamed or deleted), so it has been taken "
                "off the recent files. Its scenario is still in your library if you opened it.",
            )
            return None
        return self.open_file(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            action = self.recent_menu.addAction("(no recent files)")
            action.setEnabled(False)
            return
        for i, f in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{i} {menu_text(Path(f).name)}")
            action.setToolTip(plain_tip(f))
            action.setStatusTip(f)
            action.setData(f)
            action.triggered.connect(lambda _c=False, f=f: self.open_recent_file(f))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.clear_recent_action)

    # ----------------------------------------------------------------- drag and drop
    @staticmethod
    def _dropped_paths(event: Any) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [
            Path(u.toLocalFile())
            for u in mime.urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(".json")
        ]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = self._dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()

        def take() -> None:  # one after another: each is read off the GUI thread
            self.open_file(paths[0])
            for extra in paths[1:]:
                self.import_file(extra)

        QTimer.singleShot(0, take)

    def export_scenario(self, path: str | Path) -> bool:
        try:
            save_scenario(self.scenario, path)
        except OSError as e:
            self.show_error("Not exported", f"{path} cannot be written: {e.strerror or e}")
            return False
        self.add_recent_file(Path(path))
        self.statusBar().showMessage(f"Exported to {path}", 5000)
        return True

    def _file_stem(self) -> str:
        """The scenario's name as a file name ('scenario' when nothing of it is left)."""
        stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.scenario.name).strip()
        return stem or "scenario"

    def export_dialog(self) -> None:
        suggested = f"{self._file_stem()}.mission.json"
        path = self.ask_save_path("Export scenario", suggested, FILE_FILTER)
        if path is not None:
            if not path.name.endswith(".json"):
                path = path.with_name(path.name + ".mission.json")
            self.export_scenario(path)

    def export_results_csv(self, path: str | Path) -> bool:
        """Write the results shown on screen as CSV (metadata block first)."""
        return self._export_results(path, write_csv)

    def export_results_xlsx(self, path: str | Path) -> bool:
        """Write the results shown on screen as an Excel workbook (with a Metadata sheet)."""
        return self._export_results(path, write_xlsx)

    def _export_results(self, path: str | Path, write) -> bool:
        # what the run view shows, and only that: never an older run's results
        results = self._results()
        if results is None:
            running = getattr(getattr(self.run_view, "controller", None), "is_running", False)
            self.show_error(
                "Nothing to export",
                "A run is going on: its results can be exported once it has finished."
                if running
                else "No results are shown: run the scenario (F5) first, then export.",
            )
            return False
        try:
            write(results, path)
        except OSError as e:
            self.show_error("Not exported", f"{path} cannot be written: {e.strerror or e}")
            return False
        self.statusBar().showMessage(f"Results written to {path}", 5000)
        return True

    def _results_stem(self) -> str:
        return f"{self._file_stem()} results"

    def export_results_dialog(self) -> None:
        path = self.ask_save_path(
            "Export results", f"{self._results_stem()}.csv", "CSV files (*.csv)"
        )
        if path is not None:
            if path.suffix.lower() != ".csv":
                path = path.with_name(path.name + ".csv")
            self.export_results_csv(path)

    def export_results_xlsx_dialog(self) -> None:
        path = self.ask_save_path(
            "Export results", f"{self._results_stem()}.xlsx", "Excel workbooks (*.xlsx)"
        )
        if path is not None:
            if path.suffix.lower() != ".xlsx":
                path = path.with_name(path.name + ".xlsx")
            self.export_results_xlsx(path)

    def export_map_dialog(self) -> None:
        export = getattr(self.service_map, "export_png", None)
        if export is None:
            return
        path = self.ask_save_path("Export map", "service-map.png", "PNG images (*.png)")
        if path is not None:
            export(str(path))
            self.statusBar().showMessage(f"Map saved to {path}", 5000)

    def export_plots_dialog(self) -> None:
        export = getattr(self.run_view, "export_plots_png", None)
        if export is None:
            return
        path = self.ask_save_path("Export plots", "live-plots.png", "PNG images (*.png)")
        if path is not None:
            export(str(path))
            self.statusBar().showMessage(f"Plots saved to {path}", 5000)

