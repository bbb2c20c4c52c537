"""The checker: every check fires on figures that break it and stays silent on figures that don't."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from narrator.api import load
from narrator.checks import CHECKS, CODES, Diagnostic, format_text, run_checks
from narrator.cli import main
from narrator.figures import read_file
from narrator.phrasebank import load_phrasebank
from narrator.report import Report

ROOT = Path(__file__).resolve().parent.parent
LAKESIDE = ROOT / "examples" / "lakeside-water-2023.yaml"
DRAFT = ROOT / "examples" / "lakeside-water-2023-draft.yaml"
SEED = ROOT / "examples" / "zhuji-bigdata-2019.yaml"

#: An edit that removes the key instead of setting it.
DELETE = object()

Edit = tuple[str, Any]


def _set(data: Any, path: str, value: Any) -> None:
    """Set, append (at the end of a list) or delete ``a.b[0].c`` in plain figures data.

    ``reasons.<sentence key>`` names one reason: sentence keys have dots of their own.
    """
    if path.startswith("reasons."):
        data.setdefault("reasons", {})[path.removeprefix("reasons.")] = value
        return
    keys: list[str | int] = []
    for part in path.split("."):
        name, *indexes = part.split("[")
        keys.append(name)
        keys.extend(int(index.rstrip("]")) for index in indexes)
    node = data
    for key in keys[:-1]:
        node = node[key]
    last = keys[-1]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list) and last == len(node):
        node.append(value)
    else:
        node[last] = value


def lakeside(*edits: Edit) -> Report:
    """The lakeside example (every identity holds) with ``edits`` applied."""
    data = copy.deepcopy(read_file(LAKESIDE))
    for path, value in edits:
        _set(data, path, value)
    return load(data)


def found(report: Report, code: str, path: str | None) -> list[Diagnostic]:
    return [d for d in report.check() if d.code == code and (path is None or d.path == path)]


def codes(diagnostics: Sequence[Diagnostic], severity: str | None = None) -> list[str]:
    return [d.code for d in diagnostics if severity is None or d.severity == severity]


_EN = {"zh": "说明", "en": "Explanation"}
_CLS_210 = "general_budget.classes[1]"  # 210 卫生健康: 2101101 43.12 + 2101102 18.25 = 61.37
# SME-reserved procurement adding up with lakeside's SME awards (500.00 + 198.30 = 698.30).
_RESERVED = {
    "sme_budget": "520.00",
    "small_micro_budget": "300.00",
    "sme_awarded": "500.00",
    "small_micro_awarded": "280.00",
    "sme_awarded_other": "198.30",
}

# (code, path of the diagnostic or None, edits that trigger it, edits that must not)
CASES: list[tuple[str, str | None, list[Edit], list[Edit]]] = [
    ("income-total", "income.total", [("income.other", "52.18")], []),
    ("fiscal-income-total", "income.fiscal.total", [("income.fiscal.general", "2852.18")], []),
    ("income-grand-total", "income.grand_total", [("income.carried_forward", "335.60")], []),
    ("expenditure-total", "expenditure.total", [("expenditure.project", "2846.65")], []),
    (
        "expenditure-grand-total",
        "expenditure.grand_total",
        [("expenditure.carried_over", "373.88")],
        [],
    ),
    (
        "grand-totals",
        "income.grand_total",
        # One fen apart is still an error: both are printings of one figure.
        [("expenditure.grand_total", "4626.32"), ("expenditure.carried_over", "363.89")],
        [],
    ),
    (
        "fiscal-grand-total-income",
        "fiscal.grand_total",
        [("fiscal.carried_forward", "278.40")],
        [],
    ),
    (
        "fiscal-grand-total-expenditure",
        "fiscal.grand_total",
        [("fiscal.carried_over", "293.58")],
        [],
    ),
    (
        "fiscal-expenditure",
        "fiscal.expenditure",
        [("fiscal.expenditure", "4067.00"), ("fiscal.carried_over", "273.58")],
        [],
    ),
    (
        "classes-sum",
        "general_budget.total",
        [(f"{_CLS_210}.items", []), (f"{_CLS_210}.amount", "71.37")],
        [(f"{_CLS_210}.items", []), (f"{_CLS_210}.amount", "61.38")],  # rounding only
    ),
    (
        "items-sum",
        f"{_CLS_210}.amount",
        [(f"{_CLS_210}.items[0].amount", "53.12")],
        [(f"{_CLS_210}.items[0].amount", "43.13")],  # rounding only
    ),
    (
        # A listed 款 counts for the class; its listed 项 must add up to it.
        "items-sum",
        f"{_CLS_210}.items[2].amount",
        [
            (f"{_CLS_210}.items[0].amount", "53.12"),
            (f"{_CLS_210}.items[2]", {"code": "21011", "amount": "61.37"}),
        ],
        [(f"{_CLS_210}.items[2]", {"code": "21011", "amount": "61.37"})],
    ),
    ("budget-basic-project", "general_budget.total", [("general_budget.project", "1497.30")], []),
    (
        "basic-total",
        "basic.total",
        [("basic.total", "1396.20"), ("basic.personnel.amount", "1238.65")],
        [],
    ),
    (
        "basic-parts",
        "basic.total",
        [("basic.public.amount", "167.55")],
        [("basic.public.amount", "157.56")],
    ),
    (
        "three-public-total",
        "three_public.amount",
        [("three_public.amount", "34.33")],
        [("three_public.amount", "33.34")],
    ),
    ("three-public-budget", "three_public.budget", [("three_public.budget", "37.00")], []),
    (
        "vehicles-parts",
        "three_public.vehicles.amount",
        [("three_public.vehicles.purchase", "15.80")],
        # Not given: nothing to compare.
        [("three_public.vehicles.purchase", DELETE), ("three_public.vehicles.operation", DELETE)],
    ),
    (
        "reception-parts",
        "three_public.reception.amount",
        [("three_public.reception.foreign.amount", "1.42")],
        [("three_public.reception.foreign", DELETE), ("three_public.reception.domestic", DELETE)],
    ),
    (
        "reception-counts",
        "three_public.reception.batches",
        [("three_public.reception.batches", 39)],
        [],
    ),
    (
        "procurement-total",
        "procurement.total",
        [("procurement.goods", "136.40")],
        [("procurement.goods", "126.41")],
    ),
    (
        "assets-vehicles",
        "assets.total_vehicles",
        [("assets.total_vehicles", 7)],
        [("assets.vehicles", DELETE)],
    ),
    ("rounding", "basic.total", [("basic.public.amount", "157.56")], []),
    (
        "sme-above-total",
        "procurement.sme",
        [("procurement.sme", "900.00")],
        [("procurement.sme", "826.45")],
    ),
    (
        "small-micro-above-sme",
        "procurement.small_micro",
        [("procurement.small_micro", "700.00")],
        [("procurement.small_micro", "698.30")],
    ),
    ("fiscal-above-income", "income.fiscal.total", [("income.total", "4000.00")], []),
    ("fiscal-above-expenditure", "fiscal.expenditure", [("expenditure.total", "4000.00")], []),
    (
        "evaluated-base",
        "performance.evaluated_base",
        [("performance.evaluated_base", "1500.00")],
        [("performance.evaluated_base", DELETE)],
    ),
    (
        "evaluated-above-project",
        "performance.evaluated_amount",
        [("performance.evaluated_amount", "1500.00")],
        [("performance.evaluated_amount", "1400.00")],
    ),
    (
        "vehicles-purchased-above-fleet",
        "three_public.vehicles.purchased",
        [("three_public.vehicles.purchased", 6)],
        [("three_public.vehicles.purchased", 5)],
    ),
    (
        # The general-budget completion sentence states a rate: over a zero budget, an error.
        "completion-over-zero",
        "general_budget.total",
        [("general_budget.initial_budget", "0")],
        [("general_budget.initial_budget", "2900")],
    ),
    (
        # An item sentence without a rate (item_completion_rate: no) only words it.
        "completion-without-budget",
        "general_budget.items[2101101].amount",
        [(f"{_CLS_210}.items[0].initial_budget", "0"), ("style", {"item_completion_rate": "no"})],
        [(f"{_CLS_210}.items[0].initial_budget", "0")],  # with a rate: completion-over-zero
    ),
    (
        "reserved-counted-again",
        "procurement.reserved.sme_awarded_other",
        [("procurement.reserved", _RESERVED | {"sme_awarded_other": "698.30"})],
        [("procurement.reserved", _RESERVED)],
    ),
    (
        "sme-awards-sum",
        "procurement.sme",
        [("procurement.reserved", _RESERVED | {"sme_awarded_other": "100.00"})],
        [("procurement.reserved", _RESERVED | {"sme_awarded_other": "198.29"})],  # rounding
    ),
    (
        "unknown-code",
        f"{_CLS_210}.items[0].code",
        [(f"{_CLS_210}.items[0].code", "2101188")],
        [],
    ),
    (
        "item-outside-class",
        f"{_CLS_210}.items[0].code",
        [(f"{_CLS_210}.items[0].code", "2080505")],
        [],
    ),
    (
        "item-name-mismatch",
        "general_budget.classes[2].items[0].name",
        [("general_budget.classes[2].items[0].name", {"zh": "水污染防治", "en": "Water"})],
        # Spacing and half-width brackets are not a different name.
        [("general_budget.classes[2].items[0].name", {"zh": "水 体", "en": "Water"})],
    ),
    (
        "used-for-contradicts",
        "general_budget.classes[4].items[0].used_for",
        [
            (
                "general_budget.classes[4].items[0].used_for",
                {"zh": "按规定为职工缴纳的基本医疗保险", "en": "medical insurance"},
            )
        ],
        [],
    ),
    (
        "reason-missing",
        "reasons.general_budget.items.2080501.completion",
        [("reasons", DELETE)],
        [],
    ),
    (
        "english-missing",
        "unit.name",
        [("unit.name", "临湖县水利局")],
        [("unit.name", "Linhu 2023")],  # nothing Chinese to translate
    ),
    (
        "english-name-comma",
        "unit.name",
        [("unit.name", {"zh": "临湖县水利局", "en": "Water Resources Bureau, Linhu County"})],
        [("unit.name", {"zh": "临湖县文化广电旅游局", "en": "Culture, Radio and Tourism Bureau"})],
    ),
    ("unknown-reason-key", "reasons.totals.chnage", [("reasons.totals.chnage", _EN)], []),
    (
        "prior-year-missing",
        "prior_year",
        [("prior_year", DELETE)],
        [("prior_year", DELETE), ("unit.established", {"year": 2023})],
    ),
]


@pytest.mark.parametrize(
    ("code", "path", "trigger", "quiet"),
    CASES,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(CASES)],
)
def test_check_fires_and_stays_quiet(
    code: str, path: str | None, trigger: list[Edit], quiet: list[Edit]
) -> None:
    """Each check reports figures that break it, and only those."""
    hits = found(lakeside(*trigger), code, path)
    assert hits, f"{code} not reported at {path}"
    for hit in hits:
        assert hit.severity == CODES[code]
        assert hit.message_zh and hit.message_en  # every placeholder is given
    assert not found(lakeside(*quiet), code, path)


def test_lakeside_satisfies_every_identity() -> None:
    """The lakeside example adds up exactly: no error, no rounding note."""
    diagnostics = lakeside().check()
    assert codes(diagnostics, "error") == []
    assert codes(diagnostics, "info") == []
    assert set(codes(diagnostics)) <= {"reason-missing", "english-missing"}


def test_rounding_beyond_tolerance_is_an_error() -> None:
    """Two parts may be off by one fen in all; two fen is a real difference."""
    report = lakeside(("basic.public.amount", "157.57"))
    assert [d.code for d in report.check() if d.path == "basic.total"] == ["basic-parts"]


def test_item_outside_class_names_both_codes() -> None:
    """Item 2080505 filed under class 210 is an error naming the item and the class."""
    report = lakeside((f"{_CLS_210}.items[0].code", "2080505"))
    (hit,) = found(report, "item-outside-class", None)
    assert hit.values == {"code": "2080505", "class": "210"}
    assert "2080505" in hit.message_zh and "210" in hit.message_zh
    assert "卫生健康" in hit.message_zh and "Health" in hit.message_en


# -- the seed --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> list[Diagnostic]:
    return load(SEED).check()


def test_seed_errors_are_its_sme_awards_and_its_completion_over_zero(
    seed: list[Diagnostic],
) -> None:
    """The seed's SME awards (46.96 of 7.86 procurement) and its "完成年初预算的214.96%"
    against an initial budget of 0 are its errors (SPEC: "an error to flag")."""
    assert codes(seed, "error") == ["sme-above-total", "completion-over-zero"]
    over = next(d for d in seed if d.code == "completion-over-zero")
    assert (
        over.values["sentence"] == "general_budget.completion" and over.values["budget"] == "0.00"
    )
    expected = Diagnostic(
        "sme-above-total",
        "error",
        ("procurement.sme", "procurement.total"),
        {"sme": "46.96", "total": "7.86", "difference": "39.10", "share": "597.46"},
    )
    assert expected in seed


def test_seed_evaluated_funds_against_project_expenditure(seed: list[Diagnostic]) -> None:
    """540.85 evaluated against 76.30 of project expenditure is a warning."""
    hits = [d for d in seed if d.code == "evaluated-above-project"]
    assert [(d.severity, d.values["evaluated"], d.values["project"]) for d in hits] == [
        ("warning", "540.85", "76.30")
    ]
    assert "540.85" in hits[0].message_zh and "76.30" in hits[0].message_en
    assert [d.severity for d in seed if d.code == "evaluated-base"] == ["warning"]


def test_seed_rounding_differences_are_only_info(seed: list[Diagnostic]) -> None:
    """132.95 + 5.72 against 138.66, and the classes' 214.95 against 214.96: info only."""
    rounding = {d.path: d for d in seed if d.code == "rounding"}
    assert set(rounding) == {"basic.total", "general_budget.total"}
    assert all(d.severity == "info" for d in rounding.values())
    assert rounding["basic.total"].values["sum"] == "138.67"
    assert rounding["general_budget.total"].values["sum"] == "214.95"
    assert not {"basic-parts", "classes-sum"} & set(codes(seed))
    # The 住房保障 share printed 6.77% (6.76% on its own) so that the classes add up to 100%.
    assert set(codes(seed, "info")) == {"rounding", "shares-adjusted"}


