"""Plain text: headings, paragraphs and tab-separated tables, one blank line apart.

The text is the documents' text: only a lone surrogate, which UTF-8 cannot hold, is
replaced (U+FFFD). The CLI neutralises control characters when it prints to a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from narrator.document import Block, Document, Heading, Paragraph, Table, pair
from narrator.formats.common import encodable


def block_lines(block: Block) -> Iterator[str]:
    if isinstance(block, Heading):
        yield f"{block.number}{block.text}"
    elif isinstance(block, Paragraph):
        yield block.text
    elif isinstance(block, Table):
        yield block.title
        if block.unit_note:
            yield block.unit_note
        if block.header:
            yield "\t".join(block.header)
        for row in block.rows:
            yield "\t".join(row).rstrip("\t")
        if block.note:
            yield block.note


def generate(documents: Sequence[Document]) -> Iterator[str]:
    """Yield the text blocks; two documents are interleaved block by block."""
    if len(documents) == 2:
        for first, second in pair(documents[0], documents[1]):
            for block in (first, second):
                if block is not None:
                    yield "\n".join(block_lines(block))
        return
    for document in documents:
        for block in document.blocks:
            yield "\n".join(block_lines(block))


def write(documents: Sequence[Document]) -> str:
    return encodable("\n\n".join(generate(documents)) + "\n")
