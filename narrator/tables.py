"""Tables built from figures; every label comes from the phrasebank's terms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from narrator.decisions import Facts
from narrator.derive import percent, round_half_up
from narrator.document import Table
from narrator.figures import BudgetExpenditure, EconomicLine, Item, Text
from narrator.numbers import NumberFormatter
from narrator.phrasebank import Language, PhrasebankError, renders
from narrator.sandbox import safe_format


class Renderer(Protocol):
    """What building a table needs of one language's renderer (narrator.render provides it).

    Tables sit below the renderer: it passes itself in, and nothing here imports it.
    """

    lang: Language
    facts: Facts
    numbers: NumberFormatter

    def tr(self, text: Text | str | None, label: str = ...) -> str: ...
    def text(self, key: str, extra: Mapping[str, Any] | None = ...) -> str: ...
    def glossary_name(self, code: str) -> str: ...
    def item_name(self, item: Item) -> str: ...
    def economic(self, entry: str | Text) -> str: ...
    def period(self, text: str | None) -> str: ...


# Outline entries with ``each:`` over projects pass ``project`` and ``index``.
_TABLE_TITLE = renders("performance.table_title", "project", "index")

#: The places every amount cell of a public table prints: 万元 to the fen-hundredth (0.01).
CELL_PLACES = Decimal("0.01")


def _plain(value: Decimal | None) -> str:
    # Table cells print amounts bare, as the filed table does (单位：万元 is in the note).
    return "" if value is None else f"{value:.2f}"


def performance_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """项目预算绩效目标完成情况表 of one self-evaluated project, label/value rows."""
    project = extra["project"].figures
    table = project.table
    labels = r.lang.term("tables.performance")
    rows: list[tuple[str, ...]] = []
    if table is not None:

        def add(label: str, *cells: str | None) -> None:
            rows.append((str(labels[label]), *(cell or "" for cell in cells)))

        where = f"performance.self_evaluations[{extra['project'].index}].table"
        add("project", r.tr(project.table_name or project.name, f"{where}.name"))
        add("department", r.tr(table.department, f"{where}.department"))
        add("leader", r.tr(table.leader, f"{where}.leader"))
        add("contact", r.tr(table.contact, f"{where}.contact"))
        add("phone", table.phone)
        add("start", r.period(table.start))
        add("planned_end", r.period(table.planned_end))
        received = (
            percent(table.fiscal_received, table.fiscal_budget)
            if (table.fiscal_received is not None and table.fiscal_budget is not None)
            else None
        )
        add(
            "funds",
            _plain(table.fiscal_budget),
            _plain(table.fiscal_received),
            r.numbers.percent(received) if received is not None else "",
        )
        spent = (
            percent(table.spent, table.spending_budget)
            if (table.spent is not None and table.spending_budget is not None)
            else None
        )
        add(
            "spending",
            _plain(table.spending_budget),
            _plain(table.spent),
            r.numbers.percent(spent) if spent is not None else "",
        )
        add(
            "implementation",
            r.tr(table.planned, f"{where}.planned"),
            r.tr(table.achieved, f"{where}.achieved"),
            r.tr(table.deviation_reason, f"{where}.deviation_reason"),
        )
        add(
            "goal",
            r.tr(table.goal, f"{where}.goal"),
            r.tr(table.goal_achieved, f"{where}.goal_achieved"),
        )
        for ind in table.indicators:
            add(
                "indicator",
                *(
                    r.tr(getattr(ind, name))
                    for name in (
                        "level1",
                        "level2",
                        "level3",
                        "expected",
                        "actual",
                        "shortfall_reason",
                    )
                ),
            )
    width = max((len(row) for row in rows), default=1)
    padded = tuple(row + ("",) * (width - len(row)) for row in rows)
    title = r.text(_TABLE_TITLE, extra)
    return Table(f"performance.table{suffix}", title, str(labels["unit_note"]), (), padded)


# -- the public tables (公开01–08表) -------------------------------------------------
#
# Each builder lays out one filed table as far as the figures carry it. Labels come from
# ``<lang>/tables.yaml`` (``public.<table>``); amounts print exactly, half-up, to two places.

Row = tuple[str, ...]


def cell(r: Renderer, value: Decimal | None) -> str:
    """An amount as a public table prints it: bare 万元, exactly two decimals, half-up.

    ``None`` (a figure the file does not give) prints as an empty cell.
    """
    if value is None:
        return ""
    shown = r.numbers.rounded(value)
    if shown.as_tuple().exponent != CELL_PLACES.as_tuple().exponent:
        # A money style with other places: round the figure itself, once.
        shown = round_half_up(value, CELL_PLACES)
    return f"{shown:f}"


class _Labels:
    """The labels of one public table, with the shared ones (``public.common``) behind them."""

    def __init__(self, r: Renderer, name: str) -> None:
        self.r = r
        self.name = name
        public = r.lang.tables.get("public")
        if not isinstance(public, Mapping) or not isinstance(public.get(name), Mapping):
            raise PhrasebankError(f"{r.lang.lang}: tables.yaml has no labels for public.{name}")
        self.own: Mapping[str, Any] = public[name]
        self.common: Mapping[str, Any] = public.get("common", {})

    def __call__(self, key: str) -> str:
        for source in (self.own, self.common):
            node: Any = source
            for part in key.split("."):
                node = node.get(part) if isinstance(node, Mapping) else None
            if node is not None:
                return str(node)
        raise PhrasebankError(
            f"{self.r.lang.lang}: tables.yaml has no label public.{self.name}.{key}"
        )

    def optional(self, key: str) -> str:
        try:
            return self(key)
        except PhrasebankError:
            return ""

    def name_cell(self, text: str) -> str:
        """A name taken from a catalog, capitalised where the language's tables ask."""
        if self.r.lang.tables.get("capitalise_names") and text:
            return text[0].upper() + text[1:]
        return text

    def table(
        self, suffix: str, header: Sequence[str], rows: Iterable[Row], statement: str = ""
    ) -> Table:
        """The table, its rows padded to the header; ``statement`` follows the note (说明：…)."""
        listed = list(rows)
        width = len(header) if header else max((len(row) for row in listed), default=1)
        padded = tuple(tuple(row) + ("",) * (width - len(row)) for row in listed)
        note = "\n".join(text for text in (self.optional("note"), statement) if text)
        return Table(
            f"public.{self.name}{suffix}",
            self("title"),
            str(self.r.lang.tables.get("unit_note", "")),
            tuple(header),
            padded,
            note,
        )


