"""The report (HTML, PDF, Word) read back: sections, every variant's figures, hostile text."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser

import pytest

from mission_desktop.cli import main
from mission_desktop.model import scenario_from_dict
from mission_desktop.report.document import ReportCancelled, ReportError, build_report
from mission_desktop.report.document.results_check import results_problems
from mission_desktop.report.tables import fmt_figure
from mission_desktop.sim import figure, run_experiment

HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://x.invalid","£$5")'

DOC = {
    "format": "mission-desktop/scenario",
    "version": 1,
    "name": HOSTILE,
    "description": (
        "# About\n\nA *small* test. <script>alert(2)</script>\n\n## Where the numbers come "
        "from\n\n| Quantity | Source |\n|---|---|\n| Arrivals | **Made-up statistics** |\n"
    ),
    "time_unit": "day",
    "run": {"horizon": 120, "warm_up": 20, "replications": 3, "seed": 7},
    "services": [
        {
            "id": "gp",
            "name": "GP <b>practice</b>",
            "department": "Health",
            "capacity": 2,
            "service_time": {"dist": "exponential", "mean": 0.5},
            "target": {"wait": 1, "within": 0.9},
            "cost": {"per_server_per_time": 100, "per_case": 5},
            "routes": [{"to": "clinic", "p": 0.5}],
        },
        {
            "id": "clinic",
            "name": "Clinic",
            "department": "Council",
            "capacity": 1,
            "queue_limit": 5,
            "service_time": {"dist": "lognormal", "mean": 0.8, "sd": 0.4},
        },
    ],
    "cohorts": [{"id": "adults", "name": "Adults", "arrivals": {"rate": 2}, "entry": "gp"}],
    "policies": [
        {
            "id": "more_gps",
            "name": "More GPs",
            "start": 40,
            "cost": {"one_off": 1000, "per_time": 10},
            "changes": [{"lever": "capacity", "service": "gp", "add": 1}],
        }
    ],
    "ui": {"layout": {"gp": [0, 0], "clinic": [220, 0]}},
}
SECTIONS = ("summary", "results", "model", "assurance", "reproducibility")


@pytest.fixture(scope="module")
def run():
    scenario = scenario_from_dict(copy.deepcopy(DOC))
    return scenario, run_experiment(scenario, workers=1)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.cells: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._service = self._metric = self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table" and "data-service" in a:
            self._service = a["data-service"]
        if tag == "tr" and "data-metric" in a:
            self._metric = a["data-metric"]
        if tag == "td" and "data-variant" in a and self._service and self._metric:
            self._cell = (self._service, self._metric, a["data-variant"], a["data-mean"])

    def handle_endtag(self, tag):
        if tag == "table":
            self._service = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell:
            s, m, v, mean = self._cell
            self.cells[(s, m, v)] = (data, mean)
            self._cell = None


def test_html_has_every_section_and_every_variants_figures(run, tmp_path):
    scenario, results = run
    out = build_report(scenario, results, tmp_path / "r.html")
    page = out.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(page)
    ids = {a.get("id") for _, a in parser.tags}
    for section in SECTIONS:
        assert section in ids
    headings = [t for t, _ in parser.tags if t in ("h1", "h2", "h3")]
    assert headings.count("h1") == 1 and headings.count("h2") >= 5
    checked = 0
    for vid, block in results["variants"].items():
        for sid, metrics in block["services"].items():
            for metric, fig in metrics.items():
                if fig is None:
                    continue
                text, mean = parser.cells[(sid, metric, vid)]
                assert text == fmt_figure(fig, metric)
                assert float(mean) == fig["mean"]
                checked += 1
    assert checked >= 2 * 2 * 10
    # every chart is an inline SVG with a text alternative and a data table
    assert page.count("<svg") == 4 and 'src="http' not in page and "<link" not in page
    assert page.count('role="img"') == 4 and page.count("The data in this chart") == 4
    assert "STRESS-DES" in page and "FOR THE ANALYST" in page
    assert "Made-up statistics" in page  # the description's source, in the data log


def test_markup_in_names_and_description_is_plain_text_in_html(run, tmp_path):
    scenario, results = run
    page = build_report(scenario, results, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<b>practice" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    parser = _Collect()
    parser.feed(page)
    assert HOSTILE in "".join(parser.text)


def test_the_scenario_file_is_embedded_as_a_download(run, tmp_path):
    import base64
    import re

    scenario, results = run
    page = build_report(scenario, results, tmp_path / "r.html").read_text(encoding="utf-8")
    b64 = re.search(r'href="data:application/json;charset=utf-8;base64,([^"]+)"', page).group(1)
    again = scenario_from_dict(json.loads(base64.b64decode(b64)))
    assert again == scenario


def test_progress_is_reported_and_a_cancelled_build_writes_nothing(run, tmp_path):
    scenario, results = run
    seen = []
    build_report(scenario, results, tmp_path / "a.html", progress=lambda *a: seen.append(a))
    assert [s[0] for s in seen] == [0, 1, 2, 3, 4] and seen[-1][2] == "done"
    calls = iter([False, True])
    with pytest.raises(ReportCancelled):
        build_report(scenario, results, tmp_path / "b.html", cancelled=lambda: next(calls))
    assert list(tmp_path.iterdir()) == [tmp_path / "a.html"]


def test_unknown_formats_and_missing_folders_are_refused_in_words(run, tmp_path):
    scenario, results = run
    with pytest.raises(ReportError, match=r"\.html, \.pdf or \.docx"):
        build_report(scenario, results, tmp_path / "r.txt")
    with pytest.raises(ReportError, match="folder does not exist"):
        build_report(scenario, results, tmp_path / "nope" / "r.html")


def test_series_band_is_the_student_t_interval_at_each_time(run):
    _, results = run
    band = results["series"]["baseline"]["services"]["gp"]
    assert len(band["queue_ci95"][0]) == len(band["queue"])
    # the band at one time is figure() over replications: recompute from one replication set
    from mission_desktop.sim.experiment import _series_band

    curves = [[0.0, 2.0], [1.0, 4.0], [2.0, 9.0]]
    got = _series_band(curves)
    for j in range(2):
        f = figure([c[j] for c in curves])
        assert got["queue"][j] == pytest.approx(f["mean"])
        assert [got["queue_ci95"][0][j], got["queue_ci95"][1][j]] == pytest.approx(f["ci95"])


def test_results_of_another_scenario_or_malformed_are_refused(run):
    scenario, results = run
    assert results_problems(results, scenario) == []
    bad = copy.deepcopy(results)
    bad["variants"]["nope"] = bad["variants"]["baseline"]
    bad["variants"]["baseline"]["services"]["gp"]["mean_wait"] = {"mean": "x", "ci95": [1]}
    problems = results_problems(bad, scenario)
    assert any("no variant 'nope'" in p for p in problems)
    assert any("variants.baseline.services.gp.mean_wait" in p for p in problems)
    assert results_problems([], scenario) and results_problems({"format": "x"}, scenario)


def test_cli_report_from_results_and_by_running(run, tmp_path, capsys):
    scenario, results = run
    path = tmp_path / "s.mission.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    rpath = tmp_path / "r.json"
    rpath.write_text(json.dumps(results), encoding="utf-8")
    assert main(["report", str(path), "--results", str(rpath), "--out",
                 str(tmp_path / "a.html"), "--quiet"]) == 0
    assert (tmp_path / "a.html").exists()
    assert main(["report", str(path), "--out", str(tmp_path / "b.html"), "--workers", "1",
                 "--replications", "2"]) == 0
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "2 replications" in page
    rpath.write_text('{"format": "mission-desktop/results", "variants": {}}', encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(path), "--results", str(rpath), "--out",
                 str(tmp_path / "c.html")]) == 2
    assert "variants: no results" in capsys.readouterr().err
    assert main(["report", str(path), "--out", str(tmp_path / "c.txt")]) == 2
    assert ".html, .pdf or .docx" in capsys.readouterr().err


def test_pdf_text_has_the_summary_the_checklist_and_page_numbers(run, tmp_path):
    from pypdf import PdfReader

    scenario, results = run
    reader = PdfReader(build_report(scenario, results, tmp_path / "r.pdf"))
    pages = [p.extract_text() for p in reader.pages]
    text = " ".join("\n".join(pages).split())  # words as read, whatever the line breaks
    assert "Where did the pressure go?" in text and "STRESS-DES checklist" in text
    assert "FOR THE ANALYST" in text and "Appendix: the scenario file" in text
    assert f"page 1 of {len(pages)}" in pages[0].replace("\n", " ")
    assert HOSTILE in text  # as plain text
    assert reader.attachments  # the scenario file is attached


def test_docx_has_word_headings_tables_with_header_rows_and_pictures(run, tmp_path):
    import docx

    scenario, results = run
    doc = docx.Document(build_report(scenario, results, tmp_path / "r.docx"))
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(
        ("Heading", "Title"))]
    assert ("Title", HOSTILE) in heads  # markup kept as plain text
    for name in ("Summary", "Results", "The model", "Assurance pack", "Reproducibility"):
        assert ("Heading 1", name) in heads
    assert ("Heading 2", "STRESS-DES checklist") in heads
    assert len(doc.inline_shapes) == 4
    assert any(p.style.name == "Caption" for p in doc.paragraphs)
    headed = [t for t in doc.tables if t.rows[0]._tr.xpath("./w:trPr/w:tblHeader")]
    assert len(headed) >= 10
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    base = results["variants"]["baseline"]["services"]["gp"]["mean_wait"]
    assert fmt_figure(base, "mean_wait") in cells
