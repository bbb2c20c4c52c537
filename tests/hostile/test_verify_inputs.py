"""Hostile written reports for `narrator verify`: refused with one line, never a hang or a bomb."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from narrator.cli import main
from narrator.verify.reading import MAX_FILE_BYTES
from tests.conftest import LAKESIDE
from tests.hostile.test_templates import finishes


def refused(capsys, report) -> str:
    code = finishes(lambda: main(["verify", str(report), "--figures", str(LAKESIDE)]))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith("narrator: ") and str(report) in last
    return last


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_opening_it(tmp_path, capsys):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    assert "FIFO" in refused(capsys, fifo)


def test_a_file_too_large_to_be_a_report_is_refused_before_it_is_read(tmp_path, capsys):
    big = tmp_path / "report.txt"
    with big.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: no real bytes are written
    assert "too large" in refused(capsys, big)


def test_a_word_zip_bomb_is_refused_before_python_docx_opens_it(tmp_path, capsys):
    bomb = tmp_path / "report.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    bomb.write_bytes(buffer.getvalue())
    assert "unpacks to" in refused(capsys, bomb)


def test_a_folder_is_one_line(tmp_path, capsys):
    assert "directory" in refused(capsys, tmp_path)


def test_a_layer_pattern_that_could_backtrack_forever_is_refused(tmp_path, capsys):
    layer = tmp_path / "layer" / "zh"
    layer.mkdir(parents=True)
    (layer / "verify.yaml").write_text("relations:\n  flat: '(持+)+平$'\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text("持" * 40 + "x", encoding="utf-8")
    argv = ["verify", str(report), "--figures", str(LAKESIDE), "--phrasebank", str(layer.parent)]
    code = finishes(lambda: main(argv))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "verify.yaml" in err and "repeats within itself" in err
