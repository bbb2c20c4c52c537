"""Batch rendering: many figures files to a folder, one bad input never stopping the others.

:func:`run` renders every input and returns one :class:`Outcome` per input; it prints
nothing (the CLI reports progress through a callback). Each output is written to a
temporary file beside its target and renamed into place, so an interrupted run leaves no
half-written document. ``summary.json`` records each input's status and diagnostics.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from narrator.errors import InputError

#: File suffixes a folder is searched for.
FIGURE_SUFFIXES = (".yaml", ".yml", ".json")
#: The summary written beside the outputs.
SUMMARY_NAME = "summary.json"

Status = Literal["ok", "invalid", "refused", "failed"]


@dataclass(frozen=True)
class Options:
    """How every input is rendered."""

    lang: str = "zh"
    format: str = "text"
    profile: str | None = None
    phrasebanks: tuple[str, ...] = ()
    style: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    #: Compare each output with the file it replaces (:attr:`Outcome.changes`).
    diff: bool = False


@dataclass(frozen=True)
class OutputChange:
    """How one output differs from the file it replaced (``--diff``)."""

    output: str
    #: ``new`` (no file before), ``changed`` or ``unchanged``.
    state: Literal["new", "changed", "unchanged"]
    #: A unified diff of the text (a Word file's paragraphs and cells); "" when unchanged.
    diff: str = ""


@dataclass
class Outcome:
    """What became of one input."""

    input: str
    status: Status
    outputs: list[str] = field(default_factory=list)
    message: str = ""
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    #: With ``Options.diff``: one comparison per output (not written to summary.json).
    changes: list[OutputChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def find_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the figures files under each folder (sorted, recursively)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in FIGURE_SUFFIXES))
        else:
            found.append(path)
    return found


def output_names(path: Path, outdir: Path, options: Options) -> dict[str, Path]:
    """Target per language: ``OUTDIR/<stem>.<lang><ext>`` (``both`` gives zh and en)."""
    from narrator.formats import get_format

    extension = get_format(options.format).extension
    langs = ("zh", "en") if options.lang == "both" else (options.lang,)
    return {lang: outdir / f"{path.stem}.{lang}{extension}" for lang in langs}


def write_atomically(target: Path, content: str | bytes | Iterable[str]) -> None:
    """Write to a temporary file in the target's folder, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            elif isinstance(content, str):
                stream.write(content.encode("utf-8"))
            else:
                for piece in content:
                    stream.write(piece.encode("utf-8"))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def render_one(path: Path, outdir: Path, options: Options) -> Outcome:
    """Render one input; every failure becomes an :class:`Outcome`, never an exception."""
    from narrator import load
    from narrator.checks import records

    outcome = Outcome(str(path), "ok")
    try:
        report = load(
            path,
            profile=options.profile,
            phrasebanks=options.phrasebanks,
            style=dict(options.style),
        )
        diagnostics = report.check()
        outcome.diagnostics = [
            {key: value for key, value in record.items() if key != "file"}
            for record in records(str(path), diagnostics)
        ]
        if options.strict and any(d.severity == "error" for d in diagnostics):
            outcome.status = "refused"
            outcome.message = "the figures have errors (--strict)"
            return outcome
        for lang, target in output_names(path, outdir, options).items():
            content = report.render(lang, options.format)
            if options.diff:
                outcome.changes.append(compare_output(target, content))
            write_atomically(target, content)
            outcome.outputs.append(str(target))
    except InputError as exc:
        outcome.status = "invalid"
        outcome.message = str(exc)
    except Exception as exc:  # one unit's bug must not stop the office's run
        outcome.status = "failed"
        outcome.message = f"{type(exc).__name__}: {exc}"
    return outcome


def compare_output(target: Path, content: str | bytes) -> OutputChange:
    """Compare new output with the file at ``target``: Word files by their text."""
    import difflib

    if not target.is_file():
        return OutputChange(str(target), "new")
    old = target.read_bytes()
    if isinstance(content, bytes):
        before, after = _docx_text(old), _docx_text(content)
    else:
        before, after = old.decode("utf-8", errors="replace"), content
    if before == after:
        return OutputChange(str(target), "unchanged")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{target.name}",
        tofile=f"b/{target.name}",
    )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return OutputChange(str(target), "changed", text)


def _docx_text(content: bytes) -> str:
    """The paragraphs and table cells of a Word file, one per line."""
    import io

    from docx import Document

    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend("\t".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines) + "\n"


def _render_star(args: tuple[Path, Path, Options]) -> Outcome:
    return render_one(*args)


def run(
    inputs: Sequence[Path],
    outdir: Path,
    options: Options,
    *,
    jobs: int = 1,
    progress: Callable[[int, int, Outcome], None] | None = None,
) -> list[Outcome]:
    """Render every input into ``outdir``; write ``summary.json``; return the outcomes.

    Memory stays flat however many inputs there are: each outcome's diagnostics and diffs
    go to a scratch file (and to ``progress``) as it arrives, and the outcomes returned
    keep only their status, outputs and message.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    handle, scratch = tempfile.mkstemp(prefix=".summary.", suffix=".jsonl", dir=outdir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as lines:
            for done, outcome in enumerate(_outcomes(inputs, outdir, options, jobs), 1):
                record = {k: v for k, v in asdict(outcome).items() if k != "changes"}
                lines.write(json.dumps(record, ensure_ascii=False) + "\n")
                if progress is not None:
                    progress(done, len(inputs), outcome)
                outcome.diagnostics, outcome.changes = [], []
                outcomes.append(outcome)
        ok = sum(o.ok for o in outcomes)
        head = {
            "inputs": len(outcomes),
            "ok": ok,
            "failed": len(outcomes) - ok,
            "options": asdict(options),
        }
        with open(scratch, encoding="utf-8") as lines:
            write_atomically(outdir / SUMMARY_NAME, _summary(head, lines))
    finally:
        Path(scratch).unlink(missing_ok=True)
    return outcomes


def _summary(head: dict[str, Any], records: Iterable[str]) -> Iterator[str]:
    """summary.json, written piece by piece: the head's fields, then ``results``."""
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "results": ['
    for index, line in enumerate(records):
        yield ("," if index else "") + "\n    " + line.rstrip("\n")
    yield "\n  ]\n}\n"


def _outcomes(
    inputs: Sequence[Path], outdir: Path, options: Options, jobs: int
) -> Iterator[Outcome]:
    if jobs <= 1 or len(inputs) <= 1:
        for path in inputs:
            yield render_one(path, outdir, options)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # Chunks keep the per-task overhead small; map keeps the inputs' order.
        chunk = max(1, len(inputs) // (jobs * 8))
        yield from pool.map(
            _render_star, [(path, outdir, options) for path in inputs], chunksize=chunk
        )
