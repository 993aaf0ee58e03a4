"""``report``: the report and assurance pack of a scenario (HTML, PDF or Word), from given
results or from a run made first."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from .terminal import EXIT_BAD_INPUT, EXIT_OK


def cmd_report(args) -> int:
    """`report FILE [--results R.json] --out OUT`: run first unless results are given."""
    from ..model import ScenarioError, load_scenario, parse_json
    from ..report.document import ReportError, build_report, report_format
    from ..report.document.results_check import results_problems
    from ..sim import run_experiment, with_run_settings

    try:
        report_format(args.out)
        scenario = with_run_settings(load_scenario(args.file), replications=args.replications)
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
        from ..report.console import Progress
        from ..report.text import printable

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
