"""The translation workflow: phrasebank checks, stale English, PO exchange, overlay safety.

Every function here returns values (problems, records, catalogs); only ``narrator.cli``
prints. The English of a layer records, per entry, a fingerprint of the Chinese it was
translated from, in ``<layer>/en/sources.yaml`` (``text:totals.heading: 1f0c…``); an
entry whose Chinese has changed since is *stale*.

Keys are named as in PO files: ``<table>:<dotted key>``, the table being ``text``,
``reasons`` or ``terms`` (string terms; an English plural form adds ``.one``/``.other``).

>>> fingerprint("详见附表。")
'4ab973cc4b9d'
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes

from narrator.datafile import MAX_BYTES, DataFileError, merge, present, require_regular_file
from narrator.phrasebank import (
    LANGUAGE_FILES,
    LOOKUPS,
    MAX_LAYER_ENTRIES,
    PATTERN_FILES,
    PhrasebankError,
    Profile,
    builtin_dir,
    compile_phrase,
    flatten,
    key_lines,
    layer_problems,
    profile_files,
    profile_layers,
    read_layer_file,
    string_leaves,
    template_environment,
)
from narrator.rules import USER_REASON, RuleError, RuleSet
from narrator.sandbox.policy import format_refusals

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

#: The tables whose entries are translated, checked and exchanged.
TABLES = ("text", "reasons", "terms")
#: The sidecar file of a layer's English: entry -> fingerprint of its Chinese source.
SOURCES_FILE = "sources.yaml"
#: Hex digits of the sha256 of the Chinese kept as its fingerprint.
FINGERPRINT_LENGTH = 12
#: CLDR plural categories: an English term that maps these is one entry with plural forms.
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})
#: Variables whose use is a choice of wording, not a figure a translation may drop: 各
#: (``each``), a number as a word or a digit (``word``/``n``), what a completion is
#: measured against (``of``), style options. The pair check ignores them and the helpers.
WORDING_NAMES = frozenset({"each", "word", "n", "of", "style"})

Severity = Literal["error", "info"]


@dataclass(frozen=True)
class Problem:
    """One finding, with the file and line a maintainer fixes it at."""

    code: str
    severity: Severity
    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.code}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """One translatable value as the merged layers give it."""

    table: str
    key: str
    value: str
    file: Path
    line: int
    layer: Path

    @property
    def context(self) -> str:
        """The PO msgctxt and sources.yaml key: ``table:key``."""
        return f"{self.table}:{self.key}"


@dataclass
class Stack:
    """The layers of one profile, read for translation work (nothing compiled)."""

    profile: Profile
    layers: list[Path]
    #: lang -> context -> entry (English plural forms as ``key.one`` …).
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    #: lang -> table -> merged data (as narrator.phrasebank merges it).
    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: RuleSet = field(default_factory=RuleSet)
    problems: list[Problem] = field(default_factory=list)

    def parity_key(self, context: str) -> str:
        """The Chinese entry an English one translates (a plural form -> its term)."""
        table, _, key = context.partition(":")
        head, _, last = key.rpartition(".")
        if table == "terms" and last in PLURAL_FORMS and context not in self.entries["zh"]:
            return f"{table}:{head}"
        return context

    def stamps(self) -> dict[str, str]:
        """The recorded fingerprints, the latest layer's first."""
        found: dict[str, str] = {}
        for layer in self.layers:
            found.update(read_sources(layer))
        return found


