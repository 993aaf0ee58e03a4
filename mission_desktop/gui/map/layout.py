"""A first layout for a map nobody has arranged yet: layers by distance from the entry,
spread so that nodes never overlap."""

from __future__ import annotations

import math
from collections import deque

from mission_desktop.gui.map.drawing import LAYER_DX, NODE_W, ROW_DY

NODE_GAP = 70.0


def layout_spread(
    positions: list[tuple[float, float]], node_height: float, node_width: float = NODE_W
) -> float:
    """How much to spread a saved layout so no two nodes overlap or touch (1 = as saved).

    Layouts saved with smaller nodes (or by hand, tightly) keep their shape, only larger."""
    need = 1.0
    for i, (x1, y1) in enumerate(positions):
        for x2, y2 in positions[i + 1 :]:
            dx, dy = abs(x1 - x2), abs(y1 - y2)
            if dx == 0 and dy == 0:
                continue
            pair = min(
                (node_width + NODE_GAP) / dx if dx else math.inf,
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
