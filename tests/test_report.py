"""The rendered reports, held as snapshots, and the Report API analysts draft with."""

from __future__ import annotations

from decimal import Decimal

import pytest

from narrator import load
from narrator.cli import main
from tests.conftest import LAKESIDE, SEED, sentences_per_line

EXAMPLES = {"seed": SEED, "lakeside": LAKESIDE}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_chinese_report_snapshot(name, file_regression):
    text = sentences_per_line(load(EXAMPLES[name]).render(lang="zh"))
    file_regression.check(text, basename=f"{name}-zh", extension=".txt", encoding="utf-8")


def test_cli_prints_the_same_report(capsys, seed_report):
    assert main(["render", str(SEED), "--lang", "zh"]) == 0
    assert capsys.readouterr().out == seed_report.render(lang="zh")


def test_changing_one_figure_rerenders_its_sentences(lakeside_report):
    changed = lakeside_report.with_figure("procurement.sme", Decimal("100.00"))
    text = changed.render()
    assert "授予中小企业合同金额100.00万元" in text
    assert "授予中小企业合同金额100.00万元" not in lakeside_report.render()


def test_a_user_reason_replaces_the_placeholder(draft_report):
    key = "fund_budget.completion"
    assert draft_report.facts.sentence(key).reason.source == "missing"
    changed = draft_report.with_reason(key, "部分工程结转下年。", "Some works were carried over.")
    assert changed.facts.sentence(key).reason.source == "user"
    assert "主要原因是：部分工程结转下年。" in changed.render()


def test_no_template_debris_in_the_chinese_report(seed_report, lakeside_report):
    for report in (seed_report, lakeside_report):
        text = report.render()
        for debris in ("None", "{{", "}}", "{%", "  ", "，，", "。。", "（增长）", "XX"):
            assert debris not in text


def test_amounts_are_printed_with_two_decimals(seed_report):
    text = seed_report.render()
    assert "项目支出76.30万元" in text
    assert "76.3万元" not in text


def test_style_options_are_validated(capsys):
    assert main(["render", str(SEED), "--style", "growth_from_zero=maybe"]) == 2
    assert "growth_from_zero" in capsys.readouterr().err


def test_growth_from_zero_wording_follows_the_style():
    default = load(SEED, style={"growth_from_zero": "not_comparable"}).render()
    assert "增长100%" not in default
    assert "增加214.96万元（上年为0，增幅不适用）" in default
    assert "各增加214.96万元，增长100%" in load(SEED).render()


def test_a_report_cannot_be_changed_only_redrafted(seed_report):
    with pytest.raises(AttributeError):
        seed_report.figures = None
    with pytest.raises(TypeError):
        seed_report.style["list_zero_lines"] = "no"
    assert not hasattr(seed_report, "__dict__")  # nothing can be written beside its fields
    redrafted = seed_report.with_figure("procurement.sme", "5.00")
    assert redrafted is not seed_report and redrafted.figures.procurement.sme == Decimal("5")
    assert seed_report.figures.procurement.sme == Decimal("46.96")
