"""Comparing what a report says with what the figures and narrator's derivations say.

Each :class:`~narrator.verify.locating.Claim` is held against the :class:`Facet` of its
subject (:mod:`narrator.verify.expectations`) at the precision it is printed with: an
amount written ``76.3万元`` agrees with 76.30, a share written ``4.1%`` with 4.0986…; a
share may be the largest-remainder one narrator prints or each share rounded on its own.
A ratio over zero is never a number (the seed's "完成年初预算的214.96%"), except the
conventions real reports follow: "增长100%" for growth from nothing, "增长0%" and
"完成预算的100%" when both numbers are zero, "占0%" of a zero whole.

Precision matters more than recall: a claim whose subject or meaning is not certain is
not compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from narrator.derive import Change, Completion, round_half_up
from narrator.verify.expectations import Expectations, Facet, exact_percent
from narrator.verify.findings import CODES, Finding
from narrator.verify.lexicon import Lexicon
from narrator.verify.locating import BUDGET_SECTIONS, Claim, Located

if TYPE_CHECKING:
    from narrator.render import Renderer
    from narrator.verify.subject import Subject as Report

_HUNDRED = Decimal(100)


def agrees(printed: Decimal, places: int, candidates: Iterable[Decimal | None]) -> bool:
    """Whether a number printed with ``places`` decimals is one of ``candidates``, rounded.

    >>> agrees(Decimal("4.1"), 1, [Decimal("4.0986")])
    True
    >>> agrees(Decimal("6.76"), 2, [Decimal("6.77"), Decimal("6.7642")])
    True
    >>> agrees(Decimal("6.78"), 2, [Decimal("6.77"), Decimal("6.7642")])
    False
    """
    quantum = Decimal(1).scaleb(-places)
    return any(c is not None and round_half_up(abs(c), quantum) == printed for c in candidates)


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


class Fixer:
    """narrator's own sentence for a place: the suggested fix."""

    def __init__(self, report: Report) -> None:
        from narrator.document import Paragraph
        from narrator.render import Renderer

        document = report.document("zh")
        self.blocks = {b.key: b.text for b in document.blocks if isinstance(b, Paragraph)}
        self.headings = [b for b in document.blocks if not isinstance(b, Paragraph)]
        self.renderer: Renderer = Renderer(report.bank, "zh", report.facts)
        self.en: Renderer = Renderer(report.bank, "en", report.facts)

    def amount(self, value: Decimal, lang: str = "zh") -> str:
        renderer = self.renderer if lang == "zh" else self.en
        return renderer.numbers.amount(value)

    def percent(self, value: Decimal | None, lang: str = "zh") -> str:
        renderer = self.renderer if lang == "zh" else self.en
        if value is None:
            return ""
        return renderer.rate(round_half_up(value))

    def sentence(self, facet: Facet | None, measure: str, needle: str = "") -> str:
        if facet is None:
            return ""
        keys = facet.blocks.get(measure) or facet.blocks.get("*", ())
        for key in keys:
            text = self.blocks.get(key)
            if not text:
                continue
            parts = [p + "。" for p in text.split("。") if p]
            for part in parts:
                if needle and needle in part:
                    return part
            return parts[0] if parts else text
        return ""


