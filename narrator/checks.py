"""The checker: every figure that does not add up, found before anything is published.

Checks are pure functions over the figures and the decided :class:`~narrator.decisions.Facts`;
each yields :class:`Diagnostic` values, registered in one list by :func:`check`, and
:func:`run_checks` runs them all in registry order. Nothing here prints or raises for bad
figures: the CLI turns severities into exit codes.

A diagnostic has a stable code, a severity, the paths of the figures involved and the
numbers involved (``values``, as strings). Its message is data: ``<lang>/diagnostics.yaml``
of the phrasebank holds one template per code, filled from ``values``.

Codes (stable; severities in :data:`CODES`):

Table identities (``error``; a difference within rounding is ``rounding`` instead)
    ``income-total``                  本年收入合计 = the six income sources
    ``fiscal-income-total``           财政拨款收入 = general + fund + state capital
    ``income-grand-total``            收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余
    ``expenditure-total``             本年支出合计 = the five expenditure types
    ``expenditure-grand-total``       支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余
    ``grand-totals``                  收入总计 = 支出总计 (exact)
    ``fiscal-grand-total-income``     财政拨款收支总计 = 财政拨款收入 + 年初财政拨款结转和结余
    ``fiscal-grand-total-expenditure`` 财政拨款收支总计 = 财政拨款支出 + 年末财政拨款结转和结余
    ``fiscal-expenditure``            财政拨款支出 = general + fund (+ state capital) budget
                                      expenditure (not checked when there is 国有资本经营预算
                                      income but no ``state_capital_budget``)
    ``classes-sum``                   functional classes = budget total (each of :data:`BUDGETS`)
    ``items-sum``                     listed 款/项 items = their class; listed 项 = their 款
    ``budget-basic-project``          budget basic + project = budget total, when both given
    ``basic-total``                   基本支出表 total = general_budget.basic (exact)
    ``basic-parts``                   基本支出 = 人员经费 + 公用经费
    ``three-public-total``            "三公" expenditure = its three parts
    ``three-public-budget``           "三公" budget = its three parts' budgets
    ``vehicles-parts``                公务用车 = 购置 + 运行维护, when either part is given
    ``reception-parts``               公务接待 = 外事 + 国内, when either is given
    ``reception-counts``              batches and persons of 外事 + 国内 = the totals (exact)
    ``procurement-total``             政府采购 = goods + works + services
    ``assets-vehicles``               vehicles by kind = total vehicles (exact), when kinds given

Rounding (``info``)
    ``rounding``      a sum of *n* parts differs from its total by at most *n* half-units of
                      the figures' precision (:data:`ROUNDING_UNIT`): tolerated, never an error

Plausibility
    ``sme-above-total``               (error) SME awards above total procurement
    ``small-micro-above-sme``         (error) small and micro awards above SME awards
    ``fiscal-above-income``           (error) fiscal appropriation above 本年收入合计
    ``fiscal-above-expenditure``      (error) fiscal expenditure above 本年支出合计
    ``evaluated-base``                (warning) the evaluation coverage base differs from the
                                      general-budget project expenditure
    ``evaluated-above-project``       (warning) evaluated funds above project expenditure
    ``vehicles-purchased-above-fleet`` (warning) more vehicles bought than the fleet holds
    ``completion-without-budget``     (info) spending against a zero budget: no completion
                                      rate exists, the report words it instead

Catalog
    ``unknown-code``                  (warning) a functional code not in the catalog
    ``item-outside-class``            (error) an item whose code is not under its class
    ``item-name-mismatch``            (warning) an item's Chinese name is not the catalog's
    ``used-for-contradicts``          (warning) an item's 主要用于 text names spending of
                                      another 款 (keywords in ``checks.yaml``)

Completeness
    ``reason-missing``                (warning) a sentence needs a reason and has none
    ``english-missing``               (warning) free text without its English
    ``unknown-reason-key``            (warning) a ``reasons:`` key that names no sentence
    ``prior-year-missing``            (warning) no prior-year figures for a unit that existed

Counts are whole and non-negative, and amounts non-negative, by the figures model itself:
figures that break that never validate, so no check repeats it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

from jinja2.exceptions import SecurityError
from pydantic import BaseModel

from narrator.datafile import merge
from narrator.derive import Change, percent
from narrator.figures import AmountUnit, BudgetExpenditure, Figures, Text
from narrator.phrasebank import (
    Language,
    Phrasebank,
    PhrasebankError,
    _cleanup,
    load_phrasebank,
    read_layer_file,
)
from narrator.sandbox import safe_format

if TYPE_CHECKING:
    from narrator.decisions import Facts

Severity = Literal["error", "warning", "info"]
#: Severities, most severe first.
SEVERITIES: Final[tuple[Severity, ...]] = ("error", "warning", "info")

#: Every code a check may yield, with its severity. Codes never change meaning.
CODES: Final[Mapping[str, Severity]] = MappingProxyType(
    {
        "income-total": "error",
        "fiscal-income-total": "error",
        "income-grand-total": "error",
        "expenditure-total": "error",
        "expenditure-grand-total": "error",
        "grand-totals": "error",
        "fiscal-grand-total-income": "error",
        "fiscal-grand-total-expenditure": "error",
        "fiscal-expenditure": "error",
        "classes-sum": "error",
        "items-sum": "error",
        "budget-basic-project": "error",
        "basic-total": "error",
        "basic-parts": "error",
        "three-public-total": "error",
        "three-public-budget": "error",
        "vehicles-parts": "error",
        "reception-parts": "error",
        "reception-counts": "error",
        "procurement-total": "error",
        "assets-vehicles": "error",
        "rounding": "info",
        "sme-above-total": "error",
        "small-micro-above-sme": "error",
        "fiscal-above-income": "error",
        "fiscal-above-expenditure": "error",
        "evaluated-base": "warning",
        "evaluated-above-project": "warning",
        "vehicles-purchased-above-fleet": "warning",
        "completion-without-budget": "info",
        "unknown-code": "warning",
        "item-outside-class": "error",
        "item-name-mismatch": "warning",
        "used-for-contradicts": "warning",
        "reason-missing": "warning",
        "english-missing": "warning",
        "unknown-reason-key": "warning",
        "prior-year-missing": "warning",
    }
)

#: The precision of an amount as a file gives it, in 万元: tables print 万元 to 0.01;
#: a file in 元 is exact to the fen. Each rounded part may be off by half of this.
ROUNDING_UNIT: Final[Mapping[AmountUnit, Decimal]] = MappingProxyType(
    {"万元": Decimal("0.01"), "元": Decimal("0.000001")}
)

_CENT = Decimal("0.01")


# -- diagnostics --------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a code, a severity, the figure paths and the numbers involved.

    Diagnostics compare (and hash) by value; the phrasebank their messages come from
    is not part of the value.

    >>> a = Diagnostic("sme-above-total", "error", ("procurement.sme",), {"sme": "46.96"})
    >>> a == Diagnostic("sme-above-total", "error", ("procurement.sme",), {"sme": "46.96"})
    True
    """

    code: str
    severity: Severity
    paths: tuple[str, ...]
    values: Mapping[str, str] = field(default_factory=dict)
    bank: Phrasebank | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")
        object.__setattr__(self, "paths", tuple(self.paths))
        values = {str(k): str(v) for k, v in self.values.items()}
        object.__setattr__(self, "values", MappingProxyType(values))

    def __hash__(self) -> int:
        return hash((self.code, self.severity, self.paths, tuple(sorted(self.values.items()))))

    @property
    def path(self) -> str:
        """The main figure path (the first of :attr:`paths`)."""
        return self.paths[0] if self.paths else ""

    def message(self, lang: str = "en", bank: Phrasebank | None = None) -> str:
        """The message in ``lang``, from the phrasebank's ``diagnostics.yaml``."""
        language = (bank or self.bank or load_phrasebank()).language(lang)
        templates: Mapping[str, str] = language.diagnostics.get("messages", {})
        template = templates.get(self.code)
        if template is None:
            where = language.origins.get("diagnostics", lang)
            raise PhrasebankError(f"{where}: no message for diagnostic {self.code!r}")
        # Messages are written across lines like templates; the language says how lines join.
        text = _cleanup(str(template), str(language.style.get("line_join", "")))
        return _fill(text, self._mapping(language), self.code, language)

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def _mapping(self, language: Language) -> dict[str, str]:
        mapping = dict(self.values)
        mapping.setdefault("path", self.path)
        for key in ("code", "class", "section"):
            code = self.values.get(key)
            if code is not None:
                mapping.setdefault(f"{key}_name", str(language.names.get(code, code)))
        subject = self.values.get("subject")
        if subject is not None:
            labels: Mapping[str, str] = language.diagnostics.get("labels", {})
            mapping["label"] = _fill(str(labels.get(subject, subject)), mapping, subject, language)
        return mapping


