"""Running from the run view: start, pause, stop and restart a run; its progress and state
in words; its results when it finishes or fails. A mixin of
:class:`~mission_desktop.gui.run.view.RunView` (which owns the controls, the plots, the map,
the result pages and the controller)."""

from __future__ import annotations

import math

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMessageBox

from mission_desktop.gui.run import worker as w
from mission_desktop.gui.shared.text import ask_plain


def format_duration(seconds: float) -> str:
    """'about 20 s', 'about 3 min', 'about 1 h 5 min' (or '' when unknown)."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    if seconds < 60:
        return f"about {max(round(seconds), 1)} s"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min"
    h, rest = divmod(round(seconds / 60), 60)
    return f"about {h} h {rest} min"



class RunningMixin:
    """See the module docstring."""

    def _reset_progress(self) -> None:
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")


    @Slot()
    def start_run(self) -> None:
        """Run the ticked variants (a run already going is cancelled first)."""
        if self._scenario is None:
            return
        variants = self.selected_variants()
        if not variants:
            self._set_status("Tick at least one variant to run.")
            return
        if self.controller.is_running and not self.ask_restart():
            return
        self._flush_finished()
        self._results = None
        self.results_changed.emit()
        self._shut_down = False
        self.hide_problem()
        for page in self.result_pages:
            page.clear()
        self.plots.set_variants(variants)
        self.plots.start()
        self.service_map.clear_live()
        if self.service_map.variant_id not in variants:
            index = self.map_variant_combo.findData(variants[0])
            self.map_variant_combo.setCurrentIndex(index)
            self.service_map.set_variant(variants[0])
        self.pause_action.setChecked(False)
        self._reset_progress()
        self.tabs.setCurrentIndex(0)
        self.controller.start(
            self._scenario,
            variants,
            self.replications_spin.value(),
            pace=self.pace(),
        )
        self.run_started.emit()

    def ask_restart(self) -> bool:
        """Before Run (F5) throws away the run going on: ask (tests replace this)."""
        return (
            ask_plain(
                self,
                "Restart the run?",
                "A run is going on. Stop it and start again from the beginning?",
                default=QMessageBox.StandardButton.No,
            )
            == QMessageBox.StandardButton.Yes
        )

    def compare_text(self) -> str:
        """'' when the ticked variants are compared, else what the run will show."""
        ticked = self.selected_variants()
        if len(ticked) != 1 or self._scenario is None:
            return ""
        variants = {v.id: v.name for v in self._scenario.effective_variants}
        name = variants.get(ticked[0], ticked[0])
        if len(variants) == 1:
            return f"Only one variant (“{name}”): nothing will be compared."
        return f"Only “{name}” is ticked: nothing will be compared. Tick others to compare."

    @Slot()
    def stop_run(self) -> None:
        self.controller.stop()

    @Slot(bool)
    def _on_pause_triggered(self, checked: bool) -> None:
        if checked:
            self.controller.pause()
        else:
            self.controller.resume()

    @Slot(object)
    def _on_snapshot(self, snapshot) -> None:
        self.service_map.update_snapshot(snapshot)
        self.snapshot_received.emit(snapshot)

    @Slot(int)
    def _on_map_variant(self, _index: int) -> None:
        vid = self.map_variant_combo.currentData()
        self.service_map.set_variant(vid)
        snap = self.controller.latest_snapshots().get(vid)
        if snap is not None:
            self.service_map.update_snapshot(snap)

    @Slot(int, int, float)
    def _on_progress(self, done: int, total: int, eta: float) -> None:
        if total <= 0:
            return
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        left = format_duration(eta)
        state = self.controller.state
        if self._phase == w.REPLICATIONS:
            text = f"Replications: {done} of {total} runs done"
        else:
            text = self.live_status(done / total)
        if state == w.PAUSED:
            text += " — paused"
        elif left:
            text += f" — {left} left"
        self.progress_bar.setFormat(f"{done / total:.0%}")
        self._set_status(text)
        self.progress_bar.setAccessibleDescription(text)

    def live_status(self, fraction: float) -> str:
        """'Live: replication 1 of 10, 5 variants — day 197 of 365'."""
        unit = self._scenario.time_unit if self._scenario else "day"
        horizon = float(self._scenario.run.horizon) if self._scenario else 1.0
        request = self.controller.request
        reps = request.replications if request is not None else self.replications_spin.value()
        n = len(request.variants) if request is not None else len(self.selected_variants())
        variants = f"{n} variant" + ("" if n == 1 else "s")
        return (
            f"Live: replication 1 of {reps:,}, {variants} — "
            f"{unit} {fraction * horizon:,.0f} of {horizon:,.0f}"
        )

    @Slot(str)
    def _on_state(self, state: str) -> None:
        if state in (w.LIVE, w.REPLICATIONS):
            self._phase = state
        messages = {
            w.LIVE: "Running live…",
            w.PAUSED: "Paused. Press F6 to resume.",
            w.REPLICATIONS: "Running the replications…",
            # "Finished." once the last tile is shown (_on_results_shown)
            w.FINISHED: "Showing the results…",
            w.STOPPED: "Stopped.",
        }
        if state in messages:
            self._set_status(messages[state])
        if state == w.LIVE and self.controller.request is not None:
            self.plots.set_replications(self.controller.request.replications)
        if state in (w.FINISHED, w.STOPPED, w.FAILED):
            self.plots.finish()
            self.pause_action.setChecked(False)
        self.pause_action.setText("Resume" if state == w.PAUSED else "Pause")
        self.pause_action.setChecked(state == w.PAUSED)
        self._update_actions()
        self.run_state_changed.emit(state)

    @Slot(object)
    def _on_finished(self, results: dict) -> None:
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_bar.setFormat("100%")
        # the summary at once, the tiles one per pass of the event loop (a large results
        # table would otherwise freeze the window for a moment); run_finished follows
        self._results = results
        self.results_changed.emit()
        self._finished_results = results
        self.plots.show_results(results)  # the mean of every replication, with its band
        self.kpi.show_results(results, progressive=True)
        self.costs.show_results(results)
        self.cohorts.show_results(results)
        if results.get("variants"):
            self.tabs.setCurrentWidget(self.kpi)

    @Slot()
    def _on_results_shown(self) -> None:
        results, self._finished_results = self._finished_results, None
        if results is not None:
            self._set_status("Finished.")
            self.run_finished.emit(results)

    def _flush_finished(self) -> None:
        """A finished run whose tiles are still being built is announced now (it must
        reach the library even if the user moves on at once)."""
        self._on_results_shown()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.show_problem(message)
        first = message.split("\n", 1)[0].strip().rstrip(":")
        self._set_status(f"{first} — see the message above the plots.")
        self.progress_label.setAccessibleDescription(message)
        self.run_failed.emit(message)

    def show_results(self, results: dict) -> None:
        """Show a run's results (also used to show the last saved results of a scenario)."""
        self._flush_finished()
        self._results = results
        self.plots.show_results(results)
        self.results_changed.emit()
        for page in self.result_pages:
            page.show_results(results)
        if results.get("variants"):
            self.tabs.setCurrentWidget(self.kpi)

    @property
    def results(self) -> dict | None:
        return self._results

    def _update_actions(self) -> None:
        running = self.controller.is_running
        has = self._scenario is not None
        self.run_action.setEnabled(has and bool(self.selected_variants()))
        self.run_action.setText("&Restart" if running else "&Run")
        self.pause_action.setEnabled(running)
        self.stop_action.setEnabled(running)
        self.variant_list.setEnabled(not running)
        self.replications_spin.setEnabled(not running)
        note = self.compare_text()
        self.compare_note.setText(note)
        self.compare_note.setVisible(bool(note))

