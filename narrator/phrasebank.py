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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from narrator.errors import InputError
from narrator.numbers import NumberFormatter
from narrator.rules import USER_REASON, RuleSet
from narrator.sandbox import Expression, Phrase, Sandbox

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
#: The profile used when neither the figures nor the caller names one.
DEFAULT_PROFILE = "zhejiang-2019"
#: Jinja2 globals no phrase needs, removed from the template environment (``namespace``
#: and ``dict`` stay: templates use ``namespace``). Overlays that name them are refused.
UNUSED_GLOBALS = ("cycler", "joiner", "lipsum", "range")


class PhrasebankError(InputError):
    """A phrasebank file is missing, malformed, or a template does not compile."""


class UnknownProfileError(PhrasebankError):
    """No layer defines the profile asked for."""


def builtin_dir() -> Path:
    """Where the built-in phrasebanks are: inside the wheel, or beside the source."""
    here = Path(__file__).resolve().parent
    shipped = here / "_phrasebanks"
    return shipped if shipped.is_dir() else here.parent / "phrasebanks"


# LibYAML's parser when PyYAML has it: phrasebanks load at every start.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise PhrasebankError(f"{path}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise PhrasebankError(f"{path}: cannot be read: {exc}") from exc


def _origin(path: Path) -> str:
    """A file's name as messages show it: built-in files relative to the phrasebanks."""
    try:
        return f"built-in {path.relative_to(builtin_dir())}"
    except ValueError:
        return str(path)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


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
OUTLINE_KEYS = frozenset({"heading", "paragraph", "table", "level", "when", "each", "as", "key"})
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


def _steps(outline: Sequence[Any], origin: Path) -> tuple[Step, ...]:
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
        steps.append(
            Step(
                kind=kind,
                source=source,
                key=str(entry.get("key", source)),
                level=int(entry.get("level", 1)),
                when=str(entry["when"]) if "when" in entry else None,
                each=str(entry["each"]) if "each" in entry else None,
                name=str(entry.get("as", "item")),
            )
        )
    return tuple(steps)


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


def _cleanup(text: str, joiner: str) -> str:
    # Templates are written across lines for legibility; the text is one line.
    return joiner.join(part for part in (line.strip() for line in text.splitlines()) if part)


class Language:
    """One language of a phrasebank: merged data and compiled templates."""

    def __init__(self, lang: str, data: Mapping[str, Any], origins: Mapping[str, str]) -> None:
        self.lang = lang
        self.text = flatten(data.get("text", {}))
        self.reasons = flatten(data.get("reasons", {}))
        self.terms: Mapping[str, Any] = data.get("terms", {})
        self.style: Mapping[str, Any] = data.get("style", {})
        catalog = data.get("catalog", {})
        self.names: Mapping[str, str] = catalog.get("names", {})
        self.catalog = catalog
        self.glossary_names: Mapping[str, str] = catalog.get("glossary_names", {})
        self.definitions: Mapping[str, str] = catalog.get("definitions", {})
        self.economic: Mapping[str, str] = data.get("economic", {}).get("names", {})
        #: Checker messages, labels and CLI words (``<lang>/diagnostics.yaml``).
        self.diagnostics: Mapping[str, Any] = data.get("diagnostics", {})
        #: Table titles, column and row labels (``<lang>/tables.yaml``).
        self.tables: Mapping[str, Any] = data.get("tables", {})
        self.origins = origins
        self.env = Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
        for name in UNUSED_GLOBALS:
            self.env.globals.pop(name, None)
        self._compiled: dict[str, Phrase] = {}
        self._conditions: dict[str, Expression] = {}
        self._formatters: dict[tuple[tuple[str, str], ...], NumberFormatter] = {}

    def formatter(self, options: Mapping[str, str]) -> NumberFormatter:
        """This language's number formatter for a set of style options (made once)."""
        key = tuple(sorted(options.items()))
        found = self._formatters.get(key)
        if found is None:
            found = self._formatters[key] = NumberFormatter(self.style, options)
        return found

    def condition(self, source: str) -> Expression:
        """An outline condition compiled once per language (the sandbox, StrictUndefined)."""
        compiled = self._conditions.get(source)
        if compiled is None:
            compiled = self._conditions[source] = Expression(self.env, source)
        return compiled

    def has(self, key: str) -> bool:
        return key in self.text

    def phrase(self, key: str, *, table: str = "text") -> Phrase:
        """The compiled template of a text (or reason) key."""
        cache_key = f"{table}:{key}"
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            source = (self.text if table == "text" else self.reasons).get(key)
            if source is None:
                where = self.origins.get(table, self.lang)
                raise PhrasebankError(f"{where}: no {table} key {key!r} for language {self.lang!r}")
            try:
                compiled = Phrase(self.env, _cleanup(source, str(self.style.get("line_join", ""))))
            except TemplateSyntaxError as exc:
                where = self.origins.get(table, self.lang)
                raise PhrasebankError(
                    f"{where}: {table} {key!r} line {exc.lineno}: {exc.message}"
                ) from exc
            self._compiled[cache_key] = compiled
        return compiled

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
        node: Any = self.terms
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise PhrasebankError(f"{self.lang}: no term {path!r}")
            node = node[part]
        return node


