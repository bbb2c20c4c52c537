"""narrator's benchmarks: a plain script, not timed tests.

    .venv/bin/python benchmarks/bench.py [--quick] [--files N] [--markdown]

Measures, each next to a baseline measured in the same run (ratio = narrator / baseline):

1. ``import narrator`` and ``from narrator import load`` in fresh interpreters (median wall
   time minus the median of ``python -c pass``; the engine is imported by the first call),
   and what a one-off call pays: import, load and render the lakeside example in both
   languages, cold. Baselines: the bare interpreter start; the f-string baseline, cold.
   The cold command: ``narrator render examples/lakeside-water-2023.yaml --lang both`` in
   a new process, with the compiled-phrasebank cache warm and cold (a private cache folder
   of the run's own; bytecode of narrator's modules written, as an installed package has).
2. One complete bilingual report at steady state (after warm-up): ``narrator.load(mapping)``
   + ``Report.check()`` (when it exists) + ``render("zh")`` + ``render("en")``, per report,
   on the examples and on generated units. Baselines: the whole report the plain way
   (:mod:`benchmarks.plain`: the same model, decisions, helpers and templates, rendered by
   stock unsandboxed Jinja2, no checks; it prints the same bytes), and the headline
   paragraphs by plain f-strings (:mod:`benchmarks.baseline`), the floor.
3. A batch of generated figures files (2,000; 200 with ``--quick``) with ``-j 1`` and
   ``-j 2``: through ``narrator render PATH... -o OUTDIR -j N`` when the CLI has it, else
   through a Python loop (:mod:`benchmarks._batch`), and says which. Wall time and peak
   memory: ``ru_maxrss`` of the child (``os.wait4``; the largest single process) and the
   peak summed RSS of the child's process tree (sampled from ``/proc``). Baseline: the same
   loop with :mod:`benchmarks.baseline` reading YAML the same way. From the ``-j 2`` rate,
   the time a country's units (10^5) take on this machine.

Targets (issues 9 and 18): import < 150 ms; cold command < 300 ms; bilingual report < 2 ms
(lakeside) and < 1.5 ms (generated units); whole report <= 3x the plain baseline; batch
memory flat, < 200 MB peak.
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import baseline, plain  # noqa: E402
from benchmarks.generate import generate, write  # noqa: E402

PY = sys.executable
# Bytecode is written (an installed package has its modules compiled): a cold command is
# measured as a user meets it. The compiled-phrasebank cache is the run's own.
ENV = {
    key: value
    for key, value in os.environ.items()
    if key not in ("PYTHONDONTWRITEBYTECODE", "NARRATOR_CACHE", "NARRATOR_CACHE_DIR")
}
ENV["PYTHONPATH"] = str(ROOT)
ENV["NARRATOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="narrator-bench-cache-")
atexit.register(shutil.rmtree, ENV["NARRATOR_CACHE_DIR"], ignore_errors=True)

IMPORT_TARGET_MS = 150.0
COLD_TARGET_MS = 300.0
REPORT_TARGET_MS = 2.0
GENERATED_TARGET_MS = 1.5
PLAIN_RATIO_TARGET = 3.0
BATCH_TARGET_MB = 200.0
#: About how many units report final accounts in a year, country-wide.
COUNTRY_UNITS = 100_000


@dataclass
class Row:
    measure: str
    value: float
    baseline: float | None
    unit: str
    baseline_name: str
    target: float | None = None
    note: str = ""

    @property
    def ratio(self) -> str:
        if self.baseline is None or self.baseline <= 0:
            return "-"
        return f"{self.value / self.baseline:.1f}x"

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "ok" if self.value < self.target else "MISSED"


ROWS: list[Row] = []


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.3f} {unit}" if value < 10 else f"{value:.1f} {unit}"


# -- 1. import time --------------------------------------------------------------------


def _wall(code: str, runs: int, extra: Sequence[str] = ()) -> float:
    """Median wall time of ``python [extra] -c code`` in ms, in fresh interpreters."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([PY, *extra, "-c", code], check=True, env=ENV, cwd=ROOT)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _wall_command(command: Sequence[str], runs: int, *, fresh_cache: bool) -> float:
    """Median wall time of ``command`` in ms, each run with an empty cache folder of its own
    (``fresh_cache``) or with the run's warmed cache."""
    if not fresh_cache:
        subprocess.run(command, check=True, env=ENV, cwd=ROOT, capture_output=True)
    times = []
    for _ in range(runs):
        env = ENV
        if fresh_cache:
            env = {**ENV, "NARRATOR_CACHE_DIR": tempfile.mkdtemp(prefix="narrator-bench-cold-")}
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
        if fresh_cache:
            shutil.rmtree(env["NARRATOR_CACHE_DIR"], ignore_errors=True)
    return statistics.median(times)


