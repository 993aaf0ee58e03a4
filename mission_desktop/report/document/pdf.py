"""The report as a paginated PDF with fpdf2: page numbers, a bookmark per section, charts as
vector graphics (matplotlib's SVG, drawn by fpdf2 as PDF paths, so they stay crisp at any
zoom), tables with repeated header rows, the scenario file attached and as an appendix.

Why fpdf2: pure Python (wheels for every platform, no Cairo, Pango or other system
library), it embeds TrueType fonts with full Unicode, and it draws SVG natively. The fonts
are the DejaVu family that matplotlib ships, so nothing is downloaded and nothing depends on
the machine's fonts.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF, FontFace

from . import charts as ch
from .outline import DATA_APPENDIX, blocks, data_caption

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# fpdf2 notes the SVG parts it leaves out (hatch patterns, metadata); the fills stay
logging.getLogger("fpdf.svg").setLevel(logging.ERROR)


class _Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(True, margin=18)
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.add_font("Mono", "", str(FONT_DIR / "DejaVuSansMono.ttf"))
        self.set_title(title)
        self.set_creator("Mission Desktop")
        self.set_lang("en-GB")
        #: chart key → (link to its data table, link back to the chart)
        self.chart_links: dict[str, tuple[int, int]] = {}

    def chart_link_pair(self, key: str) -> tuple[int, int]:
        if key not in self.chart_links:
            self.chart_links[key] = (self.add_link(), self.add_link())
        return self.chart_links[key]

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(80, 80, 80)
        short = self.report_title if len(self.report_title) < 70 else self.report_title[:67] + "…"
        self.cell(0, 6, f"{short} — page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _runs(pdf: FPDF, runs: list[tuple[str, bool]], size: float, indent: str = "") -> None:
    pdf.set_x(pdf.l_margin)
    if indent:
        pdf.set_font("DejaVu", "", size)
        pdf.write(size * 0.5, indent)
    for text, bold in runs:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.write(size * 0.5, text)
    pdf.ln(size * 0.5 + 1.5)


def _table(pdf: FPDF, table: dict[str, Any]) -> None:
    columns, rows = table["columns"], table["rows"]
    n = len(columns)
    size = 8 if n <= 4 else 7 if n <= 6 else 6
    pdf.set_font("DejaVu", "B", 8.5)
    pdf.multi_cell(0, 5, table["caption"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", size)
    widths = None
    if n >= 2 and table.get("key_value"):
        widths = (30, 70)
    elif n == 3 and table.get("open"):
        widths = (12, 40, 110)
    elif n > 2:
        widths = tuple([1.4] + [1.0] * (n - 1))
    head = FontFace(emphasis="BOLD", fill_color=(232, 237, 243))
    open_mark = table.get("open")
    with pdf.table(
        col_widths=widths,
        headings_style=head,
        first_row_as_headings=not table.get("key_value"),
        repeat_headings=1,
        text_align="LEFT",
        line_height=size * 0.5,
        padding=1,
    ) as t:
        if not table.get("key_value"):
            row = t.row()
            for c in columns:
                row.cell(str(c))
        for r in rows:
            row = t.row()
            for i, cell in enumerate(r):
                style = None
                if open_mark and cell == open_mark:
                    style = FontFace(emphasis="BOLD", fill_color=(255, 244, 214))
                elif table.get("key_value") and i == 0:
                    style = FontFace(emphasis="BOLD")
                row.cell(str(cell), style=style)
    pdf.ln(3)


LINK_BLUE = (0, 82, 155)


def _link_line(pdf: FPDF, text: str, link: int) -> None:
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*LINK_BLUE)
    pdf.write(4, text, link=link)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(5)


def _chart(pdf: _Report, chart: ch.Chart) -> None:
    svg = ch.svg(chart, text_as_paths=True).encode("utf-8")
    width = pdf.epw
    w_in, h_in = chart.figure.get_size_inches()
    height = width * h_in / w_in
    if pdf.get_y() + height + 20 > pdf.page_break_trigger:
        pdf.add_page()
    to_data, to_chart = pdf.chart_link_pair(chart.key)
    pdf.set_link(to_chart, y=pdf.get_y(), page=pdf.page_no())
    pdf.image(io.BytesIO(svg), x=pdf.l_margin, w=width, alt_text=chart.alt)
    pdf.set_font("DejaVu", "I", 8)
    pdf.multi_cell(0, 4, chart.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 3.6, "Text alternative: " + chart.alt, new_x="LMARGIN", new_y="NEXT")
    _link_line(pdf, f"The data in this chart: a table in the {DATA_APPENDIX.lower()} ›", to_data)
    pdf.ln(1)


def _chart_data(pdf: _Report, chart: ch.Chart) -> None:
    to_data, to_chart = pdf.chart_link_pair(chart.key)
    if pdf.get_y() + 30 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_link(to_data, y=pdf.get_y(), page=pdf.page_no())
    _table(pdf, {"caption": data_caption(chart), "columns": chart.columns, "rows": chart.rows})
    _link_line(pdf, "‹ Back to the chart", to_chart)


HEADING_SIZES = {0: 20, 1: 15, 2: 12, 3: 10.5}


def render_pdf(ctx: dict[str, Any], built: dict[str, ch.Chart | None], path: Path) -> None:
    pdf = _Report(ctx["title"]["name"])
    pdf.add_page()
    for block in blocks(ctx, built):
        kind = block[0]
        if kind == "heading":
            level, text = block[1], block[2]
            if level <= 2:
                pdf.start_section(text, level=max(level - 1, 0))
            pdf.ln(2 if level > 1 else 4)
            pdf.set_font("DejaVu", "B", HEADING_SIZES[level])
            pdf.set_text_color(29, 53, 87)
            pdf.multi_cell(0, HEADING_SIZES[level] * 0.5, text, new_x="LMARGIN", new_y="NEXT",
                           align="L")  # fpdf2 justifies by default: gaps in short lines
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1.5)
        elif kind == "para":
            _runs(pdf, block[1], 9.5)
        elif kind == "bullet":
            _runs(pdf, block[1], 9.5, indent="•  ")
        elif kind == "table":
            _table(pdf, block[1])
        elif kind == "chart":
            _chart(pdf, block[1])
        elif kind == "data":
            _chart_data(pdf, block[1])
        elif kind == "code":
            pdf.set_font("Mono", "", 6.5)
            pdf.multi_cell(0, 3.2, block[1], new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(2)
        elif kind == "page":
            pdf.add_page()
    pdf.embed_file(
        basename=ctx["file_name"],
        bytes=ctx["file_text"].encode("utf-8"),
        desc="The scenario file of this report",
    )
    pdf.output(str(path))
