"""Every command works on every example under every profile, in every language and format.

A crash that only one combination shows (explain on the Shanghai example once exited 2)
is caught here: each example × profile is rendered in zh, en and both, as text, md, html
and docx, checked and explained, through the API and once through the command line.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from narrator import load
from narrator.cli import main
from narrator.formats import FORMATS
from narrator.phrasebank import available_profiles

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
#: The district example's layer folder: its profile (built on shanghai-2024) is run over every
#: example too, given with --phrasebank as a user gives it.
DISTRICT_LAYER = Path(__file__).parent.parent / "examples" / "district-layer"
BUILT_IN = sorted(available_profiles())
PROFILES = sorted(available_profiles([DISTRICT_LAYER]))
LANGS = ("zh", "en", "both")


def _layers(profile: str) -> list[Path]:
    return [] if profile in BUILT_IN else [DISTRICT_LAYER]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_language_and_format_renders(example, profile):
    report = load(example, profile=profile, phrasebanks=_layers(profile))
    title = report.document("zh").title
    for lang in LANGS:
        for name, spec in FORMATS.items():
            output = report.render(lang, name)
            if spec.binary:
                assert isinstance(output, bytes)
                with zipfile.ZipFile(io.BytesIO(output)) as word:
                    body = word.read("word/document.xml").decode("utf-8")
                assert title in body or lang == "en"
            else:
                assert isinstance(output, str) and output.strip()
                assert title in output or lang == "en"
    assert report.check() is not None
    entries = report.explain()
    assert entries and all(entry["zh"] and entry["en"] for entry in entries)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_command_runs_from_the_command_line(example, profile, tmp_path, capsys):
    common = [str(example), "--profile", profile]
    common += [arg for layer in _layers(profile) for arg in ("--phrasebank", str(layer))]
    assert main(["check", *common, "--format", "json"]) in (0, 1)
    assert isinstance(json.loads(capsys.readouterr().out), list)
    assert main(["explain", *common, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["render", *common, "--lang", "both"]) == 0
    assert capsys.readouterr().out.strip()
    target = tmp_path / "report.docx"
    assert main(["render", *common, "--lang", "zh,en", "-o", str(tmp_path / "out")]) == 0
    assert main(["render", *common, "-o", str(target)]) == 0
    assert target.stat().st_size > 0
    assert len(list((tmp_path / "out").glob("*.txt"))) == 2
