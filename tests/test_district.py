"""What real district reports need: full-year budgets, completion rates, their own wording.

Each option is held in both languages: the decision is taken once (``narrator.decisions``),
and the Chinese and the English say the same comparison.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from narrator.figures import FiguresError, load_figures, read_file
from narrator.report import Report
from tests.conftest import EXAMPLES, sentences_per_line

HARBOUR = EXAMPLES / "shanghai-harbour-2024.yaml"


@pytest.fixture
def harbour() -> Any:
    """The Shanghai example's figures, with a full-year budget for the total and each item."""
    data = read_file(HARBOUR)
    general = data["general_budget"]
    general["adjusted_budget"] = Decimal("18700.00")
    for cls in general["classes"]:
        for item in cls["items"]:
            item["adjusted_budget"] = item["initial_budget"]
    # 2080506: 516.30 at the start of the year, 509.84 after adjustment, 509.84 spent;
    # 2140199: 4260.00, then 4493.46 (the items' full-year budgets add up to 18700.00).
    general["classes"][0]["items"][1]["adjusted_budget"] = Decimal("509.84")
    general["classes"][2]["items"][3]["adjusted_budget"] = Decimal("4493.46")
    return data


def report(data: Any, **style: str) -> Report:
    return Report(load_figures(data), style=style)


def paragraph(text: str, start: str) -> str:
    """The paragraph of ``text`` that starts with ``start``."""
    return next(p for p in text.split("\n\n") if p.startswith(start))


# -- 全年预算: which budget a completion compares with ---------------------------------------


def test_the_initial_budget_is_the_default_basis(harbour):
    r = report(harbour)
    sentence = r.facts.sentence("general_budget.completion")
    assert sentence.basis == "initial" and [b.basis for b in sentence.budgets] == ["initial"]
    zh = paragraph(r.render("zh"), "一般公共预算财政拨款支出年初预算")
    assert zh.startswith(
        "一般公共预算财政拨款支出年初预算为18473.00万元，支出决算为18642.35万元，完成年初预算的100.92%。"
    )
    assert "决算数大于预算数的主要原因：" in zh


def test_a_full_year_basis_compares_completion_and_deviation_with_the_full_year_budget(harbour):
    r = report(harbour, budget_basis="full_year")
    sentence = r.facts.sentence("general_budget.completion")
    assert sentence.basis == "full_year"
    assert sentence.value.budget == Decimal("18700.00") and sentence.value.state == "under"
    assert sentence.inputs["general_budget.adjusted_budget"] == "18700.00"
    zh, en = r.render("zh"), r.render("en")
    assert (
        "一般公共预算财政拨款支出全年预算为18700.00万元，支出决算为18642.35万元，完成全年预算的99.69%。"
        "决算数小于全年预算数的主要原因：" in zh
    )
    assert "年初预算" not in paragraph(zh, "一般公共预算财政拨款支出全年预算")
    assert (
        "The full-year budget for expenditure from fiscal appropriations under the general public "
        "budget was RMB 187.0000 million and expenditure in the final accounts was RMB 186.4235 "
        "million, representing 99.69% of the full-year budget. Expenditure was below the "
        "full-year budget mainly because" in en
    )


def test_both_budgets_in_one_sentence_compare_with_the_full_year_one(harbour):
    r = report(harbour, budget_basis="both")
    zh, en = r.render("zh"), r.render("en")
    assert (
        "一般公共预算财政拨款支出年初预算为18473.00万元，全年预算为18700.00万元，"
        "支出决算为18642.35万元，完成全年预算的99.69%。决算数小于全年预算数的主要原因：" in zh
    )
    assert (
        "The initial budget for expenditure from fiscal appropriations under the general public "
        "budget was RMB 184.7300 million, the full-year budget was RMB 187.0000 million and "
        "expenditure in the final accounts was RMB 186.4235 million, representing 99.69% of the "
        "full-year budget." in en
    )
    # An item equal to its full-year budget is stated as such, with no reason (Shanghai).
    item = r.facts.sentence("general_budget.items.2080506.completion")
    assert item.value.state == "equal" and not item.reason.needed
    assert "年初预算为516.30万元，全年预算为509.84万元，支出决算为509.84万元。预决算持平。" in zh
    assert (
        "The initial budget was RMB 5.1630 million, the full-year budget was RMB 5.0984 million "
        "and expenditure in the final accounts was RMB 5.0984 million. Expenditure was in line "
        "with the budget." in en
    )


