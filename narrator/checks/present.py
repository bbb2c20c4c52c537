"""Diagnostics for people and programs: records, JSON and text (pure; the CLI prints)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Protocol, TypeVar

from narrator.checks.core import SEVERITIES, Diagnostic, Severity
from narrator.phrasebank import Phrasebank, load_phrasebank
from narrator.sandbox import safe_format


def records(file: str, diagnostics: Iterable[Diagnostic], lang: str = "en") -> list[dict[str, Any]]:
    """Diagnostics as JSON-ready objects (the ``narrator check --format json`` shape)."""
    return [
        {
            "file": file,
            "code": d.code,
            "severity": d.severity,
            "path": d.path,
            "paths": list(d.paths),
            "message": d.message(lang),
            "message_zh": d.message_zh,
            "message_en": d.message_en,
            "values": dict(d.values),
        }
        for d in diagnostics
    ]


def error_records(file: str, error: Exception) -> list[dict[str, Any]]:
    """A file that could not be checked, in the shape of :func:`records`.

    One ``input-invalid`` error per problem, with its field as the path when the error
    names fields (:class:`~narrator.figures.FiguresError`); the message is in English.
    """
    problems: list[tuple[str, str]] = getattr(error, "problems", None) or [("", str(error))]
    return [
        {
            "file": file,
            "code": "input-invalid",
            "severity": "error",
            "path": path,
            "paths": [path] if path else [],
            "message": message,
            "message_zh": message,
            "message_en": message,
            "values": {},
        }
        for path, message in problems
    ]


def to_json(
    results: Sequence[tuple[str, Sequence[Diagnostic] | Exception]], lang: str = "en"
) -> str:
    """Every file's diagnostics as one JSON list; an error instead gives its problems."""
    objects = [
        obj
        for file, found in results
        for obj in (
            error_records(file, found)
            if isinstance(found, Exception)
            else records(file, found, lang)
        )
    ]
    return json.dumps(objects, ensure_ascii=False, indent=2) + "\n"


#: ANSI colours of the severity headings on a terminal.
COLOURS: Final[Mapping[Severity, str]] = MappingProxyType(
    {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[36m"}
)
_RESET = "\033[0m"


class Graded(Protocol):
    """Anything with a severity: a checker's diagnostic, a verifier's finding."""

    @property
    def severity(self) -> Severity: ...


_G = TypeVar("_G", bound=Graded)


def grouped_text(
    results: Sequence[tuple[str, Sequence[_G]]],
    words: Mapping[str, Any],
    item_lines: Callable[[_G], Iterable[str]],
    *,
    colour: bool = False,
) -> str:
    """Results for people: by file, then by severity (most severe first), then a count.

    ``words`` are a language's ``severities``, ``clean`` and ``summary`` (checker messages
    as data); ``item_lines`` gives the lines of one diagnostic or finding.
    """
    headings: Mapping[str, str] = words.get("severities", {})
    lines: list[str] = []
    for file, found in results:
        lines.append(file)
        counts: dict[str, int] = {severity: 0 for severity in SEVERITIES}
        for severity in SEVERITIES:
            group = [item for item in found if item.severity == severity]
            counts[severity] = len(group)
            if not group:
                continue
            heading = safe_format(str(headings.get(severity, severity)), count=len(group))
            if colour:
                heading = f"{COLOURS[severity]}{heading}{_RESET}"
            lines.append(f"  {heading}")
            for item in group:
                lines.extend(item_lines(item))
        if not found:
            lines.append(f"  {words.get('clean', '')}")
        summary = str(words.get("summary", "{error} / {warning} / {info}"))
        lines.append(f"  {safe_format(summary, **counts)}")
        lines.append("")
    return "\n".join(lines)


def format_text(
    results: Sequence[tuple[str, Sequence[Diagnostic]]],
    *,
    lang: str = "en",
    colour: bool = False,
    bank: Phrasebank | None = None,
) -> str:
    """Diagnostics for people: by file, then by severity (most severe first)."""
    language = (bank or load_phrasebank()).language(lang)
    words: Mapping[str, Any] = language.diagnostics.get("cli", {})

    def item_lines(d: Diagnostic) -> list[str]:
        return [f"    {d.code}  {d.path}", f"      {d.message(lang)}"]

    return grouped_text(results, words, item_lines, colour=colour)
