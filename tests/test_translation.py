"""The translation workflow: checks, stale English, PO exchange, overlay safety, --diff."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from narrator import load
from narrator.cli import main
from narrator.phrasebank import PhrasebankError, builtin_dir, load_phrasebank
from narrator.translation import check, export_po, fingerprint, import_po, stamp, status
from tests.conftest import LAKESIDE, SEED


def codes(problems):
    return sorted((p.code, p.key) for p in problems if p.severity == "error")


@pytest.mark.parametrize("profile", ["zhejiang-2019", "shanghai-2024"])
def test_the_builtin_phrasebanks_check_clean_and_start_with_no_stale_english(profile):
    assert codes(check(profile)) == []
    assert status(profile) == []


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A profile layer (unchecked at load) with one of each problem the check reports."""
    layer = tmp_path / "broken"
    (layer / "profiles").mkdir(parents=True)
    base = (builtin_dir() / "profiles" / "zhejiang-2019.yaml").read_text(encoding="utf-8")
    (layer / "profiles" / "broken.yaml").write_text(
        base.replace("description: >-", "layers: [..]\ndescription: >-", 1), encoding="utf-8"
    )
    (layer / "zh").mkdir()
    (layer / "en").mkdir()
    (layer / "zh" / "reasons.yaml").write_text(
        "merged_units: 因机构合并，{{ unit_name }}职能调整\n", encoding="utf-8"
    )
    (layer / "zh" / "text.yaml").write_text(
        "public_tables:\n  body: 详见{{ unit_name }}附表。\n"
        "income:\n  heading: '收入{{ year }'\n"
        "expenditure:\n  heading: '支出{{ secret_total }}'\n",
        encoding="utf-8",
    )
    (layer / "en" / "text.yaml").write_text(
        "public_tables:\n  body: See the attached tables.\n", encoding="utf-8"
    )
    (layer / "rules.yaml").write_text(
        "rules:\n"
        "  - id: vanished\n"
        "    description: selects a phrase no language has\n"
        "    kinds: [change]\n"
        "    when: state == 'increase'\n"
        "    reason: no_such_phrase\n",
        encoding="utf-8",
    )
    return layer


def test_check_reports_each_problem_of_a_broken_layer_with_file_and_line(broken):
    problems = check("broken", [broken])
    assert codes(problems) == [
        ("missing-en", "reasons:merged_units"),
        ("rule-phrase", "vanished"),
        ("rule-phrase", "vanished"),
        ("syntax", "text:income.heading"),
        ("unknown-name", "text:expenditure.heading"),
        ("variables", "text:expenditure.heading"),
        ("variables", "text:public_tables.body"),
    ]
    shown = {
        p.code: str(p)
        for p in problems
        if p.key != "text:expenditure.heading" or p.code != "variables"
    }
    assert shown["missing-en"].startswith(f"{broken / 'zh' / 'reasons.yaml'}:1: error:")
    assert shown["syntax"].startswith(f"{broken / 'zh' / 'text.yaml'}:4: error:")
    assert shown["unknown-name"].startswith(f"{broken / 'zh' / 'text.yaml'}:6: error:")
    assert "'secret_total'" in shown["unknown-name"]
    assert shown["variables"].startswith(f"{broken / 'en' / 'text.yaml'}:2: error:")
    assert "only zh: unit_name" in shown["variables"]
    assert shown["rule-phrase"].startswith(f"{broken / 'rules.yaml'}:2: error:")


def test_the_check_command_exits_1_on_problems_and_0_when_only_keys_are_unused(broken, capsys):
    assert main(["phrasebank", "check", "--profile", "broken", "--phrasebank", str(broken)]) == 1
    assert "error: syntax:" in capsys.readouterr().out
    assert main(["phrasebank", "check", "--profile", "shanghai-2024"]) == 0
    assert "info: unused: text:performance.heading" in capsys.readouterr().out


@pytest.fixture
def base_copy(tmp_path: Path) -> Path:
    """A copy of the built-in layer, as a maintainer's working tree of it."""
    copy = tmp_path / "base"
    shutil.copytree(builtin_dir(), copy)
    return copy


