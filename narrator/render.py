"""Rendering: decisions + one language's phrasebank -> a :class:`Document`.

Python here is language-neutral: it walks the profile's outline, hands the
templates the decided facts and a set of formatting helpers, and collects
headings, paragraphs and tables. Every word comes from the phrasebank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from types import FunctionType, MethodType
from typing import Any, NamedTuple

from narrator.decisions import Facts, Line, Sentence
from narrator.derive import Change, Completion
from narrator.document import Block, Document, Heading, Paragraph
from narrator.figures import AMOUNT_LIMIT_WAN, Text
from narrator.outline import budgeted, evaluate, picked
from narrator.phrasebank import (
    Language,
    Phrasebank,
    PhrasebankError,
    Step,
    TemplateFailure,
    renders,
)
from narrator.sandbox import safe_format, trust
from narrator.tables import build_table

_SPACES = re.compile(r"[ \t]{2,}")
#: An amount a template printed, held until its sentence is known (see ``Renderer.amount``):
#: private-use characters no text holds, unchanged by ``upper``/``lower``/``trim``.
_HELD = re.compile("\ue000([0-9]+)\ue001")
_YEAR_MONTH = re.compile(r"([12][0-9]{3})[.\-/年]([0-9]{1,2})月?")
_HOLD_MARKS = ("\ue000", "\ue001")
# After runs are collapsed no two spaces touch, so each stray space is one ``" ,"`` pair.
_STRAY = (*((" " + mark, mark) for mark in ",.;:!?)"), ("( ", "("))
# A space before another space or before a mark: what the loops below would change.
_UNTIDY = re.compile(r" [ ,.;:!?)]")


def tidy(text: str) -> str:
    """Collapse the spaces joined template lines leave (languages whose style asks).

    >>> tidy("by RMB 2 million ,  mainly because ( see below ) .")
    'by RMB 2 million, mainly because (see below).'
    """
    # str.replace rather than regex passes: this runs on every English block, most of
    # which need nothing but the strip (one scan finds whether any other step applies).
    if "\t" not in text and "( " not in text and _UNTIDY.search(text) is None:
        return text.strip()
    if "\t" in text:
        text = _SPACES.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    for stray, mark in _STRAY:
        if stray in text:
            text = text.replace(stray, mark)
    return text.strip()


def _breaks_in(text: str, breaks: Sequence[str]) -> bool:
    """Whether ``text`` holds any of the sentence breaks."""
    for mark in breaks:  # noqa: SIM110 - a loop, not a generator: this runs per amount
        if mark in text:
            return True
    return False


@lru_cache(maxsize=1024)
def _numbered(pattern: str, n: int, words: str) -> str:
    """A heading's or a point's number by a numbering pattern (the same few, many times)."""
    return safe_format(
        pattern,
        n=n,
        cn=words,
        roman=roman(n) if "{roman}" in pattern else "",
        alpha=alpha(n) if "{alpha}" in pattern else "",
    )


def capitalized(text: str) -> str:
    """``text`` with its first cased letter in upper case (a term as a headword).

    >>> capitalized('"three public consumptions"'), capitalized("财政拨款收入")
    ('"Three public consumptions"', '财政拨款收入')
    """
    for i, char in enumerate(text):
        if char.lower() != char.upper():
            return text[:i] + char.upper() + text[i + 1 :]
    return text


def roman(n: int) -> str:
    """``n`` in upper-case Roman numerals (heading numbers: "Part II").

    >>> roman(4), roman(14), roman(1999)
    ('IV', 'XIV', 'MCMXCIX')
    """
    if not 0 < n < 4000:
        return str(n)
    digits = []
    for value, letters in zip(
        (1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1),
        ("M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"),
        strict=True,
    ):
        count, n = divmod(n, value)
        digits.append(letters * count)
    return "".join(digits)


def alpha(n: int) -> str:
    """``n`` as a lower-case letter, then aa, ab, … (points of a list: "(a)", "(b)").

    >>> alpha(1), alpha(26), alpha(27)
    ('a', 'z', 'aa')
    """
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


_TRUSTING: set[type] = set()

_RELATION = renders("relation.", "d")
_USED_FOR = renders("three_public.used_for.")
_CLASS_PATH = renders("catalog.class_path", "cls")
_SECTION_PATH = renders("catalog.section_path", "cls", "sec")
_ITEM_PATH = renders("catalog.item_path", "cls", "sec", "item")
_CLASS_EXPENDITURE = renders("catalog.class_expenditure", "name")
_SENTENCES = renders("sentences.", "s", "d", "item", "class_code", "part")
_VERSUS = renders("versus", "d", "base")
_CHANGE = renders("change.", "d", "each")
_COMPLETION = renders("completion.", "d", "of")
_BUDGET_EQUAL = renders("budget_equal.", "base")
_ORDINAL = renders("ordinal", "n", "word")
#: The variables an outline entry with ``each:`` adds (besides its ``as:`` name).
OUTLINE_NAMES = frozenset({"index"})
#: Reason phrases (``reasons`` table) get the sentence, its value and its subject's name.
REASON_NAMES = frozenset({"s", "d", "subject", "item", "class_code", "part"})

#: The style option that words each change state whose wording is a choice.
_CHANGE_OPTIONS: Mapping[str, str] = {
    "flat": "flat_change",
    "from_zero": "growth_from_zero",
    "both_zero": "both_zero_change",
}


class _Count(NamedTuple):
    """A count held until its sentence is complete (:meth:`Renderer.count`)."""

    number: int
    noun: Mapping[str, str] | str


def _amount_value(value: object) -> Decimal:
    """An amount a template hands ``amount()``, checked while the template still runs:
    formatting is deferred to the end of the sentence, where a failure could no longer
    name the template."""
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"an amount must be a Decimal, got {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite() or abs(number) >= AMOUNT_LIMIT_WAN:
        raise ValueError(f"an amount must be finite and below {AMOUNT_LIMIT_WAN:,} 万元")
    return number


class Renderer:
    """Renders facts in one language."""

    def __init__(self, bank: Phrasebank, lang: str, facts: Facts, *, tables: bool = False) -> None:
        self.bank = bank
        #: Whether the outline's public tables are rendered (``with_tables`` in conditions).
        self.tables = tables
        self.lang: Language = bank.language(lang)
        self.facts = facts
        self.numbers = self.lang.formatter(facts.style)
        edition = bank.profile.edition
        #: Names of the profile's catalog edition (e.g. 资源勘探工业信息等 in 2024) first.
        self.edition_names: Mapping[str, str] = self.lang.edition_names(edition)
        self.names: Mapping[str, str] = self.lang.catalog_names(edition)
        self._texts = self.lang.phrases("text")
        self._reasons = self.lang.phrases("reasons")
        #: Keys of the sentences this renderer has said (the profile may leave some out).
        self.said: set[str] = set()
        #: Keys of the sentences whose reason this renderer has printed (``reason()``):
        #: every language prints the reasons of the same sentences (tests/test_outline.py).
        self.reasoned: set[str] = set()
        self._tidy = bool(self.lang.style.get("tidy_spaces"))
        #: Amounts and counts printed and not yet formatted: a sentence's amounts share one
        #: style, and its counts are all words or all figures.
        self._held: list[Decimal | _Count] = []
        breaks = self.lang.style.get("sentence_breaks", ())
        self._breaks: tuple[str, ...] = tuple(str(b) for b in breaks if str(b))
        #: The level of the last heading rendered: ``numbered`` numbers the level below it.
        self._depth = 0
        #: Reason phrases this language words as a statement of its own, not as a cause.
        self._statements = frozenset(str(k) for k in self.lang.style.get("statement_reasons", ()))
        self.context = self._base_context()

    # -- helpers the templates call ------------------------------------------

    def _base_context(self) -> dict[str, Any]:
        f = self.facts.figures
        n = self.numbers
        # The environment's globals (namespace) first: templates render with a shared context.
        context: dict[str, Any] = dict(self.lang.env.globals)
        context.update(self.facts.values)
        context.update(
            f=f,
            style=self.facts.style,
            terms=self.lang.terms,
            year=f.unit.year,
            prior_year=f.unit.year - 1,
            unit_name=self.tr(f.unit.name, "unit.name"),
            amount=self.amount,
            amount_alone=self.amount_alone,
            pct=self.pct,
            count=self.count,
            words=n.words,
            join=n.join,
            tr=self.tr,
            say=self.say,
            reason=self.reason,
            change=self.change,
            completion=self.completion,
            budget_equal=self.budget_equal,
            class_name=self.class_name,
            item_name=self.item_name,
            glossary_name=self.glossary_name,
            definition=self.definition,
            economic=self.economic,
            ordinal=self.ordinal,
            cause=self.cause,
            unit=f.unit,
            rate=self.rate,
            share=self.share,
            shown=self.shown,
            listed=self.listed,
            with_amount=self.with_amount,
            zero_lines=self.zero_lines,
            numbered=self.numbered,
            stated=self.stated,
            capital=capitalized,
            economic_list=self.economic_list,
            terms_relation=self.relation,
            used_for=self.used_for,
            item_path=self.item_path,
            month=self.month,
            phrase=self.phrase,
            versus=self.versus,
            budgeted=budgeted,
            picked=picked,
            glossary_entries=self.glossary_entries,
            with_tables=self.tables,
        )
        # The sandbox calls narrator's own helpers without re-checking them (registered
        # once per class: a method's function is the same for every instance).
        if type(self) not in _TRUSTING:
            _TRUSTING.add(type(self))
            trust(
                *(
                    value
                    for value in context.values()
                    if (isinstance(value, MethodType) and value.__self__ in (self, n))
                    or (isinstance(value, FunctionType) and value.__module__ == __name__)
                )
            )
        return context

    def amount(self, value: Decimal | int) -> str:
        """An amount in 万元, formatted when its sentence is complete (:meth:`finished`).

        The amounts of one sentence share one scale and one number of decimals
        (:meth:`NumberFormatter.amounts`); until then the amount is held as a mark.
        """
        self._held.append(_amount_value(value))
        return f"{_HOLD_MARKS[0]}{len(self._held) - 1}{_HOLD_MARKS[1]}"

    def amount_alone(self, value: Decimal | int) -> str:
        """An amount where the official template writes 万 alone (style option ``wan_alone``):
        formatted at once by the language's ``alone`` style, else held like :meth:`amount`."""
        if not self.numbers.writes_alone:
            return self.amount(value)
        return self.numbers.amount_alone(_amount_value(value))

    def _release(self, text: str) -> str:
        """Format the held amounts of ``text``, sentence by sentence (the style's breaks)."""
        if _HOLD_MARKS[0] not in text:
            return text
        return self._release_all([text], [False])[0]

    def _release_all(self, texts: Sequence[str], continued: Sequence[bool]) -> list[str]:
        """Format the held amounts and counts of consecutive blocks, sentence by sentence.

        A sentence ends at one of the style's ``sentence_breaks`` and at the end of a block,
        unless ``continued`` says the block's sentence goes on in the next one (a list
        introduced by "其中：" whose lines are paragraphs of their own).
        """
        mark = _HOLD_MARKS[0]
        split = [_HELD.split(text) if mark in text else [text] for text in texts]
        breaks = self._breaks
        # Each piece: text, index, text, index, …, text. A sentence break in the text
        # between two amounts puts them in different sentences.
        groups: list[list[tuple[int, int]]] = [[]]
        for block, parts in enumerate(split):
            for i in range(1, len(parts), 2):
                if groups[-1] and _breaks_in(parts[i - 1], breaks):
                    groups.append([])
                groups[-1].append((block, i))
            # The block's sentence ends with it, or a break after its last amount ends it.
            ended = not continued[block] or _breaks_in(parts[-1], breaks)
            if groups[-1] and ended:
                groups.append([])
        for group in groups:
            indexes = [int(split[block][i]) for block, i in group]
            if not group or any(index >= len(self._held) for index in indexes):
                continue  # a mark no amount made (a template copied one): dropped below
            values = [self._held[index] for index in indexes]
            amounts = iter(self.numbers.amounts([v for v in values if not isinstance(v, _Count)]))
            counts = iter(self.numbers.counts([v for v in values if isinstance(v, _Count)]))
            for (block, i), value in zip(group, values, strict=True):
                split[block][i] = next(counts if isinstance(value, _Count) else amounts)
        released = []
        for parts in split:
            text = "".join(parts) if len(parts) > 1 else parts[0]
            if mark in text or _HOLD_MARKS[1] in text:
                for held in _HOLD_MARKS:
                    text = text.replace(held, "")
            released.append(text)
        return released

    def numbered(self, n: int) -> str:
        """The number of the ``n``-th point of a list in a paragraph, styled as the level
        below the last heading (the language's ``numbering``): "(a)" under "(1) …"."""
        pattern = self.lang.style.get("numbering", {}).get(self._depth + 1)
        if not pattern:
            return ""
        return self._number(str(pattern), n).strip()

    def _number(self, pattern: str, n: int) -> str:
        words = self.numbers.words(n) if "{cn}" in pattern else ""
        return _numbered(pattern, n, words)

    def stated(self, sentence: Sentence) -> bool:
        """Whether this language words the sentence's reason as a statement of its own
        (``statement_reasons`` in its style), rather than as a cause ("mainly because …")."""
        reason = sentence.reason
        return reason.source == "rule" and (reason.phrase or "") in self._statements

    def rate(self, value: Decimal | None) -> str:
        """A growth or completion rate (trailing zeros trimmed when the style asks)."""
        if value is None:
            return self.pct(value)
        return self.numbers.percent(value, trim_whole=self.facts.style["trim_rate_zeros"] == "yes")

    def shown(self, value: Decimal | None) -> bool:
        """Whether a share is printed: always, unless its whole is zero and the style omits it."""
        return value is not None or self.facts.style["zero_whole_share"] == "zero_percent"

    def share(self, value: Decimal | None) -> str:
        """A share of a whole; a share of a zero whole only by the seed's convention."""
        if value is None and self.facts.style["zero_whole_share"] == "zero_percent":
            return self.numbers.percent(0)
        return self.pct(value)

    def listed(self, lines: Sequence[Line]) -> list[Line]:
        """The lines a listing shows: all, or only those with an amount ("不涉及的不列")."""
        if self.facts.style["list_zero_lines"] == "yes":
            return list(lines)
        return [line for line in lines if line.amount]

    def with_amount(self, lines: Sequence[Line]) -> list[Line]:
        """The lines that have an amount, in order (whatever the listing style)."""
        return [line for line in lines if line.amount]

    def zero_lines(self, lines: Sequence[Line]) -> list[Line]:
        """The lines the listing shows although they are zero ("list_zero_lines"): what a
        language that states absence in words says has none."""
        return [line for line in self.listed(lines) if not line.amount]

    def economic_list(self, entries: Sequence[str | Text]) -> list[str]:
        return [self.economic(entry) for entry in entries]

    def relation(self, value: Completion) -> str:
        return self._render(_RELATION + value.state, {"d": value})

    def used_for(self, part: str) -> str:
        given = getattr(self.facts.figures.three_public, part).used_for
        if given is not None:
            return self.tr(given, f"three_public.{part}.used_for")
        return self._render(_USED_FOR + part, {})

    def item_path(self, code: str, item: Any = None) -> str:
        """类/款/项 as the reports name an item; the figures' own name wins over the catalog's."""
        names = self.names
        cls = self.glossary_name(code[:3])
        if len(code) == 3:
            return self._render(_CLASS_PATH, {"cls": cls})
        own = self.tr(item.name, f"items.{code}.name") if getattr(item, "name", None) else None
        given = getattr(item, "section_name", None)
        # The figures' 款 name wins too (the checker warns when it differs from the catalog's);
        # a 款 known to neither prints as its code, visibly, so the path stays whole.
        sec = (self.tr(given, f"items.{code}.section_name") if given else None) or names.get(
            code[:5]
        )
        if len(code) == 5:
            return self._render(_SECTION_PATH, {"cls": cls, "sec": own or sec or code})
        name = own or self._catalog_name(code, names)
        return self._render(_ITEM_PATH, {"cls": cls, "sec": sec or code[:5], "item": name})

    def month(self, number: int) -> str:
        """A month's name as the language writes it (Babel's CLDR data)."""
        from babel.dates import get_month_names

        return str(get_month_names("wide", locale=self.numbers.locale)[number])

    def period(self, text: str | None) -> str:
        """A year and month the figures give as text ("2019.1"), as the language writes it
        (its style's ``month_year``, e.g. "{month} {year}": "January 2019"); other text,
        or a language without the pattern, as given."""
        if not text:
            return ""
        pattern = self.lang.style.get("month_year")
        found = _YEAR_MONTH.fullmatch(text.strip())
        if not pattern or found is None or not 1 <= int(found.group(2)) <= 12:
            return text
        return safe_format(str(pattern), year=found.group(1), month=self.month(int(found.group(2))))

    def glossary_entries(self, items: bool = True) -> list[dict[str, str]]:
        """The fixed glossary entries, then (``items``) one per 项 the figures report.

        The glossary is the one source of the terms it defines: an entry with ``of`` (a
        terms path such as ``income_sources.operations``) is headed by that term, as the
        report's text names it, with a capital; an item is named as the report names it
        (the figures' own name, else the catalog's).
        """
        entries = []
        for entry in self.lang.terms.get("glossary", ()):
            found = dict(entry)
            if "of" in found:
                found["term"] = capitalized(str(self.lang.term(str(found["of"]))))
            entries.append(found)
        for code in self.facts.decisions.glossary_items if items else ():
            definition = self.definition(code)
            if definition and code in self.lang.names:
                item = self._item(code)
                entries.append({"term": self.item_path(code, item), "definition": definition})
        return entries

    def _item(self, code: str) -> Any:
        f = self.facts.figures
        for budget in (f.general_budget, f.fund_budget, f.state_capital_budget):
            for cls in budget.classes if budget is not None else ():
                for item in cls.items:
                    if item.code == code:
                        return item
        return None

    def pct(self, value: Decimal | None) -> str:
        if value is None:
            raise PhrasebankError(
                f"{self.lang.lang}: a template printed a ratio over zero; test it for none first"
            )
        return self.numbers.percent(value)

    def count(self, number: int, noun: str) -> str:
        """A count with its noun, formatted when its sentence is complete: the counts of one
        sentence are all in words or all in figures (:meth:`NumberFormatter.counts`)."""
        self._held.append(_Count(number, self.lang.term(f"nouns.{noun}")))
        return f"{_HOLD_MARKS[0]}{len(self._held) - 1}{_HOLD_MARKS[1]}"

    def tr(self, text: Text | str | None, label: str = "") -> str:
        """Free text in this language, or a visible marker when it is missing."""
        if text is None:
            return ""
        if isinstance(text, str):
            return text
        value = getattr(text, self.lang.lang, None)
        if value:
            return str(value)
        if text.neutral:
            return text.zh
        # The marker names the figure, never quotes the other language's text.
        marker = str(self.lang.term("missing_text"))
        return safe_format(marker, what=label or str(self.lang.term("free_text")))

    def _render(self, key: str, extra: Mapping[str, Any], table: str = "text") -> str:
        phrase = (self._texts if table == "text" else self._reasons).get(key)
        if phrase is None:
            return self.lang.render(key, self.context, extra, table=table)
        try:
            return phrase.render(self.context, extra)
        except TemplateFailure:
            raise  # a nested phrase already said where
        except Exception as exc:  # a template's fault: said with its file, line and key
            raise self.lang.failure(key, table, exc) from exc

    def finished(self, text: str) -> str:
        """Text as a block prints it: amounts formatted by sentence, spacing tidied once
        where the language asks."""
        text = self._release(text)
        return tidy(text) if self._tidy else text

    def text(self, key: str, extra: Mapping[str, Any] | None = None) -> str:
        """One text key rendered and tidied, as a block or a table title prints it."""
        return self.finished(self._render(key, extra or {}))

    def sentence_text(self, sentence: Sentence) -> str:
        """A sentence on its own, tidied (explain shows it)."""
        return self.finished(self.say(sentence))

    def say(self, sentence: Sentence) -> str:
        """A whole sentence (change or completion) with its reason."""
        self.said.add(sentence.key)
        return self._render(
            _SENTENCES + sentence.form,
            {"s": sentence, "d": sentence.value, **sentence.params},
        )

    def versus(self, value: Change, base: str) -> str:
        """A change against a named base (比上年度增加… / 与上年度持平)."""
        return self._render(_VERSUS, {"d": value, "base": base})

    def phrase(self, key: str, **params: Any) -> str:
        """Another text key rendered with extra variables (templates compose phrases)."""
        return self._render(key, params)

    def paragraph(self, key: str) -> str:
        """One paragraph template rendered on its own (explain uses it)."""
        return self.text(key)

    def reason(self, sentence: Sentence) -> str:
        """The sentence's reason text, or the visible placeholder when none exists."""
        self.said.add(sentence.key)  # a reason printed inside another sentence is said too
        self.reasoned.add(sentence.key)
        reason = sentence.reason
        trim = str(self.lang.style.get("trim_reason", ""))
        if reason.source == "user":
            return self.tr(reason.text, f"reasons.{sentence.key}").rstrip(trim)
        if reason.source == "rule" and reason.phrase:
            subject = self.lang.term(f"subjects.{sentence.subject}")
            return self._render(
                reason.phrase,
                {"s": sentence, "d": sentence.value, "subject": subject, **sentence.params},
                table="reasons",
            ).rstrip(trim)
        if reason.source == "missing":
            return str(self.lang.term("reason_missing"))
        return ""

    def change(self, value: Change | Sentence, each: str = "") -> str:
        """A change phrase chosen by the change's state and the style.

        ``each`` is what the phrase puts before the verb (各 when two totals change alike).
        Given a sentence, the phrase is that sentence's change, and the sentence is said.
        """
        if isinstance(value, Sentence):
            self.said.add(value.key)
            said = value.value
            if not isinstance(said, Change):
                raise PhrasebankError(f"{self.lang.lang}: change() of a completion sentence")
            value = said
        style = self.facts.style
        state: str = value.state
        if state == "both_zero" and style["both_zero_change"] == "plain_flat":
            state = "flat"  # nothing in either year, said as any other flat change
        option = _CHANGE_OPTIONS.get(state)
        key = _CHANGE + state + (f".{style[option]}" if option else "")
        return self._render(key, {"d": value, "each": each})

    def completion(self, value: Completion, of: str = "") -> str:
        """A budget-completion phrase chosen by the state and the style."""
        key = _COMPLETION + value.state
        if value.state == "both_zero":
            key += "." + self.facts.style["both_zero_completion"]
        return self._render(key, {"d": value, "of": of})

    def budget_equal(self, sentence: Sentence) -> str:
        """A final equal to its budget, as the style option ``budget_equal`` states it."""
        base = self.lang.term(f"budget_figures.{sentence.basis or 'initial'}")
        return self._render(_BUDGET_EQUAL + self.facts.style["budget_equal"], {"base": base})

    def class_name(self, code: str) -> str:
        return self._catalog_name(code, self.names)

    def item_name(self, item: Any) -> str:
        if getattr(item, "name", None) is not None:
            return self.tr(item.name)
        return self._catalog_name(item.code, self.names)

    def glossary_name(self, code: str) -> str:
        """A 类 as the glossary and the 2024 lists name it (一般公共服务支出)."""
        if code in self.edition_names:
            return self._render(_CLASS_EXPENDITURE, {"name": self.edition_names[code]})
        return self._catalog_name(code, self.lang.glossary_names)

    def definition(self, code: str) -> str:
        return str(self.lang.definitions.get(code, ""))

    def _catalog_name(self, code: str, names: Mapping[str, str]) -> str:
        # An unknown code prints as itself, visibly; the checker reports it (unknown-code).
        return str(names.get(code, code))

    def economic(self, entry: str | Text) -> str:
        if isinstance(entry, Text):
            return self.tr(entry)
        name = self.lang.economic.get(entry)
        return str(name) if name is not None else entry

    def ordinal(self, index: int) -> str:
        """The lead-in of the ``index``-th point (1-based): 一是 / first."""
        return self._render(_ORDINAL, {"n": index, "word": self.numbers.words(index)})

    def cause(self) -> str:
        established = self.facts.figures.unit.established
        if established is None or established.cause is None:
            return ""
        if isinstance(established.cause, Text):
            return self.tr(established.cause, "unit.established.cause")
        return str(self.lang.term(f"causes.{established.cause}"))

    # -- the outline ----------------------------------------------------------

    def document(self) -> Document:
        blocks: list[Block] = []
        counters: dict[int, int] = {}
        for index, step in enumerate(self.bank.profile.steps):
            if step.when is not None and not self._outline(step.when, index):
                continue
            if step.each is not None:
                items = self._outline(step.each, index, each=True)
                for i, item in enumerate(items):
                    extra = {step.name: item, "index": i + 1}
                    blocks.extend(self._block(step, extra, counters, f"[{i}]"))
            else:
                blocks.extend(self._block(step, {}, counters, ""))
        blocks = self._finish_paragraphs(blocks)
        title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 0), "")
        return Document(self.lang.lang, title, tuple(blocks))

    def _finish_paragraphs(self, blocks: Sequence[Block]) -> list[Block]:
        """Paragraphs as they print: their amounts formatted sentence by sentence (a
        sentence that goes on in the next paragraph, ending in no break, shares its money
        style), their spacing tidied; a paragraph with no text left is dropped."""
        ends = tuple(mark.strip() for mark in self._breaks if mark.strip())
        texts = [b.text for b in blocks if isinstance(b, Paragraph)]
        continued = []
        for i, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                after = blocks[i + 1] if i + 1 < len(blocks) else None
                open_ = not block.text.rstrip().endswith(ends) if ends else False
                continued.append(isinstance(after, Paragraph) and open_)
        released = iter(self._release_all(texts, continued))
        finished: list[Block] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                text = next(released)
                text = tidy(text) if self._tidy else text
                if text:
                    finished.append(Paragraph(block.key, text))
            else:
                finished.append(block)
        return finished

    def _outline(self, source: str, index: int, *, each: bool = False) -> Any:
        """An outline entry's ``when`` (or ``each``: its items) over this language's context."""
        return evaluate(self.bank, index, source, self.context, each=each)

    def _block(
        self,
        step: Step,
        extra: Mapping[str, Any],
        counters: dict[int, int],
        suffix: str,
    ) -> Sequence[Block]:
        if step.kind == "heading":
            level = step.level
            text = self.text(step.source, extra)
            number = ""
            if level > 0:
                counters[level] = counters.get(level, 0) + 1
                for deeper in [lvl for lvl in counters if lvl > level]:
                    del counters[deeper]
                pattern = self.lang.style.get("numbering", {}).get(level)
                if pattern:
                    number = self._number(str(pattern), counters[level])
            self._depth = level
            return [Heading(step.key + suffix, level, number, text)]
        if step.kind == "paragraph":
            # Finished with its neighbors (_finish_paragraphs): a sentence may go on.
            return [Paragraph(step.key + suffix, self._render(step.source, extra))]
        return [build_table(step.source, self, extra, suffix)]


def render_document(bank: Phrasebank, lang: str, facts: Facts, *, tables: bool = False) -> Document:
    """One language's document; ``tables`` adds the public tables (公开01–08表)."""
    return Renderer(bank, lang, facts, tables=tables).document()


__all__ = ["Renderer", "render_document"]
