"""Verifying a report written by people against its figures (``narrator verify``).

narrator knows, for every sentence of a final-accounts report, what it must say. Given a
report as written (text, Markdown, Word or PDF) and the unit's figures, :func:`verify`
says where the text is wrong:

1. :mod:`~narrator.verify.reading` reads the document into one text (PDF pages kept);
2. :mod:`~narrator.verify.locating` finds its sections and the claims each sentence makes
   (an amount, share, change or completion said of a subject; relation words; lines);
3. :mod:`~narrator.verify.comparing` holds each claim against the figures and narrator's
   derivations (:mod:`~narrator.verify.expectations`), at the printed precision;
4. :mod:`~narrator.verify.hygiene` finds what is wrong whatever the figures;
5. :mod:`~narrator.verify.findings` says so: code, severity, where, what is written, what
   the figures say, and narrator's own sentence as the fix.

The patterns it recognises are data (``phrasebanks/zh/verify.yaml``), and so are the
messages (``findings:`` in ``<lang>/diagnostics.yaml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from narrator.verify.findings import CODES, Finding, Findings, format_text, to_json
from narrator.verify.reading import ReportReadError, Source, from_text, read

if TYPE_CHECKING:
    from narrator.verify.locating import Claim, Located
    from narrator.verify.subject import Subject as Report


def source_of(text_or_path: str | Path | Source) -> Source:
    """A report given as a path (any known format) or as its text."""
    if isinstance(text_or_path, Source):
        return text_or_path
    if isinstance(text_or_path, Path):
        return read(text_or_path)
    if "\n" not in text_or_path and len(text_or_path) < 1024:
        candidate = Path(text_or_path)
        try:
            if candidate.is_file():
                return read(candidate)
        except OSError:
            pass
        if candidate.suffix.lower() in (".txt", ".md", ".docx", ".pdf"):
            raise ReportReadError(f"{text_or_path}: no such file")
    return from_text(text_or_path)


class Verification:
    """One verification run: the located claims, what was checked, and the findings."""

    def __init__(self, report: Report, source: Source) -> None:
        from narrator.checks import check_data
        from narrator.verify.comparing import Comparer, Fixer
        from narrator.verify.expectations import Expectations
        from narrator.verify.hygiene import Hygiene
        from narrator.verify.lexicon import lexicon
        from narrator.verify.locating import Anchors, locate

        self.report = report
        self.source = source
        lex = lexicon(report.bank)
        self.located: Located = locate(source, lex, Anchors(report.bank, report.figures, lex))
        located = self.located
        if not (located.claims or located.titles or any(s.id for s in located.sections)):
            # "No problems found" would be said of an empty file, a scanned PDF without
            # its text, a report in English or a path mistaken for a report's text.
            shown = source.origin if len(source.origin) <= 200 else source.origin[:199] + "…"
            raise ReportReadError(
                f"{shown}: nothing in it reads as a final-accounts report in Chinese (no "
                "section heading, title or figure narrator recognises); a scanned PDF needs "
                "its text recognised first"
            )
        comparer = Comparer(
            report,
            self.located,
            lex,
            Expectations(report),
            Fixer(report),
            check_data(report.bank.layers),
        )
        found = comparer.run()
        self.checked: list[Claim] = comparer.checked
        found += Hygiene(self.located, lex, report.bank).run({c.span for c in self.checked})
        self.findings = Findings(_dedupe(found), text=source.text, origin=source.origin)


def _dedupe(found: list[Finding]) -> list[Finding]:
    """One finding per place and code, in reading order."""
    seen: set[tuple[str, tuple[int, int]]] = set()
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.span, f.code)):
        key = (finding.code, finding.span)
        if key in seen:
            continue
        seen.add(key)
        kept.append(finding)
    return kept


def verify(report: Report, text_or_path: str | Path | Source) -> Findings:
    """Where a written report is wrong, as findings (see :class:`Finding`)."""
    return Verification(report, source_of(text_or_path)).findings


__all__ = [
    "CODES",
    "Finding",
    "Findings",
    "ReportReadError",
    "Source",
    "Verification",
    "format_text",
    "read",
    "source_of",
    "to_json",
    "verify",
]
