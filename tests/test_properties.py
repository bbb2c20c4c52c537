"""Property-based robustness: generated figures, valid and invalid (hypothesis).

Valid figures come from :func:`benchmarks.generate.generate` (every table identity holds);
hypothesis draws the seed and the profile. Invalid figures are valid ones with one
mutation. A wrong number in a public report is the worst failure, so every amount and
percentage the Chinese text prints must be a figure or a derived value, rounded half-up.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from benchmarks.generate import PROFILES, generate
from narrator import load
from narrator.derive import round_half_up, shares
from narrator.figures import FiguresError

FAST = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CENT = Decimal("0.01")

seeds = st.integers(min_value=0, max_value=2**32 - 1)
profiles = st.sampled_from(PROFILES)

#: An amount as the Chinese text prints it: ``4626.31万元``, or ``0万元`` for nothing.
AMOUNT_ZH = re.compile(r"(?<![\d.,])(\d+\.\d{2})万元")
ZERO_ZH = re.compile(r"(?<![\d.,])0万元")
PERCENT = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)%")
#: Amounts the templates state as constants, ``{{ amount(50) }}``, in any language.
PHRASEBANK_AMOUNTS = {
    Decimal(number)
    for path in (Path(__file__).parent.parent / "phrasebanks").rglob("text.yaml")
    for number in re.findall(r"amount\((\d+(?:\.\d+)?)\)", path.read_text(encoding="utf-8"))
}
#: An amount as the English text prints it: ``RMB 2.1496 million`` or ``RMB 763,000``.
AMOUNT_EN = re.compile(r"RMB ((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)( million)?")


def _decimals(node: Any, seen: set[int] | None = None) -> Iterator[Decimal]:
    """Every Decimal in figures data, models, dataclasses and containers (amounts as text too)."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    if isinstance(node, Decimal):
        yield node
    elif isinstance(node, str):
        if re.fullmatch(r"-?\d+(\.\d+)?", node):
            yield Decimal(node)
    elif isinstance(node, bool | int):
        return
    elif isinstance(node, BaseModel):
        seen.add(id(node))
        for name in type(node).model_fields:
            yield from _decimals(getattr(node, name), seen)
    elif is_dataclass(node) and not isinstance(node, type):
        seen.add(id(node))
        for f in fields(node):
            yield from _decimals(getattr(node, f.name), seen)
        for prop in ("magnitude", "rate_magnitude", "deviation_rate"):
            value = getattr(node, prop, None)
            if isinstance(value, Decimal):
                yield value
    elif isinstance(node, Mapping):
        seen.add(id(node))
        for value in node.values():
            yield from _decimals(value, seen)
    elif isinstance(node, list | tuple | set | frozenset):
        seen.add(id(node))
        for value in node:
            yield from _decimals(value, seen)


def _known_amounts(data: Any, report: Any) -> set[Decimal]:
    """Every amount a report may print: its figures and derived values, to the fen."""
    return {
        round_half_up(abs(value), CENT)
        for source in (data, report.figures, report.facts.values, report.facts.sentences)
        for value in _decimals(source)
    }


def _report(seed: int, profile: str):
    data = generate(seed, profile)
    return data, load(data)


# -- valid figures ---------------------------------------------------------------------


@FAST
@given(seed=seeds, profile=profiles)
def test_generated_figures_render_in_both_languages(seed, profile):
    _, report = _report(seed, profile)
    for lang in ("zh", "en"):
        text = report.render(lang)
        assert isinstance(text, str) and text.strip()
    assert not [d for d in report.check() if d.severity == "error"]


@FAST
@given(seed=seeds, profile=profiles)
def test_every_printed_amount_is_a_figure_or_derived_value(seed, profile):
    data, report = _report(seed, profile)
    known = _known_amounts(data, report)
    text = report.render("zh")
    printed = [Decimal(m) for m in AMOUNT_ZH.findall(text)]
    printed += [Decimal(0)] * len(ZERO_ZH.findall(text))
    assert printed, "the report prints no amounts"
    unknown = sorted({value for value in printed if value not in known})
    assert not unknown, f"amounts printed that no figure gives: {unknown}"


