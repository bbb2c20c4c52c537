"""The output formats (md, html, docx) and the public tables, all from one document model."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from narrator.api import load
from narrator.derive import round_half_up
from narrator.document import Table
from narrator.figures import load_figures, read_file
from narrator.formats import FORMATS, format_for_path, writer
from narrator.phrasebank import flatten, load_phrasebank
from narrator.report import Report
from narrator.tables import PUBLIC_TABLES
from tests.conftest import LAKESIDE, ROOT, SEED

SCRIPT = "<script>alert(1)</script>"
AMOUNT = re.compile(r"^\d+\.\d{2}$")


def hostile_report() -> Report:
    """The seed with markup in free text of both languages."""
    data = read_file(SEED)
    data["unit"]["duties"] = {"zh": SCRIPT + "职责", "en": SCRIPT + " duties"}
    return Report(load_figures(data))


# -- the registry --------------------------------------------------------------


def test_the_registry_lists_every_format_with_its_extension():
    assert {name: f.extension for name, f in FORMATS.items()} == {
        "text": ".txt",
        "md": ".md",
        "html": ".html",
        "docx": ".docx",
    }
    assert [f.binary for f in FORMATS.values()] == [False, False, False, True]
    assert all(callable(writer(name)) for name in FORMATS)
    assert format_for_path("out/unit.DOCX").name == "docx"
    with pytest.raises(ValueError, match="unknown format"):
        writer("pdf")


def test_plain_text_keeps_its_shape_and_has_no_public_tables(seed_report):
    text = seed_report.render("zh", "text")
    assert text == seed_report.render()
    assert "详见附表。" in text
    assert "收入支出决算总表" not in text
    assert "收入支出决算总表" in seed_report.render("zh", "text", tables=True)


def test_docx_loads_only_when_used():
    code = (
        "import sys, narrator\n"
        "r = narrator.load('examples/zhuji-bigdata-2019.yaml')\n"
        "r.render('zh', 'html'); r.render('zh', 'md')\n"
        "assert 'docx' not in sys.modules, 'python-docx imported for html/md'\n"
        "r.render('zh', 'docx')\n"
        "assert 'docx' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_write_picks_the_format_from_the_extension(seed_report, tmp_path):
    for name in ("seed.md", "seed.html", "seed.docx", "seed.txt"):
        seed_report.write(tmp_path / name)
    assert (tmp_path / "seed.docx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "seed.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "seed.txt").read_text(encoding="utf-8") == seed_report.render()


# -- the public tables -----------------------------------------------------------


def public(report: Report, name: str, lang: str = "zh") -> Table:
    block = report.document(lang, tables=True).block(f"public.{name}")
    assert isinstance(block, Table)
    return block


def test_the_public_tables_follow_their_heading_in_order(seed_report):
    doc = seed_report.document("zh", tables=True)
    keys = [b.key for b in doc.blocks]
    start = keys.index("public_tables.title")
    assert keys[start + 1 : start + 1 + len(PUBLIC_TABLES)] == [
        f"public.{n}" for n in PUBLIC_TABLES
    ]
    assert "public_tables.body" not in keys


@pytest.mark.parametrize("path", [SEED, LAKESIDE], ids=["seed", "lakeside"])
def test_every_public_amount_is_two_decimals_and_every_table_has_its_unit(path):
    report = load(path)
    for name in PUBLIC_TABLES:
        table = public(report, name)
        assert table.unit_note == "单位：万元"
        for row in table.rows:
            assert len(row) == len(table.header)
            for cell in row[2:] if table.header[0] == "科目编码" else row[1:]:
                assert cell == "" or AMOUNT.match(cell) or not cell[0].isdigit(), (name, row)


@pytest.mark.parametrize("path", [SEED, LAKESIDE], ids=["seed", "lakeside"])
def test_public_amounts_equal_the_figures(path):
    report = load(path)
    f = report.figures

    def cents(value: Decimal | None) -> str:
        return "" if value is None else str(round_half_up(value, Decimal("0.01")))

    general = public(report, "general")
    by_code = {row[0]: row for row in general.rows if row[0]}
    for c in f.general_budget.classes:
        assert by_code[c.code][2] == cents(c.amount)
        for item in c.items:
            assert by_code[item.code][2] == cents(item.amount)
    assert general.rows[-1][2:] == tuple(
        cents(v) for v in (f.general_budget.total, f.general_budget.basic, f.general_budget.project)
    )

    summary = {row[0]: row[1] for row in public(report, "income_expenditure").rows}
    assert summary["一、一般公共预算财政拨款收入"] == cents(f.income.fiscal.general)
    assert summary["本年收入合计"] == cents(f.income.total)
    assert summary["总计"] == cents(f.income.grand_total)
    right = {row[2]: row[3] for row in public(report, "income_expenditure").rows}
    assert right["一、基本支出"] == cents(f.expenditure.basic)
    assert right["总计"] == cents(f.expenditure.grand_total)

    income = public(report, "income").rows[0]
    assert income[2:4] == (cents(f.income.total), cents(f.income.fiscal.total))

    fiscal = public(report, "fiscal")
    totals = next(row for row in fiscal.rows if row[0] == "本年收入合计")
    assert totals[1:] == (
        cents(f.income.fiscal.total),
        "本年支出合计",
        cents(f.fiscal.expenditure),
        cents(f.general_budget.total),
        cents(f.fund_budget.total),
    )

    basic = {row[1]: row[2] for row in public(report, "basic").rows}
    assert basic["人员经费合计"] == cents(f.basic.personnel.amount)
    assert basic["公用经费合计"] == cents(f.basic.public.amount)
    assert basic["基本工资"] == ""  # a covered code, without a per-code amount

    three = {row[0]: row[1:] for row in public(report, "three_public").rows}
    tp = f.three_public
    assert three["财政拨款“三公”经费合计"] == (cents(tp.budget), cents(tp.amount))
    assert three["公务用车购置及运行维护费"] == (
        cents(tp.vehicles.budget),
        cents(tp.vehicles.amount),
    )
    assert three["其中：公务用车购置费"] == ("", cents(tp.vehicles.purchase))
    assert three["公务接待费"] == (cents(tp.reception.budget), cents(tp.reception.amount))

    fund = public(report, "fund")
    assert fund.rows[-1][3:5] == (cents(f.income.fiscal.fund), cents(f.fund_budget.total))


def test_amounts_round_half_up_never_to_even(seed_report):
    changed = seed_report.with_figure("general_budget.classes.0.amount", "187.325")
    row = next(r for r in public(changed, "general").rows if r[0] == "201")
    assert row[2] == "187.33"


def test_a_budget_without_funds_says_its_table_has_no_data(seed_report, lakeside_report):
    assert "本年度没有政府性基金预算财政拨款收入和支出" in public(seed_report, "fund").note
    assert "没有" not in public(lakeside_report, "fund").note


def test_both_languages_label_the_same_tables_with_the_same_keys():
    bank = load_phrasebank()
    zh = flatten(bank.language("zh").tables)
    en = flatten(bank.language("en").tables)
    assert set(zh) == set(en)
    assert zh["unit_note"] == "单位：万元" and en["unit_note"] == "Unit: RMB 10,000"


def test_english_public_tables(lakeside_report):
    """Needs the English phrasebank: the tables in English, amounts as in the Chinese."""
    for name in PUBLIC_TABLES:
        zh, en = public(lakeside_report, name), public(lakeside_report, name, "en")
        assert en.unit_note == "Unit: RMB 10,000"
        assert len(zh.rows) == len(en.rows)
        numbers = [[c for c in row if AMOUNT.match(c)] for row in zh.rows]
        assert numbers == [[c for c in row if AMOUNT.match(c)] for row in en.rows]
        assert not re.search(r"[\u4e00-\u9fff]", en.title + "".join(en.header))


# -- Markdown ------------------------------------------------------------------


def md_tables(text: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def cells(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def test_markdown_headings_and_tables_are_well_formed(seed_report):
    text = seed_report.render("zh", "md")
    assert text.startswith("# 诸暨市大数据发展管理中心2019年度部门决算\n")
    assert "\n## 一、诸暨市大数据发展管理中心概况\n" in text
    assert "\n### （一）收入支出决算总体情况说明\n" in text
    tables = md_tables(text)
    assert len(tables) == len(PUBLIC_TABLES) + 2  # and two performance tables
    for table in tables:
        width = cells(table[0])
        assert all(cells(line) == width for line in table), table
        assert re.fullmatch(r"\|( ---:? \|)+", table[1])
    assert (
        "**一般公共预算财政拨款支出决算表**\n\n单位：万元\n\n| 科目编码 | 科目名称 | 合计 |" in text
    )
    assert "| 201 | 一般公共服务支出 | 187.32 |" in text


def test_markdown_escapes_free_text():
    text = hostile_report().render("zh", "md")
    assert SCRIPT not in text
    assert r"\<script\>alert(1)\</script\>职责" in text


# -- HTML ----------------------------------------------------------------------


class Outline(HTMLParser):
    """What a page holds: the tags seen, lang attributes, headings, tables and captions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.langs: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.captions: list[str] = []
        self.tables = 0
        self.cells: list[str] = []
        self._open: list[str] = []
        self._text: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.langs.extend(v or "" for k, v in attrs if k == "lang")
        if tag == "table":
            self.tables += 1
        if tag in {"h1", "h2", "h3", "h4", "caption", "td", "th"}:
            self._open.append(tag)
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[-1]:
            self._open.pop()
            text = "".join(self._text)
            if tag == "caption":
                self.captions.append(text)
            elif tag in {"td", "th"}:
                self.cells.append(text)
            else:
                self.headings.append((tag, text))

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        self.text += data


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    parser.close()
    return parser


