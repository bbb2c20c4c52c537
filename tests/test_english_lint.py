"""English a government-finance editor would publish: a lint over every example and a few
hundred generated units in every profile.

Each check is a defect an editor of government-finance English marked in the reports
(issue 15): words that contradict the report's own terms, zeros said word for word, mixed
money styles in one sentence, growth from nothing as "by 100%", British and American spelling
mixed, a glossary that repeats its headwords, fragments, placeholders in a publishable report.
The lint reads the rendered English only (and, for sentences, the decided facts), so it holds
for any unit, not just the examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest

from benchmarks.generate import PROFILES, generate
from narrator import load
from narrator.document import Heading, Paragraph
from narrator.render import Renderer
from narrator.report import Report
from tests.conftest import EXAMPLES, LAKESIDE, SEED

SHANGHAI = EXAMPLES / "shanghai-harbour-2024.yaml"
DRAFT = EXAMPLES / "lakeside-water-2023-draft.yaml"
#: Publishable examples: no marker of any kind ("[reason required]", "[figures
#: inconsistent…]"). The seed is the real report entered as filed: its SME awards exceed its
#: procurement, which narrator marks rather than hides; the draft shows placeholders on purpose.
PUBLISHABLE = (LAKESIDE, SHANGHAI)
#: Generated units per profile, and the style options half of them take (the seed's
#: conventions: every zero line listed, 增长100%, 增长0%, 完成预算的100%, 占0%).
UNITS = 300
SEED_STYLE = {
    "growth_from_zero": "hundred_percent",
    "both_zero_change": "zero_percent",
    "both_zero_completion": "hundred_percent",
    "list_zero_lines": "yes",
    "zero_whole_share": "zero_percent",
    "trim_rate_zeros": "yes",
}

# -- what an editor marks ------------------------------------------------------------------

#: Phrases that are wrong whatever the unit (with what the house style says instead).
FORBIDDEN = {
    "total revenue and total expenditure": "收入支出总计 is the grand total of revenue and of "
    "expenditure (with carry-forwards and balances), not total revenue",
    "Main reasons:": "a fragment: 'This was mainly because …'",
    "Refers to": "a definition is a noun phrase after the headword",
    "managed as civil service": "参照公务员法管理: 'managed with reference to the Civil Servant Law'",
    "under the Civil Servant Law": "参照公务员法管理: 'managed with reference to the Civil Servant Law'",
    "income from operations": "事业收入 is 'revenue from public-service activities'",
    "hospitality": "公务接待 is 'official receptions'",
    "performance-related": "绩效工资 is 'performance-based pay'",
    "central procurement": "集中采购 is 'centralized procurement'",
    "completed their final accounts": "竣工结算 is 'final settlement on completion'",
    "mainly in the following areas": "introduces a list, never one of zeros",
    "budget was arranged as planned": "预算安排正常 explains nothing as a cause",
    " over RMB": "以上 is inclusive: 'RMB … or more'",
    "person-time": "人次: 'person-trips' abroad, 'person-visits' received",
    "purchase and operation of official vehicles": "公务用车购置及运行维护 is 'the purchase, "
    "operation and maintenance of official vehicles', in the glossary as in the report",
    "for official domestic visitors": "国内公务接待 are 'official domestic receptions', which "
    "include those for foreign guests",
}
PATTERNS = {
    r"\bbatch(es)?\b": "批次 are receptions",
    r"\b(\d+|no) persons\b": "人次 counts trips or visits, not people",
    r"(?<![\w.,-])0 (?!%)[a-z]": "a count of zero: say 'no …'",
    r"RMB 0(?!\.\d|\d|,\d)": "a zero amount: say 'no …' in words",
    r"(?<![\d.,])0(\.0+)?%": "a share or rate of nothing: leave it out",
    r'"three public"(?! consumptions)': 'the term is the "three public consumptions"',
    r"\b(19|20)\d\d\.(1[0-2]|[1-9])\b(?![\d%])": "a date as '2019.1': 'January 2019'",
    r"\([^()]*\.\s[^()]*\)": "a parenthesis holding a full stop",
    r"\bprojects of (19|20)\d\d\b": "'projects in the 2024 budget'",
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November"
    r"|December) (19|20)\d\d\b": "an American report dates 'December 31, 2019'",
    r"\(100(\.0+)?%( of the total)?\)": "a listing of one: 'all of it …', not its 100% share",
    r"\b1 [a-z-]+(?: with [\d,]+ [a-z-]+)? were\b": "one of anything 'was', not 'were'",
    r"\bwere no (?:[^.;]*(?:,|\bor) )?[a-z ]*expenditure\.": "'were' with a singular noun",
    r"decreased by RMB [\d,.]+( million)?, or 100(\.0+)?%": "a fall to nothing: 'to nil'",
}
#: Series the wording writes itself, without the serial comma the house style (American, as
#: the list joiner's "a, b, and c") puts before the last item.
SERIAL = re.compile(
    r"official vehicles,? (and|or) official receptions|official vehicles and on official"
    r"|\w (incentives|miscellaneous|clinics|meals|insurance) and other"
    r"|heating and property|Macao and Taiwan\)|\w(?<!,) and the like|special inspections and"
)
#: British spellings (the house style is American): stems, so every form is caught.
BRITISH = re.compile(
    r"\b(organis\w*|\w+isations?\b|centres?\b|centred\b|programmes?\b|catalogue\w*|practis\w*"
    r"|labour\w*|colour\w*|favour\w*|honour\w*|behaviour\w*|neighbour\w*|travell\w*|modell\w*"
    r"|licence|defence|instalment\w*|judgement|ageing|analys(e|ed|es|ing)\b|cheque\w*"
    r"|utilis\w*|prioritis\w*|recognis\w*|summaris\w*|emphasis(e|ed|es|ing)\b|optimis\w*"
    r"|standardis\w*|minimis\w*|maximis\w*|digitis\w*|authoris\w*|mobilis\w*|stabilis\w*"
    r"|finalis\w*|specialis\w*|rationalis\w*|centralis\w*|normalis\w*|modernis\w*|socialis\w*"
    r"|characteris\w*|totall(ed|ing)\b|fulfil\b|enrol\b|grey\b)",
    re.IGNORECASE,
)
AMOUNT = re.compile(r"RMB (\d[\d,]*(?:\.(\d+))?)( million)?")
#: A count as the wording writes it (its nouns are those of en/terms.yaml): "three
#: delegations", "21 projects". One sentence's counts are all words or all figures.
_NOUNS = r"(?:projects?|delegations?|person-trips?|person-visits?|receptions?|vehicles?|units?|problems?)"
WORD_COUNT = re.compile(rf"\b(?:one|two|three|four|five|six|seven|eight|nine) {_NOUNS}\b")
FIGURE_COUNT = re.compile(rf"(?<![\d.,])([1-9]\d*) (?:[a-z-]+ )?{_NOUNS}\b")
#: An amount or a count (not a year): what a list introduced by "as follows:" must show.
SOMETHING = re.compile(r"RMB \d|(?<![\d.,])(?!(19|20)\d\d\b)\d+ [a-z]")
#: Paragraphs of the unit's own text (duties, organisation, project summaries): the lint
#: checks their words, not their length.
FREE_TEXT = ("overview.", "performance.project", "performance.departmental", "glossary.")
#: The longest paragraph narrator's own wording may make, in words.
MAX_WORDS = 180


def sentences(text: str) -> Iterator[str]:
    """The sentences of a paragraph (a list with semicolons is one sentence)."""
    for line in text.split("\n"):
        yield from re.split(r"(?<=[.!?:])\s+(?=[A-Z(\"])", line)


def _two_with_semicolon(sentence: str) -> bool:
    """A list of two plain items joined by "; and" (a semicolon parts items that hold commas)."""
    plain = re.sub(r"(?<=\d),(?=\d)", "", sentence)
    parts = plain.split("; ")
    if len(parts) != 2 or not parts[1].startswith("and "):
        return False
    return "," not in parts[0].rpartition(": ")[2]


def lint_text(text: str) -> list[str]:
    """What an editor marks in a rendered English text, one message per finding."""
    found = []
    for phrase, why in FORBIDDEN.items():
        if phrase in text:
            found.append(f"{phrase!r}: {why}")
    for pattern, why in PATTERNS.items():
        hit = re.search(pattern, text)
        if hit:
            found.append(f"{hit.group(0)!r}: {why}")
    for hit in SERIAL.finditer(text):
        if not hit.group(0).startswith("official vehicles,"):
            found.append(f"{hit.group(0)!r}: a series without its serial comma")
    for hit in BRITISH.finditer(text):
        found.append(f"{hit.group(0)!r}: British spelling (the house style is American)")
    for sentence in sentences(text):
        amounts = AMOUNT.findall(sentence)
        scales = {bool(million) for _, _, million in amounts}
        if len(scales) > 1:
            found.append(f"two money scales in one sentence: {sentence[:160]!r}")
        places = {len(decimals) for _, decimals, million in amounts if million}
        if len(places) > 1:
            found.append(f"amounts of one sentence with different decimals: {sentence[:160]!r}")
        figures = [int(n) for n in FIGURE_COUNT.findall(sentence)]
        if WORD_COUNT.search(sentence) and any(n >= 10 for n in figures):
            found.append(f"counts in words beside counts in figures: {sentence[:160]!r}")
        elif figures and max(figures) < 10 and not WORD_COUNT.search(sentence):
            found.append(f"a count under ten in figures: {sentence[:160]!r}")
    return found


def lint_document(report: Report, *, publishable: bool = False) -> list[str]:
    """The text lint, then what only the document's structure and facts show."""
    renderer = Renderer(report.bank, "en", report.facts)
    document = renderer.document()
    text = report.render("en")
    found = lint_text(text)
    # The name is the subject of many sentences: ", Shanghai" after it opens an aside that
    # none closes (a series, "Culture, Radio and Tourism", is no aside).
    name = report.figures.unit.name.en or ""
    if "," in name and " and " not in name.rpartition(",")[2]:
        found.append(f"a unit name ending in an aside, unclosed in every sentence: {name!r}")
    if publishable and "[" in text:
        start = text.index("[")
        found.append(f"a marker in a publishable report: {text[start : start + 60]!r}")
    # Each Chinese heading level has its own English level: one numbering shape per level,
    # a different shape for each level.
    shapes: dict[int, set[str]] = {}
    for block in document.blocks:
        if isinstance(block, Heading) and block.number:
            shape = re.sub(r"[0-9]+", "9", block.number)
            shape = re.sub(r"\b[IVXLC]+\b", "R", shape)
            shapes.setdefault(block.level, set()).add(shape)
    if any(len(s) > 1 for s in shapes.values()):
        found.append(f"a heading level numbered two ways: {shapes}")
    flat = [next(iter(s)) for s in shapes.values()]
    if len(set(flat)) != len(flat):
        found.append(f"two heading levels numbered alike: {shapes}")
    for block in document.blocks:
        if not isinstance(block, Paragraph):
            continue
        if block.key.startswith("glossary.entry"):
            head, _, definition = re.sub(r"^\S+\s", "", block.text).partition(": ")
            bare = head.strip('"').lower().removeprefix("the ").strip('"')
            if definition.lower().lstrip('"').removeprefix("the ").startswith(bare[:20]):
                found.append(f"a glossary entry repeats its headword: {block.text[:80]!r}")
        elif not block.key.startswith(FREE_TEXT):
            if len(block.text.split()) > MAX_WORDS:
                found.append(f"{block.key}: a paragraph of {len(block.text.split())} words")
            for sentence in sentences(block.text):
                if _two_with_semicolon(sentence):
                    found.append(f"two items joined by '; and': {sentence[:160]!r}")
    # "… as follows:" introduces amounts or counts, never only lines of nothing.
    for i, block in enumerate(document.blocks):
        if isinstance(block, Paragraph) and block.text.endswith("as follows:"):
            shown = []
            for later in document.blocks[i + 1 :]:
                if isinstance(later, Heading):
                    break
                if isinstance(later, Paragraph):
                    shown.append(later.text)
            if not any(SOMETHING.search(text) for text in shown):
                found.append(f"{block.key}: 'as follows:' introduces nothing: {block.text[-80:]!r}")
    # Growth from nothing and 0 ÷ 0 are said in words, whatever the Chinese convention.
    for sentence in report.facts.sentences:
        if sentence.key not in renderer.said:
            continue
        if sentence.value.state in ("from_zero", "both_zero"):
            said = renderer.sentence_text(sentence)
            # The conventions print "100%" and "0%" (shares keep two decimals: "100.00%").
            if re.search(r"(?<![\d.])(100|0)%", said):
                found.append(f"{sentence.key} ({sentence.value.state}) prints a rate: {said!r}")
    return found


