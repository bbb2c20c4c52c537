"""The checker's core: diagnostics, the registry of checks, and what checks share.

A check is a function over a :class:`CheckContext` that yields :class:`Diagnostic`
values; :func:`check` registers it with the codes it may yield and their severities (the
one place a code is declared), and :func:`run_checks` runs every registered check in
order. Nothing here prints or raises for bad figures: the CLI turns severities into exit
codes. Messages are data: ``<lang>/diagnostics.yaml`` holds one template per code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

from jinja2.exceptions import SecurityError

from narrator.datafile import merge, present
from narrator.figures import AmountUnit, BudgetExpenditure, Figures
from narrator.phrasebank import (
    Language,
    Phrasebank,
    PhrasebankError,
    join_lines,
    load_phrasebank,
    read_layer_file,
)
from narrator.sandbox import safe_format

if TYPE_CHECKING:
    from narrator.decisions import Facts

Severity = Literal["error", "warning", "info"]
#: Severities, most severe first.
SEVERITIES: Final[tuple[Severity, ...]] = ("error", "warning", "info")

#: The precision of an amount as a file gives it, in 万元: tables print 万元 to 0.01;
#: a file in 元 is exact to the fen. Each rounded part may be off by half of this.
ROUNDING_UNIT: Final[Mapping[AmountUnit, Decimal]] = MappingProxyType(
    {"万元": Decimal("0.01"), "元": Decimal("0.000001")}
)

_CENT = Decimal("0.01")


# -- diagnostics --------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a code, a severity, the figure paths and the numbers involved.

    Diagnostics compare (and hash) by value; the phrasebank their messages come from
    is not part of the value.

    >>> a = Diagnostic("sme-above-total", "error", ("procurement.sme",), {"sme": "46.96"})
    >>> a == Diagnostic("sme-above-total", "error", ("procurement.sme",), {"sme": "46.96"})
    True
    """

    code: str
    severity: Severity
    paths: tuple[str, ...]
    values: Mapping[str, str] = field(default_factory=dict)
    bank: Phrasebank | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")
        object.__setattr__(self, "paths", tuple(self.paths))
        values = {str(k): str(v) for k, v in self.values.items()}
        object.__setattr__(self, "values", MappingProxyType(values))

    def __hash__(self) -> int:
        return hash((self.code, self.severity, self.paths, tuple(sorted(self.values.items()))))

    @property
    def path(self) -> str:
        """The main figure path (the first of :attr:`paths`)."""
        return self.paths[0] if self.paths else ""

    def message(self, lang: str = "en", bank: Phrasebank | None = None) -> str:
        """The message in ``lang``, from the phrasebank's ``diagnostics.yaml``."""
        language = (bank or self.bank or load_phrasebank()).language(lang)
        templates: Mapping[str, str] = language.diagnostics.get("messages", {})
        template = templates.get(self.code)
        if template is None:
            where = language.origins.get("diagnostics", lang)
            raise PhrasebankError(f"{where}: no message for diagnostic {self.code!r}")
        # Messages are written across lines like templates; the language says how lines join.
        text = join_lines(str(template), str(language.style.get("line_join", "")))
        return _fill(text, self._mapping(language), self.code, language)

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def _mapping(self, language: Language) -> dict[str, str]:
        mapping = dict(self.values)
        mapping.setdefault("path", self.path)
        for key in ("code", "class", "section"):
            code = self.values.get(key)
            if code is not None:
                mapping.setdefault(f"{key}_name", str(language.names.get(code, code)))
        labels: Mapping[str, str] = language.diagnostics.get("labels", {})
        subject = self.values.get("subject")
        if subject is not None:
            mapping["label"] = _fill(str(labels.get(subject, subject)), mapping, subject, language)
        method = self.values.get("method")
        if method is not None:  # how shares were rounded, as the messages name it
            mapping["method_label"] = str(labels.get(f"share_rounding.{method}", method))
        return mapping


def _fill(template: str, mapping: Mapping[str, str], key: str, language: Language) -> str:
    try:
        return safe_format(template, **mapping)
    except (KeyError, IndexError, ValueError, SecurityError) as exc:
        where = language.origins.get("diagnostics", language.lang)
        raise PhrasebankError(f"{where}: diagnostics {key!r}: cannot fill {exc}") from exc


# -- the registry ---------------------------------------------------------------


@dataclass(frozen=True)
class CheckContext:
    """What a check reads: the figures, the decided facts, the phrasebank and its check data."""

    figures: Figures
    facts: Facts
    bank: Phrasebank
    data: Mapping[str, Any]
    #: Keys of the sentences the report prints; None when unknown (then all count).
    said: frozenset[str] | None = None

    @property
    def half_unit(self) -> Decimal:
        return ROUNDING_UNIT[self.figures.amount_unit] / 2

    def diagnostic(self, code: str, paths: Sequence[str], values: Mapping[str, str]) -> Diagnostic:
        return Diagnostic(code, CODES[code], tuple(paths), values, bank=self.bank)


Check = Callable[[CheckContext], Iterable[Diagnostic]]


@dataclass(frozen=True)
class RegisteredCheck:
    """A check function with the codes it may yield."""

    func: Check
    codes: frozenset[str]

    @property
    def name(self) -> str:
        return self.func.__name__.lstrip("_")


