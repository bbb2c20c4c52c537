"""Text hygiene: what is wrong in a report whatever its figures.

Template leftovers (增加（减少）, 下降（增长）, XX, 待填写, "列明…"), a number where a
percentage is required ("增长13.95"), punctuation or a word written twice, an amount in
元 in a report that writes 万元. The patterns are data (``hygiene:`` in ``zh/verify.yaml``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from decimal import Decimal

from narrator.phrasebank import Phrasebank
from narrator.verify.findings import CODES, Finding
from narrator.verify.lexicon import Lexicon, Normal, normalise
from narrator.verify.locating import Located, Section, sentence_bounds

#: A report "writes 万元" when at least this many amounts are in 万元 …
WAN_AT_LEAST = 10
#: … and at most this share of its amounts are in 元.
YUAN_AT_MOST = Decimal("0.1")


def _sentence(normal: Normal, start: int, end: int) -> str:
    left, right = sentence_bounds(normal.text, start, end)
    return normal.text[left:right]


class Hygiene:
    """Runs the hygiene checks over a located report."""

    def __init__(self, located: Located, lex: Lexicon, bank: Phrasebank) -> None:
        self.located = located
        self.lex = lex
        self.bank = bank
        self.found: list[Finding] = []

    def add(
        self,
        code: str,
        section: Section,
        normal: Normal,
        start: int,
        end: int,
        *,
        variant: str = "",
        values: dict[str, str] | None = None,
    ) -> None:
        span = normal.origin(start, end)
        source = self.located.source
        written = normal.text[start:end]
        self.found.append(
            Finding(
                code,
                CODES[code],
                section=section.id,
                heading=section.heading,
                sentence=_sentence(normal, start, end),
                span=span,
                page=source.page(span[0]),
                line=source.line(span[0]),
                written=written,
                values={"subject": written, **(values or {})},
                variant=variant,
                bank=self.bank,
            )
        )

    def texts(self, section: Section) -> Iterator[Normal]:
        if section.heading:
            start, end = section.heading_span
            yield normalise(self.located.source.text[start:end], start)
        yield section.body

    def run(self, checked: Collection[tuple[int, int]] = ()) -> list[Finding]:
        lex = self.lex
        for section in self.located.sections:
            for normal in self.texts(section):
                for pattern in lex.leftovers:
                    for m in pattern.finditer(normal.text):
                        self.add("template-leftover", section, normal, m.start(), m.end())
            if not section.in_part:
                continue
            if section.heading:  # a heading's doubled mark (情况。。); its words are the body's
                start, end = section.heading_span
                heading = normalise(self.located.source.text[start:end], start)
                for m in lex.repeated_punctuation.finditer(heading.text):
                    self.add("repeated-text", section, heading, m.start(), m.end())
            body = section.body
            text = body.text
            for m in lex.percent_required.finditer(text):
                self.add("percent-missing", section, body, m.start(), m.end())
            for pattern in (lex.repeated_punctuation, lex.repeated_word, lex.repeated_char):
                for m in pattern.finditer(text):
                    if m.group(0) in lex.repeated_allowed or m.group(1) in lex.repeated_allowed:
                        continue
                    if self._across_lines(body, m.start(), m.end()):
                        continue  # a PDF's line break may join two cells or two fragments
                    self.add("repeated-text", section, body, m.start(), m.end())
        self.yuan(checked)
        return self.found

    def _across_lines(self, normal: Normal, start: int, end: int) -> bool:
        begin, finish = normal.origin(start, end)
        return "\n" in self.located.source.text[begin:finish]

    def yuan(self, checked: Collection[tuple[int, int]]) -> None:
        """An amount in 元 where a report writes every other amount in 万元."""
        lex = self.lex
        tokens: list[tuple[Section, int, int, str]] = []
        for section in self.located.in_part():
            for m in lex.value.finditer(section.body.text):
                unit = m.group("unit")
                if unit in lex.money:
                    tokens.append((section, m.start(), m.end(), unit))
        yuan = [t for t in tokens if lex.money[t[3]] < 1]
        wan = [t for t in tokens if lex.money[t[3]] == 1]
        if len(wan) < WAN_AT_LEAST or Decimal(len(yuan)) > YUAN_AT_MOST * len(tokens):
            return
        for section, start, end, _ in yuan:
            body = section.body
            if body.origin(start, end) in checked:
                continue  # held against its figure, and it agrees
            before = body.text[max(0, start - 6) : start]
            if lex.yuan_allowed_before.search(before):
                continue
            self.add("yuan-for-wan", section, body, start, end, variant="heuristic")


__all__ = ["Hygiene"]
