"""Phrases and conditions compiled to Python functions, with the sandbox's checks inside.

Jinja2 is the phrase language, and the code Jinja generates for a template in
:class:`~narrator.sandbox.environment.Sandbox` is the reference semantics. This module
compiles with Jinja's own code generator, so scoping, constant folding, loops, filters,
tests and undefined names are Jinja's, and changes only what the generated code calls at
run time and how it is called:

* a template is a function ``root(context, extra, budget) -> str`` over the shared context
  mapping and the render's own variables: no Jinja ``Context``, no generator, no globals
  copied;
* attribute and item reads, helper calls, operators, ``~`` and loop iterables call this
  module's runtime, which takes the policy's decision inline for the values narrator hands
  templates (an exposed type's field, a mapping's key, ``loop``'s counters, a registered
  helper) and asks the environment's own hooks for everything else;
* output is counted as it is written, and refused the moment a text passes
  :data:`~narrator.sandbox.policy.MAX_TEXT`, as the reference's bounded join does.

What the policy refuses is refused before any of this (:func:`policy.refusals`); what can
only be known at run time (a value's type, a callable, a size, a step) is checked at run
time, by the same policy. ``tests/test_compiled.py`` holds the compiled code to the
reference: every shipped template, every example report, generated units and random
templates print the same bytes and fail with the same message.
"""

from __future__ import annotations

import hashlib
import io
import keyword
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, cast

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateRuntimeError, TemplateSyntaxError
from jinja2.idtracking import VAR_LOAD_RESOLVE
from jinja2.nodes import EvalContext
from jinja2.parser import Parser
from jinja2.runtime import LoopContext, Undefined
from jinja2.utils import Namespace, concat, internalcode, missing

from narrator.sandbox import policy
from narrator.sandbox.environment import Budget, Sandbox, too_deep

#: A compiled template: ``root(context, extra, budget)`` gives its text.
Render = Callable[[Mapping[str, Any], Mapping[str, Any], Budget], str]
#: A compiled expression: ``root(context, extra, budget_or_none)`` gives its value.
Evaluate = Callable[[Mapping[str, Any], Mapping[str, Any], Budget | None], Any]

#: Bumped whenever the generated code changes shape (part of every cache key).
CODE_VERSION = "1"


class Uncompilable(Exception):
    """The template uses something this compiler does not generate (it renders by Jinja)."""


# -- code generation ----------------------------------------------------------------------