def test_a_unit_set_up_during_the_year_has_only_a_full_year_budget(harbour):
    del harbour["general_budget"]["initial_budget"]
    for cls in harbour["general_budget"]["classes"]:
        for item in cls["items"]:
            del item["initial_budget"]
    r = report(harbour)  # the default basis is the initial budget, which it does not have
    sentence = r.facts.sentence("general_budget.completion")
    assert sentence.basis == "full_year" and sentence.value.budget == Decimal("18700.00")
    assert "一般公共预算财政拨款支出全年预算为18700.00万元" in r.render("zh")
    assert all(
        line.completion.basis == "full_year" for line in r.facts.decisions.general_budget.item_lines
    )


def test_a_budget_with_neither_budget_is_refused_naming_it(harbour):
    del harbour["general_budget"]["initial_budget"]
    del harbour["general_budget"]["adjusted_budget"]
    with pytest.raises(FiguresError) as caught:
        load_figures(harbour)
    assert "general_budget: needs initial_budget (年初预算), adjusted_budget (全年预算)" in str(
        caught.value
    )


def test_an_item_without_a_budget_has_no_completion_sentence(harbour):
    item = harbour["general_budget"]["classes"][0]["items"][0]
    del item["initial_budget"], item["adjusted_budget"]
    r = report(harbour)
    line = r.facts.decisions.general_budget.item_lines[0]
    assert line.item.code == "2080505" and line.completion is None
    assert "机关事业单位基本养老保险缴费支出（项）" not in r.render("zh")


def test_rules_see_which_budget_a_completion_compares_with(harbour, tmp_path):
    (tmp_path / "rules.yaml").write_text(
        "rules:\n"
        "  - id: adjusted_in_year\n"
        "    description: below the full-year budget\n"
        "    kinds: [completion]\n"
        "    sentences: ['general_budget.completion']\n"
        "    when: \"basis == 'full_year' and state == 'under'\"\n"
        "    reason: budget_as_planned\n"
        "    prescribed: true\n",
        encoding="utf-8",
    )
    harbour["profile"] = "shanghai-2024"
    for basis, rule in (("full_year", "adjusted_in_year"), ("initial", None)):
        figures = load_figures(harbour)
        r = Report(figures, phrasebanks=[tmp_path], style={"budget_basis": basis})
        sentence = r.facts.sentence("general_budget.completion")
        assert sentence.reason.rule == rule, basis
    assert r.explain()  # explain names the basis among the rule's inputs


def test_the_items_budgets_must_add_up_to_the_budgets(harbour):
    codes = lambda r: {d.code for d in r.check()}  # noqa: E731
    assert "item-budgets-sum" not in codes(report(harbour))
    harbour["general_budget"]["initial_budget"] = Decimal("18500.00")
    harbour["general_budget"]["adjusted_budget"] = Decimal("18000.00")
    found = [d for d in report(harbour).check() if d.code == "item-budgets-sum"]
    assert [d.path for d in found] == [
        "general_budget.initial_budget",
        "general_budget.adjusted_budget",
    ]
    assert found[0].values["sum"] == "18473.00" and found[0].values["difference"] == "27.00"
    assert "年初预算18500.00万元与所列11个款/项科目的该项预算之和18473.00万元不符" in found[
        0
    ].message("zh")
    assert "The initial general public budget, 18500.00, does not equal" in found[0].message("en")


def test_no_items_budget_sum_when_a_class_lacks_its_items_budgets(harbour):
    harbour["general_budget"]["initial_budget"] = Decimal("1.00")
    del harbour["general_budget"]["classes"][4]["items"][0]["initial_budget"]
    assert "item-budgets-sum" not in {d.code for d in report(harbour).check()}


# -- a completion rate in every item sentence ------------------------------------------------


@pytest.mark.parametrize(
    ("option", "zh", "en"),
    [
        (
            "no",
            "年初预算为312.50万元，支出决算为318.72万元。决算数大于预算数的主要原因：",
            "The initial budget was RMB 3.1250 million and expenditure in the final accounts was "
            "RMB 3.1872 million. Expenditure was above the budget",
        ),
        (
            "yes",
            "年初预算为312.50万元，支出决算为318.72万元，完成年初预算的101.99%。决算数大于预算数的主要原因：",
            "The initial budget was RMB 3.1250 million and expenditure in the final accounts was "
            "RMB 3.1872 million, representing 101.99% of the initial budget. Expenditure was above",
        ),
    ],
)
def test_item_completion_rate(harbour, option, zh, en):
    r = report(harbour, item_completion_rate=option)
    assert r.facts.sentence("general_budget.items.2101101.completion").rate_shown is (
        option == "yes"
    )
    assert zh in r.render("zh") and en in r.render("en")


