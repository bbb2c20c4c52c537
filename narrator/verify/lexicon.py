"""What verification recognises in Chinese text, compiled once from ``zh/verify.yaml``.

The patterns are data (each phrasebank layer's ``zh/verify.yaml``, merged key by key);
this module only compiles them and normalises text the way they expect: whitespace
removed, digits and ``%`` half-width, brackets and clause marks full-width. Normalising
keeps, for every character it keeps, the offset it had, so that a span found in the
normalised text is a span of the report's own text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from narrator.datafile import merge, present
from narrator.phrasebank import Phrasebank, PhrasebankError, builtin_dir, read_layer_file

# -- normalising text ----------------------------------------------------------------------

_WIDE_DIGITS = {chr(0xFF10 + i): str(i) for i in range(10)}
#: Characters replaced one for one: full-width digits and marks to the forms patterns use.
_SAME_WIDTH = str.maketrans(
    {
        **_WIDE_DIGITS,
        "．": ".",
        "％": "%",
        "(": "（",
        ")": "）",
        ":": "：",
        ";": "；",
        "Ｘ": "X",
        "﹪": "%",
        "－": "-",
        "−": "-",
    }
)


@dataclass(frozen=True)
class Normal:
    """Normalised text and, for each of its characters, the offset it came from."""

    text: str
    offsets: tuple[int, ...]

    def origin(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text of ``text[start:end]``."""
        if not self.offsets:
            return (0, 0)
        if start >= len(self.offsets):
            last = self.offsets[-1] + 1
            return (last, last)
        begin = self.offsets[start]
        finish = self.offsets[min(end, len(self.offsets)) - 1] + 1 if end > start else begin
        return (begin, finish)


#: A character that stands for the end of a sentence where a table or sub-heading was.
BREAK = "\x00"


def normalise(text: str, base: int | Sequence[int] = 0) -> Normal:
    """Text as the patterns read it, with the original offset of each character kept.

    ``base`` is the offset of the text's first character, or the offset of each of its
    characters (lines joined from several places). :data:`BREAK` becomes a line break.

    >>> n = normalise("214. 96 万元, 占(1,234.5)％")
    >>> n.text
    '214.96万元，占（1,234.5）%'
    >>> n.origin(0, 6)
    (0, 7)
    >>> normalise("支出2,\\n033.48万元，占").text
    '支出2,033.48万元，占'
    """
    chars: list[str] = []
    offsets: list[int] = []
    translated = text.translate(_SAME_WIDTH)
    where = (lambda i: base + i) if isinstance(base, int) else base.__getitem__
    for i, char in enumerate(translated):
        if char == BREAK:
            char = "\n"
        elif char.isspace() or char in "\u200b\ufeff":
            continue
        elif char in ",，" and _thousands(translated, i):
            char = ","
        elif char == ",":
            char = "，"
        chars.append(char)
        offsets.append(where(i))
    return Normal("".join(chars), tuple(offsets))


def _thousands(text: str, i: int) -> bool:
    """Whether the comma at ``i`` separates thousands (a digit before, three after)."""
    j = i - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j < 0 or not text[j].isdigit():
        return False
    digits = [c for c in text[i + 1 : i + 12] if not c.isspace() and c != BREAK][:4]
    return (
        len(digits) >= 3
        and all(c.isdigit() for c in digits[:3])
        and (len(digits) == 3 or not digits[3].isdigit())
    )


# -- the lexicon -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectPattern:
    """A phrase that names a subject, where it means that subject."""

    name: str
    subject: str
    regex: re.Pattern[str]
    sections: frozenset[str] | None


#: The longest pattern a layer may give (characters).
MAX_PATTERN = 2000
#: The most repetitions of varying length (``+``, ``*``, ``{0,20}``) one pattern may have,
#: and the largest count a repetition may give: each one that can match the same text as
#: another multiplies the ways a failing match is tried.
MAX_REPETITIONS = 8
MAX_REPEAT_COUNT = 1000


def _backtracking(text: str) -> str | None:
    """What about a pattern could make Python's backtracking matcher take forever on some
    text, or None. Read from the parsed pattern, at any depth: a repetition of varying
    length inside a repeated group (``(a+)+``, ``((a+))+``, ``(a?){30}``), alternatives
    inside a repeated group that may begin alike (``(a|ab)+``), or too many repetitions."""
    import importlib

    # The parser re.compile itself uses (no stubs: typed as Any), so the pattern is read
    # exactly as it will run.
    sre = importlib.import_module("re._constants")
    sre_parse = importlib.import_module("re._parser")

    try:
        tree = sre_parse.parse(text)
    except (re.error, RecursionError, OverflowError):
        return None  # re.compile says what is wrong
    repeats = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
    varying = 0

    def walk(items: Any, repeated: bool) -> str | None:
        nonlocal varying
        for op, argument in items:
            found: str | None = None
            if op in repeats:
                low, high, body = argument
                if high != sre.MAXREPEAT and high > MAX_REPEAT_COUNT:
                    return f"a repetition of more than {MAX_REPEAT_COUNT} times"
                if low != high and high > 1:
                    varying += 1
                if repeated and low != high:
                    return "a repeated group that repeats within itself (like '(a+)+')"
                found = walk(body, repeated or high > 1)
            elif op == sre.SUBPATTERN:
                found = walk(argument[3], repeated)
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                found = walk(argument[1], repeated)
            elif op == sre.ATOMIC_GROUP:
                found = walk(argument, repeated)
            elif op == sre.GROUPREF_EXISTS:
                found = walk(argument[1], repeated) or walk(argument[2] or [], repeated)
            elif op == sre.BRANCH:
                alternatives = argument[1]
                if repeated and not _distinct_starts(alternatives, sre.LITERAL):
                    return (
                        "alternatives that may begin alike inside a repeated group (like '(a|ab)+')"
                    )
                for alternative in alternatives:
                    found = found or walk(alternative, repeated)
            if found:
                return found
        return None

    try:
        found = walk(tree, False)
    except RecursionError:
        return "groups nested too deep"
    if found is None and varying > MAX_REPETITIONS:
        found = f"more than {MAX_REPETITIONS} repetitions of varying length"
    return found


