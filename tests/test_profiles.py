"""Profiles: regional wording and outlines over one figures model; overlays that validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrator import load
from narrator.cli import main
from narrator.figures import load_figures
from narrator.phrasebank import PhrasebankError, available_profiles, load_phrasebank
from narrator.report import Report
from tests.conftest import DRAFT, EXAMPLES, LAKESIDE, SEED, sentences_per_line

SHANGHAI = EXAMPLES / "shanghai-harbour-2024.yaml"


def test_builtin_profiles_are_listed():
    profiles = available_profiles()
    assert {"zhejiang-2019", "shanghai-2024"} <= set(profiles)
    assert "Shanghai" in profiles["shanghai-2024"].description


def test_the_seed_under_shanghai_follows_the_shanghai_template(seed_report):
    text = load(SEED, profile="shanghai-2024").render()
    assert (
        "诸暨市大数据发展管理中心2019年度收入支出总计214.96万元。与2018年度相比，收入支出总计增加214.96万元"
        in text
    )
    assert "主要原因：" in text
    assert "收、支总计" not in text
    # 不涉及的不列: nothing in 国防 or in 上级补助收入, so neither is listed.
    assert "国防" not in text and "上级补助收入" not in text
    assert "一般公共服务支出（类）187.32万元，占87.14%" in text
    assert "诸暨市大数据发展管理中心2019年度无政府性基金预算财政拨款收入和支出。" in text
    assert "诸暨市大数据发展管理中心2019年度无“三公”经费财政拨款支出。" in text
    assert text.startswith("诸暨市大数据发展管理中心2019年度部门决算\n\n第一部分 ")
    # The seed profile keeps its own wording for the same figures.
    assert "收、支总计各增加214.96万元" in seed_report.render()


def test_shanghai_states_flat_without_a_reason(lakeside_data):
    item = lakeside_data["general_budget"]["classes"][0]["items"][0]
    item["initial_budget"] = item["amount"]
    item.pop("reason", None)
    text = Report(load_figures(lakeside_data), profile="shanghai-2024").render()
    assert "年初预算为88.64万元，支出决算为88.64万元。预决算持平。" in text


def test_the_figures_file_may_name_its_profile(lakeside_data):
    lakeside_data["profile"] = "shanghai-2024"
    report = Report(load_figures(lakeside_data))
    assert report.bank.profile.name == "shanghai-2024"
    assert "收入支出总计" in report.render()


def test_an_unknown_profile_is_a_clear_error(capsys):
    assert main(["render", str(SEED), "--profile", "atlantis-2030"]) == 2
    assert "unknown profile 'atlantis-2030'" in capsys.readouterr().err


@pytest.fixture
def one_phrase(tmp_path: Path) -> Path:
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "text.yaml").write_text(
        "public_tables:\n  body: 详见本部门门户网站公开的附表。\n", encoding="utf-8"
    )
    return tmp_path


def test_an_overlay_overrides_one_phrase_and_nothing_else(one_phrase):
    base = load(LAKESIDE).document("zh")
    over = load(LAKESIDE, phrasebanks=[one_phrase]).document("zh")
    changed = [(a, b) for a, b in zip(base.blocks, over.blocks, strict=True) if a != b]
    assert [(a.key, b.text) for a, b in changed] == [
        ("public_tables.body", "详见本部门门户网站公开的附表。")
    ]
    # The English is untouched by a Chinese-only overlay.
    assert load(LAKESIDE).render(lang="en") == load(LAKESIDE, phrasebanks=[one_phrase]).render(
        lang="en"
    )


def test_an_overlay_key_the_phrasebank_does_not_have_names_file_and_line(tmp_path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "text.yaml").write_text(
        "totals:\n  heading: 总体情况\n  headline: 拼错的键\n", encoding="utf-8"
    )
    with pytest.raises(PhrasebankError) as info:
        load_phrasebank(None, [tmp_path])
    assert f"{tmp_path / 'zh' / 'text.yaml'}:3: 'totals.headline' is not a text key" in str(
        info.value
    )


def test_an_overlay_template_error_names_file_and_line(tmp_path, capsys):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "text.yaml").write_text(
        "income:\n  heading: 收入\n  body: '本年收入合计{{ amount(income.total) }'\n",
        encoding="utf-8",
    )
    assert main(["render", str(SEED), "--phrasebank", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'zh' / 'text.yaml'}:3: text 'income.body'" in err
    assert "Traceback" not in err


def test_an_overlay_may_change_a_term(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "terms.yaml").write_text(
        "reason_missing: '[explanation to follow]'\n", encoding="utf-8"
    )
    text = load(DRAFT, phrasebanks=[tmp_path]).render(lang="en")
    assert "[explanation to follow]" in text and "[reason required]" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shanghai_example_snapshot(lang, file_regression):
    text = sentences_per_line(load(SHANGHAI).render(lang=lang))
    file_regression.check(text, basename=f"shanghai-{lang}", extension=".txt", encoding="utf-8")


def test_seed_under_shanghai_snapshot(file_regression):
    text = sentences_per_line(load(SEED, profile="shanghai-2024").render(lang="zh"))
    file_regression.check(text, basename="seed-as-shanghai-zh", extension=".txt", encoding="utf-8")


@pytest.mark.parametrize("path", [SHANGHAI, LAKESIDE, SEED])
def test_shanghai_numbers_agree_in_both_languages(path):
    from tests.test_english import assert_numbers_agree

    assert assert_numbers_agree(load(path, profile="shanghai-2024")) > 20


def test_shanghai_follows_the_template_sentence_patterns():
    text = load(SHANGHAI).render()
    for pattern in (
        "2024年度收入支出总计",
        "与2023年度相比，收入支出总计",
        "主要原因：",
        "一般公共预算财政拨款支出年初预算为",
        "（含外宾接待支出",
        "在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额",
        "单价100万元（含）以上设备（不含车辆）",
        "绩效评级为“优”的项目",
        "一、财政拨款收入：",
        "预决算持平。",
    ):
        assert pattern in text, pattern
    assert "经营收入" not in text.split("第四部分")[0]  # 不涉及的不列
    assert "（增长）" not in text and "（减少）" not in text and "XX" not in text


def test_an_organisation_profile_in_a_few_files(tmp_path):
    """An office's own profile: one outline file plus a wording layer, over the built-ins."""
    (tmp_path / "profiles").mkdir()
    base = (EXAMPLES.parent / "phrasebanks" / "profiles" / "zhejiang-2019.yaml").read_text(
        encoding="utf-8"
    )
    (tmp_path / "profiles" / "county-office.yaml").write_text(
        base.replace("description: >-", "layers: [..]\ndescription: >-", 1), encoding="utf-8"
    )
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "text.yaml").write_text(
        "public_tables:\n  body: 公开表见县财政局门户网站。\n", encoding="utf-8"
    )
    report = load(LAKESIDE, profile="county-office", phrasebanks=[tmp_path])
    assert "公开表见县财政局门户网站。" in report.render()
    assert "county-office" in available_profiles([tmp_path])


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{paragraph: totals.body, colour: red}", "outline entry 1: unknown keys ['colour']"),
        ("{level: 2, when: 'true'}", "outline entry 1: no heading, paragraph or table"),
        ("just-a-key", "outline entry 1: expected a mapping"),
    ],
)
def test_a_bad_outline_entry_is_refused_when_the_profile_is_read(tmp_path, entry, problem):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "broken.yaml").write_text(
        f"description: x\noutline:\n  - {{heading: doc.title, level: 0}}\n  - {entry}\n",
        encoding="utf-8",
    )
    with pytest.raises(PhrasebankError) as caught:
        load_phrasebank("broken", [tmp_path])
    assert problem in str(caught.value) and "broken.yaml" in str(caught.value)


