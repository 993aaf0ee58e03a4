"""The command line's parser: every command and its options, with argparse types that say
what is wrong in plain words. A usage error exits 2 with a short hint."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .. import __version__
from ..report.text import printable
from .terminal import EXIT_BAD_INPUT

DECIDE_COMMANDS = ("warmup", "sensitivity", "optimise")


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: exit 2 with a short hint
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {printable(message)}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="mission-desktop",
        description=(
            "Mission Desktop: model public services together, switch policy levers, and see "
            "what each policy does to waits, queues, targets and costs across every service. "
            "With no command, opens the desktop app (on FILE if given)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mission-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

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
    _add_decide_run_options(run)

    _add_report_parser(sub)
    _add_fit_parsers(sub)
    _add_decide_parsers(sub)

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


def _cluster_option(p) -> None:
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the replications on the Dask cluster at ADDRESS, e.g. tcp://10.0.0.5:8786 "
        '(pip install "mission-desktop[cluster]")',
    )


def _add_decide_run_options(run) -> None:
    """``run``'s options of the decision support: --precision, --uncertainty, --cluster."""
    run.add_argument(
        "--precision",
        type=_fraction,
        metavar="R",
        help="add replications until every 95%% CI half-width is at most R × |mean| "
        "(and every difference's at most R × |baseline|, or its CI excludes 0)",
    )
    run.add_argument(
        "--max-replications",
        type=_whole_number(3),
        metavar="N",
        default=200,
        help="the budget of --precision, per variant (default 200)",
    )
    run.add_argument(
        "--uncertainty",
        action="store_true",
        help="sample every assumption (Latin hypercube) and split each figure's variance "
        "into what we do not know and the luck of the draw",
    )
    run.add_argument(
        "--inner",
        type=_whole_number(2),
        metavar="K",
        default=2,
        help="replications per draw of the assumptions with --uncertainty (default 2)",
    )
    _cluster_option(run)


def _add_decide_parsers(sub) -> None:
    helps = {
        "warmup": "suggest a warm-up per service (MSER-5) and show the cumulative means",
        "sensitivity": "move each assumption to its low and high end, paired with the central run",
        "optimise": "find the cheapest plan over the file's decisions that meets every target",
    }
    for name, text in helps.items():
        p = sub.add_parser(name, help=text)
        p.add_argument("file", metavar="FILE", help="a .mission.json scenario")
        p.add_argument("--json", metavar="OUT", help="write the JSON here")
        p.add_argument("--workers", type=_whole_number(1), metavar="N", help="local processes")
        p.add_argument("--quiet", action="store_true", help="no table or progress bar")
        _cluster_option(p)
        if name != "optimise":
            p.add_argument("--variant", metavar="ID", default="baseline")
            p.add_argument("--replications", type=_whole_number(1 if name == "sensitivity" else 2), metavar="N")
        else:
            p.add_argument(
                "--max-replications",
                type=_whole_number(10),
                metavar="N",
                default=2000,
                help="the budget of replications in all (default 2000)",
            )


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


def _finite_number(words: str, ok: Callable[[float], bool]) -> Callable[[str], float]:
    """An option type: a finite number for which ``ok`` holds, else 'must be WORDS, not …'."""

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {words}, not {text!r}") from None
        if not ok(v) or v == float("inf"):
            raise argparse.ArgumentTypeError(f"must be {words}, not {text}")
        return v

    return parse


_positive_float = _finite_number("a number > 0", lambda v: v > 0)
_non_negative_float = _finite_number("a number ≥ 0", lambda v: v >= 0)


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = None
    if v is None or not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, e.g. 0.05, not {text!r}")
    return v


