"""``run`` and ``validate``: check scenario files; run one headless (plainly, to a
precision, or under uncertainty; on this computer or a cluster), print its tables and write
its results (JSON, CSV, XLSX) and visit log."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from ..report.text import printable
from .terminal import EXIT_BAD_INPUT, EXIT_OK, outputs_refused, problem_text, say


def render_results(scenario, results: dict[str, Any], width: int | None = None) -> str:
    """The results tables as text (see :mod:`mission_desktop.report.console`)."""
    import io

    from ..report.console import make_console, print_results

    buf = io.StringIO()
    print_results(make_console(buf, width or terminal_width()), scenario, results)
    return buf.getvalue()


def terminal_width() -> int:
    from ..report.console import terminal_width as width

    return width(sys.stdout)


def cmd_validate(args) -> int:
    from ..model import ScenarioError, load_scenario

    status = EXIT_OK
    for f in args.files:
        try:
            s = load_scenario(f)
        except ScenarioError as e:
            say(problem_text(e, f))
            status = EXIT_BAD_INPUT
        else:
            say(
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
    from ..model import ScenarioError, load_scenario
    from ..report import write_csv, write_json, write_xlsx
    from ..report.console import Progress, make_console, print_results
    from ..sim import (
        overload_warnings,
        run_size_problems,
        with_run_settings,
        worker_count,
    )

    outputs = _outputs(args)
    log = [("--log", args.log)] if args.log else []
    if outputs_refused(outputs + log, [args.file]):  # before any work
        return EXIT_BAD_INPUT
    try:
        scenario = load_scenario(args.file)
        scenario = with_run_settings(
            scenario,
            replications=args.replications,
            seed=args.seed,
            horizon=args.horizon,
            warm_up=args.warm_up,
        )
    except ScenarioError as e:
        say(problem_text(e, args.file), err=True)
        return EXIT_BAD_INPUT
    variants = None
    if args.variant:
        variants = list(dict.fromkeys(args.variant))
        known = {v.id for v in scenario.effective_variants}
        unknown = [v for v in variants if v not in known]
        if unknown:
            say(
                f"{printable(args.file)}: no variant "
                f"{', '.join(printable(repr(u)) for u in unknown)}; "
                f"known variants: {', '.join(sorted(known))}",
                err=True,
            )
            return EXIT_BAD_INPUT
        if "baseline" in known and "baseline" not in variants:
            variants.insert(0, "baseline")
    if args.log:
        from ..report.visitlog import log_problem

        problem = log_problem(args.log)
        if problem:
            say(f"cannot write {args.log}: {problem}", err=True)
            return EXIT_BAD_INPUT
    if not args.quiet:
        chosen = variants or [v.id for v in scenario.effective_variants]
        for vid in chosen:
            for warning in overload_warnings(scenario, vid):
                say(f"warning: {printable(warning)}", err=True)
        if not run_size_problems(scenario, chosen):
            tasks = len(chosen) * scenario.run.replications
            _, reason = worker_count(scenario, chosen, args.workers, tasks)
            if reason:
                say(f"note: {reason}", err=True)
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
        say(f"{printable(args.file)}: cannot run:", err=True)
        for p in e.problems:
            say(f"  - {printable(p.message)}", err=True)
        return EXIT_BAD_INPUT
    except OSError as e:
        say(f"cannot write the visit log: {e.strerror} ({e.filename})", err=True)
        return EXIT_BAD_INPUT
    finally:
        progress.close()
    writers = {"--json": write_json, "--csv": write_csv, "--xlsx": write_xlsx}
    for option, path in outputs:
        try:
            writers[option](results, path)
        except OSError as e:
            reason = e.strerror or str(e)
            say(f"cannot write results: {option} {printable(repr(path))}: {reason}", err=True)
            return EXIT_BAD_INPUT
    if not args.quiet:
        print_results(make_console(sys.stdout), scenario, results)
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

        from ..report.visitlog import VisitLogParts

        parent = Path(self.target).resolve().parent
        self.folder = tempfile.mkdtemp(prefix=".mission-visits-", dir=parent)
        return VisitLogParts(self.folder)

    def __exit__(self, *exc: object) -> None:
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)


def _join_visit_log(visit_log, results: dict[str, Any], target: str) -> None:
    from ..report.visitlog import join_parts

    n = results["run"]["replications"]
    tasks = [(v, r) for v in results["variants"] for r in range(n)]
    join_parts(visit_log, tasks, target)


def executor_for(args):
    from ..sim import make_executor

    return make_executor(getattr(args, "cluster", None), getattr(args, "workers", None))


def run_results(args, scenario, *, variants, progress, visit_log, command) -> dict[str, Any]:
    """``run``'s results: plain, to precision, or under uncertainty; on the chosen executor."""
    from ..model import Problem, ScenarioError
    from ..sim import run_experiment

    if args.precision and args.uncertainty:
        raise ScenarioError([Problem("--precision", "use either --precision or --uncertainty")])
    if visit_log is not None and (args.precision or args.uncertainty):
        raise ScenarioError([Problem("--log", "use --log with a plain run")])
    with executor_for(args) as executor:
        if args.precision:
            from ..decide.precision import run_to_precision

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
            from ..decide.sensitivity import run_uncertainty

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