def _check_overlay(path: Path, name: str, data: Mapping[str, Any], base: Mapping[str, Any]) -> None:
    """An overlay overrides known keys with templates that compile; say where it does not."""
    known = flatten(base) if name != "terms" else _term_paths(base)
    given = flatten(data) if name != "terms" else _term_paths(data)
    lines = key_lines(path)
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for key, source in given.items():
        line = lines.get(key, 0)
        # New reason phrases are welcome (an overlay's own rules select them).
        if key not in known and name != "reasons":
            raise PhrasebankError(f"{path}:{line}: {key!r} is not a {name} key of the phrasebank")
        if name == "terms":
            continue
        try:
            env.parse(source)
        except TemplateSyntaxError as exc:
            raise PhrasebankError(
                f"{path}:{line}: template {key!r}: {exc.message} (template line {exc.lineno})"
            ) from exc


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
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise PhrasebankError(f"{path}: not valid YAML: {exc}") from exc
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = f"{prefix}{key.value}"
                lines[name] = key.start_mark.line + 1
                walk(value, name + ".")

    if root is not None:
        walk(root, "")
    return lines


#: Language files whose keys an overlay may only override, never invent.
CHECKED_FILES = ("text", "reasons", "terms")


class Phrasebank:
    """The merged layers for one profile: languages, rules, catalog and outline."""

    def __init__(
        self, layers: Sequence[Path], profile: Profile, checked_from: int | None = None
    ) -> None:
        self.layers = tuple(layers)
        self.profile = profile
        self._lang_data: dict[str, dict[str, Any]] = {lang: {} for lang in LANGUAGES}
        self._origins: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        self._catalog: dict[str, Any] = {}
        rules = RuleSet()
        for layer in self.layers:
            catalog_file = layer / "catalog.yaml"
            if catalog_file.is_file():
                self._catalog = _merge(self._catalog, _read_yaml(catalog_file) or {})
            rules_file = layer / "rules.yaml"
            if rules_file.is_file():
                data = _read_yaml(rules_file) or {}
                entries = data.get("rules", []) if isinstance(data, Mapping) else None
                if not isinstance(entries, list):
                    raise PhrasebankError(f"{rules_file}: expected a 'rules:' list")
                rules = rules.overlay(entries, _origin(rules_file))
            checked = checked_from is not None and self.layers.index(layer) >= checked_from
            for lang in LANGUAGES:
                for name in LANGUAGE_FILES:
                    path = layer / lang / f"{name}.yaml"
                    if path.is_file():
                        data = _read_yaml(path) or {}
                        if not isinstance(data, Mapping):
                            raise PhrasebankError(f"{path}: expected a mapping")
                        current = self._lang_data[lang].get(name, {})
                        if checked and name in CHECKED_FILES:
                            _check_overlay(path, name, data, current)
                        if checked:
                            # Untrusted layer: no template-injection or format-string payloads.
                            from narrator.translation import refuse_hazards

                            refuse_hazards(path, name, data)
                        self._lang_data[lang][name] = _merge(current, data)
                        self._origins[lang][name] = str(path)
        self.rules = rules
        self._languages: dict[str, Language] = {}
        for rule in rules:
            if rule.reason in (None, USER_REASON):
                continue
            for lang in LANGUAGES:
                if rule.reason not in flatten(self._lang_data[lang].get("reasons", {})):
                    raise PhrasebankError(
                        f"{rule.origin}: rule {rule.id!r} selects the reason phrase "
                        f"{rule.reason!r}, which {lang}/reasons.yaml does not have"
                    )

    def language(self, lang: str) -> Language:
        if lang not in LANGUAGES:
            raise PhrasebankError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        found = self._languages.get(lang)
        if found is None:
            found = Language(lang, self._lang_data[lang], self._origins[lang])
            self._languages[lang] = found
        return found

    @cached_property
    def class_lists(self) -> Mapping[str, Sequence[str]]:
        lists: Mapping[str, Sequence[str]] = self._catalog.get("lists", {})
        return lists

    @cached_property
    def codes(self) -> Mapping[str, Mapping[str, str]]:
        codes: Mapping[str, Mapping[str, str]] = self._catalog.get("codes", {})
        return codes

    def class_list(self, which: str) -> Sequence[str]:
        """The ordered 类 codes the profile lists for ``which`` (``general``/``fund``)."""
        name = self.profile.lists.get(which)
        if name is None:
            return ()
        if name not in self.class_lists:
            raise PhrasebankError(f"profile {self.profile.name!r}: unknown class list {name!r}")
        return self.class_lists[name]


