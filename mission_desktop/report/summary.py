"""In words: which way each figure is better, the better/worse verdict on a paired difference,
and the "where did the pressure go?" summary — one wording for the app, the command line and
the report. No Qt.

A difference is called "better" or "worse" only where its 95% confidence interval excludes
zero; otherwise it is "no clear difference". Lower is better for waits, queues, backlog and
cost; higher is better for the share within target and the chance of meeting it; utilisation
and throughput are neutral ("higher" or "lower", never better/worse).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .format import MINUS, format_signed, money, number, plural_unit, signed

#: which way is better for a difference (−1: lower is better, +1: higher, 0: neither)
BETTER: dict[str, int] = {
    "mean_wait": -1,
    "p90_wait": -1,
    "mean_time_in_system": -1,
    "mean_queue_length": -1,
    "utilisation": 0,
    "throughput": 0,
    "abandoned": -1,
    "turned_away": -1,
    "mean_blocked_time": -1,
    "backlog_at_end": -1,
    "share_within_target": 1,
    "mean_journey_time": -1,
    "completed": 1,
    "total": -1,
    "staff_and_capacity": -1,
    "per_case": -1,
    "policies": -1,
    "p_target_met": 1,
    "policy_cost": -1,
    "waiting": -1,
}


def verdict(metric: str, fig: dict[str, Any] | None, sense: int | None = None) -> str:
    """For a paired difference: 'better', 'worse', 'higher', 'lower' where the CI excludes 0,
    else 'no clear difference'. ``sense`` overrides :data:`BETTER`'s direction."""
    if fig is None:
        return "n/a"
    lo, hi = fig["ci95"]
    if lo <= 0 <= hi:
        return "no clear difference"
    up = lo > 0
    if sense is None:  # a gap between cohorts (…_vs_all) is neither better nor worse
        sense = BETTER.get(metric, 0)
    if sense == 0:
        return "higher" if up else "lower"
    return "better" if (up and sense > 0) or (not up and sense < 0) else "worse"


LOWER_IS_BETTER, HIGHER_IS_BETTER, NEUTRAL_DIRECTION = "lower", "higher", "neutral"
_DIRECTION = {-1: LOWER_IS_BETTER, 1: HIGHER_IS_BETTER, 0: NEUTRAL_DIRECTION}


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    kind: str  # "time", "people", "share"
    direction: str
    #: how the summary names it ("mean wait −0.14 days")
    short: str = ""


def _metric(key: str, label: str, kind: str, short: str) -> Metric:
    return Metric(key, label, kind, _DIRECTION[BETTER[key]], short)


METRICS: tuple[Metric, ...] = (
    _metric("mean_wait", "Mean wait", "time", "mean wait"),
    _metric("p90_wait", "90th percentile wait", "time", "90th percentile wait"),
    _metric("mean_queue_length", "Queue (average waiting)", "people", "queue"),
    _metric("utilisation", "Utilisation", "share", "utilisation"),
    _metric("backlog_at_end", "Backlog at end", "people", "backlog at end"),
    _metric("share_within_target", "Share within target", "share", "within target"),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}

BETTER_COLOUR = "#00664A"  # dark bluish green: readable as text
WORSE_COLOUR = "#A33A00"  # dark vermillion
UNCLEAR_COLOUR = "#555555"


def baseline_id(variant_ids: Iterable[str]) -> str | None:
    ids = list(variant_ids)
    if "baseline" in ids:
        return "baseline"
    return ids[0] if ids else None


@dataclass(frozen=True, slots=True)
class Judgement:
    #: "better", "worse", "higher", "lower" or "no clear difference" (or "—" if unknown)
    word: str
    #: "▲" (variant higher), "▼" (variant lower) or "" (no clear difference)
    arrow: str
    #: arrow, word and size, e.g. "▼ better (−0.80 days)"
    text: str
    colour: str
    #: the signed size of the difference, e.g. "−0.80 days" ('' when unclear)
    amount: str = ""


