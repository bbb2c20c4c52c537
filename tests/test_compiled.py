"""The compiled path prints exactly what the reference path prints, and fails alike.

The reference is the code Jinja2 itself generates for a template in narrator's sandbox
(``NARRATOR_TEMPLATES=reference``); the compiled path is :mod:`narrator.sandbox.compiler`.
Held to the same bytes here:

* every template of every shipped phrasebank compiles (none falls back to Jinja);
* every example, under every profile, in every language and format, with its checks and
  its explanation; and a few hundred generated units in both languages;
* random templates over everything the policy allows (statements, operators, filters,
  tests, loops, namespaces, helpers), against values of every kind a template meets:
  the same text, or the same error with the same message.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import StrictUndefined
from jinja2.utils import Namespace

from benchmarks.generate import generate
from narrator import load
from narrator.formats import FORMATS
from narrator.phrasebank import LANGUAGES, available_profiles, load_phrasebank
from narrator.sandbox import Expression, Phrase, Sandbox, expose, phrase, trust
from tests.conftest import EXAMPLE_FILES as EXAMPLES
from tests.conftest import example_layers

PROFILES = sorted(available_profiles())


@contextmanager
def mode(name: str) -> Iterator[None]:
    old = phrase.use(name)
    try:
        yield
    finally:
        phrase.use(old)


def both(make: Callable[[], Any]) -> tuple[Any, Any]:
    """``make()`` through the compiled path and through the reference path."""
    with mode("compiled"):
        compiled = _outcome(make)
    with mode("reference"):
        reference = _outcome(make)
    return compiled, reference


def _outcome(make: Callable[[], Any]) -> Any:
    try:
        return ("ok", _unaddressed(make()))
    except Exception as exc:  # the outcome compared: what was raised, and its message
        return ("error", type(exc).__name__, _unaddressed(str(exc)))


def _unaddressed(value: Any) -> Any:
    # A function printed in a text shows where it is in memory (each render wraps
    # str.format anew): compared without the address.
    return _ADDRESS.sub("0x…", value) if isinstance(value, str) else value


_ADDRESS = re.compile(r"0x[0-9a-f]+")


# -- every shipped template compiles -------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_every_shipped_template_compiles(profile):
    with mode("compiled"):
        bank = load_phrasebank(profile)
        for lang in LANGUAGES:
            language = bank.language(lang)
            for table, keys in (("text", language.text), ("reasons", language.reasons)):
                for key in keys:
                    compiled = language.phrase(key, table=table)
                    assert compiled.compiled or compiled.constant, (lang, table, key)
        for rule in bank.rules:
            assert rule.compiled, rule.id


# -- reports -----------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as word:
        return word.read("word/document.xml").decode("utf-8")


def _every_output(source: Path, profile: str | None) -> list[Any]:
    report = load(source, profile=profile, phrasebanks=example_layers(source))
    outputs: list[Any] = []
    for lang in ("zh", "en", "both"):
        for name, spec in FORMATS.items():
            output = report.render(lang, name)
            outputs.append(_docx_text(output) if spec.binary else output)
    outputs.append(report.render("both", "text", tables=True))
    outputs.append([str(d) for d in report.check()])
    outputs.append([(d.message("zh"), d.message("en")) for d in report.check()])
    outputs.append(report.explain())
    return outputs


# Every example under its own profile and every built-in one (an example whose profile needs
# a layer of its own, the district's, only under its own).
EXAMPLE_PROFILES = [
    (example, profile)
    for example in EXAMPLES
    for profile in [None, *([] if example_layers(example) else PROFILES)]
]


@pytest.mark.parametrize(
    ("example", "profile"), EXAMPLE_PROFILES, ids=lambda value: getattr(value, "stem", value)
)
def test_examples_render_identically(example, profile):
    compiled, reference = both(lambda: _every_output(example, profile))
    assert compiled[0] == "ok", compiled
    assert compiled == reference


def _unit_outputs(seed: int) -> list[Any]:
    report = load(generate(seed))
    return [
        report.render("zh"),
        report.render("en"),
        [str(d) for d in report.check()],
        report.render("both", "md") if seed % 10 == 0 else None,
        report.explain() if seed % 10 == 0 else None,
    ]


@pytest.mark.parametrize("start", range(0, 300, 50))
def test_generated_units_render_identically(start):
    for seed in range(start, start + 50):
        compiled, reference = both(lambda seed=seed: _unit_outputs(seed))
        assert compiled[0] == "ok", (seed, compiled)
        assert compiled == reference, seed


# -- random templates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A value type templates may read (its fields and its property)."""

    amount: Decimal
    label: str
    rate: Decimal | None
    parts: tuple[int, ...]

    @property
    def doubled(self) -> Decimal:
        return self.amount * 2

    def method(self) -> str:
        return "a method"


