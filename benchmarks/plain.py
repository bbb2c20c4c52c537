"""The whole report the plain way: stock Jinja2, no sandbox, no checks.

The baseline narrator's design is measured against for the *whole* report: every
paragraph in Chinese and English, from the same validated figures, the same decisions, the
same helpers and the same phrasebank templates, rendered the way a Jinja2 user would:
``jinja2.Environment().from_string(template).render(variables)`` for every phrase and
``compile_expression`` for every outline condition. Nothing of narrator's rendering design
is in it: no sandbox (no policy hooks, no bounded operations, no step or depth budget), no
compiled path, no on-disk cache, and no checker.

It prints exactly what narrator prints (``tests/test_compiled.py`` holds it to the same
bytes), so the ratio narrator / plain is what the design costs for the same work; the
headline f-string baseline (:mod:`benchmarks.baseline`) is the floor beside it.

    .venv/bin/python benchmarks/plain.py examples/lakeside-water-2023.yaml
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from narrator.api import load  # noqa: E402
from narrator.formats.text import write  # noqa: E402
from narrator.phrasebank import Language, join_lines  # noqa: E402
from narrator.render import Renderer  # noqa: E402

_ENVIRONMENT = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
)
# Templates by (language, table, key) and outline conditions by source, compiled once: a
# Jinja user keeps their Template objects too.
_TEMPLATES: dict[tuple[int, str, str], jinja2.Template] = {}
_CONDITIONS: dict[str, Any] = {}


def _template(lang: Language, table: str, key: str) -> jinja2.Template:
    found = _TEMPLATES.get((id(lang), table, key))
    if found is None:
        source = (lang.text if table == "text" else lang.reasons)[key]
        joiner = str(lang.style.get("line_join", ""))
        found = _TEMPLATES[id(lang), table, key] = _ENVIRONMENT.from_string(
            join_lines(source, joiner)
        )
    return found


class PlainRenderer(Renderer):
    """narrator's renderer with every template and condition run by stock Jinja2."""

    def _render(self, key: str, extra: Mapping[str, Any], table: str = "text") -> str:
        return _template(self.lang, table, key).render({**self.context, **extra})

    def _outline(self, source: str, index: int, *, each: bool = False) -> Any:
        expression = _CONDITIONS.get(source)
        if expression is None:
            expression = _CONDITIONS[source] = _ENVIRONMENT.compile_expression(
                source, undefined_to_none=False
            )
        value = expression(self.context)
        return tuple(value or ()) if each else value


def render(source: Any, profile: str | None = None, phrasebanks: Sequence[Path] = ()) -> str:
    """The bilingual report as text (what ``narrator render --lang both`` prints)."""
    report = load(source, profile=profile, phrasebanks=phrasebanks)
    facts = report.facts
    documents = [PlainRenderer(report.bank, lang, facts).document() for lang in ("zh", "en")]
    return write(documents)


if __name__ == "__main__":
    print(render(sys.argv[1]), end="")