def judge_difference(metric_key: str, difference: dict | None, time_unit: str = "day") -> Judgement:
    """Better / worse only where the 95% CI of (variant − baseline) excludes zero
    (:func:`verdict`), with an arrow, the size in words and a colour."""
    metric = METRIC_BY_KEY.get(metric_key, Metric(metric_key, metric_key, "", NEUTRAL_DIRECTION))
    if not difference or difference.get("mean") is None:
        return Judgement("—", "", "—", UNCLEAR_COLOUR)
    mean = float(difference["mean"])
    ci = difference.get("ci95") or [mean, mean]
    sense = {LOWER_IS_BETTER: -1, HIGHER_IS_BETTER: 1}.get(metric.direction, 0)
    word = verdict(metric_key, {"mean": mean, "ci95": ci}, sense)
    if word == "no clear difference" or mean == 0:
        return Judgement("no clear difference", "", "no clear difference", UNCLEAR_COLOUR)
    arrow = "▲" if mean > 0 else "▼"
    amount = format_signed(mean, metric.kind, time_unit)
    colour = {"better": BETTER_COLOUR, "worse": WORSE_COLOUR}.get(word, UNCLEAR_COLOUR)
    return Judgement(word, arrow, f"{arrow} {word} ({amount})", colour, amount)


# ---------------------------------------------------------------------- the summary


@dataclass(slots=True)
class VariantSummary:
    """Where one policy variant is clearly better and clearly worse than the baseline."""

    variant_id: str
    name: str
    #: (service id, service name, e.g. "mean wait −0.14 days")
    better: list[tuple[str, str, str]] = field(default_factory=list)
    worse: list[tuple[str, str, str]] = field(default_factory=list)
    #: its costs in words (:func:`cost_words`), e.g. "costs £925k more; …" ('' without costs)
    costs: str = ""

    def text(self) -> str:
        """The sentence, then the costs: 'Discharge to assess: better at …. It costs …'."""
        return self.sentence() + (f" It {self.costs}." if self.costs else "")

    def sentence(self) -> str:
        """'Discharge to assess: better at Acute hospital beds (mean wait −0.14 days); worse
        at Reablement (mean wait +1.03 days).'"""
        parts = []
        if self.better:
            parts.append("better at " + ", ".join(f"{n} ({d})" for _, n, d in self.better))
        if self.worse:
            parts.append("worse at " + ", ".join(f"{n} ({d})" for _, n, d in self.worse))
        if not parts:
            return f"{self.name}: no clear difference at any service."
        return f"{self.name}: " + "; ".join(parts) + "."


def summarise(
    results: dict,
    service_names: dict[str, str] | None = None,
    variant_names: dict[str, str] | None = None,
    time_unit: str = "day",
    service_order: list[str] | None = None,
    policy_names: dict[str, str] | None = None,
) -> list[VariantSummary]:
    """For each non-baseline variant: the services where it is clearly better or worse.

    A service is listed under "better" with its first clearly better figure (mean wait
    first, then the 90th percentile wait, queue, backlog, share within target), and under
    "worse" with its first clearly worse one — so a service can appear in both. Its costs in
    words (:func:`cost_words`) go in ``costs``; policy names default to ``results["names"]``."""
    service_names = service_names or {}
    variant_names = variant_names or {}
    variants = list((results.get("variants") or {}).keys())
    base = baseline_id(variants)
    comparisons = results.get("comparisons") or {}
    directional = [m for m in METRICS if m.direction != NEUTRAL_DIRECTION]
    out = []
    for vid in variants:
        if vid == base:
            continue
        summary = VariantSummary(vid, variant_names.get(vid, vid))
        services = (comparisons.get(vid) or {}).get("services") or {}
        sids = list(services)
        if service_order:
            order = {s: i for i, s in enumerate(service_order)}
            sids.sort(key=lambda s: order.get(s, len(order)))
        for sid in sids:
            found: dict[str, str] = {}
            for m in directional:
                j = judge_difference(m.key, (services.get(sid) or {}).get(m.key), time_unit)
                if j.word in ("better", "worse") and j.word not in found:
                    found[j.word] = f"{m.short} {j.amount}"
            name = service_names.get(sid, sid)
            if "better" in found:
                summary.better.append((sid, name, found["better"]))
            if "worse" in found:
                summary.worse.append((sid, name, found["worse"]))
        summary.costs = cost_words(results, vid, time_unit, policy_names)
        out.append(summary)
    return out


