"""Fast paths print exactly what the slow paths they replace print.

The sandbox's direct evaluation against Jinja2's own sandbox, the decimal patterns against
Babel, and spacing tidied with str.replace against the regular expressions it replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from babel.numbers import parse_pattern
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

import narrator.phrasebank
import narrator.sandbox.phrase
from narrator.numbers import DecimalPattern
from narrator.render import tidy
from narrator.rules import RuleError, compile_condition
from narrator.sandbox import Expression, Phrase, Refused, Sandbox, expose, trust
from tests.conftest import EXAMPLE_FILES as EXAMPLES
from tests.conftest import load_example


class Money:
    def __init__(self, amount: Decimal) -> None:
        self.amount = amount
        self._secret = "hidden"
        self.fmt = "{0.__class__}".format


def shout(text: str, mark: str = "!") -> str:
    return text.upper() + mark


class UnsafeCallable:
    unsafe_callable = True

    def __call__(self) -> str:
        return "ran"


trust(shout)


@dataclass
class Exposed:
    """A value type the policy lets templates read: its field and its property."""

    amount: Decimal

    def __post_init__(self) -> None:
        self.hidden = "an attribute, not a field"

    @property
    def doubled(self) -> Decimal:
        return self.amount * 2


expose(Exposed)


def _env() -> Sandbox:
    return Sandbox(undefined=StrictUndefined, autoescape=False)


def _context(env: Sandbox) -> dict[str, Any]:
    context: dict[str, Any] = dict(env.globals)
    context.update(
        name="Lakeside",
        money=Money(Decimal("12.30")),
        value=Exposed(Decimal("12.30")),
        lines={"items": [1, 2], "total": Decimal("3"), "count": 2, "keys": "K"},
        labels={"fiscal": "财政拨款收入"},
        key="fiscal",
        shout=shout,
        plain=lambda text: f"<{text}>",
        unsafe=UnsafeCallable(),
        state="increase",
    )
    return context


# Templates that take the direct path; Jinja's generated code in the same sandbox is the
# reference for what they print.
DIRECT = [
    "本年收入合计",
    "{{ name }}概况",
    "{{ value.amount }}万元 {{ value.doubled }}",
    "{{ lines.total }} / {{ lines.count }}",
    "{{ labels[key] }}{{ labels['fiscal'] }}",
    "{{ shout(name) }} {{ shout(name, mark='?') }}",
    "{{ 'yes' if state in ('increase', 'decrease') else 'no' }}",
    "{{ not lines.count and name or [1, 2] }}",
    "{{ 1 < lines.count <= 2 }} {{ state != 'flat' }}",
    "{{ 'a' ~ name ~ 1 }} {{ lines.count * 2 + 1 }} {{ 7 // 2 }} {{ 7 % 4 - 1 }} {{ 2 ** 3 / 4 }}",
    "{{ lines.count is number }} {{ missing is defined }} {{ 'upper' is filter }}",
    "{{ lines.total is divisibleby(3) }}",
]


@pytest.mark.parametrize("source", DIRECT)
def test_direct_phrases_print_what_jinja_prints(source):
    env = _env()
    phrase = Phrase(env, source)
    reference = env.from_string(source)
    assert phrase.direct
    assert phrase.render(_context(env)) == reference.render(**_context(env))


def test_extra_variables_shadow_the_shared_context():
    env = _env()
    context = _context(env)
    phrase = Phrase(env, "{{ name }}")
    assert phrase.render(context, {"name": "Harbour"}) == "Harbour"
    assert context["name"] == "Lakeside"


def test_templates_with_statements_render_through_jinja():
    env = _env()
    phrase = Phrase(env, "{% for x in lines['items'] %}{{ x }}{% endfor %}")
    assert not phrase.direct
    assert phrase.render(_context(env)) == "12"


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{{ missing }}", UndefinedError),
        ("{{ value.missing }}", UndefinedError),
        ("{{ value.hidden }}", SecurityError),  # an attribute, but not an exposed field
        ("{{ money.amount }}", SecurityError),  # a type narrator never exposed
        ("{{ labels.items }}", SecurityError),  # a mapping's method, not its item
        ("{{ name.upper }}", SecurityError),
        ("{{ unsafe() }}", SecurityError),
        ("{{ plain(name) }}", SecurityError),  # a callable that is not a helper
        ("{{ 'x' * 200000 }}", SecurityError),
        ("{{ 'x' ~ name * 100000 }}", SecurityError),
    ],
)
def test_the_direct_path_refuses_what_the_sandbox_refuses(source, error):
    env = _env()
    with pytest.raises(error):
        Phrase(env, source).render(_context(env))
    with pytest.raises(error):
        env.from_string(source).render(**_context(env))


@pytest.mark.parametrize(
    "source",
    [
        "{{ money._secret }}",
        "{{ money.__class__ }}",
        "{{ '{0.__class__}'.format(money) }}",
        "{{ money.fmt(money) }}",
        "{{ lines.clear() }}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "{% include 'x' %}",
        "{{ name|center(99) }}",
    ],
)
def test_what_the_policy_refuses_never_compiles(source):
    with pytest.raises(Refused):
        Phrase(_env(), source)


def test_expressions_evaluate_directly_and_refuse_alike():
    env = _env()
    context = _context(env)
    assert Expression(env, "lines.count > 1 and not name == 'x'")(context) is True
    assert Expression(env, "[] if state == 'flat' else lines['items']")(context) == [1, 2]
    assert Expression(env, "value.amount is none or value.amount * 2 > 24")(context) is True
    with pytest.raises(SecurityError):
        Expression(env, "unsafe()")(context)
    with pytest.raises(UndefinedError):
        Expression(env, "missing or 1")(context)


def test_rule_conditions_keep_their_arithmetic_bounds():
    # ``**`` and ``*`` are evaluated through the rules' environment, which bounds them.
    with pytest.raises(RuleError):
        compile_condition("current ** prior")({"current": 10, "prior": 10**6})
    with pytest.raises(RuleError):
        compile_condition("'x' * current == ''")({"current": 10**9})
    assert compile_condition("current * 2 > prior")({"current": 3, "prior": 5}) is True


def test_reports_render_identically_without_the_direct_path(monkeypatch):
    """Every shipped template, through Jinja only, prints the same bytes."""
    direct = {path: _all_outputs(path) for path in EXAMPLES}
    assert _direct_share() > 0.5
    monkeypatch.setattr(narrator.sandbox.phrase, "_output_parts", lambda tree: None)
    monkeypatch.setattr(narrator.sandbox.phrase, "_evaluator", lambda node: None)
    monkeypatch.setattr(narrator.phrasebank, "_CACHE", {})
    for path in EXAMPLES:
        assert _all_outputs(path) == direct[path], path.name
    assert _direct_share() == 0


def _direct_share() -> float:
    """The share of the default profile's compiled English phrases evaluated directly."""
    compiled = narrator.phrasebank.load_phrasebank().language("en")._compiled.values()
    return sum(phrase.direct for phrase in compiled) / len(compiled)


