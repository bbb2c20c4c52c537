"""A figures file from many hands: every number as written or refused, never a traceback.

Each class of hostile input is tried through the command line (exit 2, one short message
naming the file and the field or line) and through the API (:class:`FiguresError`).
The files are the lakeside example with one line changed.
"""

from __future__ import annotations

import decimal
import json
import os
import re
import threading
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

import narrator
from narrator.cli import main
from narrator.datafile import PLAIN_DECIMAL
from narrator.errors import InputError
from narrator.figures import (
    AMOUNT_LIMIT_WAN,
    COUNT_LIMIT,
    FEN_IN_WAN,
    FiguresError,
    load_figures,
    read_file,
)
from tests.conftest import LAKESIDE

TEXT = LAKESIDE.read_text(encoding="utf-8")
AMOUNT_LINE = "  other: 42.18"  # income.other
COUNT_LINE = "    groups: 1"  # three_public.overseas.groups
FIELDS = {
    "amount": ("income.other", AMOUNT_LINE, "  other: {}"),
    "count": ("three_public.overseas.groups", COUNT_LINE, "    groups: {}"),
}


def _line_of(text: str, line: str) -> int:
    lines = text.split("\n")
    assert lines.count(line) == 1, line
    return lines.index(line) + 1


def _replace(old: str, new: str, text: str = TEXT) -> str:
    assert text.split("\n").count(old) == 1, old
    return "\n".join(new if line == old else line for line in text.split("\n"))


def _write(tmp_path: Path, text: str, name: str = "unit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _json(indent: int | None = None) -> str:
    """The lakeside figures as JSON, amounts as plain-decimal strings (the model reads them)."""
    return json.dumps(read_file(LAKESIDE), ensure_ascii=False, indent=indent, default=str)


def _with(tmp_path: Path, field: str, written: str) -> Path:
    _, old, new = FIELDS[field]
    return _write(tmp_path, _replace(old, new.format(written)))


def refused_by_cli(capsys: pytest.CaptureFixture[str], path: Path, *needles: str) -> str:
    """``narrator render PATH`` exits 2 with one short message naming the file."""
    assert main(["render", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.startswith(f"narrator: {path}")
    for needle in needles:
        assert needle in captured.err, captured.err
    assert len(captured.err) < 1200, captured.err[:2000]
    return captured.err


def refused_by_api(source: Any, path: str | None = None, needle: str = "") -> FiguresError:
    with pytest.raises(FiguresError) as info:
        narrator.load(source)
    if path is not None:
        found = info.value.problems
        assert any(p == path and needle in m for p, m in found), found
    return info.value


# -- YAML 1.1 number forms -------------------------------------------------------------

YAML_11_FORMS = {
    "0512": "octal",
    "0o17": "octal (1.2)",
    "0x1F": "hex",
    "0b101": "binary",
    "1:30": "sexagesimal",
    "95,00": "digit grouping",
    "1,234.56": "digit grouping",
    "1_000": "underscores",
    ".5": "no integer part",
    "5.": "no fraction digits",
    ".inf": "infinity",
    "-.Inf": "infinity",
    ".nan": "not a number",
    "１２": "full-width digits",
}


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("written", sorted(YAML_11_FORMS))
def test_yaml_11_number_forms_are_refused_naming_the_field(tmp_path, capsys, field, written):
    path = _with(tmp_path, field, written)
    name = FIELDS[field][0]
    refused_by_cli(capsys, path, f"{name}: must be a number written as a plain decimal")
    refused_by_api(path, name, "plain decimal")


def test_those_forms_stay_as_written_in_text_fields(tmp_path):
    text = _replace("        phone: 0570-0000000", "        phone: 0512")
    text = _replace('        start: "2023.1"', "        start: 2023-01-01", text)
    text = _replace("    zh: 临湖县水利局", "    zh: 1:30", text)
    figures = narrator.load(_write(tmp_path, text)).figures
    assert figures.unit.name.zh == "1:30"
    table = figures.performance.self_evaluations[0].table  # type: ignore[union-attr]
    assert (table.phone, table.start) == ("0512", "2023-01-01")  # type: ignore[union-attr]


# -- true/false, negative zero, precision --------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "  year: 2023",
            "  year: 2023\n  supplementary_budget_month: true",
            "unit.supplementary_budget_month",
            "must be a whole number, not true/false",
        ),
        (COUNT_LINE, "    groups: true", "three_public.overseas.groups", "not true/false"),
        (AMOUNT_LINE, "  other: false", "income.other", "must be a number, not true/false"),
        ("  fiscal_pilot: false", "  fiscal_pilot: yes", "performance.fiscal_pilot", "'yes'"),
        ("  fiscal_pilot: false", "  fiscal_pilot: 1", "performance.fiscal_pilot", "true or false"),
        (
            "  departmental_results: [0]",
            "  departmental_results: [true]",
            "performance.departmental_results[0]",
            "not true/false",
        ),
        (
            "  departmental_results: [0]",
            "  departmental_results: [3]",
            "performance.departmental_results",
            "index 3 names no project",
        ),
    ],
)
def test_true_false_and_indexes_are_not_numbers(tmp_path, capsys, old, new, path, message):
    file = _write(tmp_path, _replace(old, new))
    refused_by_cli(capsys, file, f"{path}: ", message)
    refused_by_api(file, path, message)


