"""Completeness: what the report needs and the figures do not give.

Codes
    ``reason-missing``                (warning) a printed sentence needs a reason and has none
    ``english-missing``               (warning) free text without its English
    ``unknown-reason-key``            (warning) a ``reasons:`` key that names no sentence
    ``prior-year-missing``            (warning) no prior-year figures for a unit that existed
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from narrator.checks.core import CheckContext, Diagnostic, amount_text, check
from narrator.derive import Change
from narrator.figures import Text


@check({"reason-missing": "warning"})
def _missing_reasons(ctx: CheckContext) -> Iterator[Diagnostic]:
    for sentence in ctx.facts.sentences:
        if sentence.reason.source != "missing":
            continue
        if ctx.said is not None and sentence.key not in ctx.said:
            continue  # the profile does not print this sentence, so it needs no reason
        value = sentence.value
        if isinstance(value, Change):
            numbers = {"current": value.current, "prior": value.prior}
        else:
            numbers = {"final": value.final, "budget": value.budget}
        yield ctx.diagnostic(
            "reason-missing",
            (f"reasons.{sentence.key}",),
            {"sentence": sentence.key, **{k: amount_text(v) for k, v in numbers.items()}},
        )


def _texts(node: Any, path: str) -> Iterator[tuple[str, Text]]:
    """Every :class:`Text` in a figures model, with its path, in field order."""
    if type(node) in _LEAVES:
        return
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")
    elif isinstance(node, Mapping):
        for key, item in node.items():
            yield from _texts(item, f"{path}.{key}" if path else str(key))


# Values that hold no Text: most of a figures model, skipped before the slower checks.
_LEAVES = frozenset({str, int, bool, float, Decimal, type(None)})

#: Text in a Chinese script, which needs an English version ("100%" or "2019.1" does not).
#: How much of the Chinese text an ``english-missing`` diagnostic quotes.
EXCERPT_LENGTH = 24


def _excerpt(text: str) -> str:
    """The start of a text, marked when cut.

    >>> _excerpt("a" * 30)[-2:]
    'a…'
    """
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT_LENGTH else line[:EXCERPT_LENGTH] + "…"


@check({"english-missing": "warning"})
def _missing_english(ctx: CheckContext) -> Iterator[Diagnostic]:
    for path, text in _texts(ctx.figures, ""):
        if not text.en and not text.neutral:
            yield ctx.diagnostic("english-missing", (path,), {"zh": _excerpt(text.zh)})


@check({"unknown-reason-key": "warning"})
def _unknown_reasons(ctx: CheckContext) -> Iterator[Diagnostic]:
    keys = {sentence.key for sentence in ctx.facts.sentences}
    for key in ctx.figures.reasons:
        if key not in keys:
            yield ctx.diagnostic("unknown-reason-key", (f"reasons.{key}",), {"key": key})


@check({"prior-year-missing": "warning"})
def _prior_year(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    if f.prior_year is None and not f.unit.new_this_year:
        values = {"year": str(f.unit.year), "prior_year": str(f.unit.year - 1)}
        if f.unit.established is not None:
            values["established"] = str(f.unit.established.year)
        yield ctx.diagnostic("prior-year-missing", ("prior_year",), values)
