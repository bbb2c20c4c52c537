"""The command line: the only place that prints and chooses exit codes.

Exit codes: 0 success; 1 the figures have errors (check, strict render) or a batch
input failed; 2 an input cannot be read or validated, or the command line is wrong;
70 a bug in narrator (one line; ``NARRATOR_DEBUG=1`` shows the traceback);
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from narrator.decisions import StyleOptionError
from narrator.errors import InputError, UsageError
from narrator.figures import json_schema
from narrator.formats import FORMATS, format_for_path
from narrator.inputs import require_regular_file
from narrator.messages import brief, terminal_safe
from narrator.phrasebank import PhrasebankError
from narrator.sandbox import safe_format

if TYPE_CHECKING:
    from narrator.batch import Outcome
    from narrator.checks import Diagnostic

EXIT_OK, EXIT_ERRORS, EXIT_INVALID = 0, 1, 2
#: An exception narrator did not expect: a bug (sysexits' EX_SOFTWARE).
EXIT_BUG = 70
#: Interrupted by Ctrl-C, as a shell reports SIGINT.
EXIT_INTERRUPTED = 130


#: Errors that are the input's fault: reported in one message, never a traceback.
INPUT_ERRORS = (InputError,)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="narrator",
        description="Write the explanatory text of departmental final-accounts reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    render = sub.add_parser(
        "render",
        help="render reports from figures files",
        description="Render one figures file to standard output or to the file -o names "
        "(report.docx: the format follows the extension), or files and folders to the "
        "folder -o names (one output per input and language, summary.json beside them).",
    )
    render.add_argument("paths", nargs="+", metavar="PATH", help="figures files or folders")
    render.add_argument(
        "--lang",
        type=_langs,
        default=("zh",),
        metavar="zh|en|both|zh,en",
        help="zh, en, both (one bilingual document), or zh,en (one file per language)",
    )
    render.add_argument(
        "--format",
        choices=tuple(FORMATS),
        help="output format (default: -o FILE's extension, else text)",
    )
    render.add_argument(
        "-o",
        "--output",
        metavar="FILE|OUTDIR",
        help="one input: a file with a known extension (.txt .md .html .docx); otherwise a folder",
    )
    render.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="render N inputs at once into a folder (at most one per CPU)",
    )
    _layer_options(render)
    render.add_argument(
        "--style",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a style option (repeatable)",
    )
    render.add_argument(
        "--strict", action="store_true", help="refuse to render figures with errors (exit 1)"
    )
    render.add_argument(
        "--diff",
        action="store_true",
        help="with -o: print a unified diff of each output against the file it replaces",
    )

    check = sub.add_parser("check", help="check that the figures add up, before rendering")
    check.add_argument("files", nargs="+", metavar="FILE", help="figures files (YAML or JSON)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=("en", "zh"), default="en", help="message language")
    check.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    _layer_options(check)

    verify = sub.add_parser(
        "verify",
        help="check a report written by people against its figures",
        description="Read a written report (.txt, .md, .docx, or .pdf with narrator[pdf]) and "
        "say where it contradicts its figures: exit 0 clean, 1 errors (or any finding with "
        "--strict), 2 unreadable input.",
    )
    verify.add_argument("report", metavar="REPORT", help="the written report")
    verify.add_argument("--figures", required=True, metavar="FILE", help="its figures file")
    verify.add_argument("--format", choices=("text", "json"), default="text")
    verify.add_argument("--lang", choices=("en", "zh"), default="en", help="message language")
    verify.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    _layer_options(verify)

    explain = sub.add_parser("explain", help="say where every reason and number came from")
    explain.add_argument("file", help="figures file (YAML or JSON)")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="words of the text form"
    )
    _layer_options(explain)

    rules = sub.add_parser("rules", help="list the active reason rules, in order")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--lang", choices=("en", "zh"), default="en", help="words of the text form")
    _layer_options(rules)

    profiles = sub.add_parser("profiles", help="list the phrasebank profiles")
    profiles.add_argument(
        "--phrasebank",
        action="append",
        default=[],
        metavar="DIR",
        help="an extra phrasebank layer that may define profiles (repeatable)",
    )

    sub.add_parser("schema", help="print the JSON Schema of a figures file")
    _phrasebank_parser(sub)
    return parser


def _phrasebank_parser(sub: Any) -> None:
    bank = sub.add_parser("phrasebank", help="check phrasebanks and exchange translations")
    tools = bank.add_subparsers(dest="tool", required=True)
    check = tools.add_parser(
        "check", help="parity, variables, syntax, unknown names, rule phrases, unused keys"
    )
    _layer_options(check)
    status = tools.add_parser("status", help="list missing and stale English entries")
    _layer_options(status)
    stamp = tools.add_parser(
        "stamp", help="record the Chinese each English entry now translates (en/sources.yaml)"
    )
    _layer_options(stamp)
    stamp.add_argument("--layer", metavar="DIR", help="the layer to stamp (default: the top one)")
    export = tools.add_parser("export-po", help="write a gettext PO file for translators")
    _layer_options(export)
    export.add_argument("--lang", choices=("en",), default="en")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    imp = tools.add_parser("import-po", help="write a PO file's edits as an overlay layer")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--into", required=True, metavar="DIR", help="the overlay layer to write")
    _layer_options(imp)


def _phrasebank(args: argparse.Namespace) -> int:
    from narrator import translation

    if args.tool in ("check", "status"):
        run = translation.check if args.tool == "check" else translation.status
        problems = run(args.profile, args.phrasebank)
        for problem in problems:
            print(problem)
        failing = [p for p in problems if p.severity == "error"]
        counts = f"{len(failing)} problem(s), {len(problems) - len(failing)} note(s)"
        print(f"narrator: phrasebank {args.tool}: {counts}", file=sys.stderr)
        return EXIT_ERRORS if failing else EXIT_OK
    if args.tool == "stamp":
        path, count = translation.stamp(args.profile, args.phrasebank, args.layer)
        print(f"narrator: {count} English entries stamped in {path}", file=sys.stderr)
        return EXIT_OK
    from babel.messages.pofile import write_po

    if args.tool == "export-po":
        catalog = translation.export_po(args.profile, args.phrasebank, args.lang)
        with open(args.output, "wb") as stream:
            write_po(stream, catalog, width=100, sort_output=False)
        print(f"narrator: {len(catalog)} messages written to {args.output}", file=sys.stderr)
        return EXIT_OK
    catalog = translation.read_po(args.file)
    result = translation.import_po(
        catalog, args.into, args.profile, args.phrasebank, source=args.file
    )
    for context in result.changed:
        print(f"changed {context}")
    for where in result.unknown:
        print(f"narrator: {args.file}: {where}: no such entry here; not imported", file=sys.stderr)
    print(
        f"narrator: {len(result.changed)} changed, {len(result.stamped)} stamped, "
        f"written to {args.into}",
        file=sys.stderr,
    )
    return EXIT_OK


def _profiles(args: argparse.Namespace) -> int:
    from narrator.phrasebank import DEFAULT_PROFILE, available_profiles

    for name, profile in available_profiles(args.phrasebank).items():
        default = " (default)" if name == DEFAULT_PROFILE else ""
        print(f"{name}{default}\n    {profile.description}\n    from: {profile.origin}")
    return EXIT_OK


def _layer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", help="phrasebank profile (default: the file's, or zhejiang-2019)"
    )
    parser.add_argument(
        "--phrasebank",
        action="append",
        default=[],
        metavar="DIR",
        help="an extra phrasebank layer (repeatable)",
    )


def _explain(args: argparse.Namespace) -> int:
    from narrator.api import load

    require_regular_file(args.file)
    report = load(args.file, profile=args.profile, phrasebanks=args.phrasebank)
    entries = report.explain()
    if args.format == "json":
        sys.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    words = _words(report.bank, args.lang, "explain")
    for entry in entries:
        source, rule = entry["reason_source"], entry["rule"]
        kind = source if source == "rule" or not rule else f"{source}_rule"
        said = safe_format(str(words["sources"].get(kind, source)), rule=rule or "")
        print(
            safe_format(
                words["entry"], section=entry["section"], sentence=entry["sentence"], source=said
            )
        )
        for name, value in entry["inputs"].items():
            print(safe_format(words["input"], name=name, value=value))
        if entry["defaulted"]:
            print(safe_format(words["defaulted"], names=", ".join(entry["defaulted"])))
        for lang in ("zh", "en"):
            print(safe_format(words[lang], text=entry[lang]))
    return EXIT_OK


def _words(bank: Any, lang: str, command: str) -> Mapping[str, Any]:
    """The words of a command's text form, from the phrasebank (``diagnostics.yaml`` cli)."""
    found = bank.language(lang).diagnostics.get("cli", {}).get(command)
    if not isinstance(found, Mapping):
        raise PhrasebankError(f"{lang}/diagnostics.yaml: no words for 'cli.{command}'")
    return found