@pytest.mark.parametrize(
    ("field", "written", "message"),
    [
        ("amount", "-0", "negative zero"),
        ("amount", "-0.00", "negative zero"),
        ("count", "-0", "negative zero"),
        ("amount", "1.0e+308", "is too large: an amount must be less than 1,000,000,000,000 万元"),
        ("amount", "1E+999999999", "is too large"),
        ("amount", "123456789012345678901234567890", "is too large"),  # 30 significant digits
        ("amount", "12345678.1234567890123456789012", "is finer than one fen"),  # 30 as well
        ("amount", "1E-999999999", "is finer than one fen"),
        ("amount", "0.0000001", "is finer than one fen"),
        ("count", "1E+999999999", "is too large"),
        ("count", "1000000000", "is too large: a count must be less than 1,000,000,000"),
        ("count", "2.5", "must be a whole number"),
        pytest.param(
            "amount",
            "9" * 5000,
            "line 59, column 10: a number longer than 100 characters",
            id="amount-5000-digits",
        ),
        pytest.param(
            "count", "1" * 5000, "a number longer than 100 characters", id="count-5000-digits"
        ),
    ],
)
def test_values_beyond_the_model_are_refused_naming_the_field(
    tmp_path, capsys, field, written, message
):
    path = _with(tmp_path, field, written)
    name = FIELDS[field][0]
    refused_by_cli(capsys, path, f"{name}: ", message)
    refused_by_api(path, name, message.split(":")[-1].strip())


@pytest.mark.parametrize(
    ("written", "expected"),
    [("1.5E+2", "150"), ("4.218E+1", "42.18"), ("42.1800000000", "42.180000"), ("+42.18", "42.18")],
)
def test_an_exponent_is_fine_when_the_value_is_exact_to_the_fen(tmp_path, written, expected):
    figures = narrator.load(_with(tmp_path, "amount", written)).figures
    assert str(figures.income.other) == expected  # exact, and printed plainly


# -- structure: depth, duplicates, aliases, tags ---------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nesting deeper than 64 levels"),
        ("deep.json", '{"unit": ' * 100_000, "nesting deeper than 64 levels"),
        ("deep.yaml", "unit: " + "[" * 100_000, "nesting"),
        ("deep.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(100)), "nesting deeper"),
    ],
)
def test_deep_nesting_is_refused(tmp_path, capsys, name, text, message):
    path = _write(tmp_path, text, name)
    refused_by_cli(capsys, path, message)
    refused_by_api(path)


def test_duplicate_yaml_keys_name_both_lines(tmp_path, capsys):
    text = _replace(AMOUNT_LINE, AMOUNT_LINE + "\n  other: 1.00")
    first = _line_of(text, AMOUNT_LINE)
    path = _write(tmp_path, text)
    message = f"line {first + 1}, column 3: duplicate key 'other', first at line {first}"
    refused_by_cli(capsys, path, "income.other: ", message)
    refused_by_api(path, "income.other", message)


