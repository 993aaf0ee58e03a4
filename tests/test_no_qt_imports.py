"""Imports point one way: the core (model, sim, store, report, cli) loads no Qt module."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = [
    "mission_desktop.model",
    "mission_desktop.sim",
    "mission_desktop.store",
    "mission_desktop.report",
    "mission_desktop.report.document",
    "mission_desktop.cli",
]
QT_PREFIXES = ("PySide6", "pyqtgraph", "shiboken6")

PROBE = textwrap.dedent(
    """
    import importlib, importlib.util, json, sys
    imported, missing = [], []
    for name in sys.argv[1:]:
        if importlib.util.find_spec(name) is None:
            missing.append(name)
            continue
        importlib.import_module(name)
        imported.append(name)
    qt = sorted(m for m in sys.modules if m.split(".")[0] in {qt_roots!r})
    print(json.dumps({{"imported": imported, "missing": missing, "qt": qt}}))
    """
).format(qt_roots=set(QT_PREFIXES))


def test_core_packages_import_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *CORE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "mission_desktop.model" in report["imported"]
    assert report["qt"] == [], (
        f"importing {report['imported']} loaded Qt modules {report['qt'][:5]}; only "
        "mission_desktop.gui may import PySide6 or pyqtgraph"
    )