class Comparer:
    """Holds every claim of a located report against the figures; collects findings."""

    def __init__(
        self,
        report: Report,
        located: Located,
        lex: Lexicon,
        expectations: Expectations,
        fixer: Fixer,
        checks: Mapping[str, Any],
    ) -> None:
        self.report = report
        self.located = located
        self.lex = lex
        self.expect = expectations
        self.fix = fixer
        self.checks = checks
        self.found: list[Finding] = []
        self._once: set[tuple[str, object]] = set()
        #: Budget amounts written per subject, by the budget they name.
        self.written_budgets: dict[str, list[tuple[str | None, Decimal]]] = {}
        #: Claims the comparison held against a figure (the property tests mutate these).
        self.checked: list[Claim] = []
        #: Subjects whose relation word contradicts the figures.
        self.contradicted: set[str | None] = set()
        #: Sentences that give this year's figures under last year's date.
        self.mislabelled: set[tuple[int, tuple[int, int]]] = set()
        #: Amounts found wrong, in 万元, by section, sentence and subject.
        self.wrong_amounts: dict[tuple[int, tuple[int, int], str | None], Decimal] = {}

    # -- making findings -------------------------------------------------------------------

    def add(
        self,
        code: str,
        claim: Claim,
        *,
        expected: str = "",
        values: Mapping[str, object] | None = None,
        fix: str = "",
        paths: Sequence[str] = (),
        variant: str = "",
        span: tuple[int, int] | None = None,
        written: str | None = None,
    ) -> None:
        where = span or claim.span
        source = self.located.source
        merged: dict[str, object] = {"subject": claim.anchor or claim.written}
        merged.update(values or {})
        self.found.append(
            Finding(
                code,
                CODES[code],
                section=claim.section,
                heading=claim.heading,
                sentence=claim.sentence,
                span=where,
                page=source.page(where[0]),
                line=source.line(where[0]),
                written=claim.written if written is None else written,
                expected=expected,
                fix=fix,
                paths=tuple(paths),
                values={k: str(v) for k, v in merged.items()},
                variant=variant,
                bank=self.report.bank,
            )
        )

    def once(self, key: tuple[str, object]) -> bool:
        if key in self._once:
            return False
        self._once.add(key)
        return True

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        for claim in self.located.claims:
            if claim.kind == "value":
                self.value(claim)
            elif claim.kind == "relation":
                self.relation(claim)
            elif claim.kind == "used_for":
                self.used_for(claim)
            elif claim.kind == "name":
                self.name(claim)
        for claim in self.located.claims:
            if claim.kind == "year":  # after the amounts: they say which year a sentence means
                self.year(claim)
        self.titles()
        self.undescribed()
        self.reasons()
        self.sections()
        return self.found

    # -- values ----------------------------------------------------------------------------

    def value(self, claim: Claim) -> None:
        facet = self.expect.get(claim.subject)
        if facet is None or claim.number is None:
            return
        measure = claim.measure
        if not facet.in_figures and measure in ("amount", "final", "budget"):
            self.absent_line(claim, facet)
            return
        if measure in ("amount", "final"):
            year = self.report.figures.unit.year
            led = claim.window_year is None and claim.lead_year == year - 1
            if claim.prior_word or claim.window_year == year - 1 or led:
                self.prior_amount(claim, facet, led)
            elif facet.amounts:
                self.amount(claim, facet, facet.amounts, measure)
        elif measure == "budget":
            self.budget(claim, facet)
        elif measure == "change":
            self.change(claim, facet)
        elif measure == "share":
            self.share(claim, facet)
        elif measure == "completion":
            self.completion(claim, facet)
        elif measure == "count":
            self.count(claim, facet)

    def amount(
        self,
        claim: Claim,
        facet: Facet,
        candidates: Sequence[Decimal],
        measure: str,
        *,
        variant: str = "",
        values: Mapping[str, object] | None = None,
    ) -> None:
        assert claim.number is not None
        self.checked.append(claim)
        scaled = [c / claim.factor for c in candidates]
        if agrees(claim.number, claim.places, scaled):
            return
        expected = candidates[0]
        # A share in the same sentence that follows from this wrong amount is not a second error.
        self.wrong_amounts[(claim.section_index, claim.sentence_span, claim.subject)] = (
            claim.number * claim.factor
        )
        zh, en = self.fix.amount(expected), self.fix.amount(expected, "en")
        fix = self.fix.sentence(facet, measure, zh)
        if claim.factor != 1 and agrees(claim.number, claim.places, candidates):
            self.add(
                "yuan-for-wan",
                claim,
                expected=zh,
                values={"expected_en": en, **(values or {})},
                fix=fix,
                paths=(facet.path,),
            )
            return
        self.add(
            "amount-mismatch",
            claim,
            expected=zh,
            values={"expected_en": en, "measure": measure, **(values or {})},
            fix=fix,
            paths=(facet.path,),
            variant=variant,
        )

    def prior_amount(self, claim: Claim, facet: Facet, led: bool) -> None:
        """Last year's amount (上年4218.46万元, or a sentence that opens with last year)."""
        assert claim.number is not None
        prior = facet.change.prior if facet.change is not None else None
        if prior is not None and agrees(claim.number, claim.places, [prior / claim.factor]):
            self.checked.append(claim)
            return
        current = [c / claim.factor for c in facet.amounts]
        if led and current and agrees(claim.number, claim.places, current):
            # This year's figures under last year's date: the year is the finding.
            self.checked.append(claim)
            self.mislabelled.add((claim.section_index, claim.sentence_span))
            return
        if prior is not None:
            self.amount(claim, facet, [prior], "prior")

    def budget(self, claim: Claim, facet: Facet) -> None:
        assert claim.number is not None
        if claim.subject is not None:
            self.written_budgets.setdefault(claim.subject, []).append(
                (claim.qualifier, claim.number * claim.factor)
            )
        if claim.qualifier == "adjusted" and not facet.one_budget:
            if facet.adjusted is None:
                return
            candidates = [facet.adjusted]
        else:
            if facet.budget is None:
                return
            candidates = [facet.budget]
            if claim.qualifier is None and facet.adjusted is not None:
                candidates.append(facet.adjusted)
        self.amount(claim, facet, candidates, "budget")

    def count(self, claim: Claim, facet: Facet) -> None:
        assert claim.number is not None
        candidates = facet.counts.get(claim.unit)
        if not candidates:
            return
        self.checked.append(claim)
        if agrees(claim.number, claim.places, candidates):
            return
        expected = _text(candidates[0])
        unit = claim.written.lstrip("0123456789.,")
        self.add(
            "count-mismatch",
            claim,
            expected=f"{expected}{unit}",
            values={"expected_en": expected},
            fix=self.fix.sentence(facet, "count", f"{expected}{unit}"),
            paths=(facet.path,),
        )

    # -- changes ------------------------------------------------------------------------------

    def _change_of(self, claim: Claim, facet: Facet) -> Change | None:
        if claim.base == "budget":
            completion = facet.completion()
            return completion.as_change if completion is not None else None
        return facet.change

    def change(self, claim: Claim, facet: Facet) -> None:
        change = self._change_of(claim, facet)
        if change is None:
            return
        self.direction(claim, facet, change, claim.direction, claim.word_span)
        if claim.unit in self.lex.percent_units:
            self.rate(claim, facet, change)
            return
        rounded = abs(_cent(change.current) - _cent(change.prior))
        self.amount(
            claim,
            facet,
            [abs(change.difference), rounded],
            "change",
            variant="change",
            values={"base": claim.base},
        )

    def direction(
        self,
        claim: Claim,
        facet: Facet,
        change: Change,
        direction: str | None,
        span: tuple[int, int],
    ) -> None:
        if direction is None or change.difference == 0:
            return
        actual = "up" if change.difference > 0 else "down"
        if direction == actual:
            return
        if not self.once(("direction", span)):
            return
        word = (
            "".join(self.located.source.text[span[0] : span[1]].split())
            if span[1] > span[0]
            else claim.written
        )
        self.add(
            "relation-contradicts",
            claim,
            expected=actual,
            values={
                "state": actual,
                "base": claim.base,
                **_numbers(change),
            },
            fix=self.fix.sentence(facet, "change", self.fix.amount(abs(change.difference))),
            paths=(facet.path,),
            variant="change",
            span=span if span[1] > span[0] else None,
            written=word,
        )

    def rate(self, claim: Claim, facet: Facet, change: Change) -> None:
        assert claim.number is not None
        self.checked.append(claim)
        if change.prior == 0:
            accepted = Decimal(0) if change.current == 0 else _HUNDRED
            if claim.number == accepted:
                return
            self.add(
                "ratio-over-zero",
                claim,
                values={"base": claim.base, **_numbers(change)},
                fix=self.fix.sentence(facet, "change"),
                paths=(facet.path,),
                variant="change",
            )
            return
        exact = exact_percent(abs(change.difference), change.prior)
        rounded = exact_percent(
            abs(_cent(change.current) - _cent(change.prior)), _cent(change.prior)
        )
        if agrees(claim.number, claim.places, [exact, rounded]):
            return
        expected = self.fix.percent(exact)
        self.add(
            "rate-mismatch",
            claim,
            expected=expected,
            values={"measure": "change", "expected_en": self.fix.percent(exact, "en")},
            fix=self.fix.sentence(facet, "change", expected),
            paths=(facet.path,),
        )

    # -- shares ---------------------------------------------------------------------------------

    def share(self, claim: Claim, facet: Facet) -> None:
        share = facet.share
        if share is None or claim.number is None:
            return
        self.checked.append(claim)
        values = {"part": self.fix.amount(share.part), "whole": self.fix.amount(share.whole)}
        values.update(
            part_en=self.fix.amount(share.part, "en"), whole_en=self.fix.amount(share.whole, "en")
        )
        if claim.number > _HUNDRED:
            self.add(
                "share-over-whole",
                claim,
                values=values,
                fix=self.fix.sentence(facet, "share", values["part"]),
                paths=(facet.path,),
            )
            return
        if share.whole == 0:
            if claim.number != 0:
                self.add(
                    "ratio-over-zero",
                    claim,
                    values=values,
                    fix=self.fix.sentence(facet, "share"),
                    paths=(facet.path,),
                    variant="share",
                )
            return
        if agrees(claim.number, claim.places, [share.rounded, share.exact, *share.also]):
            return
        if any(agrees(claim.number, claim.places, [o.exact]) for o in facet.other_shares):
            return
        written = self.wrong_amounts.get((claim.section_index, claim.sentence_span, claim.subject))
        if written is not None and agrees(
            claim.number, claim.places, [exact_percent(written, share.whole)]
        ):
            return  # the share of the amount written, already found wrong
        best = share.rounded if share.rounded is not None else share.exact
        expected = self.fix.percent(best)
        self.add(
            "share-mismatch",
            claim,
            expected=expected,
            values={**values, "expected_en": self.fix.percent(best, "en")},
            fix=self.fix.sentence(facet, "share", expected),
            paths=(facet.path,),
        )

    # -- completion -----------------------------------------------------------------------------

    def completion(self, claim: Claim, facet: Facet) -> None:
        assert claim.number is not None
        final = facet.amount
        if final is None or facet.budget is None:
            return
        if claim.qualifier == "adjusted" and not facet.one_budget:
            if facet.adjusted is None:
                return
            budgets = [facet.adjusted]
        elif claim.qualifier == "initial" or facet.adjusted is None:
            budgets = [facet.budget]
        else:
            budgets = [facet.budget, facet.adjusted]
        self.checked.append(claim)
        primary = budgets[0]
        values: dict[str, object] = {
            "final": self.fix.amount(final),
            "budget": self.fix.amount(primary),
            "final_en": self.fix.amount(final, "en"),
            "budget_en": self.fix.amount(primary, "en"),
            "named": claim.qualifier or "budget",
        }
        if all(b == 0 for b in budgets):
            if final == 0 and claim.number in (_HUNDRED, 0):
                return  # both zero: the conventions "完成预算的100%" and "…的0%"
            self.add(
                "ratio-over-zero",
                claim,
                values=values,
                fix=self.fix.sentence(facet, "completion"),
                paths=(facet.path,),
                variant="completion",
            )
            return
        rates = [exact_percent(final, b) for b in budgets if b != 0]
        if agrees(claim.number, claim.places, rates):
            return
        expected = self.fix.percent(rates[0])
        values.update(expected_en=self.fix.percent(rates[0], "en"))
        fix = self.fix.sentence(facet, "completion", expected)
        others = [
            b for q, b in self.written_budgets.get(claim.subject or "", []) if q != claim.qualifier
        ]
        if claim.qualifier != "adjusted" and facet.adjusted is not None:
            others.append(facet.adjusted)
        if claim.qualifier == "adjusted":
            others.append(facet.budget)
        for other in others:
            if (
                other != 0
                and other not in budgets
                and agrees(claim.number, claim.places, [exact_percent(final, other)])
            ):
                values.update(used=self.fix.amount(other), used_en=self.fix.amount(other, "en"))
                self.add(
                    "completion-wrong-budget",
                    claim,
                    expected=expected,
                    values=values,
                    fix=fix,
                    paths=(facet.path,),
                )
                return
        self.add(
            "rate-mismatch",
            claim,
            expected=expected,
            values={**values, "measure": "completion"},
            fix=fix,
            paths=(facet.path,),
        )

    # -- lines ------------------------------------------------------------------------------------

    def absent_line(self, claim: Claim, facet: Facet) -> None:
        assert claim.number is not None
        self.checked.append(claim)
        code = facet.subject.rsplit(":", 1)[-1]
        if claim.number == 0:
            if self._zero_lines_unwanted() and self.once(
                ("zero-line", (claim.section_index, facet.subject))
            ):
                self.add(
                    "zero-line-listed",
                    claim,
                    values={"code": code},
                    paths=(facet.path,),
                    span=claim.span,
                )
            return
        if not self.once(("absent", (claim.section_index, facet.subject))):
            return
        self.add(
            "line-not-in-figures",
            claim,
            expected=self.fix.amount(Decimal(0)),
            values={"code": code, "expected_en": self.fix.amount(Decimal(0), "en")},
            paths=(facet.path,),
        )

    def _zero_lines_unwanted(self) -> bool:
        """Whether listing a line with nothing in it is wrong: the region's template says so
        (不涉及的不列), or the figures' own style does; not merely narrator's default."""
        return self.report.chosen_style.get("list_zero_lines") == "no"

    def undescribed(self) -> None:
        """Classes and budgeted lines of the figures that a report listing them leaves out."""
        claims = self.located.claims
        for budget in BUDGET_SECTIONS:
            sections = [s for s in self.located.in_part() if s.id == budget]
            if not sections:
                continue
            mentioned = {c.subject for c in claims if c.kind == "mention" and c.section == budget}
            figures = getattr(self.report.figures, budget, None)
            if figures is None:
                continue
            wanted: list[tuple[str, str, Decimal]] = []
            if any(s and s.startswith(f"class:{budget}:") for s in mentioned):
                wanted += [
                    (f"class:{budget}:{c.code}", c.code, c.amount)
                    for c in figures.classes
                    if c.amount != 0
                ]
            if any(s and s.startswith((f"item:{budget}:", f"absent:{budget}:")) for s in mentioned):
                wanted += [
                    (f"item:{budget}:{i.code}", i.code, i.amount)
                    for c in figures.classes
                    for i in c.items
                    if i.initial_budget is not None or i.adjusted_budget is not None
                ]
            first = sections[0]
            for subject, code, amount in wanted:
                if subject in mentioned:
                    continue
                facet = self.expect.get(subject)
                marker = Claim(
                    "mention",
                    budget,
                    first.heading,
                    subject,
                    "",
                    "mention",
                    first.heading_span,
                    first.heading,
                    first.heading,
                    first.heading_span,
                )
                self.add(
                    "line-not-described",
                    marker,
                    expected=self.fix.amount(amount),
                    values={"code": code, "expected_en": self.fix.amount(amount, "en")},
                    fix=self.fix.sentence(facet, "*", self.fix.amount(amount)),
                    paths=(facet.path,) if facet else (),
                    written="",
                )

    def used_for(self, claim: Claim) -> None:
        facet = self.expect.get(claim.subject)
        if facet is None or facet.section_code is None:
            return
        table: Mapping[str, Sequence[str]] = self.checks.get("used_for_contradictions") or {}
        code = facet.subject.rsplit(":", 1)[-1]
        for keyword in table.get(facet.section_code, ()):
            at = claim.written.find(str(keyword))
            if at < 0:
                continue
            self.add(
                "used-for-contradicts",
                claim,
                values={"code": code, "section_code": facet.section_code, "keyword": keyword},
                fix=self.fix.sentence(facet, "*"),
                paths=(facet.path,),
            )
            return

    # -- relations --------------------------------------------------------------------------------

    def relation(self, claim: Claim) -> None:
        facet = self.expect.get(claim.subject)
        if facet is None or not facet.in_figures:
            return
        kind = claim.measure
        if kind in ("over", "under", "equal"):
            completion = facet.completion()
            if completion is None:
                return
            self.checked.append(claim)
            meant = self._budget_meant(claim) if facet.adjusted is not None else None
            state = _relation(completion)
            if state == kind and meant != "adjusted":
                return
            if facet.adjusted is not None and meant != "initial":
                adjusted = facet.completion(facet.adjusted)
                if adjusted is not None and _relation(adjusted) == kind:
                    return
                if meant == "adjusted" and adjusted is not None:
                    completion, state = adjusted, _relation(adjusted)
            self.contradicted.add(claim.subject)
            self.add(
                "relation-contradicts",
                claim,
                expected=state,
                values={"state": state, "relation": kind, **_completion_numbers(completion)},
                fix=self.fix.sentence(facet, "completion"),
                paths=(facet.path,),
                variant="completion",
            )
            return
        change = self._change_of(claim, facet)
        if change is None:
            return
        if kind == "flat":
            self.checked.append(claim)
            if change.difference == 0:
                return
            if (
                claim.base == "budget"
                and claim.qualifier != "initial"
                and facet.adjusted is not None
            ):
                # 决算数与全年预算数持平: equal to the full-year budget is flat too.
                adjusted = facet.completion(facet.adjusted)
                if adjusted is not None and adjusted.difference == 0:
                    return
            actual = "up" if change.difference > 0 else "down"
            self.contradicted.add(claim.subject)
            self.add(
                "relation-contradicts",
                claim,
                expected=actual,
                values={"state": actual, "base": claim.base, **_numbers(change)},
                fix=self.fix.sentence(facet, "change"),
                paths=(facet.path,),
                variant="change",
            )
        elif kind == "direction":
            self.checked.append(claim)
            self.direction(claim, facet, change, claim.direction, claim.span)

    def _budget_meant(self, claim: Claim) -> str | None:
        """The budget a 大于/小于/持平 compares with: the one it names (全年预算数), else the
        only one the report states for its subject in that section; None when unknown."""
        lex = self.lex
        if lex.roles["adjusted"].search(claim.written):
            return "adjusted"
        if lex.roles["initial"].search(claim.written):
            return "initial"
        stated = {
            c.qualifier
            for c in self.located.claims
            if c.kind == "value"
            and c.measure == "budget"
            and c.subject == claim.subject
            and c.section_index == claim.section_index
        }
        return next(iter(stated)) if len(stated) == 1 else None

    # -- reasons ----------------------------------------------------------------------------------

    def reasons(self) -> None:
        """A change or deviation narrator explains needs a reason in the report too."""
        report = self.report
        said = report.said
        claims = self.located.claims
        seen: set[str] = set()
        for n, claim in enumerate(claims):
            if claim.kind != "value":
                continue
            facet = self.expect.get(claim.subject)
            if facet is None or not facet.in_figures:
                continue
            key, difference = self._statement(claim, facet)
            if key is None or key in seen:
                continue
            seen.add(key)
            if difference == 0 or key not in said:
                continue
            try:
                sentence = report.facts.sentence(key)
            except KeyError:
                continue
            if not sentence.reason.needed or claim.subject in self.contradicted:
                continue  # a report that says 持平 has its finding: the relation
            if self._reason_follows(claims, n, claim):
                continue
            self.add(
                "reason-missing",
                claim,
                fix=self.fix.sentence(facet, "change" if key == facet.change_key else "completion"),
                paths=(facet.path,),
                span=claim.sentence_span,
                written=claim.sentence,
                variant="change" if key == facet.change_key else "completion",
            )

    def _statement(self, claim: Claim, facet: Facet) -> tuple[str | None, Decimal]:
        if claim.measure == "change" and claim.base == "prior" and facet.change is not None:
            return facet.change_key, facet.change.difference
        if claim.measure in ("completion", "budget") or (
            claim.measure == "change" and claim.base == "budget"
        ):
            completion = facet.completion()
            if completion is not None:
                return facet.completion_key, completion.difference
        return None, Decimal(0)

    @staticmethod
    def _reason_follows(claims: Sequence[Claim], n: int, claim: Claim) -> bool:
        kind = "change" if claim.measure == "change" and claim.base == "prior" else "completion"
        for other in claims[n + 1 :]:
            if other.section_index != claim.section_index:
                return False
            if other.kind == "reason":
                return True
            if (
                other.kind == "mention"
                and other.subject != claim.subject
                and (other.subject or "").startswith(("item:", "absent:"))
            ):
                return False
            if other.kind == "value" and other.subject == claim.subject:
                other_kind = (
                    "change"
                    if other.measure == "change" and other.base == "prior"
                    else "completion"
                    if other.measure in ("completion", "budget", "change")
                    else None
                )
                if other_kind is not None and other_kind != kind:
                    return False
        return False

    # -- the unit and the year ----------------------------------------------------------------

    def _unit_name(self) -> str:
        return "".join(self.report.figures.unit.name.zh.split())

    def _name_agrees(self, written: str) -> bool:
        name = self._unit_name()
        written = "".join(written.split())
        return (
            not written or written in self.lex.self_references or name in written or written in name
        )

    def titles(self) -> None:
        year = self.report.figures.unit.year
        for title in self.located.titles:
            marker = Claim(
                "title",
                None,
                title.text,
                None,
                "",
                "title",
                title.span,
                title.text,
                title.text,
                title.span,
            )
            if not self._name_agrees(title.name):
                self.add(
                    "unit-name-mismatch",
                    marker,
                    expected=self._unit_name(),
                    span=title.name_span,
                    written=title.name,
                )
            if title.year != year:
                self.add(
                    "year-mismatch",
                    marker,
                    expected=str(year),
                    span=title.year_span,
                    written=str(title.year),
                )

    def name(self, claim: Claim) -> None:
        # Its year is one of the year patterns'; the name is checked here.
        if not self._name_agrees(claim.written):
            self.add("unit-name-mismatch", claim, expected=self._unit_name())

    def year(self, claim: Claim) -> None:
        assert claim.number is not None
        offset, _, opens = claim.measure.partition(":")
        expected = self.report.figures.unit.year + int(offset)
        written = int(claim.number)
        if written == expected:
            return
        if (
            opens
            and written == expected - 1
            and (claim.section_index, claim.sentence_span) not in self.mislabelled
        ):
            return  # a sentence about last year, with last year's figures
        self.add("year-mismatch", claim, expected=str(expected))

    # -- sections -------------------------------------------------------------------------------

    def sections(self) -> None:
        """A section narrator writes for this profile that the report does not have."""
        found = {s.id for s in self.located.in_part() if s.id}
        if len(found) < 3:
            return
        part = next((s for s in self.located.sections if s.in_part and s.id is None), None) or next(
            iter(self.located.in_part()), None
        )
        if part is None:
            return
        from narrator.document import Heading

        for heading in self.fix.headings:
            if not isinstance(heading, Heading) or not heading.key.endswith(".heading"):
                continue
            section = self.lex.section_of("".join(heading.text.split()))
            if section is None or section in found or section == "glossary":
                continue
            found.add(section)
            marker = Claim(
                "section",
                None,
                part.heading,
                None,
                "",
                "section",
                part.heading_span,
                part.heading,
                part.heading,
                part.heading_span,
            )
            self.add(
                "section-missing",
                marker,
                expected=heading.number + heading.text,
                values={"section": section},
                written="",
            )


def _cent(value: Decimal) -> Decimal:
    return round_half_up(value, Decimal("0.01"))


def _numbers(change: Change) -> dict[str, str]:
    return {"current": f"{change.current:f}", "prior": f"{change.prior:f}"}


def _completion_numbers(completion: Completion) -> dict[str, str]:
    return {"final": f"{completion.final:f}", "budget": f"{completion.budget:f}"}


def _relation(completion: Completion) -> str:
    return {
        "over": "over",
        "no_budget": "over",
        "under": "under",
        "equal": "equal",
        "both_zero": "equal",
    }[completion.state]


__all__ = ["Comparer", "Fixer", "agrees"]