def test_duplicate_json_keys_name_both_lines(tmp_path, capsys):
    text = _json(indent=2)
    old = '    "other": "42.18",'
    text = _replace(old, old + '\n    "other": "1.00",', text)
    first = _line_of(text, old)
    path = _write(tmp_path, text, "unit.json")
    message = f"line {first + 1}, column 5: duplicate key 'other', first at line {first}"
    refused_by_cli(capsys, path, "income.other: ", message)
    refused_by_api(path, "income.other", message)


BOMB = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BOMB, "line 1, column 4: an anchor (&a) is not allowed"),
        (_replace(AMOUNT_LINE, "  other: &x 42.18"), "line 59, column 10: an anchor (&x)"),
        (TEXT + "\nextra: *x\n", "an alias (*x) is not allowed"),
        (_replace("income:", "income:\n  <<: {other: 1.00}"), "a merge key (<<) is not allowed"),
        (_replace(AMOUNT_LINE, "  other: !!float 42.18"), "line 59, column 10: the tag"),
        (TEXT + "\n---\nunit: {}\n", "a second document ('---') is not allowed"),
        ("unit: !!python/object/apply:os.system ['touch pwned']\n", "is not allowed"),
    ],
)
def test_aliases_merge_keys_and_tags_are_refused_naming_the_line(tmp_path, capsys, text, message):
    path = _write(tmp_path, text)
    start = time.perf_counter()
    refused_by_cli(capsys, path, message)
    refused_by_api(path)
    assert time.perf_counter() - start < 2
    assert not (tmp_path / "pwned").exists()


# -- the file itself: BOM, FIFO, directory, size, encoding -----------------------------


def test_a_byte_order_mark_is_accepted(tmp_path, capsys):
    plain = _write(tmp_path, TEXT, "plain.yaml")
    marked = tmp_path / "marked.yaml"
    marked.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert main(["render", str(plain), "--lang", "zh"]) == 0
    expected = capsys.readouterr().out
    assert main(["render", str(marked), "--lang", "zh"]) == 0
    assert capsys.readouterr().out == expected != ""
    json_marked = tmp_path / "marked.json"
    json_marked.write_bytes(b"\xef\xbb\xbf" + _json().encode("utf-8"))
    assert narrator.load(json_marked).figures == narrator.load(plain).figures


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "unit.yaml"
    os.mkfifo(fifo)
    codes: list[int] = []
    runner = threading.Thread(target=lambda: codes.append(main(["render", str(fifo)])), daemon=True)
    runner.start()
    runner.join(timeout=5)
    if runner.is_alive():  # blocked in open(): release it, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("narrator render blocked on a FIFO")
    assert codes == [2]
    err = capsys.readouterr().err
    assert f"{fifo}: cannot be read: it is a FIFO (named pipe), not a regular file" in err
    refused_by_api(fifo)


def test_a_directory_is_refused(tmp_path, capsys):
    folder = tmp_path / "unit.yaml"
    folder.mkdir()
    assert main(["check", str(folder)]) == 2
    assert "cannot be read: it is a directory" in capsys.readouterr().err
    refused_by_api(folder)


def test_a_huge_single_line_file_gives_a_short_message(tmp_path, capsys):
    huge = _write(tmp_path, "unit: '" + "x" * 10_000_000, "huge.yaml")
    refused_by_cli(capsys, huge, "is too large: more than the 4,194,304 bytes")
    # Under the size cap, a broken long line is quoted in at most 80 characters.
    long = _write(tmp_path, "unit: " + "x" * 3_000_000 + ": y\n", "long.yaml")
    err = refused_by_cli(capsys, long, "not valid YAML at line 1")
    assert len(err) < 400


