"""Where the service map puts things, as plain data (no Qt): shared by the app's map and the
report's drawing of it, so both show the same map.

Positions are node centres, as saved in ``scenario.ui["layout"]``.
"""

from __future__ import annotations

import math
from collections import deque

#: a service node's size on the map (scene units)
NODE_W, NODE_H = 220.0, 96.0
#: the automatic layout's column and row spacing
LAYER_DX, ROW_DY = 330.0, 200.0


def format_probability(p: float) -> str:
    """A route's probability for a label: '80%', '0.5%', '99.5%' — never '0%' when p > 0."""
    if p <= 0:
        return "0%"
    if p >= 1:
        return "100%"
    pct = p * 100
    if pct < 0.1:
        return "<0.1%"
    if pct < 1 or pct > 99:
        text = f"{pct:.1f}".rstrip("0").rstrip(".")
        return ("99.9" if text == "100" else text) + "%"
    return f"{pct:.0f}%"


#: room between neighbouring nodes for an arrow and its label
NODE_GAP = 70.0


def layout_spread(positions: list[tuple[float, float]], node_height: float) -> float:
    """How much to spread a saved layout so no two nodes overlap or touch (1 = as saved).

    Layouts saved with smaller nodes (or by hand, tightly) keep their shape, only larger."""
    need = 1.0
    for i, (x1, y1) in enumerate(positions):
        for x2, y2 in positions[i + 1 :]:
            dx, dy = abs(x1 - x2), abs(y1 - y2)
            if dx == 0 and dy == 0:
                continue
            pair = min(
                (NODE_W + NODE_GAP) / dx if dx else math.inf,
                (node_height + NODE_GAP) / dy if dy else math.inf,
            )
            need = max(need, pair)
    return min(need, 3.0)


def vertical_spread(positions: list[tuple[float, float]], node_height: float) -> float:
    """How much to stretch a layout *downwards only* so nodes of ``node_height`` that share
    a column never touch (1 = as it is). Larger text makes nodes taller, not wider: the
    map keeps its width, so when fitted to a wide screen its text really is larger."""
    need = 1.0
    for i, (x1, y1) in enumerate(positions):
        for x2, y2 in positions[i + 1 :]:
            dx, dy = abs(x1 - x2), abs(y1 - y2)
            if dx < NODE_W + NODE_GAP and dy:
                need = max(need, (node_height + NODE_GAP) / dy)
    return min(need, 3.0)


def auto_layout(scenario) -> dict[str, list[float]]:
    """Layered left to right by breadth-first search from the cohorts' entry services."""
    ids = [s.id for s in scenario.services]
    edges: dict[str, list[str]] = {sid: [] for sid in ids}
    for s in scenario.services:
        for r in s.routes:
            if r.to in edges and r.to not in edges[s.id]:
                edges[s.id].append(r.to)
        if s.abandon_to in edges and s.abandon_to not in edges[s.id]:
            edges[s.id].append(s.abandon_to)
    for c in scenario.cohorts:
        for sid, routes in c.routes.items():
            for r in routes:
                if sid in edges and r.to in edges and r.to not in edges[sid]:
                    edges[sid].append(r.to)
    layer: dict[str, int] = {}
    queue: deque[str] = deque()
    for c in scenario.cohorts:
        for r in c.entry_routes():
            if r.to in edges and r.to not in layer:
                layer[r.to] = 0
                queue.append(r.to)
    while queue:
        sid = queue.popleft()
        for nxt in edges[sid]:
            if nxt not in layer:
                layer[nxt] = layer[sid] + 1
                queue.append(nxt)
    last = max(layer.values(), default=-1) + 1
    for sid in ids:  # services nobody reaches go in a column of their own
        layer.setdefault(sid, last)
    columns: dict[int, list[str]] = {}
    for sid in ids:
        columns.setdefault(layer[sid], []).append(sid)
    out: dict[str, list[float]] = {}
    for col, members in columns.items():
        top = -(len(members) - 1) * ROW_DY / 2
        for i, sid in enumerate(members):
            out[sid] = [col * LAYER_DX, top + i * ROW_DY]
    return out


def saved_layout(scenario) -> dict[str, tuple[float, float]]:
    """The scenario's saved positions (``ui.layout``), keeping only well-formed ones."""
    layout = (scenario.ui or {}).get("layout") or {}
    if not isinstance(layout, dict):
        return {}
    return {
        sid: (float(pos[0]), float(pos[1]))
        for sid, pos in layout.items()
        if isinstance(pos, list | tuple)
        and len(pos) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos)
        and all(math.isfinite(v) for v in pos)
    }


def map_positions(scenario, node_height: float = NODE_H) -> dict[str, tuple[float, float]]:
    """Every service's centre as the app's map places it: the saved layout (spread so no two
    nodes touch), else the automatic layered layout."""
    saved = saved_layout(scenario)
    automatic = auto_layout(scenario)
    spread = layout_spread([saved[s.id] for s in scenario.services if s.id in saved], node_height)
    out: dict[str, tuple[float, float]] = {}
    for s in scenario.services:
        if s.id in saved:
            x, y = saved[s.id]
            out[s.id] = (x * spread, y * spread)
        else:
            out[s.id] = (automatic[s.id][0], automatic[s.id][1])
    return out
