"""Locating what a written report says: sections, sentences, and the claims they make.

A report written by people is read for what is stable in it, never for narrator's exact
wording: section headings (（一）…, 一、…, 第三部分…, split over lines or not), the subject
phrase before each number (收入总计, 财政拨款收入, 一个类/款/项, “三公”经费 …), the number
with its unit, and the words between them that say what the number is (增加, 占, 完成…的,
年初预算为 …). The patterns are data (``zh/verify.yaml``, see :mod:`narrator.verify.lexicon`).

:func:`locate` turns a :class:`~narrator.verify.reading.Source` into :class:`Located`:
the sections with their headings and normalised bodies, and a list of :class:`Claim`
values — an amount, share, rate or count said of a subject; a relation word (大于, 持平,
增加的主要原因 …); a mention of a line (类, 款, 项); what a line is used for; the place of a
reason. Comparing claims with the figures is :mod:`narrator.verify.comparing`'s job.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from narrator.figures import Figures
from narrator.phrasebank import Phrasebank
from narrator.verify.lexicon import BREAK, Lexicon, Normal, normalise
from narrator.verify.reading import Source

#: The budgets whose lines (类, 款, 项) a report describes, by section.
BUDGET_SECTIONS = ("general_budget", "fund_budget", "state_capital_budget")

# -- structure: headings and sections ------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A stretch of the report under one heading."""

    #: The section the heading names (``totals``, ``income``, …), or None before any.
    id: str | None
    #: The heading as written (normalised), "" for text before the first heading.
    heading: str
    #: The heading's span in the report's text.
    heading_span: tuple[int, int]
    #: Whether the section lies in the verified part (三、部门决算情况说明).
    in_part: bool
    #: The body: every line under the heading joined, whitespace removed, with offsets.
    body: Normal


@dataclass(frozen=True)
class Title:
    """A title naming the unit and the year (the report's, or a part's)."""

    name: str
    year: int
    span: tuple[int, int]
    name_span: tuple[int, int]
    year_span: tuple[int, int]
    text: str


