"""The template sandbox: Jinja2's immutable sandbox, with fast paths that decide the same.

A document is a few hundred small renders, and most of their time went to the sandbox's
checks on values narrator itself hands the templates. The fast paths below return exactly
what :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` returns, without re-deciding:

* an attribute of a plain data object (not a function, method, class, code object,
  frame, generator or mutable container) is safe unless it starts with ``_`` or is
  itself a method (the sandbox wraps ``str.format`` at access);
* ``mapping.key`` on a ``dict`` is the item when ``key`` is not a ``dict`` method;
* a helper narrator registered with :func:`trust` is called directly, because it is
  neither marked unsafe nor asks Jinja for its context.

Everything else (overlay text calling ``str.format``, reaching for ``__class__``,
``list.append`` …) goes through the sandbox's own checks.

:class:`Phrase` (a text template) and :class:`Expression` (a condition) evaluate the simplest
templates straight from their syntax tree through these same operations, skipping Jinja's
per-render context; see "direct evaluation" below.
"""

from __future__ import annotations

import operator
import types
from collections import abc, deque
from collections.abc import Callable, Mapping
from typing import Any, cast

from jinja2 import Environment, Template, nodes
from jinja2.runtime import Context, new_context
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Types whose attributes the sandbox inspects (jinja2.sandbox.is_internal_attribute and
# modifies_known_mutable), and builtin callables for good measure; instances of any other
# type are plain data.
_INSPECTED: tuple[type, ...] = (
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    type,
    types.CodeType,
    types.TracebackType,
    types.FrameType,
    types.GeneratorType,
    types.CoroutineType,
    types.AsyncGeneratorType,
    list,
    set,
    dict,
    deque,
    abc.MutableSet,
    abc.MutableMapping,
    abc.MutableSequence,
)
_DICT_ATTRIBUTES = frozenset(dir(dict))
_METHODS = (types.MethodType, types.BuiltinMethodType)
_TRUSTED: set[Callable[..., Any]] = set()
_plain: dict[type, bool] = {}


def trust(*functions: Callable[..., Any]) -> None:
    """Register narrator's own template helpers (plain functions or methods' functions)."""
    _TRUSTED.update(getattr(function, "__func__", function) for function in functions)


def _is_plain(kind: type) -> bool:
    found = _plain.get(kind)
    if found is None:
        found = _plain[kind] = not issubclass(kind, _INSPECTED)
    return found


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the fast paths described in the module docstring."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if kind is dict:
            if attribute not in _DICT_ATTRIBUTES and attribute in obj:
                return obj[attribute]
        elif attribute[:1] != "_" and _is_plain(kind):
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                pass
            else:
                # Methods go to the sandbox: it wraps a str's format and format_map.
                if type(value) not in _METHODS:
                    return value
        return super().getattr(obj, attribute)

    def call(
        __self,
        __context: Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        function = __obj.__func__ if type(__obj) is types.MethodType else __obj
        if type(function) is types.FunctionType and function in _TRUSTED:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)


#: Templates see the environment's globals through the shared context the caller builds.
NO_GLOBALS: dict[str, Any] = {}


def shared_context(template: Template, variables: Mapping[str, Any]) -> Context:
    """A render context over ``variables`` as they are: shared, not copied.

    Rendering is the hot path; Jinja's own ``new_context`` copies the variables and the
    globals on every render. Callers put the environment's globals into ``variables``.
    """
    parent = cast(dict[str, Any], variables)  # read only, never written
    return new_context(
        template.environment, template.name, template.blocks, parent, True, NO_GLOBALS
    )


# -- direct evaluation of the simpler templates -----------------------------------------
#
# Most phrases are text with ``{{ name }}``, ``{{ d.attr }}`` or ``{{ helper(x) }}`` outputs,
# and most conditions names joined by ``and``/``not``/``==``. For those, Jinja's per-render
# cost (a context, generated code, the globals) outweighs the work. They are evaluated
# straight from their syntax tree, through the same sandbox operations (``getattr``,
# ``getitem``, ``call``, intercepted operators), the same tests and the same undefined, so
# they print and fail exactly as Jinja's generated code does. Templates with statements
# (``{% if %}``, ``{% for %}``, ``{% set %}`` …) render through Jinja: measured, its generated
# code beats evaluating their trees.

# Names Jinja's code generator treats specially; a template using one renders through Jinja.
_SPECIAL_NAMES = frozenset({"self", "loop", "caller", "varargs", "kwargs"})
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gteq": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
    "in": lambda a, b: a in b,
    "notin": lambda a, b: a not in b,
}
_BINARY: dict[type[nodes.BinExpr], Callable[[Any, Any], Any]] = {
    nodes.Add: operator.add,
    nodes.Sub: operator.sub,
    nodes.Mul: operator.mul,
    nodes.Div: operator.truediv,
    nodes.FloorDiv: operator.floordiv,
    nodes.Mod: operator.mod,
    nodes.Pow: operator.pow,
}