@cache
def _generated(seed: int, profile: str, seed_style: bool) -> Report:
    data = generate(seed, profile)
    if seed_style:
        data["style"] = dict(SEED_STYLE)
    return load(data)


# -- the tests -------------------------------------------------------------------------------


def test_the_lint_catches_what_the_editor_marked():
    """Each defect of the issue, as the old English wrote it, is caught."""
    old = (
        "In 2019, total revenue and total expenditure were both RMB 2.1496 million. "
        "Total expenditure was RMB 2.1496 million, comprising basic expenditure of RMB 1.3866 "
        "million and project expenditure of RMB 763,000. "
        "The initial budget was RMB 68.2 million and expenditure was RMB 69.4736 million. "
        "Receptions totalled 42 batches and 386 persons, and 0 groups travelled. "
        "Other revenue of RMB 0, or 0% of the total. "
        "Main reasons: the budget was arranged as planned. "
        "Staff managed as civil service; equipment over RMB 500,000; start 2019.1. "
        '"three public" expenditure; 46 projects of 2024 (of these, 31 rated "good". Nine).'
    )
    found = " | ".join(lint_text(old))
    for marked in (
        "total revenue and total expenditure",
        "two money scales",
        "different decimals",
        "batch",
        "persons",
        "count of zero",
        "zero amount",
        "share or rate of nothing",
        "Main reasons:",
        "explains nothing",
        "managed as civil service",
        "or more",
        "January 2019",
        "three public consumptions",
        "projects in the 2024 budget",
        "parenthesis",
        "British",
    ):
        assert marked in found, marked
    assert lint_text("Total revenue was RMB 2.1496 million, all of it from the budget.") == []