def test_editing_a_chinese_phrase_makes_its_english_stale_until_stamped(base_copy):
    zh = base_copy / "zh" / "text.yaml"
    zh.write_text(
        zh.read_text(encoding="utf-8").replace("body: 详见附表。", "body: 详见本部门附表。"),
        encoding="utf-8",
    )
    overlay = base_copy.parent / "over"
    (overlay / "zh").mkdir(parents=True)
    (overlay / "zh" / "text.yaml").write_text(
        "public_tables:\n  body: 详见本部门附表。\n", encoding="utf-8"
    )
    found = status(None, [overlay])
    assert [(p.code, p.key) for p in found] == [("stale", "text:public_tables.body")]
    assert found[0].file == str(builtin_dir() / "en" / "text.yaml")
    english = (builtin_dir() / "en" / "text.yaml").read_text(encoding="utf-8").splitlines()
    assert found[0].line == english.index("  body: See the attached tables.") + 1
    assert str(overlay / "zh" / "text.yaml") in found[0].message
    # The translator reviews the English and stamps the overlay: nothing is stale any more.
    path, count = stamp(None, [overlay])
    assert (path, count) == (overlay / "en" / "sources.yaml", 1)
    assert status(None, [overlay]) == []


def test_status_lists_missing_english_with_its_chinese_file(tmp_path, capsys):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "reasons.yaml").write_text("staff_moved: 人员调动\n", encoding="utf-8")
    found = status(None, [tmp_path])
    assert [(p.code, p.key, p.line) for p in found] == [("missing", "reasons:staff_moved", 1)]
    assert main(["phrasebank", "status", "--phrasebank", str(tmp_path)]) == 1
    assert "reasons:staff_moved has no English" in capsys.readouterr().out


def test_the_fingerprint_is_of_the_chinese_text():
    assert fingerprint("详见附表。") == fingerprint("详见附表。") != fingerprint("详见本部门附表。")
    assert len(fingerprint("x")) == 12


# -- PO exchange ---------------------------------------------------------------------


def po_round(tmp_path: Path, edit=None) -> Path:
    po = tmp_path / "en.po"
    assert main(["phrasebank", "export-po", "--lang", "en", "-o", str(po)]) == 0
    if edit is not None:
        with po.open("rb") as stream:
            catalog = read_po(stream)
        edit(catalog)
        with po.open("wb") as stream:
            write_po(stream, catalog)
    return po


def test_the_po_file_carries_keys_chinese_english_and_variables(tmp_path):
    with po_round(tmp_path).open("rb") as stream:
        catalog = read_po(stream)
    body = catalog.get("详见附表。", context="text:public_tables.body")
    assert body is not None and body.string == "See the attached tables."
    title = catalog.get("{{ unit_name }}{{ year }}年度部门决算", context="text:doc.title")
    assert title is not None and "Variables: unit_name, year" in title.auto_comments
    assert catalog.get("辆", context="terms:nouns.vehicle.other").string == "vehicles"
    assert catalog.get("个", context="reasons:budget_as_planned") is None
    assert catalog.get("预算安排正常", context="reasons:budget_as_planned") is not None


def test_stale_entries_are_exported_fuzzy(tmp_path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "text.yaml").write_text(
        "public_tables:\n  body: 详见本部门附表。\n", encoding="utf-8"
    )
    catalog = export_po(None, [tmp_path])
    fuzzy = [m.context for m in catalog if m.id and m.fuzzy]
    assert fuzzy == ["text:public_tables.body"]


def test_an_unedited_round_trip_writes_nothing_and_renders_the_same(tmp_path, capsys):
    po = po_round(tmp_path)
    overlay = tmp_path / "overlay"
    assert main(["phrasebank", "import-po", str(po), "--into", str(overlay)]) == 0
    assert list(overlay.rglob("*")) == []
    assert load(LAKESIDE, phrasebanks=[overlay]).render("en") == load(LAKESIDE).render("en")


