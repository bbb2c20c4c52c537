"""Tables built from figures; every label comes from the phrasebank's terms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from narrator.derive import percent
from narrator.document import Table
from narrator.phrasebank import PhrasebankError

if TYPE_CHECKING:
    from narrator.render import Renderer


def _plain(value: Decimal | None) -> str:
    # Table cells print amounts bare, as the filed table does (单位：万元 is in the note).
    return "" if value is None else f"{value:.2f}"


def performance_table(r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    """项目预算绩效目标完成情况表 of one self-evaluated project, label/value rows."""
    project = extra["project"]["figures"]
    table = project.table
    labels = r.lang.term("tables.performance")
    rows: list[tuple[str, ...]] = []
    if table is not None:

        def add(label: str, *cells: str | None) -> None:
            rows.append((str(labels[label]), *(cell or "" for cell in cells)))

        add("project", r.tr(project.table_name or project.name))
        add("department", r.tr(table.department))
        add("leader", r.tr(table.leader))
        add("contact", r.tr(table.contact))
        add("phone", table.phone)
        add("start", table.start)
        add("planned_end", table.planned_end)
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
            r.tr(table.planned),
            r.tr(table.achieved),
            r.tr(table.deviation_reason),
        )
        add("goal", r.tr(table.goal), r.tr(table.goal_achieved))
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
    title = r._render("performance.table_title", extra)
    return Table(f"performance.table{suffix}", title, str(labels["unit_note"]), (), padded)


BUILDERS: dict[str, Callable[[Renderer, Mapping[str, Any], str], Table]] = {
    "performance": performance_table,
}


def build_table(name: str, r: Renderer, extra: Mapping[str, Any], suffix: str) -> Table:
    builder = BUILDERS.get(name)
    if builder is None:
        raise PhrasebankError(f"unknown table {name!r} (known: {', '.join(BUILDERS)})")
    return builder(r, extra, suffix)
