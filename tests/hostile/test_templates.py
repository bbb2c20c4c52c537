"""Hostile phrasebank layers: no code runs, no work is unbounded, every failure is a message.

Each trial writes a layer an attacker (or a careless translator) could hand over and
renders through the command line. It asserts the harm did not happen (a marker file
was not created, the render finished promptly), that the exit code is 2 with one message
naming the file and line, and that ``phrasebank check`` reports what rendering refuses.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from narrator import load
from narrator.cli import main
from narrator.errors import InputError
from narrator.phrasebank import PhrasebankError, load_phrasebank
from narrator.translation import check
from tests.conftest import LAKESIDE, SEED

#: A guard against hangs, not a speed test: a trial that takes this long has not been bounded.
HANG = 20.0


def finishes(action: Callable[[], Any], seconds: float = HANG) -> Any:
    """Run ``action`` and return its result; fail if it has not finished in ``seconds``."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # reported to the test below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s: the work is unbounded"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def layer(root: Path, files: dict[str, str]) -> Path:
    """A phrasebank layer folder with these files (paths relative to it)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def text_layer(root: Path, template: str, lang: str = "zh") -> Path:
    """A layer overriding one paragraph (``public_tables.body``, line 2) with ``template``."""
    return layer(root, {f"{lang}/text.yaml": f"public_tables:\n  body: {json.dumps(template)}\n"})


def refused(capsys: Any, *argv: str) -> str:
    """Run the CLI; assert exit 2, nothing on stdout, one message and no traceback."""
    code = finishes(lambda: main(list(argv)))
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    # The checker may report the figures first; the failure is one line at the end.
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith("narrator: ") and len(last) < 2000
    return last


def pickle_payload(marker: Path) -> str:
    """A template that would run ``touch marker`` if a template could reach pickle."""

    class Touch:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.system, (f"touch {marker}",))

    data = json.dumps(pickle.dumps(Touch()).decode("latin1"))
    return "{{ f.parse_raw(" + data + ".encode('latin1'), proto='pickle', allow_pickle=True) }}"


# -- code execution ---------------------------------------------------------------------


def test_an_overlay_template_cannot_reach_pickle(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    overlay = text_layer(tmp_path / "evil", pickle_payload(marker))
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert not marker.exists()
    assert f"{overlay / 'zh' / 'text.yaml'}:2: " in err and "a method call (parse_raw)" in err


def test_an_outline_condition_cannot_reach_pickle(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    condition = pickle_payload(marker)[3:-3]  # the expression inside {{ }}
    profile = {
        "description": "evil",
        "outline": [{"heading": "doc.title", "level": 0, "when": condition}],
    }
    overlay = layer(tmp_path / "evil", {"profiles/evil.yaml": json.dumps(profile)})
    err = refused(capsys, "render", str(SEED), "--profile", "evil", "--phrasebank", str(overlay))
    assert not marker.exists()
    assert "outline entry 0: when" in err and "parse_raw" in err


def test_a_rule_condition_cannot_reach_pickle(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    condition = pickle_payload(marker)[3:-3]
    rules = {"rules": [{"id": "evil", "description": "x", "kinds": ["change"]}]}
    rules["rules"][0].update(when=condition, reason=None)
    overlay = layer(tmp_path / "evil", {"rules.yaml": json.dumps(rules)})
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert not marker.exists()
    assert "rule 'evil'" in err and "call" in err


def test_a_po_msgstr_cannot_reach_pickle(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    catalog = Catalog(locale="en")
    catalog.add("详见附表。", pickle_payload(marker), context="text:public_tables.body")
    po = tmp_path / "evil.po"
    with po.open("wb") as stream:
        write_po(stream, catalog)
    into = tmp_path / "overlay"
    err = refused(capsys, "phrasebank", "import-po", str(po), "--into", str(into))
    assert f"{po}:" in err and "text:public_tables.body: uses a method call (parse_raw)" in err
    assert not marker.exists()
    assert not (into / "en" / "text.yaml").exists()  # nothing written


# -- what the policy refuses, at load and in `phrasebank check` alike -------------------------

REFUSED = [
    ("{{ f.unit.name.zh.upper() }}", "a method call (upper)"),
    ("{{ f.model_fields }}", None),  # not a field: refused when read, not at compile time
    ("{{ ''.__class__.__mro__ }}", "the private attribute '__mro__'"),
    ("{{ f['__class__'] }}", "the private item '__class__'"),
    ("{% macro m() %}x{% endmacro %}{{ m() }}", "the statement macro"),
    ("{% for x in f recursive %}{{ loop(x) }}{% endfor %}", "a recursive loop"),
    ("{% include 'x' %}", "the statement include"),
    ("{% import 'x' as y %}", "the statement import"),
    ("{% with a = 1 %}{{ a }}{% endwith %}", "the statement with"),
    ("{{ self }}", "the name 'self'"),
    ("{{ f|attr('unit') }}", "the filter 'attr'"),
    ("{{ 'x'|center(999999999) }}", "the filter 'center'"),
    ("{{ '%0999999999d' % 1 }}", "%-formatting of a string"),
    ("{{ 10 ** 1000 }}", "an exponent above 100"),
    ("{{ amount(*[1]) }}", "a call with *args or **kwargs"),
    ("{{ amount(1, _loop_vars=2) }}", "the keyword argument '_loop_vars'"),
    ("{{ amount(1, x=1, x=2) }}", "a keyword argument given twice"),
]


@pytest.mark.parametrize(("template", "named"), [r for r in REFUSED if r[1]])
def test_rendering_refuses_each_template_at_load(tmp_path, capsys, template, named):
    overlay = text_layer(tmp_path / "layer", template)
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / 'zh' / 'text.yaml'}:2: " in err and named in err


def test_phrasebank_check_reports_what_rendering_refuses(tmp_path):
    # One layer with every refused template on a key of its own (line 2 * n): one check.
    payloads = [r for r in REFUSED if r[1]]
    heads: dict[str, str] = {}
    for key in sorted(load_phrasebank().language("zh").text):
        if "." in key:  # one key per mapping: no duplicates
            heads.setdefault(key.rpartition(".")[0], key)
    keys = sorted(heads.values())[: len(payloads)]
    lines = []
    for key, (template, _) in zip(keys, payloads, strict=True):
        head, _, last = key.rpartition(".")
        lines.append(f"{json.dumps(head)}:\n  {json.dumps(last)}: {json.dumps(template)}")
    overlay = layer(tmp_path / "layer", {"zh/text.yaml": "\n".join(lines) + "\n"})
    path = overlay / "zh" / "text.yaml"
    problems = [p for p in check(None, [overlay]) if p.severity == "error"]
    for number, (key, (_, named)) in enumerate(zip(keys, payloads, strict=True), 1):
        found = [p for p in problems if p.file == str(path) and p.line == 2 * number]
        assert any(named in p.message for p in found), (key, named, found)


@pytest.mark.parametrize(
    "template",
    [
        "{{ f.model_fields }}",
        "{{ f.unit.name.zh.upper }}",
        "{{ f.style.items }}",
        "{{ style.update }}",
        "{{ terms.nouns.keys }}",
        "{{ f.unit.established.__init__ }}",
    ],
)
def test_methods_and_framework_attributes_are_never_read(tmp_path, capsys, template):
    overlay = text_layer(tmp_path / "layer", template)
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / 'zh' / 'text.yaml'}:2: " in err
    assert any(word in err for word in ("unsafe", "private", "has no attribute"))


# -- bounded work -------------------------------------------------------------------------------

UNBOUNDED = [
    ("{{ 'a' * 10 ** 9 }}", "repeating a text or list"),
    ("{{ 10 ** 100 ** 100 }}", "bits"),
    ("{{ 2 ** (10 ** 10) }}", "exponent"),
    (
        "{% set ns = namespace(x=10 ** 99) %}{% for c in 'x' * 40 %}{% set ns.x = ns.x * ns.x %}"
        "{% endfor %}{{ ns.x }}",
        "bits",
    ),
    ("{% set s = 'x' * 9000 %}{% for a in s %}{% for b in s %}.{% endfor %}{% endfor %}", "steps"),
    (
        "{% set ns = namespace(x='ab') %}{% for c in 'x' * 80 %}{% set ns.x = ns.x ~ ns.x %}"
        "{% endfor %}{{ ns.x }}",
        "longer than",
    ),
    (
        "{% set ns = namespace(x=['ab']) %}{% for c in 'x' * 80 %}{% set ns.x = ns.x + ns.x %}"
        "{% endfor %}{{ ns.x|length }}",
        "joining a text or list",
    ),
    ("{{ ('y' * 90000)|join('z' * 90000) }}", "longer than"),
    ("{{ join(['y' * 90000] * 9000) }}", "longer than"),
    ("{{ phrase('public_tables.body') }}", "deep"),
    (
        "{{ phrase('public_tables.body') ~ phrase('public_tables.body') ~ "
        "phrase('public_tables.body') }}",
        None,
    ),
    ("{% for i in 'x' * 9000 %}{{ 'y' * 9000 }}{% endfor %}", "longer than"),
    # A {% set %} block's text doubles each time round: refused before it passes the limit.
    (
        "{% set ns = namespace(x='ab') %}{% for c in 'x' * 80 %}{% set y %}{{ ns.x }}{{ ns.x }}"
        "{% endset %}{% set ns.x = y %}{% endfor %}{{ ns.x|length }}",
        "longer than",
    ),
    # Nine thousand references to one long text: a short list, an enormous text.
    ("{{ ['y' * 90000] * 9000 }}", "longer than"),
    ("{% for x in ['y' * 90000] * 9000 %}{{ [x, x] }}{% endfor %}", "longer than"),
]


@pytest.mark.parametrize(("template", "named"), UNBOUNDED)
def test_runaway_work_is_stopped_with_a_message(tmp_path, capsys, template, named):
    overlay = text_layer(tmp_path / "layer", template)
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / 'zh' / 'text.yaml'}:2: " in err
    if named:
        assert named in err


@pytest.mark.parametrize(
    ("name", "text", "named"),
    [
        ("zh/style.yaml", "numbering:\n  1: '{n:>999999999}'\n", "the format spec"),
        ("zh/style.yaml", "numbering:\n  1: '{n.__class__}'\n", "the field 'n.__class__'"),
        ("zh/style.yaml", "numbering:\n  1: '{0}'\n", "the field '0'"),
        ("zh/terms.yaml", "missing_text: '{what!r}'\n", "the conversion '!r'"),
        ("zh/diagnostics.yaml", "messages:\n  grand-totals: '{total:999999999}'\n", "spec"),
    ],
)
def test_format_patterns_in_data_files_name_plain_fields_only(tmp_path, capsys, name, text, named):
    overlay = layer(tmp_path / "layer", {name: text})
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / name}:" in err and named in err


def test_a_template_nested_beyond_what_python_compiles_is_a_message(tmp_path, capsys):
    deep = "{% for x in 'a' %}" * 25 + "x" + "{% endfor %}" * 25
    overlay = text_layer(tmp_path / "layer", deep)
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / 'zh' / 'text.yaml'}:2: " in err and "cannot be compiled" in err


# -- runtime errors and malformed data name the file ---------------------------------------------


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ amount('x') }}", "must be a Decimal"),
        ("{{ month(13) }}", "KeyError: 13"),
        ("{{ missing_name }}", "'missing_name' is undefined"),
        ("{{ f.unit.name.zh + 1 }}", "TypeError"),
        ("{{ count(2, 'no_such_noun') }}", "no term 'nouns.no_such_noun'"),
        # Amounts are formatted when their sentence ends: out of range is refused at once.
        ("{{ amount(10 ** 50) }}", "an amount must be finite and below"),
        ("{{ amount(10 ** 12) }}", "an amount must be finite and below"),
        ("{{ amount_alone(10 ** 50) }}", "an amount must be finite and below"),
        ("{{ amount(f.income.total ** 90) }}", "an amount must be finite and below"),
    ],
)
def test_a_template_failing_while_it_renders_names_file_line_and_key(
    tmp_path, capsys, template, named
):
    overlay = text_layer(tmp_path / "layer", template)
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / 'zh' / 'text.yaml'}:2: zh text 'public_tables.body': " in err
    assert named in err


@pytest.mark.parametrize("mode", ["compiled", "reference"])
@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("{{ amount }}", "'amount'"),
        ("{{ [amount, 1] }}", "'amount'"),
        ("{{ {'a': pct} }}", "'pct'"),
        ("{{ [amount]|join }}", "'amount'"),
        ("{{ amount ~ '' }}", "'amount'"),
        ("{% set t %}{{ count }}{% endset %}{{ t }}", "'count'"),
        ("{% for x in [1] %}{{ loop }}{% endfor %}", "'LoopContext'"),
    ],
)
def test_a_template_printing_a_helper_itself_is_refused(tmp_path, capsys, mode, template, named):
    # Python's text for a function carries a memory address: output no report may carry,
    # different in every run.
    from narrator.sandbox import phrase

    old = phrase.use(mode)
    try:
        overlay = text_layer(tmp_path / "layer", template)
        err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    finally:
        phrase.use(old)
    assert f"{overlay / 'zh' / 'text.yaml'}:2: zh text 'public_tables.body': " in err
    assert f"prints {named}, which has no text of its own" in err
    assert " at 0x" not in err


@pytest.mark.parametrize(
    ("files", "named"),
    [
        ({"catalog.yaml": "codes: [1, 2]\n"}, "catalog.yaml: codes: expected a mapping"),
        ({"catalog.yaml": "lists: {seed-2019-general: 5}\n"}, "expected a list of class codes"),
        ({"zh/catalog.yaml": "names: [a, b]\n"}, "catalog.yaml: names: expected a mapping"),
        ({"zh/economic.yaml": "names: 3\n"}, "economic.yaml: names: expected a mapping"),
        ({"zh/style.yaml": "amount: 3\n"}, "style.yaml"),
        ({"zh/style.yaml": "amount: {formats: 3}\n"}, "style.yaml"),
        ({"zh/style.yaml": "locale: xx_YY\n"}, "style.yaml: malformed number style"),
        ({"zh/text.yaml": "- a list\n"}, "text.yaml: expected a mapping"),
        ({"zh/terms.yaml": "nouns: 3\n"}, "'nouns' is not a terms key"),
        ({"rules.yaml": "rules: 3\n"}, "expected a 'rules:' list"),
    ],
)
def test_malformed_layer_data_is_a_message_naming_the_file(tmp_path, capsys, files, named):
    overlay = layer(tmp_path / "layer", files)
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert named in err


@pytest.mark.parametrize(
    ("outline", "named"),
    [
        ([1], "outline entry 0: expected a mapping"),
        ([{"heading": "doc.title", "level": "x"}], "level must be a whole number"),
        ([{"paragraph": "no.such.key"}], "no text key 'no.such.key'"),
        ([{"paragraph": "doc.title", "when": "1 / 0"}], "outline entry 0"),
        ([{"paragraph": "doc.title", "each": "5"}], "outline entry 0"),
        ([{"table": "no_such_table"}], "no_such_table"),
    ],
)
def test_a_malformed_profile_is_a_message_naming_its_file(tmp_path, capsys, outline, named):
    profile = json.dumps({"description": "x", "outline": outline})
    overlay = layer(tmp_path / "layer", {"profiles/broken.yaml": profile})
    err = refused(capsys, "render", str(SEED), "--profile", "broken", "--phrasebank", str(overlay))
    assert named in err


# -- layers: confined, checked alike, immutable ------------------------------------------------


def test_a_profile_layer_may_not_leave_the_folder_that_holds_it(tmp_path, capsys):
    outside = text_layer(tmp_path / "outside", "{{ f.parse_raw('x') }}")
    profile = (load_phrasebank().profile.origin).read_text(encoding="utf-8")
    overlay = layer(
        tmp_path / "office" / "layer",
        {"profiles/office.yaml": profile + "\nlayers: ['../../outside']\n"},
    )
    err = refused(capsys, "render", str(SEED), "--profile", "office", "--phrasebank", str(overlay))
    assert "leaves the folder" in err and str(outside) not in err.split("leaves")[1]


def test_a_profile_layer_is_checked_like_a_phrasebank_layer(tmp_path, capsys):
    profile = (load_phrasebank().profile.origin).read_text(encoding="utf-8")
    overlay = layer(
        tmp_path / "office",
        {
            "profiles/office.yaml": profile + "\nlayers: [../wording]\n",
            "wording/zh/text.yaml": "public_tables:\n  body: '{{ f.parse_raw(1) }}'\n",
        },
    )
    err = refused(capsys, "render", str(SEED), "--profile", "office", "--phrasebank", str(overlay))
    assert f"{overlay / 'wording' / 'zh' / 'text.yaml'}:2: " in err and "parse_raw" in err


def test_phrasebank_data_is_read_only_and_shared_safely_between_reports(tmp_path):
    bank = load_phrasebank()
    terms = bank.language("zh").terms
    with pytest.raises(TypeError):
        terms["missing_text"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        bank.language("zh").style["amount"] = {}  # type: ignore[index]
    first, second = load(SEED), load(LAKESIDE)
    assert first.bank is second.bank
    assert "临湖县水利局" in second.render("zh") and "临湖县水利局" not in first.render("zh")
    assert "大数据发展管理中心" in load(SEED).render("zh")


def test_every_hostile_failure_is_an_input_error():
    # The CLI turns InputError into exit 2; nothing a layer does may escape as anything else.
    assert issubclass(PhrasebankError, InputError)


# -- phrasebank files are read like figures files ---------------------------------------------


def test_a_yaml_alias_bomb_in_a_phrasebank_file_is_refused_at_once(tmp_path, capsys):
    rows = ["a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    rows += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)
    ]
    overlay = layer(tmp_path / "layer", {"zh/terms.yaml": "\n".join(rows) + "\n"})
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / 'zh' / 'terms.yaml'}" in err and "line 1" in err


def test_a_duplicate_key_in_a_phrasebank_file_names_both_lines(tmp_path, capsys):
    overlay = layer(
        tmp_path / "layer",
        {"zh/text.yaml": "public_tables:\n  body: 甲\n  body: 乙\n"},
    )
    err = refused(capsys, "render", str(SEED), "--phrasebank", str(overlay))
    assert f"{overlay / 'zh' / 'text.yaml'}: line 3" in err
    assert "duplicate key 'body', first at line 2" in err


# -- PO files -------------------------------------------------------------------------------

PO_REFUSED = [
    ('msgid "x\n', "not a valid PO file"),
    ('"Plural-Forms: nplurals=2;\\n"\nmsgid ""\nmsgstr ""\n', "not a valid PO file"),
    (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=nosuch\\n"\n\n'
        'msgctxt "text:public_tables.body"\nmsgid "x"\nmsgstr "y"\n',
        "unknown encoding",
    ),
    ("\ufffe".encode("utf-16") + b"\xff\xfe", "cannot be read as a PO file"),
    # A plural entry's msgstr is several texts: written as one, it would be "('a', 'b')".
    (
        'msgctxt "terms:nouns.vehicle.one"\nmsgid "辆"\nmsgid_plural "辆"\n'
        'msgstr[0] "a"\nmsgstr[1] "b"\n',
        ".po:2: a plural entry",
    ),
]


@pytest.mark.parametrize(("content", "named"), PO_REFUSED)
def test_a_malformed_po_file_is_a_message_and_writes_nothing(tmp_path, capsys, content, named):
    po = tmp_path / "edited.po"
    po.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    into = tmp_path / "overlay"
    err = refused(capsys, "phrasebank", "import-po", str(po), "--into", str(into))
    assert err.startswith(f"narrator: {po}") and named in err
    assert not into.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_po_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    po = tmp_path / "edited.po"
    os.mkfifo(po)
    err = refused(capsys, "phrasebank", "import-po", str(po), "--into", str(tmp_path / "o"))
    assert "FIFO" in err


# -- a layer file that is no regular file: refused, never skipped ------------------------------

LAYER_FILES = [
    ("zh/text.yaml", "render"),
    ("en/reasons.yaml", "render"),
    ("zh/terms.yaml", "render"),
    ("rules.yaml", "render"),
    ("catalog.yaml", "render"),
    ("checks.yaml", "check"),
]


@pytest.mark.parametrize("kind", ["fifo", "folder"])
@pytest.mark.parametrize(("name", "command"), LAYER_FILES)
def test_a_layer_file_that_is_no_regular_file_is_refused_not_skipped(
    tmp_path, capsys, kind, name, command
):
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "layer" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    err = refused(capsys, command, str(LAKESIDE), "--phrasebank", str(tmp_path / "layer"))
    assert f"{path}: cannot be read" in err and "not a regular file" in err


def test_a_huge_layer_file_is_refused_without_being_read(tmp_path, capsys):
    import resource

    path = tmp_path / "layer" / "zh" / "text.yaml"
    path.parent.mkdir(parents=True)
    with path.open("wb") as stream:
        stream.truncate(3 * 1024**3)  # sparse: no real bytes are written
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    err = refused(capsys, "render", str(LAKESIDE), "--phrasebank", str(path.parents[1]))
    assert f"{path}: is too large" in err
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 512 * 1024, f"{grown} KiB read for a file that is refused"


@pytest.mark.parametrize("same_id", [False, True], ids=["many rules", "one rule many times"])
def test_a_rule_file_of_thousands_of_rules_is_refused_promptly(tmp_path, capsys, same_id):
    entries = "".join(
        f"  - id: r{0 if same_id else i}\n    description: d\n    kinds: [change]\n"
        f"    when: \"state == 'x{i}' and current > {i}\"\n    reason: new_unit\n"
        for i in range(5000)
    )
    overlay = layer(tmp_path / "layer", {"rules.yaml": "rules:\n" + entries})
    started = time.monotonic()
    err = refused(capsys, "render", str(LAKESIDE), "--phrasebank", str(overlay))
    assert f"{overlay / 'rules.yaml'}: more than 1000 rules" in err
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("table", ["reasons", "text"])
def test_a_layer_file_of_thousands_of_templates_is_refused_promptly(tmp_path, capsys, table):
    entries = "".join(
        f'r{i}: "原因{{{{ year }}}}{i}{{% if year > {i} %}}a{{% endif %}}"\n' for i in range(6000)
    )
    overlay = layer(tmp_path / "layer", {f"zh/{table}.yaml": entries})
    path = overlay / "zh" / f"{table}.yaml"
    started = time.monotonic()
    err = refused(capsys, "render", str(LAKESIDE), "--phrasebank", str(overlay))
    assert f"{path}:1: {table}: 6,000 entries, more than the 2,000" in err
    assert time.monotonic() - started < 10
    problems = [p for p in check(None, [overlay]) if p.file == str(path)]
    assert any("more than the 2,000" in p.message for p in problems)


def test_a_profile_outline_of_thousands_of_entries_is_refused_promptly(tmp_path, capsys):
    entries = "".join(
        f'  - {{paragraph: public_tables.body, when: "f.unit.year > {i}"}}\n' for i in range(5000)
    )
    profile = "extends: zhejiang-2019\nlayers: [..]\noutline:\n" + entries
    overlay = layer(tmp_path / "layer", {"profiles/big.yaml": profile})
    started = time.monotonic()
    err = refused(capsys, "render", str(LAKESIDE), "--phrasebank", str(overlay), "--profile", "big")
    assert f"{overlay / 'profiles' / 'big.yaml'}: an outline of 5,000 entries" in err
    assert time.monotonic() - started < 10
