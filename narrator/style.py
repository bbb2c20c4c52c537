"""Style options: the named conventions a report may follow, with their allowed values.

A figures file, a profile and a caller each may set them; :func:`resolve_style` merges
them over the defaults (the first value of each option).
"""

from __future__ import annotations

from collections.abc import Mapping

from narrator.errors import InputError

#: Style options and their values; the first value is the default.
STYLE_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "budget_basis": ("initial", "full_year", "both"),
    "item_completion_rate": ("no", "yes"),
    "budget_equal": ("flat", "equal_to", "same_as", "basically_flat"),
    "growth_from_zero": ("not_comparable", "hundred_percent"),
    "flat_change": ("flat", "versus_prior_year"),
    "both_zero_change": ("flat", "zero_percent", "plain_flat"),
    "both_zero_completion": ("not_applicable", "hundred_percent", "zero_percent"),
    "zero_amount": ("bare", "decimals"),
    "zero_rate": ("bare", "decimals"),
    "wan_alone": ("no", "yes"),
    "zero_three_public_parts": ("details", "statement"),
    "zero_whole_share": ("omit", "zero_percent"),
    "share_rounding": ("largest_remainder", "half_up", "last_balances"),
    "trim_rate_zeros": ("no", "yes"),
    "list_zero_lines": ("no", "yes"),
    "zh_money": ("wan", "wan_grouped", "yuan"),
    "en_money": ("auto", "million", "yuan"),
    "count_words": ("small", "never", "always"),
}


class StyleOptionError(InputError):
    """An unknown style option or value."""


def problem(name: str, value: str) -> str | None:
    """What is wrong with one option setting, or None.

    >>> problem("growth_from_zero", "maybe")
    "'maybe' is not one of not_comparable, hundred_percent"
    """
    if name not in STYLE_OPTIONS:
        return f"unknown style option (known: {', '.join(STYLE_OPTIONS)})"
    if value not in STYLE_OPTIONS[name]:
        return f"{value!r} is not one of {', '.join(STYLE_OPTIONS[name])}"
    return None


def resolve_style(*layers: Mapping[str, str]) -> dict[str, str]:
    """Merge style options (later wins) over the defaults, validating each."""
    style = {name: values[0] for name, values in STYLE_OPTIONS.items()}
    for layer in layers:
        for name, value in layer.items():
            found = problem(name, value)
            if found is not None:
                raise StyleOptionError(f"style.{name}: {found}")
            style[name] = value
    return style