expose(Point)


def shout(text: Any, mark: str = "!") -> str:
    return str(text).upper() + mark


def pair(value: Any) -> list[Any]:
    return [value, value]


trust(shout, pair)


def _context() -> dict[str, Any]:
    first = Point(Decimal("12.30"), "甲", Decimal("-4.50"), (1, 2, 3))
    second = Point(Decimal("0"), "", None, ())
    return {
        "namespace": Namespace,
        "n": 3,
        "z": 0,
        "m": -2,
        "big": 10**40,
        "dec": Decimal("12.30"),
        "neg": Decimal("-1.5"),
        "fl": 2.5,
        "s": "abc",
        "cn": "收入合计",
        "empty": "",
        "none": None,
        "yes": True,
        "no": False,
        "xs": [1, 2, 3],
        "ws": ["a", "bb", ""],
        "tup": (Decimal("1.5"), 2),
        "ds": {"a": 1, "b": [1, 2], "items": 5, "": 0},
        "mp": MappingProxyType({"k": "v", "n": 2, "keys": "K"}),
        "p": first,
        "ps": (first, second),
        "shout": shout,
        "pair": pair,
        "lam": lambda value: value,
        "cls": Point,
    }


NAMES = [*_context(), "missing", "x", "v"]
ATTRS = [
    *("amount", "label", "rate", "doubled", "parts", "method", "__class__"),
    *("a", "k", "n", "items", "keys", "upper", "real", "index", "last", "first", "length"),
    *("revindex", "previtem", "nextitem", "cycle", "x", "missing"),
]
FILTER_CALLS = [
    "abs", "first", "last", "length", "lower", "upper", "trim", "int",
    "default('d')", "default(none, true)", "join", "join(', ')", "int(7)", "trim('a')",
]  # fmt: skip
TESTS = [
    *("defined", "undefined", "none", "number", "string", "sequence", "mapping", "even"),
    *("odd", "divisibleby(2)", "in(xs)", "sameas(none)", "true", "false", "lower"),
    *("callable", "iterable", "filter", "test"),
]
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "~", "and", "or"]
OPERATORS += ["==", "!=", "<", ">", "<=", ">=", "in", "not in"]

LITERALS = ["1", "0", "-1", "2.5", "7", "'a'", "'收入'", "''", "none", "true", "false"]
LITERALS += ["'%s'", "[1, 2]", "()", "(1,)", "{'a': 1}", "'x' * 3", "100", "'{0}'"]
literals = st.sampled_from(LITERALS)
names = st.sampled_from(NAMES)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda e: f"(not {e})"),
        inner.map(lambda e: f"(-{e})"),
        st.tuples(inner, st.sampled_from(ATTRS)).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(inner, st.sampled_from(["[1:]", "[:2]", "[::-1]", "[0]", "['a']"])).map("".join),
        st.tuples(inner, st.sampled_from(FILTER_CALLS)).map(lambda t: f"({t[0]}|{t[1]})"),
        st.tuples(inner, st.sampled_from(TESTS)).map(lambda t: f"({t[0]} is {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} if {t[1]})"),
        inner.map(lambda e: f"shout({e})"),
        st.tuples(inner, inner).map(lambda t: f"shout({t[0]}, mark={t[1]})"),
        inner.map(lambda e: f"pair({e})"),
        inner.map(lambda e: f"lam({e})"),
        inner.map(lambda e: f"namespace(a={e})"),
        st.tuples(inner, inner).map(lambda t: f"[{t[0]}, {t[1]}]"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}, {t[1]})"),
        inner.map(lambda e: f"{{'k': {e}}}"),
        inner.map(lambda e: f"cls({e})"),
    )


