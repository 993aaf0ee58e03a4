"""A read-only view of markdown text from a file (a scenario's description), safe to show.

The text is rendered by the report's own renderer (raw HTML in it stays text; links only to
the web), and the view itself never loads anything: no images, no files, no links followed —
``![x](file:///etc/passwd)`` or ``<img src=…>`` in an emailed file can read nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from mission_desktop.report.document.description import description_html


class MarkdownView(QTextBrowser):
    """Shows markdown as formatted text; loads no resource and follows no link."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.resources_refused = 0

    def set_markdown_text(self, text: str) -> None:
        self.setHtml(description_html(text, heading_shift=0))

    def loadResource(self, kind: int, name: Any) -> Any:  # noqa: N802 - Qt API
        """Nothing is ever loaded from a file or the network."""
        self.resources_refused += 1
        return None
