"""What narrator reads: regular files only, never its own outputs or temporary files.

A FIFO, a device or a socket among the inputs would hang a run or read forever, so they
are refused before anything opens them; a folder scan takes only regular files, and skips
the output folder (a second run must not read the first one's ``summary.json``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from narrator.datafile import require_regular_file
from narrator.errors import UsageError

#: File suffixes a folder is searched for.
FIGURE_SUFFIXES = (".yaml", ".yml", ".json")
#: Every temporary file narrator writes ends so: not a figures suffix, so no scan takes one.
TEMP_SUFFIX = ".narrator-tmp"


@dataclass(frozen=True)
class Found:
    """One input: its path, and where it lies below the folder it was found in."""

    path: Path
    #: The path below the folder given on the command line; None for a file given itself.
    relative: PurePath | None = None


def find_inputs(paths: Iterable[str | Path], *, exclude: Path | None = None) -> list[Found]:
    """Files as given, and the figures files below each folder (sorted, recursively).

    A folder scan takes regular files with a figures suffix (never a temporary file, see
    :data:`TEMP_SUFFIX`), follows no link to a folder, and skips everything in ``exclude``
    (the output folder), through links too. A file given
    itself is kept whatever it is (reading it is refused later, with a message), unless it
    lies in ``exclude``.
    """
    skip = _Within(exclude)
    found: list[Found] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            below = [(p, p.relative_to(path)) for p in _scan(path) if not skip(p)]
            found.extend(Found(p, rel) for p, rel in sorted(below, key=lambda pair: pair[1]))
        elif skip(path):
            raise UsageError(
                f"{path}: is inside the output folder {exclude}; narrator never reads its "
                "own outputs"
            )
        else:
            found.append(Found(path))
    return found


def _scan(folder: Path) -> Iterator[Path]:
    """Regular figures files below ``folder``; an unreadable folder is an input error."""
    pending = [folder]
    while pending:  # a stack, not recursion: folders may nest deeper than Python recurses
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except OSError as exc:
            raise UsageError(f"{current}: cannot be read: {exc.strerror or exc}") from None
        for entry in listed:
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif PurePath(entry.name).suffix.lower() in FIGURE_SUFFIXES and _is_regular(entry):
                yield Path(entry.path)


def _is_regular(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()  # follows a link to a file; False for a FIFO or a device
    except OSError:
        return False


class _Within:
    """Whether a path lies in a folder, through links and ``..`` alike."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder.resolve() if folder is not None else None

    def __call__(self, path: Path) -> bool:
        if self.folder is None:
            return False
        try:
            return path.resolve().is_relative_to(self.folder)
        except (OSError, RuntimeError):  # a link loop: not ours, let reading report it
            return False


__all__ = ["FIGURE_SUFFIXES", "TEMP_SUFFIX", "Found", "find_inputs", "require_regular_file"]
