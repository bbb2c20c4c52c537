"""Messages for people: of a readable length, and safe to show on a terminal.

Messages quote inputs (file names, fields, a line of YAML) and inputs come from many
hands: a message never grows without bound and never carries a terminal escape sequence.

>>> brief("x" * 1000, width=10)
'xxxxxxxxx…'
>>> print(brief("\\n".join(f"line {i}" for i in range(50)), lines=2))
line 0
line 1
  … 48 more lines
>>> terminal_safe("red \\x1b[31mtext\\x1b]0;title\\x07 \\u202egnp.exe")
'red \\\\x1b[31mtext\\\\x1b]0;title\\\\x07 \\\\u202egnp.exe'
"""

from __future__ import annotations

#: At most this many lines of one message are shown...
MAX_LINES = 20
#: ...each cut at this many characters.
MAX_WIDTH = 300

# C0 and C1 controls (but newline and tab), DEL, and the bidi embeddings, overrides and
# isolates, which reorder what a terminal shows. Each is shown as its escape.
_NEUTRALISED = {
    code: f"\\x{code:02x}"
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))
    if code not in (0x09, 0x0A)
} | {code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def brief(message: str, *, lines: int = MAX_LINES, width: int = MAX_WIDTH) -> str:
    """The message cut to ``lines`` lines of at most ``width`` characters."""
    parts = message.split("\n", lines)
    rest = 0
    if len(parts) > lines:
        rest = parts.pop().count("\n") + 1
    shown = [part if len(part) <= width else part[: width - 1] + "…" for part in parts]
    if rest:
        shown.append(f"  … {rest} more line{'s' if rest > 1 else ''}")
    return "\n".join(shown)


def terminal_safe(text: str) -> str:
    """Text with every control character but newline and tab shown as its escape.

    Lone surrogates (from undecodable file names) are shown escaped too, so the text
    can always be written as UTF-8.
    """
    if text.isprintable():  # the common case: nothing to do
        return text
    safe = text.translate(_NEUTRALISED)
    return safe.encode("utf-8", "backslashreplace").decode("utf-8")
