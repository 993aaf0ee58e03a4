"""Text from a file shown exactly as written, never as HTML.

Qt renders a label, a message box or a tooltip as rich text when the text merely *looks*
like HTML (``Qt.mightBeRichText``): a scenario named ``<img src="/etc/passwd"><h1>VALID<!--``
would make Qt read that file, show a big "VALID" and hide the rest of the message. Every
widget that shows a name, a description, a file name or a problem message goes through one
of these helpers (rich text that is meant, like the key-figure tiles, escapes each name with
:func:`html.escape` instead).
"""

from __future__ import annotations

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_tip(text: str | None) -> str:
    """A tooltip (or any auto-detected text) that shows ``text`` literally: unchanged when Qt
    would show it as plain text anyway, else escaped into a paragraph that keeps its lines."""
    if not text:
        return ""
    if not Qt.mightBeRichText(text):
        return text
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpacePre)


def plain_label(label: QLabel, text: str | None = None) -> QLabel:
    """Make ``label`` show its text literally (and set ``text``, if given)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    if text is not None:
        label.setText(text)
    return label


def menu_text(text: str) -> str:
    """``text`` for a menu item or button: a literal ``&`` is doubled (not a mnemonic)."""
    return text.replace("&", "&&")


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
) -> QMessageBox:
    """A message box whose text is plain (QMessageBox's static helpers detect HTML and
    follow links)."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)
    return box


def ask_plain(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
    | QMessageBox.StandardButton.No,
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox.StandardButton:
    """Like ``QMessageBox.question`` (or ``warning`` with ``icon``), with plain text."""
    box = message_box(parent, icon, title, text, buttons, default)
    return QMessageBox.StandardButton(box.exec())
