"""Every command works on every example: render, explain and check, in every language and
format, through the command line itself (``narrator.cli.main``, in process).

An example whose own profile lives in a layer folder (the district example) is given that
folder with ``--phrasebank``, as a user would.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from narrator.cli import main
from tests.conftest import EXAMPLE_FILES, example_layers

LANGS = ("zh", "en", "both")
TEXT_FORMATS = ("text", "md", "html")


def _layers(example: Path) -> list[str]:
    return [arg for layer in example_layers(example) for arg in ("--phrasebank", str(layer))]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    return code, out, err


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_render_in_every_language_and_format(example, tmp_path, capsys):
    layers = _layers(example)
    for lang in LANGS:
        for fmt in TEXT_FORMATS:
            code, out, _ = _run(
                capsys, "render", str(example), "--lang", lang, "--format", fmt, *layers
            )
            assert code == 0 and out.strip(), (lang, fmt)
            if fmt == "html":
                assert out.lstrip().lower().startswith("<!doctype html>")
            if lang != "en":
                assert "年度" in out
            if lang != "zh":
                assert "final accounts" in out
    # Word once per example, both languages in one document.
    target = tmp_path / f"{example.stem}.docx"
    code, _, _ = _run(capsys, "render", str(example), "--lang", "both", "-o", str(target), *layers)
    assert code == 0 and zipfile.is_zipfile(target)
    with zipfile.ZipFile(target) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "年度" in body and "final accounts" in body


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_explain_and_check_in_every_language_and_format(example, capsys):
    layers = _layers(example)
    code, out, _ = _run(capsys, "explain", str(example), *layers)
    assert code == 0 and "zh: " in out and "en: " in out
    code, out, _ = _run(capsys, "explain", str(example), "--format", "json", *layers)
    entries = json.loads(out)
    assert code == 0 and entries and all(e["zh"] and e["en"] for e in entries)
    for lang in ("zh", "en"):
        code, out, _ = _run(capsys, "check", str(example), "--lang", lang, *layers)
        assert code in (0, 1) and out.startswith(str(example))  # 1: the figures have errors
        code, out, _ = _run(
            capsys, "check", str(example), "--format", "json", "--lang", lang, *layers
        )
        assert code in (0, 1) and isinstance(json.loads(out), list)
