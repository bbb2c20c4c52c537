"""narrator verify: a report written by people, held against its figures.

The seed document's known errors are found and nothing it says correctly is flagged;
narrator's own reports verify clean; each known class of error, injected into a report,
gives exactly its finding at its place — as text, Markdown, Word and a PDF made here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from narrator import load
from narrator.cli import main
from narrator.phrasebank import load_phrasebank
from narrator.verify import CODES, Finding, ReportReadError, Verification, source_of
from narrator.verify.reading import markdown_text
from tests.conftest import EXAMPLES, LAKESIDE, SHARED

SEED_TEXT = SHARED / "seeds" / "zhuji-bigdata-2019-final-accounts.txt"
HARBOUR = EXAMPLES / "shanghai-harbour-2024.yaml"
needs_seed = pytest.mark.skipif(
    not SEED_TEXT.is_file(), reason=f"the seed text {SEED_TEXT} is not beside this checkout"
)


def codes(found: list[Finding]) -> list[str]:
    return [f.code for f in found]


@pytest.fixture(scope="module")
def lakeside():
    report = load(LAKESIDE)
    return report, report.render("zh")


@pytest.fixture(scope="module")
def harbour():
    report = load(HARBOUR)
    return report, report.render("zh")


# -- the seed --------------------------------------------------------------------------------


@needs_seed
def test_the_seeds_known_errors_are_found_and_nothing_else(seed_report):
    """214.96% over a zero budget, an SME share of 597.12%, and its doubled full stop."""
    found = seed_report.verify(SEED_TEXT)
    assert [(f.code, f.written, f.section) for f in found] == [
        ("ratio-over-zero", "214.96%", "general_budget"),
        ("repeated-text", "。。", "fund_budget"),
        ("share-over-whole", "597.12%", "procurement"),
    ]
    text = SEED_TEXT.read_text(encoding="utf-8")
    for f in found:
        assert text[f.span[0] : f.span[1]] == f.written
    zero_budget = found[0]
    assert zero_budget.severity == "error" and "不计算完成率" in zero_budget.fix
    assert "214.96%" in zero_budget.message("zh") and zero_budget.line == 71


@needs_seed
def test_every_seed_sentence_with_a_number_was_read(seed_report):
    """Almost every amount, share and rate of the seed is held against a figure."""
    verification = Verification(seed_report, source_of(SEED_TEXT))
    values = [c for c in verification.located.claims if c.kind == "value"]
    assert len(values) > 180
    assert len(verification.checked) >= len(values) - 2


# -- narrator's own reports ------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("profile", ["zhejiang-2019", "shanghai-2024"])
def test_narrators_own_reports_verify_clean(path, profile):
    report = load(path, profile=profile)
    assert report.verify(report.render("zh")) == []
    assert report.verify(report.render("zh", tables=True)) == []


# -- injected errors -----------------------------------------------------------------------

#: (case, text replaced, replacement, code expected) on the Zhejiang-profile example.
LAKESIDE_CASES = [
    (
        "a total contradicts its table",
        "本年收入合计4300.71万元",
        "本年收入合计4310.71万元",
        "amount-mismatch",
    ),
    ("a % missing", "增长9.67%。", "增长9.67。", "percent-missing"),
    (
        "a template leftover",
        "收、支总计各增加407.85",
        "收、支总计各增加（减少）407.85",
        "template-leftover",
    ),
    (
        "completion against the wrong budget",
        "年初预算为2681.70万元，支出决算为2873.50万元，完成年初预算的107.15%",
        "年初预算为2681.70万元，全年预算为2950.00万元，支出决算为2873.50万元，完成年初预算的97.41%",
        "completion-wrong-budget",
    ),
    (
        "住房公积金 explained as medical insurance",
        "住房公积金（项）。主要用于：按规定为职工缴纳的住房公积金。",
        "住房公积金（项）。主要用于：事业单位医疗保险支出。",
        "used-for-contradicts",
    ),
    (
        "a share that does not match",
        "支出2215.83万元，占77.11%",
        "支出2215.83万元，占75.11%",
        "share-mismatch",
    ),
    (
        "a relation word against the numbers",
        "减少179.17万元，下降5.87%",
        "增加179.17万元，下降5.87%",
        "relation-contradicts",
    ),
    (
        "the wrong prior year",
        "与2022年度相比，收、支总计",
        "与2021年度相比，收、支总计",
        "year-mismatch",
    ),
    (
        "another unit's name",
        "临湖县水利局2023年度部门决算情况说明",
        "临湖县水务局2023年度部门决算情况说明",
        "unit-name-mismatch",
    ),
    ("an amount in 元 meant as 万元", "公用经费157.55万元", "公用经费157.55元", "yuan-for-wan"),
    ("a count", "保有量为5辆", "保有量为6辆", "count-mismatch"),
    ("a completion rate", "完成年初预算的107.15%", "完成年初预算的107.51%", "rate-mismatch"),
    ("a change", "各增加407.85万元", "各增加417.85万元", "amount-mismatch"),
    (
        "a completion relation",
        "支出决算为118.94万元，完成年初预算的98.71%。决算数小于",
        "支出决算为118.94万元，完成年初预算的98.71%。决算数大于",
        "relation-contradicts",
    ),
    ("a doubled word", "主要用于：河长制工作经费", "主要用于：河长制工作经费经费", "repeated-text"),
    (
        "a missing reason",
        "主要原因是：上年度安排的河道综合治理一次性项目于2022年完成，本年相应支出减少。",
        "",
        "reason-missing",
    ),
    (
        "a line the figures do not have",
        "其中：\n\n1、社会保障",
        "其中：\n\n1、农林水支出（类）水利（款）机关服务（项）。年初预算为10.00万元，支出决算为12.00万元。\n\n1、社会保障",
        "line-not-in-figures",
    ),
]

#: The same on the Shanghai-profile example.
HARBOUR_CASES = [
    (
        "a leftover 增长（下降）",
        "增加737.55万元，增长3.22%",
        "增加737.55万元，增长（下降）3.22%",
        "template-leftover",
    ),
    (
        "住房公积金 explained as medical insurance",
        "主要用于：按规定为职工缴纳的住房公积金。",
        "主要用于：事业单位医疗保险支出。",
        "used-for-contradicts",
    ),
    (
        "a zero-amount class listed",
        "主要用于以下方面：社会保障和就业支出（类）",
        "主要用于以下方面：国防支出（类）0万元，占0%；社会保障和就业支出（类）",
        "zero-line-listed",
    ),
    (
        "预决算持平 when they differ",
        "支出决算为509.84万元。决算数小于预算数的主要原因：",
        "支出决算为509.84万元。预决算持平。",
        "relation-contradicts",
    ),
    ("an SME-reserved amount", "采购金额4612.35万元", "采购金额4621.35万元", "amount-mismatch"),
    ("an equipment count", "（不含车辆）6台（套）", "（不含车辆）7台（套）", "count-mismatch"),
    ("a 三公 part's completion", "完成预算的93.25%", "完成预算的92.25%", "rate-mismatch"),
    (
        "a placeholder",
        "主要原因：上年安排的港航数据中心机房改造一次性项目已完成，本年相应财政拨款减少",
        "主要原因：XXXXXXXX",
        "template-leftover",
    ),
    ("the report year", "2024年12月31日", "2023年12月31日", "year-mismatch"),
]


#: A report on the Zhejiang example written by hand, not by narrator: other words
#: (较上年, 所占比重, 决算数为年初预算的, 主要是由于 …), amounts with fewer decimals,
#: half-width brackets, lines broken inside sentences. It is correct.
HANDWRITTEN = Path(__file__).parent / "verify_cases" / "lakeside-handwritten.txt"

#: The known classes of error, written into the hand-written report.
HANDWRITTEN_CASES = [
    (
        "a total contradicts its table",
        "本年收入合计4300.71万元",
        "本年收入合计4300.17万元",
        "amount-mismatch",
    ),
    ("a % missing", "同比增长9.67%。", "同比增长9.67。", "percent-missing"),
    (
        "a template leftover",
        "比2022年增加344.46万元",
        "比2022年增加（减少）344.46万元",
        "template-leftover",
    ),
    (
        "completion against the wrong budget",
        "年初预算为2681.7万元，支出决算为2873.5万元，决算数为年初预算的107.2%",
        "年初预算为2681.7万元，调整预算为2950万元，支出决算为2873.5万元，决算数为年初预算的97.4%",
        "completion-wrong-budget",
    ),
    (
        "住房公积金 as medical insurance",
        "主要用于按规定为职工缴纳的住房公积金",
        "主要用于事业单位医疗保险支出",
        "used-for-contradicts",
    ),
    ("a share that does not match", "61.37万元，占2.1%", "61.37万元，占3.1%", "share-mismatch"),
    (
        "the year",
        "与2022年度相比，增加318.50万元",
        "与2021年度相比，增加318.50万元",
        "year-mismatch",
    ),
    ("last year's amount", "较上年的4,218.46万元", "较上年的4,281.46万元", "amount-mismatch"),
    (
        "a decrease called an increase",
        "比上年减少1.47万元",
        "比上年增加1.47万元",
        "relation-contradicts",
    ),
    ("a count", "累计3人次", "累计4人次", "count-mismatch"),
]


#: A report on the Shanghai example written by hand in the official template's words.
HARBOUR_HANDWRITTEN = Path(__file__).parent / "verify_cases" / "harbour-handwritten.txt"

HARBOUR_HANDWRITTEN_CASES = [
    (
        "a leftover 下降（增长）",
        "减少7.94万元，下降9.25%",
        "减少7.94万元，下降（增长）9.25%",
        "template-leftover",
    ),
    ("增长 13.95 without its %", "增长3.22%。", "增长3.22。", "percent-missing"),
    (
        "住房公积金 as 事业单位医疗保险支出",
        "主要用于：按规定为职工缴纳的住房公积金。",
        "主要用于：事业单位医疗保险支出。",
        "used-for-contradicts",
    ),
    (
        "a share that does not match its amount",
        "4.36万元，占5.6%",
        "4.36万元，占6.5%",
        "share-mismatch",
    ),
    (
        "a zero-amount line listed",
        "卫生健康支出（类）579.77万元，占3.11%；",
        "卫生健康支出（类）579.77万元，占3.11%；国防支出（类）0万元，占0%；",
        "zero-line-listed",
    ),
    (
        "a stated total against its table",
        "本年支出合计21,359.88万元",
        "本年支出合计21,395.88万元",
        "amount-mismatch",
    ),
    (
        "completion against the full-year budget",
        "年初预算为18,473.00万元，支出决算为18,642.35万元，完成年初预算的100.92%",
        "年初预算为18,473.00万元，全年预算为19,200.00万元，支出决算为18,642.35万元，完成年初预算的97.10%",
        "completion-wrong-budget",
    ),
    ("an item's final amount", "支出决算为412.58万元", "支出决算为421.58万元", "amount-mismatch"),
    (
        "a performance count",
        "绩效评级为“良”的项目12个",
        "绩效评级为“良”的项目13个",
        "count-mismatch",
    ),
]


def test_a_shanghai_report_written_by_hand_verifies_clean():
    report = load(HARBOUR)
    assert report.verify(HARBOUR_HANDWRITTEN) == []
    verification = Verification(report, source_of(HARBOUR_HANDWRITTEN))
    values = [c for c in verification.located.claims if c.kind == "value"]
    assert len(values) > 130 and set(values) <= set(verification.checked)


@pytest.mark.parametrize(
    ("case", "old", "new", "code"),
    HARBOUR_HANDWRITTEN_CASES,
    ids=[c[0] for c in HARBOUR_HANDWRITTEN_CASES],
)
def test_an_error_in_a_shanghai_report_written_by_hand_is_found(harbour, case, old, new, code):
    report, _ = harbour
    written, at = _inject(HARBOUR_HANDWRITTEN.read_text(encoding="utf-8"), old, new)
    _one_finding_at(report.verify(written), code, at, len(new))


def test_a_hand_written_report_as_pdf_gives_the_same_findings(harbour, tmp_path):
    report, _ = harbour
    text = HARBOUR_HANDWRITTEN.read_text(encoding="utf-8")
    for _, old, new, _ in HARBOUR_HANDWRITTEN_CASES[:5]:
        text, _ = _inject(text, old, new)
    expected = _what(report.verify(text))
    assert len(expected) == 5
    assert _what(report.verify(write_pdf(text, tmp_path / "h.pdf"))) == expected


def test_a_report_written_by_hand_verifies_clean():
    report = load(LAKESIDE)
    assert report.verify(HANDWRITTEN) == []
    verification = Verification(report, source_of(HANDWRITTEN))
    values = [c for c in verification.located.claims if c.kind == "value"]
    assert len(values) > 150 and set(values) <= set(verification.checked)  # every number read


@pytest.mark.parametrize(
    ("case", "old", "new", "code"), HANDWRITTEN_CASES, ids=[c[0] for c in HANDWRITTEN_CASES]
)
def test_an_error_in_a_report_written_by_hand_is_found(lakeside, case, old, new, code):
    report, _ = lakeside
    written, at = _inject(HANDWRITTEN.read_text(encoding="utf-8"), old, new)
    _one_finding_at(report.verify(written), code, at, len(new))


def _inject(text: str, old: str, new: str) -> tuple[str, int]:
    assert text.count(old) >= 1, old
    at = text.index(old)
    return text[:at] + new + text[at + len(old) :], at


def _one_finding_at(found: list[Finding], code: str, at: int, length: int) -> Finding:
    assert codes(found) == [code], [(f.code, f.written, f.message("zh")) for f in found]
    (finding,) = found
    if code not in ("line-not-described", "section-missing", "reason-missing"):
        assert at - 80 <= finding.span[0] <= at + length + 80, (finding.span, at)
    assert finding.message("zh") and finding.message("en")
    return finding


@pytest.mark.parametrize(
    ("case", "old", "new", "code"), LAKESIDE_CASES, ids=[c[0] for c in LAKESIDE_CASES]
)
def test_an_injected_error_gives_exactly_its_finding(lakeside, case, old, new, code):
    report, text = lakeside
    written, at = _inject(text, old, new)
    _one_finding_at(report.verify(written), code, at, len(new))


@pytest.mark.parametrize(
    ("case", "old", "new", "code"), HARBOUR_CASES, ids=[c[0] for c in HARBOUR_CASES]
)
def test_an_injected_error_gives_exactly_its_finding_in_shanghai(harbour, case, old, new, code):
    report, text = harbour
    written, at = _inject(text, old, new)
    _one_finding_at(report.verify(written), code, at, len(new))


def test_an_item_left_out_and_a_section_left_out(lakeside):
    report, text = lakeside
    item = re.search(r"13、住房保障支出（类）.*?\n", text)
    assert item
    found = report.verify(text.replace(item.group(0), ""))
    assert codes(found) == ["line-not-described"] and found[0].values["code"] == "2210202"
    section = re.search(r"（六）一般公共预算财政拨款基本支出决算情况说明\n.*?（七）", text, re.S)
    assert section
    found = report.verify(text.replace(section.group(0), "（七）"))
    assert codes(found) == ["section-missing"]
    assert "基本支出" in found[0].expected


def test_a_finding_says_where_what_and_the_fix(lakeside):
    report, text = lakeside
    written, _ = _inject(text, "支出2215.83万元，占77.11%", "支出2215.83万元，占75.11%")
    (finding,) = report.verify(written)
    assert finding.section == "general_budget" and "结构情况" in finding.heading
    assert written[finding.span[0] : finding.span[1]] == finding.written == "75.11%"
    assert finding.expected == "77.11%" and "农林水（类）支出2215.83万元，占77.11%" in finding.fix
    assert finding.line == written.count("\n", 0, finding.span[0]) + 1 and finding.page is None
    assert "75.11%" in finding.message("en") and "77.11%" in finding.message("zh")


# -- formats ---------------------------------------------------------------------------------


def _messy(text: str) -> str:
    """The text as a PDF extraction gives it: lines broken anywhere, spaces, half-width marks."""
    lines: list[str] = []
    for n, line in enumerate(text.splitlines()):
        line = re.sub(r"(\d+(?:\.\d+)?)(万元|%)", r"\1 \2", line)
        line = re.sub(r"(\d{4})年", r"\1 年", line)
        if n % 2:
            line = line.replace("，", ",").replace("（", "(").replace("）", ")").replace("：", ":")
        lines += [line[i : i + 31] for i in range(0, len(line), 31)] or [""]
        if n % 17 == 0:
            lines.append(f"- {n // 17 + 1} -")
    return "\n".join(lines)


def write_pdf(text: str, path: Path) -> Path:
    """A PDF of ``text`` in reportlab's built-in Chinese font, 36 characters a line."""
    pytest.importorskip("pdfplumber")
    reportlab = pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    assert reportlab
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page, y = 1, 800.0
    for paragraph in text.splitlines():
        # A table row stays one row, its cells apart, as a PDF table extracts.
        row = "\t" in paragraph
        width = 90 if row else 36
        paragraph = "  ".join(cell for cell in paragraph.split("\t") if cell) if row else paragraph
        for i in range(0, max(len(paragraph), 1), width):
            if y < 60:
                pdf.setFont("STSong-Light", 9)
                pdf.drawString(290, 30, f"- {page} -")
                pdf.showPage()
                page, y = page + 1, 800.0
            pdf.setFont("STSong-Light", 5.5 if row else 11)
            pdf.drawString(40, y, paragraph[i : i + width])
            y -= 16
    pdf.setFont("STSong-Light", 9)
    pdf.drawString(290, 30, f"- {page} -")
    pdf.save()
    return path


