"""narrator: the explanatory text of Chinese departmental final-accounts reports.

>>> import narrator
>>> report = narrator.load("examples/zhuji-bigdata-2019.yaml")  # doctest: +SKIP
>>> print(report.render(lang="both"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Figures", "FiguresError", "PhrasebankError", "Report", "RuleError", "load"]

from narrator.api import load

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    # Import lazily: finance tools import narrator in their own start-up.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'narrator' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
