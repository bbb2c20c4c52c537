"""The figures model: exact numbers in, clear errors naming the field for bad input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from narrator.cli import main
from narrator.figures import FiguresError, json_schema, load_figures, parse_text, read_file


def test_yaml_numbers_arrive_as_exact_decimals(seed_data):
    assert seed_data["expenditure"]["project"] == Decimal("76.30")
    assert str(seed_data["expenditure"]["project"]) == "76.30"
    assert seed_data["income"]["total"] == Decimal("214.96")


def test_json_numbers_arrive_as_exact_decimals():
    assert parse_text('{"a": 214.96, "b": 1e2}', suffix=".json") == {
        "a": Decimal("214.96"),
        "b": Decimal("1E+2"),
    }


def test_amounts_in_yuan_are_converted_exactly(lakeside_data):
    lakeside = load_figures(lakeside_data)
    data = dict(lakeside_data)
    data["amount_unit"] = "元"
    data["procurement"] = {"goods": "78600", "works": 0, "services": "0.01", "total": "78600.01"}
    figures = load_figures(data | {"income": _scale(lakeside_data["income"])})
    assert figures.procurement is not None
    assert figures.procurement.goods == Decimal("7.86")
    assert figures.procurement.services == Decimal("0.000001")
    assert figures.income.total == lakeside.income.total


def _scale(node):
    if isinstance(node, dict):
        return {k: _scale(v) for k, v in node.items()}
    if isinstance(node, Decimal | int) and not isinstance(node, bool):
        return Decimal(node) * 10000
    return node


def _problems(data) -> list[tuple[str, str]]:
    with pytest.raises(FiguresError) as info:
        load_figures(data)
    return info.value.problems


def _set(data, path, value):
    node = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "expected_path", "expected_message"),
    [
        ("income.other", Decimal("-3"), "income.other", "must not be negative"),
        ("income.other", "abc", "income.other", "must be a number"),
        ("income.other", Decimal("1.23456789"), "income.other", "finer than one fen"),
        ("income.other", 1.5, "income.other", "not as the float"),
        ("income.other", True, "income.other", "not true/false"),
        (
            "three_public.overseas.groups",
            Decimal("2.5"),
            "three_public.overseas.groups",
            "whole number",
        ),
        (
            "three_public.overseas.groups",
            -1,
            "three_public.overseas.groups",
            "must not be negative",
        ),
        ("income.surplus", 1, "income.surplus", "unknown field"),
        (
            "general_budget.classes.0.code",
            "2x1",
            "general_budget.classes[0].code",
            "should match pattern",
        ),
    ],
)
def test_bad_values_name_the_field_and_the_problem(
    lakeside_data, path, value, expected_path, expected_message
):
    problems = _problems(_set(lakeside_data, path, value))
    assert any(p == expected_path and expected_message in m for p, m in problems), problems


def test_a_missing_required_figure_is_named(lakeside_data):
    del lakeside_data["income"]["total"]
    assert ("income.total", "is required but missing") in _problems(lakeside_data)


def test_every_problem_is_reported_at_once(lakeside_data):
    lakeside_data["income"]["other"] = Decimal("-1")
    lakeside_data["expenditure"]["basic"] = "x"
    paths = {path for path, _ in _problems(lakeside_data)}
    assert {"income.other", "expenditure.basic"} <= paths


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("unit: [unclosed", "not valid YAML"),
        ("unit: {name: x}\nincome: [\n\n", "line 4, column 1:"),
        ("unit: {name: x}\nincome: [\n\n", "(near 'income: [')"),
        ("a: 1\n b: 2\n", "not valid YAML at line 2, column 3: mapping values are not allowed"),
        ("- just\n- a list\n", "must be a mapping"),
        ("income: {total: .inf}\n", "income.total: must be a number"),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path: Path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FiguresError) as info:
        load_figures(read_file(path) if message != "the file is empty" else path)
    assert message in str(info.value)


def test_render_of_bad_input_exits_2_without_traceback(tmp_path: Path, lakeside_data, capsys):
    import yaml

    lakeside_data["income"]["other"] = "1.23456789"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_plain(lakeside_data), allow_unicode=True), encoding="utf-8")
    assert main(["render", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "income.other: is finer than one fen" in captured.err
    assert "Traceback" not in captured.err


def test_render_of_a_missing_file_exits_2(capsys):
    assert main(["render", "no/such/file.yaml"]) == 2
    assert "cannot be read" in capsys.readouterr().err


def _plain(node):
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, Decimal):
        return str(node)
    return node


def test_schema_describes_the_figures(capsys):
    schema = json_schema()
    assert {"unit", "income", "expenditure", "three_public"} <= set(schema["properties"])
    assert main(["schema"]) == 0
    assert '"Figures"' in capsys.readouterr().out


def test_a_bad_style_option_in_the_file_names_the_field(seed_data):
    seed_data["style"]["growth_from_zero"] = "maybe"
    problems = _problems(seed_data)
    assert problems == [
        ("style", "growth_from_zero: 'maybe' is not one of not_comparable, hundred_percent")
    ]


def test_an_unknown_profile_in_the_file_names_the_field(seed_data, capsys, tmp_path):
    import yaml

    seed_data["profile"] = "atlantis-2030"
    with pytest.raises(FiguresError) as info:
        from narrator.report import Report

        Report(load_figures(seed_data))
    assert info.value.problems[0][0] == "profile"
    path = tmp_path / "unit.yaml"
    path.write_text(yaml.safe_dump(_plain(seed_data), allow_unicode=True), encoding="utf-8")
    assert main(["render", str(path)]) == 2
    assert "profile: unknown profile 'atlantis-2030'" in capsys.readouterr().err
