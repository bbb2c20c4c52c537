"""Decisions: every derived number and every reason, once, for both languages.

:func:`decide` turns figures into :class:`Facts`: the derived values the
templates print and the :class:`Sentence` objects whose reasons the rules
chose. Both languages render from the same Facts, so they cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from narrator import figures as figures_model
from narrator.derive import Change, Completion, change, completion, percent, shares
from narrator.figures import Figures, Item, Text
from narrator.phrasebank import Phrasebank
from narrator.rules import USER_REASON, ReasonSource
from narrator.sandbox import expose
from narrator.style import STYLE_OPTIONS, StyleOptionError, resolve_style

__all__ = [
    "STYLE_OPTIONS",
    "Facts",
    "Reason",
    "Sentence",
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


@dataclass(frozen=True)
class Sentence:
    """A change or budget-completion sentence with its decided reason."""

    key: str
    section: str
    kind: Kind
    phrase: str
    value: Change | Completion
    subject: str
    inputs: Mapping[str, str]
    reason: Reason
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Computation:
    """A paragraph that prints computed numbers (shares, coverage) but carries no reason."""

    key: str
    section: str
    phrase: str
    inputs: Mapping[str, str]


@dataclass(frozen=True)
class UnitFacts:
    """The unit facts rule conditions may read as ``unit.*``."""

    new: bool
    established_year: int | None
    cause: str | None
    supplementary_month: int | None
    prior_given: bool


@dataclass
class Facts:
    """Everything the templates print, language-neutral."""

    figures: Figures
    style: Mapping[str, str]
    values: dict[str, Any]
    sentences: list[Sentence]
    computations: list[Computation] = field(default_factory=list)

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
    Sentence,
    Reason,
    Computation,
    UnitFacts,
)


def _fmt(value: Any) -> str:
    return "" if value is None else str(value)


class _Decider:
    def __init__(self, figures: Figures, bank: Phrasebank, style: Mapping[str, str]) -> None:
        self.f = figures
        self.bank = bank
        self.style = style
        self.sentences: list[Sentence] = []
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

    def _reason(self, key: str, kind: Kind, value: Change | Completion) -> Reason:
        given = self.f.reasons.get(key)
        if given is not None:
            return Reason("user", text=given, inputs={f"reasons.{key}": given.zh})
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
        }
        if isinstance(value, Change):
            context.update(current=value.current, prior=value.prior)
        else:
            context.update(budget=value.budget, final=value.final)
        rule = self.bank.rules.first_match(key, kind, context)
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

    def say(
        self,
        key: str,
        section: str,
        kind: Kind,
        value: Change | Completion,
        subject: str,
        inputs: Mapping[str, Any],
        phrase: str | None = None,
        **params: Any,
    ) -> Sentence:
        derived = {
            "derived.state": value.state,
            "derived.difference": value.difference,
            "derived.rate": value.rate,
        }
        sentence = Sentence(
            key=key,
            section=section,
            kind=kind,
            phrase=phrase or key,
            value=value,
            subject=subject,
            inputs={name: _fmt(v) for name, v in {**inputs, **derived}.items()},
            reason=self._reason(key, kind, value),
            params=params,
        )
        self.sentences.append(sentence)
        return sentence

    def computed(self, key: str, section: str, phrase: str, inputs: Mapping[str, Any]) -> None:
        self.computations.append(
            Computation(key, section, phrase, {name: _fmt(v) for name, v in inputs.items()})
        )

    def _shares_computed(
        self,
        key: str,
        section: str,
        phrase: str,
        lines: Sequence[Mapping[str, Any]],
        path: str,
        whole_path: str,
        whole: Decimal,
    ) -> None:
        inputs: dict[str, Any] = {whole_path: whole}
        for line in lines:
            name = line.get("key") or line.get("code")
            inputs[f"{path}.{name}"] = line["amount"]
            inputs[f"derived.share.{name}"] = line["share"]
        self.computed(key, section, phrase, inputs)

    def prior(self, name: str) -> Decimal:
        prior = self.f.prior_year
        value = getattr(prior, name) if prior is not None else None
        return value if value is not None else Decimal(0)

    # -- the sections -------------------------------------------------------

    def decide(self) -> dict[str, Any]:
        f = self.f
        values: dict[str, Any] = {}
        prior_given = f.prior_year is not None
        note = "" if prior_given else " (no prior-year figures)"

        values["totals"] = {
            "grand_total": f.income.grand_total,
            "change": self.say(
                "totals.change",
                "totals",
                "change",
                change(f.income.grand_total, self.prior("grand_total")),
                "unit_finances",
                {
                    "income.grand_total": f.income.grand_total,
                    "prior_year.grand_total" + note: self.prior("grand_total"),
                },
            ),
        }

        income_parts = [
            ("fiscal", f.income.fiscal.total),
            ("higher_level_grants", f.income.higher_level_grants),
            ("operations", f.income.operations),
            ("business", f.income.business),
            ("from_subsidiaries", f.income.from_subsidiaries),
            ("other", f.income.other),
        ]
        values["income"] = {
            "total": f.income.total,
            "fiscal": f.income.fiscal,
            "sources": _shared(income_parts, f.income.total),
        }
        expenditure_parts = [
            ("basic", f.expenditure.basic),
            ("project", f.expenditure.project),
            ("to_higher_level", f.expenditure.to_higher_level),
            ("business", f.expenditure.business),
            ("to_subsidiaries", f.expenditure.to_subsidiaries),
        ]
        values["expenditure"] = {
            "total": f.expenditure.total,
            "types": _shared(expenditure_parts, f.expenditure.total),
        }
        self._shares_computed(
            "income.shares",
            "income",
            "income.body",
            values["income"]["sources"],
            "income",
            "income.total",
            f.income.total,
        )
        self._shares_computed(
            "expenditure.shares",
            "expenditure",
            "expenditure.body",
            values["expenditure"]["types"],
            "expenditure",
            "expenditure.total",
            f.expenditure.total,
        )

        values["fiscal_totals"] = {
            "grand_total": f.fiscal.grand_total,
            "change": self.say(
                "fiscal_totals.change",
                "fiscal_totals",
                "change",
                change(f.fiscal.grand_total, self.prior("fiscal_grand_total")),
                "unit_finances",
                {
                    "fiscal.grand_total": f.fiscal.grand_total,
                    "prior_year.fiscal_grand_total" + note: self.prior("fiscal_grand_total"),
                },
            ),
        }

        # The reports explain a new unit's general-budget change by its finances as a whole.
        values["general_budget"] = self._budget(
            "general_budget", "general", "general_expenditure", "unit_finances"
        )
        values["fund_budget"] = self._budget(
            "fund_budget", "fund", "fund_expenditure", "fund_expenditure"
        )
        values["state_capital_budget"] = (
            self._budget(
                "state_capital_budget",
                "state_capital",
                "state_capital_expenditure",
                "state_capital_expenditure",
            )
            if f.state_capital_budget is not None
            else None
        )
        values["basic"] = f.basic
        values["three_public"] = self._three_public()
        values["performance"] = self._performance()
        values["operating_costs"] = self._operating_costs()
        values["procurement"] = self._procurement()
        values["glossary_items"] = self._glossary_items()
        return values

    def _budget(self, section: str, which: str, prior_name: str, subject: str) -> dict[str, Any]:
        budget = getattr(self.f, section)
        prior = self.prior(prior_name)
        given = {c.code: c for c in budget.classes}
        listed = list(self.bank.class_list(which))
        if self.style["list_zero_lines"] == "yes":
            codes = listed + [code for code in given if code not in listed]
        else:
            codes = [code for code in listed if code in given and given[code].amount != 0]
            codes += [code for code in given if code not in codes and given[code].amount != 0]
        amounts = [given[code].amount if code in given else Decimal(0) for code in codes]
        class_shares = shares(amounts, budget.total)
        classes = [
            {
                "code": code,
                "amount": amount,
                "share": class_shares[i] if class_shares else None,
                "item_list": given[code].items if code in given else (),
            }
            for i, (code, amount) in enumerate(zip(codes, amounts, strict=True))
        ]
        self._shares_computed(
            f"{section}.structure",
            section,
            f"{section}.structure",
            classes,
            f"{section}.classes",
            f"{section}.total",
            budget.total,
        )
        items = []
        for cls in budget.classes:
            for item in cls.items:
                items.append(self._item(section, cls.code, item))
        return {
            "total": budget.total,
            "initial_budget": budget.initial_budget,
            "share_of_expenditure": percent(budget.total, self.f.expenditure.total),
            "change": self.say(
                f"{section}.change",
                section,
                "change",
                change(budget.total, prior),
                subject,
                {f"{section}.total": budget.total, f"prior_year.{prior_name}": prior},
            ),
            "completion": self.say(
                f"{section}.completion",
                section,
                "completion",
                completion(budget.total, budget.initial_budget),
                subject,
                {
                    f"{section}.total": budget.total,
                    f"{section}.initial_budget": budget.initial_budget,
                },
            ),
            "classes": classes,
            "item_lines": items,
        }

    def _item(self, section: str, class_code: str, item: Item) -> dict[str, Any]:
        entry: dict[str, Any] = {"class_code": class_code, "item": item, "completion": None}
        if item.initial_budget is not None:
            key = f"{section}.items.{item.code}.completion"
            entry["completion"] = self.say(
                key,
                section,
                "completion",
                completion(item.amount, item.initial_budget),
                "item",
                {
                    f"{section}.items[{item.code}].amount": item.amount,
                    f"{section}.items[{item.code}].initial_budget": item.initial_budget,
                },
                phrase=f"{section}.item_completion",
                item=item,
                class_code=class_code,
            )
            if item.reason is not None and key not in self.f.reasons:
                # A reason written on the item itself is the user's reason for that sentence.
                sentence = self.sentences.pop()
                reason = Reason(
                    "user",
                    text=item.reason,
                    inputs={f"{section}.items[{item.code}].reason": item.reason.zh},
                )
                entry["completion"] = Sentence(**{**sentence.__dict__, "reason": reason})
                self.sentences.append(entry["completion"])
        return entry

    def _three_public(self) -> dict[str, Any]:
        tp = self.f.three_public
        prior = self.f.prior_year.three_public if self.f.prior_year else None
        names = ("overseas", "vehicles", "reception")
        part_shares = shares([getattr(tp, n).amount for n in names], tp.amount)
        parts = {}
        for i, name in enumerate(names):
            part = getattr(tp, name)
            prior_amount = getattr(prior, name) if prior else Decimal(0)
            parts[name] = {
                "figures": part,
                "share": part_shares[i] if part_shares else None,
                "change": self.say(
                    f"three_public.{name}.change",
                    "three_public",
                    "change",
                    change(part.amount, prior_amount),
                    f"three_public_{name}",
                    {
                        f"three_public.{name}.amount": part.amount,
                        f"prior_year.three_public.{name}": prior_amount,
                    },
                    phrase="three_public.part_change",
                    part=name,
                ),
                "completion": self.say(
                    f"three_public.{name}.completion",
                    "three_public",
                    "completion",
                    completion(part.amount, part.budget),
                    f"three_public_{name}",
                    {
                        f"three_public.{name}.amount": part.amount,
                        f"three_public.{name}.budget": part.budget,
                    },
                    phrase=f"three_public.{name}_completion",
                    part=name,
                ),
            }
        prior_total = prior.total if prior else Decimal(0)
        return {
            "figures": tp,
            "parts": parts,
            "completion": self.say(
                "three_public.completion",
                "three_public",
                "completion",
                completion(tp.amount, tp.budget),
                "three_public",
                {"three_public.amount": tp.amount, "three_public.budget": tp.budget},
            ),
            "change": self.say(
                "three_public.change",
                "three_public",
                "change",
                change(tp.amount, prior_total),
                "three_public",
                {"three_public.amount": tp.amount, "prior_year.three_public.total": prior_total},
            ),
        }

    def _performance(self) -> dict[str, Any] | None:
        perf = self.f.performance
        if perf is None:
            return None
        base = perf.evaluated_base
        if base is None:
            base = self.f.general_budget.project
        if base is None:
            base = self.f.expenditure.project
        coverage = percent(perf.evaluated_amount, base)
        self.computed(
            "performance.coverage",
            "performance",
            "performance.coverage",
            {
                "performance.evaluated_amount": perf.evaluated_amount,
                "performance.evaluated_base (or project expenditure)": base,
                "derived.coverage": coverage,
            },
        )
        return {
            "figures": perf,
            "base": base,
            "coverage": coverage if coverage is not None and coverage <= 100 else None,
            "projects": [
                {"figures": p, "completion": percent(p.executed, p.budget)}
                for p in perf.self_evaluations
            ],
        }

    def _operating_costs(self) -> dict[str, Any] | None:
        oc = self.f.operating_costs
        if oc is None:
            return None
        values: dict[str, Any] = {"figures": oc, "vs_budget": None, "change": None}
        if oc.budget is not None:
            values["vs_budget"] = self.say(
                "operating_costs.vs_budget",
                "operating_costs",
                "completion",
                completion(oc.amount, oc.budget),
                "operating_costs",
                {"operating_costs.amount": oc.amount, "operating_costs.budget": oc.budget},
            )
        prior = self.f.prior_year.operating_costs if self.f.prior_year else None
        if prior is not None or self.unit.new:
            prior_amount = prior if prior is not None else Decimal(0)
            values["change"] = self.say(
                "operating_costs.change",
                "operating_costs",
                "change",
                change(oc.amount, prior_amount),
                "operating_costs",
                {"operating_costs.amount": oc.amount, "prior_year.operating_costs": prior_amount},
            )
        return values

    def _procurement(self) -> dict[str, Any] | None:
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
        return {
            "figures": pr,
            "sme_share": share(pr.sme),
            "small_micro_share": share(pr.small_micro),
            "sme_contradicted": pr.sme > pr.total,
            "small_micro_contradicted": pr.small_micro > pr.total or pr.small_micro > pr.sme,
        }

    def _glossary_items(self) -> list[str]:
        codes: list[str] = []
        budgets = (self.f.general_budget, self.f.fund_budget, self.f.state_capital_budget)
        for budget in budgets:
            for cls in budget.classes if budget is not None else ():
                for item in cls.items:
                    if len(item.code) == 7 and item.code not in codes:
                        codes.append(item.code)
        return codes


def _shared(parts: Sequence[tuple[str, Decimal]], whole: Decimal) -> list[dict[str, Any]]:
    values = shares([amount for _, amount in parts], whole)
    return [
        {"key": key, "amount": amount, "share": values[i] if values else None}
        for i, (key, amount) in enumerate(parts)
    ]


def decide(figures: Figures, bank: Phrasebank, style: Mapping[str, str]) -> Facts:
    """Derive every number and decide every reason for ``figures``."""
    decider = _Decider(figures, bank, style)
    values = decider.decide()
    return Facts(
        figures=figures,
        style=style,
        values=values,
        sentences=decider.sentences,
        computations=decider.computations,
    )
