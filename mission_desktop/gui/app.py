"""Start-up: the application, the library (with the bundled examples), the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from mission_desktop.gui import single_instance
from mission_desktop.gui.shared.collector import install as collect_on_the_gui_thread
from mission_desktop.gui.shared.text import message_box
from mission_desktop.gui.shared.wheel import install_wheel_guard
from mission_desktop.gui.window.main_window import MainWindow
from mission_desktop.store import Library, StoreError, data_dir, ensure_examples

APP_NAME = "Mission Desktop"
ORGANISATION = "Mission Desktop"
ORGANISATION_DOMAIN = "mission-desktop.invalid"


def _scenarios_dir() -> Path:
    """The example scenarios shipped with the app: the source tree's ``scenarios`` folder
    (editable install), else where a wheel installs them (``<prefix>/share/mission-desktop``);
    in the standalone build (PyInstaller), the bundle's own ``scenarios`` folder."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "scenarios"
    source = Path(__file__).resolve().parents[2] / "scenarios"
    installed = Path(sys.prefix) / "share" / "mission-desktop" / "scenarios"
    return source if source.is_dir() or not installed.is_dir() else installed


SCENARIOS_DIR = _scenarios_dir()

#: set (to anything) in the environment, the app prints "first window painted" and quits as
#: soon as its first window has been shown and painted: tests/benchmarks/bench_startup.py
#: times the start-up with it
QUIT_AFTER_FIRST_PAINT = "MISSION_DESKTOP_QUIT_AFTER_FIRST_PAINT"


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named for settings and the window system."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "mission-desktop", *(argv or [])])
    app.setApplicationName(APP_NAME)
    # no setApplicationDisplayName: on Linux Qt appends the display name to every window
    # title, and the main window's title already starts with "Mission Desktop — "
    app.setOrganizationName(ORGANISATION)
    app.setOrganizationDomain(ORGANISATION_DOMAIN)
    install_wheel_guard(app)
    collect_on_the_gui_thread(app)  # worker threads never run the cyclic collector
    return app  # type: ignore[return-value]


def create_main_window(
    library: Library, path: str | Path | None = None, *, run_view_later: bool = False
) -> MainWindow:
    """A main window over ``library``, showing ``path`` if given, else the startup scenario
    (``run_view_later``: see :class:`MainWindow`)."""
    window = MainWindow(library, run_view_later=run_view_later)
    opened = False
    if path is not None:
        opened = window.open_file(path) is not None
    if not opened:
        window.open_startup_scenario()
    return window


def main(argv: list[str] | None = None) -> int:
    """Open the GUI: ``argv`` may hold one scenario FILE to open. Returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    files = [a for a in argv if not a.startswith("-")]
    app = application(argv)
    try:
        instance = single_instance.server_name(data_dir())
        if files and single_instance.send_to_running(instance, files[0]):
            return 0  # the app already running over this library opens it
        library = Library(data_dir() / "library.sqlite")
    except StoreError as e:
        text = f"The scenario library cannot be opened.\n\n{e}"
        message_box(None, QMessageBox.Icon.Critical, APP_NAME, text).exec()
        return 1
    try:
        problems = ensure_examples(library, SCENARIOS_DIR)
    except StoreError as e:
        problems = [str(e)]
    # the Run view (its plots import pyqtgraph and numpy) is built once the window is
    # painted, and the run's process server (multiprocessing) starts after it: the first
    # frame is the library, the map and the menus
    window = create_main_window(library, files[0] if files else None, run_view_later=True)
    if problems:
        window.statusBar().showMessage("Some example scenarios were skipped: " + problems[0], 15000)
    after_first_paint(app, window, lambda: QTimer.singleShot(0, lambda: finish_start(window)))
    if os.environ.get(QUIT_AFTER_FIRST_PAINT):
        quit_after_first_paint(app, window)
    single_instance.serve(instance, window, window.open_file)
    window.show()
    try:
        return app.exec()
    finally:
        library.close()


def finish_start(window: MainWindow) -> None:
    """What the app does once its first frame is painted: the Run view goes in, then the
    run's process server may start (held while the Run view is built, which asks for it)."""
    from mission_desktop.gui.run.run_process import hold_warm_up, release_warm_up

    hold_warm_up()
    try:
        window.build_run_view()
    finally:
        release_warm_up()


def after_first_paint(app: QApplication, window, then: Callable[[], object]) -> None:
    """Call ``then`` when ``window`` gets its first paint event (during that paint pass:
    queue what should wait for the rest of it; a zero timer set at ``show()`` would fire
    before the first paint)."""

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
            if (
                event.type() == QEvent.Type.Paint
                and hasattr(watched, "window")
                and watched.window() is window
            ):
                app.removeEventFilter(self)
                then()
            return False

    app.installEventFilter(FirstPaint(window))


def quit_after_first_paint(app: QApplication, window) -> None:
    """Print "first window painted" and quit once ``window`` has had its first paint pass
    (the start-up benchmark's probe: the quit is queued behind the rest of that pass)."""

    def painted() -> None:
        print("first window painted", flush=True)
        QTimer.singleShot(0, app.quit)

    after_first_paint(app, window, painted)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
