"""Reason rules: declarative, ordered, first match wins, conditions sandboxed.

A rule names the sentence kinds (and optionally sentence keys) it applies to, a
condition written as a Jinja2 expression, and the reason phrase it selects (or
``null`` when the sentence needs no reason). Conditions are compiled once, in a
sandbox that refuses attribute tricks, imports and runaway arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Literal

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta

from narrator.errors import InputError
from narrator.sandbox import Expression, Sandbox

ReasonSource = Literal["user", "rule", "missing", "not_needed"]

#: The ``reason`` of a rule that demands the user's own reason (a placeholder until given).
USER_REASON = "user"


class RuleError(InputError):
    """A rule file or a rule condition is invalid or unsafe."""


class ConditionEnvironment(Sandbox):
    """The sandbox conditions run in: the templates' policy, with no calls and no globals."""

    allows_calls = False

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False)
        self.globals.clear()


_ENV = ConditionEnvironment()


def condition_environment() -> Sandbox:
    """The sandbox rule conditions compile and run in."""
    return _ENV


class Condition:
    """A compiled condition; calling it reads a mapping, and any failure is a RuleError."""

    __slots__ = ("_expression", "compiled", "names", "source")

    def __init__(self, expression: Expression) -> None:
        self._expression = expression
        self.source = expression.source
        #: The variables the condition reads.
        self.names = expression.names
        #: Whether the condition runs as compiled Python (else through Jinja's code).
        self.compiled = expression.compiled

    def __call__(self, variables: Mapping[str, Any]) -> Any:
        try:
            return self._expression(variables)
        except RuleError:
            raise
        except TemplateError as exc:
            raise RuleError(exc.message or str(exc)) from exc
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            raise RuleError(f"{type(exc).__name__}: {exc}") from exc


def compile_condition(source: str, *, where: str = "<condition>") -> Condition:
    """Compile a condition expression in the sandbox, or raise :class:`RuleError`.

    >>> compile_condition("current > prior")({"current": 2, "prior": 1})
    True
    >>> compile_condition("unit.__class__")
    Traceback (most recent call last):
    ...
    narrator.rules.RuleError: <condition>: the condition uses the private attribute \
'__class__', which a phrasebank may not use: 'unit.__class__'
    """
    try:
        return Condition(Expression(_ENV, source))
    except TemplateSyntaxError as exc:
        raise RuleError(f"{where}: cannot compile condition {source!r}: {exc}") from exc
    except TemplateError as exc:
        raise RuleError(f"{where}: the condition {exc.message}: {source!r}") from exc


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
    #: A region's template prescribes it: it decides before the user's own text does.
    prescribed: bool = False
    _test: Callable[[Mapping[str, Any]], Any] = field(
        repr=False, compare=False, default=lambda _: False
    )
    names: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def compiled(self) -> bool:
        """Whether the rule's condition runs as compiled Python."""
        return bool(getattr(self._test, "compiled", False))

    def applies_to(self, sentence: str, kind: str) -> bool:
        return (
            kind in self.kinds
            and any(fnmatchcase(sentence, pattern) for pattern in self.sentences)
            and not any(fnmatchcase(sentence, pattern) for pattern in self.unless)
        )

    def matches(self, context: Mapping[str, Any]) -> bool:
        try:
            return bool(self._test(context))
        except (RuleError, TemplateError) as exc:  # bool() of an undefined is refused too
            raise RuleError(f"rule {self.id!r} ({self.origin}): {exc}") from exc


#: Sentence keys whose applicable rules a rule set remembers (bounded for long batches).
_APPLYING_CACHE_SIZE = 4096
#: The most rules a rule set may hold: narrator's own are ten, and each one's condition is
#: compiled and tried for every sentence (tens of thousands took minutes).
MAX_RULES = 1000
_RULE_KEYS = {"id", "description", "kinds", "when", "reason", "sentences", "unless", "prescribed"}
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
    prescribed = data.get("prescribed", False)
    if not isinstance(prescribed, bool):
        raise RuleError(f"{where}: prescribed must be true or false")
    test = compile_condition(when, where=where)
    return Rule(
        id=rule_id,
        description=str(data["description"]).strip(),
        kinds=frozenset(_as_tuple(data["kinds"], where, "kinds")),
        when=when,
        reason=reason,
        sentences=_as_tuple(data.get("sentences", "*"), where, "sentences"),
        unless=_as_tuple(data.get("unless", ()), where, "unless"),
        origin=origin,
        prescribed=prescribed,
        _test=test,
        names=test.names,
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
        for count, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                raise RuleError(f"{origin}: each rule must be a mapping")
            if count >= MAX_RULES or len(rules) >= MAX_RULES:
                raise RuleError(f"{origin}: more than {MAX_RULES} rules; no region needs so many")
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

    def first_match(
        self,
        sentence: str,
        kind: str,
        context: Mapping[str, Any],
        *,
        prescribed: bool = False,
    ) -> Rule | None:
        """The first rule that applies and holds (only prescribed rules, if asked)."""
        applying = self._applying.get((sentence, kind))
        if applying is None:
            if len(self._applying) >= _APPLYING_CACHE_SIZE:
                self._applying.clear()
            applying = tuple(rule for rule in self.rules if rule.applies_to(sentence, kind))
            self._applying[(sentence, kind)] = applying
        for rule in applying:
            if (rule.prescribed or not prescribed) and rule.matches(context):
                return rule
        return None

    def __iter__(self) -> Any:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)
