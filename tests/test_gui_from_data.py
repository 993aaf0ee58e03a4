"""File › From data…: the wizard walks from a log to a scenario in the library — columns
matched by name with a preview, the fit off the GUI thread listing the rows left out, each
service's fit with an override, the calibration in words, and Cancel at each long step."""

from __future__ import annotations

import csv
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")
pytest.importorskip("duckdb")

import test_gui_main as main_fixtures  # noqa: E402
from builders import build  # noqa: E402
from logs import simulated_log  # noqa: E402
from PySide6.QtWidgets import QTableWidget  # noqa: E402

from mission_desktop.gui.data.actions import DataWizardMixin  # noqa: E402
from mission_desktop.gui.data.page_calibrate import INSIDE, OUTSIDE  # noqa: E402
from mission_desktop.gui.data.preview import guess_mapping, qq_points  # noqa: E402
from mission_desktop.gui.shared.job import CANCELLED, DONE  # noqa: E402
from mission_desktop.model import load_scenario  # noqa: E402

_fake_run_view = main_fixtures._fake_run_view
_restore_app_font = main_fixtures._restore_app_font
data_dir = main_fixtures.data_dir
library = main_fixtures.library
prompts = main_fixtures.prompts
make_window = main_fixtures.make_window
window = main_fixtures.window

#: the log's columns as a case system might name them (the wizard must match them)
RENAMED = {
    "person": "Client ID",
    "service": "Team",
    "arrived": "Referral date",
    "started": "Seen",
    "ended": "Closed",
    "outcome": "Status",
    "cohort": "Client group",
}
HOSTILE = "<b>Desk</b> & co"
#: long enough to hold the engine's work at a step (a hang guard, not a speed limit)
WAIT = 120_000


@pytest.fixture(scope="module")
def log_file(tmp_path_factory) -> Path:
    """A simulated log of two services (one named like HTML), renamed columns, and one
    bad row (ended before it started) as its 4th data row, i.e. spreadsheet row 5."""
    folder = tmp_path_factory.mktemp("wizard")
    truth = build(
        [
            {"id": "desk", "name": HOSTILE, "capacity": 2,
             "service_time": {"dist": "exponential", "mean": 0.5},
             "routes": [{"to": "team", "p": 0.5}]},
            {"id": "team", "name": "Team", "capacity": 3,
             "service_time": {"dist": "gamma", "mean": 1.0, "sd": 0.5}},
        ],
        [{"id": "adults", "name": "Adults", "arrivals": {"rate": 3}, "entry": "desk"}],
        horizon=120.0,
        seed=5,
    )
    raw = simulated_log(truth, folder / "raw.csv")
    with raw.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = folder / "case extract.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(RENAMED.values()))
        for i, row in enumerate(rows):
            cells = [row[k] for k in RENAMED]
            cells[1] = {"desk": HOSTILE, "team": "Team"}[cells[1]]
            writer.writerow(cells)
            if i == 2:
                writer.writerow(["bad1", HOSTILE, "1.0", "2.0", "1.5", "completed", "adults"])
    return out


@pytest.fixture
def wizard(window, monkeypatch, qtbot, log_file, tmp_path):
    window.saved_to = tmp_path / "fitted.mission.json"
    monkeypatch.setattr(window, "ask_save_path", lambda *a: window.saved_to)
    monkeypatch.setattr(window, "ask_log_path", lambda: log_file)
    wiz = window.from_data_dialog()
    yield wiz
    import shiboken6

    if shiboken6.isValid(wiz):  # a test may have replaced it (deleted later)
        wiz.stop(wait=True)
        wiz.close()
    window.close_data_wizard()


def wait_job(qtbot, job) -> None:
    qtbot.waitUntil(lambda: not job.is_running(), timeout=WAIT)