expressions = st.recursive(st.one_of(names, literals), _extend, max_leaves=6)
targets = st.sampled_from(["x", "v", "n", "s", "loop_"])
texts = st.sampled_from(["", "甲", " ", "a b", "，", "\n", "{", "}"])


def _statements(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(expressions, inner).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}"),
        st.tuples(expressions, inner, expressions, inner, inner).map(
            lambda t: (
                f"{{% if {t[0]} %}}{t[1]}{{% elif {t[2]} %}}{t[3]}{{% else %}}{t[4]}{{% endif %}}"
            )
        ),
        st.tuples(targets, expressions, inner).map(
            lambda t: f"{{% for {t[0]} in {t[1]} %}}{t[2]}{{% endfor %}}"
        ),
        st.tuples(targets, expressions, expressions, inner, inner).map(
            lambda t: (
                f"{{% for {t[0]} in {t[1]} if {t[2]} %}}{t[3]}"
                f"{{{{ loop.index }}}}{{% if loop.last %}}.{{% endif %}}{{% else %}}{t[4]}"
                "{% endfor %}"
            )
        ),
        st.tuples(targets, expressions).map(lambda t: f"{{% set {t[0]} = {t[1]} %}}"),
        st.tuples(targets, inner).map(lambda t: f"{{% set {t[0]} %}}{t[1]}{{% endset %}}"),
        st.tuples(targets, inner).map(
            lambda t: f"{{% set {t[0]} | upper %}}{t[1]}{{% endset %}}{{{{ {t[0]} }}}}"
        ),
        expressions.map(
            lambda e: f"{{% set ns = namespace(a=1) %}}{{% set ns.a = {e} %}}{{{{ ns.a }}}}"
        ),
        expressions.map(lambda e: f"{{% set x, v = {e} %}}{{{{ x }}}}{{{{ v }}}}"),
        st.lists(inner, min_size=2, max_size=3).map("".join),
    )


templates = st.recursive(
    st.one_of(texts, expressions.map(lambda e: f"{{{{ {e} }}}}")), _statements, max_leaves=8
)


def _env() -> Sandbox:
    return Sandbox(undefined=StrictUndefined, autoescape=False)


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=templates)
def test_random_templates_print_and_fail_alike(source):
    context = _context()

    def render() -> str:
        return Phrase(_env(), source).render(context)

    compiled, reference = both(render)
    assert compiled == reference, source


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=expressions)
def test_random_conditions_evaluate_and_fail_alike(source):
    context = _context()

    def evaluate() -> str:
        return repr(Expression(_env(), source)(context))

    compiled, reference = both(evaluate)
    assert compiled == reference, source


