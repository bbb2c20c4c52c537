"""The one base class of every error an input can cause.

Figures files, phrasebank layers, rule files, PO files, style options and the command
line are inputs: whatever is wrong with them is an :class:`InputError` whose message names
the file and the place. Anything else escaping narrator is a bug in narrator.
"""

from __future__ import annotations


class InputError(ValueError):
    """An input cannot be used; the message names the file (and line or field) and why."""


class UsageError(InputError):
    """The caller asks for something that cannot be done (a command line, an argument)."""


__all__ = ["InputError", "UsageError"]