def _fill(template: str, mapping: Mapping[str, str], key: str, language: Language) -> str:
    try:
        return safe_format(template, **mapping)
    except (KeyError, IndexError, ValueError, SecurityError) as exc:
        where = language.origins.get("diagnostics", language.lang)
        raise PhrasebankError(f"{where}: diagnostics {key!r}: cannot fill {exc}") from exc


# -- the registry ---------------------------------------------------------------


@dataclass(frozen=True)
class CheckContext:
    """What a check reads: the figures, the decided facts, the phrasebank and its check data."""

    figures: Figures
    facts: Facts
    bank: Phrasebank
    data: Mapping[str, Any]
    #: Keys of the sentences the report prints; None when unknown (then all count).
    said: frozenset[str] | None = None

    @property
    def half_unit(self) -> Decimal:
        return ROUNDING_UNIT[self.figures.amount_unit] / 2

    def diagnostic(self, code: str, paths: Sequence[str], values: Mapping[str, str]) -> Diagnostic:
        return Diagnostic(code, CODES[code], tuple(paths), values, bank=self.bank)


Check = Callable[[CheckContext], Iterable[Diagnostic]]


@dataclass(frozen=True)
class RegisteredCheck:
    """A check function with the codes it may yield."""

    func: Check
    codes: frozenset[str]

    @property
    def name(self) -> str:
        return self.func.__name__.lstrip("_")