def _rules(args: argparse.Namespace) -> int:
    from narrator.phrasebank import load_phrasebank

    bank = load_phrasebank(args.profile, args.phrasebank)
    rows = [
        {
            "id": rule.id,
            "kinds": sorted(rule.kinds),
            "sentences": list(rule.sentences),
            "unless": list(rule.unless),
            "when": rule.when,
            "reason": rule.reason,
            "description": rule.description,
            "origin": rule.origin,
            "prescribed": rule.prescribed,
        }
        for rule in bank.rules
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    words = _words(bank, args.lang, "rules")
    for number, row in enumerate(rows, 1):
        reason = row["reason"] or words["no_reason"]
        kinds = ", ".join(row["kinds"])
        print(safe_format(words["head"], number=number, id=row["id"], kinds=kinds, reason=reason))
        print(safe_format(words["when"], when=row["when"]))
        if row["sentences"] != ["*"]:
            print(safe_format(words["sentences"], sentences=", ".join(row["sentences"])))
        if row["prescribed"]:
            print(words["prescribed"])
        print(safe_format(words["description"], description=row["description"]))
        print(safe_format(words["origin"], origin=row["origin"]))
    return EXIT_OK


def _style(pairs: Sequence[str]) -> dict[str, str]:
    style: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise StyleOptionError(f"--style {pair!r}: expected NAME=VALUE")
        style[name.strip()] = value.strip()
    return style


def _langs(value: str) -> tuple[str, ...]:
    """``--lang``: zh, en, both (one bilingual document), or zh,en (one file each)."""
    parts = tuple(part.strip() for part in value.split(","))
    if value in ("zh", "en", "both") or (sorted(parts) == ["en", "zh"]):
        return parts
    raise argparse.ArgumentTypeError(
        f"{value!r}: choose zh, en, both (one bilingual document) or zh,en (one file each)"
    )


def _say(message: str, *, start: str = "") -> None:
    """A message for people on stderr: bounded, and with no terminal escapes in it."""
    print(f"{start}narrator: {terminal_safe(brief(message))}", file=sys.stderr)


def _output_file(args: argparse.Namespace) -> Path | None:
    """The file ``-o`` names, or None when it names a folder (or is absent).

    With one input file, ``-o`` with a known extension (.txt, .md, .html, .docx) is that
    file, unless it is an existing folder or ends in a slash; otherwise it is a folder.
    """
    if args.output is None:
        return None
    out = Path(args.output)
    try:
        format_for_path(out)
    except ValueError:
        return None  # no known extension: a folder
    if out.is_dir() or args.output.endswith(("/", os.sep)):
        return None
    if len(args.paths) == 1 and not Path(args.paths[0]).is_dir():
        return out
    many = "a folder" if len(args.paths) == 1 else f"{len(args.paths)} inputs"
    raise UsageError(
        f"-o {args.output} names a file, but {many} give one output per input: give -o FOLDER"
    )


def _render(args: argparse.Namespace) -> int:
    target = _output_file(args)
    if args.output is not None and target is None:
        return _render_batch(args)
    if args.diff and target is None:
        raise UsageError("--diff compares with the files -o writes: give -o FILE or -o FOLDER")
    if len(args.paths) != 1:
        raise UsageError("several inputs need -o FOLDER")
    fmt = args.format or (format_for_path(target).name if target else "text")
    if len(args.lang) > 1:
        raise UsageError(
            f"--lang {','.join(args.lang)} writes one file per language: give -o FOLDER "
            "(or --lang both for one bilingual document)"
        )
    if target is None and FORMATS[fmt].binary:
        extension = FORMATS[fmt].extension
        raise UsageError(f"--format {fmt} writes a file: give -o FILE{extension} (or -o FOLDER)")
    path = args.paths[0]
    if Path(path).is_dir():
        raise UsageError(f"{path}: is a folder: give -o FOLDER to render the files in it")
    require_regular_file(path)
    from narrator.api import load

    report = load(path, profile=args.profile, phrasebanks=args.phrasebank, style=_style(args.style))
    from narrator.checks import format_text

    errors = [d for d in report.check() if d.severity == "error"]
    lang = "en" if args.lang == ("en",) else "zh"
    if errors and args.strict:
        sys.stderr.write(format_text([(path, errors)], lang=lang, bank=report.bank))
        return EXIT_ERRORS
    if errors:
        # Rendering anyway: say so, so no contradicted figure is published unnoticed.
        sys.stderr.write(format_text([(path, errors)], lang=lang, bank=report.bank))
        _say(f"{path}: rendered despite {len(errors)} error(s); use --strict to refuse")
    content = report.render(lang=args.lang[0], format=fmt)
    if target is None:
        assert isinstance(content, str)  # binary formats were refused above
        sys.stdout.write(content)
        return EXIT_OK
    from narrator.batch import compare_output, write_atomically

    if args.diff:
        change = compare_output(target, content)
        if change.note:
            _say(f"{target}: {change.note}")
        sys.stdout.write(change.diff)
        print(f"narrator: {change.state}")
    write_atomically(target, content)
    _say(f"{target} written")
    return EXIT_OK


def _render_batch(args: argparse.Namespace) -> int:
    from narrator.batch import Options, plan, run

    if args.jobs < 1:
        raise UsageError("-j must be at least 1")
    options = Options(
        langs=args.lang,
        format=args.format or "text",
        profile=args.profile,
        phrasebanks=tuple(str(Path(p).resolve()) for p in args.phrasebank),
        style=tuple(sorted(_style(args.style).items())),
        strict=args.strict,
        diff=args.diff,
    )
    outdir = Path(args.output)
    jobs = plan(args.paths, outdir, options)
    on_terminal = sys.stderr.isatty()
    over_bar = "\r\x1b[K" if on_terminal else ""  # a message replaces the progress bar
    states: list[str] = []

    def progress(done: int, total: int, outcome: Outcome) -> None:
        # Diffs and failures are printed as each input finishes: nothing piles up.
        for change in outcome.changes:
            if change.note:
                _say(f"{change.output}: {change.note}", start=over_bar)
            sys.stdout.write(change.diff)
            states.append(change.state)
        if not outcome.ok:
            _say(outcome.describe(), start=over_bar)
        if on_terminal:
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total}")
            sys.stderr.flush()

    result = run(jobs, outdir, options, workers=args.jobs, progress=progress)
    if on_terminal:
        sys.stderr.write("\n")
    if args.diff:
        print(
            f"narrator: {states.count('changed')} changed, {states.count('unchanged')} "
            f"unchanged, {states.count('new')} new"
        )
    _say(result.describe())
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_ERRORS if result.failed else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from narrator.api import load
    from narrator.checks import format_text, to_json

    status = EXIT_OK
    found: list[tuple[str, Sequence[Diagnostic] | InputError]] = []
    for file in args.files:
        try:
            require_regular_file(file)
            found.append(
                (file, load(file, profile=args.profile, phrasebanks=args.phrasebank).check())
            )
        except INPUT_ERRORS as exc:  # one bad file never stops the others
            _say(str(exc))
            found.append((file, exc))
            status = EXIT_INVALID
    results = [(file, d) for file, d in found if not isinstance(d, InputError)]
    failing = ("error", "warning") if args.strict else ("error",)
    if status == EXIT_OK and any(d.severity in failing for _, ds in results for d in ds):
        status = EXIT_ERRORS
    if args.format == "json":
        # Every input has its entry: one that could not be checked says why.
        sys.stdout.write(to_json(found, lang=args.lang))
    elif sys.stdout.isatty():
        # Colour is ours; what the figures said is shown with its escapes neutralised.
        colour = "NO_COLOR" not in os.environ
        safe = [(terminal_safe(file), [_terminal_safe(d) for d in ds]) for file, ds in results]
        sys.stdout.write(format_text(safe, lang=args.lang, colour=colour))
    else:
        sys.stdout.write(format_text(results, lang=args.lang))
    return status


