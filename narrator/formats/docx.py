"""Word (.docx): real headings, paragraphs and Word tables, with East Asian fonts.

python-docx is imported only when this writer runs. The document title is Word's
``Title`` style and levels 1–3 are ``Heading 1``–``Heading 3`` with their numbers
(一、 （一） 1.) as text, so they show in Word's navigation pane and a table of
contents. Normal, Title and the headings name a western font and an East Asian
font (``w:eastAsia``), so Chinese renders in Word and LibreOffice alike.

Two documents (Chinese and English) are written *sequentially per block*: each
Chinese block is followed by its English counterpart (same heading level, same
table shape), in the order of :func:`narrator.document.pair`. Headings stay real
headings in both languages and tables stay full-width, which a side-by-side
layout (a two-column table per block) would not allow.

Control characters, which XML (and so python-docx) cannot hold, are removed and
line-like ones become line breaks (:func:`~narrator.formats.common.clean`).

The output is deterministic: the same documents give the same bytes.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from narrator.document import Block, Document, Heading, Paragraph, Table, pair
from narrator.formats.common import (
    WORD_LANGS,
    clean,
    is_amount,
    lines,
    numeric_columns,
    one_line,
)

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.shared import Length

#: Western font of body text and tables.
WESTERN_FONT = "Times New Roman"
#: East Asian font of body text and tables (宋体).
EAST_ASIAN_FONT = "SimSun"
#: Western font of the title and headings.
HEADING_WESTERN_FONT = "Arial"
#: East Asian font of the title and headings (黑体).
HEADING_EAST_ASIAN_FONT = "SimHei"
#: Styles given the body fonts; headings and the title get the heading fonts.
BODY_STYLES = ("Normal", "Table Grid", "Caption")
HEADING_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4")
#: A fixed time for the package's parts and properties, so output is reproducible.
FIXED_TIME = datetime(2000, 1, 1)
#: Page size and margins (A4, as disclosure offices print), in centimetres.
PAGE_CM = (21.0, 29.7)
MARGIN_CM = 2.5
#: Size of the text in table cells (points), and a cell's left and right margins together
#: (Table Grid's 0.19 cm each).
CELL_PT = 9
CELL_MARGINS_CM = 0.38
#: A column whose text is longer than this (points, about 14 Chinese characters) wraps.
WANT_POINTS = 126.0
#: The narrowest column (two Chinese characters: room to write in an empty one), and the
#: room an amount gets beyond its estimated width, in points.
MIN_POINTS = 20.0
AMOUNT_SLACK = 2.0


def _set_fonts(style: Any, western: str, east_asian: str) -> None:
    """Name the fonts of a style: ascii/hAnsi western, eastAsia Chinese; no theme fonts."""
    from docx.oxml.ns import qn

    style.font.name = western
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attribute)) is not None:
            del fonts.attrib[qn(attribute)]
    fonts.set(qn("w:ascii"), western)
    fonts.set(qn("w:hAnsi"), western)
    fonts.set(qn("w:cs"), western)
    fonts.set(qn("w:eastAsia"), east_asian)


def _set_language(rpr: Any, lang: str) -> None:
    """Proofing languages of a run or style: Latin text in ``lang`` (English in Chinese
    text), East Asian text in Chinese."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    found = rpr.find(qn("w:lang"))
    if found is None:
        found = OxmlElement("w:lang")
        rpr.append(found)
    latin = WORD_LANGS["en"] if lang == "zh" else WORD_LANGS.get(lang, lang)
    found.set(qn("w:val"), latin)
    found.set(qn("w:eastAsia"), WORD_LANGS["zh"])


def _prepare(word: WordDocument) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    styles = word.styles
    for name in BODY_STYLES:
        if name in [s.name for s in styles]:
            _set_fonts(styles[name], WESTERN_FONT, EAST_ASIAN_FONT)
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    _set_language(normal.element.get_or_add_rPr(), "zh")
    for name in HEADING_STYLES:
        style = styles[name]
        _set_fonts(style, HEADING_WESTERN_FONT, HEADING_EAST_ASIAN_FONT)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
    caption = styles["Caption"] if _has_style(word, "Caption") else None
    if caption is not None:
        caption.font.color.rgb = RGBColor(0, 0, 0)
        caption.font.italic = False
    title = styles["Title"]
    title.font.size = Pt(18)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sizes = {"Heading 1": 15, "Heading 2": 13, "Heading 3": 12}
    for name, size in sizes.items():
        styles[name].font.size = Pt(size)


