"""What the writers share: language tags, paragraph lines, numeric columns.

>>> lines("first\\n\\nsecond ")
['first', 'second']
>>> lang_tag("zh"), lang_tag("en")
('zh-Hans', 'en')
"""

from __future__ import annotations

import re

from narrator.document import Table

#: BCP 47 tags of narrator's languages (HTML ``lang``, Word ``w:lang``).
LANG_TAGS = {"zh": "zh-Hans", "en": "en"}
#: Word's language ids (``w:lang``), which want a region.
WORD_LANGS = {"zh": "zh-CN", "en": "en-GB"}

_AMOUNT = re.compile(r"^-?[\d,]*\d\.\d+%?$|^-?[\d,]*\d%$")


def lang_tag(lang: str) -> str:
    return LANG_TAGS.get(lang, lang)


def lines(text: str) -> list[str]:
    """A paragraph's lines (free text such as duties keeps its own line breaks)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def numeric_columns(table: Table) -> frozenset[int]:
    """The columns whose filled cells are all numbers (set right-aligned).

    A column is numeric only if it has at least one filled cell and every filled
    cell is a number; the label column of a label/value table never is.
    """
    width = max([len(table.header), *(len(row) for row in table.rows)], default=0)
    found: set[int] = set()
    for index in range(width):
        cells = [row[index] for row in table.rows if index < len(row) and row[index]]
        if cells and all(_AMOUNT.match(cell) for cell in cells):
            found.add(index)
    return frozenset(found)
