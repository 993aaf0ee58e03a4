"""Hostile files and paths at the command line: output paths checked before the run and
written safely, scenario paths that are not files, and escape sequences never printed raw."""

from __future__ import annotations

import copy
import errno
import json
import os
import stat
import subprocess
import sys
import threading

import pytest

from mission_desktop.cli import main
from mission_desktop.report.files import output_path_problems, write_file
from mission_desktop.report.text import printable

ONE_REP = {
    "format": "mission-desktop/scenario",
    "version": 1,
    "name": "Outputs test",
    "run": {"horizon": 20, "replications": 1, "seed": 1},
    "services": [
        {
            "id": "gp",
            "name": "GP practice",
            "capacity": 2,
            "service_time": {"dist": "exponential", "mean": 0.5},
        }
    ],
    "cohorts": [{"id": "adults", "name": "Adults", "arrivals": {"rate": 2}, "entry": "gp"}],
}
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/null are POSIX")


@pytest.fixture
def scenario_file(tmp_path):
    p = tmp_path / "s.mission.json"
    p.write_text(json.dumps(ONE_REP), encoding="utf-8")
    return p


def _run(path, *extra):
    return main(["run", str(path), "--quiet", "--workers", "1", *extra])


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- output paths


def test_an_output_pointed_at_the_input_is_refused_and_the_input_kept(scenario_file, capsys):
    before = scenario_file.read_bytes()
    assert _run(scenario_file, "--json", str(scenario_file)) == 2
    err = capsys.readouterr().err
    assert "--json" in err and "scenario file being run" in err
    assert scenario_file.read_bytes() == before
    # the same file by another name (a hard link, a relative path) is the same file
    link = scenario_file.with_name("alias.json")
    os.link(scenario_file, link)
    assert _run(scenario_file, "--csv", str(link)) == 2
    assert scenario_file.read_bytes() == before


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("", "empty"),
        ("/", "folder"),
        ("{tmp}", "folder"),
        ("{tmp}/missing/out.json", "folder does not exist"),
    ],
)
def test_bad_output_paths_exit_2_before_the_run(scenario_file, tmp_path, capsys, target, words):
    import mission_desktop.sim as sim

    ran = []
    real = sim.run_experiment
    sim.run_experiment = lambda *a, **k: ran.append(1) or real(*a, **k)
    try:
        assert _run(scenario_file, "--json", target.format(tmp=tmp_path)) == 2
    finally:
        sim.run_experiment = real
    err = capsys.readouterr().err
    assert words in err and "--json" in err and "Traceback" not in err
    assert ran == []  # refused before any work
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("", "empty"),
        ("/", "folder"),
        ("{tmp}", "folder"),
        ("{tmp}/missing/out.json", "folder does not exist"),
        ("{tmp}/s.mission.json", "scenario file being run"),
    ],
)
def test_calibrate_checks_its_json_path_like_run_before_any_work(
    scenario_file, tmp_path, capsys, monkeypatch, target, words
):
    import mission_desktop.data.calibrate as calibration

    ran = []
    monkeypatch.setattr(calibration, "calibrate", lambda *a, **k: ran.append(1) or {})
    before = scenario_file.read_bytes()
    assert main(["calibrate", str(scenario_file), "--json", target.format(tmp=tmp_path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "--json" in err and "Traceback" not in err
    assert ran == []  # refused before calibrating
    assert scenario_file.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_calibrate_writes_its_json_to_a_good_path(scenario_file, tmp_path, monkeypatch):
    # the positive control: the same check lets a good path through to the calibration
    import mission_desktop.data.calibrate as calibration

    comparison = {"format": "mission-desktop/calibration", "services": {}}
    monkeypatch.setattr(calibration, "calibrate", lambda *a, **k: comparison)
    monkeypatch.setattr(calibration, "render_calibration", lambda c: "")
    out = tmp_path / "cal.json"
    assert main(["calibrate", str(scenario_file), "--json", str(out), "--quiet"]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == comparison


def test_two_outputs_to_one_file_are_refused(scenario_file, tmp_path, capsys):
    out = str(tmp_path / "r.out")
    assert _run(scenario_file, "--json", out, "--csv", out) == 2
    assert "also the file given to --json" in capsys.readouterr().err


@posix_only
def test_a_read_only_folder_is_refused_before_the_run(scenario_file, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        problems = output_path_problems([("--json", str(folder / "r.json"))], [])
    finally:
        folder.chmod(0o700)
    assert problems and "does not allow new files" in problems[0]


@posix_only
def test_a_symlink_is_followed_and_kept(scenario_file, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert _run(scenario_file, "--json", str(link)) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["format"] == "mission-desktop/results"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # permissions kept
    # a link to the input is the input
    evil = tmp_path / "evil.json"
    evil.symlink_to(scenario_file)
    before = scenario_file.read_bytes()
    assert _run(scenario_file, "--json", str(evil)) == 2
    assert scenario_file.read_bytes() == before


@posix_only
def test_a_fifo_is_written_through_not_replaced(scenario_file, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert _run(scenario_file, "--json", str(fifo)) == 0
    reader.join(60)  # a liveness guard: the writer has closed the pipe by now
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(got[0])["format"] == "mission-desktop/results"
    assert _leftovers(tmp_path) == []


@posix_only
def test_dev_null_stays_a_device(scenario_file):
    assert _run(scenario_file, "--csv", os.devnull) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_failed_write_leaves_no_temporary_file_and_the_old_file_whole(tmp_path, monkeypatch):
    out = tmp_path / "r.json"
    out.write_text("previous results")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_file(out, b"new results")
    assert out.read_text() == "previous results"
    assert _leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_full_disk_after_the_run_is_a_clear_message(scenario_file, tmp_path, monkeypatch, capsys):
    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    assert _run(scenario_file, "--json", str(tmp_path / "r.json")) == 2
    err = capsys.readouterr().err
    assert "No space left" in err and "Traceback" not in err
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "r.json").exists()


def test_a_new_file_gets_ordinary_permissions(scenario_file, tmp_path):
    out = tmp_path / "r.json"
    assert _run(scenario_file, "--json", str(out)) == 0
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


# --------------------------------------------------------------------------- scenario paths


@posix_only
def test_a_fifo_given_as_the_scenario_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "s.mission.json"
    os.mkfifo(fifo)
    for command in ("validate", "run"):
        proc = subprocess.run(
            [sys.executable, "-m", "mission_desktop", command, str(fifo)],
            capture_output=True,
            text=True,
            timeout=120,  # a liveness guard: before the fix this blocked forever
        )
        assert proc.returncode == 2
        assert "not a regular file" in proc.stdout + proc.stderr


# --------------------------------------------------------------------------- printing


def test_printable_escapes_controls_bidi_and_invisible_characters():
    assert printable("Café Zoë — “GP”") == "Café Zoë — “GP”"
    assert printable("\x1b[2J") == "\\x1b[2J"
    assert printable("a\x07b\x7fc\x9bd") == "a\\x07b\\x7fc\\x9bd"
    assert printable("\u202eevil") == "\\u202eevil"
    assert printable("a\u200bb\u2066c\ufeff") == "a\\u200bb\\u2066c\\ufeff"
    assert printable("line\nbreak\t\r") == "line\\nbreak\\t\\r"
    assert printable("line\nbreak", keep_newlines=True) == "line\nbreak"
    assert printable("\ud800") == "\\ud800"  # a lone surrogate cannot even be encoded
    assert printable("x\u2028y") == "x\\u2028y"


HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;aGVsbG8=\x07\x1b[2J\u202eevil"


def test_validate_and_run_never_print_escape_sequences(tmp_path, capsys):
    doc = copy.deepcopy(ONE_REP)
    doc["name"] = "Name " + HOSTILE
    doc["services"][0]["name"] = "Service " + HOSTILE
    doc["cohorts"][0]["name"] = "Cohort " + HOSTILE
    doc["services"][0]["capacity"] = 1
    doc["services"][0]["service_time"] = {"dist": "fixed", "value": 1}  # overloaded: warned
    p = tmp_path / ("s\x1b[31m.mission.json")
    p.write_text(json.dumps(doc), encoding="utf-8")
    doc["note" + HOSTILE] = 1  # an unknown key: refused, and named in the message
    p.write_text(json.dumps(doc), encoding="utf-8")
    # names with control characters are refused; the refusal names them, escaped
    assert main(["validate", str(p)]) == 2
    assert main(["run", str(p), "--workers", "1"]) == 2
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed
    # shown, escaped, where they are named: the key in the problem's place
    assert "\\x1b]52;c;" in printed and "\\u202eevil" in printed
    assert "control character" in printed

    bad = copy.deepcopy(doc)
    bad["services"][0]["x\x1b[2Jkey"] = 1  # an unknown key is named in the problem
    bad["services"][0]["capacity"] = 0
    p.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["validate", str(p)]) == 2
    assert main(["run", str(p)]) == 2
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "\x1b" not in printed and "\\x1b[2Jkey" in printed
    assert main(["run", str(p), "--variant", "\x1b[2J"]) == 2
    assert "\x1b" not in capsys.readouterr().err
