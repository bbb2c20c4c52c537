"""Output formats: each turns documents into one kind of file, nothing more."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from narrator.document import Document

#: A format writer: documents (one per language, in order) to text.
Writer = Callable[[Sequence[Document]], str]


def writer(name: str) -> Writer:
    """The writer of a format name (``text``)."""
    if name == "text":
        from narrator.formats.text import write

        return write
    raise ValueError(f"unknown format {name!r} (known: text)")


FORMATS = ("text",)