#: Every check, in the order they run.
CHECKS: list[RegisteredCheck] = []


def check(*codes: str) -> Callable[[Check], Check]:
    """Register a check function that yields diagnostics with ``codes``."""
    unknown = [code for code in codes if code not in CODES]
    if unknown or not codes:
        raise ValueError(f"unknown or no diagnostic codes: {unknown}")

    def register(func: Check) -> Check:
        CHECKS.append(RegisteredCheck(func, frozenset(codes)))
        return func

    return register


@functools.lru_cache(maxsize=32)
def _check_data(layers: tuple[Path, ...]) -> Mapping[str, Any]:
    data: dict[str, Any] = {}
    for layer in layers:
        path = layer / "checks.yaml"
        if path.is_file():
            loaded = read_layer_file(path) or {}
            if not isinstance(loaded, Mapping):
                raise PhrasebankError(f"{path}: expected a mapping")
            data = merge(data, loaded)
    return data


def run_checks(
    figures: Figures,
    facts: Facts,
    *,
    bank: Phrasebank | None = None,
    said: frozenset[str] | None = None,
) -> list[Diagnostic]:
    """Run every registered check; the diagnostics come in registry order.

    ``said`` names the sentences the report prints; a missing reason counts only there.
    """
    bank = bank or load_phrasebank(figures.profile)
    ctx = CheckContext(figures, facts, bank, _check_data(bank.layers), said)
    found: list[Diagnostic] = []
    for registered in CHECKS:
        for diagnostic in registered.func(ctx):
            if diagnostic.code not in registered.codes:
                raise RuntimeError(
                    f"check {registered.name} yielded undeclared code {diagnostic.code!r}"
                )
            found.append(diagnostic)
    return found


# -- helpers ------------------------------------------------------------------------


def amount_text(value: Decimal) -> str:
    """An amount as a diagnostic names it: at least two decimals, no exponent.

    >>> amount_text(Decimal("76.3")), amount_text(Decimal(0)), amount_text(Decimal("0.015"))
    ('76.30', '0.00', '0.015')
    """
    cents = value.quantize(_CENT)
    return f"{cents:f}" if cents == value else f"{value.normalize():f}"


