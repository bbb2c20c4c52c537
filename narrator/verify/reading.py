"""Reading a written report: plain text, Markdown, Word or PDF, into one text with pages.

Whatever the format, verification works on one string, :attr:`Source.text`: a ``.txt``
file's own text, the text of a Markdown file without its markup, a Word file's paragraphs
and table rows (cells separated by tabs), or the text pdfplumber extracts from each page of
a PDF (pages separated by a line break). Character spans of findings index this text, and
:meth:`Source.page` says on which PDF page an offset lies.

PDF support is an optional extra (``pip install narrator[pdf]``): pdfplumber is imported
only when a PDF is read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrator.datafile import DataFileError, require_regular_file
from narrator.errors import InputError

#: The formats :func:`read` knows, by file extension.
SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf")
#: The largest report file read (bytes): published reports are a few megabytes at most.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The most a Word file may unpack to (bytes), and its worst compression ratio: a zip bomb
#: is refused before python-docx opens it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
#: The largest XML part of a Word file (bytes; a long report's document.xml is a few MB),
#: and the most paragraphs and table rows read: the XML is parsed whole, into memory.
MAX_XML_PART_BYTES = 16 * 1024 * 1024
MAX_BLOCKS = 100_000
#: The most pages of a PDF read, and the longest text any report may give (characters):
#: a report of 300 pages holds about 500,000; verifying takes a few seconds per 100,000.
MAX_PAGES = 1000
MAX_TEXT_CHARS = 1_000_000


class ReportReadError(InputError):
    """A written report cannot be read (missing, empty, undecodable, or PDF support absent)."""


@dataclass(frozen=True)
class Source:
    """A written report as text: where it came from and where its pages begin.

    >>> s = Source("a\\nb", "x.pdf", "pdf", (0, 2))
    >>> s.page(0), s.page(2), s.line(2)
    (1, 2, 2)
    """

    text: str
    origin: str
    kind: str = "text"
    #: Offsets at which each page starts (PDF only).
    pages: tuple[int, ...] = ()
    #: The lines (0-based) the format marks as headings: Word heading styles, Markdown ``#``.
    headings: frozenset[int] = frozenset()

    def page(self, offset: int) -> int | None:
        """The 1-based page of a character offset, for a PDF; otherwise None."""
        if not self.pages:
            return None
        return bisect.bisect_right(self.pages, offset)

    def line(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return self.text.count("\n", 0, max(0, offset)) + 1


def from_text(text: str, origin: str = "<text>") -> Source:
    """A report given as a string."""
    return Source(_bounded(text.replace("\r\n", "\n").replace("\r", "\n"), Path(origin)), origin)


def read(path: str | Path) -> Source:
    """Read a written report from ``path`` by its extension (text for anything unknown)."""
    target = Path(path)
    try:
        info = require_regular_file(target)  # a FIFO is never opened, a folder never read
    except DataFileError as exc:
        raise ReportReadError(str(exc)) from None
    if info.st_size > MAX_FILE_BYTES:
        raise ReportReadError(
            f"{target}: is too large to be a report ({info.st_size:,} bytes; "
            f"at most {MAX_FILE_BYTES:,})"
        )
    suffix = target.suffix.lower()
    if suffix == ".docx":
        return _docx(target)
    if suffix == ".pdf":
        return _pdf(target)
    text = _decode(target)
    if suffix in (".md", ".markdown"):
        marked = frozenset(i for i, line in enumerate(text.split("\n")) if _MD_HEADING.match(line))
        return Source(markdown_text(text), str(target), "md", headings=marked)
    return Source(text, str(target))


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportReadError(f"{path}: cannot be read: {exc}") from exc
    # Reports from Chinese offices are UTF-8 or GB 18030 (a superset of GBK).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return _bounded(text.replace("\r\n", "\n").replace("\r", "\n"), path)
    raise ReportReadError(f"{path}: not a text file in UTF-8 or GB 18030")


_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]<>|~&#+=\-.)!(])")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_STRONG = re.compile(r"\*\*(.+?)\*\*")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def markdown_text(text: str) -> str:
    """Markdown as the text it shows: no heading marks, emphasis or escapes; tables tabbed.

    >>> markdown_text("## 一、标题\\n\\n1\\\\. 正文 **粗** a\\\\_b\\n| a | b |\\n| --- | ---: |")
    '一、标题\\n\\n1. 正文 粗 a_b\\na\\tb\\n'
    """
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _MD_RULE.match(line) and "-" in line:
            lines.append("")
            continue
        line = _MD_HEADING.sub("", line)
        if line.lstrip().startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            line = "\t".join(cells)
        line = _MD_STRONG.sub(r"\1", line).replace("<br>", " ")
        lines.append(_MD_ESCAPE.sub(r"\1", line))
    return "\n".join(lines)


def _bounded(text: str, path: Path) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise ReportReadError(
            f"{path}: holds more text than a report ({len(text):,} characters; "
            f"at most {MAX_TEXT_CHARS:,})"
        )
    return text


def _refuse_zip_bomb(path: Path) -> None:
    """Refuse a Word file whose parts would unpack to far more than a report."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReportReadError(f"{path}: not a readable Word (.docx) file: {exc}") from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_COMPRESSION_RATIO * packed:
        raise ReportReadError(
            f"{path}: unpacks to {unpacked:,} bytes from {packed:,}: not a report's Word file"
        )
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")) and (
            member.file_size > MAX_XML_PART_BYTES
        ):
            raise ReportReadError(
                f"{path}: its part {member.filename[:80]!r} unpacks to {member.file_size:,} "
                f"bytes (at most {MAX_XML_PART_BYTES:,}): not a report's Word file"
            )