def fingerprint(text: str) -> str:
    """The first hex digits of the sha256 of a Chinese source text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def sources_path(layer: Path) -> Path:
    return layer / "en" / SOURCES_FILE


def read_sources(layer: Path) -> dict[str, str]:
    path = sources_path(layer)
    if not present(path):
        return {}
    data = read_layer_file(path) or {}
    if not isinstance(data, Mapping):
        raise PhrasebankError(f"{path}: expected a mapping of entry to fingerprint")
    return {str(k): str(v) for k, v in data.items()}


# -- reading the layers ---------------------------------------------------------


def resolve_layers(
    profile: str | None = None, extra: Sequence[str | Path] = ()
) -> tuple[Profile, list[Path]]:
    """The profile and its layers, as :func:`narrator.phrasebank.load_phrasebank` stacks them."""
    prof, layers, _ = profile_layers(profile, extra)
    return prof, layers


def _table_leaves(table: str, data: Any) -> dict[str, str]:
    return flatten(data) if table != "terms" else string_leaves(data)


def _line(lines: Mapping[str, int], key: str) -> int:
    while key:
        if key in lines:
            return lines[key]
        key = key.rpartition(".")[0]
    return 1


def read_stack(profile: str | None = None, extra: Sequence[str | Path] = ()) -> Stack:
    """Read every layer of ``profile`` (+ ``extra``); problems are collected, not raised."""
    prof, layers = resolve_layers(profile, extra)
    stack = Stack(prof, layers)
    for lang in ("zh", "en"):
        stack.entries[lang] = {}
        stack.data[lang] = {}
    for layer in layers:
        rules_file = layer / "rules.yaml"
        if present(rules_file):
            try:
                rules_data = read_layer_file(rules_file) or {}
                stack.rules = stack.rules.overlay(rules_data.get("rules", []), str(rules_file))
            except (PhrasebankError, RuleError, AttributeError) as exc:
                stack.problems.append(Problem("rules", "error", str(rules_file), 1, "", str(exc)))
        for lang in ("zh", "en"):
            for table in LANGUAGE_FILES:
                path = layer / lang / f"{table}.yaml"
                if not present(path):
                    continue
                try:
                    data = read_layer_file(path) or {}
                    lines = key_lines(path)
                except PhrasebankError as exc:
                    stack.problems.append(Problem("yaml", "error", str(path), 1, "", str(exc)))
                    continue
                if not isinstance(data, Mapping):
                    continue
                too_many = table in ("text", "reasons") and len(flatten(data)) > MAX_LAYER_ENTRIES
                if table in PATTERN_FILES or too_many:
                    for line, message in layer_problems(path, table, data):
                        stack.problems.append(
                            Problem("unsafe", "error", str(path), line, "", message)
                        )
                if too_many:
                    continue  # its templates are not compiled one by one
                stack.data[lang][table] = merge(stack.data[lang].get(table, {}), data)
                if table not in TABLES:
                    continue
                for key, value in _table_leaves(table, data).items():
                    entry = Entry(table, key, value, path, _line(lines, key), layer)
                    stack.entries[lang][entry.context] = entry
    # Keep only what the merge kept (a list replaced by a later layer drops its old items).
    for lang in ("zh", "en"):
        kept = {
            f"{table}:{key}"
            for table in TABLES
            for key in _table_leaves(table, stack.data[lang].get(table, {}))
        }
        stack.entries[lang] = {c: e for c, e in stack.entries[lang].items() if c in kept}
    return stack


# -- template analysis ----------------------------------------------------------

_ENV = template_environment()


def _assigned(tree: nodes.Template) -> set[str]:
    """Names a template sets itself ({% set %}, loop targets): not context variables."""
    return {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}


def template_names(source: str) -> frozenset[str]:
    """The context variables a template reads.

    >>> sorted(template_names("{% set x = amount(d.total) %}{{ x }}{{ each }}"))
    ['amount', 'd', 'each']
    """
    return template_names_of(_ENV.parse(source))


def template_names_of(tree: nodes.Template) -> frozenset[str]:
    """The context variables a parsed template reads."""
    return frozenset(meta.find_undeclared_variables(tree) - _assigned(tree))


# -- check ------------------------------------------------------------------------


def base_context_names() -> frozenset[str]:
    """The variables and helpers every template may use (``Renderer._base_context``)."""
    return frozenset(_base_context())


def helper_names() -> frozenset[str]:
    """The base context's helpers (functions): which one formats a phrase is wording."""
    return frozenset(name for name, is_helper in _base_context().items() if is_helper)


@cache
def _base_context() -> dict[str, bool]:
    from narrator.figures import load_figures
    from narrator.phrasebank import load_phrasebank
    from narrator.render import Renderer
    from narrator.report import Report

    report = Report(load_figures(_minimal_figures()))
    context = Renderer(load_phrasebank(None), "zh", report.facts).context
    return {name: callable(value) for name, value in context.items()}


#: Optional fields the smallest figures give anyway: a model validator needs one of them.
_ONE_OF = ("initial_budget",)