#: The stop marks of a sentence (``\n`` stands where a table or sub-heading ended one).
STOPS = "。！？\n"


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the written sentence around ``text[start:end]``: from the last stop
    before it to its own stop (kept, unless the sentence ends at a line break)."""
    while start > 0 and text[start - 1] not in STOPS:
        start -= 1
    while end < len(text) and text[end] not in STOPS:
        end += 1
    if end < len(text) and text[end] != "\n":
        end += 1
    return start, end


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


_BRACKETED = re.compile(r"（[^（）]*）")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPACED_NUMBERS = re.compile(r"\d[\d,.]*\s+\d[\d,.]*\s+\d")
_HAN_GAP = re.compile(r"[\u4e00-\u9fff）)]\s+[\u4e00-\u9fff（(]")
_CLAUSE_MARKS = re.compile(r"[，。；：,;:]")


def _is_table_line(line: str) -> bool:
    """A table row: tab-separated, or a PDF row (numbers, or words, apart by spaces).

    >>> _is_table_line("财政拨款 16.3 16.3 100"), _is_table_line("项目名称 钉钉 归口科室 财务科")
    (True, True)
    >>> _is_table_line("2019 年度一般公共预算财政拨款支出 214.96 万元")
    False
    >>> _is_table_line("2 0 1 9 年 度 收 、 支 总 计 2 1 4 . 9 6 万 元")
    False
    """
    if "\t" in line:
        return True
    words = line.split()
    if len(words) >= 6 and sum(len(w) == 1 for w in words) >= 0.8 * len(words):
        return False  # text spaced out character by character (justified PDF text)
    if _SPACED_NUMBERS.search(line) is not None:
        return True
    return len(_HAN_GAP.findall(line)) >= 2 and _CLAUSE_MARKS.search(line) is None


class _Builder:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.sections: list[Section] = []
        self.titles: list[Title] = []
        self.id: str | None = None
        self.heading = ""
        self.heading_span = (0, 0)
        self.in_part = False
        self.section_in_part = False
        self.part_seen = False
        #: The body's raw lines (joined before normalising: a PDF breaks lines anywhere,
        #: inside a number too) and each character's offset.
        self.chars: list[str] = []
        self.offsets: list[int] = []

    def add(self, raw: str, offset: int) -> None:
        self.chars.append(raw + "\n")
        self.offsets.extend(range(offset, offset + len(raw) + 1))

    def stop(self, offset: int) -> None:
        if self.chars and self.chars[-1] != BREAK:
            self.chars.append(BREAK)
            self.offsets.append(offset)

    def close(self) -> None:
        body = normalise("".join(self.chars), self.offsets)
        if body.text.strip("\n") or self.heading:
            self.sections.append(
                Section(self.id, self.heading, self.heading_span, self.section_in_part, body)
            )
        self.chars, self.offsets = [], []

    def open(self, section: str | None, heading: str, span: tuple[int, int]) -> None:
        self.close()
        self.id, self.heading, self.heading_span = section, heading, span
        self.section_in_part = self.in_part


def _structure(source: Source, lex: Lexicon) -> tuple[list[Section], list[Title]]:
    builder = _Builder(lex)
    lines = list(_lines(source.text))
    repeated = _running(lines, lex) if source.kind == "pdf" else frozenset()
    i = 0
    while i < len(lines):
        offset, raw = lines[i]
        i += 1
        normal = normalise(raw, offset)
        text = normal.text
        if not text or text in repeated or any(p.match(text) for p in lex.furniture):
            continue
        numbered = lex.numbering.match(text)
        marked = i - 1 in source.headings  # a Word or Markdown heading, numbered or not
        if numbered and numbered.end() == len(text) and i < len(lines):
            # The number alone on its line, the title on the next.
            nxt_offset, nxt = lines[i]
            joined = normalise(nxt, nxt_offset)
            if joined.text and not lex.numbering.match(joined.text):
                normal = Normal(text + joined.text, normal.offsets + joined.offsets)
                text = normal.text
                i += 1
        heading = _heading(lex, normal, numbered is not None or marked or _titled(lex, text))
        if (heading is None or heading[2] == "subtitle") and _is_table_line(raw):
            builder.stop(offset)
            continue
        if heading is None:
            _title(builder, lex, normal)
            builder.add(raw, offset)
            if normal.offsets[-1] >= offset + len(raw):  # the next line was its title
                builder.add(lines[i - 1][1], lines[i - 1][0])
            continue
        title_end, section, kind = heading
        title = text[:title_end]
        span = normal.origin(0, title_end)
        rest_start = span[1]
        has_rest = title_end < len(text)
        if not has_rest and not title.endswith("。") and i < len(lines):
            # A heading split over lines: a short last piece without digits ends it.
            nxt_offset, nxt = lines[i]
            tail = normalise(nxt, nxt_offset)
            if (
                0 < len(tail.text) <= lex.continuation_max
                and not any(c.isdigit() for c in tail.text)
                and not lex.numbering.match(tail.text)
            ):
                title += tail.text
                span = (span[0], tail.offsets[-1] + 1)
                i += 1
                if section is None and kind == "section":
                    section = lex.section_of(_strip_number(lex, title))
        _title(builder, lex, Normal(title, normal.offsets[: len(title)]) if kind else normal)
        if kind == "subtitle":
            builder.stop(offset)
        else:
            bare = _strip_number(lex, title)
            if lex.part_end.search(bare):
                builder.in_part = False
                builder.open(section or "glossary", title, span)
            elif lex.part_start.search(bare):
                builder.in_part = True
                builder.part_seen = True
                builder.open(None, title, span)
            else:
                builder.open(section, title, span)
        if has_rest:
            line_end = normal.offsets[-1] + 1
            builder.add(source.text[rest_start:line_end], rest_start)
    builder.close()
    sections = builder.sections
    if not builder.part_seen:
        # No 情况说明 heading: the whole report is verified.
        sections = [
            Section(s.id, s.heading, s.heading_span, True, s.body)
            for s in sections
            if s.id not in ("glossary", "overview", "public_tables")
        ] + [s for s in sections if s.id in ("glossary", "overview", "public_tables")]
        sections.sort(key=lambda s: s.heading_span)
    return sections, builder.titles


#: A short line printed this often is a running header or footer of a PDF.
RUNNING_AT_LEAST = 3
RUNNING_LONGEST = 40


def _running(lines: Sequence[tuple[int, str]], lex: Lexicon) -> frozenset[str]:
    """A PDF's running headers and footers: short lines, no numbers, no full stop, repeated."""
    counts: dict[str, int] = {}
    for _, raw in lines:
        text = normalise(raw).text
        if 0 < len(text) <= RUNNING_LONGEST and not lex.value.search(text):
            counts[text] = counts.get(text, 0) + 1
    return frozenset(
        text
        for text, n in counts.items()
        if n >= RUNNING_AT_LEAST
        and len(text) >= 6
        and not lex.numbering.match(text)
        and text[-1] not in "。；：，"
    )


