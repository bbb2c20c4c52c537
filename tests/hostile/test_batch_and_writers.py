"""Hostile trials of batch rendering, the CLI and the writers.

Each trial does what a careless or hostile input (or user) would, and asserts that the
harm is absent: no output lost or overwritten, nothing hung, no worker left running, no
temporary file left behind, no traceback, no markup, link or escape sequence smuggled in.
Anything that could hang runs under a deadline or a subprocess timeout.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from narrator.batch import Options, plan, worker_count
from narrator.cli import main
from narrator.document import Document, Heading, Paragraph, Table
from narrator.figures import FiguresError, load_figures, read_file
from narrator.formats import writer
from narrator.report import Report
from tests.conftest import DRAFT, LAKESIDE, ROOT, SEED

TEMP = ".narrator-tmp"


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, rather than hang, when a trial takes more than ten seconds."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError("the trial hung")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(TEMP)]


def summary_of(out: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return result


# -- lost output ------------------------------------------------------------------------


def test_same_stem_in_two_subfolders_writes_two_outputs(tmp_path, capsys):
    units = tmp_path / "units"
    copy(SEED, units / "a" / "unit.yaml")
    copy(LAKESIDE, units / "b" / "unit.yaml")
    out = tmp_path / "out"
    assert main(["render", str(units), "-o", str(out)]) == 0
    first, second = out / "a" / "unit.zh.txt", out / "b" / "unit.zh.txt"
    assert first.read_text(encoding="utf-8") == Report(load_figures(SEED)).render("zh")
    assert second.read_text(encoding="utf-8") == Report(load_figures(LAKESIDE)).render("zh")
    assert summary_of(out)["ok"] == 2


@pytest.mark.parametrize(
    "layout",
    [
        {"units/x.yaml": SEED, "units/x.json": None},  # one stem, two suffixes
        {"units/Unit.yaml": SEED, "units/unit.yaml": LAKESIDE},  # equal on macOS, Windows
        {"one/unit.yaml": SEED, "two/unit.yaml": LAKESIDE},  # two files given, one stem
    ],
)
def test_colliding_outputs_are_refused_before_anything_is_written(tmp_path, capsys, layout):
    given: list[Path] = []
    for name, source in layout.items():
        path = tmp_path / name
        if source is None:  # the same unit as JSON
            data = json.dumps(read_file(SEED), default=str, ensure_ascii=False)
            path.write_text(data, encoding="utf-8")
        else:
            copy(source, path)
        given.append(path)
    args = [str(tmp_path / "units")] if all("units/" in n for n in layout) else map(str, given)
    out = tmp_path / "out"
    assert main(["render", *args, "-o", str(out), "--lang", "zh,en"]) == 2
    err = capsys.readouterr().err
    assert "nothing was written" in err and "Traceback" not in err
    for path in given:
        assert str(path) in err
    assert not out.exists()


def test_two_folders_with_the_same_file_names_are_refused(tmp_path, capsys):
    copy(SEED, tmp_path / "north" / "unit.yaml")
    copy(LAKESIDE, tmp_path / "south" / "unit.yaml")
    out = tmp_path / "out"
    argv = ["render", str(tmp_path / "north"), str(tmp_path / "south"), "-o", str(out)]
    assert main(argv) == 2
    assert "north/unit.yaml, " in capsys.readouterr().err
    assert not out.exists()


# -- the output folder --------------------------------------------------------------------


def test_an_output_folder_that_is_a_file_or_unwritable_is_one_message(tmp_path, capsys):
    units = tmp_path / "units"
    copy(LAKESIDE, units / "unit.yaml")
    a_file = tmp_path / "a-file"
    a_file.write_text("mine", encoding="utf-8")
    targets = [a_file, a_file / "below"]
    if os.geteuid() != 0:  # root writes anywhere: only a user can be refused by the mode
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        targets.append(locked)
    for target in targets:
        assert main(["render", str(units), "-o", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"narrator: {target}: ")
    assert a_file.read_text(encoding="utf-8") == "mine"


def test_the_output_folder_inside_the_input_folder_is_never_read(tmp_path, capsys):
    units = tmp_path / "units"
    copy(LAKESIDE, units / "unit.yaml")
    out = units / "out"
    for _ in range(2):
        assert main(["render", str(units), "-o", str(out)]) == 0
        summary = summary_of(out)
        assert summary["inputs"] == 1 and summary["failed"] == 0
    # Not even when named, nor through a link into it.
    (units / "link.json").symlink_to(out / "summary.json")
    assert main(["render", str(units), "-o", str(out)]) == 0
    assert summary_of(out)["inputs"] == 1
    assert main(["render", str(out / "summary.json"), "-o", str(out)]) == 2
    assert "inside the output folder" in capsys.readouterr().err


# -- what is opened ---------------------------------------------------------------------------


def test_a_fifo_in_a_folder_is_skipped_and_a_named_one_is_never_opened(tmp_path, capsys, deadline):
    units = tmp_path / "units"
    copy(LAKESIDE, units / "unit.yaml")
    os.mkfifo(units / "pipe.yaml")
    out = tmp_path / "out"
    assert main(["render", str(units), "-o", str(out)]) == 0
    assert summary_of(out)["inputs"] == 1
    capsys.readouterr()
    fifo = str(units / "pipe.yaml")
    for argv in (
        ["render", fifo],
        ["render", fifo, "-o", str(tmp_path / "one.txt")],
        ["explain", fifo],
        ["check", fifo],
    ):
        assert main(argv) == 2
        assert (
            capsys.readouterr().err
            == f"narrator: {fifo}: cannot be read: it is a FIFO (named pipe), not a regular file\n"
        )
    assert main(["render", fifo, str(units / "unit.yaml"), "-o", str(out)]) == 1
    (bad,) = [r for r in summary_of(out)["results"] if r["status"] != "ok"]
    assert bad["status"] == "invalid" and "FIFO" in bad["message"]


@pytest.mark.parametrize("kind", ["folder", "missing", "unreadable"])
def test_a_path_that_is_no_file_is_one_line(tmp_path, capsys, kind):
    path = tmp_path / "unit.yaml"
    if kind == "folder":
        path.mkdir()
    elif kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads any file")
        copy(LAKESIDE, path).chmod(0)
    assert main(["render", str(path)]) == 2
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err and str(path) in err


# -- processes ------------------------------------------------------------------------


def narrator_process(*argv: str) -> subprocess.Popen[str]:
    code = "import sys; from narrator.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def children(pid: int) -> list[int]:
    """The live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def busy_office(tmp_path: Path, count: int = 200) -> Path:
    """More units than two workers render in the second or so a trial waits."""
    units = tmp_path / "units"
    for i in range(count):
        copy(LAKESIDE, units / f"unit-{i:02d}.yaml")
    return units


