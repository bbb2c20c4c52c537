"""The entry point: figures in, a :class:`~narrator.report.Report` out.

Kept apart from the package's ``__init__`` so that the layers below never import the
package itself, and light: the engine (pydantic model, Jinja2, Babel) is imported on the
first call, so that ``from narrator import load`` costs a tool's start-up nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from narrator.report import Report


def load(
    source: str | Path | Mapping[str, Any],
    *,
    profile: str | None = None,
    phrasebanks: Sequence[str | Path] = (),
    style: Mapping[str, str] | None = None,
) -> Report:
    """Load figures (a YAML/JSON path or a mapping) into a :class:`~narrator.report.Report`."""
    from narrator.derive import exact
    from narrator.figures import FiguresError, load_figures
    from narrator.report import Report

    with exact():  # the caller's decimal context never reaches a figure
        figures = load_figures(source)
    try:
        return Report(figures, profile=profile, phrasebanks=phrasebanks, style=style)
    except FiguresError as exc:
        if isinstance(source, str | Path) and exc.source == "<figures>":
            raise FiguresError(str(source), exc.problems, exc.lines) from None  # name the file
        raise


__all__ = ["load"]
