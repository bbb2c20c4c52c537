"""The Report: figures plus a phrasebank, rendered on demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

# Re-exported: the one definition is in narrator/__init__, which imports this module lazily.
from narrator import load as load
from narrator.decisions import Facts, decide, resolve_style
from narrator.document import Document
from narrator.figures import Figures, FiguresError, validate
from narrator.formats import Output, format_for_path, get_format, writer
from narrator.phrasebank import LANGUAGES, Phrasebank, UnknownProfileError, load_phrasebank

if TYPE_CHECKING:
    from narrator.checks import Diagnostic
    from narrator.verify import Findings, Source

LangChoice = str  # "zh", "en" or "both"


class Report:
    """One unit's report: figures, a profile, and everything derived from them.

    Reports are immutable; :meth:`with_figure` and :meth:`with_reason` return a
    new report, so redrafting one number or one reason is one line.
    """

    def __init__(
        self,
        figures: Figures,
        *,
        profile: str | None = None,
        phrasebanks: Sequence[str | Path] = (),
        style: Mapping[str, str] | None = None,
    ) -> None:
        self.figures = figures
        self.phrasebanks = tuple(phrasebanks)
        self.profile_name = profile or figures.profile
        try:
            self.bank: Phrasebank = load_phrasebank(self.profile_name, self.phrasebanks)
        except UnknownProfileError as exc:
            if profile is None:  # the figures file named it: say which field is wrong
                raise FiguresError("<figures>", [("profile", str(exc))]) from None
            raise
        chosen = self.bank.profile
        self.style = resolve_style(chosen.style, figures.style, chosen.prescribes, style or {})
        self._style_override = dict(style or {})

    @cached_property
    def facts(self) -> Facts:
        """The derived numbers and decided reasons, shared by both languages."""
        return decide(self.figures, self.bank, self.style)

    @cached_property
    def said(self) -> frozenset[str]:
        """The keys of the sentences the profile's outline actually prints."""
        self.document("zh")
        return self._said

    _said: frozenset[str] = frozenset()

    @cached_property
    def _diagnostics(self) -> tuple[Diagnostic, ...]:
        from narrator.checks import run_checks  # imported when first needed

        return tuple(run_checks(self.figures, self.facts, bank=self.bank, said=self.said))

    def check(self) -> list[Diagnostic]:
        """What does not add up in the figures, as diagnostics (see :mod:`narrator.checks`)."""
        return list(self._diagnostics)

    def verify(self, text_or_path: str | Path | Source) -> Findings:
        """Where a report written by people is wrong against these figures.

        ``text_or_path`` is the report's text, or a ``.txt``, ``.md``, ``.docx`` or ``.pdf``
        file (see :mod:`narrator.verify`). The findings are a list; in a notebook they show
        the report with each finding highlighted.
        """
        from narrator.verify import verify  # imported when first needed

        return verify(self, text_or_path)

    def document(self, lang: str = "zh", *, tables: bool = False) -> Document:
        """One language's document; ``tables`` adds the public tables (公开01–08表).

        Rendered once per language and choice of tables: a report is immutable.
        """
        from narrator.render import Renderer

        cache: dict[tuple[str, bool], Document] = self.__dict__.setdefault("_documents", {})
        found = cache.get((lang, tables))
        if found is None:
            renderer = Renderer(self.bank, lang, self.facts, tables=tables)
            found = cache[(lang, tables)] = renderer.document()
            if lang == "zh" and not tables:
                self._said = frozenset(renderer.said)
        return found

    def documents(self, lang: LangChoice = "zh", *, tables: bool = False) -> list[Document]:
        langs = LANGUAGES if lang == "both" else (lang,)
        return [self.document(code, tables=tables) for code in langs]

    @overload
    def render(
        self,
        lang: LangChoice = ...,
        format: Literal["text", "md", "html"] = ...,
        *,
        tables: bool | None = ...,
    ) -> str: ...
    @overload
    def render(
        self, lang: LangChoice, format: Literal["docx"], *, tables: bool | None = ...
    ) -> bytes: ...
    @overload
    def render(
        self, lang: LangChoice = ..., *, format: Literal["docx"], tables: bool | None = ...
    ) -> bytes: ...
    @overload
    def render(
        self, lang: LangChoice = ..., format: str = ..., *, tables: bool | None = ...
    ) -> Output: ...
    def render(
        self, lang: LangChoice = "zh", format: str = "text", *, tables: bool | None = None
    ) -> Output:
        """The report in ``lang`` (``zh``, ``en`` or ``both``) as ``format``.

        ``text``, ``md`` and ``html`` give text, ``docx`` gives bytes. ``tables`` adds the
        public tables (公开01–08表); by default they are in md, html and docx, not in text.
        """
        spec = get_format(format)
        with_tables = spec.tables if tables is None else tables
        return writer(spec.name)(self.documents(lang, tables=with_tables))

    def write(
        self,
        path: str | Path,
        lang: LangChoice = "zh",
        format: str | None = None,
        *,
        tables: bool | None = None,
    ) -> Path:
        """Write the report to ``path``; the format defaults to the file's extension."""
        target = Path(path)
        name = format or format_for_path(target).name
        content = self.render(lang, name, tables=tables)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    # -- notebooks ------------------------------------------------------------

    def _findings(self) -> list[tuple[str, str, str]]:
        return [(d.severity, d.code, d.message("en")) for d in self.check()]

    def _repr_html_(self) -> str:
        """Jupyter: the checker's findings, then Chinese and English side by side."""
        from narrator.formats.html import fragment

        return fragment(self.documents("both"), self._findings())

    def _repr_markdown_(self) -> str:
        """Jupyter (Markdown): the findings, then each Chinese block beside its English."""
        from narrator.formats.markdown import side_by_side

        return side_by_side(self.documents("both"), self._findings())

    def __repr__(self) -> str:
        return (
            f"<Report {self.figures.unit.name.zh} {self.figures.unit.year} "
            f"profile={self.bank.profile.name}>"
        )

    def explain(self) -> list[dict[str, Any]]:
        """One entry per sentence that carries a reason or a computed number.

        Each entry says which section and sentence it is, where the reason came from
        (``user``, ``rule``, ``missing`` or ``not_needed``), which rule chose it, the
        figures and derived values the decision used, and the sentence in each language.
        """
        from narrator.render import Renderer

        renderers = {lang: Renderer(self.bank, lang, self.facts) for lang in LANGUAGES}
        entries: list[dict[str, Any]] = []
        for sentence in self.facts.sentences:
            if sentence.key not in self.said:
                continue
            entries.append(
                {
                    "section": sentence.section,
                    "sentence": sentence.key,
                    "kind": sentence.kind,
                    "reason_source": sentence.reason.source,
                    "rule": sentence.reason.rule,
                    "inputs": {**sentence.inputs, **sentence.reason.inputs},
                    **{lang: r.sentence_text(sentence) for lang, r in renderers.items()},
                }
            )
        for computation in self.facts.computations:
            entries.append(
                {
                    "section": computation.section,
                    "sentence": computation.key,
                    "kind": "computed",
                    "reason_source": "not_needed",
                    "rule": None,
                    "inputs": dict(computation.inputs),
                    **{lang: r.paragraph(computation.phrase) for lang, r in renderers.items()},
                }
            )
        return entries

    # -- redrafting ---------------------------------------------------------

    def _replace(self, data: dict[str, Any]) -> Report:
        return Report(
            validate(data),
            profile=self.profile_name,
            phrasebanks=self.phrasebanks,
            style=self._style_override,
        )

    def with_figure(self, path: str, value: Any) -> Report:
        """A new report with the figure at dotted ``path`` replaced (amounts in 万元)."""
        data = self.figures.model_dump(mode="json", exclude_none=True)
        data["amount_unit"] = "万元"  # dumped amounts are already in 万元
        node: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        return self._replace(data)

    def with_reason(self, sentence: str, zh: str, en: str | None = None) -> Report:
        """A new report with the user's reason for one sentence, in both languages."""
        data = self.figures.model_dump(mode="json", exclude_none=True)
        data["amount_unit"] = "万元"
        data.setdefault("reasons", {})[sentence] = {"zh": zh, **({"en": en} if en else {})}
        return self._replace(data)