# -- the district's wording for the same decisions ------------------------------------------

SEED_FUND_ZH = "与2018年相比，政府性基金预算财政拨款支出"
SEED_FUND_EN = "Compared with 2018, this expenditure"


@pytest.mark.parametrize(
    ("style", "zh", "en"),
    [
        # English says nothing in either year in words, whatever the Chinese convention.
        ({"both_zero_change": "flat"}, "持平（均为0）。", "remained nil,"),
        ({"both_zero_change": "zero_percent"}, "增加0万元，增长0%。", "remained nil,"),
        ({"both_zero_change": "plain_flat"}, "持平。", "remained unchanged,"),
        (
            {"both_zero_change": "plain_flat", "flat_change": "versus_prior_year"},
            "与上一年度持平。",
            "remained unchanged from the previous year,",
        ),
    ],
)
def test_nothing_in_either_year(seed_data, style, zh, en):
    r = Report(load_figures(seed_data), style=style)
    assert SEED_FUND_ZH + zh in r.render("zh")
    assert SEED_FUND_EN + " " + en in r.render("en")


@pytest.mark.parametrize(
    ("option", "zh", "en"),
    [
        ("flat", "财政拨款收入支出总计持平。", "both grand totals remained unchanged."),
        (
            "versus_prior_year",
            "财政拨款收入支出总计与上一年度持平。",
            "both grand totals remained unchanged from the previous year.",
        ),
    ],
)
def test_flat_year_on_year(harbour, option, zh, en):
    harbour["prior_year"]["fiscal_grand_total"] = harbour["fiscal"]["grand_total"]
    r = report(harbour, flat_change=option)
    assert r.facts.sentence("fiscal_totals.change").value.state == "flat"
    assert zh in r.render("zh") and en in r.render("en")
    assert "主要原因" not in paragraph(
        r.render("zh"), "上海市港航事务中心2024年度财政拨款收入支出总计"
    )


#: English states nothing budgeted and nothing spent in words, whatever the Chinese convention.
NIL_FUND_EN = (
    "In 2019, there was neither an initial budget for nor any expenditure from fiscal "
    "appropriations under the government-managed funds budget."
)


@pytest.mark.parametrize(
    ("style", "zh"),
    [
        ({}, "年初预算为0万元，支出决算为0万元，预决算均为0。"),
        (
            {"both_zero_completion": "hundred_percent"},
            "年初预算为0万元，支出决算为0万元，完成年初预算的100%。",
        ),
        (
            {"both_zero_completion": "zero_percent"},
            "年初预算为0万元，支出决算为0万元，完成年初预算的0%。",
        ),
        (
            {"both_zero_completion": "zero_percent", "zero_rate": "decimals"},
            "年初预算为0万元，支出决算为0万元，完成年初预算的0.00%。",
        ),
        (
            {"both_zero_completion": "zero_percent", "zero_amount": "decimals"},
            "年初预算为0.00万元，支出决算为0.00万元，完成年初预算的0%。",
        ),
    ],
)
def test_a_zero_budget_with_zero_spending(seed_data, style, zh):
    seed_data["style"] = {}
    r = Report(load_figures(seed_data), style=style)
    text = paragraph(r.render("zh"), "2019年度政府性基金预算财政拨款支出年初预算")
    assert zh.rstrip("。") in text
    assert NIL_FUND_EN in r.render("en")
    assert r.verify(r.render("zh")) == []  # the conventions are not errors to narrator verify


def test_zero_amounts_with_two_decimals(seed_data):
    bare = Report(load_figures(seed_data)).render("zh")
    decimals = Report(load_figures(seed_data), style={"zero_amount": "decimals"}).render("zh")
    assert "政府性基金预算0万元" in bare and "政府性基金预算0.00万元" in decimals
    assert not re.search(r"(?<![\d.])0万元", decimals)
    en = Report(load_figures(seed_data), style={"zero_amount": "decimals"}).render("en")
    assert "RMB 0 " in en or "RMB 0," in en or "RMB 0." in en  # English writes no decimals


