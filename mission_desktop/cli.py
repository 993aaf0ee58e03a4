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
from .report.text import printable

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: exit 2 with a short hint
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {printable(message)}\n")
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
    _add_fit_parsers(sub)
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


def _add_fit_parsers(sub) -> None:
    fit = sub.add_parser("fit", help="fit a scenario from a case-system event log")
    fit.add_argument("log", metavar="LOG", help="the event log: .csv, .xlsx or .parquet")
    fit.add_argument(
        "--columns", metavar="name=COLUMN,...", help="the log's names for the event-log columns"
    )
    fit.add_argument(
        "--time-unit",
        choices=("minute", "hour", "day", "week"),
        default="day",
        help="the model's time unit (numeric times in the log are in it; default day)",
    )
    fit.add_argument("--out", metavar="FILE.mission.json", required=True)
    fit.add_argument("--quiet", action="store_true", help="no report or progress bar")
    cal = sub.add_parser(
        "calibrate", help="compare the baseline with each service's observed figures"
    )
    cal.add_argument("file", metavar="FILE", help="a .mission.json scenario with observed figures")
    cal.add_argument("--json", metavar="OUT", help="write the comparison JSON here")
    cal.add_argument("--workers", type=_positive_int, metavar="N")
    cal.add_argument("--quiet", action="store_true", help="no table or progress bar")


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


def _say(text: str, err: bool = False) -> None:
    """Print text that may hold file-derived parts (names, keys, paths, messages) with
    every control character escaped: a hostile file cannot drive the terminal."""
    print(printable(text, keep_newlines=True), file=sys.stderr if err else sys.stdout)


def _problem_text(e, source: str) -> str:
    from .model.errors import MAX_LISTED

    """A ScenarioError as lines, each file-derived part escaped on its own (a line break
    in a key cannot fake another line)."""
    head = printable(e.source or source)
    n = len(e.problems)
    lines = [f"{head}: {n} problem{'s' if n != 1 else ''} found:"]
    # each problem on one line: a line break in a key or name is shown, never obeyed
    lines += [f"  - {printable(str(p))}" for p in e.problems[:MAX_LISTED]]
    if n > MAX_LISTED:
        lines.append(f"  … and {n - MAX_LISTED:,} more")
    return "\n".join(lines)


def cmd_validate(args) -> int:
    from .model import ScenarioError

    status = EXIT_OK
    for f in args.files:
        try:
            s = _load(f)
        except ScenarioError as e:
            _say(_problem_text(e, f))
            status = EXIT_BAD_INPUT
        else:
            _say(
                f"{printable(f)}: valid — “{printable(s.name)}”, {len(s.services)} services, "
                f"{len(s.cohorts)} cohorts, {len(s.policies)} policies, "
                f"{len(s.effective_variants)} variants"
            )
    return status


def _outputs(args) -> list[tuple[str, str]]:
    return [
        (option, path)
        for option, path in (("--json", args.json), ("--csv", args.csv), ("--xlsx", args.xlsx))
        if path is not None
    ]


