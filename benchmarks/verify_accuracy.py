"""Precision and recall of ``narrator verify`` on errors injected into generated reports.

For N generated units (both profiles, random style options), narrator's own Chinese text is
taken as the correct report; one error of a known class is written into it, and the text is
verified, as rendered and as a PDF extraction would give it (lines broken anywhere, spaces
around numbers, half-width marks). A finding is *true* when it lies at the injected place.

    python benchmarks/verify_accuracy.py [N]

prints, per error class, how often it was found (recall), and over all findings how many were
true (precision).
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import PROFILES, generate
from narrator import load
from narrator.style import STYLE_OPTIONS
from narrator.verify import Verification, source_of

Injection = tuple[str, int, int]  # the new text, where the error starts and ends
Injector = Callable[[str, Verification, random.Random], Injection | None]

_SWAP = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长"}


def _number(text: str, v: Verification, rng: random.Random) -> Injection | None:
    claims = [c for c in v.checked if c.kind == "value"]
    if not claims:
        return None
    c = rng.choice(claims)
    start, end = c.span
    written = text[start:end]
    digits = [i for i, ch in enumerate(written) if ch.isdigit()]
    at = digits[-2] if c.unit == "%" and c.places == 2 else digits[-1]
    new = (
        written[:at]
        + ("8" if written[at] == "9" else str(int(written[at]) + 1))
        + written[at + 1 :]
    )
    return text[:start] + new + text[end:], start, end


def _percent(text: str, v: Verification, rng: random.Random) -> Injection | None:
    claims = [c for c in v.checked if c.kind == "value" and c.unit == "%"]
    if not claims:
        return None
    start, end = rng.choice(claims).span
    return text[: end - 1] + text[end:], start, end - 1


def _word(text: str, v: Verification, rng: random.Random) -> Injection | None:
    claims = [c for c in v.checked if c.kind == "value" and c.direction and c.number]
    if not claims:
        return None
    start, end = rng.choice(claims).word_span
    return text[:start] + _SWAP[text[start:end]] + text[end:], start, end


def _leftover(text: str, v: Verification, rng: random.Random) -> Injection | None:
    places = [m for m in re.finditer(r"增加|减少|增长|下降", text)]
    if not places:
        return None
    m = rng.choice(places)
    new = {
        "增加": "增加（减少）",
        "减少": "减少（增加）",
        "增长": "增长（下降）",
        "下降": "下降（增长）",
    }
    return text[: m.start()] + new[m.group(0)] + text[m.end() :], m.start(), m.end() + 4


def _year(text: str, v: Verification, rng: random.Random) -> Injection | None:
    places = [m for m in re.finditer(r"与(\d{4})年度?相比", text)]
    if not places:
        return None
    m = rng.choice(places)
    year = str(int(m.group(1)) - 1)
    return text[: m.start(1)] + year + text[m.end(1) :], m.start(1), m.end(1)


INJECTORS: dict[str, Injector] = {
    "number": _number,
    "percent sign": _percent,
    "relation word": _word,
    "template leftover": _leftover,
    "prior year": _year,
}


def _messy(text: str, rng: random.Random) -> str:
    lines: list[str] = []
    for line in text.splitlines():
        if "\t" not in line:
            line = re.sub(r"(\d+(?:\.\d+)?)(万元|%)", r"\1 \2", line)
            if rng.random() < 0.5:
                line = line.replace("，", ",").replace("（", "(").replace("）", ")")
        width = rng.randint(25, 45)
        lines += [line[i : i + width] for i in range(0, len(line), width)] or [""]
    return "\n".join(lines)


def measure(units: int) -> tuple[Counter[str], Counter[str], int, int]:
    found: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    true = false = 0
    for seed in range(units):
        rng = random.Random(seed)
        style = {k: rng.choice(v) for k, v in STYLE_OPTIONS.items()}
        report = load(generate(seed, PROFILES[seed % 2]), style=style)
        text = report.render("zh")
        verification = Verification(report, source_of(text))
        false += len(verification.findings)
        for name, inject in INJECTORS.items():
            injected = inject(text, verification, rng)
            if injected is None:
                continue
            written, start, end = injected
            for messy in (False, True):
                if messy:
                    # The same error in a PDF extraction: found by what it says, not where.
                    before = {(f.code, f.written) for f in report.verify(written)}
                    after = {
                        (f.code, f.written.replace(" ", ""))
                        for f in report.verify(_messy(written, rng))
                    }
                    tried[name + " (pdf-like)"] += 1
                    if before and before <= after:
                        found[name + " (pdf-like)"] += 1
                    continue
                findings = report.verify(written)
                tried[name] += 1
                here = [f for f in findings if f.span[0] <= end + 2 and start - 2 <= f.span[1]]
                if here:
                    found[name] += 1
                true += len(here)
                false += len(findings) - len(here)
    return found, tried, true, false


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    found, tried, true, false = measure(units)
    for name in tried:
        print(f"{name:28} recall {found[name]}/{tried[name]} = {found[name] / tried[name]:.1%}")
    total = true + false
    print(f"precision {true}/{total} = {true / total:.1%} (false findings: {false})")


if __name__ == "__main__":
    main()
