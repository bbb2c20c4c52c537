"""Hostile trials of batch rendering, the CLI and the writers.

Each trial does what a careless or hostile input (or user) would, and asserts that the
harm is absent: no output lost or overwritten, nothing hung, no worker left running, no
temporary file left behind, no traceback, no markup, link or escape sequence smuggled in.
Anything that could hang runs under a deadline or a subprocess timeout.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from narrator.document import Document, Heading, Paragraph, Table
from narrator.figures import FiguresError, load_figures, read_file
from narrator.formats import writer
from narrator.report import Report
from tests.conftest import LAKESIDE

# -- the writers ------------------------------------------------------------------------------

#: Markdown that would become structure or a link if it were not escaped.
MARKUP = (
    "\n# heading\n===\n---\n> quote\n- item\n1. item\n: definition\n| a | b |\n|---|---|\n"
    "[click](javascript:alert(1)) ![i](x.png) <https://e.vil> <a@e.vil> https://e.vil "
    "javascript:alert(2) www.e.vil mail@e.vil $x^2$ <b>bold</b> &amp; `code` **strong** ##"
)
#: Characters no document may carry: terminal escapes, XML-incompatible, bidi overrides.
CONTROLS = "\x00\x07\x0b\x0c\x1b[31m\x1b]0;title\x07\x7f\x85\x9b\u202e\u2066\ufffe\ud800"
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)


def hostile_document(payload: str, lang: str = "zh") -> Document:
    """Every text position of every block kind holds ``payload``."""
    return Document(
        lang,
        "Title" + payload,
        (
            Heading("title", 0, "", "Title" + payload),
            Heading("h", 1, "一、", "Heading" + payload),
            Paragraph("p", "Paragraph" + payload),
            Table(
                "t",
                "Table" + payload,
                "Unit" + payload,
                ("Header" + payload, "2"),
                (("Cell" + payload, "1.00"), ("2.00", "Cell" + payload)),
                "Note" + payload,
            ),
        ),
    )


def hostile_report(payload: str) -> Report | None:
    """Lakeside with ``payload`` after every free text; None if the figures refuse it."""

    def spoil(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) <= {"zh", "en"} and all(isinstance(v, str) for v in node.values()):
                return {key: value + payload for key, value in node.items()}
            return {key: spoil(value) for key, value in node.items()}
        if isinstance(node, list):
            return [spoil(value) for value in node]
        return node

    try:
        return Report(load_figures(spoil(read_file(LAKESIDE))))
    except FiguresError:
        return None  # refused with a message naming the field: no harm either


def markdown_harm(text: str) -> list[str]:
    """Lines of Markdown that a renderer would read as structure or a link from MARKUP."""
    block = re.compile(r"#+ heading|\s*(=+\s*$|-+\s*$|> |[-+*] (?!\*\*)|\d+[.)] |: |\|-)")
    inline = re.compile(
        r"(?<!\\)[\[$@`]|(?<!\\)<(?!br>)|(?<!\\)&|javascript:|https?:|www\.|(?<!\\)\*\*strong"
    )
    return [line for line in text.splitlines() if block.match(line) or inline.search(line)]


def test_markdown_text_never_becomes_structure_or_links():
    from narrator.formats.markdown import side_by_side

    zh, en = hostile_document(MARKUP), hostile_document(MARKUP, "en")
    for text in (
        writer("md")([zh]),
        writer("md")([zh, en]),
        # (the finding's code is the writer's own code span)
        side_by_side([zh, en], [("error", "E1", "Finding" + MARKUP)]).replace("`E1`", "E1"),
    ):
        assert markdown_harm(text) == []
        assert "javascript\\:alert(1)" in text  # shown, not dropped
    report = hostile_report(MARKUP)
    if report is not None:
        for lang in ("zh", "en", "both"):
            assert markdown_harm(report.render(lang, "md")) == []
        view = re.sub(r" `[a-z0-9-]+` ", " ", report._repr_markdown_())  # codes: the writer's
        assert markdown_harm(view) == []


def test_every_writer_takes_control_characters():
    zh, en = hostile_document(CONTROLS), hostile_document(CONTROLS, "en")
    for name in ("md", "html"):
        for documents in ([zh], [zh, en]):
            text = writer(name)(documents)
            assert isinstance(text, str)
            assert not FORBIDDEN.search(text), name
            text.encode("utf-8")
    # Plain text keeps the documents' text (the CLI guards the terminal), but can always
    # be written: a lone surrogate is replaced.
    writer("text")([zh]).encode("utf-8")
    docx = pytest.importorskip("docx")
    for documents in ([zh], [zh, en]):
        data = writer("docx")(documents)
        assert isinstance(data, bytes)
        word = docx.Document(io.BytesIO(data))
        texts = [p.text for p in word.paragraphs]
        texts += [c.text for t in word.tables for row in t.rows for c in row.cells]
        assert any("Paragraph" in t for t in texts) and any("Cell" in t for t in texts)
        assert not any(FORBIDDEN.search(t) for t in texts)


def test_reports_with_control_characters_in_free_text_render_in_every_format():
    report = hostile_report(CONTROLS)
    if report is None:
        return  # refused when loaded: a message, no harm
    for name in ("text", "md", "html", "docx"):
        for lang in ("zh", "both"):
            report.render(lang, name)
    assert not FORBIDDEN.search(report.render("both", "html"))
    assert not FORBIDDEN.search(report._repr_html_())