def _minimal_figures() -> Any:
    """The smallest figures file the schema accepts (zeros), for naming the context."""
    from narrator.figures import json_schema

    schema = json_schema()
    defs = schema.get("$defs", {})

    def instance(node: Mapping[str, Any]) -> Any:
        if "$ref" in node:
            return instance(defs[str(node["$ref"]).rsplit("/", 1)[-1]])
        if "anyOf" in node:
            return instance(next(n for n in node["anyOf"] if n.get("type") != "null"))
        kind = node.get("type")
        if kind == "object":
            props = node.get("properties", {})
            # A budget needs one of its budgets, though neither field alone is required.
            wanted = [*node.get("required", []), *(k for k in _ONE_OF if k in props)]
            return {key: instance(props[key]) for key in wanted}
        if kind in ("number", "integer"):
            return max(0, node.get("minimum", 0))
        if kind == "string":
            return node["enum"][0] if "enum" in node else "x"
        return [] if kind == "array" else None

    return instance(schema)


def _phrase_calls(tree: nodes.Template) -> tuple[set[str], set[str]]:
    """Keys passed to phrase('…') and the variable names it passes."""
    keys: set[str] = set()
    names: set[str] = set()
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "phrase":
            if call.args and isinstance(call.args[0], nodes.Const):
                keys.add(str(call.args[0].value))
            names.update(kw.key for kw in call.kwargs)
    return keys, names


def check(profile: str | None = None, extra: Sequence[str | Path] = ()) -> list[Problem]:
    """Every problem of the merged phrasebank, then the unused text keys (as info)."""
    stack = read_stack(profile, extra)
    problems = list(stack.problems)
    zh, en = stack.entries["zh"], stack.entries["en"]
    parity_en = {stack.parity_key(c): e for c, e in en.items()}
    for context, entry in zh.items():
        if context not in parity_en:
            problems.append(_problem("missing-en", entry, f"{context} has no English"))
    for context, entry in en.items():
        if stack.parity_key(context) not in zh:
            problems.append(_problem("missing-zh", entry, f"{context} has no Chinese"))

    trees: dict[tuple[str, str], nodes.Template] = {}
    for lang, entries in stack.entries.items():
        for context, entry in entries.items():
            if entry.table == "terms":
                continue
            try:
                tree = _ENV.parse(entry.value)
                # Compiled exactly as rendering compiles it: the policy refuses the same.
                compile_phrase(_ENV, entry.value)
                trees[lang, context] = tree
            except TemplateSyntaxError as exc:
                problems.append(
                    _problem(
                        "syntax",
                        entry,
                        f"{lang} {context}: {exc.message} (template line {exc.lineno})",
                    )
                )
            except TemplateError as exc:
                problems.append(_problem("unsafe", entry, f"{lang} {context} {exc.message}"))

    outline = stack.profile.outline
    used = {str(e[k]) for e in outline for k in ("heading", "paragraph") if k in e}
    known = set(base_context_names()) | _call_names()
    known |= {str(e["as"]) for e in outline if "as" in e}
    for tree in trees.values():
        keys, passed = _phrase_calls(tree)
        used |= keys
        known |= passed
    names_of = {k: template_names_of(t) for k, t in trees.items()}
    ignored = helper_names() | WORDING_NAMES
    for (lang, context), names in sorted(names_of.items()):
        entry = stack.entries[lang][context]
        for name in sorted(names - known):
            problems.append(
                _problem(
                    "unknown-name",
                    entry,
                    f"{lang} {context} reads {name!r}, which no render context has "
                    "(StrictUndefined fails at render time)",
                )
            )
        if lang == "en" and ("zh", context) in names_of:
            only_zh = sorted(names_of["zh", context] - names - ignored)
            only_en = sorted(names - names_of["zh", context] - ignored)
            if only_zh or only_en:
                parts = [f"only zh: {', '.join(only_zh)}"] if only_zh else []
                parts += [f"only en: {', '.join(only_en)}"] if only_en else []
                problems.append(
                    _problem("variables", entry, f"{context} variables differ ({'; '.join(parts)})")
                )

    for rule in stack.rules:
        if rule.reason in (None, USER_REASON):
            continue
        for lang in ("zh", "en"):
            if f"reasons:{rule.reason}" not in stack.entries[lang]:
                problems.append(
                    Problem(
                        "rule-phrase",
                        "error",
                        rule.origin,
                        _rule_line(rule.origin, rule.id),
                        rule.id,
                        f"rule {rule.id!r} selects the reason phrase {rule.reason!r}, "
                        f"which {lang}/reasons.yaml does not have",
                    )
                )

    for context, entry in sorted(zh.items()):
        if entry.table != "text":
            continue
        if entry.key in used or any(
            entry.key == p or (p.endswith(".") and entry.key.startswith(p)) for p in _lookups()
        ):
            continue
        problems.append(
            Problem(
                "unused",
                "info",
                str(entry.file),
                entry.line,
                context,
                f"{context} is used by no outline entry of profile "
                f"{stack.profile.name!r} and by no template",
            )
        )
    return problems


