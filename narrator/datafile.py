"""The one reader of YAML and JSON data files: plain data, every number exact or refused.

Figures files, phrasebank layers, rule, profile and translation files all come from many
hands, so every one of them is read here, the same way:

* Only a regular file is read (a FIFO is never opened, a device never read), at most
  :data:`MAX_BYTES`; UTF-8 with or without a byte-order mark.
* YAML scalars are resolved as YAML 1.2 does for ``true``/``false`` and ``null``, and
  stricter for numbers: a plain scalar is a number only when it is a plain decimal
  (``-12``, ``214.96``, ``1.5E+2``; no leading zero, no ``.5`` or ``5.``). Every other
  form YAML 1.1 made a number, ``0512`` (octal), ``0x1F``, ``0b101``, ``1:30``
  (sexagesimal), ``1_000``, ``95,00``, ``.inf``, and ``yes``/``no``/``on``/``off``,
  stays the text it is, for the consumer to accept as text or refuse as a number.
  Whole numbers become ``int``, others the :class:`~decimal.Decimal` of their own
  text; ``-0`` becomes ``Decimal("-0")`` so that a consumer can see the sign.
* Refused, naming the line: duplicate keys (both lines), anchors, aliases and merge keys
  (``<<``), tags other than ``!!str``/``!!map``/``!!seq``, more than one document,
  nesting deeper than :data:`MAX_DEPTH`, numbers longer than :data:`MAX_NUMBER_CHARS`,
  and control, bidi or zero-width characters in keys. JSON likewise, and ``NaN`` or
  ``Infinity``.

Every refusal is a :class:`DataFileError`: one short message naming the file and the
line, quoting at most :data:`EXCERPT_CHARS` characters of it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from narrator.errors import InputError

#: json's own string scanner (C when available): escapes and strictness as json.loads.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

#: The largest data file read (bytes). Figures files are tens of kilobytes.
MAX_BYTES = 4 * 1024 * 1024
#: The deepest nesting of mappings and lists (figures files need 6).
MAX_DEPTH = 64
#: The longest number, in characters: no figure needs more, and ``int()`` of a
#: 5,000-digit text is refused by Python itself.
MAX_NUMBER_CHARS = 100
#: How much of the offending line a message quotes.
EXCERPT_CHARS = 80
#: The longest message a :class:`DataFileError` carries (besides the file's name).
MAX_MESSAGE_CHARS = 300

#: A plain decimal: optional sign, no leading zero, optional fraction and exponent.
#: ASCII digits only (``\d`` would take "１２" and "١٢").
PLAIN_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
#: Explicit tags that change nothing: the text stays text, a mapping a mapping.
_PLAIN_TAGS = frozenset(
    {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
)

#: Characters no free text may carry: C0 controls but tab and newline, DEL, C1 controls,
#: bidi marks, embeddings, overrides and isolates, zero-width characters, line and
#: paragraph separators, lone surrogates and the non-characters U+FFFE, U+FFFF. They
#: hide or reorder what a reader sees, or are not allowed in the XML of a Word file.
_UNSAFE_CLASS = (
    r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069"
    r"\ufeff\ufffe\uffff"
)
_UNSAFE = re.compile(rf"[{_UNSAFE_CLASS}\ud800-\udfff]")
#: Text without those characters, as a pattern both Python's ``re`` and Rust's regex
#: read (pydantic checks it in Rust; lone surrogates never reach it as text).
SAFE_TEXT_PATTERN = rf"^[^{_UNSAFE_CLASS}]*$"
_CONTROL_NAMES = {"\x0b": "LINE TABULATION", "\x0c": "FORM FEED", "\r": "CARRIAGE RETURN"}


def visible(text: str) -> str:
    r"""``text`` with every character :func:`unsafe_character` names written as an escape.

    >>> print(visible("备注\u202e"))
    备注\u202e
    """
    return _UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def unsafe_character(text: str) -> str | None:
    """The first character free text must not carry, described, or None.

    >>> unsafe_character("诸暨市\u202e中心")
    'U+202E RIGHT-TO-LEFT OVERRIDE'
    >>> unsafe_character("a\\x01"), unsafe_character("line\\none\\ttab")
    ('U+0001 (a control character)', None)
    """
    found = _UNSAFE.search(text)
    if found is None:
        return None
    char = found.group()
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    if not name:
        name = "(a lone surrogate)" if "\ud800" <= char <= "\udfff" else "(a control character)"
    return f"U+{ord(char):04X} {name}"


class DataFileError(InputError):
    """A data file cannot be read: ``source``, 1-based ``line`` and ``column`` (or None),
    ``message`` (which says where), and the dotted ``path`` of the key, when known."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        self.source = source
        self.message = _clip(message, MAX_MESSAGE_CHARS)
        self.line = line
        self.column = column
        self.path = path
        super().__init__(f"{source}: {self.message}")