# ---------------------------------------------------------------------- costs in words


def _interval(lo_text: str, hi_text: str) -> str:
    """' (95% CI a to b)', or '' when both ends read the same (an exact figure)."""
    return "" if lo_text == hi_text else f" (95% CI {lo_text} to {hi_text})"


def _ends(fig: dict[str, Any]) -> tuple[float, float, float]:
    mean = float(fig["mean"])
    lo, hi = fig.get("ci95") or [mean, mean]
    return mean, float(lo), float(hi)


def cost_difference_words(difference: dict | None) -> str:
    """The paired difference in total cost from the baseline: 'costs £925k more', 'costs
    £0.3m less (95% CI £0.1m to £0.5m)', or 'costs about the same (no clear difference; 95%
    CI −£10k to +£20k)' where the interval includes zero ('' without a figure). It always
    starts with 'costs', so it follows a variant's name or 'It'."""
    if not difference or difference.get("mean") is None:
        return ""
    mean, lo, hi = _ends(difference)
    if mean == 0 or verdict("total", {"mean": mean, "ci95": [lo, hi]}) == "no clear difference":
        lo_text, hi_text = (money(v, minus=MINUS, sign=True) for v in (lo, hi))
        if lo_text == hi_text:
            return "costs the same"
        return f"costs about the same (no clear difference; 95% CI {lo_text} to {hi_text})"
    a, b = sorted((abs(lo), abs(hi)))
    more = "more" if mean > 0 else "less"
    return f"costs {money(abs(mean))} {more}" + _interval(money(a), money(b))


def waiting_difference_words(difference: dict | None, time_unit: str = "day") -> str:
    """The paired difference in person-time spent waiting: 'waiting falls by 1,606 person-days
    (95% CI 428 to 2,783)', '… rises by …', or 'no clear change in waiting (95% CI …)'."""
    if not difference or difference.get("mean") is None:
        return ""
    mean, lo, hi = _ends(difference)
    unit = f"person-{plural_unit(time_unit)}"
    if mean == 0 or verdict("waiting", {"mean": mean, "ci95": [lo, hi]}) == "no clear difference":
        lo_text, hi_text = (signed(v, minus=MINUS, compact=False) for v in (lo, hi))
        return "no clear change in waiting" + _interval(lo_text, f"{hi_text} {unit}")
    a, b = sorted((abs(lo), abs(hi)))
    way = "rises" if mean > 0 else "falls"
    size = number(abs(mean), compact=False)
    ends = (number(v, compact=False) for v in (a, b))
    return f"waiting {way} by {size} {unit}" + _interval(*ends)


def cost_per_waiting_words(ratio: dict | None, time_unit: str = "day") -> str:
    """'£1.4k per day of waiting saved (95% CI £798 to £5.2k)' ('' when the results give no
    ratio: waiting did not clearly fall)."""
    if not ratio or ratio.get("mean") is None:
        return ""
    mean, lo, hi = _ends(ratio)
    ends = (money(v, minus=MINUS) for v in (lo, hi))
    return f"{money(mean, minus=MINUS)} per {time_unit} of waiting saved" + _interval(*ends)


