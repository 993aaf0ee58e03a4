"""The service map as a PNG at slide resolution: the whole map (not only what is visible),
at least 1920 pixels wide, with its legend and the scenario's name as a title."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

#: the narrowest exported map (pixels): a 1080p slide
SLIDE_WIDTH = 1920
#: a tall map (a long chain drawn top to bottom) is never taller than this × its width
MAX_ASPECT = 1.5
MARGIN = 32


def render_map(view, width: int = SLIDE_WIDTH, scale: float = 2.0) -> QImage:
    """The map of ``view`` (a ServiceMapView) drawn ``max(width, scale × its size)`` wide
    under a title: the scenario's name, drawn as plain text. A null image if empty."""
    scene = view.scene()
    rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    if rect.isEmpty():
        return QImage()
    image_w = max(int(width), SLIDE_WIDTH, int(rect.width() * scale))
    inner_w = image_w - 2 * MARGIN
    k = min(inner_w / rect.width(), MAX_ASPECT * inner_w / rect.height())
    map_w, map_h = rect.width() * k, rect.height() * k
    scenario = getattr(view, "_scenario", None)
    title = scenario.name if scenario is not None else ""
    font = QFont()
    font.setPixelSize(max(round(image_w / 48), 20))  # 40 px at 1920
    font.setBold(True)
    metrics = QFontMetrics(font)
    title_rect = metrics.boundingRect(0, 0, inner_w, 10_000, int(Qt.TextFlag.TextWordWrap), title)
    title_h = title_rect.height() + MARGIN if title else 0
    image = QImage(image_w, int(MARGIN + title_h + map_h + MARGIN), QImage.Format.Format_ARGB32)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    if title:
        painter.setFont(font)
        painter.setPen(QColor("#111111"))
        painter.drawText(
            QRectF(MARGIN, MARGIN, inner_w, title_rect.height()),
            int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft),
            title,
        )
    target = QRectF(MARGIN + (inner_w - map_w) / 2, MARGIN + title_h, map_w, map_h)
    scene.render(painter, target, rect)
    painter.end()
    return image
