"""The plots as a PNG at slide resolution: at least 1920 pixels wide whatever their size on
screen, with a heading that says what they are — the scenario, the figure and its unit, what
the curves are (replication 1 live, or the mean of N replications with a 95% band), the time
axis — and the legend.

An offscreen copy of the plots (never shown on screen) is laid out at the slide's size and
drawn from the same data, so the image is the on-screen drawing, only larger.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QVBoxLayout, QWidget

from mission_desktop.gui.run.plot_style import metric_title, plot_columns, plural_unit
from mission_desktop.gui.run.plots import LivePlots

#: slide size (16:9 at 1080p); taller when there are many rows of plots
SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
#: a row of plots in the image is never shorter than this (pixels)
MIN_ROW_HEIGHT = 300
#: text in the image is at least this size (points): it is read on a projected slide
MIN_FONT_PT = 15


def _label(text: str, points: int, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a scenario's name is shown literally
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setStyleSheet("color: #111111; background: white;")
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    label.setFont(font)
    return label


def heading_lines(plots: LivePlots) -> tuple[str, str]:
    """(scenario name, what the plots show and across what): the image's heading."""
    scenario = plots.scenario
    name = scenario.name if scenario is not None else ""
    unit = plural_unit(scenario.time_unit if scenario is not None else "day")
    what = metric_title(plots.metric, scenario.time_unit if scenario is not None else "day")
    curves = plots.curves_description()
    return name, f"{what}: {curves[0].lower()}{curves[1:]} · across: time ({unit})"


def render_plots(plots: LivePlots, width: int = SLIDE_WIDTH) -> QImage:
    """The plots drawn at ``width`` (≥ 1920) pixels wide, with their heading and legend."""
    width = max(int(width), SLIDE_WIDTH)
    scenario = plots.scenario
    if scenario is None:
        return QImage()
    plots.redraw()
    font_pt = max(plots.font_size, MIN_FONT_PT)
    page = QWidget()
    page.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    page.setStyleSheet("background: white;")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 16, 24, 16)
    layout.setSpacing(6)
    name, what = heading_lines(plots)  # e.g. "…: mean of 10 replications with 95% band"
    layout.addWidget(_label(name, font_pt + 8, bold=True))
    layout.addWidget(_label(what, font_pt + 2))
    copy = LivePlots(page)
    copy.set_font_size(font_pt)
    copy.set_scenario(scenario, plots.variant_ids)
    copy.copy_data_from(plots)
    for widget in (*copy.selector_widgets, copy.caption):  # the heading says it in words
        widget.hide()
    layout.addWidget(copy, 1)
    rows = math.ceil(len(copy.service_ids) / max(plot_columns(len(copy.service_ids), width), 1))
    height = max(SLIDE_HEIGHT, 260 + rows * MIN_ROW_HEIGHT)
    page.resize(width, height)
    page.show()
    QApplication.processEvents()  # lay out at the slide's size (columns, plot geometry)
    copy.redraw()
    QApplication.processEvents()
    pixmap = page.grab()
    pixmap.setDevicePixelRatio(1.0)  # device pixels, one for one (a HiDPI screen: wider)
    copy.finish()
    page.close()
    page.deleteLater()
    image = QImage(pixmap.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    painter.drawPixmap(0, 0, pixmap)
    painter.end()
    return image
