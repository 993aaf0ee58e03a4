"""The one place the report takes its wording and number formats from.

TODO(integrator): two modules are being written at the same time as this one:
``mission_desktop/report/format.py`` (one number / duration / money formatter for screen and
reports) and ``mission_desktop/report/summary.py`` (the "where did the pressure go" wording
and better/worse verdicts, moved out of ``mission_desktop/gui/kpi.py``). When they land,
switch the bodies below to call them — nothing else in ``report/document`` formats a figure
or words a verdict, so this is the only file to change. Until then this adapter uses the
existing no-Qt helpers in :mod:`mission_desktop.report.tables` (the report may not import
``gui``), and words the summary the way ``gui/kpi.py`` does: a variant is "better at" a
service with its first clearly better figure (mean wait, 90th percentile wait, queue,
backlog, share within target) and "worse at" one with its first clearly worse figure, only
where the 95% CI of the paired difference excludes zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..tables import PERCENT, fmt_difference, fmt_figure, fmt_number, verdict

__all__ = [
    "PERCENT",
    "VariantSummary",
    "fmt_difference",
    "fmt_figure",
    "fmt_number",
    "money",
    "percent",
    "plural_unit",
    "summarise",
    "verdict",
]

PLURAL_UNITS = {"minute": "minutes", "hour": "hours", "day": "days", "week": "weeks"}

#: the figures the summary looks at, in the order it looks, with how it names them
SUMMARY_METRICS: tuple[tuple[str, str], ...] = (
    ("mean_wait", "mean wait"),
    ("p90_wait", "90th percentile wait"),
    ("mean_queue_length", "queue"),
    ("backlog_at_end", "backlog at end"),
    ("share_within_target", "within target"),
)
TIME_METRICS = {"mean_wait", "p90_wait", "mean_time_in_system", "mean_blocked_time"}


def plural_unit(time_unit: str) -> str:
    return PLURAL_UNITS.get(time_unit, time_unit + "s")


def money(text: str) -> str:
    """'+580,000 (1 to 2)' → '+£580,000 (£1 to £2)'."""
    return re.sub(r"(^|\(|to )([+-]?)(?=\d)", r"\1\2£", text)


def percent(x: float | None) -> str:
    return fmt_number(x, "share_within_target")


def amount(metric: str, fig: dict[str, Any], time_unit: str) -> str:
    """A difference's size with its unit: '−0.14 days', '+12 pp', '+3.1'."""
    text = fmt_difference(fig["mean"], metric)
    if metric in TIME_METRICS:
        text += " " + plural_unit(time_unit)
    return text


@dataclass(slots=True)
class VariantSummary:
    """Where one policy variant is clearly better and clearly worse than the baseline."""

    variant_id: str
    name: str
    #: (service id, service name, e.g. "mean wait −0.14 days")
    better: list[tuple[str, str, str]] = field(default_factory=list)
    worse: list[tuple[str, str, str]] = field(default_factory=list)

    def sentence(self) -> str:
        parts = []
        if self.better:
            parts.append("better at " + ", ".join(f"{n} ({d})" for _, n, d in self.better))
        if self.worse:
            parts.append("worse at " + ", ".join(f"{n} ({d})" for _, n, d in self.worse))
        if not parts:
            return f"{self.name}: no clear difference at any service."
        return f"{self.name}: " + "; ".join(parts) + "."


def summarise(
    results: dict[str, Any],
    service_names: dict[str, str],
    variant_names: dict[str, str],
    time_unit: str,
    service_order: list[str],
    baseline: str | None,
) -> list[VariantSummary]:
    """For each non-baseline variant: the services where it is clearly better or worse."""
    comparisons = results.get("comparisons") or {}
    order = {s: i for i, s in enumerate(service_order)}
    out = []
    for vid in results.get("variants") or {}:
        if vid == baseline:
            continue
        summary = VariantSummary(vid, variant_names.get(vid, vid))
        services = (comparisons.get(vid) or {}).get("services") or {}
        for sid in sorted(services, key=lambda s: order.get(s, len(order))):
            found: dict[str, str] = {}
            for key, short in SUMMARY_METRICS:
                fig = (services.get(sid) or {}).get(key)
                word = verdict(key, fig)
                if word in ("better", "worse") and word not in found:
                    found[word] = f"{short} {amount(key, fig, time_unit)}"
            name = service_names.get(sid, sid)
            if "better" in found:
                summary.better.append((sid, name, found["better"]))
            if "worse" in found:
                summary.worse.append((sid, name, found["worse"]))
        out.append(summary)
    return out
