"""Processes end with their parent: after kill -9 of the CLI or of the app's side of a run,
nothing is left computing. The waits below are liveness guards (poll up to a generous
limit), never timing assertions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mission_desktop.sim.lifeline import ORPHANED
from mission_desktop.sim.runsize import cores

linux_only = pytest.mark.skipif(
    not os.path.isdir("/proc/self"), reason="finds descendants through /proc"
)
posix_only = pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")

GUARD = 60.0  # seconds: far longer than the half-second checks need

LONG = {
    "format": "mission-desktop/scenario",
    "version": 1,
    "name": "Long run",
    "run": {"horizon": 100000, "replications": 4, "seed": 1},
    "services": [
        {
            "id": "gp",
            "name": "GP practice",
            "capacity": 3,
            "service_time": {"dist": "exponential", "mean": 0.1},
            "routes": [{"to": "clinic", "p": 0.5}],
        },
        {
            "id": "clinic",
            "name": "Clinic",
            "capacity": 2,
            "service_time": {"dist": "exponential", "mean": 0.1},
        },
    ],
    "cohorts": [{"id": "adults", "name": "Adults", "arrivals": {"rate": 20}, "entry": "gp"}],
}


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return fields[0], int(fields[1])


def _descendants(root: int) -> dict[int, int]:
    """pid → depth below ``root`` of every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None and st[0] != "Z":
                children.setdefault(st[1], []).append(int(entry))
    out: dict[int, int] = {}
    frontier = [(root, 0)]
    while frontier:
        pid, depth = frontier.pop()
        for child in children.get(pid, []):
            out[child] = depth + 1
            frontier.append((child, depth + 1))
    return out


def _alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def _kill_parent_and_check_children_end(proc: subprocess.Popen, want_depth: int) -> None:
    family: dict[int, int] = {}
    try:
        deadline = time.monotonic() + GUARD
        while time.monotonic() < deadline and proc.poll() is None:
            family = _descendants(proc.pid)
            if any(d >= want_depth for d in family.values()):
                break
            time.sleep(0.2)
        assert proc.poll() is None, proc.communicate()
        assert any(d >= want_depth for d in family.values()), family
        time.sleep(1.0)  # the workers are computing now
        family.update(_descendants(proc.pid))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + GUARD
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.2)
        left = [p for p in family if _alive(p)]
        assert left == [], f"still running after their parent was killed: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in family:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


needs_two_cores = pytest.mark.skipif(cores() < 2, reason="one core: no worker processes")


@linux_only
@needs_two_cores
def test_kill_9_of_the_cli_ends_its_workers(tmp_path):
    path = tmp_path / "long.mission.json"
    path.write_text(json.dumps(LONG))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mission_desktop", "run", str(path), "--workers", "2", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # the workers are the forkserver's children: two levels below the CLI
    _kill_parent_and_check_children_end(proc, want_depth=2)


@linux_only
@needs_two_cores
def test_kill_9_of_the_app_ends_its_run_process_and_that_ones_workers(tmp_path):
    path = tmp_path / "long.mission.json"
    path.write_text(json.dumps(LONG))
    script = textwrap.dedent(
        f"""
        from mission_desktop.gui.run.run_process import run_in_process
        from mission_desktop.gui.run.run_task import RunRequest, RunState
        from mission_desktop.model import load_scenario

        request = RunRequest(
            scenario=load_scenario({str(path)!r}), variants=("baseline",), replications=4,
            live=False, replicate=True, workers=2,
        )
        run_in_process(RunState(), request)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # app → forkserver → run process → its forkserver → workers
    _kill_parent_and_check_children_end(proc, want_depth=4)


@posix_only
def test_a_watched_process_ends_when_its_owner_does_even_before_it_is_reaped():
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time, sys\n"
            "from mission_desktop.sim.lifeline import watch_parent\n"
            f"watch_parent({owner.pid})\n"
            "print('watching', flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "watching"
        assert child.poll() is None
        owner.send_signal(signal.SIGKILL)  # not reaped yet: a zombie on Linux
        assert child.wait(timeout=GUARD) == ORPHANED
    finally:
        for p in (owner, child):
            if p.poll() is None:
                p.kill()
            p.wait()


def test_watching_nothing_or_oneself_does_nothing():
    from mission_desktop.sim.lifeline import watch_parent

    assert watch_parent(None) is None
    assert watch_parent(os.getpid()) is None