def test_whole_rates(harbour):
    harbour["general_budget"]["classes"][1]["items"][0]["amount"] = Decimal("312.50")
    harbour["general_budget"]["classes"][1]["amount"] = Decimal("573.55")
    for option, zh, en in (("no", "100.00%", "100.00%"), ("yes", "100%", "100%")):
        r = report(harbour, item_completion_rate="yes", trim_rate_zeros=option)
        assert f"支出决算为312.50万元，完成年初预算的{zh}。" in r.render("zh")
        assert f"RMB 3.1250 million, representing {en} of the initial budget." in r.render("en")


@pytest.mark.parametrize(
    ("option", "zh"),
    [
        ("no", "国内公务接待支出4.36万元（含外宾接待支出0.68万元）"),
        ("yes", "国内公务接待支出4.36万（含外宾接待支出0.68万元）"),
    ],
)
def test_wan_alone_where_the_template_writes_it(harbour, option, zh):
    r = report(harbour, wan_alone=option)
    assert zh in r.render("zh")
    # English has one way to write an amount.
    assert r.render("en") == report(harbour).render("en")


@pytest.mark.parametrize(
    ("option", "zh", "en"),
    [
        ("flat", "预决算持平。", "Expenditure was in line with the budget."),
        (
            "equal_to",
            "决算数与预算数持平。",
            "Expenditure was equal to the budget.",
        ),
        (
            "same_as",
            "决算数同预算数持平。",
            "Expenditure was the same as the budget.",
        ),
        (
            "basically_flat",
            "决算数与预算数基本持平。",
            "Expenditure was broadly in line with the budget.",
        ),
    ],
)
def test_budget_equal(harbour, option, zh, en):
    r = report(harbour, budget_equal=option)
    assert "支出决算为1032.60万元。" + zh in r.render("zh")
    assert "RMB 10.3260 million. " + en in r.render("en")
    full_year = report(harbour, budget_equal=option, budget_basis="full_year").render("zh")
    assert (
        "全年预算为509.84万元，支出决算为509.84万元。" + zh.replace("预算数", "全年预算数")
        in full_year
    )


# -- share rounding conventions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "housing", "note"),
    [
        ("largest_remainder", "6.77", "shares-adjusted"),  # the seed's own numbers
        ("half_up", "6.76", "shares-sum"),  # 87.14 + 4.10 + 1.99 + 6.76 = 99.99
        ("last_balances", "6.77", "shares-adjusted"),  # the last class takes the 0.01
    ],
)
def test_share_rounding(seed_data, method, housing, note):
    r = Report(load_figures(seed_data), style={"share_rounding": method})
    shares = [c.share for c in r.facts.decisions.general_budget.classes if c.amount]
    assert [str(s) for s in shares] == ["87.14", "4.10", "1.99", housing]
    assert f"住房保障（类）支出14.54万元，占{housing}%" in r.render("zh")
    assert f"Housing Security Expenditure (category), RMB 0.1454 million ({housing}%)" in (
        r.render("en")
    )
    notes = [d for d in r.check() if d.code.startswith("shares-")]
    assert [d.code for d in notes] == [note] and notes[0].severity == "info"
    if note == "shares-sum":
        assert "合计为99.99%" in notes[0].message("zh") and "add up to 99.99%" in notes[0].message(
            "en"
        )
    else:
        assert notes[0].paths == ("general_budget.classes[3].amount",)  # 221 住房保障


def test_the_last_share_balances_only_a_part_with_an_amount():
    from narrator.derive import shares

    parts = [Decimal("1"), Decimal("1"), Decimal("1"), Decimal("0")]
    assert [str(s) for s in shares(parts, Decimal("3"), "last_balances")] == [
        "33.33",
        "33.33",
        "33.34",
        "0.00",
    ]
    assert [str(s) for s in shares(parts, Decimal("3"), "half_up")] == [
        "33.33",
        "33.33",
        "33.33",
        "0.00",
    ]


# -- "三公" budgeted but not spent -------------------------------------------------------------


def _nothing_spent(data: Any, *parts: str) -> Any:
    three = data["three_public"]
    for name in parts:
        spent = three[name]["amount"]
        three[name].update(amount=0)
        three["amount"] -= spent
        if name == "vehicles":
            three[name].update(purchase=0, operation=0, purchased=0, fleet=0)
        if name == "reception":
            three[name].update(batches=0, persons=0, foreign=None, domestic=None)
        if name == "overseas":
            three[name].update(groups=0, person_trips=0)
    return data