def test_the_lint_catches_a_verb_that_disagrees_with_its_count():
    """'1 reception … were', and 'were' before a singular noun nearest to it."""
    assert lint_text("of which 1 reception with 6 person-visits were for foreign guests.")
    assert lint_text(
        "There were no remittances to higher-level authorities or business operation expenditure."
    )
    assert lint_text("There were no business operation expenditure.")
    assert not lint_text("of which two receptions with six person-visits were for foreign guests.")


def test_the_lint_catches_counts_written_two_ways():
    """Under ten in words; a sentence that counts ten or more gives every count in figures."""
    assert lint_text("The unit held 5 vehicles.")
    assert lint_text("covering three projects at the first level and 21 projects at the second.")
    assert not lint_text("covering 3 projects at the first level and 21 projects at the second.")


def test_the_lint_catches_a_fall_to_nothing_as_a_rate():
    assert lint_text("official receptions decreased by RMB 8,500, or 100.00%.")
    assert not lint_text("official receptions decreased by RMB 8,500, to nil.")


def test_the_lint_catches_a_series_without_its_serial_comma():
    """The wording's own series take the comma the list joiner puts before the last item."""
    old = (
        '"three public consumptions" (official overseas travel, official vehicles and official '
        "receptions); fuel, repairs, insurance, safe-driving incentives and other running costs; "
        "expenditure on the purchase and operation of official vehicles"
    )
    found = " | ".join(lint_text(old))
    assert found.count("serial comma") == 2 and "glossary as in the report" in found
    assert not lint_text("official overseas travel, official vehicles, and official receptions")