def _side_by_side(left: Sequence[Row], right: Sequence[Row]) -> list[Row]:
    """Two halves of a 收/支 table next to each other, the shorter padded with empty cells."""
    lwidth = max((len(row) for row in left), default=0)
    rwidth = max((len(row) for row in right), default=0)
    rows: list[Row] = []
    for i in range(max(len(left), len(right))):
        lrow = left[i] if i < len(left) else ("",) * lwidth
        rrow = right[i] if i < len(right) else ("",) * rwidth
        rows.append(tuple(lrow) + ("",) * (lwidth - len(lrow)) + tuple(rrow))
    return rows


def income_expenditure_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """收入支出决算总表: income by source against expenditure by type, with the totals."""
    f = r.facts.figures
    t = _Labels(r, "income_expenditure")
    income, spent = f.income, f.expenditure
    left = [
        (t("rows.general"), cell(r, income.fiscal.general)),
        (t("rows.fund"), cell(r, income.fiscal.fund)),
        (t("rows.state_capital"), cell(r, income.fiscal.state_capital)),
        (t("rows.higher_level_grants"), cell(r, income.higher_level_grants)),
        (t("rows.operations"), cell(r, income.operations)),
        (t("rows.business"), cell(r, income.business)),
        (t("rows.from_subsidiaries"), cell(r, income.from_subsidiaries)),
        (t("rows.other"), cell(r, income.other)),
    ]
    right = [
        (t("rows.basic"), cell(r, spent.basic)),
        (t("rows.project"), cell(r, spent.project)),
        (t("rows.to_higher_level"), cell(r, spent.to_higher_level)),
        (t("rows.business_expenditure"), cell(r, spent.business)),
        (t("rows.to_subsidiaries"), cell(r, spent.to_subsidiaries)),
    ]
    totals = [
        (
            t("rows.income_total"),
            cell(r, income.total),
            t("rows.expenditure_total"),
            cell(r, spent.total),
        ),
        (
            t("rows.non_fiscal_balance_used"),
            cell(r, income.non_fiscal_balance_used),
            t("rows.balance_distribution"),
            cell(r, spent.balance_distribution),
        ),
        (
            t("rows.carried_forward"),
            cell(r, income.carried_forward),
            t("rows.carried_over"),
            cell(r, spent.carried_over),
        ),
        (
            t("rows.grand_total"),
            cell(r, income.grand_total),
            t("rows.grand_total"),
            cell(r, spent.grand_total),
        ),
    ]
    header = (
        t("columns.income"),
        t("columns.amount"),
        t("columns.expenditure"),
        t("columns.amount"),
    )
    return t.table(suffix, header, [*_side_by_side(left, right), *totals])


