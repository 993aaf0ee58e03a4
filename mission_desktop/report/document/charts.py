"""Static charts with matplotlib (no pyplot, no Qt: a bare ``Figure`` drawn by the Agg/SVG
backends), each with a caption, a text alternative and its data as a table.

Colours are the app's colour-blind-safe palette; every series also differs by marker or line
style and is named in a legend, so colour is never the only signal.
"""

from __future__ import annotations

import io
import re
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


_PATH_DATA = re.compile(r' d="([^"]*)"')
_DECIMALS = re.compile(r"(-?\d+\.\d)\d+")


def _short_paths(svg_text: str) -> str:
    """Path coordinates to 0.1 pt (0.035 mm; matplotlib writes six decimals): a third of the
    size, the same drawing."""
    return _PATH_DATA.sub(lambda m: ' d="' + _DECIMALS.sub(r"\1", m.group(1)) + '"', svg_text)


def svg(chart: Chart, *, text_as_paths: bool = False) -> str:
    """The chart as an SVG document (text as real text unless ``text_as_paths``)."""
    buf = io.StringIO()
    with matplotlib.rc_context({**BASE_RC, "svg.fonttype": "path" if text_as_paths else "none"}):
        chart.figure.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return _short_paths(text[text.index("<svg"):])


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
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        axes[0].set_yticks(ys, [plain(s) for s in services])
        # one label under every panel: a label per panel runs into its neighbours'
        fig.supxlabel(plain(f"difference from baseline in {forest['label'].lower()}"),
                      fontsize=9)
        fig.legend(loc="outside upper center", ncols=3, frameon=False)  # the label is below
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
#: at most this many points per curve are drawn (the table summarises them all)
MAX_CURVE_POINTS = 400


def thin(values: list[float], max_points: int = MAX_CURVE_POINTS) -> list[float]:
    """Every k-th value (the first and the last always kept) so at most ``max_points``
    remain: the curve's shape at print resolution without a megabyte of SVG."""
    n = len(values)
    if n <= max_points:
        return list(values)
    step = -(-(n - 1) // (max_points - 1))
    picks = list(range(0, n, step))
    if picks[-1] != n - 1:
        picks.append(n - 1)
    return [values[i] for i in picks]


def _hatch(ax: Any, x0: float, x1: float, spacing: float, slope: float) -> None:
    """Diagonal lines over ``x0..x1`` (x in data units, y the axes' full height), drawn as
    plain line segments: every format shows them (fpdf2 drops SVG hatch patterns)."""
    from matplotlib.collections import LineCollection

    segments = []
    a = x0 - slope  # lines x = a + slope * y for y in 0..1, every ``spacing``
    while a < x1:
        lo = max(0.0, (x0 - a) / slope)
        hi = min(1.0, (x1 - a) / slope)
        if hi > lo:
            segments.append([(a + slope * lo, lo), (a + slope * hi, hi)])
        a += spacing
    ax.add_collection(LineCollection(segments, colors="#777777", linewidths=0.5,
                                     transform=ax.get_xaxis_transform(), zorder=0.5))


def period_means(time: list[float], values: list[float], edges: list[float]) -> list[float | None]:
    """The mean of ``values`` over each period ``edges[i]..edges[i+1]`` (the last one
    closed), over the points that fall in it."""
    out: list[float | None] = []
    for i in range(len(edges) - 1):
        last = i == len(edges) - 2
        picked = [v for t, v in zip(time, values, strict=False)
                  if edges[i] <= t and (t < edges[i + 1] or (last and t <= edges[i + 1]))]
        out.append(sum(picked) / len(picked) if picked else None)
    return out


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
        horizon = max((line["time"][-1] for p in panels for line in p["lines"] if line["time"]),
                      default=1.0)
        for k, (ax, panel) in enumerate(zip(axes, panels, strict=False)):
            warm = series["warm_up"] or 0
            if warm > 0:
                ax.axvspan(0, warm, color="#BBBBBB", alpha=0.35, linewidth=0,
                           label="warm-up (not counted)" if k == 0 else None)
                _hatch(ax, 0, warm, spacing=horizon / 60, slope=horizon / 12)
            for start in series["starts"]:
                if start["time"] > 0:
                    ax.axvline(start["time"], color="#444444", linestyle=":", linewidth=1)
            banded: list[tuple[list[float], list[float]]] = []
            for line in panel["lines"]:
                i = variant_index.get(line["name"], 0)
                style = _style(i, line["name"] == base_name)
                t = thin(line["time"])
                band = (line["low"], line["high"])
                # a variant that leaves this service as it was (common random numbers) has
                # the very same band: drawn once, not darkened by stacking
                if line["low"] is not None and band not in banded:
                    banded.append(band)
                    lows = [max(v, 0.0) for v in thin(line["low"])]
                    ax.fill_between(t, lows, thin(line["high"]), color=style["color"],
                                    alpha=0.15, linewidth=0)
                # markers staggered per variant, so curves that coincide still show each one
                every = max(len(t) // 6, 1)
                start = (i * every // max(len(panel["lines"]), 1)) % every
                ax.plot(t, thin(line["mean"]), color=style["color"], linestyle=style["linestyle"],
                        marker=style["marker"], markevery=(start, every), markersize=4,
                        linewidth=1.3, label=plain(line["name"]) if k == 0 else None)
            ax.set_title(plain(panel["name"]), loc="left", fontsize=9)
            ax.set_ylabel("people waiting")
            ax.set_xlim(left=0)
            ax.set_ylim(bottom=0)
        for ax in axes[max(len(panels) - n_cols, 0):len(panels)]:
            ax.set_xlabel(plain(unit))
        fig.legend(loc="outside lower center", ncols=min(len(panel["lines"]) + 1, 4),
                   frameon=False)
    # the table summarises every point: the mean queue over each of TABLE_POINTS periods
    edges = [horizon * j / TABLE_POINTS for j in range(TABLE_POINTS + 1)]
    units = ctx["title"]["units"]
    columns = ["Service", "Variant"] + [
        f"{units} {round(edges[j])}–{round(edges[j + 1])}"
        for j in range(TABLE_POINTS)
    ]
    rows = []
    peak = (0.0, "", "")
    for panel in panels:
        for line in panel["lines"]:
            values = line["mean"]
            rows.append([panel["name"], line["name"]] + [
                fmt_number(m) for m in period_means(line["time"], values, edges)
            ])
            top = max(values) if values else 0.0
            if top > peak[0]:
                peak = (top, panel["name"], line["name"])
    starts = ", ".join(f"{s['label']} at {unit} {fmt_number(s['time'])}"
                       for s in series["starts"] if s["time"] > 0)
    alt = (
        f"Queue length over time at each service: the mean over replications for each "
        f"variant, with a shaded 95% band; the warm-up ({unit}s 0 to "
        f"{fmt_number(series['warm_up'] or 0)}) is shaded grey with diagonal lines"
        + (f"; policy starts are dotted lines ({starts})" if starts else "")
        + (f". The longest mean queue is {fmt_number(peak[0])} people at {peak[1]} in "
           f"{peak[2]}." if peak[1] else ".")
    )
    return Chart(
        "queues",
        "Mean queue length over time (people waiting), with 95% bands; warm-up hatched, "
        "policy starts dotted (the table: the mean over each period)",
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
