"""The figures model: one unit's final-accounts figures for one year, exactly.

The model mirrors the published tables (公开01–09表) including their totals, so
that the checker can verify them. Amounts are :class:`decimal.Decimal` in 万元;
a file may give them in 元 (``amount_unit: 元``) and they are converted exactly.

A number is taken exactly as written or refused with the field's path: files are
read by :mod:`narrator.datafile` (plain decimals only), and the model accepts a
finite ``Decimal``, an ``int`` or a plain-decimal string, never a float, a bool,
negative zero, or a value beyond :data:`AMOUNT_LIMIT_WAN` or finer than one fen.
Free text may not carry control, bidi or zero-width characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from narrator.datafile import (
    MAX_NUMBER_CHARS,
    SAFE_TEXT_PATTERN,
    DataFileError,
    number,
    parse_data,
    read_data,
    read_data_file,
    unsafe_character,
    visible,
)
from narrator.errors import InputError

#: One fen in 万元: the finest amount a figure may carry.
FEN_IN_WAN = Decimal("0.000001")
#: 元 per 万元.
YUAN_PER_WAN = Decimal(10000)
#: Every amount is below this many 万元 (10^12 万元 = 10^16 元): far above any budget,
#: and small enough that every figure is exact in Decimal's 28 digits.
AMOUNT_LIMIT_WAN = Decimal(10) ** 12
#: Every count (projects, vehicles, person-trips...) is below this.
COUNT_LIMIT = 10**9
#: At most this many problems are spelt out in a :class:`FiguresError`'s message.
SHOWN_PROBLEMS = 20

AmountUnit = Literal["万元", "元"]


class FiguresError(InputError):
    """The figures cannot be read or are invalid; ``problems`` lists (path, message)."""

    def __init__(
        self,
        source: str,
        problems: list[tuple[str, str]],
        lines: Mapping[str, int] | None = None,
    ) -> None:
        self.source = source
        self.problems = problems
        #: The line of each field the file gave, by path (empty for a mapping).
        self.lines: Mapping[str, int] = lines or {}
        if len(problems) == 1 and not problems[0][0]:  # the file itself: one line
            super().__init__(f"{source}: {_clip(problems[0][1], 400)}")
            return
        lines_ = [f"{source}: invalid figures"] + [
            f"  {_clip(path, 120) or '<root>'}: {_clip(message, 300)}{self._where(path)}"
            for path, message in problems[:SHOWN_PROBLEMS]
        ]
        if len(problems) > SHOWN_PROBLEMS:
            lines_.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more")
        super().__init__("\n".join(lines_))

    def _where(self, path: str) -> str:
        """`` (line N)``: the line of the field, or of the nearest part of the file that
        holds it (a missing field's mapping); empty when the file's lines are not known."""
        while path:
            line = self.lines.get(path)
            if line is not None:
                return f" (line {line})"
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]
        return ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: Any) -> str:
    """A value as a message quotes it: short, with control characters escaped."""
    return _clip(repr(value), 40)


# -- scalar types -------------------------------------------------------------


def _to_decimal(value: Any) -> Decimal:
    """The exact number ``value`` is, or ValueError saying why it is not one.

    Only a finite Decimal, an int or a plain-decimal string (``-12``, ``214.96``,
    ``1.5E+2``) is a number; never a float, a bool, or negative zero.
    """
    if type(value) is Decimal:  # what the data-file reader gives
        result = value
    elif isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    elif isinstance(value, float):
        raise ValueError(f"must be given exactly (as text or Decimal), not as the float {value!r}")
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        if len(value) > MAX_NUMBER_CHARS:
            raise ValueError(f"must be a number of at most {MAX_NUMBER_CHARS} characters")
        try:
            written = number(value)
        except ValueError as exc:
            raise ValueError(f"must be a number within range: {exc}") from None
        if written is None:
            raise ValueError(
                "must be a number written as a plain decimal such as 1234.56 (no leading "
                f"zero, digit grouping, hex, octal or time forms), got {_shown(value)}"
            )
        result = Decimal(written)
    else:
        raise ValueError(f"must be a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"must be a finite number, got {_shown(value)}")
    if result.is_zero() and result.is_signed():
        raise ValueError("must not be negative zero (-0): write 0")
    return result


def _plain(value: Decimal, places: int) -> Decimal:
    """``value`` (known to be exact to ``places`` decimals) with at most that many and no
    positive exponent: ``1.5E+2`` is kept as 150 and ``1.50000000`` as 1.500000."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # not reached: the value is finite
        return value
    if exponent > 0:
        return value.quantize(Decimal(1))
    if exponent < -places:
        return value.quantize(Decimal(1).scaleb(-places))
    return value


def _amount(value: Any, info: ValidationInfo) -> Decimal:
    context = info.context
    # What the data-file reader gives, in 万元, is taken as it is when it needs nothing the
    # general path below would do (the same checks, in the same order of cost).
    if (
        type(value) is Decimal
        and (not context or context.get("amount_unit") != "元")
        and value.is_finite()
        and not value.is_signed()
        and value < AMOUNT_LIMIT_WAN
        and value == value.quantize(FEN_IN_WAN)
        and -6 <= cast(int, value.as_tuple().exponent) <= 0
    ):
        return value
    number = _to_decimal(value)
    if number.is_signed():
        raise ValueError(f"must not be negative, got {_shown_number(number)}")
    unit = (info.context or {}).get("amount_unit", "万元")
    in_yuan = unit == "元"
    unit = "元" if in_yuan else "万元"
    # Magnitude before arithmetic: quantizing 1E+999999999 would raise.
    limit = AMOUNT_LIMIT_WAN * YUAN_PER_WAN if in_yuan else AMOUNT_LIMIT_WAN
    if number >= limit:
        raise ValueError(f"is too large: an amount must be less than {limit:,} {unit}")
    fen = Decimal("0.01") if in_yuan else FEN_IN_WAN
    if number != number.quantize(fen):
        raise ValueError(f"is finer than one fen: {_shown_number(number)} {unit}")
    number = _plain(number, 2 if in_yuan else 6)
    return number / YUAN_PER_WAN if in_yuan else number


def _shown_number(number: Decimal) -> str:
    return _clip(str(number), 40)


def _whole(value: Any) -> int:
    """A whole number: an int, or a Decimal or plain-decimal string with a whole value."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    number = _to_decimal(value)
    if number.copy_abs() >= _WHOLE_LIMIT:  # exact; int() of 1E+999999999 would not finish
        raise ValueError(f"is too large: {_shown_number(number)}")
    if number != number.to_integral_value():
        raise ValueError(f"must be a whole number, got {_shown_number(number)}")
    return int(number)


_WHOLE_LIMIT = Decimal(10) ** 18


def _count(value: Any) -> int:
    count = _whole(value)
    if count < 0:
        raise ValueError(f"must not be negative, got {count}")
    if count >= COUNT_LIMIT:
        raise ValueError(f"is too large: a count must be less than {COUNT_LIMIT:,}")
    return count


def _score(value: Any) -> Decimal:
    number = _to_decimal(value)
    if number.is_signed() or number > 100:
        raise ValueError(f"must be between 0 and 100, got {_shown_number(number)}")
    if number != number.quantize(FEN_IN_WAN):
        raise ValueError(f"is finer than 0.000001: {_shown_number(number)}")
    return _plain(number, 6)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"must be true or false, got {_shown(value)}")


def _text(value: Any) -> Any:
    # A bare string is the Chinese text; its English is then missing.
    return {"zh": value} if isinstance(value, str) else value


#: An amount in 万元, non-negative, below the limit, at most fen precision.
Amount = Annotated[Decimal, BeforeValidator(_amount)]
#: A whole non-negative number of things (groups, vehicles, projects...), or an index.
Count = Annotated[int, BeforeValidator(_count)]
#: A whole number such as a year or a month (its range is the field's).
Whole = Annotated[int, BeforeValidator(_whole)]
Score = Annotated[Decimal, BeforeValidator(_score)]
#: true or false, nothing else ("yes", 1 and "on" are refused).
Flag = Annotated[bool, BeforeValidator(_flag)]
#: Text without control, bidi or zero-width characters (checked in pydantic's Rust;
#: :func:`_message` names the character).
Str = Annotated[str, StringConstraints(pattern=SAFE_TEXT_PATTERN)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Text(_Model):
    """Free text in both languages; ``en`` may be missing (the report then marks it)."""

    zh: Str = Field(min_length=1)
    en: Str | None = None

    @property
    def neutral(self) -> bool:
        """Text without Han characters ("100%", "2019.1") reads the same in any language."""
        return not _HAN.search(self.zh)


BiText = Annotated[Text, BeforeValidator(_text)]


def _key_or_text(value: Any) -> str:
    return "str" if isinstance(value, str) else "Text"


#: A key (a cause, an economic code) or free text: a string is checked as a string
#: only, so that its error is not doubled by the Text branch's.
KeyOrText = Annotated[
    Annotated[Str, Tag("str")] | Annotated[Text, Tag("Text")], Discriminator(_key_or_text)
]


# -- unit identity ------------------------------------------------------------


class Establishment(_Model):
    """When and why the unit was established."""

    year: Whole = Field(ge=1949, le=2100)
    #: A cause key known to the phrasebanks (e.g. ``institutional_reform``) or free text.
    cause: KeyOrText | None = None


class Member(_Model):
    """A unit whose accounts the departmental accounts include (单位名称 and 备注)."""

    name: BiText
    remark: BiText | None = Field(
        default=None, description="备注, e.g. 预算不单列，并入本级 or 下属参公事业单位."
    )


def _member(value: Any) -> Any:
    # A bare name ("上海市XX中心" or {zh, en}) is the name alone.
    if isinstance(value, Mapping) and ({"name", "remark"} & set(value)):
        return value
    return {"name": value}


class Unit(_Model):
    """Who reports: the unit's names and facts that reasons may cite."""

    name: BiText
    year: Whole = Field(ge=1949, le=2100, description="The report year (决算年度).")
    established: Establishment | None = None
    supplementary_budget_month: Whole | None = Field(
        default=None,
        ge=1,
        le=12,
        description="Month in which the supplementary budget (追加预算) was made.",
    )
    duties: BiText | None = Field(default=None, description="一、概况（一）部门职责.")
    members: tuple[Annotated[Member, BeforeValidator(_member)], ...] = Field(
        default=(),
        description="The units whose accounts the departmental accounts include: a name, or "
        "{name, remark} (备注).",
    )
    organisation: BiText | None = Field(default=None, description="一、概况（二）机构设置.")

    @property
    def new_this_year(self) -> bool:
        return self.established is not None and self.established.year == self.year


# -- the tables -------------------------------------------------------------


class FiscalIncome(_Model):
    """财政拨款收入 by budget."""

    general: Amount = Field(description="一般公共预算财政拨款.")
    fund: Amount = Field(default=Decimal(0), description="政府性基金预算财政拨款.")
    state_capital: Amount = Field(default=Decimal(0), description="国有资本经营预算财政拨款.")
    total: Amount = Field(description="财政拨款收入合计.")


class Income(_Model):
    """收入决算表 and the income side of 收入支出决算总表."""

    fiscal: FiscalIncome
    higher_level_grants: Amount = Field(default=Decimal(0), description="上级补助收入.")
    operations: Amount = Field(default=Decimal(0), description="事业收入.")
    business: Amount = Field(default=Decimal(0), description="经营收入.")
    from_subsidiaries: Amount = Field(default=Decimal(0), description="附属单位上缴收入.")
    other: Amount = Field(default=Decimal(0), description="其他收入.")
    total: Amount = Field(description="本年收入合计.")
    non_fiscal_balance_used: Amount = Field(
        default=Decimal(0), description="使用非财政拨款结余（用事业基金弥补收支差额）."
    )
    carried_forward: Amount = Field(default=Decimal(0), description="年初结转和结余.")
    grand_total: Amount = Field(description="收入总计.")

    def parts(self) -> tuple[tuple[str, Decimal], ...]:
        """The six sources of 本年收入合计, in the order the tables and reports list them."""
        return (
            ("fiscal", self.fiscal.total),
            ("higher_level_grants", self.higher_level_grants),
            ("operations", self.operations),
            ("business", self.business),
            ("from_subsidiaries", self.from_subsidiaries),
            ("other", self.other),
        )


class Expenditure(_Model):
    """支出决算表 and the expenditure side of 收入支出决算总表."""

    basic: Amount = Field(description="基本支出.")
    project: Amount = Field(description="项目支出.")
    to_higher_level: Amount = Field(default=Decimal(0), description="上缴上级支出.")
    business: Amount = Field(default=Decimal(0), description="经营支出.")
    to_subsidiaries: Amount = Field(default=Decimal(0), description="对附属单位补助支出.")
    total: Amount = Field(description="本年支出合计.")
    balance_distribution: Amount = Field(default=Decimal(0), description="结余分配.")
    carried_over: Amount = Field(default=Decimal(0), description="年末结转和结余.")
    grand_total: Amount = Field(description="支出总计.")

    def parts(self) -> tuple[tuple[str, Decimal], ...]:
        """The five types of 本年支出合计, in the order the tables and reports list them."""
        return (
            ("basic", self.basic),
            ("project", self.project),
            ("to_higher_level", self.to_higher_level),
            ("business", self.business),
            ("to_subsidiaries", self.to_subsidiaries),
        )


class FiscalTotals(_Model):
    """财政拨款收入支出决算总表: the totals the (四) paragraph speaks of."""

    carried_forward: Amount = Field(default=Decimal(0), description="年初财政拨款结转和结余.")
    expenditure: Amount = Field(description="财政拨款支出合计.")
    carried_over: Amount = Field(default=Decimal(0), description="年末财政拨款结转和结余.")
    grand_total: Amount = Field(description="财政拨款收、支总计.")


class Item(_Model):
    """A 款 or 项 line under a functional class, with its budget and what it pays for."""

    code: str = Field(
        pattern=r"^[0-9]{5}([0-9]{2})?$", description="5-digit 款 or 7-digit 项 code."
    )
    name: BiText | None = Field(default=None, description="Defaults to the catalog name.")
    section_name: BiText | None = Field(
        default=None, description="The 款 name, when the catalog does not have the 款."
    )
    initial_budget: Amount | None = Field(default=None, description="年初预算.")
    adjusted_budget: Amount | None = Field(
        default=None, description="全年预算: 年初预算 with the year's adjustments."
    )
    amount: Amount = Field(description="支出决算.")
    used_for: BiText | None = Field(default=None, description="主要用于….")
    reason: BiText | None = Field(default=None, description="Reason for a deviation from budget.")


class FunctionalClass(_Model):
    """A 类 of the functional classification with its 款/项 items."""

    code: str = Field(pattern=r"^[0-9]{3}$")
    amount: Amount
    items: tuple[Item, ...] = ()


class EconomicLine(_Model):
    """What personnel or public expenses mainly cover: catalog codes or free text."""

    amount: Amount
    covers: tuple[KeyOrText, ...] = Field(
        default=(), description="Economic-classification codes (e.g. 30101) or text."
    )


class BasicExpenditure(_Model):
    """一般公共预算财政拨款基本支出决算表."""

    total: Amount
    personnel: EconomicLine = Field(description="人员经费.")
    public: EconomicLine = Field(description="公用经费.")


class BudgetExpenditure(_Model):
    """Expenditure of one budget (general public or government fund) by class."""

    total: Amount
    initial_budget: Amount | None = Field(
        default=None, description="年初预算 (omitted for a unit set up during the year)."
    )
    adjusted_budget: Amount | None = Field(
        default=None, description="全年预算: 年初预算 with the year's adjustments."
    )
    basic: Amount | None = None
    project: Amount | None = None
    classes: tuple[FunctionalClass, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _nothing_is_a_zero_budget(cls, data: Any) -> Any:
        """A budget the unit does not have ({total: 0}, nothing else): a budget of 0."""
        if isinstance(data, Mapping) and set(data) == {"total"} and data["total"] == 0:
            return {**data, "initial_budget": data["total"]}
        return data

    @model_validator(mode="after")
    def _a_budget_is_given(self) -> BudgetExpenditure:
        if self.initial_budget is None and self.adjusted_budget is None:
            raise ValueError("needs initial_budget (年初预算), adjusted_budget (全年预算) or both")
        return self


class Measure(_Model):
    """An amount with its budget."""

    budget: Amount
    amount: Amount
    used_for: BiText | None = Field(default=None, description="主要用于… (else the phrasebank's).")


class Overseas(Measure):
    """因公出国（境）费."""

    groups: Count = Field(default=0, description="团组.")
    person_trips: Count = Field(default=0, description="人次.")


class Vehicles(Measure):
    """公务用车购置及运行维护费."""

    purchase: Amount = Field(default=Decimal(0), description="公务用车购置费.")
    operation: Amount = Field(default=Decimal(0), description="公务用车运行维护费.")
    purchased: Count = Field(default=0, description="Vehicles bought (辆).")
    fleet: Count = Field(default=0, description="公务用车保有量 (辆).")
    purchase_used_for: BiText | None = Field(default=None, description="购置支出主要用于….")
    operation_used_for: BiText | None = Field(default=None, description="运行维护支出主要用于….")


class Receptions(_Model):
    amount: Amount
    batches: Count = 0
    persons: Count = 0


class Reception(Measure):
    """公务接待费, domestic receptions with foreign guests apart."""

    batches: Count = 0
    persons: Count = 0
    foreign: Receptions | None = None
    domestic: Receptions | None = None


class ThreePublic(_Model):
    """财政拨款"三公"经费支出决算表."""

    #: The three parts, in the order the tables and reports list them.
    PARTS: ClassVar[tuple[str, str, str]] = ("overseas", "vehicles", "reception")

    budget: Amount
    amount: Amount
    overseas: Overseas
    vehicles: Vehicles
    reception: Reception


class Indicator(_Model):
    """One row of the performance indicators (绩效指标)."""

    level1: BiText
    level2: BiText | None = None
    level3: BiText | None = None
    expected: BiText | None = None
    actual: BiText | None = None
    shortfall_reason: BiText | None = None


class PerformanceTable(_Model):
    """项目预算绩效目标完成情况表 of one project (kept as the unit filed it)."""

    title: BiText | None = Field(default=None, description="Table title as the region names it.")
    period: BiText | None = None
    department: BiText | None = None
    leader: BiText | None = None
    contact: BiText | None = None
    phone: Str | None = None
    start: Str | None = None
    planned_end: Str | None = None
    fiscal_budget: Amount | None = None
    fiscal_received: Amount | None = None
    spending_budget: Amount | None = None
    spent: Amount | None = None
    planned: BiText | None = None
    achieved: BiText | None = None
    deviation_reason: BiText | None = None
    goal: BiText | None = None
    goal_achieved: BiText | None = None
    indicators: tuple[Indicator, ...] = ()


class SelfEvaluation(_Model):
    """One project's performance self-evaluation (项目绩效自评)."""

    name: BiText
    table_name: BiText | None = None
    score: Score
    conclusion: BiText
    budget: Amount
    executed: Amount
    achievements: tuple[BiText, ...] = ()
    problems: BiText | None = None
    next_steps: BiText | None = None
    table: PerformanceTable | None = None


class Performance(_Model):
    """部门预算绩效情况."""

    level1_projects: Count = 0
    level2_projects: Count = 0
    evaluated_amount: Amount = Field(description="Funds covered by self-evaluation.")
    evaluated_base: Amount | None = Field(
        default=None,
        description="一般公共预算项目支出总额 the coverage is a share of "
        "(defaults to the general-public-budget project expenditure).",
    )
    departmental_projects: tuple[BiText, ...] = Field(
        default=(), description="Projects named in the departmental evaluation sentence."
    )
    departmental_count: Count = 0
    departmental_general: Amount = Decimal(0)
    departmental_fund: Amount = Decimal(0)
    commissioned_projects: tuple[BiText, ...] = ()
    commissioned_by: BiText | None = None
    assessment: BiText | None = Field(default=None, description="从评价情况来看….")
    fiscal_pilot: Flag = Field(default=False, description="财政开展的整体绩效评价试点.")
    self_evaluations: tuple[SelfEvaluation, ...] = ()
    fiscal_evaluations: tuple[Count, ...] = Field(
        default=(), description="Indexes into self_evaluations evaluated by the finance bureau."
    )
    departmental_results: tuple[Count, ...] = Field(
        default=(), description="Indexes into self_evaluations evaluated by the department."
    )

    @field_validator("fiscal_evaluations", "departmental_results")
    @classmethod
    def _indexes_name_projects(
        cls, value: tuple[int, ...], info: ValidationInfo
    ) -> tuple[int, ...]:
        # An index past the list would silently drop a project from the report.
        projects = info.data.get("self_evaluations")
        if projects is not None:
            for index in value:
                if index >= len(projects):
                    raise ValueError(
                        f"index {index} names no project: self_evaluations has {len(projects)}"
                    )
        return value


class OperatingCosts(_Model):
    """机关运行经费."""

    budget: Amount | None = None
    amount: Amount


class Procurement(_Model):
    """政府采购支出."""

    goods: Amount
    works: Amount
    services: Amount
    total: Amount
    sme: Amount = Field(default=Decimal(0), description="授予中小企业合同金额.")
    small_micro: Amount = Field(default=Decimal(0), description="其中授予小微企业合同金额.")
    reserved: ReservedProcurement | None = Field(
        default=None, description="面向中小企业预留的政府采购项目 (the 2024 templates ask for it)."
    )


class ReservedProcurement(_Model):
    """Procurement reserved for small and medium-sized enterprises (预留政府采购项目)."""

    sme_budget: Amount = Field(description="面向中小企业预留政府采购项目预算金额.")
    small_micro_budget: Amount = Field(description="面向小微企业预留政府采购项目预算金额.")
    sme_awarded: Amount = Field(description="预留项目中由中小企业中标或成交的采购金额.")
    small_micro_awarded: Amount = Field(description="预留项目中由小微企业中标或成交的采购金额.")
    sme_awarded_other: Amount = Field(
        default=Decimal(0), description="其他采购项目中由中小企业中标或成交的采购金额."
    )


class VehicleFleet(_Model):
    """车辆 by kind, as the assets paragraph lists them."""

    senior_officials: Count = Field(default=0, description="副部（省）级及以上领导用车.")
    principal_leaders: Count = Field(default=0, description="主要领导干部用车.")
    confidential: Count = Field(default=0, description="机要通信用车.")
    emergency: Count = Field(default=0, description="应急保障用车.")
    law_enforcement: Count = Field(default=0, description="执法执勤用车.")
    special_technical: Count = Field(default=0, description="特种专业技术用车.")
    retired_cadres: Count = Field(default=0, description="离退休干部用车.")
    other: Count = Field(default=0, description="其他用车.")
    other_use: BiText | None = Field(default=None, description="What the other vehicles are.")


class Assets(_Model):
    """国有资产占有使用情况."""

    vehicles: VehicleFleet = VehicleFleet()
    total_vehicles: Count
    general_equipment: Count = Field(default=0, description="单价50万元以上通用设备 台（套）.")
    special_equipment: Count = Field(default=0, description="单价100万元以上专用设备 台（套）.")
    equipment_1m: Count | None = Field(
        default=None, description="单价100万元（含）以上设备（不含车辆） 台（套）, 2024 templates."
    )


class ThreePublicPrior(_Model):
    overseas: Amount = Decimal(0)
    vehicles: Amount = Decimal(0)
    reception: Amount = Decimal(0)
    total: Amount = Decimal(0)


class Ratings(_Model):
    """Self-evaluated projects by rating (绩效评级)."""

    excellent: Count = Field(default=0, description="优.")
    good: Count = Field(default=0, description="良.")
    passed: Count = Field(default=0, description="合格.")
    failed: Count = Field(default=0, description="不合格.")


class ProjectsCovered(_Model):
    projects: Count
    amount: Amount


class SelfEvaluated(ProjectsCovered):
    average_score: Score | None = None
    ratings: Ratings | None = None
    problems_found: Count = 0
    problems_fixed: Count = 0
    problems_fixing: Count = 0


class PerformanceManagement(_Model):
    """预算绩效管理情况 as the 2024 templates count it."""

    systems: tuple[BiText, ...] = Field(default=(), description="预算绩效管理制度 (names).")
    mechanism: BiText | None = Field(default=None, description="…的预算绩效管理工作机制.")
    with_targets: ProjectsCovered | None = Field(default=None, description="编报绩效目标的项目.")
    tracked: ProjectsCovered | None = Field(default=None, description="绩效跟踪评价的项目.")
    self_evaluated: SelfEvaluated | None = Field(default=None, description="绩效自评的项目.")
    text: tuple[BiText, ...] = Field(
        default=(),
        description="Free-text paragraphs, printed as written after what the fields above say "
        "(alone when none is given): a unit's performance work that does not fit them.",
    )


class PriorYear(_Model):
    """Last year's figures that this year's sentences compare against.

    A figure a report never compares with may be left out: its sentence then states this
    year's figure alone. (Without ``prior_year`` at all, a unit new this year compares with 0.)
    """

    grand_total: Amount | None = Field(
        default=None, description="上年收、支总计 (omitted: the sentence makes no comparison)."
    )
    fiscal_grand_total: Amount | None = Field(
        default=None, description="上年财政拨款收、支总计 (omitted: no comparison)."
    )
    general_expenditure: Amount | None = Field(
        default=None, description="上年一般公共预算财政拨款支出 (omitted: no comparison)."
    )
    fund_expenditure: Amount = Field(default=Decimal(0))
    state_capital_expenditure: Amount = Field(default=Decimal(0))
    three_public: ThreePublicPrior = ThreePublicPrior()
    operating_costs: Amount | None = None


class Figures(_Model):
    """All figures of one unit for one year."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={"title": "Figures"})

    profile: Str | None = Field(
        default=None, min_length=1, description="Phrasebank profile to render with."
    )
    amount_unit: AmountUnit = Field(default="万元", description="Unit of every amount in the file.")
    style: dict[Str, Str] = Field(default_factory=dict, description="Style options (see README).")
    unit: Unit
    income: Income
    expenditure: Expenditure
    fiscal: FiscalTotals
    general_budget: BudgetExpenditure
    basic: BasicExpenditure
    fund_budget: BudgetExpenditure = Field(
        default_factory=lambda: BudgetExpenditure(total=Decimal(0), initial_budget=Decimal(0)),
        description="政府性基金预算财政拨款支出 (omitted: none, nothing budgeted or spent).",
    )
    state_capital_budget: BudgetExpenditure | None = Field(
        default=None, description="国有资本经营预算财政拨款支出 (the 2024 templates' section 九)."
    )
    three_public: ThreePublic
    performance: Performance | None = None
    performance_management: PerformanceManagement | None = None
    operating_costs: OperatingCosts | None = None
    procurement: Procurement | None = None
    assets: Assets | None = None
    prior_year: PriorYear | None = Field(
        default=None, description="Omitted when there are no prior-year figures (a new unit)."
    )
    reasons: dict[Str, BiText] = Field(
        default_factory=dict, description="User-given reasons by sentence key."
    )
    glossary_notes: dict[Str, BiText] = Field(
        default_factory=dict,
        description="What a glossary term mainly covers for this unit (e.g. operations: …).",
    )

    @field_validator("style")
    @classmethod
    def _style_options_are_known(cls, value: dict[str, str]) -> dict[str, str]:
        from narrator.style import problem

        for name, setting in value.items():
            found = problem(str(name), str(setting))
            if found is not None:
                raise ValueError(f"{_clip(name, 60)}: {_clip(found, 200)}")
        return {str(k): str(v) for k, v in value.items()}

    @model_validator(mode="before")
    @classmethod
    def _reject_non_mapping(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError(f"a figures file must be a mapping, got {type(data).__name__}")
        return data


# -- loading ------------------------------------------------------------------


def parse_text(text: str | bytes, *, source: str = "<text>", suffix: str = ".yaml") -> Any:
    """Parse YAML or JSON text with every number exact (see :mod:`narrator.datafile`).

    >>> parse_text("total: 76.30")
    {'total': Decimal('76.30')}
    >>> parse_text('{"total": 214.96}', suffix=".json")
    {'total': Decimal('214.96')}
    """
    try:
        return parse_data(text, source=source, suffix=suffix)
    except DataFileError as exc:
        raise _read_error(exc) from exc


def read_file(path: str | Path) -> Any:
    """Read a figures file (YAML or JSON) into plain data with exact numbers."""
    try:
        data = read_data(path)
    except DataFileError as exc:
        raise _read_error(exc) from exc
    if data is None:
        raise FiguresError(str(path), [("", "the file is empty")])
    return data


def _read_error(exc: DataFileError) -> FiguresError:
    return FiguresError(exc.source, [(exc.path or "", exc.message)])


def _path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.startswith("function-") or part in {"str", "Text", "is-instance[Text]"}:
            continue
        elif part == "[key]":
            parts.append(" (the key)")
        else:  # a key the file gave: short, and shown without hiding anything
            parts.append(("." if parts else "") + visible(_clip(part, 60)))
    return "".join(parts)


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "is required but missing"
    if kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == SAFE_TEXT_PATTERN:
        return f"contains {unsafe_character(error['input'])}: remove it"
    if kind == "string_unicode":
        return "contains a lone surrogate (not Unicode text)"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def validate(
    data: Any, *, source: str = "<mapping>", lines: Mapping[str, int] | None = None
) -> Figures:
    """Validate plain data into :class:`Figures`, or raise :class:`FiguresError` (naming
    the line of each field, given the file's ``lines``)."""
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else type(data).__name__
        raise FiguresError(source, [("", f"a figures file must be a mapping, got {kind}")])
    unit = data.get("amount_unit", "万元")
    try:
        return Figures.model_validate(data, context={"amount_unit": unit})
    except ValidationError as exc:
        problems: dict[tuple[str, str], None] = {}
        for error in exc.errors():
            problems[(_path(error["loc"]), _message(error))] = None
        raise FiguresError(source, list(problems), lines) from None


def load_figures(source: str | Path | Mapping[str, Any]) -> Figures:
    """Load figures from a YAML/JSON path or a mapping."""
    if isinstance(source, str | Path):
        try:
            found = read_data_file(source)
        except DataFileError as exc:
            raise _read_error(exc) from exc
        if found.data is None:
            raise FiguresError(str(source), [("", "the file is empty")])
        return validate(found.data, source=str(source), lines=found.lines)
    return validate(source)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a figures file."""
    return Figures.model_json_schema()
