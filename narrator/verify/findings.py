"""Findings: what is wrong in a written report, where, and narrator's sentence as the fix.

A :class:`Finding` is like the checker's :class:`~narrator.checks.Diagnostic`: a stable
code, a severity, and values; its message is data (``findings:`` in
``<lang>/diagnostics.yaml``). It also says where it is: the section and its heading as
written, the sentence, the character span in the report's text (and the PDF page), what
is written there, what the figures say, and narrator's own sentence as the suggested fix.

Codes (stable) and severities are in :data:`CODES`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from jinja2.exceptions import SecurityError

from narrator.checks import SEVERITIES, Severity
from narrator.phrasebank import Language, Phrasebank, PhrasebankError, join_lines, load_phrasebank
from narrator.sandbox import safe_format

#: Every finding code with its severity. Codes never change meaning.
CODES: Final[Mapping[str, Severity]] = MappingProxyType(
    {
        # What is written against what the figures say.
        "amount-mismatch": "error",
        "share-mismatch": "error",
        "rate-mismatch": "error",
        "count-mismatch": "error",
        "ratio-over-zero": "error",
        "share-over-whole": "error",
        "completion-wrong-budget": "error",
        "relation-contradicts": "error",
        "line-not-in-figures": "error",
        "zero-line-listed": "warning",
        "line-not-described": "warning",
        "used-for-contradicts": "warning",
        "reason-missing": "warning",
        "year-mismatch": "error",
        "unit-name-mismatch": "error",
        "section-missing": "warning",
        # Text hygiene (no figures needed).
        "template-leftover": "error",
        "percent-missing": "error",
        "repeated-text": "warning",
        "yuan-for-wan": "error",
    }
)


@dataclass(frozen=True)
class Finding:
    """One place where a written report is wrong.

    Findings compare by value (code, place and what is written and expected).

    >>> a = Finding("percent-missing", "error", span=(10, 15), written="增长13.95")
    >>> a == Finding("percent-missing", "error", span=(10, 15), written="增长13.95")
    True
    """

    code: str
    severity: Severity
    #: The section the finding is in (``totals``, ``income``, …; None before any heading).
    section: str | None = None
    #: The section's heading as written.
    heading: str = ""
    #: The sentence as written (whitespace removed).
    sentence: str = ""
    #: The span of what is written, in the report's text (see :class:`Source`).
    span: tuple[int, int] = (0, 0)
    #: The PDF page (1-based) and the line of the span's start.
    page: int | None = None
    line: int = 0
    #: What is written there, and what the figures say (in Chinese).
    written: str = ""
    expected: str = ""
    #: narrator's own sentence for that place: the suggested fix ("" when it has none).
    fix: str = ""
    #: The figure paths involved.
    paths: tuple[str, ...] = ()
    #: Values the message is filled from (strings).
    values: Mapping[str, str] = field(default_factory=dict)
    #: Which of the code's messages to use (``<code>.<variant>`` in diagnostics.yaml).
    variant: str = ""
    bank: Phrasebank | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")
        object.__setattr__(self, "paths", tuple(self.paths))
        object.__setattr__(self, "span", tuple(self.span))
        values = {str(k): str(v) for k, v in self.values.items()}
        object.__setattr__(self, "values", MappingProxyType(values))

    def __hash__(self) -> int:
        return hash((self.code, self.span, self.written, self.expected))

    def message(self, lang: str = "en", bank: Phrasebank | None = None) -> str:
        """The message in ``lang``, from ``findings.messages`` of ``diagnostics.yaml``."""
        language = (bank or self.bank or load_phrasebank()).language(lang)
        table: Mapping[str, Any] = language.diagnostics.get("findings", {})
        messages: Mapping[str, str] = table.get("messages", {})
        key = f"{self.code}.{self.variant}" if self.variant else self.code
        template = messages.get(key) or messages.get(self.code)
        if template is None:
            where = language.origins.get("diagnostics", lang)
            raise PhrasebankError(f"{where}: no message for finding {key!r}")
        text = join_lines(str(template), str(language.style.get("line_join", "")))
        try:
            return safe_format(text, **self._mapping(language, table))
        except (KeyError, IndexError, ValueError, SecurityError) as exc:
            where = language.origins.get("diagnostics", lang)
            raise PhrasebankError(f"{where}: finding {key!r}: cannot fill {exc}") from exc

    def _mapping(self, language: Language, table: Mapping[str, Any]) -> dict[str, str]:
        lang = language.lang
        mapping = {"written": self.written, "expected": self.expected, **self.values}
        for key in list(mapping):
            # A value given per language (expected_en) wins in that language.
            localized = self.values.get(f"{key}_{lang}")
            if localized is not None:
                mapping[key] = localized
        labels: Mapping[str, str] = table.get("labels", {})
        for key in ("measure", "base", "relation", "state", "section", "named"):
            named = self.values.get(key) if key != "section" else self.section
            if named:
                mapping[f"{key}_label"] = str(labels.get(named, named))
        for key in ("code", "section_code"):
            code = self.values.get(key)
            if code is not None:
                mapping[f"{key}_name"] = str(language.names.get(code, code))
        return mapping

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def record(self, file: str, lang: str = "en") -> dict[str, Any]:
        """The finding as a JSON-ready object (``narrator verify --format json``)."""
        return {
            "file": file,
            "code": self.code,
            "severity": self.severity,
            "section": self.section,
            "heading": self.heading,
            "sentence": self.sentence,
            "span": list(self.span),
            "page": self.page,
            "line": self.line,
            "written": self.written,
            "expected": self.expected,
            "fix": self.fix,
            "paths": list(self.paths),
            "message": self.message(lang),
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "values": dict(self.values),
        }


class Findings(list[Finding]):
    """The findings of one report, in reading order; shows itself in a notebook.

    It is a list of :class:`Finding`; it also keeps the report's text so that a notebook
    can show the report with each finding highlighted in place.
    """

    def __init__(self, found: Iterable[Finding] = (), *, text: str = "", origin: str = "") -> None:
        super().__init__(found)
        self.text = text
        self.origin = origin

    def errors(self) -> list[Finding]:
        return [f for f in self if f.severity == "error"]

    def _repr_html_(self) -> str:
        return highlight(self.text, self, lang="en")


def highlight(text: str, findings: Sequence[Finding], *, lang: str = "en") -> str:
    """The report's text as HTML with each finding marked where it is, then the list."""
    colours = {"error": "#f8c4c4", "warning": "#fbe7a6", "info": "#cfe8f7"}
    marks = sorted((f for f in findings if f.span[1] > f.span[0]), key=lambda f: f.span)
    parts: list[str] = []
    at = 0
    for number, finding in enumerate(marks, 1):
        start, end = finding.span
        if start < at:
            continue
        parts.append(html.escape(text[at:start]))
        title = html.escape(f"{finding.code}: {finding.message(lang)}", quote=True)
        parts.append(
            f'<mark style="background:{colours[finding.severity]}" title="{title}">'
            f"{html.escape(text[start:end])}<sup>{number}</sup></mark>"
        )
        at = end
    parts.append(html.escape(text[at:]))
    items = "".join(
        f"<li><b>{html.escape(f.code)}</b> ({f.severity}): {html.escape(f.message(lang))}"
        + (f"<br><i>{html.escape(f.fix)}</i>" if f.fix else "")
        + "</li>"
        for f in marks + [f for f in findings if f.span[1] <= f.span[0]]
    )
    body = "".join(parts)
    return (
        '<div class="narrator-verify">'
        f"<ol>{items}</ol>"
        '<pre style="white-space:pre-wrap;font-family:inherit">'
        f"{body}</pre></div>"
    )


