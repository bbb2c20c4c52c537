"""The baseline the benchmarks compare narrator with: no templates, no model, no Babel.

The same headline paragraphs narrator writes first — (一) totals and their change,
(二) income by source with shares, (三) expenditure by type with shares, (四) fiscal
totals, (五)1 the general-budget total, its share and change — produced in Chinese and
English by plain f-strings over the raw mapping, with Decimal arithmetic, half-up
rounding and largest-remainder shares. It is what a hand-written script would cost,
so narrator's time divided by it says what templates, validation, rules and checks add.

Nothing here imports narrator: the import benchmark uses it too.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import yaml

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_WAN = Decimal(10000)

INCOME = (
    ("fiscal", "财政拨款收入", "fiscal appropriations"),
    ("higher_level_grants", "上级补助收入", "grants from higher-level units"),
    ("operations", "事业收入", "revenue from public-service activities"),
    ("business", "经营收入", "business revenue"),
    ("from_subsidiaries", "附属单位上缴收入", "revenue from affiliated units"),
    ("other", "其他收入", "other revenue"),
)
EXPENDITURE = (
    ("basic", "基本支出", "basic expenditure"),
    ("project", "项目支出", "project expenditure"),
    ("to_higher_level", "上缴上级支出", "remittances to higher-level units"),
    ("business", "经营支出", "business expenditure"),
    ("to_subsidiaries", "对附属单位补助支出", "subsidies to affiliated units"),
)


def _d(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part * _HUNDRED / whole).quantize(_CENT, rounding=ROUND_HALF_UP)


def _shares(parts: list[Decimal], whole: Decimal) -> list[Decimal | None]:
    if whole == 0:
        return [None] * len(parts)
    exact = [p * _HUNDRED / whole for p in parts]
    floors = [e.quantize(_CENT, rounding=ROUND_DOWN) for e in exact]
    units = int((sum(exact).quantize(_CENT, rounding=ROUND_HALF_UP) - sum(floors)) / _CENT)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:units]:
        floors[i] += _CENT
    return list(floors)


def _wan(value: Decimal) -> str:
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP)}万元"


def _rmb(value: Decimal) -> str:
    yuan = value * _WAN
    if yuan >= 1_000_000:
        return f"RMB {(yuan / 1_000_000).normalize():f} million"
    return f"RMB {yuan.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def _change_zh(label: str, current: Decimal, prior: Decimal) -> str:
    diff = current - prior
    rate = _pct(abs(diff), prior)
    if prior == 0:
        return "上年无可比数据。"
    if diff == 0:
        return f"与上年持平。{label}"
    verb, rise = ("增加", "增长") if diff > 0 else ("减少", "下降")
    return f"{label}{verb}{_wan(abs(diff))}，{rise}{rate}%。"


def _change_en(label: str, current: Decimal, prior: Decimal) -> str:
    diff = current - prior
    rate = _pct(abs(diff), prior)
    if prior == 0:
        return "There is no prior-year figure to compare with."
    if diff == 0:
        return f"{label} was unchanged."
    verb = "increased" if diff > 0 else "decreased"
    return f"{label} {verb} by {_rmb(abs(diff))}, or {rate}%."


def render(figures: dict[str, Any]) -> tuple[str, str]:
    """The headline paragraphs in (zh, en)."""
    unit = figures["unit"]
    year = unit["year"]
    name = unit["name"]
    zh_name = name["zh"] if isinstance(name, dict) else name
    en_name = name.get("en", zh_name) if isinstance(name, dict) else name
    inc, exp, fis = figures["income"], figures["expenditure"], figures["fiscal"]
    prior = figures.get("prior_year") or {}
    grand = _d(inc["grand_total"])
    prior_grand = _d(prior.get("grand_total", 0))
    inc_total, exp_total = _d(inc["total"]), _d(exp["total"])
    inc_parts = [_d(inc["fiscal"]["total"])] + [_d(inc.get(k, 0)) for k, _, _ in INCOME[1:]]
    exp_parts = [_d(exp.get(k, 0)) for k, _, _ in EXPENDITURE]
    inc_shares, exp_shares = _shares(inc_parts, inc_total), _shares(exp_parts, exp_total)
    fis_grand, prior_fis = _d(fis["grand_total"]), _d(prior.get("fiscal_grand_total", 0))
    general = _d(figures["general_budget"]["total"])
    prior_general = _d(prior.get("general_expenditure", 0))
    general_share = _pct(general, exp_total)

    zh = [
        f"{zh_name}{year}年度部门决算",
        f"（一）{year}年度收、支总计{_wan(grand)}，与{year - 1}年度相比，"
        + _change_zh("收、支总计各", grand, prior_grand),
        f"（二）本年收入合计{_wan(inc_total)}；"
        + "；".join(
            f"{label}{_wan(v)}，占收入合计{s}%"
            for (_, label, _), v, s in zip(INCOME, inc_parts, inc_shares, strict=True)
            if v
        )
        + "。",
        f"（三）本年支出合计{_wan(exp_total)}，其中"
        + "；".join(
            f"{label}{_wan(v)}，占{s}%"
            for (_, label, _), v, s in zip(EXPENDITURE, exp_parts, exp_shares, strict=True)
            if v
        )
        + "。",
        f"（四）{year}年度财政拨款收、支总计{_wan(fis_grand)}，"
        + _change_zh("财政拨款收、支总计各", fis_grand, prior_fis),
        f"（五）{year}年度一般公共预算财政拨款支出{_wan(general)}，占本年支出合计的"
        f"{general_share}%。" + _change_zh("一般公共预算财政拨款支出", general, prior_general),
    ]
    en = [
        f"{en_name}: Final Accounts for {year}",
        f"(1) In {year}, total revenue and total expenditure were both {_rmb(grand)}. "
        + _change_en("Each", grand, prior_grand),
        f"(2) Total revenue for the year was {_rmb(inc_total)}, comprising "
        + "; ".join(
            f"{label} of {_rmb(v)}, or {s}% of the total"
            for (_, _, label), v, s in zip(INCOME, inc_parts, inc_shares, strict=True)
            if v
        )
        + ".",
        f"(3) Total expenditure for the year was {_rmb(exp_total)}, comprising "
        + "; ".join(
            f"{label} of {_rmb(v)}, or {s}%"
            for (_, _, label), v, s in zip(EXPENDITURE, exp_parts, exp_shares, strict=True)
            if v
        )
        + ".",
        f"(4) In {year}, total revenue and expenditure from fiscal appropriations were both "
        f"{_rmb(fis_grand)}. " + _change_en("Each", fis_grand, prior_fis),
        f"(5) In {year}, general-public-budget expenditure amounted to {_rmb(general)}, "
        f"or {general_share}% of total expenditure. "
        + _change_en("This expenditure", general, prior_general),
    ]
    return "\n\n".join(zh) + "\n", "\n\n".join(en) + "\n"


class _DecimalLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader reading YAML floats as Decimal (as narrator's loader does)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node))
    try:
        return Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"not a number: {text!r}", node.start_mark
        ) from None


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def read(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_DecimalLoader)
