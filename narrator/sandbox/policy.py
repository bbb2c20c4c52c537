"""What a phrasebank template, a condition or a format pattern may do: the one policy.

Phrasebank layers, rule files, profiles and PO files come from many hands, so narrator
treats every template as untrusted, its own included. This module says what they may do;
:mod:`narrator.sandbox.environment` enforces it while they run, and the same function
(:func:`refusals`) decides at compile time for rendering and for ``phrasebank check``.

A template may

* print text and read data: the fields of the value types narrator :func:`expose`\\ s,
  items of mappings and sequences, and ``loop``'s counters; never a method, a class, a
  module, or a name that starts with ``_``;
* call narrator's own helpers (:func:`trust`) and ``namespace()``, by name; nothing else;
* use ``if``, ``for`` (not ``recursive``), ``set`` and the filters in :data:`FILTERS`;
  no macros, call blocks, imports, includes or other statements;
* do arithmetic and build text and lists, up to :data:`MAX_TEXT` characters,
  :data:`MAX_ITEMS` items, :data:`MAX_INT_BITS`-bit integers and exponents up to
  :data:`MAX_EXPONENT`; ``%`` never formats a string;
* take at most :data:`MAX_STEPS` steps (loop iterations, helper calls, nested phrases)
  and nest phrases :data:`MAX_DEPTH` deep per block it renders.

A format pattern (``{value}万元`` in a style file, ``{n}.`` in numbering) may only name
the fields it is given, with no conversion and no format spec.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import string
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext, Undefined
from jinja2.utils import Namespace

#: Longest text any operation, helper or block may produce (characters).
MAX_TEXT = 100_000
#: Longest list or tuple an operation may build.
MAX_ITEMS = 10_000
#: Largest integer (in bits) arithmetic may produce.
MAX_INT_BITS = 4096
#: Largest exponent of ``**``.
MAX_EXPONENT = 100
#: Loop iterations, helper calls and nested phrase renders one block may take.
MAX_STEPS = 50_000
#: How deep phrases may render phrases (``phrase('…')`` inside a phrase).
MAX_DEPTH = 16

#: Filters a template or condition may use; every other filter is refused at compile time.
FILTERS = frozenset(
    {"abs", "default", "first", "int", "join", "last", "length", "lower", "trim", "upper"}
)
#: Statements a template may use.
STATEMENTS: tuple[type[nodes.Stmt], ...] = (
    nodes.Output,
    nodes.If,
    nodes.For,
    nodes.Assign,
    nodes.AssignBlock,
)
#: Names Jinja gives a meaning of its own (template references, macro internals).
SPECIAL_NAMES = frozenset({"self", "caller", "varargs", "kwargs"})
#: Attributes of ``loop`` a template may read (its methods ``cycle`` and ``changed`` are not).
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
    | {"previtem", "nextitem"}
)

#: The exposed value types and the attributes templates may read on each (read it, never
#: change it: expose() does).
EXPOSED: dict[type, frozenset[str]] = {}
_TRUSTED: set[Callable[..., Any]] = set()
_CODE = (
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    types.BuiltinMethodType,
    types.ModuleType,
    types.CodeType,
    types.FrameType,
    types.GeneratorType,
    type,
)


# -- what templates may read ----------------------------------------------------------


def expose(*kinds: type) -> None:
    """Let templates read the data fields (and public properties) of these value types.

    A pydantic model exposes its model fields, a dataclass its fields; both also the
    public properties their own classes define. Nothing their framework adds (parsing,
    copying, serialising) is ever exposed.
    """
    for kind in kinds:
        EXPOSED[kind] = frozenset(_data_names(kind))


def _data_names(kind: type) -> set[str]:
    names: set[str] = set()
    model_fields = getattr(kind, "__pydantic_fields__", None)
    if isinstance(model_fields, Mapping):
        names.update(str(name) for name in model_fields)
    elif dataclasses.is_dataclass(kind):
        names.update(field.name for field in dataclasses.fields(kind))
    for cls in kind.__mro__:
        if cls is object or cls.__module__.split(".")[0] == "pydantic":
            continue
        for name, member in vars(cls).items():
            if isinstance(member, property) and not name.startswith("_"):
                names.add(name)
    return {name for name in names if not name.startswith("_")}


def exposed_names(kind: type) -> frozenset[str]:
    """The attributes templates may read on ``kind`` (empty if it is not exposed)."""
    return EXPOSED.get(kind, frozenset())


def is_code(value: Any) -> bool:
    """Whether a value is something to run or to build from, rather than data."""
    return isinstance(value, _CODE) or (callable(value) and not isinstance(value, Undefined))


def attribute_allowed(obj: Any, attribute: str, value: Any) -> bool:
    """Whether a template may read ``obj.attribute`` (whose value is ``value``)."""
    if attribute[:1] == "_" or is_code(value):
        return False
    kind = type(obj)
    names = EXPOSED.get(kind)
    if names is not None:
        return attribute in names
    if kind is Namespace:
        return True
    if isinstance(obj, LoopContext):
        return attribute in LOOP_ATTRIBUTES
    return False


# -- what templates may call ------------------------------------------------------------


def trust(*functions: Callable[..., Any]) -> None:
    """Register narrator's own template helpers (plain functions or methods' functions)."""
    _TRUSTED.update(getattr(function, "__func__", function) for function in functions)


def trusted(function: Any) -> bool:
    """Whether ``function`` is one of narrator's helpers (a bound method counts by its function)."""
    target = function.__func__ if type(function) is types.MethodType else function
    return type(target) is types.FunctionType and target in _TRUSTED


