"""The report as one self-contained HTML file: charts inline as SVG, the scenario file
embedded as a download, no external fetches; printable (print styles start each section on
a new page).

Every text from the scenario goes through Jinja2's autoescaping; the only markup let through
unescaped is matplotlib's SVG (which escapes its own text) and the description rendered by
markdown-it with raw HTML disabled.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from . import charts as ch

TEMPLATES = Path(__file__).with_name("templates")


def simple_table(table: dict[str, Any]) -> Markup:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table["columns"])
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>\n"
        for row in table["rows"]
    )
    return Markup(
        f"<table><caption>{escape(table['caption'])}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"
    )


def _svg_for_html(chart: ch.Chart, n: int) -> str:
    """The chart's SVG with its ids made unique in the page and its text alternative as
    the accessible name."""
    svg = ch.svg(chart)
    prefix = f"c{n}-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'(href|xlink:href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}{m.group(2)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{prefix}alt" ', 1)


def figure(chart: ch.Chart | None, n: int) -> Markup:
    if chart is None:
        return Markup("")
    svg = _svg_for_html(chart, n)
    alt = f'<p id="c{n}-alt" class="alt">{escape(chart.alt)}</p>'
    table = simple_table({"caption": f"Data: {chart.caption}", "columns": chart.columns,
                          "rows": chart.rows})
    return Markup(
        f'<figure id="chart-{escape(chart.key)}">{svg}<figcaption>{escape(chart.caption)}'
        f"</figcaption>{alt}<details><summary>The data in this chart</summary>{table}"
        "</details></figure>\n"
    )


def render_html(ctx: dict[str, Any], built: dict[str, ch.Chart | None]) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=False,
    )
    counter = iter(range(1, 1000))
    charts = {
        "results": [figure(built.get(k), next(counter)) for k in ("forest", "queues")],
        "costs": figure(built.get("costs"), next(counter)),
        "map": figure(built.get("map"), next(counter)),
    }
    template = env.get_template("report.html.j2")
    return template.render(
        t=ctx["title"],
        charts=charts,
        figure=lambda m: m,
        simple_table=simple_table,
        description_html=Markup(ctx["description_html"]),
        file_b64=base64.b64encode(ctx["file_text"].encode("utf-8")).decode("ascii"),
        **{k: v for k, v in ctx.items() if k not in ("title", "description_html")},
    )
