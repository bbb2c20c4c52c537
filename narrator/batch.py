"""Batch rendering: many figures files to a folder, one bad input never stopping the others.

:func:`plan` finds the inputs and names one output per input and language, refusing
before anything is written when two inputs would write the same file. :func:`run`
renders the plan and returns a :class:`Result`; it prints nothing (the CLI presents
progress through a callback, and the messages this module words).

What a run guarantees, whatever happens to it:

- each output is written to a temporary file beside its target and renamed into place:
  a file in OUTDIR is always complete, with the mode a new file gets (the umask applies);
- worker processes never outlive the run: on Linux each asks the kernel to stop it when
  the parent dies, and every worker checks its parent before each write;
- an interrupt (Ctrl-C) stops the workers, removes their temporary files and still writes
  ``summary.json``, marked ``"interrupted": true``, with what was done.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import stat
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, Literal, NoReturn

from narrator.errors import InputError, UsageError
from narrator.inputs import FIGURE_SUFFIXES, TEMP_SUFFIX, Found, find_inputs, require_regular_file
from narrator.messages import brief

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from types import FrameType

#: The summary written beside the outputs.
SUMMARY_NAME = "summary.json"
#: At most this many groups of colliding outputs are listed in the refusal.
COLLISIONS_SHOWN = 10
#: ``--diff`` compares with a file before only up to this size (bytes).
MAX_COMPARED_BYTES = 64 * 1024 * 1024

Status = Literal["ok", "invalid", "refused", "failed"]


@dataclass(frozen=True)
class Options:
    """How every input is rendered."""

    #: One output per entry: ``zh``, ``en``, or ``both`` (one bilingual document).
    langs: tuple[str, ...] = ("zh",)
    format: str = "text"
    profile: str | None = None
    phrasebanks: tuple[str, ...] = ()
    style: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    #: Compare each output with the file it replaces (:attr:`Outcome.changes`).
    diff: bool = False


@dataclass(frozen=True)
class Job:
    """One input and the file it writes for each entry of :attr:`Options.langs`."""

    input: Path
    targets: tuple[tuple[str, Path], ...]
    #: The folder every target lies below (OUTDIR): no folder between may be a link.
    root: Path | None = None


@dataclass(frozen=True)
class OutputChange:
    """How one output differs from the file it replaced (``--diff``)."""

    output: str
    #: ``new`` (no file before), ``changed`` or ``unchanged``.
    state: Literal["new", "changed", "unchanged"]
    #: A unified diff of the text (a Word file's paragraphs and cells); "" when unchanged.
    diff: str = ""
    #: Why there is no diff, when the file before could not be read.
    note: str = ""


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

    def describe(self) -> str:
        """One line (or a few, for invalid figures) saying what went wrong, or "ok"."""
        if self.ok:
            return f"{self.input}: ok"
        if self.message.startswith(self.input):
            return self.message
        return f"{self.input}: {self.status}: {self.message}"


@dataclass
class Result:
    """A whole run: the outcomes of the inputs done, in the inputs' order."""

    outcomes: list[Outcome]
    #: How many inputs the run was asked to render.
    total: int
    #: How many worker processes rendered them (1: in this process).
    workers: int
    interrupted: bool
    summary: Path

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def written(self) -> int:
        return sum(len(o.outputs) for o in self.outcomes)

    def describe(self) -> str:
        """The run in one line."""
        done = len(self.outcomes)
        said = (
            f"{done - len(self.failed)} of {self.total} inputs rendered, {self.written} files "
            f"written to {self.summary.parent}; {len(self.failed)} failed"
        )
        if self.interrupted:
            said = f"interrupted: {said}, {self.total - done} not done"
        return f"{said} (see {self.summary})"


Progress = Callable[[int, int, Outcome], None]


# -- planning: what is read, what is written -------------------------------------------


def output_name(stem: str, lang: str, options: Options) -> str:
    """``<stem>.<lang><ext>``: ``unit.zh.txt``, ``unit.both.docx``."""
    from narrator.formats import get_format

    return f"{stem}.{lang}{get_format(options.format).extension}"