# -- finding layers and profiles ----------------------------------------------


def _profile_files(layers: Iterable[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for layer in layers:
        folder = layer / "profiles"
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found[path.stem] = path
    return found


def available_profiles(extra: Sequence[str | Path] = ()) -> dict[str, Profile]:
    """Every profile the built-in and ``extra`` layers define, by name."""
    layers = [builtin_dir(), *(Path(p) for p in extra)]
    return {name: _read_profile(name, path) for name, path in _profile_files(layers).items()}


def _read_profile(name: str, path: Path) -> Profile:
    data = _read_yaml(path) or {}
    if not isinstance(data, Mapping):
        raise PhrasebankError(f"{path}: expected a mapping")
    outline = data.get("outline")
    if not isinstance(outline, list):
        raise PhrasebankError(f"{path}: expected an 'outline:' list")
    return Profile(
        name=name,
        description=str(data.get("description", "")).strip(),
        outline=tuple(outline),
        style={str(k): str(v) for k, v in (data.get("style") or {}).items()},
        lists={str(k): str(v) for k, v in (data.get("lists") or {}).items()},
        origin=path,
        prescribes={str(k): str(v) for k, v in (data.get("prescribes") or {}).items()},
        edition=str(data["edition"]) if data.get("edition") else None,
        steps=_steps(outline, path),
    )


_CACHE: dict[tuple[str, tuple[str, ...]], Phrasebank] = {}


def load_phrasebank(profile: str | None = None, extra: Sequence[str | Path] = ()) -> Phrasebank:
    """The phrasebank for ``profile`` with ``extra`` layers on top (cached)."""
    name = profile or DEFAULT_PROFILE
    extra_layers = tuple(str(Path(p).resolve()) for p in extra)
    key = (name, extra_layers)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    for layer in extra_layers:
        if not Path(layer).is_dir():
            raise PhrasebankError(f"phrasebank layer {layer!r} is not a directory")
    base = builtin_dir()
    profiles = _profile_files([base, *(Path(p) for p in extra_layers)])
    if name not in profiles:
        known = ", ".join(sorted(profiles))
        raise UnknownProfileError(f"unknown profile {name!r} (known: {known})")
    path = profiles[name]
    prof = _read_profile(name, path)
    own = (_read_yaml(path) or {}).get("layers", [])
    profile_layers = [path.parent / str(layer) for layer in own]
    for own_layer in profile_layers:
        if not own_layer.is_dir():
            raise PhrasebankError(f"{path}: layer {str(own_layer)!r} is not a directory")
    layers = [base, *profile_layers, *(Path(p) for p in extra_layers)]
    bank = Phrasebank(layers, prof, checked_from=len(layers) - len(extra_layers))
    _CACHE[key] = bank
    return bank


def render_phrase(
    phrase: Phrase,
    context: Mapping[str, Any],
    where: str,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """Render with errors that say which template failed.

    ``context`` is shared, not copied: rendering is the hot path, so the caller puts the
    environment's globals into it once, and ``extra`` variables go into the render's own
    scope over it.
    """
    try:
        return phrase.render(context, extra)
    except TemplateError as exc:
        raise PhrasebankError(f"{where}: {exc}") from exc
