"""What the command line shows and how it behaves in a terminal: exit codes, printing with
every file-derived part escaped, problems listed one to a line, streams that cannot fail on
an unprintable character, SIGTERM as Ctrl+C, and a progress bar for the stages of a job."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..report.text import printable

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def say(text: str, err: bool = False) -> None:
    """Print text that may hold file-derived parts (names, keys, paths, messages) with
    every control character escaped: a hostile file cannot drive the terminal."""
    print(printable(text, keep_newlines=True), file=sys.stderr if err else sys.stdout)


def problem_text(e, source: str) -> str:
    """A ScenarioError as lines, each file-derived part escaped on its own (a line break
    in a key cannot fake another line)."""
    from ..model.errors import MAX_LISTED

    head = printable(e.source or source)
    n = len(e.problems)
    lines = [f"{head}: {n} problem{'s' if n != 1 else ''} found:"]
    # each problem on one line: a line break in a key or name is shown, never obeyed
    lines += [f"  - {printable(str(p))}" for p in e.problems[:MAX_LISTED]]
    if n > MAX_LISTED:
        lines.append(f"  … and {n - MAX_LISTED:,} more")
    return "\n".join(lines)


def outputs_refused(outputs: Sequence[tuple[str, str]], inputs: Sequence[str]) -> bool:
    """Say every problem with the output paths (``(option, path)`` pairs), checked before
    any work so a run never ends in a file it cannot write; True if there was one."""
    from ..report.files import output_path_problems

    problems = output_path_problems(outputs, inputs)
    for message in problems:
        say(f"cannot write results: {message}", err=True)
    return bool(problems)


def stop_on_sigterm() -> None:
    """SIGTERM stops a run like Ctrl+C does: worker processes are ended, nothing lingers."""
    import signal

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


def safe_streams() -> None:
    """A console that cannot show a character (a Windows code page) gets an escape for it,
    not a UnicodeEncodeError after a whole run."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a detached or closed stream
                pass


class StageProgress:
    """A progress bar for the stages of a long job (``progress(stage, 0..1)``) on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.shown: tuple[str, int] | None = None

    def __call__(self, stage: str, fraction: float) -> None:
        if not self.enabled:
            return
        percent = int(max(0.0, min(fraction, 1.0)) * 100)
        step = 1 if self.tty else 25
        if self.shown and self.shown[0] == stage and percent // step == self.shown[1] // step:
            return
        self.shown = (stage, percent)
        bar = "█" * (percent * 30 // 100) + "░" * (30 - percent * 30 // 100)
        line = f"{stage[:1].upper()}{stage[1:]:<24} {bar} {percent:3d}%"
        sys.stderr.write(("\r" + line + ("\n" if percent == 100 else "")) if self.tty else line + "\n")
        sys.stderr.flush()
