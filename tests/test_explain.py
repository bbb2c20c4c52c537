"""Explain: for every sentence with a reason or a computed number, where it came from."""

from __future__ import annotations

import json

from narrator.cli import main
from narrator.figures import load_figures
from narrator.report import Report
from tests.conftest import SEED

KEYS = {"section", "sentence", "kind", "reason_source", "rule", "inputs", "defaulted", "zh", "en"}


def test_every_entry_has_the_documented_keys(seed_report):
    entries = seed_report.explain()
    assert entries
    for entry in entries:
        assert set(entry) == KEYS
        assert entry["reason_source"] in {"user", "rule", "missing", "not_needed"}
        assert all(isinstance(v, str) for v in entry["inputs"].values())
        # Machine-readable: input names are paths, never annotated in a language.
        assert all(" " not in name for name in entry["inputs"])
        assert set(entry["defaulted"]) <= set(entry["inputs"])
        assert entry["zh"] and entry["en"]


def test_a_rule_chosen_reason_names_its_rule_and_inputs(seed_report):
    entry = next(e for e in seed_report.explain() if e["sentence"] == "totals.change")
    assert entry["reason_source"] == "rule"
    assert entry["rule"] == "new_unit"
    assert entry["inputs"]["income.grand_total"] == "214.96"
    assert entry["inputs"]["unit.new"] == "True"
    assert entry["inputs"]["derived.state"] == "from_zero"
    # The seed unit has no prior year: the comparison's prior figure was taken as 0.
    assert entry["inputs"]["prior_year.grand_total"] == "0"
    assert entry["defaulted"] == ["prior_year.grand_total"]
    assert entry["zh"] in seed_report.render(lang="zh")
    assert entry["en"] in seed_report.render(lang="en")


def test_user_reasons_and_missing_ones_are_told_apart(draft_report):
    entries = {e["sentence"]: e for e in draft_report.explain()}
    assert entries["totals.change"]["reason_source"] == "user"
    assert entries["totals.change"]["rule"] is None
    missing = entries["fund_budget.completion"]
    assert (missing["reason_source"], missing["rule"]) == ("missing", "deviation_needs_reason")
    assert "【请说明原因】" in missing["zh"] and "[reason required]" in missing["en"]


def test_computed_numbers_are_explained_too(seed_report):
    entry = next(e for e in seed_report.explain() if e["sentence"] == "general_budget.structure")
    assert entry["kind"] == "computed"
    assert entry["inputs"]["general_budget.classes.221"] == "14.54"
    assert entry["inputs"]["derived.share.221"] == "6.77"


def test_only_sentences_the_profile_prints_are_explained(seed_data):
    zhejiang = {e["sentence"] for e in Report(load_figures(seed_data)).explain()}
    assert "three_public.change" not in zhejiang  # the seed's outline never says it
    assert "three_public.overseas.change" in zhejiang


def test_cli_explain_json_and_text(capsys):
    assert main(["explain", str(SEED), "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert {e["sentence"] for e in entries} >= {"totals.change", "income.shares"}
    assert main(["explain", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "[totals] totals.change  reason: rule new_unit" in out
    assert "reason: not needed" in out
    assert "    income.grand_total = 214.96" in out


def test_explain_and_rules_speak_the_language_asked_for(capsys):
    assert main(["explain", str(SEED), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "原因：规则 new_unit" in text and "reason:" not in text
    assert "未给出、按0计：prior_year.grand_total" in text
    assert main(["rules", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "条件：" in text and "when:" not in text and "来源：" in text
    assert main(["explain", str(SEED)]) == 0
    assert "reason: rule new_unit" in capsys.readouterr().out