@dataclass(frozen=True)
class DataFile:
    """A parsed data file: its data, and the 1-based line of every key by dotted path.

    Paths are as messages name fields: ``income.total``, ``classes[0].amount``.
    """

    source: str
    data: Any
    lines: Mapping[str, int] = field(default_factory=dict)


# -- reading a file ---------------------------------------------------------------------


def read_data(path: str | Path, *, max_bytes: int = MAX_BYTES, scalar_aliases: bool = False) -> Any:
    """The data of a YAML or JSON file (JSON when the name ends in ``.json``).

    Raises :class:`DataFileError` for a file that is missing, not a regular file,
    unreadable, too large, not UTF-8, not valid, or holds something refused.
    ``scalar_aliases`` lets a YAML file name a text (``&name``) and repeat it
    (``*name``); an anchor on a mapping or list, the stuff of alias bombs, stays refused.
    """
    return read_data_file(path, max_bytes=max_bytes, scalar_aliases=scalar_aliases).data


def read_data_file(
    path: str | Path, *, max_bytes: int = MAX_BYTES, scalar_aliases: bool = False
) -> DataFile:
    """Like :func:`read_data`, with the line of every key."""
    source = str(path)
    raw = _read_bytes(source, max_bytes)
    return parse_data_file(
        raw,
        source=source,
        suffix=Path(source).suffix,
        max_bytes=max_bytes,
        scalar_aliases=scalar_aliases,
    )