def test_html_is_a_complete_page_with_headings_and_captioned_tables(seed_report):
    page = seed_report.render("zh", "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-Hans">')
    assert "@media print" in page and "@page" in page
    parsed = outline(page)
    assert parsed.tags.count("html") == parsed.tags.count("body") == 1
    assert ("h1", "诸暨市大数据发展管理中心2019年度部门决算") in parsed.headings
    assert ("h2", "一、诸暨市大数据发展管理中心概况") in parsed.headings
    assert ("h4", "1.一般公共预算财政拨款支出决算总体情况。") in parsed.headings
    assert parsed.tables == len(parsed.captions) == len(PUBLIC_TABLES) + 2
    assert "收入支出决算总表单位：万元" in parsed.captions
    assert "187.32" in parsed.cells


def test_html_escapes_free_text():
    page = hostile_report().render("zh", "html")
    parsed = outline(page)
    assert "script" not in parsed.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;职责" in page
    assert SCRIPT + "职责" in parsed.text  # shown as text, verbatim


def test_html_side_by_side_pairs_every_block(seed_report):
    """Needs the English phrasebank: two columns, each cell in its language."""
    page = seed_report.render("both", "html")
    parsed = outline(page)
    assert 'class="bilingual"' in page
    body = parsed.langs[1:]  # after <html lang>
    assert body[0::2] == ["zh-Hans"] * (len(body) // 2)
    assert body[1::2] == ["en"] * (len(body) // 2)
    assert parsed.tables == 2 * (len(PUBLIC_TABLES) + 2)
    assert any("Unit: RMB 10,000" in c for c in parsed.captions)


def test_html_escapes_free_text_in_english_too():
    """Needs the English phrasebank."""
    page = hostile_report().render("both", "html")
    assert "script" not in outline(page).tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt; duties" in page


# -- Word ----------------------------------------------------------------------


def open_docx(data: bytes) -> Any:
    docx = pytest.importorskip("docx")
    return docx.Document(io.BytesIO(data))


def word_tables(word: Any) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in word.tables]


def test_docx_has_real_headings_paragraphs_and_tables(seed_report):
    word = open_docx(seed_report.render("zh", "docx"))
    styled = [(p.style.name, p.text) for p in word.paragraphs]
    assert ("Title", "诸暨市大数据发展管理中心2019年度部门决算") in styled
    assert ("Heading 1", "一、诸暨市大数据发展管理中心概况") in styled
    assert ("Heading 2", "（一）收入支出决算总体情况说明") in styled
    assert ("Heading 3", "1.一般公共预算财政拨款支出决算总体情况。") in styled
    texts = [p.text for p in word.paragraphs]
    assert any("项目支出76.30万元" in t for t in texts)
    assert "详见附表。" not in texts

    tables = word_tables(word)
    assert len(tables) == len(PUBLIC_TABLES) + 2
    performance = next(t for t in tables if t[0][0] == "项目名称")
    assert performance[0][1] == "政务移动办公系统服务费（钉钉）"
    assert performance[7][:4] == [
        "资金到位情况（预算数、实际到位数、完成进度）",
        "16.30",
        "16.30",
        "100.00%",
    ]
    general = next(
        t for t in tables if t[0][:3] == ["科目编码", "科目名称", "合计"] and len(t[0]) == 5
    )
    assert general[1] == ["201", "一般公共服务支出", "187.32", "", ""]
    assert general[-1] == ["", "合计", "214.96", "138.66", "76.30"]
    header = word.tables[0].rows[0]._tr.trPr
    assert (
        header is not None
        and header.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
        is not None
    )


def test_docx_names_an_east_asian_font(seed_report):
    from docx.oxml.ns import qn

    word = open_docx(seed_report.render("zh", "docx"))
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        fonts = word.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in {"SimSun", "SimHei"}, name
        assert fonts.get(qn("w:ascii")), name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name


def test_docx_is_reproducible(seed_report):
    assert seed_report.render("zh", "docx") == seed_report.render("zh", "docx")


def test_docx_escapes_nothing_and_keeps_free_text_as_text():
    word = open_docx(hostile_report().render("zh", "docx"))
    assert any(p.text == SCRIPT + "职责" for p in word.paragraphs)


def test_docx_both_languages_block_by_block(seed_report):
    """Needs the English phrasebank: each Chinese block followed by its English."""
    word = open_docx(seed_report.render("both", "docx"))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、诸暨市大数据发展管理中心概况"
    assert headings[1].startswith("I. ")  # each Chinese level has its own English level
    tables = word_tables(word)
    assert len(tables) == 2 * (len(PUBLIC_TABLES) + 2)
    assert tables[1][0][0] == "Revenue"
    assert [r[1] for r in tables[0][1:]] == [r[1] for r in tables[1][1:]]


# -- LibreOffice (only where it is installed) ------------------------------------------


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed",
)
def test_libreoffice_renders_the_chinese_of_the_docx(seed_report, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office is not None
    source = seed_report.write(tmp_path / "seed.docx")
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "seed.pdf"
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert "部门职责" in first and "大数据发展管理中心" in first
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(tmp_path / "page1"),
            ],
            check=True,
            timeout=60,
        )
        image = Path(tmp_path / "page1.png")
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_docx_amounts_never_wrap_and_columns_fit_the_page():
    """Shanghai's 收入支出决算总表 once broke "18530.00" over two lines."""
    from docx.oxml.ns import qn

    from narrator.formats.common import is_amount
    from narrator.formats.docx import CELL_MARGINS_CM, MARGIN_CM, PAGE_CM, text_points

    shanghai = load(SEED.parent / "shanghai-harbour-2024.yaml")
    for lang in ("zh", "en"):
        word = open_docx(shanghai.render(lang, "docx"))
        for table in word.tables:
            widths = [column.width.cm for column in table.columns]
            assert sum(widths) == pytest.approx(PAGE_CM[0] - 2 * MARGIN_CM, abs=0.05)
            for row in table.rows[1:]:
                for c, cell in enumerate(row.cells):
                    if not is_amount(cell.text):
                        continue
                    assert cell._tc.tcPr.find(qn("w:noWrap")) is not None, cell.text
                    # Times New Roman digits are half an em: the amount fits on one line.
                    needed = text_points(cell.text) * 2.54 / 72 + CELL_MARGINS_CM
                    assert widths[c] >= needed, (cell.text, widths[c])
