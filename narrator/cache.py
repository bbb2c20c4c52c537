"""A small on-disk cache between processes: written by this user, read only if still theirs.

A cold command spends most of its time compiling templates and importing a number-words
library; both results are pure functions of their inputs, so narrator keeps them in files
named by the SHA-256 of everything they depend on (narrator's compiler and policy sources,
Jinja's and Python's versions, the bytes of every phrasebank file; a library's version).
A changed input is a different name: a stale entry is never read, only left to be pruned.

The cache is itself an input, so it is read as untrusted:

* where: ``$NARRATOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/narrator`` (an absolute
  ``XDG_CACHE_HOME`` only), else ``~/.cache/narrator``; ``NARRATOR_CACHE=off`` turns it off;
* the folder is created private (0700) and used only if it is a real folder (not a
  symbolic link) owned by this user and writable by no one else;
* a file is read only if it is a regular file (opened without following a link) owned by
  this user, writable by no one else, at most :data:`MAX_BYTES`, that starts with this
  format's header and its own name and whose content matches the SHA-256 it carries;
* a file is written whole to a private temporary file beside it and renamed into place,
  so a reader sees the old file or the new one, never a part;
* anything amiss is a miss: the cache never fails a command, and never stands in for a
  check (an entry exists only for what this code compiled and checked itself).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: The format of a cache file (part of its header).
FORMAT = b"narrator-cache 1\n"
#: The largest cache file read.
MAX_BYTES = 64 * 1024 * 1024
#: How many cache files are kept; the least recently written go first.
KEEP = 64
_SUFFIX = ".cache"
_OFF = frozenset({"0", "off", "no", "false"})


def directory() -> Path | None:
    """The cache folder, created if need be, or None when there is none to trust."""
    if os.environ.get("NARRATOR_CACHE", "").strip().lower() in _OFF:
        return None
    if not hasattr(os, "getuid"):  # ownership cannot be checked: no cache
        return None
    given = os.environ.get("NARRATOR_CACHE_DIR")
    try:
        if given:
            path = Path(given)
        else:
            xdg = os.environ.get("XDG_CACHE_HOME", "")
            root = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
            path = root / "narrator"
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except (OSError, RuntimeError):  # no home, no permission, a file in the way
        return None
    if not stat.S_ISDIR(info.st_mode) or not _private(info):
        return None
    return path


def _private(info: os.stat_result) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def name(parts: Iterable[bytes]) -> str:
    """A cache entry's name: the SHA-256 of everything its content depends on."""
    digest = hashlib.sha256(FORMAT)
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def load(entry: str) -> Any:
    """The value stored under ``entry``, or None when there is none this user can trust."""
    folder = directory()
    if folder is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(folder / f"{entry}{_SUFFIX}", flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _private(info) or info.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb") as stream:
            fd = -1
            data = stream.read(MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    header = FORMAT + entry.encode("ascii") + b"\n"
    if not data.startswith(header):
        return None
    checksum, _, payload = data[len(header) :].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode("ascii") != checksum:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def store(entry: str, value: Any) -> bool:
    """Store ``value`` (what :mod:`marshal` writes) under ``entry``; False when it cannot."""
    folder = directory()
    if folder is None:
        return False
    try:
        payload = marshal.dumps(value)
    except ValueError:
        return False
    if len(payload) > MAX_BYTES - 256:
        return False
    checksum = hashlib.sha256(payload).hexdigest().encode("ascii")
    content = FORMAT + entry.encode("ascii") + b"\n" + checksum + b"\n" + payload
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")  # 0600
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
        os.replace(temporary, folder / f"{entry}{_SUFFIX}")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    _prune(folder)
    return True


def _prune(folder: Path) -> None:
    """Keep the :data:`KEEP` most recently written entries."""
    try:
        entries = [
            (path.stat().st_mtime_ns, path)
            for path in folder.iterdir()
            if path.suffix == _SUFFIX and not path.is_symlink()
        ]
    except OSError:
        return
    entries.sort(reverse=True)
    for _, path in entries[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()


__all__ = ["FORMAT", "KEEP", "MAX_BYTES", "directory", "load", "name", "store"]
