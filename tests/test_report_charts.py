"""The report's charts and paged layout: thinned curves, hatching every format shows, the
period table, the data appendix with links both ways, and Word's "Page N of M"."""

from __future__ import annotations

import copy
import re

import pytest
from matplotlib.collections import LineCollection, PolyCollection
from test_report_document import DOC

from mission_desktop.model import scenario_from_dict
from mission_desktop.report.document import build_report
from mission_desktop.report.document import charts as ch
from mission_desktop.report.document.build import build_charts
from mission_desktop.report.document.context import build_context
from mission_desktop.report.document.outline import DATA_APPENDIX
from mission_desktop.sim import run_experiment


@pytest.fixture(scope="module")
def run():
    scenario = scenario_from_dict(copy.deepcopy(DOC))
    return scenario, run_experiment(scenario, workers=1)


def test_thin_keeps_at_most_the_limit_with_both_ends_in_order():
    values = list(range(1001))
    for limit in (2, 3, 400, 1000):
        got = ch.thin(values, limit)
        assert len(got) <= limit and got[0] == 0 and got[-1] == 1000
        assert got == sorted(set(got))
    assert ch.thin(values[:400], 400) == values[:400]


def test_period_means_average_every_point_in_each_period():
    time = [0, 1, 2, 3, 4]
    values = [1.0, 3.0, 5.0, 7.0, 100.0]
    # the last period is closed: its end point counts
    assert ch.period_means(time, values, [0, 2, 4]) == [2.0, (5 + 7 + 100) / 3]
    assert ch.period_means([0, 5], [1.0, 2.0], [0, 1, 5]) == [1.0, 2.0]
    assert ch.period_means([0, 5], [1.0, 2.0], [0, 1, 2, 5]) == [1.0, None, 2.0]


def _long_series(ctx, n=1000):
    """The context's series stretched to ``n`` points per curve (a fine-grained run)."""
    ctx = copy.deepcopy(ctx)
    for panel in ctx["series"]["services"]:
        for line in panel["lines"]:
            end = line["time"][-1]
            line["time"] = [end * j / (n - 1) for j in range(n)]
            line["mean"] = [float(j % 7) for j in range(n)]
            line["low"] = [v - 1 for v in line["mean"]]
            line["high"] = [v + 1 for v in line["mean"]]
    return ctx


def test_queue_chart_thins_curves_and_its_table_summarises_every_point(run):
    scenario, results = run
    ctx = _long_series(build_context(scenario, results))
    chart = ch.queue_chart(ctx)
    for ax in chart.figure.axes:
        for line in ax.get_lines():
            assert len(line.get_xdata()) <= ch.MAX_CURVE_POINTS
    assert len(chart.columns) == 2 + ch.TABLE_POINTS
    line = ctx["series"]["services"][0]["lines"][0]
    horizon = line["time"][-1]
    edges = [horizon * j / ch.TABLE_POINTS for j in range(ch.TABLE_POINTS + 1)]
    expected = [ch.fmt_number(m) for m in ch.period_means(line["time"], line["mean"], edges)]
    assert chart.rows[0][2:] == expected
    assert chart.columns[2] == f"days 0–{round(edges[1])}"


def test_warm_up_hatching_is_drawn_as_lines_not_an_svg_pattern(run):
    scenario, results = run
    chart = ch.queue_chart(build_context(scenario, results))
    ax = chart.figure.axes[0]
    hatch = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert hatch and len(hatch[0].get_segments()) >= 3
    warm = results["run"]["warm_up"]
    # every hatch line stays inside the warm-up (x in data units, y the axes' height)
    for seg in hatch[0].get_segments():
        assert all(-1e-9 <= x <= warm + 1e-9 and -1e-9 <= y <= 1 + 1e-9 for x, y in seg)
    text = ch.svg(chart)
    assert "<pattern" not in text  # fpdf2 (the PDF) drops patterns; plain paths it keeps


def test_a_band_the_same_for_several_variants_is_drawn_once(run):
    scenario, results = run
    ctx = build_context(scenario, results)
    chart = ch.queue_chart(ctx)
    for ax, panel in zip(chart.figure.axes, ctx["series"]["services"], strict=False):
        distinct = {(tuple(ln["low"]), tuple(ln["high"])) for ln in panel["lines"]}
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(bands) == len(distinct)


def test_svg_path_coordinates_are_short(run):
    scenario, results = run
    built = build_charts(scenario, build_context(scenario, results))
    for chart in built.values():
        paths = re.findall(r' d="([^"]*)"', ch.svg(chart))
        assert paths
        assert not any(re.search(r"\d\.\d\d", d) for d in paths)
        chart.figure.clear()


def test_pdf_gathers_chart_data_in_an_appendix_linked_both_ways(run, tmp_path):
    from pypdf import PdfReader

    scenario, results = run
    reader = PdfReader(build_report(scenario, results, tmp_path / "r.pdf"))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert DATA_APPENDIX in text and "Back to the chart" in text
    appendix = text.index(DATA_APPENDIX.split(":")[0] + ": the data")
    assert text.index("Data: Difference from baseline", appendix) > appendix
    links = [
        a.get_object()
        for page in reader.pages
        for a in (page.get("/Annots") or [])
        if a.get_object().get("/Subtype") == "/Link"
    ]
    internal = [a for a in links if "/Dest" in a or "/GoTo" in str(a.get("/A", ""))]
    assert len(internal) >= 2 * 4  # four charts, a link to each table and one back


def test_docx_footer_reads_page_n_of_m_and_charts_link_to_their_tables(run, tmp_path):
    import docx
    from docx.oxml.ns import qn

    scenario, results = run
    doc = docx.Document(build_report(scenario, results, tmp_path / "r.docx"))
    footer = doc.sections[0].footer.paragraphs[0]._p
    codes = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    words = "".join(t.text for t in footer.iter(qn("w:t")))
    assert words.startswith("Page ") and " of " in words
    body = doc.element.body
    marks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    ids = [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkStart"))]
    anchors = [h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))]
    assert len(ids) == len(set(ids)) == len(marks)
    assert {f"data_{k}" for k in ("forest", "queues", "costs", "map")} <= set(anchors)
    assert set(anchors) <= marks  # every link lands somewhere
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads.index(DATA_APPENDIX) > heads.index("Reproducibility")