def callable_allowed(obj: Any) -> bool:
    """Whether a template may call ``obj``: a helper, or ``namespace()``."""
    return trusted(obj) or obj is Namespace


# -- what templates may say, decided before they run -----------------------------------


def refusals(tree: nodes.Node, *, calls: bool = True) -> list[str]:
    """What a parsed template or condition uses that the policy refuses, in words.

    ``calls=False`` is the policy for rule conditions, which read figures and call
    nothing. Rendering refuses a template with any refusal, and ``phrasebank check``
    reports exactly these.

    >>> from jinja2 import Environment
    >>> env = Environment()
    >>> refusals(env.parse("{{ f.parse_raw(x) }}{% macro m() %}{% endmacro %}"))
    ['a method call (parse_raw)', 'the statement macro']
    >>> refusals(env.parse("{{ amount(d.total) }}{% for x in xs %}{{ x }}{% endfor %}"))
    []
    """
    found: list[str] = []
    for node in tree.find_all(nodes.Node):
        problem = _refusal(node, calls)
        if problem is not None and problem not in found:
            found.append(problem)
    return found


def _refusal(node: nodes.Node, calls: bool) -> str | None:
    if isinstance(node, nodes.Stmt) and not isinstance(node, STATEMENTS):
        return f"the statement {_statement_name(node)}"
    if isinstance(node, nodes.For) and node.recursive:
        return "a recursive loop"
    if isinstance(node, nodes.Name) and (node.name[:1] == "_" or node.name in SPECIAL_NAMES):
        return f"the name {node.name!r}"
    if isinstance(node, nodes.Getattr) and node.attr[:1] == "_":
        return f"the private attribute {node.attr!r}"
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and str(node.arg.value)[:1] == "_"
    ):
        return f"the private item {node.arg.value!r}"
    if isinstance(node, nodes.Call):
        if not calls:
            return "a function or method call"
        if not isinstance(node.node, nodes.Name):
            named = f" ({node.node.attr})" if isinstance(node.node, nodes.Getattr) else ""
            return f"a method call{named}"
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            return "a call with *args or **kwargs"
    if isinstance(node, nodes.Call | nodes.Filter | nodes.Test):
        keys = [str(keyword.key) for keyword in cast(list[nodes.Keyword], node.kwargs)]
        private = next((key for key in keys if key[:1] == "_"), None)
        if private is not None:
            return f"the keyword argument {private!r}"
        if len(set(keys)) != len(keys):
            return "a keyword argument given twice"
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return f"the filter {node.name!r}"
    if (
        isinstance(node, nodes.Mod)
        and isinstance(node.left, nodes.Const)
        and isinstance(node.left.value, str)
    ):
        return "%-formatting of a string"
    if isinstance(node, nodes.Pow) and isinstance(node.right, nodes.Const):
        exponent = node.right.value
        if isinstance(exponent, int | float) and abs(exponent) > MAX_EXPONENT:
            return f"an exponent above {MAX_EXPONENT}"
    return None


