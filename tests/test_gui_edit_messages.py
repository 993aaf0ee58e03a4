"""Editors: a problem's message is in view beside its field; the description reads as
rendered markdown and loads nothing a file points at."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from conftest import example_scenario  # noqa: E402
from PySide6.QtCore import QPoint, QRect  # noqa: E402
from PySide6.QtWidgets import QApplication, QScrollArea  # noqa: E402

from mission_desktop.gui.edit.document import ScenarioDocument  # noqa: E402
from mission_desktop.gui.edit.panel import EditorPanel  # noqa: E402
from mission_desktop.gui.shared.markdown_view import MarkdownView  # noqa: E402
from mission_desktop.model import Problem, scenario_from_dict  # noqa: E402


@pytest.fixture
def panel(qtbot):
    doc = example_scenario()
    doc["description"] = (
        "# Hospital flow\n\nBeds are **blocked** by waits for care.\n\n"
        "- one\n- two\n\n<img src=\"/etc/passwd\"><h1>VALID<!--\n\n"
        "![secret](file:///etc/passwd)"
    )
    document = ScenarioDocument(scenario_from_dict(doc))
    p = EditorPanel(document)
    qtbot.addWidget(p)
    p.resize(1000, 430)  # short: the services' detail form scrolls
    p.show()
    qtbot.waitExposed(p)
    return p


def _in_view(widget) -> bool:
    """Is ``widget`` inside the visible part of every scroll area that holds it?"""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QScrollArea) and parent is area.viewport():
            top_left = widget.mapTo(area.viewport(), QPoint(0, 0))
            rect = QRect(top_left, widget.size())
            if not area.viewport().rect().intersects(rect):
                return False
        parent = parent.parentWidget()
    return True


def test_a_problem_far_down_a_scrolling_form_is_scrolled_into_view(panel, qtbot):
    services = panel.services
    panel.setCurrentWidget(services)
    services.table.select_row(1)
    fields = services.problems._fields
    # the field lowest in the form
    path_fn, widget, label = max(fields, key=lambda f: f[1].mapTo(services, QPoint(0, 0)).y())
    area = next(a for a in services.findChildren(QScrollArea) if a.isAncestorOf(widget))
    area.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    assert not _in_view(widget), "the test needs a field below the fold"
    services.problems.show([Problem(path_fn(), "must be a whole number ≥ 0")])
    qtbot.waitUntil(lambda: _in_view(label) and label.isVisible(), timeout=5000)
    assert "whole number" in label.text()


def test_the_description_reads_as_markdown_and_shows_markup_as_text(panel):
    view = panel.run_settings.description_view
    assert isinstance(view, MarkdownView)
    text = view.toPlainText()
    assert "Hospital flow" in text and "# Hospital" not in text  # a heading, not a hash
    assert "**" not in text
    html = view.toHtml()
    assert "font-weight" in html or "<b>" in html  # bold is bold
    # raw HTML in the file is text: the words show, the markup never acts
    assert '<img src="/etc/passwd">' in text and "VALID" in text
    # markdown's own image syntax pointing at a local file stays words, not an image
    assert "![secret](file:///etc/passwd)" in text
    assert "<img" not in html and view.resources_refused == 0


def test_the_markdown_view_never_loads_a_resource(qtbot):
    view = MarkdownView()
    qtbot.addWidget(view)
    view.setHtml('<p>x</p><img src="/etc/passwd">')  # even if markup got this far
    view.show()
    QApplication.processEvents()
    assert view.resources_refused >= 1
    assert view.openLinks() is False
