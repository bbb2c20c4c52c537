"""The document model every output format is written from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Heading:
    key: str
    level: int
    number: str
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    unit_note: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: What the filed table prints under itself (注：… / 说明：…), or nothing.
    note: str = ""


Block = Heading | Paragraph | Table


@dataclass(frozen=True, slots=True)
class Document:
    """One language's rendering of a report: blocks in reading order."""

    lang: str
    title: str
    blocks: tuple[Block, ...]

    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]

    def block(self, key: str) -> Block:
        for block in self.blocks:
            if block.key == key:
                return block
        raise KeyError(key)


def pair(zh: Document, en: Document) -> list[tuple[Block | None, Block | None]]:
    """Align two languages' blocks by key, in the first document's order."""
    by_key = {block.key: block for block in en.blocks}
    seen: set[str] = set()
    pairs: list[tuple[Block | None, Block | None]] = []
    for block in zh.blocks:
        pairs.append((block, by_key.get(block.key)))
        seen.add(block.key)
    pairs.extend((None, block) for block in en.blocks if block.key not in seen)
    return pairs
