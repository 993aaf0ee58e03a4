"""Reading and validating a scenario file off the GUI thread.

A large or hostile file can take a while to read and check; meanwhile the window must keep
painting and answering. :func:`load_off_thread` runs the loader on a plain worker thread and
waits in a local event loop (so timers, painting and input go on) with a busy cursor. Only
the loader's result crosses back: an immutable :class:`~mission_desktop.model.Scenario`, or
the exception it raised. The library is never touched from the worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication


class _Done(QObject):
    """Lives on the GUI thread; the worker's emit reaches it as a queued call."""

    finished = Signal()


def load_off_thread(loader: Callable[[Path], Any], path: Path) -> Any:
    """``loader(path)`` on a worker thread; returns its result or raises its exception.
    The caller's event loop keeps running until it is done."""
    done = _Done()
    loop = QEventLoop()
    done.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = loader(path)
        except BaseException as e:  # noqa: BLE001 - handed back to the GUI thread as is
            outcome["error"] = e
        finally:
            done.finished.emit()

    worker = threading.Thread(target=work, name=f"load {path.name}", daemon=True)
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        worker.start()
        loop.exec()  # the quit is queued: it arrives even if the worker was quick
    finally:
        QApplication.restoreOverrideCursor()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