def plan(paths: Iterable[str | Path], outdir: Path, options: Options) -> list[Job]:
    """The inputs under ``paths`` and the outputs each writes under ``outdir``.

    A file found in a folder writes to the same place below ``outdir`` as it has below
    that folder (``units/a/unit.yaml`` → ``OUTDIR/a/unit.zh.txt``); a file given itself
    writes to ``OUTDIR``. Nothing under ``outdir`` is read. Two inputs that would write
    the same file (``x.yaml`` and ``x.json``; two folders given, each with ``unit.yaml``)
    are a :class:`UsageError` naming them, raised before anything is written.
    """
    given = [str(p) for p in paths]
    jobs: list[Job] = []
    seen: set[Path] = set()
    for found in find_inputs(given, exclude=outdir):
        identity = _identity(found.path)
        if identity in seen:  # the same file given twice, or given and found in a folder
            continue
        seen.add(identity)
        jobs.append(Job(found.path, _targets(found, outdir, options), outdir))
    if not jobs:
        suffixes = ", ".join(FIGURE_SUFFIXES)
        raise UsageError(f"nothing to render: no figures files ({suffixes}) in {', '.join(given)}")
    _refuse_collisions(jobs, outdir)
    return jobs


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _targets(found: Found, outdir: Path, options: Options) -> tuple[tuple[str, Path], ...]:
    below = found.relative.parent if found.relative is not None else PurePath()
    return tuple(
        (lang, outdir / below / output_name(found.path.stem, lang, options))
        for lang in options.langs
    )


def _key(relative: PurePath) -> str:
    # Case and Unicode normalisation differ between file systems, and output folders are
    # copied between them: names equal on any of them collide.
    return unicodedata.normalize("NFC", relative.as_posix()).casefold()


def _refuse_collisions(jobs: Sequence[Job], outdir: Path) -> None:
    writers: dict[str, list[str]] = {_key(PurePath(SUMMARY_NAME)): ["(the run's summary)"]}
    shown: dict[str, str] = {_key(PurePath(SUMMARY_NAME)): SUMMARY_NAME}
    folders: dict[str, str] = {}
    for job in jobs:
        for _, target in job.targets:
            relative = target.relative_to(outdir)
            writers.setdefault(_key(relative), []).append(str(job.input))
            shown.setdefault(_key(relative), str(target))
            for parent in relative.parents:
                if parent != PurePath():
                    folders.setdefault(_key(parent), str(job.input))
    clashes = [(key, names) for key, names in writers.items() if len(set(names)) > 1]
    # A file where another input needs a folder (``a.zh.txt`` and ``a.zh.txt/b.yaml``).
    clashes += [(key, [*names, folders[key]]) for key, names in writers.items() if key in folders]
    if not clashes:
        return
    lines = [f"  {shown[key]} <- {', '.join(sorted(set(names)))}" for key, names in clashes]
    more = len(lines) - COLLISIONS_SHOWN
    lines = lines[:COLLISIONS_SHOWN] + ([f"  … and {more} more"] if more > 0 else [])
    raise UsageError(
        "several inputs would write the same output, so nothing was written:\n"
        + "\n".join(lines)
        + "\ngive the inputs different names, or render them to different -o folders"
    )


def prepare_outdir(outdir: Path) -> None:
    """Create ``outdir`` and make sure it can be written, or raise a UsageError."""
    global _writing
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"{outdir}: exists and is not a folder; -o needs a folder")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        # Root may write where the mode says no (os.access would lie): try it.
        handle, probe = _create_temporary(outdir / ".probe")
        os.close(handle)
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"{outdir}: cannot write there: {exc.strerror or exc}") from None
    finally:
        _writing = None


# -- writing -------------------------------------------------------------------------

#: In a worker: the parent's process id, checked before each write.
_parent: int | None = None
#: The temporary file being written, removed if the process is told to stop.
_writing: Path | None = None


def _create_temporary(target: Path) -> tuple[int, Path]:
    """A new file beside ``target`` named ``.<name>.<random>.narrator-tmp``.

    Created with mode 0o666, so the umask decides the mode as for any new file (mkstemp
    would give 0o600).
    """
    global _writing
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        _writing = temporary  # set first: a stop between the two still removes the file
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue


def write_atomically(
    target: Path, content: str | bytes | Iterable[str], root: Path | None = None
) -> None:
    """Write to a temporary file in the target's folder, then rename it into place.

    With ``root``, every folder from ``root`` down to the target's is made or must be a
    real folder: a symbolic link below OUTDIR would carry the output out of it.
    """
    global _writing
    _check_parent()
    if root is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    else:
        _real_folders(root, target.parent)
    handle, temporary = _create_temporary(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            elif isinstance(content, str):
                stream.write(content.encode("utf-8"))
            else:
                for piece in content:
                    stream.write(piece.encode("utf-8"))
        _check_parent()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        _writing = None


def _real_folders(root: Path, folder: Path) -> None:
    """Make each folder from ``root`` (exclusive) down to ``folder``; refuse a link."""
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        with suppress(FileExistsError):
            os.mkdir(current)
        info = os.lstat(current)
        if not stat.S_ISDIR(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder"
            raise InputError(
                f"{current}: is {kind}; outputs are written only into real folders below {root}"
            )


def _check_parent() -> None:
    """In a worker whose parent has gone: stop before writing anything more."""
    if _parent is not None and os.getppid() != _parent:
        _stop_worker()


def _stop_worker(signum: int = signal.SIGTERM, frame: FrameType | None = None) -> NoReturn:
    """End this worker now, removing the temporary file it may be writing."""
    if _writing is not None:
        with suppress(OSError):
            _writing.unlink()
    # os._exit: a raised SystemExit would be sent back to the pool as a result.
    os._exit(128 + signum)


def _start_worker(parent: int | None) -> None:
    """Pool initializer: die with the parent; let only the parent decide about Ctrl-C."""
    global _parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    expected = parent if parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        # PR_SET_PDEATHSIG (1): the kernel sends SIGTERM when the parent dies. Without
        # prctl, the checks before each write remain.
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    _parent = expected
    _check_parent()  # the parent may have died before prctl took effect


# -- rendering -------------------------------------------------------------------------


def render_one(job: Job, options: Options) -> Outcome:
    """Render one input; every failure becomes an :class:`Outcome`, never an exception."""
    outcome = Outcome(str(job.input), "ok")
    try:
        require_regular_file(job.input)
        from narrator.api import load
        from narrator.checks import records

        report = load(
            job.input,
            profile=options.profile,
            phrasebanks=options.phrasebanks,
            style=dict(options.style),
        )
        diagnostics = report.check()
        outcome.diagnostics = [
            {key: value for key, value in record.items() if key != "file"}
            for record in records(str(job.input), diagnostics)
        ]
        if options.strict and any(d.severity == "error" for d in diagnostics):
            outcome.status = "refused"
            outcome.message = "the figures have errors (--strict)"
            return outcome
        for lang, target in job.targets:
            content = report.render(lang, options.format)
            if options.diff:
                outcome.changes.append(compare_output(target, content))
            write_atomically(target, content, job.root)
            outcome.outputs.append(str(target))
    except InputError as exc:
        outcome.status = "invalid"
        outcome.message = brief(str(exc))
    except Exception as exc:  # one unit's bug must not stop the office's run
        outcome.status = "failed"
        outcome.message = brief(f"{type(exc).__name__}: {exc}")
    return outcome


def compare_output(target: Path, content: str | bytes) -> OutputChange:
    """Compare new output with the file at ``target``: Word files by their text.

    A file before that cannot be read (a corrupt .docx, a folder, no permission) counts
    as changed, with a note: it is replaced, never a reason to fail the input.
    """
    import difflib

    try:
        info = os.lstat(target)
    except OSError:
        return OutputChange(str(target), "new")
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_COMPARED_BYTES:
        # Never followed or read whole: a link may point at any file, a huge one fill memory.
        kind = "not a regular file" if not stat.S_ISREG(info.st_mode) else "too large to compare"
        return OutputChange(str(target), "changed", note=f"the file before is {kind}; replaced")
    try:
        old = target.read_bytes()
        if isinstance(content, bytes):
            before, after = _docx_text(old), _docx_text(content)
        else:
            before, after = old.decode("utf-8", errors="replace"), content
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        note = f"the file before could not be read ({type(exc).__name__}: {exc}); replaced"
        return OutputChange(str(target), "changed", note=brief(note, lines=1))
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


def _render_chunk(jobs: Sequence[Job], options: Options) -> list[Outcome]:
    return [render_one(job, options) for job in jobs]


def worker_count(requested: int, inputs: int) -> int:
    """Workers to start: never more than asked, than inputs, or than usable CPUs."""
    affinity = getattr(os, "sched_getaffinity", None)  # the CPUs this process may use
    cpus = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(requested, inputs, cpus))


def run(
    jobs: Sequence[Job],
    outdir: Path,
    options: Options,
    *,
    workers: int = 1,
    progress: Progress | None = None,
) -> Result:
    """Render every job into ``outdir``; write ``summary.json``; return the result.

    ``workers`` is capped by :func:`worker_count`. Memory stays flat however many inputs
    there are: each outcome's diagnostics and diffs go to an unnamed scratch file (and to
    ``progress``) as it arrives, and the outcomes kept hold only status, outputs and
    message. On KeyboardInterrupt the run stops its workers, writes the summary of what
    was done and returns with ``interrupted`` set: the caller decides what to say.
    """
    prepare_outdir(outdir)
    count = worker_count(workers, len(jobs))
    outcomes: list[Outcome] = []
    interrupted = False
    # Unnamed (unlinked at once on POSIX): nothing is left behind, even after SIGKILL.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as scratch:

        def record(outcome: Outcome) -> None:
            line = {k: v for k, v in asdict(outcome).items() if k != "changes"}
            scratch.write(json.dumps(line, ensure_ascii=False) + "\n")
            outcomes.append(outcome)
            if progress is not None:
                progress(len(outcomes), len(jobs), outcome)
            outcome.diagnostics, outcome.changes = [], []

        try:
            if count <= 1:
                for job in jobs:
                    record(render_one(job, options))
            else:
                _in_parallel(jobs, options, count, record)
        except KeyboardInterrupt:
            interrupted = True
        with _interrupts_held():
            summary = outdir / SUMMARY_NAME
            content = _summary(jobs, outcomes, count, interrupted, options, scratch)
            write_atomically(summary, content)
    return Result(outcomes, len(jobs), count, interrupted, summary)


def _summary(
    jobs: Sequence[Job],
    outcomes: Sequence[Outcome],
    workers: int,
    interrupted: bool,
    options: Options,
    scratch: IO[str],
) -> Iterator[str]:
    """summary.json, written piece by piece: the head's fields, then ``results``."""
    ok = sum(o.ok for o in outcomes)
    head: dict[str, Any] = {
        "inputs": len(jobs),
        "done": len(outcomes),
        "ok": ok,
        "failed": len(outcomes) - ok,
        "interrupted": interrupted,
        "workers": workers,
        "options": asdict(options),
    }
    if interrupted:
        done = {o.input for o in outcomes}
        head["not_done"] = [str(j.input) for j in jobs if str(j.input) not in done]
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "results": ['
    scratch.seek(0)
    for index, line in enumerate(scratch):
        yield ("," if index else "") + "\n    " + line.rstrip("\n")
    yield "\n  ]\n}\n"


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ignore Ctrl-C while the summary is written (the run is over either way)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _in_parallel(
    jobs: Sequence[Job], options: Options, workers: int, record: Callable[[Outcome], None]
) -> None:
    """Render in ``workers`` processes, recording outcomes in the inputs' order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork on Linux: workers are this process's children, which PR_SET_PDEATHSIG and
    # the getppid() check rely on (forkserver, 3.14's default, would sit in between).
    linux = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork") if linux else None
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid() if linux else None,),
    )
    # Chunks keep the per-task overhead small; results are recorded in the inputs' order.
    size = max(1, min(16, len(jobs) // (workers * 8)))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    futures: list[Future[list[Outcome]]] = []
    position = 0  # the next chunk to record
    waiting: list[Outcome] = []
    try:
        futures = [pool.submit(_render_chunk, chunk, options) for chunk in chunks]
        while position < len(futures):
            try:
                waiting.extend(futures[position].result())
            except BrokenProcessPool:
                waiting.extend(_lost(job) for job in chunks[position])
            position += 1
            while waiting:
                record(waiting.pop(0))
    except KeyboardInterrupt:
        with _interrupts_held():
            _stop_workers(pool)
            # What finished before the interrupt is done: record it too.
            for future in futures[position:]:
                if future.done() and not future.cancelled() and future.exception() is None:
                    waiting.extend(future.result())
            while waiting:
                record(waiting.pop(0))
        raise
    finally:
        with _interrupts_held():
            pool.shutdown(wait=True, cancel_futures=True)


def _lost(job: Job) -> Outcome:
    message = "the worker process rendering it stopped unexpectedly (out of memory?)"
    return Outcome(str(job.input), "failed", message=message)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (SIGTERM: each removes its temporary file), and reap them."""
    # ProcessPoolExecutor offers no way to stop running work before Python 3.14.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
