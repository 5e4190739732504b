"""Start-up: time to the first sound of `voicecoach run`, cold and warm cache; what a second run
of a routine synthesizes.

Targets (docs/performance.md): first sound within 1 s of starting `run` on a cold speech cache;
a second run synthesizes nothing.

    .venv/bin/python benchmarks/bench_first_sound.py [--routine NAME ...] [--repeat N]
        [--speedup N]

First sound: the whole process, ``python -m voicecoach run ROUTINE --plain --no-history``, with
a fresh ``XDG_CACHE_HOME`` and ALSA routed into WAV files (as in the tests). The clock starts just
before the process is spawned; the folder is polled every millisecond for the first file after
the device check (``play.wav.0001``: the check is ``play.wav``), which ALSA creates when the sound
is opened. Nothing is added to the product to measure it. The process is then stopped with
SIGTERM. "warm" runs start on a cache that a ``--dry-run`` filled first.

Cold plan: in this process, with the engine already running, how long the synchronous part of a
cold start takes (:func:`~voicecoach.session.plan_session`: the first two phases' phrases) and how
long the background part (every other phrase, then the final timeline), next to how long the
first two phases last: the player can take the final timeline only while it is in one of those.

Second run: in this process, :func:`voicecoach.session.run_routine` plays the routine to its end
twice on one cache folder, into a silent sink, on a clock that keeps the real pace for the first
`--real-seconds` and then runs `--speedup` times faster (a 20-minute session in about 17 s).
Printed are ``RunResult.synthesized``, the new cache files of each run, and whether the cold run
took its final timeline.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from voicecoach.playback.sinks import SilentSink
from voicecoach.routine.catalog import resolve_routine
from voicecoach.routine.loader import load_routine
from voicecoach.session.prepare import open_speech, plan_session
from voicecoach.session.run import RunOptions, RunResult, run_routine
from voicecoach.testing import capture_env, write_capture_config
from voicecoach.timeline.compiler import compile_routine


def env_for(folder: Path, cache: Path, capture: Path) -> dict[str, str]:
    config = folder / "config"
    write_capture_config(config)
    capture.mkdir(parents=True, exist_ok=True)
    env = capture_env(config, capture)
    env["XDG_CACHE_HOME"] = str(cache)
    env["XDG_DATA_HOME"] = str(folder / "data")
    return env


def first_sound(routine: str, env: dict[str, str], capture: Path) -> tuple[float, float]:
    """Seconds from spawning `run` to the device check, and to the first sound."""
    probe_file, first_file = capture / "play.wav", capture / "play.wav.0001"
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", "run", routine, "--plain", "--no-history"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    probe = first = None
    try:
        while first is None:
            now = time.monotonic()
            if probe is None and probe_file.exists():
                probe = now - started
            if first_file.exists():
                first = now - started
            elif child.poll() is not None or now - started > 60:
                err = child.stderr.read().decode() if child.stderr else ""
                raise RuntimeError(f"no sound from `voicecoach run {routine}`: {err}")
            else:
                time.sleep(0.001)
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
    return (probe if probe is not None else first), first


def bench_first_sound(routine: str, repeat: int) -> None:
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for k in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-first-") as tmp:
            folder = Path(tmp)
            cache = folder / "cache"
            cold.append(first_sound(routine, env_for(folder, cache, folder / "c0"), folder / "c0"))
            # Fill the cache completely, as a finished session (or a dry run) leaves it.
            subprocess.run(
                [sys.executable, "-m", "voicecoach", "run", routine, "--dry-run"],
                env=env_for(folder, cache, folder / "dry"),
                stdout=subprocess.DEVNULL,
                check=True,
            )
            capture = folder / f"w{k}"
            warm.append(first_sound(routine, env_for(folder, cache, capture), capture))
    for label, runs in (("cold cache", cold), ("warm cache", warm)):
        probes = [p for p, _ in runs]
        firsts = [f for _, f in runs]
        print(
            f"{routine:<22} {label:<11} device check median {statistics.median(probes):6.3f} s"
            f"   first sound median {statistics.median(firsts):6.3f} s"
            f"   worst {max(firsts):6.3f} s   (n={len(runs)})"
        )


class FastClock:
    """Real time for the first `real_s` seconds, then `speedup` times faster.

    The first seconds run at the real pace so that the background synthesis of a cold start gets
    the head start it has in a real session; the rest of a session of minutes then takes seconds.
    """

    def __init__(self, speedup: float, real_s: float) -> None:
        self.speedup = speedup
        self.real_s = real_s
        self._start = time.monotonic()

    def now(self) -> float:
        elapsed = time.monotonic() - self._start
        if elapsed <= self.real_s:
            return self._start + elapsed
        return self._start + self.real_s + (elapsed - self.real_s) * self.speedup

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        target = deadline - self._start
        if target > self.real_s:
            target = self.real_s + (target - self.real_s) / self.speedup
        remaining = self._start + target - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        return False


def play_through(routine_name: str, root: Path, speedup: float, real_s: float) -> RunResult:
    routine = load_routine(resolve_routine(routine_name))
    return run_routine(
        routine,
        RunOptions(history=False, cache_root=root),
        out=io.StringIO(),
        notify=lambda message: print(f"  notice: {message}"),
        interactive=False,
        live=False,
        clock=FastClock(speedup, real_s),
        sink=SilentSink(),
    )


def bench_second_run(routine: str, speedup: float, real_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-second-") as tmp:
        root = Path(tmp) / "speech"
        counts = []
        for _ in range(2):
            before = len(list(root.glob("*.wav"))) if root.exists() else 0
            result = play_through(routine, root, speedup, real_s)
            counts.append((result.synthesized, len(list(root.glob("*.wav"))) - before, result))
    (s1, f1, r1), (s2, f2, _) = counts
    print(
        f"{routine:<22} first run: {s1:3d} synthesized, {f1:3d} new files "
        f"(final timeline taken {r1.stats.offers_taken}, refused {r1.stats.offers_refused})   "
        f"second run: {s2} synthesized, {f2} new files"
    )


def bench_cold_plan(routine_name: str) -> None:
    """In process, cold cache: the synchronous start and the background rest, against the time
    the first two (measured) phases give the background work before the player needs it."""
    routine = load_routine(resolve_routine(routine_name))
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        cache = open_speech(routine, cache_root=Path(tmp))
        started = time.perf_counter()
        plan = plan_session(routine, cache, rate=routine.voice.rate)
        planned = time.perf_counter()
        cache.ensure(plan.pending)
        compile_routine(routine, cache.durations())
        finished = time.perf_counter()
    head_start_ms = plan.timeline.phases[plan.start_phase + 1].end_ms
    print(
        f"{routine_name:<22} plan (first two phases) {(planned - started) * 1000:6.0f} ms   "
        f"rest: {len(plan.pending):3d} phrases + final compile {finished - planned:5.2f} s   "
        f"first two phases last {head_start_ms / 1000:5.1f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", action="append", help="name or file (repeatable)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--speedup", type=float, default=100.0)
    parser.add_argument("--real-seconds", type=float, default=5.0, dest="real_s")
    parser.add_argument("--skip-second-run", action="store_true")
    args = parser.parse_args()
    routines = args.routine or ["home-back-basics"]

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print("time to first sound, whole process")
    for name in routines:
        bench_first_sound(name, args.repeat)
    print("\ncold cache in process: start plan, then the background rest (engine already running)")
    for name in routines:
        bench_cold_plan(name)
    if not args.skip_second_run:
        print(
            f"\nsecond run of a routine (clock: real for {args.real_s:g} s, "
            f"then {args.speedup:g}x real time)"
        )
        for name in routines:
            bench_second_run(name, args.speedup, args.real_s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
