"""``fit`` and ``calibrate``: a scenario fitted from a case-system event log, and the
baseline compared with each service's observed figures."""

from __future__ import annotations

import sys
from pathlib import Path

from .terminal import EXIT_BAD_INPUT, EXIT_OK, StageProgress, outputs_refused


def cmd_fit(args) -> int:
    """`fit LOG --out FILE.mission.json`: the fit report on stdout, the scenario written."""
    from ..data import LogError, fit_log, parse_columns, render_fit
    from ..model import save_scenario

    out = Path(args.out)
    if not out.name.endswith(".json"):
        print(f"cannot write {args.out}: a scenario file ends in .mission.json", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not out.resolve().parent.is_dir():
        print(f"cannot write {args.out}: its folder does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        columns = parse_columns(args.columns)
        result = fit_log(args.log, columns, args.time_unit, StageProgress(not args.quiet))
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
    from ..data.calibrate import CalibrationError, calibrate, render_calibration
    from ..model import ScenarioError, load_scenario
    from ..report import write_json
    from ..report.console import Progress

    if args.json is not None and outputs_refused([("--json", args.json)], [args.file]):
        return EXIT_BAD_INPUT
    try:
        scenario = load_scenario(args.file)
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
