"""Dry-run speed: whole-process `voicecoach run NAME --dry-run` per bundled routine, and compile
time of a generated three-hour routine.

Target (DESIGN.md, docs/performance.md): a dry run of a bundled routine, whole process, in at most
0.15 s.

    python benchmarks/bench_dryrun.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from voicecoach.resources import bundled_routines
from voicecoach.routine.loader import load_routine
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import EstimatedDurations


def whole_process(name: str, repeat: int, *extra: str) -> list[float]:
    exe = str(Path(sys.executable).parent / "voicecoach")
    if not Path(exe).exists():
        exe = shutil.which("voicecoach") or exe
    command = [exe, "run", name, "--dry-run", *extra]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # warm the speech cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def three_hour_routine(folder: Path) -> Path:
    """Sixteen exercises of 3 sets, long rests and holds: about three hours."""
    lines = ["name: Three hours", "defaults: {sets: 3, rest: 120, rest_after: 180}", "exercises:"]
    for i in range(16):
        if i % 3 == 2:
            lines += [f"  - name: Hold {i}", "    hold: 60", "    sides: [left, right]"]
        else:
            lines += [f"  - name: Lift {i}", "    reps: [8, 10]", "    tempo: 2-1-2-1"]
        lines += [
            "    cues:",
            "      setup: [Breathe in and brace., Feet under the hips.]",
            "      during: [Back straight., Squeeze at the top., Slow on the way down.]",
            "      finish: Last one. Squeeze.",
        ]
    path = folder / "three-hours.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    print("whole process, seconds: measured lengths (warm speech cache) | --estimate")
    print(f"{'routine':<22} {'median':>7} {'min':>6} {'max':>6} | {'median':>7} {'min':>6}")
    for name in bundled_routines():
        warm = whole_process(name, args.repeat)
        est = whole_process(name, args.repeat, "--estimate")
        print(
            f"{name:<22} {statistics.median(warm):7.3f} {min(warm):6.3f} {max(warm):6.3f} | "
            f"{statistics.median(est):7.3f} {min(est):6.3f}"
        )

    with tempfile.TemporaryDirectory() as tmp:
        path = three_hour_routine(Path(tmp))
        start = time.perf_counter()
        routine = load_routine(path)
        load_s = time.perf_counter() - start
        compile_times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            timeline = compile_routine(routine, EstimatedDurations())
            compile_times.append(time.perf_counter() - start)
    print(
        f"\ngenerated routine: {timeline.total_ms / 3_600_000:.2f} h, {len(timeline.phases)} "
        f"phases, {len(timeline.events)} events; load {load_s * 1000:.1f} ms, compile median "
        f"{statistics.median(compile_times) * 1000:.1f} ms (min "
        f"{min(compile_times) * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
