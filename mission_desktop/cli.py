"""``mission-desktop``: no arguments (or a FILE) opens the app; sub-commands run headless.

Exit codes: 0 success, 2 bad input or usage, 1 an internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import __version__

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
        "--variant",
        metavar="ID",
        action="append",
        help="run only this variant (repeatable; baseline is added for comparisons)",
    )
    run.add_argument("--replications", type=_positive_int, metavar="N")
    run.add_argument("--seed", type=_non_negative_int, metavar="S")
    run.add_argument("--horizon", type=_positive_float, metavar="T")
    run.add_argument(
        "--workers", type=_positive_int, metavar="N", help="processes to use (default: all cores)"
    )
    run.add_argument("--quiet", action="store_true", help="no tables or progress bar")

    val = sub.add_parser("validate", help="check scenario files and list every problem")
    val.add_argument("files", nargs="+", metavar="FILE")

    gui = sub.add_parser("open", help="open the desktop app (on FILE if given)")
    gui.add_argument("file", nargs="?", metavar="FILE")
    return parser


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


# --------------------------------------------------------------------------- output


class Progress:
    """A progress bar with ETA on stderr (redrawn in place on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.last_line = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        now = time.monotonic()
        elapsed = now - self.started
        eta = elapsed / done * (total - done) if done else None
        if not self.tty and done not in (total,) and now - self.last_line < 5:
            return
        self.last_line = now
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "░" * (width - filled)
        eta_text = f"ETA {eta:4.0f}s" if eta is not None and done < total else f"{elapsed:5.1f}s"
        noun = "replication" if total == 1 else "replications"
        line = f"Running {bar} {done}/{total} {noun}  {eta_text}"
        if self.tty:
            sys.stderr.write("\r" + line + ("\n" if done == total else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


TABLE_METRICS = (
    ("mean_wait", "Mean wait"),
    ("p90_wait", "P90 wait"),
    ("mean_queue_length", "Queue"),
    ("utilisation", "Utilisation"),
    ("backlog_at_end", "Backlog"),
    ("share_within_target", "Within target"),
)


OPTIONAL_METRICS = (
    ("mean_blocked_time", "Blocked time"),
    ("abandoned", "Gave up /t"),
    ("turned_away", "Turned away /t"),
)


def _metrics_for(results: dict[str, Any]) -> list[tuple[str, str]]:
    """The table's columns: the standard six, plus blocking, giving up and turning away
    where any variant shows them."""
    metrics = list(TABLE_METRICS)
    for key, header in OPTIONAL_METRICS:
        if any(
            (fig := m.get(key)) is not None and fig["mean"] > 0
            for block in results["variants"].values()
            for m in block["services"].values()
        ):
            metrics.append((key, header.replace("/t", "/" + results.get("time_unit", "t"))))
    return metrics


def render_results(scenario, results: dict[str, Any]) -> str:
    from .report import fmt_figure, verdict

    unit = scenario.time_unit
    names = {v.id: v.name for v in scenario.effective_variants}
    out: list[str] = []
    run = results["run"]
    out.append(
        f"{results['scenario']} — {run['replications']} replications, {unit}s "
        f"{run['warm_up']:g} to {run['horizon']:g} (after warm-up), seed {run['seed']}."
    )
    out.append(
        "Figures: mean (95% confidence interval) over replications. Waits and blocked times "
        f"in {unit}s; gave up, turned away and completed per {unit}."
    )
    for vid, block in results["variants"].items():
        out.append("")
        out.append(f"== {names.get(vid, vid)} [{vid}]")
        metrics = _metrics_for(results)
        rows = []
        for s in scenario.services:
            m = block["services"][s.id]
            rows.append([s.name] + [fmt_figure(m[k], k) for k, _ in metrics])
        out.append(_table(["Service"] + [h for _, h in metrics], rows))
        crow = []
        for c in scenario.cohorts:
            m = block["cohorts"][c.id]
            crow.append(
                [
                    c.name,
                    fmt_figure(m["mean_journey_time"]),
                    fmt_figure(m["completed"]),
                    fmt_figure(m["abandoned"]),
                    fmt_figure(m["turned_away"]),
                ]
            )
        out.append("")
        out.append(
            _table(
                [
                    "Cohort",
                    "Journey time",
                    f"Completed /{unit}",
                    f"Gave up /{unit}",
                    f"Turned away /{unit}",
                ],
                crow,
            )
        )
        out.append(f"Total cost over the window: {_money(fmt_figure(block['cost']['total']))}")
    if results.get("comparisons"):
        out.append("")
        out.append("== Differences from baseline (paired by replication)")
        out.append(
            "   ✔ better / ✘ worse / ▲▼ higher or lower: the 95% CI excludes zero. "
            "Unmarked: no clear difference."
        )
        marks = {"better": "✔ better", "worse": "✘ worse", "higher": "▲ higher", "lower": "▼ lower"}
        for vid, block in results["comparisons"].items():
            out.append("")
            out.append(f"-- {names.get(vid, vid)} [{vid}] vs baseline")
            rows = []
            for s in scenario.services:
                m = block["services"][s.id]
                row = [s.name]
                for k, _ in metrics:
                    text = fmt_figure(m[k], k, signed=True)
                    v = verdict(k, m[k])
                    if v in marks:
                        text += f" {marks[v]}"
                    row.append(text)
                rows.append(row)
            out.append(_table(["Service"] + [h for _, h in metrics], rows))
            cost = block["cost"]["total"]
            v = verdict("total", cost)
            out.append(
                f"Cost difference: {_money(fmt_figure(cost, signed=True))}"
                + (f" {marks[v]}" if v in marks else "")
            )
    if results.get("warnings"):
        out.append("")
        out.append("== Warnings")
        for w in results["warnings"]:
            out.append(f"  ! {w}")
    return "\n".join(out)


def _money(text: str) -> str:
    """'+580,000 (1 to 2)' → '+£580,000 (£1 to £2)'."""
    import re

    return re.sub(r"(^|\(|to )([+-]?)(?=\d)", r"\1\2£", text)


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
    from .sim import overload_warnings, run_experiment, with_run_settings

    try:
        scenario = _load(args.file)
        scenario = with_run_settings(
            scenario, replications=args.replications, seed=args.seed, horizon=args.horizon
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
    for target in (args.json, args.csv, args.xlsx):
        if target and not Path(target).resolve().parent.is_dir():
            print(f"cannot write {target}: its folder does not exist", file=sys.stderr)
            return EXIT_BAD_INPUT
    if not args.quiet:
        chosen = variants or [v.id for v in scenario.effective_variants]
        for vid in chosen:
            for warning in overload_warnings(scenario, vid):
                print(f"warning: {warning}", file=sys.stderr)
    progress = Progress(enabled=not args.quiet)
    try:
        results = run_experiment(
            scenario, variants=variants, workers=args.workers, progress=progress
        )
    except ScenarioError as e:
        print(f"{args.file}: cannot run:", file=sys.stderr)
        for p in e.problems:
            print(f"  - {p.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
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
        print(render_results(scenario, results))
    return EXIT_OK


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
        print(f"{path}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    problem = display_problem()
    if problem:
        print(f"mission-desktop: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from .gui.app import main as gui_main

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
    if argv and not argv[0].startswith("-") and argv[0] not in ("run", "validate", "open"):
        if len(argv) == 1:
            argv = ["open", argv[0]]
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "run":
            _stop_on_sigterm()  # headless only: the app handles its own shutdown
            return cmd_run(args)
        if args.command == "validate":
            return cmd_validate(args)
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
