"""The Costs and Cohorts pages share one lazily built page (gui/run/lazy_page.py): results
are drawn when the page is shown, once, and again only when what it shows changes."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QLabel  # noqa: E402

from mission_desktop.gui.run.cohorts_view import CohortsPanel  # noqa: E402
from mission_desktop.gui.run.costs_view import CostsPanel  # noqa: E402
from mission_desktop.gui.run.lazy_page import LazyResultsPage  # noqa: E402


class Counting(LazyResultsPage):
    waiting_text = "Nothing yet."

    def __init__(self) -> None:
        self.builds: list[tuple[dict, int]] = []
        super().__init__("A page")

    def _build(self, results: dict) -> None:
        self.builds.append((results, self._font_pt))
        self._body().addWidget(QLabel("built"))


def texts(page: LazyResultsPage) -> list[str]:
    return [label.text() for label in page.widget().findChildren(QLabel)]


def test_results_are_built_when_shown_once_and_again_only_on_a_change(qtbot):
    page = Counting()
    qtbot.addWidget(page)
    assert texts(page) == ["Nothing yet."] and page.accessibleName() == "A page"
    results = {"variants": {}}
    page.show_results(results)
    page.set_font_size(14)
    assert page.builds == []  # hidden: nothing is drawn yet
    page.show()
    qtbot.waitExposed(page)
    assert page.builds == [(results, 14)] and texts(page) == ["built"]
    page.hide()
    page.show()
    page.ensure_built()
    assert len(page.builds) == 1  # nothing changed: not built again
    page.set_font_size(3)  # shown: at once, and never below 6 points
    assert page.builds[-1] == (results, 6)
    page.clear()
    assert texts(page) == ["Nothing yet."]
    page.ensure_built()
    assert len(page.builds) == 2  # no results: nothing to build


@pytest.mark.parametrize(
    "panel, waiting, empty",
    [
        (CostsPanel, "Run the scenario to see its costs here.", "This run has no costs to show."),
        (
            CohortsPanel,
            "Run the scenario to see each cohort's figures here.",
            "This run has no cohort figures to show.",
        ),
    ],
)
def test_the_costs_and_cohorts_pages_say_when_there_is_nothing(qtbot, panel, waiting, empty):
    page = panel()
    qtbot.addWidget(page)
    assert texts(page) == [waiting]
    page.show()
    page.show_results({"variants": {"baseline": {"services": {}}}})
    assert texts(page) == [empty]
    page.set_scenario(None)
    assert texts(page) == [waiting]