class _Generator(CodeGenerator):
    """Jinja's code generator, writing calls into narrator's runtime instead of Jinja's."""

    def __init__(self, environment: Sandbox, *, expression: bool = False) -> None:
        super().__init__(environment, None, None, None, False, True)
        self._expression = expression
        # The iterables of the loops being generated (Jinja forbids custom node types).
        self._iterables: set[int] = set()
        # Buffers written piece by piece, each piece checked as it is written (the
        # template's own output, which the reference joins as Jinja yields it).
        self._streaming: set[str] = set()
        # Attributes read, each with the module name of its set of types known to expose it.
        self._attributes: dict[str, str] = {}
        # Names read from the context.
        self._resolved: set[str] = set()

    # -- the function ------------------------------------------------------------------

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        eval_ctx = EvalContext(self.environment, self.name)
        frame = Frame(eval_ctx)
        frame.symbols.analyze_node(node)
        frame.toplevel = frame.rootlevel = True
        frame.buffer = "_o"
        self._streaming.add("_o")
        # Filters and tests are looked up once, when the code is loaded, not per render.
        self.pull_dependencies(node.body)
        self.writeline("def root(_c, _x, _b):", extra=1)
        self.indent()
        if not self._expression:
            self.writeline("_o = []")
            self.writeline("_o_n = 0")
        self.enter_frame(frame)
        self.blockvisit(node.body, frame)
        if self._expression:
            self.writeline(f"return {frame.symbols.ref('result')}")
        else:
            self.writeline("return ''.join(_o)")
        self.outdent()
        # The sets of types known to expose each attribute read, shared by all compiled code.
        for attr, name in self._attributes.items():
            self.writeline(f"{name} = exposing({attr!r})")
        # The names the code reads from the context (jinja2.meta.find_undeclared_variables).
        self.writeline(f"names = {tuple(sorted(self._resolved))!r}")

    def enter_frame(self, frame: Frame) -> None:
        # Names are read from the render's own variables, then the shared context:
        # Jinja's ``context.resolve_or_missing`` without the Context.
        loads = frame.symbols.loads
        resolved = [t for t, (action, _) in loads.items() if action == VAR_LOAD_RESOLVE]
        self._resolved.update(loads[target][1] for target in resolved)
        for target in resolved:
            name = loads[target][1]
            self.writeline(
                f"{target} = _x[{name!r}] if {name!r} in _x else _c.get({name!r}, missing)"
            )
        rest = {t: load for t, load in loads.items() if t not in resolved}
        saved = frame.symbols.loads
        frame.symbols.loads = rest
        try:
            super().enter_frame(frame)
        finally:
            frame.symbols.loads = saved

    def writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        if x == "_loop_vars = {}":
            return  # only Jinja's Context.call reads it; helpers never see a context
        super().writeline(x, node, extra)

    def pop_assign_tracking(self, frame: Frame) -> None:
        # Jinja copies assignments into the Context (for macros, imports and blocks, all of
        # which the policy refuses); a compiled phrase keeps them in its locals only.
        self._assign_stack.pop()

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = []")
        self.writeline(f"{frame.buffer}_n = 0")

    # -- output --------------------------------------------------------------------------

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is None:
            raise Uncompilable("output outside a buffer")
        finalize = self._make_finalize()
        body: list[list[Any] | nodes.Expr] = []
        # Constants folded at compile time exactly as Jinja folds them.
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        buffer, count = frame.buffer, f"{frame.buffer}_n"
        if buffer in self._streaming:
            # Each piece counted and checked as it is written, before the next is computed.
            for item in body:
                if isinstance(item, list):
                    text = concat(item)
                    self.writeline(f"{count} += {len(text)}")
                    self.writeline(f"if {count} > {policy.MAX_TEXT}: too_long()")
                    self.writeline(f"{buffer}.append({text!r})")
                else:
                    self.writeline("_t = ", item)
                    self.visit(item, frame)
                    self.writeline("if type(_t) is not str: _t = text(_t)")
                    self.writeline(f"{count} += len(_t)")
                    self.writeline(f"if {count} > {policy.MAX_TEXT}: too_long()")
                    self.writeline(f"{buffer}.append(_t)")
            return
        # A {% set %} block: the pieces of one output, then the check (the reference's
        # bounded buffer checks an extend as a whole).
        pieces: list[str] = []
        for item in body:
            if isinstance(item, list):
                pieces.append(repr(concat(item)))
            else:
                name = self.temporary_identifier()
                self.writeline(f"{name} = ", item)
                self.visit(item, frame)
                self.writeline(f"if type({name}) is not str: {name} = text({name})")
                pieces.append(name)
        if pieces:
            self.writeline(f"{buffer}.extend(({', '.join(pieces)},))")
            self.writeline(f"{count} += " + " + ".join(f"len({p})" for p in pieces))
            self.writeline(f"if {count} > {policy.MAX_TEXT}: too_long()")

    def visit_AssignBlock(self, node: nodes.AssignBlock, frame: Frame) -> None:
        self.push_assign_tracking()
        block_frame = frame.inner()
        block_frame.require_output_check = False
        block_frame.symbols.analyze_node(node)
        self.enter_frame(block_frame)
        self.buffer(block_frame)
        self.blockvisit(node.body, block_frame)
        self.newline(node)
        self.visit(node.target, frame)
        self.write(" = ")
        if node.filter is not None:
            self.visit_Filter(node.filter, block_frame)
        else:
            self.write(f"concat({block_frame.buffer})")
        self.pop_assign_tracking(frame)
        self.leave_frame(block_frame)

    # -- what the sandbox intercepts ------------------------------------------------------

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) in self._iterables:
            self.write("iterate(_b, ")
            super().visit(node, *args, **kwargs)
            self.write(")")
            return None
        return super().visit(node, *args, **kwargs)

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._iterables.add(id(node.iter))
        try:
            super().visit_For(node, frame)
        finally:
            self._iterables.discard(id(node.iter))

    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        # Jinja's optimizer first, as its own visit_Getattr does.
        folded = self._folded(node, frame)
        if folded is not None:
            self.visit(folded, frame)
            return
        # Inline, the policy's decision for a type already seen to expose the attribute and a
        # value of a type known to be data; anything else asks getattr_ (which learns).
        attr = node.attr
        known = self._attribute_set(attr)
        read = f"getattr(_g, {attr!r})" if keyword.iskeyword(attr) else f"_g.{attr}"
        self.write("(_v if type(_g := ")
        self.visit(node.node, frame)
        self.write(f") in {known} and type(_v := {read}) in data else getattr_(_g, {attr!r}))")

    def _attribute_set(self, attr: str) -> str:
        name = self._attributes.get(attr)
        if name is None:
            name = self._attributes[attr] = f"a_{len(self._attributes)}"
        return name

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        folded = self._folded(node, frame)
        if folded is not None:
            self.visit(folded, frame)
            return
        if isinstance(node.arg, nodes.Slice):
            # Slices bypass the environment's getitem in Jinja's code too.
            self.visit(node.node, frame)
            self.write("[")
            self.visit(node.arg, frame)
            self.write("]")
            return
        self.write("getitem(")
        self.visit(node.node, frame)
        self.write(", ")
        self.visit(node.arg, frame)
        self.write(")")

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        folded = self._folded(node, frame)
        if folded is not None:
            self.visit(folded, frame)
            return
        if forward_caller:
            raise Uncompilable("a call block")
        arity = len(node.args)
        plain = not node.kwargs and arity <= 3
        self.write(f"call{arity}(_b, " if plain else "call(_b, ")
        self.visit(node.node, frame)
        self.signature(node, frame, None)
        self.write(")")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("concat_((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def _binary(self, node: nodes.BinExpr, frame: Frame) -> None:
        folded = self._folded(node, frame)
        if folded is not None:
            self.visit(folded, frame)
            return
        self.write(f"bounded_binop({node.operator!r}, ")
        self.visit(node.left, frame)
        self.write(", ")
        self.visit(node.right, frame)
        self.write(")")

    visit_Add = visit_Sub = visit_Mul = visit_Div = _binary
    visit_FloorDiv = visit_Pow = visit_Mod = _binary

    def _folded(self, node: nodes.Expr, frame: Frame) -> nodes.Node | None:
        """The node as Jinja's optimizer folds it, or None when it stays as it is."""
        if self.optimizer is None or frame.eval_ctx.volatile:
            return None
        new_node = self.optimizer.visit(node, frame.eval_ctx)
        return None if new_node == node else cast(nodes.Node, new_node)

    # -- Jinja features a phrase cannot use ------------------------------------------------

    def visit_Macro(self, node: nodes.Macro, frame: Frame) -> None:
        raise Uncompilable("macro")

    def visit_CallBlock(self, node: nodes.CallBlock, frame: Frame) -> None:
        raise Uncompilable("call block")

    def visit_Block(self, node: nodes.Block, frame: Frame) -> None:
        raise Uncompilable("block")


# Names Jinja's code generator writes for what this compiler does not provide (a Context,
# markup, macros, inheritance, async): generated code naming one renders through Jinja.
_NOT_PROVIDED = frozenset(
    {
        "context",
        "resolve",
        "markup_join",
        "str_join",
        "escape",
        "Markup",
        "identity",
        "TemplateReference",
        "Macro",
        "TemplateNotFound",
        "auto_await",
        "auto_aiter",
        "parent_template",
        "blocks",
        "_loop_vars",
        "_block_vars",
    }
)
# (The module also defines ``names``; a template reading a variable of that name reads it
# from the context, never the module: names resolve to the function's locals.)


def _generate(env: Sandbox, tree: nodes.Template, *, expression: bool) -> types.CodeType:
    generator = _Generator(env, expression=expression)
    try:
        try:
            generator.visit(tree)
        except RecursionError:
            raise too_deep(None, None) from None
        source = cast(io.StringIO, generator.stream).getvalue()
        # A name of its own per template: tracebacks and profiles tell them apart.
        code = env._compile(source, f"<phrase {hashlib.sha1(source.encode()).hexdigest()[:10]}>")
    except TemplateSyntaxError as exc:
        exc.translated = True  # as Jinja's own compile says it: the message alone
        raise
    named = _names(code) & _NOT_PROVIDED
    if named:
        # (An attribute of that name, x.context, lands here too: it renders through Jinja.)
        raise Uncompilable(f"the generated code names {sorted(named)}")
    return code


def _names(code: types.CodeType) -> set[str]:
    """The names a module's code and the functions it defines use (globals, attributes)."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def template_code(env: Sandbox, tree: nodes.Template) -> types.CodeType:
    """The code of a module defining ``root`` for a parsed, checked template."""
    return _generate(env, tree, expression=False)


def expression_code(env: Sandbox, source: str) -> types.CodeType:
    """The code of a module defining ``root`` for an expression (parsed as Jinja's
    ``compile_expression`` parses it)."""
    parser = Parser(env, source, state="variable")
    try:
        expr = parser.parse_expression()
    except RecursionError:
        raise too_deep(None, None) from None
    if not parser.stream.eos:
        raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno)
    expr.set_environment(env)
    body: list[nodes.Node] = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    tree = nodes.Template(body, lineno=1)
    tree.set_environment(env)
    return _generate(env, tree, expression=True)


def load(env: Sandbox, code: types.CodeType) -> Callable[..., Any]:
    """The ``root`` function of compiled code, bound to ``env``'s runtime.

    The function's ``names`` attribute holds the names it reads from the context.
    """
    namespace = dict(runtime(env))
    exec(code, namespace)  # our own generated code, from a template the policy checked
    root = namespace["root"]
    root.names = frozenset(namespace["names"])
    return cast(Callable[..., Any], root)


# -- the runtime --------------------------------------------------------------------------

_MAPPING_ATTRIBUTES = frozenset(dir(dict)) | frozenset(dir(types.MappingProxyType))
#: Value types known not to be code (policy.is_code is a function of the type alone):
#: an attribute whose value has one of these types is data. Only ever grows.
DATA: set[type] = {str, int, float, bool, type(None), Decimal, tuple, list, dict}
DATA.add(types.MappingProxyType)
#: By attribute: the types known to let templates read it (exposed types that list it,
#: ``loop``). Learnt by the runtime from the policy's own answers; only ever grows, as the
#: policy's registry does.
EXPOSING: dict[str, set[type]] = {}


def exposing(attribute: str) -> set[type]:
    """The (shared, growing) set of types known to let templates read ``attribute``."""
    found = EXPOSING.get(attribute)
    if found is None:
        found = EXPOSING[attribute] = set()
    return found


def _is_data(value: Any) -> bool:
    kind = type(value)
    if kind in DATA:
        return True
    if policy.is_code(value):
        return False
    DATA.add(kind)
    return True


def too_long() -> None:
    raise SecurityError(f"a text longer than {policy.MAX_TEXT} characters is refused")


def _counted(iterable: Iterable[Any], budget: Budget) -> Iterator[Any]:
    for item in iterable:
        budget.step()
        yield item


def iterate(budget: Budget, iterable: Any) -> Any:
    """A loop's iterable, its iterations counted against the block's budget."""
    try:
        size = len(iterable)
    except TypeError:
        return _counted(iterable, budget)
    budget.step(size)
    return iterable


def runtime(env: Sandbox) -> dict[str, Any]:
    """The names compiled code runs with, bound to ``env`` (made once per environment)."""
    names: dict[str, Any] | None = getattr(env, "_compiled_runtime", None)
    if names is None:
        names = _make_runtime(env)
        env._compiled_runtime = names  # type: ignore[attr-defined]
    return names


def _make_runtime(env: Sandbox) -> dict[str, Any]:
    exposed = policy.EXPOSED  # the registry itself: types exposed later are seen
    slow_getattr = env.getattr
    slow_getitem = env.getitem
    slow_call = env.call
    trusted = policy._TRUSTED
    loop_attributes = policy.LOOP_ATTRIBUTES
    method = types.MethodType
    function = types.FunctionType
    max_steps = policy.MAX_STEPS

    def getattr_(obj: Any, attribute: str) -> Any:
        # The decisions Sandbox.getattr takes, for the values narrator hands templates;
        # anything else goes to Sandbox.getattr itself.
        kind = type(obj)
        if kind is dict or kind is types.MappingProxyType:
            if attribute not in _MAPPING_ATTRIBUTES and attribute in obj:
                return obj[attribute]
        elif kind is Namespace:
            # What a {% set ns.x = … %} holds: any name but a private one, any data.
            if attribute[:1] != "_":
                value = getattr(obj, attribute, missing)
                if value is not missing and _is_data(value):
                    return value
        else:
            names = exposed.get(kind)
            if (names is not None and attribute in names) or (
                kind is LoopContext and attribute in loop_attributes
            ):
                exposing(attribute).add(kind)
                value = getattr(obj, attribute)
                if _is_data(value):
                    return value
        return slow_getattr(obj, attribute)

    def getitem(obj: Any, argument: Any) -> Any:
        try:
            return obj[argument]
        except (TypeError, LookupError):
            return slow_getitem(obj, argument)

    def step(budget: Budget | None) -> None:
        if budget is not None:
            budget.steps += 1
            if budget.steps > max_steps:
                budget.step(0)  # says why

    # A helper call: the sandbox's decision (Sandbox.call) for a registered helper, taken
    # here; Namespace, an undefined name or a refusal goes to Sandbox.call itself. One
    # function per number of positional arguments, the commonest calls.

    def call(budget: Budget | None, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        target = fn.__func__ if type(fn) is method else fn
        if type(target) is function and target in trusted:
            step(budget)
            return fn(*args, **kwargs)
        return slow_call(None, fn, *args, **kwargs)

    def call0(budget: Budget | None, fn: Any) -> Any:
        target = fn.__func__ if type(fn) is method else fn
        if type(target) is function and target in trusted:
            if budget is not None:
                budget.steps += 1
                if budget.steps > max_steps:
                    budget.step(0)
            return fn()
        return slow_call(None, fn)

    def call1(budget: Budget | None, fn: Any, a: Any) -> Any:
        target = fn.__func__ if type(fn) is method else fn
        if type(target) is function and target in trusted:
            if budget is not None:
                budget.steps += 1
                if budget.steps > max_steps:
                    budget.step(0)
            return fn(a)
        return slow_call(None, fn, a)

    def call2(budget: Budget | None, fn: Any, a: Any, b: Any) -> Any:
        target = fn.__func__ if type(fn) is method else fn
        if type(target) is function and target in trusted:
            if budget is not None:
                budget.steps += 1
                if budget.steps > max_steps:
                    budget.step(0)
            return fn(a, b)
        return slow_call(None, fn, a, b)

    def call3(budget: Budget | None, fn: Any, a: Any, b: Any, c: Any) -> Any:
        target = fn.__func__ if type(fn) is method else fn
        if type(target) is function and target in trusted:
            if budget is not None:
                budget.steps += 1
                if budget.steps > max_steps:
                    budget.step(0)
            return fn(a, b, c)
        return slow_call(None, fn, a, b, c)

    return {
        "environment": env,
        "undefined": env.undefined,
        "missing": missing,
        "cond_expr_undefined": Undefined,
        "Undefined": Undefined,
        "LoopContext": LoopContext,
        "Namespace": Namespace,
        "TemplateRuntimeError": TemplateRuntimeError,
        "internalcode": internalcode,
        "concat": concat,
        "getattr_": getattr_,
        "exposing": exposing,
        "data": DATA,
        "getitem": getitem,
        "call": call,
        "call0": call0,
        "call1": call1,
        "call2": call2,
        "call3": call3,
        "iterate": iterate,
        "concat_": policy.bounded_join,
        "bounded_binop": policy.bounded_binop,
        "text": policy.text,
        "too_long": too_long,
    }


__all__ = [
    "CODE_VERSION",
    "Evaluate",
    "Render",
    "Uncompilable",
    "expression_code",
    "load",
    "runtime",
    "template_code",
]