def test_one_edited_msgstr_becomes_an_overlay_that_changes_only_that_phrase(tmp_path, capsys):
    def edit(catalog):
        catalog.get(
            "详见附表。", context="text:public_tables.body"
        ).string = "See the tables published with this report."

    po = po_round(tmp_path, edit)
    overlay = tmp_path / "overlay"
    assert main(["phrasebank", "import-po", str(po), "--into", str(overlay)]) == 0
    assert capsys.readouterr().out == "changed text:public_tables.body\n"
    assert sorted(p.name for p in (overlay / "en").iterdir()) == ["sources.yaml", "text.yaml"]
    assert status(None, [overlay]) == []
    base = load(LAKESIDE).document("en")
    over = load(LAKESIDE, phrasebanks=[overlay]).document("en")
    changed = [(a.key, b.text) for a, b in zip(base.blocks, over.blocks, strict=True) if a != b]
    assert changed == [("public_tables.body", "See the tables published with this report.")]
    assert main(["render", str(LAKESIDE), "--lang", "en", "--phrasebank", str(overlay)]) == 0
    assert "See the tables published with this report." in capsys.readouterr().out
    assert load(LAKESIDE, phrasebanks=[overlay]).render("zh") == load(LAKESIDE).render("zh")


def test_a_translated_entry_the_phrasebank_lacks_is_named_not_dropped_unseen(tmp_path, capsys):
    def edit(catalog):
        catalog.add("旧的句子。", "An old sentence.", context="text:no_such.key")
        catalog.add("另一表。", "Another table.", context="nosuchtable:key")

    po = po_round(tmp_path, edit)
    overlay = tmp_path / "overlay"
    assert main(["phrasebank", "import-po", str(po), "--into", str(overlay)]) == 0
    err = capsys.readouterr().err
    for context in ("text:no_such.key", "nosuchtable:key"):
        assert re.search(rf"{re.escape(str(po))}: line \d+: {context}: no such entry here", err)
    assert list(overlay.rglob("*.yaml")) == []


def test_edited_multiline_templates_and_plural_terms_import_cleanly(tmp_path):
    with po_round(tmp_path).open("rb") as stream:
        catalog = read_po(stream)
    reason = next(m for m in catalog if m.context == "reasons:new_unit")
    reason.string = reason.string.replace("newly established", "newly set up")
    catalog.get("辆", context="terms:nouns.vehicle.other").string = "cars"
    overlay = tmp_path / "overlay"
    result = import_po(catalog, overlay)
    assert result.changed == ("reasons:new_unit", "terms:nouns.vehicle.other")
    bank = load_phrasebank(None, [overlay])
    assert bank.language("en").term("nouns.vehicle") == {"one": "vehicle", "other": "cars"}
    assert "newly set up" in bank.language("en").reasons["new_unit"]
    assert "newly set up" in load(SEED, phrasebanks=[overlay]).render("en")


# -- the sandbox -----------------------------------------------------------------------

PAYLOADS = [
    ("text", "'{{ unit.__class__.__mro__ }}'", "private attribute '__class__'"),
    ("text", "'{{ f.__init__.__globals__ }}'", "private attribute '__init__'"),
    ("text", "\"{{ ''.__class__.__mro__[1].__subclasses__() }}\"", "'__class__'"),
    ("text", "\"{{ f['__class__'] }}\"", "private item '__class__'"),
    ("text", "'{{ cycler.__init__ }}'", "the private attribute '__init__'"),
    ("text", "\"{{ '{0.__class__}'.format(f) }}\"", "a method call (format)"),
    ("text", "\"{{ '{0.unit}'.format_map(f) }}\"", "a method call (format_map)"),
    ("text", "\"{{ f.parse_raw('x', proto='pickle', allow_pickle=True) }}\"", "(parse_raw)"),
    ("text", "'{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}'", "the statement macro"),
    ("text", "'{% for x in f recursive %}{{ loop(x) }}{% endfor %}'", "a recursive loop"),
    ("text", "'{{ self }}'", "the name 'self'"),
    ("text", "\"{{ f|attr('__class__') }}\"", "the filter 'attr'"),
    ("text", "\"{{ '%s'|format(f) }}\"", "the filter 'format'"),
    ("text", "\"{{ '%(unit)s' % f }}\"", "%-formatting of a string"),
    ("text", "\"{% include 'secrets' %}\"", "the statement include"),
    ("text", '"{{ f.unit|center(999999999) }}"', "the filter 'center'"),
    ("terms", "'[{what.__class__.__init__.__globals__}]'", "the field 'what.__class__"),
    ("terms", "'[{what:>999999999}]'", "the format spec ':>999999999'"),
]