Part = tuple[str | None, str, Decimal]  # (value name or None, path, amount)


def _sum_identity(
    ctx: CheckContext,
    code: str,
    subject: str,
    total: tuple[str, Decimal],
    parts: Sequence[Part],
    extra: Mapping[str, str] | None = None,
) -> Iterator[Diagnostic]:
    """Total against the sum of its rounded parts: ``code`` beyond rounding, else ``rounding``."""
    total_path, total_value = total
    found = sum((amount for _, _, amount in parts), Decimal(0))
    difference = abs(total_value - found)
    if difference == 0:
        return
    paths = (total_path, *(path for _, path, _ in parts))
    values = {
        "subject": subject,
        "total": amount_text(total_value),
        "sum": amount_text(found),
        "difference": amount_text(difference),
        "parts": str(len(parts)),
    }
    values.update({name: amount_text(amount) for name, _, amount in parts if name})
    values.update(extra or {})
    tolerance = ctx.half_unit * len(parts)
    if difference <= tolerance:
        values.update(identity=code, tolerance=amount_text(tolerance))
        yield ctx.diagnostic("rounding", paths, values)
    else:
        yield ctx.diagnostic(code, paths, values)


def _equal(
    ctx: CheckContext, code: str, left: tuple[str, str, Decimal], right: tuple[str, str, Decimal]
) -> Iterator[Diagnostic]:
    """Two printings of one figure, which must agree exactly."""
    (lname, lpath, lvalue), (rname, rpath, rvalue) = left, right
    if lvalue != rvalue:
        values = {
            lname: amount_text(lvalue),
            rname: amount_text(rvalue),
            "difference": amount_text(abs(lvalue - rvalue)),
        }
        yield ctx.diagnostic(code, (lpath, rpath), values)


def _above(
    ctx: CheckContext, code: str, part: tuple[str, str, Decimal], whole: tuple[str, str, Decimal]
) -> Iterator[Diagnostic]:
    """A part that is larger than the whole it belongs to."""
    (pname, ppath, pvalue), (wname, wpath, wvalue) = part, whole
    if pvalue > wvalue:
        values = {
            pname: amount_text(pvalue),
            wname: amount_text(wvalue),
            "difference": amount_text(pvalue - wvalue),
        }
        yield ctx.diagnostic(code, (ppath, wpath), values)


#: The budgets whose expenditure is given by functional class (a missing one is skipped).
BUDGETS: Final[tuple[str, ...]] = ("general_budget", "fund_budget", "state_capital_budget")


def _budgets(f: Figures) -> Iterator[tuple[str, BudgetExpenditure]]:
    for section in BUDGETS:
        budget = getattr(f, section, None)
        if isinstance(budget, BudgetExpenditure):
            yield section, budget


# -- table identities -------------------------------------------------------------


@check("income-total", "fiscal-income-total", "income-grand-total", "rounding")
def _income(ctx: CheckContext) -> Iterator[Diagnostic]:
    inc = ctx.figures.income
    yield from _sum_identity(
        ctx,
        "income-total",
        "income-total",
        ("income.total", inc.total),
        [
            ("fiscal", "income.fiscal.total", inc.fiscal.total),
            ("higher_level_grants", "income.higher_level_grants", inc.higher_level_grants),
            ("operations", "income.operations", inc.operations),
            ("business", "income.business", inc.business),
            ("from_subsidiaries", "income.from_subsidiaries", inc.from_subsidiaries),
            ("other", "income.other", inc.other),
        ],
    )
    yield from _sum_identity(
        ctx,
        "fiscal-income-total",
        "fiscal-income-total",
        ("income.fiscal.total", inc.fiscal.total),
        [
            ("general", "income.fiscal.general", inc.fiscal.general),
            ("fund", "income.fiscal.fund", inc.fiscal.fund),
            ("state_capital", "income.fiscal.state_capital", inc.fiscal.state_capital),
        ],
    )
    yield from _sum_identity(
        ctx,
        "income-grand-total",
        "income-grand-total",
        ("income.grand_total", inc.grand_total),
        [
            ("income_total", "income.total", inc.total),
            (
                "non_fiscal_balance_used",
                "income.non_fiscal_balance_used",
                inc.non_fiscal_balance_used,
            ),
            ("carried_forward", "income.carried_forward", inc.carried_forward),
        ],
    )


