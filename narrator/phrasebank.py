"""Phrasebanks: wording, terms, number styles, catalogs and rules, as layered data.

A layer is a directory. The built-in layer ships with narrator; a profile may add
its own layer, and users add theirs (``phrasebanks=[...]``). Later layers
override earlier ones key by key. Files a layer may hold::

    rules.yaml                  reason rules (see narrator.rules)
    catalog.yaml                functional classification structure and lists
    profiles/<name>.yaml        profiles: outline, style options, extra layers
    <lang>/text.yaml            paragraph and sentence templates (Jinja2)
    <lang>/reasons.yaml         reason phrases (Jinja2)
    <lang>/terms.yaml           glossary terms, nouns, cause names
    <lang>/style.yaml           number, list and numbering style
    <lang>/catalog.yaml         functional class / item names and definitions
    <lang>/economic.yaml        economic classification names

Templates run in Jinja2's sandbox with StrictUndefined and are compiled once,
on first use, per phrasebank.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError

from narrator import cache as disk_cache
from narrator.datafile import (
    MAX_BYTES,
    DataFileError,
    merge,
    present,
    read_data,
    read_data_file,
)
from narrator.errors import InputError
from narrator.numbers import NumberFormatter, store_words
from narrator.rules import USER_REASON, RuleSet, condition_environment
from narrator.sandbox import Phrase, Sandbox, freeze
from narrator.sandbox.phrase import (
    CodeKey,
    cache_tag,
    code_generation,
    compiled_code,
    compiled_expression,
    preload,
)
from narrator.sandbox.phrase import mode as template_mode
from narrator.sandbox.policy import format_refusals

#: Languages narrator renders.
LANGUAGES = ("zh", "en")
#: Files of a language folder that are merged key by key.
LANGUAGE_FILES = (
    "text",
    "reasons",
    "terms",
    "style",
    "catalog",
    "economic",
    "diagnostics",
    "tables",
)
#: Files of a language folder whose strings are ``str.format`` patterns (``{value}万元``):
#: each may name only plain fields, with no format spec or conversion.
PATTERN_FILES = ("style", "terms", "tables", "diagnostics")
#: The profile used when neither the figures nor the caller names one.
DEFAULT_PROFILE = "zhejiang-2019"


class PhrasebankError(InputError):
    """A phrasebank file is missing, malformed, or a template does not compile."""


class UnknownProfileError(PhrasebankError):
    """No layer defines the profile asked for."""


class TemplateFailure(PhrasebankError):
    """A template failed while it rendered; the message names its file, line and key."""


def builtin_dir() -> Path:
    """Where the built-in phrasebanks are: inside the wheel, or beside the source."""
    here = Path(__file__).resolve().parent
    shipped = here / "_phrasebanks"
    return shipped if shipped.is_dir() else here.parent / "phrasebanks"


def read_layer_file(path: Path) -> Any:
    """A phrasebank, rule, profile or check file's data, read by :mod:`narrator.datafile`.

    A scalar may be anchored and repeated (a template shared by two keys); anchors on
    mappings and lists, which an alias bomb needs, are refused like every other hazard.
    """
    try:
        return read_data(path, scalar_aliases=True)
    except DataFileError as exc:
        raise PhrasebankError(str(exc)) from None


def _origin(path: Path) -> str:
    """A file's name as messages show it: built-in files relative to the phrasebanks."""
    try:
        return f"built-in {path.relative_to(builtin_dir())}"
    except ValueError:
        return str(path)


_SHIPPED: dict[tuple[str, int, int], Any] = {}


def _read_layer_file(path: Path) -> Any:
    """A layer file's data; the built-in layer's files are parsed once per process.

    Shipped files never change while narrator runs (the key still holds their size and
    time), and their data is frozen, so every phrasebank built from them shares one copy.
    """
    stored = _PRELOADED.get(str(path), _NOT_STORED)
    try:
        shipped = path.resolve().is_relative_to(builtin_dir())
        stat = path.stat()
    except OSError:
        shipped = False
    if not shipped:
        data = read_layer_file(path) if stored is _NOT_STORED else stored
        _READ[str(path)] = data
        return data
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if stored is not _NOT_STORED and key not in _SHIPPED:
        _SHIPPED[key] = freeze(stored)
    found = _SHIPPED.get(key)
    if found is None:
        found = _SHIPPED[key] = freeze(read_layer_file(path))
    _READ[str(path)] = found
    return found


#: The data of layer files read from the on-disk cache, by path, for the content the cache
#: entry was named by (narrator.cache): the reader's checks passed on that very content.
_PRELOADED: dict[str, Any] = {}
#: The data of every layer file read so far, by path (what a phrasebank stores on disk).
_READ: dict[str, Any] = {}
_NOT_STORED = object()


