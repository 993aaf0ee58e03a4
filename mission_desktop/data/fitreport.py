"""The fit report: plain text for a 100-column terminal, every name from the log escaped."""

from __future__ import annotations

import textwrap

from ..model.dates import date_label
from .durations import Candidate, DurationFit
from .fit import FitResult, ServiceFit
from .text import shown

WIDTH = 100
_FIGURES = (
    ("mean_wait", "mean wait"),
    ("p90_wait", "90th-percentile wait"),
    ("mean_queue_length", "mean queue"),
    ("throughput", "completions per {unit}"),
    ("utilisation", "utilisation"),
)


def table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append(indent + "  ".join("─" * w for w in widths))
    for r in rows:
        lines.append(indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return lines


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _g(x: float | None) -> str:
    return "—" if x is None else f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def _params(dist: dict | None) -> str:
    if dist is None:
        return ""
    if dist["dist"] == "empirical":
        return f"{len(dist['values']):,} values"
    return ", ".join(f"{k} {_g(v)}" for k, v in dist.items() if k != "dist")


def render_fit(result: FitResult) -> str:
    log, unit = result.log, result.log.time_unit
    out: list[str] = [f"Fit of {shown(log.path.name, 80)}"]
    left = f"{log.bad_count:,} left out (listed below)" if log.bad_count else "none left out"
    out += _wrap(
        f"{log.rows:,} rows; {log.used:,} used; {left}. Times: "
        f"{'numbers in ' + unit + 's' if log.numeric else 'ISO date-times; time unit ' + unit}."
    )
    if log.end is not None:
        from datetime import timedelta

        from ..model.dates import UNIT

        began = log.end - UNIT[unit] * log.length
        span = (
            f"The log covers {date_label(began)} to {date_label(log.end - timedelta(days=1))} "
            f"({log.length:,.4g} {unit}s). The fitted scenario starts at its end, "
            f"{date_label(log.end)} (time 0)"
        )
    else:
        span = (
            f"The log covers {log.length:,.4g} {unit}s. The fitted scenario starts at its end "
            "(time 0)"
        )
    out += _wrap(span + ", from the people waiting and in service then, and runs as long.")
    for note in log.notes:
        out += _wrap(note)
    if log.bad_count:
        out.append("")
        where = (
            "row numbers as a spreadsheet shows them (the header is row 1)"
            if log.row_word == "row" else "records counted from 1"
        )
        out.append(f"Rows left out ({log.bad_count:,}): {where}")
        for number, why in log.bad_listed:
            out.append(f"  {log.row_word} {number:<8} {why}"[:WIDTH])
        if log.bad_count > len(log.bad_listed):
            out.append(f"  and {log.bad_count - len(log.bad_listed):,} more")
        out += _wrap(
            "By reason: "
            + "; ".join(f"{k} {n:,}" for k, n in sorted(log.bad_kinds.items(), key=lambda kv: -kv[1]))
        )
    out += ["", "Cohorts (outside arrivals: each person's first visit)"]
    rows = []
    for _cid, name, arr, _ in result.cohorts:
        rows.append([shown(name, 30), f"{arr.people:,}", _g(arr.mean_rate), _g(arr.rate)])
    out += table(["Cohort", "People", f"Mean /{unit}", f"At time 0 /{unit}"], rows)
    for _cid, name, arr, entry in result.cohorts:
        total = sum(n for _, n in entry)
        shares = ", ".join(f"{shown(result.names[s], 30)} {n / total:.1%}" for s, n in entry)
        out += _wrap(f"{shown(name, 30)}: profile {arr.profile_note}; growth {arr.growth_note}. "
                     f"Entry: {shares}.")
    for f in result.services:
        out += [""] + _service(f, result, unit)
    return "\n".join(out) + "\n"


def _candidates(fit: DurationFit, chosen: Candidate, censored: bool) -> list[str]:
    rows = []
    for rank, c in enumerate(fit.candidates, start=1):
        mark = "✔ " if c is chosen else "  "
        if c.family == "empirical":
            rows.append([mark + "—", c.family, _params(c.dist), "—", "—", "—"])
        elif c.aic is None:
            rows.append([mark + "—", c.family, f"not fitted: {c.why_not}"[:50], "", "", ""])
        else:
            ks = "—" if censored else f"{c.ks:.3f}"
            p = "—" if censored else f"{c.p:.3f}"
            rows.append([mark + str(rank), c.family, _params(c.dist), f"{c.aic:,.1f}", ks, p])
    return table(["Rank", "Shape", "Parameters", "AIC", "KS D", "KS p"], rows, "    ")


def _service(f: ServiceFit, result: FitResult, unit: str) -> list[str]:
    c = f.counts
    out = [f"== {shown(f.name, 60)} [{f.id}]"]
    out += _wrap(
        f"Visits: {c.get('completed', 0):,} completed, {c.get('abandoned', 0):,} gave up, "
        f"{c.get('turned_away', 0):,} turned away; at the end of the log "
        f"{c.get('waiting', 0):,} waiting and {c.get('serving', 0):,} in service."
    )
    st = f.service_time
    if st is None:
        out.append("  Service time: no completed visit to fit; set to 0 — enter it by hand.")
    else:
        fitted = f"fitted on a fixed random {st.fitted_on:,}" if st.fitted_on < st.n else "all fitted"
        out.append(f"  Service time ({st.n:,} durations, {fitted}; mean {_g(st.mean)}, sd {_g(st.sd)}):")
        out += _candidates(st, st.chosen, censored=False)
        out += _wrap(f"Chosen: {st.chosen.family}. {st.explanation}", "    ")
    p = f.patience
    if p is None:
        out.append("  Patience: nobody gave up, so none is set (people wait as long as it takes).")
    else:
        out.append("  Patience (censored maximum likelihood; no KS test for censored data):")
        out += _candidates(p, p.chosen, censored=True)
        out += _wrap(f"Chosen: {p.chosen.family}. {p.explanation} {' '.join(p.notes)}", "    ")
        if f.abandon_note:
            out += _wrap(f"After giving up: {f.abandon_note}.", "    ")
    if f.capacity is None:
        out += _wrap(
            "Capacity: unlimited — SUGGESTED: nobody waited here, so the log shows no limit; "
            "enter the real capacity if there is one."
        )
    else:
        out += _wrap(
            f"Capacity: {f.capacity} — SUGGESTED, the most people in service at once in the "
            "log; confirm it (a service that was never full had more)."
        )
    if f.completed:
        parts = [f"{shown(result.names[to], 30)} {n / f.completed:.1%} ({n:,})" for to, n in f.routes]
        gone = f.completed - sum(n for _, n in f.routes)
        parts.append(f"leave {gone / f.completed:.1%} ({gone:,})")
        out += _wrap(f"Routes after service (each person's next visit): {', '.join(parts)}.")
    if f.observed:
        figs = [
            f"{label.format(unit=unit)} {_g(f.observed[k]) if k != 'utilisation' else format(f.observed[k], '.1%')}"
            for k, label in _FIGURES if k in f.observed
        ]
        period = "the log" if result.window >= result.log.length else (
            f"the last {result.window:,.4g} {unit}s of the log"
        )
        out += _wrap(f"Observed over {period} ({unit}s): {', '.join(figs)}.")
    return out
