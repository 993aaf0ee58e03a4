"""Static charts with matplotlib (no pyplot, no Qt: a bare ``Figure`` drawn by the Agg/SVG
backends), each with a caption, a text alternative and its data as a table.

Colours are the app's colour-blind-safe palette; every series also differs by marker or line
style and is named in a legend, so colour is never the only signal.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a GUI backend, whatever the environment asks for

from matplotlib.figure import Figure  # noqa: E402

from ..palette_data import OKABE_ITO, VARIANT_COLOURS  # noqa: E402
from .words import fmt_number  # noqa: E402

MARKERS = ("s", "o", "D", "^", "v", "P", "X")
LINESTYLES = ("--", "-", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), "-")
BETTER, WORSE, UNCLEAR = OKABE_ITO[2][1], OKABE_ITO[3][1], "#6E6E6E"
BASE_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "mission-desktop",  # the same figure gives the same SVG
    "svg.fonttype": "path",
}


@dataclass
class Chart:
    key: str
    caption: str
    alt: str
    figure: Figure
    columns: list[str]
    rows: list[list[str]]


def plain(text: str) -> str:
    """Text for matplotlib exactly as written: a '$' in a name never starts mathtext."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def svg(chart: Chart, *, text_as_paths: bool = False) -> str:
    """The chart as an SVG document (text as real text unless ``text_as_paths``)."""
    buf = io.StringIO()
    with matplotlib.rc_context({**BASE_RC, "svg.fonttype": "path" if text_as_paths else "none"}):
        chart.figure.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def png(chart: Chart, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    with matplotlib.rc_context(BASE_RC):
        chart.figure.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(BASE_RC):
        return Figure(figsize=(width, height), layout="constrained")


def _style(i: int, is_baseline: bool) -> dict[str, Any]:
    if is_baseline:
        return {"color": VARIANT_COLOURS[0], "linestyle": "--", "marker": MARKERS[0]}
    k = 1 + (i - 1) % (len(VARIANT_COLOURS) - 1)
    return {"color": VARIANT_COLOURS[k], "linestyle": LINESTYLES[k % len(LINESTYLES)],
            "marker": MARKERS[k % len(MARKERS)]}


# --------------------------------------------------------------------------- forest plot


def forest_chart(ctx: dict[str, Any]) -> Chart | None:
    forest = ctx["forest"]
    panels = forest["variants"]
    if not panels:
        return None
    services = [r["service"] for r in panels[0]["rows"]]
    with matplotlib.rc_context(BASE_RC):
        fig = _figure(min(2.6 * len(panels) + 2.2, 10.5), 0.42 * len(services) + 1.6)
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        ys = list(range(len(services)))[::-1]
        shown: set[str] = set()
        for ax, panel in zip(axes, panels, strict=True):
            ax.axvline(0, color="#000000", linewidth=1.2, zorder=1)
            for y, row in zip(ys, panel["rows"], strict=True):
                if row["mean"] is None:
                    continue
                word = row["verdict"]
                colour, marker, label = {
                    "better": (BETTER, "v", "better (95% CI excludes 0)"),
                    "worse": (WORSE, "^", "worse (95% CI excludes 0)"),
                }.get(word, (UNCLEAR, "o", "no clear difference"))
                ax.errorbar(
                    row["mean"], y,
                    xerr=[[row["mean"] - row["low"]], [row["high"] - row["mean"]]],
                    fmt=marker, color=colour, ecolor=colour, capsize=3, markersize=6,
                    label=None if label in shown else label, zorder=2,
                )
                shown.add(label)
            ax.set_title(plain(panel["name"]), loc="left", wrap=True)
            ax.set_xlabel(plain(f"difference in {forest['label'].lower()}"))
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        axes[0].set_yticks(ys, [plain(s) for s in services])
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
    rows = [
        [panel["name"], r["service"], r["text"], r["verdict"]]
        for panel in panels
        for r in panel["rows"]
    ]
    clear = [f"{r[0]}: {r[3]} at {r[1]} ({r[2]})" for r in rows if r[3] in ("better", "worse")]
    alt = (
        f"Forest plot: for each policy variant, the paired difference from the baseline in "
        f"{forest['label'].lower()} at each service, with its 95% confidence interval and a "
        "line at zero. "
        + ("Clear differences: " + "; ".join(clear) + "." if clear
           else "No difference is clear at any service.")
    )
    return Chart(
        "forest",
        f"Difference from baseline in {forest['label'].lower()}, per service, with 95% "
        "confidence intervals (the line marks zero; ▼ better, ▲ worse, ● no clear difference)",
        alt,
        fig,
        ["Variant", "Service", "Difference (95% CI)", "Verdict"],
        rows,
    )


# --------------------------------------------------------------------------- queue over time

TABLE_POINTS = 8


def queue_chart(ctx: dict[str, Any]) -> Chart | None:
    series = ctx["series"]
    if not series or not series["services"]:
        return None
    panels = series["services"]
    n_cols = 2 if len(panels) > 1 else 1
    n_rows = (len(panels) + n_cols - 1) // n_cols
    unit = ctx["title"]["time_unit"]
    variant_index = {v["name"]: i for i, v in enumerate(ctx["variants"])}
    base_name = ctx["baseline"]["name"]
    with matplotlib.rc_context(BASE_RC):
        fig = _figure(9.5, 2.1 * n_rows + 0.9)
        axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        for k, (ax, panel) in enumerate(zip(axes, panels, strict=False)):
            warm = series["warm_up"] or 0
            if warm > 0:
                ax.axvspan(0, warm, color="#BBBBBB", alpha=0.35, hatch="//", linewidth=0,
                           label="warm-up (not counted)" if k == 0 else None)
            for start in series["starts"]:
                if start["time"] > 0:
                    ax.axvline(start["time"], color="#444444", linestyle=":", linewidth=1)
            for line in panel["lines"]:
                i = variant_index.get(line["name"], 0)
                style = _style(i, line["name"] == base_name)
                t = line["time"]
                if line["low"] is not None:
                    lows = [max(v, 0.0) for v in line["low"]]
                    ax.fill_between(t, lows, line["high"], color=style["color"], alpha=0.15,
                                    linewidth=0)
                ax.plot(t, line["mean"], color=style["color"], linestyle=style["linestyle"],
                        marker=style["marker"], markevery=max(len(t) // 6, 1), markersize=4,
                        linewidth=1.3, label=plain(line["name"]) if k == 0 else None)
            ax.set_title(plain(panel["name"]), loc="left", fontsize=9)
            ax.set_ylabel("people waiting")
            ax.set_xlim(left=0)
            ax.set_ylim(bottom=0)
        for ax in axes[max(len(panels) - n_cols, 0):len(panels)]:
            ax.set_xlabel(plain(unit))
        fig.legend(loc="outside lower center", ncols=min(len(panel["lines"]) + 1, 4),
                   frameon=False)
    t0 = panels[0]["lines"][0]["time"]
    picks = sorted({round(j * (len(t0) - 1) / (TABLE_POINTS - 1)) for j in range(TABLE_POINTS)})
    columns = ["Service", "Variant"] + [f"{unit} {fmt_number(t0[j])}" for j in picks]
    rows = []
    peak = (0.0, "", "")
    for panel in panels:
        for line in panel["lines"]:
            values = line["mean"]
            rows.append([panel["name"], line["name"]] + [fmt_number(values[j]) for j in picks])
            top = max(values) if values else 0.0
            if top > peak[0]:
                peak = (top, panel["name"], line["name"])
    starts = ", ".join(f"{s['label']} at {unit} {fmt_number(s['time'])}"
                       for s in series["starts"] if s["time"] > 0)
    alt = (
        f"Queue length over time at each service: the mean over replications for each "
        f"variant, with a shaded 95% band; the warm-up ({unit}s 0 to "
        f"{fmt_number(series['warm_up'] or 0)}) is hatched"
        + (f"; policy starts are dotted lines ({starts})" if starts else "")
        + (f". The longest mean queue is {fmt_number(peak[0])} people at {peak[1]} in "
           f"{peak[2]}." if peak[1] else ".")
    )
    return Chart(
        "queues",
        "Mean queue length over time (people waiting), with 95% bands; warm-up hatched, "
        "policy starts dotted",
        alt,
        fig,
        columns,
        rows,
    )


# --------------------------------------------------------------------------- costs


def cost_chart(ctx: dict[str, Any]) -> Chart | None:
    costs = ctx["costs"]
    total = [(c["variant"], c["parts"][0]) for c in costs if c["parts"][0]["mean"] is not None]
    if not total:
        return None
    with matplotlib.rc_context(BASE_RC):
        fig = _figure(7.5, 0.45 * len(total) + 1.3)
        ax = fig.subplots()
        ys = list(range(len(total)))[::-1]
        for i, (y, (name, cell)) in enumerate(zip(ys, total, strict=True)):
            style = _style(i, name == ctx["baseline"]["name"])
            ax.barh(y, cell["mean"] / 1e6, color=style["color"], alpha=0.85,
                    hatch="//" if name == ctx["baseline"]["name"] else None,
                    edgecolor="#000000", linewidth=0.6)
            ax.errorbar(cell["mean"] / 1e6, y,
                        xerr=[[(cell["mean"] - cell["low"]) / 1e6],
                              [(cell["high"] - cell["mean"]) / 1e6]],
                        fmt="none", ecolor="#000000", capsize=3)
            ax.text(cell["mean"] / 1e6, y, "  " + plain(cell["text"].split(" (")[0]),
                    va="center", fontsize=8)
        ax.set_yticks(ys, [plain(n) for n, _ in total])
        ax.set_xlabel("total cost over the window (£ million)")
        ax.margins(x=0.25)
    alt = "Total cost per variant: " + "; ".join(f"{n} {c['text']}" for n, c in total) + "."
    return Chart(
        "costs",
        "Total cost over the window per variant, with 95% confidence intervals",
        alt,
        fig,
        ["Variant", "Total cost (95% CI)"],
        [[n, c["text"]] for n, c in total],
    )
