"""What the figures say about each subject a report may write about.

Built from the decided facts (:attr:`narrator.report.Report.facts`: the figures, the
derived shares, changes and completions), never from narrator's rendered text. Each
subject (``totals``, ``income.fiscal``, ``class:general_budget:201``,
``item:general_budget:2210201``, ``project:0`` …) gets a :class:`Facet`: its amount, its
budgets, its change against the prior year, its share of its whole, its counts, and the
keys of narrator's own paragraphs and sentences about it (for the suggested fix and for
whether a reason is required).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from narrator.decisions import BudgetDecision, Decisions
from narrator.derive import SHARE_ROUNDINGS, Change, Completion, change, completion, shares
from narrator.figures import BudgetExpenditure, Figures

if TYPE_CHECKING:
    from narrator.verify.subject import Subject as Report

_HUNDRED = Decimal(100)


def exact_percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` of ``whole`` in percent, unrounded; None over a zero whole.

    >>> exact_percent(Decimal(1), Decimal(3)).quantize(Decimal("0.0001"))
    Decimal('33.3333')
    """
    if whole == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return part * _HUNDRED / whole


@dataclass(frozen=True)
class Share:
    """A part's share of its whole: largest-remainder (as narrator prints it) and exact."""

    part: Decimal
    whole: Decimal
    rounded: Decimal | None = None
    #: The part's share of its list by each other rounding convention (a report may round
    #: as another district does: each share on its own, or by the largest remainder).
    also: tuple[Decimal, ...] = ()

    @property
    def exact(self) -> Decimal | None:
        return exact_percent(self.part, self.whole)


def _list_shares(parts: Sequence[Decimal], whole: Decimal) -> list[tuple[Decimal, ...]]:
    """Each part's share of one whole by every rounding convention narrator knows."""
    rounded = [shares(list(parts), whole, method) for method in SHARE_ROUNDINGS]
    return [tuple(sorted({r[i] for r in rounded if r is not None})) for i in range(len(parts))]


@dataclass
class Facet:
    """What the figures say about one subject."""

    subject: str
    #: The main figure path (findings name it).
    path: str
    #: The amount (支出决算, 收入…), and other amounts a report may mean by the phrase.
    amounts: tuple[Decimal, ...] = ()
    #: 年初预算 and 全年/调整预算.
    budget: Decimal | None = None
    adjusted: Decimal | None = None
    #: This year against last year; None when the prior year is not known.
    change: Change | None = None
    share: Share | None = None
    #: Other wholes a report may give the share of (小微 of 中小企业; of 财政拨款支出).
    other_shares: tuple[Share, ...] = ()
    #: Counts by noun (``count``, ``persons``, ``batches``, ``vehicles``, ``sets``, ``score``).
    counts: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    #: narrator's sentence keys for this subject's change and completion.
    change_key: str | None = None
    completion_key: str | None = None
    #: narrator's paragraph keys that say it, by measure (``*`` for any).
    blocks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Whether the subject has one budget only, whatever a report calls it (全年预算数).
    one_budget: bool = False
    #: False for a line (类, 款, 项) the figures do not have.
    in_figures: bool = True
    #: The figures' own 主要用于 text, and the 款 of a line (for contradictions).
    section_code: str | None = None

    @property
    def amount(self) -> Decimal | None:
        return self.amounts[0] if self.amounts else None

    def completion(self, budget: Decimal | None = None) -> Completion | None:
        """The amount against the budget (the initial budget unless another is given)."""
        base = self.budget if budget is None else budget
        if base is None or self.amount is None:
            return None
        return completion(self.amount, base)


def _first(*values: Decimal | None) -> Decimal | None:
    """The first value given (年初预算, else 全年预算)."""
    return next((value for value in values if value is not None), None)


def _d(value: int | Decimal | None) -> tuple[Decimal, ...]:
    return () if value is None else (Decimal(value),)