def _paragraph_lang(paragraph: Any, lang: str) -> None:
    for run in paragraph.runs:
        _set_language(run._element.get_or_add_rPr(), lang)


def _row_flag(row: Any, flag: str) -> None:
    """Set a row property: ``w:tblHeader`` (repeat on every page), ``w:cantSplit``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(flag)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _add_table(word: WordDocument, table: Table, lang: str) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    caption = word.add_paragraph(style="Caption" if _has_style(word, "Caption") else None)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    run = caption.add_run(one_line(table.title))
    run.bold = True
    run.font.size = Pt(12)
    _paragraph_lang(caption, lang)
    if table.unit_note:
        unit = word.add_paragraph(one_line(table.unit_note))
        unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        unit.paragraph_format.keep_with_next = True
        _paragraph_lang(unit, lang)
    width = max([len(table.header), *(len(row) for row in table.rows)], default=1)
    numeric = numeric_columns(table)
    header = tuple(clean(text) for text in table.header)
    body = [tuple(clean(text) for text in row) for row in table.rows]
    rows = ([header] if header else []) + body
    grid = word.add_table(rows=len(rows), cols=width)
    grid.style = word.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = column_widths(header, body, width)
    grid.autofit = False
    for c, column_width in enumerate(widths):
        grid.columns[c].width = column_width
    # Rows and their cells are walked once: grid.cell(r, c) rebuilds the whole grid.
    for r, (values, row) in enumerate(zip(rows, grid.rows, strict=True)):
        is_header = bool(header) and r == 0
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
            text = values[c] if c < len(values) else ""
            paragraph = cell.paragraphs[0]
            parts = lines(text)
            for i, line in enumerate(parts):
                run = paragraph.add_run(line)
                run.font.size = Pt(CELL_PT)
                if i < len(parts) - 1:
                    run.add_break()
                if is_header or (not header and c == 0):
                    run.bold = True
            if is_header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif c in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if not is_header and is_amount(text):
                _no_wrap(cell)
            _paragraph_lang(paragraph, lang)
        _row_flag(row, "w:cantSplit")
        if is_header:
            _row_flag(row, "w:tblHeader")
    if table.note:
        for line in lines(clean(table.note)):
            note = word.add_paragraph(line)
            note.paragraph_format.space_before = Pt(3)
            for run in note.runs:
                run.font.size = Pt(CELL_PT)
            _paragraph_lang(note, lang)


def _no_wrap(cell: Any) -> None:
    """``w:noWrap``: Word and LibreOffice never break this cell's text across lines."""
    from docx.oxml import OxmlElement

    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def text_points(text: str, *, bold: bool = False, size: float = CELL_PT) -> float:
    """How wide ``text`` prints in points, from the widths of Times New Roman and SimSun.

    Estimated per character and on the generous side: a Chinese character is one em, a
    digit half, narrow punctuation a quarter, capitals and ``%`` about four fifths.
    """
    ems = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            ems += 1.0
        elif ch in ".,:;'!|il ()[]":
            ems += 0.3
        elif ch.isupper() or ch in "%&@mwMW":
            ems += 0.8
        else:
            ems += 0.52
    return ems * size * (1.08 if bold else 1.0)


_WIDE_OR_SPACE = re.compile(
    r"\s+|(?=[\u2e80-\ufe4f\uff00-\uffef])|(?<=[\u2e80-\ufe4f\uff00-\uffef])"
)


def _unbreakable(text: str) -> list[str]:
    """The pieces a line may not break inside: Latin words and numbers, each Chinese
    character on its own (Chinese breaks between any two characters)."""
    return [piece for line in lines(text) for piece in _WIDE_OR_SPACE.split(line) if piece]


