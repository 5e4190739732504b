"""Validation time of every file of the hostile-input corpus, whole process.

Target (docs/performance.md): `voicecoach validate` of any file under 1 MiB finishes in under
2 s. Each file is validated `--repeat` times in a fresh process; the median and the worst time
are printed as a Markdown table, slowest first, with the exit status. A run that takes longer
than `--timeout` seconds is stopped and reported as such (an older version blocked on a FIFO).

    python benchmarks/bench_hostile.py [--repeat 3] [--exe PATH/TO/voicecoach]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from hostile_corpus import EXPECTED, HOSTILE, big_files


def corpus(folder: Path) -> list[Path]:
    """The corpus in `folder`: the kept files, the big ones made, a FIFO for library-fifo."""
    for path in HOSTILE.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    for name, text in big_files().items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    os.mkfifo(folder / "fifo")
    return [folder / f"{name}.yaml" for name in sorted(EXPECTED)]


def run(exe: str, path: Path, timeout: float) -> tuple[float, int | None]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [exe, "validate", path.name],
            cwd=path.parent,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    default = str(Path(sys.executable).parent / "voicecoach")
    parser.add_argument("--exe", default=default if Path(default).exists() else "voicecoach")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="voicecoach-hostile-") as folder:
        for path in corpus(Path(folder)):
            times, status = [], None
            for _ in range(args.repeat):
                elapsed, status = run(args.exe, path, args.timeout)
                times.append(elapsed)
                if status is None:
                    break
            nbytes = path.stat().st_size
            rows.append((max(times), statistics.median(times), path.stem, nbytes, status))
    print(f"{len(rows)} files, {args.repeat} runs each, {args.exe}\n")
    print("| file | bytes | exit | median s | worst s |")
    print("|---|---:|---:|---:|---:|")
    for worst, median, name, nbytes, status in sorted(rows, key=lambda r: r[0], reverse=True):
        shown = "timeout" if status is None else str(status)
        print(f"| {name} | {nbytes:,} | {shown} | {median:.2f} | {worst:.2f} |")
    print(f"\nslowest: {max(r[0] for r in rows):.2f} s")


if __name__ == "__main__":
    main()
