"""narrator verify on reports worded by people, for kinds of unit the examples do not cover.

``tests/data/human/<unit>.zh.txt`` is narrator's own Chinese for ``tests/data/units/<unit>.yaml``
rewritten as a finance office writes it: other but correct phrasings (比上年增加, 较上年度增长,
同比增加, 与年初预算相比), amounts in 元 or without decimals, full-width digits and ％, spaces
inside numbers, headings on their own lines, items named by code or by name alone. A correct
text gives no finding, however its lines are broken; each error a real report carries, put in
once, gives exactly its finding.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from narrator import load
from narrator.report import Report

DATA = Path(__file__).resolve().parent / "data"
UNITS = ("qingxi-enforcement-2019", "dongtan-school-2024", "yunhu-data-2024")


@cache
def report(unit: str) -> Report:
    return load(DATA / "units" / f"{unit}.yaml")


def human(unit: str) -> str:
    return (DATA / "human" / f"{unit}.zh.txt").read_text(encoding="utf-8")


def wrapped(text: str, width: int) -> str:
    """Lines cut every ``width`` characters, inside numbers too, as PDF text comes."""
    out: list[str] = []
    for line in text.splitlines():
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("unit", UNITS)
def test_narrators_own_text_verifies_clean(unit):
    assert report(unit).verify(report(unit).render("zh")) == []


@pytest.mark.parametrize("width", [None, 23, 31, 37])
@pytest.mark.parametrize("unit", UNITS)
def test_the_human_wording_verifies_clean(unit, width):
    text = human(unit) if width is None else wrapped(human(unit), width)
    assert [(f.code, f.written, f.expected) for f in report(unit).verify(text)] == []


# Correct sentences a report may write instead of the human text's: (unit, old, new).
CORRECT = [
    # A 项 named alone at a point of the listing, without （项）, with and without 支出.
    (
        "yunhu-data-2024",
        "6．住房保障支出（类）住房改革支出（款）住房公积金（项）。主要用于：",
        "6．住房公积金：主要用于",
    ),
    (
        "yunhu-data-2024",
        "6．住房保障支出（类）住房改革支出（款）住房公积金（项）。主要用于：",
        "（6）住房公积金支出。主要用于",
    ),
    (
        "yunhu-data-2024",
        "4．机关事业单位职业年金缴费支出（项）",
        "4.机关事业单位职业年金缴费支出（项）",
    ),
    ("yunhu-data-2024", "完成全年预算的95.29%", "预算执行率95.29%"),
    ("yunhu-data-2024", "全年预算为1350.00万元", "调整后预算为1350.00万元"),
    (
        "yunhu-data-2024",
        "基本支出486.45万元，占37.81％",
        "基本支出486.45万元，占本年支出合计的37.81％",
    ),
    ("yunhu-data-2024", "人员经费420.45万元", "人员经费4,204,500.00元"),
    (
        "yunhu-data-2024",
        "“三公”经费财政拨款支出年初预算为2.00万元，支出决算为0元，完成预算的0%。",
        "“三公”经费财政拨款支出预算为2万元，支出决算为零，完成预算的0.00%。",
    ),
    ("dongtan-school-2024", "比上年增加312.40万元，增长3.51％", "比上年增长3.51％，增加312.40万元"),
    (
        "dongtan-school-2024",
        "比上年增加312.40万元，增长3.51％",
        "比2023年度的8900.00万元增加312.40万元，增长3.51％",
    ),
    ("dongtan-school-2024", "同比增加150.80万元，增长2.28%", "较2023年度增长2.28%"),
    ("dongtan-school-2024", "决算数与预算数持平。", "决算数等于预算数。"),
    # A fall written as negative growth.
    (
        "dongtan-school-2024",
        "公务接待费支出决算减少3,000元，下降20.00%",
        "公务接待费支出决算减少0.30万元，增长－20.00%",
    ),
    # Codes in brackets before or after the name, a path joined by dashes.
    ("dongtan-school-2024", "5、2080505机关事业单位", "5、【2080505】机关事业单位"),
    (
        "dongtan-school-2024",
        "5、2080505机关事业单位基本养老保险缴费支出。",
        "5、机关事业单位基本养老保险缴费支出（2080505）。",
    ),
    (
        "dongtan-school-2024",
        "（类）行政事业单位养老支出（款）事业单位离退休（项）",
        "（类）-行政事业单位养老支出（款）-事业单位离退休（项）",
    ),
    ("qingxi-enforcement-2019", "增加 393.80 万元，增长 9.15%", "增加 393.8 万元，增长 9.2%"),
    # 小于 the full-year budget it names, though the sentence states the initial one.
    (
        "dongtan-school-2024",
        "支出决算为2100.00万元。决算数大于预算数的主要原因",
        "支出决算为2100.00万元。决算数小于全年预算数的主要原因",
    ),
    # Both words before one amount: the nearer one says what it is.
    (
        "qingxi-enforcement-2019",
        "年初预算为 0 万元，支出决算为 85.40 万元。",
        "年初无预算，支出决算为 85.40 万元，为年中追加。",
    ),
    ("qingxi-enforcement-2019", "减少 2.10 万元，下降 100%", "减少 2.1 万元，下降 100.00%"),
]


@pytest.mark.parametrize(("unit", "old", "new"), CORRECT)
def test_other_correct_wordings_verify_clean(unit, old, new):
    text = human(unit)
    assert old in text
    found = report(unit).verify(text.replace(old, new, 1))
    assert [(f.code, f.written, f.expected) for f in found] == []


# Errors real reports carry, each put in once: (unit, old, new, code, section).
ERRORS = [
    (
        "yunhu-data-2024",
        "本年支出合计1286.45万元",
        "本年支出合计1268.45万元",
        "amount-mismatch",
        "expenditure",
    ),
    (
        "yunhu-data-2024",
        "486.45万元，占37.81％",
        "486.45万元，占37.81",
        "percent-missing",
        "expenditure",
    ),
    (
        "yunhu-data-2024",
        "支出决算为24.15万元。决算数小于全年预算数",
        "支出决算为24.15万元。决算数大于全年预算数",
        "relation-contradicts",
        "general_budget",
    ),
    (
        "yunhu-data-2024",
        "完成全年预算的95.29%",
        "完成全年预算的96.29%",
        "rate-mismatch",
        "general_budget",
    ),
    (
        "yunhu-data-2024",
        "住房保障支出45.00万元，占3.50%",
        "住房保障支出45.00万元，占3.05%",
        "share-mismatch",
        "general_budget",
    ),
    # A 项 named alone, with another's amount.
    (
        "yunhu-data-2024",
        "为２９．１０万元，支出决算",
        "为２９．０１万元，支出决算",
        "amount-mismatch",
        "general_budget",
    ),
    ("dongtan-school-2024", "增长3.51％", "增长（下降）3.51％", "template-leftover", "totals"),
    ("dongtan-school-2024", "增长3.51％", "增长-3.51％", "relation-contradicts", "totals"),
    # A doubled full stop in a heading.
    (
        "qingxi-enforcement-2019",
        "2.政府采购支出情况。",
        "2.政府采购支出情况。。",
        "repeated-text",
        "procurement",
    ),
    # A line the unit does not have, written with an amount and that amount's share: the
    # amount is the one error.
    (
        "qingxi-enforcement-2019",
        "其他收入 15.20 万元，占收入合计 0.34%",
        "其他收入 15.20 万元，占收入合计 0.34%；事业收入 5.00 万元，占收入合计 0.11%",
        "amount-mismatch",
        "income",
    ),
    # 小于 the only budget the sentence states (年初预算), though less than the full-year one.
    (
        "dongtan-school-2024",
        "支出决算为2100.00万元。决算数大于预算数",
        "支出决算为2100.00万元。决算数小于预算数",
        "relation-contradicts",
        "general_budget",
    ),
    # A school's name, and the year after it, in the sentence they open.
    (
        "dongtan-school-2024",
        "上海市东滩区第一中学2024年度收入、支出总计",
        "上海市东滩区第二中学2024年度收入、支出总计",
        "unit-name-mismatch",
        "totals",
    ),
    (
        "dongtan-school-2024",
        "上海市东滩区第一中学2024年度收入、支出总计",
        "上海市东滩区第一中学2023年度收入、支出总计",
        "year-mismatch",
        "totals",
    ),
    (
        "dongtan-school-2024",
        "比上年增加312.40万元",
        "比上年减少312.40万元",
        "relation-contradicts",
        "totals",
    ),
    # 6750.80 of the full-year budget 6830.50, said of the initial budget.
    (
        "dongtan-school-2024",
        "完成年初预算的104.74%",
        "完成年初预算的98.83%",
        "completion-wrong-budget",
        "general_budget",
    ),
    (
        "dongtan-school-2024",
        "事业收入860.40万元，占10.81％",
        "事业收入860.40万元，占10.18％",
        "share-mismatch",
        "income",
    ),
    (
        "dongtan-school-2024",
        "经营支出882,000.00元",
        "经营支出88,200.00元",
        "amount-mismatch",
        "expenditure",
    ),
    (
        "dongtan-school-2024",
        "公务接待费支出决算减少3,000元",
        "公务接待费支出决算增加3,000元",
        "relation-contradicts",
        "three_public",
    ),
    (
        "dongtan-school-2024",
        "住房保障支出（类）390.00万元，占5.78%。",
        "住房保障支出（类）390.00万元，占5.78%；城乡社区支出（类）0万元，占0%。",
        "zero-line-listed",
        "general_budget",
    ),
    (
        "dongtan-school-2024",
        "8、住房保障支出",
        "9、教育支出（类）普通教育（款）小学教育（项）。年初预算为50.00万元，支出决算为50.00万元。\n8、住房保障支出",
        "line-not-in-figures",
        "general_budget",
    ),
    (
        "dongtan-school-2024",
        "共接待10批次、80人次",
        "共接待10批次、60人次",
        "count-mismatch",
        "three_public",
    ),
    (
        "qingxi-enforcement-2019",
        "减少 200.00 万元，下降 20.00%",
        "减少 200.00 万元，下降 25.00%",
        "rate-mismatch",
        "fund_budget",
    ),
    (
        "qingxi-enforcement-2019",
        "公务用车保有量为 12 辆",
        "公务用车保有量为 11 辆",
        "count-mismatch",
        "three_public",
    ),
    (
        "qingxi-enforcement-2019",
        "支出决算为 85.40 万元。决算数大于",
        "支出决算为 85.40 万元，完成年初预算的 100%。决算数大于",
        "ratio-over-zero",
        "general_budget",
    ),
    (
        "qingxi-enforcement-2019",
        "2019 年度收、支总计 4695.90 万元",
        "2019 年度收、支总计 4659.90 万元",
        "amount-mismatch",
        "totals",
    ),
    (
        "qingxi-enforcement-2019",
        "（3）公务接待费预算数为 5.00 万元，支出决算为 0 万元",
        "（3）公务接待费预算数为 5.00 万元，支出决算为 0.50 万元",
        "amount-mismatch",
        "three_public",
    ),
]


@pytest.mark.parametrize(("unit", "old", "new", "code", "section"), ERRORS)
def test_each_injected_error_is_found_once_at_its_place(unit, old, new, code, section):
    text = human(unit)
    assert old in text
    changed = text.replace(old, new, 1)
    found = report(unit).verify(changed)
    assert [(f.code, f.section) for f in found] == [(code, section)]
    start = text.index(old)
    assert start <= found[0].span[0] < start + len(new) + 1


@pytest.mark.parametrize("unit", UNITS)
def test_the_human_wording_as_pdf_verifies_clean_and_finds_the_same_error(unit, tmp_path):
    from tests.test_verify import write_pdf

    assert report(unit).verify(write_pdf(human(unit), tmp_path / "r.pdf")) == []
    old, new, code = {
        "qingxi-enforcement-2019": ("增长 9.15%", "增长 9.15", "percent-missing"),
        "dongtan-school-2024": (
            "占本年支出合计的91.37%",
            "占本年支出合计的85.66%",
            "share-mismatch",
        ),
        "yunhu-data-2024": ("完成全年预算的95.29%", "完成全年预算的96.29%", "rate-mismatch"),
    }[unit]
    changed = human(unit).replace(old, new, 1)
    found = report(unit).verify(write_pdf(changed, tmp_path / "e.pdf"))
    assert [f.code for f in found] == [code]
    assert [f.code for f in report(unit).verify(changed)] == [code]


def test_shares_rounded_by_another_convention_than_the_profiles_are_accepted():
    """The district rounds each share on its own (85.67%); a report that rounds by the
    largest remainder (85.66%, the list adding up to 100.00%) is not wrong."""
    layer = Path(__file__).resolve().parent.parent / "examples" / "district-layer"
    r = load(
        DATA / "units" / "dongtan-school-2024.yaml",
        profile="shanghai-district-2024",
        phrasebanks=[layer],
    )
    text = human("dongtan-school-2024")
    assert "财政拨款收入6,820.50万元，占85.66％" in text
    assert r.verify(text) == []
    wrong = text.replace("占85.66％", "占85.76％", 1)
    assert [(f.code, f.written) for f in r.verify(wrong)] == [("share-mismatch", "85.76%")]
