"""Numbers as text: amounts, percentages, counts, number words and lists.

What a language writes is data (its phrasebank's ``style.yaml``); this module
only applies it. Decimal patterns are Babel's, parsed once; number words come
from num2words or cn2an, lists from Babel's CLDR list patterns. Values arrive
already rounded (see :mod:`narrator.derive`), so nothing here rounds except
amounts, which are quantized half-up to the style's ``places`` exactly once.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import (
    NumberPattern,
    get_decimal_quantum,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

from narrator import cache
from narrator.derive import round_half_up
from narrator.errors import InputError
from narrator.sandbox.policy import bounded_join, check_text, format_refusals, safe_format

#: Amounts, percentages or number words a formatter remembers before it starts afresh
#: (bounded memory in long batches).
AMOUNT_CACHE_SIZE = 4096


class StyleError(InputError):
    """A phrasebank's number style is malformed."""


class DecimalPattern:
    """A Babel number pattern bound to a locale, applied as Babel applies it.

    ``NumberPattern.apply`` looks up the locale's symbols and rescans its result on every
    call, and a document formats a few hundred numbers. For plain decimal patterns
    (``0.00``, ``#,##0.##``: no scale, exponent, significant digits, currency or quoting)
    this does Babel's steps with the symbols looked up once; other patterns and values
    that are not finite go to Babel itself. ``tests/test_properties.py`` holds the two
    to the same output.
    """

    __slots__ = ("_decimal", "_group", "_plain", "_quantum", "babel", "locale")

    def __init__(self, pattern: NumberPattern, locale: Locale) -> None:
        self.babel = pattern
        self.locale = locale
        affixes = "".join((*pattern.prefix, *pattern.suffix))
        self._plain = (
            not pattern.scale
            and not pattern.exp_prec
            and "@" not in pattern.pattern
            and pattern.number_pattern != ""
            and "'" not in affixes
            and "\xa4" not in affixes
        )
        self._quantum = get_decimal_quantum(pattern.frac_prec[1])
        self._decimal = get_decimal_symbol(locale)
        self._group = get_group_symbol(locale)

    def apply(self, value: Decimal) -> str:
        if not self._plain or not value.is_finite():
            return str(self.babel.apply(value, self.locale))
        pattern = self.babel
        negative = int(value.is_signed())
        rounded = abs(value).normalize().quantize(self._quantum)
        whole, _, fraction = f"{rounded:f}".partition(".")
        # Babel's _format_int: pad to the minimum digits, then group from the right.
        if len(whole) < pattern.int_prec[0]:
            whole = "0" * (pattern.int_prec[0] - len(whole)) + whole
        size, grouped = pattern.grouping[0], ""
        while len(whole) > size:
            grouped = self._group + whole[-size:] + grouped
            whole = whole[:-size]
            size = pattern.grouping[1]
        number = whole + grouped
        # Babel's _format_frac: pad to the minimum places, drop zeros beyond it.
        least, most = pattern.frac_prec
        fraction = fraction or "0"
        if len(fraction) < least:
            fraction += "0" * (least - len(fraction))
        if not (most == 0 or (least == 0 and int(fraction) == 0)):
            while len(fraction) > least and fraction[-1] == "0":
                fraction = fraction[:-1]
            number += self._decimal + fraction
        return pattern.prefix[negative] + number + pattern.suffix[negative]

    def uniform(self, values: Sequence[Decimal], steps: Sequence[int] = ()) -> DecimalPattern:
        """This pattern with one number of decimals for all ``values``: as many as the
        most precise of them needs, no fewer than the pattern's minimum, no more than its
        maximum, and (``steps``) the next number of decimals the style allows. A pattern
        that is not a plain decimal pattern is returned unchanged.

        >>> p = _pattern("#,##0.######", _locale("en"))
        >>> p.uniform([Decimal("68.2"), Decimal("69.4736")]).apply(Decimal("68.2"))
        '68.2000'
        >>> [p.uniform([v], (0, 4)).apply(v) for v in (Decimal("12.3"), Decimal(1))]
        ['12.3000', '1']
        """
        least, most = self.babel.frac_prec
        if not self._plain or least == most or ";" in self.babel.pattern:
            return self
        places = least
        for value in values:
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int) and exponent < 0:
                places = max(places, min(most, -exponent))
        places = next((step for step in steps if step >= places), places)
        head = self.babel.pattern.partition(".")[0]
        return _pattern(head + ("." + "0" * places if places else ""), self.locale)