def income_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """收入决算表: income by source; the figures give no classes, so the totals row only."""
    income = r.facts.figures.income
    t = _Labels(r, "income")
    parts = income.parts()  # the model's sources, in its order: one list for every table
    header = (
        t("columns.code"),
        t("columns.name"),
        t("columns.total"),
        *(t(f"columns.{key}") for key, _ in parts),
    )
    amounts = (income.total, *(amount for _, amount in parts))
    rows = [("", t("rows.total"), *(cell(r, value) for value in amounts))]
    return t.table(suffix, header, rows)


def expenditure_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """支出决算表: expenditure by type; the totals row only, as for income."""
    spent = r.facts.figures.expenditure
    t = _Labels(r, "expenditure")
    parts = spent.parts()
    header = (
        t("columns.code"),
        t("columns.name"),
        t("columns.total"),
        *(t(f"columns.{key}") for key, _ in parts),
    )
    amounts = (spent.total, *(amount for _, amount in parts))
    rows = [("", t("rows.total"), *(cell(r, value) for value in amounts))]
    return t.table(suffix, header, rows)


def _class_amounts(budget: BudgetExpenditure) -> dict[str, Decimal]:
    return {c.code: c.amount for c in budget.classes}


def fiscal_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """财政拨款收入支出决算总表: fiscal income by budget against spending by 类 and budget."""
    f = r.facts.figures
    t = _Labels(r, "fiscal")
    general = _class_amounts(f.general_budget)
    fund = _class_amounts(f.fund_budget)
    left = [
        (t("rows.general"), cell(r, f.income.fiscal.general)),
        (t("rows.fund"), cell(r, f.income.fiscal.fund)),
        (t("rows.state_capital"), cell(r, f.income.fiscal.state_capital)),
    ]
    right = [
        (
            t.name_cell(r.glossary_name(code)),
            cell(r, general.get(code, Decimal(0)) + fund.get(code, Decimal(0))),
            cell(r, general.get(code)),
            cell(r, fund.get(code)),
        )
        for code in sorted({*general, *fund})
    ]
    totals = [
        (
            t("rows.income_total"),
            cell(r, f.income.fiscal.total),
            t("rows.expenditure_total"),
            cell(r, f.fiscal.expenditure),
            cell(r, f.general_budget.total),
            cell(r, f.fund_budget.total),
        ),
        (
            t("rows.carried_forward"),
            cell(r, f.fiscal.carried_forward),
            t("rows.carried_over"),
            cell(r, f.fiscal.carried_over),
        ),
        (
            t("rows.grand_total"),
            cell(r, f.fiscal.grand_total),
            t("rows.grand_total"),
            cell(r, f.fiscal.grand_total),
        ),
    ]
    header = (
        t("columns.income"),
        t("columns.amount"),
        t("columns.expenditure"),
        t("columns.total"),
        t("columns.general"),
        t("columns.fund"),
    )
    return t.table(suffix, header, [*_side_by_side(left, right), *totals])


def _class_rows(r: Renderer, t: _Labels, budget: BudgetExpenditure, width: int) -> list[Row]:
    """One row per 类 of a budget and one per 款/项 item under it: code, name, amount."""
    rows: list[Row] = []
    pad = ("",) * (width - 3)
    for c in budget.classes:
        rows.append((c.code, t.name_cell(r.glossary_name(c.code)), cell(r, c.amount), *pad))
        for item in c.items:
            rows.append((item.code, t.name_cell(r.item_name(item)), cell(r, item.amount), *pad))
    return rows


def general_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """一般公共预算财政拨款支出决算表: by 类 and 款/项 item; basic/project where given."""
    budget = r.facts.figures.general_budget
    t = _Labels(r, "general")
    header = (
        t("columns.code"),
        t("columns.name"),
        t("columns.total"),
        t("columns.basic"),
        t("columns.project"),
    )
    total = (
        "",
        t("rows.total"),
        cell(r, budget.total),
        cell(r, budget.basic),
        cell(r, budget.project),
    )
    return t.table(suffix, header, [*_class_rows(r, t, budget, len(header)), total])


def _economic_rows(r: Renderer, t: _Labels, line: EconomicLine, total_key: str) -> list[Row]:
    """The economic codes a line covers (under their 类), without amounts, then its total."""
    rows: list[Row] = []
    shown: set[str] = set()
    for entry in line.covers:
        if isinstance(entry, Text):
            rows.append(("", r.tr(entry), ""))
            continue
        parent = entry[:3]
        if len(entry) > 3 and parent not in shown and parent in r.lang.economic:
            rows.append((parent, t.name_cell(r.economic(parent)), ""))
            shown.add(parent)
        if entry not in shown:
            rows.append((entry, t.name_cell(r.economic(entry)), ""))
            shown.add(entry)
    rows.append(("", t(total_key), cell(r, line.amount)))
    return rows


