"""Generate valid, realistic figures mappings for benchmarks and property tests.

``generate(seed)`` returns one unit's figures as plain data (what a YAML file holds):
amounts are ``Decimal`` strings in 万元 with two decimals, counts are ints, and every
table identity the checker knows holds *exactly* (no rounding differences):

- 本年收入合计 = the six sources; 财政拨款 = general + fund + state capital;
  收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 (and the same on the
  expenditure side); 收入总计 = 支出总计;
- 财政拨款收支总计 = 财政拨款收入 + 年初结转 = 财政拨款支出 + 年末结转, and
  财政拨款支出 = general + fund (+ state capital) budget expenditure;
- functional classes (real codes from ``phrasebanks/catalog.yaml``) add up to their budget,
  listed 项 items add up to their class; budget basic + project = total;
- 基本支出 = 人员经费 + 公用经费 = ``general_budget.basic``;
- "三公" parts add up (amounts and budgets), 公务用车 = 购置 + 运行维护, 公务接待 = 外事 + 国内
  (amounts, batches and persons); 政府采购 = goods + works + services, SME ≤ total,
  small and micro ≤ SME; vehicles by kind = total vehicles.

Prior-year figures are given unless the unit was established in the report year (then
they are absent, as for the seed's unit). Some sentences carry user reasons, in both
languages.

Usage::

    python benchmarks/generate.py OUTDIR N [--start SEED]

writes ``OUTDIR/unit-00000.yaml`` … (seeds ``START`` … ``START+N-1``).
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "phrasebanks" / "catalog.yaml"

#: 项 items that belong to government-fund budgets (catalog codes), by 类.
FUND_ITEMS: dict[str, tuple[str, ...]] = {
    "212": ("2120803", "2120804"),
    "213": ("2136903", "2136601"),
}
#: 款 whose items are fund-budget spending, never general-budget spending.
_FUND_SECTIONS = ("21208", "21369", "21366")

PERSONNEL_CODES = (
    "30101", "30102", "30103", "30106", "30107", "30108", "30109", "30110",
    "30112", "30113", "30199", "30301", "30302", "30305", "30399",
)  # fmt: skip
PUBLIC_CODES = (
    "30201", "30202", "30205", "30206", "30207", "30209", "30211", "30213",
    "30215", "30216", "30217", "30226", "30228", "30229", "30231", "30239", "30299",
)  # fmt: skip

PLACES = (
    ("临湖县", "Linhu County"),
    ("青溪市", "Qingxi City"),
    ("松阳区", "Songyang District"),
    ("白沙县", "Baisha County"),
    ("东岭市", "Dongling City"),
    ("云台县", "Yuntai County"),
)
AGENCIES = (
    ("水利局", "Water Resources Bureau"),
    ("农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("统计局", "Statistics Bureau"),
    ("大数据发展管理中心", "Big Data Development Administration Center"),
    ("文化广电旅游局", "Culture, Radio, Television and Tourism Bureau"),
    ("卫生健康局", "Health Commission"),
    ("交通运输局", "Transport Bureau"),
    ("科学技术局", "Science and Technology Bureau"),
)
REASONS = (
    (
        "人员调整及工资标准提高，相应人员经费增加",
        "staffing changes and higher pay scales raised personnel expenses",
    ),
    (
        "本年新增信息化建设项目，项目支出增加",
        "new information-technology projects this year increased project expenditure",
    ),
    (
        "上年一次性项目已完成，本年相应支出减少",
        "one-off projects of the previous year were completed, so the corresponding spending fell",
    ),
    (
        "厉行节约，压减一般性支出",
        "the unit practiced economy and cut general expenditure",
    ),
    (
        "年中追加防汛抢险资金",
        "additional flood-response funds were allocated during the year",
    ),
    (
        "部分项目未完成竣工结算，资金结转下年使用",
        "some projects had not yet reached final settlement on completion, and the funds were "
        "carried over",
    ),
)
#: Sentences a user reason may be given for (all exist in every profile's report).
REASON_KEYS = (
    "totals.change",
    "fiscal_totals.change",
    "general_budget.change",
    "general_budget.completion",
    "three_public.completion",
    "three_public.vehicles.change",
)

_AMOUNT = re.compile(r"^\d+\.\d{2}$")


@functools.lru_cache(maxsize=1)
def _catalog() -> tuple[tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]]]:
    """(general class codes, fund class codes, 项 codes by class) from the catalog."""
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    items: dict[str, list[str]] = {}
    for code, entry in data["codes"].items():
        if entry["level"] == "项" and not code.startswith(_FUND_SECTIONS):
            items.setdefault(code[:3], []).append(code)
    general = tuple(data["lists"]["official-2024-general"])
    fund = tuple(data["lists"]["official-2024-fund"])
    return general, fund, {k: tuple(sorted(v)) for k, v in items.items()}


# -- exact arithmetic in fen (hundredths of 万元) ------------------------------------


def _wan(fen: int) -> str:
    """An amount in fen as the 万元 string a figures file gives: ``12345`` -> ``"123.45"``."""
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def _split(rng: random.Random, total: int, n: int, *, zeros: float = 0.0) -> list[int]:
    """``total`` split into ``n`` non-negative integer parts that add up exactly."""
    if n <= 0:
        return []
    weights = [0.0 if rng.random() < zeros else rng.random() ** 2 + 0.01 for _ in range(n)]
    if not any(weights):
        weights[rng.randrange(n)] = 1.0
    scale = sum(weights)
    parts = [int(total * w / scale) for w in weights]
    parts[max(range(n), key=lambda i: weights[i])] += total - sum(parts)
    return parts


def _around(rng: random.Random, fen: int, spread: float = 0.25) -> int:
    """A value near ``fen`` (a budget or a prior-year figure); sometimes exactly equal."""
    roll = rng.random()
    if roll < 0.12:
        return fen
    if roll < 0.15:
        return 0
    return max(0, round(fen * rng.uniform(1 - spread, 1 + spread)))


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


# -- the parts -----------------------------------------------------------------------


def _classes(
    rng: random.Random, total: int, pool: tuple[str, ...], *, fund: bool
) -> tuple[list[dict[str, Any]], int, bool]:
    """Functional classes adding up to ``total`` and their items; also the items' budget, and
    whether every class lists items that all give a budget (the budget's own initial budget
    must then equal theirs: the checker's ``item-budgets-sum``)."""
    if total == 0:
        return [], 0, False
    _, _, items_by_class = _catalog()
    count = min(len(pool), rng.randint(1, 5))
    codes = [c for c in pool if c in set(rng.sample(pool, count))]  # official order
    amounts = _split(rng, total, len(codes))
    classes: list[dict[str, Any]] = []
    item_budget = 0
    complete = True
    for code, amount in zip(codes, amounts, strict=True):
        if amount == 0:
            continue
        cls: dict[str, Any] = {"code": code, "amount": _wan(amount)}
        candidates = FUND_ITEMS.get(code, ()) if fund else items_by_class.get(code, ())
        if candidates and rng.random() < 0.7:
            chosen = sorted(rng.sample(candidates, rng.randint(1, min(4, len(candidates)))))
            items = []
            for item_code, item_amount in zip(
                chosen, _split(rng, amount, len(chosen)), strict=True
            ):
                item: dict[str, Any] = {"code": item_code, "amount": _wan(item_amount)}
                budget = _around(rng, item_amount, 0.3)
                if rng.random() < 0.85 and (budget or not item_amount):
                    item["initial_budget"] = _wan(budget)
                    item_budget += budget
                else:
                    complete = False
                    if budget == 0 and item_amount:  # funded during the year: 全年预算 only
                        item["adjusted_budget"] = _wan(
                            _around(rng, item_amount, 0.05) or item_amount
                        )
                if rng.random() < 0.3:
                    zh, en = rng.choice(REASONS)
                    item["reason"] = _text(zh, en)
                items.append(item)
            cls["items"] = items
        else:
            complete = False
        classes.append(cls)
    return classes, item_budget, complete and bool(classes)


def _budgets(initial: int, spent: int) -> dict[str, str]:
    """A budget's 年初预算, or its 全年预算 alone when it had none and spent (set up mid-year)."""
    if initial == 0 and spent:
        return {"adjusted_budget": _wan(spent)}
    return {"initial_budget": _wan(initial)}


def _three_public(rng: random.Random, scale: int) -> tuple[dict[str, Any], dict[str, int]]:
    """The "三公" table and the fleet size it implies."""
    cap = max(1, scale // 200)
    overseas = rng.randrange(cap) if rng.random() < 0.3 else 0
    purchase = rng.randrange(cap * 2) if rng.random() < 0.25 else 0
    operation = rng.randrange(cap) if rng.random() < 0.8 else 0
    reception = rng.randrange(cap) if rng.random() < 0.8 else 0
    fleet = rng.randint(1, 12) if purchase or operation else 0
    purchased = rng.randint(1, max(1, min(fleet, 2))) if purchase and fleet else 0
    groups = rng.randint(1, 3) if overseas else 0
    trips = groups * rng.randint(1, 5)
    foreign_fen = reception * rng.randint(0, 20) // 100 if reception else 0
    domestic_fen = reception - foreign_fen
    foreign_batches = rng.randint(1, 3) if foreign_fen else 0
    domestic_batches = rng.randint(1, 60) if domestic_fen else 0
    foreign_persons = foreign_batches * rng.randint(2, 10)
    domestic_persons = domestic_batches * rng.randint(2, 10)
    vehicles = purchase + operation
    # A "三公" budget is never 0 when something was spent: the rate over 0 is an error.
    budgets = {
        "overseas": _around(rng, overseas) or overseas,
        "vehicles": _around(rng, vehicles) or vehicles,
        "reception": _around(rng, reception) or reception,
    }
    table: dict[str, Any] = {
        "budget": _wan(sum(budgets.values())),
        "amount": _wan(overseas + vehicles + reception),
        "overseas": {
            "budget": _wan(budgets["overseas"]),
            "amount": _wan(overseas),
            "groups": groups,
            "person_trips": trips,
        },
        "vehicles": {
            "budget": _wan(budgets["vehicles"]),
            "amount": _wan(vehicles),
            "purchase": _wan(purchase),
            "operation": _wan(operation),
            "purchased": purchased,
            "fleet": fleet,
        },
        "reception": {
            "budget": _wan(budgets["reception"]),
            "amount": _wan(reception),
            "batches": foreign_batches + domestic_batches,
            "persons": foreign_persons + domestic_persons,
        },
    }
    if reception and rng.random() < 0.7:
        table["reception"]["foreign"] = {
            "amount": _wan(foreign_fen),
            "batches": foreign_batches,
            "persons": foreign_persons,
        }
        table["reception"]["domestic"] = {
            "amount": _wan(domestic_fen),
            "batches": domestic_batches,
            "persons": domestic_persons,
        }
    return table, {
        "overseas": overseas,
        "vehicles": vehicles,
        "reception": reception,
        "fleet": fleet,
    }


PROFILES = ("zhejiang-2019", "shanghai-2024")


def generate(seed: int, profile: str | None = None) -> dict[str, Any]:
    """One unit's valid figures, the same for the same seed.

    ``profile`` forces the phrasebank profile; by default 30% of units are Shanghai 2024
    and the rest Zhejiang 2019 (the figures are the same model either way).
    """
    rng = random.Random(seed)
    general_pool, fund_pool, _ = _catalog()
    drawn = "shanghai-2024" if rng.random() < 0.3 else "zhejiang-2019"
    profile = profile or drawn
    shanghai = profile == "shanghai-2024"
    year = rng.randint(2023, 2024) if shanghai else rng.randint(2019, 2024)
    place_zh, place_en = rng.choice(PLACES)
    agency_zh, agency_en = rng.choice(AGENCIES)
    new_unit = rng.random() < 0.15

    unit: dict[str, Any] = {
        "name": _text(place_zh + agency_zh, f"{place_en} {agency_en}"),
        "year": year,
        "duties": _text(
            f"{place_zh}{agency_zh}是{place_zh[-1]}政府工作部门，负责本行业的规划、管理和服务工作。",
            f"The {place_en} {agency_en} is a working department of the local government, "
            "responsible for the planning, administration and services of its sector.",
        ),
    }
    if new_unit:
        unit["established"] = {"year": year, "cause": "institutional_reform"}
        if rng.random() < 0.5:
            unit["supplementary_budget_month"] = rng.randint(6, 11)
    elif rng.random() < 0.3:
        unit["established"] = {"year": rng.randint(1980, year - 1)}

    # -- fiscal appropriations (all in fen) ------------------------------------------
    scale = int(10 ** rng.uniform(4, 7.5))  # 100 万元 … 3 亿元
    general_in = scale
    fund_in = int(scale * rng.uniform(0.05, 0.6)) if rng.random() < 0.45 else 0
    capital_in = int(scale * rng.uniform(0.01, 0.05)) if shanghai and rng.random() < 0.3 else 0
    fiscal_in = general_in + fund_in + capital_in
    cf = [int(x * rng.uniform(0, 0.15)) if rng.random() < 0.7 else 0 for x in (general_in, fund_in)]
    cf.append(0)
    spent_rate = [rng.uniform(0.85, 1.0) for _ in range(3)]
    general_out = int((general_in + cf[0]) * spent_rate[0])
    fund_out = int((fund_in + cf[1]) * spent_rate[1])
    capital_out = int(capital_in * spent_rate[2])
    fiscal_out = general_out + fund_out + capital_out
    fiscal_cf = sum(cf)
    fiscal_grand = fiscal_in + fiscal_cf

    # -- other income and spending ---------------------------------------------------
    others = ["higher_level_grants", "operations", "business", "from_subsidiaries", "other"]
    other_in = {
        name: (int(scale * rng.uniform(0.005, 0.2)) if rng.random() < chance else 0)
        for name, chance in zip(others, (0.15, 0.35, 0.05, 0.05, 0.5), strict=True)
    }
    non_fiscal_in = sum(other_in.values())
    non_fiscal_cf = int(non_fiscal_in * rng.uniform(0, 0.4)) if non_fiscal_in else 0
    non_fiscal_out = int((non_fiscal_in + non_fiscal_cf) * rng.uniform(0.7, 1.0))
    business_out = min(non_fiscal_out, other_in["business"])
    to_subsidiaries = non_fiscal_out // 10 if rng.random() < 0.1 else 0
    to_higher = non_fiscal_out // 20 if rng.random() < 0.05 else 0
    non_fiscal_rest = non_fiscal_out - business_out - to_subsidiaries - to_higher
    non_fiscal_basic = int(non_fiscal_rest * rng.uniform(0, 0.5))

    general_basic = int(general_out * rng.uniform(0.3, 0.8))
    general_project = general_out - general_basic
    personnel = int(general_basic * rng.uniform(0.7, 0.93))

    income_total = fiscal_in + non_fiscal_in
    income_grand = income_total + fiscal_cf + non_fiscal_cf
    expenditure_total = fiscal_out + non_fiscal_out
    basic_out = general_basic + non_fiscal_basic
    project_out = expenditure_total - basic_out - business_out - to_subsidiaries - to_higher

    general_classes, general_item_budget, general_complete = _classes(
        rng, general_out, general_pool, fund=False
    )
    fund_classes, fund_item_budget, fund_complete = _classes(rng, fund_out, fund_pool, fund=True)

    def budget_of(total: int, item_budget: int, complete: bool) -> int:
        if complete:  # every class's items give their budgets: the total is theirs
            return item_budget
        return item_budget if item_budget and rng.random() < 0.5 else _around(rng, total, 0.15)

    figures: dict[str, Any] = {
        "profile": profile,
        "unit": unit,
        "income": {
            "fiscal": {
                "general": _wan(general_in),
                "fund": _wan(fund_in),
                "state_capital": _wan(capital_in),
                "total": _wan(fiscal_in),
            },
            **{name: _wan(value) for name, value in other_in.items()},
            "total": _wan(income_total),
            "non_fiscal_balance_used": _wan(0),
            "carried_forward": _wan(fiscal_cf + non_fiscal_cf),
            "grand_total": _wan(income_grand),
        },
        "expenditure": {
            "basic": _wan(basic_out),
            "project": _wan(project_out),
            "to_higher_level": _wan(to_higher),
            "business": _wan(business_out),
            "to_subsidiaries": _wan(to_subsidiaries),
            "total": _wan(expenditure_total),
            "balance_distribution": _wan(0),
            "carried_over": _wan(income_grand - expenditure_total),
            "grand_total": _wan(income_grand),
        },
        "fiscal": {
            "carried_forward": _wan(fiscal_cf),
            "expenditure": _wan(fiscal_out),
            "carried_over": _wan(fiscal_grand - fiscal_out),
            "grand_total": _wan(fiscal_grand),
        },
        "general_budget": {
            "total": _wan(general_out),
            **_budgets(budget_of(general_out, general_item_budget, general_complete), general_out),
            "basic": _wan(general_basic),
            "project": _wan(general_project),
            "classes": general_classes,
        },
        "basic": {
            "total": _wan(general_basic),
            "personnel": {
                "amount": _wan(personnel),
                "covers": sorted(rng.sample(PERSONNEL_CODES, rng.randint(3, 9))),
            },
            "public": {
                "amount": _wan(general_basic - personnel),
                "covers": sorted(rng.sample(PUBLIC_CODES, rng.randint(3, 9))),
            },
        },
        "fund_budget": {
            "total": _wan(fund_out),
            **_budgets(
                budget_of(fund_out, fund_item_budget, fund_complete) if fund_out else 0, fund_out
            ),
            "basic": _wan(0),
            "project": _wan(fund_out),
            "classes": fund_classes,
        },
    }
    if capital_in:
        figures["state_capital_budget"] = {
            "total": _wan(capital_out),
            **_budgets(_around(rng, capital_out, 0.1), capital_out),
            "basic": _wan(0),
            "project": _wan(capital_out),
            "classes": [{"code": "208", "amount": _wan(capital_out)}] if capital_out else [],
        }

    three_public, tp = _three_public(rng, general_basic)
    figures["three_public"] = three_public

    if rng.random() < 0.8:
        public = general_basic - personnel
        amount = int(public * rng.uniform(0.3, 0.9))
        costs: dict[str, Any] = {"amount": _wan(amount)}
        if rng.random() < 0.7:
            costs["budget"] = _wan(_around(rng, amount, 0.1))
        figures["operating_costs"] = costs
    if rng.random() < 0.7:
        goods, works, services = _split(rng, int(general_project * rng.uniform(0, 0.6)), 3)
        total = goods + works + services
        sme = int(total * rng.uniform(0.3, 1.0))
        figures["procurement"] = {
            "goods": _wan(goods),
            "works": _wan(works),
            "services": _wan(services),
            "total": _wan(total),
            "sme": _wan(sme),
            "small_micro": _wan(int(sme * rng.uniform(0.3, 1.0))),
        }
    if rng.random() < 0.7:
        kinds = ["confidential", "emergency", "law_enforcement", "special_technical", "other"]
        counts = _split(rng, tp["fleet"], len(kinds), zeros=0.5)
        figures["assets"] = {
            "vehicles": {k: c for k, c in zip(kinds, counts, strict=True) if c},
            "total_vehicles": tp["fleet"],
            "general_equipment": rng.randint(0, 3),
            "special_equipment": rng.randint(0, 2),
        }
    if general_project and rng.random() < 0.5:
        evaluated = int(general_project * rng.uniform(0.2, 1.0))
        figures["performance"] = {
            "level1_projects": rng.randint(0, 5),
            "level2_projects": rng.randint(0, 30),
            "evaluated_amount": _wan(evaluated),
            "evaluated_base": _wan(general_project),
        }

    if not new_unit:
        three_prior = {name: _around(rng, tp[name], 0.4) for name in ("overseas", "vehicles")}
        three_prior["reception"] = _around(rng, tp["reception"], 0.4)
        prior: dict[str, Any] = {
            "grand_total": _wan(_around(rng, income_grand, 0.3)),
            "fiscal_grand_total": _wan(_around(rng, fiscal_grand, 0.3)),
            "general_expenditure": _wan(_around(rng, general_out, 0.3)),
            "fund_expenditure": _wan(_around(rng, fund_out, 0.5)),
            "three_public": {
                **{name: _wan(value) for name, value in three_prior.items()},
                "total": _wan(sum(three_prior.values())),
            },
        }
        if capital_in:
            prior["state_capital_expenditure"] = _wan(_around(rng, capital_out, 0.5))
        if "operating_costs" in figures:
            prior["operating_costs"] = _wan(
                _around(rng, int(Decimal(figures["operating_costs"]["amount"]) * 100), 0.2)
            )
        figures["prior_year"] = prior

    reasons = {}
    for key in rng.sample(REASON_KEYS, rng.randint(0, 3)):
        zh, en = rng.choice(REASONS)
        reasons[key] = _text(zh, en)
    if reasons:
        figures["reasons"] = reasons
    return figures


# -- writing ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Writes amounts as plain YAML numbers (``76.30``), as a figures file gives them."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _AMOUNT.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:float", value)
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


def dump(figures: dict[str, Any]) -> str:
    """Figures as YAML text (amounts unquoted; narrator reads them as Decimal)."""
    return yaml.dump(figures, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write(outdir: Path, n: int, start: int = 0) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(start, start + n):
        path = outdir / f"unit-{seed:05d}.yaml"
        path.write_text(dump(generate(seed)), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--start", type=int, default=0, help="first seed (default 0)")
    args = parser.parse_args(argv)
    write(args.outdir, args.n, args.start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
