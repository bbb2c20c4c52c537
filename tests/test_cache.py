"""The on-disk cache: ours, whole, and never trusted across a change of what it depends on.

Each test gets a cache folder of its own (``NARRATOR_CACHE_DIR``) and a fresh process
state: phrasebanks are built anew, the compiled code memo is emptied.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from narrator import cache, load
from narrator import phrasebank as pb
from narrator.sandbox import phrase
from tests.conftest import LAKESIDE, SEED

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A cache folder of the test's own, and a process that has compiled nothing yet."""
    path = tmp_path / "cache"
    monkeypatch.setenv("NARRATOR_CACHE_DIR", str(path))
    monkeypatch.delenv("NARRATOR_CACHE", raising=False)
    monkeypatch.setattr(pb, "_CACHE", {})
    monkeypatch.setattr(pb, "_PRELOADED", {})
    monkeypatch.setattr(phrase, "CODE", {})
    return path


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.cache"))


def test_a_value_round_trips_and_the_folder_is_private(folder):
    assert cache.store("a" * 64, {"x": (1, "二")})
    assert cache.load("a" * 64) == {"x": (1, "二")}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (entry,) = _entries(folder)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert not list(folder.glob(".*.tmp"))  # written whole, then renamed into place


def test_a_damaged_or_foreign_file_is_a_miss(folder):
    name = "b" * 64
    assert cache.store(name, [1, 2, 3])
    path = folder / f"{name}.cache"
    data = path.read_bytes()
    path.write_bytes(data[:-1])  # truncated: the checksum no longer matches
    assert cache.load(name) is None
    path.write_bytes(data.replace(b"narrator-cache", b"narrator-cachX", 1))
    assert cache.load(name) is None
    path.write_bytes(data)
    (folder / f"{'c' * 64}.cache").write_bytes(data)  # another entry's content
    assert cache.load("c" * 64) is None
    assert cache.load(name) == [1, 2, 3]


def test_a_file_others_may_write_or_a_link_is_refused(folder, tmp_path):
    name = "d" * 64
    assert cache.store(name, "value")
    path = folder / f"{name}.cache"
    path.chmod(0o622)
    assert cache.load(name) is None
    path.chmod(0o600)
    assert cache.load(name) == "value"
    elsewhere = tmp_path / "planted"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    assert cache.load(name) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file away")
def test_a_file_another_user_owns_is_refused(folder):
    name = "e" * 64
    assert cache.store(name, "value")
    os.chown(folder / f"{name}.cache", 12345, 12345)
    assert cache.load(name) is None


def test_a_folder_others_may_write_or_a_linked_folder_is_not_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("NARRATOR_CACHE_DIR", str(shared))
    assert cache.directory() is None
    assert not cache.store("f" * 64, 1)
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("NARRATOR_CACHE_DIR", str(link))
    assert cache.directory() is None