def _statement_name(node: nodes.Node) -> str:
    names = {
        nodes.Macro: "macro",
        nodes.CallBlock: "call",
        nodes.FilterBlock: "filter",
        nodes.Import: "import",
        nodes.FromImport: "from … import",
        nodes.Include: "include",
        nodes.Extends: "extends",
        nodes.Block: "block",
        nodes.With: "with",
    }
    for kind, name in names.items():
        if isinstance(node, kind):
            return name
    return type(node).__name__.lower()


# -- bounded work -------------------------------------------------------------------------


def check_text(text: str, what: str = "a text") -> str:
    """``text``, or a SecurityError when it is longer than :data:`MAX_TEXT`."""
    if len(text) > MAX_TEXT:
        raise SecurityError(f"{what} longer than {MAX_TEXT} characters is refused")
    return text


def _size(value: Any) -> int | None:
    if isinstance(value, str | list | tuple):
        return len(value)
    return None


def _bits(value: Any) -> int:
    return value.bit_length() if isinstance(value, int) else 0


def _limit(value: Any) -> int:
    return MAX_TEXT if isinstance(value, str) else MAX_ITEMS


def bounded_binop(symbol: str, left: Any, right: Any) -> Any:
    """``left <symbol> right`` as Python computes it, refusing results beyond the limits."""
    if symbol == "%" and isinstance(left, str):
        raise SecurityError("%-formatting of a string is refused")
    if symbol == "*":
        for sequence, times in ((left, right), (right, left)):
            size, limit = _size(sequence), _limit(sequence)
            if size is not None and isinstance(times, int) and size * times > limit:
                raise SecurityError(f"repeating a text or list beyond {limit} is refused")
        if _bits(left) + _bits(right) > MAX_INT_BITS:
            raise SecurityError(f"an integer above {MAX_INT_BITS} bits is refused")
    elif symbol == "+":
        left_size, right_size = _size(left), _size(right)
        joined = (left_size or 0) + (right_size or 0)
        if left_size is not None and right_size is not None and joined > _limit(left):
            raise SecurityError(f"joining a text or list beyond {_limit(left)} is refused")
    elif symbol == "**":
        try:
            exponent = abs(right)
        except TypeError:
            raise SecurityError(f"the exponent {right!r} is not a number") from None
        if exponent > MAX_EXPONENT:
            raise SecurityError(f"an exponent above {MAX_EXPONENT} is refused")
        if isinstance(left, int) and left.bit_length() * exponent > MAX_INT_BITS:
            raise SecurityError(f"an integer above {MAX_INT_BITS} bits is refused")
    return _BINARY[symbol](left, right)


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
}
#: The binary operators the sandbox intercepts: all of them.
BINARY_OPERATORS = frozenset(_BINARY)


def text(value: Any) -> str:
    """``str(value)``, as a template prints a value, refused before it passes :data:`MAX_TEXT`.

    A list, tuple, set or mapping prints the text of every item: ten thousand references
    to one long text are a short list but an enormous text, so its size is bounded from
    below first and never built when it could not be printed.

    >>> text(["a", 1])
    "['a', 1]"
    >>> text(["y" * 90000] * 9000)
    Traceback (most recent call last):
    ...
    jinja2.exceptions.SecurityError: a text longer than 100000 characters is refused
    """
    if type(value) is str:
        return value
    if isinstance(value, _CONTAINERS):
        if _least_size(value, {}) > MAX_TEXT:
            raise SecurityError(f"a text longer than {MAX_TEXT} characters is refused")
    elif callable(value) and not isinstance(value, Undefined):  # Undefined says its own name
        _refuse_callable(value)
    return str(value)


def _refuse_callable(value: Any) -> None:
    # A helper's or a class's text is Python's description of it, with a memory address:
    # text no report should carry, different in every run.
    name = getattr(value, "__name__", type(value).__name__)
    raise SecurityError(f"prints {name!r}, which has no text of its own; print a value")


