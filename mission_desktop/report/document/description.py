"""The scenario's description, rendered from its markdown (raw HTML in it is shown as text).

For HTML: markdown-it's own rendering with HTML disabled. For Word and PDF: a list of plain
blocks (heading, paragraph, list item, table) that those renderers lay out in their own
styles; inline emphasis is kept as ``**bold**`` runs split into ``(text, bold)`` pieces.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt


def _parser() -> MarkdownIt:
    # "commonmark" with tables; html off: a <script> in a description is text, never markup
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = lambda url: url.lower().startswith(("http://", "https://", "mailto:"))
    return md


def description_html(text: str, heading_shift: int = 2) -> str:
    """The description as HTML, raw HTML in it shown as text and links only to the web.

    Headings are shifted down ``heading_shift`` levels (the report owns h1/h2; the app's
    preview passes 0)."""
    html = _parser().render(text or "")
    for level in range(6, 0, -1):
        new = min(level + heading_shift, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return html


def _inline(token: Any) -> list[tuple[str, bool]]:
    """An inline token's text as (text, bold) runs."""
    runs: list[tuple[str, bool]] = []
    bold = False
    for child in token.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type in ("text", "code_inline"):
            runs.append((child.content, bold))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append((" ", bold))
    return runs


def description_blocks(text: str) -> list[dict[str, Any]]:
    """[{"kind": "heading", "level": 1, "runs": [...]}, {"kind": "paragraph", ...},
    {"kind": "item", ...}, {"kind": "table", "rows": [[cell runs, ...], ...]}]."""
    tokens = _parser().parse(text or "")
    blocks: list[dict[str, Any]] = []
    i = 0
    in_item = 0
    table: list[list[list[tuple[str, bool]]]] | None = None
    row: list[list[tuple[str, bool]]] | None = None
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            blocks.append(
                {"kind": "heading", "level": int(t.tag[1]), "runs": _inline(tokens[i + 1])}
            )
            i += 2
        elif t.type == "list_item_open":
            in_item += 1
        elif t.type == "list_item_close":
            in_item -= 1
        elif t.type == "table_open":
            table = []
        elif t.type == "table_close":
            blocks.append({"kind": "table", "rows": table or []})
            table = None
        elif t.type == "tr_open":
            row = []
        elif t.type == "tr_close" and table is not None and row is not None:
            table.append(row)
        elif t.type == "inline" and table is not None and row is not None:
            row.append(_inline(t))
        elif t.type == "inline":
            kind = "item" if in_item else "paragraph"
            blocks.append({"kind": kind, "runs": _inline(t)})
        elif t.type in ("fence", "code_block"):
            blocks.append({"kind": "paragraph", "runs": [(t.content.rstrip(), False)]})
        i += 1
    return blocks


def plain(runs: list[tuple[str, bool]]) -> str:
    return "".join(text for text, _ in runs)


SOURCE_HEADINGS = ("source", "data", "come from", "cost", "evidence", "reference")


def named_sources(text: str) -> list[str]:
    """The sources a description names in bold (e.g. '**NHS National Cost Collection**') in
    its tables and under headings about sources, data or costs — each once, in order: the
    data log's list of where inputs came from. Amounts ('**£450 per bed-day**') are not."""
    seen: list[str] = []
    under_sources = False
    for block in description_blocks(text):
        if block["kind"] == "heading":
            title = plain(block["runs"]).lower()
            under_sources = any(word in title for word in SOURCE_HEADINGS)
            continue
        runs = list(block.get("runs") or []) if under_sources else []
        for row in block.get("rows") or []:
            for cell in row:
                runs.extend(cell)
        for piece, bold in runs:
            name = piece.strip(" .,:;")
            if bold and len(name) > 3 and not name[0].isdigit() and name[0] != "£":
                if name not in seen:
                    seen.append(name)
    return seen
