"""Reasons: user text first, then the first matching rule, else a visible placeholder."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from narrator.cli import main
from narrator.figures import load_figures
from narrator.phrasebank import PhrasebankError, load_phrasebank
from narrator.report import Report
from narrator.rules import RuleError, RuleSet, compile_condition
from tests.conftest import SEED


def decision(data: Any, key: str, **kwargs: Any) -> tuple[str, str | None]:
    reason = Report(load_figures(data), **kwargs).facts.sentence(key).reason
    return reason.source, reason.rule


def no_reasons(data: Any) -> Any:
    """The figures without any reason the unit gave (``reasons:`` and the items' own)."""
    data.pop("reasons", None)
    for budget in ("general_budget", "fund_budget", "state_capital_budget"):
        for cls in (data.get(budget) or {}).get("classes", ()):
            for item in cls.get("items", ()):
                item.pop("reason", None)
    return data


def edit(data: Any, path: str, value: Any) -> Any:
    node = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[last] = value
    return data


# (description, example, edits, sentence key, expected (source, rule))
CASES = [
    # new_unit_three_public
    (
        "new unit, 三公 part",
        "seed",
        {},
        "three_public.overseas.change",
        ("rule", "new_unit_three_public"),
    ),
    (
        "new unit with prior figures: not new_unit_three_public",
        "seed",
        {"prior_year": {"grand_total": 0, "fiscal_grand_total": 0, "general_expenditure": 0}},
        "three_public.overseas.change",
        ("not_needed", "nothing_either_year"),
    ),
    # new_unit
    ("new unit, totals", "seed", {}, "totals.change", ("rule", "new_unit")),
    (
        "unit established a year earlier: growth from zero needs the user's reason",
        "seed",
        {"unit.established.year": 2018},
        "totals.change",
        ("missing", "change_needs_reason"),
    ),
    # three_public_as_planned
    (
        "三公 spent as budgeted",
        "seed",
        {},
        "three_public.completion",
        ("rule", "three_public_as_planned"),
    ),
    (
        "三公 below budget: the unit must explain",
        "lakeside",
        {},
        "three_public.overseas.completion",
        ("missing", "deviation_needs_reason"),
    ),
    (
        "三公 part spent exactly as budgeted",
        "lakeside",
        {"three_public.overseas.budget": D("3.86")},
        "three_public.overseas.completion",
        ("rule", "three_public_as_planned"),
    ),
    # new_unit_no_initial_budget
    (
        "new unit without initial budget",
        "seed",
        {},
        "general_budget.completion",
        ("rule", "new_unit_no_initial_budget"),
    ),
    (
        "new unit with an initial budget",
        "seed",
        {"general_budget.initial_budget": D("10")},
        "general_budget.completion",
        ("missing", "deviation_needs_reason"),
    ),
    # no_initial_budget_supplementary
    (
        "no initial budget, supplementary in a known month",
        "lakeside",
        {"general_budget.initial_budget": 0, "unit.supplementary_budget_month": 6},
        "general_budget.completion",
        ("rule", "no_initial_budget_supplementary"),
    ),
    (
        "no initial budget, month unknown",
        "lakeside",
        {"general_budget.initial_budget": 0},
        "general_budget.completion",
        ("missing", "deviation_needs_reason"),
    ),
    # final_equals_budget
    (
        "item spent as budgeted",
        "lakeside",
        {"general_budget.classes.0.items.0.initial_budget": D("88.64")},
        "general_budget.items.2080501.completion",
        ("rule", "final_equals_budget"),
    ),
    (
        "item one fen over budget",
        "lakeside",
        {"general_budget.classes.0.items.0.initial_budget": D("88.63")},
        "general_budget.items.2080501.completion",
        ("missing", "deviation_needs_reason"),
    ),
    # nothing_either_year
    (
        "no 三公 in either year",
        "lakeside",
        {"three_public.overseas.amount": 0, "prior_year.three_public.overseas": 0},
        "three_public.overseas.change",
        ("not_needed", "nothing_either_year"),
    ),
    (
        "none this year, some last year",
        "lakeside",
        {"three_public.overseas.amount": 0},
        "three_public.overseas.change",
        ("missing", "change_needs_reason"),
    ),
    # flat
    (
        "the same as last year",
        "lakeside",
        {"prior_year.grand_total": D("4626.31")},
        "totals.change",
        ("not_needed", "flat"),
    ),
    (
        "one fen more than last year",
        "lakeside",
        {"prior_year.grand_total": D("4626.30")},
        "totals.change",
        ("missing", "change_needs_reason"),
    ),
]


@pytest.mark.parametrize(
    ("what", "example", "edits", "key", "expected"), CASES, ids=[case[0] for case in CASES]
)
def test_builtin_rule_fires_or_not(what, example, edits, key, expected, seed_data, lakeside_data):
    data = no_reasons(seed_data if example == "seed" else lakeside_data)
    for path, value in edits.items():
        edit(data, path, value)
    assert decision(data, key) == expected


def test_user_text_beats_every_rule(seed_data):
    seed_data["reasons"] = {"totals.change": {"zh": "另有原因", "en": "another reason"}}
    assert decision(seed_data, "totals.change") == ("user", None)
    report = Report(load_figures(seed_data))
    assert "主要原因是：另有原因。" in report.render()


def test_a_reason_on_an_item_is_the_users(lakeside_report):
    reason = lakeside_report.facts.sentence("general_budget.items.2130314.completion").reason
    assert reason.source == "user"


def test_no_reason_gives_a_visible_placeholder_never_an_invented_one(lakeside_data):
    no_reasons(lakeside_data)
    report = Report(load_figures(lakeside_data))
    text = report.render()
    assert (
        "与2022年度相比，收、支总计各增加407.85万元，增长9.67%。主要原因是：【请说明原因】。"
        in text
    )
    assert report.facts.sentence("totals.change").reason.source == "missing"


def test_rules_see_the_figures_they_decided_on(seed_report):
    reason = seed_report.facts.sentence("totals.change").reason
    assert reason.inputs["unit.new"] == "True"
    assert reason.inputs["prior_given"] == "False"


OVERLAY_RULES = """
rules:
  - id: new_unit
    description: Our office names the reform document.
    kinds: [change]
    when: "unit.new and not prior_given"
    reason: reform_document
"""
OVERLAY_REASONS = {
    "zh": "reform_document: 根据机构改革方案新设立，上年无可比数据\n",
    "en": "reform_document: it was set up under the institutional reform plan and has no comparable prior-year figures\n",
}


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    (tmp_path / "rules.yaml").write_text(OVERLAY_RULES, encoding="utf-8")
    for lang, text in OVERLAY_REASONS.items():
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "reasons.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_rule_selecting_a_phrase_missing_in_one_language_is_refused(tmp_path):
    (tmp_path / "rules.yaml").write_text(OVERLAY_RULES, encoding="utf-8")
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "reasons.yaml").write_text(OVERLAY_REASONS["zh"], encoding="utf-8")
    with pytest.raises(PhrasebankError, match=r"en/reasons\.yaml does not have"):
        load_phrasebank(None, [tmp_path])


