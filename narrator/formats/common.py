"""What the writers share: language tags, paragraph lines, numeric columns, clean text.

>>> lines("first\\n\\nsecond ")
['first', 'second']
>>> lang_tag("zh"), lang_tag("en")
('zh-Hans', 'en')
>>> clean("a\\x00b\\x1b[31mc\\u202ed\\x0be")
'ab[31mcd\\ne'
"""

from __future__ import annotations

import re

from narrator.document import Table

#: BCP 47 tags of narrator's languages (HTML ``lang``, Word ``w:lang``).
LANG_TAGS = {"zh": "zh-Hans", "en": "en"}
#: Word's language ids (``w:lang``), which want a region.
WORD_LANGS = {"zh": "zh-CN", "en": "en-GB"}

_AMOUNT = re.compile(r"^-?[\d,]*\d\.\d+%?$|^-?[\d,]*\d%$")

# What no document should carry, whatever its format: C0 and C1 controls (XML 1.0 and
# python-docx refuse most of them; terminals obey them), the bidi embeddings, overrides
# and isolates (they can show "12.50" as "05.21"), and the non-characters U+FFFE/U+FFFF.
# Line-like controls become line breaks; the rest are removed.
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_REMOVED = (
    *(chr(c) for c in range(0x20) if chr(c) not in "\t\n" + _LINE_BREAKS),
    *(chr(c) for c in range(0x7F, 0xA0) if chr(c) not in _LINE_BREAKS),
    *(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))),
    "\ufffe",
    "\uffff",
)
_CLEAN = str.maketrans({**dict.fromkeys(_LINE_BREAKS, "\n"), **dict.fromkeys(_REMOVED)})
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text every format can hold and shows as it reads (see ``_REMOVED``).

    A lone surrogate (possible in JSON, ``"\\ud800"``) cannot be written as UTF-8 or
    XML: it becomes U+FFFD.
    """
    if text.isprintable():  # the common case: nothing to do
        return text
    return _SURROGATE.sub("\ufffd", text.translate(_CLEAN))


def encodable(text: str) -> str:
    """Text with each lone surrogate as U+FFFD, so that it can be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def one_line(text: str) -> str:
    """A text that must stay on one line (a heading, a title): its lines, spaced."""
    return " ".join(lines(clean(text)))


def is_amount(text: str) -> bool:
    """Whether a table cell is a number (an amount, a rate): it is never broken."""
    return bool(_AMOUNT.match(text))


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
