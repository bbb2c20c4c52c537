"""What a profile prints, from its outline and the decisions alone, without rendering.

An outline entry is printed when its ``when`` holds (once per item of its ``each``); a
paragraph entry's ``says`` names the sentences it prints, a sentence or a list of them.
:func:`printed` evaluates these over the language-neutral decisions, so the checker and
``explain`` know what a report says before any language renders it, and every language
renders the same entries.

Conditions read the decided sections, the figures as ``f``, ``style``, ``with_tables``
and the helpers below; nothing of a language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2.utils import Namespace

from narrator.decisions import Facts, ItemLine, PerformanceDecision, ProjectDecision, Sentence
from narrator.phrasebank import Phrasebank, PhrasebankError, template_environment
from narrator.sandbox import Expression, Sandbox, trust


def budgeted(items: Sequence[ItemLine]) -> list[ItemLine]:
    """The 款/项 items that have an initial budget, and so a completion sentence."""
    return [item for item in items if item.completion is not None]


def picked(performance: PerformanceDecision | None, field: str) -> list[ProjectDecision]:
    """The self-evaluated projects a performance field lists by index."""
    if not performance:
        return []
    projects = performance.projects
    chosen = getattr(performance.figures, field)
    return [projects[i] for i in chosen if 0 <= i < len(projects)]


trust(budgeted, picked)

#: The helpers outline conditions may call, besides the decided sections and figures.
HELPERS: Mapping[str, Any] = {"budgeted": budgeted, "picked": picked, "namespace": Namespace}


@dataclass(frozen=True)
class Printed:
    """What a report prints: the sentences (text or reason) and the paragraph keys."""

    sentences: frozenset[str]
    paragraphs: frozenset[str]


def neutral_context(facts: Facts, *, tables: bool = False) -> dict[str, Any]:
    """The variables outline conditions read: decisions, figures, style and helpers."""
    context: dict[str, Any] = dict(HELPERS)
    context.update(facts.values)
    context.update(f=facts.figures, style=facts.style, with_tables=tables)
    return context


@cache
def _environment() -> Sandbox:
    return template_environment()


@cache
def _expression(source: str) -> Expression:
    return Expression(_environment(), source)


def evaluate(
    bank: Phrasebank, index: int, source: str, context: Mapping[str, Any], *, each: bool = False
) -> Any:
    """One condition of outline entry ``index`` (or with ``each``, its items as a tuple).

    Every language and :func:`printed` evaluate outline conditions here; a failure names the
    profile file and the entry.
    """
    try:
        value = _expression(source)(context)
        return tuple(value or ()) if each else value
    except PhrasebankError:
        raise
    except Exception as exc:  # the profile's fault, whatever Python raised for it
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        step = bank.profile.steps[index]
        raise PhrasebankError(
            f"{bank.profile.origin}: outline entry {index} ({step.source}): {source!r}: {message}"
        ) from exc


def printed(bank: Phrasebank, facts: Facts, *, tables: bool = False) -> Printed:
    """What the profile's outline prints for these facts (a pure function of the two)."""
    context = neutral_context(facts, tables=tables)
    sentences: list[str] = []
    paragraphs: set[str] = set()
    for index, step in enumerate(bank.profile.steps):
        if step.when is not None and not evaluate(bank, index, step.when, context):
            continue
        if step.kind == "paragraph":
            paragraphs.add(step.source)
        if step.says is None:
            continue
        if step.each is None:
            scopes: Iterable[Mapping[str, Any]] = (context,)
        else:
            items = evaluate(bank, index, step.each, context, each=True)
            scopes = (
                {**context, step.name: item, "index": number}
                for number, item in enumerate(items, 1)
            )
        for scope in scopes:
            said = _sentences(evaluate(bank, index, step.says, scope), bank, index)
            sentences.extend(s.key for s in said)
    return Printed(frozenset(sentences), frozenset(paragraphs))


def _sentences(value: Any, bank: Phrasebank, index: int) -> list[Sentence]:
    if not value:  # none, false, zero: nothing said
        return []
    if isinstance(value, Sentence):
        return [value]
    if isinstance(value, list | tuple) and all(
        item is None or isinstance(item, Sentence) for item in value
    ):
        return [item for item in value if item is not None]
    raise PhrasebankError(
        f"{bank.profile.origin}: outline entry {index}: 'says' must give sentences, "
        f"got {type(value).__name__}"
    )


__all__ = ["HELPERS", "Printed", "budgeted", "neutral_context", "picked", "printed"]