def test_an_overlay_rule_overrides_a_builtin_one_in_place(overlay):
    bank = load_phrasebank(None, [overlay])
    ids = [rule.id for rule in bank.rules]
    assert ids == [rule.id for rule in load_phrasebank().rules]
    report = Report(load_figures(SEED), phrasebanks=[overlay])
    assert report.facts.sentence("totals.change").reason.phrase == "reform_document"
    assert "主要原因是：根据机构改革方案新设立，上年无可比数据。" in report.render()


def test_rules_command_lists_overlaid_rules_with_their_origin(overlay, capsys):
    assert main(["rules", "--phrasebank", str(overlay)]) == 0
    out = capsys.readouterr().out
    assert "new_unit [change] -> reform_document" in out
    assert str(overlay / "rules.yaml") in out
    assert "built-in rules.yaml" in out


def test_overlay_can_add_before_and_disable():
    base = load_phrasebank().rules
    added = base.overlay(
        [
            {
                "id": "mine",
                "description": "d",
                "kinds": ["change"],
                "when": "true",
                "reason": None,
                "before": "flat",
            },
            {"id": "new_unit_three_public", "disabled": True},
        ],
        "test",
    )
    ids = [rule.id for rule in added]
    assert ids.index("mine") == ids.index("flat") - 1
    assert "new_unit_three_public" not in ids


@pytest.mark.parametrize(
    "condition",
    [
        "unit.__class__",
        "unit.__class__.__mro__[1].__subclasses__()",
        "unit['__dict__']",
        "lipsum.__globals__",
        "cycler.__init__.__globals__.os",
        "joiner()",
        "'{0.__class__}'.format(unit)",
        "unit|attr('__class__')",
        "2 ** 1000",
        "import os",
        "{% import 'os' as os %}",
    ],
)
def test_malicious_conditions_are_refused_at_load(condition):
    with pytest.raises(RuleError) as info:
        RuleSet().overlay(
            [
                {
                    "id": "evil",
                    "description": "x",
                    "kinds": ["change"],
                    "when": condition,
                    "reason": None,
                }
            ],
            "overlay.yaml",
        )
    assert "overlay.yaml: rule 'evil'" in str(info.value)


@pytest.mark.parametrize(
    ("condition", "context"),
    [
        ("current ** prior", {"current": 10, "prior": 10**6}),
        ("'x' * current", {"current": 10**9}),
        ("99 ** 99 ** 99", {}),
    ],
)
def test_runaway_arithmetic_is_stopped_while_running(condition, context):
    test = compile_condition(condition)
    with pytest.raises(RuleError):
        test(context)


def test_an_unsafe_overlay_makes_render_exit_2(tmp_path, capsys):
    (tmp_path / "rules.yaml").write_text(
        "rules:\n  - {id: evil, description: x, kinds: [change], when: 'unit.__class__', "
        "reason: null}\n",
        encoding="utf-8",
    )
    assert main(["render", str(SEED), "--phrasebank", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "private attribute '__class__'" in err and "Traceback" not in err
