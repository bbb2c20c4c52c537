"""What verifying needs of the report it checks against (``narrator.report.Report`` has it).

Verifying sits below the report in the pipeline: the report passes itself in, and nothing
in :mod:`narrator.verify` imports the report module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from narrator.decisions import Facts
from narrator.document import Document
from narrator.figures import Figures
from narrator.phrasebank import Phrasebank


class Subject(Protocol):
    """A unit's report: its figures, phrasebank, decided facts and documents."""

    @property
    def figures(self) -> Figures: ...
    @property
    def bank(self) -> Phrasebank: ...
    @property
    def facts(self) -> Facts: ...
    @property
    def said(self) -> frozenset[str]: ...
    @property
    def chosen_style(self) -> Mapping[str, str]: ...
    def document(self, lang: str = ..., *, tables: bool = ...) -> Document: ...
