"""Decisions: every derived number and every reason, once, for both languages.

:func:`decide` turns figures into :class:`Facts`: one frozen value per section of the
report (:class:`Decisions`), the :class:`Sentence` objects whose reasons the rules chose,
and the :class:`Computation` records of paragraphs that print derived numbers. Both
languages render from the same Facts, so they cannot drift.

These values are the templates' whole interface: a template reads the fields of the
section values below (``totals.change``, ``income.sources[0].share``,
``general_budget.item_lines``, …), the figures as ``f``, and narrator's helpers. The
sandbox lets templates read exactly these fields and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from narrator import figures as figures_model
from narrator.derive import Change, Completion, change, completion, percent, shares
from narrator.figures import (
    BasicExpenditure,
    BudgetExpenditure,
    Figures,
    FiscalIncome,
    Item,
    OperatingCosts,
    Performance,
    Procurement,
    SelfEvaluation,
    Text,
    ThreePublic,
)
from narrator.phrasebank import Phrasebank
from narrator.rules import USER_REASON, ReasonSource
from narrator.sandbox import expose
from narrator.style import STYLE_OPTIONS, StyleOptionError, resolve_style

__all__ = [
    "STYLE_OPTIONS",
    "Basis",
    "Decisions",
    "Facts",
    "Reason",
    "Sentence",
    "StatedBudget",
    "StyleOptionError",
    "decide",
    "resolve_style",
]

Kind = Literal["change", "completion"]


@dataclass(frozen=True)
class Reason:
    """Where a sentence's reason comes from."""

    source: ReasonSource
    rule: str | None = None
    phrase: str | None = None
    text: Text | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)

    @property
    def needed(self) -> bool:
        return self.source != "not_needed"


#: The budgets a completion may compare with: 年初预算 and 全年预算 (the full-year budget).
Basis = Literal["initial", "full_year"]


@dataclass(frozen=True)
class StatedBudget:
    """A budget a completion sentence states: which one (``initial`` or ``full_year``)."""

    basis: Basis
    amount: Decimal


@dataclass(frozen=True)
class Sentence:
    """A change or budget-completion sentence with its decided reason.

    ``form`` names the sentence template (``sentences.<form>`` in the phrasebank): one
    form serves every sentence of a kind, e.g. each item's ``general_budget.item_completion``.

    A completion of a budget's expenditure (the total or a 款/项 item) also says which
    budgets it states (``budgets``: 年初预算, 全年预算 or both, from the style option
    ``budget_basis``), which one its completion and deviation compare with (``basis``, the
    budget of ``value``), and whether it prints its completion rate (``rate_shown``).
    """

    key: str
    section: str
    kind: Kind
    form: str
    value: Change | Completion
    subject: str
    inputs: Mapping[str, str]
    reason: Reason
    params: Mapping[str, Any] = field(default_factory=dict)
    #: Inputs that were not in the figures and were taken as 0 (no prior-year figures).
    defaulted: tuple[str, ...] = ()
    #: The budget ``value`` compares with, for a budget's completion; None otherwise.
    basis: Basis | None = None
    #: The budgets the sentence states, in order (the last is ``basis``).
    budgets: tuple[StatedBudget, ...] = ()
    #: Whether the sentence prints its completion rate.
    rate_shown: bool = True


@dataclass(frozen=True)
class Computation:
    """A paragraph that prints computed numbers (shares, coverage) but carries no reason.

    ``paragraph`` is the text key of the paragraph that prints them.
    """

    key: str
    section: str
    paragraph: str
    inputs: Mapping[str, str]


@dataclass(frozen=True)
class UnitFacts:
    """The unit facts rule conditions may read as ``unit.*``."""

    new: bool
    established_year: int | None
    cause: str | None
    supplementary_month: int | None
    prior_given: bool


# -- the sections: what the templates read ------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One part of a whole (an income source, an expenditure type) with its share."""

    key: str
    amount: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class ClassLine:
    """A functional class (类) in a structure paragraph, with its share and items."""

    code: str
    amount: Decimal
    share: Decimal | None
    item_list: tuple[Item, ...]