def cmd_run(args) -> int:
    from .model import ScenarioError
    from .report import write_csv, write_json, write_xlsx
    from .report.console import Progress, make_console, print_results
    from .report.files import output_path_problems
    from .report.text import printable
    from .sim import (
        overload_warnings,
        run_size_problems,
        with_run_settings,
        worker_count,
    )

    outputs = _outputs(args)
    log = [("--log", args.log)] if args.log else []
    bad_outputs = output_path_problems(outputs + log, [args.file])
    if bad_outputs:  # before any work: a run must not end in a results file it cannot write
        for message in bad_outputs:
            _say(f"cannot write results: {message}", err=True)
        return EXIT_BAD_INPUT
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
        _say(_problem_text(e, args.file), err=True)
        return EXIT_BAD_INPUT
    variants = None
    if args.variant:
        variants = list(dict.fromkeys(args.variant))
        known = {v.id for v in scenario.effective_variants}
        unknown = [v for v in variants if v not in known]
        if unknown:
            _say(
                f"{printable(args.file)}: no variant "
                f"{', '.join(printable(repr(u)) for u in unknown)}; "
                f"known variants: {', '.join(sorted(known))}",
                err=True,
            )
            return EXIT_BAD_INPUT
        if "baseline" in known and "baseline" not in variants:
            variants.insert(0, "baseline")
    if args.log:
        from .report.visitlog import log_problem

        problem = log_problem(args.log)
        if problem:
            _say(f"cannot write {args.log}: {problem}", err=True)
            return EXIT_BAD_INPUT
    if not args.quiet:
        chosen = variants or [v.id for v in scenario.effective_variants]
        for vid in chosen:
            for warning in overload_warnings(scenario, vid):
                _say(f"warning: {printable(warning)}", err=True)
        if not run_size_problems(scenario, chosen):
            tasks = len(chosen) * scenario.run.replications
            _, reason = worker_count(scenario, chosen, args.workers, tasks)
            if reason:
                _say(f"note: {reason}", err=True)
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
        _say(f"{printable(args.file)}: cannot run:", err=True)
        for p in e.problems:
            _say(f"  - {printable(p.message)}", err=True)
        return EXIT_BAD_INPUT
    except OSError as e:
        _say(f"cannot write the visit log: {e.strerror} ({e.filename})", err=True)
        return EXIT_BAD_INPUT
    finally:
        progress.close()
    writers = {"--json": write_json, "--csv": write_csv, "--xlsx": write_xlsx}
    for option, path in outputs:
        try:
            writers[option](results, path)
        except OSError as e:
            reason = e.strerror or str(e)
            _say(f"cannot write results: {option} {printable(repr(path))}: {reason}", err=True)
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


class _StageProgress:
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


def cmd_fit(args) -> int:
    """`fit LOG --out FILE.mission.json`: the fit report on stdout, the scenario written."""
    from .data import LogError, fit_log, parse_columns, render_fit
    from .model import save_scenario

    out = Path(args.out)
    if not out.name.endswith(".json"):
        print(f"cannot write {args.out}: a scenario file ends in .mission.json", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not out.resolve().parent.is_dir():
        print(f"cannot write {args.out}: its folder does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        columns = parse_columns(args.columns)
        result = fit_log(args.log, columns, args.time_unit, _StageProgress(not args.quiet))
    except LogError as e:
        print(f"cannot fit: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        save_scenario(result.scenario, out)
        if not args.quiet:
            print(render_fit(result), end="")
            print(f"Scenario written: {out}. Check the suggested capacities, then run "
                  f"`mission-desktop calibrate {out}`.")
    except OSError as e:
        print(f"cannot write {args.out}: {e.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        result.log.close()
    return EXIT_OK


def cmd_calibrate(args) -> int:
    """`calibrate FILE [--json OUT]`: the baseline against each observed figure."""
    from .data.calibrate import CalibrationError, calibrate, render_calibration
    from .model import ScenarioError
    from .report import write_json
    from .report.console import Progress

    try:
        scenario = _load(args.file)
        if args.json and not Path(args.json).resolve().parent.is_dir():
            print(f"cannot write {args.json}: its folder does not exist", file=sys.stderr)
            return EXIT_BAD_INPUT
        progress = Progress(enabled=not args.quiet)
        comparison = calibrate(scenario, workers=args.workers, progress=progress)
    except ScenarioError as e:
        print(str(e) if e.source else f"{args.file}: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CalibrationError as e:
        print(f"{args.file}: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.json:
            write_json(comparison, args.json)
    except OSError as e:
        print(f"cannot write {args.json}: {e.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.quiet:
        print(render_calibration(comparison), end="")
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
        _say(f"{printable(path)}: no such file", err=True)
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


def _safe_streams() -> None:
    """A console that cannot show a character (a Windows code page) gets an escape for it,
    not a UnicodeEncodeError after a whole run."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a detached or closed stream
                pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _safe_streams()
    # `mission-desktop FILE` opens that file in the app
    commands = ("run", "validate", "open", "report", "fit", "calibrate", *DECIDE_COMMANDS)
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
        if args.command == "fit":
            return cmd_fit(args)
        if args.command == "calibrate":
            _stop_on_sigterm()
            return cmd_calibrate(args)
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
        _say(
            f"mission-desktop: internal error: {type(e).__name__}: {printable(e)}\n"
            "This is a bug in Mission Desktop; set MISSION_DESKTOP_DEBUG=1 for details.",
            err=True,
        )
        return EXIT_INTERNAL