def cell_texts(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def to_services_page(qtbot, wiz) -> None:
    wiz.log_page.choose_button.click()
    wait_job(qtbot, wiz.log_page.preview_job)
    wiz.next()
    wait_job(qtbot, wiz.fit_page.job)
    assert wiz.fit_page.job.state == DONE, wiz.fit_page.status.text()
    wiz.next()
    assert wiz.currentPage() is wiz.services_page


# --------------------------------------------------------------------------- the action
def test_from_data_is_in_the_file_menu_with_a_mnemonic(window):
    file_menu = window.menuBar().actions()[0].menu()
    assert window.from_data_action in file_menu.actions()
    assert window.from_data_action.text() == "&From data…"
    others = [a.text() for a in file_menu.actions() if a is not window.from_data_action]
    assert not any("&F" in t or "&f" in t for t in others)
    assert isinstance(window, DataWizardMixin)


def test_the_column_mapping_is_guessed_from_the_names():
    assert guess_mapping(list(RENAMED.values())) == RENAMED
    exact = guess_mapping(["arrived", "person", "service", "notes"])
    assert exact["person"] == "person" and exact["arrived"] == "arrived"
    assert exact["ended"] is None and exact["cohort"] is None


# --------------------------------------------------------------------------- walking through
def test_a_column_named_as_a_field_cannot_be_unmapped(qtbot, wizard, tmp_path):
    # the fit reads a column named "outcome" as the outcome: the page never offers otherwise
    path = tmp_path / "plain.csv"
    path.write_text("person,service,arrived,outcome\np,S,1,completed\n", encoding="utf-8")
    wait_job(qtbot, wizard.log_page.load(path))
    combo = wizard.log_page.combos["outcome"]
    assert combo.findData(None) == -1 and combo.currentData() == "outcome"
    assert wizard.log_page.combos["cohort"].currentData() is None  # no such column: offered


def test_page_one_previews_the_log_and_matches_its_columns(qtbot, wizard, log_file):
    page = wizard.log_page
    assert not page.isComplete()  # nothing chosen yet
    page.choose_button.click()
    wait_job(qtbot, page.preview_job)
    assert page.preview.rowCount() == 20
    assert [page.preview.horizontalHeaderItem(c).text() for c in range(7)] == list(RENAMED.values())
    assert page.mapping() == RENAMED
    assert page.isComplete()
    assert "person" in page.status.text() and log_file.name in page.status.text()
    # a required field unmapped: Next is refused, and the page says which
    page.combos["arrived"].setCurrentIndex(0)
    assert not page.isComplete() and "arrived" in page.problem()
    page.combos["arrived"].setCurrentIndex(page.combos["arrived"].findData("Seen"))
    assert "Seen" in page.problem()  # one column for two fields


def test_the_wizard_walks_from_the_log_to_a_scenario_in_the_library(qtbot, wizard, window):
    to_services_page(qtbot, wizard)
    fit = wizard.fit_page
    # the bad row is listed with its spreadsheet row number and why
    rows = cell_texts(fit.bad_table)
    assert rows == [["5", "ended before it started"]]
    assert "1 left out" in fit.status.text()
    assert "Rows left out (1" in fit.bad_label.text()
    page = wizard.services_page
    names = [page.service_list.item(i).text() for i in range(page.service_list.count())]
    assert [n.split(" — ")[0] for n in names] == [HOSTILE, "Team"]  # plain text, as written
    assert all(" — " in n and "(changed)" not in n for n in names)
    assert page.heading.text().startswith(HOSTILE)  # shown literally, as plain text
    ranking = cell_texts(page.ranking)
    assert {r[1].split()[0] for r in ranking} >= {"exponential", "gamma", "lognormal", "empirical"}
    assert any("✔ fit's choice" in r[1] for r in ranking)
    assert "chosen" in page.explanation.text()
    assert page.capacity_spin.value() >= 1 and "Suggested" in page.capacity_note.text()
    # plotted: the histogram bars and a density line; the Q-Q points and the diagonal
    assert len(page.hist_plot.getPlotItem().listDataItems()) == 2
    assert len(page.qq_plot.getPlotItem().listDataItems()) == 2
    wizard.next()
    cal = wizard.calibration_page
    wait_job(qtbot, cal.job)
    assert cal.job.state == DONE, cal.status.text()
    verdicts = [r[-1] for r in cell_texts(cal.table)]
    assert verdicts and set(verdicts) <= {INSIDE, OUTSIDE}
    assert "observed figures lie inside the simulated 95% range" in cal.summary.text()
    outside = [r for r in cell_texts(cal.table) if r[-1] == OUTSIDE]
    words = cal.outside_label.text()
    if outside:  # each outside figure is named in words above the table
        assert words.startswith("⚠ OUTSIDE") and all(r[0] in words for r in outside)
    else:
        assert words.startswith("✔ Every figure lies inside")
    for r in range(cal.table.rowCount()):  # an icon beside every verdict, not colour alone
        assert not cal.table.item(r, 5).icon().isNull()
    wizard.accept()
    assert wizard.added_id is not None and window.scenario_id == wizard.added_id
    assert window.scenario.name.startswith("Fitted from")
    assert window.saved_to.is_file()
    assert window.library.current_scenario(wizard.added_id) == load_scenario(window.saved_to)


def test_override_changes_the_distribution_in_the_scenario(qtbot, wizard, window):
    to_services_page(qtbot, wizard)
    page = wizard.services_page
    st = page.service_fit("team").service_time
    other = next(c for c in st.candidates if c.dist and c is not st.chosen and c.family == "normal")
    page.set_shape("team", "normal")
    assert page.shape_combo.currentText().startswith("normal")
    assert page.service_list.currentItem().text() == "Team — normal (changed)"
    assert any("your choice" in r[1] for r in cell_texts(page.ranking))
    assert "You chose normal" in page.explanation.text()
    page.capacity_spin.setValue(7)
    scenario = wizard.chosen_scenario()
    team = next(s for s in scenario.services if s.id == "team")
    assert team.service_time.dist == "normal"
    assert team.service_time.mean == other.dist["mean"] and team.capacity == 7
    desk = next(s for s in scenario.services if s.name == HOSTILE)
    assert desk.service_time.dist == page.service_fit(desk.id).service_time.chosen.dist["dist"]
    page.capacity_spin.setValue(0)  # "unlimited"
    assert page.capacity_spin.text() == "unlimited"
    assert next(s for s in wizard.chosen_scenario().services if s.id == "team").capacity is None
    # the Q-Q points are of the chosen shape: the normal's quantiles, not the gamma's
    fitted_q, _ = qq_points(wizard.fit_page.fitted.samples["team"], other.dist)
    xs = page.qq_plot.getPlotItem().listDataItems()[1].getData()[0]
    assert list(xs) == pytest.approx(list(fitted_q))
    wizard.services_page.capacity_spin.setValue(3)
    wizard.next()
    wait_job(qtbot, wizard.calibration_page.job)
    wizard.accept()
    saved = load_scenario(window.saved_to)
    assert next(s for s in saved.services if s.id == "team").service_time.dist == "normal"


def test_a_cancelled_save_keeps_the_wizard_open(qtbot, wizard, window, monkeypatch):
    to_services_page(qtbot, wizard)
    monkeypatch.setattr(window, "ask_save_path", lambda *a: None)
    before = list(window.library_names())
    wizard.accept()
    assert wizard.added_id is None and wizard.isVisible()
    assert list(window.library_names()) == before and not window.saved_to.exists()


# --------------------------------------------------------------------------- Cancel
def held(real):
    """``real`` called only once ``cancelled()`` is true: the test presses Cancel while the
    work is under way, deterministically (the real function then sees the flag)."""

    def work(*args, **kwargs):
        cancelled = kwargs.get("cancelled") or args[-1]
        while not cancelled():
            import time

            time.sleep(0.01)
        return real(*args, **kwargs)

    return work


def test_cancel_stops_the_fit(qtbot, wizard):
    wizard.fit_function = held(wizard.fit_function)
    wizard.log_page.choose_button.click()
    wait_job(qtbot, wizard.log_page.preview_job)
    wizard.next()
    page = wizard.fit_page
    assert page.job.is_running() and page.cancel_button.isEnabled()
    assert not page.isComplete()
    page.cancel_button.click()
    wait_job(qtbot, page.job)
    assert page.job.state == CANCELLED
    assert "cancelled" in page.status.text().lower()
    assert page.retry_button.isEnabled() and not page.isComplete()


def test_cancel_stops_the_calibration(qtbot, wizard):
    to_services_page(qtbot, wizard)
    wizard.calibrate_function = held(wizard.calibrate_function)
    wizard.next()
    page = wizard.calibration_page
    assert page.job.is_running()
    page.cancel_button.click()
    wait_job(qtbot, page.job)
    assert page.job.state == CANCELLED
    assert page.table.rowCount() == 0 and "cancelled" in page.status.text().lower()


# --------------------------------------------------------------------------- bad input
def test_an_unreadable_log_is_said_in_words(qtbot, wizard, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello", encoding="utf-8")
    job = wizard.log_page.load(bad)
    wait_job(qtbot, job)
    assert "must be .csv, .xlsx or .parquet" in wizard.log_page.status.text()
    assert not wizard.log_page.isComplete()


def test_a_log_that_cannot_be_fitted_is_said_in_words(qtbot, wizard, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("person,service,arrived\n,,\n", encoding="utf-8")
    wizard.log_page.load(path)
    wait_job(qtbot, wizard.log_page.preview_job)
    wizard.next()
    wait_job(qtbot, wizard.fit_page.job)
    assert "cannot be fitted" in wizard.fit_page.status.text()
    assert not wizard.fit_page.isComplete()


def test_closing_the_window_stops_the_wizards_work(qtbot, wizard, window):
    wizard.fit_function = held(wizard.fit_function)
    wizard.log_page.choose_button.click()
    wait_job(qtbot, wizard.log_page.preview_job)
    wizard.next()
    assert wizard.fit_page.job.is_running()
    window.close_data_wizard()  # as closeEvent does: cancel, then wait for the thread
    assert wizard.fit_page.job.wait(0)  # its thread has ended
    wait_job(qtbot, wizard.fit_page.job)
    assert wizard.fit_page.job.state == CANCELLED


# --------------------------------------------------------------------------- the data side
def test_fit_log_and_calibrate_stop_when_cancelled(log_file):
    from mission_desktop.data import fit_log
    from mission_desktop.data.calibrate import calibrate
    from mission_desktop.data.fit import FitCancelled
    from mission_desktop.sim import ExperimentCancelled

    columns = dict(RENAMED)
    with pytest.raises(FitCancelled):
        fit_log(log_file, columns, "day", cancelled=lambda: True)
    result = fit_log(log_file, columns, "day", cancelled=lambda: False)
    try:
        scenario = result.scenario
    finally:
        result.log.close()
    with pytest.raises(ExperimentCancelled):
        calibrate(scenario, workers=1, cancelled=lambda: True)
    calls = []
    comparison = calibrate(scenario, workers=1, cancelled=lambda: calls.append(1) and False)
    assert comparison["inside"] + comparison["outside"] > 0 and calls  # it was asked


def test_the_preview_reads_parquet_and_xlsx_too(tmp_path, log_file):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from mission_desktop.gui.data.preview import read_preview

    table = pacsv.read_csv(str(log_file), convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in RENAMED.values()}))
    pq.write_table(table, str(tmp_path / "log.parquet"))
    header, rows = read_preview(tmp_path / "log.parquet", 5)
    assert header == list(RENAMED.values()) and len(rows) == 5
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with log_file.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh)):
            sheet.append(row)
            if i > 30:
                break
    book.save(tmp_path / "log.xlsx")
    header, rows = read_preview(tmp_path / "log.xlsx")
    assert header == list(RENAMED.values()) and len(rows) == 20
    assert rows[0][1] == HOSTILE


def test_the_menu_opens_one_wizard_at_a_time(qtbot, wizard, window):
    window.from_data_action.trigger()
    assert window.data_wizard is wizard  # the open one is raised, not a second made
    wizard.reject()
    window.from_data_action.trigger()
    assert window.data_wizard is not wizard and window.data_wizard.isVisible()
    window.data_wizard.reject()