def test_the_cache_follows_xdg_and_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.delenv("NARRATOR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == tmp_path / "xdg" / "narrator"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == tmp_path / "home" / ".cache" / "narrator"
    monkeypatch.setenv("NARRATOR_CACHE", "off")
    assert cache.directory() is None


def test_old_entries_are_pruned(folder, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    for letter in "ghijk":
        assert cache.store(letter * 64, letter)
    assert len(_entries(folder)) == 3


# -- a phrasebank's compiled code ---------------------------------------------------------


def test_a_report_renders_the_same_from_the_cache(folder):
    fresh = load(LAKESIDE).render("both")
    (entry,) = [p for p in _entries(folder) if p.stat().st_size > 10_000]
    stored = cache.load(entry.name.removesuffix(".cache"))
    assert stored["code"] and stored["files"]
    written = entry.stat().st_mtime_ns
    phrase.CODE.clear()
    pb._CACHE.clear()
    pb._PRELOADED.clear()
    generation = phrase.code_generation()
    assert load(LAKESIDE).render("both") == fresh
    assert phrase.code_generation() == generation  # nothing compiled: all of it was stored
    assert entry.stat().st_mtime_ns == written  # and nothing new to store


def test_a_changed_layer_is_a_different_entry(folder, tmp_path):
    layer = tmp_path / "layer"
    (layer / "zh").mkdir(parents=True)
    text = layer / "zh" / "text.yaml"
    text.write_text("public_tables:\n  body: 甲{{ year }}\n", encoding="utf-8")
    assert "甲2019" in load(SEED, phrasebanks=[layer]).render("zh")
    before = set(_entries(folder))
    text.write_text("public_tables:\n  body: 乙{{ year }}\n", encoding="utf-8")
    pb._CACHE.clear()
    assert "乙2019" in load(SEED, phrasebanks=[layer]).render("zh")
    assert set(_entries(folder)) - before  # a new entry, the old one untouched


EVIL = "{{ f.parse_raw(1) }}"


def _evil_layer(tmp_path: Path) -> Path:
    layer = tmp_path / "evil"
    (layer / "zh").mkdir(parents=True)
    (layer / "zh" / "text.yaml").write_text(f"public_tables:\n  body: '{EVIL}'\n", "utf-8")
    return layer


def test_a_hostile_layer_is_refused_with_a_warm_cache(folder, tmp_path):
    load(SEED).render("zh")  # the built-in layer's code is stored
    pb._CACHE.clear()
    with pytest.raises(pb.PhrasebankError, match="parse_raw"):
        load(SEED, phrasebanks=[_evil_layer(tmp_path)])
    assert not [key for key in phrase.CODE if EVIL in key[2]]


def test_a_planted_entry_in_a_file_this_user_did_not_write_is_not_trusted(folder, tmp_path):
    """An entry claiming that the hostile template compiled is used only from a private
    file of this user's (who could as well edit narrator itself): planted in a file anyone
    may write, it is ignored and the layer is refused."""
    layer = _evil_layer(tmp_path)
    entry = pb._cache_entry(pb.DEFAULT_PROFILE, [layer])
    assert entry is not None
    key = (phrase.cache_tag(pb.template_environment()), "template", EVIL)
    assert cache.store(entry, {"code": {key: "harmless text"}, "files": {}})
    (folder / f"{entry}.cache").chmod(0o666)
    with pytest.raises(pb.PhrasebankError, match="parse_raw"):
        load(SEED, phrasebanks=[layer])
    (folder / f"{entry}.cache").chmod(0o600)
    pb._CACHE.clear()
    phrase.CODE.clear()
    assert "harmless text" in load(SEED, phrasebanks=[layer]).render("zh")


def test_a_change_to_narrator_itself_is_a_different_entry(folder, monkeypatch):
    load(SEED).render("zh")
    before = set(_entries(folder))
    pb._compiler_fingerprint.cache_clear()
    monkeypatch.setattr(pb, "_compiler_fingerprint", lambda: b"another compiler")
    pb._CACHE.clear()
    load(SEED).render("zh")
    assert set(_entries(folder)) - before


def test_a_cold_command_needs_no_compiler_and_no_number_library(folder):
    """With the cache warm, a new process renders without parsing a template or importing
    cn2an or num2words, and prints what it printed when the cache was cold."""
    env = {**os.environ, "NARRATOR_CACHE_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    script = (
        "import sys, io, contextlib\n"
        "import jinja2.environment as e\n"
        "calls = []\n"
        "real = e.Environment._parse\n"
        "e.Environment._parse = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
        "from narrator.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['render', {str(LAKESIDE)!r}, '--lang', 'both'])\n"
        "print(len(calls), 'cn2an' in sys.modules, 'num2words' in sys.modules)\n"
        "print(out.getvalue())\n"
    )
    run = [sys.executable, "-c", script]
    cold = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    warm = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert cold.splitlines()[0] != "0 False False"
    assert warm.splitlines()[0] == "0 False False"
    assert warm.split("\n", 1)[1] == cold.split("\n", 1)[1]


def test_a_layer_changed_after_a_warm_load_is_read_anew(folder, tmp_path):
    """The layer data an entry holds stands for the bytes it is named by, for that load
    alone: a file changed afterwards in the same process is read again."""
    layer = tmp_path / "layer"
    (layer / "zh").mkdir(parents=True)
    text = layer / "zh" / "text.yaml"
    text.write_text("public_tables:\n  body: 甲{{ year }}\n", encoding="utf-8")
    load(SEED, phrasebanks=[layer]).render("zh")  # compiled and stored
    pb._CACHE.clear()
    assert "甲2019" in load(SEED, phrasebanks=[layer]).render("zh")  # from the cache
    text.write_text("public_tables:\n  body: 乙{{ year }}\n", encoding="utf-8")
    pb._CACHE.clear()
    assert "乙2019" in load(SEED, phrasebanks=[layer]).render("zh")
