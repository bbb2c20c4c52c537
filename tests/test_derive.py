"""Derived numbers: exact, half-up, shares adding up, zero denominators as states."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from narrator.derive import change, completion, percent, round_half_up, shares


@pytest.mark.parametrize(
    ("parts", "whole", "expected"),
    [
        # The seed's structure list: plain rounding would give 6.76 and a sum of 99.99.
        (["187.32", "8.81", "4.28", "14.54"], "214.96", ["87.14", "4.10", "1.99", "6.77"]),
        (["138.66", "76.30"], "214.96", ["64.51", "35.49"]),
        (["214.96", "0", "0"], "214.96", ["100.00", "0.00", "0.00"]),
        # One part is the whole.
        (["5"], "5", ["100.00"]),
        # Remainders that tie go to the earlier parts.
        (["1", "1", "1"], "3", ["33.34", "33.33", "33.33"]),
        (
            ["1", "1", "1", "1", "1", "1"],
            "6",
            ["16.67", "16.67", "16.67", "16.67", "16.66", "16.66"],
        ),
        # Parts that do not add up to the whole keep the sum of their exact shares.
        (["50", "25"], "100", ["50.00", "25.00"]),
    ],
)
def test_shares_add_up_by_largest_remainder(parts, whole, expected):
    result = shares([D(p) for p in parts], D(whole))
    assert result == [D(e) for e in expected]


def test_shares_of_parts_adding_to_whole_sum_to_exactly_100():
    parts = [D("33.333333"), D("33.333333"), D("33.333334")]
    result = shares(parts, sum(parts))
    assert result is not None and sum(result) == D("100.00")


def test_shares_of_a_zero_whole_are_a_state_not_numbers():
    assert shares([D(0), D(0)], D(0)) is None


def test_rounding_is_half_up_never_bankers():
    assert round_half_up(D("0.125")) == D("0.13")
    assert round_half_up(D("0.135")) == D("0.14")
    assert round_half_up(D("-0.125")) == D("-0.13")


def test_percent_rounds_once_half_up():
    assert percent(D("1"), D("8")) == D("12.50")
    assert percent(D("1"), D("800")) == D("0.13")  # 0.125 -> 0.13
    assert percent(D("1"), D(0)) is None


@pytest.mark.parametrize(
    ("current", "prior", "state", "rate"),
    [
        ("110", "100", "increase", "10.00"),
        ("90", "120", "decrease", "-25.00"),
        ("100", "100", "flat", "0.00"),
        ("214.96", "0", "from_zero", None),
        ("0", "0", "both_zero", None),
    ],
)
def test_change_states(current, prior, state, rate):
    result = change(D(current), D(prior))
    assert result.state == state
    assert result.rate == (None if rate is None else D(rate))
    assert result.difference == D(current) - D(prior)


@pytest.mark.parametrize(
    ("final", "budget", "state", "rate"),
    [
        ("386.52", "150.00", "over", "257.68"),
        ("156.40", "180.00", "under", "86.89"),
        ("16.30", "16.30", "equal", "100.00"),
        # The seed prints "完成年初预算的214.96%" over a budget of 0: no rate exists.
        ("214.96", "0", "no_budget", None),
        ("0", "0", "both_zero", None),
    ],
)
def test_completion_states(final, budget, state, rate):
    result = completion(D(final), D(budget))
    assert result.state == state
    assert result.rate == (None if rate is None else D(rate))


def test_completion_worded_as_change_compares_final_with_budget():
    assert completion(D("12"), D("10")).as_change.difference == D("2")
