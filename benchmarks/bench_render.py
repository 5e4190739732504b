"""Render speed and memory: sessions of 15 and 60 minutes, each render in a fresh process.

Targets (docs/performance.md): a 60-minute session renders at least 300 times faster than real time,
and memory stays flat in session length (the same peak for 15 and 60 minutes).

The sessions are the bundled routines compiled one after the other (phrase lengths estimated)
and cut to length, so their density of phrases, counts and beeps is a real one, and a longer
session has more distinct phrases. Phrases are synthetic 22050 Hz mono clips as long as the
timeline says (espeak-ng's format), taken from one fixed buffer so that the clip source itself
holds nothing; beeps are the shipped ones. Each configuration is rendered in its own process,
once timed (wall clock of `render_timeline`, ru_maxrss) and once under tracemalloc (peak of
Python allocations; slower, so not timed). "import s" is the part of the render's time spent
importing soundfile or numpy, which a render does on the way (imported first, to be timed apart);
"cpu s" the processor time of the render (user and system, import included), which other work on
a shared machine changes much less than the wall clock; "own s" and "own cpu" the render's time
outside its writer (everything but encoding and writing the file: importing, converting the
clips, mixing, captions), timed in the same process, so that the load of the machine weighs on
both parts alike.

    python benchmarks/bench_render.py [--minutes 15 60] [--config wav-22k ...] [--no-trace]
                                      [--encoder [--encoder-block FRAMES]] [--repeat N]
                                      [--no-numpy] [--profile]

Every format at every rate `render` offers, mono and stereo, is a configuration.

With --encoder, each FLAC, Ogg or MP3 configuration is also measured for its encoder alone: the
same session is rendered once to WAV at that rate and channel count, read back, and encoded with
soundfile into a temporary file in one-second blocks, as the mixer hands them to the writer (one
single write of a long session crashes libsndfile's Vorbis encoder), with the format, subtype and
sample width voicecoach/render/writers.py uses, in a fresh process. The report adds the encoder's
speed and its share of the render's time (encoder seconds over render seconds), in wall-clock
time ("enc %") and in processor time ("enc cpu", "cpu %"). --encoder-block FRAMES feeds the encoder
alone blocks of that many frames instead, to see whether another block size would encode faster.

With --repeat N, every timed run (render and encoder alone, taking turns) is made N times, each
in a fresh process, and the medians are reported. With --no-numpy, the render's processes cannot
import numpy (WAV only): the standard library's rate conversion, as on an install without the
formats extra. --profile renders each configuration once, in this process, under cProfile, and
prints the functions that took the most time of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import itertools
import json
import math
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

from voicecoach.beeps import Beep
from voicecoach.clip import Clip
from voicecoach.render import writers
from voicecoach.render.mix import render_timeline
from voicecoach.render.writers import FORMATS
from voicecoach.resources import bundled_routines, sounds_dir
from voicecoach.routine.loader import load_routine
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.model import Event, EventKind, Phase, Timeline

#: name: (suffix, rate, channels, background)
CONFIGS: dict[str, tuple[str, int, int, float | None]] = {
    f"{fmt}-{rate // 1000}k{'-stereo' if channels == 2 else ''}": (fmt, rate, channels, None)
    for fmt in ("wav", "flac", "ogg", "mp3")
    for rate in (22050, 44100)  # the rates `render --sample-rate` offers
    for channels in (1, 2)
} | {
    "wav-22k-bg": ("wav", 22050, 1, 0.02),
    "wav-44k-stereo-bg": ("wav", 44100, 2, 0.02),
}

_RATE = 22050


def session(minutes: int) -> Timeline:
    """The bundled routines back to back, cut at `minutes`."""
    target = minutes * 60_000
    compiled = [
        compile_routine(load_routine(path), EstimatedDurations())
        for path in bundled_routines().values()
    ]
    phases: list[Phase] = []
    events: list[Event] = []
    offset = 0
    for timeline in itertools.cycle(compiled):
        if offset >= target:
            break
        first = len(phases)
        for p in timeline.phases:
            if p.start_ms + offset < target:
                end = min(p.end_ms + offset, target)
                phases.append(
                    replace(p, index=first + p.index, start_ms=p.start_ms + offset, end_ms=end)
                )
        for e in timeline.events:
            if e.at_ms + offset < target:
                events.append(replace(e, at_ms=e.at_ms + offset, phase_index=first + e.phase_index))
        offset += timeline.total_ms
    return Timeline(tuple(phases), tuple(events), target)


class SyntheticVoice:
    """Speech-like clips (noise under a syllable-rate envelope), cut from one fixed buffer."""

    def __init__(self, lengths: dict[str, int]) -> None:
        self._lengths = lengths
        seconds = 1 + max(lengths.values(), default=0) // 1000
        n = seconds * _RATE
        state = 12345
        samples = bytearray()
        for i in range(n):
            state = (1103515245 * state + 12345) & 0x7FFF_FFFF
            envelope = 0.5 + 0.5 * math.sin(2 * math.pi * 4 * i / _RATE)
            value = int(((state >> 8) % 20000 - 10000) * envelope)
            samples += value.to_bytes(2, "little", signed=True)
        self._buffer = bytes(samples)

    def clip(self, text: str) -> Clip:
        frames = self._lengths[text] * _RATE // 1000
        return Clip(self._buffer[: 2 * frames], _RATE)


def child(
    minutes: int,
    config: str,
    trace: bool,
    folder: Path,
    profiler: cProfile.Profile | None = None,
) -> dict[str, Any]:
    suffix, rate, channels, background = CONFIGS[config]
    timeline = session(minutes)
    lengths = {e.text: e.duration_ms for e in timeline.events if e.kind is EventKind.SPEAK}
    voice = SyntheticVoice(lengths)
    beeps = {b: Clip.from_wav(sounds_dir() / f"{b.value}.wav") for b in Beep}
    out = folder / f"session-{minutes}-{config}.{suffix}"
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    start, start_cpu = time.perf_counter(), time.process_time()
    # What the render would import on the way, first, to tell its time apart (it is counted in
    # the render's): soundfile (and numpy with it) for FLAC, Ogg and MP3; numpy for the rate
    # conversion of a WAV at another rate than the clips'.
    needs = "soundfile" if FORMATS[suffix] is not None else "numpy" if rate != _RATE else None
    blocked = "numpy" in sys.modules and sys.modules["numpy"] is None  # --no-numpy
    if needs is not None and not blocked:
        importlib.import_module(needs)
    imported = time.perf_counter()
    in_writer = _time_writers()
    if profiler is not None:
        profiler.enable()
    result = render_timeline(
        timeline,
        clips=voice,
        beeps=beeps,
        out=out,
        rate=rate,
        channels=channels,
        background=background,
    )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    if profiler is not None:
        profiler.disable()
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    out.unlink()
    result.captions.unlink()
    return {
        "seconds": seconds,
        "import_seconds": imported - start,
        "cpu_seconds": cpu,
        "writer_seconds": in_writer[0],
        "writer_cpu_seconds": in_writer[1],
        "own_seconds": seconds - in_writer[0],
        "own_cpu_seconds": cpu - in_writer[1],
        "speed": timeline.total_ms / 1000 / seconds,
        "size": result.size_bytes,
        "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "base_rss_kib": base_rss,
        "trace_peak": peak,
        "phrases": len(lengths),
        "events": len(timeline.events),
    }


#: Wall-clock and processor seconds spent in the render's writers (see _time_writers).
_IN_WRITER = [0.0, 0.0]


def _time_writers() -> list[float]:
    """Count the time spent in the render's writers (encoding and writing the file), wall clock
    and processor time, from now on: the rest of a render is voicecoach's own work."""
    _IN_WRITER[:] = [0.0, 0.0]

    def timed(method: Any) -> Any:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return method(self, *args, **kwargs)
            finally:
                _IN_WRITER[0] += time.perf_counter() - wall
                _IN_WRITER[1] += time.process_time() - cpu

        return wrapper

    for cls in (writers._WavWriter, writers._SoundfileWriter):
        for name in ("__init__", "write", "close"):
            method = getattr(cls, name)
            if not hasattr(method, "__wrapped__"):
                setattr(cls, name, timed(method))
    return _IN_WRITER