#: Every check, in the order they run.
CHECKS: list[RegisteredCheck] = []
#: Every code a check may yield, with its severity (filled as checks register; codes never
#: change meaning). ``rounding`` belongs to every identity that may differ by rounding.
CODES: dict[str, Severity] = {"rounding": "info"}


def check(codes: Mapping[str, Severity], *, rounding: bool = False) -> Callable[[Check], Check]:
    """Register a check that yields diagnostics with these codes (and ``rounding``)."""
    if not codes:
        raise ValueError("a check declares the codes it yields")
    for code, severity in codes.items():
        if severity not in SEVERITIES or CODES.get(code, severity) != severity:
            raise ValueError(f"code {code!r}: severity {severity!r} conflicts or is unknown")
        CODES[code] = severity
    allowed = frozenset(codes) | ({"rounding"} if rounding else frozenset())

    def register(func: Check) -> Check:
        CHECKS.append(RegisteredCheck(func, allowed))
        return func

    return register


@functools.lru_cache(maxsize=32)
def check_data(layers: tuple[Path, ...]) -> Mapping[str, Any]:
    data: dict[str, Any] = {}
    for layer in layers:
        path = layer / "checks.yaml"
        if present(path):
            loaded = read_layer_file(path) or {}
            if not isinstance(loaded, Mapping):
                raise PhrasebankError(f"{path}: expected a mapping")
            data = merge(data, loaded)
    return data


def run_checks(
    figures: Figures,
    facts: Facts,
    *,
    bank: Phrasebank | None = None,
    said: frozenset[str] | None = None,
) -> list[Diagnostic]:
    """Run every registered check; the diagnostics come in registry order.

    ``said`` names the sentences the report prints; a missing reason counts only there.
    """
    bank = bank or load_phrasebank(figures.profile)
    ctx = CheckContext(figures, facts, bank, check_data(bank.layers), said)
    found: list[Diagnostic] = []
    for registered in CHECKS:
        for diagnostic in registered.func(ctx):
            if diagnostic.code not in registered.codes:
                raise RuntimeError(
                    f"check {registered.name} yielded undeclared code {diagnostic.code!r}"
                )
            found.append(diagnostic)
    return found


# -- helpers ------------------------------------------------------------------------


def amount_text(value: Decimal) -> str:
    """An amount as a diagnostic names it: at least two decimals, no exponent.

    >>> amount_text(Decimal("76.3")), amount_text(Decimal(0)), amount_text(Decimal("0.015"))
    ('76.30', '0.00', '0.015')
    """
    cents = value.quantize(_CENT)
    return f"{cents:f}" if cents == value else f"{value.normalize():f}"


Part = tuple[str | None, str, Decimal]  # (value name or None, path, amount)


def sum_identity(
    ctx: CheckContext,
    code: str,
    subject: str,
    total: tuple[str, Decimal],
    parts: Sequence[Part],
    extra: Mapping[str, str] | None = None,
) -> Iterator[Diagnostic]:
    """Total against the sum of its rounded parts: ``code`` beyond rounding, else ``rounding``."""
    total_path, total_value = total
    found = sum((amount for _, _, amount in parts), Decimal(0))
    difference = abs(total_value - found)
    if difference == 0:
        return
    paths = (total_path, *(path for _, path, _ in parts))
    values = {
        "subject": subject,
        "total": amount_text(total_value),
        "sum": amount_text(found),
        "difference": amount_text(difference),
        "parts": str(len(parts)),
    }
    values.update({name: amount_text(amount) for name, _, amount in parts if name})
    values.update(extra or {})
    tolerance = ctx.half_unit * len(parts)
    if difference <= tolerance:
        values.update(identity=code, tolerance=amount_text(tolerance))
        yield ctx.diagnostic("rounding", paths, values)
    else:
        yield ctx.diagnostic(code, paths, values)


def equal(
    ctx: CheckContext, code: str, left: tuple[str, str, Decimal], right: tuple[str, str, Decimal]
) -> Iterator[Diagnostic]:
    """Two printings of one figure, which must agree exactly."""
    (lname, lpath, lvalue), (rname, rpath, rvalue) = left, right
    if lvalue != rvalue:
        values = {
            lname: amount_text(lvalue),
            rname: amount_text(rvalue),
            "difference": amount_text(abs(lvalue - rvalue)),
        }
        yield ctx.diagnostic(code, (lpath, rpath), values)


def above(
    ctx: CheckContext, code: str, part: tuple[str, str, Decimal], whole: tuple[str, str, Decimal]
) -> Iterator[Diagnostic]:
    """A part that is larger than the whole it belongs to."""
    (pname, ppath, pvalue), (wname, wpath, wvalue) = part, whole
    if pvalue > wvalue:
        values = {
            pname: amount_text(pvalue),
            wname: amount_text(wvalue),
            "difference": amount_text(pvalue - wvalue),
        }
        yield ctx.diagnostic(code, (ppath, wpath), values)


#: The budgets whose expenditure is given by functional class (a missing one is skipped).
BUDGETS: Final[tuple[str, ...]] = ("general_budget", "fund_budget", "state_capital_budget")


def budgets(f: Figures) -> Iterator[tuple[str, BudgetExpenditure]]:
    for section in BUDGETS:
        budget = getattr(f, section, None)
        if isinstance(budget, BudgetExpenditure):
            yield section, budget
