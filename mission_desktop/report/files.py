"""Writing result files safely: every output path checked before a run, written through a
temporary file that is renamed over the target (never left behind), symlinks followed to
the file they name, and what is not a regular file (a pipe, /dev/null, /dev/stdout) written
through rather than replaced."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

#: below this much free space a results file is refused before the run (it would not fit)
MIN_FREE_BYTES = 1024 * 1024


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _writable_target(path: str) -> str | None:
    """Why ``path`` cannot take a results file (None if it can)."""
    if path == "":
        return "the output path is empty; give a file name"
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as e:
        return f"cannot be used: {e.strerror}"
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            return "is a folder; give a file name inside it"
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            return "is not a file that results can be written to (a socket or a block device)"
        if not os.access(real, os.W_OK):
            return "may not be written (check its permissions)"
        if not stat.S_ISREG(st.st_mode):
            return None  # a pipe or a device: written through, no temporary file
    folder = os.path.dirname(real) or "."
    if not os.path.isdir(folder):
        return "cannot be written: its folder does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot be written: the folder {folder} does not allow new files"
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    if free is not None and free < MIN_FREE_BYTES:
        return f"cannot be written: the disk holding {folder} is full"
    return None


def output_path_problems(outputs: Sequence[tuple[str, str]], inputs: Iterable[str]) -> list[str]:
    """Plain-words problems with the output paths, checked before any work is done.

    ``outputs`` are ``(option, path)`` pairs such as ``("--json", "out.json")``; ``inputs``
    are files the run reads, which an output must never overwrite."""
    inputs = [i for i in inputs if i]
    problems: list[str] = []
    seen: list[tuple[str, str]] = []
    for option, path in outputs:
        why = _writable_target(path)
        if why is None:
            for source in inputs:
                if os.path.exists(path) and _same_file(path, source):
                    why = "is the scenario file being run; writing there would destroy it"
            for other_option, other in seen:
                if _same_file(path, other):
                    why = f"is also the file given to {other_option}; give each output its own"
        if why is not None:
            problems.append(f"{option} {path!r}: {why}")
        seen.append((option, path))
    return problems


def write_file(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all.

    A regular file (or a new one) is replaced by renaming a temporary file from the same
    folder over it, keeping its permissions; a symlink's target is replaced, not the link;
    a pipe or device is written through. On any failure the temporary file is removed and
    the error raised (the old file, if any, is untouched)."""
    path = os.fspath(path)
    if path == "":
        raise FileNotFoundError(2, "the output path is empty", path)
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        with open(real, "wb") as fh:
            fh.write(data)
        return
    folder = os.path.dirname(real) or "."
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(real) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            mode = stat.S_IMODE(st.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
