"""Building the service map's scene from a scenario: a node per service, the cohorts' entry
points, the route arrows with their labels placed so that none overlap, the title and the
legend. A mixin of :class:`~mission_desktop.gui.map.view.ServiceMapView` (which owns the scene
and the text scale)."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF

from mission_desktop.gui.map.drawing import COHORT_W, map_font
from mission_desktop.gui.map.items import CohortNode, RouteEdge, ServiceNode, node_height
from mission_desktop.gui.map.key import MapLegend
from mission_desktop.gui.shared.palette import NEUTRAL, department_colours
from mission_desktop.report.map_layout import (
    NODE_H,
    NODE_W,
    auto_layout,
    format_probability,
    layout_spread,
    saved_layout,
    vertical_spread,
)


class MapBuildingMixin:
    """See the module docstring."""

    @property
    def nodes(self) -> dict[str, ServiceNode]:
        return dict(self._nodes)

    def set_scenario(self, scenario) -> None:
        """Build the map: one node per service, cohort entry points, route arrows."""
        self._building = True
        scene = self.scene()
        scene.clear()
        self._nodes.clear()
        self._cohort_nodes.clear()
        self._edges.clear()
        self._cohort_only: list[tuple[str, str]] = []
        self._scenario = scenario
        self._last_snapshot = None
        colours = department_colours(s.department for s in scenario.services)
        saved = saved_layout(scenario)
        automatic = auto_layout(scenario)
        nodes = {
            s.id: ServiceNode(s, colours.get(s.department, NEUTRAL), self, self._text_scale)
            for s in scenario.services
        }
        tallest = max((n.height for n in nodes.values()), default=NODE_H)
        # a layout saved for smaller nodes is spread out (for display only) so names fit
        normal = max((node_height(s.name) for s in scenario.services), default=NODE_H)
        spread = layout_spread([saved[sid] for sid in nodes if sid in saved], normal)
        places = {
            sid: (saved[sid][0] * spread, saved[sid][1] * spread)
            if sid in saved
            else tuple(automatic[sid])
            for sid in nodes
        }
        # larger text (presentation zoom) makes nodes taller, never wider: the map spreads
        # only as much as they need not to touch, so once fitted its text reads larger
        grow = vertical_spread(list(places.values()), tallest) if self._text_scale != 1 else 1.0
        self._spread = (spread, spread * grow)
        for sid, node in nodes.items():
            x, y = places[sid]
            node.setPos(x, y * grow)
            scene.addItem(node)
            self._nodes[sid] = node
        # routes (a pair of opposite routes bends apart so both labels stay readable)
        pairs: set[tuple[str, str]] = set()
        for s in scenario.services:
            for r in s.routes:
                pairs.add((s.id, r.to))
        # a cohort's own routes: shown on hover, marked "*" on the arrow, never as long labels
        overrides: dict[tuple[str, str], list[str]] = {}
        override_p: dict[tuple[str, str], list[float]] = {}
        for c in scenario.cohorts:
            for sid, routes in c.routes.items():
                for r in routes:
                    if sid in self._nodes and r.to in self._nodes:
                        overrides.setdefault((sid, r.to), []).append(
                            f"{c.name}: {format_probability(r.p)}"
                        )
                        override_p.setdefault((sid, r.to), []).append(r.p)
                        if (sid, r.to) not in pairs and (sid, r.to) not in self._cohort_only:
                            self._cohort_only.append((sid, r.to))
        all_pairs = pairs | set(self._cohort_only)
        for s in scenario.services:
            for r in s.routes:
                if r.to in self._nodes:
                    label = format_probability(r.p)
                    name_to = self._nodes[r.to].service.name
                    tip = f"{s.name} → {name_to}: {label} of people leaving go here"
                    if (s.id, r.to) in overrides:
                        label += "*"
                        tip += "; differs for a cohort — " + "; ".join(overrides[(s.id, r.to)])
                    self._add_edge(s.id, r.to, label, all_pairs, tooltip=tip)
            if s.abandon_to in self._nodes:
                name_to = self._nodes[s.abandon_to].service.name
                self._add_edge(
                    s.id,
                    s.abandon_to,
                    "gave up",
                    all_pairs,
                    dashed=True,
                    tooltip=f"People who give up waiting at {s.name} go to {name_to}",
                )
        for sid, to in self._cohort_only:
            name_from, name_to = self._nodes[sid].service.name, self._nodes[to].service.name
            only = overrides[(sid, to)]
            self._add_edge(
                sid,
                to,
                format_probability(override_p[(sid, to)][0]) + "*"
                if len(only) == 1
                else "cohorts*",
                all_pairs,
                dashed=True,
                tooltip=f"{name_from} → {name_to}, only for one cohort: " + "; ".join(only),
            )
        # cohort entry points, each with labelled arrows (the split) to its entry services
        for c in scenario.cohorts:
            entries = [r for r in c.entry_routes() if r.to in self._nodes]
            split = ", ".join(
                f"{format_probability(r.p)} at {self._nodes[r.to].service.name}" for r in entries
            )
            cnode = CohortNode(c, split, self._text_scale)
            scene.addItem(cnode)
            self._cohort_nodes.append((cnode, [r.to for r in entries]))
            for r in entries:
                edge = RouteEdge(
                    cnode,
                    self._nodes[r.to],
                    format_probability(r.p),
                    tooltip=f"{c.name}: {format_probability(r.p)} arrive at "
                    f"{self._nodes[r.to].service.name}",
                    label_t=0.62,
                )
                if self._text_scale != 1:
                    edge.text_scale = self._text_scale
                    edge.update_geometry()
                scene.addItem(edge)
                self._edges.append(edge)
        self._place_cohorts()
        self._refresh_edges()
        self._departments = (
            dict(colours.items()) if any(s.department for s in scenario.services) else {}
        )
        self._legend = MapLegend()
        self._legend.set_departments(self._departments)
        self._legend.setVisible(self._show_legend)
        self._legend.setScale(self._text_scale)  # the presentation zoom enlarges the key too
        scene.addItem(self._legend)
        self._title = scene.addSimpleText("")
        self._title.setFont(map_font(13 * self._text_scale, bold=True))
        self._title.setZValue(3)
        self._place_decorations()
        self._building = False
        self._moved = False
        self._auto_fit = True
        self.fit_map()

    def _add_edge(
        self, a: str, b: str, label: str, pairs, dashed: bool = False, tooltip: str = ""
    ) -> None:
        bend = 28.0 if (b, a) in pairs and a != b else 0.0
        edge = RouteEdge(
            self._nodes[a], self._nodes[b], label, dashed=dashed, bend=bend, tooltip=tooltip
        )
        if self._text_scale != 1:
            edge.text_scale = self._text_scale
            edge.update_geometry()
        self.scene().addItem(edge)
        self._edges.append(edge)

    @property
    def edges(self) -> list[RouteEdge]:
        return list(self._edges)

    def _refresh_edges(self) -> None:
        """Re-route every arrow, then slide labels along their arrows so none overlap."""
        for e in self._edges:
            e.label_t = e.preferred_t
            e.update_geometry()
        self._resolve_labels()

    def _resolve_labels(self) -> None:
        """Greedy: each label takes the first spot along its arrow (middle first) that
        overlaps no node and no label already placed; failing that, the least overlap."""
        obstacles = [n.mapRectToScene(n.rect()) for n in self._nodes.values()]
        obstacles += [c.sceneBoundingRect() for c, _ in self._cohort_nodes]
        placed: list[QRectF] = []

        def overlap(rect: QRectF) -> float:
            total = 0.0
            for other in obstacles + placed:
                inter = rect.intersected(other)
                if not inter.isEmpty():
                    total += inter.width() * inter.height()
            return total

        # loops and short arrows first: they have the fewest places to go
        order = sorted(
            (e for e in self._edges if e.label),
            key=lambda e: (not e.is_loop, e._path.length()),
        )
        for e in order:
            if e.is_loop:
                placed.append(e.label_rect())
                continue
            base = e.preferred_t
            offsets = (0.0, -0.12, 0.12, -0.22, 0.22, -0.3, 0.3, -0.36, 0.36)
            best_t, best = base, math.inf
            for off in offsets:
                t = min(max(base + off, 0.12), 0.88)
                cost = overlap(e.label_rect_at(t))
                if cost < best:
                    best_t, best = t, cost
                if cost == 0:
                    break
            e.set_label_t(best_t)
            placed.append(e.label_rect())

    def label_overlaps(self) -> list[tuple[str, str]]:
        """Pairs of arrow labels that overlap each other (tests: should be none)."""
        labelled = [e for e in self._edges if e.label]
        out = []
        for i, a in enumerate(labelled):
            for b in labelled[i + 1 :]:
                if a.label_rect().intersects(b.label_rect()):
                    out.append((a.label, b.label))
        return out

    def _place_cohorts(self) -> None:
        if not self._nodes:
            return
        min_x = min(n.pos().x() for n in self._nodes.values())
        wanted = []
        for cnode, entries in self._cohort_nodes:
            ys = [self._nodes[sid].pos().y() for sid in entries] or [0.0]
            wanted.append((sum(ys) / len(ys), cnode))
        # stack the cohorts in a column, centred on their entry services as a group
        gap = 40.0
        heights = [c.height for _, c in wanted]
        total = sum(heights) + gap * max(len(wanted) - 1, 0)
        centre = sum(y for y, _ in wanted) / len(wanted) if wanted else 0.0
        y = centre - total / 2
        for (_, cnode), h in zip(wanted, heights, strict=True):
            cnode.setPos(min_x - NODE_W / 2 - 150 - COHORT_W / 2, y + h / 2)
            y += h + gap

    def _place_decorations(self) -> None:
        items = [n for n in self._nodes.values()] + [c for c, _ in self._cohort_nodes]
        rect = QRectF()
        for it in items:
            rect = rect.united(it.sceneBoundingRect())
        for e in self._edges:
            rect = rect.united(e.sceneBoundingRect())
        self._legend.setPos(rect.left(), rect.bottom() + 30)
        if self._title is not None:
            self._title.setPos(rect.left(), rect.top() - 50)