def _terminal_safe(diagnostic: Diagnostic) -> Diagnostic:
    from dataclasses import replace

    return replace(
        diagnostic,
        paths=tuple(terminal_safe(path) for path in diagnostic.paths),
        values={key: terminal_safe(value) for key, value in diagnostic.values.items()},
    )


class _TerminalStream:
    """Standard output on a terminal: control characters are shown as their escapes.

    Reports and messages quote free text from many hands; an escape sequence in it must
    not recolour, retitle or rewrite the user's terminal.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _protect_stdout(enabled: bool) -> TextIO:
    """On a terminal, route stdout through :class:`_TerminalStream`; return the original."""
    original = sys.stdout
    if enabled and original.isatty():
        sys.stdout = cast(TextIO, _TerminalStream(original))
    return original


def _quiet_stdout() -> None:
    """After a closed pipe (``| head``): send what is left to /dev/null, silently."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _os_problem(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from narrator.api import load
    from narrator.verify import format_text, to_json

    report = load(args.figures, profile=args.profile, phrasebanks=args.phrasebank)
    findings = report.verify(Path(args.report))
    results = [(args.report, findings)]
    if args.format == "json":
        sys.stdout.write(to_json(results, lang=args.lang))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(format_text(results, lang=args.lang, colour=colour, bank=report.bank))
    failing = bool(findings) if args.strict else any(f.severity == "error" for f in findings)
    return EXIT_ERRORS if failing else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; whatever happens, end in a message and an exit code."""
    args = _parser().parse_args(argv)
    # check colours its own headings and neutralises the rest itself.
    stdout = _protect_stdout(args.command != "check")
    try:
        if args.command == "schema":
            sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
            return EXIT_OK
        if args.command == "explain":
            return _explain(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "profiles":
            return _profiles(args)
        if args.command == "check":
            return _check(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "phrasebank":
            return _phrasebank(args)
        return _render(args)
    except INPUT_ERRORS as exc:
        _say(str(exc))
        return EXIT_INVALID
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_ERRORS
    except OSError as exc:  # a file narrator was told to write, a full disk
        _say(_os_problem(exc))
        return EXIT_INVALID
    except Exception as exc:
        if os.environ.get("NARRATOR_DEBUG") == "1":
            raise
        _say(
            f"internal error, a bug in narrator: {type(exc).__name__}: {exc} "
            "(please report it; NARRATOR_DEBUG=1 shows the traceback)"
        )
        return EXIT_BUG
    finally:
        sys.stdout = stdout


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