def test_a_three_public_budget_with_nothing_spent_says_so(harbour):
    r = report(_nothing_spent(harbour, "overseas", "vehicles", "reception"))
    zh, en = r.render("zh"), r.render("en")
    assert "“三公”经费财政拨款支出年初预算为86.00万元，支出决算为0万元，完成预算的0%，其中：" in zh
    details = zh.split("“三公”经费财政拨款支出决算具体情况说明。")[1]
    assert details.strip().startswith("上海市港航事务中心2024年度无“三公”经费财政拨款支出。")
    assert "因公出国（境）费支出0万元" not in zh and "团组0个" not in zh
    assert (
        'The Shanghai Port and Shipping Affairs Center had no expenditure on the "three public '
        'consumptions" from fiscal appropriations in 2024.' in en
    )
    assert 'The initial budget for expenditure on the "three public consumptions"' in en


@pytest.mark.parametrize("option", ["details", "statement"])
def test_a_three_public_part_with_nothing_spent(harbour, option):
    r = report(_nothing_spent(harbour, "overseas"), zero_three_public_parts=option)
    zh, en = r.render("zh"), r.render("en")
    if option == "details":
        assert "1、因公出国（境）费支出0万元。全年安排因公出国（境）团组0个、累计0人次。" in zh
        assert "(a) There was no expenditure on official overseas travel." in en
    else:
        assert "1、上海市港航事务中心2024年度无因公出国（境）费支出。" in zh
        assert "团组0个" not in zh
        assert (
            "(a) The Shanghai Port and Shipping Affairs Center had no expenditure on official "
            "overseas travel in 2024." in en
        )
    assert "2、公务用车购置及运行维护费支出54.87万元。" in zh  # the parts spent are detailed


# -- the catalog -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        (
            "2013901",
            "一般公共服务支出（类）社会工作事务（款）行政运行（项）",
            "General Public Services Expenditure (category) – Social Work Affairs (section) – "
            "Administrative Operation (item)",
        ),
        (
            "2010607",
            "一般公共服务支出（类）财政事务（款）信息化建设（项）",
            "Fiscal Affairs (section) – Informatization (item)",
        ),
        (
            "2010608",
            "一般公共服务支出（类）财政事务（款）财政委托业务支出（项）",
            "Fiscal Affairs (section) – Expenditure on Fiscal Work Commissioned to Others (item)",
        ),
    ],
)
def test_2024_codes_print_their_full_path(harbour, code, zh, en):
    """A 201 class holding one 2024 item: the path names its 类, 款 and 项 in both languages."""
    harbour["general_budget"]["classes"][4]["code"] = code[:3]
    harbour["general_budget"]["classes"][4]["items"][0]["code"] = code
    r = report(harbour)
    assert zh in r.render("zh") and en in r.render("en")
    where = "general_budget.classes[4]"
    assert not [d for d in r.check() if d.path.startswith(where) and d.severity != "info"]


def test_2120201_is_under_21202(harbour):
    harbour["general_budget"]["classes"][4]["code"] = "212"
    harbour["general_budget"]["classes"][4]["items"][0]["code"] = "2120201"
    r = report(harbour)
    assert "城乡社区支出（类）城乡社区规划与管理（款）城乡社区规划与管理（项）" in r.render("zh")
    assert r.bank.codes["2120201"]["parent"] == "21202"


def test_an_unknown_section_keeps_the_path_whole_and_is_warned_about(harbour):
    item = harbour["general_budget"]["classes"][4]["items"][0]
    item["code"] = "2249901"
    item["name"] = {"zh": "某专项支出", "en": "A Special Expenditure"}
    r = report(harbour)
    assert "灾害防治及应急管理支出（类）22499（款）某专项支出（项）" in r.render("zh")
    assert "(category) – 22499 (section) – A Special Expenditure (item)" in r.render("en")
    found = {d.code: d for d in r.check()}
    assert found["section-unknown"].path == "general_budget.classes[4].items[0].section_name"
    assert "以编码22499代替款名" in found["section-unknown"].message("zh")
    item["section_name"] = {"zh": "其他灾害防治及应急管理支出", "en": "Other Disaster Expenditure"}
    r = report(harbour)
    assert "（类）其他灾害防治及应急管理支出（款）某专项支出（项）" in r.render("zh")
    assert "section-unknown" not in {d.code for d in r.check()}