# -- diagnostics and messages ----------------------------------------------------------------


def test_diagnostics_compare_and_hash_by_value() -> None:
    """Two diagnostics with the same code, severity, paths and values are equal."""
    a = Diagnostic("rounding", "info", ("basic.total",), {"sum": "138.67"})
    b = Diagnostic("rounding", "info", ["basic.total"], {"sum": "138.67"}, bank=load_phrasebank())
    assert a == b and hash(a) == hash(b)
    assert a != Diagnostic("rounding", "info", ("basic.total",), {"sum": "138.68"})
    with pytest.raises(ValueError):
        Diagnostic("rounding", "fatal", ())  # type: ignore[arg-type]


def test_every_code_has_a_message_in_both_languages() -> None:
    """Codes, registered checks and message files agree."""
    bank = load_phrasebank()
    registered = set().union(*(c.codes for c in CHECKS))
    assert registered == set(CODES)
    for lang in ("zh", "en"):
        messages = bank.language(lang).diagnostics["messages"]
        assert set(messages) == set(CODES), lang


def test_messages_follow_each_language(seed: list[Diagnostic]) -> None:
    """Chinese messages have no stray spaces; English ones no Chinese of their own."""
    for d in lakeside(("procurement.sme", "900.00"), ("unit.name", "临湖县水利局")).check() + seed:
        if d.code != "english-missing":
            assert not re.search(r"[\u4e00-\u9fff]", d.message_en), d.message_en
        assert " " not in d.message_zh.replace(d.path, ""), d.message_zh