def encoder_child(
    minutes: int, config: str, folder: Path, block: int | None = None
) -> dict[str, Any]:
    """Time libsndfile encoding the session's samples alone, as the render's writer does."""
    import soundfile

    suffix, rate, channels, background = CONFIGS[config]
    spec = FORMATS[suffix]
    assert spec is not None, f"{config} is not encoded by libsndfile"
    container, subtype = spec
    timeline = session(minutes)
    lengths = {e.text: e.duration_ms for e in timeline.events if e.kind is EventKind.SPEAK}
    beeps = {b: Clip.from_wav(sounds_dir() / f"{b.value}.wav") for b in Beep}
    wav = folder / f"session-{minutes}-{config}-samples.wav"
    render_timeline(
        timeline,
        clips=SyntheticVoice(lengths),
        beeps=beeps,
        out=wav,
        rate=rate,
        channels=channels,
        background=background,
    ).captions.unlink()
    # The writer feeds stereo MP3 32-bit samples (16-bit ones widened), the rest 16-bit ones.
    dtype = "int32" if container == "MP3" and channels == 2 else "int16"
    samples, read_rate = soundfile.read(wav, dtype=dtype, always_2d=True)
    wav.unlink()
    assert read_rate == rate
    assert samples.shape[1] == channels
    out = folder / f"session-{minutes}-{config}-encoded.{suffix}"
    start, start_cpu = time.perf_counter(), time.process_time()
    with soundfile.SoundFile(
        out, mode="w", samplerate=rate, channels=channels, format=container, subtype=subtype
    ) as encoded:
        step = block or rate  # one-second blocks, as the mixer writes, unless told
        for first in range(0, len(samples), step):
            encoded.write(samples[first : first + step])
    seconds = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    out.unlink()
    return {"seconds": seconds, "speed": timeline.total_ms / 1000 / seconds, "cpu_seconds": cpu}


