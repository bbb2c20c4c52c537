"""Render a folder of figures files in one process (or a pool): the batch bench's child.

    python benchmarks/_batch.py {narrator,baseline} JOBS INDIR OUTDIR

Used when the CLI has no batch mode, and always for the baseline. Each file is rendered
in Chinese and English and written to ``OUTDIR/<stem>.zh.txt`` / ``.en.txt``; a file that
fails is counted, never stops the others. Prints ``ok=<n> failed=<n>``.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_OUT: Path | None = None
_MODE = "narrator"


def _init(mode: str, outdir: str) -> None:
    global _MODE, _OUT
    _MODE, _OUT = mode, Path(outdir)


def _one(path: str) -> bool:
    assert _OUT is not None
    stem = Path(path).stem
    try:
        if _MODE == "narrator":
            from narrator import load

            report = load(path)
            zh, en = report.render("zh"), report.render("en")
        else:
            from benchmarks import baseline

            zh, en = baseline.render(baseline.read(path))
    except Exception as exc:  # one bad unit never stops the others
        print(f"{path}: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return False
    (_OUT / f"{stem}.zh.txt").write_text(zh, encoding="utf-8")
    (_OUT / f"{stem}.en.txt").write_text(en, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    mode, jobs, indir, outdir = argv[0], int(argv[1]), argv[2], argv[3]
    files = sorted(str(p) for p in Path(indir).glob("*.yaml"))
    Path(outdir).mkdir(parents=True, exist_ok=True)
    if jobs <= 1:
        _init(mode, outdir)
        results = [_one(f) for f in files]
    else:
        with ProcessPoolExecutor(jobs, initializer=_init, initargs=(mode, outdir)) as pool:
            results = list(pool.map(_one, files, chunksize=max(1, len(files) // (jobs * 8))))
    ok = sum(results)
    print(f"ok={ok} failed={len(results) - ok}")
    return 0 if ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
