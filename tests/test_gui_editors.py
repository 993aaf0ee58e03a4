"""Editor panels: Qt models over the immutable scenario; validated, undoable edits."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from conftest import example_scenario  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from mission_desktop.gui.edit.distribution import (  # noqa: E402
    PARAMS,
    DistributionEditor,
    converted,
    density,
    mean_of,
)
from mission_desktop.gui.edit.document import ScenarioDocument  # noqa: E402
from mission_desktop.gui.edit.panel import EditorPanel  # noqa: E402
from mission_desktop.gui.edit.paths import path_startswith, resolve, split_path  # noqa: E402
from mission_desktop.model import scenario_from_dict  # noqa: E402


@pytest.fixture
def document(qapp) -> ScenarioDocument:
    return ScenarioDocument(scenario_from_dict(example_scenario()))


@pytest.fixture
def panel(qtbot, document) -> EditorPanel:
    p = EditorPanel(document)
    qtbot.addWidget(p)
    p.show()
    return p


def cap(document: ScenarioDocument, sid: str):
    return document.scenario.service(sid).capacity


# --------------------------------------------------------------------------- services table
def test_edit_capacity_undo_redo(panel, document):
    model = panel.services.model
    col = model.column_index("capacity")
    idx = model.index(1, col)
    assert idx.data() == "40"
    assert model.setData(idx, "45")
    assert cap(document, "hospital") == 45
    assert model.index(1, col).data() == "45"
    document.undo_stack.undo()
    assert cap(document, "hospital") == 40
    assert model.index(1, col).data() == "40"
    document.undo_stack.redo()
    assert cap(document, "hospital") == 45
    assert document.undo_stack.count() == 1
    assert "hospital" in document.undo_stack.text(0)


def test_blank_capacity_means_unlimited(panel, document):
    model = panel.services.model
    col = model.column_index("capacity")
    assert model.setData(model.index(3, col), "")
    assert cap(document, "housing") is None
    assert model.index(3, col).data() == "unlimited"


def test_invalid_capacity_shows_the_problem_inline_and_changes_nothing(panel, document):
    before = document.scenario
    model = panel.services.model
    col = model.column_index("capacity")
    idx = model.index(1, col)
    assert not model.setData(idx, 0)
    assert document.scenario is before
    assert document.undo_stack.count() == 0
    # the words, beside the table, with the place
    problem = panel.services.table.problem
    assert problem.isVisible()
    assert "hospital · Capacity (servers): must be a whole number ≥ 1" in problem.label.text()
    assert "(services[1].capacity)" in problem.label.text()
    assert not problem.icon.pixmap().isNull()  # an icon, not colour alone
    # the cell itself: tooltip, icon and tint
    assert "≥ 1" in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert idx.data(Qt.ItemDataRole.DecorationRole) is not None
    assert idx.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "problem" in idx.data(Qt.ItemDataRole.AccessibleTextRole)
    # a valid edit clears it
    assert model.setData(idx, 5)
    assert not problem.isVisible()
    assert idx.data(Qt.ItemDataRole.DecorationRole) is None


def test_text_where_a_number_belongs_is_refused_in_words(panel, document):
    model = panel.services.model
    assert not model.setData(model.index(1, model.column_index("capacity")), "lots")
    assert "whole number" in panel.services.table.problem.label.text()
    assert cap(document, "hospital") == 40


def test_renaming_a_service_id_updates_every_reference(panel, document):
    model = panel.services.model
    assert model.setData(model.index(1, model.column_index("id")), "acute")
    s = document.scenario
    assert s.service("acute").name == "Acute hospital beds"
    assert [r.to for r in s.service("gp").routes] == ["acute"]
    assert s.cohort("older_frail").entry[1].to == "acute"
    assert "acute" in s.cohort("older_frail").routes
    assert s.ui["layout"]["acute"] == [200, 0]
    changes = s.policy("discharge_to_assess").changes
    assert changes[1].service == "acute"


def test_add_and_remove_a_service(panel, document):
    editor = panel.services.table
    n = len(document.scenario.services)
    editor.add_button.click()
    assert len(document.scenario.services) == n + 1
    assert editor.current_row() == n
    editor.remove_button.click()
    assert len(document.scenario.services) == n


def test_removing_a_referenced_service_is_refused_with_its_places(panel, document):
    editor = panel.services.table
    editor.select_row(0)  # gp: cohorts enter there
    editor.remove_button.click()
    assert len(document.scenario.services) == 5
    assert "no service has id 'gp'" in editor.problem.label.text()


def test_discipline_choices(panel, document):
    model = panel.services.model
    col = model.column_index("discipline")
    assert model.columns[col].choices() == ("fifo", "priority")
    assert model.setData(model.index(0, col), "priority")
    assert document.scenario.service("gp").discipline == "priority"
    assert not model.setData(model.index(0, col), "random")


def test_department_has_a_colour_swatch_and_words(panel):
    model = panel.services.model
    idx = model.index(0, model.column_index("department"))
    assert idx.data() == "Health"
    assert idx.data(Qt.ItemDataRole.DecorationRole) is not None


# --------------------------------------------------------------------------- service detail
def test_service_time_distribution_edit_and_inline_problem(panel, document):
    services = panel.services
    services.table.select_row(1)  # hospital: lognormal mean 6 sd 4
    editor = services.service_time
    assert editor.kind.currentText() == "lognormal"
    assert editor.fields["mean"].value() == 6
    editor.fields["mean"].setText("8")
    editor.fields["mean"].editingFinished.emit()
    assert document.scenario.service("hospital").service_time.mean == 8
    # an invalid mean (0) is refused, shown at the field
    editor.fields["mean"].setText("0")
    editor.fields["mean"].editingFinished.emit()
    assert document.scenario.service("hospital").service_time.mean == 8
    assert editor.property("invalid")
    label_texts = [
        label.label.text()
        for _p, w, label in services.problems._fields
        if w is editor and label.isVisibleTo(services)
    ]
    assert label_texts and "mean" in label_texts[0] and "> 0" in label_texts[0]


def test_changing_the_distribution_keeps_the_mean(panel, document):
    services = panel.services
    services.table.select_row(1)
    editor = services.service_time
    editor.kind.setCurrentText("exponential")
    editor.kind.activated.emit(editor.kind.currentIndex())
    st = document.scenario.service("hospital").service_time
    assert st.dist == "exponential" and st.mean == 6
    document.undo_stack.undo()
    assert document.scenario.service("hospital").service_time.dist == "lognormal"


def test_target_and_cost_fields(panel, document):
    services = panel.services
    services.table.select_row(0)  # gp: no target
    assert not services.has_target.isChecked()
    services.has_target.setChecked(True)
    assert document.scenario.service("gp").target is not None
    services.target_within.setValue(80)
    services.target_within.editingFinished.emit()
    assert document.scenario.service("gp").target.within == pytest.approx(0.8)
    services.cost_case.setValue(12.5)
    services.cost_case.editingFinished.emit()
    assert document.scenario.service("gp").cost.per_case == 12.5


def test_routes_editor_refuses_a_sum_over_one(panel, document):
    services = panel.services
    services.table.select_row(1)  # hospital routes 0.3 + 0.05
    model = services.routes_model
    assert model.list_path == "services[1].routes"
    p = model.column_index("p")
    assert not model.setData(model.index(0, p), "0.99")
    assert "sum" in services.routes.problem.label.text()
    assert model.setData(model.index(0, p), "0.5")
    assert document.scenario.service("hospital").routes[0].p == 0.5


# --------------------------------------------------------------------------- cohorts
def test_cohort_arrival_rate_and_entry(panel, document):
    cohorts = panel.cohorts
    model = cohorts.model
    assert model.setData(model.index(0, model.column_index("arrivals.rate")), "20")
    assert document.scenario.cohort("older_frail").arrivals.rate == 20
    cohorts.table.select_row(1)  # adults: entry "gp"
    assert cohorts.entry_model.rowCount() == 1
    # an entry split must sum to exactly 1
    cohorts.entry.add_button.click()
    assert (
        cohorts.entry.problem.isVisible()
        or len(document.scenario.cohort("adults").entry_routes()) == 2
    )


def test_cohort_route_override_add_and_remove(panel, document):
    cohorts = panel.cohorts
    cohorts.table.select_row(1)  # adults: no overrides
    i = cohorts.override_service.findData("hospital")
    cohorts.override_service.setCurrentIndex(i)
    cohorts.override_service.activated.emit(i)
    cohorts.add_override.click()
    assert "hospital" in document.scenario.cohort("adults").routes
    assert cohorts.override_model.rowCount() == 2
    cohorts.remove_override.click()
    assert "hospital" not in document.scenario.cohort("adults").routes


# --------------------------------------------------------------------------- policies, variants
def test_policy_change_value_and_lever(panel, document):
    policies = panel.policies
    policies.table.select_row(0)
    model = policies.changes_model
    assert model.list_path == "policies[0].changes"
    assert model.setData(model.index(0, model.column_index("value")), "25")
    assert document.scenario.policies[0].changes[0].add == 25
    assert model.setData(model.index(0, model.column_index("operation")), "multiply")
    assert document.scenario.policies[0].changes[0].multiply == 25
    assert model.setData(model.index(0, model.column_index("lever")), "arrival_rate")
    assert document.scenario.policies[0].changes[0].lever == "arrival_rate"


def test_policy_start_and_costs(panel, document):
    model = panel.policies.model
    assert model.setData(model.index(0, model.column_index("start")), "30")
    assert document.scenario.policies[0].start == 30
    assert not model.setData(model.index(0, model.column_index("cost.one_off")), "-5")
    assert document.scenario.policies[0].cost.one_off == 250000


def test_variant_policies_are_ticked(panel, document):
    variants = panel.variants
    assert not variants.automatic.isChecked()
    variants.table.select_row(1)  # d2a
    items = [variants.policies.item(i) for i in range(variants.policies.count())]
    assert [it.checkState() == Qt.CheckState.Checked for it in items] == [True, False]
    items[1].setCheckState(Qt.CheckState.Checked)
    assert document.scenario.variants[1].policies == ("discharge_to_assess", "more_gps")


def test_automatic_variants_toggle(panel, document):
    panel.variants.automatic.setChecked(True)
    assert document.scenario.variants is None
    panel.variants.automatic.setChecked(False)
    assert [v.id for v in document.scenario.variants] == [
        "baseline",
        "discharge_to_assess",
        "more_gps",
    ]


# --------------------------------------------------------------------------- run settings
def test_run_settings_and_the_window_rule(panel, document):
    rs = panel.run_settings
    rs.replications.setValue(3)
    rs.replications.editingFinished.emit()
    assert document.scenario.run.replications == 3
    rs.horizon.setText("10")  # below the warm-up of 30
    rs.horizon.editingFinished.emit()
    assert document.scenario.run.horizon == 365
    assert rs.horizon.property("invalid")
    texts = [lbl.label.text() for _p, w, lbl in rs.problems._fields if w is rs.horizon]
    assert any("warm_up" in t for t in texts) or "warm_up" in rs.banner.label.text()
    rs.name.setText("Renamed")
    rs.name.editingFinished.emit()
    assert document.scenario.name == "Renamed"


def test_time_unit_labels_the_distribution_plot(panel, document):
    rs = panel.run_settings
    rs.time_unit.setCurrentText("week")
    rs.time_unit.activated.emit(rs.time_unit.currentIndex())
    assert document.scenario.time_unit == "week"
    axis = panel.services.service_time.plot.getPlotItem().getAxis("bottom")
    assert "weeks" in axis.labelText


# --------------------------------------------------------------------------- distribution maths
@pytest.mark.parametrize("kind", list(PARAMS))
def test_density_and_conversion_for_every_distribution(kind):
    dist = converted({"dist": "exponential", "mean": 4}, kind)
    assert mean_of(dist) == pytest.approx(4)
    scenario_ok = {"dist": kind, **{k: v for k, v in dist.items() if k != "dist"}}
    x, y = density(scenario_ok)
    assert len(x) == len(y) and len(x) >= 2
    assert (y >= 0).all()


def test_distribution_editor_plot_marks_the_mean(qtbot):
    editor = DistributionEditor("Service time")
    qtbot.addWidget(editor)
    editor.set_distribution({"dist": "gamma", "mean": 3, "sd": 1}, "hour")
    assert editor.mean_line.value() == pytest.approx(3)
    assert "hours" in editor.summary.text()
    with qtbot.waitSignal(editor.distribution_changed) as blocker:
        editor.fields["sd"].setText("2")
        editor.fields["sd"].editingFinished.emit()
    assert blocker.args[0] == {"dist": "gamma", "mean": 3, "sd": 2}


def test_optional_distribution_can_be_none(qtbot):
    editor = DistributionEditor("Patience", optional=True)
    qtbot.addWidget(editor)
    editor.set_distribution(None)
    assert editor.kind.currentText() == "(none)"
    with qtbot.waitSignal(editor.distribution_changed) as blocker:
        editor.kind.setCurrentText("exponential")
        editor.kind.activated.emit(editor.kind.currentIndex())
    assert blocker.args[0] == {"dist": "exponential", "mean": 1.0}


# --------------------------------------------------------------------------- paths
def test_paths():
    assert split_path("services[2].routes[0].to") == ["services", 2, "routes", 0, "to"]
    assert path_startswith("services[2].capacity", "services[2]")
    assert not path_startswith("services[22].capacity", "services[2]")
    doc = {"cohorts": [{"id": "a"}]}
    assert resolve(doc, "cohorts[0].routes.gp") is None
    resolve(doc, "cohorts[0].routes", create=True)
    assert doc["cohorts"][0]["routes"] == {}


def test_tabbing_through_a_rounded_field_changes_nothing(panel, document):
    services = panel.services
    services.table.select_row(1)
    doc_before = document.scenario
    # 1 h is 1/24 of a day, shown at full precision; leaving the box must keep 1/24
    services.has_target.setChecked(True)
    services.target_wait.setText("1 h")
    services.target_wait.editingFinished.emit()
    wait = document.scenario.service("hospital").target.wait
    services.target_wait.editingFinished.emit()  # focus passes through again
    assert document.scenario.service("hospital").target.wait == wait
    count = document.undo_stack.count()
    services.service_time.fields["sd"].editingFinished.emit()
    services.cost_server.editingFinished.emit()
    panel.run_settings.horizon.editingFinished.emit()
    assert document.undo_stack.count() == count
    assert doc_before is not document.scenario


# --------------------------------------------------------------------------- capacity schedule
def _schedule(document, sid):
    s = document.scenario.service(sid).capacity_schedule
    return None if s is None else (s.period, tuple(tuple(step) for step in s.steps))


def test_capacity_schedule_editor_edit_undo_redo(panel, document):
    services = panel.services
    services.table.select_row(1)  # hospital: every 7 days, 40 beds then 30 from day 5
    editor = services.capacity_schedule
    assert editor.enabled.isChecked()
    assert editor.table.rowCount() == 2
    assert editor.table.item(1, 1).text() == "30"
    editor.table.item(1, 1).setText("25")
    assert _schedule(document, "hospital") == (7, ((0, 40), (5, 25)))
    assert document.undo_stack.undoText() == "Set hospital capacity schedule"
    assert editor.table.item(1, 1).text() == "25"
    document.undo_stack.undo()
    assert _schedule(document, "hospital") == (7, ((0, 40), (5, 30)))
    assert services.capacity_schedule.table.item(1, 1).text() == "30"  # the editor follows
    document.undo_stack.redo()
    assert _schedule(document, "hospital") == (7, ((0, 40), (5, 25)))
    # the period
    editor.period.setText("14")
    editor.period.editingFinished.emit()
    assert _schedule(document, "hospital")[0] == 14
    assert "14 days" in editor.summary.text()


def test_capacity_schedule_is_validated_like_a_file(panel, document):
    services = panel.services
    services.table.select_row(1)
    editor = services.capacity_schedule
    before = document.scenario
    count = document.undo_stack.count()
    editor.table.item(1, 0).setText("9")  # past the 7-day period
    assert document.scenario is before and document.undo_stack.count() == count
    problem = next(
        label for _path, widget, label in services.problems._fields if widget is editor.table
    )
    assert problem.isVisible()
    assert "less than the period" in problem.label.text()
    assert editor.table.accessibleDescription().startswith("Problem:")
    assert not problem.icon.pixmap().isNull()  # an icon and words, not colour alone
    editor.table.item(1, 0).setText("lots")
    assert "is not a duration" in problem.label.text()
    assert document.scenario is before
    editor.table.item(1, 0).setText("4")  # a good value clears the problem
    assert not problem.isVisible()
    assert _schedule(document, "hospital") == (7, ((0, 40), (4, 30)))


def test_capacity_schedule_on_off_and_steps(panel, document):
    services = panel.services
    services.table.select_row(0)  # gp: constant capacity 12
    editor = services.capacity_schedule
    assert not editor.enabled.isChecked()
    assert not editor.table.isVisibleTo(editor)
    editor.enabled.setChecked(True)
    assert _schedule(document, "gp") == (7, ((0, 12),))
    editor.table.setCurrentCell(0, 0)
    editor.add_step()
    assert _schedule(document, "gp") == (7, ((0, 12), (3.5, 12)))
    editor.table.item(1, 1).setText("6")
    assert _schedule(document, "gp") == (7, ((0, 12), (3.5, 6)))
    assert "from 6 to 12 servers" in editor.summary.text()
    editor.table.setCurrentCell(1, 0)
    editor.remove_step()
    assert _schedule(document, "gp") == (7, ((0, 12),))
    editor.enabled.setChecked(False)
    assert _schedule(document, "gp") is None
    for _ in range(5):
        document.undo_stack.undo()
    assert _schedule(document, "gp") is None and document.undo_stack.index() == 0


def test_an_unlimited_service_cannot_get_a_schedule(panel, document):
    services = panel.services
    services.table.select_row(4)  # online: capacity null
    services.capacity_schedule.enabled.setChecked(True)
    assert _schedule(document, "online") is None
    assert document.undo_stack.count() == 0
    assert "unlimited" in services.capacity_schedule.table.accessibleDescription()


# --------------------------------------------------------------------------- arrival profile
def _profile(document, cid):
    p = document.scenario.cohort(cid).arrivals.profile
    return None if p is None else (p.period, tuple(p.multipliers))


def test_arrival_profile_editor_edit_undo_redo(panel, document):
    cohorts = panel.cohorts
    cohorts.table.select_row(0)  # older_frail: weekly profile
    editor = cohorts.profile
    assert editor.enabled.isChecked()
    assert editor.multipliers.text() == "1.2, 1, 1, 1, 1, 0.6, 0.5"
    assert editor.bars.opts["height"].tolist() == [1.2, 1, 1, 1, 1, 0.6, 0.5]
    editor.multipliers.setText("2, 1, 1, 1, 1, 0.5, 0.5")
    editor.multipliers.editingFinished.emit()
    assert _profile(document, "older_frail") == (7, (2, 1, 1, 1, 1, 0.5, 0.5))
    assert document.undo_stack.undoText() == "Set older_frail arrival profile"
    assert editor.bars.opts["height"].tolist() == [2, 1, 1, 1, 1, 0.5, 0.5]  # the preview
    assert "Busiest: ×2" in editor.summary.text()
    document.undo_stack.undo()
    assert _profile(document, "older_frail") == (7, (1.2, 1, 1, 1, 1, 0.6, 0.5))
    assert cohorts.profile.multipliers.text() == "1.2, 1, 1, 1, 1, 0.6, 0.5"
    document.undo_stack.redo()
    assert _profile(document, "older_frail")[1][0] == 2
    editor.period.setText("14")
    editor.period.editingFinished.emit()
    assert _profile(document, "older_frail")[0] == 14


def test_arrival_profile_problems_are_shown_at_the_field(panel, document):
    cohorts = panel.cohorts
    cohorts.table.select_row(0)
    editor = cohorts.profile
    before = document.scenario
    editor.multipliers.setText("1, lots, 1")
    editor.multipliers.editingFinished.emit()
    assert document.scenario is before
    assert cohorts.profile_problem.isVisibleTo(cohorts)
    assert "“lots” is not a number" in cohorts.profile_problem.label.text()
    assert editor.multipliers.accessibleDescription().startswith("Problem:")
    editor.multipliers.setText("1, -1")
    editor.multipliers.editingFinished.emit()
    assert document.scenario is before
    assert "multipliers[1]" in cohorts.profile_problem.label.text()
    editor.multipliers.setText("1, 2")
    editor.multipliers.editingFinished.emit()
    assert _profile(document, "older_frail") == (7, (1, 2))
    assert not cohorts.profile_problem.isVisibleTo(cohorts)
    assert not editor.multipliers.property("invalid")


def test_arrival_profile_on_and_off(panel, document):
    cohorts = panel.cohorts
    cohorts.table.select_row(1)  # adults: steady
    editor = cohorts.profile
    assert not editor.enabled.isChecked()
    assert "steady" in editor.summary.text()
    editor.enabled.setChecked(True)
    assert _profile(document, "adults") == (7, (1,) * 7)
    editor.enabled.setChecked(False)
    assert _profile(document, "adults") is None
    document.undo_stack.undo()
    assert _profile(document, "adults") == (7, (1,) * 7)


# --------------------------------------------------------------------------- tables and a11y
def test_service_columns_fit_their_contents_and_name_stretches(panel):
    from PySide6.QtWidgets import QHeaderView

    view = panel.services.table.view
    model = panel.services.model
    header = view.horizontalHeader()
    name = model.column_index("name")
    assert header.sectionResizeMode(name) == QHeaderView.ResizeMode.Stretch
    assert not header.stretchLastSection()
    metrics = view.fontMetrics()
    for key in ("service_time", "department", "capacity", "target"):
        col = model.column_index(key)
        widest = max(
            metrics.horizontalAdvance(str(model.index(r, col).data() or ""))
            for r in range(model.rowCount())
        )
        assert header.sectionSize(col) >= min(widest, 320 - 30), key
    # a cell's tooltip starts with its full value (an elided cell can always be read)
    idx = model.index(1, model.column_index("service_time"))
    assert idx.data(Qt.ItemDataRole.ToolTipRole).startswith(idx.data())


def test_every_table_has_an_accessible_name_and_description(panel):
    from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView

    def in_combo(w):  # a combo box's pop-up list is announced by its combo box
        while w is not None:
            if isinstance(w, QComboBox):
                return True
            w = w.parentWidget()
        return False

    views = [
        v
        for v in panel.findChildren(QAbstractItemView)
        if not isinstance(v, QHeaderView) and not in_combo(v)
    ]
    assert len(views) >= 8
    bare = [
        f"{type(v).__name__} {v.accessibleName()!r} in {type(v.parentWidget()).__name__}"
        for v in views
        if not v.accessibleName().strip() or not v.accessibleDescription().strip()
    ]
    assert not bare, bare


def test_tab_order_follows_reading_order_in_the_service_form(panel):
    from PySide6.QtWidgets import QAbstractItemView

    services = panel.services
    services.table.select_row(1)
    detail = services.detail
    focusable = [
        w
        for w in detail.findChildren(QWidget)
        if w.isVisibleTo(detail)
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isEnabled()
        and (not w.parentWidget() or not isinstance(w.parentWidget(), QAbstractItemView))
        and not w.objectName().startswith("qt_")
    ]
    chain = []
    w = services.service_time.kind
    for _ in range(400):
        if w in focusable and w not in chain:
            chain.append(w)
        w = w.nextInFocusChain()
        if w is services.service_time.kind:
            break
    assert set(chain) == set(focusable)
    assert len(chain) >= 10
    tops = [w.mapTo(detail, w.rect().topLeft()).y() for w in chain]
    assert tops == sorted(tops), [
        (type(w).__name__, w.accessibleName(), y) for w, y in zip(chain, tops, strict=True)
    ]


def test_problem_words_and_colours_meet_wcag_contrast():
    from mission_desktop.gui.edit.fields import PROBLEM_COLOUR, PROBLEM_TEXT_COLOUR
    from mission_desktop.gui.edit.table_model import PROBLEM_BACKGROUND
    from mission_desktop.gui.shared.palette import (
        HEAT_STEPS,
        MIN_TEXT_CONTRAST,
        NEUTRAL,
        OKABE_ITO,
        contrast_ratio,
        text_colour_on,
    )

    # words: 4.5:1 (WCAG 1.4.3); borders and swatches: 3:1 (WCAG 1.4.11)
    for background in ("#FFFFFF", "#EFEFEF", PROBLEM_BACKGROUND):
        assert contrast_ratio(PROBLEM_TEXT_COLOUR, background) >= MIN_TEXT_CONTRAST
        assert contrast_ratio("#000000", background) >= MIN_TEXT_CONTRAST
    assert contrast_ratio(PROBLEM_COLOUR, "#FFFFFF") >= 3
    # every palette colour that may carry a label, with the text colour chosen for it
    for _name, colour in (*OKABE_ITO, ("neutral", NEUTRAL)):
        assert contrast_ratio(text_colour_on(colour), colour) >= MIN_TEXT_CONTRAST, colour
    for _level, colour, _word in HEAT_STEPS:
        assert contrast_ratio(text_colour_on(colour), colour) >= MIN_TEXT_CONTRAST, colour
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_columns_are_fitted_again_after_a_zoom(panel, qtbot):
    from PySide6.QtGui import QFont

    view = panel.services.table.view
    model = panel.services.model
    col = model.column_index("service_time")
    before = view.horizontalHeader().sectionSize(col)
    font = QFont(panel.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    panel.setFont(font)
    qtbot.waitUntil(lambda: view.horizontalHeader().sectionSize(col) > before * 1.3, timeout=30_000)
    header = view.horizontalHeader()
    for key in ("capacity", "queue_limit"):
        c = model.column_index(key)
        text = model.headerData(c, Qt.Orientation.Horizontal)
        assert header.sectionSize(c) >= header.fontMetrics().horizontalAdvance(text), key


# --------------------------------------------------------------------------- target waits
@pytest.mark.parametrize(
    ("wait", "unit", "text"),
    [
        (1 / 24, "day", "1 hour"),
        (0.0417, "day", "1 hour"),  # as a file rounds 1/24
        (0.042, "day", "1 hour"),  # as the 3-decimal field rounds it
        (0.5, "day", "0.5 days"),
        (0.25, "hour", "15 minutes"),
        (2, "day", "2 days"),
        (1, "day", "1 day"),
        (1.125, "day", "1.125 days"),
        (0.01, "day", "14.4 minutes"),
        (0.3, "week", "2.1 days"),
        (0.25, "minute", "15 seconds"),
        (0, "day", "0 days"),
    ],
)
def test_format_wait_names_the_unit_and_converts_small_fractions(wait, unit, text):
    from mission_desktop.report.format import format_wait

    assert format_wait(wait, unit) == text


def test_service_targets_read_with_their_time_unit(panel, document, qtbot):
    services = panel.services
    model = services.model
    target = model.column_index("target")
    assert model.index(1, target).data() == "95% within 2 days"  # hospital
    # typed as a user would: one hour in a scenario counted in days
    services.table.select_row(1)
    spin = services.target_wait
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "0.042")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert document.scenario.service("hospital").target.wait == pytest.approx(0.042)
    assert model.index(1, target).data() == "95% within 1 hour"
    assert "0.04" not in model.index(1, target).data()

    doc = example_scenario()
    doc["time_unit"] = "hour"
    doc["services"][1]["target"] = {"wait": 0.25, "within": 0.85}
    document.reset(scenario_from_dict(doc))
    assert model.index(1, target).data() == "85% within 15 minutes"
    doc["time_unit"] = "day"
    doc["services"][1]["target"] = {"wait": 0.5, "within": 0.9}
    document.reset(scenario_from_dict(doc))
    assert model.index(1, target).data() == "90% within 0.5 days"
