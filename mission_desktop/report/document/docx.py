"""The report as a Word document (python-docx) with real Word styles, so analysts can edit it
into a submission: Title, Heading 1/2/3, List Bullet, tables ("Table Grid") whose header row
repeats on every page, captions in the "Caption" style, charts as pictures with alt text, and
the scenario file as an appendix.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import charts as ch
from .outline import DATA_APPENDIX, blocks, data_caption

OPEN_FILL = "FFF4D6"
HEAD_FILL = "E8EDF3"


def _shade(cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    props.append(el)


def _caption(doc, text: str):
    return doc.add_paragraph(text, style="Caption")


def _bookmark(paragraph, name: str) -> None:
    """A Word bookmark around the paragraph's text (the target of an internal link)."""
    ident = zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF  # one id per name, stable
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _link(paragraph, text: str, anchor: str) -> None:
    """An internal hyperlink to the bookmark ``anchor``, in the Hyperlink character style
    (underlined: colour is not the only sign of a link)."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, attr, value in (("w:color", "w:val", "00529B"), ("w:u", "w:val", "single")):
        el = OxmlElement(tag)
        el.set(qn(attr), value)
        props.append(el)
    run.append(props)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _anchors(chart: ch.Chart) -> tuple[str, str]:
    return f"data_{chart.key}", f"chart_{chart.key}"


def _table(doc, table: dict[str, Any]) -> None:
    _caption(doc, table["caption"])
    columns, rows = table["columns"], table["rows"]
    key_value = table.get("key_value")
    t = doc.add_table(rows=0, cols=len(columns))
    t.style = "Table Grid"
    size = Pt(8 if len(columns) <= 4 else 7)
    if not key_value:
        head = t.add_row()
        _repeat_header(head)
        for cell, text in zip(head.cells, columns, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(text))
            run.bold = True
            run.font.size = size
            _shade(cell, HEAD_FILL)
    for r in rows:
        row = t.add_row()
        for i, (cell, text) in enumerate(zip(row.cells, r, strict=True)):
            run = cell.paragraphs[0].add_run(str(text))
            run.font.size = size
            if key_value and i == 0:
                run.bold = True
            if table.get("open") and text == table["open"]:
                run.bold = True
                _shade(cell, OPEN_FILL)
    doc.add_paragraph()


def _picture(doc, chart: ch.Chart) -> None:
    doc.add_picture(io.BytesIO(ch.png(chart, dpi=200)), width=Cm(16.5))
    # alt text: the picture's description (Word shows it as Alt Text; screen readers read it)
    inline = doc.paragraphs[-1].runs[-1]._r.xpath(".//wp:docPr")
    if inline:
        inline[0].set("descr", chart.alt)
        inline[0].set("title", chart.caption)
    to_data, to_chart = _anchors(chart)
    _bookmark(_caption(doc, chart.caption), to_chart)
    doc.add_paragraph("Text alternative: " + chart.alt)
    _link(doc.add_paragraph(), f"The data in this chart: a table in the {DATA_APPENDIX.lower()} ›",
          to_data)


def _chart_data(doc, chart: ch.Chart) -> None:
    to_data, to_chart = _anchors(chart)
    _table(doc, {"caption": data_caption(chart), "columns": chart.columns, "rows": chart.rows})
    caption = [p for p in doc.paragraphs if p.style.name == "Caption"][-1]
    _bookmark(caption, to_data)
    _link(doc.paragraphs[-1], "‹ Back to the chart", to_chart)


def _runs(paragraph, runs: list[tuple[str, bool]]) -> None:
    for text, bold in runs:
        paragraph.add_run(text).bold = bold


def render_docx(ctx: dict[str, Any], built: dict[str, ch.Chart | None], path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    doc.core_properties.title = ctx["title"]["name"]
    doc.core_properties.author = ctx["title"]["analyst"] if ctx["title"]["analyst"] != "not given" else ""
    doc.core_properties.comments = "Made by Mission Desktop " + ctx["title"]["version"]
    for block in blocks(ctx, built):
        kind = block[0]
        if kind == "heading":
            doc.add_heading(block[2], level=block[1])
        elif kind == "para":
            _runs(doc.add_paragraph(), block[1])
        elif kind == "bullet":
            _runs(doc.add_paragraph(style="List Bullet"), block[1])
        elif kind == "table":
            _table(doc, block[1])
        elif kind == "chart":
            _picture(doc, block[1])
        elif kind == "data":
            _chart_data(doc, block[1])
        elif kind == "code":
            for line in block[1].splitlines() or [""]:
                p = doc.add_paragraph()
                p.paragraph_format.space_after = Pt(0)
                run = p.add_run(line)
                run.font.name = "Consolas"
                run.font.size = Pt(7)
                run.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
        elif kind == "page":
            doc.add_page_break()
    _page_numbers(doc)
    doc.save(str(path))


def _field(paragraph, code: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``): Word works out its value as it lays out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")  # shown until the field is updated
            el.text = text
        run._r.append(el)


def _page_numbers(doc) -> None:
    """'Page N of M' in the footer, as Word fields (updated by Word as the document changes)."""
    p = doc.sections[0].footer.paragraphs[0]
    p.add_run("Page ")
    _field(p, "PAGE")
    p.add_run(" of ")
    _field(p, "NUMPAGES")
