"""What every screenshot script starts with: the output folder, a throwaway library (so a
user's scenarios are never touched), the application and a shown main window."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def screenshot_session(
    argv: list[str], *, examples: bool = True, size: tuple[int, int] = (1600, 1000)
) -> tuple[Path, Any, Any, Any]:
    """``(out, app, library, window)``: ``out`` is ``argv[0]`` (default ``screenshots``),
    made; the library lives in a temporary MISSION_DESKTOP_DATA_DIR unless one is set; with
    ``examples`` the bundled examples are added first (so the window opens the hospital
    discharge example, as on a first start)."""
    out = Path(argv[0] if argv else "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MISSION_DESKTOP_DATA_DIR", tempfile.mkdtemp(prefix="md-shots-"))

    from PySide6.QtWidgets import QApplication

    from mission_desktop.gui.app import (
        SCENARIOS_DIR,
        application,
        create_main_window,
        finish_start,
    )
    from mission_desktop.store import Library, data_dir, ensure_examples

    app = application([])
    library = Library(data_dir() / "library.sqlite")
    if examples:
        ensure_examples(library, SCENARIOS_DIR)
    # as the app starts: the first frame painted, then the Run view put in place
    window = create_main_window(library, run_view_later=True)
    window.resize(*size)
    window.show()
    QApplication.processEvents()
    finish_start(window)
    return out, app, library, window