def _third_party(statement: str) -> list[str]:
    """Top-level non-stdlib modules that ``statement`` imports (narrator excluded)."""
    code = (
        f"import sys; {statement}; "
        "print(' '.join(sorted({n.split('.')[0] for n, m in list(sys.modules.items()) "
        "if getattr(m, '__file__', None)} "
        "- set(sys.stdlib_module_names) - {'narrator', 'benchmarks'})))"
    )
    out = subprocess.run(
        [PY, "-c", code], check=True, env=ENV, cwd=ROOT, capture_output=True, text=True
    )
    return [m for m in out.stdout.split() if not m.startswith("_")]


def _importtime(statement: str, top: int = 8) -> list[tuple[str, float, float]]:
    """The modules with the largest self time under ``-X importtime`` (name, self, cumulative)."""
    out = subprocess.run(
        [PY, "-X", "importtime", "-c", statement],
        check=True,
        env=ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        rows.append((name.strip(), int(self_us) / 1000, int(cumulative_us) / 1000))
    return sorted(rows, key=lambda r: -r[1])[:top]


def _importtime_ms(statement: str, runs: int) -> float:
    """Median over fresh interpreters of the top-level cumulative ``-X importtime`` of
    ``statement``, minus that of ``pass`` (site's imports): import work only, no start-up."""

    def total(code: str) -> float:
        out = subprocess.run(
            [PY, "-X", "importtime", "-c", code],
            check=True,
            env=ENV,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        us = 0
        for line in out.stderr.splitlines():
            if line.startswith("import time:") and "self [us]" not in line:
                _, cumulative, name = line.removeprefix("import time:").split("|")
                if not name.startswith("  "):  # top level: one space after the bar
                    us += int(cumulative)
        return us / 1000

    bare = statistics.median(total("pass") for _ in range(runs))
    return statistics.median(total(statement) for _ in range(runs)) - bare


def bench_import(runs: int) -> None:
    bare = _wall("pass", runs)
    lazy = _wall("import narrator", runs) - bare
    full = _wall("from narrator import load", runs) - bare
    lazy_it = _importtime_ms("import narrator", runs)
    full_it = _importtime_ms("from narrator import load", runs)
    example = "'examples/lakeside-water-2023.yaml'"
    first_call = f"import narrator; narrator.load({example})"
    deps = _third_party(first_call)
    deps_ms = _wall("import " + ", ".join(deps), runs) - bare if deps else 0.0
    ROWS.append(
        Row("import narrator", lazy, bare, "ms", "python -c pass", IMPORT_TARGET_MS, "net of start")
    )
    ROWS.append(
        Row(
            "from narrator import load",
            full,
            bare,
            "ms",
            "python -c pass",
            IMPORT_TARGET_MS,
            "net of start; the engine is imported by the first call",
        )
    )
    first = _wall(f"{first_call}.render('both')", runs) - bare
    code = f"from benchmarks import baseline; baseline.render(baseline.read({example}))"
    first_base = _wall(code, runs) - bare
    ROWS.append(
        Row(
            "first report, cold: import + load + render both (lakeside)",
            first,
            first_base,
            "ms",
            "the f-string baseline, cold",
            None,
            f"net of start; the engine's modules alone: {deps_ms:.0f} ms",
        )
    )
    command = [PY, "-m", "narrator.cli", "render", "examples/lakeside-water-2023.yaml"]
    command += ["--lang", "both"]
    cold_cache = _wall_command(command, runs, fresh_cache=True)
    warm_cache = _wall_command(command, runs, fresh_cache=False)
    ROWS.append(
        Row(
            "cold command: narrator render lakeside --lang both (cache warm)",
            warm_cache,
            bare,
            "ms",
            "python -c pass",
            COLD_TARGET_MS,
            "wall, a new process, compiled phrasebank and number words from the cache",
        )
    )
    ROWS.append(
        Row(
            "cold command, the first time (empty cache)",
            cold_cache,
            bare,
            "ms",
            "python -c pass",
            None,
            "wall: compiles what it renders and writes the cache",
        )
    )
    ROWS.append(Row("import narrator (-X importtime)", lazy_it, None, "ms", "", IMPORT_TARGET_MS))
    ROWS.append(
        Row("from narrator import load (-X importtime)", full_it, None, "ms", "", IMPORT_TARGET_MS)
    )
    print(f"  interpreter start {bare:.1f} ms; third-party modules of load: {', '.join(deps)}")
    print("  largest self import times (the first narrator.load call, -X importtime):")
    for name, own, cumulative in _importtime(first_call):
        print(f"    {own:7.1f} ms self {cumulative:8.1f} ms cumulative  {name}")


# -- 2. one bilingual report at steady state ------------------------------------------------


def _pipeline(mapping: dict[str, Any]) -> tuple[float, float, float, float]:
    """Seconds spent in load, check, render zh, render en for one mapping."""
    import narrator

    t0 = time.perf_counter()
    report = narrator.load(mapping)
    t1 = time.perf_counter()
    if hasattr(report, "check"):
        report.check()
    t2 = time.perf_counter()
    report.render("zh")
    t3 = time.perf_counter()
    report.render("en")
    t4 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, t4 - t3


def _per_report(fn: Callable[[dict[str, Any]], Any], mappings: list[dict[str, Any]], rounds: int):
    """Median over rounds of the mean seconds per mapping, and the stage sums of the median."""
    per_round = []
    for _ in range(rounds):
        stages = [0.0, 0.0, 0.0, 0.0]
        start = time.perf_counter()
        for mapping in mappings:
            result = fn(mapping)
            if isinstance(result, tuple) and len(result) == 4:
                stages = [a + b for a, b in zip(stages, result, strict=True)]
        elapsed = time.perf_counter() - start
        per_round.append((elapsed / len(mappings), [s / len(mappings) for s in stages]))
    per_round.sort(key=lambda r: r[0])
    return per_round[len(per_round) // 2]


def bench_reports(quick: bool) -> None:
    from narrator.figures import read_file

    sets: list[tuple[str, list[dict[str, Any]]]] = [
        ("lakeside example", [read_file(ROOT / "examples" / "lakeside-water-2023.yaml")]),
        ("seed example (zhuji 2019)", [read_file(ROOT / "examples" / "zhuji-bigdata-2019.yaml")]),
        (
            "generated, zhejiang-2019",
            [generate(seed, "zhejiang-2019") for seed in range(50 if quick else 200)],
        ),
        (
            "generated, shanghai-2024",
            [generate(seed, "shanghai-2024") for seed in range(50 if quick else 200)],
        ),
    ]
    rounds = 5 if quick else 9
    for name, mappings in sets:
        try:
            for mapping in mappings:  # warm-up: phrasebanks, templates, Babel locales
                _pipeline(mapping)
        except Exception as exc:
            first = str(exc).splitlines()[0]
            print(f"  {name}: cannot render ({type(exc).__name__}: {first}); not measured")
            ROWS.append(Row(f"report: {name}", float("nan"), None, "ms", "", None, "FAILED"))
            continue
        repeat = max(1, 200 // len(mappings)) if not quick else max(1, 50 // len(mappings))
        batch = mappings * repeat
        seconds, stages = _per_report(_pipeline, batch, rounds)
        whole, _ = _per_report(plain.render, batch, rounds)
        base, _ = _per_report(baseline.render, batch, rounds)
        load_ms, check_ms, zh_ms, en_ms = (s * 1000 for s in stages)
        target = REPORT_TARGET_MS if "example" in name else GENERATED_TARGET_MS
        ROWS.append(
            Row(
                f"report (load+check+zh+en): {name}",
                seconds * 1000,
                whole * 1000,
                "ms",
                "the whole report by stock Jinja2 (benchmarks/plain.py)",
                target,
                f"load {load_ms:.2f} / check {check_ms:.2f} / zh {zh_ms:.2f} / en {en_ms:.2f} ms",
            )
        )
        ROWS.append(
            Row(
                f"  ratio to the plain whole report: {name}",
                seconds / whole,
                None,
                "x",
                "",
                PLAIN_RATIO_TARGET,
                f"plain {whole * 1000:.2f} ms; headline f-strings {base * 1000:.3f} ms "
                f"({seconds / base:.0f}x)",
            )
        )


# -- 3. the batch -----------------------------------------------------------------------------


def _tree_rss_kb(root: int, *, include_root: bool = True) -> int:
    """Summed RSS of ``root``'s process tree, from /proc (0 where /proc is missing)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * page_kb
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    if not include_root:
        tree.discard(root)
    return sum(rss.get(pid, 0) for pid in tree)


#: Runs a command and reports its ``ru_maxrss`` (KB). The child is forked from this small
#: process, not from the benchmark: Linux carries the forking process's peak RSS into the
#: child's ``ru_maxrss`` across exec, which would report the benchmark's own size.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as handle:
    handle.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def _run_child(cmd: Sequence[str]) -> tuple[float, float, float, int, str]:
    """(wall s, ru_maxrss MB, peak tree RSS MB, exit code, last output line) of one command."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r") as result,
    ):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [PY, "-c", _LAUNCHER, result.name, *cmd], stdout=out, stderr=err, env=ENV, cwd=ROOT
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid, include_root=False))
            time.sleep(0.05)
        wall = time.perf_counter() - start
        maxrss_kb, code = (int(x) for x in result.read().split())
        out.seek(0)
        err.seek(0)
        lines = (out.read().strip() or err.read().strip()).splitlines()
    return wall, maxrss_kb / 1024, peak / 1024, code, lines[-1] if lines else ""


