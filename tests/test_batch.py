"""Batch rendering: a folder of units, one bad input never stopping the others."""

from __future__ import annotations

import json
import shutil
from contextlib import nullcontext
from pathlib import Path

import pytest

from narrator import load
from narrator.batch import Job, Options, render_one, write_atomically
from narrator.cli import main
from tests.conftest import LAKESIDE, SEED

SHANGHAI = SEED.parent / "shanghai-harbour-2024.yaml"


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """Dozens of units in nested folders, one of them broken."""
    folder = tmp_path / "units"
    for i in range(30):
        source = (SEED, LAKESIDE, SHANGHAI)[i % 3]
        target = folder / f"district-{i // 10}" / f"unit-{i:02d}{source.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    (folder / "district-1" / "unit-broken.yaml").write_text(
        "unit: {name: 坏文件}\nincome: [", encoding="utf-8"
    )
    (folder / "notes.txt").write_text("not a figures file", encoding="utf-8")
    return folder


def test_one_bad_input_never_stops_the_others(office, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["render", str(office), "-o", str(out), "--lang", "zh,en"]) == 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["inputs"], summary["ok"], summary["failed"]) == (31, 30, 1)
    assert summary["interrupted"] is False
    broken = [r for r in summary["results"] if r["status"] != "ok"]
    assert [Path(r["input"]).name for r in broken] == ["unit-broken.yaml"]
    assert broken[0]["status"] == "invalid" and "income" in broken[0]["message"]
    outputs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert len(outputs) == 60  # one per input and language, where the input lies
    assert "district-0/unit-00.zh.txt" in outputs and "district-0/unit-00.en.txt" in outputs
    first = out / "district-0" / "unit-00.zh.txt"
    assert first.read_text(encoding="utf-8") == load(SEED).render("zh")
    err = capsys.readouterr().err
    assert "30 of 31 inputs rendered, 60 files written" in err
    assert "[#" not in err  # no progress bar when stderr is not a terminal


def test_the_summary_carries_each_inputs_diagnostics(office, tmp_path):
    out = tmp_path / "out"
    main(["render", str(office / "district-0" / "unit-00.yaml"), "-o", str(out)])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    codes = {d["code"] for d in summary["results"][0]["diagnostics"]}
    assert "sme-above-total" in codes


def test_parallel_rendering_gives_the_same_files(office, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["render", str(office), "-o", str(one), "-j", "1"]) == 1
    assert main(["render", str(office), "-o", str(two), "-j", "2"]) == 1
    written = sorted(one.rglob("*.txt"))
    assert len(written) == 30
    for path in written:
        assert (two / path.relative_to(one)).read_bytes() == path.read_bytes()


def test_strict_refuses_units_with_errors_and_writes_nothing_for_them(tmp_path):
    out = tmp_path / "out"
    assert main(["render", str(SEED), str(LAKESIDE), "-o", str(out), "--strict"]) == 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    statuses = {Path(r["input"]).name: r["status"] for r in summary["results"]}
    assert statuses == {SEED.name: "refused", LAKESIDE.name: "ok"}
    assert not (out / f"{SEED.stem}.zh.txt").exists()


def test_docx_batch_writes_word_files(tmp_path):
    out = tmp_path / "out"
    assert main(["render", str(LAKESIDE), "-o", str(out), "--format", "docx"]) == 0
    assert (out / f"{LAKESIDE.stem}.zh.docx").read_bytes()[:2] == b"PK"


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_an_unexpected_failure_is_an_outcome_not_a_crash(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("narrator.batch.write_atomically", boom)
    outcome = render_one(Job(LAKESIDE, (("zh", tmp_path / "x.zh.txt"),)), Options())
    assert (outcome.status, outcome.message) == ("failed", "RuntimeError: disk on fire")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["render", str(SEED), str(LAKESIDE)], "several inputs need -o FOLDER"),
        (["render", str(SEED), "--format", "docx"], "give -o FILE.docx"),
        (["render", str(SEED), "-o", "x", "-j", "0"], "-j must be at least 1"),
    ],
)
def test_impossible_requests_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


# -- what -o and --lang mean ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "format", "starts"),
    [
        ("report.docx", None, b"PK"),
        ("report.html", None, b"<!DOCTYPE html>"),
        ("report.md", None, b"# "),
        ("report.txt", "md", b"# "),  # --format says otherwise: it wins
    ],
)
def test_o_naming_a_file_writes_that_file(tmp_path, capsys, name, format, starts):
    target = tmp_path / "sub" / name
    argv = ["render", str(LAKESIDE), "-o", str(target)] + (["--format", format] if format else [])
    assert main(argv) == 0
    assert target.is_file() and target.read_bytes().startswith(starts)
    assert sorted(p.name for p in target.parent.iterdir()) == [name]  # no summary, no folder


def test_o_naming_an_existing_folder_or_ending_in_a_slash_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "old.docx"
    folder.mkdir()
    assert main(["render", str(LAKESIDE), "-o", str(folder), "--format", "docx"]) == 0
    assert (folder / f"{LAKESIDE.stem}.zh.docx").is_file()
    assert main(["render", str(LAKESIDE), "-o", f"{tmp_path / 'new.md'}/"]) == 0
    assert (tmp_path / "new.md" / f"{LAKESIDE.stem}.zh.txt").is_file()


def test_o_naming_a_file_for_many_inputs_is_refused(tmp_path, capsys):
    assert main(["render", str(SEED), str(LAKESIDE), "-o", str(tmp_path / "all.docx")]) == 2
    assert "give -o FOLDER" in capsys.readouterr().err
    assert main(["render", str(SEED.parent), "-o", str(tmp_path / "all.html")]) == 2
    assert not any(tmp_path.iterdir())


def test_lang_both_is_one_bilingual_file_and_zh_en_one_file_each(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["render", str(LAKESIDE), "-o", str(out), "--lang", "both"]) == 0
    both = out / f"{LAKESIDE.stem}.both.txt"
    assert both.read_text(encoding="utf-8") == load(LAKESIDE).render("both")
    assert main(["render", str(LAKESIDE), "-o", str(out), "--lang", "en,zh"]) == 0
    for lang in ("zh", "en"):
        written = out / f"{LAKESIDE.stem}.{lang}.txt"
        assert written.read_text(encoding="utf-8") == load(LAKESIDE).render(lang)
    single = tmp_path / "report.html"
    assert main(["render", str(LAKESIDE), "-o", str(single), "--lang", "both"]) == 0
    assert single.read_text(encoding="utf-8") == load(LAKESIDE).render("both", "html")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lang", "zh,en"], "one file per language: give -o FOLDER"),
        (["--lang", "zh,en", "-o", "report.md"], "one file per language: give -o FOLDER"),
        (["--lang", "fr"], "choose zh, en, both"),
    ],
)
def test_lang_choices_that_cannot_be_met_exit_2(argv, message, capsys):
    # argparse refuses an unknown choice itself (SystemExit 2, with the usage)
    with pytest.raises(SystemExit) if "fr" in argv else nullcontext():
        assert main(["render", str(LAKESIDE), *argv]) == 2
    assert message in capsys.readouterr().err
