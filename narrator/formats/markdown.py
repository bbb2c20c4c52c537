"""Markdown: ``#`` headings, paragraphs, pipe tables with their unit note.

Text is escaped so that nothing in it is read as Markdown or HTML: a figure's free
text ``<script>`` prints as the characters, not as a tag, and ``# x``, ``===``, a
``[link](javascript:…)``, ``<https://…>``, ``www.…``, ``https://…`` or an e-mail address
on a line of its own never become a heading, a rule or a link, in any text position.
Control characters and bidi overrides are removed (:func:`~narrator.formats.common.clean`).

>>> from narrator.document import Document, Heading, Paragraph
>>> doc = Document("zh", "T", (Heading("t", 0, "", "T"), Paragraph("p", "a*b*<i>")))
>>> print(write([doc]), end="")
# T
<BLANKLINE>
a\\*b\\*\\<i\\>
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from narrator.document import Block, Document, Heading, Paragraph, Table, pair
from narrator.formats.common import clean, lines, numeric_columns, one_line

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# can start markup inside a line (emphasis, code, links, raw HTML, entities, tables,
# escapes, a heading's closing #s, Jupyter's $math$).
_INLINE = re.compile(r"([\\`*_\[\]<>|~&#$])")
# ...and these only at the start of a line (headings, quotes, lists, rules, setext
# underlines, definition lists and table delimiter rows).
_LINE_START = re.compile(r"^(\s*)([#>+=:-]|\d+[.)])")
# GFM's extended autolinks (and linkifiers) need no brackets: a scheme before text
# ("https://", "javascript:"), "www." and an e-mail's "@". Escaping the ":", "." or "@"
# leaves them plain text.
# (Not \b: a Chinese character before "http" is a word character to Python, not to cmark.)
_AUTOLINK = re.compile(
    r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*)(:)(?=\S)|(?<![A-Za-z0-9])([Ww]{3})(\.)|(@)"
)


def escape(text: str) -> str:
    r"""One line of text as Markdown that shows exactly that text.

    >>> escape("1. R&D_b | <b>")
    '1\\. R\\&D\\_b \\| \\<b\\>'
    >>> escape("see javascript:alert(1) or www.x.org, a@b.cn, 见https://x.cn")
    'see javascript\\:alert(1) or www\\.x.org, a\\@b.cn, 见https\\://x.cn'
    """
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), escape_inline(text))


def escape_inline(text: str) -> str:
    """Text inside a line (a table cell): only the inline markup characters are escaped."""
    return _AUTOLINK.sub(_escape_autolink, _INLINE.sub(r"\\\1", text))


def _escape_autolink(match: re.Match[str]) -> str:
    scheme, colon, www, dot, at = match.groups()
    if at:
        return "\\@"
    if www:
        return www + "\\" + dot
    return scheme + "\\" + colon


def _lines(text: str) -> list[str]:
    """A multi-line text's lines, each escaped as a line of its own."""
    return [escape(line) for line in lines(clean(text))]


def _escape_marker(marker: str) -> str:
    if marker[-1] in ".)":
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _cell(text: str) -> str:
    # A cell is one line: its line breaks become <br> (GFM's way).
    return "<br>".join(escape_inline(line) for line in lines(clean(text))) or " "


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def table_lines(table: Table) -> Iterator[str]:
    """A pipe table: title in bold, the unit note, the table, the note under it."""
    if table.title:
        yield f"**{escape(one_line(table.title))}**"
        yield ""
    if table.unit_note:
        yield "\\\n".join(_lines(table.unit_note))
        yield ""
    width = max([len(table.header), *(len(row) for row in table.rows)], default=1)
    numeric = numeric_columns(table)
    # GFM needs a header row; a label/value table gets an empty one.
    header = tuple(table.header) + ("",) * (width - len(table.header))
    yield _row(header)
    yield "| " + " | ".join("---:" if i in numeric else "---" for i in range(width)) + " |"
    for row in table.rows:
        yield _row(tuple(row) + ("",) * (width - len(row)))
    if table.note:
        yield ""
        yield "  \n".join(_lines(table.note))


def block_text(block: Block) -> str:
    if isinstance(block, Heading):
        # A heading is one line: a line break in it would start a block of its own.
        return "#" * (block.level + 1) + " " + escape_inline(one_line(block.number + block.text))
    if isinstance(block, Paragraph):
        # Hard line breaks keep the lines of free text (duties) apart.
        return "\\\n".join(_lines(block.text))
    return "\n".join(table_lines(block))


def generate(documents: Sequence[Document]) -> Iterator[str]:
    """Markdown blocks; two documents are interleaved block by block (zh, then en)."""
    if len(documents) == 2:
        for first, second in pair(documents[0], documents[1]):
            for block in (first, second):
                if block is not None:
                    yield block_text(block)
        return
    for document in documents:
        for block in document.blocks:
            yield block_text(block)


def write(documents: Sequence[Document]) -> str:
    return "\n\n".join(text for text in generate(documents) if text) + "\n"


def side_by_side(documents: Sequence[Document], findings: Sequence[tuple[str, str, str]]) -> str:
    """A notebook view: findings, then a two-column table of each block and its translation."""
    counts = {
        severity: sum(1 for f in findings if f[0] == severity)
        for severity in ("error", "warning", "info")
    }
    lines = ["**Checker:** " + ", ".join(f"{n} {severity}" for severity, n in counts.items()), ""]
    lines += [
        f"- **{severity}** `{code}` {escape_inline(one_line(message))}"
        for severity, code, message in findings
        if severity != "info"
    ]
    lines += ["", "| 中文 | English |", "| --- | --- |"]
    first, second = documents
    for left, right in pair(first, second):
        cells = [_side_cell(block) if block is not None else " " for block in (left, right)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _side_cell(block: Block) -> str:
    """One block as an escaped table cell; headings and table titles in bold."""
    if isinstance(block, Heading):
        return f"**{_cell(block.number + block.text)}**"
    if isinstance(block, Table):
        return f"**{_cell(block.title)}** ({_cell(block.unit_note)})"
    return _cell(block.text)
