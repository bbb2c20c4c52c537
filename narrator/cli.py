"""The command line: the only place that prints and chooses exit codes.

Exit codes: 0 success; 1 the figures have errors (check, strict render);
2 an input cannot be read or validated, or the command line is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from narrator.decisions import StyleOptionError
from narrator.errors import InputError, UsageError
from narrator.figures import json_schema
from narrator.formats import FORMATS

EXIT_OK, EXIT_ERRORS, EXIT_INVALID = 0, 1, 2


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
        description="Render one figures file to standard output, or files and folders "
        "to a folder with -o (one output per input and language, summary.json beside them).",
    )
    render.add_argument("paths", nargs="+", metavar="PATH", help="figures files or folders")
    render.add_argument("--lang", choices=("zh", "en", "both"), default="zh")
    render.add_argument("--format", default="text", choices=tuple(FORMATS))
    render.add_argument("-o", "--output", metavar="OUTDIR", help="write outputs to this folder")
    render.add_argument(
        "-j", "--jobs", type=int, default=1, metavar="N", help="render N inputs at once (with -o)"
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
    _layer_options(explain)

    rules = sub.add_parser("rules", help="list the active reason rules, in order")
    rules.add_argument("--format", choices=("text", "json"), default="text")
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
    from babel.messages.pofile import read_po, write_po

    if args.tool == "export-po":
        catalog = translation.export_po(args.profile, args.phrasebank, args.lang)
        with open(args.output, "wb") as stream:
            write_po(stream, catalog, width=100, sort_output=False)
        print(f"narrator: {len(catalog)} messages written to {args.output}", file=sys.stderr)
        return EXIT_OK
    try:
        with open(args.file, "rb") as stream:
            catalog = read_po(stream, abort_invalid=True)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{args.file}: cannot be read as a PO file: {exc}") from exc
    result = translation.import_po(catalog, args.into, args.profile, args.phrasebank)
    for context in result.changed:
        print(f"changed {context}")
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
    from narrator import load

    entries = load(args.file, profile=args.profile, phrasebanks=args.phrasebank).explain()
    if args.format == "json":
        sys.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for entry in entries:
        source, rule = entry["reason_source"], entry["rule"]
        if source == "rule":
            said = f"rule {rule}"
        else:
            said = source.replace("_", " ") + (f" (rule {rule})" if rule else "")
        print(f"[{entry['section']}] {entry['sentence']}  reason: {said}")
        for name, value in entry["inputs"].items():
            print(f"    {name} = {value}")
        print(f"  zh: {entry['zh']}")
        print(f"  en: {entry['en']}")
    return EXIT_OK


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
        }
        for rule in bank.rules
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for number, row in enumerate(rows, 1):
        reason = row["reason"] or "(no reason needed)"
        print(f"{number}. {row['id']} [{', '.join(row['kinds'])}] -> {reason}")
        print(
            f"   when: {row['when']}"
            + (f"   sentences: {', '.join(row['sentences'])}" if row["sentences"] != ["*"] else "")
        )
        print(f"   {row['description']}")
        print(f"   from: {row['origin']}")
    return EXIT_OK


def _style(pairs: Sequence[str]) -> dict[str, str]:
    style: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise StyleOptionError(f"--style {pair!r}: expected NAME=VALUE")
        style[name.strip()] = value.strip()
    return style


def _render(args: argparse.Namespace) -> int:
    if args.output is not None:
        return _render_batch(args)
    if args.diff:
        raise UsageError("--diff compares with the files in -o OUTDIR: give -o OUTDIR")
    if len(args.paths) != 1:
        raise UsageError("several inputs need -o OUTDIR")
    if FORMATS[args.format].binary:
        raise UsageError(f"--format {args.format} writes a file: give -o OUTDIR")
    from narrator import load

    args.file = args.paths[0]
    report = load(
        args.file, profile=args.profile, phrasebanks=args.phrasebank, style=_style(args.style)
    )
    from narrator.checks import format_text

    errors = [d for d in report.check() if d.severity == "error"]
    lang = "en" if args.lang == "en" else "zh"
    if errors and args.strict:
        sys.stderr.write(format_text([(args.file, errors)], lang=lang, bank=report.bank))
        return EXIT_ERRORS
    if errors:
        # Rendering anyway: say so, so no contradicted figure is published unnoticed.
        sys.stderr.write(format_text([(args.file, errors)], lang=lang, bank=report.bank))
        print(
            f"narrator: {args.file}: rendered despite {len(errors)} error(s); "
            "use --strict to refuse",
            file=sys.stderr,
        )
    text = report.render(lang=args.lang, format=args.format)
    assert isinstance(text, str)  # binary formats were refused above
    sys.stdout.write(text)
    return EXIT_OK


def _render_batch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from narrator.batch import Options, Outcome, find_inputs, run

    if args.jobs < 1:
        raise UsageError("-j must be at least 1")
    inputs = find_inputs(args.paths)
    options = Options(
        lang=args.lang,
        format=args.format,
        profile=args.profile,
        phrasebanks=tuple(str(Path(p).resolve()) for p in args.phrasebank),
        style=tuple(sorted(_style(args.style).items())),
        strict=args.strict,
        diff=args.diff,
    )
    on_terminal = sys.stderr.isatty()
    states: list[str] = []

    def progress(done: int, total: int, outcome: Outcome) -> None:
        # Diffs and failures are printed as each input finishes: nothing piles up.
        for change in outcome.changes:
            sys.stdout.write(change.diff)
            states.append(change.state)
        if not outcome.ok:
            said = outcome.message
            if not said.startswith(outcome.input):
                said = f"{outcome.input}: {outcome.status}: {said}"
            print(f"\rnarrator: {said}", file=sys.stderr)
        if on_terminal:
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total}")
            sys.stderr.flush()

    outcomes = run(inputs, Path(args.output), options, jobs=args.jobs, progress=progress)
    if on_terminal:
        sys.stderr.write("\n")
    failed = [o for o in outcomes if not o.ok]
    written = sum(len(o.outputs) for o in outcomes)
    if args.diff:
        print(
            f"narrator: {states.count('changed')} changed, {states.count('unchanged')} "
            f"unchanged, {states.count('new')} new"
        )
    print(
        f"narrator: {len(outcomes) - len(failed)} of {len(outcomes)} inputs rendered, "
        f"{written} files written to {args.output}; {len(failed)} failed "
        f"(see {Path(args.output) / 'summary.json'})",
        file=sys.stderr,
    )
    return EXIT_ERRORS if failed else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from narrator import load
    from narrator.checks import Diagnostic, format_text, to_json

    status = EXIT_OK
    results: list[tuple[str, Sequence[Diagnostic]]] = []
    for file in args.files:
        try:
            results.append(
                (file, load(file, profile=args.profile, phrasebanks=args.phrasebank).check())
            )
        except INPUT_ERRORS as exc:  # one bad file never stops the others
            print(f"narrator: {exc}", file=sys.stderr)
            status = EXIT_INVALID
    failing = ("error", "warning") if args.strict else ("error",)
    if status == EXIT_OK and any(d.severity in failing for _, found in results for d in found):
        status = EXIT_ERRORS
    if args.format == "json":
        sys.stdout.write(to_json(results, lang=args.lang))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(format_text(results, lang=args.lang, colour=colour))
    return status


def _verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from narrator import load
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
    args = _parser().parse_args(argv)
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
        print(f"narrator: {exc}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