def test_a_section_name_given_for_a_known_section_is_used_and_warned_about(harbour):
    item = harbour["general_budget"]["classes"][4]["items"][0]  # 2240199 under 22401
    item["section_name"] = {"zh": "应急管理事务（区级）", "en": "Emergency Management (District)"}
    r = report(harbour)
    assert "（类）应急管理事务（区级）（款）其他应急管理支出（项）" in r.render("zh")
    assert "Emergency Management (District) (section)" in r.render("en")
    warned = [d for d in r.check() if d.code == "section-name-mismatch"]
    assert [d.path for d in warned] == ["general_budget.classes[4].items[0].section_name"]
    assert "“应急管理事务”" in warned[0].message("zh")
    item["section_name"] = {"zh": "应急管理事务", "en": "Emergency Management Affairs"}
    assert "section-name-mismatch" not in {d.code for d in report(harbour).check()}


# -- unit composition with remarks -----------------------------------------------------------


def test_members_may_carry_a_remark(harbour):
    harbour["unit"]["members"][1] = {
        "name": {
            "zh": "上海市内河航道养护所",
            "en": "Shanghai Inland Waterway Maintenance Institute",
        },
        "remark": {
            "zh": "预算不单列，并入本级",
            "en": "no separate budget; included in the head office",
        },
    }
    harbour["unit"]["members"][3] = {"name": "上海市内河船舶检验站", "remark": "下属参公事业单位"}
    r = report(harbour)
    zh, en = r.render("zh"), r.render("en")
    assert "1. 上海市港航事务中心（本级）\n\n2. 上海市内河航道养护所（预算不单列，并入本级）" in zh
    assert "4. 上海市内河船舶检验站（下属参公事业单位）" in zh
    assert (
        "(2) Shanghai Inland Waterway Maintenance Institute (no separate budget; included in the "
        "head office)" in en
    )
    missing = {d.path for d in r.check() if d.code == "english-missing"}
    assert {"unit.members[3].name", "unit.members[3].remark"} <= missing


def test_a_member_field_that_is_not_known_is_refused(harbour):
    harbour["unit"]["members"][0] = {"name": "本级", "note": "x"}
    with pytest.raises(FiguresError) as caught:
        load_figures(harbour)
    assert "unit.members[0].note: unknown field" in str(caught.value)


# -- optional prior-year figures -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "key", "zh", "en"),
    [
        (
            "fiscal_grand_total",
            "fiscal_totals.change",
            "上海市港航事务中心2024年度财政拨款收入支出总计21976.30万元。",
            "In 2024, the grand totals of revenue and of expenditure from fiscal appropriations of "
            "the Shanghai Port and Shipping Affairs Center, which include the carry-forwards and "
            "balances of fiscal appropriations, were each RMB 219.7630 million.",
        ),
        (
            "grand_total",
            "totals.change",
            "上海市港航事务中心2024年度收入支出总计23655.95万元。",
            "In 2024, the grand totals of revenue and of expenditure of the Shanghai Port and "
            "Shipping Affairs Center, which include the carry-forwards and balances at the "
            "beginning and end of the year, were each RMB 236.5595 million.",
        ),
        (
            "general_expenditure",
            "general_budget.change",
            "一般公共预算财政拨款支出18642.35万元，占本年支出合计的87.28%。",
            "Expenditure from fiscal appropriations under the general public budget was RMB "
            "186.4235 million, or 87.28% of total expenditure for the year.",
        ),
    ],
)
def test_a_prior_year_figure_left_out_leaves_out_the_comparison(harbour, field, key, zh, en):
    del harbour["prior_year"][field]
    del harbour["reasons"][key]
    r = report(harbour)
    assert key not in {s.key for s in r.facts.sentences} and key not in r.said
    assert zh in r.render("zh").split("\n\n") and en in r.render("en").split("\n\n")
    assert not [d for d in r.check() if d.severity != "info" and key in d.path]
    assert key not in {e["sentence"] for e in r.explain()}