def _lookups() -> tuple[str, ...]:
    """Text keys code renders by a computed name (a prefix ends in "."): never unused."""
    from narrator import render  # noqa: F401  (its module registers the renderer's keys)

    return tuple(LOOKUPS)


def _call_names() -> frozenset[str]:
    """Variables code passes templates besides the base context (the registry's, the outline's)."""
    from narrator import render

    names = set().union(*_lookups_names())
    return frozenset(names | render.OUTLINE_NAMES | render.REASON_NAMES)


def _lookups_names() -> list[frozenset[str]]:
    _lookups()
    return list(LOOKUPS.values())


def _rule_line(origin: str, rule_id: str) -> int:
    try:
        text = Path(origin).read_text(encoding="utf-8")
    except OSError:
        return 1
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().lstrip("- ").startswith("id:") and line.split("id:", 1)[1].strip(
            " '\""
        ) == (rule_id):
            return number
    return 1


def _problem(code: str, entry: Entry, message: str, severity: Severity = "error") -> Problem:
    return Problem(code, severity, str(entry.file), entry.line, entry.context, message)


# -- stale translations -------------------------------------------------------------


def status(profile: str | None = None, extra: Sequence[str | Path] = ()) -> list[Problem]:
    """The English entries that are missing, stale or never stamped against their Chinese."""
    stack = read_stack(profile, extra)
    stamps = stack.stamps()
    zh, en = stack.entries["zh"], stack.entries["en"]
    parity_en = {stack.parity_key(c) for c in en}
    found: list[Problem] = []
    for context, entry in zh.items():
        if context not in parity_en:
            found.append(_problem("missing", entry, f"{context} has no English"))
    for context, entry in en.items():
        source = zh.get(stack.parity_key(context))
        if source is None:
            continue
        recorded = stamps.get(context)
        if recorded is None:
            found.append(_problem("unstamped", entry, f"{context}: no source fingerprint"))
        elif recorded != fingerprint(source.value):
            found.append(
                _problem(
                    "stale",
                    entry,
                    f"{context}: the Chinese changed since the English was translated "
                    f"({source.file}:{source.line})",
                )
            )
    return found


def stamp(
    profile: str | None = None,
    extra: Sequence[str | Path] = (),
    layer: str | Path | None = None,
) -> tuple[Path, int]:
    """Record the current fingerprints in one layer's ``en/sources.yaml``.

    The layer is ``layer`` (added on top when it is not in the stack) or else the top
    layer. It stamps the English it defines, the English of the Chinese it overrides, and
    what it stamped before. Returns the file written and the number of entries.
    """
    extra = list(extra)
    if layer is not None and Path(layer).resolve() not in resolve_layers(profile, extra)[1]:
        extra.append(layer)
    stack = read_stack(profile, extra)
    target = Path(layer).resolve() if layer is not None else stack.layers[-1]
    zh, en = stack.entries["zh"], stack.entries["en"]
    before = read_sources(target)
    own_zh = {c for c, e in zh.items() if e.layer == target}
    stamps: dict[str, str] = {}
    for context, entry in en.items():
        source = zh.get(stack.parity_key(context))
        if source is None:
            continue
        if entry.layer == target or source.context in own_zh or context in before:
            stamps[context] = fingerprint(source.value)
    path = sources_path(target)
    write_sources(path, stamps)
    return path, len(stamps)