def _storable(data: Any) -> Any:
    """Layer data as the on-disk cache holds it (what marshal writes: mappings as dicts,
    frozen lists as tuples), or _NOT_STORED when it holds what marshal cannot (a Decimal)."""
    if isinstance(data, Mapping):
        items = {}
        for key, value in data.items():
            value = _storable(value)
            if value is _NOT_STORED or type(key) not in (str, int, bool):
                return _NOT_STORED
            items[key] = value
        return items
    if isinstance(data, list | tuple):
        values = [_storable(value) for value in data]
        if any(value is _NOT_STORED for value in values):
            return _NOT_STORED
        return values if isinstance(data, list) else tuple(values)
    if data is None or type(data) in (str, int, bool):
        return data
    return _NOT_STORED


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested text keys: ``{"a": {"b": "x"}}`` -> ``{"a.b": "x"}``.

    >>> flatten({"totals": {"heading": "H", "body": "B"}})
    {'totals.heading': 'H', 'totals.body': 'B'}
    """
    flat: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, full + "."))
        elif value is not None:
            flat[full] = str(value)
    return flat


#: What an outline entry may say.
OUTLINE_KEYS = frozenset(
    {"heading", "paragraph", "table", "level", "when", "each", "as", "key", "says"}
)
_BLOCK_KINDS = ("heading", "paragraph", "table")


@dataclass(frozen=True, slots=True)
class Step:
    """One outline entry, read and checked once: a heading, paragraph or table to render."""

    kind: str
    #: The text key (heading, paragraph) or table name the block renders.
    source: str
    #: The block's key in the document (``key:``, or the text key).
    key: str
    level: int = 1
    #: A condition: the block is rendered only when it holds.
    when: str | None = None
    #: An expression giving items: one block per item, the item named ``name``.
    each: str | None = None
    name: str = "item"
    #: The sentences the paragraph prints (an expression giving a sentence or a list).
    says: str | None = None


#: The most entries an outline may have (narrator's own have under 100): each one's
#: conditions are compiled and evaluated for every report.
MAX_OUTLINE = 1000


def _steps(outline: Sequence[Any], origin: Path) -> tuple[Step, ...]:
    if len(outline) > MAX_OUTLINE:
        raise PhrasebankError(
            f"{origin}: an outline of {len(outline):,} entries, more than the {MAX_OUTLINE:,} "
            "a profile may have"
        )
    steps = []
    for index, entry in enumerate(outline):
        if not isinstance(entry, Mapping):
            raise PhrasebankError(f"{origin}: outline entry {index}: expected a mapping")
        unknown = set(entry) - OUTLINE_KEYS
        if unknown:
            raise PhrasebankError(
                f"{origin}: outline entry {index}: unknown keys {sorted(unknown)}"
            )
        kind = next((k for k in _BLOCK_KINDS if k in entry), None)
        if kind is None:
            raise PhrasebankError(
                f"{origin}: outline entry {index}: no heading, paragraph or table"
            )
        source = str(entry[kind])
        level = entry.get("level", 1)
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 6:
            raise PhrasebankError(
                f"{origin}: outline entry {index}: level must be a whole number 0–6, got {level!r}"
            )
        for key in ("when", "each", "says"):
            if key in entry:
                _check_expression(str(entry[key]), f"{origin}: outline entry {index}: {key}")
        steps.append(
            Step(
                kind=kind,
                source=source,
                key=str(entry.get("key", source)),
                level=level,
                when=str(entry["when"]) if "when" in entry else None,
                each=str(entry["each"]) if "each" in entry else None,
                name=str(entry.get("as", "item")),
                says=str(entry["says"]) if "says" in entry else None,
            )
        )
    return tuple(steps)


@cache
def _checking_environment() -> Sandbox:
    return template_environment()


def _check_expression(source: str, where: str) -> None:
    """Refuse an outline condition the policy refuses, when the profile is read."""
    try:
        env = _checking_environment()
        if template_mode() == "compiled":
            compiled_expression(env, source)  # checked as it compiles (or was, if stored)
        else:
            env.checked_parse("{{ " + source + " }}")
    except TemplateError as exc:
        raise PhrasebankError(f"{where}: {source!r}: {exc.message or exc}") from exc


@dataclass(frozen=True)
class Profile:
    """A named outline plus style options over the layers."""

    name: str
    description: str
    outline: tuple[Mapping[str, Any], ...]
    style: Mapping[str, str]
    lists: Mapping[str, str]
    origin: Path
    #: Options the region's template prescribes: a figures file cannot change them.
    prescribes: Mapping[str, str] = field(default_factory=dict)
    #: The catalog edition whose names the profile prints (e.g. "2024": names_2024 first).
    edition: str | None = None
    #: The outline as checked steps.
    steps: tuple[Step, ...] = ()
    #: The profile this one builds on (``extends:``), if any.
    extends: str | None = None


def join_lines(text: str, joiner: str) -> str:
    # Templates are written across lines for legibility; the text is one line.
    return joiner.join(part for part in (line.strip() for line in text.splitlines()) if part)


def template_environment() -> Sandbox:
    """The sandbox phrasebank templates compile and render in (one per language)."""
    return Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def compile_phrase(env: Sandbox, source: str, joiner: str = "") -> Phrase:
    """A template as rendering compiles it: joined lines, then the policy, then Jinja.

    Raises :class:`jinja2.TemplateError` (syntax, or what the policy refuses); rendering and
    ``phrasebank check`` both compile through here, so they refuse exactly the same.
    """
    return Phrase(env, join_lines(source, joiner))


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise PhrasebankError(f"{what}: expected a mapping, got {type(data).__name__}")
    return data


#: Every text key (or family of keys: a prefix ending in ".") that code renders under a
#: name it computes, with the variables it passes the template. Filled by :func:`renders`
#: where the keys are used (the renderer, the tables); ``phrasebank check`` reads it.
LOOKUPS: dict[str, frozenset[str]] = {}


def renders(key: str, *names: str) -> str:
    """Declare a key (or a family, ``prefix.``) code looks up, with its variables; gives the key."""
    LOOKUPS[key] = frozenset(names)
    return key


#: Where a key of a language file was defined: ``locate(table, key)`` -> "file:line".
Locator = Callable[[str, str], str]


_NO_TERM = object()
#: Term paths a language remembers (paths come from templates: bounded however many).
_TERMS_REMEMBERED = 4096


class Language:
    """One language of a phrasebank: merged data (read only) and compiled templates."""

    def __init__(
        self,
        lang: str,
        data: Mapping[str, Any],
        origins: Mapping[str, str],
        locate: Locator | None = None,
    ) -> None:
        self.lang = lang
        self.origins = origins
        self._locate = locate
        where = self.where
        self.text = flatten(_mapping(data.get("text"), where("text")))
        self.reasons = flatten(_mapping(data.get("reasons"), where("reasons")))
        # Frozen: every report of the process reads them, and none may change them.
        self.terms: Mapping[str, Any] = freeze(_mapping(data.get("terms"), where("terms")))
        self.style: Mapping[str, Any] = freeze(_mapping(data.get("style"), where("style")))
        catalog = freeze(_mapping(data.get("catalog"), where("catalog")))
        for part, value in catalog.items():
            _mapping(value, f"{where('catalog')}: {part}")
        self.catalog: Mapping[str, Any] = catalog
        self.names: Mapping[str, str] = catalog.get("names", {})
        self.glossary_names: Mapping[str, str] = catalog.get("glossary_names", {})
        self.definitions: Mapping[str, str] = catalog.get("definitions", {})
        economic = _mapping(data.get("economic"), where("economic"))
        self.economic: Mapping[str, str] = freeze(
            _mapping(economic.get("names"), f"{where('economic')}: names")
        )
        #: Checker messages, labels and CLI words (``<lang>/diagnostics.yaml``).
        self.diagnostics: Mapping[str, Any] = freeze(
            _mapping(data.get("diagnostics"), where("diagnostics"))
        )
        #: Table titles, column and row labels (``<lang>/tables.yaml``).
        self.tables: Mapping[str, Any] = freeze(_mapping(data.get("tables"), where("tables")))
        self.env = template_environment()
        self._tables: dict[str, dict[str, Phrase]] = {"text": {}, "reasons": {}}
        self._names: dict[str | None, Mapping[str, str]] = {}
        self._terms: dict[str, Any] = {}
        self._formatters: dict[tuple[tuple[str, str], ...], NumberFormatter] = {}

    def where(self, table: str, key: str | None = None) -> str:
        """Where a file (or one key of it) of this language is, for messages: "file:line"."""
        if key is not None and self._locate is not None:
            return self._locate(table, key)
        return self.origins.get(table, f"{self.lang}/{table}.yaml")

    def formatter(self, options: Mapping[str, str]) -> NumberFormatter:
        """This language's number formatter for a set of style options (made once)."""
        key = tuple(sorted(options.items()))
        found = self._formatters.get(key)
        if found is None:
            try:
                found = NumberFormatter(self.style, options)
            except InputError as exc:
                raise PhrasebankError(f"{self.where('style')}: {exc}") from exc
            self._formatters[key] = found
        return found

    def edition_names(self, edition: str | None) -> Mapping[str, str]:
        """The names a catalog edition gives (``names_2024``), empty for none."""
        found: Mapping[str, str] = self.catalog.get(f"names_{edition}", {}) if edition else {}
        return found

    def catalog_names(self, edition: str | None) -> Mapping[str, str]:
        """Class and item names with an edition's names first (merged once per edition)."""
        found = self._names.get(edition)
        if found is None:
            found = self._names[edition] = freeze({**self.names, **self.edition_names(edition)})
        return found

    def has(self, key: str) -> bool:
        return key in self.text

    def phrase(self, key: str, *, table: str = "text") -> Phrase:
        """The compiled template of a text (or reason) key."""
        compiled = self._tables[table].get(key)
        if compiled is None:
            source = (self.text if table == "text" else self.reasons).get(key)
            if source is None:
                raise PhrasebankError(
                    f"{self.where(table)}: no {table} key {key!r} for language {self.lang!r}"
                )
            try:
                compiled = compile_phrase(self.env, source, str(self.style.get("line_join", "")))
            except TemplateError as exc:
                line = getattr(exc, "lineno", None)
                at = f" (template line {line})" if line else ""
                raise PhrasebankError(
                    f"{self.where(table, key)}: {table} {key!r}{at}: {exc.message or exc}"
                ) from exc
            self._tables[table][key] = compiled
        return compiled

    def phrases(self, table: str = "text") -> Mapping[str, Phrase]:
        """The phrases of a table compiled so far, by key (read only: :meth:`phrase` adds)."""
        return self._tables[table]

    def render(
        self,
        key: str,
        context: Mapping[str, Any],
        extra: Mapping[str, Any] | None = None,
        *,
        table: str = "text",
    ) -> str:
        """One key rendered over a shared context; any failure names the key's file and line."""
        phrase = self.phrase(key, table=table)
        try:
            return phrase.render(context, extra)
        except TemplateFailure:
            raise  # a nested phrase already said where
        except Exception as exc:  # a template's fault, whatever Python raised for it
            raise self.failure(key, table, exc) from exc

    def failure(self, key: str, table: str, exc: Exception) -> TemplateFailure:
        """What a key's render failing with ``exc`` raises: a message naming file, line, key."""
        if isinstance(exc, TemplateError):
            what = exc.message or str(exc)
        elif isinstance(exc, InputError):
            what = str(exc)
        else:
            what = f"{type(exc).__name__}: {exc}"
        return TemplateFailure(
            f"{self.where(table, key)}: {self.lang} {table} {key!r}: {_shorten(what)}"
        )

    def template(self, key: str, *, table: str = "text") -> Template:
        """The Jinja2 template of a text (or reason) key."""
        return self.phrase(key, table=table).template

    def compile_all(self) -> None:
        """Compile every template now (phrasebank checks use this)."""
        for key in self.text:
            self.template(key)
        for key in self.reasons:
            self.template(key, table="reasons")

    def term(self, path: str) -> Any:
        """A term by dotted path (terms are frozen: each path is looked up once)."""
        found = self._terms.get(path, _NO_TERM)
        if found is not _NO_TERM:
            return found
        node: Any = self.terms
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise PhrasebankError(f"{self.where('terms')}: no term {path!r}")
            node = node[part]
        if len(self._terms) < _TERMS_REMEMBERED:
            self._terms[path] = node
        return node


