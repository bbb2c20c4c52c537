"""The Jinja2 environment every phrasebank template and condition runs in.

:class:`Sandbox` is Jinja2's sandboxed environment with narrator's policy
(:mod:`narrator.sandbox.policy`) in its hooks: ``is_safe_attribute``, ``is_safe_callable``
and ``call_binop`` for every binary operator. Its code generator routes the two
operations Jinja does not intercept through bounded versions: ``~`` (concatenation) and
the iterable of a ``for`` loop. A :class:`Budget` per rendered block counts loop
iterations, helper calls and nested phrases.

The attribute and item fast paths decide as Jinja's own sandbox does, through the same
hooks, without its generic machinery for the values narrator hands the templates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType, MethodType
from typing import Any, cast

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Undefined, new_context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace

from narrator.sandbox import policy


class Refused(SecurityError):
    """A template or condition uses what the policy refuses (reported at compile time)."""


class Budget:
    """The work one rendered block has done: steps taken and how deep phrases nest."""

    __slots__ = ("depth", "steps")

    def __init__(self) -> None:
        self.depth = 0
        self.steps = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > policy.MAX_STEPS:
            raise SecurityError(
                f"a block may take at most {policy.MAX_STEPS} steps (loop iterations, "
                "helper calls, nested phrases); this one takes more"
            )


#: The budget of the block being rendered (None outside a render).
BUDGET: ContextVar[Budget | None] = ContextVar("narrator_budget", default=None)


def current_budget() -> Budget:
    """The running block's budget, or a fresh one for work outside a render."""
    return BUDGET.get() or Budget()


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with ``~`` and loop iterables routed through the sandbox."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The iterables of the loops being generated (Jinja forbids custom node types).
        self._iterables: set[int] = set()

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) in self._iterables:
            self.write("environment.bounded_iter(")
            super().visit(node, *args, **kwargs)
            self.write(")")
            return None
        return super().visit(node, *args, **kwargs)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._iterables.add(id(node.iter))
        try:
            super().visit_For(node, frame)
        finally:
            self._iterables.discard(id(node.iter))


_MAPPING_ATTRIBUTES = frozenset(dir(dict)) | frozenset(dir(MappingProxyType))
_EXPOSED = policy.EXPOSED  # read on every attribute: the registry itself, not a copy


class Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox deciding by :mod:`narrator.sandbox.policy`."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = policy.BINARY_OPERATORS
    #: Whether templates of this environment may call helpers (conditions may not).
    allows_calls = True

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.clear()
        self.globals["namespace"] = Namespace
        self.filters = {name: self.filters[name] for name in policy.FILTERS}
        self.filters["join"] = _join

    # -- the policy's hooks ----------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return policy.attribute_allowed(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        return policy.callable_allowed(obj)

    def call_binop(self, context: Context | None, operator: str, left: Any, right: Any) -> Any:
        return policy.bounded_binop(operator, left, right)

    # -- fast paths, deciding through the same hooks -----------------------------------

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if kind is dict or kind is MappingProxyType:
            # Jinja reads a key as an attribute when the mapping has no such attribute.
            if attribute not in _MAPPING_ATTRIBUTES and attribute in obj:
                return obj[attribute]
        else:
            names = _EXPOSED.get(kind)
            if names is not None:
                if attribute in names:
                    value = getattr(obj, attribute)
                    if self.is_safe_attribute(obj, attribute, value):
                        return value
                # Anything else of an exposed type is never even read (it may compute, warn
                # or hand out a method): refused if it exists, undefined if it does not.
                if hasattr(kind, attribute) or attribute in getattr(obj, "__dict__", ()):
                    return self.unsafe_undefined(obj, attribute)
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def call(
        __self,
        __context: Context | None,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        __self.check_call(__obj)
        if policy.trusted(__obj):
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        if __context is None:
            return __obj(*args, **kwargs)
        return __context.call(__obj, *args, **kwargs)

    def check_call(self, obj: Any) -> None:
        """Refuse a call the policy does not allow; count an allowed one as a step."""
        if isinstance(obj, Undefined):
            obj()  # says which name is undefined, as Jinja would
        if not self.is_safe_callable(obj):
            raise SecurityError(f"a phrase may call only narrator's helpers, not {_describe(obj)}")
        current_budget().step()

    # -- bounded operations the code generator routes here ------------------------------

    def bounded_concat(self, parts: Iterable[Any]) -> str:
        return policy.bounded_join(parts)

    def bounded_iter(self, iterable: Any) -> Any:
        budget = current_budget()
        try:
            size = len(iterable)
        except TypeError:
            return _counted(iterable, budget)
        budget.step(size)
        return iterable

    # -- compiling ------------------------------------------------------------------------

    def checked_parse(self, source: str) -> nodes.Template:
        """Parse ``source`` and refuse it if the policy refuses anything in it."""
        tree = self.parse(source)
        problems = policy.refusals(tree, calls=self.allows_calls)
        if problems:
            raise Refused(f"uses {', '.join(problems)}, which a phrasebank may not use")
        return tree


def _counted(iterable: Iterable[Any], budget: Budget) -> Iterator[Any]:
    for item in iterable:
        budget.step()
        yield item


def _join(value: Iterable[Any], d: str = "") -> str:
    # The join filter, refused before its text grows past the limit.
    return policy.bounded_join(value, str(d))


def _describe(obj: Any) -> str:
    if isinstance(obj, MethodType):
        return f"the method {obj.__func__.__name__!r}"
    name = getattr(obj, "__name__", None)
    if isinstance(name, str):
        return f"{name!r}"
    return f"a {type(obj).__name__} object"


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


__all__ = ["BUDGET", "Budget", "Refused", "Sandbox", "current_budget", "shared_context"]
