"""``build_report``: the one function the command line and the app call (off the GUI thread).

The format follows the output's suffix: ``.html``, ``.pdf`` or ``.docx``. The file is written
to a temporary name beside the target and moved into place at the end, so a failed or
cancelled build never leaves half a report.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...model.scenario import Scenario
from . import charts as ch
from .context import build_context
from .mapdraw import map_chart

FORMATS = (".html", ".pdf", ".docx")


class ReportError(Exception):
    """A report that cannot be built, in plain words (a bad path, unknown format)."""


class ReportCancelled(Exception):
    """``cancelled()`` returned True: nothing was written."""


def report_format(out_path: str | Path) -> str:
    suffix = Path(out_path).suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(
            f"{out_path}: a report is written as .html, .pdf or .docx (not "
            f"{suffix or 'a file without a suffix'})"
        )
    return suffix[1:]


def build_charts(scenario: Scenario, ctx: dict[str, Any]) -> dict[str, ch.Chart | None]:
    return {
        "forest": ch.forest_chart(ctx),
        "queues": ch.queue_chart(ctx),
        "costs": ch.cost_chart(ctx),
        "map": map_chart(scenario),
    }


def build_report(
    scenario: Scenario,
    results: dict[str, Any],
    out_path: str | Path,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    analyst: str = "",
    command: str | None = None,
    file_name: str | None = None,
    ran_here: bool = False,
) -> Path:
    """Write the report of ``results`` (the results JSON dict of ``scenario``) to
    ``out_path``; return the path written.

    ``progress(done, total, step)`` is called between steps (step in plain words);
    ``cancelled()`` is polled between steps and raises :class:`ReportCancelled` when True.
    ``analyst``: who ran it (the app's user name setting), optional. ``command``: the
    command that regenerates the results (default: from the results' provenance, else a
    ``mission-desktop run`` line). ``file_name``: the scenario file's name for the
    attachment. ``ran_here``: the results were made by this process (so this machine's
    versions and hardware describe them).
    """
    out = Path(out_path)
    fmt = report_format(out)
    if not out.resolve().parent.is_dir():
        raise ReportError(f"cannot write {out}: its folder does not exist")
    steps = ["gathering figures", "drawing charts", f"writing {fmt.upper()}", "saving"]

    def step(i: int) -> None:
        if cancelled is not None and cancelled():
            raise ReportCancelled
        if progress is not None:
            progress(i, len(steps), steps[i] if i < len(steps) else "done")

    step(0)
    ctx = build_context(
        scenario, results, analyst=analyst, command=command, ran_here=ran_here,
        file_name=file_name or _file_name(scenario),
    )
    step(1)
    built = build_charts(scenario, ctx)
    step(2)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        if fmt == "html":
            from .html import render_html

            tmp.write_text(render_html(ctx, built), encoding="utf-8")
        elif fmt == "pdf":
            from .pdf import render_pdf

            render_pdf(ctx, built, tmp)
        else:
            from .docx import render_docx

            render_docx(ctx, built, tmp)
        step(3)
        tmp.replace(out)
    except OSError as e:
        raise ReportError(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        tmp.unlink(missing_ok=True)
        for chart in built.values():
            if chart is not None:
                chart.figure.clear()
    if progress is not None:
        progress(len(steps), len(steps), "done")
    return out


def _file_name(scenario: Scenario) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in scenario.name.lower())
    return (safe.strip("_")[:60] or "scenario") + ".mission.json"
