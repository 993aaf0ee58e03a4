"""The start-up probe that bench_startup.py times: with MISSION_DESKTOP_QUIT_AFTER_FIRST_PAINT
set, the app says when its first window has been painted, then quits by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_app_quits_after_its_first_window_is_painted_when_asked(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MISSION_DESKTOP_DATA_DIR": str(tmp_path),
        "MISSION_DESKTOP_QUIT_AFTER_FIRST_PAINT": "1",
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-m", "mission_desktop"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines().count("first window painted") == 1
    assert (tmp_path / "library.sqlite").exists()  # it really started: the library is made
