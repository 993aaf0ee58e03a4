"""``mission-desktop``: no arguments (or a FILE) opens the app; sub-commands run headless.

Exit codes: 0 success, 2 bad input or usage, 1 an internal error.

Here: :func:`main` and opening the app. Each command family has its own module, imported
only when it runs: :mod:`.run` (``run``, ``validate``), :mod:`.report`, :mod:`.fit` (``fit``,
``calibrate``) and :mod:`.decide` (``warmup``, ``sensitivity``, ``optimise``); the parser is
in :mod:`.parser` and the terminal helpers in :mod:`.terminal`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..report.text import printable
from .parser import DECIDE_COMMANDS, build_parser
from .terminal import EXIT_BAD_INPUT, EXIT_INTERNAL, safe_streams, say, stop_on_sigterm


def display_problem(environ=os.environ, platform: str = sys.platform) -> str | None:
    """Why the desktop app cannot open here, in plain words (None if it should open).

    Qt aborts the process when it finds no display or lacks a system library; saying so
    first is kinder than a core dump."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return (
            "no display found: the desktop app needs a desktop session (DISPLAY or "
            "WAYLAND_DISPLAY). For headless work use `mission-desktop run FILE`."
        )
    if not environ.get("WAYLAND_DISPLAY"):
        from ctypes.util import find_library

        frozen = getattr(sys, "_MEIPASS", None)  # the standalone build brings its own copy
        bundled = frozen is not None and (Path(frozen) / "libxcb-cursor.so.0").exists()
        if find_library("xcb-cursor") is None and not bundled:
            return (
                "Qt needs the system library libxcb-cursor0 to open a window; on Debian or "
                "Ubuntu: sudo apt-get install libxcb-cursor0"
            )
    return None


def cmd_open(path: str | None) -> int:
    if path is not None and not Path(path).exists():
        say(f"{printable(path)}: no such file", err=True)
        return EXIT_BAD_INPUT
    problem = display_problem()
    if problem:
        print(f"mission-desktop: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from mission_desktop.gui.app import main as gui_main

    return gui_main([path] if path else [])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    safe_streams()
    # `mission-desktop FILE` opens that file in the app
    commands = ("run", "validate", "open", "report", "fit", "calibrate", *DECIDE_COMMANDS)
    if argv and not argv[0].startswith("-") and argv[0] not in commands:
        if len(argv) == 1:
            argv = ["open", argv[0]]
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        args.argv = argv  # for the results' provenance
        # each command's module is imported only when it runs
        if args.command == "run":
            stop_on_sigterm()  # headless only: the app handles its own shutdown
            from .run import cmd_run

            return cmd_run(args)
        if args.command == "validate":
            from .run import cmd_validate

            return cmd_validate(args)
        if args.command == "report":
            stop_on_sigterm()
            from .report import cmd_report

            return cmd_report(args)
        if args.command == "fit":
            from .fit import cmd_fit

            return cmd_fit(args)
        if args.command == "calibrate":
            stop_on_sigterm()
            from .fit import cmd_calibrate

            return cmd_calibrate(args)
        if args.command in DECIDE_COMMANDS:
            stop_on_sigterm()
            from .decide import cmd_decide

            return cmd_decide(args)
        if args.command == "open":
            return cmd_open(args.file)
        return cmd_open(None)
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
        return 130
    except Exception as e:  # an internal error: a short message, never a traceback
        if os.environ.get("MISSION_DESKTOP_DEBUG"):
            raise
        say(
            f"mission-desktop: internal error: {type(e).__name__}: {printable(e)}\n"
            "This is a bug in Mission Desktop; set MISSION_DESKTOP_DEBUG=1 for details.",
            err=True,
        )
        return EXIT_INTERNAL