# Cases the random templates reach rarely or never: limits, loops' counters, scoping.
CASES = [
    "{% for x in xs %}{{ loop.index }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}"
    "{{ loop.length }}{{ loop.previtem }}{{ loop.nextitem }}{% endfor %}",
    "{% set x = 1 %}{% for i in xs %}{{ x }}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}",
    "{% for i in xs %}{% for j in ws %}{{ loop.index }}{{ i }}{{ j }}{% endfor %}{% endfor %}",
    "{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %}",
    "{% if none %}{% set y = 1 %}{% endif %}{{ y }}",
    "{% for x in [] %}{{ x }}{% else %}{{ x }}empty{% endfor %}",
    "{% for x in s if x != 'b' %}{{ x }}{{ loop.length }}{% endfor %}",
    "{% set ns = namespace(items=[]) %}{% for x in xs %}{% set ns.items = ns.items + [x] %}"
    "{% endfor %}{{ ns.items }}",
    "{{ 'x' * 100001 }}",
    "{{ 'y' * 90000 }}{{ 'y' * 90000 }}{{ nope }}",
    "{{ ['y' * 90000] * 9000 }}",
    "{% set s = 'x' * 300 %}{% for a in s %}{% for b in s %}.{% endfor %}{% endfor %}",
    "{% for i in 'x' * 9000 %}{{ 'y' * 9000 }}{% endfor %}",
    "{% set ns = namespace(x='ab') %}{% for c in 'x' * 40 %}{% set y %}{{ ns.x }}{{ ns.x }}"
    "{% endset %}{% set ns.x = y %}{% endfor %}{{ ns.x|length }}",
    "{{ 2 ** 10000 }}{{ 10 ** 5000 }}",
    "{% set ns = namespace(x=10 ** 99) %}{% for c in 'x' * 40 %}{% set ns.x = ns.x * ns.x %}"
    "{% endfor %}{{ ns.x }}",
    "{{ p.method }}{{ p.__class__ }}",
    "{{ ds.items }}{{ ds.keys }}{{ mp.keys }}{{ mp.k }}{{ ds['items'] }}",
    "{{ s.format }}{{ s['format'] }}",
    "{{ lam(1) }}",
    "{{ cls(1) }}",
    "{{ missing() }}",
    "{{ shout(n, mark=s) }}{{ shout('a', 'b') }}{{ pair(p)[0].amount }}",
    "{{ namespace(a=1).a }}{% set ns = namespace() %}{% set ns.b = 2 %}{{ ns.b }}{{ ns.c }}",
    "{% set x = 5 %}{% set x %}{{ x }}{{ x }}{% endset %}{{ x }}",
    "{{ 'a' if no }}{{ (none if no) is defined }}",
    "{{ xs[1:] }}{{ s[::-1] }}{{ tup[0] }}{{ ps[1].rate }}{{ ps[0]['amount'] }}",
    "{{ p.doubled ~ p.label ~ p.parts|length }}",
    "{% for p in ps %}{{ p.amount }}{% if loop.last %}。{% else %}；{% endif %}{% endfor %}",
    "{{ (ps|first).label }}{{ (ps|last).rate }}{{ ws|join('、') }}{{ cn|length }}",
    "{{ 1 / 0 }}",
    "{{ none.x }}",
    "{{ s + 1 }}",
    "{{ xs.0 }}{{ ds.b.1 }}",
    "{{ x }}",
    "{% set x = x %}{{ x }}",
    "{{ loop }}",
    "{{ 'a' is nosuchtest }}",
    "{% if 0 %}{{ 'a' is nosuchtest }}{% endif %}ok",
    "{{ shout(1, _loop_vars=2) }}",
    "{{ shout(1, mark=2, mark=3) }}",
]


@pytest.mark.parametrize("source", CASES)
def test_cases_print_and_fail_alike(source):
    context = _context()
    compiled, reference = both(lambda: Phrase(_env(), source).render(context))
    assert compiled == reference


def test_extra_variables_shadow_the_shared_context():
    context = _context()
    compiled, reference = both(lambda: Phrase(_env(), "{{ s }}{{ n }}").render(context, {"s": 1}))
    assert compiled == reference == ("ok", "13")
    assert context["s"] == "abc"


# -- the plain baseline does the same work ------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_the_plain_baseline_prints_the_same_report(profile):
    """benchmarks/plain.py (stock Jinja2, no sandbox) is the same work: the same bytes."""
    from benchmarks import plain

    plain_examples = [example for example in EXAMPLES if not example_layers(example)]
    for source in [*plain_examples, *(generate(seed, profile) for seed in range(20))]:
        layers = example_layers(source) if isinstance(source, Path) else ()
        expected = load(source, profile=profile, phrasebanks=layers).render("both")
        assert plain.render(source, profile, layers) == expected
