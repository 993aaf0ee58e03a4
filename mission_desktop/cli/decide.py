"""The decision-support commands (issue 8): ``warmup``, ``sensitivity`` and ``optimise``.
Imports stay lazy: nothing heavy loads until a command runs (``run``'s ``--precision``,
``--uncertainty`` and ``--cluster`` are in :mod:`.run`)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from .run import executor_for
from .terminal import EXIT_BAD_INPUT, EXIT_OK


def cmd_decide(args) -> int:
    """``warmup``, ``sensitivity`` or ``optimise``."""
    from ..model import ScenarioError, load_scenario
    from ..report import write_json
    from ..report.console import Progress
    from ..report.text import printable
    from ..sim import with_run_settings

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
        from ..decide.warmup import warmup

        return warmup(
            scenario,
            variant=args.variant,
            replications=args.replications,
            executor=executor,
            progress=progress,
            command=command,
        )
    if args.command == "sensitivity":
        from ..decide.sensitivity import sensitivity

        return sensitivity(
            scenario, variant=args.variant, executor=executor, progress=progress, command=command
        )
    from ..decide.optimise import optimise

    return optimise(scenario, budget=args.max_replications, executor=executor, progress=progress)


def summary_text(command: str, scenario, out: dict[str, Any]) -> str:
    """A few plain lines for the terminal (the JSON has everything)."""
    from ..report.format import money

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
