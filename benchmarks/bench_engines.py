"""The speech engines side by side (pyttsx3 and piper): cold start, phrases ready before their
deadline, synthesis throughput, cold render of a 35-minute session.

Targets (docs/performance.md): on a cold speech cache, first sound within 1 s of starting `run`
and first spoken phrase within 2 s with a neural voice; every phrase made before it is due.

    .venv/bin/python benchmarks/bench_engines.py [--engine pyttsx3 --engine piper]
        [--routine home-back-basics] [--render-routine full-body-b] [--repeat 3] [--skip-render]
        [--warm-repeat 1] [--against OLD-CHECKOUT]

First sound and first phrase: the whole process, ``python -m voicecoach run ROUTINE --plain
--no-history --engine E``, fresh ``XDG_CACHE_HOME``, ALSA routed into WAV files (as in the
tests). The capture folder is polled every millisecond; each new file is a sound starting. After
the run is stopped the files are read: the first that is not a beep is the first phrase.

``--against DIR`` times cold runs of the voicecoach in the source tree DIR as well (an older
checkout: ``git worktree add /tmp/old COMMIT``), in turns with this one, so that both see the
same load; every run starts in its own empty folder, so ``-m voicecoach`` finds the tree it is
given.

Warm run: the same, on a cache that ``voicecoach prepare ROUTINE --engine E`` filled; 3 s after
its first phrase, the session's resident memory and its child processes (a worker process left
running would hold onnxruntime and the voice).

Deadlines: in this process, a cold cache, the engine's voice not loaded yet. The session's plan
(:func:`~voicecoach.session.prepare.plan_session`) is made, then the pending phrases in order of
use, as the run's background thread makes them; each phrase's ready time is compared with the
moment the provisional timeline first needs it (the session starting when the plan is done).
Throughput: seconds of speech made per second of work over those phrases.

Cold render: :func:`~voicecoach.session.render.render_routine` of the 35-minute routine to a WAV
file on an empty cache, wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from voicecoach.beeps import levelled_beeps
from voicecoach.clip import Clip
from voicecoach.routine.catalog import resolve_routine
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Routine
from voicecoach.session.prepare import open_speech, plan_session
from voicecoach.session.render import render_routine
from voicecoach.testing import capture_env, write_capture_config
from voicecoach.timeline.model import EventKind


def env_for(folder: Path, capture: Path) -> dict[str, str]:
    config = folder / "config"
    write_capture_config(config)
    capture.mkdir(parents=True, exist_ok=True)
    env = capture_env(config, capture)
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    env["XDG_DATA_HOME"] = str(folder / "data")
    return env


def first_sound_and_phrase(
    routine: str, engine: str, code: Path | None = None
) -> tuple[float, float]:
    """Seconds from spawning a cold `run` to its first sound, and to its first phrase; with
    `code`, the voicecoach of that source tree runs instead of the installed one."""
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        first, phrase, _ = timed_run(Path(tmp), routine, engine, code=code)
        return first, phrase


def warm_run(routine: str, engine: str) -> tuple[float, float, Playing]:
    """A `run` on a cache that `voicecoach prepare` filled: seconds to its first sound and to its
    first phrase, and its processes 3 s after the first phrase."""
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        folder = Path(tmp)
        env = env_for(folder, folder / "capture")
        subprocess.run(
            [sys.executable, "-m", "voicecoach", "prepare", routine, "--engine", engine],
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        return timed_run(folder, routine, engine, playing_s=3.0)


@dataclass(frozen=True)
class Playing:
    """The processes of a `run` while it plays: its own memory, and its child processes."""

    rss_mb: float
    children: int
    children_rss_mb: float


def playing(pid: int) -> Playing:
    """`pid`'s resident memory and its child processes' (Linux /proc)."""
    kids = [
        int(k)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for k in (task / "children").read_text().split()
    ]
    return Playing(_rss_mb(pid), len(kids), sum(_rss_mb(k) for k in kids))


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed_run(
    folder: Path,
    routine: str,
    engine: str,
    *,
    playing_s: float | None = None,
    code: Path | None = None,
    before: Path | None = None,
) -> tuple[float, float, Playing]:
    """Seconds from spawning `run` (cache and capture in `folder`, which is also its working
    folder) to its first sound and to its first phrase; with `playing_s`, its processes that long
    after its first phrase; with `code`, the voicecoach of that source tree (PYTHONPATH), with
    `before` a folder put before it (trace_cold_start.py's hook). The child finds the moment it
    was spawned, in ``time.monotonic()`` seconds, in ``BENCH_SPAWNED_AT``."""
    capture = folder / "capture"
    env = env_for(folder, capture)
    paths = [str(p.resolve()) for p in (before, code) if p is not None]
    if paths:
        env["PYTHONPATH"] = ":".join(paths)
    command = [sys.executable, "-m", "voicecoach", "run", routine, "--plain", "--no-history"]
    started = time.monotonic()
    env["BENCH_SPAWNED_AT"] = repr(started)
    child = subprocess.Popen(
        [*command, "--engine", engine],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen: dict[str, float] = {}
    try:
        while len(seen) < 5 and time.monotonic() - started < 20:
            now = time.monotonic()
            for path in capture.iterdir():
                seen.setdefault(path.name, now - started)
            if child.poll() is not None:
                err = child.stderr.read().decode() if child.stderr else ""
                raise RuntimeError(f"`voicecoach run {routine}` ended: {err}")
            time.sleep(0.001)
        first, phrase = _first_sound_and_phrase(capture, seen)
        processes = Playing(0.0, 0, 0.0)
        if playing_s is not None:
            time.sleep(max(0.0, started + phrase + playing_s - time.monotonic()))
            processes = playing(child.pid)
    finally:
        child.terminate()
        child.wait(timeout=30)
    return first, phrase, processes


def _first_sound_and_phrase(capture: Path, seen: dict[str, float]) -> tuple[float, float]:
    beeps = {c.frames for c in levelled_beeps().values()}
    order = sorted(seen, key=seen.__getitem__)[1:]  # the device check comes first
    first = seen[order[0]]
    for name in order:
        if Clip.from_wav(capture / name).frames not in beeps:
            return first, seen[name]
    raise RuntimeError("no phrase among the first sounds")


def deadlines(routine: Routine) -> tuple[float, int, int, float, float]:
    """(plan seconds, phrases late, phrases in all, speech seconds, work seconds)."""
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        cache = open_speech(routine, routine.voice, cache_root=Path(tmp))
        began = time.monotonic()
        plan = plan_session(routine, cache, rate=routine.voice.rate)
        planned = time.monotonic()
        due: dict[str, float] = {}
        for e in plan.timeline.events:
            if e.kind is EventKind.SPEAK:
                due.setdefault(e.text, e.at_ms / 1000)
        late = 0
        speech = 0.0
        for text in plan.pending:
            clip = cache.clip(text)
            speech += clip.duration_ms / 1000
            if time.monotonic() - planned > due[text]:
                late += 1
        work = time.monotonic() - planned
        return planned - began, late, len(due), speech, work


def cold_render(routine: Routine) -> tuple[float, float]:
    """(wall seconds, session seconds) of rendering `routine` on an empty cache."""
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        began = time.monotonic()
        result = render_routine(
            routine, Path(tmp) / "out.wav", voice=routine.voice, cache_root=Path(tmp) / "cache"
        )
        return time.monotonic() - began, result.duration_ms / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", action="append", help="engine name (repeatable)")
    parser.add_argument("--routine", default="home-back-basics")
    parser.add_argument("--render-routine", default="full-body-b")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-render", action="store_true")
    parser.add_argument(
        "--warm-repeat", type=int, default=1, help="warm runs (after prepare); 0: none"
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="DIR",
        help="also time cold runs of the voicecoach in source tree DIR (an older checkout), "
        "in turns with this one",
    )
    args = parser.parse_args()
    engines = args.engine or ["pyttsx3", "piper"]
    print(f"Python {sys.version.split()[0]}, routine {args.routine}")
    for engine in engines:
        trees: list[Path | None] = [None] if args.against is None else [None, args.against]
        timed: dict[Path | None, list[tuple[float, float]]] = {t: [] for t in trees}
        for i in range(args.repeat):
            # In turns, the first changing each time: both trees see the same load.
            for tree in trees[i % len(trees) :] + trees[: i % len(trees)]:
                timed[tree].append(first_sound_and_phrase(args.routine, engine, tree))
        runs = timed[None]
        _print_cold(engine, "cold run", runs)
        if args.against is not None:
            _print_cold(engine, f"cold run of {args.against}", timed[args.against])
        warm = [warm_run(args.routine, engine) for _ in range(args.warm_repeat)]
        if warm:
            w_sounds, w_phrases = [s for s, _, _ in warm], [p for _, p, _ in warm]
            kids = max(p.children for _, _, p in warm)
            print(
                f"{engine:<8} warm run: first sound median {statistics.median(w_sounds):.3f} s; "
                f"first phrase median {statistics.median(w_phrases):.3f} s; 3 s into the session: "
                f"{max(p.rss_mb for _, _, p in warm):.0f} MB, {kids} child process(es) "
                f"({max(p.children_rss_mb for _, _, p in warm):.0f} MB) (n={len(warm)})"
            )
        written = load_routine(resolve_routine(args.routine))
        routine = _with_engine(written, engine)
        plan_s, late, total, speech, work = deadlines(routine)
        print(
            f"{engine:<8} deadlines: plan {plan_s:.2f} s, then {total} phrases, {late} late; "
            f"throughput {speech / work if work else float('inf'):.1f} s of speech a second "
            f"({speech:.0f} s made in {work:.1f} s)"
        )
        if not args.skip_render:
            long = _with_engine(load_routine(resolve_routine(args.render_routine)), engine)
            wall, length = cold_render(long)
            print(
                f"{engine:<8} cold render of {args.render_routine} ({length / 60:.0f} min): "
                f"{wall:.1f} s"
            )
    return 0


def _print_cold(engine: str, what: str, runs: list[tuple[float, float]]) -> None:
    sounds, phrases = [s for s, _ in runs], [p for _, p in runs]
    print(
        f"{engine:<8} {what}: first sound median {statistics.median(sounds):.3f} s "
        f"worst {max(sounds):.3f} s; first phrase median {statistics.median(phrases):.3f} s "
        f"worst {max(phrases):.3f} s (n={len(runs)}, load average "
        f"{os.getloadavg()[0]:.1f} at the end)"
    )


def _with_engine(routine: Routine, engine: str) -> Routine:
    from dataclasses import replace

    return replace(routine, voice=replace(routine.voice, engine=engine))


if __name__ == "__main__":
    sys.exit(main())
