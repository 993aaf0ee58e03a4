"""Key figures after a run: a summary of where each policy moved the pressure, then one tile
per service, each figure with its 95% confidence interval.

Each variant's difference from the baseline is called "better" or "worse" (in words, with an
arrow) only where the paired confidence interval excludes zero; otherwise it says "no clear
difference". Lower is better for waits, queues and backlog; higher is better for the share
seen within target; utilisation is neutral (it says "higher" or "lower", never better/worse).

A result's interval is clipped to what the figure can be (a wait is never below zero, a share
never above 100%); a difference's interval is not. Ranges are written "0.00 to 1.46", and
negative numbers with a real minus sign, so a minus is never mistaken for a dash.
"""

from __future__ import annotations

from typing import Any

from mission_desktop.report.format import (  # noqa: F401 - the one formatter, re-exported
    MINUS,
    estimate_parts,
    format_estimate,
    format_interval,
    format_signed,
    format_value,
)
from mission_desktop.report.format import number as _number
from mission_desktop.report.summary import (  # noqa: F401 - the one wording, re-exported
    BETTER_COLOUR,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    METRIC_BY_KEY,
    METRICS,
    NEUTRAL_DIRECTION,
    UNCLEAR_COLOUR,
    WORSE_COLOUR,
    Judgement,
    Metric,
    VariantSummary,
    baseline_id,
    judge_difference,
    summarise,
    summary_html,
)


def format_number(value: float) -> str:
    """'2.10', '12.3', '1,234'; negative with a real minus sign ('−0.14'), never '−0.00'."""
    return _number(value, minus=MINUS, compact=False)

def kpi_rows(results: dict, time_unit: str = "day") -> list[dict[str, Any]]:
    """Flat rows (service, metric, variant, estimate text, difference judgement)."""
    rows: list[dict[str, Any]] = []
    variants = results.get("variants") or {}
    comparisons = results.get("comparisons") or {}
    for vid, vres in variants.items():
        for sid, metrics in (vres.get("services") or {}).items():
            for m in METRICS:
                if m.key not in metrics:
                    continue
                diff = ((comparisons.get(vid) or {}).get("services") or {}).get(sid, {})
                judgement = judge_difference(m.key, diff.get(m.key), time_unit) if diff else None
                rows.append(
                    {
                        "service": sid,
                        "metric": m.key,
                        "variant": vid,
                        "estimate": format_estimate(metrics.get(m.key), m.kind, time_unit, m.key),
                        "difference": judgement,
                    }
                )
    return rows
