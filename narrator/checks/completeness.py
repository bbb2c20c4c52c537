"""Completeness: what the report needs and the figures do not give.

Codes
    ``reason-missing``                (warning) a printed sentence needs a reason and has none
    ``english-missing``               (warning) free text without its English
    ``english-name-comma``            (warning) the unit's English name ends in ", place"
    ``unknown-reason-key``            (warning) a ``reasons:`` key that names no sentence
    ``prior-year-missing``            (warning) no prior-year figures for a unit that existed
    ``performance-missing``           (warning) the profile prints 预算绩效管理 and the figures
                                      say nothing of it (the report shows a placeholder)
    ``budget-unused``                 (warning) a budget the figures give that no printed
                                      sentence states or compares with (全年预算 under
                                      ``budget_basis: initial``)
    ``field-unused``                  (warning) a field the figures give that the profile
                                      prints neither itself nor anything computed from
                                      (``printed_by`` in ``checks.yaml`` says which outline
                                      entries use it)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from narrator.checks.core import CheckContext, Diagnostic, amount_text, check
from narrator.derive import Change
from narrator.figures import Text
from narrator.outline import printed
from narrator.phrasebank import PhrasebankError


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


def _texts(node: Any, path: str) -> list[tuple[str, Text]]:
    """Every :class:`Text` in a figures model, with its path, in field order."""
    found: list[tuple[str, Text]] = []
    _collect(node, path, found)
    return found


def _collect(node: Any, path: str, found: list[tuple[str, Text]]) -> None:
    # A list rather than nested generators, and no path built for a value holding no Text:
    # a figures model is mostly numbers.
    if isinstance(node, Text):
        found.append((path, node))
    elif isinstance(node, BaseModel):
        for name in _text_fields(type(node)):
            value = getattr(node, name)
            if type(value) not in _LEAVES:
                _collect(value, f"{path}.{name}" if path else name, found)
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            if type(item) not in _LEAVES:
                _collect(item, f"{path}[{i}]", found)
    elif isinstance(node, Mapping):
        for key, item in node.items():
            if type(item) not in _LEAVES:
                _collect(item, f"{path}.{key}" if path else str(key), found)


def _text_fields(kind: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model type whose declared type can hold a Text (in field order)."""
    found = _TEXT_FIELDS.get(kind)
    if found is None:
        found = _TEXT_FIELDS[kind] = tuple(
            name for name, field in kind.model_fields.items() if _may_hold(field.annotation)
        )
    return found


def _may_hold(annotation: Any) -> bool:
    """Whether a value of this declared type may be or hold a Text (pydantic enforces it)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _may_hold(get_args(annotation)[0])
    if origin is Literal:
        return False
    if origin in (Union, UnionType, tuple, list):
        return any(_may_hold(arg) for arg in get_args(annotation) if arg is not Ellipsis)
    return annotation not in _LEAVES


_TEXT_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}

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


@check({"english-name-comma": "warning"})
def _english_name_comma(ctx: CheckContext) -> Iterator[Diagnostic]:
    # The English uses the name as a subject ("the … had no …"), where ", Shanghai" after it
    # opens an aside that no sentence closes. A series ("Culture, Radio and Tourism") is not.
    name = ctx.figures.unit.name.en
    if name and "," in name and " and " not in name.rpartition(",")[2]:
        yield ctx.diagnostic("english-name-comma", ("unit.name",), {"name": name})


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


@check({"budget-unused": "warning"})
def _unused_budgets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """A budget given for a budget's total or items that its printed sentences never use."""
    fields = {"initial": "initial_budget", "full_year": "adjusted_budget"}
    stated: dict[str, set[str]] = {}
    for sentence in ctx.facts.sentences:
        if sentence.kind != "completion" or not sentence.budgets:
            continue
        if ctx.said is not None and sentence.key not in ctx.said:
            continue
        stated.setdefault(sentence.key, set()).update(b.basis for b in sentence.budgets)
    for section in ("general_budget", "fund_budget", "state_capital_budget"):
        budget = getattr(ctx.figures, section, None)
        if budget is None:
            continue
        lines: list[tuple[str, str, Any]] = [(f"{section}.completion", section, budget)]
        for cls in budget.classes:
            lines += [
                (f"{section}.items.{i.code}.completion", f"{section}.items[{i.code}]", i)
                for i in cls.items
            ]
        for basis, name in fields.items():
            unused = [
                f"{path}.{name}"
                for key, path, line in lines
                if getattr(line, name) is not None and key in stated and basis not in stated[key]
            ]
            if unused:
                yield ctx.diagnostic(
                    "budget-unused",
                    tuple(unused),
                    {
                        "subject": f"{section}.{name}",
                        "count": str(len(unused)),
                        "option": ctx.facts.style["budget_basis"],
                    },
                )


@check({"performance-missing": "warning"})
def _performance_missing(ctx: CheckContext) -> Iterator[Diagnostic]:
    if not any(s.source == "performance_management.body" for s in ctx.bank.profile.steps):
        return
    m = ctx.figures.performance_management
    if m and (
        m.systems or m.mechanism or m.with_targets or m.tracked or m.self_evaluated or m.text
    ):
        return
    yield ctx.diagnostic("performance-missing", ("performance_management",), {})


@check({"field-unused": "warning"})
def _unused_fields(ctx: CheckContext) -> Iterator[Diagnostic]:
    """A field given that none of the outline entries declared to print it prints.

    One mechanism for every such field: the check data's ``printed_by`` maps a field to the
    paragraphs or sentences that use it, and the outline says, without rendering, which of
    them this report prints.
    """
    declared = ctx.data.get("printed_by") or {}
    if not isinstance(declared, Mapping):
        raise PhrasebankError("checks.yaml: printed_by must map figures fields to entries")
    shown = None
    for field, entries in declared.items():
        if not isinstance(entries, list | tuple):
            raise PhrasebankError(f"checks.yaml: printed_by: {field}: expected a list of entries")
        if not _given(ctx.figures, str(field).split(".")):
            continue
        if shown is None:  # the outline, evaluated only when some field is given
            done = printed(ctx.bank, ctx.facts)
            shown = done.sentences | done.paragraphs
        if not any(str(entry) in shown for entry in entries):
            yield ctx.diagnostic(
                "field-unused",
                (str(field),),
                {"field": str(field), "profile": ctx.bank.profile.name},
            )


def _given(node: Any, parts: list[str]) -> bool:
    """Whether the field at ``parts`` holds anything: not None, empty, zero or false (in any
    item of a list, and in any field of a model)."""
    if isinstance(node, tuple):
        return any(_given(item, parts) for item in node)
    if parts:
        if isinstance(node, BaseModel):
            return _given(getattr(node, parts[0], None), parts[1:])
        if isinstance(node, Mapping):
            return _given(node.get(parts[0]), parts[1:])
        return False
    if isinstance(node, Text):
        return True
    if isinstance(node, BaseModel):
        return any(_given(getattr(node, name), []) for name in type(node).model_fields)
    if isinstance(node, Mapping):
        return any(_given(value, []) for value in node.values())
    return bool(node)