def _cli_batch_help() -> str | None:
    """The render help when the CLI renders many files (``PATH... -o OUTDIR -j N``)."""
    out = subprocess.run(
        [PY, "-m", "narrator.cli", "render", "--help"],
        env=ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    text = out.stdout
    has_jobs = "-j" in text or "--jobs" in text
    has_out = "-o " in text or "-o," in text or "--output" in text
    return text if has_jobs and has_out else None


def bench_batch(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="narrator-bench-"))
    try:
        indir = work / "figures"
        write(indir, count)
        files = sorted(str(p) for p in indir.glob("*.yaml"))
        help_text = _cli_batch_help()
        how = "CLI" if help_text else "python loop (the CLI has no batch mode)"
        print(f"  {count} generated files; narrator through: {how}")
        for jobs in (1, 2):
            outdir = work / f"out-{jobs}"
            if help_text:
                lang = ["--lang", "both"] if "both" in help_text else []
                cmd = [PY, "-m", "narrator.cli", "render", *files, "-o", str(outdir)]
                cmd += ["-j", str(jobs), *lang]
            else:
                cmd = [PY, str(ROOT / "benchmarks" / "_batch.py"), "narrator", str(jobs)]
                cmd += [str(indir), str(outdir)]
            wall, maxrss, tree, code, last = _run_child(cmd)
            base_cmd = [PY, str(ROOT / "benchmarks" / "_batch.py"), "baseline", str(jobs)]
            base_cmd += [str(indir), str(work / f"base-{jobs}")]
            bwall, bmaxrss, btree, _, _ = _run_child(base_cmd)
            status = "" if code == 0 else f"exit {code}: {last}"
            ROWS.append(
                Row(
                    f"batch {count} files -j {jobs}: wall",
                    wall,
                    bwall,
                    "s",
                    "f-string loop, same YAML reading",
                    None,
                    f"{count / wall:.0f} files/s via {'CLI' if help_text else 'loop'} {status}",
                )
            )
            if jobs == 2 and code == 0:
                ROWS.append(
                    Row(
                        f"a country's units ({COUNTRY_UNITS:,}) -j {jobs}, from this rate",
                        wall / count * COUNTRY_UNITS / 60,
                        bwall / count * COUNTRY_UNITS / 60,
                        "min",
                        "same, baseline",
                        None,
                        "extrapolated: memory is flat, each file is independent",
                    )
                )
            ROWS.append(
                Row(
                    f"batch {count} files -j {jobs}: peak RSS (largest process)",
                    maxrss,
                    bmaxrss,
                    "MB",
                    "same, baseline",
                    BATCH_TARGET_MB,
                    "ru_maxrss via wait4",
                )
            )
            ROWS.append(
                Row(
                    f"batch {count} files -j {jobs}: peak RSS (process tree)",
                    tree,
                    btree,
                    "MB",
                    "same, baseline",
                    BATCH_TARGET_MB,
                    "sampled /proc every 50 ms",
                )
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- output -------------------------------------------------------------------------------------


def machine() -> list[str]:
    lines = [
        f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
        f"nproc: {os.cpu_count()}",
    ]
    if shutil.which("lscpu"):
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        lines += [f"lscpu: {line}" for line in out.splitlines()[:10]]
    return lines


def table(markdown: bool) -> str:
    header = ("measure", "narrator", "baseline", "ratio", "target", "", "baseline is", "note")
    rows = [
        (
            r.measure,
            _fmt(r.value, r.unit) if r.value == r.value else "n/a",
            _fmt(r.baseline, r.unit),
            r.ratio,
            _fmt(r.target, r.unit) if r.target else "",
            r.verdict,
            r.baseline_name,
            r.note,
        )
        for r in ROWS
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x[i])) for x in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="narrator benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer runs and 200 batch files")
    parser.add_argument("--files", type=int, help="batch size (default 2000, quick 200)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args(argv)
    print("\n".join(machine()))
    print("\n[1/3] import time and the cold command")
    bench_import(7 if args.quick else 21)
    print("[2/3] bilingual report at steady state")
    bench_reports(args.quick)
    if not args.skip_batch:
        print("[3/3] batch")
        bench_batch(args.files or (200 if args.quick else 2000))
    print()
    print(table(args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