def write_docx(text: str, path: Path) -> Path:
    from docx import Document

    word = Document()
    for line in text.splitlines():
        word.add_paragraph(line)
    word.save(str(path))
    return path


def _what(found: list[Finding]) -> list[tuple[str, str, str | None, str]]:
    return [(f.code, f.written, f.section, f.expected) for f in found]


@pytest.fixture(scope="module")
def injected(lakeside):
    """The Zhejiang example with five known errors written into it."""
    report, text = lakeside
    for _, old, new, _ in [LAKESIDE_CASES[i] for i in (0, 1, 2, 4, 5)]:
        text, _ = _inject(text, old, new)
    return report, text


def test_the_same_findings_from_text_markdown_word_and_pdf(injected, tmp_path):
    report, text = injected
    expected = _what(report.verify(text))
    assert sorted(c for c, *_ in expected) == [
        "amount-mismatch",
        "percent-missing",
        "share-mismatch",
        "template-leftover",
        "used-for-contradicts",
    ]
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    assert _what(report.verify(tmp_path / "r.txt")) == expected
    assert _what(report.verify(_messy(text))) == expected
    md = tmp_path / "r.md"
    md.write_text(
        "\n\n".join(f"# {line}" if line.startswith("三、") else line for line in text.splitlines()),
        encoding="utf-8",
    )
    assert _what(report.verify(md)) == expected
    assert _what(report.verify(write_docx(text, tmp_path / "r.docx"))) == expected
    found = report.verify(write_pdf(text, tmp_path / "r.pdf"))
    assert _what(found) == expected
    assert all(f.page is not None and f.page >= 1 for f in found)


