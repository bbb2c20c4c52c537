"""The outline's contract: what a report prints is known from its outline and decisions.

``Report.said`` is computed without rendering (each outline entry's ``when``, ``each`` and
``says``); rendering in either language must say exactly those sentences, for every
example and profile and for generated units. Then the checker and ``explain`` speak of
the sentences the report really prints, and both languages take the same decisions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import PROFILES, generate
from narrator import load
from narrator.render import Renderer
from tests.conftest import load_example

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


def rendered_said(report, lang: str) -> frozenset[str]:
    return rendered(report, lang)[0]


def rendered(report, lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """The sentences a language said, and those whose reason it printed."""
    renderer = Renderer(report.bank, lang, report.facts)
    renderer.document()
    return frozenset(renderer.said), frozenset(renderer.reasoned)


def assert_same_reasons(report) -> None:
    """Both languages print a reason for exactly the sentences whose decided reason is
    needed, among those the outline says: a template words a decision, never takes one."""
    needed = {key for key in report.said if report.facts.sentence(key).reason.needed}
    for lang in ("zh", "en"):
        said, reasoned = rendered(report, lang)
        assert said == report.said, lang
        assert reasoned == needed, (lang, sorted(reasoned ^ needed))


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_language_says_what_the_outline_declares(example, profile):
    report = load(example, profile=profile)
    declared = report.said
    assert declared, "the outline declares no sentences"
    for lang in ("zh", "en"):
        assert rendered_said(report, lang) == declared, lang


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_under_its_own_profile_says_what_it_declares(example):
    report = load_example(example)  # the district example with its district layer
    for lang in ("zh", "en"):
        assert rendered_said(report, lang) == report.said, lang


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), profile=st.sampled_from(PROFILES))
def test_generated_units_say_what_the_outline_declares(seed, profile):
    report = load(generate(seed, profile))
    for lang in ("zh", "en"):
        assert rendered_said(report, lang) == report.said, lang


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_language_prints_the_same_reasons(example, profile):
    assert_same_reasons(load(example, profile=profile))


#: The seed's conventions (every zero line, 增长100%, 增长0%, 完成预算的100%), which put
#: reasons on sentences about nothing: the case where wording and decision are easiest to mix.
_CONVENTIONS = {
    "growth_from_zero": "hundred_percent",
    "both_zero_change": "zero_percent",
    "both_zero_completion": "hundred_percent",
    "list_zero_lines": "yes",
}


@pytest.mark.parametrize("profile", PROFILES)
def test_generated_units_print_the_same_reasons_in_every_language(profile):
    for seed in range(150):
        data = generate(seed, profile)
        if seed % 2:
            data["style"] = dict(_CONVENTIONS)
        assert_same_reasons(load(data))


def test_knowing_what_is_said_renders_nothing(monkeypatch):
    report = load(EXAMPLES[0])

    def refuse(*args, **kwargs):
        raise AssertionError("rendered to learn what is said")

    monkeypatch.setattr(Renderer, "document", refuse)
    assert report.said and report.check() is not None and report.printed.paragraphs


def test_explain_covers_only_what_the_profile_prints():
    for example in EXAMPLES:
        for profile in PROFILES:
            report = load(example, profile=profile)
            entries = report.explain()
            assert {e["sentence"] for e in entries if e["kind"] != "computed"} == report.said
            text = {lang: report.render(lang) for lang in ("zh", "en")}
            for entry in entries:
                for lang in ("zh", "en"):
                    # Each sentence explained is printed in the report: its first clause, word
                    # for word (a clause may open the report's sentence or follow "of this,").
                    first = (
                        re.split(r"[。；;]|\. ", entry[lang])[0].strip().rstrip(".")[:60].lower()
                    )
                    assert first in text[lang].lower(), (
                        example.stem,
                        profile,
                        entry["sentence"],
                        lang,
                    )