def _strip_number(lex: Lexicon, text: str) -> str:
    match = lex.numbering.match(text)
    return text[match.end() :] if match else text


def _titled(lex: Lexicon, text: str) -> bool:
    """An unnumbered line that is a part title (…部门决算情况说明, 名词解释)."""
    return len(text) <= lex.heading_max and bool(
        lex.part_start.search(text) or lex.part_end.search(text)
    )


def _heading(lex: Lexicon, normal: Normal, numbered: bool) -> tuple[int, str | None, str] | None:
    """(where the title ends, its section, ``section`` or ``subtitle``), or None for body."""
    if not numbered:
        return None
    text = normal.text
    candidates = [len(text)]
    if lex.value.search(text):
        # A heading with its first sentence on the same line: the title ends at 。 or ：.
        stop = re.search(r"[。：]", text)
        if stop is None:
            return None
        candidates = [stop.end()]
    end = candidates[0]
    title = text[:end]
    if len(title) > lex.heading_max or lex.heading_never.search(title):
        return None
    bare = _strip_number(lex, title)
    section = lex.section_of(bare.rstrip("。："))
    if section or lex.part_start.search(bare) or lex.part_end.search(bare):
        return end, section, "section"
    if end == len(text) and lex.subtitle_end.search(bare):
        return end, None, "subtitle"
    return None


def _title(builder: _Builder, lex: Lexicon, normal: Normal) -> None:
    match = lex.title.search(_strip_number(lex, normal.text))
    if match is None:
        return
    shift = len(normal.text) - len(_strip_number(lex, normal.text))
    name_start, name_end = match.start("name") + shift, match.end("name") + shift
    year_start, year_end = match.start("year") + shift, match.end("year") + shift
    builder.titles.append(
        Title(
            match.group("name"),
            int(match.group("year")),
            normal.origin(0, len(normal.text)),
            normal.origin(name_start, name_end),
            normal.origin(year_start, year_end),
            normal.text,
        )
    )


# -- anchors: the subjects a report names ---------------------------------------------------


@dataclass(frozen=True)
class _Line:
    code: str
    budget: str
    names: frozenset[str]
    sections: frozenset[str]
    classes: frozenset[str]


def _same_line_name(given: str, name: str) -> bool:
    """Whether a written 类 or 款 name is the catalog's (with more before it, or cut at a
    bracket: the catalog's names are bare, 社会保障和就业, and the 类 pattern keeps its 支出).

    >>> _same_line_name("社会保障和就业支出", "社会保障和就业支出")
    True
    >>> _same_line_name("及相关机构事务", "党委办公厅（室）及相关机构事务")
    True
    """
    return given == name or given.endswith(name) or (len(given) >= 4 and name.endswith(given))


def _clean(name: str) -> str:
    return "".join(name.split()).replace("(", "（").replace(")", "）")