@needs_seed
def test_the_seed_as_word_and_pdf_gives_the_same_findings(seed_report, tmp_path):
    text = SEED_TEXT.read_text(encoding="utf-8")
    expected = _what(seed_report.verify(text))
    assert _what(seed_report.verify(write_docx(text, tmp_path / "seed.docx"))) == expected
    assert _what(seed_report.verify(write_pdf(text, tmp_path / "seed.pdf"))) == expected


def test_narrators_own_word_and_markdown_verify_clean(harbour, tmp_path):
    report, _ = harbour
    assert report.verify(report.write(tmp_path / "h.docx", lang="zh")) == []
    assert report.verify(report.write(tmp_path / "h.md", lang="zh")) == []


def test_markdown_is_read_as_the_text_it_shows():
    assert (
        markdown_text("### （一）标题\n1\\. 本年收入合计**4300.71**万元")
        == "（一）标题\n1. 本年收入合计4300.71万元"
    )


def test_unreadable_reports_say_why(lakeside, tmp_path, monkeypatch):
    report, _ = lakeside
    with pytest.raises(ReportReadError, match="no such file"):
        report.verify(tmp_path / "missing.pdf")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ReportReadError, match="Word"):
        report.verify(bad)
    binary = tmp_path / "bad.txt"
    binary.write_bytes(b"\xff\xfe\x00\x00\x81")
    with pytest.raises(ReportReadError):
        report.verify(binary)
    import builtins

    real = builtins.__import__

    def no_pdfplumber(name, *args, **kwargs):
        if name == "pdfplumber":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pdfplumber)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(ReportReadError, match=re.escape("narrator[pdf]")):
        report.verify(pdf)


