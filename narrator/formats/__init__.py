"""Output formats: each turns documents into one kind of file, nothing more.

A writer takes the documents of one report (one, or two for Chinese and English,
in that order) and returns the file's content: text for ``text``, ``md`` and
``html``, bytes for ``docx``. Writers are imported when first asked for, so a
format's dependency (python-docx) loads only when that format is used.

>>> sorted(FORMATS)
['docx', 'html', 'md', 'text']
>>> FORMATS["docx"].extension, FORMATS["docx"].binary
('.docx', True)
>>> format_for_path("report.md").name
'md'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import PurePath
from typing import cast

from narrator.document import Document

#: What a writer returns: text, or bytes for binary formats.
Output = str | bytes
#: A format writer: documents (one per language, in order) to the file's content.
Writer = Callable[[Sequence[Document]], Output]


@dataclass(frozen=True, slots=True)
class Format:
    """One output format: its name, file extension and writer module."""

    name: str
    extension: str
    #: Whether the writer returns bytes (else text, to be written as UTF-8).
    binary: bool
    #: Whether the public tables (公开01–09表) are rendered by default in this format.
    tables: bool
    module: str
    description: str


#: The formats narrator writes, by name (iterating gives the names).
FORMATS: Mapping[str, Format] = {
    f.name: f
    for f in (
        Format("text", ".txt", False, False, "narrator.formats.text", "plain text"),
        Format("md", ".md", False, True, "narrator.formats.markdown", "Markdown, pipe tables"),
        Format("html", ".html", False, True, "narrator.formats.html", "a complete HTML5 page"),
        Format("docx", ".docx", True, True, "narrator.formats.docx", "a Word document"),
    )
}


def get_format(name: str) -> Format:
    """The format called ``name``, or a ValueError listing the known ones."""
    found = FORMATS.get(name)
    if found is None:
        raise ValueError(f"unknown format {name!r} (known: {', '.join(FORMATS)})")
    return found


def writer(name: str) -> Writer:
    """The writer of a format name (``text``, ``md``, ``html``, ``docx``)."""
    return cast(Writer, import_module(get_format(name).module).write)


def format_for_path(path: str | PurePath) -> Format:
    """The format a file name's extension asks for (``.txt``, ``.md``, ``.html``, ``.docx``)."""
    suffix = PurePath(path).suffix.lower()
    for candidate in FORMATS.values():
        if candidate.extension == suffix or (suffix == ".htm" and candidate.name == "html"):
            return candidate
    known = ", ".join(f.extension for f in FORMATS.values())
    raise ValueError(f"no format writes {suffix or 'files without an extension'} (known: {known})")


__all__ = ["FORMATS", "Format", "Output", "Writer", "format_for_path", "get_format", "writer"]
