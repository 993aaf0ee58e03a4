"""Names, descriptions, file names and problem messages are shown literally, never as HTML.

Qt shows text that merely looks like HTML as rich text: ``<img src="/etc/passwd">`` would make
it open that file, and ``<h1>VALID<!--`` would hide the real warning after it."""

from __future__ import annotations

import json
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import test_gui_main as main_fixtures  # noqa: E402

pytest.importorskip("pytestqt")

from conftest import example_scenario  # noqa: E402
from PySide6.QtCore import QModelIndex, Qt  # noqa: E402
from PySide6.QtGui import QStandardItemModel  # noqa: E402
from PySide6.QtGui import Qt as QtGuiNs  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QGraphicsView,
    QLabel,
    QMessageBox,
    QWidget,
)

from mission_desktop.gui.shared.text import message_box, plain_tip  # noqa: E402
from mission_desktop.gui.window.prompts import PromptsMixin  # noqa: E402

# the main window's fixtures (a library in a private data folder, preset answers, ...)
_fake_run_view = main_fixtures._fake_run_view
_restore_app_font = main_fixtures._restore_app_font
data_dir = main_fixtures.data_dir
library = main_fixtures.library
prompts = main_fixtures.prompts
make_window = main_fixtures.make_window
real_run_view = main_fixtures.real_run_view
window = main_fixtures.window

IMG = '<img src="/etc/passwd"><h1>VALID<!--'
BOLD = "<b>x</b>"
HOSTILE = (IMG, BOLD)


def hostile_doc() -> dict:
    doc = example_scenario()
    doc["name"] = IMG
    doc["description"] = BOLD
    doc["services"][0]["name"] = IMG
    doc["services"][1]["name"] = BOLD
    doc["services"][1]["department"] = IMG
    doc["cohorts"][0]["name"] = BOLD
    doc["cohorts"][1]["name"] = IMG
    doc["policies"][0]["name"] = IMG
    doc["policies"][0]["description"] = BOLD
    doc["variants"][1]["name"] = BOLD
    doc["variants"][2]["name"] = IMG
    return doc


def raw(text: str) -> bool:
    return any(h in text for h in HOSTILE)


def shown_as_html(tip: str) -> bool:
    """A tooltip shows a hostile name as HTML: Qt renders a tooltip as rich text exactly when
    ``Qt.mightBeRichText`` (which looks at its first line only)."""
    return raw(tip) and QtGuiNs.mightBeRichText(tip)


def unsafe_widgets(root: QWidget) -> list[str]:
    """Every place under ``root`` that would show a hostile name as HTML."""
    bad: list[str] = []
    for label in root.findChildren(QLabel):
        if raw(label.text()) and label.textFormat() != Qt.TextFormat.PlainText:
            bad.append(f"label {label.objectName() or label.accessibleName()!r}: {label.text()}")
    for widget in [root, *root.findChildren(QWidget)]:
        if shown_as_html(widget.toolTip()):
            bad.append(f"tooltip of {type(widget).__name__}: {widget.toolTip()}")
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        try:
            rows, cols = model.rowCount(QModelIndex()), model.columnCount(QModelIndex())
        except TypeError:  # a list model
            rows, cols = model.rowCount(QModelIndex()), 1
        for row in range(min(rows, 50)):
            for col in range(cols):
                tip = model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str) and shown_as_html(tip):
                    bad.append(f"cell tooltip ({row}, {col}) of {view.accessibleName()}: {tip}")
    for view in root.findChildren(QGraphicsView):
        for item in view.scene().items():
            if shown_as_html(item.toolTip()):
                bad.append(f"map item tooltip: {item.toolTip()}")
    return bad


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.mission.json"
    path.write_text(json.dumps(hostile_doc()), encoding="utf-8")
    return path


def test_plain_tip_escapes_only_what_looks_like_html():
    assert plain_tip("GP practices\nper day") == "GP practices\nper day"
    assert plain_tip("a < b") == "a < b"
    tip = plain_tip(IMG)
    assert "<img" not in tip and "&lt;img" in tip and "&lt;!--" in tip
    assert "&lt;b&gt;x&lt;/b&gt;" in plain_tip(BOLD)
    assert plain_tip(None) == ""


def test_every_view_shows_hostile_names_literally(real_run_view, make_window, hostile_file):
    window = make_window()
    assert window.open_file(hostile_file) is not None
    window.show()
    editor = window.editor
    tabs = getattr(editor, "tabs", None)
    # every editor tab once, so its detail form shows the hostile names
    for i in range(tabs.count() if tabs is not None else 0):
        tabs.setCurrentIndex(i)
    window.editor.built_panels()  # built when first shown or used: the editor's labels too
    window.tabs.setCurrentIndex(2)
    window.refresh_library()
    assert IMG in window.windowTitle()  # a window title is always plain
    bad = unsafe_widgets(window)
    assert not bad, "\n".join(bad)
    # the library list's tooltip carries the name, escaped
    model: QStandardItemModel = window.library_model
    tips = [model.item(r).toolTip() for r in range(model.rowCount())]
    assert any("&lt;img" in t for t in tips)
    window.run_view.shutdown()


def test_message_boxes_show_text_literally(window, monkeypatch):
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self) or 0)
    PromptsMixin.show_error(window, "Not saved", f"{IMG} cannot be written")
    PromptsMixin.ask_confirm(window, "Delete scenario", f"Delete “{BOLD}”?")
    PromptsMixin.ask_recover_draft(window, IMG, None)
    assert len(shown) == 3
    for box in shown:
        assert box.textFormat() == Qt.TextFormat.PlainText
        assert raw(box.text())
    box = message_box(None, QMessageBox.Icon.Warning, "t", IMG)
    assert box.textFormat() == Qt.TextFormat.PlainText and box.text() == IMG


def test_problems_dialog_shows_a_hostile_file_name_literally(window, tmp_path):
    path = tmp_path / '<img src="x"><h1>VALID<!--.mission.json'
    doc = example_scenario()
    doc["services"][0]["capacity"] = 0
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert window.open_file(path) is None
    dialog = window.last_problems_dialog
    assert dialog.intro.textFormat() == Qt.TextFormat.PlainText
    assert '<img src="x"><h1>VALID<!--' in dialog.intro.text()
    assert "problem" in dialog.intro.text()


def test_recent_file_menu_keeps_a_literal_ampersand(window, tmp_path):
    path = tmp_path / "R&D <b>x.mission.json"
    path.write_text(json.dumps(example_scenario()), encoding="utf-8")
    window.add_recent_file(path)
    window._fill_recent_menu()
    action = window.recent_menu.actions()[0]
    assert "R&&D" in action.text()
    assert "&lt;b&gt;" in action.toolTip()
