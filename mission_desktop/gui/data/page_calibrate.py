"""Wizard page 4: does the fitted twin match what was observed? The baseline runs over each
service's observed period off the GUI thread (progress, Cancel); each figure is shown
beside the simulated mean and its 95% range, "inside" or "OUTSIDE" in words with an icon
(colour is never the only signal), then the plain-words summary."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QLabel,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from mission_desktop.data.calibrate import LABELS
from mission_desktop.data.text import shown
from mission_desktop.gui.data.work_page import WorkPage
from mission_desktop.gui.shared.access import a11y, announce
from mission_desktop.gui.shared.job import Job, JobState
from mission_desktop.gui.shared.text import plain_label

INSIDE, OUTSIDE, NOT_SIMULATED = "inside", "OUTSIDE the range", "not simulated"
#: a pale tint behind an outside figure: a second signal, after the word and the icon
OUTSIDE_TINT = "#FBE3D6"
HEADERS = ["Service", "Figure", "Observed", "Simulated mean", "95% range", "Verdict"]


def _number(key: str, value: float) -> str:
    return f"{value:.1%}" if key == "utilisation" else f"{value:,.4g}"


def calibration_rows(result: dict) -> list[tuple[list[str], bool | None]]:
    """(cells, inside) per figure of a calibration result, in its order."""
    rows = []
    for item in result["services"].values():
        for key, f in item["figures"].items():
            sim = f["simulated"]
            verdict = {True: INSIDE, False: OUTSIDE, None: NOT_SIMULATED}[f["inside"]]
            cells = [
                shown(item["name"], 60),
                LABELS[key],
                _number(key, f["observed"]),
                "—" if sim is None else _number(key, sim["mean"]),
                "—" if sim is None else
                f"{_number(key, sim['range95'][0])} to {_number(key, sim['range95'][1])}",
                verdict,
            ]
            rows.append((cells, f["inside"]))
    return rows


class CalibrationPage(WorkPage):
    """Page 4: the calibration table and its summary."""

    cancelling_text = "Cancelling at the next replication…"

    def __init__(self, wizard) -> None:
        super().__init__()
        self.setTitle("Does the twin match what was observed?")
        self.owner = wizard
        self.result: dict | None = None
        layout = QVBoxLayout(self)
        self._add_controls(
            layout,
            ("Calibration progress", "Replications run"),
            ("&Cancel the check", "Cancel the calibration", "Stop the runs at the next replication"),
            ("Check &again", "Check again", "Run the calibration again"),
        )
        self.summary = plain_label(QLabel("", self))
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        a11y(self.summary, "Calibration summary")
        layout.addWidget(self.summary)
        self.outside_label = plain_label(QLabel("", self))
        self.outside_label.setWordWrap(True)
        a11y(self.outside_label, "Figures outside the simulated range")
        layout.addWidget(self.outside_label)
        self.table = QTableWidget(self)
        self.table.setColumnCount(len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        a11y(self.table, "Observed against simulated, per service and figure",
             "Each observed figure beside the simulated mean and its 95% range")
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        layout.addWidget(self.table, 1)

    def start(self) -> Job:
        self.cancel(wait=True)
        scenario = self.owner.chosen_scenario()
        self.result = None
        self.table.setRowCount(0)
        self.summary.setText("")
        self.outside_label.setText("")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status.setText(
            f"Running the baseline {max(scenario.run.replications, 10)} times over the observed "
            "period, from the people waiting and in service at the end of the log…"
        )
        self.cancel_button.setEnabled(True)
        self.retry_button.setEnabled(False)
        from mission_desktop.data.calibrate import CalibrationError
        from mission_desktop.model import ScenarioError
        from mission_desktop.sim import ExperimentCancelled

        def work(state: JobState):
            def progress(done: int, total: int) -> None:
                state.set_progress(float(done / max(total, 1)), f"{done} of {total}")

            return self.owner.calibrate_function(
                scenario, workers=1, progress=progress, cancelled=state.is_cancelled
            )

        job = Job(work, (CalibrationError, ScenarioError), (ExperimentCancelled,), self)
        return self._run(
            job,
            "Check cancelled: nothing was compared. Check again, or finish without it.",
            "The check could not run: {}",
        )

    def _on_progress(self, fraction: float, step: str) -> None:
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * fraction))
        self.status.setText(f"Running the baseline: replication {step}…")

    def _on_done(self, result: dict) -> None:
        self.result = result
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000)
        self.cancel_button.setEnabled(False)
        self.retry_button.setEnabled(True)
        unit = result["time_unit"]
        self.status.setText(
            f"{result['replications']} replications of the baseline. Waits in {unit}s, "
            f"throughput per {unit}; the 95% range is where one run of a right model lands "
            "19 times in 20."
        )
        rows = calibration_rows(result)
        style = self.style()
        icons = {
            True: style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
            False: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        self.table.setRowCount(len(rows))
        for r, (cells, inside) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == len(cells) - 1 and inside in icons:
                    item.setIcon(icons[inside])
                if inside is False:
                    item.setBackground(QBrush(QColor(OUTSIDE_TINT)))
                    if c == len(cells) - 1:
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.summary.setText(result["summary"].split(" Outside: ")[0])
        outside = [cells for cells, inside in rows if inside is False]
        self.outside_label.setText(
            "⚠ OUTSIDE the simulated 95% range: " + "; ".join(
                f"{c[0]} {c[1].lower()} (observed {c[2]}, simulated {c[4]})" for c in outside
            ) + (". Check this service's" if len({c[0] for c in outside}) == 1 else
                 ". Check these services'") + " capacity, service time and routes."
            if outside else "✔ Every figure lies inside the simulated 95% range."
        )
        first = next((r for r, (_c, inside) in enumerate(rows) if inside is False), None)
        if first is not None:
            self.table.scrollToItem(self.table.item(first, 0))
        announce(self.summary)
