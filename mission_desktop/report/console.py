"""Results as terminal tables and a progress bar (rich), for ``mission-desktop run``.

Width: ``COLUMNS`` if set, else the terminal's width, else 100 (not a terminal). A table
wider than that is stacked: its figures are split over several tables, each with the name
column, and cells wrap; no line is longer than the width. Colour and cursor codes only on a
terminal. Every text from the file (names, ids, warnings) is escaped twice over: for rich
markup (cells are ``Text`` objects, never markup) and for control characters
(:func:`.text.printable`).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..model.dates import window_phrase
from .format import fmt_figure, money
from .summary import verdict
from .text import printable

DEFAULT_WIDTH = 100
#: a figure column needs about this much room ("28.8 min (14.4 to 43.2) ✔ better")
FIGURE_WIDTH = 20
NAME_WIDTH = 18

SERVICE_COLUMNS = (
    ("mean_wait", "Mean wait"),
    ("p90_wait", "P90 wait"),
    ("mean_queue_length", "Queue"),
    ("utilisation", "Utilisation"),
    ("backlog_at_end", "Backlog"),
    ("share_within_target", "Within target"),
    ("p_target_met", "Target met (share of runs)"),
)
OPTIONAL_COLUMNS = (
    ("mean_blocked_time", "Blocked time"),
    ("abandoned", "Gave up /{unit}"),
    ("turned_away", "Turned away /{unit}"),
)
COHORT_COLUMNS = (
    ("mean_journey_time", "Journey time"),
    ("completed", "Completed /{unit}"),
    ("abandoned", "Gave up /{unit}"),
    ("turned_away", "Turned away /{unit}"),
)
EQUALITY_COLUMNS = (
    ("mean_wait", "Mean wait"),
    ("mean_wait_vs_all", "vs everyone there"),
    ("p90_wait", "P90 wait"),
    ("share_within_target", "Within target"),
)
MARKS = {"better": "✔ better", "worse": "✘ worse", "higher": "▲ higher", "lower": "▼ lower"}


def terminal_width(stream: IO[str] | None = None, environ=os.environ) -> int:
    """COLUMNS, or the terminal's width, or 100 when not a terminal."""
    text = environ.get("COLUMNS", "")
    if text.strip().isdigit() and int(text) > 0:
        return int(text)
    stream = stream if stream is not None else sys.stdout
    if _isatty(stream):
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def make_console(stream: IO[str] | None = None, width: int | None = None) -> Console:
    stream = stream if stream is not None else sys.stdout
    tty = _isatty(stream)
    return Console(
        file=stream,
        width=width or terminal_width(stream),
        force_terminal=tty,
        color_system="auto" if tty else None,
        no_color=not tty,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


def _safe(text: Any) -> Text:
    return Text(printable(str(text)))


def _stacked(
    console: Console,
    title: str,
    name_header: str,
    columns: list[tuple[str, str]],
    rows: list[tuple[list[str], list[str]]],
) -> None:
    """Print a table, split into several of fewer columns when the width asks for it.
    ``rows``: (name cells, figure cells per column)."""
    names = len(rows[0][0]) if rows else 1
    room = max(1, (console.width - NAME_WIDTH * names) // FIGURE_WIDTH)
    for start in range(0, max(1, len(columns)), room):
        part = columns[start : start + room]
        table = Table(
            title=_safe(title) if start == 0 else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            expand=False,
            pad_edge=False,
        )
        for header in name_header.split("|"):
            table.add_column(_safe(header), overflow="fold", ratio=None)
        for _, header in part:
            table.add_column(_safe(header), overflow="fold")
        for name_cells, figures in rows:
            table.add_row(*(_safe(c) for c in name_cells), *(
                _safe(f) for f in figures[start : start + room]
            ))
        console.print(table)


def _service_columns(results: dict[str, Any], unit: str) -> list[tuple[str, str]]:
    columns = list(SERVICE_COLUMNS)
    for key, header in OPTIONAL_COLUMNS:
        if any(
            (fig := m.get(key)) is not None and fig["mean"] > 0
            for block in results["variants"].values()
            for m in block["services"].values()
        ):
            columns.append((key, header.format(unit=unit)))
    return columns


def _with_mark(metric: str, fig: dict[str, Any] | None, unit: str) -> str:
    text = fmt_figure(fig, metric, signed=True, time_unit=unit)
    mark = MARKS.get(verdict(metric, fig))
    return f"{text} {mark}" if mark else text


def print_results(console: Console, scenario, results: dict[str, Any]) -> None:
    """Every variant's figures, then each one's paired differences from the baseline."""
    unit = scenario.time_unit
    names = {v.id: v.name for v in scenario.effective_variants}
    policy_names = {p.id: p.name for p in scenario.policies}
    run = results["run"]
    window = window_phrase(scenario, run["warm_up"], run["horizon"])
    window = f": {window}" if window else ""
    console.print(
        _safe(
            f"{results['scenario']} — {run['replications']} replications, {unit}s "
            f"{run['warm_up']:g} to {run['horizon']:g} (after warm-up{window}), "
            f"seed {run['seed']}."
        )
    )
    console.print(
        Text(
            "Figures: mean (95% confidence interval) over replications; waits in the unit "
            f"that reads best, rates per {unit}. Target met: the share of replications that "
            "met the service's target (Wilson interval)."
        )
    )
    columns = _service_columns(results, unit)
    cohort_columns = [(k, h.format(unit=unit)) for k, h in COHORT_COLUMNS]
    for vid, block in results["variants"].items():
        label = f"{names.get(vid, vid)} [{vid}]"
        console.print()
        console.rule(_safe(label), characters="=", align="left")
        for title, head, part, items, cols in (
            ("Services", "Service", "services", scenario.services, columns),
            ("Cohorts", "Cohort", "cohorts", scenario.cohorts, cohort_columns),
        ):
            rows = [
                ([item.name], [fmt_figure(block[part][item.id].get(k), k, time_unit=unit)
                               for k, _ in cols])
                for item in items
            ]  # fmt: skip
            _stacked(console, title, head, cols, rows)
        _equality(console, scenario, block, unit, signed=False)
        _costs(console, block, policy_names, unit)
    if results.get("comparisons"):
        console.print()
        console.rule(Text("Differences from baseline (paired by replication)"), characters="=",
                     align="left")  # fmt: skip
        console.print(
            Text(
                "✔ better / ✘ worse / ▲▼ higher or lower: the 95% CI excludes zero. "
                "Unmarked: no clear difference."
            )
        )
        diff_columns = [c for c in columns if c[0] != "p_target_met"]
        for vid, block in results["comparisons"].items():
            console.print()
            console.rule(_safe(f"{names.get(vid, vid)} [{vid}] vs baseline"), align="left")
            rows = [
                ([s.name], [_with_mark(k, block["services"][s.id].get(k), unit)
                            for k, _ in diff_columns])
                for s in scenario.services
            ]  # fmt: skip
            _stacked(console, "Services", "Service", diff_columns, rows)
            _equality(console, scenario, block, unit, signed=True)
            _cost_differences(console, results, vid, block, policy_names, unit)
    if results.get("warnings"):
        console.print()
        console.rule(Text("Warnings"), align="left")
        for w in results["warnings"]:
            console.print(_safe(f"  ! {w}"))


def _equality(console: Console, scenario, block: dict[str, Any], unit: str, signed: bool):
    """The cohort × service view: each cohort's waits at each service it visits."""
    service_names = {s.id: s.name for s in scenario.services}
    rows = []
    for c in scenario.cohorts:
        for sid, figures in (block["cohorts"].get(c.id, {}).get("services") or {}).items():
            cells = []
            for key, _ in EQUALITY_COLUMNS:
                fig = figures.get(key)
                if signed:
                    cells.append(_with_mark(key, fig, unit))
                elif key.endswith("_vs_all"):
                    cells.append(fmt_figure(fig, key, signed=True, time_unit=unit))
                else:
                    cells.append(fmt_figure(fig, key, time_unit=unit))
            rows.append(([c.name, service_names.get(sid, sid)], cells))
    if rows:
        title = "Equality view: each cohort at each service" + (" (difference)" if signed else "")
        _stacked(console, title, "Cohort|Service", list(EQUALITY_COLUMNS), rows)


def _costs(console: Console, block: dict[str, Any], policy_names, unit: str) -> None:
    total = fmt_figure(block["cost"]["total"], "total", time_unit=unit)
    console.print(Text(f"Total cost over the window: {total}"))
    for pid, fig in (block.get("policy_costs") or {}).items():
        cost = money(fig["mean"])
        console.print(_safe(f"  policy {policy_names.get(pid, pid)} [{pid}]: {cost}"))


def _cost_differences(console, results, vid, block, policy_names, unit) -> None:
    cost = block["cost"]["total"]
    console.print(Text(f"Cost difference: {_with_mark('total', cost, unit)}"))
    own = results["variants"].get(vid, {}).get("policy_costs") or {}
    if own:
        parts = [f"{policy_names.get(p, p)} {money(f['mean'])}" for p, f in own.items()]
        console.print(_safe("  of which policies: " + ", ".join(parts)))
    waiting = (block.get("waiting") or {}).get("total")
    if waiting is not None:
        mark = MARKS.get(verdict("waiting", waiting))
        text = f"{fmt_figure(waiting, 'waiting', signed=True)} person-{unit}s"
        console.print(Text(f"Waiting time over the window: {text}" + (f" {mark}" if mark else "")))
    ratio = block.get("cost_per_waiting_saved")
    if ratio is None:
        console.print(Text(f"Cost per {unit} of waiting saved: – (waiting not clearly reduced)"))
    else:
        fig = fmt_figure(ratio, "cost_per_waiting_saved", signed=False, time_unit=unit)
        console.print(Text(f"Cost per {unit} of waiting saved: {fig}"))


class Progress:
    """A progress bar with ETA on stderr: rich's, redrawn in place, on a terminal; otherwise
    a plain line every 5 seconds and at the end."""

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.tty = _isatty(self.stream)
        self.started = time.monotonic()
        self.last_line = 0.0
        self._bar = None
        self._task = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        noun = "replication" if total == 1 else "replications"
        if self.tty:
            if self._bar is None:
                from rich import progress as rp

                self._bar = rp.Progress(
                    rp.TextColumn("Running"),
                    rp.BarColumn(),
                    rp.MofNCompleteColumn(),
                    rp.TextColumn(noun),
                    rp.TimeRemainingColumn(),
                    console=make_console(self.stream),
                )
                self._task = self._bar.add_task("run", total=total)
                self._bar.start()
            self._bar.update(self._task, completed=done, total=total)
            if done >= total:
                self.close()
            return
        now = time.monotonic()
        if done != total and now - self.last_line < 5:
            return
        self.last_line = now
        elapsed = now - self.started
        self.stream.write(f"Running: {done}/{total} {noun}, {elapsed:.1f}s\n")
        self.stream.flush()

    def close(self) -> None:
        """Stop redrawing (at the end, or when the run stops early)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
