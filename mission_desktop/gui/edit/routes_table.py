"""A table of routes (to a service, with a probability): a service's routes, a cohort's
entry and its own routes all use it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from mission_desktop.gui.edit.document import ScenarioDocument, parse_number
from mission_desktop.gui.edit.list_editor import ListEditor
from mission_desktop.gui.edit.table_model import Column, ListTableModel
from mission_desktop.report.format import plain as fmt_number


def route_columns(document: ScenarioDocument) -> list[Column]:
    def store_to(item: dict[str, Any], value: Any, path: str) -> None:
        item["to"] = str(value).strip()

    def store_p(item: dict[str, Any], value: Any, path: str) -> None:
        item["p"] = parse_number(value, path)

    def ids() -> tuple[str, ...]:
        return tuple(s.id for s in document.scenario.services)

    return [
        Column(
            "to", "To service", lambda r: r["to"], store_to, "Where people go next", choices=ids
        ),
        Column(
            "p",
            "Probability",
            lambda r: fmt_number(r["p"]),
            store_p,
            "Share of people who go there (0 to 1); the rest leave",
        ),
    ]


def new_route(document: ScenarioDocument, taken: list[dict[str, Any]]) -> dict[str, Any] | None:
    used = {r["to"] for r in taken}
    for s in document.scenario.services:
        if s.id not in used:
            return {"to": s.id, "p": 0}
    return {"to": document.scenario.services[0].id, "p": 0}


def routes_editor(
    document: ScenarioDocument,
    owner: QWidget,
    parent: QWidget,
    title: str,
    noun: str = "route",
    min_height: int = 140,
) -> ListEditor:
    """A table of routes (to a service, with a probability) over a list the caller points it
    at with :func:`show_list`; its model (``.model``) belongs to ``owner``."""
    model = ListTableModel(document, "", route_columns(document), noun, owner)
    editor = ListEditor(model, title, lambda: new_route(document, model._items), parent)
    editor.setMinimumHeight(min_height)
    return editor