@lru_cache(maxsize=64)
def _pattern(text: str, locale: Locale) -> DecimalPattern:
    return DecimalPattern(parse_pattern(text), locale)


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def _cn_words(number: int) -> str:
    import cn2an  # imported when first used: it is slow to import

    return str(cn2an.an2cn(number))


def _en_words(number: int, lang: str = "en") -> str:
    from num2words import num2words  # imported when first used

    return str(num2words(number, lang=lang))


#: The libraries that spell numbers, by the name a style gives them (``words.engine``).
_ENGINES: dict[str, Callable[[int], str]] = {"cn2an": _cn_words, "num2words": _en_words}
#: Numbers spelt so far by each engine. Kept on disk between processes (narrator.cache,
#: named by the library's version), so a command need not import the library to write
#: 一、二、三: the words still come from it, once per version.
_SPELT: dict[str, dict[int, str]] = {}
#: Engines whose words changed since they were last stored.
_UNSTORED: set[str] = set()
#: Numbers spelt ahead when an engine is first used (section numbers, ordinals, counts).
SPELT_AHEAD = range(100)


def _words_entry(engine: str) -> str | None:
    from importlib import metadata

    try:
        version = metadata.version(engine)
    except metadata.PackageNotFoundError:
        return None
    return cache.name([b"number words", engine.encode(), version.encode()])


def _spelt(engine: str) -> dict[int, str]:
    table = _SPELT.get(engine)
    if table is None:
        table = _SPELT[engine] = {}
        entry = _words_entry(engine)
        stored = cache.load(entry) if entry else None
        if isinstance(stored, dict):
            table.update(
                (number, text)
                for number, text in stored.items()
                if type(number) is int and type(text) is str
            )
    return table


def spell(engine: str, number: int) -> str:
    """``number`` in words by the engine a style names (remembered across processes)."""
    table = _spelt(engine)
    found = table.get(number)
    if found is None:
        spell_with = _ENGINES[engine]
        if not table:  # the library is imported anyway: spell the usual numbers too
            table.update((n, spell_with(n)) for n in SPELT_AHEAD)
        found = table[number] = spell_with(number)
        _UNSTORED.add(engine)
    return found


def store_words() -> None:
    """Store the numbers spelt since they were last stored (a no-op when none were)."""
    while _UNSTORED:
        engine = _UNSTORED.pop()
        entry = _words_entry(engine)
        if entry is not None:
            cache.store(entry, dict(_SPELT[engine]))


#: Number-word engines a style may name.
WORD_ENGINES: dict[str, Callable[[int], str]] = {
    name: functools.partial(spell, name) for name in _ENGINES
}


