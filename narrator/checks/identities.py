"""Table identities: every total equals its parts (``error``; within rounding, ``rounding``).

Codes
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
    ``classes-sum``                   functional classes = budget total (each budget)
    ``items-sum``                     listed 款/项 items = their class; listed 项 = their 款
    ``budget-basic-project``          budget basic + project = budget total, when both given
    ``item-budgets-sum``              the 款/项 items' 年初预算 (and 全年预算) = the budget's,
                                      when every class lists items that all give that budget
    ``basic-total``                   基本支出表 total = general_budget.basic (exact)
    ``basic-parts``                   基本支出 = 人员经费 + 公用经费
    ``three-public-total``            "三公" expenditure = its three parts
    ``three-public-budget``           "三公" budget = its three parts' budgets
    ``vehicles-parts``                公务用车 = 购置 + 运行维护, when either part is given
    ``reception-parts``               公务接待 = 外事 + 国内, when either is given
    ``reception-counts``              batches and persons of 外事 + 国内 = the totals (exact)
    ``procurement-total``             政府采购 = goods + works + services
    ``assets-vehicles``               vehicles by kind = total vehicles (exact), when kinds given
    ``rounding`` (info)               a sum of *n* parts differs from its total by at most *n*
                                      half-units of the figures' precision: tolerated
    ``shares-sum`` (info)             the printed shares of one whole add up to 99.99% or
                                      100.01%: each was rounded on its own (style option
                                      ``share_rounding: half_up``)
    ``shares-adjusted`` (info)        shares printed 0.01 away from their own rounding so the
                                      list adds up to 100.00% (``largest_remainder``,
                                      ``last_balances``)
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from narrator.checks.core import (
    CheckContext,
    Diagnostic,
    Part,
    amount_text,
    budgets,
    check,
    equal,
    sum_identity,
)
from narrator.derive import percent
from narrator.figures import BudgetExpenditure, Item, ThreePublic


@check(
    {"income-total": "error", "fiscal-income-total": "error", "income-grand-total": "error"},
    rounding=True,
)
def _income(ctx: CheckContext) -> Iterator[Diagnostic]:
    inc = ctx.figures.income
    yield from sum_identity(
        ctx,
        "income-total",
        "income-total",
        ("income.total", inc.total),
        [
            (key, "income.fiscal.total" if key == "fiscal" else f"income.{key}", amount)
            for key, amount in inc.parts()
        ],
    )
    yield from sum_identity(
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
    yield from sum_identity(
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


@check(
    {"expenditure-total": "error", "expenditure-grand-total": "error", "grand-totals": "error"},
    rounding=True,
)
def _expenditure(ctx: CheckContext) -> Iterator[Diagnostic]:
    exp = ctx.figures.expenditure
    yield from sum_identity(
        ctx,
        "expenditure-total",
        "expenditure-total",
        ("expenditure.total", exp.total),
        [(key, f"expenditure.{key}", amount) for key, amount in exp.parts()],
    )
    yield from sum_identity(
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
    yield from equal(
        ctx,
        "grand-totals",
        ("income", "income.grand_total", ctx.figures.income.grand_total),
        ("expenditure", "expenditure.grand_total", exp.grand_total),
    )


@check(
    {
        "fiscal-grand-total-income": "error",
        "fiscal-grand-total-expenditure": "error",
        "fiscal-expenditure": "error",
    },
    rounding=True,
)
def _fiscal_totals(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    fiscal = f.fiscal
    yield from sum_identity(
        ctx,
        "fiscal-grand-total-income",
        "fiscal-grand-total-income",
        ("fiscal.grand_total", fiscal.grand_total),
        [
            ("fiscal_income", "income.fiscal.total", f.income.fiscal.total),
            ("carried_forward", "fiscal.carried_forward", fiscal.carried_forward),
        ],
    )
    yield from sum_identity(
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
    yield from sum_identity(
        ctx,
        "fiscal-expenditure",
        "fiscal-expenditure",
        ("fiscal.expenditure", fiscal.expenditure),
        parts,
        extra if len(parts) == 2 else None,
    )


@check(
    {"classes-sum": "error", "items-sum": "error", "budget-basic-project": "error"}, rounding=True
)
def _budget_structure(ctx: CheckContext) -> Iterator[Diagnostic]:
    for section, budget in budgets(ctx.figures):
        if budget.classes:
            yield from sum_identity(
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
            # An item listed under another listed item (项 under its 款) is part of that item.
            top = _top_items(cls.items)
            if top:
                yield from sum_identity(
                    ctx,
                    "items-sum",
                    "class-items",
                    (f"{where}.amount", cls.amount),
                    [(None, f"{where}.items[{j}].amount", item.amount) for j, item in top],
                    {"class": cls.code},
                )
            under = _items_under(cls.items)
            for j, section_item in enumerate(cls.items):
                children = under.get(section_item.code, [])
                if children:
                    yield from sum_identity(
                        ctx,
                        "items-sum",
                        "section-items",
                        (f"{where}.items[{j}].amount", section_item.amount),
                        [(None, f"{where}.items[{k}].amount", item.amount) for k, item in children],
                        {"class": cls.code, "section": section_item.code},
                    )
        if budget.basic is not None and budget.project is not None:
            yield from sum_identity(
                ctx,
                "budget-basic-project",
                f"{section}.basic-project",
                (f"{section}.total", budget.total),
                [
                    ("basic", f"{section}.basic", budget.basic),
                    ("project", f"{section}.project", budget.project),
                ],
            )


# A code is a 5-digit 款 or a 7-digit 项 (the model's pattern): the only code another one
# lies under is its own first five digits. Looked up, not searched: a class may list
# tens of thousands of items.


def _parent(code: str) -> str | None:
    return code[:5] if len(code) > 5 else None


def _top_items(items: tuple[Item, ...]) -> list[tuple[int, Item]]:
    """The items not listed under another listed item (a 项 under its listed 款 is not)."""
    codes = {item.code for item in items}
    return [(j, item) for j, item in enumerate(items) if _parent(item.code) not in codes]


def _items_under(items: tuple[Item, ...]) -> dict[str, list[tuple[int, Item]]]:
    """The items listed under each code, in their order."""
    under: dict[str, list[tuple[int, Item]]] = {}
    for k, item in enumerate(items):
        parent = _parent(item.code)
        if parent is not None:
            under.setdefault(parent, []).append((k, item))
    return under


@check({"item-budgets-sum": "error"}, rounding=True)
def _item_budgets(ctx: CheckContext) -> Iterator[Diagnostic]:
    for section, budget in budgets(ctx.figures):
        for field in ("initial_budget", "adjusted_budget"):
            total = getattr(budget, field)
            if total is None or not budget.classes:
                continue
            parts: list[Part] = []
            for i, cls in enumerate(budget.classes):
                top = _top_items(cls.items)
                if not top or any(getattr(item, field) is None for _, item in top):
                    parts = []  # a class without its items' budgets: nothing to compare
                    break
                parts += [
                    (None, f"{section}.classes[{i}].items[{j}].{field}", getattr(item, field))
                    for j, item in top
                ]
            if parts:
                yield from sum_identity(
                    ctx,
                    "item-budgets-sum",
                    f"{section}.{field}",
                    (f"{section}.{field}", total),
                    parts,
                )


@check({"basic-total": "error", "basic-parts": "error"}, rounding=True)
def _basic(ctx: CheckContext) -> Iterator[Diagnostic]:
    f = ctx.figures
    if f.general_budget.basic is not None:
        yield from equal(
            ctx,
            "basic-total",
            ("basic_table", "basic.total", f.basic.total),
            ("general_budget", "general_budget.basic", f.general_budget.basic),
        )
    yield from sum_identity(
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
    {
        "three-public-total": "error",
        "three-public-budget": "error",
        "vehicles-parts": "error",
        "reception-parts": "error",
        "reception-counts": "error",
    },
    rounding=True,
)
def _three_public(ctx: CheckContext) -> Iterator[Diagnostic]:
    tp = ctx.figures.three_public
    names = ThreePublic.PARTS
    for field_name, code in (("amount", "three-public-total"), ("budget", "three-public-budget")):
        yield from sum_identity(
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
        yield from sum_identity(
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
    yield from sum_identity(
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


@check({"procurement-total": "error"}, rounding=True)
def _procurement_total(ctx: CheckContext) -> Iterator[Diagnostic]:
    pr = ctx.figures.procurement
    if pr is None:
        return
    yield from sum_identity(
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


@check({"assets-vehicles": "error"})
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


def _share_lists(
    ctx: CheckContext,
) -> Iterator[tuple[str, Decimal, list[tuple[str, Decimal, Decimal]]]]:
    """Each list of shares the decisions print: (subject, whole, [(path, amount, share)])."""
    decided = ctx.facts.decisions
    for prefix, lines, whole in (
        ("income", decided.income.sources, decided.income.total),
        ("expenditure", decided.expenditure.types, decided.expenditure.total),
    ):
        paths = {"fiscal": "income.fiscal.total"}
        yield (
            f"{prefix}.shares",
            whole,
            [
                (paths.get(line.key, f"{prefix}.{line.key}"), line.amount, line.share)
                for line in lines
                if line.share is not None
            ],
        )
    for section, figures in budgets(ctx.figures):
        budget = getattr(decided, section)
        index = {cls.code: i for i, cls in enumerate(figures.classes)}
        yield (
            f"{section}.classes",
            budget.total,
            [
                (f"{section}.classes[{index[c.code]}].amount", c.amount, c.share)
                for c in budget.classes
                if c.share is not None and c.code in index
            ],
        )
    parts = decided.three_public.parts
    yield (
        "three-public-total",
        decided.three_public.figures.amount,
        [
            (f"three_public.{name}.amount", part.figures.amount, part.share)
            for name, part in parts.items()
            if part.share is not None
        ],
    )


@check({"shares-sum": "info", "shares-adjusted": "info"})
def _share_rounding(ctx: CheckContext) -> Iterator[Diagnostic]:
    method = ctx.facts.style["share_rounding"]
    for subject, whole, lines in _share_lists(ctx):
        parts = sum((amount for _, amount, _ in lines), Decimal(0))
        if not lines or whole == 0 or percent(parts, whole) != 100:
            continue  # a zero whole prints no shares; parts off their whole are errors already
        printed = sum((share for _, _, share in lines), Decimal(0))
        adjusted = [path for path, amount, share in lines if share != percent(amount, whole)]
        values = {"subject": subject, "method": method, "sum": f"{printed:f}"}
        if printed != 100:
            yield ctx.diagnostic("shares-sum", [p for p, amount, _ in lines if amount], values)
        if adjusted:
            values["adjusted"] = str(len(adjusted))
            yield ctx.diagnostic("shares-adjusted", adjusted, values)
