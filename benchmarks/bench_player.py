"""Timing on the real clock: how late the player is, against a naive sleep-play-wait runner.

Plays a routine's measured timeline with the real :class:`~voicecoach.clock.MonotonicClock` twice,
one after the other in the same process: once with :class:`~voicecoach.player.Player` (absolute
deadlines) and once with the loop simple workout scripts use: for each sound, ``time.sleep`` the
gap since the previous one ended, play it, and block for the length of speech (as
``play_obj.wait_done()`` does on a real device; there it also waits for the device buffer to
drain, so a real naive runner does worse than this one).

Targets (DESIGN.md, docs/performance.md): lateness p99 <= 2 ms and max <= 10 ms; drift at the end
<= 1 ms.

    .venv/bin/python benchmarks/bench_player.py [--routine NAME] [--compress N]
        [--sink capture|silent] [--runner both|player|naive]

- Lateness: how long after its deadline each sound (and, for the player, each phase boundary)
  was handled. "sound start" is taken at the sink's ``play`` call, for both runners.
- Drift: how late the session's end was reached.
- ``--compress N`` divides every time of the timeline (and the length of every clip) by N, so a
  20-minute session runs in 20/N minutes with the same number of sounds, closer together.
- ``--sink capture`` plays through simpleaudio into the ALSA file plugin (a WAV file per sound, as
  in the tests: the real playback path without a sound card); ``--sink silent`` plays nothing.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from voicecoach.beeps import load_beeps
from voicecoach.clip import Clip
from voicecoach.playback.clock import MonotonicClock
from voicecoach.playback.display import PlainDisplay
from voicecoach.playback.player import Player
from voicecoach.playback.sinks import SilentSink, Sink, open_audio_sink
from voicecoach.routine.catalog import resolve_routine
from voicecoach.routine.loader import load_routine
from voicecoach.session.prepare import measured_timeline, open_speech
from voicecoach.testing import write_capture_config
from voicecoach.timeline.model import Event, EventKind, Timeline


def route_alsa_to_files(folder: Path) -> None:
    """Send the default ALSA device into WAV files.

    ALSA reads its configuration once, at the first device open: call this before that.
    """
    write_capture_config(folder / "config")
    (folder / "capture").mkdir()
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    os.environ["SA_CAPTURE_DIR"] = str(folder / "capture")


def compress(timeline: Timeline, n: int) -> Timeline:
    """Every time and length divided by `n` (rounded down), in the same order."""
    if n == 1:
        return timeline
    return replace(
        timeline,
        phases=tuple(
            replace(p, start_ms=p.start_ms // n, end_ms=p.end_ms // n) for p in timeline.phases
        ),
        events=tuple(
            replace(e, at_ms=e.at_ms // n, duration_ms=e.duration_ms // n) for e in timeline.events
        ),
        total_ms=timeline.total_ms // n,
    )


def shorten(clip: Clip, n: int) -> Clip:
    """The first 1/n of `clip` (at least one frame)."""
    frame = clip.channels * clip.sample_width
    frames = max(1, clip.frame_count // n)
    return replace(clip, frames=clip.frames[: frames * frame])


class TimedSink:
    """Passes clips on to a sink and notes the monotonic time of every ``play`` call."""

    def __init__(self, inner: Sink) -> None:
        self.inner = inner
        self.calls: list[float] = []

    def play(self, clip: Clip) -> None:
        self.calls.append(time.monotonic())
        self.inner.play(clip)

    def stop(self) -> None:
        self.inner.stop()

    def close(self) -> None:
        self.inner.close()


class AnchorClock(MonotonicClock):
    """The real clock; remembers its first reading (the player's session start)."""

    def __init__(self) -> None:
        self.first: float | None = None

    def now(self) -> float:
        t = super().now()
        if self.first is None:
            self.first = t
        return t


class Clips:
    """Speech clips by phrase, from a dict (the player's ClipSource)."""

    def __init__(self, clips: dict[str, Clip]) -> None:
        self.clips = clips

    def get(self, text: str) -> Clip | None:
        return self.clips.get(text)


@dataclass
class Result:
    label: str
    handled_ms: list[float]
    sound_ms: list[float]
    drift_ms: float
    seconds: float


def run_player(timeline: Timeline, clips: Clips, beeps: dict[str, Clip], sink: Sink) -> Result:
    timed = TimedSink(sink)
    clock = AnchorClock()
    with open(os.devnull, "w") as devnull:
        player = Player(
            timeline,
            clips=clips,
            beeps=beeps,
            sink=timed,
            clock=clock,
            display=PlainDisplay(devnull),
        )
        started = time.monotonic()
        summary = player.run()
        seconds = time.monotonic() - started
    assert summary.outcome.value == "completed"
    assert clock.first is not None
    assert len(timed.calls) == len(timeline.events), "every sound was played"
    sound = [
        (t - (clock.first + e.at_ms / 1000)) * 1000
        for t, e in zip(timed.calls, timeline.events, strict=True)
    ]
    return Result("player", player.stats.lateness_ms, sound, player.stats.end_lateness_ms, seconds)


def run_naive(timeline: Timeline, clips: Clips, beeps: dict[str, Clip], sink: Sink) -> Result:
    """What simple scripts do: sleep the gap, play, wait for speech to end; repeat."""
    timed = TimedSink(sink)
    t0 = time.monotonic()
    previous_end_ms = 0
    for event in timeline.events:
        time.sleep(max(0, event.at_ms - previous_end_ms) / 1000)
        clip = _clip(event, clips, beeps)
        timed.play(clip)
        if event.kind is EventKind.SPEAK:
            time.sleep(event.duration_ms / 1000)  # play_obj.wait_done(), at best
            previous_end_ms = event.end_ms
        else:
            previous_end_ms = event.at_ms
    time.sleep(max(0, timeline.total_ms - previous_end_ms) / 1000)
    end = time.monotonic()
    drift = (end - (t0 + timeline.total_ms / 1000)) * 1000
    sound = [
        (t - (t0 + e.at_ms / 1000)) * 1000
        for t, e in zip(timed.calls, timeline.events, strict=True)
    ]
    return Result("naive", sound, sound, drift, end - t0)


def _clip(event: Event, clips: Clips, beeps: dict[str, Clip]) -> Clip:
    found = beeps.get(event.text) if event.kind is EventKind.BEEP else clips.get(event.text)
    assert found is not None, event.text
    return found


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def row(label: str, values: Sequence[float], drift: float | None) -> str:
    drift_text = f"{drift:9.2f}" if drift is not None else " " * 9
    return (
        f"{label:<28} {len(values):>6} {percentile(values, 50):8.2f} {percentile(values, 99):8.2f} "
        f"{max(values):8.2f} {drift_text}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", default="home-back-basics", help="name or file")
    parser.add_argument("--compress", type=int, default=1, metavar="N")
    parser.add_argument("--sink", choices=("capture", "silent"), default="capture")
    parser.add_argument("--runner", choices=("both", "player", "naive"), default="both")
    parser.add_argument(
        "--cache", type=Path, help="speech cache folder (default: a fresh temporary one)"
    )
    args = parser.parse_args()
    if args.compress < 1:
        parser.error("--compress must be at least 1")

    with tempfile.TemporaryDirectory(prefix="bench-player-") as tmp:
        folder = Path(tmp)
        if args.sink == "capture":
            route_alsa_to_files(folder)
        routine = load_routine(resolve_routine(args.routine))
        cache = open_speech(routine, cache_root=args.cache or folder / "speech")
        full = measured_timeline(routine, cache, rate=routine.voice.rate)
        timeline = compress(full, args.compress)
        clips = Clips({t: shorten(cache.clip(t), args.compress) for t in full.phrases()})
        beeps = {b: shorten(c, args.compress) for b, c in load_beeps().items()}

        print(
            f"routine {routine.name!r}: {full.total_ms / 60000:.1f} min, {len(full.phases)} "
            f"phases, {len(full.events)} sounds; compress {args.compress} -> "
            f"{timeline.total_ms / 60000:.2f} min a run"
        )
        print(
            f"sink: {args.sink} "
            + (
                "(simpleaudio into the ALSA file plugin)"
                if args.sink == "capture"
                else "(SilentSink)"
            )
            + f"; Python {sys.version.split()[0]}, {os.cpu_count()} cores"
        )
        print(f"\n{'lateness, ms':<28} {'count':>6} {'p50':>8} {'p99':>8} {'max':>8} {'drift':>9}")
        runners = {"player": run_player, "naive": run_naive}
        chosen = list(runners) if args.runner == "both" else [args.runner]
        for name in chosen:
            sink: Sink = open_audio_sink() if args.sink == "capture" else SilentSink()
            try:
                result = runners[name](timeline, clips, beeps, sink)
            finally:
                sink.close()
            if name == "player":
                print(row("player, sounds+boundaries", result.handled_ms, result.drift_ms))
                print(row("player, sound start", result.sound_ms, None))
            else:
                print(row("naive, sound start", result.sound_ms, result.drift_ms))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