def _distinct_starts(alternatives: Any, literal: Any) -> bool:
    """Whether each alternative begins with a character of its own (``(费|支出)+``)."""
    firsts = []
    for alternative in alternatives:
        if not alternative or alternative[0][0] != literal:
            return False
        firsts.append(alternative[0][1])
    return len(set(firsts)) == len(firsts)


@functools.cache
def _builtin_patterns() -> frozenset[str]:
    """The texts of narrator's own ``zh/verify.yaml``: reviewed and held by the tests to
    what they match (some delimit a repetition inside a repeated group, which the rules
    above cannot tell from the dangerous kind)."""
    texts: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str):
            texts.add(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    data = read_layer_file(builtin_dir() / "zh" / "verify.yaml")
    collect(data)
    name = str(data["lines"]["name"])  # lines.item and lines.section hold it as <name>
    return frozenset(texts | {text.replace("<name>", name) for text in texts})


def _compile(source: Any, where: str) -> re.Pattern[str]:
    text = str(source)
    if len(text) > MAX_PATTERN:
        raise PhrasebankError(f"{where}: a pattern longer than {MAX_PATTERN} characters")
    risk = None if text in _builtin_patterns() else _backtracking(text)
    if risk is not None:
        raise PhrasebankError(
            f"{where}: {risk} could take forever on some text; write the pattern without it"
        )
    try:
        return re.compile(text)
    except re.error as exc:
        raise PhrasebankError(f"{where}: not a regular expression: {exc}") from exc


def _with_names(
    template: str, slot: str, group: str, names: Sequence[str], where: str
) -> re.Pattern[str] | None:
    """``template`` with ``slot`` filled by these names as literal alternatives (the longest
    first; in the named ``group`` if given), or None without names. The template is held to
    the pattern rules with two names that begin alike in the slot; the names themselves are
    escaped text, so a unit with hundreds of lines makes a long pattern but no riskier one."""
    if not names:
        return None

    def fill(alternatives: str) -> str:
        return template.replace(slot, f"(?P<{group}>{alternatives})" if group else alternatives)

    _compile(fill("名称|名称甲"), where)  # names may begin alike: never inside a repetition
    ordered = sorted(set(names), key=len, reverse=True)
    filled = "|".join(re.escape(name) for name in ordered)
    try:
        return re.compile(fill(filled))
    except re.error as exc:
        raise PhrasebankError(f"{where}: not a regular expression: {exc}") from exc


class Lexicon:
    """The compiled patterns of ``zh/verify.yaml``."""

    def __init__(self, data: Mapping[str, Any], origin: str) -> None:
        self.data = data
        self.origin = origin

        def rx(key: str, source: Any) -> re.Pattern[str]:
            return _compile(source, f"{origin}: {key}")

        try:
            headings = data["headings"]
            self.numbering = rx("headings.numbering", headings["numbering"])
            self.heading_max = int(headings.get("max_length", 60))
            self.subtitle_end = rx("headings.subtitle_end", headings["subtitle_end"])
            self.continuation_max = int(headings.get("continuation_max", 8))
            self.heading_never = rx("headings.never", headings["never"])
            self.part_start = rx("part.start", data["part"]["start"])
            self.part_end = rx("part.end", data["part"]["end"])
            self.furniture = [rx("furniture", p) for p in data.get("furniture", ())]
            self.sections = [(str(k), rx(f"sections.{k}", v)) for k, v in data["sections"].items()]
            self.title = rx("title", data["title"])
            self.name_sentence = rx("name_sentence", data["name_sentence"])
            self.self_references = frozenset(str(s) for s in data.get("self_references", ()))
            self.years = [
                (
                    rx("years", entry["pattern"]),
                    int(entry.get("offset", 0)),
                    bool(entry.get("opens")),
                )
                for entry in data.get("years", ())
            ]
            self.subjects = [
                SubjectPattern(
                    str(name),
                    str(entry.get("subject", name)),
                    rx(f"subjects.{name}", entry["pattern"]),
                    frozenset(entry["sections"]) if entry.get("sections") else None,
                )
                for name, entry in data["subjects"].items()
            ]
            lines = data["lines"]
            self.line_sections = frozenset(str(s) for s in lines["sections"])
            self.class_suffix = str(lines.get("suffix", ""))
            self.year = rx("year", data["year"])
            self.year_words = rx("year_words", data["year_words"])
            self.class_template = str(lines["class"])
            name = str(lines["name"])
            self.item = rx("lines.item", str(lines["item"]).replace("<name>", name))
            self.section_line = rx("lines.section", str(lines["section"]).replace("<name>", name))
            self.code = rx("lines.code", lines["code"])
            self.point_template = str(lines["point"]) if lines.get("point") else None
            self.project_template = str(data["project"])
            # The name-filled templates are held to the pattern rules now, not at first use.
            self.class_pattern(["名称"]), self.point_pattern(["名称"])
            self.projects_pattern(["名称"])
            self.roles = {str(k): rx(f"roles.{k}", v) for k, v in data["roles"].items()}
            self.relations = {str(k): rx(f"relations.{k}", v) for k, v in data["relations"].items()}
            self.skip = {str(k): rx(f"skip.{k}", v) for k, v in data["skip"].items()}
            self.ignore = [rx("ignore", p) for p in data.get("ignore", ())]
            self.filler = rx("filler", data["filler"])
            units = data["units"]
            self.money = {str(k): Decimal(str(v)) for k, v in units["money"].items()}
            self.percent_units = tuple(str(u) for u in units["percent"])
            self.counts = {str(k): str(v) for k, v in units["counts"].items()}
            self.other_units = tuple(str(u) for u in units.get("other", ()))
            hygiene = data["hygiene"]
            self.leftovers = [rx("hygiene.leftovers", p) for p in hygiene["leftovers"]]
            self.percent_required = rx("hygiene.percent_required", hygiene["percent_required"])
            self.repeated_punctuation = rx(
                "hygiene.repeated_punctuation", hygiene["repeated_punctuation"]
            )
            self.repeated_word = rx("hygiene.repeated_word", hygiene["repeated_word"])
            self.repeated_char = rx("hygiene.repeated_char", hygiene["repeated_char"])
            self.repeated_allowed = frozenset(str(w) for w in hygiene.get("repeated_allowed", ()))
            self.yuan_allowed_before = rx(
                "hygiene.yuan_allowed_before", hygiene["yuan_allowed_before"]
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            if isinstance(exc, PhrasebankError):
                raise
            raise PhrasebankError(
                f"{origin}: malformed verify data: missing or wrong {exc}"
            ) from exc
        self.value = self._value_pattern()

    def _value_pattern(self) -> re.Pattern[str]:
        units = [*self.other_units, *self.money, *self.percent_units, *self.counts]
        # A one-character unit (万) is a unit only where no word goes on (1.2万人次 is not).
        alternatives = "|".join(
            re.escape(u) + (r"(?![\u4e00-\u9fff])" if len(u) == 1 and u >= "\u4e00" else "")
            for u in sorted(units, key=len, reverse=True)
        )
        return re.compile(
            r"(?<![\d.,])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
            rf"(?P<unit>{alternatives})"
        )

    def class_pattern(self, names: Sequence[str]) -> re.Pattern[str] | None:
        """The 类 pattern for these names (longest first), or None without names."""
        return _with_names(self.class_template, "{names}", "", names, f"{self.origin}: lines.class")

    def point_pattern(self, names: Sequence[str]) -> re.Pattern[str] | None:
        """The pattern of a listing's point named by a line's name alone, or None."""
        if self.point_template is None:
            return None
        return _with_names(self.point_template, "{names}", "", names, f"{self.origin}: lines.point")

    def projects_pattern(self, names: Sequence[str]) -> re.Pattern[str] | None:
        """One pattern for all these projects (the name matched is the group ``project``):
        a pattern per project would read a report's text once for each of thousands."""
        return _with_names(
            self.project_template, "{name}", "project", names, f"{self.origin}: project"
        )

    def section_of(self, title: str) -> str | None:
        """The section a heading's (normalised) title names, or None."""
        for name, pattern in self.sections:
            if pattern.search(title):
                return name
        return None


@functools.lru_cache(maxsize=16)
def _lexicon(layers: tuple[Path, ...]) -> Lexicon:
    data: dict[str, Any] = {}
    origin = "zh/verify.yaml"
    for layer in layers:
        path = layer / "zh" / "verify.yaml"
        if present(path):
            loaded = read_layer_file(path) or {}
            if not isinstance(loaded, Mapping):
                raise PhrasebankError(f"{path}: expected a mapping")
            data = merge(data, loaded)
            origin = str(path)
    if not data:
        raise PhrasebankError("no zh/verify.yaml in the phrasebank layers")
    return Lexicon(data, origin)


def lexicon(bank: Phrasebank) -> Lexicon:
    """The lexicon of a phrasebank's layers (compiled once per set of layers)."""
    return _lexicon(bank.layers)


__all__ = ["Lexicon", "Normal", "SubjectPattern", "lexicon", "normalise"]
