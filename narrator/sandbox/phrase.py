"""Phrases and conditions: compiled once, checked by the policy, rendered within a budget.

:class:`Phrase` (a text template) and :class:`Expression` (a condition) refuse at compile
time what :func:`narrator.sandbox.policy.refusals` refuses, and evaluate the simplest
templates straight from their syntax tree through the same sandbox operations as Jinja's
generated code; see "direct evaluation" below.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, cast

from jinja2 import Template, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context

from narrator.sandbox import policy
from narrator.sandbox.environment import BUDGET, Budget, Sandbox, shared_context

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
_BINARY = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)


class _Scope:
    """What one evaluation reads: its own variables over the shared context."""

    __slots__ = ("context", "env", "extra", "owner")

    def __init__(
        self,
        env: Sandbox,
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
        # The sandbox decides, through its hooks; what it allows needs no Jinja context.
        return self.env.call(None, function, *args, **kwargs)


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
    if isinstance(node, _BINARY):
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
        return lambda scope: scope.env.bounded_concat([piece(scope) for piece in joined])
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
    symbol = node.operator

    def binary(scope: _Scope) -> Any:
        # The sandbox intercepts every operator, to bound what it builds.
        return scope.env.call_binop(None, symbol, left(scope), right(scope))

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

    def __init__(self, env: Sandbox, source: str) -> None:
        self._env = env
        self._source = source
        tree = env.checked_parse(source)
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
        """The phrase's text; a phrase rendered by another counts against that one's budget."""
        if self._constant is not None:
            return self._constant
        budget = BUDGET.get()
        if budget is None:
            token = BUDGET.set(Budget())
            try:
                return self._render(context, extra)
            finally:
                BUDGET.reset(token)
        if budget.depth >= policy.MAX_DEPTH:
            raise SecurityError(f"phrases may render phrases at most {policy.MAX_DEPTH} deep")
        budget.step()
        budget.depth += 1
        try:
            return self._render(context, extra)
        finally:
            budget.depth -= 1

    def _render(self, context: Mapping[str, Any], extra: Mapping[str, Any] | None) -> str:
        parts = self._parts
        if parts is not None:
            scope = _Scope(self._env, self, context, extra)
            return policy.check_text(
                "".join([policy.text(part(scope)) for part in parts]), "a phrase"
            )
        template = self.template
        jinja_context = shared_context(template, context)
        if extra:
            jinja_context.vars.update(extra)
        return policy.bounded_join(template.root_render_func(jinja_context))


class Expression:
    """A compiled expression (``env.compile_expression``) evaluated against a mapping.

    ``Expression(env, "a > b")({"a": 2, "b": 1})`` is ``True``; the mapping is read, not
    copied, and a missing name is whatever the environment's undefined does.
    """

    __slots__ = ("_evaluate", "source", "template")

    def __init__(self, env: Sandbox, source: str) -> None:
        self.source = source
        assign = self._template_tree(env, source)
        # TemplateExpression keeps the template that assigns the expression to ``result``.
        compiled = env.compile_expression(source, undefined_to_none=False)
        self.template: Template = compiled._template
        self._evaluate = _evaluator(assign) if assign is not None else None

    @staticmethod
    def _template_tree(env: Sandbox, source: str) -> nodes.Expr | None:
        tree = env.checked_parse("{{ " + source + " }}")
        body = tree.body
        if len(body) == 1 and isinstance(body[0], nodes.Output) and len(body[0].nodes) == 1:
            return body[0].nodes[0]
        return None

    def __call__(self, variables: Mapping[str, Any]) -> Any:
        evaluate = self._evaluate
        if evaluate is not None:
            return evaluate(_Scope(cast(Sandbox, self.template.environment), self, variables, None))
        context = shared_context(self.template, variables)
        for _ in self.template.root_render_func(context):
            pass
        return context.vars["result"]


__all__ = ["Expression", "Phrase"]
