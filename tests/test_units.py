"""Kinds of unit the examples do not cover, rendered as a district finance office reads them.

``tests/data/units/`` holds a bureau managed under the Civil Servant Law with government-fund
spending and "三公" parts budgeted but not spent (zhejiang-2019), a public school with every
kind of income and 经营支出 (shanghai-2024), and a bureau set up during the year with only a
full-year budget and no prior year (shanghai-2024). Each test states facts the published
report must get right.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from narrator import load
from narrator.figures import FiguresError, read_file
from narrator.report import Report

UNITS = Path(__file__).resolve().parent / "data" / "units"
NAMES = ("qingxi-enforcement-2019", "dongtan-school-2024", "yunhu-data-2024")


@cache
def report(name: str, **style: str) -> Report:
    return load(UNITS / f"{name}.yaml", style=style or None)


@cache
def zh(name: str) -> str:
    return report(name).render("zh")


def codes(r: Report) -> list[str]:
    return [d.code for d in r.check()]


@pytest.mark.parametrize("name", NAMES)
def test_each_unit_renders_and_verifies_its_own_text_in_every_language(name):
    r = report(name)
    assert [d.code for d in r.check() if d.severity == "error"] == (
        ["completion-over-zero"] if name.startswith("qingxi") else []  # 2120199: no 年初预算
    )
    assert r.verify(r.render("zh")) == []
    assert r.render("en")


def test_the_school_given_every_reason_has_no_placeholder_in_either_language():
    for lang in ("zh", "en"):
        text = report("dongtan-school-2024").render(lang)
        assert "【" not in text and "[" not in text


# -- the bureau set up during the year ---------------------------------------------------------


def test_a_new_unit_names_its_three_public_budget_as_its_general_budget_full_year():
    """It has no 年初预算 at all: its "三公" budget is not called one."""
    text = zh("yunhu-data-2024")
    assert "“三公”经费财政拨款支出全年预算为2.00万元，支出决算为0万元，完成预算的0%" in text
    assert "年初预算" not in text
    assert "上海市云湖区数据局2024年度无“三公”经费财政拨款支出。" in text
    en = report("yunhu-data-2024").render("en")
    assert 'The full-year budget for expenditure on the "three public consumptions"' in en
    assert "initial budget" not in en


def test_a_unit_with_an_initial_budget_keeps_its_three_public_initial_budget():
    assert "“三公”经费财政拨款支出年初预算为3.00万元" in zh("dongtan-school-2024")


def test_a_new_unit_compares_items_with_the_full_year_budget():
    text = zh("yunhu-data-2024")
    assert (
        "一般公共预算财政拨款支出全年预算为1350.00万元，支出决算为1286.45万元，完成全年预算的95.29%。"
        in text
    )
    assert "全年预算为58.20万元，支出决算为58.20万元。预决算持平。" in text
    assert "全年预算为25.70万元，支出决算为24.15万元。决算数小于全年预算数的主要原因" in text


def test_an_empty_performance_section_is_a_placeholder_and_a_warning():
    text = zh("yunhu-data-2024")
    assert "【请说明上海市云湖区数据局2024年度预算绩效管理情况】" in text
    assert "未填报" not in text
    assert "performance-missing" in codes(report("yunhu-data-2024"))
    assert "performance-missing" not in codes(report("dongtan-school-2024"))


# -- the school ----------------------------------------------------------------------------------


def test_the_school_lists_every_kind_of_income_and_expenditure_with_shares():
    text = zh("dongtan-school-2024")
    assert (
        "本年收入合计7961.80万元，其中：财政拨款收入6820.50万元，占85.66%；上级补助收入120.00万元，占1.51%；"
        "事业收入860.40万元，占10.81%；经营收入95.30万元，占1.20%；附属单位上缴收入40.00万元，占0.50%；"
        "其他收入25.60万元，占0.32%。"
    ) in text
    assert (
        "基本支出5200.00万元，占70.38%；项目支出2100.50万元，占28.43%；经营支出88.20万元，占1.19%。"
        in text
    )
    assert (
        "收入支出总计9212.40万元。与2023年度相比，收入支出总计增加312.40万元，增长3.51%。" in text
    )


def test_full_year_budgets_the_report_does_not_use_are_a_warning():
    """Given beside 年初预算 under budget_basis: initial, they are neither stated nor compared."""
    found = [d for d in report("dongtan-school-2024").check() if d.code == "budget-unused"]
    assert len(found) == 1
    assert found[0].path == "general_budget.adjusted_budget"
    assert len(found[0].paths) == 9
    assert "全年预算" not in zh("dongtan-school-2024")
    both = report("dongtan-school-2024", budget_basis="both")
    assert "budget-unused" not in codes(both)
    assert "年初预算为2800.00万元，全年预算为3000.00万元，支出决算为2980.30万元" in both.render(
        "zh"
    )
    # A new unit's only budget is used.
    assert "budget-unused" not in codes(report("yunhu-data-2024"))


# -- the bureau under the Civil Servant Law ----------------------------------------------------


def test_the_bureau_states_its_fund_spending_and_unspent_three_public_parts():
    text = zh("qingxi-enforcement-2019")
    assert "政府性基金预算财政拨款支出减少200.00万元，下降20.00%。" in text
    assert "城乡社区（类）支出800.00万元，占100.00%。" in text
    assert (
        "因公出国（境）费用支出决算为0万元，占0%，与2018年度相比，减少2.10万元，下降100.00%" in text
    )
    assert "（1）因公出国（境）费预算数为3.00万元，支出决算为0万元，完成预算的0%。" in text
    assert (
        "公务用车购置支出18.00万元（含购置税等附加费用），主要用于经批准购置的1辆公务用车；" in text
    )
    assert "年初预算为0万元，支出决算为85.40万元，因年初预算为0，不计算完成率。" in text


def test_a_unit_without_government_funds_may_leave_its_fund_budget_out():
    """Nothing budgeted or spent needs no 年初预算 of 0 entered: omitted or {total: 0}."""
    data = dict(read_file(UNITS / "yunhu-data-2024.yaml"))
    del data["fund_budget"]
    assert load(data).render("zh") == zh("yunhu-data-2024")
    data["fund_budget"] = {"total": Decimal(0)}
    assert load(data).render("zh") == zh("yunhu-data-2024")
    data["fund_budget"] = {"total": Decimal(5)}
    with pytest.raises(FiguresError, match="fund_budget: needs initial_budget"):
        load(data)