def test_a_prior_year_figure_left_out_under_the_seed_profile(lakeside_data):
    del lakeside_data["prior_year"]["grand_total"]
    lakeside_data["reasons"].pop("totals.change", None)
    r = Report(load_figures(lakeside_data))
    assert "2023年度收、支总计4626.31万元。" in r.render("zh").split("\n\n")
    assert (
        "In 2023, the grand totals of revenue and of expenditure, which include the "
        "carry-forwards and balances at the beginning and end of the year, were each RMB "
        "46.2631 million." in r.render("en").split("\n\n")
    )


# -- free-text 预算绩效管理 ---------------------------------------------------------------------

OWN_WORDS = {
    "zh": "本中心将绩效目标嵌入港航项目全生命周期管理，年内对12个重点项目开展事前绩效评估。",
    "en": "The Center built performance targets into the whole life cycle of its port and "
    "shipping projects and assessed 12 key projects before they started.",
}


def test_performance_management_in_the_units_own_words(harbour):
    harbour["performance_management"] = {"text": [OWN_WORDS, {"zh": "第二段。", "en": "Second."}]}
    r = report(harbour)
    for lang in ("zh", "en"):
        text = r.render(lang)
        heading = "十、预算绩效管理情况" if lang == "zh" else "10. Budget performance management"
        after = text.split(heading)[1].strip().split("\n\n")
        assert after[:2] == [OWN_WORDS[lang], "第二段。" if lang == "zh" else "Second."]


def test_own_paragraphs_follow_the_structured_fields(harbour):
    harbour["performance_management"]["text"] = [OWN_WORDS]
    zh = report(harbour).render("zh")
    assert "绩效评级为“优”的项目31个" in zh
    assert zh.index("绩效评级为“优”的项目31个") < zh.index(OWN_WORDS["zh"])


def test_an_empty_performance_management_is_a_placeholder_and_a_warning(harbour):
    """Not a sentence that would be published ("未填报…"): a visible placeholder to fill."""
    harbour["performance_management"] = {}
    r = report(harbour)
    assert "【请说明上海市港航事务中心2024年度预算绩效管理情况】" in r.render("zh")
    assert "未填报" not in r.render("zh")
    assert "[budget performance management of the" in r.render("en")
    assert [d.code for d in r.check() if d.code == "performance-missing"] == ["performance-missing"]


# -- the checker -------------------------------------------------------------------------------


def test_a_completion_rate_over_a_zero_budget_is_an_error_where_it_would_print(harbour):
    item = harbour["general_budget"]["classes"][1]["items"][0]  # 2101101: 312.50, 318.72 spent
    item["initial_budget"] = Decimal(0)
    harbour["general_budget"]["initial_budget"] -= Decimal("312.50")
    key = "general_budget.items.2101101.completion"

    def found(**style: str) -> list[str]:
        return [d.code for d in report(harbour, **style).check() if d.values.get("sentence") == key]

    assert found() == ["completion-without-budget"]  # no rate printed: the text words it
    assert found(item_completion_rate="yes") == ["completion-over-zero"]
    assert found(item_completion_rate="yes", budget_basis="full_year") == []  # 312.50 then
    zh = report(harbour, item_completion_rate="yes").render("zh")
    assert "年初预算为0万元，支出决算为318.72万元，因年初预算为0，不计算完成率。" in zh


@pytest.mark.parametrize(
    ("other", "code"),
    [("1899.85", None), ("6512.20", "reserved-counted-again"), ("1000.00", "sme-awards-sum")],
)
def test_sme_reserved_awards_counted_again(harbour, other, code):
    harbour["procurement"]["reserved"]["sme_awarded_other"] = Decimal(other)
    found = [
        d for d in report(harbour).check() if d.code in {"reserved-counted-again", "sme-awards-sum"}
    ]
    assert [d.code for d in found] == ([code] if code else [])
    if code == "reserved-counted-again":
        assert found[0].path == "procurement.reserved.sme_awarded_other"
        assert "似被再次计入了“其他政府采购项目”" in found[0].message("zh")
        assert "counted again" in found[0].message("en")


def test_reserved_awards_without_all_sme_awards_are_held_to_all_procurement(harbour):
    del harbour["procurement"]["sme"]
    harbour["procurement"]["reserved"]["sme_awarded_other"] = Decimal("4000.00")  # 8612.35
    codes = [d.code for d in report(harbour).check()]
    assert "reserved-counted-again" in codes
    harbour["procurement"]["reserved"]["sme_awarded_other"] = Decimal("100.00")  # below: fine
    assert not {"reserved-counted-again", "sme-awards-sum"} & {
        d.code for d in report(harbour).check()
    }