# -- presenting (pure; the CLI prints) -------------------------------------------------------


def to_json(results: Sequence[tuple[str, Sequence[Finding]]], lang: str = "en") -> str:
    """Every report's findings as one JSON list."""
    objects = [f.record(file, lang) for file, found in results for f in found]
    return json.dumps(objects, ensure_ascii=False, indent=2) + "\n"


def format_text(
    results: Sequence[tuple[str, Sequence[Finding]]],
    *,
    lang: str = "en",
    colour: bool = False,
    bank: Phrasebank | None = None,
) -> str:
    """Findings for people: by report, then by severity, each with where, what and the fix."""
    from narrator.checks import grouped_text

    language = (bank or load_phrasebank()).language(lang)
    table: Mapping[str, Any] = language.diagnostics.get("findings", {})
    words: Mapping[str, Any] = table.get("cli", {})

    def item_lines(f: Finding) -> list[str]:
        where = safe_format(
            str(words.get("where", "{line}")),
            line=f.line,
            page=f.page if f.page is not None else "",
            start=f.span[0],
            end=f.span[1],
            heading=f.heading,
        )
        if f.page is not None:
            where += safe_format(str(words.get("page", " p.{page}")), page=f.page)
        lines = [f"    {f.code}  {where}", f"      {f.message(lang)}"]
        if f.fix:
            lines.append("      " + safe_format(str(words.get("fix", "{fix}")), fix=f.fix))
        return lines

    return grouped_text(results, words, item_lines, colour=colour)


__all__ = ["CODES", "Finding", "Findings", "format_text", "highlight", "to_json"]