def _check_overlay(path: Path, name: str, data: Mapping[str, Any], base: Mapping[str, Any]) -> None:
    """An overlay overrides known keys with templates that compile; say where it does not."""
    known = flatten(base) if name != "terms" else _term_paths(base)
    given = flatten(data) if name != "terms" else _term_paths(data)
    lines = key_lines(path)
    for key in given:
        # New reason phrases are welcome (an overlay's own rules select them).
        if key not in known and name != "reasons":
            line = lines.get(key, 0)
            raise PhrasebankError(f"{path}:{line}: {key!r} is not a {name} key of the phrasebank")


#: The most entries one file of a layer may give (narrator's own text.yaml has about 250).
MAX_LAYER_ENTRIES = 2000


def layer_problems(path: Path, name: str, data: Mapping[str, Any]) -> list[tuple[int, str]]:
    """What one language file of a layer holds that the policy refuses, as (line, message).

    Templates (``text``, ``reasons``) are compiled as rendering compiles them; the strings
    of pattern files are checked as ``str.format`` patterns. Rendering refuses a layer with
    any of these at load, and ``phrasebank check`` reports the same list.
    """
    problems: list[tuple[int, str]] = []
    if name not in ("text", "reasons", *PATTERN_FILES):
        return problems
    leaves = flatten(data) if name in ("text", "reasons") else string_leaves(data)
    if len(leaves) > MAX_LAYER_ENTRIES:
        # Each template is compiled when the layer loads: tens of thousands take minutes.
        return [
            (
                1,
                f"{name}: {len(leaves):,} entries, "
                f"more than the {MAX_LAYER_ENTRIES:,} a layer may give",
            )
        ]
    lines = key_lines(path)
    env = template_environment()
    for key, value in leaves.items():
        at = _line_of(lines, key)
        if name in ("text", "reasons"):
            try:
                compile_phrase(env, value)
            except TemplateError as exc:
                line = getattr(exc, "lineno", None)
                where = f" (template line {line})" if line else ""
                problems.append((at, f"{name} {key!r}{where}: {exc.message or exc}"))
        else:
            refused = format_refusals(value)
            if refused:
                problems.append(
                    (at, f"{name} {key!r} uses {', '.join(refused)}, which a pattern may not use")
                )
    return problems


