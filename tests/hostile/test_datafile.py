"""narrator.datafile: every YAML/JSON data file is read the same way, exactly or refused."""

from __future__ import annotations

import os
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from narrator import datafile
from narrator.datafile import (
    MAX_DEPTH,
    DataFileError,
    merge,
    parse_data,
    parse_data_file,
    read_data,
    read_data_file,
)

#: (YAML scalar, what it is): YAML 1.2 booleans and nulls, plain decimals as numbers,
#: and every YAML 1.1 number form, or word, as the text it is.
SCALARS = [
    ("12", 12),
    ("-12", -12),
    ("+12", 12),
    ("0", 0),
    ("214.96", Decimal("214.96")),
    ("76.30", Decimal("76.30")),
    ("1.5E+2", Decimal("1.5E+2")),
    ("1e-2", Decimal("0.01")),
    ("true", True),
    ("True", True),
    ("FALSE", False),
    ("null", None),
    ("~", None),
    ("", None),
    ("0512", "0512"),
    ("0o17", "0o17"),
    ("0x1F", "0x1F"),
    ("0b101", "0b101"),
    ("1:30", "1:30"),
    ("190:20:30.15", "190:20:30.15"),
    ("1_000", "1_000"),
    ("95,00", "95,00"),
    ("1,234.56", "1,234.56"),
    (".5", ".5"),
    ("5.", "5."),
    ("-.5", "-.5"),
    (".inf", ".inf"),
    ("-.Inf", "-.Inf"),
    (".nan", ".nan"),
    ("yes", "yes"),
    ("No", "No"),
    ("on", "on"),
    ("OFF", "OFF"),
    ("y", "y"),
    ("2019-01-01", "2019-01-01"),
    ("１２", "１２"),  # full-width digits are not ASCII digits
    ("'12'", "12"),
    ('"0x1F"', "0x1F"),
    ("!!str 12", "12"),
]


@pytest.fixture(params=["libyaml", "python"])
def parser(request, monkeypatch):
    """Both parsers PyYAML may have: LibYAML's, and the pure-Python fallback."""
    if request.param == "python":
        monkeypatch.setattr(datafile, "_Loader", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without LibYAML")
    return request.param


@pytest.mark.parametrize(("text", "expected"), SCALARS)
def test_a_scalar_is_a_number_only_as_a_plain_decimal(parser, text, expected):
    value = parse_data(f"x: {text}\n")["x"]
    assert value == expected
    assert type(value) is type(expected)
    if isinstance(expected, Decimal):
        assert str(value) == str(Decimal(text))  # the Decimal of its own text


def test_negative_zero_keeps_its_sign_for_the_model_to_refuse(parser):
    for text in ("-0", "-0.00"):
        value = parse_data(f"x: {text}")["x"]
        assert isinstance(value, Decimal) and value.is_zero() and value.is_signed()
    assert parse_data('{"x": -0}', suffix=".json")["x"].is_signed()


def _refusal(text: str, suffix: str = ".yaml", **options) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        parse_data(text, source="unit.yaml", suffix=suffix, **options)
    message = str(info.value)
    assert message.startswith("unit.yaml: ")
    assert len(message) < 400, message
    return info.value


def test_duplicate_keys_name_both_lines(parser):
    error = _refusal("income:\n  total: 1\n  other: 2\n  total: 3\n")
    assert "duplicate key 'total', first at line 2" in error.message
    assert (error.line, error.path) == (4, "income.total")
    error = _refusal('{"income": {\n "total": 1,\n "total": 3}}', suffix=".json")
    assert "duplicate key 'total', first at line 2" in error.message
    assert (error.line, error.path) == (3, "income.total")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x 1\nb: *x\n", "anchor (&x) is not allowed"),
        ("b: *x\n", "alias (*x) is not allowed"),
        ("base: {a: 1}\nuse:\n  <<: {b: 2}\n", "merge key (<<) is not allowed"),
        ("a: !!int 12\n", "tag 'tag:yaml.org,2002:int' is not allowed"),
        ("a: !!python/object/apply:os.system [ls]\n", "is not allowed"),
        ("a: !!binary aGk=\n", "is not allowed"),
        ("a: !!set {x}\n", "is not allowed"),
        ("a: 1\n---\nb: 2\n", "second document"),
        ("? [a, b]\n: 1\n", "a mapping key must be a plain text or number"),
        ("a\u202eb: 1\n", "contains U+202E RIGHT-TO-LEFT OVERRIDE"),
        ('"a\\u200bb": 1\n', "contains U+200B ZERO WIDTH SPACE"),
        ("a: " + "9" * 5000 + "\n", "a number longer than 100 characters"),
        ("a: 0E1000000000000000000\n", "a number whose exponent is beyond any range"),
        ("a: \x01\n", "characters are not allowed (U+0001)"),
        ("a: [1\n", "not valid YAML at line"),
    ],
)
def test_yaml_refusals_name_the_line(parser, text, message):
    error = _refusal(text)
    assert message in error.message
    assert error.line is not None and f"line {error.line}" in error.message