def wait_for(condition: Any, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("condition not reached")
        time.sleep(0.02)


needs_two_cpus = pytest.mark.skipif(
    not sys.platform.startswith("linux") or worker_count(2, 2) < 2,
    reason="needs Linux's /proc and two CPUs for two workers",
)


@needs_two_cpus
def test_workers_stop_when_the_parent_is_killed(tmp_path):
    out = tmp_path / "out"
    run = narrator_process("render", str(busy_office(tmp_path)), "-o", str(out), "-j", "2")
    try:
        # Killed as soon as both workers exist: whether or not they have started to
        # write (or even to ask for the parent-death signal), none may outlive it.
        wait_for(lambda: len(children(run.pid)) == 2)
        workers = children(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        wait_for(lambda: not any(alive(pid) for pid in workers), seconds=5)
    finally:
        run.kill()
        run.communicate(timeout=10)
    written = sorted(out.iterdir())
    time.sleep(0.3)
    assert sorted(out.iterdir()) == written  # nobody writes any more
    assert not leftovers(out)


@needs_two_cpus
def test_an_interrupt_stops_cleanly_and_says_what_was_done(tmp_path):
    out = tmp_path / "out"
    run = narrator_process("render", str(busy_office(tmp_path)), "-o", str(out), "-j", "2")
    try:
        wait_for(lambda: len(children(run.pid)) == 2 and any(out.glob("*.txt")))
        workers = children(run.pid)
        os.kill(run.pid, signal.SIGINT)
        _, err = run.communicate(timeout=15)
    finally:
        run.kill()
    assert run.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1].startswith("narrator: interrupted: ")
    assert not any(alive(pid) for pid in workers)
    assert not leftovers(out)
    summary = summary_of(out)
    assert summary["interrupted"] is True and summary["done"] < summary["inputs"] == 200
    assert len(summary["not_done"]) == summary["inputs"] - summary["done"]
    expected = Report(load_figures(LAKESIDE)).render("zh")
    listed = [Path(output) for result in summary["results"] for output in result["outputs"]]
    assert len(listed) == summary["done"]
    for output in out.glob("*.txt"):  # listed or finished just before the end: whole
        assert output.read_text(encoding="utf-8") == expected


def test_an_interrupt_in_a_single_process_run_also_leaves_a_summary(tmp_path, capsys, monkeypatch):
    import narrator.batch

    calls = []
    render_one = narrator.batch.render_one

    def interrupted_third(job: Any, options: Any) -> Any:
        calls.append(job)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return render_one(job, options)

    monkeypatch.setattr(narrator.batch, "render_one", interrupted_third)
    out = tmp_path / "out"
    assert main(["render", str(busy_office(tmp_path, 5)), "-o", str(out)]) == 130
    summary = summary_of(out)
    assert (summary["interrupted"], summary["done"], summary["inputs"]) == (True, 2, 5)
    assert capsys.readouterr().err.startswith("narrator: interrupted: 2 of 5 inputs rendered")
    assert not leftovers(out)


def test_workers_are_capped_by_inputs_and_cpus(tmp_path, capsys):
    assert worker_count(300, 4) <= 4
    assert worker_count(300, 10_000) <= (os.cpu_count() or 1)
    assert worker_count(1, 4) == 1
    out = tmp_path / "out"
    files = [str(copy(LAKESIDE, tmp_path / f"u{i}.yaml")) for i in range(3)]
    assert main(["render", *files, "-o", str(out), "-j", "300"]) == 0
    assert summary_of(out)["workers"] == worker_count(300, 3)


# -- files written --------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_outputs_have_the_mode_the_umask_gives(tmp_path, capsys, umask):
    previous = os.umask(umask)
    try:
        out = tmp_path / "out"
        assert main(["render", str(LAKESIDE), "-o", str(out), "--lang", "zh,en"]) == 0
        single = tmp_path / "single.md"
        assert main(["render", str(LAKESIDE), "-o", str(single)]) == 0
    finally:
        os.umask(previous)
    for path in [*out.iterdir(), single]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path


def test_diff_over_a_corrupt_previous_file_counts_as_changed(tmp_path, capsys):
    out = tmp_path / "out"
    stem = LAKESIDE.stem
    out.mkdir()
    (out / f"{stem}.zh.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    argv = ["render", str(LAKESIDE), "-o", str(out), "--format", "docx", "--diff"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == "narrator: 1 changed, 0 unchanged, 0 new"
    assert captured.err.count("could not be read") == 1 and "Traceback" not in captured.err
    assert summary_of(out)["results"][0]["status"] == "ok"
    assert zipfile.ZipFile(out / f"{stem}.zh.docx").testzip() is None


@pytest.mark.parametrize("depth", [1, 2])
def test_a_link_below_the_output_folder_never_carries_output_out_of_it(tmp_path, capsys, depth):
    units = tmp_path / "units"
    below = units / "north" / "east" if depth == 2 else units / "north"
    copy(LAKESIDE, below / "unit.yaml")
    copy(SEED, units / "seed.yaml")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    if depth == 2:
        (out / "north").mkdir(parents=True)
        (out / "north" / "east").symlink_to(elsewhere)
    else:
        out.mkdir()
        (out / "north").symlink_to(elsewhere)
    assert main(["render", str(units), "-o", str(out)]) == 1
    assert list(elsewhere.iterdir()) == []
    results = {Path(r["input"]).name: r for r in summary_of(out)["results"]}
    assert results["unit.yaml"]["status"] == "invalid"
    assert "is a symbolic link" in results["unit.yaml"]["message"]
    assert results["seed.yaml"]["status"] == "ok"  # the others are still written
    assert "Traceback" not in capsys.readouterr().err


def test_diff_never_reads_the_file_a_previous_output_links_to(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("DO-NOT-PRINT\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{LAKESIDE.stem}.zh.txt").symlink_to(secret)
    assert main(["render", str(LAKESIDE), "-o", str(out), "--diff"]) == 0
    captured = capsys.readouterr()
    assert "DO-NOT-PRINT" not in captured.out + captured.err
    assert "not a regular file" in captured.err
    assert secret.read_text(encoding="utf-8") == "DO-NOT-PRINT\n"  # replaced, not written through
    assert not (out / f"{LAKESIDE.stem}.zh.txt").is_symlink()


# -- messages, never tracebacks ----------------------------------------------------------------


def test_a_figures_file_with_thousands_of_problems_gives_a_short_message(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    fields = "\n".join(f"  field_{i}: {'x' * 5000}" for i in range(3000))
    broken.write_text(f"unit:\n{fields}\n", encoding="utf-8")
    assert main(["render", str(broken)]) == 2
    err = capsys.readouterr().err
    assert str(broken) in err and "Traceback" not in err
    assert len(err.splitlines()) <= 25 and len(err) < 10_000
    out = tmp_path / "out"
    assert main(["render", str(broken), "-o", str(out)]) == 1
    assert len(summary_of(out)["results"][0]["message"]) < 10_000


def test_check_json_has_an_entry_for_every_input(tmp_path, capsys, deadline):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "broken.yaml").write_text("unit: [", encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "wrong.yaml").write_text("unit: {name: 1}\nincome: 3\n", encoding="utf-8")
    files = [
        str(DRAFT),  # readable, with findings (a clean file has no entry: nothing to say)
        *(str(tmp_path / n) for n in ("pipe.yaml", "broken.yaml", "folder.yaml", "wrong.yaml")),
        str(tmp_path / "missing.yaml"),
    ]
    assert main(["check", "--format", "json", *files]) == 2
    entries = json.loads(capsys.readouterr().out)
    assert {entry["file"] for entry in entries} == set(files)
    invalid = [entry for entry in entries if entry["code"] == "input-invalid"]
    assert {entry["file"] for entry in invalid} == set(files[1:])
    assert all(entry["severity"] == "error" and entry["message"] for entry in invalid)
    assert "income" in {entry["path"] for entry in invalid if entry["file"] == files[4]}


def test_an_unexpected_exception_is_one_line_saying_it_is_a_bug(capsys, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("narrator.api.load", broken)
    monkeypatch.delenv("NARRATOR_DEBUG", raising=False)
    assert main(["render", str(LAKESIDE)]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bug in narrator" in err and "ZeroDivisionError" in err
    monkeypatch.setenv("NARRATOR_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["render", str(LAKESIDE)])


def test_an_interrupt_anywhere_is_one_line_and_exit_130(capsys, monkeypatch):
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("narrator.api.load", interrupted)
    assert main(["check", str(LAKESIDE)]) == 130
    assert capsys.readouterr().err == "narrator: interrupted\n"


def test_a_file_narrator_cannot_write_is_one_line(tmp_path, capsys):
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    target = a_file / "report.md"
    assert main(["render", str(LAKESIDE), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


# -- the writers ------------------------------------------------------------------------------

#: Markdown that would become structure or a link if it were not escaped.
MARKUP = (
    "\n# heading\n===\n---\n> quote\n- item\n1. item\n: definition\n| a | b |\n|---|---|\n"
    "[click](javascript:alert(1)) ![i](x.png) <https://e.vil> <a@e.vil> https://e.vil "
    "javascript:alert(2) www.e.vil mail@e.vil $x^2$ <b>bold</b> &amp; `code` **strong** ##"
)
#: Characters no document may carry: terminal escapes, XML-incompatible, bidi overrides.
CONTROLS = "\x00\x07\x0b\x0c\x1b[31m\x1b]0;title\x07\x7f\x85\x9b\u202e\u2066\ufffe\ud800"
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)


def hostile_document(payload: str, lang: str = "zh") -> Document:
    """Every text position of every block kind holds ``payload``."""
    return Document(
        lang,
        "Title" + payload,
        (
            Heading("title", 0, "", "Title" + payload),
            Heading("h", 1, "一、", "Heading" + payload),
            Paragraph("p", "Paragraph" + payload),
            Table(
                "t",
                "Table" + payload,
                "Unit" + payload,
                ("Header" + payload, "2"),
                (("Cell" + payload, "1.00"), ("2.00", "Cell" + payload)),
                "Note" + payload,
            ),
        ),
    )


def hostile_report(payload: str) -> Report | None:
    """Lakeside with ``payload`` after every free text; None if the figures refuse it."""

    def spoil(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) <= {"zh", "en"} and all(isinstance(v, str) for v in node.values()):
                return {key: value + payload for key, value in node.items()}
            return {key: spoil(value) for key, value in node.items()}
        if isinstance(node, list):
            return [spoil(value) for value in node]
        return node

    try:
        return Report(load_figures(spoil(read_file(LAKESIDE))))
    except FiguresError:
        return None  # refused with a message naming the field: no harm either


def markdown_harm(text: str) -> list[str]:
    """Lines of Markdown that a renderer would read as structure or a link from MARKUP."""
    block = re.compile(r"#+ heading|\s*(=+\s*$|-+\s*$|> |[-+*] (?!\*\*)|\d+[.)] |: |\|-)")
    inline = re.compile(
        r"(?<!\\)[\[$@`]|(?<!\\)<(?!br>)|(?<!\\)&|javascript:|https?:|www\.|(?<!\\)\*\*strong"
    )
    return [line for line in text.splitlines() if block.match(line) or inline.search(line)]


def test_markdown_text_never_becomes_structure_or_links():
    from narrator.formats.markdown import side_by_side

    zh, en = hostile_document(MARKUP), hostile_document(MARKUP, "en")
    for text in (
        writer("md")([zh]),
        writer("md")([zh, en]),
        # (the finding's code is the writer's own code span)
        side_by_side([zh, en], [("error", "E1", "Finding" + MARKUP)]).replace("`E1`", "E1"),
    ):
        assert markdown_harm(text) == []
        assert "javascript\\:alert(1)" in text  # shown, not dropped
    report = hostile_report(MARKUP)
    if report is not None:
        for lang in ("zh", "en", "both"):
            assert markdown_harm(report.render(lang, "md")) == []
        view = re.sub(r" `[a-z0-9-]+` ", " ", report._repr_markdown_())  # codes: the writer's
        assert markdown_harm(view) == []


def test_every_writer_takes_control_characters():
    zh, en = hostile_document(CONTROLS), hostile_document(CONTROLS, "en")
    for name in ("md", "html"):
        for documents in ([zh], [zh, en]):
            text = writer(name)(documents)
            assert isinstance(text, str)
            assert not FORBIDDEN.search(text), name
            text.encode("utf-8")
    # Plain text keeps the documents' text (the CLI guards the terminal), but can always
    # be written: a lone surrogate is replaced.
    writer("text")([zh]).encode("utf-8")
    docx = pytest.importorskip("docx")
    for documents in ([zh], [zh, en]):
        data = writer("docx")(documents)
        assert isinstance(data, bytes)
        word = docx.Document(io.BytesIO(data))
        texts = [p.text for p in word.paragraphs]
        texts += [c.text for t in word.tables for row in t.rows for c in row.cells]
        assert any("Paragraph" in t for t in texts) and any("Cell" in t for t in texts)
        assert not any(FORBIDDEN.search(t) for t in texts)


def test_reports_with_control_characters_in_free_text_render_in_every_format():
    report = hostile_report(CONTROLS)
    if report is None:
        return  # refused when loaded: a message, no harm
    for name in ("text", "md", "html", "docx"):
        for lang in ("zh", "both"):
            report.render(lang, name)
    assert not FORBIDDEN.search(report.render("both", "html"))
    assert not FORBIDDEN.search(report._repr_html_())


# -- the terminal, and who owns what ---------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_printed_to_a_terminal_carries_no_escape_sequences(tmp_path, capsys, monkeypatch):
    source = LAKESIDE.read_text(encoding="utf-8").replace(
        "    zh: 临湖县水利局\n", '    zh: "临湖县水利局\\e]0;pwned\\a\\e[2J\\u202e"\n', 1
    )
    unit = tmp_path / "unit.yaml"
    unit.write_text(source, encoding="utf-8")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    status = main(["render", str(unit)])
    shown = terminal.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    if status == 0:  # the figures took the name: it is shown with its escapes visible
        assert "临湖县水利局\\x1b]0;pwned\\x07\\x1b[2J\\u202e" in shown
    for command in (["explain", str(unit)], ["check", str(unit)]):
        terminal.seek(0)
        terminal.truncate()
        main(command)
        assert "\x1b]" not in terminal.getvalue() and "\x1b[2J" not in terminal.getvalue()
    assert "\x1b" not in capsys.readouterr().err


def test_batch_does_not_import_the_cli():
    tree = ast.parse((ROOT / "narrator" / "batch.py").read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert "narrator.cli" not in imported


def test_plan_names_outputs_below_the_folder_they_were_found_in(tmp_path):
    copy(SEED, tmp_path / "units" / "north" / "a.yaml")
    copy(SEED, tmp_path / "units" / "south" / "deep" / "a.yml")
    jobs = plan([tmp_path / "units"], tmp_path / "out", Options(langs=("both",), format="md"))
    targets = [
        target.relative_to(tmp_path / "out").as_posix() for j in jobs for _, target in j.targets
    ]
    assert targets == ["north/a.both.md", "south/deep/a.both.md"]