@check("expenditure-total", "expenditure-grand-total", "grand-totals", "rounding")
def _expenditure(ctx: CheckContext) -> Iterator[Diagnostic]:
    exp = ctx.figures.expenditure
    yield from _sum_identity(
        ctx,
        "expenditure-total",
        "expenditure-total",
        ("expenditure.total", exp.total),
        [
            ("basic", "expenditure.basic", exp.basic),
            ("project", "expenditure.project", exp.project),
            ("to_higher_level", "expenditure.to_higher_level", exp.to_higher_level),
            ("business", "expenditure.business", exp.business),
            ("to_subsidiaries", "expenditure.to_subsidiaries", exp.to_subsidiaries),
        ],
    )
    yield from _sum_identity(
        ctx,
        "expenditure-grand-total",
        "expenditure-grand-total",
        ("expenditure.grand_total", exp.grand_total),
        [
            ("expenditure_total", "expenditure.total", exp.total),
            ("balance_distribution", "expenditure.balance_distribution", exp.balance_distribution),
            ("carried_over", "expenditure.carried_over", exp.carried_over),
        ],
    )
    yield from _equal(
        ctx,
        "grand-totals",
        ("income", "income.grand_total", ctx.figures.income.grand_total),
        ("expenditure", "expenditure.grand_total", exp.grand_total),
    )