def string_leaves(data: Any, prefix: str = "") -> dict[str, str]:
    """Every string of nested data by dotted path; list items by index (``glossary.0.term``).

    >>> string_leaves({"a": [{"b": "x"}], "c": 1})
    {'a.0.b': 'x', 'c': '1'}
    """
    found: dict[str, str] = {}
    items: Iterable[tuple[Any, Any]]
    if isinstance(data, Mapping):
        items = data.items()
    elif isinstance(data, list | tuple):
        items = enumerate(data)
    else:
        return {prefix.rstrip("."): str(data)} if data is not None and prefix else {}
    for key, value in items:
        found.update(string_leaves(value, f"{prefix}{key}."))
    return found


def _line_of(lines: Mapping[str, int], key: str) -> int:
    while key:
        if key in lines:
            return lines[key]
        key = key.rpartition(".")[0]
    return 1


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _term_paths(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    paths: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            paths.update(_term_paths(value, f"{prefix}{key}."))
        else:
            paths[f"{prefix}{key}"] = str(value)
    return paths


def key_lines(path: Path) -> dict[str, int]:
    """The line (1-based) of every dotted key of a YAML mapping file."""
    try:
        lines = read_data_file(path, scalar_aliases=True).lines
    except DataFileError as exc:
        raise PhrasebankError(str(exc)) from None
    return {key: line for key, line in lines.items() if "[" not in key}


#: Language files whose keys an overlay may only override, never invent.
CHECKED_FILES = ("text", "reasons", "terms")


class Phrasebank:
    """The merged layers for one profile: languages, rules, catalog and outline.

    Every layer but the built-in one is checked the same way when it is read: its
    templates and patterns against the policy (:func:`layer_problems`), and, for an
    overlay (a layer from ``overlays_from`` on), that it only overrides known keys.
    """

    def __init__(
        self, layers: Sequence[Path], profile: Profile, overlays_from: int | None = None
    ) -> None:
        self.layers = tuple(layers)
        self.profile = profile
        self._lang_data: dict[str, dict[str, Any]] = {lang: {} for lang in LANGUAGES}
        self._origins: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        self._catalog: dict[str, Any] = {}
        builtin = builtin_dir()
        rules = RuleSet()
        for index, layer in enumerate(self.layers):
            catalog_file = layer / "catalog.yaml"
            if present(catalog_file):
                catalog = _mapping(_read_layer_file(catalog_file), str(catalog_file))
                for part in ("codes", "lists"):
                    _mapping(catalog.get(part), f"{catalog_file}: {part}")
                self._catalog = merge(self._catalog, catalog)
            rules_file = layer / "rules.yaml"
            if present(rules_file):
                data = _read_layer_file(rules_file) or {}
                entries = data.get("rules", []) if isinstance(data, Mapping) else None
                if not isinstance(entries, list | tuple):
                    raise PhrasebankError(f"{rules_file}: expected a 'rules:' list")
                rules = rules.overlay(entries, _origin(rules_file))
            checked = layer != builtin
            overlay = overlays_from is not None and index >= overlays_from
            for lang in LANGUAGES:
                for name in LANGUAGE_FILES:
                    path = layer / lang / f"{name}.yaml"
                    if not present(path):
                        continue
                    data = _mapping(_read_layer_file(path), str(path))
                    current = self._lang_data[lang].get(name, {})
                    if checked:
                        problems = layer_problems(path, name, data)
                        if problems:
                            line, message = problems[0]
                            raise PhrasebankError(f"{path}:{line}: {message}")
                    if overlay and name in CHECKED_FILES:
                        _check_overlay(path, name, data, current)
                    self._lang_data[lang][name] = merge(current, data)
                    self._origins[lang][name] = str(path)
        self.rules = rules
        self._languages: dict[str, Language] = {}
        #: The on-disk cache entry of this phrasebank's compiled code (None: not kept),
        #: how many entries it holds, and the code generation last looked at.
        self._cache_entry: str | None = None
        self._stored = 0
        self._generation = -1
        for rule in rules:
            if rule.reason in (None, USER_REASON):
                continue
            for lang in LANGUAGES:
                if rule.reason not in flatten(self._lang_data[lang].get("reasons", {})):
                    raise PhrasebankError(
                        f"{rule.origin}: rule {rule.id!r} selects the reason phrase "
                        f"{rule.reason!r}, which {lang}/reasons.yaml does not have"
                    )

    def code_keys(self) -> set[CodeKey]:
        """The keys of every piece of compiled code this phrasebank may use: templates as
        rendering and as the load checks compile them, rule and outline conditions."""
        env = _checking_environment()
        tag = cache_tag(env)
        keys: set[CodeKey] = set()
        for lang in LANGUAGES:
            data = self._lang_data[lang]
            joiner = str(_mapping(data.get("style"), "style").get("line_join", ""))
            for table in ("text", "reasons"):
                for source in flatten(_mapping(data.get(table), table)).values():
                    keys.add((tag, "template", join_lines(source, joiner)))
                    keys.add((tag, "template", source))
        for step in self.profile.steps:
            for condition in (step.when, step.each, step.says):
                if condition is not None:
                    keys.add((tag, "expression", condition))
        condition_tag = cache_tag(condition_environment())
        keys.update((condition_tag, "expression", rule.when) for rule in self.rules)
        return keys

    def persist(self) -> None:
        """Store on disk the code compiled for this phrasebank since it was last stored,
        and the numbers spelt (a no-op when nothing was compiled anywhere since)."""
        store_words()
        if self._cache_entry is None or self._generation == code_generation():
            return
        self._generation = code_generation()
        found = compiled_code(self.code_keys())
        if len(found) <= self._stored:
            return
        files = {}
        for path in (str(self.profile.origin), *map(str, layer_files(self.layers))):
            data = _storable(_READ.get(path, _NOT_STORED))
            if data is not _NOT_STORED:
                files[path] = data
        if disk_cache.store(self._cache_entry, {"code": found, "files": files}):
            self._stored = len(found)

    def language(self, lang: str) -> Language:
        if lang not in LANGUAGES:
            raise PhrasebankError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        found = self._languages.get(lang)
        if found is None:
            found = Language(
                lang,
                self._lang_data[lang],
                self._origins[lang],
                lambda table, key: self.locate(lang, table, key),
            )
            self._languages[lang] = found
        return found

    def locate(self, lang: str, table: str, key: str) -> str:
        """The file and line that define ``key`` of a language's table, the top layer first."""
        for layer in reversed(self.layers):
            path = layer / lang / f"{table}.yaml"
            if path.is_file():
                lines = key_lines(path)
                if key in lines:
                    return f"{path}:{lines[key]}"
        return self._origins[lang].get(table, f"{lang}/{table}.yaml")

    @cached_property
    def class_lists(self) -> Mapping[str, Sequence[str]]:
        lists: Mapping[str, Sequence[str]] = freeze(self._catalog.get("lists", {}))
        return lists

    @cached_property
    def codes(self) -> Mapping[str, Mapping[str, str]]:
        codes: Mapping[str, Mapping[str, str]] = freeze(self._catalog.get("codes", {}))
        return codes

    def class_list(self, which: str) -> Sequence[str]:
        """The ordered 类 codes the profile lists for ``which`` (``general``/``fund``)."""
        name = self.profile.lists.get(which)
        if name is None:
            return ()
        if name not in self.class_lists:
            raise PhrasebankError(f"profile {self.profile.name!r}: unknown class list {name!r}")
        codes = self.class_lists[name]
        if not isinstance(codes, Sequence) or isinstance(codes, str):
            raise PhrasebankError(f"catalog list {name!r}: expected a list of class codes")
        return tuple(str(code) for code in codes)


# -- finding layers and profiles ----------------------------------------------


def profile_files(layers: Iterable[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for layer in layers:
        folder = layer / "profiles"
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found[path.stem] = path
    return found


def available_profiles(extra: Sequence[str | Path] = ()) -> dict[str, Profile]:
    """Every profile the built-in and ``extra`` layers define, by name."""
    for layer in extra:
        if not Path(layer).is_dir():
            raise PhrasebankError(f"phrasebank layer {str(layer)!r} is not a directory")
    files = profile_files([builtin_dir(), *(Path(p) for p in extra)])
    return {name: _resolve_profile(name, files)[0] for name in files}


#: What a profile file may say.
PROFILE_KEYS = frozenset(
    {"description", "extends", "layers", "edition", "lists", "style", "prescribes", "outline"}
)
#: How many profiles deep ``extends`` may chain (a district over a region over another).
EXTENDS_DEPTH = 8


def _resolve_profile(
    name: str, files: Mapping[str, Path], chain: tuple[str, ...] = ()
) -> tuple[Profile, list[Path]]:
    """A profile with everything it ``extends`` applied, and its own layers in order.

    A profile that ``extends: <base>`` takes the base's outline, lists, edition and
    description unless it gives its own; its ``style``, ``prescribes`` and ``lists`` are
    merged over the base's (key by key), and its ``layers`` come after the base's.
    """
    if name in chain:
        cycle = " -> ".join((*chain, name))
        raise PhrasebankError(f"{files[chain[-1]]}: profile {name!r} extends itself: {cycle}")
    if len(chain) >= EXTENDS_DEPTH:
        raise PhrasebankError(f"profile {chain[0]!r}: 'extends' chains deeper than {EXTENDS_DEPTH}")
    if name not in files:
        known = ", ".join(sorted(files))
        if chain:
            raise PhrasebankError(
                f"{files[chain[-1]]}: extends: unknown profile {name!r} (known: {known})"
            )
        raise UnknownProfileError(
            f"unknown profile {name!r} (known: {known}); a profile of your own is read from "
            f"the layer folder that holds profiles/{name}.yaml, given with --phrasebank DIR"
        )
    path = files[name]
    data = _mapping(_read_layer_file(path), str(path))
    unknown = sorted(str(key) for key in data if key not in PROFILE_KEYS)
    if unknown:
        known_keys = ", ".join(sorted(PROFILE_KEYS))
        raise PhrasebankError(f"{path}: unknown keys {unknown} (a profile may say: {known_keys})")
    base: Profile | None = None
    layers: list[Path] = []
    if data.get("extends") is not None:
        if not isinstance(data["extends"], str):
            raise PhrasebankError(f"{path}: extends: expected the name of one profile")
        base, layers = _resolve_profile(data["extends"], files, (*chain, name))
    layers = [*layers, *_own_layers(path, data)]
    outline = data.get("outline")
    if outline is None and base is not None:
        steps, outline_data, origin = base.steps, base.outline, base.origin
    elif isinstance(outline, list | tuple):
        steps, outline_data, origin = _steps(outline, path), tuple(outline), path
    else:
        raise PhrasebankError(f"{path}: expected an 'outline:' list")
    try:
        edition = str(data["edition"]) if data.get("edition") else None
        description = str(data.get("description", "")).strip()
        profile = Profile(
            name=name,
            description=description or (base.description if base else ""),
            outline=outline_data,
            style={**(base.style if base else {}), **_strings(data.get("style"), path, "style")},
            lists={**(base.lists if base else {}), **_strings(data.get("lists"), path, "lists")},
            origin=origin,
            prescribes={
                **(base.prescribes if base else {}),
                **_strings(data.get("prescribes"), path, "prescribes"),
            },
            edition=edition or (base.edition if base else None),
            steps=steps,
            extends=base.name if base else None,
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise PhrasebankError(f"{path}: {exc}") from exc
    return profile, layers


def _own_layers(path: Path, data: Mapping[str, Any]) -> list[Path]:
    """The folders a profile file's ``layers:`` names, each inside the layer holding it."""
    own = data.get("layers") or []
    if not isinstance(own, list | tuple):
        raise PhrasebankError(f"{path}: layers: expected a list of folders")
    home = path.parent.parent.resolve()  # the layer that holds profiles/<name>.yaml
    found: list[Path] = []
    for entry in own:
        layer = (path.parent / str(entry)).resolve()
        if not layer.is_relative_to(home):
            raise PhrasebankError(
                f"{path}: layer {str(entry)!r} leaves the folder {str(home)!r} that holds the "
                "profile; a profile's layers must lie inside it"
            )
        if not layer.is_dir():
            raise PhrasebankError(f"{path}: layer {str(entry)!r} is not a directory")
        found.append(layer)
    return found


def _strings(data: Any, path: Path, key: str) -> dict[str, str]:
    mapping = _mapping(data, f"{path}: {key}")
    for name, value in mapping.items():
        if isinstance(value, Mapping | list):
            raise PhrasebankError(f"{path}: {key}.{name}: expected a single value")
    return {str(k): str(v) for k, v in mapping.items()}


def profile_layers(
    profile: str | None = None, extra: Sequence[str | Path] = ()
) -> tuple[Profile, list[Path], int]:
    """The profile named, its layers in order, and the index of the first overlay.

    The layers are the built-in one, the profile's own (those of the profiles it
    ``extends`` first, then its ``layers:``, each inside the layer that holds its profile
    file), then ``extra`` (overlays, in order).
    """
    name = profile or DEFAULT_PROFILE
    extra_layers = _extra_layers(extra)
    files = profile_files([builtin_dir(), *extra_layers])
    prof, own = _resolve_profile(name, files)
    layers = [builtin_dir(), *_once_each(own), *extra_layers]
    return prof, layers, len(layers) - len(extra_layers)


def _extra_layers(extra: Sequence[str | Path]) -> list[Path]:
    extra_layers = [Path(p).resolve() for p in extra]
    for layer in extra_layers:
        if not layer.is_dir():
            raise PhrasebankError(f"phrasebank layer {str(layer)!r} is not a directory")
    return extra_layers


def _once_each(layers: Iterable[Path]) -> list[Path]:
    seen: list[Path] = []
    for layer in layers:  # a layer named twice in a chain is read once, where it first comes
        if layer not in seen:
            seen.append(layer)
    return seen


def _profile_chain(name: str, files: Mapping[str, Path]) -> tuple[list[Path], list[Path]]:
    """The files of a profile and of those it ``extends``, and their layers: what a
    phrasebank's cache entry is named by. Nothing is checked here (reading the profile
    does that); a profile this cannot follow raises PhrasebankError."""
    paths: list[Path] = []
    layers: list[Path] = []
    while name not in (path.stem for path in paths) and len(paths) < EXTENDS_DEPTH:
        if name not in files:
            raise PhrasebankError(f"unknown profile {name!r}")
        path = files[name]
        data = _mapping(_read_layer_file(path), str(path))
        paths.append(path)
        layers = [*_own_layers(path, data), *layers]
        base = data.get("extends")
        if not isinstance(base, str):
            break
        name = base
    return paths, layers


_CACHE: dict[tuple[str, tuple[str, ...], str], Phrasebank] = {}


def load_phrasebank(profile: str | None = None, extra: Sequence[str | Path] = ()) -> Phrasebank:
    """The phrasebank for ``profile`` with ``extra`` layers on top (cached).

    In the compiled mode, the code compiled for the phrasebank is kept on disk
    (:mod:`narrator.cache`), named by the content of every file of every layer, narrator's
    compiler and policy, Jinja's and Python's versions: a later process loads it instead
    of compiling, and a change to any of them is a different entry.
    """
    name = profile or DEFAULT_PROFILE
    key = (name, tuple(str(Path(p).resolve()) for p in extra), template_mode())
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    # The stored code first: reading the profile and the layers checks their conditions
    # and templates by compiling them, which it then need not do again.
    entry = _cache_entry(name, extra) if template_mode() == "compiled" else None
    try:
        # The entry's layer data stands for the bytes it is named by: this load only.
        stored = _preload(disk_cache.load(entry)) if entry is not None else 0
        prof, layers, overlays_from = profile_layers(name, extra)
        bank = Phrasebank(layers, prof, overlays_from=overlays_from)
    finally:
        _PRELOADED.clear()
    bank._cache_entry = entry
    bank._stored = stored
    _CACHE[key] = bank
    return bank


def _preload(stored: Any) -> int:
    """Take what a phrasebank's cache entry holds: compiled code and layer data."""
    if not isinstance(stored, dict):
        return 0
    files = stored.get("files")
    if isinstance(files, dict):
        _PRELOADED.update((path, data) for path, data in files.items() if type(path) is str)
    return preload(stored.get("code"))


def layer_files(layers: Sequence[Path]) -> list[Path]:
    """Every file a phrasebank of these layers reads, in the order it reads them."""
    files: list[Path] = []
    for layer in layers:
        files += [layer / "catalog.yaml", layer / "rules.yaml"]
        files += [layer / lang / f"{name}.yaml" for lang in LANGUAGES for name in LANGUAGE_FILES]
    return files


@cache
def _compiler_fingerprint() -> bytes:
    """What a phrasebank's cache entry depends on besides its files' bytes: the compiler and
    policy (the sandbox's sources), the reader that makes data of a layer file and this
    module, which reads the layers (their sources), narrator's version, Jinja's, Python's."""
    import jinja2

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    readers = (here / "__init__.py", here / "datafile.py", here / "phrasebank.py")
    for path in (*readers, *sorted((here / "sandbox").glob("*.py"))):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for version in (jinja2.__version__, sys.version, sys.implementation.cache_tag or ""):
        digest.update(version.encode() + b"\0")
    return digest.digest()


def _cache_entry(name: str, extra: Sequence[str | Path]) -> str | None:
    """The name of a phrasebank's compiled code on disk, from everything it depends on:
    narrator's compiler and policy, the profile's files, every file of every layer."""
    if disk_cache.directory() is None:
        return None
    try:
        extra_layers = _extra_layers(extra)
        profiles, own = _profile_chain(name, profile_files([builtin_dir(), *extra_layers]))
    except (PhrasebankError, OSError):
        return None  # reading the profile says what is wrong
    layers = [builtin_dir(), *_once_each(own), *extra_layers]
    parts = [b"phrasebank", _compiler_fingerprint(), name.encode()]
    try:
        for path in (*profiles, *layer_files(layers)):
            parts.append(str(path).encode())
            try:
                info = os.stat(path)
            except (FileNotFoundError, NotADirectoryError):
                parts.append(b"\0absent")
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None  # no entry: reading the layer refuses the file, naming it
            with open(path, "rb") as stream:
                parts.append(stream.read(MAX_BYTES + 1))
    except OSError:
        return None
    return disk_cache.name(parts)


def render_phrase(
    phrase: Phrase,
    context: Mapping[str, Any],
    where: str,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """Render with errors that say which template failed (``where``)."""
    try:
        return phrase.render(context, extra)
    except InputError:
        raise
    except Exception as exc:
        message = exc.message if isinstance(exc, TemplateError) else None
        raise PhrasebankError(
            f"{where}: {_shorten(message or f'{type(exc).__name__}: {exc}')}"
        ) from exc
