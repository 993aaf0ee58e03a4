"""Screenshots of the From-data wizard on the example log: its fit page and its calibration
page (``python -m mission_desktop.gui.data.shots OUT_DIR``, under xvfb-run)."""

from __future__ import annotations

import sys
from pathlib import Path

#: (file name, page) grabbed, in order
SHOTS = ("from-data-fit.png", "from-data-calibration.png")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from mission_desktop.gui.shared.shots import screenshot_session

    out, app, library, window = screenshot_session(argv, examples=False)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from mission_desktop.gui.app import SCENARIOS_DIR
    wizard = window.from_data_dialog(SCENARIOS_DIR / "example_event_log.csv")
    wizard.resize(1400, 980)
    taken: list[Path] = []

    def shot(name: str) -> None:
        QApplication.processEvents()
        path = out / name
        wizard.grab().save(str(path))
        taken.append(path)
        print(path)

    def when_done(job, then) -> None:
        if job.is_running():
            job.ended.connect(lambda: QTimer.singleShot(500, then))
        else:
            QTimer.singleShot(500, then)

    def to_fit() -> None:
        wizard.next()
        when_done(wizard.fit_page.job, to_services)

    def to_services() -> None:
        wizard.next()
        page = wizard.services_page
        page.service_list.setCurrentRow(1)  # Universal Credit claim: a gamma fit
        QTimer.singleShot(600, lambda: (shot(SHOTS[0]), to_calibration()))

    def to_calibration() -> None:
        wizard.next()
        when_done(wizard.calibration_page.job, lambda: (shot(SHOTS[1]), finish()))

    def finish() -> None:
        wizard.stop()
        wizard.close()
        window.close()
        app.quit()

    when_done(wizard.log_page.preview_job, to_fit)
    QTimer.singleShot(240_000, app.quit)  # never hang a script
    app.exec()
    library.close()
    return 0 if len(taken) == len(SHOTS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
