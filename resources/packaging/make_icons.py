"""Draw the app icon (three services joined by flows) and write it as PNG, ICO and ICNS.

Run from the repository root when the design changes; the outputs are committed:
    QT_QPA_PLATFORM=offscreen python resources/packaging/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen

OUT = Path(__file__).resolve().parent / "icons"
NAVY, TEAL, AMBER, WHITE = "#1d3557", "#2a9d8f", "#e9c46a", "#ffffff"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(NAVY))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    nodes = [QPointF(70 * s, 80 * s), QPointF(186 * s, 80 * s), QPointF(128 * s, 182 * s)]
    p.setPen(QPen(QColor(WHITE), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(nodes[0], nodes[1])
    p.drawLine(nodes[0], nodes[2])
    p.drawLine(nodes[1], nodes[2])
    p.setPen(Qt.PenStyle.NoPen)
    for point, colour in zip(nodes, (TEAL, TEAL, AMBER), strict=True):
        p.setBrush(QColor(WHITE))
        p.drawEllipse(point, 34 * s, 34 * s)
        p.setBrush(QColor(colour))
        p.drawEllipse(point, 24 * s, 24 * s)
    p.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841
    OUT.mkdir(exist_ok=True)
    big = draw(256)
    ok = big.save(str(OUT / "mission-desktop.png"))
    ok &= draw(48).save(str(OUT / "mission-desktop-48.png"))
    ok &= big.save(str(OUT / "mission-desktop.ico"), "ICO")
    ok &= draw(512).save(str(OUT / "mission-desktop.icns"), "ICNS")
    print("icons written to", OUT if ok else "nowhere: an image format is missing")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