class Anchors:
    """The subjects a report may name that depend on its figures and the catalog.

    Functional classes by any name the catalog gives them; 款 and 项 lines by their
    类/款/项 path or code, resolved to a line of the figures (``item:…``), or to a line the
    catalog has and the figures do not (``absent:…``); self-evaluated projects by name.
    """

    def __init__(self, bank: Phrasebank, figures: Figures, lex: Lexicon) -> None:
        zh = bank.language("zh")
        catalogs: list[Mapping[str, str]] = [
            zh.names,
            zh.catalog.get("names_2024", {}),
        ]
        self.class_names: dict[str, str] = {}
        for code, entry in bank.codes.items():
            if entry.get("level") != "类":
                continue
            for table in (*catalogs, zh.glossary_names):
                name = table.get(code)
                if name:
                    bare = _clean(str(name))
                    if (
                        lex.class_suffix
                        and bare.endswith(lex.class_suffix)
                        and bare != lex.class_suffix
                    ):
                        bare = bare[: -len(lex.class_suffix)]
                    self.class_names.setdefault(bare, code)
        self.class_regex = lex.class_pattern(list(self.class_names))

        suffix = lex.class_suffix

        def names_of(code: str) -> set[str]:
            found: set[str] = {_clean(str(n[code])) for n in catalogs if code in n}
            if len(code) == 3 and suffix:
                found |= {name + suffix for name in found}
            return found

        self.catalog_lines: list[_Line] = []
        for code, entry in bank.codes.items():
            if entry.get("level") in ("款", "项"):
                self.catalog_lines.append(
                    _Line(
                        code,
                        "",
                        frozenset(names_of(code)),
                        frozenset(names_of(code[:5])),
                        frozenset(names_of(code[:3])),
                    )
                )
        self.lines: dict[str, list[_Line]] = {b: [] for b in BUDGET_SECTIONS}
        #: The classes each budget of the figures has: code -> whether it lists its lines.
        self.classes: dict[str, dict[str, bool]] = {b: {} for b in BUDGET_SECTIONS}
        for budget in BUDGET_SECTIONS:
            figures_budget = getattr(figures, budget, None)
            for cls in figures_budget.classes if figures_budget is not None else ():
                if cls.amount or cls.items:
                    self.classes[budget][cls.code] = bool(cls.items)
                for item in cls.items:
                    own = names_of(item.code)
                    if item.name is not None:
                        own.add(_clean(item.name.zh))
                    sections = names_of(item.code[:5])
                    if item.section_name is not None:
                        sections.add(_clean(item.section_name.zh))
                    self.lines[budget].append(
                        _Line(
                            item.code,
                            budget,
                            frozenset(own),
                            frozenset(sections),
                            frozenset(names_of(item.code[:3])),
                        )
                    )
        #: Per budget, a 项 named alone at a point of a listing: its name -> its code, for
        #: the names only one line of the budget has.
        self.point_codes: dict[str, dict[str, str]] = {}
        self.point_regex: dict[str, re.Pattern[str] | None] = {}
        for budget, budget_lines in self.lines.items():
            owners: dict[str, set[str]] = {}
            for line in budget_lines:
                if len(line.code) == 7:
                    for name in line.names:
                        owners.setdefault(name, set()).add(line.code)
            codes = {n: next(iter(c)) for n, c in owners.items() if len(c) == 1 and len(n) >= 2}
            self.point_codes[budget] = codes
            self.point_regex[budget] = lex.point_pattern(list(codes))
        #: Self-evaluated projects by the name a report writes: the first one named so.
        self.projects: dict[str, str] = {}
        perf = figures.performance
        for index, project in enumerate(perf.self_evaluations if perf else ()):
            for text in (project.name, project.table_name):
                if text is not None:
                    self.projects.setdefault(_clean(text.zh), f"project:{index}")
        self.project_regex = lex.projects_pattern(list(self.projects))

    def class_subject(self, budget: str, name: str) -> str | None:
        code = self.class_names.get(name)
        return f"class:{budget}:{code}" if code else None

    def line_subject(
        self, budget: str, item: str | None, sec: str | None, cls: str | None
    ) -> str | None:
        """The subject of a written 款/项 path: a line of the figures, or one they lack."""
        level = 7 if item else 5
        name = item if item else sec
        if not name:
            return None
        ours = [line for line in self.lines[budget] if len(line.code) == level]
        found = self._match(ours, name, sec if item else None, cls)
        if len(found) == 1:
            return f"item:{budget}:{found[0].code}"
        if len(found) > 1:
            return None
        known = [line for line in self.catalog_lines if len(line.code) == level]
        found = self._match(known, name, sec if item else None, cls, strict=True)
        if len(found) == 1 and self._absent(budget, found[0].code):
            return f"absent:{budget}:{found[0].code}"
        return None

    def _absent(self, budget: str, code: str) -> bool:
        """Whether the figures say a line has nothing: its class is not there, or it is there
        with its lines listed and this one (or, for a 款, any of its 项) is not among them."""
        listed = self.classes[budget].get(code[:3])
        if listed is None:
            return True
        if not listed:
            return False  # the figures give the class as a whole: nothing to say of its lines
        return not any(line.code.startswith(code) for line in self.lines[budget])

    @staticmethod
    def _match(
        lines: Sequence[_Line], name: str, sec: str | None, cls: str | None, strict: bool = False
    ) -> list[_Line]:
        found = [line for line in lines if name in line.names]
        for given, attr in ((sec, "sections"), (cls, "classes")):
            if not given or not found:
                continue
            narrowed = [
                line
                for line in found
                if any(
                    given == n
                    or given == n + "支出"
                    or given.endswith(n)
                    or (len(given) >= 4 and n.endswith(given))
                    for n in getattr(line, attr)
                )
            ]
            if narrowed or strict:
                found = narrowed
        return found

    def code_subject(self, budget: str, code: str) -> str | None:
        """The subject of a 7-digit code written before a line's name."""
        if any(line.code == code for line in self.lines[budget]):
            return f"item:{budget}:{code}"
        if any(line.code == code for line in self.catalog_lines) and self._absent(budget, code):
            return f"absent:{budget}:{code}"
        return None


