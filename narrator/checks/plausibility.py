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
    ``completion-over-zero``          (error) a printed sentence that states a completion
                                      rate compares spending with a zero budget: no rate
                                      exists (the report words it instead); the budget is
                                      wrong, or the sentence should compare with 全年预算
    ``completion-without-budget``     (info) a printed sentence compares spending with a zero
                                      budget but states no rate
    ``reserved-counted-again``        (error) the SME awards of reserved and of other
                                      procurement add up to more than all SME awards (or than
                                      all procurement): the reserved amount was counted again
                                      as "other projects"
    ``sme-awards-sum``                (error) the SME awards of reserved and of other
                                      procurement add up to less than all SME awards
"""

from __future__ import annotations

from collections.abc import Iterator

from narrator.checks.core import (
    CheckContext,
    Diagnostic,
    Part,
    above,
    amount_text,
    check,
    sum_identity,
)
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


@check({"completion-over-zero": "error", "completion-without-budget": "info"})
def _zerobudgets(ctx: CheckContext) -> Iterator[Diagnostic]:
    for sentence in ctx.facts.sentences:
        value = sentence.value
        if sentence.kind != "completion" or value.state != "no_budget":
            continue
        if ctx.said is not None and sentence.key not in ctx.said:
            continue  # the report does not print it
        assert not isinstance(value, Change)
        yield ctx.diagnostic(
            "completion-over-zero" if sentence.rate_shown else "completion-without-budget",
            tuple(sentence.inputs),
            {
                "sentence": sentence.key,
                "final": amount_text(value.final),
                "budget": amount_text(value.budget),
            },
        )


@check({"reserved-counted-again": "error", "sme-awards-sum": "error"}, rounding=True)
def _reserved_awards(ctx: CheckContext) -> Iterator[Diagnostic]:
    pr = ctx.figures.procurement
    if pr is None or pr.reserved is None:
        return
    reserved = pr.reserved
    awarded = reserved.sme_awarded + reserved.sme_awarded_other
    # All SME awards when the figures give them, else all procurement (which they cannot pass).
    if "sme" in pr.model_fields_set:
        subject, whole = "sme-awards", ("procurement.sme", pr.sme)
    else:
        subject, whole = "sme-awards-total", ("procurement.total", pr.total)
    parts: list[Part] = [
        ("sme_awarded", "procurement.reserved.sme_awarded", reserved.sme_awarded),
        ("sme_awarded_other", "procurement.reserved.sme_awarded_other", reserved.sme_awarded_other),
    ]
    for found in sum_identity(ctx, "sme-awards-sum", subject, whole, parts):
        if found.code == "rounding":
            yield found
        elif awarded > whole[1]:  # the "other projects" amount holds the reserved one again
            paths = (parts[1][1], parts[0][1], whole[0])
            yield ctx.diagnostic("reserved-counted-again", paths, found.values)
        elif subject == "sme-awards":  # less than all procurement is no contradiction
            yield found
