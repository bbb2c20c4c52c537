"""narrator: the explanatory text of Chinese departmental final-accounts reports.

>>> import narrator
>>> report = narrator.load("examples/zhuji-bigdata-2019.yaml")  # doctest: +SKIP
>>> print(report.render(lang="both"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Figures", "FiguresError", "PhrasebankError", "Report", "RuleError", "load"]

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from narrator.figures import Figures, FiguresError
    from narrator.phrasebank import PhrasebankError
    from narrator.report import Report
    from narrator.rules import RuleError

_EXPORTS = {
    "Figures": "narrator.figures",
    "FiguresError": "narrator.figures",
    "PhrasebankError": "narrator.phrasebank",
    "Report": "narrator.report",
    "RuleError": "narrator.rules",
}


def load(
    source: str | Path | Mapping[str, Any],
    *,
    profile: str | None = None,
    phrasebanks: Sequence[str | Path] = (),
    style: Mapping[str, str] | None = None,
) -> Report:
    """Load figures (a YAML/JSON path or a mapping) into a :class:`~narrator.report.Report`.

    The engine (pydantic model, Jinja2, Babel) is imported on the first call, so that
    ``from narrator import load`` costs a tool's start-up nothing.
    """
    from os import PathLike

    from narrator.figures import FiguresError, load_figures
    from narrator.report import Report

    figures = load_figures(source)
    try:
        return Report(figures, profile=profile, phrasebanks=phrasebanks, style=style)
    except FiguresError as exc:
        if isinstance(source, str | PathLike) and exc.source == "<figures>":
            raise FiguresError(str(source), exc.problems) from None  # name the file
        raise


def __getattr__(name: str) -> Any:
    # Import lazily: finance tools import narrator in their own start-up.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'narrator' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
