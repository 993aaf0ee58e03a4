"""The From-data wizard: choose and map the log, fit it, see and adjust each service's fit,
check the twin against what was observed; Finish adds the scenario to the library and
opens it (through the window's ``add_fitted_scenario``)."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from mission_desktop.gui.data.page_calibrate import CalibrationPage
from mission_desktop.gui.data.page_log import FitPage, LogPage
from mission_desktop.gui.data.page_services import ServicesPage
from mission_desktop.gui.data.preview import fit_with_samples, with_choices


def calibrate(*args, **kwargs):
    """The calibration, imported on first use (it brings the engine and scipy.stats)."""
    from mission_desktop.data.calibrate import calibrate as run

    return run(*args, **kwargs)


class FromDataWizard(QWizard):
    """Four pages; the work of pages 1, 2 and 4 runs off the GUI thread. Tests replace
    ``fit_function`` and ``calibrate_function`` to hold the work at a step."""

    def __init__(self, main_window) -> None:
        super().__init__(main_window)
        self.main_window = main_window
        self.fit_function = fit_with_samples
        self.calibrate_function = calibrate
        self.setWindowTitle("New scenario from data")
        self.setObjectName("from_data_wizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish: add to the library")
        self.log_page = LogPage(self)
        self.fit_page = FitPage(self)
        self.services_page = ServicesPage(self)
        self.calibration_page = CalibrationPage(self)
        for page in (self.log_page, self.fit_page, self.services_page, self.calibration_page):
            self.addPage(page)
        self.resize(1180, 820)
        self.added_id: int | None = None

    def jobs(self):
        return [j for j in (self.log_page.preview_job, self.fit_page.job, self.calibration_page.job) if j]

    def running(self) -> bool:
        return any(j.is_running() for j in self.jobs())

    def stop(self, wait: bool = True) -> None:
        """Cancel whatever runs; ``wait``: until its thread has finished."""
        for job in self.jobs():
            if job.is_running():
                job.cancel()
                if wait:
                    job.wait()

    def chosen_scenario(self):
        """The fitted scenario with the shapes and capacities chosen on page 3."""
        page = self.services_page
        return with_choices(
            self.fit_page.fitted.result.scenario, page.chosen_distributions(), page.capacities
        )

    def accept(self) -> None:
        self.stop()
        sid = self.main_window.add_fitted_scenario(self.chosen_scenario(), self.log_page.log_path())
        if sid is None:
            return  # not added (the save was cancelled or failed): stay, nothing is lost
        self.added_id = sid
        super().accept()

    def reject(self) -> None:
        self.stop()
        super().reject()
