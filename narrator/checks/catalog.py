"""The functional classification: codes, names and what items are used for.

Codes
    ``unknown-code``                  (warning) a functional code not in the catalog
    ``item-outside-class``            (error) an item whose code is not under its class
    ``item-name-mismatch``            (warning) an item's Chinese name is not the catalog's
    ``section-name-mismatch``         (warning) an item's ``section_name`` (which the report
                                      prints) is not the catalog's name of its 款
    ``section-unknown``               (warning) a 项 whose 款 neither the catalog nor its
                                      ``section_name`` names: the report prints the 款 code
    ``used-for-contradicts``          (warning) an item's 主要用于 text names spending of
                                      another 款 (keywords in ``checks.yaml``)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from narrator.checks.core import CheckContext, Diagnostic, budgets, check


def _same_name(given: str, official: str) -> bool:
    table = str.maketrans({"(": "（", ")": "）"})
    return "".join(given.split()).translate(table) == "".join(official.split()).translate(table)


@check(
    {
        "unknown-code": "warning",
        "item-outside-class": "error",
        "item-name-mismatch": "warning",
        "section-name-mismatch": "warning",
        "section-unknown": "warning",
        "used-for-contradicts": "warning",
    }
)
def _catalog(ctx: CheckContext) -> Iterator[Diagnostic]:
    codes = ctx.bank.codes
    zh = ctx.bank.language("zh")
    contradictions: Mapping[str, Sequence[str]] = ctx.data.get("used_for_contradictions") or {}
    for section, budget in budgets(ctx.figures):
        for i, cls in enumerate(budget.classes):
            where = f"{section}.classes[{i}]"
            if cls.code not in codes:
                yield ctx.diagnostic("unknown-code", (f"{where}.code",), {"code": cls.code})
            for j, item in enumerate(cls.items):
                at = f"{where}.items[{j}]"
                if not item.code.startswith(cls.code):
                    yield ctx.diagnostic(
                        "item-outside-class",
                        (f"{at}.code", f"{where}.code"),
                        {"code": item.code, "class": cls.code},
                    )
                if item.code not in codes:
                    yield ctx.diagnostic("unknown-code", (f"{at}.code",), {"code": item.code})
                kuan = item.code[:5]
                official_section = [
                    str(names[kuan])
                    for names in (zh.names, zh.catalog.get("names_2024", {}))
                    if kuan in names
                ]
                if (
                    item.section_name is not None
                    and official_section
                    and not any(_same_name(item.section_name.zh, n) for n in official_section)
                ):
                    yield ctx.diagnostic(
                        "section-name-mismatch",
                        (f"{at}.section_name",),
                        {
                            "code": item.code,
                            "section": kuan,
                            "name": item.section_name.zh,
                            "catalog_name": official_section[0],
                        },
                    )
                if len(item.code) == 7 and not official_section and item.section_name is None:
                    yield ctx.diagnostic(
                        "section-unknown",
                        (f"{at}.section_name",),
                        {"code": item.code, "section": kuan},
                    )
                official = [
                    str(names[item.code])
                    for names in (zh.names, zh.catalog.get("names_2024", {}))
                    if item.code in names
                ]
                if (
                    item.name is not None
                    and official
                    and not any(_same_name(item.name.zh, name) for name in official)
                ):
                    yield ctx.diagnostic(
                        "item-name-mismatch",
                        (f"{at}.name",),
                        {"code": item.code, "name": item.name.zh, "catalog_name": official[0]},
                    )
                if item.used_for is not None:
                    for keyword in contradictions.get(item.code[:5], ()):
                        if str(keyword) in item.used_for.zh:
                            yield ctx.diagnostic(
                                "used-for-contradicts",
                                (f"{at}.used_for",),
                                {
                                    "code": item.code,
                                    "section": item.code[:5],
                                    "keyword": str(keyword),
                                },
                            )
                            break