def test_a_file_that_is_not_utf8_names_the_line(tmp_path, capsys):
    path = tmp_path / "unit.yaml"
    path.write_bytes(
        _replace(AMOUNT_LINE, "  other: 4\u2082").encode().replace(b"\xe2\x82", b"\xc1")
    )
    refused_by_cli(capsys, path, "is not UTF-8 text: byte 0xC1 at line 59, byte 11")


def test_many_problems_and_long_keys_give_a_short_message(tmp_path, capsys):
    junk = "".join(f"  junk{i}: 1\n" for i in range(500))
    text = _replace("income:", "income:\n" + junk + "  " + "k" * 1000 + ": 1")
    err = refused_by_cli(capsys, _write(tmp_path, text), "income.junk0: unknown field", "more")
    assert "k" * 200 not in err


# -- free text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "    zh: 临湖县水利局",
            "    zh: 临湖县\u202e局利水",
            "unit.name.zh",
            "contains U+202E RIGHT-TO-LEFT OVERRIDE",
        ),
        (
            "    zh: 临湖县水利局",
            '    zh: "临湖县\\u2066水利局"',
            "unit.name.zh",
            "contains U+2066 LEFT-TO-RIGHT ISOLATE",
        ),
        (
            "    en: Linhu County Water Resources Bureau",
            "    en: Linhu County\u200b Water Resources Bureau",
            "unit.name.en",
            "contains U+200B ZERO WIDTH SPACE",
        ),
        (
            "    zh: 临湖县水利局",
            '    zh: "临湖县\\ufeff水利局"',
            "unit.name.zh",
            "contains U+FEFF ZERO WIDTH NO-BREAK SPACE",
        ),
        (
            "    zh: 政府性基金预算安排的农村供水提标改造、城区排涝泵站及临湖水库扩容提升等项目支出增加",
            '    zh: "项目支出增加\\e[31m\\a"',
            "reasons.totals.change.zh",
            "contains U+001B (a control character)",
        ),
        (
            "    zh: 政府性基金预算安排的农村供水提标改造、城区排涝泵站及临湖水库扩容提升等项目支出增加",
            '    zh: "项目支出增加\\r覆盖"',
            "reasons.totals.change.zh",
            "contains U+000D CARRIAGE RETURN",
        ),
    ],
)
def test_control_bidi_and_zero_width_characters_are_refused(
    tmp_path, capsys, old, new, path, message
):
    file = _write(tmp_path, _replace(old, new))
    err = refused_by_cli(capsys, file, f"{path}: {message}")
    assert "\u202e" not in err and "\x1b" not in err  # the message itself is safe to print
    refused_by_api(file, path, message)


def test_raw_control_characters_and_unsafe_keys_are_refused_naming_the_line(tmp_path, capsys):
    raw = _replace("    zh: 临湖县水利局", "    zh: 临湖县\x07水利局")
    refused_by_cli(capsys, _write(tmp_path, raw), "line 23", "characters are not allowed")
    key = _replace("  totals.change:", "  totals\u202e.change:")
    refused_by_cli(capsys, _write(tmp_path, key), "line 398", "contains U+202E")