def _district(tmp_path: Path, profile: str, text: str = "") -> Path:
    (tmp_path / "profiles").mkdir(exist_ok=True)
    (tmp_path / "profiles" / "district.yaml").write_text(profile, encoding="utf-8")
    if text:
        (tmp_path / "zh").mkdir(exist_ok=True)
        (tmp_path / "zh" / "text.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_district_profile_extends_its_region_in_a_few_lines(tmp_path):
    """`extends:` takes the region's outline, layers, lists and prescriptions; the district
    adds its style defaults and its own layer on top."""
    layer = _district(
        tmp_path,
        "extends: shanghai-2024\nlayers: [..]\nstyle: {trim_rate_zeros: 'yes'}\n",
        "public_tables:\n  body: 详见区财政局网站。\n",
    )
    report = load(SHANGHAI, profile="district", phrasebanks=[layer])
    region = load(SHANGHAI)
    assert report.bank.profile.extends == "shanghai-2024"
    assert report.bank.profile.steps == region.bank.profile.steps
    assert report.bank.profile.prescribes == region.bank.profile.prescribes
    assert report.style["trim_rate_zeros"] == "yes"
    assert report.bank.layers[:2] == region.bank.layers
    assert "“三公”经费财政拨款支出" in report.render()  # the Shanghai wording layer is there
    assert available_profiles([layer])["district"].description.startswith("Shanghai")


@pytest.mark.parametrize(
    ("profile", "problem"),
    [
        ("extends: district\n", "profile 'district' extends itself: district -> district"),
        ("extends: atlantis-2030\n", "extends: unknown profile 'atlantis-2030'"),
        ("extends: shanghai-2024\nstyel: {}\n", "unknown keys ['styel']"),
        ("extends: [shanghai-2024]\n", "extends: expected the name of one profile"),
        ("style: {}\n", "expected an 'outline:' list"),
    ],
)
def test_a_bad_district_profile_is_refused_naming_its_file(tmp_path, profile, problem):
    layer = _district(tmp_path, profile)
    with pytest.raises(PhrasebankError) as caught:
        load_phrasebank("district", [layer])
    assert problem in str(caught.value) and "district" in str(caught.value)
