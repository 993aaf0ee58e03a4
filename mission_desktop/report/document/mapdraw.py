"""The service map for reports: the app's map (same positions, department colours, route
labels) drawn with matplotlib, without a window.
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from ...model.scenario import Scenario
from ..map_layout import NODE_H, NODE_W, format_probability, map_positions
from ..palette_data import NEUTRAL, department_colours, text_colour_on
from .charts import BASE_RC, Chart, _figure, plain

COHORT_W, COHORT_H = 200.0, 40.0
HEADER_H = 34.0


def map_chart(scenario: Scenario) -> Chart:
    pos = map_positions(scenario)
    colours = department_colours(s.department for s in scenario.services)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    left = min(xs) - NODE_W / 2 - 330
    right = max(xs) + NODE_W / 2 + 30
    top = min(ys) - NODE_H / 2 - 40
    bottom = max(ys) + NODE_H / 2 + 40
    width_in = min(10.0, (right - left) / 120)
    height_in = width_in * (bottom - top) / (right - left)
    edges: list[list[str]] = []
    with matplotlib.rc_context(BASE_RC):
        fig = _figure(width_in, height_in + 0.6)
        ax = fig.subplots()
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)  # screen coordinates: y grows downwards, as on the map
        ax.set_aspect("equal")
        ax.axis("off")
        patches: dict[str, Any] = {}
        for s in scenario.services:
            x, y = pos[s.id]
            colour = colours.get(s.department, NEUTRAL)
            body = FancyBboxPatch((x - NODE_W / 2, y - NODE_H / 2), NODE_W, NODE_H,
                                  boxstyle="round,pad=0,rounding_size=8", facecolor="white",
                                  edgecolor=colour, linewidth=2, zorder=3)
            ax.add_patch(body)
            ax.add_patch(Rectangle((x - NODE_W / 2, y - NODE_H / 2), NODE_W, HEADER_H,
                                   facecolor=colour, edgecolor=colour, zorder=4))
            name = "\n".join(textwrap.wrap(s.name, 30)[:2])
            ax.text(x, y - NODE_H / 2 + HEADER_H / 2, plain(name), ha="center", va="center",
                    fontsize=6.5, fontweight="bold", color=text_colour_on(colour), zorder=5)
            cap = "unlimited" if s.capacity is None else f"capacity {s.capacity}"
            lines = [cap]
            if s.queue_limit is not None:
                lines.append(f"queue limit {s.queue_limit}")
            if s.department:
                lines.append(s.department)
            ax.text(x, y + HEADER_H / 2, plain("\n".join(lines)), ha="center", va="center",
                    fontsize=6, color="#111111", zorder=5)
            patches[s.id] = body
        names = {s.id: s.name for s in scenario.services}
        pairs = {(s.id, r.to) for s in scenario.services for r in s.routes}

        def arrow(a, b, label, *, dashed=False, start=None, bend=0.0):
            xa, ya = start if start is not None else pos[a]
            xb, yb = pos[b]
            patch = FancyArrowPatch(
                (xa, ya), (xb, yb), arrowstyle="-|>", mutation_scale=10,
                connectionstyle=f"arc3,rad={bend}", color="#333333", linewidth=1,
                linestyle="--" if dashed else "-", patchA=patches.get(a),
                patchB=patches.get(b), shrinkA=2, shrinkB=2, zorder=2,
            )
            ax.add_patch(patch)
            mx, my = (xa + xb) / 2, (ya + yb) / 2
            ax.text(mx, my, plain(label), ha="center", va="center", fontsize=6, zorder=6,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "#999999", "linewidth": 0.5})

        for s in scenario.services:
            for r in s.routes:
                if r.to in pos and r.to != s.id:
                    label = format_probability(r.p)
                    arrow(s.id, r.to, label, bend=0.15 if (r.to, s.id) in pairs else 0.0)
                    edges.append([s.name, names[r.to], label])
            if s.abandon_to in pos and s.abandon_to != s.id:
                arrow(s.id, s.abandon_to, "gave up", dashed=True)
                edges.append([s.name, names[s.abandon_to], "people who give up"])
        for c in scenario.cohorts:
            for sid, routes in c.routes.items():
                for r in routes:
                    if sid in pos and r.to in pos and (sid, r.to) not in pairs and sid != r.to:
                        arrow(sid, r.to, format_probability(r.p) + "*", dashed=True)
                        edges.append([names[sid], names[r.to],
                                      f"{format_probability(r.p)} ({c.name} only)"])
        # cohorts at the left, each with its entry split
        cx = min(xs) - NODE_W / 2 - 150 - COHORT_W / 2
        n = len(scenario.cohorts)
        mid = (min(ys) + max(ys)) / 2
        for i, c in enumerate(scenario.cohorts):
            cy = mid + (i - (n - 1) / 2) * (COHORT_H + 30)
            ax.add_patch(FancyBboxPatch((cx - COHORT_W / 2, cy - COHORT_H / 2), COHORT_W,
                                        COHORT_H, boxstyle="round,pad=0,rounding_size=18",
                                        facecolor="#F3F6FA", edgecolor="#1D3557",
                                        linewidth=1, zorder=3))
            ax.text(cx, cy, plain("\n".join(textwrap.wrap(c.name, 30)[:2])), ha="center",
                    va="center", fontsize=6, zorder=5)
            for r in c.entry_routes():
                if r.to in pos:
                    arrow("", r.to, format_probability(r.p), start=(cx + COHORT_W / 2, cy))
                    edges.append([f"{c.name} (arrivals)", names[r.to], format_probability(r.p)])
        handles = [Rectangle((0, 0), 1, 1, facecolor=col, edgecolor=col)
                   for dep, col in colours.items()]
        labels = [plain(dep or "no department") for dep in colours]
        if any(s.department for s in scenario.services):
            fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
                       frameon=False, title="Departments (also written on each service)")
    alt = (
        f"Service map of {len(scenario.services)} services and {len(scenario.cohorts)} "
        "cohorts: each service is a box coloured by department with its name and capacity; "
        "arrows show the share of people going from one service to the next (listed in the "
        "table)."
    )
    return Chart(
        "map",
        "The service map: services by department, routes with their shares, cohorts' entry "
        "points (* a route for one cohort only; dashed: giving up or a cohort's own route)",
        alt,
        fig,
        ["From", "To", "Share"],
        edges,
    )
