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

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication

#: how often the GUI thread looks whether the loading is done (ms); between looks it keeps
#: handling events, so the window stays responsive
POLL_MS = 10


def load_off_thread(loader: Callable[[Path], Any], path: Path) -> Any:
    """``loader(path)`` on a worker thread; returns its result or raises its exception.
    The caller's event loop keeps running until it is done.

    The worker is a plain Python thread that touches nothing of Qt (no signal crosses from
    it): the GUI thread polls it, handling events in between. A queued signal emitted from
    a non-Qt thread while the GUI thread ran Python event filters could deadlock."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = loader(path)
        except BaseException as e:  # noqa: BLE001 - handed back to the GUI thread as is
            outcome["error"] = e

    worker = threading.Thread(target=work, name=f"load {path.name}", daemon=True)
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        worker.start()
        while worker.is_alive():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, POLL_MS)
            worker.join(POLL_MS / 1000)
    finally:
        QApplication.restoreOverrideCursor()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
