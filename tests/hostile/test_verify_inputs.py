"""Hostile written reports for `narrator verify`: refused with one line, never a hang or a bomb."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from narrator import load
from narrator.cli import main
from narrator.verify.reading import MAX_FILE_BYTES
from tests.conftest import LAKESIDE
from tests.hostile.test_templates import finishes


def refused(capsys, report) -> str:
    code = finishes(lambda: main(["verify", str(report), "--figures", str(LAKESIDE)]))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith("narrator: ") and str(report) in last
    return last


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_opening_it(tmp_path, capsys):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    assert "FIFO" in refused(capsys, fifo)


def test_a_file_too_large_to_be_a_report_is_refused_before_it_is_read(tmp_path, capsys):
    big = tmp_path / "report.txt"
    with big.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: no real bytes are written
    assert "too large" in refused(capsys, big)


def test_a_word_zip_bomb_is_refused_before_python_docx_opens_it(tmp_path, capsys):
    bomb = tmp_path / "report.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    bomb.write_bytes(buffer.getvalue())
    assert "unpacks to" in refused(capsys, bomb)


def test_a_folder_is_one_line(tmp_path, capsys):
    assert "directory" in refused(capsys, tmp_path)


def test_a_layer_pattern_that_could_backtrack_forever_is_refused(tmp_path, capsys):
    layer = tmp_path / "layer" / "zh"
    layer.mkdir(parents=True)
    (layer / "verify.yaml").write_text("relations:\n  flat: '(持+)+平$'\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text("持" * 40 + "x", encoding="utf-8")
    argv = ["verify", str(report), "--figures", str(LAKESIDE), "--phrasebank", str(layer.parent)]
    code = finishes(lambda: main(argv))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "verify.yaml" in err and "repeats within itself" in err


# -- Word files: broken or crafted, each one line; never minutes of work -----------------------


def word_file(path, body: str = "", *, parts=None, stored: bool = False):
    """A Word file made by python-docx, its body's XML extended by ``body``, and any part
    replaced by ``parts`` (name -> bytes or None to leave it out)."""
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("（一）收入支出决算总体情况说明")
    document.save(buffer)
    with zipfile.ZipFile(buffer) as original:
        contents = {name: original.read(name) for name in original.namelist()}
    xml = contents["word/document.xml"].decode("utf-8")
    contents["word/document.xml"] = xml.replace("<w:body>", "<w:body>" + body, 1).encode()
    for name, data in (parts or {}).items():
        if data is None:
            contents.pop(name)
        else:
            contents[name] = data
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
)


def _bad_crc(path):
    word_file(path, stored=True)
    data = bytearray(path.read_bytes())
    at = data.find("收入".encode())
    data[at] ^= 1
    path.write_bytes(bytes(data))


def _unknown_method(path):
    word_file(path, stored=True)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    at = data.find(name)
    while at >= 0:
        for header, offset in ((b"PK\x03\x04", 30), (b"PK\x01\x02", 46)):
            if data[at - offset : at - offset + 4] == header:
                method = at - offset + (8 if offset == 30 else 10)
                data[method : method + 2] = (99).to_bytes(2, "little")
        at = data.find(name, at + 1)
    path.write_bytes(bytes(data))


BROKEN_WORD = {
    "bad CRC": _bad_crc,
    "unknown compression": _unknown_method,
    "nesting beyond the XML parser's limit": lambda p: word_file(
        p, "<w:tbl><w:tr><w:tc>" * 300 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 300
    ),
    "entity expansion": lambda p: word_file(p, parts={"word/document.xml": _LAUGHS.encode()}),
    "malformed XML": lambda p: word_file(p, parts={"word/document.xml": b"<w:document"}),
    "malformed content types": lambda p: word_file(p, parts={"[Content_Types].xml": b"<Types"}),
    "malformed relationships": lambda p: word_file(p, parts={"_rels/.rels": b"<Relationships"}),
    "no document part": lambda p: word_file(p, parts={"word/document.xml": None}),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_WORD))
def test_a_broken_word_file_is_one_line(tmp_path, capsys, kind):
    report = tmp_path / "report.docx"
    BROKEN_WORD[kind](report)
    assert "Word (.docx)" in refused(capsys, report)


_PARAGRAPH = "<w:p><w:r><w:t>a</w:t></w:r></w:p>"
_ROW = "<w:tr>" + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * 8 + "</w:tr>"
_WIDE = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999999"/></w:tcPr><w:p/></w:tc></w:tr>'
_GRID = "<w:tblGrid><w:gridCol/></w:tblGrid>"


@pytest.mark.parametrize(
    "body",
    [
        _PARAGRAPH * 30_000,  # a style lookup per paragraph took a minute
        "<w:tbl>" + _GRID + _ROW * 6_000 + "</w:tbl>",
        "<w:tbl>" + _GRID + _WIDE * 50 + "</w:tbl>",  # a cell list 10^8 long per row
    ],
    ids=["paragraphs", "table rows", "a huge gridSpan"],
)
def test_a_long_word_file_is_read_promptly(tmp_path, capsys, body):
    report = word_file(tmp_path / "report.docx", body)
    code = finishes(lambda: main(["verify", str(report), "--figures", str(LAKESIDE)]), 15)
    assert code in (0, 1, 2) and "Traceback" not in capsys.readouterr().err


def test_a_word_file_with_more_blocks_than_a_report_is_refused(tmp_path, capsys):
    report = word_file(tmp_path / "report.docx", "<w:p/>" * 150_000)
    assert "paragraphs and table rows" in refused(capsys, report)


# -- PDF files: read in a child held to a time and a memory limit ----------------------------


def pdf_file(path, content: bytes, *, pages: int = 1, packed: bytes | None = None):
    """A PDF of ``pages`` pages, each drawn by the content stream ``content`` (or by the
    Flate-compressed stream ``packed`` as given)."""
    import zlib

    stream = zlib.compress(content) if packed is None else packed
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    content_id, font_id = 3 + pages, 4 + pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    objects += [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
        f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
    ] * pages
    objects.append(
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(out)
    return path


def test_a_pdf_that_unpacks_to_gigabytes_is_refused(tmp_path, capsys):
    pytest.importorskip("pdfplumber")
    import zlib

    packer = zlib.compressobj(9)
    spaces = b" " * (1 << 20)
    bomb = b"".join(packer.compress(spaces) for _ in range(2048)) + packer.flush()  # 2 GiB
    report = pdf_file(tmp_path / "report.pdf", b"", packed=bomb)  # a file of 2 MB
    assert "not a report's PDF" in refused(capsys, report)


def test_a_pdf_too_slow_to_lay_out_is_stopped(tmp_path, capsys, monkeypatch):
    pytest.importorskip("pdfplumber")
    from narrator.verify import reading

    monkeypatch.setattr(reading, "PDF_SECONDS", 3)
    glyphs = b"".join(b"%d %d Td (a) Tj " % (i % 600, i % 700) for i in range(200_000))
    report = pdf_file(tmp_path / "report.pdf", b"BT /F1 1 Tf " + glyphs + b"ET", pages=3)
    assert "not a report's PDF" in refused(capsys, report)


# -- what is no report at all: never "No problems found" ------------------------------------


NOT_REPORTS = {
    "empty.txt": b"",
    "note.txt": b"hello world\n",
    "markup.md": b"# \n\n---\n\n**bold**\n",
    "english.txt": b"Departmental Final Accounts\n\nRevenue rose this year.\n",
}


@pytest.mark.parametrize("name", sorted(NOT_REPORTS))
def test_a_file_that_is_no_report_is_refused_not_passed(tmp_path, capsys, name):
    report = tmp_path / name
    report.write_bytes(NOT_REPORTS[name])
    assert "nothing in it reads as a final-accounts report" in refused(capsys, report)


def test_a_pdf_without_text_is_refused_not_passed(tmp_path, capsys):
    pytest.importorskip("pdfplumber")
    report = pdf_file(tmp_path / "scanned.pdf", b"0 0 m 100 100 l S")  # lines, no text
    assert "nothing in it reads as a final-accounts report" in refused(capsys, report)


def test_a_path_that_is_no_file_is_not_verified_as_text():
    from narrator import load
    from narrator.verify import ReportReadError

    report = load(LAKESIDE)
    for given in ("/", "report-final", ""):
        with pytest.raises(ReportReadError, match="nothing in it reads as a final-accounts"):
            report.verify(given)


# -- a layer's patterns: every shape of catastrophic backtracking, at any depth -------------------

BACKTRACKING = [
    ("((持+))+平$", "repeats within itself"),  # the repetition one group further in
    ("(?:(?:持+)x?)+平$", "repeats within itself"),
    ("(持?){30}持{30}$", "repeats within itself"),  # optional inside a counted group
    ("(持|持持)+平$", "may begin alike"),  # alternatives that match the same text
    ("(?:持|持)*平$", "may begin alike"),
    ("持{0,99999}平", "more than 1000 times"),
    ("持*" * 9 + "平$", "more than 8 repetitions"),  # each one more multiplies the work
]


@pytest.mark.parametrize(("pattern", "named"), BACKTRACKING)
def test_every_backtracking_shape_in_a_layer_pattern_is_refused(tmp_path, capsys, pattern, named):
    layer = tmp_path / "layer" / "zh"
    layer.mkdir(parents=True)
    (layer / "verify.yaml").write_text(f"relations:\n  flat: '{pattern}'\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text("（一）收入支出决算总体情况说明\n" + "持" * 60 + "x\n", encoding="utf-8")
    argv = ["verify", str(report), "--figures", str(LAKESIDE), "--phrasebank", str(layer.parent)]
    code = finishes(lambda: main(argv))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "verify.yaml: relations.flat" in err and named in err


# -- a long report: the work grows with the text, not with its square -------------------------


def test_a_report_with_thousands_of_projects_is_verified_promptly():
    from decimal import Decimal

    from narrator import load
    from narrator.figures import read_file

    data = read_file(LAKESIDE)
    data.setdefault("performance", {"evaluated_amount": Decimal(1)})
    data["performance"]["self_evaluations"] = [
        {"name": f"项目{i}", "score": 90, "conclusion": "好", "budget": 1, "executed": 1}
        for i in range(5000)
    ]
    report = load(data)
    text = report.render("zh")
    findings = finishes(lambda: report.verify(text), 15)
    assert [f.code for f in findings] == []  # its own output, never flagged


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_text_longer_than_any_report_is_refused_before_it_is_verified(tmp_path, capsys, suffix):
    from narrator import load

    one = load(LAKESIDE).render("zh")
    report = tmp_path / f"report{suffix}"
    report.write_text(one * (1_100_000 // len(one) + 1), encoding="utf-8")
    code = finishes(lambda: main(["verify", str(report), "--figures", str(LAKESIDE)]), 10)
    err = capsys.readouterr().err
    assert code == 2 and "holds more text than a report" in err


# -- name-filled patterns: as long as the figures' lines, never riskier ------------------------


def test_a_unit_with_hundreds_of_named_lines_is_verified_not_refused():
    from narrator.verify.lexicon import MAX_PATTERN, Lexicon
    from narrator.verify.lexicon import lexicon as lexicon_of

    lex = lexicon_of(load(LAKESIDE).bank)
    names = [f"第{i}类专项业务经费补助支出" for i in range(400)]
    assert len("|".join(names)) > MAX_PATTERN  # longer than any pattern a layer may write
    name = "第399类专项业务经费补助支出"
    for pattern, text in (
        (lex.class_pattern(names), f"{name}（类）120.00万元"),
        (lex.point_pattern(names), f"（3）{name}。主要用于"),
        (lex.projects_pattern(names), f"“{name}”项目"),
    ):
        assert pattern is not None
        found = pattern.search(text)
        assert found is not None and name in found.group(0)
    assert isinstance(lex, Lexicon)


@pytest.mark.parametrize(
    ("key", "template"),
    [
        ("lines.point", "(?:{names}[、，])+"),
        ("lines.class", "((?P<name>{names})(（类）)?)*"),
    ],
)
def test_a_layer_template_repeating_its_names_is_refused(tmp_path, capsys, key, template):
    layer = tmp_path / "layer" / "zh"
    layer.mkdir(parents=True)
    field = key.split(".")[1]
    (layer / "verify.yaml").write_text(f"lines:\n  {field}: '{template}'\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(load(LAKESIDE).render("zh"), encoding="utf-8")
    argv = ["verify", str(report), "--figures", str(LAKESIDE), "--phrasebank", str(layer.parent)]
    code = finishes(lambda: main(argv))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"verify.yaml: {key}" in err and "alternatives that may begin alike" in err