def test_text_may_be_named_and_repeated_where_a_reader_asks_for_it(parser):
    assert parse_data("a: &x t\nb: *x\n", scalar_aliases=True) == {"a": "t", "b": "t"}
    assert "mapping or list" in _refusal("a: &x [1]\nb: *x\n", scalar_aliases=True).message


def test_an_alias_bomb_is_refused_at_once(parser):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    start = time.perf_counter()
    _refusal("\n".join(lines), scalar_aliases=True)
    _refusal("\n".join(lines))
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "- " * 100_000 + "x",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(200)),
    ],
)
def test_deep_yaml_is_refused(parser, text):
    assert "nesting" in _refusal(text).message


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000])
def test_deep_json_is_refused(text):
    assert f"nesting deeper than {MAX_DEPTH} levels" in _refusal(text, ".json").message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "NaN is not a number"),
        ('{"a": -Infinity}', "-Infinity is not a number"),
        ('{"a": ' + "1" * 5000 + "}", "a number longer than 100 characters"),
        ('{"a": 1e1000000000000000000}', "a number whose exponent is beyond any range"),
        ('{"a": 01}', "expected ',' or '}'"),
        ('{"a": .5}', "expected a value"),
        ('{"a": 1,}', "expected a key"),
        ('{"a": 1} {}', "extra data"),
        ('{"a\\u202e": 1}', "contains U+202E"),
        ("", "expected a value"),
    ],
)
def test_json_refusals_name_the_line(text, message):
    error = _refusal(text, ".json")
    assert message in error.message
    assert error.line == 1


def test_json_numbers_are_exact():
    data = parse_data('{"a": 214.96, "b": 1e2, "c": 12, "d": [true, null, "x"]}', suffix=".json")
    assert data == {"a": Decimal("214.96"), "b": Decimal("1E+2"), "c": 12, "d": [True, None, "x"]}
    assert str(data["a"]) == "214.96" and type(data["c"]) is int


def test_the_line_of_every_key_comes_from_the_same_parse(parser):
    text = "unit:\n  name: x\nclasses:\n  - code: '201'\n    items:\n      - {code: '2010101'}\n"
    found = parse_data_file(text)
    assert found.lines == {
        "unit": 1,
        "unit.name": 2,
        "classes": 3,
        "classes[0].code": 4,
        "classes[0].items": 5,
        "classes[0].items[0].code": 6,
    }
    json_text = '{"unit": {\n "name": "x"},\n "classes": [{"code": "201"}]}'
    assert parse_data_file(json_text, suffix=".json").lines == {
        "unit": 1,
        "unit.name": 2,
        "classes": 3,
        "classes[0].code": 3,
    }


def test_a_byte_order_mark_is_accepted(tmp_path: Path):
    for name, text in (("a.yaml", "a: 1.50\n"), ("a.json", '{"a": 1.50}')):
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert read_data(path) == {"a": Decimal("1.50")}


def test_invalid_utf8_names_the_line(tmp_path: Path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(DataFileError) as info:
        read_data(path)
    assert "is not UTF-8 text: byte 0xFF at line 2" in str(info.value)


def test_a_size_cap_keeps_huge_files_out(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_text("a: '" + "x" * 2000 + "'\n")
    with pytest.raises(DataFileError) as info:
        read_data(path, max_bytes=1000)
    assert "is too large" in str(info.value)
    assert read_data(path, max_bytes=4000)["a"] == "x" * 2000


def test_a_long_line_is_quoted_short(parser):
    error = _refusal("a: " + "x" * 100_000 + ": b\n")
    assert "not valid YAML at line 1" in error.message and len(error.message) < 300
    error = _refusal("a: {b: 1, b: " + "x" * 100_000 + "}\n")
    assert "duplicate key 'b'" in error.message and len(error.message) < 300


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo", "device"])
def test_only_a_regular_file_is_read(tmp_path: Path, kind):
    path = tmp_path / "unit.yaml"
    expected = {
        "missing": "no such file",
        "directory": "it is a directory",
        "fifo": "it is a FIFO (named pipe)",
        "device": "it is a character device",
    }[kind]
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero here")
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_data_file(path)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # blocked opening the FIFO: let it go, then fail
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO blocked")
    assert len(outcome) == 1 and isinstance(outcome[0], DataFileError)
    assert str(outcome[0]).startswith(f"{path}: cannot be read: {expected}")


def test_merge_lays_one_layer_over_another():
    base = {"text": {"a": "A", "b": {"c": "C"}}, "style": {"x": 1}}
    over = {"text": {"b": {"c": "C2", "d": "D"}}, "style": "plain"}
    assert merge(base, over) == {"text": {"a": "A", "b": {"c": "C2", "d": "D"}}, "style": "plain"}
    assert base == {"text": {"a": "A", "b": {"c": "C"}}, "style": {"x": 1}}  # untouched