# -- the command line and the notebook -------------------------------------------------------


def test_cli_exit_codes_and_json(injected, tmp_path, capsys):
    report, text = injected
    clean = tmp_path / "clean.txt"
    clean.write_text(report.render("zh"), encoding="utf-8")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(text, encoding="utf-8")
    assert main(["verify", str(clean), "--figures", str(LAKESIDE)]) == 0
    assert "No problems found." in capsys.readouterr().out
    assert main(["verify", str(wrong), "--figures", str(LAKESIDE), "--format", "json"]) == 1
    objects = json.loads(capsys.readouterr().out)
    keys = {"code", "severity", "section", "sentence", "span", "page", "written", "expected", "fix"}
    assert objects and all(keys <= set(obj) for obj in objects)
    (share,) = [o for o in objects if o["code"] == "share-mismatch"]
    assert share["written"] == "75.11%" and share["expected"] == "77.11%"
    only_warning = tmp_path / "warning.txt"
    only_warning.write_text(_inject(report.render("zh"), "经费", "经费经费")[0], encoding="utf-8")
    assert main(["verify", str(only_warning), "--figures", str(LAKESIDE)]) == 0
    assert main(["verify", str(only_warning), "--figures", str(LAKESIDE), "--strict"]) == 1
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "none.txt"), "--figures", str(LAKESIDE)]) == 2
    assert "none.txt" in capsys.readouterr().err
    assert main(["verify", str(clean), "--figures", str(tmp_path / "none.yaml")]) == 2
    assert main(["verify", str(wrong), "--figures", str(LAKESIDE), "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "错误（" in out and "建议：" in out


def test_the_findings_show_in_a_notebook_with_the_places_marked(injected):
    report, text = injected
    found = report.verify(text)
    page = found._repr_html_()
    assert page.count("<mark") == len(found)
    assert "75.11%<sup>" in page and "&lt;" not in text


# -- messages --------------------------------------------------------------------------------


def test_every_finding_code_has_its_messages_in_both_languages():
    bank = load_phrasebank()
    for lang in ("zh", "en"):
        messages = bank.language(lang).diagnostics["findings"]["messages"]
        for code in CODES:
            assert code in messages or any(k.startswith(code + ".") for k in messages), (lang, code)
        assert {key.split(".")[0] for key in messages} == set(CODES)


# -- self-consistency (property tests over generated figures) --------------------------------

from hypothesis import HealthCheck, given, note, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from benchmarks.generate import PROFILES, generate  # noqa: E402
from narrator.style import STYLE_OPTIONS  # noqa: E402

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: Every style option that changes the Chinese text, with all its values.
ZH_STYLES = {k: v for k, v in STYLE_OPTIONS.items() if k not in ("en_money", "count_words")}
styles = st.fixed_dictionaries(
    {name: st.sampled_from(values) for name, values in ZH_STYLES.items()}
)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _generated(seed: int, profile: str, style: dict[str, str]):
    report = load(generate(seed, profile), style=style)
    return report, report.render("zh")


@PROPERTY
@given(seed=seeds, profile=st.sampled_from(PROFILES), style=styles)
def test_narrators_own_text_verifies_clean_in_every_profile_and_style(seed, profile, style):
    report, text = _generated(seed, profile, style)
    assert report.verify(text) == []
    assert report.verify(_messy(text)) == []  # as a PDF extraction would give it


_SWAP = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长"}


@PROPERTY
@given(
    seed=seeds,
    profile=st.sampled_from(PROFILES),
    style=styles,
    kind=st.sampled_from(["number", "percent sign", "word"]),
    data=st.data(),
)
def test_one_mutation_gives_exactly_the_finding_for_that_place(seed, profile, style, kind, data):
    """Change one number, drop one %, or turn one 增加 into 减少: one finding, there."""
    report, text = _generated(seed, profile, style)
    checked = [c for c in Verification(report, source_of(text)).checked if c.kind == "value"]
    if kind == "percent sign":
        checked = [c for c in checked if c.unit == "%"]
    elif kind == "word":
        checked = [
            c for c in checked if c.direction and c.number and c.word_span[1] > c.word_span[0]
        ]
    if not checked:
        return
    claim = data.draw(st.sampled_from(checked))
    start, end = claim.word_span if kind == "word" else claim.span
    written = text[start:end]
    if kind == "number":
        digits = [i for i, ch in enumerate(written) if ch.isdigit()]
        # The tenths of a percentage: beyond any rounding convention a report may follow.
        at = digits[-2] if claim.unit == "%" and claim.places == 2 else digits[-1]
        new = (
            written[:at]
            + ("8" if written[at] == "9" else str(int(written[at]) + 1))
            + written[at + 1 :]
        )
    elif kind == "percent sign":
        new = written[:-1]
    else:
        new = _SWAP[written]
    note(f"{kind}: {written!r} -> {new!r} in {claim.sentence!r}")
    found = report.verify(text[:start] + new + text[end:])
    assert len(found) == 1, [(f.code, f.written) for f in found]
    (finding,) = found
    assert finding.span[0] <= start + len(new) and start <= finding.span[1]
    if kind == "percent sign":
        assert finding.code == "percent-missing"
    elif kind == "word":
        assert finding.code == "relation-contradicts"


def test_word_headings_without_their_numbers_still_open_sections(harbour, tmp_path):
    """Word numbers headings by itself: the text has only the title, the style says heading."""
    from docx import Document

    report, _ = harbour
    text, _ = _inject(
        HARBOUR_HANDWRITTEN.read_text(encoding="utf-8"), "4.36万元，占5.6%", "4.36万元，占6.5%"
    )
    numbered = re.compile(
        r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*"
    )
    word = Document()
    for line in text.splitlines():
        if numbered.match(line):
            word.add_heading(numbered.sub("", line), level=2)
        else:
            word.add_paragraph(line)
    path = tmp_path / "auto-numbered.docx"
    word.save(str(path))
    found = report.verify(path)
    assert [(f.code, f.section) for f in found] == [("share-mismatch", "three_public")]


def test_text_spaced_out_character_by_character_reads_the_same(harbour):
    report, _ = harbour
    text, _ = _inject(
        HARBOUR_HANDWRITTEN.read_text(encoding="utf-8"), "4.36万元，占5.6%", "4.36万元，占6.5%"
    )
    spaced = "\n".join(" ".join(line) for line in text.splitlines())
    assert _what(report.verify(spaced)) == _what(report.verify(text))


def test_a_zero_line_is_wrong_where_the_template_or_the_figures_say_so(lakeside):
    """Shanghai prescribes 不涉及的不列; the seed's practice lists every class, zeros too."""
    report, text = lakeside
    written, _ = _inject(
        text,
        "主要用于以下方面：社会保障和就业（类）",
        "主要用于以下方面：国防（类）支出0万元，占0%；社会保障和就业（类）",
    )
    assert report.verify(written) == []  # narrator's default is no rule of the report's
    strict = load(LAKESIDE, style={"list_zero_lines": "no"})
    assert codes(strict.verify(written)) == ["zero-line-listed"]


def test_a_sentence_about_last_year_is_not_a_wrong_year(harbour):
    """2023年度…22918.40万元 gives last year's total; this year's total under 2023 is wrong."""
    report, _ = harbour
    text = HARBOUR_HANDWRITTEN.read_text(encoding="utf-8")
    about_last_year, _ = _inject(
        text,
        "与2023年度相比，收入支出总计增加",
        "2023年度收入支出总计22918.40万元，与2023年度相比，收入支出总计增加",
    )
    assert report.verify(about_last_year) == []
    mislabelled, _ = _inject(
        text,
        "上海市港航事务中心2024年度收入支出总计23,655.95万元",
        "2023年度收入支出总计23,655.95万元",
    )
    assert [(f.code, f.written) for f in report.verify(mislabelled)] == [("year-mismatch", "2023")]


@pytest.mark.parametrize("budget_equal", ["flat", "equal_to", "same_as", "basically_flat"])
@pytest.mark.parametrize("basis", ["initial", "full_year", "both"])
def test_every_wording_of_final_equal_to_budget_verifies_clean(budget_equal, basis):
    # "决算数同全年预算数持平" was once read as "同…预算数" plus a 持平 of last year.
    from benchmarks.generate import generate

    for seed in (163, 198, 430):
        report = load(
            generate(seed, "shanghai-2024"),
            profile="shanghai-2024",
            style={"budget_equal": budget_equal, "budget_basis": basis},
        )
        assert report.verify(report.render("zh")) == []