def write_sources(path: Path, stamps: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# The Chinese each English entry was translated from, as a fingerprint (sha256, first\n"
        f"# {FINGERPRINT_LENGTH} hex digits). Written by `narrator phrasebank stamp`; "
        "`narrator phrasebank status`\n# lists the entries whose Chinese has changed since.\n"
    )
    body = "".join(f'"{key}": {value}\n' for key, value in sorted(stamps.items()))
    path.write_text(header + (body or "{}\n"), encoding="utf-8")


# -- PO exchange ------------------------------------------------------------------------


def export_po(
    profile: str | None = None, extra: Sequence[str | Path] = (), lang: str = "en"
) -> Catalog:
    """A gettext catalog: msgctxt ``table:key``, msgid the Chinese, msgstr the English."""
    from babel.messages.catalog import Catalog

    if lang != "en":
        raise PhrasebankError(f"only English is translated from the Chinese, not {lang!r}")
    stack = read_stack(profile, extra)
    stale = {p.key for p in status(profile, extra) if p.code in ("stale", "unstamped")}
    catalog = Catalog(locale="en", project="narrator", version=stack.profile.name, fuzzy=False)
    zh, en = stack.entries["zh"], stack.entries["en"]
    by_source: dict[str, list[Entry]] = {}
    for context, entry in en.items():
        by_source.setdefault(stack.parity_key(context), []).append(entry)
    for context, source in zh.items():
        if not source.value:
            continue
        targets: list[Entry | None] = [*by_source.get(context, [])] or [None]
        for target in targets:
            msgctxt = target.context if target is not None else context
            comments = []
            if source.table != "terms":
                texts = [source.value] + ([target.value] if target is not None else [])
                try:
                    names = sorted(set().union(*(template_names(t) for t in texts)))
                except TemplateSyntaxError:
                    names = []
                if names:
                    comments.append(f"Variables: {', '.join(names)}")
            if msgctxt != context:
                comments.append(f"English plural form {msgctxt.rsplit('.', 1)[1]!r} (CLDR)")
            location = target if target is not None else source
            catalog.add(
                source.value,
                target.value if target is not None else "",
                locations=[(_shown(location.file), location.line)],
                flags=["fuzzy"] if target is not None and target.context in stale else [],
                auto_comments=comments,
                context=msgctxt,
            )
    return catalog


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(builtin_dir().parent))
    except ValueError:
        return str(path)


