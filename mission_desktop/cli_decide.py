"""The decision-support commands of ``mission-desktop`` (issue 8): ``warmup``,
``sensitivity``, ``optimise``, and ``run``'s ``--precision``, ``--uncertainty`` and
``--cluster``. Kept apart from cli.py so each stays small; imports stay lazy (nothing heavy
loads until a command runs)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_BAD_INPUT = 0, 2
DECIDE_COMMANDS = ("warmup", "sensitivity", "optimise")


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = None
    if v is None or not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, e.g. 0.05, not {text!r}")
    return v


def _whole(minimum: int):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            v = None
        if v is None or v < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number ≥ {minimum}, not {text!r}")
        return v

    return parse


def _cluster_option(p) -> None:
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the replications on the Dask cluster at ADDRESS, e.g. tcp://10.0.0.5:8786 "
        '(pip install "mission-desktop[cluster]")',
    )


def add_run_options(run) -> None:
    """``run``'s additions."""
    run.add_argument(
        "--precision",
        type=_fraction,
        metavar="R",
        help="add replications until every 95%% CI half-width is at most R × |mean| "
        "(and every difference's at most R × |baseline|, or its CI excludes 0)",
    )
    run.add_argument(
        "--max-replications",
        type=_whole(3),
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
        type=_whole(2),
        metavar="K",
        default=2,
        help="replications per draw of the assumptions with --uncertainty (default 2)",
    )
    _cluster_option(run)


def add_parsers(sub) -> None:
    helps = {
        "warmup": "suggest a warm-up per service (MSER-5) and show the cumulative means",
        "sensitivity": "move each assumption to its low and high end, paired with the central run",
        "optimise": "find the cheapest plan over the file's decisions that meets every target",
    }
    for name, text in helps.items():
        p = sub.add_parser(name, help=text)
        p.add_argument("file", metavar="FILE", help="a .mission.json scenario")
        p.add_argument("--json", metavar="OUT", help="write the JSON here")
        p.add_argument("--workers", type=_whole(1), metavar="N", help="local processes")
        p.add_argument("--quiet", action="store_true", help="no table or progress bar")
        _cluster_option(p)
        if name != "optimise":
            p.add_argument("--variant", metavar="ID", default="baseline")
            p.add_argument("--replications", type=_whole(1 if name == "sensitivity" else 2), metavar="N")
        else:
            p.add_argument(
                "--max-replications",
                type=_whole(10),
                metavar="N",
                default=2000,
                help="the budget of replications in all (default 2000)",
            )


def executor_for(args):
    from .sim import make_executor

    return make_executor(getattr(args, "cluster", None), getattr(args, "workers", None))


def run_results(args, scenario, *, variants, progress, visit_log, command) -> dict[str, Any]:
    """``run``'s results: plain, to precision, or under uncertainty; on the chosen executor."""
    from .model import Problem, ScenarioError
    from .sim import run_experiment

    if args.precision and args.uncertainty:
        raise ScenarioError([Problem("--precision", "use either --precision or --uncertainty")])
    if visit_log is not None and (args.precision or args.uncertainty):
        raise ScenarioError([Problem("--log", "use --log with a plain run")])
    with executor_for(args) as executor:
        if args.precision:
            from .decide.precision import run_to_precision

            return run_to_precision(
                scenario,
                args.precision,
                max_replications=args.max_replications,
                variants=variants,
                executor=executor,
                progress=progress,
                command=command,
            )
        if args.uncertainty:
            from .decide.sensitivity import run_uncertainty

            return run_uncertainty(
                scenario,
                inner=args.inner,
                variants=variants,
                executor=executor,
                progress=progress,
                command=command,
            )
        return run_experiment(
            scenario,
            variants=variants,
            progress=progress,
            visit_log=visit_log,
            command=command,
            executor=executor,
        )


def cmd_decide(args) -> int:
    """``warmup``, ``sensitivity`` or ``optimise``."""
    from .model import ScenarioError, load_scenario
    from .report import write_json
    from .report.console import Progress
    from .report.text import printable
    from .sim import with_run_settings

    try:
        scenario = load_scenario(args.file)
        if getattr(args, "replications", None) and args.command == "sensitivity":
            scenario = with_run_settings(scenario, replications=args.replications)
    except ScenarioError as e:
        print(str(e) if e.source else f"{args.file}: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json and not Path(args.json).resolve().parent.is_dir():
        print(f"cannot write {args.json}: its folder does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    command = shlex.join(["mission-desktop", *getattr(args, "argv", [args.command, args.file])])
    progress = Progress(enabled=not args.quiet)
    try:
        with executor_for(args) as executor:
            out = _decide(args, scenario, executor, progress, command)
    except ScenarioError as e:
        print(f"{args.file}: cannot run {args.command}:", file=sys.stderr)
        for p in e.problems:
            print(f"  - {p.path}: {printable(p.message)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        progress.close()
    if args.json:
        try:
            write_json(out, args.json)
        except OSError as e:
            print(f"cannot write {args.json}: {e.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if not args.quiet:
        for line in summary_text(args.command, scenario, out).splitlines():
            print(printable(line))
    return EXIT_OK


def _decide(args, scenario, executor, progress, command) -> dict[str, Any]:
    if args.command == "warmup":
        from .decide.warmup import warmup

        return warmup(
            scenario,
            variant=args.variant,
            replications=args.replications,
            executor=executor,
            progress=progress,
            command=command,
        )
    if args.command == "sensitivity":
        from .decide.sensitivity import sensitivity

        return sensitivity(
            scenario, variant=args.variant, executor=executor, progress=progress, command=command
        )
    from .decide.optimise import optimise

    return optimise(scenario, budget=args.max_replications, executor=executor, progress=progress)


def summary_text(command: str, scenario, out: dict[str, Any]) -> str:
    """A few plain lines for the terminal (the JSON has everything)."""
    from .report.format import money

    lines: list[str] = []
    if command == "warmup":
        unit = scenario.time_unit
        lines.append(f"Suggested warm-up: {_t(out['suggested'], unit)} — {out['reason']}")
        for sid, b in out["services"].items():
            lines.append(
                f"  {scenario.service(sid).name}: queue {_t(b['queue']['warm_up'], unit)}, "
                f"wait {_t(b['wait']['warm_up'], unit)}"
            )
    elif command == "sensitivity":
        lines.append(f"Sensitivity of '{out['variant']}' ({out['replications']} replications):")
        for a in out["assumptions"].values():
            parts = []
            for end in ("low", "high"):
                d = a[end]["cost"]["total"]
                parts.append(f"{end} {a['values'][end]:g}: Δ total cost {money(d['mean'], sign=True)}")
            lines.append(f"  {a['name']}: " + "; ".join(parts))
    else:
        best = out["best"]
        if best is None:
            lines.append(f"No plan found: {out['message']}")
        else:
            what = ", ".join(_change(c) for c in best["changes"]) or "no lever change"
            if best["policies"]:
                what += "; policies " + ", ".join(best["policies"])
            lines.append(
                f"Cheapest plan meeting every target: {what} — total cost "
                f"{money(best['cost']['mean'])}"
            )
        lines.append(
            f"{len(out['evaluated'])} candidates evaluated with {out['replications']} replications"
        )
    return "\n".join(lines)


def _t(value, unit: str) -> str:
    return "none (does not settle)" if value is None else f"{value:g} {unit}s"


def _change(c: dict[str, Any]) -> str:
    who = c.get("service") or c.get("cohort")
    op = next(k for k in ("add", "multiply", "p") if k in c)
    return f"{c['lever']} of {who} {op} {c[op]:g}"
