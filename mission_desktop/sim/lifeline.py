"""Child processes end when the process that started them does.

A worker or run process calls :func:`watch_parent` with the pid of the process it works
for; a daemon thread then checks, twice a second, that this process still lives, and ends
its own process the moment it does not (after ``kill -9`` of the app or the CLI nothing is
left computing replications nobody will read). Portable: ``/proc`` on Linux (a zombie or a
reused pid counts as gone), ``kill(pid, 0)`` on other POSIX systems, a process handle on
Windows. The owner is named explicitly because a forkserver child's own parent is the
forkserver, which outlives the app for as long as its children do.
"""

from __future__ import annotations

import os
import sys
import threading
import time

#: how often the owner's liveness is checked, in seconds
INTERVAL = 0.5
#: exit status of a process that ended because its owner had gone
ORPHANED = 3


def _linux_identity(pid: int) -> tuple[str, str] | None:
    """(state, start time) of ``pid`` from /proc, or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            text = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    # fields[0] is the state (field 3 of stat); fields[19] the start time (field 22)
    return fields[0], fields[19]


def _posix_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user: the pid has been reused
        return False
    return True


def _linux_watcher(pid: int):
    first = _linux_identity(pid)
    if first is None:
        return None
    start = first[1]

    def alive() -> bool:
        now = _linux_identity(pid)
        return now is not None and now[0] not in ("Z", "X", "x") and now[1] == start

    return alive


def _windows_waiter(pid: int):  # pragma: no cover - exercised on Windows CI only
    import ctypes

    synchronize, query = 0x00100000, 0x1000
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(synchronize | query, False, pid)
    if not handle:
        return None

    def wait() -> None:
        kernel32.WaitForSingleObject(handle, 0xFFFFFFFF)  # INFINITE: until it ends

    return wait


def _end_this_process() -> None:
    os._exit(ORPHANED)


def watch_parent(pid: int | None, interval: float = INTERVAL) -> threading.Thread | None:
    """End this process when process ``pid`` ends (None or our own pid: do nothing).

    Returns the daemon thread watching, or None when nothing is watched. If ``pid`` is
    already gone, this process ends at once."""
    if pid is None or pid == os.getpid():
        return None
    if sys.platform == "win32":  # pragma: no cover - Windows only
        wait = _windows_waiter(pid)
        if wait is None:
            _end_this_process()

        def run() -> None:
            wait()
            _end_this_process()

    else:
        if sys.platform.startswith("linux") and _linux_identity(os.getpid()) is not None:
            alive = _linux_watcher(pid)
            if alive is None:
                _end_this_process()  # the owner is already gone
        else:  # macOS, BSD, or Linux without /proc

            def alive() -> bool:
                return _posix_alive(pid)

        if not alive():
            _end_this_process()

        def run() -> None:
            while alive():
                time.sleep(interval)
            _end_this_process()

    thread = threading.Thread(target=run, name="mission-desktop-parent-watch", daemon=True)
    thread.start()
    return thread