class _Scope:
    """What one evaluation reads: its own variables over the shared context."""

    __slots__ = ("context", "env", "extra", "owner")

    def __init__(
        self,
        env: Environment,
        owner: Phrase | Expression,
        context: Mapping[str, Any],
        extra: Mapping[str, Any] | None,
    ) -> None:
        self.env = env
        #: The phrase or condition evaluated: its Jinja template when a call needs a context.
        self.owner = owner
        self.context = context
        self.extra = extra

    def resolve(self, name: str) -> Any:
        extra = self.extra
        if extra and name in extra:
            return extra[name]
        context = self.context
        if name in context:
            return context[name]
        return self.env.undefined(name=name)

    def jinja_context(self) -> Context:
        """The context Jinja's generated code would hold at this point."""
        context = shared_context(self.owner.template, self.context)
        if self.extra:
            context.vars.update(self.extra)
        return context

    def call(self, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        target = function.__func__ if type(function) is types.MethodType else function
        if type(target) is types.FunctionType and target in _TRUSTED:
            return function(*args, **kwargs)
        # Anything else is the sandbox's to decide, with the context Jinja would pass.
        env = cast(Sandbox, self.env)
        return env.call(self.jinja_context(), function, *args, **kwargs)


Evaluator = Callable[[_Scope], Any]


def _all(found: list[Evaluator | None]) -> list[Evaluator] | None:
    return None if None in found else cast(list[Evaluator], found)


def _evaluator(node: nodes.Node) -> Evaluator | None:
    """A function evaluating ``node`` as Jinja's generated code does, or None if unsupported."""
    if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in _SPECIAL_NAMES:
        name = node.name
        return lambda scope: scope.resolve(name)
    if isinstance(node, nodes.Const):
        value = node.value
        return lambda scope: value
    if isinstance(node, nodes.Getattr) and node.ctx == "load":
        found, attr = _evaluator(node.node), node.attr
        if found is None:
            return None
        of: Evaluator = found
        return lambda scope: scope.env.getattr(of(scope), attr)
    if isinstance(node, nodes.Getitem) and node.ctx == "load":
        pair = _all([_evaluator(node.node), _evaluator(node.arg)])
        if pair is None:
            return None
        within, item = pair
        return lambda scope: scope.env.getitem(within(scope), item(scope))
    if isinstance(node, nodes.Call) and node.dyn_args is None and node.dyn_kwargs is None:
        return _call(node)
    if isinstance(node, nodes.Test) and node.dyn_args is None and node.dyn_kwargs is None:
        return _test(node)
    if isinstance(node, nodes.Not):
        operand = _evaluator(node.node)
        if operand is None:
            return None
        negated: Evaluator = operand
        return lambda scope: not negated(scope)
    if isinstance(node, nodes.And | nodes.Or):
        sides = _all([_evaluator(node.left), _evaluator(node.right)])
        if sides is None:
            return None
        left, right = sides
        if isinstance(node, nodes.And):
            return lambda scope: left(scope) and right(scope)
        return lambda scope: left(scope) or right(scope)
    if type(node) in _BINARY:
        return _binary(cast(nodes.BinExpr, node))
    if isinstance(node, nodes.CondExpr) and node.expr2 is not None:
        branches = _all([_evaluator(n) for n in (node.test, node.expr1, node.expr2)])
        if branches is None:
            return None
        test, then, otherwise = branches
        return lambda scope: then(scope) if test(scope) else otherwise(scope)
    if isinstance(node, nodes.Compare):
        return _compare(node)
    if isinstance(node, nodes.Concat):
        pieces = _all([_evaluator(item) for item in node.nodes])
        if pieces is None:
            return None
        joined = pieces
        return lambda scope: "".join([str(piece(scope)) for piece in joined])
    if isinstance(node, nodes.List) or (isinstance(node, nodes.Tuple) and node.ctx == "load"):
        items = _all([_evaluator(item) for item in node.items])
        if items is None:
            return None
        listed = items
        build = list if isinstance(node, nodes.List) else tuple
        return lambda scope: build(item(scope) for item in listed)
    return None


class _Arguments:
    """A call's or test's positional and keyword arguments, evaluated together."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args: list[Evaluator], kwargs: dict[str, Evaluator]) -> None:
        self.args = args
        self.kwargs = kwargs

    def __call__(self, scope: _Scope) -> tuple[list[Any], dict[str, Any]]:
        return (
            [arg(scope) for arg in self.args],
            {key: value(scope) for key, value in self.kwargs.items()},
        )


def _arguments(node: nodes.Call | nodes.Test) -> _Arguments | None:
    keywords = cast(list[nodes.Keyword], node.kwargs)
    args = _all([_evaluator(arg) for arg in node.args])
    values = _all([_evaluator(keyword.value) for keyword in keywords])
    if args is None or values is None:
        return None
    return _Arguments(args, {k.key: value for k, value in zip(keywords, values, strict=True)})


def _call(node: nodes.Call) -> Evaluator | None:
    function, arguments = _evaluator(node.node), _arguments(node)
    if function is None or arguments is None:
        return None
    callee: Evaluator = function
    evaluate = arguments
    return lambda scope: scope.call(callee(scope), *evaluate(scope))


def _test(node: nodes.Test) -> Evaluator | None:
    # Jinja's generated code calls the environment's test function itself, with the
    # context, eval context or environment first when the test asks for one.
    subject, arguments = _evaluator(node.node), _arguments(node)
    if subject is None or arguments is None:
        return None
    tested: Evaluator = subject
    evaluate = arguments
    name = node.name

    def test(scope: _Scope) -> Any:
        function = cast(Callable[..., Any], scope.env.tests[name])
        lead: list[Any] = []
        pass_arg = getattr(function, "jinja_pass_arg", None)
        if pass_arg is not None:
            context = scope.jinja_context()
            lead = [
                {"context": context, "eval_context": context.eval_ctx}.get(pass_arg.name, scope.env)
            ]
        value = tested(scope)
        args, kwargs = evaluate(scope)
        return function(*lead, value, *args, **kwargs)

    return test


def _binary(node: nodes.BinExpr) -> Evaluator | None:
    sides = _all([_evaluator(node.left), _evaluator(node.right)])
    if sides is None:
        return None
    left, right = sides
    python = _BINARY[type(node)]
    symbol = node.operator

    def binary(scope: _Scope) -> Any:
        env = cast(Sandbox, scope.env)
        if symbol in env.intercepted_binops:
            # The environment bounds this operator (the rules' ``**`` and ``*``).
            return env.call_binop(scope.jinja_context(), symbol, left(scope), right(scope))
        return python(left(scope), right(scope))

    return binary


def _compare(node: nodes.Compare) -> Evaluator | None:
    first = _evaluator(node.expr)
    steps = [(_COMPARE.get(op.op), _evaluator(op.expr)) for op in node.ops]
    if first is None or any(fn is None or ev is None for fn, ev in steps):
        return None
    start: Evaluator = first
    chain = cast(list[tuple[Callable[[Any, Any], Any], Evaluator]], steps)

    def compare(scope: _Scope) -> Any:
        # Python's chained comparison, which Jinja's generated code uses.
        left = start(scope)
        result: Any = True
        for test, evaluate in chain:
            right = evaluate(scope)
            result = test(left, right)
            if not result:
                return result
            left = right
        return result

    return compare


def _output_parts(tree: nodes.Template) -> tuple[str | Evaluator, ...] | None:
    """The pieces a template made only of output prints, or None if it has statements."""
    parts: list[str | Evaluator] = []
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            return None
        for child in statement.nodes:
            if isinstance(child, nodes.TemplateData):
                parts.append(child.data)
                continue
            evaluate = _evaluator(child)
            if evaluate is None:
                return None
            parts.append(evaluate)
    return tuple(parts)


def _text(data: str) -> Evaluator:
    return lambda scope: data


class Phrase:
    """A compiled phrase template; ``render(context, extra)`` gives its text.

    The context is shared, not copied (the caller puts the environment's globals in it);
    ``extra`` variables are the render's own, over it.
    """

    __slots__ = ("_constant", "_env", "_parts", "_source", "_template")

    def __init__(self, env: Environment, source: str) -> None:
        self._env = env
        self._source = source
        tree = env.parse(source)
        parts = _output_parts(tree)
        if parts is not None and any(t.name not in env.tests for t in tree.find_all(nodes.Test)):
            parts = None  # Jinja's compiler reports the unknown test
        self._constant: str | None = None
        self._parts: tuple[Evaluator, ...] | None = None
        self._template: Template | None = None
        if parts is None:
            self._template = env.from_string(tree)
        elif all(isinstance(part, str) for part in parts):
            self._constant = "".join(cast(tuple[str, ...], parts))
        else:
            # Text between outputs as evaluators too, so rendering never tests a part's type.
            self._parts = tuple(_text(part) if isinstance(part, str) else part for part in parts)

    @property
    def template(self) -> Template:
        """The Jinja template; compiled on first use for a direct phrase (most never need it)."""
        if self._template is None:
            self._template = self._env.from_string(self._source)
        return self._template

    @property
    def direct(self) -> bool:
        """Whether the phrase is evaluated from its syntax tree rather than by Jinja's code."""
        return self._constant is not None or self._parts is not None

    def render(self, context: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> str:
        if self._constant is not None:
            return self._constant
        parts = self._parts
        if parts is not None:
            scope = _Scope(self._env, self, context, extra)
            return "".join([str(part(scope)) for part in parts])
        template = self.template
        jinja_context = shared_context(template, context)
        if extra:
            jinja_context.vars.update(extra)
        return "".join(template.root_render_func(jinja_context))


class Expression:
    """A compiled expression (``env.compile_expression``) evaluated against a mapping.

    ``Expression(env, "a > b")({"a": 2, "b": 1})`` is ``True``; the mapping is read, not
    copied, and a missing name is whatever the environment's undefined does.
    """

    __slots__ = ("_evaluate", "source", "template")

    def __init__(self, env: Environment, source: str) -> None:
        self.source = source
        # TemplateExpression keeps the template that assigns the expression to ``result``.
        compiled = env.compile_expression(source, undefined_to_none=False)
        self.template: Template = compiled._template
        assign = self._template_tree(env, source)
        self._evaluate = _evaluator(assign) if assign is not None else None

    @staticmethod
    def _template_tree(env: Environment, source: str) -> nodes.Expr | None:
        tree = env.parse("{{ " + source + " }}")
        body = tree.body
        if len(body) == 1 and isinstance(body[0], nodes.Output) and len(body[0].nodes) == 1:
            return body[0].nodes[0]
        return None

    def __call__(self, variables: Mapping[str, Any]) -> Any:
        evaluate = self._evaluate
        if evaluate is not None:
            return evaluate(_Scope(self.template.environment, self, variables, None))
        context = shared_context(self.template, variables)
        for _ in self.template.root_render_func(context):
            pass
        return context.vars["result"]


__all__ = ["Expression", "Phrase", "Sandbox", "shared_context", "trust"]
