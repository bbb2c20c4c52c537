"""Profile a steady-state bilingual report (load + check + render zh + en).

    .venv/bin/python benchmarks/profile_render.py [--reports N] [--top K] [--pyinstrument]

Warms up (phrasebanks, templates, Babel locales), then profiles N reports (the lakeside
example and generated Zhejiang units) with cProfile, printing the functions with the most
own time and the most cumulative time, and the share of time spent per package/module.
``--pyinstrument`` prints a pyinstrument call tree instead (``pip install .[bench]``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402


def _reports(n: int) -> list[Any]:
    from narrator.figures import read_file

    mappings = [read_file(ROOT / "examples" / "lakeside-water-2023.yaml")]
    mappings += [generate(seed, "zhejiang-2019") for seed in range(max(0, n - 1))]
    return mappings


def _run(mappings: list[Any]) -> None:
    import narrator

    for mapping in mappings:
        report = narrator.load(mapping)
        if hasattr(report, "check"):
            report.check()
        report.render("zh")
        report.render("en")


def _area(filename: str) -> str:
    """A coarse bucket for a profiled function's file."""
    path = filename.replace("\\", "/")
    if "/narrator/" in path:
        return "narrator/" + path.rsplit("/narrator/", 1)[1]
    for package in ("jinja2", "babel", "pydantic", "pydantic_core", "yaml", "num2words", "cn2an"):
        if f"/{package}/" in path:
            return package
    if path.startswith("<") or "/lib/python3" in path:
        return "stdlib/builtins"
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args(argv)
    mappings = _reports(args.reports)
    _run(mappings)  # warm-up
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        _run(mappings)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return 0
    profile = cProfile.Profile()
    profile.enable()
    _run(mappings)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{len(mappings)} reports, {total * 1000 / len(mappings):.1f} ms each under cProfile\n")
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_area[_area(filename)] += tottime
    print("own time by module:")
    for area, seconds in sorted(by_area.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {seconds / total:6.1%}  {area}")
    print()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