def _filler(template: str) -> Callable[[str], str]:
    """``safe_format(template, value=...)`` as a function: for the usual template, one
    ``{value}`` between two texts, a concatenation; any other goes to safe_format."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        parts = []
    fields = [
        (field, spec, conversion) for _, field, spec, conversion in parts if field is not None
    ]
    if fields == [("value", "", None)] and not format_refusals(template, ["value"]):
        before = "".join(text for text, field, _, _ in parts[: _field_index(parts) + 1])
        after = "".join(text for text, _, _, _ in parts[_field_index(parts) + 1 :])

        def fill(value: str) -> str:
            return check_text(before + value + after, "a formatted text")

        return fill
    return lambda value: safe_format(template, value=value)


def _field_index(parts: Sequence[tuple[str, str | None, str | None, str | None]]) -> int:
    return next(i for i, part in enumerate(parts) if part[1] is not None)


class NumberFormatter:
    """Formats numbers as one language writes them.

    >>> zh = NumberFormatter({"locale": "zh_Hans_CN",
    ...     "amount": {"formats": {"wan": {"pattern": "0.00", "template": "{value}万元"}},
    ...                "default": "wan", "zero": "0万元"}})
    >>> zh.amount(Decimal("76.3"))
    '76.30万元'
    >>> zh.amount(Decimal(0))
    '0万元'
    """

    def __init__(self, style: Mapping[str, Any], options: Mapping[str, str] | None = None):
        # Decimal("1.0") == Decimal("1.00") hash alike and print alike once rounded.
        self._amounts: dict[Decimal | int, str] = {}
        self._percents: dict[tuple[Decimal | int, bool], str] = {}
        self._spelled: dict[int, str] = {}
        self._plurals: dict[int, str] = {}
        self._counts: dict[tuple[int, str, bool], str] = {}
        self._groups: dict[tuple[bool | Decimal | int, ...], tuple[str, ...]] = {}
        try:
            self.locale = _locale(str(style["locale"]))
            amount = style["amount"]
            self._places = Decimal(str(amount.get("places", "0.01")))
            self._amount_formats = {
                name: (
                    Decimal(str(spec.get("scale", "1"))),
                    _pattern(str(spec["pattern"]), self.locale),
                    str(spec["template"]),
                )
                for name, spec in amount["formats"].items()
            }
            #: The numbers of decimals a format allows, when it restricts them (e.g. [0, 4]:
            #: "RMB 1 million", "RMB 12.3000 million", never "RMB 12.3 million").
            self._decimal_steps = {
                name: tuple(sorted(int(step) for step in spec["decimals"]))
                for name, spec in amount["formats"].items()
                if spec.get("decimals")
            }
            # Each language listens to its own style option (zh_money, en_money).
            option = str(amount.get("option", "money"))
            chosen = (options or {}).get(option, str(amount.get("default", "")))
            self._amount_style = chosen
            self._auto = amount.get("auto", {})
            self._threshold = Decimal(str(self._auto.get("threshold", "100")))
            chosen_options = options or {}
            # A nil amount or percentage is written bare ("0万元", "0%") unless the style
            # option asks for two decimals like any other ("0.00万元", "0.00%").
            decimals = chosen_options.get("zero_amount") == "decimals"
            self._amount_zero = None if decimals else amount.get("zero")
            # Where the official template writes 万 alone ("国内公务接待支出XX万"): the
            # language's `alone` templates by money style, used when wan_alone is "yes".
            alone = amount.get("alone", {}) if chosen_options.get("wan_alone") == "yes" else {}
            self._alone: Mapping[str, str] = {str(k): str(v) for k, v in alone.items()}
            self._alones: dict[Decimal | int, str] = {}
            #: Each format's template filled with a formatted number (checked once), and
            #: (wan_alone) each `alone` template.
            self._fillers = {
                name: _filler(template) for name, (_, _, template) in self._amount_formats.items()
            }
            self._alone_fillers = {
                name: _filler(template) for name, template in self._alone.items()
            }
            pct = style.get("percent", {})
            self._pct_pattern = _pattern(str(pct.get("pattern", "0.00")), self.locale)
            self._pct_template = str(pct.get("template", "{value}%"))
            self._pct_zero = (
                None if chosen_options.get("zero_rate") == "decimals" else pct.get("zero")
            )
            self._list = style.get("list", {"babel": "standard"})
            words = style.get("words", {})
            self._words = WORD_ENGINES[str(words.get("engine", "num2words"))]
            self._words_up_to = int(words.get("up_to", 0))
            count_words = (options or {}).get("count_words", "small")
            if count_words == "never":
                self._words_up_to = 0
            elif count_words == "always":
                self._words_up_to = 10**12
            self._count_template = str(style.get("count", "{n} {noun}"))
        except (KeyError, TypeError, AttributeError) as exc:
            raise StyleError(f"malformed number style: missing or wrong {exc}") from exc
        except (ValueError, ArithmeticError, UnknownLocaleError) as exc:  # locale, pattern, number
            raise StyleError(f"malformed number style: {exc}") from exc
        if self._amount_style not in self._amount_formats and self._amount_style != "auto":
            known = ", ".join(sorted([*self._amount_formats, "auto"]))
            raise StyleError(f"unknown money style {self._amount_style!r} (known: {known})")

    # -- amounts ------------------------------------------------------------

    def rounded(self, value: Decimal) -> Decimal:
        """The amount as printed, in 万元: rounded half-up to the style's places."""
        return round_half_up(value, self._places)

    def amount(self, value: Decimal | int) -> str:
        """An amount given in 万元, in this language's money style (memoised per value)."""
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"an amount must be a Decimal, got {type(value).__name__}")
        found = self._amounts.get(value)
        if found is None:
            if len(self._amounts) >= AMOUNT_CACHE_SIZE:
                self._amounts.clear()
            found = self._amounts[value] = self._amount(Decimal(value))
        return found

    @property
    def writes_alone(self) -> bool:
        """Whether amounts where the template writes 万 alone have a style of their own."""
        return bool(self._alone)

    def amount_alone(self, value: Decimal | int) -> str:
        """An amount where the official template writes 万 alone: as the style's ``alone``
        templates write it when the option ``wan_alone`` asks, else as :meth:`amount`."""
        if not self._alone:
            return self.amount(value)
        found = self._alones.get(value)
        if found is None:
            if len(self._alones) >= AMOUNT_CACHE_SIZE:
                self._alones.clear()
            found = self._alones[value] = self.amounts((Decimal(value),), alone=True)[0]
        return found

    def _amount(self, value: Decimal) -> str:
        return self.amounts((value,))[0]

    def amounts(self, values: Sequence[Decimal | int], *, alone: bool = False) -> list[str]:
        """Amounts read together (one sentence): one scale and one number of decimals.

        In the ``auto`` style the largest amount picks the scale for all of them, and every
        amount gets as many decimals as the most precise one needs (within the pattern), so
        amounts compared in one sentence read alike: "RMB 68.2000 million … RMB 69.4736
        million", never "RMB 1.3866 million … RMB 763,000".

        >>> en = NumberFormatter({"locale": "en", "amount": {"default": "auto",
        ...     "auto": {"above": "million", "below": "yuan", "threshold": "100"},
        ...     "formats": {
        ...         "million": {"scale": "0.01", "pattern": "#,##0.######",
        ...                     "template": "RMB {value} million"},
        ...         "yuan": {"scale": "10000", "pattern": "#,##0.##", "template": "RMB {value}"}}}})
        >>> en.amounts([Decimal("6820.00"), Decimal("6947.36")])
        ['RMB 68.2000 million', 'RMB 69.4736 million']
        >>> en.amounts([Decimal("138.66"), Decimal("76.30")])
        ['RMB 1.3866 million', 'RMB 0.7630 million']
        >>> en.amounts([Decimal("76.30")])
        ['RMB 763,000']
        """
        key = (alone, *values)
        found = self._groups.get(key)
        if found is not None:
            return list(found)
        shown = [self.rounded(Decimal(value)) for value in values]
        zero = self._amount_zero
        if alone and zero is not None:  # 万 alone (wan_alone): "0万"
            zero = self._alone.get("zero", zero)
        counted = [value for value in shown if value != 0 or zero is None]
        style = self._amount_style
        if style == "auto":
            largest = max((abs(value) for value in counted), default=Decimal(0))
            style = str(self._auto["above" if largest >= self._threshold else "below"])
        scale, pattern, _ = self._amount_formats[style]
        fill = self._fillers[style]
        if alone:
            fill = self._alone_fillers.get(style, fill)
        fixed = pattern.uniform(
            [value * scale for value in counted], self._decimal_steps.get(style, ())
        )
        formatted = [
            str(zero) if value == 0 and zero is not None else fill(fixed.apply(value * scale))
            for value in shown
        ]
        # Remembered by the values as given: equal values print alike once rounded, except
        # a signed zero ("-0"), which is never remembered.
        if not any(type(value) is Decimal and value.is_signed() for value in values):
            if len(self._groups) >= AMOUNT_CACHE_SIZE:
                self._groups.clear()
            self._groups[key] = tuple(formatted)
        return formatted

    # -- percentages --------------------------------------------------------

    def percent(self, value: Decimal | int, *, trim_whole: bool = False) -> str:
        """A percentage already rounded by :mod:`narrator.derive` (memoised per value).

        ``trim_whole`` prints a whole percentage without decimals (100%, not 100.00%).
        """
        key = (value, trim_whole)
        found = self._percents.get(key)
        if found is None:
            if len(self._percents) >= AMOUNT_CACHE_SIZE:
                self._percents.clear()
            found = self._percents[key] = self._percent(Decimal(value), trim_whole)
        return found

    def _percent(self, number: Decimal, trim_whole: bool) -> str:
        if number == 0 and self._pct_zero is not None:
            return str(self._pct_zero)
        pattern = self._pct_pattern
        if trim_whole and number == number.to_integral_value():
            pattern = _pattern("0", self.locale)
        return safe_format(self._pct_template, value=pattern.apply(number))

    # -- counts and words ---------------------------------------------------

    def words(self, number: int) -> str:
        """``number`` in words (num2words or cn2an, as the style says; memoised)."""
        found = self._spelled.get(number)
        if found is None:
            if len(self._spelled) >= AMOUNT_CACHE_SIZE:
                self._spelled.clear()
            found = self._spelled[number] = self._words(number)
        return found

    def counts(self, items: Sequence[tuple[int, Mapping[str, str] | str]]) -> list[str]:
        """The counts of one sentence: in words only if every one of them may be (a sentence
        that counts 21 of one thing gives all its counts in figures: "3 projects at the first
        level and 21 at the second", never "three … 21").

        >>> yuan = {"scale": "10000", "pattern": "#,##0", "template": "RMB {value}"}
        >>> en = NumberFormatter({"locale": "en", "words": {"up_to": 9}, "count": "{n} {noun}",
        ...     "amount": {"default": "yuan", "formats": {"yuan": yuan}}})
        >>> en.counts([(1, {"one": "vehicle", "other": "vehicles"}), (6, "person-visits")])
        ['one vehicle', 'six person-visits']
        >>> en.counts([(3, "projects"), (21, "projects")])
        ['3 projects', '21 projects']
        """
        words = all(number <= self._words_up_to for number, _ in items)
        return [self.count(number, noun, words=words) for number, noun in items]

    def count(self, number: int, noun: Mapping[str, str] | str, *, words: bool = True) -> str:
        """``number`` with its noun in the right plural form (CLDR plural rules; memoised);
        in words up to the style's ``words.up_to`` unless ``words`` is false."""
        forms = {"other": noun} if isinstance(noun, str) else noun
        plural = self._plurals.get(number)
        if plural is None:
            if len(self._plurals) >= AMOUNT_CACHE_SIZE:
                self._plurals.clear()
            plural = self._plurals[number] = str(self.locale.plural_form(number))
        form = forms.get(plural) or forms["other"]
        key = (number, form, words)
        found = self._counts.get(key)
        if found is None:
            if len(self._counts) >= AMOUNT_CACHE_SIZE:
                self._counts.clear()
            in_words = words and 0 < number <= self._words_up_to
            shown = self.words(number) if in_words else str(number)
            found = self._counts[key] = safe_format(
                self._count_template, n=shown, noun=form
            ).strip()
        return found

    # -- lists --------------------------------------------------------------

    def join(self, items: Sequence[str], kind: str = "and") -> str:
        """Join items as the style says: a fixed separator, or a Babel list pattern.

        ``kind`` is ``and`` (the style's ``babel`` list), or another list the style names:
        a Babel list style (``or: or`` gives "a, b, or c") or separators of its own
        (``semicolon: {between: "; ", two: " and ", last: "; and "}``, for items that hold
        commas). A fixed ``join`` separator serves every kind.

        >>> en = NumberFormatter({"locale": "en", "amount": {"formats": {}, "default": "auto"},
        ...     "list": {"babel": "standard", "or": "or",
        ...              "semicolon": {"between": "; ", "two": " and ", "last": "; and "}}})
        >>> en.join(["a", "b", "c"]), en.join(["a", "b", "c"], "or"), en.join(["a", "b"], "or")
        ('a, b, and c', 'a, b, or c', 'a or b')
        >>> en.join(["a, x", "b", "c"], "semicolon"), en.join(["a", "b"], "semicolon")
        ('a, x; b; and c', 'a and b')
        """
        items = [str(item) for item in items]
        if not items:
            return ""
        if "join" in self._list:
            return bounded_join(items, str(self._list.get(f"{kind}_join", self._list["join"])))
        bounded_join(items, ", ")  # refuses a list too long to print before Babel joins it
        style = self._list["babel"] if kind == "and" else self._list.get(kind, self._list["babel"])
        if isinstance(style, Mapping):
            between = str(style.get("between", ", "))
            if len(items) == 1:
                return items[0]
            if len(items) == 2:
                return items[0] + str(style.get("two", between)) + items[1]
            return bounded_join(items[:-1], between) + str(style.get("last", between)) + items[-1]
        babel_style: Any = str(style)  # a CLDR list style the style file names
        return str(format_list(items, style=babel_style, locale=self.locale))
