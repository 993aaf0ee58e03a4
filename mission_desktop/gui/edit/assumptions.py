"""The assumptions log: each uncertain quantity once, with its plausible range, where it
comes from, how reliable it is and who owns it (version 2; sensitivity and uncertainty
analyses move these)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from mission_desktop.gui.edit.document import ScenarioDocument, value_problem
from mission_desktop.gui.edit.list_editor import ListEditor
from mission_desktop.gui.edit.ranges import lever_columns, reset_lever
from mission_desktop.gui.edit.references import unique_id
from mission_desktop.gui.edit.services import _store_text
from mission_desktop.gui.edit.table_model import Column, ListTableModel

RELIABILITY = ("", "low", "medium", "high")


def _store_reliability(item: dict[str, Any], value: Any, path: str) -> None:
    text = str(value).strip().lower()
    if text not in RELIABILITY:
        raise value_problem(path, "must be low, medium or high (or blank)")
    if text:
        item["reliability"] = text
    else:
        item.pop("reliability", None)


def assumption_columns(document: ScenarioDocument) -> list[Column]:
    return [
        Column("id", "Id", lambda a: a["id"], _store_text("id"), "Short id used in reports"),
        Column("name", "Name", lambda a: a["name"], _store_text("name"), "What is uncertain"),
        *lever_columns(document),
        Column(
            "source",
            "Source",
            lambda a: a.get("source", ""),
            _store_text("source", required=False),
            "Where the value and its range come from (a study, a data extract, a judgement)",
        ),
        Column(
            "reliability",
            "Reliability",
            lambda a: a.get("reliability", ""),
            _store_reliability,
            "How far the source can be trusted: low, medium or high",
            choices=lambda: RELIABILITY,
        ),
        Column(
            "owner",
            "Owner",
            lambda a: a.get("owner", ""),
            _store_text("owner", required=False),
            "Who answers for this assumption",
        ),
    ]


class AssumptionsPanel(QWidget):
    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Each uncertain quantity of the model, stated once with a plausible range around "
            "the file's own value (×multiplier for rates and times, +whole number for "
            "capacity and queue limit, probability p for a route), where it comes from, how "
            "reliable that is, and who owns it. Sensitivity analysis moves each to its low "
            "and high end.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = ListTableModel(
            document, "assumptions", assumption_columns(document), "assumption", self
        )
        self.table = ListEditor(self.model, "Assumptions", self._new_assumption, self)
        layout.addWidget(self.table, 1)

    def _new_assumption(self) -> dict[str, Any]:
        taken = {a.id for a in self.document.scenario.assumptions}
        item: dict[str, Any] = {"id": unique_id("assumption", taken), "name": "New assumption"}
        reset_lever(item, "arrival_rate", self.document)
        return item