def policy_cost_words(costs: dict | None, policy_names: dict[str, str] | None = None) -> str:
    """Each policy's own cost: 'its policies cost £981k (Discharge to assess £634k, Virtual
    wards £347k)' or 'its policy Discharge to assess costs £634k' ('' without policies)."""
    items = [(p, fig) for p, fig in (costs or {}).items() if fig and fig.get("mean") is not None]
    if not items:
        return ""
    names = policy_names or {}
    if all(float(fig["mean"]) == 0 for _, fig in items):  # e.g. a capacity change: its
        # cost is the staff and capacity it adds, not a cost of the policy itself
        which = "its policy has no cost of its own" if len(items) == 1 else (
            "its policies have no cost of their own"
        )
        return f"{which} (the difference is in staff, capacity and per-case costs)"
    if len(items) == 1:
        pid, fig = items[0]
        return f"its policy {names.get(pid, pid)} costs {money(fig['mean'], minus=MINUS)}"
    total = sum(float(fig["mean"]) for _, fig in items)
    each = ", ".join(f"{names.get(p, p)} {money(f['mean'], minus=MINUS)}" for p, f in items)
    return f"its policies cost {money(total, minus=MINUS)} ({each})"


def cost_words(
    results: dict,
    variant_id: str,
    time_unit: str = "day",
    policy_names: dict[str, str] | None = None,
) -> str:
    """A variant's costs against the baseline in words ('' when it was not compared), the
    parts joined by '; ' (policy names default to ``results["names"]``): 'costs £925k more; its policy Discharge to assess costs £634k;
    waiting falls by 1,606 person-days (95% CI 428 to 2,783); £576 per day of waiting saved
    (95% CI …)'."""
    if policy_names is None:
        policy_names = (results.get("names") or {}).get("policies") or {}
    comparison = (results.get("comparisons") or {}).get(variant_id) or {}
    block = (results.get("variants") or {}).get(variant_id) or {}
    difference = cost_difference_words((comparison.get("cost") or {}).get("total"))
    if not difference:  # not compared with a baseline: nothing to say against it
        return ""
    parts = [
        difference,
        policy_cost_words(block.get("policy_costs"), policy_names),
        waiting_difference_words((comparison.get("waiting") or {}).get("total"), time_unit),
        cost_per_waiting_words(comparison.get("cost_per_waiting_saved"), time_unit),
    ]
    return "; ".join(p for p in parts if p)


def summary_html(summaries: list[VariantSummary], baseline_name: str, font_pt: int) -> str:
    esc = html.escape
    rows = []
    for s in summaries:
        parts = []
        # worse first: where the pressure went is the question the room asks
        if s.worse:
            items = ", ".join(f"{esc(n)} ({esc(d)})" for _, n, d in s.worse)
            parts.append(f"<span style='color:{WORSE_COLOUR}'><b>✖ worse</b></span> at {items}")
        if s.better:
            items = ", ".join(f"{esc(n)} ({esc(d)})" for _, n, d in s.better)
            parts.append(f"<span style='color:{BETTER_COLOUR}'><b>✔ better</b></span> at {items}")
        if not parts:
            parts.append(
                f"<span style='color:{UNCLEAR_COLOUR}'>no clear difference at any service</span>"
            )
        if s.costs:
            parts.append(f"<b>£</b> {esc(s.costs)}")
        rows.append(f"<li><b>{esc(s.name)}</b>:<br>" + "<br>".join(parts) + "</li>")
    return (
        f"<div style='font-size:{font_pt}pt'>"
        f"<div style='font-size:{font_pt + 2}pt'><b>Where did the pressure go?</b></div>"
        f"<div style='color:{UNCLEAR_COLOUR}'>Each policy variant compared with "
        f"{esc(baseline_name)}. Called better or worse only where the 95% confidence "
        "interval of the difference excludes zero.</div>"
        "<ul style='margin-top:4px; margin-left:-20px'>" + "".join(rows) + "</ul></div>"
    )