# -- the district example and its layer --------------------------------------------------------

DISTRICT = EXAMPLES / "shanghai-district-2024.yaml"
DISTRICT_LAYER = EXAMPLES / "district-layer"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_district_example_snapshot(lang, file_regression):
    r = Report(load_figures(read_file(DISTRICT)), phrasebanks=[DISTRICT_LAYER])
    text = sentences_per_line(r.render(lang))
    file_regression.check(text, basename=f"district-{lang}", extension=".txt", encoding="utf-8")


def test_the_district_layer_is_a_profile_and_two_phrases():
    files = sorted(
        str(p.relative_to(DISTRICT_LAYER)) for p in DISTRICT_LAYER.rglob("*") if p.is_file()
    )
    assert files == [
        "en/sources.yaml",
        "en/text.yaml",
        "profiles/shanghai-district-2024.yaml",
        "zh/text.yaml",
    ]
    profile = (DISTRICT_LAYER / "profiles" / "shanghai-district-2024.yaml").read_text("utf-8")
    assert "extends: shanghai-2024" in profile and "outline:" not in profile


def test_the_district_layer_checks_clean_and_its_english_is_current():
    from narrator.translation import check, status

    args = ("shanghai-district-2024", [DISTRICT_LAYER])
    assert [p for p in check(*args) if p.severity == "error"] == []
    assert status(*args) == []


def test_the_district_example_follows_its_district():
    r = Report(load_figures(read_file(DISTRICT)), phrasebanks=[DISTRICT_LAYER])
    assert r.bank.profile.name == "shanghai-district-2024"
    zh = r.render("zh")
    for clause in (
        "年初预算为5028.40万元，全年预算为5309.80万元，支出决算为5256.62万元，完成全年预算的99.00%。"
        "决算数小于全年预算数的主要原因：",
        "决算数与全年预算数持平。",
        "年初预算为30.00万元，全年预算为0.00万元，支出决算为0.00万元，完成全年预算的0.00%。",
        "一般公共预算财政拨款支出持平。",
        "卫生健康支出（类）124.85万元，占2.38%",  # half-up on its own (2.37% by remainder)
        "上海市云湖区民政局2024年度财政拨款收入支出总计5310.20万元。\n",
        "3. 上海市云湖区婚姻登记中心（预算不单列，并入本级）",
        "一般公共服务支出（类）社会工作事务（款）行政运行（项）",
        "1、上海市云湖区民政局2024年度无因公出国（境）费支出。",
        "公务用车购置支出为9.80万（含购置税等附加费用）。",
        "3、2024年度上海市云湖区民政局未发生公务接待费支出。",
    ):
        assert clause in zh, clause
    assert [d.code for d in r.check()] == ["shares-sum"]  # 100.01%: each share on its own


@pytest.mark.parametrize("basis", ["initial", "full_year", "both"])
@pytest.mark.parametrize("rate", ["no", "yes"])
def test_narrators_own_district_text_verifies_clean(harbour, basis, rate):
    """narrator verify never flags narrator's own text, whichever budget it compares with."""
    r = report(harbour, budget_basis=basis, item_completion_rate=rate, budget_equal="equal_to")
    assert r.verify(r.render("zh")) == []


def test_the_district_example_verifies_clean_and_reads_as_published_english():
    from tests.test_english_lint import lint_document

    r = Report(load_figures(read_file(DISTRICT)), phrasebanks=[DISTRICT_LAYER])
    assert r.verify(r.render("zh")) == []
    assert lint_document(r, publishable=True) == []


@pytest.mark.parametrize("profile", ["zhejiang-2019", "shanghai-2024"])
def test_generated_units_in_the_districts_style_read_as_published_and_verify_clean(profile):
    """Units not in the repository, in every one of the district's choices: the English is
    publishable (the English lint) and narrator verify finds nothing in narrator's Chinese."""
    from benchmarks.generate import generate
    from narrator.phrasebank import available_profiles
    from tests.test_english_lint import lint_document

    style = dict(available_profiles([DISTRICT_LAYER])["shanghai-district-2024"].style)
    for seed in range(30):
        r = Report(load_figures(generate(seed, profile)), style=style)
        assert lint_document(r) == [], seed
        assert r.verify(r.render("zh")) == [], seed
