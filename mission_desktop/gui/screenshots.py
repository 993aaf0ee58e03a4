"""Screenshots of the main window before, during and after a run, as a user would see it.

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python -m mission_desktop.gui.screenshots OUT

With ``--presentation`` (under a projector-sized screen, e.g. ``-screen 0 1280x720x24``) it
takes presentation mode instead: the live map, the live plots and the results, full screen.

Uses a throwaway library (MISSION_DESKTOP_DATA_DIR in a temporary folder) and the bundled
hospital-discharge example, so it never touches a user's own scenarios.
"""

from __future__ import annotations

import sys
from pathlib import Path


def presentation(window, app, out: Path) -> list[Path]:
    """Presentation mode, as a workshop sees it on a projector: the three slides."""
    from PySide6.QtCore import QTimer

    taken: list[Path] = []
    run_view = window.run_view

    def shot(name: str) -> None:
        app.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        taken.append(path)
        print(path)

    def start() -> None:
        window.set_presentation(True)
        run_view.set_pace(30.0)
        run_view.start_run()
        QTimer.singleShot(9000, live)

    def live() -> None:
        shot("6-presentation-map")
        window.next_slide_action.trigger()
        QTimer.singleShot(400, plots)

    def plots() -> None:
        shot("7-presentation-plots")
        run_view.set_pace(None)

    def finished(_results: object) -> None:
        window.next_slide_action.trigger()
        QTimer.singleShot(800, results)

    def results() -> None:
        shot("8-presentation-results")
        window.set_presentation(False)
        window.close()
        app.quit()

    run_view.run_finished.connect(finished)
    QTimer.singleShot(1500, start)
    return taken


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    presenting = "--presentation" in argv
    argv = [a for a in argv if a != "--presentation"]
    from mission_desktop.gui.shared.shots import screenshot_session

    # first start: the window opens the hospital discharge example
    out, app, library, window = screenshot_session(argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    if presenting:
        taken = presentation(window, app, out)
        QTimer.singleShot(240_000, app.quit)  # never hang a script
        app.exec()
        library.close()
        return 0 if len(taken) == 3 else 1
    taken: list[Path] = []

    def shot(name: str) -> None:
        QApplication.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        taken.append(path)
        print(path)

    run_view = window.run_view
    tabs = window.tabs

    def step_map() -> None:
        tabs.setCurrentIndex(0)
        shot("1-map-before-run")
        tabs.setCurrentIndex(1)
        QTimer.singleShot(300, step_editor)

    def step_editor() -> None:
        shot("2-editor")
        tabs.setCurrentIndex(2)
        run_view.set_pace(30.0)  # a month of simulated days per second: a workshop pace
        run_view.start_run()
        QTimer.singleShot(7000, step_during)

    def step_during() -> None:
        shot("3-run-live")
        tabs.setCurrentIndex(0)
        QTimer.singleShot(400, step_map_during)

    def step_map_during() -> None:
        shot("4-map-during-run")
        tabs.setCurrentIndex(2)
        run_view.set_pace(None)

    def finished(_results: object) -> None:
        QTimer.singleShot(800, step_after)

    def step_after() -> None:
        shot("5-results")
        run_view.tabs.setCurrentIndex(0)  # the plots after the run: mean with 95% band
        QTimer.singleShot(800, step_plots_after)

    def step_plots_after() -> None:
        shot("6-plots-after-run")
        for name, export in (("plots", run_view.export_plots_png), ("map", run_view.export_map_png)):
            path = out / f"7-exported-{name}.png"
            if export(str(path)):
                taken.append(path)
                print(path)
        run_view.tabs.setCurrentWidget(run_view.costs)
        QTimer.singleShot(400, step_costs)

    def step_costs() -> None:
        shot("5b-results-costs")
        run_view.tabs.setCurrentWidget(run_view.cohorts)
        QTimer.singleShot(400, step_cohorts)

    def step_cohorts() -> None:
        shot("5c-results-cohorts")
        window.close()
        app.quit()

    run_view.run_finished.connect(finished)
    QTimer.singleShot(1500, step_map)
    QTimer.singleShot(240_000, app.quit)  # never hang a script
    app.exec()
    library.close()
    return 0 if len(taken) == 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