@FAST
@given(seed=seeds, profile=profiles)
def test_every_english_amount_is_a_figure_or_derived_value(seed, profile):
    data, report = _report(seed, profile)
    known = _known_amounts(data, report)
    known |= PHRASEBANK_AMOUNTS  # thresholds the wording itself states (单价50万元以上)
    printed = [
        Decimal(number.replace(",", "")) * (100 if million else Decimal("0.0001"))
        for number, million in AMOUNT_EN.findall(report.render("en"))
    ]
    assert printed, "the report prints no amounts"
    unknown = sorted({value for value in printed if value not in known})
    assert not unknown, f"amounts (in 万元) printed that no figure gives: {unknown}"


@FAST
@given(seed=seeds, profile=profiles, lang=st.sampled_from(["zh", "en"]))
def test_every_printed_percentage_is_a_derived_share_or_rate(seed, profile, lang):
    _, report = _report(seed, profile)
    facts = report.facts
    known = {
        abs(value)
        for source in (facts.values, facts.sentences, facts.computations)
        for value in _decimals(source)
    }
    text = report.render(lang)
    unknown = sorted({Decimal(m) for m in PERCENT.findall(text)} - known)
    assert not unknown, f"percentages printed that nothing derives: {unknown}"


@FAST
@given(seed=seeds, profile=profiles)
def test_rendering_twice_gives_identical_text(seed, profile):
    data, report = _report(seed, profile)
    again = load(copy.deepcopy(data))
    for lang in ("zh", "en"):
        first = report.render(lang)
        assert report.render(lang) == first
        assert again.render(lang) == first


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=25).filter(any),
    places=st.sampled_from([Decimal("0.01"), Decimal("0.000001"), Decimal(1)]),
)
def test_shares_of_a_whole_add_up_to_exactly_100(parts, places):
    amounts = [Decimal(p) * places for p in parts]
    whole = sum(amounts, Decimal(0))
    result = shares(amounts, whole)
    assert result is not None
    assert sum(result, Decimal(0)) == Decimal("100.00")
    for share, amount in zip(result, amounts, strict=True):
        assert share == share.quantize(CENT) and share >= 0
        assert abs(share - amount * 100 / whole) < CENT  # largest remainder: off by < 1 unit


# -- invalid figures ---------------------------------------------------------------------

#: Subtrees whose keys are free (user reasons, style options, glossary notes).
FREE = {"reasons", "style", "glossary_notes"}
#: Keys every valid figures file has and the model requires.
REQUIRED = [
    ("unit",),
    ("income",),
    ("unit", "name"),
    ("unit", "year"),
    ("income", "total"),
    ("income", "grand_total"),
    ("income", "fiscal", "general"),
    ("expenditure", "basic"),
    ("expenditure", "grand_total"),
    ("fiscal", "expenditure"),
    ("general_budget", "total"),
    ("general_budget", "initial_budget"),
    ("basic", "personnel"),
    ("basic", "public", "amount"),
    ("fund_budget", "total"),
    ("three_public", "budget"),
    ("three_public", "vehicles", "amount"),
    ("three_public", "reception", "budget"),
]
COUNT_KEYS = {
    "groups",
    "person_trips",
    "purchased",
    "fleet",
    "batches",
    "persons",
    "total_vehicles",
    "general_equipment",
    "special_equipment",
    "level1_projects",
    "level2_projects",
}


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in FREE:
                yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path, node