def _all_outputs(path: Path) -> list[str]:
    report = load_example(path)
    return [
        report.render("both", "text"),
        report.render("both", "md"),
        *(str(d) for d in report.check()),
    ]


# -- Babel number patterns ----------------------------------------------------------------

PATTERNS = ["0.00", "#,##0.00", "#,##0.######", "#,##0.##", "0", "#,##0", "00.0#", "#,##,##0.00"]
LOCALES = ["zh_Hans_CN", "en", "de_DE", "fr_FR", "hi_IN"]
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d) < Decimal(10) ** 20
)


@settings(max_examples=300, deadline=None)
@given(
    value=decimals,
    pattern=st.sampled_from(PATTERNS),
    locale=st.sampled_from(LOCALES),
)
def test_decimal_patterns_print_what_babel_prints(value, pattern, locale):
    parsed, where = parse_pattern(pattern), Locale.parse(locale)
    assert DecimalPattern(parsed, where).apply(value) == parsed.apply(value, where)


def test_patterns_babel_handles_itself_still_work():
    where = Locale.parse("en")
    for pattern in ("0.00%", "@@@", "#,##0.00 ¤", "0.###E0"):
        parsed = parse_pattern(pattern)
        assert DecimalPattern(parsed, where).apply(Decimal("1234.5")) == parsed.apply(
            Decimal("1234.5"), where
        )


# -- spacing ------------------------------------------------------------------------------

_RUNS = re.compile(r"[ \t]{2,}")
_BEFORE_MARK = re.compile(r" +([,.;:!?)])")
_AFTER_OPEN = re.compile(r"([(]) +")


def _tidy_by_regex(text: str) -> str:
    text = _RUNS.sub(" ", text)
    text = _BEFORE_MARK.sub(r"\1", text)
    return _AFTER_OPEN.sub(r"\1", text).strip()


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=" \t\n,.;:!?()ab万", max_size=24))
def test_tidy_matches_the_regular_expressions(text):
    assert tidy(text) == _tidy_by_regex(text)


def test_a_direct_phrase_compiles_its_template_only_when_asked():
    env = _env()
    phrase = Phrase(env, "{{ name }}概况")
    assert phrase.direct and phrase._template is None
    assert phrase.template.render(**_context(env)) == phrase.render(_context(env))


def test_an_unknown_test_is_refused_when_the_phrase_is_compiled():
    with pytest.raises(TemplateSyntaxError, match="nosuchtest"):
        Phrase(_env(), "{{ name is nosuchtest }}")
