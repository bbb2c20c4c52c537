"""Reason rules: declarative, ordered, first match wins, conditions sandboxed.

A rule names the sentence kinds (and optionally sentence keys) it applies to, a
condition written as a Jinja2 expression, and the reason phrase it selects (or
``null`` when the sentence needs no reason). Conditions are compiled once, in a
sandbox that refuses attribute tricks, imports and runaway arithmetic.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Literal

from jinja2 import StrictUndefined, TemplateError, meta, nodes

from narrator.errors import InputError
from narrator.sandbox import Expression, Sandbox

#: Largest exponent a condition may raise a number to.
MAX_EXPONENT = 100
#: Largest integer (in bits) a condition may raise to a power.
MAX_POWER_BITS = 4096
#: Longest string or sequence a condition may build by repetition.
MAX_REPEAT = 10_000

ReasonSource = Literal["user", "rule", "missing", "not_needed"]

#: The ``reason`` of a rule that demands the user's own reason (a placeholder until given).
USER_REASON = "user"
#: Filters a condition may use; anything else (attr, map, format, ...) is refused.
SAFE_FILTERS = frozenset({"abs", "length", "lower", "upper", "default", "int"})


class RuleError(InputError):
    """A rule file or a rule condition is invalid or unsafe."""


class ConditionEnvironment(Sandbox):
    """The sandbox conditions run in: the templates', plus bounds on ``**`` and ``*``."""

    intercepted_binops = frozenset({"**", "*"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False)
        # Conditions get no template globals (range, lipsum, cycler, joiner, namespace, dict).
        self.globals.clear()

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            if abs(_number(right)) > MAX_EXPONENT:
                raise RuleError(f"exponent {right!r} is larger than {MAX_EXPONENT}")
            if isinstance(left, int) and left.bit_length() * abs(right) > MAX_POWER_BITS:
                raise RuleError("a condition may not compute a number that large")
            return operator.pow(left, right)
        if operator_ == "*":
            for seq, times in ((left, right), (right, left)):
                # Only a sequence times a number repeats; numbers multiply as numbers.
                repeats = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if repeats and len(seq) * times > MAX_REPEAT:
                    raise RuleError("a condition may not build a sequence that long")
            return operator.mul(left, right)
        return super().call_binop(context, operator_, left, right)


def _number(value: Any) -> Any:
    try:
        return abs(value)
    except TypeError:
        raise RuleError(f"not a number: {value!r}") from None


_ENV = ConditionEnvironment()


def _refuse_unsafe(tree: nodes.Node, source: str, where: str) -> None:
    """Refuse, before anything runs, what a condition never needs and an attack does."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Filter, nodes.Pow)):
        problem = None
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            problem = f"private attribute {node.attr!r}"
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            if str(node.arg.value).startswith("_"):
                problem = f"private item {node.arg.value!r}"
        elif isinstance(node, nodes.Call):
            problem = "a function or method call"
        elif isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
            problem = f"the filter {node.name!r}"
        elif (
            isinstance(node, nodes.Pow)
            and isinstance(node.right, nodes.Const)
            and abs(node.right.value) > MAX_EXPONENT
        ):
            problem = f"an exponent above {MAX_EXPONENT}"
        if problem:
            raise RuleError(f"{where}: condition {source!r} uses {problem}, which is not allowed")


def compile_condition(source: str, *, where: str = "<condition>") -> Expression:
    """Compile a condition expression in the sandbox, or raise :class:`RuleError`.

    >>> compile_condition("current > prior")({"current": 2, "prior": 1})
    True
    >>> compile_condition("unit.__class__")
    Traceback (most recent call last):
    ...
    narrator.rules.RuleError: <condition>: condition 'unit.__class__' uses private attribute \
'__class__', which is not allowed
    """
    try:
        tree = _ENV.parse("{{ " + source + " }}")
    except TemplateError as exc:
        raise RuleError(f"{where}: cannot compile condition {source!r}: {exc}") from exc
    _refuse_unsafe(tree, source, where)
    try:
        return Expression(_ENV, source)
    except TemplateError as exc:
        raise RuleError(f"{where}: cannot compile condition {source!r}: {exc}") from exc


def condition_names(source: str) -> frozenset[str]:
    """The variable names a condition reads."""
    return frozenset(meta.find_undeclared_variables(_ENV.parse("{{ " + source + " }}")))


@dataclass(frozen=True)
class Rule:
    """One reason rule."""

    id: str
    description: str
    kinds: frozenset[str]
    when: str
    reason: str | None
    sentences: tuple[str, ...] = ("*",)
    unless: tuple[str, ...] = ()
    origin: str = "<built-in>"
    _test: Callable[[Mapping[str, Any]], Any] = field(
        repr=False, compare=False, default=lambda _: False
    )
    names: frozenset[str] = field(default=frozenset(), compare=False)

    def applies_to(self, sentence: str, kind: str) -> bool:
        return (
            kind in self.kinds
            and any(fnmatchcase(sentence, pattern) for pattern in self.sentences)
            and not any(fnmatchcase(sentence, pattern) for pattern in self.unless)
        )

    def matches(self, context: Mapping[str, Any]) -> bool:
        try:
            return bool(self._test(context))
        except RuleError as exc:
            raise RuleError(f"rule {self.id!r} ({self.origin}): {exc}") from exc
        except TemplateError as exc:
            raise RuleError(f"rule {self.id!r} ({self.origin}): {exc}") from exc
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise RuleError(f"rule {self.id!r} ({self.origin}): {exc}") from exc


#: Sentence keys whose applicable rules a rule set remembers (bounded for long batches).
_APPLYING_CACHE_SIZE = 4096
_RULE_KEYS = {"id", "description", "kinds", "when", "reason", "sentences", "unless"}
_OVERLAY_KEYS = {"position", "before", "disabled"}


def _as_tuple(value: Any, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise RuleError(f"{where}: {key} must be a string or a list of strings")


def parse_rule(data: Mapping[str, Any], origin: str) -> Rule:
    """Build a :class:`Rule` from its YAML mapping, validating every key."""
    rule_id = data.get("id")
    where = f"{origin}: rule {rule_id!r}"
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleError(f"{origin}: every rule needs an id")
    unknown = set(data) - _RULE_KEYS - _OVERLAY_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("description", "kinds", "when"):
        if key not in data:
            raise RuleError(f"{where}: missing {key!r}")
    if "reason" not in data:
        raise RuleError(f"{where}: missing 'reason' (a phrase key, or null for none needed)")
    reason = data["reason"]
    if reason is not None and not isinstance(reason, str):
        raise RuleError(f"{where}: reason must be a phrase key or null")
    when = str(data["when"])
    return Rule(
        id=rule_id,
        description=str(data["description"]).strip(),
        kinds=frozenset(_as_tuple(data["kinds"], where, "kinds")),
        when=when,
        reason=reason,
        sentences=_as_tuple(data.get("sentences", "*"), where, "sentences"),
        unless=_as_tuple(data.get("unless", ()), where, "unless"),
        origin=origin,
        _test=compile_condition(when, where=where),
        names=condition_names(when),
    )


class RuleSet:
    """An ordered list of rules; the first that applies and matches wins."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        # The rules that apply to a sentence key and kind, in order (keys recur across units).
        self._applying: dict[tuple[str, str], tuple[Rule, ...]] = {}

    def overlay(self, entries: Iterable[Mapping[str, Any]], origin: str) -> RuleSet:
        """A new rule set with ``entries`` layered over this one.

        An entry with a known id replaces that rule in place (or removes it with
        ``disabled: true``); a new rule goes first, last, or ``before`` a named rule.
        """
        rules = list(self.rules)
        top = 0  # new rules of one file go first, in the file's order
        for entry in entries:
            if not isinstance(entry, Mapping):
                raise RuleError(f"{origin}: each rule must be a mapping")
            ids = [rule.id for rule in rules]
            rule_id = entry.get("id")
            if entry.get("disabled"):
                if rule_id not in ids:
                    raise RuleError(f"{origin}: cannot disable unknown rule {rule_id!r}")
                rules.pop(ids.index(rule_id))
                continue
            rule = parse_rule(entry, origin)
            if rule.id in ids and "before" not in entry and "position" not in entry:
                rules[ids.index(rule.id)] = rule
                continue
            if rule.id in ids:
                if ids.index(rule.id) < top:
                    top -= 1
                rules.pop(ids.index(rule.id))
                ids.remove(rule.id)
            if "before" in entry:
                if entry["before"] not in ids:
                    raise RuleError(
                        f"{origin}: rule {rule.id!r} is before unknown {entry['before']!r}"
                    )
                rules.insert(ids.index(entry["before"]), rule)
            elif entry.get("position", "first") == "last":
                rules.append(rule)
            else:
                rules.insert(top, rule)
                top += 1
        return RuleSet(rules)

    def first_match(self, sentence: str, kind: str, context: Mapping[str, Any]) -> Rule | None:
        applying = self._applying.get((sentence, kind))
        if applying is None:
            if len(self._applying) >= _APPLYING_CACHE_SIZE:
                self._applying.clear()
            applying = tuple(rule for rule in self.rules if rule.applies_to(sentence, kind))
            self._applying[(sentence, kind)] = applying
        for rule in applying:
            if rule.matches(context):
                return rule
        return None

    def __iter__(self) -> Any:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)