def column_widths(
    header: Sequence[str], rows: Sequence[Sequence[str]], columns: int
) -> list[Length]:
    """Column widths filling the text width of an A4 page, each from what it holds.

    In order of precedence, a column is as wide as its widest amount (amounts are never
    broken), its longest word, and its text on one line (up to about fourteen Chinese
    characters); the page's width is shared out by these wishes, the first ones first.
    """
    from docx.shared import Cm

    margins = CELL_MARGINS_CM * 72 / 2.54  # points
    wishes: list[tuple[float, float, float]] = []  # (amounts, words, one line) per column
    for c in range(columns):
        body = [row[c] for row in rows if c < len(row) and row[c]]
        title = header[c] if c < len(header) else ""
        amounts = max(
            [text_points(text) + AMOUNT_SLACK for text in body if is_amount(text)] + [MIN_POINTS]
        )
        words = max(
            [text_points(piece) for text in body for piece in _unbreakable(text)]
            + [text_points(piece, bold=True) for piece in _unbreakable(title)]
            + [amounts]
        )
        natural = max([text_points(line) for text in body for line in lines(text)] + [0.0])
        heading = text_points(one_line(title), bold=True) / 2  # a heading may take two lines
        wishes.append((amounts, words, max(words, min(natural, WANT_POINTS), heading)))
    room = (PAGE_CM[0] - 2 * MARGIN_CM) * 72 / 2.54 - columns * margins
    levels = list(zip(*wishes, strict=True))  # amounts, words, one line: each per column
    if sum(levels[-1]) <= room:  # everything on one line: share out the rest alike
        total = sum(levels[-1]) or 1
        points = [w + (room - total) * w / total for w in levels[-1]]
    else:
        # The last wish that fits whole, plus a share of the next one's extra.
        fits = max((i for i, level in enumerate(levels) if sum(level) <= room), default=None)
        if fits is None:  # not even the amounts fit: keep their proportions
            points = [a * room / sum(levels[0]) for a in levels[0]]
        else:
            base, more = levels[fits], levels[fits + 1]
            extra = [m - b for m, b in zip(more, base, strict=True)]
            left, wanted = room - sum(base), sum(extra) or 1
            points = [b + left * e / wanted for b, e in zip(base, extra, strict=True)]
    return [Cm((p + margins) * 2.54 / 72) for p in points]


def _has_style(word: WordDocument, name: str) -> bool:
    return any(style.name == name for style in word.styles)


def _add_block(word: WordDocument, block: Block, lang: str) -> None:
    from docx.shared import Pt

    if isinstance(block, Heading):
        level = min(max(block.level, 0), 4)
        heading = word.add_heading(one_line(f"{block.number}{block.text}"), level=level)
        _paragraph_lang(heading, lang)
    elif isinstance(block, Paragraph):
        for line in lines(clean(block.text)):
            paragraph = word.add_paragraph(line)
            if lang == "zh":
                paragraph.paragraph_format.first_line_indent = Pt(22)
            _paragraph_lang(paragraph, lang)
    else:
        _add_table(word, block, lang)


def _reproducible(data: bytes) -> bytes:
    """The package re-zipped with fixed entry times (python-docx stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def write(documents: Sequence[Document]) -> bytes:
    """A .docx of one document, or of two (each Chinese block followed by its English)."""
    import docx
    from docx.shared import Cm

    word = docx.Document()
    _prepare(word)
    for section in word.sections:
        section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
    properties = word.core_properties
    properties.title = one_line(" / ".join(doc.title for doc in documents if doc.title))
    properties.language = ", ".join(WORD_LANGS.get(doc.lang, doc.lang) for doc in documents)
    properties.author = "narrator"
    properties.last_modified_by = "narrator"
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.revision = 1
    if len(documents) == 2:
        first, second = documents
        for left, right in pair(first, second):
            if left is not None:
                _add_block(word, left, first.lang)
            if right is not None:
                _add_block(word, right, second.lang)
    else:
        for document in documents:
            for block in document.blocks:
                _add_block(word, block, document.lang)
    buffer = io.BytesIO()
    word.save(buffer)
    return _reproducible(buffer.getvalue())