def _mappings(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        yield path
        for key, value in node.items():
            if key not in FREE:
                yield from _mappings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _mappings(value, (*path, i))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def _is_amount(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d+\.\d{2}", value) is not None


BAD_AMOUNTS = {
    "negative": lambda v: f"-{Decimal(v) + 1}",
    "float": lambda v: float(Decimal(v)) + 0.25,
    "non-numeric": lambda v: "12.3x",
    "seven decimals": lambda v: f"{v}00001",
    "boolean": lambda v: True,
    "list": lambda v: [v],
    "infinite": lambda v: "Infinity",
}
BAD_COUNTS = {
    "fractional": lambda v: f"{v}.5",
    "fractional decimal": lambda v: Decimal(v) + Decimal("0.5"),
    "negative": lambda v: -1 - v,
    "float": lambda v: v + 0.5,
    "non-numeric": lambda v: "several",
}


@st.composite
def invalid_figures(draw: st.DrawFn) -> tuple[str, Any]:
    data = generate(draw(seeds), draw(profiles))
    kind = draw(
        st.sampled_from(
            [
                "amount",
                "count",
                "unknown key",
                "missing key",
                "non-mapping",
                "root",
                "style",
                "profile",
            ]
        )
    )
    if kind == "style":
        option = draw(st.sampled_from(["growth_from_zero", "list_zero_lines", "no_such_option"]))
        data.setdefault("style", {})[option] = draw(st.sampled_from(["maybe", "", "100"]))
        return f"bad style {option}", data
    if kind == "profile":
        data["profile"] = draw(st.sampled_from(["atlantis-2030", "", "../zhejiang-2019"]))
        return "unknown profile", data
    if kind == "amount":
        paths = [p for p, v in _leaves(data) if _is_amount(v)]
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(sorted(BAD_AMOUNTS)))
        _parent(data, path)[path[-1]] = BAD_AMOUNTS[how](_parent(data, path)[path[-1]])
        return f"{how} amount at {path}", data
    if kind == "count":
        paths = [p for p, v in _leaves(data) if p and p[-1] in COUNT_KEYS]
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(sorted(BAD_COUNTS)))
        _parent(data, path)[path[-1]] = BAD_COUNTS[how](_parent(data, path)[path[-1]])
        return f"{how} count at {path}", data
    if kind == "unknown key":
        path = draw(st.sampled_from(list(_mappings(data))))
        node = data
        for key in path:
            node = node[key]
        node[draw(st.sampled_from(["totl", "amount_wan", "备注", "extra"]))] = "1.00"
        return f"unknown key under {path}", data
    if kind == "missing key":
        path = draw(st.sampled_from(REQUIRED))
        if path == ("general_budget", "initial_budget"):
            # A budget needs one of its budgets: with neither, it is invalid.
            for key in ("initial_budget", "adjusted_budget"):
                data["general_budget"].pop(key, None)
        else:
            del _parent(data, path)[path[-1]]
        return f"missing {path}", data
    if kind == "non-mapping":
        path = draw(
            st.sampled_from([p for p in _mappings(data) if p and not isinstance(p[-1], int)])
        )
        node = _parent(data, path)
        # A bare string is valid free text ({zh: ...}); None is valid for optional parts.
        bad = [12, ["a"], Decimal("1.5")] + ([] if "zh" in node[path[-1]] else ["text"])
        node[path[-1]] = draw(st.sampled_from(bad))
        return f"non-mapping at {path}", data
    return "root", draw(st.sampled_from([[data], "figures", 3, None, Decimal(1), [], ""]))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=invalid_figures())
def test_invalid_figures_raise_figures_error_only(case):
    what, data = case
    note(what)
    with pytest.raises(FiguresError):
        load(data)


# -- unreadable files ----------------------------------------------------------------------

#: Pieces YAML files break on: brackets, quotes, tabs, anchors, tags, control characters.
YAML_PIECES = st.sampled_from(
    [
        "unit:",
        " name: ",
        "income:",
        "[",
        "]",
        "{",
        "}",
        "'",
        '"',
        "\t",
        "\n",
        "  - ",
        "&a",
        "*a",
        "!!float",
        "!!python/object:os.system",
        "12.5",
        ".inf",
        "\x00",
        "\x85",
        "\ufeff",
        "：",
        "#",
    ]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(YAML_PIECES, max_size=30), junk=st.text(max_size=20))
def test_any_file_text_loads_or_gives_figures_error(tmp_path_factory, pieces, junk):
    """Whatever a broken figures file holds, reading it gives narrator's own error, naming it."""
    path = tmp_path_factory.mktemp("unreadable") / "unit.yaml"
    path.write_text("".join(pieces) + junk, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(FiguresError) as error:
        load(path)
    assert str(path) in str(error.value)
