"""Plausibility: figures that each may be right but cannot all be.

Codes
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
"""

from __future__ import annotations

from collections.abc import Iterator

from narrator.checks.core import CheckContext, Diagnostic, above, amount_text, check
from narrator.derive import Change, percent


@check({"sme-above-total": "error", "small-micro-above-sme": "error"})
def _procurement_awards(ctx: CheckContext) -> Iterator[Diagnostic]:
    pr = ctx.figures.procurement
    if pr is None:
        return
    for diagnostic in above(
        ctx,
        "sme-above-total",
        ("sme", "procurement.sme", pr.sme),
        ("total", "procurement.total", pr.total),
    ):
        share = percent(pr.sme, pr.total)
        extra = {} if share is None else {"share": f"{share:f}"}
        yield ctx.diagnostic(diagnostic.code, diagnostic.paths, {**diagnostic.values, **extra})
    yield from above(
        ctx,
        "small-micro-above-sme",
        ("small_micro", "procurement.small_micro", pr.small_micro),
        ("sme", "procurement.sme", pr.sme),
    )


@check({"fiscal-above-income": "error", "fiscal-above-expenditure": "error"})
def _fiscal_shares(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    yield from above(
        ctx,
        "fiscal-above-income",
        ("fiscal", "income.fiscal.total", f.income.fiscal.total),
        ("income", "income.total", f.income.total),
    )
    yield from above(
        ctx,
        "fiscal-above-expenditure",
        ("fiscal", "fiscal.expenditure", f.fiscal.expenditure),
        ("expenditure", "expenditure.total", f.expenditure.total),
    )


@check({"evaluated-base": "warning", "evaluated-above-project": "warning"})
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
    yield from above(
        ctx,
        "evaluated-above-project",
        ("evaluated", "performance.evaluated_amount", perf.evaluated_amount),
        project,
    )


@check({"vehicles-purchased-above-fleet": "warning"})
def _vehicle_counts(ctx: CheckContext) -> Iterator[Diagnostic]:
    vehicles = ctx.figures.three_public.vehicles
    if vehicles.purchased > vehicles.fleet:
        yield ctx.diagnostic(
            "vehicles-purchased-above-fleet",
            ("three_public.vehicles.purchased", "three_public.vehicles.fleet"),
            {"purchased": str(vehicles.purchased), "fleet": str(vehicles.fleet)},
        )


@check({"completion-without-budget": "info"})
def _zerobudgets(ctx: CheckContext) -> Iterator[Diagnostic]:
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