@dataclass(frozen=True)
class ItemLine:
    """A 款/项 item and its completion sentence (None when it gives no budget)."""

    class_code: str
    item: Item
    completion: Sentence | None


@dataclass(frozen=True)
class TotalsDecision:
    grand_total: Decimal
    #: None when the prior-year figures leave this total out: nothing to compare with.
    change: Sentence | None


@dataclass(frozen=True)
class IncomeDecision:
    total: Decimal
    fiscal: FiscalIncome
    sources: tuple[Line, ...]


@dataclass(frozen=True)
class ExpenditureDecision:
    total: Decimal
    types: tuple[Line, ...]


@dataclass(frozen=True)
class BudgetDecision:
    """One budget's expenditure (general public, government fund, state capital)."""

    total: Decimal
    initial_budget: Decimal | None
    adjusted_budget: Decimal | None
    share_of_expenditure: Decimal | None
    #: None when the prior-year figures leave this budget's expenditure out.
    change: Sentence | None
    completion: Sentence
    classes: tuple[ClassLine, ...]
    item_lines: tuple[ItemLine, ...]


@dataclass(frozen=True)
class PartDecision:
    """One "三公" part: its figures, share of the total, and its two sentences."""

    figures: Any
    share: Decimal | None
    change: Sentence
    completion: Sentence


@dataclass(frozen=True)
class ThreePublicDecision:
    figures: ThreePublic
    parts: Mapping[str, PartDecision]
    completion: Sentence
    change: Sentence


@dataclass(frozen=True)
class ProjectDecision:
    figures: SelfEvaluation
    completion: Decimal | None
    index: int


@dataclass(frozen=True)
class PerformanceDecision:
    figures: Performance
    base: Decimal
    coverage: Decimal | None
    projects: tuple[ProjectDecision, ...]


@dataclass(frozen=True)
class OperatingCostsDecision:
    figures: OperatingCosts
    vs_budget: Sentence | None
    change: Sentence | None


@dataclass(frozen=True)
class ProcurementDecision:
    figures: Procurement
    sme_share: Decimal | None
    small_micro_share: Decimal | None
    sme_contradicted: bool
    small_micro_contradicted: bool


