"""Derived numbers: shares, changes and budget completion, exact and half-up.

Every ratio is rounded here, once, to :data:`PERCENT_PLACES`; formatting never
rounds again. A zero denominator gives a *state* the wording uses, never a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Literal

#: The context every figure is computed in, whatever context the caller's thread has set:
#: a caller's lower precision would round sums and differences silently, its traps
#: (Inexact) or limits (Emax) would fail a report midway. Python's default context.
CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def exact() -> AbstractContextManager[Context]:
    """A block computed in :data:`CONTEXT` (the caller's context is restored after it)."""
    return localcontext(CONTEXT)


#: Percentages are printed with two decimals (87.14%).
PERCENT_PLACES = Decimal("0.01")
_HUNDRED = Decimal(100)

ChangeState = Literal["increase", "decrease", "flat", "from_zero", "both_zero"]
CompletionState = Literal["over", "under", "equal", "no_budget", "both_zero"]


def round_half_up(value: Decimal, places: Decimal = PERCENT_PLACES) -> Decimal:
    """Round as 四舍五入 does, never as banker's rounding.

    >>> round_half_up(Decimal("6.765"))
    Decimal('6.77')
    >>> round_half_up(Decimal("0.125"))
    Decimal('0.13')
    """
    return value.quantize(places, rounding=ROUND_HALF_UP)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, half-up; ``None`` when ``whole`` is zero.

    >>> percent(Decimal("214.96"), Decimal("0")) is None
    True
    >>> percent(Decimal("1"), Decimal("3"))
    Decimal('33.33')
    """
    if whole == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 50
        return round_half_up(part * _HUNDRED / whole)


#: How the shares of one whole are rounded (the style option ``share_rounding``):
#: ``largest_remainder`` (they add up to 100.00%), ``half_up`` (each on its own; they may
#: add up to 99.99% or 100.01%), ``last_balances`` (each on its own but the last non-zero
#: one, which takes what makes the list add up).
ShareRounding = Literal["largest_remainder", "half_up", "last_balances"]
SHARE_ROUNDINGS: tuple[ShareRounding, ...] = ("largest_remainder", "half_up", "last_balances")


def shares(
    parts: Sequence[Decimal], whole: Decimal, method: str = "largest_remainder"
) -> list[Decimal] | None:
    """Shares of one whole in percent, rounded by ``method`` (see :data:`ShareRounding`).

    By the largest remainder (the default), the rounded shares add up to the half-up
    rounding of the exact sum, which is exactly 100.00 when the parts add up to the whole;
    ties between equal remainders go to the earlier part. ``None`` when the whole is zero.

    >>> seed = [Decimal(x) for x in ("187.32", "8.81", "4.28", "14.54")]
    >>> shares(seed, Decimal("214.96"))
    [Decimal('87.14'), Decimal('4.10'), Decimal('1.99'), Decimal('6.77')]
    >>> shares(seed, Decimal("214.96"), "half_up")
    [Decimal('87.14'), Decimal('4.10'), Decimal('1.99'), Decimal('6.76')]
    >>> shares([Decimal(1)] * 3, Decimal(3))
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    >>> shares([Decimal(1)] * 3 + [Decimal(0)], Decimal(3), "last_balances")
    [Decimal('33.33'), Decimal('33.33'), Decimal('33.34'), Decimal('0.00')]
    """
    if whole == 0:
        return None
    if method not in SHARE_ROUNDINGS:
        raise ValueError(f"unknown share rounding {method!r}")
    with localcontext() as ctx:
        ctx.prec = 50
        exact = [part * _HUNDRED / whole for part in parts]
        target = round_half_up(sum(exact, Decimal(0)))
        if method != "largest_remainder":
            result = [round_half_up(value) for value in exact]
            last = max((i for i, part in enumerate(parts) if part != 0), default=None)
            if method == "last_balances" and last is not None:
                others = sum((v for i, v in enumerate(result) if i != last), Decimal(0))
                result[last] = target - others
            return [value.quantize(PERCENT_PLACES) for value in result]
        floors = [value.quantize(PERCENT_PLACES, rounding=ROUND_DOWN) for value in exact]
        units = int((target - sum(floors, Decimal(0))) / PERCENT_PLACES)
        order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
        result = list(floors)
        step = PERCENT_PLACES if units >= 0 else -PERCENT_PLACES
        for i in order[: abs(units)]:
            result[i] += step
    return [value.quantize(PERCENT_PLACES) for value in result]


@dataclass(frozen=True, slots=True)
class Change:
    """This year against last year."""

    current: Decimal
    prior: Decimal
    difference: Decimal
    rate: Decimal | None
    state: ChangeState

    @property
    def magnitude(self) -> Decimal:
        return abs(self.difference)

    @property
    def rate_magnitude(self) -> Decimal | None:
        return None if self.rate is None else abs(self.rate)


def change(current: Decimal, prior: Decimal) -> Change:
    """Compare ``current`` with ``prior``.

    >>> change(Decimal("214.96"), Decimal(0)).state
    'from_zero'
    >>> change(Decimal("90"), Decimal("120")).rate
    Decimal('-25.00')
    """
    difference = current - prior
    state: ChangeState
    if prior == 0:
        state = "both_zero" if current == 0 else "from_zero"
    elif difference > 0:
        state = "increase"
    elif difference < 0:
        state = "decrease"
    else:
        state = "flat"
    return Change(current, prior, difference, percent(difference, prior), state)


@dataclass(frozen=True, slots=True)
class Completion:
    """Final accounts against the budget."""

    budget: Decimal
    final: Decimal
    difference: Decimal
    rate: Decimal | None
    state: CompletionState

    @property
    def magnitude(self) -> Decimal:
        return abs(self.difference)

    @property
    def as_change(self) -> Change:
        """The final against the budget, worded as a change (比年初预算数增加…)."""
        return change(self.final, self.budget)

    @property
    def deviation_rate(self) -> Decimal | None:
        """How far the final is above or below budget, in percent of the budget."""
        return percent(abs(self.difference), self.budget)


def completion(final: Decimal, budget: Decimal) -> Completion:
    """Compare the final accounts with the budget.

    >>> completion(Decimal("214.96"), Decimal(0)).rate is None
    True
    >>> completion(Decimal("16.30"), Decimal("16.30")).state
    'equal'
    """
    difference = final - budget
    state: CompletionState
    if budget == 0:
        state = "both_zero" if final == 0 else "no_budget"
    elif difference > 0:
        state = "over"
    elif difference < 0:
        state = "under"
    else:
        state = "equal"
    return Completion(budget, final, difference, percent(final, budget), state)