def read_po(path: str | Path) -> Catalog:
    """The catalog of a PO file, read as untrusted input: a regular file of at most
    :data:`~narrator.datafile.MAX_BYTES`, every problem a :class:`PhrasebankError` naming
    the file (and the line, where the PO parser says it)."""
    import io

    from babel.messages.pofile import PoFileError
    from babel.messages.pofile import read_po as parse_po

    source = str(path)
    too_large = f"{source}: is too large for a PO file (more than {MAX_BYTES:,} bytes)"
    try:
        info = require_regular_file(source)  # a FIFO is never opened
        if info.st_size > MAX_BYTES:
            raise PhrasebankError(too_large)
        with open(source, "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except DataFileError as exc:
        raise PhrasebankError(str(exc)) from None
    except OSError as exc:
        raise PhrasebankError(f"{source}: cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise PhrasebankError(too_large)
    try:
        catalog = parse_po(io.BytesIO(raw), abort_invalid=True)
    except PoFileError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        raise PhrasebankError(f"{source}{line}: not a valid PO file: {_clip(str(exc))}") from None
    except (ValueError, LookupError) as exc:  # an undecodable text, an unknown charset
        raise PhrasebankError(f"{source}: cannot be read as a PO file: {_clip(str(exc))}") from None
    for message in catalog:
        if message.id and not isinstance(message.id, str):
            line = f":{message.lineno}" if message.lineno else ""
            raise PhrasebankError(
                f"{source}{line}: a plural entry (msgid_plural); narrator's PO files give each "
                "form as an entry of its own (terms:nouns.vehicle.one, .other)"
            )
    return catalog


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Imported:
    """What :func:`import_po` wrote."""

    changed: tuple[str, ...]
    stamped: tuple[str, ...]
    files: tuple[Path, ...]
    #: Translated entries whose context no table of the phrasebank has (a message from
    #: another profile or an older export), each as "line N: context": not imported.
    unknown: tuple[str, ...] = ()


def import_po(
    catalog: Catalog,
    into: str | Path,
    profile: str | None = None,
    extra: Sequence[str | Path] = (),
    *,
    source: str = "<PO file>",
) -> Imported:
    """Write the catalog's edits as an overlay layer ``into`` (only what differs).

    A fuzzy or empty msgstr is not imported, nor one whose context the phrasebank does not
    have (listed in ``unknown``, so a translator's work is never dropped unseen). An edited
    msgstr goes into ``into/en/<table>.yaml``; it, and an unedited one the translator
    confirmed (no longer fuzzy), are stamped with the fingerprint of their msgid. A msgstr
    the policy refuses (as rendering would refuse it from the overlay) stops the import
    before anything is written, naming ``source`` and its line.
    """
    target = Path(into)
    if profile is None and catalog.version in available_names(extra):
        profile = str(catalog.version)
    stack = read_stack(profile, [p for p in extra if Path(p).resolve() != target.resolve()])
    en, stamps = stack.entries["en"], stack.stamps()
    changed: dict[str, str] = {}
    stamped: dict[str, str] = {}
    unknown: list[str] = []
    for message in catalog:
        if not message.id or not message.context or message.fuzzy or not message.string:
            continue
        context, text = str(message.context), str(message.string)
        table = context.partition(":")[0]
        current = en.get(context) if table in TABLES else None
        if current is None and (
            table not in TABLES or stack.parity_key(context) not in stack.entries["zh"]
        ):
            unknown.append(f"line {message.lineno}: {context}" if message.lineno else context)
            continue
        mark = fingerprint(str(message.id))
        if current is None or current.value != text:
            refused = _msgstr_problem(table, text)
            if refused:
                line = f":{message.lineno}" if message.lineno else ""
                raise PhrasebankError(f"{source}{line}: {context}: {refused}")
            changed[context] = text
            stamped[context] = mark
        elif stamps.get(context) != mark:
            stamped[context] = mark
    target.mkdir(parents=True, exist_ok=True)
    files = _write_overlay(target, changed, stack)
    if stamped:
        stamps_now = {**read_sources(target), **stamped}
        write_sources(sources_path(target), stamps_now)
        files.append(sources_path(target))
    return Imported(tuple(sorted(changed)), tuple(sorted(stamped)), tuple(files), tuple(unknown))


def _msgstr_problem(table: str, text: str) -> str:
    """What rendering would refuse in an imported msgstr ("" when nothing)."""
    if table == "terms":
        refused = format_refusals(text)
        return f"uses {', '.join(refused)}, which a pattern may not use" if refused else ""
    try:
        compile_phrase(_ENV, text)
    except TemplateError as exc:
        return str(exc.message or exc)
    return ""


def available_names(extra: Sequence[str | Path]) -> set[str]:
    return set(profile_files([builtin_dir(), *(Path(p) for p in extra)]))


def _write_overlay(target: Path, changed: Mapping[str, str], stack: Stack) -> list[Path]:
    files: list[Path] = []
    for table in TABLES:
        edits = {c.partition(":")[2]: v for c, v in changed.items() if c.startswith(table + ":")}
        if not edits:
            continue
        path = target / "en" / f"{table}.yaml"
        existing = (read_layer_file(path) or {}) if present(path) else {}
        data: dict[str, Any] = dict(existing)
        merged_en = stack.data["en"].get(table, {})
        for key, value in edits.items():
            _set(data, key.split("."), value, merged_en)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000),
            encoding="utf-8",
        )
        files.append(path)
    return files


def _set(data: dict[str, Any], parts: list[str], value: str, merged: Any) -> None:
    """Set a dotted path; a list on the way is copied whole from the merged English."""
    head, rest = parts[0], parts[1:]
    below = merged.get(head) if isinstance(merged, Mapping) else None
    if not rest:
        data[head] = value
        return
    if isinstance(below, list):
        current = data.get(head)
        items = [dict(i) if isinstance(i, Mapping) else i for i in (current or below)]
        node: Any = items
        for part in rest[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(rest[-1])] = value
        else:
            node[rest[-1]] = value
        data[head] = items
        return
    child = data.get(head)
    if not isinstance(child, dict):
        child = {}
        data[head] = child
    _set(child, rest, value, below)


class _Dumper(yaml.SafeDumper):
    """YAML with multi-line templates written as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
