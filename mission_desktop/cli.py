"""``mission-desktop``: no arguments (or a FILE) opens the app; sub-commands run headless.

Exit codes: 0 success, 2 bad input or usage, 1 an internal error.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .cli_decide import DECIDE_COMMANDS, add_run_options, cmd_decide, run_results
from .cli_decide import add_parsers as add_decide_parsers

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: exit 2 with a short hint
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mission-desktop",
        description=(
            "Mission Desktop: model public services together, switch policy levers, and see "
            "what each policy does to waits, queues, targets and costs across every service. "
            "With no command, opens the desktop app (on FILE if given)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mission-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="run a scenario headless and print its results")
    run.add_argument("file", metavar="FILE", help="a .mission.json scenario")
    run.add_argument("--json", metavar="OUT", help="write the results JSON here")
    run.add_argument("--csv", metavar="OUT", help="write the results as CSV rows here")
    run.add_argument("--xlsx", metavar="OUT", help="write the results as an Excel workbook here")
    run.add_argument(
        "--log",
        metavar="VISITS",
        help="write every visit's record here (.csv, or .parquet with pyarrow)",
    )
    run.add_argument(
        "--variant",
        metavar="ID",
        action="append",
        help="run only this variant (repeatable; baseline is added for comparisons)",
    )
    run.add_argument("--replications", type=_positive_int, metavar="N")
    run.add_argument("--seed", type=_non_negative_int, metavar="S")
    run.add_argument("--horizon", type=_positive_float, metavar="T")
    run.add_argument(
        "--warm-up", type=_non_negative_float, metavar="T", help="statistics start at T"
    )
    run.add_argument(
        "--workers", type=_positive_int, metavar="N", help="processes to use (default: all cores)"
    )
    run.add_argument("--quiet", action="store_true", help="no tables or progress bar")
    add_run_options(run)

    _add_report_parser(sub)
    add_decide_parsers(sub)

    val = sub.add_parser("validate", help="check scenario files and list every problem")
    val.add_argument("files", nargs="+", metavar="FILE")

    gui = sub.add_parser("open", help="open the desktop app (on FILE if given)")
    gui.add_argument("file", nargs="?", metavar="FILE")
    return parser


def _add_report_parser(sub) -> None:
    rep = sub.add_parser(
        "report", help="write the report and assurance pack (HTML, PDF or Word)"
    )
    rep.add_argument("file", metavar="FILE", help="a .mission.json scenario")
    rep.add_argument(
        "--results", metavar="R.json", help="results of FILE (default: run it first)"
    )
    rep.add_argument(
        "--out", metavar="OUT", required=True, help="OUT.html, OUT.pdf or OUT.docx"
    )
    rep.add_argument("--replications", type=_positive_int, metavar="N", help="when running")
    rep.add_argument("--workers", type=_positive_int, metavar="N", help="when running")
    rep.add_argument("--analyst", metavar="NAME", default="", help="who ran it (title block)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar")


def _whole_number(minimum: int):
    """An argparse type: a whole number ≥ ``minimum``, with a message in plain words."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            v = None
        if v is None or v < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number ≥ {minimum}, not {text!r}")
        return v

    return parse


_positive_int = _whole_number(1)
_non_negative_int = _whole_number(0)


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number > 0, not {text!r}") from None
    if not (v > 0) or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number > 0, not {text}")
    return v


def _non_negative_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number ≥ 0, not {text!r}") from None
    if not (v >= 0) or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number ≥ 0, not {text}")
    return v


# --------------------------------------------------------------------------- output


def render_results(scenario, results: dict[str, Any], width: int | None = None) -> str:
    """The results tables as text (see :mod:`mission_desktop.report.console`)."""
    import io

    from .report.console import make_console, print_results

    buf = io.StringIO()
    print_results(make_console(buf, width or terminal_width()), scenario, results)
    return buf.getvalue()


def terminal_width() -> int:
    from .report.console import terminal_width as width

    return width(sys.stdout)


# --------------------------------------------------------------------------- commands


def _load(path: str):
    from .model import load_scenario

    return load_scenario(path)


def cmd_validate(args) -> int:
    from .model import ScenarioError

    status = EXIT_OK
    for f in args.files:
        try:
            s = _load(f)
        except ScenarioError as e:
            print(str(e) if e.source else f"{f}: {e}")
            status = EXIT_BAD_INPUT
        else:
            print(
                f"{f}: valid — “{s.name}”, {len(s.services)} services, "
                f"{len(s.cohorts)} cohorts, {len(s.policies)} policies, "
                f"{len(s.effective_variants)} variants"
            )
    return status


