"""The Report: figures plus a phrasebank, rendered on demand."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar, overload

from narrator.decisions import Facts, decide, resolve_style
from narrator.derive import exact
from narrator.document import Document
from narrator.errors import UsageError
from narrator.figures import Figures, FiguresError, validate
from narrator.formats import Output, format_for_path, get_format, writer
from narrator.phrasebank import LANGUAGES, Phrasebank, UnknownProfileError, load_phrasebank

if TYPE_CHECKING:
    from narrator.checks import Diagnostic
    from narrator.outline import Printed
    from narrator.verify import Findings, Source

LangChoice = str  # "zh", "en" or "both"
_T = TypeVar("_T")
_P = ParamSpec("_P")


def _exact(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """``method`` computed in narrator's own decimal context, not the caller's."""

    @functools.wraps(method)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with exact():
            return method(*args, **kwargs)

    return run


class Report:
    """One unit's report: figures, a profile, and everything derived from them.

    Reports are immutable; :meth:`with_figure` and :meth:`with_reason` return a
    new report, so redrafting one number or one reason is one line. What a report derives
    (facts, documents, diagnostics) is computed once, when first asked for.
    """

    __slots__ = (
        "_cache",
        "_style_override",
        "bank",
        "figures",
        "phrasebanks",
        "profile_name",
        "style",
    )

    figures: Figures
    phrasebanks: tuple[str | Path, ...]
    profile_name: str | None
    bank: Phrasebank
    #: The resolved style options (read only).
    style: Mapping[str, str]
    _style_override: Mapping[str, str]
    _cache: dict[Any, Any]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"a Report cannot be changed ({name}): with_figure() and with_reason() give a new one"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Report cannot be changed ({name})")

    @_exact
    def __init__(
        self,
        figures: Figures,
        *,
        profile: str | None = None,
        phrasebanks: Sequence[str | Path] = (),
        style: Mapping[str, str] | None = None,
    ) -> None:
        init = object.__setattr__
        if isinstance(phrasebanks, str | Path):  # one folder, not its characters
            phrasebanks = (phrasebanks,)
        if style is not None and not isinstance(style, Mapping):
            raise UsageError(
                f"style must be a mapping of option names to values, got {type(style).__name__}"
            )
        init(self, "figures", figures)
        init(self, "phrasebanks", tuple(phrasebanks))
        init(self, "profile_name", profile or figures.profile)
        try:
            init(self, "bank", load_phrasebank(self.profile_name, self.phrasebanks))
        except UnknownProfileError as exc:
            if profile is None:  # the figures file named it: say which field is wrong
                raise FiguresError("<figures>", [("profile", str(exc))]) from None
            raise
        chosen = self.bank.profile
        resolved = resolve_style(chosen.style, figures.style, chosen.prescribes, style or {})
        init(self, "style", MappingProxyType(resolved))
        init(self, "_style_override", MappingProxyType(dict(style or {})))
        init(self, "_cache", {})

    @property
    def chosen_style(self) -> Mapping[str, str]:
        """The style options someone chose (the profile, its prescriptions, the figures, the
        caller), without the defaults :attr:`style` fills in."""
        chosen = self.bank.profile
        return MappingProxyType(
            {**chosen.style, **self.figures.style, **chosen.prescribes, **self._style_override}
        )

    @_exact
    def _once(self, key: Any, make: Callable[[], _T]) -> _T:
        """``make()``'s value, computed the first time ``key`` is asked for."""
        cache: dict[Any, Any] = self._cache
        if key not in cache:
            cache[key] = make()
        value: _T = cache[key]
        return value

    @property
    def facts(self) -> Facts:
        """The derived numbers and decided reasons, shared by both languages."""
        return self._once("facts", lambda: decide(self.figures, self.bank, self.style))

    @property
    def printed(self) -> Printed:
        """What the profile's outline prints for these figures, decided without rendering."""
        from narrator.outline import printed

        return self._once("printed", lambda: printed(self.bank, self.facts))

    @property
    def said(self) -> frozenset[str]:
        """The keys of the sentences the report prints (their text or their reason)."""
        return self.printed.sentences

    def check(self) -> list[Diagnostic]:
        """What does not add up in the figures, as diagnostics (see :mod:`narrator.checks`)."""
        from narrator.checks import run_checks  # imported when first needed

        found = self._once(
            "diagnostics",
            lambda: tuple(run_checks(self.figures, self.facts, bank=self.bank, said=self.said)),
        )
        return list(found)

    @_exact
    def verify(self, text_or_path: str | Path | Source) -> Findings:
        """Where a report written by people is wrong against these figures.

        ``text_or_path`` is the report's text, or a ``.txt``, ``.md``, ``.docx`` or ``.pdf``
        file (see :mod:`narrator.verify`). The findings are a list; in a notebook they show
        the report with each finding highlighted.
        """
        from narrator.verify import Source, verify  # imported when first needed

        if not isinstance(text_or_path, str | Path | Source):
            raise UsageError(
                "a report to verify is a path or the report's text, "
                f"got {type(text_or_path).__name__}"
            )
        return verify(self, text_or_path)

    def document(self, lang: str = "zh", *, tables: bool = False) -> Document:
        """One language's document; ``tables`` adds the public tables (公开01–08表).

        Rendered once per language and choice of tables: a report is immutable.
        """
        from narrator.render import Renderer

        return self._once(
            ("document", lang, tables),
            lambda: Renderer(self.bank, lang, self.facts, tables=tables).document(),
        )

    def documents(self, lang: LangChoice = "zh", *, tables: bool = False) -> list[Document]:
        langs = LANGUAGES if lang == "both" else (lang,)
        documents = [self.document(code, tables=tables) for code in langs]
        self.bank.persist()  # what rendering compiled, for the next process
        return documents

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
    @_exact
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

    @_exact
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
        try:
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{target}: cannot be written: {exc.strerror or exc}") from None
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

    @_exact
    def explain(self) -> list[dict[str, Any]]:
        """One entry per sentence that carries a reason or a computed number.

        Each entry says which section and sentence it is, where the reason came from
        (``user``, ``rule``, ``missing`` or ``not_needed``), which rule chose it, the
        figures and derived values the decision used, and the sentence in each language.
        """
        from narrator.render import Renderer

        renderers = {lang: Renderer(self.bank, lang, self.facts) for lang in LANGUAGES}
        printed = self.printed
        entries: list[dict[str, Any]] = []
        for sentence in self.facts.sentences:
            if sentence.key not in printed.sentences:
                continue
            entries.append(
                {
                    "section": sentence.section,
                    "sentence": sentence.key,
                    "kind": sentence.kind,
                    "reason_source": sentence.reason.source,
                    "rule": sentence.reason.rule,
                    "inputs": {**sentence.inputs, **sentence.reason.inputs},
                    "defaulted": list(sentence.defaulted),
                    **{lang: r.sentence_text(sentence) for lang, r in renderers.items()},
                }
            )
        for computation in self.facts.computations:
            if computation.paragraph not in printed.paragraphs:
                continue  # the profile does not print that paragraph
            entries.append(
                {
                    "section": computation.section,
                    "sentence": computation.key,
                    "kind": "computed",
                    "reason_source": "not_needed",
                    "rule": None,
                    "inputs": dict(computation.inputs),
                    "defaulted": [],
                    **{lang: r.paragraph(computation.paragraph) for lang, r in renderers.items()},
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

    @_exact
    def with_figure(self, path: str, value: Any) -> Report:
        """A new report with the figure at ``path`` replaced (amounts in 万元).

        ``path`` is dotted, with list items as the checker names them or as numbers:
        ``general_budget.classes[0].amount`` or ``general_budget.classes.0.amount``.
        """
        if not isinstance(path, str):
            raise UsageError(f"a figure's path is a text such as 'income.total', got {path!r:.60}")
        steps = _figure_path(path)
        if steps[0] == "amount_unit" and value != "万元":
            # The report's amounts are already in 万元; another unit would rescale them all.
            raise _path_error(
                steps, "cannot be changed: amounts are already in 万元; give them in 万元"
            )
        data = self.figures.model_dump(mode="json", exclude_none=True)
        data["amount_unit"] = "万元"  # dumped amounts are already in 万元
        node: Any = data
        for depth, step in enumerate(steps):
            last = depth == len(steps) - 1
            index = _index(step)
            if isinstance(node, dict) and isinstance(step, str):
                # A missing optional part is created; the model then names what it lacks.
                if last:
                    node[step] = value
                else:
                    node = node.setdefault(step, {})
            elif isinstance(node, list) and index is not None:
                if index >= len(node):
                    raise _path_error(steps[: depth + 1], f"no such item: the list has {len(node)}")
                if last:
                    node[index] = value
                else:
                    node = node[index]
            else:
                kind = "a single figure"
                if isinstance(node, dict | list):
                    kind = "a list" if isinstance(node, list) else "a mapping"
                parent = _shown(steps[:depth]) or "the figures"
                raise _path_error(steps[: depth + 1], f"no such figure: {parent} is {kind}")
        return self._replace(data)

    @_exact
    def with_reason(self, sentence: str, zh: str, en: str | None = None) -> Report:
        """A new report with the user's reason for one sentence, in both languages."""
        data = self.figures.model_dump(mode="json", exclude_none=True)
        data["amount_unit"] = "万元"
        data.setdefault("reasons", {})[sentence] = {"zh": zh, **({"en": en} if en else {})}
        return self._replace(data)


# Indexes of at most 9 digits: int() of a 5,000-digit one would raise.
_STEP = re.compile(r"([^.\[\]]+)((?:\[[0-9]{1,9}\])*)")


def _figure_path(path: str) -> list[str | int]:
    """``a.b[0].c`` or ``a.b.0.c`` as steps: keys (a bare number is a key or an index, as
    the figures have it there), and bracketed list indexes as ints.

    >>> _figure_path("general_budget.classes[0].items.1.amount")
    ['general_budget', 'classes', 0, 'items', '1', 'amount']
    """
    steps: list[str | int] = []
    for part in path.split("."):
        found = _STEP.fullmatch(part)
        if found is None:
            raise FiguresError("with_figure", [(path[:120], "is not a path such as a.b[0].c")])
        steps.append(found.group(1))
        steps.extend(int(index) for index in re.findall(r"[0-9]+", found.group(2)))
    return steps


def _index(step: str | int) -> int | None:
    if isinstance(step, int):
        return step
    return int(step) if step.isascii() and step.isdigit() and len(step) <= 9 else None


def _shown(steps: Sequence[str | int]) -> str:
    """The path as the checker names it: ``classes[0].amount``."""
    shown = ""
    for step in steps:
        index = _index(step)
        shown += f"[{index}]" if index is not None else (f".{step}" if shown else str(step))
    return shown


def _path_error(steps: Sequence[str | int], message: str) -> FiguresError:
    return FiguresError("with_figure", [(_shown(steps), message)])