@dataclass(frozen=True)
class Decisions:
    """Every section's decided values, by the name templates read them under."""

    totals: TotalsDecision
    income: IncomeDecision
    expenditure: ExpenditureDecision
    fiscal_totals: TotalsDecision
    general_budget: BudgetDecision
    fund_budget: BudgetDecision
    state_capital_budget: BudgetDecision | None
    basic: BasicExpenditure
    three_public: ThreePublicDecision
    performance: PerformanceDecision | None
    operating_costs: OperatingCostsDecision | None
    procurement: ProcurementDecision | None
    glossary_items: tuple[str, ...]

    def sections(self) -> dict[str, Any]:
        """The sections by name, as templates see them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Facts:
    """Everything the templates print, language-neutral."""

    figures: Figures
    style: Mapping[str, str]
    decisions: Decisions
    sentences: tuple[Sentence, ...]
    computations: tuple[Computation, ...] = ()

    @cached_property
    def values(self) -> Mapping[str, Any]:
        """The sections by name (what templates read besides the figures and helpers)."""
        return MappingProxyType(self.decisions.sections())

    def sentence(self, key: str) -> Sentence:
        for sentence in self.sentences:
            if sentence.key == key:
                return sentence
        raise KeyError(key)


# What templates and conditions may read: the figures' fields and these values, nothing else.
expose(
    *(
        kind
        for kind in vars(figures_model).values()
        if isinstance(kind, type) and issubclass(kind, BaseModel) and kind is not BaseModel
    ),
    Change,
    Completion,
    StatedBudget,
    Sentence,
    Reason,
    Computation,
    UnitFacts,
    Line,
    ClassLine,
    ItemLine,
    TotalsDecision,
    IncomeDecision,
    ExpenditureDecision,
    BudgetDecision,
    PartDecision,
    ThreePublicDecision,
    ProjectDecision,
    PerformanceDecision,
    OperatingCostsDecision,
    ProcurementDecision,
    Decisions,
)


#: The budgets each value of the style option ``budget_basis`` states, in order.
_BASES_STATED: Mapping[str, tuple[Basis, ...]] = {
    "initial": ("initial",),
    "full_year": ("full_year",),
    "both": ("initial", "full_year"),
}
#: The figures field of each budget a completion may compare with.
_BUDGET_FIELDS: Mapping[Basis, str] = {"initial": "initial_budget", "full_year": "adjusted_budget"}


def _fmt(value: Any) -> str:
    return "" if value is None else str(value)


class Inputs(Mapping[str, str]):
    """The figures and derived values a decision read, as text (what ``explain`` shows):
    kept as values and made text when read, since most reports are never explained."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> str:
        return _fmt(self._values[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return repr(dict(self))


class _Decider:
    """Builds the decisions section by section; every builder returns values, nothing else."""

    def __init__(self, figures: Figures, bank: Phrasebank, style: Mapping[str, str]) -> None:
        self.f = figures
        self.bank = bank
        self.style = style
        #: How shares of one whole are rounded (style option ``share_rounding``).
        self.rounding = style["share_rounding"]
        self.computations: list[Computation] = []
        established = figures.unit.established
        cause = established.cause if established else None
        self.unit = UnitFacts(
            new=figures.unit.new_this_year,
            established_year=established.year if established else None,
            cause=cause if isinstance(cause, str) else ("custom" if cause else None),
            supplementary_month=figures.unit.supplementary_budget_month,
            prior_given=figures.prior_year is not None,
        )

    def _reason(
        self,
        key: str,
        kind: Kind,
        value: Change | Completion,
        given: tuple[str, Text] | None = None,
        basis: Basis | None = None,
    ) -> Reason:
        """The reason of one sentence: prescribed rules, then the user's text, then rules.

        ``given`` is the user's text and the path it was given at, when not under ``reasons``.
        """
        context: dict[str, Any] = {
            "unit": self.unit,
            "year": self.f.unit.year,
            "sentence": key,
            "kind": kind,
            "state": value.state,
            "difference": value.difference,
            "rate": value.rate,
            "prior_given": self.unit.prior_given,
            "style": self.style,
            "basis": basis,
        }
        if isinstance(value, Change):
            context.update(current=value.current, prior=value.prior)
        else:
            context.update(budget=value.budget, final=value.final)
        rules = self.bank.rules
        rule = rules.first_match(key, kind, context, prescribed=True)
        if rule is None:
            text = self.f.reasons.get(key)
            if text is not None:
                given = (f"reasons.{key}", text)
            if given is not None:
                return Reason("user", text=given[1], inputs={given[0]: given[1].zh})
            rule = rules.first_match(key, kind, context)
        if rule is None:
            return Reason("missing")
        inputs: dict[str, str] = {}
        for name in sorted(rule.names):
            item = context.get(name)
            if isinstance(item, UnitFacts):
                for attr in ("new", "established_year", "cause", "supplementary_month"):
                    inputs[f"unit.{attr}"] = _fmt(getattr(item, attr))
            elif name in context and name != "style":
                inputs[name] = _fmt(item)
        if rule.reason == USER_REASON:
            # The rule says only the user can explain this: a visible placeholder until given.
            return Reason("missing", rule=rule.id, inputs=inputs)
        source: ReasonSource = "rule" if rule.reason else "not_needed"
        return Reason(source, rule=rule.id, phrase=rule.reason, inputs=inputs)

    def sentence(
        self,
        key: str,
        section: str,
        kind: Kind,
        value: Change | Completion,
        subject: str,
        inputs: Mapping[str, Any],
        form: str | None = None,
        *,
        reason: tuple[str, Text] | None = None,
        defaulted: Sequence[str] = (),
        budgets: Sequence[StatedBudget] = (),
        rate_shown: bool = True,
        **params: Any,
    ) -> Sentence:
        derived = {
            "derived.state": value.state,
            "derived.difference": value.difference,
            "derived.rate": value.rate,
        }
        basis = budgets[-1].basis if budgets else None
        return Sentence(
            key=key,
            section=section,
            kind=kind,
            form=form or key,
            value=value,
            subject=subject,
            inputs=Inputs({**inputs, **derived}),
            reason=self._reason(key, kind, value, reason, basis),
            params=MappingProxyType(params),
            defaulted=tuple(defaulted),
            basis=basis,
            budgets=tuple(budgets),
            rate_shown=rate_shown,
        )

    def stated_budgets(
        self, initial: Decimal | None, adjusted: Decimal | None
    ) -> tuple[StatedBudget, ...]:
        """The budgets a completion states, the one it compares with last (``budget_basis``).

        ``initial`` states 年初预算, ``full_year`` 全年预算, ``both`` both (compared with the
        full-year budget). A budget the figures do not give is not stated; when the chosen
        one is missing, the other is (a unit set up during the year has only 全年预算).
        """
        option = self.style["budget_basis"]
        given: dict[Basis, Decimal | None] = {"initial": initial, "full_year": adjusted}
        wanted = _BASES_STATED[option]
        stated = [StatedBudget(b, v) for b in wanted if (v := given[b]) is not None]
        if not stated:
            stated = [StatedBudget(b, v) for b, v in given.items() if v is not None][:1]
        return tuple(stated)

    def computed(self, key: str, section: str, paragraph: str, inputs: Mapping[str, Any]) -> None:
        self.computations.append(Computation(key, section, paragraph, Inputs(dict(inputs))))

    def _shares_computed(
        self,
        key: str,
        section: str,
        paragraph: str,
        lines: Sequence[Line | ClassLine],
        path: str,
        whole_path: str,
        whole: Decimal,
    ) -> None:
        inputs: dict[str, Any] = {whole_path: whole}
        for line in lines:
            name = line.key if isinstance(line, Line) else line.code
            inputs[f"{path}.{name}"] = line.amount
            inputs[f"derived.share.{name}"] = line.share
        self.computed(key, section, paragraph, inputs)

    def compared(self, name: str) -> Decimal | None:
        """A prior-year figure to compare with: 0 without prior-year figures, None when the
        prior-year figures leave it out (the sentence then makes no comparison)."""
        prior = self.f.prior_year
        if prior is None:
            return Decimal(0)
        value: Decimal | None = getattr(prior, name)
        return value

    def _prior_defaulted(self, *paths: str) -> tuple[str, ...]:
        return () if self.f.prior_year is not None else paths

    # -- the sections -------------------------------------------------------

    def decide(self) -> Decisions:
        f = self.f
        return Decisions(
            totals=self._totals("totals", f.income.grand_total, "grand_total", "income"),
            income=self._income(),
            expenditure=self._expenditure(),
            fiscal_totals=self._totals(
                "fiscal_totals", f.fiscal.grand_total, "fiscal_grand_total", "fiscal"
            ),
            # The reports explain a new unit's general-budget change by its finances overall.
            general_budget=self._budget(
                "general_budget", "general", "general_expenditure", "unit_finances"
            ),
            fund_budget=self._budget("fund_budget", "fund", "fund_expenditure", "fund_expenditure"),
            state_capital_budget=(
                self._budget(
                    "state_capital_budget",
                    "state_capital",
                    "state_capital_expenditure",
                    "state_capital_expenditure",
                )
                if f.state_capital_budget is not None
                else None
            ),
            basic=f.basic,
            three_public=self._three_public(),
            performance=self._performance(),
            operating_costs=self._operating_costs(),
            procurement=self._procurement(),
            glossary_items=self._glossary_items(),
        )

    def _totals(self, section: str, current: Decimal, prior_name: str, path: str) -> TotalsDecision:
        prior_path = f"prior_year.{prior_name}"
        prior = self.compared(prior_name)
        return TotalsDecision(
            grand_total=current,
            change=None
            if prior is None
            else self.sentence(
                f"{section}.change",
                section,
                "change",
                change(current, prior),
                "unit_finances",
                {f"{path}.grand_total": current, prior_path: prior},
                defaulted=self._prior_defaulted(prior_path),
            ),
        )

    def _income(self) -> IncomeDecision:
        income = self.f.income
        sources = _lines(income.parts(), income.total, self.rounding)
        self._shares_computed(
            "income.shares",
            "income",
            "income.body",
            sources,
            "income",
            "income.total",
            income.total,
        )
        return IncomeDecision(total=income.total, fiscal=income.fiscal, sources=sources)

    def _expenditure(self) -> ExpenditureDecision:
        spent = self.f.expenditure
        types = _lines(spent.parts(), spent.total, self.rounding)
        self._shares_computed(
            "expenditure.shares",
            "expenditure",
            "expenditure.body",
            types,
            "expenditure",
            "expenditure.total",
            spent.total,
        )
        return ExpenditureDecision(total=spent.total, types=types)

    def _budget(self, section: str, which: str, prior_name: str, subject: str) -> BudgetDecision:
        budget: BudgetExpenditure = getattr(self.f, section)
        prior = self.compared(prior_name)
        given = {c.code: c for c in budget.classes}
        listed = list(self.bank.class_list(which))
        if self.style["list_zero_lines"] == "yes":
            codes = listed + [code for code in given if code not in listed]
        else:
            codes = [code for code in listed if code in given and given[code].amount != 0]
            codes += [code for code in given if code not in codes and given[code].amount != 0]
        amounts = [given[code].amount if code in given else Decimal(0) for code in codes]
        class_shares = shares(amounts, budget.total, self.rounding)
        classes = tuple(
            ClassLine(
                code=code,
                amount=amount,
                share=class_shares[i] if class_shares else None,
                item_list=given[code].items if code in given else (),
            )
            for i, (code, amount) in enumerate(zip(codes, amounts, strict=True))
        )
        self._shares_computed(
            f"{section}.structure",
            section,
            f"{section}.structure",
            classes,
            f"{section}.classes",
            f"{section}.total",
            budget.total,
        )
        items = tuple(
            self._item(section, cls.code, item) for cls in budget.classes for item in cls.items
        )
        prior_path = f"prior_year.{prior_name}"
        stated = self.stated_budgets(budget.initial_budget, budget.adjusted_budget)
        compared = stated[-1].amount
        return BudgetDecision(
            total=budget.total,
            initial_budget=budget.initial_budget,
            adjusted_budget=budget.adjusted_budget,
            share_of_expenditure=percent(budget.total, self.f.expenditure.total),
            change=None
            if prior is None
            else self.sentence(
                f"{section}.change",
                section,
                "change",
                change(budget.total, prior),
                subject,
                {f"{section}.total": budget.total, prior_path: prior},
                defaulted=self._prior_defaulted(prior_path),
            ),
            completion=self.sentence(
                f"{section}.completion",
                section,
                "completion",
                completion(budget.total, compared),
                subject,
                {
                    f"{section}.total": budget.total,
                    **{f"{section}.{_BUDGET_FIELDS[b.basis]}": b.amount for b in stated},
                },
                budgets=stated,
            ),
            classes=classes,
            item_lines=items,
        )

    def _item(self, section: str, class_code: str, item: Item) -> ItemLine:
        stated = self.stated_budgets(item.initial_budget, item.adjusted_budget)
        if not stated:
            return ItemLine(class_code, item, None)
        key = f"{section}.items.{item.code}.completion"
        value = completion(item.amount, stated[-1].amount)
        # A reason written on the item itself is the user's reason for that sentence.
        path = f"{section}.items[{item.code}].reason"
        reason = (path, item.reason) if item.reason is not None else None
        sentence = self.sentence(
            key,
            section,
            "completion",
            value,
            "item",
            {
                f"{section}.items[{item.code}].amount": item.amount,
                **{
                    f"{section}.items[{item.code}].{_BUDGET_FIELDS[b.basis]}": b.amount
                    for b in stated
                },
            },
            f"{section}.item_completion",
            reason=reason,
            budgets=stated,
            rate_shown=self.style["item_completion_rate"] == "yes",
            item=item,
            class_code=class_code,
        )
        return ItemLine(class_code, item, sentence)

    def _three_public(self) -> ThreePublicDecision:
        tp = self.f.three_public
        prior = self.f.prior_year.three_public if self.f.prior_year else None
        names = ThreePublic.PARTS
        part_shares = shares([getattr(tp, n).amount for n in names], tp.amount, self.rounding)
        parts: dict[str, PartDecision] = {}
        for i, name in enumerate(names):
            part = getattr(tp, name)
            prior_amount = getattr(prior, name) if prior else Decimal(0)
            prior_path = f"prior_year.three_public.{name}"
            parts[name] = PartDecision(
                figures=part,
                share=part_shares[i] if part_shares else None,
                change=self.sentence(
                    f"three_public.{name}.change",
                    "three_public",
                    "change",
                    change(part.amount, prior_amount),
                    f"three_public_{name}",
                    {f"three_public.{name}.amount": part.amount, prior_path: prior_amount},
                    "three_public.part_change",
                    defaulted=self._prior_defaulted(prior_path),
                    part=name,
                ),
                completion=self.sentence(
                    f"three_public.{name}.completion",
                    "three_public",
                    "completion",
                    completion(part.amount, part.budget),
                    f"three_public_{name}",
                    {
                        f"three_public.{name}.amount": part.amount,
                        f"three_public.{name}.budget": part.budget,
                    },
                    f"three_public.{name}_completion",
                    part=name,
                ),
            )
        prior_total = prior.total if prior else Decimal(0)
        return ThreePublicDecision(
            figures=tp,
            parts=MappingProxyType(parts),
            completion=self.sentence(
                "three_public.completion",
                "three_public",
                "completion",
                completion(tp.amount, tp.budget),
                "three_public",
                {"three_public.amount": tp.amount, "three_public.budget": tp.budget},
            ),
            change=self.sentence(
                "three_public.change",
                "three_public",
                "change",
                change(tp.amount, prior_total),
                "three_public",
                {"three_public.amount": tp.amount, "prior_year.three_public.total": prior_total},
                defaulted=self._prior_defaulted("prior_year.three_public.total"),
            ),
        )

    def _performance(self) -> PerformanceDecision | None:
        perf = self.f.performance
        if perf is None:
            return None
        base = perf.evaluated_base
        base_path = "performance.evaluated_base"
        if base is None:
            base, base_path = self.f.general_budget.project, "general_budget.project"
        if base is None:
            base, base_path = self.f.expenditure.project, "expenditure.project"
        coverage = percent(perf.evaluated_amount, base)
        self.computed(
            "performance.coverage",
            "performance",
            "performance.coverage",
            {
                "performance.evaluated_amount": perf.evaluated_amount,
                base_path: base,
                "derived.coverage": coverage,
            },
        )
        return PerformanceDecision(
            figures=perf,
            base=base,
            coverage=coverage if coverage is not None and coverage <= 100 else None,
            projects=tuple(
                ProjectDecision(p, percent(p.executed, p.budget), i)
                for i, p in enumerate(perf.self_evaluations)
            ),
        )

    def _operating_costs(self) -> OperatingCostsDecision | None:
        oc = self.f.operating_costs
        if oc is None:
            return None
        vs_budget = None
        if oc.budget is not None:
            vs_budget = self.sentence(
                "operating_costs.vs_budget",
                "operating_costs",
                "completion",
                completion(oc.amount, oc.budget),
                "operating_costs",
                {"operating_costs.amount": oc.amount, "operating_costs.budget": oc.budget},
                rate_shown=False,  # worded as a change against the budget (比年初预算数增加…)
            )
        prior = self.f.prior_year.operating_costs if self.f.prior_year else None
        changed = None
        if prior is not None or self.unit.new:
            prior_amount = prior if prior is not None else Decimal(0)
            changed = self.sentence(
                "operating_costs.change",
                "operating_costs",
                "change",
                change(oc.amount, prior_amount),
                "operating_costs",
                {"operating_costs.amount": oc.amount, "prior_year.operating_costs": prior_amount},
                defaulted=() if prior is not None else ("prior_year.operating_costs",),
            )
        return OperatingCostsDecision(figures=oc, vs_budget=vs_budget, change=changed)

    def _procurement(self) -> ProcurementDecision | None:
        pr = self.f.procurement
        if pr is None:
            return None

        def share(part: Decimal) -> Decimal | None:
            # A part larger than its whole is a contradiction the checker reports;
            # the report prints no share for it rather than a share over 100%.
            value = percent(part, pr.total)
            return value if value is not None and value <= 100 else None

        self.computed(
            "procurement.shares",
            "procurement",
            "other.procurement",
            {
                "procurement.total": pr.total,
                "procurement.sme": pr.sme,
                "procurement.small_micro": pr.small_micro,
                "derived.sme_share": share(pr.sme),
                "derived.small_micro_share": share(pr.small_micro),
            },
        )
        return ProcurementDecision(
            figures=pr,
            sme_share=share(pr.sme),
            small_micro_share=share(pr.small_micro),
            sme_contradicted=pr.sme > pr.total,
            small_micro_contradicted=pr.small_micro > pr.total or pr.small_micro > pr.sme,
        )

    def _glossary_items(self) -> tuple[str, ...]:
        codes: list[str] = []
        budgets = (self.f.general_budget, self.f.fund_budget, self.f.state_capital_budget)
        for budget in budgets:
            for cls in budget.classes if budget is not None else ():
                for item in cls.items:
                    if len(item.code) == 7 and item.code not in codes:
                        codes.append(item.code)
        return tuple(codes)


def _lines(parts: Sequence[tuple[str, Decimal]], whole: Decimal, rounding: str) -> tuple[Line, ...]:
    values = shares([amount for _, amount in parts], whole, rounding)
    return tuple(
        Line(key, amount, values[i] if values else None) for i, (key, amount) in enumerate(parts)
    )


def sentences_of(value: Any) -> Iterator[Sentence]:
    """Every sentence held by a decided value, in field order (depth first)."""
    found: list[Sentence] = []
    _collect_sentences(value, found)
    return iter(found)


def _collect_sentences(value: Any, found: list[Sentence]) -> None:
    kind = type(value)
    if kind is Sentence:
        found.append(value)
        return
    if kind in _NO_SENTENCES:
        return
    names = _FIELDS.get(kind)
    if names is None:
        if isinstance(value, Sentence):
            found.append(value)
            return
        if isinstance(value, Mapping):
            for item in value.values():
                _collect_sentences(item, found)
            return
        if isinstance(value, tuple):
            for item in value:
                _collect_sentences(item, found)
            return
        if not is_dataclass(value) or isinstance(value, type | BaseModel):
            _NO_SENTENCES.add(kind)  # figures models and the like: never walked again
            return
        names = _sentence_fields(kind)
        if not names:
            _NO_SENTENCES.add(kind)
            return
    for name in names:
        _collect_sentences(getattr(value, name), found)


def _sentence_fields(kind: type) -> tuple[str, ...]:
    """The fields of a decided type whose declared type can hold a sentence (mypy holds the
    declarations to the values), in field order."""
    found = _FIELDS.get(kind)
    if found is None:
        _FIELDS[kind] = ()  # a type that holds itself holds nothing more through itself
        hints = get_type_hints(kind)
        found = _FIELDS[kind] = tuple(
            f.name for f in fields(kind) if _may_hold_sentence(hints.get(f.name, Any))
        )
    return found


def _may_hold_sentence(annotation: Any) -> bool:
    if annotation is Sentence:
        return True
    if get_origin(annotation) is not None:
        return any(_may_hold_sentence(arg) for arg in get_args(annotation) if arg is not Ellipsis)
    if isinstance(annotation, type):
        if annotation in _NO_SENTENCES or issubclass(annotation, BaseModel | str):
            return False
        if is_dataclass(annotation):
            return bool(_sentence_fields(annotation))
    return True  # Any, or a type this cannot see into


# Values that hold no sentence, and the fields of each decided type (looked up once).
_NO_SENTENCES: set[type] = {str, int, bool, float, Decimal, type(None), Change, Completion}
_FIELDS: dict[type, tuple[str, ...]] = {}


def decide(figures: Figures, bank: Phrasebank, style: Mapping[str, str]) -> Facts:
    """Derive every number and decide every reason for ``figures``."""
    decider = _Decider(figures, bank, style)
    decisions = decider.decide()
    return Facts(
        figures=figures,
        style=MappingProxyType(dict(style)),
        decisions=decisions,
        sentences=tuple(sentences_of(decisions)),
        computations=tuple(decider.computations),
    )