_CONTAINERS = (list, tuple, set, frozenset, dict, types.MappingProxyType)


def _least_size(value: Any, sizes: dict[int, int]) -> int:
    """At least how many characters ``repr(value)`` has; stops counting past MAX_TEXT."""
    if type(value) is str:
        return len(value) + 2
    if isinstance(value, _CONTAINERS):
        total = 2
        pairs = value.items() if isinstance(value, Mapping) else ((item,) for item in value)
        for pair in pairs:
            for item in pair:
                total += _least_size(item, sizes) + 2
            if total > MAX_TEXT:
                break
        return total
    found = sizes.get(id(value))
    if found is None:
        if callable(value) and not isinstance(value, Undefined):
            _refuse_callable(value)
        found = sizes[id(value)] = len(repr(value))
    return found


def bounded_join(parts: Iterable[Any], separator: str = "") -> str:
    """``separator.join(str(part) …)``, refused before it grows past :data:`MAX_TEXT`."""
    pieces: list[str] = []
    size = 0
    for part in parts:
        piece = part if type(part) is str else text(part)
        size += len(piece) + len(separator)
        if size > MAX_TEXT + len(separator):
            raise SecurityError(f"a text longer than {MAX_TEXT} characters is refused")
        pieces.append(piece)
    return separator.join(pieces)


# -- format patterns in data files ----------------------------------------------------


def format_refusals(pattern: str, names: Iterable[str] | None = None) -> list[str]:
    """What a ``str.format`` pattern of a data file uses beyond plain named fields.

    >>> format_refusals("{value}万元", ["value"])
    []
    >>> format_refusals("{value:>999999999}{n.__class__}{0}", ["value", "n"])
    ["the format spec ':>999999999'", "the field 'n.__class__'", "the field '0'"]
    """
    allowed = None if names is None else set(names)
    found: list[str] = []
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        return [f"a malformed pattern ({exc})"]
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or (allowed is not None and field not in allowed):
            found.append(f"the field {field!r}")
        if spec:
            found.append(f"the format spec {':' + spec!r}")
        if conversion:
            found.append(f"the conversion {'!' + conversion!r}")
    return found


@functools.lru_cache(maxsize=1024)
def _pattern_refusals(pattern: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(format_refusals(pattern, names))


def safe_format(pattern: str, **values: Any) -> str:
    """``pattern.format(**values)`` for a pattern that names only plain fields of ``values``.

    >>> safe_format("{n}.", n=3)
    '3.'
    >>> safe_format("{n:>99999}", n=3)
    Traceback (most recent call last):
    ...
    jinja2.exceptions.SecurityError: the pattern '{n:>99999}' uses the format spec ':>99999'
    """
    problems = _pattern_refusals(pattern, tuple(values))
    if problems:
        raise SecurityError(f"the pattern {pattern!r} uses {', '.join(problems)}")
    return check_text(pattern.format(**values), "a formatted text")


# -- data that cannot change --------------------------------------------------------------


def freeze(data: Any) -> Any:
    """A read-only deep copy: mappings become mapping proxies, lists tuples.

    Phrasebank data is shared by every report a process renders; frozen, no template or
    helper can change what the next report reads.

    >>> frozen = freeze({"a": [1, {"b": 2}]})
    >>> frozen["a"][1]["b"], type(frozen).__name__, type(frozen["a"]).__name__
    (2, 'mappingproxy', 'tuple')
    """
    if isinstance(data, Mapping):
        return types.MappingProxyType({key: freeze(value) for key, value in data.items()})
    if isinstance(data, list | tuple):
        return tuple(freeze(item) for item in data)
    if isinstance(data, set | frozenset):
        return frozenset(freeze(item) for item in data)
    return data


__all__ = [
    "BINARY_OPERATORS",
    "FILTERS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_STEPS",
    "MAX_TEXT",
    "attribute_allowed",
    "bounded_binop",
    "bounded_join",
    "callable_allowed",
    "check_text",
    "expose",
    "exposed_names",
    "format_refusals",
    "freeze",
    "is_code",
    "refusals",
    "safe_format",
    "text",
    "trust",
    "trusted",
]