def _docx(path: Path) -> Source:
    _refuse_zip_bomb(path)
    try:
        lines, headings = _docx_lines(path)
    except ReportReadError:
        raise
    except Exception as exc:  # zipfile, lxml and python-docx raise many kinds for a broken file
        raise ReportReadError(
            f"{path}: not a readable Word (.docx) file: {type(exc).__name__}: {str(exc)[:200]}"
        ) from None
    text = _bounded("\n".join(lines), path)
    return Source(text, str(path), "docx", headings=frozenset(headings))


def _docx_lines(path: Path) -> tuple[list[str], set[int]]:
    """A Word file's paragraphs and table rows as lines, and the lines that are headings."""
    from docx import Document as open_docx  # imported when a Word file is read
    from docx.enum.style import WD_STYLE_TYPE
    from docx.text.paragraph import Paragraph

    word = open_docx(str(path))
    body = list(word.element.body.iterchildren())
    rows = sum(len(element) for element in body if element.tag.endswith("}tbl"))
    if len(body) + rows > MAX_BLOCKS:
        raise ReportReadError(
            f"{path}: has more than {MAX_BLOCKS:,} paragraphs and table rows: not a report"
        )
    # Heading styles by id, looked up once (python-docx looks a paragraph's style up anew
    # for every paragraph, which takes minutes for a long file).
    heading_ids = {
        style.style_id
        for style in word.styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH and (style.name or "").startswith(_HEADING_STYLES)
    }
    lines: list[str] = []
    headings: set[int] = set()
    for element in body:
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            if element.style in heading_ids:
                headings.add(len(lines))
            lines.append(Paragraph(element, word).text)
        elif tag == "tbl":
            above: dict[int, str] = {}  # by grid column: the text a vertical merge repeats
            for row in element.iterchildren(_W + "tr"):
                lines.append(_row_text(row, word, above))
    return lines, headings


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _row_text(row: Any, word: Any, above: dict[int, str]) -> str:
    """A table row as tab-separated cell texts, merged cells once, read from the XML as
    python-docx's ``row.cells`` reads it (which builds a list as long as the widest
    ``gridSpan`` a file declares, and re-reads the whole table for every row)."""
    from docx.text.paragraph import Paragraph

    cells: list[str] = []
    column = 0
    for cell in row.iterchildren(_W + "tc"):
        span, merge = 1, None
        properties = cell.find(_W + "tcPr")
        if properties is not None:
            spanned = properties.find(_W + "gridSpan")
            if spanned is not None:
                value = spanned.get(_W + "val", "1")
                span = int(value) if value.isdigit() and 0 < len(value) < 6 else 1
            merged = properties.find(_W + "vMerge")
            if merged is not None:
                merge = merged.get(_W + "val", "continue")
        if merge == "continue":
            text = above.get(column, "")
        else:
            paragraphs = cell.iterchildren(_W + "p")
            text = " ".join("\n".join(Paragraph(p, word).text for p in paragraphs).split())
            above[column] = text
        if not cells or cells[-1] != text:  # merged cells repeat
            cells.append(text)
        column += max(span, 1)
    return "\t".join(cells)


