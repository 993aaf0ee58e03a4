"""Moving about the service map with the keyboard and the wheel: Tab walks the services,
the arrow keys move the one selected, plus, minus and Ctrl+wheel zoom, 0 fits the map. A
mixin of :class:`~mission_desktop.gui.map.view.ServiceMapView`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from mission_desktop.gui.map.items import ServiceNode


class MapNavigationMixin:
    """See the module docstring."""

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
        else:
            super().wheelEvent(event)

    def zoom(self, factor: float) -> None:
        self._auto_fit = False
        self.scale(factor, factor)

    def _ordered_nodes(self) -> list[ServiceNode]:
        return sorted(self._nodes.values(), key=lambda n: (n.pos().x(), n.pos().y()))

    def select_service(self, service_id: str) -> None:
        node = self._nodes[service_id]
        self.scene().clearSelection()
        node.setSelected(True)
        node.setFocus()
        self.ensureVisible(node)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt API
        """Tab walks the services; past the last one focus leaves the map."""
        nodes = self._ordered_nodes()
        if not nodes:
            return super().focusNextPrevChild(next)
        current = next_node = None
        selected = [n for n in nodes if n.isSelected()]
        if selected:
            current = nodes.index(selected[0])
        if current is None:
            next_node = nodes[0] if next else nodes[-1]
        else:
            i = current + (1 if next else -1)
            if 0 <= i < len(nodes):
                next_node = nodes[i]
        if next_node is None:
            self.scene().clearSelection()
            return super().focusNextPrevChild(next)
        self.select_service(next_node.service_id)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = event.key()
        step = 50.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 10.0
        moves = {
            Qt.Key.Key_Left: (-step, 0.0),
            Qt.Key.Key_Right: (step, 0.0),
            Qt.Key.Key_Up: (0.0, -step),
            Qt.Key.Key_Down: (0.0, step),
        }
        selected = [n for n in self.scene().selectedItems() if isinstance(n, ServiceNode)]
        if key in moves and selected:
            dx, dy = moves[key]
            for n in selected:
                n.moveBy(dx, dy)
            self._drag_finished()
            return
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.15)
            return
        if key == Qt.Key.Key_Minus:
            self.zoom(1 / 1.15)
            return
        if key == Qt.Key.Key_0:
            self._auto_fit = True
            self.fit_map()
            return
        super().keyPressEvent(event)
