"""The drafting notebook runs top to bottom and shows what it promises."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append(output["text"])
        data = output.get("data", {})
        parts.append(data.get("text/plain", ""))
        parts.append(data.get("text/html", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(EXAMPLES / "drafting.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_the_report_shows_both_languages_and_the_findings(executed):
    html = _text(executed[0])
    assert 'class="narrator-report"' in html
    assert "Checker: 2 error" in html
    assert 'lang="zh-Hans"' in html and 'lang="en"' in html
    assert "收、支总计各增加214.96万元" in html and "RMB 2.1496 million" in html


def test_fixing_one_figure_clears_the_error(executed):
    assert "sme-above-total" in _text(executed[1])
    assert _text(executed[2]).strip() == "[]"
    assert "授予中小企业合同金额5.00万元，占政府采购支出总额的63.61%" in _text(executed[3])


def test_a_reason_replaces_the_placeholder_in_both_languages(executed):
    assert "【请说明原因】" in _text(executed[4])
    after = _text(executed[5])
    assert "主要原因是：部分工程尚未完成竣工结算" in after
    assert "[reason required]" not in after and "carried over to next year" in after


def test_explain_and_write(executed):
    assert "'new_unit'" in _text(executed[6])
    assert _text(executed[7]).strip() == "True"


def test_markdown_view_pairs_each_block_with_its_translation(seed_report):
    text = seed_report._repr_markdown_()
    assert text.startswith("**Checker:** 2 error, 2 warning, 3 info")
    assert (
        "| **（一）收入支出决算总体情况说明** | **1. Overview of the final accounts of revenue and expenditure** |"
        in text
    )


def test_a_written_report_shows_with_its_findings_marked(executed):
    html = _text(executed[-1])
    assert html.count("<mark") == 2
    assert "share-mismatch" in html and "percent-missing" in html