# -- claims ----------------------------------------------------------------------------------

Measure = Literal["amount", "budget", "final", "change", "share", "completion", "count"]


@dataclass(frozen=True)
class Claim:
    """Something the report says, where it says it."""

    #: ``value``, ``relation``, ``mention``, ``used_for`` or ``reason``.
    kind: str
    section: str | None
    #: The section's heading as written.
    heading: str
    subject: str | None
    #: The subject phrase as written.
    anchor: str
    #: What a value is (``amount``, ``change``, ``share``, …) or which relation is said.
    measure: str
    span: tuple[int, int]
    #: The words as written (normalised): the number with its unit, the relation word.
    written: str
    #: The sentence the claim is in (normalised) and its span.
    sentence: str
    sentence_span: tuple[int, int]
    #: The number as printed (a value) and its decimal places, unit and factor to 万元.
    number: Decimal | None = None
    places: int = 0
    unit: str = ""
    factor: Decimal = Decimal(1)
    #: ``up`` or ``down`` (a change), or None.
    direction: str | None = None
    #: ``prior`` or ``budget``: what a change compares with.
    base: str = "prior"
    #: ``initial`` or ``adjusted``: the budget named, or None when it is not named.
    qualifier: str | None = None
    #: Whether the words before an amount name last year (上年), and the year they name.
    prior_word: bool = False
    window_year: int | None = None
    #: The year a sentence opens with (2018年度收、支总计…), or None.
    lead_year: int | None = None
    #: The span of the word that says the direction of a change (增加, 下降 …).
    word_span: tuple[int, int] = (0, 0)
    #: Where in the section body (normalised offsets) the claim starts.
    position: int = 0
    #: The index of the section in :attr:`Located.sections`.
    section_index: int = 0


@dataclass
class Located:
    """A report read for its claims."""

    source: Source
    sections: list[Section]
    titles: list[Title]
    claims: list[Claim] = field(default_factory=list)

    def in_part(self) -> list[Section]:
        return [s for s in self.sections if s.in_part]


@dataclass(frozen=True, order=True)
class _Event:
    start: int
    order: int
    end: int
    kind: str
    subject: str | None = None
    detail: str = ""


_ORDER = {"stop": 0, "semi": 0, "open": 1, "close": 1, "skip": 2, "anchor": 3, "relation": 4}


def _select(matches: list[_Event]) -> list[_Event]:
    """Non-overlapping matches, the longest first where they overlap."""
    chosen: list[_Event] = []
    last = -1
    for event in sorted(matches, key=lambda e: (e.start, -(e.end - e.start))):
        if event.start >= last:
            chosen.append(event)
            last = event.end
    return chosen