class Expectations:
    """Facets of every subject a report about these figures may name."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.figures: Figures = report.figures
        self.decisions: Decisions = report.facts.decisions
        f = self.figures
        #: Whether last year's figures are known (given, or the unit is new this year).
        self.prior_known = f.prior_year is not None or f.unit.new_this_year
        self.facets: dict[str, Facet] = {}
        self._build()

    def get(self, subject: str | None) -> Facet | None:
        return self.facets.get(subject) if subject else None

    def _add(self, facet: Facet) -> None:
        self.facets[facet.subject] = facet

    def _sentence_change(self, key: str) -> Change | None:
        if not self.prior_known:
            return None
        for sentence in self.report.facts.sentences:
            if sentence.key == key and isinstance(sentence.value, Change):
                return sentence.value
        return None

    def _build(self) -> None:
        f = self.figures
        inc, exp = f.income, f.expenditure
        self._add(
            Facet(
                "totals",
                "income.grand_total",
                _d(inc.grand_total) + _d(exp.grand_total),
                change=self._sentence_change("totals.change"),
                change_key="totals.change",
                blocks={"*": ("totals.body",)},
            )
        )
        self._add(
            Facet(
                "fiscal_totals",
                "fiscal.grand_total",
                _d(f.fiscal.grand_total),
                change=self._sentence_change("fiscal_totals.change"),
                change_key="fiscal_totals.change",
                blocks={"*": ("fiscal_totals.body",)},
            )
        )
        income_blocks = {"*": ("income.body",)}
        self._add(Facet("income.total", "income.total", _d(inc.total), blocks=income_blocks))
        self._add(
            Facet(
                "fiscal.expenditure",
                "fiscal.expenditure",
                _d(f.fiscal.expenditure),
                blocks={"*": ("fiscal_totals.body",)},
            )
        )
        names = {"fiscal": "income.fiscal.total"}
        sources = self.decisions.income.sources
        also = _list_shares([line.amount for line in sources], inc.total)
        for line, rounded in zip(sources, also, strict=True):
            key = line.key
            subject = "income.fiscal" if key == "fiscal" else f"income.{key}"
            self._add(
                Facet(
                    subject,
                    names.get(key, f"income.{key}"),
                    _d(line.amount),
                    share=Share(line.amount, inc.total, line.share, rounded),
                    other_shares=(Share(line.amount, inc.grand_total),),
                    blocks=income_blocks,
                )
            )
        fund_summary = ("fund_budget.summary", "income.body")
        capital_summary = ("state_capital_budget.summary", "income.body")
        for key, summary in (
            ("general", ("income.body",)),
            ("fund", fund_summary),
            ("state_capital", capital_summary),
        ):
            amount = getattr(inc.fiscal, key)
            self._add(
                Facet(
                    f"income.fiscal.{key}",
                    f"income.fiscal.{key}",
                    _d(amount),
                    share=Share(amount, inc.total),
                    blocks={"*": ("income.body", *summary)},
                )
            )
        for key in ("non_fiscal_balance_used", "carried_forward"):
            self._add(
                Facet(f"income.{key}", f"income.{key}", _d(getattr(inc, key)), blocks=income_blocks)
            )
        self._add(
            Facet(
                "expenditure.total",
                "expenditure.total",
                _d(exp.total),
                blocks={"*": ("expenditure.body",)},
            )
        )
        types = self.decisions.expenditure.types
        also = _list_shares([line.amount for line in types], exp.total)
        for line, rounded in zip(types, also, strict=True):
            key = line.key
            self._add(
                Facet(
                    f"expenditure.{key}",
                    f"expenditure.{key}",
                    _d(line.amount),
                    share=Share(line.amount, exp.total, line.share, rounded),
                    other_shares=(Share(line.amount, exp.grand_total),),
                    blocks={"*": ("expenditure.body",)},
                )
            )
        for key in ("carried_over", "balance_distribution"):
            self._add(
                Facet(
                    f"expenditure.{key}",
                    f"expenditure.{key}",
                    _d(getattr(exp, key)),
                    blocks={"*": ("expenditure.body",)},
                )
            )
        for budget in ("general_budget", "fund_budget", "state_capital_budget"):
            self._budget(budget)
        self._basic()
        self._three_public()
        self._other()
        self._performance()

    # -- budgets, classes and lines ------------------------------------------------------

    def _budget(self, name: str) -> None:
        f = self.figures
        budget: BudgetExpenditure | None = getattr(f, name, None)
        values: BudgetDecision | None = getattr(self.decisions, name)
        total = budget.total if budget else Decimal(0)
        summary = f"{name}.summary"
        self._add(
            Facet(
                name,
                f"{name}.total",
                _d(total),
                # A unit set up during the year has only 全年预算: its one budget.
                budget=_first(budget.initial_budget, budget.adjusted_budget)
                if budget
                else Decimal(0),
                adjusted=budget.adjusted_budget if budget else None,
                one_budget=budget is not None and budget.initial_budget is None,
                change=self._sentence_change(f"{name}.change"),
                share=Share(total, f.expenditure.total),
                other_shares=(Share(total, f.fiscal.expenditure),),
                change_key=f"{name}.change",
                completion_key=f"{name}.completion",
                blocks={
                    "change": (f"{name}.overall", summary),
                    "share": (f"{name}.overall", summary),
                    "budget": (f"{name}.detail", summary),
                    "completion": (f"{name}.detail", summary),
                    "final": (f"{name}.detail", summary),
                    "*": (f"{name}.structure", f"{name}.overall", summary),
                },
                in_figures=budget is not None,
            )
        )
        for part in ("basic", "project"):
            amount = getattr(budget, part, None) if budget else None
            if name == "general_budget" and part == "basic" and amount is None:
                amount = f.basic.total
            if amount is not None:
                self._add(
                    Facet(
                        f"{name}.{part}",
                        f"{name}.{part}",
                        _d(amount),
                        share=Share(amount, total),
                        blocks={"*": (f"{name}.overall", summary)},
                    )
                )
        listed = {c.code: c for c in values.classes} if values else {}
        class_also = dict(
            zip(listed, _list_shares([c.amount for c in listed.values()], total), strict=True)
        )
        given = {c.code: c for c in budget.classes} if budget else {}
        structure = (f"{name}.structure", f"{name}.overall", summary)
        for code in {*given, *listed, *self._class_codes()}:
            amount = given[code].amount if code in given else Decimal(0)
            share = listed[code].share if code in listed else None
            self._add(
                Facet(
                    f"class:{name}:{code}",
                    f"{name}.classes[{code}]",
                    _d(amount),
                    share=Share(amount, total, share, class_also.get(code, ())),
                    blocks={"*": structure},
                    in_figures=amount != 0,
                )
            )
        budgeted = 0
        for cls in budget.classes if budget else ():
            for item in cls.items:
                key = f"{name}.items.{item.code}.completion"
                block: tuple[str, ...] = structure
                has_budget = item.initial_budget is not None or item.adjusted_budget is not None
                if has_budget:  # an item with a budget has a completion sentence of its own
                    block = (f"{name}.item[{budgeted}]",)
                    budgeted += 1
                self._add(
                    Facet(
                        f"item:{name}:{item.code}",
                        f"{name}.items[{item.code}]",
                        _d(item.amount),
                        budget=_first(item.initial_budget, item.adjusted_budget),
                        adjusted=item.adjusted_budget,
                        one_budget=item.initial_budget is None and item.adjusted_budget is not None,
                        completion_key=key if has_budget else None,
                        blocks={"*": block},
                        section_code=item.code[:5] if len(item.code) == 7 else item.code,
                    )
                )
        for code in self._line_codes():
            subject = f"absent:{name}:{code}"
            self._add(
                Facet(
                    subject,
                    f"{name}.items[{code}]",
                    (Decimal(0),),
                    budget=Decimal(0),
                    blocks={"*": structure},
                    in_figures=False,
                )
            )

    def _class_codes(self) -> Iterable[str]:
        return [c for c, e in self.report.bank.codes.items() if e.get("level") == "类"]

    def _line_codes(self) -> Iterable[str]:
        return [c for c, e in self.report.bank.codes.items() if e.get("level") in ("款", "项")]

    def _basic(self) -> None:
        f = self.figures
        blocks = {"*": ("basic.intro", "basic.body")}
        self._add(
            Facet(
                "basic.total",
                "basic.total",
                _d(f.basic.total) + _d(f.general_budget.basic),
                blocks=blocks,
            )
        )
        self._add(
            Facet(
                "basic.personnel",
                "basic.personnel.amount",
                _d(f.basic.personnel.amount),
                blocks={"*": ("basic.personnel", "basic.body")},
            )
        )
        self._add(
            Facet(
                "basic.public",
                "basic.public.amount",
                _d(f.basic.public.amount),
                blocks={"*": ("basic.public", "basic.body")},
            )
        )

    # -- "三公" ------------------------------------------------------------------------------

    def _three_public(self) -> None:
        f = self.figures
        tp = f.three_public
        new = f.unit.new_this_year
        prior = f.prior_year.three_public if f.prior_year else None
        known = prior is not None or new
        zero = Decimal(0)
        self._add(
            Facet(
                "three_public",
                "three_public.amount",
                _d(tp.amount),
                budget=tp.budget,
                change=change(tp.amount, prior.total if prior else zero) if known else None,
                change_key="three_public.change",
                completion_key="three_public.completion",
                blocks={
                    "change": ("three_public.versus_prior", "three_public.overall"),
                    "*": ("three_public.overall", "three_public.detail"),
                },
            )
        )
        names = ("overseas", "vehicles", "reception")
        part_also = dict(
            zip(names, _list_shares([getattr(tp, n).amount for n in names], tp.amount), strict=True)
        )
        part_blocks = {
            "overseas": ("three_public.overseas",),
            "vehicles": ("three_public.vehicles",),
            "reception": ("three_public.reception",),
        }
        for name in ("overseas", "vehicles", "reception"):
            part = getattr(tp, name)
            counts: dict[str, tuple[Decimal, ...]] = {}
            if name == "overseas":
                counts = {"count": _d(tp.overseas.groups), "persons": _d(tp.overseas.person_trips)}
            elif name == "vehicles":
                counts = {"vehicles": _d(tp.vehicles.purchased) + _d(tp.vehicles.fleet)}
            else:
                counts = {
                    "batches": _d(tp.reception.batches),
                    "persons": _d(tp.reception.persons),
                }
            self._add(
                Facet(
                    f"three_public.{name}",
                    f"three_public.{name}.amount",
                    _d(part.amount),
                    budget=part.budget,
                    change=change(part.amount, getattr(prior, name) if prior else zero)
                    if known
                    else None,
                    share=Share(
                        part.amount,
                        tp.amount,
                        self.decisions.three_public.parts[name].share,
                        part_also[name],
                    ),
                    counts=counts,
                    change_key=f"three_public.{name}.change",
                    completion_key=f"three_public.{name}.completion",
                    blocks={
                        "change": ("three_public.detail", "three_public.versus_prior"),
                        "share": ("three_public.detail",),
                        "*": (*part_blocks[name], "three_public.overall", "three_public.detail"),
                    },
                )
            )
        vehicles = tp.vehicles
        self._add(
            Facet(
                "three_public.vehicles.purchase",
                "three_public.vehicles.purchase",
                _d(vehicles.purchase),
                counts={"vehicles": _d(vehicles.purchased)},
                blocks={"*": ("three_public.vehicle_purchase",)},
            )
        )
        self._add(
            Facet(
                "three_public.vehicles.operation",
                "three_public.vehicles.operation",
                _d(vehicles.operation),
                counts={"vehicles": _d(vehicles.fleet)},
                blocks={"*": ("three_public.vehicle_operation",)},
            )
        )
        self._add(
            Facet(
                "three_public.vehicles.fleet",
                "three_public.vehicles.fleet",
                counts={"vehicles": _d(vehicles.fleet)},
                blocks={"*": ("three_public.vehicle_operation",)},
            )
        )
        reception = tp.reception
        blocks = {
            "*": (
                "three_public.reception",
                "three_public.reception_foreign",
                "three_public.reception_domestic",
            )
        }
        for key, part in (("foreign", reception.foreign), ("domestic", reception.domestic)):
            if part is None:
                continue
            self._add(
                Facet(
                    f"three_public.reception.{key}",
                    f"three_public.reception.{key}.amount",
                    _d(part.amount),
                    counts={"batches": _d(part.batches), "persons": _d(part.persons)},
                    blocks=blocks,
                )
            )
        domestic = reception.domestic
        self._add(
            Facet(
                "three_public.reception.domestic_or_total",
                "three_public.reception.amount",
                _d(reception.amount) + (_d(domestic.amount) if domestic else ()),
                counts={
                    "batches": _d(reception.batches) + (_d(domestic.batches) if domestic else ()),
                    "persons": _d(reception.persons) + (_d(domestic.persons) if domestic else ()),
                },
                blocks=blocks,
            )
        )

    # -- 其他重要事项 --------------------------------------------------------------------------

    def _other(self) -> None:
        f = self.figures
        oc = f.operating_costs
        if oc is not None:
            prior = f.prior_year.operating_costs if f.prior_year else None
            known = prior is not None or f.unit.new_this_year
            self._add(
                Facet(
                    "operating_costs",
                    "operating_costs.amount",
                    _d(oc.amount),
                    budget=oc.budget,
                    change=change(oc.amount, prior or Decimal(0)) if known else None,
                    change_key="operating_costs.change",
                    completion_key="operating_costs.vs_budget",
                    blocks={"*": ("other.operating",)},
                )
            )
        pr = f.procurement
        if pr is not None:
            blocks = {"*": ("other.procurement",)}
            for key in ("total", "goods", "works", "services"):
                self._add(
                    Facet(
                        f"procurement.{key}",
                        f"procurement.{key}",
                        _d(getattr(pr, key)),
                        blocks=blocks,
                    )
                )
            for key in ("sme", "small_micro"):
                amount = getattr(pr, key)
                self._add(
                    Facet(
                        f"procurement.{key}",
                        f"procurement.{key}",
                        _d(amount),
                        share=Share(amount, pr.total),
                        other_shares=(Share(amount, pr.sme),) if key == "small_micro" else (),
                        blocks=blocks,
                    )
                )
            if pr.reserved is not None:
                for key in type(pr.reserved).model_fields:
                    self._add(
                        Facet(
                            f"procurement.reserved.{key}",
                            f"procurement.reserved.{key}",
                            _d(getattr(pr.reserved, key)),
                            blocks={"*": ("other.reserved",)},
                        )
                    )
        assets = f.assets
        if assets is not None:
            blocks = {"*": ("other.assets",)}
            self._add(
                Facet(
                    "assets.total_vehicles",
                    "assets.total_vehicles",
                    counts={"vehicles": _d(assets.total_vehicles)},
                    blocks=blocks,
                )
            )
            for key in type(assets.vehicles).model_fields:
                if key == "other_use":
                    continue
                self._add(
                    Facet(
                        f"assets.vehicles.{key}",
                        f"assets.vehicles.{key}",
                        counts={"vehicles": _d(getattr(assets.vehicles, key))},
                        blocks=blocks,
                    )
                )
            one_million = (
                assets.equipment_1m if assets.equipment_1m is not None else assets.special_equipment
            )
            for key, count in (
                ("general_equipment", assets.general_equipment),
                ("special_equipment", assets.special_equipment),
                ("equipment_1m", one_million),
            ):
                self._add(
                    Facet(
                        f"assets.{key}",
                        f"assets.{key}",
                        counts={"sets": _d(count)},
                        blocks=blocks,
                    )
                )

    # -- performance ---------------------------------------------------------------------

    def _performance(self) -> None:
        f = self.figures
        perf = f.performance
        if perf is not None:
            decided = self.decisions.performance
            base = decided.base if decided is not None else None
            coverage = {"*": ("performance.coverage",)}
            self._add(
                Facet(
                    "performance.level1",
                    "performance.level1_projects",
                    counts={"count": _d(perf.level1_projects)},
                    blocks=coverage,
                )
            )
            self._add(
                Facet(
                    "performance.level2",
                    "performance.level2_projects",
                    counts={"count": _d(perf.level2_projects)},
                    blocks=coverage,
                )
            )
            self._add(
                Facet(
                    "performance.evaluated",
                    "performance.evaluated_amount",
                    _d(perf.evaluated_amount),
                    share=Share(perf.evaluated_amount, base) if base is not None else None,
                    blocks=coverage,
                )
            )
            departmental = {"*": ("performance.departmental",)}
            self._add(
                Facet(
                    "performance.departmental_general",
                    "performance.departmental_general",
                    _d(perf.departmental_general),
                    blocks=departmental,
                )
            )
            self._add(
                Facet(
                    "performance.departmental_fund",
                    "performance.departmental_fund",
                    _d(perf.departmental_fund),
                    blocks=departmental,
                )
            )
            for index, project in enumerate(perf.self_evaluations):
                self._add(
                    Facet(
                        f"project:{index}",
                        f"performance.self_evaluations[{index}]",
                        _d(project.executed),
                        budget=project.budget,
                        counts={"score": _d(project.score)},
                        one_budget=True,
                        blocks={"*": (f"performance.project[{index}]",)},
                    )
                )
        pm = f.performance_management
        if pm is not None:
            blocks = {"*": ("performance_management.body",)}
            for key in ("with_targets", "tracked", "self_evaluated"):
                covered = getattr(pm, key)
                if covered is None:
                    continue
                counts = {"count": _d(covered.projects)}
                if key == "self_evaluated" and covered.average_score is not None:
                    counts["score"] = _d(covered.average_score)
                self._add(
                    Facet(
                        f"pm.{key}",
                        f"performance_management.{key}",
                        _d(covered.amount),
                        budget=covered.amount,  # 涉及预算金额
                        counts=counts,
                        blocks=blocks,
                        one_budget=True,
                    )
                )
            evaluated = pm.self_evaluated
            if evaluated is not None:
                ratings = evaluated.ratings
                for key in ("excellent", "good", "passed", "failed"):
                    if ratings is not None:
                        self._add(
                            Facet(
                                f"pm.{key}",
                                f"performance_management.self_evaluated.ratings.{key}",
                                counts={"count": _d(getattr(ratings, key))},
                                blocks=blocks,
                            )
                        )
                for key in ("problems_found", "problems_fixed", "problems_fixing"):
                    self._add(
                        Facet(
                            f"pm.{key}",
                            f"performance_management.self_evaluated.{key}",
                            counts={"count": _d(getattr(evaluated, key))},
                            blocks=blocks,
                        )
                    )


__all__ = ["Expectations", "Facet", "Share", "exact_percent"]
