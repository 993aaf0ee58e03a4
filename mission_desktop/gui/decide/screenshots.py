"""Screenshots of the Decide dialogs on the bundled hospital-discharge example:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m mission_desktop.gui.decide.screenshots OUT

writes OUT/warmup.png, OUT/tornado.png and OUT/cheapest-plan.png. A throwaway library
(MISSION_DESKTOP_DATA_DIR in a temporary folder), so a user's scenarios are never touched.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: (dialog, file name, the figure to show in the tornado)
SHOTS = (
    ("warmup", "warmup", None),
    ("sensitivity", "tornado", "Mean wait at Acute hospital beds (G&A)"),
    ("optimise", "cheapest-plan", None),
)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from mission_desktop.gui.shared.shots import screenshot_session

    # first start: the window opens the hospital discharge example
    out, app, library, window = screenshot_session(argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    taken: list[Path] = []
    queue = list(SHOTS)

    def next_shot() -> None:
        if not queue:
            app.quit()
            return
        kind, name, figure = queue.pop(0)
        dialog = window.open_decide(kind)
        dialog.resize(1280, 820)
        if kind == "optimise":
            dialog.budget.setValue(800)

        def finished() -> None:
            if figure is not None:
                i = dialog.figure_combo.findText(figure)
                dialog.figure_combo.setCurrentIndex(max(i, 0))
            QApplication.processEvents()
            QTimer.singleShot(500, lambda: save(dialog, name))

        dialog.finished_work.connect(finished)
        dialog.start()

    def save(dialog, name: str) -> None:
        QApplication.processEvents()
        path = out / f"{name}.png"
        dialog.grab().save(str(path))
        taken.append(path)
        print(path, "—", dialog.status.text())
        dialog.close()
        QTimer.singleShot(200, next_shot)

    QTimer.singleShot(800, next_shot)
    QTimer.singleShot(1_500_000, app.quit)  # never hang a script
    app.exec()
    window.undo_stack.setClean()
    window.close()
    library.close()
    return 0 if len(taken) == len(SHOTS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
