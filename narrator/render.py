"""Rendering: decisions + one language's phrasebank -> a :class:`Document`.

Python here is language-neutral: it walks the profile's outline, hands the
templates the decided facts and a set of formatting helpers, and collects
headings, paragraphs and tables. Every word comes from the phrasebank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import FunctionType, MethodType
from typing import Any

from narrator.decisions import Facts, Line, Sentence
from narrator.derive import Change, Completion
from narrator.document import Block, Document, Heading, Paragraph
from narrator.errors import InputError
from narrator.figures import Text
from narrator.outline import budgeted, picked
from narrator.phrasebank import Language, Phrasebank, PhrasebankError, Step
from narrator.sandbox import Expression, safe_format, trust

_SPACES = re.compile(r"[ \t]{2,}")
# After runs are collapsed no two spaces touch, so each stray space is one ``" ,"`` pair.
_STRAY = (*((" " + mark, mark) for mark in ",.;:!?)"), ("( ", "("))


def tidy(text: str) -> str:
    """Collapse the spaces joined template lines leave (languages whose style asks).

    >>> tidy("by RMB 2 million ,  mainly because ( see below ) .")
    'by RMB 2 million, mainly because (see below).'
    """
    # str.replace rather than regex passes: this runs on every English block.
    if "\t" in text:
        text = _SPACES.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    for stray, mark in _STRAY:
        if stray in text:
            text = text.replace(stray, mark)
    return text.strip()


_TRUSTING: set[type] = set()

#: The style option that words each change state whose wording is a choice.
_CHANGE_OPTIONS: Mapping[str, str] = {
    "flat": "flat_change",
    "from_zero": "growth_from_zero",
    "both_zero": "both_zero_change",
}


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
        self.edition_names: Mapping[str, str] = (
            self.lang.catalog.get(f"names_{edition}", {}) if edition else {}
        )
        self.names: Mapping[str, str] = {**self.lang.names, **self.edition_names}
        #: Keys of the sentences this renderer has said (the profile may leave some out).
        self.said: set[str] = set()
        self._tidy = bool(self.lang.style.get("tidy_spaces"))
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
            amount=n.amount,
            amount_alone=n.amount_alone,
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

    def economic_list(self, entries: Sequence[str | Text]) -> list[str]:
        return [self.economic(entry) for entry in entries]

    def relation(self, value: Completion) -> str:
        return self._render(f"relation.{value.state}", {"d": value})

    def used_for(self, part: str) -> str:
        given = getattr(self.facts.figures.three_public, part).used_for
        if given is not None:
            return self.tr(given, f"three_public.{part}.used_for")
        return self._render(f"three_public.used_for.{part}", {})

    def item_path(self, code: str, item: Any = None) -> str:
        """类/款/项 as the reports name an item; the figures' own name wins over the catalog's."""
        names = self.names
        cls = self.glossary_name(code[:3])
        if len(code) == 3:
            return self._render("catalog.class_path", {"cls": cls})
        own = self.tr(item.name, f"items.{code}.name") if getattr(item, "name", None) else None
        given = getattr(item, "section_name", None)
        # The figures' 款 name wins too (the checker warns when it differs from the catalog's);
        # a 款 known to neither prints as its code, visibly, so the path stays whole.
        sec = (self.tr(given, f"items.{code}.section_name") if given else None) or names.get(
            code[:5]
        )
        if len(code) == 5:
            return self._render("catalog.section_path", {"cls": cls, "sec": own or sec or code})
        name = own or self._catalog_name(code, names)
        return self._render("catalog.item_path", {"cls": cls, "sec": sec or code[:5], "item": name})

    def month(self, number: int) -> str:
        """A month's name as the language writes it (Babel's CLDR data)."""
        from babel.dates import get_month_names

        return str(get_month_names("wide", locale=self.numbers.locale)[number])

    def glossary_entries(self, items: bool = True) -> list[dict[str, str]]:
        """The fixed glossary entries, then (``items``) one per 项 the figures report."""
        entries = [dict(entry) for entry in self.lang.terms.get("glossary", ())]
        for code in self.facts.decisions.glossary_items if items else ():
            definition = self.definition(code)
            if definition and code in self.lang.names:
                entries.append({"term": self.item_path(code), "definition": definition})
        return entries

    def pct(self, value: Decimal | None) -> str:
        if value is None:
            raise PhrasebankError(
                f"{self.lang.lang}: a template printed a ratio over zero; test it for none first"
            )
        return self.numbers.percent(value)

    def count(self, number: int, noun: str) -> str:
        return self.numbers.count(number, self.lang.term(f"nouns.{noun}"))

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
        return safe_format(marker, what=label or "free text")

    def _render(self, key: str, extra: Mapping[str, Any], table: str = "text") -> str:
        return self.lang.render(key, self.context, extra, table=table)

    def finished(self, text: str) -> str:
        """Text as a block prints it: spacing tidied once, where the language asks."""
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
            f"sentences.{sentence.form}",
            {"s": sentence, "d": sentence.value, **sentence.params},
        )

    def versus(self, value: Change, base: str) -> str:
        """A change against a named base (比上年度增加… / 与上年度持平)."""
        return self._render("versus", {"d": value, "base": base})

    def phrase(self, key: str, **params: Any) -> str:
        """Another text key rendered with extra variables (templates compose phrases)."""
        return self._render(key, params)

    def paragraph(self, key: str) -> str:
        """One paragraph template rendered on its own (explain uses it)."""
        return self.text(key)

    def reason(self, sentence: Sentence) -> str:
        """The sentence's reason text, or the visible placeholder when none exists."""
        self.said.add(sentence.key)  # a reason printed inside another sentence is said too
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
        key = f"change.{state}" + (f".{style[option]}" if option else "")
        return self._render(key, {"d": value, "each": each})

    def completion(self, value: Completion, of: str = "") -> str:
        """A budget-completion phrase chosen by the state and the style."""
        key = f"completion.{value.state}"
        if value.state == "both_zero":
            key += "." + self.facts.style["both_zero_completion"]
        return self._render(key, {"d": value, "of": of})

    def budget_equal(self, sentence: Sentence) -> str:
        """A final equal to its budget, as the style option ``budget_equal`` states it."""
        base = self.lang.term(f"budget_figures.{sentence.basis or 'initial'}")
        return self._render(f"budget_equal.{self.facts.style['budget_equal']}", {"base": base})

    def class_name(self, code: str) -> str:
        return self._catalog_name(code, self.names)

    def item_name(self, item: Any) -> str:
        if getattr(item, "name", None) is not None:
            return self.tr(item.name)
        return self._catalog_name(item.code, self.names)

    def glossary_name(self, code: str) -> str:
        """A 类 as the glossary and the 2024 lists name it (一般公共服务支出)."""
        if code in self.edition_names:
            return self._render("catalog.class_expenditure", {"name": self.edition_names[code]})
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
        return self._render("ordinal", {"n": index, "word": self.numbers.words(index)})

    def cause(self) -> str:
        established = self.facts.figures.unit.established
        if established is None or established.cause is None:
            return ""
        if isinstance(established.cause, Text):
            return self.tr(established.cause, "unit.established.cause")
        return str(self.lang.term(f"causes.{established.cause}"))

    # -- the outline ----------------------------------------------------------

    def _condition(self, source: str) -> Expression:
        return self.lang.condition(source)

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
        title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 0), "")
        return Document(self.lang.lang, title, tuple(blocks))

    def _outline(self, source: str, index: int, *, each: bool = False) -> Any:
        """An outline entry's ``when`` (or ``each``: its items), failures naming the entry."""
        try:
            value = self._condition(source)(self.context)
            return tuple(value or ()) if each else value
        except InputError:
            raise
        except Exception as exc:  # a profile's fault, whatever Python raised for it
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            raise PhrasebankError(
                f"{self.bank.profile.origin}: outline entry {index}: {source!r}: {message}"
            ) from exc

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
                    n = counters[level]
                    words = self.numbers.words(n) if "{cn}" in str(pattern) else ""
                    number = safe_format(str(pattern), n=n, cn=words)
            return [Heading(step.key + suffix, level, number, text)]
        if step.kind == "paragraph":
            text = self.text(step.source, extra)
            return [Paragraph(step.key + suffix, text)] if text else []
        from narrator.tables import build_table

        return [build_table(step.source, self, extra, suffix)]


def render_document(bank: Phrasebank, lang: str, facts: Facts, *, tables: bool = False) -> Document:
    """One language's document; ``tables`` adds the public tables (公开01–08表)."""
    return Renderer(bank, lang, facts, tables=tables).document()


__all__ = ["Renderer", "render_document"]
