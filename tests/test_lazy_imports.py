"""The headless commands load only what they use (issue 6 §8): `validate` needs no engine,
no statistics and no Qt; `run` needs no scipy.stats, no openpyxl unless it writes a
workbook, and no Qt. Checked by the modules a fresh interpreter holds afterwards — not by
timing, so the test cannot flake on a busy machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "hospital_discharge.mission.json"

#: runs the CLI in-process, then reports which of the watched packages were imported
PROBE = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from mission_desktop import cli
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(sys.argv[1:])
    watched = ("scipy.stats", "scipy", "openpyxl", "PySide6", "shiboken6", "pyqtgraph", "simpy")
    loaded = sorted(w for w in watched if w in sys.modules)
    print(json.dumps({"code": code, "loaded": loaded}))
    """
)


def loaded_by(*argv: str) -> tuple[int, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["code"], report["loaded"]


def test_validate_loads_no_engine_statistics_workbook_or_qt() -> None:
    code, loaded = loaded_by("validate", str(EXAMPLE))
    assert code == 0
    assert loaded == [], f"`validate` imported {loaded}"


def small_run_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "run",
        str(EXAMPLE),
        "--replications",
        "2",
        "--horizon",
        "60",  # its warm-up is 42 days
        "--workers",
        "1",
        "--quiet",
        "--json",
        str(tmp_path / "results.json"),
        *extra,
    ]


def test_run_loads_no_scipy_stats_no_workbook_and_no_qt(tmp_path) -> None:
    code, loaded = loaded_by(*small_run_args(tmp_path))
    assert code == 0
    assert "simpy" in loaded  # it did simulate
    for heavy in ("scipy.stats", "openpyxl", "PySide6", "shiboken6", "pyqtgraph"):
        assert heavy not in loaded, f"`run` imported {heavy}"
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    ci = results["variants"]["baseline"]["services"]["hospital"]["mean_wait"]["ci95"]
    assert ci[0] <= ci[1]  # the intervals were still computed (scipy.special, lazily)


def test_run_loads_openpyxl_only_when_it_writes_a_workbook(tmp_path) -> None:
    # the positive control: the probe does see a lazily imported module when it is used
    code, loaded = loaded_by(*small_run_args(tmp_path, "--xlsx", str(tmp_path / "r.xlsx")))
    assert code == 0
    assert "openpyxl" in loaded
    assert (tmp_path / "r.xlsx").stat().st_size > 0


#: runs `mission-desktop` with no arguments, the app replaced by a stand-in that reports
#: which of our modules (and watched packages) were imported before the window would open
OPEN_PROBE = textwrap.dedent(
    """
    import json, sys, types
    app = types.ModuleType("mission_desktop.gui.app")
    seen = {}
    def main(argv):
        seen["ours"] = sorted(m for m in sys.modules if m.startswith("mission_desktop"))
        seen["watched"] = sorted(w for w in ("rich", "numpy", "simpy") if w in sys.modules)
        return 0
    app.main = main
    import mission_desktop.gui
    sys.modules["mission_desktop.gui.app"] = app
    from mission_desktop.cli import main as cli_main
    print(json.dumps({"code": cli_main([]), **seen}))
    """
)


def test_opening_the_app_loads_no_command_module_before_the_window() -> None:
    result = subprocess.run(
        [sys.executable, "-c", OPEN_PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    cli = [m for m in report["ours"] if m.startswith("mission_desktop.cli")]
    assert cli == ["mission_desktop.cli", "mission_desktop.cli.parser", "mission_desktop.cli.terminal"]
    assert not any(m.startswith(("mission_desktop.model", "mission_desktop.sim")) for m in report["ours"])
    assert report["watched"] == []


@pytest.mark.parametrize("df", [1, 2, 3, 4, 9, 29, 99, 1000])
def test_t_quantile_is_scipy_stats_own_value(df: int) -> None:
    from scipy import stats

    from mission_desktop.sim.experiment import t_quantile_975

    assert t_quantile_975(df) == float(stats.t.ppf(0.975, df))
