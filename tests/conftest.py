"""Shared fixtures: the example figures files and reports."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from narrator.api import load
from narrator.figures import read_file
from narrator.report import Report

# The suite keeps its compiled phrasebanks in a cache of its own, never the user's.
os.environ["NARRATOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="narrator-test-cache-")
atexit.register(shutil.rmtree, os.environ["NARRATOR_CACHE_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "zhuji-bigdata-2019.yaml"
LAKESIDE = EXAMPLES / "lakeside-water-2023.yaml"
#: The lakeside unit as a draft: some deviations not yet explained (visible placeholders).
DRAFT = EXAMPLES / "lakeside-water-2023-draft.yaml"
SHARED = ROOT.parent / "shared"
#: Every example figures file.
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
#: The phrasebank layers an example's own profile needs (the district example's layer).
EXAMPLE_LAYERS: dict[str, tuple[Path, ...]] = {
    "shanghai-district-2024": (EXAMPLES / "district-layer",),
}


def example_layers(path: Path) -> tuple[Path, ...]:
    """The layers to load an example with, under its own profile."""
    return EXAMPLE_LAYERS.get(path.stem, ())


def load_example(path: Path, **options: Any) -> Report:
    """An example under its own profile, with the layers that profile needs."""
    return load(path, phrasebanks=example_layers(path), **options)


@pytest.fixture(scope="session")
def seed_report() -> Report:
    return load(SEED)


@pytest.fixture(scope="session")
def lakeside_report() -> Report:
    return load(LAKESIDE)


@pytest.fixture(scope="session")
def draft_report() -> Report:
    return load(DRAFT)


@pytest.fixture
def lakeside_data() -> Any:
    """A fresh, editable mapping of a figures file in which every identity holds."""
    return read_file(LAKESIDE)


@pytest.fixture
def seed_data() -> Any:
    return read_file(SEED)


# A sentence (or a clause of a list) ends at 。 or ；, at an English full stop followed by
# a new sentence, or at an English semicolon.
_SENTENCE_END = re.compile(r"(?<=[。！？；])(?=[^\n」”）)])|(?<=[.!?]) (?=[A-Z“\"(])|(?<=;) ")


def sentences_per_line(text: str) -> str:
    r"""A rendered report with one sentence per line, as snapshots hold it (reviewable diffs).

    >>> print(sentences_per_line("收入1万元。支出2万元。\nIt rose. It fell."))
    收入1万元。
    支出2万元。
    It rose.
    It fell.
    """
    return _SENTENCE_END.sub("\n", text)