# -- the API: mappings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("1E+30"), "is too large"),
        (Decimal("1E+999999999"), "is too large"),
        pytest.param(10**5000, "is too large", id="5000-digit-int"),
        (42.18, "not as the float 42.18"),
        (Decimal("NaN"), "must be a finite number"),
        (Decimal("-Infinity"), "must be a finite number"),
        (Decimal("-0"), "negative zero"),
        (Decimal("1.0000000001"), "finer than one fen"),
        ("1,234.56", "plain decimal"),
        ("0x1F", "plain decimal"),
        (" 42.18", "plain decimal"),
        pytest.param("4" * 200, "at most 100 characters", id="200-digit-text"),
        (True, "not true/false"),
        ([Decimal(1)], "must be a number, got list"),
    ],
)
def test_a_mapping_is_held_to_the_same_rules(lakeside_data, value, message):
    lakeside_data["income"]["other"] = value
    error = refused_by_api(lakeside_data, "income.other", message)
    assert len(str(error)) < 500


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("unit.supplementary_budget_month", True, "not true/false"),
        ("unit.supplementary_budget_month", Decimal("2.5"), "whole number"),
        ("unit.year", 2023.0, "not as the float"),
        ("unit.year", "0x7E7", "plain decimal"),
        ("unit.year", Decimal("1E+999999999"), "is too large"),
        ("performance.fiscal_pilot", "true", "must be true or false"),
        ("performance.fiscal_evaluations", [0, "0x1"], "plain decimal"),
        ("performance.self_evaluations[0].score", Decimal("1E+999999999"), "between 0 and 100"),
        ("performance.self_evaluations[0].score", "-0", "negative zero"),
        ("unit.name.zh", "临湖\u2069县", "U+2069 POP DIRECTIONAL ISOLATE"),
        ("reasons.totals.change.en", "up\x9b31m", "U+009B (a control character)"),
        ("unit.name.en", "x\ud800", "lone surrogate"),
    ],
)
def test_a_mapping_keeps_integers_flags_scores_and_text_strict(lakeside_data, path, value, message):
    node = lakeside_data
    *parents, last = re.findall(r"totals\.change|[^.\[\]]+", path)
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = value
    where = path if not isinstance(value, list) else f"{path}[1]"
    refused_by_api(lakeside_data, where, message)


# -- Report.with_figure ----------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> narrator.Report:
    return narrator.load(LAKESIDE)


@pytest.mark.parametrize(
    "path", ["general_budget.classes[0].amount", "general_budget.classes.0.amount"]
)
def test_with_figure_takes_the_checkers_paths_and_dotted_ones(report, path):
    changed = report.with_figure(path, "1.00")
    assert changed.figures.general_budget.classes[0].amount == Decimal("1.00")
    assert report.figures.general_budget.classes[0].amount != Decimal("1.00")


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        ("general_budget.classes[99].amount", "1", "general_budget.classes[99]", "no such item"),
        ("general_budget.classes.99.amount", "1", "general_budget.classes[99]", "no such item"),
        ("general_budget.nope", "1", "general_budget.nope", "unknown field"),
        ("unit.year.month", 1, "unit.year.month", "unit.year is a single figure"),
        ("income[0]", 1, "income[0]", "income is a mapping"),
        ("general_budget.classes.first", 1, "general_budget.classes.first", "is a list"),
        ("general_budget..total", 1, "general_budget..total", "is not a path"),
        pytest.param(
            "general_budget.classes." + "9" * 5000,
            1,
            "general_budget.classes." + "9" * 5000,
            "is a list",
            id="5000-digit-index",
        ),
        pytest.param(
            "income[" + "9" * 5000 + "]",
            1,
            ("income[" + "9" * 5000)[:120],
            "is not a path",
            id="5000-digit-bracket",
        ),
        ("income.other", 42.18, "income.other", "not as the float"),
        ("amount_unit", "元", "amount_unit", "amounts are already in 万元"),
    ],
)
def test_with_figure_names_the_path_it_cannot_use(report, path, value, where, message):
    with pytest.raises(FiguresError) as info:
        report.with_figure(path, value)
    assert any(p == where and message in m for p, m in info.value.problems), info.value


def test_with_figure_never_rescales_amounts(report):
    same = report.with_figure("amount_unit", "万元")
    assert same.figures.income.total == report.figures.income.total


# -- the property ----------------------------------------------------------------------

