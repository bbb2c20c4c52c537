"""The English report: the same decisions as the Chinese, in professional English."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from narrator import load
from narrator.cli import main
from narrator.document import Paragraph, pair
from narrator.figures import load_figures
from narrator.report import Report
from tests.conftest import EXAMPLES as EXAMPLES_DIR
from tests.conftest import LAKESIDE, SEED, sentences_per_line

SHANGHAI = EXAMPLES_DIR / "shanghai-harbour-2024.yaml"

EXAMPLES = {"seed": SEED, "lakeside": LAKESIDE}
#: Percentages the Chinese prints by a convention English states in words instead: growth
#: from nothing (增长100%), nothing in either year (增长0%), a zero share or rate (占0%);
#: and the whole of a listing of one (占100.00%), which English says as "all of it".
WORDED_IN_ENGLISH = {"0", "0.00", "100"}
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
ZH_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)万元")
EN_AMOUNT = re.compile(r"RMB (\d[\d,]*(?:\.\d+)?)( million)?")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_english_report_snapshot(name, file_regression):
    text = sentences_per_line(load(EXAMPLES[name]).render(lang="en"))
    file_regression.check(text, basename=f"{name}-en", extension=".txt", encoding="utf-8")


def test_the_bilingual_report_pairs_each_chinese_block_with_its_english(seed_report):
    # No snapshot of its own: it is the two held above, interleaved block by block.
    zh_blocks = seed_report.render(lang="zh").rstrip("\n").split("\n\n")
    en_blocks = seed_report.render(lang="en").rstrip("\n").split("\n\n")
    assert len(zh_blocks) == len(en_blocks) == len(seed_report.document("zh").blocks)
    both = seed_report.render(lang="both").rstrip("\n").split("\n\n")
    assert both == [text for pair_ in zip(zh_blocks, en_blocks, strict=True) for text in pair_]


def _wan(match: re.Match[str]) -> Decimal:
    number = Decimal(match.group(1).replace(",", ""))
    return number * 100 if match.group(2) else number / 10000


@pytest.mark.parametrize("name", list(EXAMPLES))
@pytest.mark.parametrize(
    "style", [{}, {"en_money": "yuan"}, {"growth_from_zero": "not_comparable"}]
)
def test_every_number_of_a_paragraph_is_in_its_translation(name, style):
    """Paragraph by paragraph: amounts (万元 vs RMB) and percentages match both ways."""
    assert assert_numbers_agree(load(EXAMPLES[name], style=style)) > 25


def assert_numbers_agree(report: Report) -> int:
    """Assert every paragraph's amounts and percentages agree across languages; count them.

    English says a zero amount, a zero share and the conventional 100% of growth from
    nothing in words ("There was no other revenue", "from nil"), so those are not compared.
    """
    pairs = pair(report.document("zh"), report.document("en"))
    assert all(zh is not None and en is not None for zh, en in pairs)
    checked = 0
    for zh, en in pairs:
        if not isinstance(zh, Paragraph):
            continue
        assert isinstance(en, Paragraph)
        zh_amounts = sorted({Decimal(m.group(1)) for m in ZH_AMOUNT.finditer(zh.text)} - {0})
        en_amounts = sorted({_wan(m) for m in EN_AMOUNT.finditer(en.text)})
        assert zh_amounts == en_amounts, (zh.key, zh.text, en.text)
        # A listing of one: English says "all of it" where the Chinese prints 占100.00%.
        whole = {"100.00"} if "all of it" in en.text else set()
        zh_pcts = sorted(set(PERCENT.findall(zh.text)) - WORDED_IN_ENGLISH - whole)
        en_pcts = sorted(set(PERCENT.findall(en.text)) - WORDED_IN_ENGLISH - whole)
        assert zh_pcts == en_pcts, (zh.key, zh.text, en.text)
        checked += len(zh_amounts) + len(zh_pcts)
    return checked


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_no_chinese_and_no_debris_in_english(name):
    text = load(EXAMPLES[name]).render(lang="en")
    assert CJK.findall(text) == []
    for debris in ("None", "{{", "}}", "{%", "  ", " ,", " .", ",,", "..", "[reason required]"):
        assert debris not in text, debris


def test_money_is_exact_never_rounded_away(seed_report):
    text = seed_report.render(lang="en")
    assert "RMB 2.1496 million" in text
    assert "RMB 2.15 million" not in text
    assert "RMB 2,149,600" in load(SEED, style={"en_money": "yuan"}).render(lang="en")


def test_the_amounts_of_one_sentence_share_one_scale_and_one_precision(seed_report):
    """Amounts read together are written alike: never "RMB 1.3866 million … RMB 763,000"."""
    text = seed_report.render(lang="en")
    assert (
        "basic expenditure of RMB 1.3866 million (64.51%) and project expenditure of "
        "RMB 0.7630 million (35.49%)" in text
    )
    # A sentence the Chinese carries over three paragraphs (…其中：/人员经费…；/公用经费…。)
    # is one sentence in English too: its parts share the total's scale.
    assert "Public (operating) expenses: RMB 0.0572 million" in text
    # A sentence of its own keeps its own scale: the document's style, applied per sentence.
    assert "The project's full-year budget was RMB 163,000" in text
    shanghai = load(SHANGHAI).render(lang="en")
    assert (
        "The initial budget was RMB 68.2000 million and expenditure in the final accounts "
        "was RMB 69.4736 million." in shanghai
    )


def test_plurals_follow_the_count(lakeside_report):
    text = lakeside_report.render(lang="en")
    assert re.search(r"\bone vehicle\b", text)
    assert re.search(r"\bfive vehicles\b", text)
    assert "one vehicles" not in text and "1 vehicles" not in text


def test_small_counts_are_words_unless_their_sentence_counts_ten_or_more(lakeside_report):
    # The house style: one to nine in words; a sentence that counts 10 or more of anything
    # gives all its counts in figures, never "three … 21".
    sentences = re.split(r"(?<=[.:;])\s+", lakeside_report.render(lang="en"))
    mixed = [
        s
        for s in sentences
        if re.search(
            r"\b(one|two|three|four|five|six|seven|eight|nine) (projects?|vehicles?|delegations?|receptions?|person-)",
            s,
        )
        and re.search(r"\b\d{2,} (projects?|vehicles?|receptions?|person-)", s)
    ]
    assert mixed == []
    assert any("3 projects at the first level and 21 projects" in s for s in sentences)
    assert any("one delegation" in s and "three person-trips" in s for s in sentences)
    never = Report(lakeside_report.figures, style={"count_words": "never"}).render(lang="en")
    assert re.search(r"\b1 delegation\b", never)


def test_counts_in_words_when_the_style_asks(seed_data):
    report = Report(load_figures(seed_data), style={"count_words": "always"})
    assert "sixteen" in report.render(lang="en")


def test_missing_english_free_text_is_marked_not_replaced_by_chinese(seed_data):
    seed_data["unit"]["duties"] = "只有中文的部门职责。"
    text = Report(load_figures(seed_data)).render(lang="en")
    assert "[English text missing: unit.duties]" in text
    assert "只有中文" not in text


def test_growth_from_zero_is_never_a_hundred_percent_in_english():
    """The Chinese convention 增长100% means a doubling in English: say there was nothing."""
    for style in ("hundred_percent", "not_comparable"):
        text = load(SEED, style={"growth_from_zero": style}).render(lang="en")
        assert "increased by RMB 2.1496 million, from nil in the previous year" in text
        assert "100%" not in text.split("Explanation of terms")[0].split("Budget performance")[0]
    assert "增长100%" in load(SEED).render(lang="zh")


def test_zero_budget_completion_is_worded_not_computed(seed_report):
    text = seed_report.render(lang="en")
    assert "214.96%" not in text
    assert "there was no initial budget for expenditure" in text
    # 0 ÷ 0 is no rate at all: neither budget nor spending, in words.
    assert "there was neither an initial budget for nor any expenditure" in text
    overall = seed_report.document("en").block("three_public.overall").text
    assert "no such expenditure was incurred" in overall and "100%" not in overall


@pytest.mark.parametrize("lang", ["en", "both"])
def test_cli_renders_english_and_both(lang, capsys, seed_report):
    assert main(["render", str(SEED), "--lang", lang]) == 0
    assert capsys.readouterr().out == seed_report.render(lang=lang)


def test_both_puts_each_english_block_after_its_chinese(seed_report):
    blocks = seed_report.render(lang="both").split("\n\n")
    zh_index = blocks.index(next(b for b in blocks if b.startswith("2019年度收、支总计")))
    assert blocks[zh_index + 1].startswith(
        "In 2019, the grand totals of revenue and of expenditure"
    )


def test_a_change_too_small_for_a_rate_is_said_in_words(lakeside_data):
    """A change that rounds to a rate of 0.00% is "marginal", never "by RMB …, or 0%"."""
    lakeside_data["prior_year"]["grand_total"] = "4626.10"  # 0.21 of 4626.31: 0.0045%
    text = Report(load_figures(lakeside_data)).render(lang="en")
    assert "both grand totals increased marginally, by RMB 2,100." in text
    assert not re.search(r"(?<![\d.])0%", text)