def run_child(
    minutes: int,
    config: str,
    trace: bool,
    folder: Path,
    *,
    encoder: bool = False,
    encoder_block: int | None = None,
    no_numpy: bool = False,
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(minutes), config, str(folder)]
    if trace:
        command.append("--trace")
    if encoder:
        command.append("--encoder-child")
        if encoder_block is not None:
            command += ["--encoder-block", str(encoder_block)]
    if no_numpy:
        command.append("--no-numpy")
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def profile(minutes: int, config: str, folder: Path) -> None:
    """One render under cProfile: its time and the functions of most time of their own."""
    profiler = cProfile.Profile()
    result = child(minutes, config, False, folder, profiler)
    print(f"{config}, {minutes} minutes: render {result['seconds']:.2f} s under cProfile")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall-clock time, with the medians of the other times of all the runs."""
    middle = len(runs) // 2
    run = dict(sorted(runs, key=lambda r: r["seconds"])[middle])
    for key in ("cpu_seconds", "writer_cpu_seconds", "own_seconds", "own_cpu_seconds"):
        if key in run:
            run[key] = sorted(r[key] for r in runs)[middle]
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, nargs="+", default=[15, 60])
    parser.add_argument("--config", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--child", nargs=3, metavar=("MINUTES", "CONFIG", "FOLDER"))
    parser.add_argument(
        "--encoder",
        action="store_true",
        help="also time the encoder alone for the FLAC, Ogg and MP3 configurations",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed runs of each, the median reported"
    )
    parser.add_argument(
        "--no-numpy",
        action="store_true",
        help="render without numpy (WAV only), as an install without the formats extra",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="render each configuration once in this process under cProfile, and print where "
        "the time went (the functions of most time of their own)",
    )
    parser.add_argument(
        "--encoder-block",
        type=int,
        metavar="FRAMES",
        help="feed the encoder alone blocks of FRAMES frames instead of one second's",
    )
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--encoder-child", action="store_true")
    args = parser.parse_args()
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
            for config in args.config:
                for minutes in args.minutes:
                    profile(minutes, config, Path(tmp))
        return
    if args.child:
        minutes, config, folder = args.child
        if args.no_numpy:
            sys.modules["numpy"] = None  # type: ignore[assignment]  # import numpy fails
        if args.encoder_child:
            block = args.encoder_block
            print(json.dumps(encoder_child(int(minutes), config, Path(folder), block)))
        else:
            print(json.dumps(child(int(minutes), config, args.trace, Path(folder))))
        return
    if args.no_numpy and any(CONFIGS[c][0] != "wav" for c in args.config):
        parser.error("--no-numpy renders WAV only: FLAC, Ogg and MP3 need soundfile, and numpy")

    print(
        f"{'config':<18} {'min':>4} {'events':>6} {'phrases':>7} {'render s':>8} "
        f"{'x real':>7} {'MB':>7} {'maxrss MiB':>10} {'+ render':>8} {'trace MiB':>9}"
        + f" {'import s':>8} {'cpu s':>6} {'own s':>6} {'own cpu':>7}"
        + (
            f" {'enc s':>7} {'enc x':>7} {'enc %':>6} {'enc cpu':>7} {'cpu %':>6}"
            if args.encoder
            else ""
        )
    )
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        for config in args.config:
            for minutes in args.minutes:
                # Render and encoder alone take turns, so that the load of the machine weighs
                # on both alike.
                renders: list[dict[str, Any]] = []
                alones: list[dict[str, Any]] = []
                alone_too = args.encoder and FORMATS[CONFIGS[config][0]] is not None
                for _ in range(args.repeat):
                    renders.append(
                        run_child(minutes, config, False, Path(tmp), no_numpy=args.no_numpy)
                    )
                    if alone_too:
                        alones.append(
                            run_child(
                                minutes,
                                config,
                                False,
                                Path(tmp),
                                encoder=True,
                                encoder_block=args.encoder_block,
                            )
                        )
                timed = median(renders)
                traced = (
                    None
                    if args.no_trace
                    else run_child(minutes, config, True, Path(tmp), no_numpy=args.no_numpy)
                )
                peak = "-" if traced is None else f"{traced['trace_peak'] / 2**20:.2f}"
                encoder = ""
                if alone_too:
                    alone = median(alones)
                    share = 100 * alone["seconds"] / timed["seconds"]
                    cpu_share = 100 * alone["cpu_seconds"] / timed["cpu_seconds"]
                    encoder = (
                        f" {alone['seconds']:7.2f} {alone['speed']:7.0f} {share:6.0f}"
                        f" {alone['cpu_seconds']:7.2f} {cpu_share:6.0f}"
                    )
                print(
                    f"{config:<18} {minutes:>4} {timed['events']:>6} {timed['phrases']:>7} "
                    f"{timed['seconds']:8.2f} {timed['speed']:7.0f} "
                    f"{timed['size'] / 1e6:7.1f} {timed['rss_kib'] / 1024:10.1f} "
                    f"{(timed['rss_kib'] - timed['base_rss_kib']) / 1024:8.1f} {peak:>9} "
                    f"{timed['import_seconds']:8.2f} {timed['cpu_seconds']:6.2f} "
                    f"{timed['own_seconds']:6.2f} {timed['own_cpu_seconds']:7.2f}{encoder}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