def basic_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """一般公共预算财政拨款基本支出决算表: personnel and public expenses with what they cover.

    The figures give the two amounts, not one per economic code: the covered codes are
    listed as rows without amounts, each line's total carries the amount.
    """
    basic = r.facts.figures.basic
    t = _Labels(r, "basic")
    header = (t("columns.code"), t("columns.name"), t("columns.amount"))
    rows = [
        *_economic_rows(r, t, basic.personnel, "rows.personnel_total"),
        *_economic_rows(r, t, basic.public, "rows.public_total"),
        ("", t("rows.total"), cell(r, basic.total)),
    ]
    return t.table(suffix, header, rows)


def three_public_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """财政拨款"三公"经费支出决算表: budget and final amount per part, vehicles in two parts.

    The filed table is one wide row; here each part is a row (budget, final), which
    reads the same in both languages and fits a page. Vehicle sub-parts have no budget
    in the figures, so their budget cells are empty.
    """
    tp = r.facts.figures.three_public
    t = _Labels(r, "three_public")
    header = (t("columns.item"), t("columns.budget"), t("columns.amount"))
    rows = [
        (t("rows.total"), cell(r, tp.budget), cell(r, tp.amount)),
        (t("rows.overseas"), cell(r, tp.overseas.budget), cell(r, tp.overseas.amount)),
        (t("rows.vehicles"), cell(r, tp.vehicles.budget), cell(r, tp.vehicles.amount)),
        (t("rows.vehicle_purchase"), "", cell(r, tp.vehicles.purchase)),
        (t("rows.vehicle_operation"), "", cell(r, tp.vehicles.operation)),
        (t("rows.reception"), cell(r, tp.reception.budget), cell(r, tp.reception.amount)),
    ]
    return t.table(suffix, header, rows)


def fund_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """政府性基金预算财政拨款收入支出决算表: income and spending by 类/款/项.

    The figures give this budget's income and spending, not its own carry-forwards, so
    those columns stay empty; with nothing in the budget the table says so (说明：…).
    """
    f = r.facts.figures
    budget = f.fund_budget
    t = _Labels(r, "fund")
    header = (
        t("columns.code"),
        t("columns.name"),
        t("columns.carried_forward"),
        t("columns.income"),
        t("columns.expenditure_total"),
        t("columns.basic"),
        t("columns.project"),
        t("columns.carried_over"),
    )
    rows: list[Row] = []
    for c in budget.classes:
        rows.append(
            (c.code, t.name_cell(r.glossary_name(c.code)), "", "", cell(r, c.amount), "", "", "")
        )
        for item in c.items:
            rows.append(
                (
                    item.code,
                    t.name_cell(r.item_name(item)),
                    "",
                    "",
                    cell(r, item.amount),
                    "",
                    "",
                    "",
                )
            )
    total = (
        "",
        t("rows.total"),
        "",
        cell(r, f.income.fiscal.fund),
        cell(r, budget.total),
        cell(r, budget.basic),
        cell(r, budget.project),
        "",
    )
    statement = ""
    if not budget.total and not f.income.fiscal.fund and not budget.classes:
        statement = safe_format(t("no_data"), unit=r.tr(f.unit.name, "unit.name"), year=f.unit.year)
    return t.table(suffix, header, [*rows, total], statement)


#: Table builders by the name an outline's ``table:`` entry gives.
BUILDERS: dict[str, Callable[[Renderer, Mapping[str, Any], str], Table]] = {
    "performance": performance_table,
    "income_expenditure": income_expenditure_table,
    "income": income_table,
    "expenditure": expenditure_table,
    "fiscal": fiscal_table,
    "general": general_table,
    "basic": basic_table,
    "three_public": three_public_table,
    "fund": fund_table,
}

#: The public tables in the order the report prints them (公开01–08表).
PUBLIC_TABLES = (
    "income_expenditure",
    "income",
    "expenditure",
    "fiscal",
    "general",
    "basic",
    "three_public",
    "fund",
)


def build_table(name: str, r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    builder = BUILDERS.get(name)
    if builder is None:
        raise PhrasebankError(f"unknown table {name!r} (known: {', '.join(BUILDERS)})")
    return builder(r, extra, suffix)