@pytest.mark.parametrize(("table", "payload", "named"), PAYLOADS)
def test_injection_payloads_in_an_overlay_are_refused_with_file_and_line(
    tmp_path, capsys, table, payload, named
):
    (tmp_path / "en").mkdir()
    path = tmp_path / "en" / f"{table}.yaml"
    if table == "text":
        path.write_text(f"public_tables:\n  body: {payload}\n", encoding="utf-8")
    else:
        path.write_text(f"missing_text: {payload}\n", encoding="utf-8")
    with pytest.raises(PhrasebankError) as info:
        load_phrasebank(None, [tmp_path])
    assert str(info.value).startswith(f"{path}:{2 if table == 'text' else 1}: ")
    assert named in str(info.value)
    assert main(["render", str(SEED), "--lang", "en", "--phrasebank", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and named in err


@pytest.mark.parametrize("name", ["cycler", "joiner", "lipsum", "range", "dict"])
def test_jinja_globals_are_absent_so_a_layer_using_one_fails_with_file_and_line(
    tmp_path, capsys, name
):
    assert list(load_phrasebank(None).language("en").env.globals) == ["namespace"]
    (tmp_path / "en").mkdir()
    path = tmp_path / "en" / "text.yaml"
    path.write_text(f"public_tables:\n  body: '{{{{ {name}() }}}}'\n", encoding="utf-8")
    assert main(["render", str(SEED), "--lang", "en", "--phrasebank", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: en text 'public_tables.body'" in err
    assert f"'{name}' is undefined" in err and "Traceback" not in err


def test_a_format_string_payload_in_a_style_file_is_refused(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "style.yaml").write_text(
        "numbering:\n  1: '{n.__class__.__mro__}'\n", encoding="utf-8"
    )
    with pytest.raises(PhrasebankError, match=r"the field 'n\.__class__\.__mro__'"):
        load_phrasebank(None, [tmp_path])


# -- regenerate with --diff ------------------------------------------------------------------


def test_render_diff_shows_exactly_the_changed_phrase(tmp_path, capsys):
    units = tmp_path / "units"
    units.mkdir()
    for source in (SEED, LAKESIDE):
        shutil.copy(source, units / source.name)
    out = tmp_path / "out"
    assert main(["render", str(units), "-o", str(out), "--lang", "zh,en", "--diff"]) == 0
    assert capsys.readouterr().out == "narrator: 0 changed, 0 unchanged, 4 new\n"
    overlay = tmp_path / "overlay"
    (overlay / "en").mkdir(parents=True)
    (overlay / "en" / "text.yaml").write_text(
        "public_tables:\n  body: See the tables below.\n", encoding="utf-8"
    )
    argv = ["render", str(units), "-o", str(out), "--lang", "zh,en", "--diff"]
    assert main([*argv, "--phrasebank", str(overlay)]) == 0
    out_text = capsys.readouterr().out
    changes = [
        line for line in out_text.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"
    ]
    assert changes == ["-See the attached tables.", "+See the tables below."] * 2
    assert "--- a/lakeside-water-2023.en.txt" in out_text
    assert out_text.endswith("narrator: 2 changed, 2 unchanged, 0 new\n")
    assert "changes" not in (out / "summary.json").read_text(encoding="utf-8")


def test_render_diff_compares_word_files_by_their_text(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["render", str(LAKESIDE), "-o", str(out), "--format", "docx", "--diff"]
    assert main(argv) == 0
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "narrator: 0 changed, 1 unchanged, 0 new"
    overlay = tmp_path / "overlay"
    (overlay / "zh").mkdir(parents=True)
    (overlay / "zh" / "text.yaml").write_text(
        "totals:\n  heading: 收入支出决算总体情况\n", encoding="utf-8"
    )
    assert main([*argv, "--phrasebank", str(overlay)]) == 0
    text = capsys.readouterr().out
    assert "-（一）收入支出决算总体情况说明\n+（一）收入支出决算总体情况\n" in text
    assert text.endswith("narrator: 1 changed, 0 unchanged, 0 new\n")


def test_diff_without_an_output_folder_is_a_usage_error(capsys):
    assert main(["render", str(SEED), "--diff"]) == 2
    assert "--diff" in capsys.readouterr().err
