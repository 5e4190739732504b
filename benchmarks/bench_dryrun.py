"""Dry-run speed: whole-process `voicecoach run NAME --dry-run` per bundled routine, and compile
time of a generated three-hour routine.

Targets (docs/performance.md): a dry run of a bundled routine, whole process, in at most 0.3 s.

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

from voicecoach.compiler import compile_routine
from voicecoach.durations import EstimatedDurations
from voicecoach.loader import load_routine
from voicecoach.resources import bundled_routines


def whole_process(name: str, repeat: int) -> list[float]:
    exe = shutil.which("voicecoach") or str(Path(sys.executable).parent / "voicecoach")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([exe, "run", name, "--dry-run"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def three_hour_routine(folder: Path) -> Path:
    """Thirty exercises of 3 sets, long rests and holds: a little over three hours."""
    lines = ["name: Three hours", "defaults: {sets: 3, rest: 120, rest_after: 180}", "exercises:"]
    for i in range(30):
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

    print(f"{'routine':<24} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name in bundled_routines():
        times = whole_process(name, args.repeat)
        print(
            f"{name:<24} {statistics.median(times):9.3f} {min(times):7.3f} {max(times):7.3f}"
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