def test_the_lint_catches_a_british_date():
    assert lint_text("As of 31 December 2019, the Center had no vehicles.")
    assert not lint_text("As of December 31, 2019, the Center had no vehicles.")


def test_the_lint_catches_lists_of_one_and_of_two():
    """A listing of one printed with its 100% share; two plain items parted by "; and"."""
    assert lint_text("by category: Health Expenditure (category), RMB 3.1000 million (100.00%).")
    assert lint_text("Expenditure on official receptions was RMB 41,300 (100.00% of the total).")
    assert _two_with_semicolon(
        "Total revenue for the year was RMB 1,675.8296 million: revenue from fiscal "
        "appropriations of RMB 1,636.1388 million (97.63%); and other revenue of RMB 39.6908 "
        "million (2.37%)."
    )
    # A first item that holds commas keeps its semicolon.
    assert not _two_with_semicolon(
        "Total revenue was RMB 2.6634 million: revenue from fiscal appropriations of RMB 2.5443 "
        "million (95.53%), all of it from the general public budget; and other revenue of RMB "
        "0.1191 million (4.47%)."
    )


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("path", [SEED, LAKESIDE, SHANGHAI, DRAFT], ids=lambda p: p.stem)
def test_every_example_reads_as_published_english(path, profile):
    report = load(path, profile=profile)
    # Published in its own profile; under another one a unit may lack what it prescribes.
    publishable = path in PUBLISHABLE and load(path).bank.profile.name == profile
    assert lint_document(report, publishable=publishable) == []


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("chunk", range(4))
def test_generated_units_read_as_published_english(profile, chunk):
    """Units that are not in the repository: zeros, new units and conventions included."""
    problems: dict[str, list[str]] = {}
    size = UNITS // 4
    for seed in range(chunk * size, (chunk + 1) * size):
        report = _generated(seed, profile, seed % 2 == 1)
        found = lint_document(report)
        if found:
            problems[f"{profile} seed {seed}"] = found
    assert not problems, dict(list(problems.items())[:5])