def require_regular_file(path: str | Path) -> os.stat_result:
    """Refuse, without opening it, a path that is not a regular file (or a link to one).

    Opening a FIFO for reading blocks until a writer comes, so every reader of inputs
    stats first; the message is the same whoever asks.
    """
    source = str(path)
    try:
        info = os.stat(source)
    except OSError as exc:
        raise DataFileError(source, f"cannot be read: {_os_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataFileError(source, f"cannot be read: {_kind(info.st_mode)}, not a regular file")
    return info


def present(path: str | Path) -> bool:
    """Whether an optional data file is there to be read: False when nothing is at
    ``path``, True for a regular file (or a link to one). Anything else there is refused,
    never skipped: a FIFO or a folder in a file's place would otherwise leave that file's
    content silently out."""
    source = str(path)
    try:
        info = os.stat(source)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise DataFileError(source, f"cannot be read: {_os_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataFileError(source, f"cannot be read: {_kind(info.st_mode)}, not a regular file")
    return True


def _read_bytes(source: str, max_bytes: int) -> bytes:
    info = require_regular_file(source)
    _check_size(source, info.st_size, max_bytes)
    # O_NONBLOCK in case the path was swapped for a FIFO since the stat.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(source, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DataFileError(source, f"cannot be read: {_os_reason(exc)}") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise DataFileError(source, "cannot be read: not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(handle, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise DataFileError(source, f"cannot be read: {_os_reason(exc)}") from None
    finally:
        os.close(handle)
    _check_size(source, size, max_bytes)
    return b"".join(chunks)


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((f"it is {name}" for test, name in kinds if test(mode)), "it is special")


def _check_size(source: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DataFileError(
            source, f"is too large: more than the {max_bytes:,} bytes a data file may have"
        )


# -- parsing text -----------------------------------------------------------------------


def parse_data(
    text: str | bytes,
    *,
    source: str = "<text>",
    suffix: str = ".yaml",
    max_bytes: int = MAX_BYTES,
    scalar_aliases: bool = False,
) -> Any:
    """The data of YAML (or, with ``suffix=".json"``, JSON) text; see :func:`read_data`.

    >>> parse_data("total: 76.30\\ncount: 3\\nphone: 0512\\npilot: yes\\nok: true")
    {'total': Decimal('76.30'), 'count': 3, 'phone': '0512', 'pilot': 'yes', 'ok': True}
    >>> parse_data('{"total": 214.96, "n": -0}', suffix=".json")
    {'total': Decimal('214.96'), 'n': Decimal('-0')}
    """
    return parse_data_file(
        text, source=source, suffix=suffix, max_bytes=max_bytes, scalar_aliases=scalar_aliases
    ).data


def parse_data_file(
    text: str | bytes,
    *,
    source: str = "<text>",
    suffix: str = ".yaml",
    max_bytes: int = MAX_BYTES,
    scalar_aliases: bool = False,
) -> DataFile:
    """Like :func:`parse_data`, with the line of every key."""
    if isinstance(text, bytes):
        _check_size(source, len(text), max_bytes)
        text = _decode(text, source)
    else:
        _check_size(source, len(text), max_bytes)  # characters: at most the bytes
        text = text.removeprefix("\ufeff")
    if suffix.lower() == ".json":
        return _JsonReader(text, source).read()
    return _YamlReader(text, source, scalar_aliases).read()


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(
            source,
            f"is not UTF-8 text: byte 0x{raw[exc.start]:02X} at line {line}, byte {column} "
            "cannot be decoded (save the file as UTF-8)",
            line=line,
            column=column,
        ) from None


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: mappings merge key by key, anything else replaces.

    >>> merge({"a": {"x": 1, "y": 2}, "b": 1}, {"a": {"y": 3}, "b": [2]})
    {'a': {'x': 1, 'y': 3}, 'b': [2]}
    """
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def number(text: str) -> int | Decimal | None:
    """The number a plain-decimal text is, or None if it is not one (or is longer than
    :data:`MAX_NUMBER_CHARS`: callers refuse those with their own message).

    Raises ValueError for an exponent beyond what a Decimal can hold (``0E+10**20``).

    >>> number("214.96"), number("-0"), number("1.5E+2"), number("0512"), number("1,234")
    (Decimal('214.96'), Decimal('-0'), Decimal('1.5E+2'), None, None)
    """
    found = PLAIN_DECIMAL.fullmatch(text) if len(text) <= MAX_NUMBER_CHARS else None
    if found is None:
        return None
    if found.group(1) is None and found.group(2) is None:
        value = int(text)
        # int has no negative zero: keep the sign for the consumer to refuse.
        return Decimal(text) if value == 0 and text.startswith("-") else value
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("a number whose exponent is beyond any range") from None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(line_text: str, column: int | None = None) -> str:
    """At most :data:`EXCERPT_CHARS` characters of a line, around ``column`` (1-based),
    as a quoted literal (control characters escaped).

    >>> excerpt("  total: 1")
    "'total: 1'"
    >>> len(excerpt("x" * 10_000, 5_000)) <= EXCERPT_CHARS + 4
    True
    """
    text = line_text.strip()
    if len(text) > EXCERPT_CHARS:
        offset = len(line_text) - len(line_text.lstrip())
        middle = max(0, (column or 1) - 1 - offset)
        start = min(max(0, middle - EXCERPT_CHARS // 2), len(text) - EXCERPT_CHARS)
        end = start + EXCERPT_CHARS
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return repr(text)


def _line_text(text: str, line: int) -> str:
    """The 1-based ``line`` of ``text`` without reading more than it."""
    start = 0
    for _ in range(line - 1):
        found = text.find("\n", start)
        if found < 0:
            return ""
        start = found + 1
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show_key(key: str) -> str:
    return repr(_clip(key, 40))


# -- YAML -------------------------------------------------------------------------------


#: LibYAML's parser when PyYAML has it (its wheels do): several times faster than the
#: pure-Python one. Only its events are used; values are made here.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NO_KEY = object()


class _Frame:
    """A mapping or list being filled: its path, the key awaiting its value, and the
    line of each key given so far (to name both lines of a duplicate)."""

    __slots__ = ("container", "key", "keys", "path")

    def __init__(self, container: dict[Any, Any] | list[Any], path: str) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NO_KEY
        self.keys: dict[Any, int] = {}


class _YamlReader:
    def __init__(self, text: str, source: str, scalar_aliases: bool) -> None:
        self.text = text
        self.source = source
        self.lines: dict[str, int] = {}
        self.scalar_aliases = scalar_aliases
        self.anchors: dict[str, Any] = {}

    def fail(self, message: str, mark: Any, path: str | None = None) -> DataFileError:
        line, column = mark.line + 1, mark.column + 1
        near = excerpt(_line_text(self.text, line), column)
        return DataFileError(
            self.source,
            f"line {line}, column {column}: {message} (near {near})",
            line=line,
            column=column,
            path=path,
        )

    def read(self) -> DataFile:
        try:
            loader = _Loader(self.text)
            try:
                data = self._walk(loader)
            finally:
                loader.dispose()
        except UnicodeEncodeError as exc:  # LibYAML takes UTF-8: a lone surrogate
            line = self.text.count("\n", 0, exc.start) + 1
            raise DataFileError(
                self.source, f"line {line}: contains a lone surrogate (not Unicode text)", line=line
            ) from None
        except yaml.YAMLError as exc:
            raise self._syntax(exc) from None
        return DataFile(self.source, data, self.lines)

    def _walk(self, loader: yaml.SafeLoader) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        next_event: Callable[[], Any] = loader.get_event
        while True:
            event = next_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._check_node(event, stack)
                value = self._resolve(event, stack) if event.implicit[0] else event.value
                if event.anchor is not None:
                    self.anchors[event.anchor] = value
                if stack:
                    self._add(stack[-1], value, event)
                else:
                    root = value
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._check_node(event, stack)
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
                container: dict[Any, Any] | list[Any] = {} if kind is yaml.MappingStartEvent else []
                if stack:
                    parent = stack[-1]
                    path = self._value_path(parent, event)
                    self._add(parent, container, event)
                else:
                    path, root = "", container
                stack.append(_Frame(container, path))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.AliasEvent:
                if event.anchor not in self.anchors:
                    name = _clip(str(event.anchor), 40)
                    raise self.fail(
                        f"the alias *{name} names no text anchored before it"
                        if self.scalar_aliases
                        else f"an alias (*{name}) is not allowed: write the value out",
                        event.start_mark,
                    )
                if stack:
                    self._check_node(event, stack)
                    self._add(stack[-1], self.anchors[event.anchor], event)
                else:
                    root = self.anchors[event.anchor]
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.fail("a second document ('---') is not allowed", event.start_mark)
            elif kind is yaml.StreamEndEvent:
                return root

    def _check_node(self, event: Any, stack: list[_Frame]) -> None:
        if type(event) is yaml.AliasEvent:
            return
        if event.anchor is not None and (
            not self.scalar_aliases or type(event) is not yaml.ScalarEvent
        ):
            name = _clip(str(event.anchor), 40)
            raise self.fail(
                f"an anchor on a mapping or list (&{name}) is not allowed"
                if self.scalar_aliases
                else f"an anchor (&{name}) is not allowed: anchors and aliases are not supported",
                event.start_mark,
            )
        if event.tag not in _PLAIN_TAGS:
            raise self.fail(
                f"the tag {_clip(str(event.tag), 60)!r} is not allowed", event.start_mark
            )
        expects_key = bool(stack) and isinstance(stack[-1].container, dict)
        if expects_key and stack[-1].key is _NO_KEY and type(event) is not yaml.ScalarEvent:
            raise self.fail("a mapping key must be a plain text or number", event.start_mark)

    def _resolve(self, event: Any, stack: list[_Frame]) -> Any:
        text: str = event.value
        if text in _NULLS:
            return None
        if text in _BOOLS:
            return _BOOLS[text]
        if len(text) > MAX_NUMBER_CHARS:
            if PLAIN_DECIMAL.fullmatch(text):  # refused here: int() would refuse 5,000 digits
                path = self._value_path(stack[-1], event) if stack else ""
                raise self.fail(
                    f"a number longer than {MAX_NUMBER_CHARS} characters", event.start_mark, path
                )
            return text
        try:
            found = number(text)
        except ValueError as exc:
            path = self._value_path(stack[-1], event) if stack else ""
            raise self.fail(str(exc), event.start_mark, path) from None
        return text if found is None else found

    def _value_path(self, frame: _Frame, event: Any) -> str:
        if isinstance(frame.container, list):
            return f"{frame.path}[{len(frame.container)}]"
        if frame.key is _NO_KEY:
            return frame.path
        return _join(frame.path, _key_text(frame.key))

    def _add(self, frame: _Frame, value: Any, event: Any) -> None:
        container = frame.container
        if isinstance(container, list):
            container.append(value)
            return
        if frame.key is not _NO_KEY:
            container[frame.key] = value
            frame.key = _NO_KEY
            return
        # A key.
        line = event.start_mark.line + 1
        if value == "<<" and type(event) is yaml.ScalarEvent and event.implicit[0]:
            raise self.fail("a merge key (<<) is not allowed", event.start_mark)
        if isinstance(value, str):
            bad = unsafe_character(value)
            if bad is not None:
                raise self.fail(f"the key {_show_key(value)} contains {bad}", event.start_mark)
        if value in frame.keys:
            raise self.fail(
                f"duplicate key {_show_key(_key_text(value))}, first at line {frame.keys[value]}",
                event.start_mark,
                _join(frame.path, _key_text(value)),
            )
        frame.keys[value] = line
        frame.key = value
        self.lines[_join(frame.path, _key_text(value))] = line

    def _syntax(self, exc: yaml.YAMLError) -> DataFileError:
        """Where and what the YAML problem is, whichever parser found it."""
        if isinstance(exc, yaml.reader.ReaderError):
            # An offset: LibYAML's in the UTF-8 bytes, the pure-Python reader's in characters.
            position = exc.position
            if _Loader is not yaml.SafeLoader:
                encoded = self.text.encode("utf-8", "surrogatepass")[:position]
                position = len(encoded.decode("utf-8", "ignore"))
            before = self.text[:position]
            line = before.count("\n") + 1
            column = position - (before.rfind("\n") + 1) + 1
            what = exc.reason
            if isinstance(exc.character, int):
                what += f" (U+{exc.character:04X})"
            return DataFileError(
                self.source,
                f"not valid YAML at line {line}, column {column}: {what}",
                line=line,
                column=column,
            )
        parts = [getattr(exc, name, None) for name in ("context", "problem")]
        what = "; ".join(str(part) for part in parts if part) or type(exc).__name__
        what = _clip(what, 120)
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            return DataFileError(self.source, f"not valid YAML: {what}")
        # The parser may stop past the end (an unclosed bracket): quote the last line with text.
        line, column = mark.line + 1, mark.column + 1
        index = line
        near = _line_text(self.text, index)
        while index > 1 and not near.strip():
            index -= 1
            near = _line_text(self.text, index)
        return DataFileError(
            self.source,
            f"not valid YAML at line {line}, column {column}: {what} "
            f"(near {excerpt(near, column if index == line else None)})",
            line=line,
            column=column,
        )


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


# -- JSON -------------------------------------------------------------------------------


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_WORDS = (("true", True), ("false", False), ("null", None))


class _JsonReader:
    """A small JSON reader that knows where it is (json.loads does not say where a
    duplicate key is, and recurses without a depth limit)."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.lines: dict[str, int] = {}
        self._at = (0, 1)  # (offset, line) of the last position asked for: offsets grow

    def line_of(self, pos: int) -> int:
        last, line = self._at
        if pos < last:
            last, line = 0, 1
        line += self.text.count("\n", last, pos)
        self._at = (pos, line)
        return line

    def fail(
        self, message: str, pos: int, path: str | None = None, *, syntax: bool = True
    ) -> DataFileError:
        line = self.line_of(pos)
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        near = excerpt(_line_text(self.text, line), column)
        return DataFileError(
            self.source,
            f"not valid JSON at line {line}, column {column}: {message} (near {near})"
            if syntax
            else f"line {line}, column {column}: {message} (near {near})",
            line=line,
            column=column,
            path=path,
        )

    def read(self) -> DataFile:
        pos = _JSON_SPACE.match(self.text).end()  # type: ignore[union-attr]
        value, pos = self.value(pos, 0, "")
        pos = _JSON_SPACE.match(self.text, pos).end()  # type: ignore[union-attr]
        if pos != len(self.text):
            raise self.fail("extra data after the value", pos)
        return DataFile(self.source, value, self.lines)

    def value(self, pos: int, depth: int, path: str) -> tuple[Any, int]:
        text = self.text
        char = text[pos : pos + 1]
        if char == '"':
            return self.string(pos)
        if char == "{" or char == "[":
            if depth >= MAX_DEPTH:
                raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", pos, syntax=False)
            if char == "{":
                return self.object(pos + 1, depth + 1, path)
            return self.array(pos + 1, depth + 1, path)
        found = _JSON_NUMBER.match(text, pos)
        if found is not None:
            written = found.group()
            if len(written) > MAX_NUMBER_CHARS:
                raise self.fail(
                    f"a number longer than {MAX_NUMBER_CHARS} characters", pos, path, syntax=False
                )
            try:
                value = number(written)
            except ValueError as exc:
                raise self.fail(str(exc), pos, path, syntax=False) from None
            if value is None:  # not reached: JSON's grammar is the plain decimal's without "+"
                raise self.fail("not a number", pos, path)
            return value, found.end()
        for word, meaning in _JSON_WORDS:
            if text.startswith(word, pos):
                return meaning, pos + len(word)
        for word in ("NaN", "Infinity", "-Infinity"):
            if text.startswith(word, pos):
                raise self.fail(
                    f"{word} is not a number a data file may hold", pos, path, syntax=False
                )
        raise self.fail("expected a value", pos, path)

    def string(self, pos: int) -> tuple[str, int]:
        try:
            return _scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg.lower(), exc.pos) from None

    def object(self, pos: int, depth: int, path: str) -> tuple[dict[str, Any], int]:
        text = self.text
        result: dict[str, Any] = {}
        keys: dict[str, int] = {}
        pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("}", pos):
            return result, pos + 1
        while True:
            if not text.startswith('"', pos):
                raise self.fail("expected a key in double quotes", pos)
            start = pos
            key, pos = self.string(pos)
            line = self.line_of(start)
            bad = unsafe_character(key)
            if bad is not None:
                raise self.fail(f"the key {_show_key(key)} contains {bad}", start, syntax=False)
            full = _join(path, key)
            if key in keys:
                raise self.fail(
                    f"duplicate key {_show_key(key)}, first at line {keys[key]}",
                    start,
                    full,
                    syntax=False,
                )
            keys[key] = line
            self.lines[full] = line
            pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if not text.startswith(":", pos):
                raise self.fail("expected ':'", pos)
            pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            result[key], pos = self.value(pos, depth, full)
            pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text.startswith("}", pos):
                return result, pos + 1
            if not text.startswith(",", pos):
                raise self.fail("expected ',' or '}'", pos)
            pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]

    def array(self, pos: int, depth: int, path: str) -> tuple[list[Any], int]:
        text = self.text
        result: list[Any] = []
        pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("]", pos):
            return result, pos + 1
        while True:
            item, pos = self.value(pos, depth, f"{path}[{len(result)}]")
            result.append(item)
            pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text.startswith("]", pos):
                return result, pos + 1
            if not text.startswith(",", pos):
                raise self.fail("expected ',' or ']'", pos)
            pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


__all__ = [
    "EXCERPT_CHARS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NUMBER_CHARS",
    "PLAIN_DECIMAL",
    "SAFE_TEXT_PATTERN",
    "DataFile",
    "DataFileError",
    "excerpt",
    "merge",
    "number",
    "parse_data",
    "parse_data_file",
    "present",
    "read_data",
    "read_data_file",
    "require_regular_file",
    "unsafe_character",
    "visible",
]