def test_run_checks_is_the_report_check() -> None:
    """Report.check is run_checks over the report's figures and facts, cached."""
    report = load(SEED)
    assert report.check() == run_checks(report.figures, report.facts, bank=report.bank)
    assert report.check() is not report.check()  # a fresh list each time


# -- the command line ------------------------------------------------------------------


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """0 without errors, 1 with errors (or warnings under --strict), 2 for an unreadable file."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("unit: [", encoding="utf-8")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("unit: {}\n", encoding="utf-8")
    assert main(["check", str(LAKESIDE)]) == 0
    assert main(["check", str(SEED)]) == 1
    assert main(["check", "--strict", str(LAKESIDE)]) == 0  # complete: nothing to warn of
    assert main(["check", "--strict", str(DRAFT)]) == 1  # a draft: reasons still missing
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    assert main(["check", str(invalid)]) == 2
    capsys.readouterr()
    assert main(["check", str(bad), str(LAKESIDE)]) == 2
    out, err = capsys.readouterr()
    assert "bad.yaml" in err and str(LAKESIDE) in out  # the other file is still checked


def test_cli_text_groups_by_file_and_severity(capsys: pytest.CaptureFixture[str]) -> None:
    """Text output names each file, then its errors before warnings before info."""
    main(["check", str(SEED), "--lang", "zh"])
    out = capsys.readouterr().out
    assert out.startswith(str(SEED))
    assert out.index("错误（2）") < out.index("警告（") < out.index("提示（3）")
    assert "\033[" not in out  # not a terminal: no colour


def test_format_text_colours_only_when_asked() -> None:
    """Severity headings are coloured only on request; a clean file says so."""
    assert "No problems found." in format_text([("f.yaml", [])], lang="en")
    diagnostics = load(SEED).check()
    assert "\033[1;31m" in format_text([("f.yaml", diagnostics)], lang="en", colour=True)
    assert "\033[" not in format_text([("f.yaml", diagnostics)], lang="en")


def test_cli_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON is a list of objects with file, code, severity, path and messages."""
    assert main(["check", "--format", "json", str(SEED)]) == 1
    objects = json.loads(capsys.readouterr().out)
    keys = {"file", "code", "severity", "path", "message", "message_zh", "message_en", "values"}
    assert objects and all(keys <= set(obj) for obj in objects)
    (sme,) = [obj for obj in objects if obj["code"] == "sme-above-total"]
    assert sme["file"] == str(SEED)
    assert sme["severity"] == "error" and sme["path"] == "procurement.sme"
    assert sme["message"] == sme["message_en"] != sme["message_zh"]
    assert sme["values"]["sme"] == "46.96"
    main(["check", "--format", "json", "--lang", "zh", str(SEED)])
    zh = json.loads(capsys.readouterr().out)
    assert all(obj["message"] == obj["message_zh"] for obj in zh)


def test_render_strict_refuses_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """render --strict writes nothing and exits 1 when the figures have errors."""
    assert main(["render", "--strict", str(SEED)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "sme-above-total" in err
    assert main(["render", str(SEED)]) == 0  # rendering anyway is the user's choice
    assert capsys.readouterr().out
    assert main(["render", "--strict", str(LAKESIDE)]) == 0