class _Reader:
    """Reads one section's body into claims (a small state machine over its events)."""

    def __init__(
        self, lex: Lexicon, anchors: Anchors, section: Section, index: int, claims: list[Claim]
    ) -> None:
        self.lex = lex
        self.anchors = anchors
        self.section = section
        self.index = index
        self.claims = claims
        self.text = section.body.text

    # -- events ------------------------------------------------------------------------

    def _anchor_events(self) -> list[_Event]:
        lex, text, sid = self.lex, self.text, self.section.id
        found: list[_Event] = []
        for pattern in lex.subjects:
            if pattern.sections is not None and sid not in pattern.sections:
                continue
            for m in pattern.regex.finditer(text):
                if m.end() > m.start():
                    found.append(_Event(m.start(), 3, m.end(), "anchor", pattern.subject))
        if sid in lex.line_sections and sid is not None:
            if self.anchors.class_regex is not None:
                for m in self.anchors.class_regex.finditer(text):
                    name = m.group("name") or m.group("bare")
                    subject = self.anchors.class_subject(sid, name)
                    found.append(_Event(m.start(), 3, m.end(), "anchor", subject, "line"))
            for regex, level in ((lex.item, "item"), (lex.section_line, "sec")):
                for m in regex.finditer(text):
                    groups = m.groupdict()
                    item = groups.get("item") if level == "item" else None
                    subject = self.anchors.line_subject(
                        sid, item, groups.get("sec"), groups.get("cls")
                    )
                    found.append(_Event(m.start(), 3, m.end(), "anchor", subject, "line"))
            point = self.anchors.point_regex.get(sid)
            for m in point.finditer(text) if point is not None else ():
                code = self.anchors.point_codes[sid][m.group("name")]
                found.append(_Event(m.start(), 3, m.end(), "anchor", f"item:{sid}:{code}", "line"))
            for m in lex.code.finditer(text):
                subject = self.anchors.code_subject(sid, m.group("code"))
                if subject is not None:
                    found.append(_Event(m.start(), 3, m.end(), "anchor", subject, "line"))
        if self.anchors.project_regex is not None:
            for m in self.anchors.project_regex.finditer(text):
                subject = self.anchors.projects[m.group("project")]
                found.append(_Event(m.start(), 3, m.end(), "anchor", subject))
        return _select(found)

    def events(self) -> list[_Event]:
        lex, text = self.lex, self.text
        anchors = self._anchor_events()
        inside = _Spans((e.start, e.end) for e in anchors)
        covered_spans = [(e.start, e.end) for e in anchors]
        for pattern in lex.ignore:
            covered_spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
        covered = _Spans(covered_spans)
        events = list(anchors)
        for m in lex.value.finditer(text):
            if covered.overlaps(m.start(), m.end()):
                continue
            events.append(_Event(m.start(), 5, m.end(), "value"))
        for kind, pattern in lex.skip.items():
            for m in pattern.finditer(text):
                if m.end() > m.start() and not inside.contains(m.start()):
                    events.append(_Event(m.start(), 2, m.end(), "skip", detail=kind))
        relations: list[_Event] = []
        for kind, pattern in lex.relations.items():
            for m in pattern.finditer(text):
                if not inside.contains(m.start()):
                    detail = f"{kind}:{m.groupdict().get('word') or ''}"
                    relations.append(_Event(m.start(), 4, m.end(), "relation", detail=detail))
        events += _select(relations)
        for pattern, offset, opens in lex.years:
            detail = f"{offset}:opens" if opens else str(offset)
            for m in pattern.finditer(text):
                events.append(_Event(m.start("year"), 4, m.end("year"), "year", detail=detail))
        for i, char in enumerate(text):
            if char in STOPS:
                events.append(_Event(i, 0, i + 1, "stop"))
            elif char == "；":
                events.append(_Event(i, 0, i + 1, "semi"))
            elif char == "（" and not inside.contains(i):
                events.append(_Event(i, 1, i + 1, "open"))
            elif char == "）" and not inside.contains(i):
                events.append(_Event(i, 1, i + 1, "close"))
        events.sort()
        return events

    # -- reading -----------------------------------------------------------------------

    def read(self) -> None:
        events = self.events()
        text = self.text
        subject: str | None = None
        anchor_text = ""
        whole: tuple[str | None, str] = (None, "")
        stack: list[tuple[str | None, str]] = []
        skipping: str | None = None
        skip_start = 0
        skip_subject: str | None = None
        window = 0
        sentence = 0
        self._name(0)
        for n, event in enumerate(events):
            kind = event.kind
            if kind == "stop":
                if skipping:
                    self._skipped(skipping, skip_subject, skip_start, event.start)
                skipping = None
                window = sentence = event.end
                self._name(event.end)
                if stack:
                    subject, anchor_text = stack[0]
                    stack.clear()
                if subject and subject.startswith("class:"):
                    # A 类 is an item of a listing: the next sentence is about the whole again.
                    subject, anchor_text = whole
                continue
            if kind == "semi":
                if skipping and self._new_subject_follows(events, n):
                    self._skipped(skipping, skip_subject, skip_start, event.start)
                    skipping = None
                window = event.end
                continue
            if skipping:
                continue
            if kind == "open":
                stack.append((subject, anchor_text))
            elif kind == "close":
                if stack:
                    subject, anchor_text = stack.pop()
            elif kind == "anchor":
                if self.lex.roles["share"].search(text[window : event.start]):
                    continue  # 占本年支出合计的…: the whole of a share, not a new subject
                subject = event.subject
                anchor_text = text[event.start : event.end]
                window = event.end
                if not event.detail:  # not a line (类, 款, 项)
                    whole = (subject, anchor_text)
                self._claim("mention", subject, anchor_text, "mention", event, sentence)
            elif kind == "skip":
                skipping, skip_start, skip_subject = event.detail, event.end, subject
                if event.detail == "reason":
                    self._claim("reason", subject, anchor_text, "reason", event, sentence)
            elif kind == "relation":
                self._relation(event, subject, anchor_text, sentence)
            elif kind == "value":
                self._value(event, subject, anchor_text, window, sentence)
                window = event.end
            elif kind == "year":
                self._claim(
                    "year",
                    subject,
                    anchor_text,
                    event.detail,
                    event,
                    sentence,
                    number=Decimal(text[event.start : event.end]),
                )
        if skipping:
            self._skipped(skipping, skip_subject, skip_start, len(text))

    def _name(self, position: int) -> None:
        """A sentence that opens with a unit's name and the year (上海市XX局2024年度…)."""
        match = self.lex.name_sentence.match(self.text, position)
        if match is None:
            return
        event = _Event(match.start("name"), 0, match.end("name"), "name")
        year = Decimal(match["year"])
        self._claim("name", None, "", "name", event, position, number=year)
        # The year after the name opens the sentence as a year alone would (2019年度收、支…).
        event = _Event(match.start("year"), 4, match.end("year"), "year", detail="0:opens")
        self._claim("year", None, "", "0:opens", event, position, number=year)

    def _new_subject_follows(self, events: Sequence[_Event], n: int) -> bool:
        """After a semicolon in a reason: whether a subject comes before the next number."""
        for event in events[n + 1 :]:
            if event.kind == "anchor":
                return True
            if event.kind in ("value", "stop"):
                return False
        return False

    def _skipped(self, kind: str, subject: str | None, start: int, end: int) -> None:
        if kind != "used_for" or subject is None or end <= start:
            return
        span = self.section.body.origin(start, end)
        written = self.text[start:end]
        sentence, sentence_span = self._sentence(start)
        self.claims.append(
            Claim(
                "used_for",
                self.section.id,
                self.section.heading,
                subject,
                "",
                "used_for",
                span,
                written,
                sentence,
                sentence_span,
                position=start,
                section_index=self.index,
            )
        )

    def _sentence(self, position: int) -> tuple[str, tuple[int, int]]:
        start, end = sentence_bounds(self.text, position, position)
        return self.text[start:end], self.section.body.origin(start, end)

    def _claim(
        self,
        kind: str,
        subject: str | None,
        anchor: str,
        measure: str,
        event: _Event,
        sentence_start: int,
        **extra: object,
    ) -> None:
        sentence, sentence_span = self._sentence(event.start)
        self.claims.append(
            Claim(
                kind,
                self.section.id,
                self.section.heading,
                subject,
                anchor,
                measure,
                self.section.body.origin(event.start, event.end),
                self.text[event.start : event.end],
                sentence,
                sentence_span,
                position=event.start,
                section_index=self.index,
                **extra,  # type: ignore[arg-type]
            )
        )

    def _unknown_words(self, window: str) -> bool:
        """Whether the words before an amount name something other than its subject.

        What is left of them without brackets, years, role words and fillers (其中, 均为,
        决算数为 …): two Chinese characters or more are a subject narrator does not know.
        """
        rest = _BRACKETED.sub("", window)
        rest = self.lex.year_words.sub("", rest)
        roles = self.lex.roles
        # Longer role words first: 调整预算 before 预算.
        for name in sorted(roles, key=lambda n: -len(roles[n].pattern)):
            rest = roles[name].sub("", rest)
        rest = self.lex.filler.sub("", rest)
        return len(_HAN.findall(rest)) >= 2

    def _base(self, sentence_start: int, position: int) -> str:
        before = self.text[sentence_start:position]
        budget = [m.start() for m in self.lex.roles["base_budget"].finditer(before)]
        prior = [m.start() for m in self.lex.roles["base_prior"].finditer(before)]
        if budget and (not prior or budget[-1] > prior[-1]):
            return "budget"
        return "prior"

    def _relation(self, event: _Event, subject: str | None, anchor: str, sentence: int) -> None:
        kind, _, word = event.detail.partition(":")
        direction = None
        if kind == "direction":
            if self.lex.roles["up"].fullmatch(word):
                direction = "up"
            elif self.lex.roles["down"].fullmatch(word):
                direction = "down"
            else:
                return
        base = self._base(sentence, event.start)
        if kind == "equal" or kind in ("over", "under"):
            base = "budget"
        self._claim(
            "relation", subject, anchor, kind, event, sentence, direction=direction, base=base
        )

    def _value(
        self, event: _Event, subject: str | None, anchor: str, window_start: int, sentence: int
    ) -> None:
        lex = self.lex
        window = self.text[window_start : event.start]
        match = lex.value.match(self.text, event.start)
        assert match is not None
        unit = match.group("unit")
        if unit in lex.other_units:
            return
        number = Decimal(match.group("number").replace(",", ""))
        digits = match.group("number").partition(".")[2]
        roles = lex.roles
        ups = list(roles["up"].finditer(window))
        downs = list(roles["down"].finditer(window))
        up, down = bool(ups), bool(downs)
        direction = "up" if up and not down else "down" if down and not up else None
        if direction is not None and self.text[event.start - 1 : event.start] == "-":
            direction = "down" if direction == "up" else "up"  # 增长-20%: a fall of 20%
        word_span: tuple[int, int] = (0, 0)
        if direction is not None:
            word = (ups or downs)[-1]
            word_span = self.section.body.origin(
                window_start + word.start(), window_start + word.end()
            )
        qualifier = (
            "adjusted"
            if roles["adjusted"].search(window)
            else "initial"
            if roles["initial"].search(window)
            else None
        )
        years = self.lex.year.findall(window)
        # The year that opens the sentence, alone or after the unit's name.
        lead = self.lex.year.match(self.text, sentence) or self.lex.name_sentence.match(
            self.text, sentence
        )
        measure: str
        factor = Decimal(1)
        if unit in lex.money:
            factor = lex.money[unit]
            if self._unknown_words(window):
                subject = None  # words of a subject this lexicon does not know: not compared
            # The word nearest the number decides: 年初无预算，支出决算为85.40万元 is a final.
            said = {
                role: max((m.end() for m in roles[role].finditer(window)), default=-1)
                for role in ("budget", "final")
            }
            if up or down:
                measure = "change"
            elif roles["executed"].search(window):
                measure = "final"
            elif said["budget"] >= 0 or said["final"] >= 0:
                measure = "final" if said["final"] > said["budget"] else "budget"
            else:
                measure = "amount"
        elif unit in lex.percent_units:
            if roles["completion"].search(window):
                measure = "completion"
            elif up or down:
                measure = "change"
            elif roles["share"].search(window):
                measure = "share"
            else:
                return
        else:
            measure = "count"
            if self._unknown_words(window):
                subject = None
        self._claim(
            "value",
            subject,
            anchor,
            measure,
            event,
            sentence,
            number=number,
            places=len(digits),
            unit=lex.counts.get(unit, unit),
            factor=factor,
            direction=direction,
            base=self._base(sentence, event.start),
            qualifier=qualifier,
            word_span=word_span,
            prior_word=bool(roles["prior"].search(window)),
            window_year=int(years[-1]) if years else None,
            lead_year=int(lead[lead.re.groupindex.get("year", 1)]) if lead else None,
        )


class _Spans:
    """Spans of a text, asked whether they hold a position or overlap a stretch in
    logarithmic time (a report's sections may hold thousands of anchors and numbers).

    >>> spans = _Spans([(5, 9), (0, 2)])
    >>> spans.contains(1), spans.contains(2), spans.overlaps(8, 12), spans.overlaps(2, 5)
    (True, False, True, False)
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        furthest = -1
        for _, end in ordered:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span begins before ``end`` and ends after ``start``."""
        count = bisect.bisect_left(self.starts, end)
        return count > 0 and self.reach[count - 1] > start

    def contains(self, position: int) -> bool:
        count = bisect.bisect_right(self.starts, position)
        return count > 0 and self.reach[count - 1] > position


def locate(source: Source, lex: Lexicon, anchors: Anchors) -> Located:
    """Read a report's sections and the claims each makes."""
    sections, titles = _structure(source, lex)
    located = Located(source, sections, titles)
    for index, section in enumerate(sections):
        if section.in_part:
            _Reader(lex, anchors, section, index, located.claims).read()
    return located


__all__ = ["BUDGET_SECTIONS", "Anchors", "Claim", "Located", "Section", "Title", "locate"]
