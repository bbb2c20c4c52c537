"""Phrases and conditions: checked by the policy, compiled once, rendered within a budget.

:class:`Phrase` (a text template) and :class:`Expression` (a condition) refuse at compile
time what :func:`narrator.sandbox.policy.refusals` refuses, then run as Python functions
compiled from the template (:mod:`narrator.sandbox.compiler`). The reference they are held
to is the code Jinja itself generates in the same sandbox; setting
``NARRATOR_TEMPLATES=reference`` in the environment (or :func:`use` in code) renders
through it instead, for comparison.

Compiled code is memoised per process by the template's text (:data:`CODE`), and
:mod:`narrator.cache` keeps it on disk between processes.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from jinja2 import Template, meta, nodes
from jinja2.exceptions import SecurityError

from narrator.sandbox import compiler, policy
from narrator.sandbox.environment import BUDGET, Budget, Sandbox, shared_context

#: How templates run: "compiled" (Python functions) or "reference" (Jinja's own code).
MODES = ("compiled", "reference")
_mode = os.environ.get("NARRATOR_TEMPLATES", "compiled")
if _mode not in MODES:
    _mode = "compiled"


def mode() -> str:
    """How phrases and conditions made from now on run: "compiled" or "reference"."""
    return _mode


def use(new_mode: str) -> str:
    """Make phrases and conditions built from now on run ``new_mode``; returns the old mode.

    Phrasebanks are cached per mode (:func:`narrator.phrasebank.load_phrasebank`).
    """
    global _mode
    if new_mode not in MODES:
        raise ValueError(f"unknown template mode {new_mode!r} (known: {', '.join(MODES)})")
    old, _mode = _mode, new_mode
    return old


#: A key of :data:`CODE`: (the environment's :func:`cache_tag`, "template" or
#: "expression", the source).
CodeKey = tuple[str, str, str]
#: Compiled code by key: a module code object defining ``root``, or the text of a template
#: that is only text. Filled as templates compile, and from the on-disk cache
#: (:mod:`narrator.cache`, via :func:`preload`); an entry exists only for a source the
#: policy accepted, checked by this very code.
CODE: dict[CodeKey, types.CodeType | str] = {}
#: How many entries :data:`CODE` has gained by compiling (a phrasebank stores its
#: entries on disk when this has moved since it last did).
code_generation_count = 0

_EMPTY: Mapping[str, Any] = types.MappingProxyType({})


def cache_tag(env: Sandbox) -> str:
    """What about an environment decides how a source compiles (part of every code key)."""
    return ":".join(
        (
            type(env).__qualname__,
            str(env.allows_calls),
            str(env.keep_trailing_newline),
            str(env.trim_blocks),
            str(env.lstrip_blocks),
            env.undefined.__name__,
            str(env.autoescape),
        )
    )


def _constant_text(tree: nodes.Template) -> str | None:
    """The text of a template that is only text, else None."""
    parts: list[str] = []
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            return None
        for child in statement.nodes:
            if not isinstance(child, nodes.TemplateData):
                return None
            parts.append(child.data)
    return "".join(parts)


def _remember(key: CodeKey, entry: types.CodeType | str) -> None:
    global code_generation_count
    CODE[key] = entry
    code_generation_count += 1


def code_generation() -> int:
    """How many entries :data:`CODE` has gained by compiling, so far."""
    return code_generation_count


def compiled_code(keys: Iterable[CodeKey]) -> dict[CodeKey, types.CodeType | str]:
    """The entries of :data:`CODE` there are for ``keys``."""
    return {key: CODE[key] for key in keys if key in CODE}


def preload(entries: Any) -> int:
    """Add compiled code read from the on-disk cache; what is not well formed is ignored.

    Only :mod:`narrator.cache` calls this, with a file this user wrote whose name covers
    this very compiler and policy: the entries are what they compiled and checked.
    """
    if not isinstance(entries, dict):
        return 0
    added = 0
    for key, entry in entries.items():
        if (
            isinstance(key, tuple)
            and len(key) == 3
            and all(type(part) is str for part in key)
            and key[1] in ("template", "expression")
            and (type(entry) is str or type(entry) is types.CodeType)
        ):
            CODE.setdefault(key, entry)
            added += 1
    return added


def compiled_template(env: Sandbox, source: str) -> types.CodeType | str | None:
    """The compiled code of a template (or its text when it is only text), checked by the
    policy; None when it must render through Jinja. Raises what Jinja and the policy raise."""
    key = (cache_tag(env), "template", source)
    found = CODE.get(key)
    if found is not None:
        return found
    tree = env.checked_parse(source)
    constant = _constant_text(tree)
    if constant is not None:
        _remember(key, constant)
        return constant
    try:
        code = compiler.template_code(env, tree)
    except compiler.Uncompilable:
        env.from_string(tree)  # what Jinja's compiler refuses is refused here too
        return None
    _remember(key, code)
    return code


def compiled_expression(env: Sandbox, source: str) -> types.CodeType | None:
    """The compiled code of an expression, checked by the policy; None when it must run
    through Jinja."""
    key = (cache_tag(env), "expression", source)
    found = CODE.get(key)
    if isinstance(found, types.CodeType):
        return found
    env.checked_parse("{{ " + source + " }}")
    try:
        code = compiler.expression_code(env, source)
    except compiler.Uncompilable:
        return None
    _remember(key, code)
    return code


def _jinja_render(template: Template) -> compiler.Render:
    def render(context: Mapping[str, Any], extra: Mapping[str, Any], budget: Budget) -> str:
        jinja_context = shared_context(template, context)
        if extra:
            jinja_context.vars.update(extra)
        return policy.bounded_join(template.root_render_func(jinja_context))

    return render


class Phrase:
    """A phrase template; ``render(context, extra)`` gives its text.

    The context is shared, not copied (the caller puts the environment's globals in it);
    ``extra`` variables are the render's own, over it.
    """

    __slots__ = ("_constant", "_env", "_render", "_source", "_template", "compiled")

    def __init__(self, env: Sandbox, source: str) -> None:
        self._env = env
        self._source = source
        self._constant: str | None = None
        self._template: Template | None = None
        self._render: compiler.Render | None = None
        #: Whether the phrase runs as compiled Python (else as Jinja's code, or as text).
        self.compiled = False
        if _mode == "reference":
            tree = env.checked_parse(source)
            self._constant = _constant_text(tree)
            if self._constant is None:
                self._template = env.from_string(tree)
                self._render = _jinja_render(self._template)
            return
        found = compiled_template(env, source)
        if isinstance(found, str):
            self._constant = found
        elif found is None:
            self._render = _jinja_render(self.template)
        else:
            self._render = cast(compiler.Render, compiler.load(env, found))
            self.compiled = True

    @property
    def template(self) -> Template:
        """The Jinja template (the reference), compiled when first asked for."""
        if self._template is None:
            self._template = self._env.from_string(self._source)
        return self._template

    @property
    def constant(self) -> bool:
        """Whether the phrase is only text."""
        return self._constant is not None

    def render(self, context: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> str:
        """The phrase's text; a phrase rendered by another counts against that one's budget."""
        if self._constant is not None:
            return self._constant
        render = cast(compiler.Render, self._render)
        budget = BUDGET.get()
        if budget is None:
            budget = Budget()
            token = BUDGET.set(budget)
            try:
                return render(context, extra or _EMPTY, budget)
            finally:
                BUDGET.reset(token)
        if budget.depth >= policy.MAX_DEPTH:
            raise SecurityError(f"phrases may render phrases at most {policy.MAX_DEPTH} deep")
        budget.steps += 1  # Budget.step(), inline: this runs for every nested phrase
        if budget.steps > policy.MAX_STEPS:
            budget.step(0)
        budget.depth += 1
        try:
            return render(context, extra or _EMPTY, budget)
        finally:
            budget.depth -= 1


class Expression:
    """A compiled expression evaluated against a mapping.

    ``Expression(env, "a > b")({"a": 2, "b": 1})`` is ``True``; the mapping is read, not
    copied, and a missing name is whatever the environment's undefined does.
    """

    __slots__ = ("_env", "_evaluate", "_names", "_template", "compiled", "source")

    def __init__(self, env: Sandbox, source: str) -> None:
        self._env = env
        self.source = source
        self._template: Template | None = None
        self._evaluate: Callable[..., Any] | None = None
        self._names: frozenset[str] | None = None
        self.compiled = False
        if _mode == "reference":
            env.checked_parse("{{ " + source + " }}")
            self._template = env.compile_expression(source, undefined_to_none=False)._template
            return
        code = compiled_expression(env, source)
        if code is None:
            self._template = env.compile_expression(source, undefined_to_none=False)._template
            return
        self._evaluate = compiler.load(env, code)
        self._names = cast(frozenset[str], getattr(self._evaluate, "names", None))
        self.compiled = True

    @property
    def names(self) -> frozenset[str]:
        """The variables the expression reads (``jinja2.meta.find_undeclared_variables``)."""
        if self._names is None:
            tree = self._env.parse("{{ " + self.source + " }}")
            self._names = frozenset(meta.find_undeclared_variables(tree))
        return self._names

    @property
    def template(self) -> Template:
        """Jinja's template assigning the expression to ``result`` (the reference)."""
        if self._template is None:
            self._template = self._env.compile_expression(
                self.source, undefined_to_none=False
            )._template
        return self._template

    def __call__(self, variables: Mapping[str, Any]) -> Any:
        evaluate = self._evaluate
        if evaluate is not None:
            return evaluate(variables, _EMPTY, BUDGET.get())
        template = self.template
        context = shared_context(template, variables)
        for _ in template.root_render_func(context):
            pass
        return context.vars["result"]


__all__ = [
    "CODE",
    "MODES",
    "CodeKey",
    "Expression",
    "Phrase",
    "cache_tag",
    "code_generation",
    "compiled_code",
    "compiled_expression",
    "compiled_template",
    "mode",
    "preload",
    "use",
]
