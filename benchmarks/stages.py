"""Per-stage time of a steady-state bilingual report, quickly: the number to watch while tuning.

    .venv/bin/python benchmarks/stages.py [--units N] [--rounds R] [--profile P]

Generates N units, warms up on them, then times R rounds of load / decide / zh document /
check / en document / text output per unit and prints the fastest round per stage (the least
disturbed by the rest of the machine), in ms per report. ``bench.py`` reports medians.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

STAGES = ("load", "decide", "zh", "check", "en", "format")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--profile", default="zhejiang-2019")
    args = parser.parse_args(argv)

    import narrator

    mappings = [generate(seed, args.profile) for seed in range(args.units)]
    for mapping in mappings:  # warm-up: phrasebanks, templates, Babel locales, caches
        report = narrator.load(mapping)
        report.check()
        report.render("both")
    best: list[float] | None = None
    for _ in range(args.rounds):
        totals = [0.0] * len(STAGES)
        for mapping in mappings:
            marks = [time.perf_counter()]
            report = narrator.load(mapping)
            marks.append(time.perf_counter())
            report.facts  # noqa: B018 - the decisions, timed on their own
            marks.append(time.perf_counter())
            report.document("zh")
            marks.append(time.perf_counter())
            report.check()
            marks.append(time.perf_counter())
            report.document("en")
            marks.append(time.perf_counter())
            report.render("zh")
            report.render("en")
            marks.append(time.perf_counter())
            for i in range(len(STAGES)):
                totals[i] += marks[i + 1] - marks[i]
        if best is None or sum(totals) < sum(best):
            best = totals
    assert best is not None
    for name, seconds in zip(STAGES, best, strict=True):
        print(f"{name:8s} {seconds / len(mappings) * 1000:7.3f} ms")
    print(f"{'total':8s} {sum(best) / len(mappings) * 1000:7.3f} ms per report")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