def cmd_run(args) -> int:
    from .model import ScenarioError
    from .report import write_csv, write_json, write_xlsx
    from .report.console import Progress, make_console, print_results
    from .report.text import printable
    from .sim import overload_warnings, with_run_settings

    try:
        scenario = _load(args.file)
        scenario = with_run_settings(
            scenario,
            replications=args.replications,
            seed=args.seed,
            horizon=args.horizon,
            warm_up=args.warm_up,
        )
    except ScenarioError as e:
        print(str(e) if e.source else f"{args.file}: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    variants = None
    if args.variant:
        variants = list(dict.fromkeys(args.variant))
        known = {v.id for v in scenario.effective_variants}
        unknown = [v for v in variants if v not in known]
        if unknown:
            print(
                f"{args.file}: no variant {', '.join(repr(u) for u in unknown)}; "
                f"known variants: {', '.join(sorted(known))}",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        if "baseline" in known and "baseline" not in variants:
            variants.insert(0, "baseline")
    for target in (args.json, args.csv, args.xlsx, args.log):
        if target and not Path(target).resolve().parent.is_dir():
            print(f"cannot write {target}: its folder does not exist", file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.log:
        from .report.visitlog import log_problem

        problem = log_problem(args.log)
        if problem:
            print(f"cannot write {args.log}: {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if not args.quiet:
        chosen = variants or [v.id for v in scenario.effective_variants]
        for vid in chosen:
            for warning in overload_warnings(scenario, vid):
                print(f"warning: {printable(warning)}", file=sys.stderr)
    progress = Progress(enabled=not args.quiet)
    try:
        with _visit_log(args.log) as visit_log:
            results = run_results(
                args,
                scenario,
                variants=variants,
                progress=progress,
                visit_log=visit_log,
                command=shlex.join(["mission-desktop", *getattr(args, "argv", ["run", args.file])]),
            )
            if visit_log is not None:
                _join_visit_log(visit_log, results, args.log)
    except ScenarioError as e:
        print(f"{args.file}: cannot run:", file=sys.stderr)
        for p in e.problems:
            print(f"  - {printable(p.message)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:
        print(f"cannot write the visit log: {e.strerror} ({e.filename})", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        progress.close()
    try:
        if args.json:
            write_json(results, args.json)
        if args.csv:
            write_csv(results, args.csv)
        if args.xlsx:
            write_xlsx(results, args.xlsx)
    except OSError as e:
        print(f"cannot write results: {e.strerror} ({e.filename})", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.quiet:
        print_results(make_console(sys.stdout), scenario, results)
    return EXIT_OK


def cmd_report(args) -> int:
    """`report FILE [--results R.json] --out OUT`: run first unless results are given."""
    from .model import ScenarioError, parse_json
    from .report.document import ReportError, build_report, report_format
    from .report.document.results_check import results_problems
    from .sim import run_experiment, with_run_settings

    try:
        report_format(args.out)
        scenario = with_run_settings(_load(args.file), replications=args.replications)
    except ReportError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ScenarioError as e:
        print(str(e) if e.source else f"{args.file}: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not Path(args.out).resolve().parent.is_dir():
        print(f"cannot write {args.out}: its folder does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.results:
        try:
            results = parse_json(Path(args.results).read_bytes())
        except OSError as e:
            print(f"{args.results}: cannot read: {e.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except ScenarioError as e:
            print(f"{args.results}: not a results file: {e}", file=sys.stderr)
            return EXIT_BAD_INPUT
        problems = results_problems(results, scenario)
        if problems:
            print(f"{args.results}: cannot report these results:", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        from .report.console import Progress
        from .report.text import printable

        progress = Progress(enabled=not args.quiet)
        try:
            results = run_experiment(
                scenario,
                workers=args.workers,
                progress=progress,
                command=shlex.join(["mission-desktop", *getattr(args, "argv", ["report"])]),
            )
        except ScenarioError as e:
            print(f"{args.file}: cannot run:", file=sys.stderr)
            for p in e.problems:
                print(f"  - {printable(p.message)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        finally:
            progress.close()
    try:
        out = build_report(
            scenario,
            results,
            args.out,
            analyst=args.analyst,
            file_name=Path(args.file).name,
            ran_here=not args.results,
        )
    except ReportError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.quiet:
        print(f"report written: {out}")
    return EXIT_OK


class _visit_log:
    """The parts folder of ``run --log`` (beside the log, removed afterwards), or None."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self.folder: str | None = None

    def __enter__(self):
        if self.target is None:
            return None
        import tempfile

        from .report.visitlog import VisitLogParts

        parent = Path(self.target).resolve().parent
        self.folder = tempfile.mkdtemp(prefix=".mission-visits-", dir=parent)
        return VisitLogParts(self.folder)

    def __exit__(self, *exc: object) -> None:
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)


def _join_visit_log(visit_log, results: dict[str, Any], target: str) -> None:
    from .report.visitlog import join_parts

    n = results["run"]["replications"]
    tasks = [(v, r) for v in results["variants"] for r in range(n)]
    join_parts(visit_log, tasks, target)


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

        if find_library("xcb-cursor") is None:
            return (
                "Qt needs the system library libxcb-cursor0 to open a window; on Debian or "
                "Ubuntu: sudo apt-get install libxcb-cursor0"
            )
    return None


def cmd_open(path: str | None) -> int:
    if path is not None and not Path(path).exists():
        print(f"{path}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    problem = display_problem()
    if problem:
        print(f"mission-desktop: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from mission_desktop.gui.app import main as gui_main

    return gui_main([path] if path else [])


def _stop_on_sigterm() -> None:
    """SIGTERM stops a run like Ctrl+C does: worker processes are ended, nothing lingers."""
    import signal

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `mission-desktop FILE` opens that file in the app
    commands = ("run", "validate", "open", "report", *DECIDE_COMMANDS)
    if argv and not argv[0].startswith("-") and argv[0] not in commands:
        if len(argv) == 1:
            argv = ["open", argv[0]]
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        args.argv = argv  # for the results' provenance
        if args.command == "run":
            _stop_on_sigterm()  # headless only: the app handles its own shutdown
            return cmd_run(args)
        if args.command == "validate":
            return cmd_validate(args)
        if args.command == "report":
            _stop_on_sigterm()
            return cmd_report(args)
        if args.command in DECIDE_COMMANDS:
            _stop_on_sigterm()
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
        print(
            f"mission-desktop: internal error: {type(e).__name__}: {e}\n"
            "This is a bug in Mission Desktop; set MISSION_DESKTOP_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