#: Pieces of YAML scalars: digits, signs, dots, commas, underscores, colons, exponents,
#: prefixes, leading zeros, words YAML 1.1 reads as booleans or infinities, quotes, tags.
PIECES = st.sampled_from(
    [
        "0", "1", "2", "5", "9", "00", "42", "-", "+", ".", ",", "_", ":", "e", "E", "e+",
        "E-", "0x", "0o", "0b", "1F", "true", "False", "yes", "No", "on", "~", "null",
        ".inf", ".nan", "NaN", "Infinity", "'", '"', " ", " #", "１", "٣", "!!str ",
        "!!int ", "&a ", "*a", "[", "]", "{", "}",
    ]
)  # fmt: skip
SCALARS = st.one_of(
    st.lists(PIECES, max_size=8).map("".join),
    st.from_regex(PLAIN_DECIMAL, fullmatch=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)


def _written(text: str) -> tuple[str, Any]:
    """What a reader of ``x: TEXT`` sees, by PyYAML's own pure-Python parser:
    ("broken", None), ("refused", why) for what is not a scalar of text, or ("text", it)."""
    try:
        events = list(yaml.parse(f"x: {text}\n", Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return "broken", None
    if len(events) != 8 or not isinstance(events[4], yaml.ScalarEvent):
        return "refused", "not one scalar"
    value = events[4]
    if value.anchor is not None or value.tag not in (None, "!", "tag:yaml.org,2002:str"):
        return "refused", "anchor or tag"
    return "text", value.value


def _oracle(field: str, text: str) -> tuple[str, Any]:
    """("accepted", the figure) or ("refused", why), from the plain-decimal rule alone."""
    kind, written = _written(text)
    if kind != "text":
        return kind, written
    if len(written) > 100 or not PLAIN_DECIMAL.fullmatch(written):
        return "refused", "not a plain decimal"
    try:
        number = Decimal(written)
    except InvalidOperation:  # an exponent beyond any range: 0E+10**20
        return "refused", "out of range"
    if number.is_signed():
        return "refused", "negative"
    if field == "amount":
        if number >= AMOUNT_LIMIT_WAN or number != number.quantize(FEN_IN_WAN):
            return "refused", "beyond the model"
        return "accepted", number
    if number >= COUNT_LIMIT or number != number.to_integral_value():
        return "refused", "not a count"
    return "accepted", int(number)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(field=st.sampled_from(sorted(FIELDS)), text=SCALARS)
@example(field="amount", text="0512")
@example(field="amount", text="1:30")
@example(field="count", text="true")
@example(field="amount", text="-0")
@example(field="amount", text="!!str 12.5")
@example(field="amount", text="'1.5E+2'")
@example(field="count", text="3.0")
def test_a_number_field_is_what_a_reader_sees_or_refused(tmp_path_factory, field, text):
    path = _with(tmp_path_factory.mktemp("prop"), field, text)
    name, line_text, _ = FIELDS[field]
    line = _line_of(TEXT, line_text)
    expected, value = _oracle(field, text)
    note(f"{expected}: {value!r}")
    try:
        figures = load_figures(path)
    except FiguresError as error:
        assert expected != "accepted", f"refused {text!r}: {error}"
        if expected == "refused":
            named = any(p == name for p, _ in error.problems) or f"line {line}," in str(error)
            assert named, str(error)
        assert str(path) in str(error)
        return
    assert expected == "accepted", f"accepted {text!r}, expected {expected}: {value!r}"
    got = figures.income.other if field == "amount" else figures.three_public.overseas.groups
    assert got == value and type(got) is type(value)


def test_the_oracle_reads_yaml_as_a_person_would():
    assert _oracle("amount", "0512") == ("refused", "not a plain decimal")
    assert _oracle("amount", "'42.18'") == ("accepted", Decimal("42.18"))
    assert _oracle("count", "1.0E+1") == ("accepted", 10)
    assert _oracle("amount", "[")[0] == "broken"


# -- the Python API's arguments: a clear InputError, never an AttributeError -----------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: narrator.load(LAKESIDE, style="zero_rate=decimals"), "style must be a mapping"),
        (lambda r: narrator.load(LAKESIDE, style=["zero_rate"]), "style must be a mapping"),
        (lambda r: r.verify(123), "a report to verify is a path or the report's text"),
        (lambda r: r.verify(None), "a report to verify is a path or the report's text"),
        (lambda r: r.verify(b"report"), "a report to verify is a path or the report's text"),
        (lambda r: r.with_figure(None, "1"), "a figure's path is a text"),
        (lambda r: r.with_figure(["income", "total"], "1"), "a figure's path is a text"),
        (lambda r: r.write("/proc/narrator/no/such/folder/r.txt"), "cannot be written"),
    ],
)
def test_api_arguments_of_the_wrong_kind_are_input_errors(report, call, message):
    with pytest.raises(InputError, match=re.escape(message)):
        call(report)


def test_one_phrasebank_folder_given_as_a_text_is_one_layer(tmp_path):
    layer = tmp_path / "layer"
    (layer / "zh").mkdir(parents=True)
    (layer / "zh" / "text.yaml").write_text("public_tables:\n  body: 见附表ABC。\n", "utf-8")
    for folder in (str(layer), layer):
        assert "见附表ABC。" in narrator.load(LAKESIDE, phrasebanks=folder).render("zh")


# -- many items: the work grows with the file, not with its square ---------------------------


def test_a_class_with_tens_of_thousands_of_items_is_checked_promptly(tmp_path, capsys):
    from tests.hostile.test_templates import finishes

    text = LAKESIDE.read_text(encoding="utf-8")
    head, marker, rest = text.partition('    - code: "208"           # 社会保障和就业\n')
    assert marker
    items = "".join(
        f'        - {{code: "2080{k % 100:03d}", initial_budget: 0.01, amount: 0.01}}\n'
        for k in range(30_000)
    )
    path = tmp_path / "many.yaml"
    path.write_text(head + marker + rest.replace("      items:\n", "      items:\n" + items, 1))
    code = finishes(lambda: main(["check", str(path), "--format", "json"]), 30)
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # the items do not add up to the class: found, and promptly
    assert "items-sum" in {record["code"] for record in out}


# -- the caller's decimal context: never narrator's ------------------------------------------


def _context(setting: str) -> decimal.Context:
    context = decimal.Context()
    if setting.startswith("prec="):
        context.prec = int(setting.removeprefix("prec="))
    elif setting == "rounding=floor":
        context.prec, context.rounding = 5, decimal.ROUND_FLOOR
    elif setting == "trap inexact":
        context.traps[decimal.Inexact] = True
    elif setting == "Emax=3":
        context.Emax = 3
    return context


@pytest.mark.parametrize(
    "setting", ["prec=4", "prec=6", "rounding=floor", "trap inexact", "Emax=3"]
)
def test_a_callers_decimal_context_changes_nothing(report, setting):
    expected = (report.render("zh"), report.render("en"), [d.code for d in report.check()])
    written = report.render("zh")
    previous = decimal.getcontext()
    caller = _context(setting)
    decimal.setcontext(caller)
    try:
        again = narrator.load(LAKESIDE)
        got = (again.render("zh"), again.render("en"), [d.code for d in again.check()])
        assert got == expected
        assert again.with_figure("income.other", "42.18").render("zh") == expected[0]
        assert [f.code for f in again.verify(written)] == [f.code for f in report.verify(written)]
        assert decimal.getcontext() is caller  # and the caller's is left as it was
    finally:
        decimal.setcontext(previous)


# -- every problem names its line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "at"),
    [
        (AMOUNT_LINE, "  other: 0x1F", "income.other", "  other: 0x1F"),
        (AMOUNT_LINE, "  other: yes", "income.other", "  other: yes"),
        (AMOUNT_LINE, "  other: -0", "income.other", "  other: -0"),
        (COUNT_LINE, "    groups: 1.5", "three_public.overseas.groups", "    groups: 1.5"),
        (AMOUNT_LINE, "  othre: 42.18", "income.othre", "  othre: 42.18"),  # unknown field
        ("    total: 4072.18", "", "income.fiscal.total", "  fiscal:"),  # missing: its mapping
    ],
    ids=["hex", "yes", "negative zero", "fraction count", "misspelt", "missing"],
)
def test_each_problem_names_the_line_of_its_field(tmp_path, capsys, old, new, field, at):
    text = _replace(old, new)
    path = _write(tmp_path, text)
    err = refused_by_cli(capsys, path, f"  {field}: ")
    line = next(entry for entry in err.splitlines() if entry.startswith(f"  {field}: "))
    assert line.endswith(f"(line {_line_of(text, at)})"), line
    with pytest.raises(FiguresError) as info:
        narrator.load(path)
    assert f"(line {_line_of(text, at)})" in str(info.value)
