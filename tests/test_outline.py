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
    renderer = Renderer(report.bank, lang, report.facts)
    renderer.document()
    return frozenset(renderer.said)


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
                    first = re.split(r"[。；;]|\. ", entry[lang])[0].strip()[:60].lower()
                    assert first in text[lang].lower(), (
                        example.stem,
                        profile,
                        entry["sentence"],
                        lang,
                    )