@check(
    "fiscal-grand-total-income", "fiscal-grand-total-expenditure", "fiscal-expenditure", "rounding"
)
def _fiscal_totals(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    fiscal = f.fiscal
    yield from _sum_identity(
        ctx,
        "fiscal-grand-total-income",
        "fiscal-grand-total-income",
        ("fiscal.grand_total", fiscal.grand_total),
        [
            ("fiscal_income", "income.fiscal.total", f.income.fiscal.total),
            ("carried_forward", "fiscal.carried_forward", fiscal.carried_forward),
        ],
    )
    yield from _sum_identity(
        ctx,
        "fiscal-grand-total-expenditure",
        "fiscal-grand-total-expenditure",
        ("fiscal.grand_total", fiscal.grand_total),
        [
            ("fiscal_expenditure", "fiscal.expenditure", fiscal.expenditure),
            ("carried_over", "fiscal.carried_over", fiscal.carried_over),
        ],
    )
    parts: list[Part] = [
        ("general", "general_budget.total", f.general_budget.total),
        ("fund", "fund_budget.total", f.fund_budget.total),
    ]
    extra = {"state_capital": amount_text(Decimal(0))}
    state_capital = getattr(f, "state_capital_budget", None)
    if isinstance(state_capital, BudgetExpenditure):
        parts.append(("state_capital", "state_capital_budget.total", state_capital.total))
    elif f.income.fiscal.state_capital != 0:
        return  # state-capital spending exists but is not given: nothing to compare with
    yield from _sum_identity(
        ctx,
        "fiscal-expenditure",
        "fiscal-expenditure",
        ("fiscal.expenditure", fiscal.expenditure),
        parts,
        extra if len(parts) == 2 else None,
    )


@check("classes-sum", "items-sum", "budget-basic-project", "rounding")
def _budget_structure(ctx: CheckContext) -> Iterator[Diagnostic]:
    for section, budget in _budgets(ctx.figures):
        if budget.classes:
            yield from _sum_identity(
                ctx,
                "classes-sum",
                f"{section}.classes",
                (f"{section}.total", budget.total),
                [
                    (None, f"{section}.classes[{i}].amount", cls.amount)
                    for i, cls in enumerate(budget.classes)
                ],
            )
        for i, cls in enumerate(budget.classes):
            where = f"{section}.classes[{i}]"
            codes = [item.code for item in cls.items]
            # An item listed under another listed item (项 under its 款) is part of that item.
            top = [
                (j, item)
                for j, item in enumerate(cls.items)
                if not any(item.code != c and item.code.startswith(c) for c in codes)
            ]
            if top:
                yield from _sum_identity(
                    ctx,
                    "items-sum",
                    "class-items",
                    (f"{where}.amount", cls.amount),
                    [(None, f"{where}.items[{j}].amount", item.amount) for j, item in top],
                    {"class": cls.code},
                )
            for j, section_item in enumerate(cls.items):
                children = [
                    (k, item)
                    for k, item in enumerate(cls.items)
                    if item.code != section_item.code and item.code.startswith(section_item.code)
                ]
                if children:
                    yield from _sum_identity(
                        ctx,
                        "items-sum",
                        "section-items",
                        (f"{where}.items[{j}].amount", section_item.amount),
                        [(None, f"{where}.items[{k}].amount", item.amount) for k, item in children],
                        {"class": cls.code, "section": section_item.code},
                    )
        if budget.basic is not None and budget.project is not None:
            yield from _sum_identity(
                ctx,
                "budget-basic-project",
                f"{section}.basic-project",
                (f"{section}.total", budget.total),
                [
                    ("basic", f"{section}.basic", budget.basic),
                    ("project", f"{section}.project", budget.project),
                ],
            )


@check("basic-total", "basic-parts", "rounding")
def _basic(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    if f.general_budget.basic is not None:
        yield from _equal(
            ctx,
            "basic-total",
            ("basic_table", "basic.total", f.basic.total),
            ("general_budget", "general_budget.basic", f.general_budget.basic),
        )
    yield from _sum_identity(
        ctx,
        "basic-parts",
        "basic-parts",
        ("basic.total", f.basic.total),
        [
            ("personnel", "basic.personnel.amount", f.basic.personnel.amount),
            ("public", "basic.public.amount", f.basic.public.amount),
        ],
    )


@check(
    "three-public-total",
    "three-public-budget",
    "vehicles-parts",
    "reception-parts",
    "reception-counts",
    "rounding",
)
def _three_public(ctx: CheckContext) -> Iterator[Diagnostic]:
    tp = ctx.figures.three_public
    names = ("overseas", "vehicles", "reception")
    for field_name, code in (("amount", "three-public-total"), ("budget", "three-public-budget")):
        yield from _sum_identity(
            ctx,
            code,
            code,
            (f"three_public.{field_name}", getattr(tp, field_name)),
            [
                (name, f"three_public.{name}.{field_name}", getattr(getattr(tp, name), field_name))
                for name in names
            ],
        )
    vehicles = tp.vehicles
    if {"purchase", "operation"} & vehicles.model_fields_set:
        yield from _sum_identity(
            ctx,
            "vehicles-parts",
            "vehicles-parts",
            ("three_public.vehicles.amount", vehicles.amount),
            [
                ("purchase", "three_public.vehicles.purchase", vehicles.purchase),
                ("operation", "three_public.vehicles.operation", vehicles.operation),
            ],
        )
    reception = tp.reception
    if reception.foreign is None and reception.domestic is None:
        return
    zero = Decimal(0)
    foreign, domestic = reception.foreign, reception.domestic
    yield from _sum_identity(
        ctx,
        "reception-parts",
        "reception-parts",
        ("three_public.reception.amount", reception.amount),
        [
            (
                "foreign",
                "three_public.reception.foreign.amount",
                foreign.amount if foreign else zero,
            ),
            (
                "domestic",
                "three_public.reception.domestic.amount",
                domestic.amount if domestic else zero,
            ),
        ],
    )
    for count in ("batches", "persons"):
        total = getattr(reception, count)
        parts = [getattr(p, count) if p else 0 for p in (foreign, domestic)]
        if sum(parts) != total:
            yield ctx.diagnostic(
                "reception-counts",
                (
                    f"three_public.reception.{count}",
                    f"three_public.reception.foreign.{count}",
                    f"three_public.reception.domestic.{count}",
                ),
                {
                    "subject": f"reception-{count}",
                    "total": str(total),
                    "foreign": str(parts[0]),
                    "domestic": str(parts[1]),
                    "sum": str(sum(parts)),
                },
            )


@check("procurement-total", "rounding")
def _procurement_total(ctx: CheckContext) -> Iterator[Diagnostic]:
    pr = ctx.figures.procurement
    if pr is None:
        return
    yield from _sum_identity(
        ctx,
        "procurement-total",
        "procurement-total",
        ("procurement.total", pr.total),
        [
            ("goods", "procurement.goods", pr.goods),
            ("works", "procurement.works", pr.works),
            ("services", "procurement.services", pr.services),
        ],
    )


@check("assets-vehicles")
def _assets_vehicles(ctx: CheckContext) -> Iterator[Diagnostic]:
    assets = ctx.figures.assets
    if assets is None or "vehicles" not in assets.model_fields_set:
        return
    fleet = assets.vehicles
    kinds = [name for name in type(fleet).model_fields if name != "other_use"]
    found = sum(getattr(fleet, name) for name in kinds)
    if found != assets.total_vehicles:
        yield ctx.diagnostic(
            "assets-vehicles",
            ("assets.total_vehicles", *(f"assets.vehicles.{name}" for name in kinds)),
            {"total": str(assets.total_vehicles), "sum": str(found)},
        )


# -- plausibility -------------------------------------------------------------------


@check("sme-above-total", "small-micro-above-sme")
def _procurement_awards(ctx: CheckContext) -> Iterator[Diagnostic]:
    pr = ctx.figures.procurement
    if pr is None:
        return
    for diagnostic in _above(
        ctx,
        "sme-above-total",
        ("sme", "procurement.sme", pr.sme),
        ("total", "procurement.total", pr.total),
    ):
        share = percent(pr.sme, pr.total)
        extra = {} if share is None else {"share": f"{share:f}"}
        yield ctx.diagnostic(diagnostic.code, diagnostic.paths, {**diagnostic.values, **extra})
    yield from _above(
        ctx,
        "small-micro-above-sme",
        ("small_micro", "procurement.small_micro", pr.small_micro),
        ("sme", "procurement.sme", pr.sme),
    )


@check("fiscal-above-income", "fiscal-above-expenditure")
def _fiscal_shares(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    yield from _above(
        ctx,
        "fiscal-above-income",
        ("fiscal", "income.fiscal.total", f.income.fiscal.total),
        ("income", "income.total", f.income.total),
    )
    yield from _above(
        ctx,
        "fiscal-above-expenditure",
        ("fiscal", "fiscal.expenditure", f.fiscal.expenditure),
        ("expenditure", "expenditure.total", f.expenditure.total),
    )


@check("evaluated-base", "evaluated-above-project")
def _evaluation(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    perf = f.performance
    if perf is None:
        return
    if f.general_budget.project is not None:
        project = ("project", "general_budget.project", f.general_budget.project)
    else:
        project = ("project", "expenditure.project", f.expenditure.project)
    if perf.evaluated_base is not None and perf.evaluated_base != project[2]:
        yield ctx.diagnostic(
            "evaluated-base",
            ("performance.evaluated_base", project[1]),
            {
                "base": amount_text(perf.evaluated_base),
                "project": amount_text(project[2]),
                "evaluated": amount_text(perf.evaluated_amount),
            },
        )
    yield from _above(
        ctx,
        "evaluated-above-project",
        ("evaluated", "performance.evaluated_amount", perf.evaluated_amount),
        project,
    )


@check("vehicles-purchased-above-fleet")
def _vehicle_counts(ctx: CheckContext) -> Iterator[Diagnostic]:
    vehicles = ctx.figures.three_public.vehicles
    if vehicles.purchased > vehicles.fleet:
        yield ctx.diagnostic(
            "vehicles-purchased-above-fleet",
            ("three_public.vehicles.purchased", "three_public.vehicles.fleet"),
            {"purchased": str(vehicles.purchased), "fleet": str(vehicles.fleet)},
        )


@check("completion-without-budget")
def _zero_budgets(ctx: CheckContext) -> Iterator[Diagnostic]:
    for sentence in ctx.facts.sentences:
        value = sentence.value
        if sentence.kind == "completion" and value.state == "no_budget":
            assert not isinstance(value, Change)
            yield ctx.diagnostic(
                "completion-without-budget",
                tuple(sentence.inputs),
                {
                    "sentence": sentence.key,
                    "final": amount_text(value.final),
                    "budget": amount_text(value.budget),
                },
            )


# -- catalog ------------------------------------------------------------------------


def _same_name(given: str, official: str) -> bool:
    table = str.maketrans({"(": "（", ")": "）"})
    return "".join(given.split()).translate(table) == "".join(official.split()).translate(table)


@check("unknown-code", "item-outside-class", "item-name-mismatch", "used-for-contradicts")
def _catalog(ctx: CheckContext) -> Iterator[Diagnostic]:
    codes = ctx.bank.codes
    zh = ctx.bank.language("zh")
    contradictions: Mapping[str, Sequence[str]] = ctx.data.get("used_for_contradictions") or {}
    for section, budget in _budgets(ctx.figures):
        for i, cls in enumerate(budget.classes):
            where = f"{section}.classes[{i}]"
            if cls.code not in codes:
                yield ctx.diagnostic("unknown-code", (f"{where}.code",), {"code": cls.code})
            for j, item in enumerate(cls.items):
                at = f"{where}.items[{j}]"
                if not item.code.startswith(cls.code):
                    yield ctx.diagnostic(
                        "item-outside-class",
                        (f"{at}.code", f"{where}.code"),
                        {"code": item.code, "class": cls.code},
                    )
                if item.code not in codes:
                    yield ctx.diagnostic("unknown-code", (f"{at}.code",), {"code": item.code})
                official = [
                    str(names[item.code])
                    for names in (zh.names, zh.catalog.get("names_2024", {}))
                    if item.code in names
                ]
                if (
                    item.name is not None
                    and official
                    and not any(_same_name(item.name.zh, name) for name in official)
                ):
                    yield ctx.diagnostic(
                        "item-name-mismatch",
                        (f"{at}.name",),
                        {"code": item.code, "name": item.name.zh, "catalog_name": official[0]},
                    )
                if item.used_for is not None:
                    for keyword in contradictions.get(item.code[:5], ()):
                        if str(keyword) in item.used_for.zh:
                            yield ctx.diagnostic(
                                "used-for-contradicts",
                                (f"{at}.used_for",),
                                {
                                    "code": item.code,
                                    "section": item.code[:5],
                                    "keyword": str(keyword),
                                },
                            )
                            break


# -- completeness ---------------------------------------------------------------------


@check("reason-missing")
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


@check("english-missing")
def _missing_english(ctx: CheckContext) -> Iterator[Diagnostic]:
    for path, text in _texts(ctx.figures, ""):
        if not text.en and not text.neutral:
            yield ctx.diagnostic("english-missing", (path,), {"zh": _excerpt(text.zh)})


@check("unknown-reason-key")
def _unknown_reasons(ctx: CheckContext) -> Iterator[Diagnostic]:
    keys = {sentence.key for sentence in ctx.facts.sentences}
    for key in ctx.figures.reasons:
        if key not in keys:
            yield ctx.diagnostic("unknown-reason-key", (f"reasons.{key}",), {"key": key})


@check("prior-year-missing")
def _prior_year(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    if f.prior_year is None and not f.unit.new_this_year:
        values = {"year": str(f.unit.year), "prior_year": str(f.unit.year - 1)}
        if f.unit.established is not None:
            values["established"] = str(f.unit.established.year)
        yield ctx.diagnostic("prior-year-missing", ("prior_year",), values)


# -- presenting (pure; the CLI prints) ---------------------------------------------------


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
    headings: Mapping[str, str] = words.get("severities", {})
    lines: list[str] = []
    for file, found in results:
        lines.append(file)
        counts: dict[str, int] = {severity: 0 for severity in SEVERITIES}
        for severity in SEVERITIES:
            group = [d for d in found if d.severity == severity]
            counts[severity] = len(group)
            if not group:
                continue
            heading = safe_format(str(headings.get(severity, severity)), count=len(group))
            if colour:
                heading = f"{COLOURS[severity]}{heading}{_RESET}"
            lines.append(f"  {heading}")
            for d in group:
                lines.append(f"    {d.code}  {d.path}")
                lines.append(f"      {d.message(lang)}")
        if not found:
            lines.append(f"  {words.get('clean', '')}")
        summary = str(words.get("summary", "{error} / {warning} / {info}"))
        lines.append(f"  {safe_format(summary, **counts)}")
        lines.append("")
    return "\n".join(lines)