#: Word paragraph styles that are headings (English and Chinese Word).
_HEADING_STYLES = ("Heading", "Title", "标题")


#: What to install for PDF support.
PDF_EXTRA = "pip install 'narrator[pdf]'"


#: What one PDF may cost to read: pdfminer decompresses whole streams into memory (a
#: 1 MB file can unpack to gigabytes) and lays out every glyph (a page of 200,000 glyphs
#: takes it a minute), so a PDF is read in a child process held to these limits.
PDF_SECONDS = 30
PDF_MEMORY_BYTES = 1536 * 1024 * 1024

#: The child: pdfplumber's text of each page, as JSON on standard output.
_PDF_CHILD = """
import json, sys
path, most_pages, most_chars, seconds, memory = sys.argv[1], *map(int, sys.argv[2:6])
try:
    import resource
except ImportError:  # no such limits here: the parent's timeout still holds
    pass
else:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
import pdfplumber
texts, total = [], 0
with pdfplumber.open(path) as pdf:
    if len(pdf.pages) > most_pages:
        json.dump({"pages": len(pdf.pages)}, sys.stdout)
        sys.exit(0)
    for page in pdf.pages:
        text = page.extract_text() or ""
        total += len(text) + 1
        if total > most_chars:
            json.dump({"too_much": True}, sys.stdout)
            sys.exit(0)
        texts.append(text)
        page.close()
json.dump({"texts": texts}, sys.stdout, ensure_ascii=False)
"""


def _pdf(path: Path) -> Source:
    import json
    import subprocess
    import sys

    try:
        import pdfplumber  # noqa: F401  (the child needs it: say so here, plainly)
    except ImportError:
        raise ReportReadError(
            f"{path}: reading PDF needs pdfplumber, an optional extra: {PDF_EXTRA}"
        ) from None
    limits = (MAX_PAGES, MAX_TEXT_CHARS, PDF_SECONDS, PDF_MEMORY_BYTES)
    command = [sys.executable, "-c", _PDF_CHILD, str(path), *map(str, limits)]
    try:
        # The child limits itself first thing (no preexec_fn: it is unsafe with threads).
        done = subprocess.run(command, capture_output=True, timeout=PDF_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise ReportReadError(
            f"{path}: reading this PDF took more than {PDF_SECONDS} seconds: not a report's PDF"
        ) from None
    except OSError as exc:
        raise ReportReadError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        out_of_memory = ("MemoryError", "Unable to allocate", "Cannot allocate")
        if done.returncode < 0 or any(word in "".join(said[-3:]) for word in out_of_memory):
            why = (
                f"it needs more than {PDF_MEMORY_BYTES // 2**20:,} MB of memory or "
                f"{PDF_SECONDS} seconds to read: not a report's PDF"
            )
        else:
            why = f"not a readable PDF: {(said[-1] if said else 'unknown error')[:200]}"
        raise ReportReadError(f"{path}: {why}")
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        raise ReportReadError(f"{path}: not a readable PDF") from None
    if "pages" in result:
        raise ReportReadError(
            f"{path}: has {result['pages']:,} pages; a report has at most {MAX_PAGES:,}"
        )
    if "too_much" in result:
        raise ReportReadError(f"{path}: holds more text than a report")
    pages: list[int] = []
    offset = 0
    for text in result["texts"]:
        pages.append(offset)
        offset += len(text) + 1
    return Source("\n".join(result["texts"]), str(path), "pdf", tuple(pages))


__all__ = ["SUFFIXES", "ReportReadError", "Source", "from_text", "markdown_text", "read"]
