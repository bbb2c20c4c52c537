"""HTML: one complete, self-contained HTML5 page with print CSS.

Every text of the documents is escaped (``html.escape``); nothing the figures
hold can become markup. Control characters and bidi overrides are removed first
(:func:`~narrator.formats.common.clean`): they cannot reorder or hide what the page
shows. Each language's content carries its ``lang`` attribute
(``zh-Hans``, ``en``). Two documents are set side by side: a two-column grid in
which each row is one pair of blocks from :func:`narrator.document.pair`, so a
paragraph and its translation start at the same height.

>>> from narrator.document import Document, Paragraph
>>> page = write([Document("zh", "标题", (Paragraph("p", "<script>x</script>"),))])
>>> "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape

from narrator.document import Block, Document, Heading, Paragraph, Table, pair
from narrator.formats.common import clean, lang_tag, lines, numeric_columns

#: The page's style sheet: readable on screen, A4 with running headers kept in print.
CSS = """
:root { color-scheme: light; }
body { margin: 0 auto; max-width: 62rem; padding: 2rem 1.5rem; color: #111; background: #fff;
  font: 16px/1.75 "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, "宋体",
  Georgia, "Times New Roman", serif; }
[lang="en"] { font-family: Georgia, "Times New Roman", "Noto Serif", serif; line-height: 1.6;
  hyphens: auto; }
h1 { font-size: 1.6rem; text-align: center; margin: 1.5rem 0 2rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.12rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
h1, h2, h3, h4 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", SimHei,
  "黑体", "Helvetica Neue", Arial, sans-serif; line-height: 1.4; }
p { margin: 0 0 .8rem; text-align: justify; }
[lang="zh-Hans"] p { text-indent: 2em; }
.lines p { text-indent: 0; margin: 0 0 .3rem; }
figure.table { margin: 1.25rem 0 1.75rem; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; line-height: 1.45; }
caption { font-weight: bold; font-size: 1rem; padding-bottom: .25rem; }
caption .unit { display: block; text-align: right; font-weight: normal; font-size: .85rem; }
th, td { border: 1px solid #555; padding: .3rem .45rem; vertical-align: top; text-align: left; }
thead th { background: #eee; text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figcaption.note { font-size: .85rem; margin-top: .35rem; white-space: pre-line; }
.bilingual { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2.25rem; }
.bilingual > div { min-width: 0; }
.bilingual table { font-size: .78rem; }
@page { size: A4; margin: 2cm 1.8cm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .bilingual table, table { font-size: 8.5pt; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, figcaption, caption { break-inside: avoid; page-break-inside: avoid; }
  figure.table { overflow: visible; }
  p { orphans: 3; widows: 3; }
}
""".strip()


def _text(text: str) -> str:
    return escape(clean(text), quote=True)


def _cell_text(text: str) -> str:
    return "<br>".join(_text(line) for line in lines(clean(text)))


def table_html(table: Table) -> Iterator[str]:
    """A <table> with its title and unit note as the <caption>, in a <figure>."""
    numeric = numeric_columns(table)
    yield '<figure class="table">'
    yield "<table>"
    caption = _text(table.title)
    if table.unit_note:
        caption += f'<span class="unit">{_text(table.unit_note)}</span>'
    yield f"<caption>{caption}</caption>"
    if table.header:
        cells = "".join(f'<th scope="col">{_cell_text(h)}</th>' for h in table.header)
        yield f"<thead><tr>{cells}</tr></thead>"
    yield "<tbody>"
    for row in table.rows:
        parts: list[str] = []
        for i, value in enumerate(row):
            if not table.header and i == 0:
                parts.append(f'<th scope="row">{_cell_text(value)}</th>')
            elif i in numeric:
                parts.append(f'<td class="num">{_cell_text(value)}</td>')
            else:
                parts.append(f"<td>{_cell_text(value)}</td>")
        yield f"<tr>{''.join(parts)}</tr>"
    yield "</tbody>"
    yield "</table>"
    if table.note:
        yield f'<figcaption class="note">{_cell_text(table.note)}</figcaption>'
    yield "</figure>"


def block_html(block: Block) -> str:
    """One block as HTML: h1–h4, p (free text keeps its lines as paragraphs), figure."""
    if isinstance(block, Heading):
        level = min(block.level + 1, 6)
        number = f'<span class="number">{_text(block.number)}</span>' if block.number else ""
        key = _text(block.key)
        return f'<h{level} data-key="{key}">{number}{_text(block.text)}</h{level}>'
    if isinstance(block, Paragraph):
        parts = lines(clean(block.text))
        if len(parts) > 1:
            inner = "".join(f"<p>{_text(part)}</p>" for part in parts)
            return f'<div class="lines" data-key="{_text(block.key)}">{inner}</div>'
        return f'<p data-key="{_text(block.key)}">{_text(block.text)}</p>'
    return "\n".join(table_html(block))


def _body(documents: Sequence[Document]) -> Iterator[str]:
    if len(documents) == 2:
        first, second = documents
        yield '<main class="bilingual">'
        for left, right in pair(first, second):
            for doc, block in ((first, left), (second, right)):
                inner = block_html(block) if block is not None else ""
                yield f'<div lang="{_text(lang_tag(doc.lang))}">{inner}</div>'
        yield "</main>"
        return
    for doc in documents:
        yield f'<main lang="{_text(lang_tag(doc.lang))}">'
        for block in doc.blocks:
            yield block_html(block)
        yield "</main>"


def write(documents: Sequence[Document]) -> str:
    """A complete HTML5 page of one document, or of two side by side."""
    lang = lang_tag(documents[0].lang) if documents else "zh-Hans"
    title = " / ".join(doc.title for doc in documents if doc.title)
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{_text(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="narrator">',
        f"<title>{_text(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *_body(documents), "</body>", "</html>"]) + "\n"


#: Scoped style of the notebook view (a fragment inside Jupyter's own page).
FRAGMENT_CSS = """
.narrator-report .bilingual { display: grid; grid-template-columns: 1fr 1fr; gap: 0.3em 1.5em; }
.narrator-report .findings { border-left: 4px solid #c60; padding: 0.2em 0.8em; margin: 0.5em 0; }
.narrator-report .findings.clean { border-color: #393; }
.narrator-report td.amount, .narrator-report th { text-align: right; }
"""


def fragment(documents: Sequence[Document], findings: Sequence[tuple[str, str, str]]) -> str:
    """A notebook view: the checker's findings, then the documents (side by side for two).

    ``findings`` are (severity, code, message) triples, already in the reader's language.
    """
    counts = {
        severity: sum(1 for f in findings if f[0] == severity)
        for severity in ("error", "warning", "info")
    }
    plural = {"error": "errors", "warning": "warnings", "info": "info"}
    summary = ", ".join(
        f"{n} {severity if n == 1 else plural[severity]}" for severity, n in counts.items()
    )
    items = "".join(
        f"<li><b>{_text(severity)}</b> <code>{_text(code)}</code> {_text(message)}</li>"
        for severity, code, message in findings
        if severity != "info"
    )
    clean = "" if counts["error"] or counts["warning"] else " clean"
    parts = [
        '<div class="narrator-report">',
        f"<style>{FRAGMENT_CSS}</style>",
        f'<div class="findings{clean}"><p>Checker: {_text(summary)}</p>',
        f"<ul>{items}</ul></div>" if items else "</div>",
        *_body(documents),
        "</div>",
    ]
    return "\n".join(parts)
