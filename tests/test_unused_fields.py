"""A figures field that is accepted is used or refused: the checker's ``field-unused``.

Each field below was found by perturbing one field at a time of the examples and generated
units and rendering both languages under each profile: under the profiles listed as
ignoring it, neither text nor any check changed. Here, giving it there is a warning naming
it (and the text is indeed the same without it); giving it where the profile prints it is
no warning (and the text does change).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from narrator import load
from narrator.checks.core import check_data
from narrator.figures import Figures, read_file
from narrator.phrasebank import load_phrasebank
from narrator.report import Report

EXAMPLES = Path(__file__).parent.parent / "examples"
ZJ, SH = "zhejiang-2019", "shanghai-2024"

# (example, field, a value to give it (None: the example's own), profiles ignoring it,
# profiles printing it)
CASES: list[tuple[str, str, Any, tuple[str, ...], tuple[str, ...]]] = [
    ("shanghai-harbour-2024", "unit.members", None, (ZJ,), (SH,)),
    (
        "shanghai-harbour-2024",
        "three_public.vehicles.used_for",
        {"zh": "公务用车", "en": "cars"},
        (SH,),
        (ZJ,),
    ),
    ("shanghai-harbour-2024", "three_public.vehicles.purchase_used_for", None, (ZJ,), (SH,)),
    ("shanghai-harbour-2024", "three_public.vehicles.operation_used_for", None, (ZJ,), (SH,)),
    ("shanghai-harbour-2024", "state_capital_budget", None, (ZJ,), (SH,)),
    ("zhuji-bigdata-2019", "performance", None, (SH,), (ZJ,)),
    ("shanghai-harbour-2024", "performance_management", None, (ZJ,), (SH,)),
    ("lakeside-water-2023", "operating_costs.budget", None, (SH,), (ZJ,)),
    ("shanghai-harbour-2024", "procurement.small_micro", None, (SH,), (ZJ,)),
    ("shanghai-harbour-2024", "procurement.reserved", None, (ZJ,), (SH,)),
    ("shanghai-harbour-2024", "assets.general_equipment", 3, (SH,), (ZJ,)),
    ("shanghai-harbour-2024", "assets.equipment_1m", None, (ZJ,), (SH,)),
    ("shanghai-harbour-2024", "assets.vehicles.other_use", None, (SH,), (ZJ,)),
    ("shanghai-harbour-2024", "prior_year.three_public.total", None, (ZJ,), (SH,)),
    ("shanghai-harbour-2024", "prior_year.fund_expenditure", None, (SH,), (ZJ,)),
    ("shanghai-harbour-2024", "prior_year.state_capital_expenditure", None, (ZJ, SH), ()),
    ("shanghai-harbour-2024", "glossary_notes", None, (ZJ,), (SH,)),
]


def _pair(example: str, field: str, value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The example's figures without the field, and with it given."""
    data = read_file(EXAMPLES / f"{example}.yaml")
    data.pop("profile", None)
    *parents, name = field.split(".")
    without, given = copy.deepcopy(data), copy.deepcopy(data)
    for holder, keep in ((without, False), (given, True)):
        for part in parents:
            holder = holder[part]
        if keep:
            if value is not None:
                holder[name] = value
            assert holder.get(name), f"{example} gives no {field}"
        else:
            holder.pop(name, None)
    return without, given


def _text(report: Report) -> tuple[str, str]:
    return report.render("zh"), report.render("en")


def _unused(report: Report) -> list[str]:
    return [d.path for d in report.check() if d.code == "field-unused"]


@pytest.mark.parametrize(("example", "field", "value", "ignoring", "printing"), CASES)
def test_a_field_the_profile_ignores_is_a_warning_naming_it(
    example: str, field: str, value: Any, ignoring: tuple[str, ...], printing: tuple[str, ...]
) -> None:
    without, given = _pair(example, field, value)
    for profile in ignoring:
        report = load(given, profile=profile)
        assert field in _unused(report), profile
        assert field not in _unused(load(without, profile=profile))
        # The declaration is true: the report is the same without the field.
        assert _text(report) == _text(load(without, profile=profile)), profile
        found = next(d for d in report.check() if d.path == field)
        for lang in ("zh", "en"):
            message = found.message(lang)
            assert field in message and profile in message
    for profile in printing:
        report = load(given, profile=profile)
        assert field not in _unused(report), profile
        assert _text(report) != _text(load(without, profile=profile)), profile


def test_an_empty_or_zero_field_is_no_warning() -> None:
    data = read_file(EXAMPLES / "shanghai-harbour-2024.yaml")
    data.pop("profile")
    data["unit"]["members"] = []
    data["prior_year"]["state_capital_expenditure"] = 0
    data["assets"]["equipment_1m"] = 0
    unused = _unused(load(data, profile=ZJ))
    assert "unit.members" not in unused
    assert "prior_year.state_capital_expenditure" not in unused
    assert "assets.equipment_1m" not in unused


def test_every_declared_field_is_a_figures_field() -> None:
    for profile in (ZJ, SH):
        declared = check_data(load_phrasebank(profile).layers)["printed_by"]
        for field in declared:
            model: type[BaseModel] | None = Figures
            for part in field.split("."):
                assert model is not None and part in model.model_fields, (profile, field)
                model = _model_of(model.model_fields[part].annotation)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field's type holds (through Optional, tuples and Annotated), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def test_the_examples_warn_only_of_fields_their_profile_ignores() -> None:
    """The examples' figures are the units' real tables: what their profile does not print
    is expected and named here, so that a new spurious warning fails."""
    expected = {
        "zhuji-bigdata-2019": [],
        "lakeside-water-2023": [],
        "lakeside-water-2023-draft": [],
        "shanghai-harbour-2024": [
            "procurement.small_micro",
            "assets.vehicles.other_use",
            "prior_year.fund_expenditure",
            "prior_year.state_capital_expenditure",
        ],
    }
    for name, fields in expected.items():
        assert _unused(load(EXAMPLES / f"{name}.yaml")) == fields, name
    district = load(
        EXAMPLES / "shanghai-district-2024.yaml", phrasebanks=[EXAMPLES / "district-layer"]
    )
    assert _unused(district) == []


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("profile", [ZJ, SH])
def test_a_generated_unit_warns_only_of_fields_its_report_leaves_out(
    seed: int, profile: str
) -> None:
    """Every field-unused warning on a generated unit is true: without the field, the text
    in both languages is the same."""
    from benchmarks.generate import generate

    data = generate(seed, profile)
    report = load(data, profile=profile)
    for field in _unused(report):
        without = copy.deepcopy(data)
        *parents, name = field.split(".")
        holder = without
        for part in parents:
            holder = holder[part]
        del holder[name]
        assert _text(load(without, profile=profile)) == _text(report), field
