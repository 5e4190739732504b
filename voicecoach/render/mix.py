"""Render a timeline to one audio file, sample-accurate, with WebVTT captions beside it.

The session is mixed and written in blocks of one second, so memory stays the same whatever the
session's length: events are taken in time order as the blocks reach them, and a converted clip is
kept only while it sounds or while it fits a small cache of recently used clips.

Timing is exact to the frame: an event at `at_ms` starts at frame ``round(at_ms * rate / 1000)``
of the session (:func:`ms_to_frames`), and the file has ``round(total_ms * rate / 1000)`` frames.
Every clip plays whole from its onset; a clip that runs on past the next sound (which a compiled
timeline never plans) is mixed with it, saturating instead of wrapping around, and a clip is cut
only by the end of the rendered window.

WAV is written with the standard library. FLAC, Ogg Vorbis and MP3 go through the optional
`soundfile` package (``pip install 'voicecoach[formats]'``). Output is always 16-bit.

Both the audio file and its captions are written to temporary files beside their targets and
renamed onto them only when both are complete: a full disk, an unwritable folder or Ctrl-C leaves
neither a half-written file at the target names nor a temporary file behind.
"""

from __future__ import annotations

import math
import operator
import os
import sys
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Protocol

from voicecoach.beeps import Beep
from voicecoach.clip import Clip
from voicecoach.errors import UsageError
from voicecoach.render.captions import check_window, in_time_order, write_cues
from voicecoach.render.resample import converted_frames, resample
from voicecoach.render.writers import (
    FORMATS,
    MP3_RATES,
    GuardedFile,
    RenderError,
    TempFiles,
    captions_path,
    check_target,
    remove_stale,
    writer_factory,
    writing,
)
from voicecoach.timeline.model import Event, EventKind, Timeline

#: Pitch of the optional background tone. A whole number of hertz makes one second of the tone
#: repeat exactly, so it is computed once and every block is a slice of it.
BACKGROUND_HZ = 110

_MIN_RATE, _MAX_RATE = 8000, 192_000
#: Blocks are at most one second of audio (the background tone's period).
_BLOCK_SECONDS = 1
#: Converted clips kept for reuse, in bytes; counts and cues repeat all session long.
_CACHE_BYTES = 4 * 1024 * 1024
_INT16_MAX, _INT16_MIN = 32767, -32768
_BIG_ENDIAN = sys.byteorder == "big"


class ClipMaker(Protocol):
    """Where the audio of a spoken phrase comes from, made on demand if need be (speech's phrase
    cache, or a test's); unlike the player's :class:`voicecoach.playback.player.ReadyClips`, it
    may wait for synthesis."""

    def clip(self, text: str) -> Clip:
        """The clip of `text` spoken."""
        ...


@dataclass(frozen=True)
class RenderResult:
    """What :func:`render_timeline` wrote."""

    path: Path
    #: Length of the rendered window in milliseconds.
    duration_ms: int
    size_bytes: int
    #: Length of the rendered window in frames (one sample per channel).
    frames: int
    #: The WebVTT captions written beside the audio.
    captions: Path


def ms_to_frames(ms: int, rate: int) -> int:
    """The frame at `ms` milliseconds: ``round(ms * rate / 1000)``, computed on integers.

    Halves go to the even frame, as Python's `round` does.
    """
    q, r = divmod(ms * rate, 1000)
    if r > 500 or (r == 500 and q % 2):
        q += 1
    return q


def render_timeline(
    timeline: Timeline,
    *,
    clips: ClipMaker,
    beeps: Mapping[Beep, Clip],
    out: Path,
    rate: int = 22050,
    channels: int = 1,
    fmt: str | None = None,
    background: float | None = None,
    start_ms: int = 0,
    end_ms: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    phase_labels: bool = True,
) -> RenderResult:
    """Mix `timeline` into one audio file at `out`, and write its captions beside it (`.vtt`).

    Spoken phrases come from `clips`, beeps from `beeps` (by beep name); any rate, channel count
    and sample width is converted to `rate` and `channels` (1 or 2). `fmt` is one of
    :data:`FORMATS`, taken from the suffix of `out` when None. `background` adds a quiet steady
    tone at that level (0 to 1 of full scale) under the whole session, which keeps speakers that
    sleep in silence awake. `start_ms` and `end_ms` render only that window of the session, cut
    exactly where the whole session's file would be; an `end_ms` past the end means the end.
    `progress` is called after every block with the milliseconds written so far and in all.
    `phase_labels` adds each phase's label to the captions (see :func:`write_captions`).

    Example::

        render_timeline(timeline, clips=cache, beeps=beeps, out=Path("session.flac"))

    Raises :class:`UsageError` for impossible options, :class:`RenderError` when the file cannot
    be written (a missing or unwritable folder, a full disk, soundfile not installed). On any
    error, and on KeyboardInterrupt (re-raised), the files at the target names stay as they were
    and no temporary file is left.
    """
    out = Path(out)
    fmt = _format_of(out, fmt)
    _check_options(rate=rate, channels=channels, background=background, fmt=fmt)
    start, end = check_window(timeline, start_ms, end_ms)
    first = ms_to_frames(start, rate)
    count = ms_to_frames(end, rate) - first
    _check_beeps(timeline, beeps)
    open_writer = writer_factory(fmt, out, rate=rate, channels=channels, frames=count)
    captions = captions_path(out)
    for target in (out, captions):
        check_target(target)
        remove_stale(target)

    bank = _ClipBank(clips, beeps, rate=rate, channels=channels)
    placements = _placements(
        in_time_order(timeline.events), bank, rate=rate, first=first, count=count
    )
    bed = None if not background else _tone(rate, channels, background)
    blocks = _mix_blocks(
        placements,
        count=count,
        block=rate * _BLOCK_SECONDS,
        channels=channels,
        bed=bed,
        bed_start=first % rate,
    )
    total = end - start
    temps = TempFiles()
    try:
        with writing(out):
            audio = temps.create(out)
        # Closing the file flushes what is buffered: a full disk can show only then.
        with writing(out), audio:
            with writing(out):
                guard = GuardedFile(audio)
                writer = open_writer(guard)
            try:
                done = 0
                for buf in blocks:
                    with writing(out):
                        writer.write(buf)
                        guard.check()
                    done += len(buf) // (2 * channels)
                    if progress is not None:
                        progress(total if done == count else done * 1000 // rate, total)
                with writing(out):
                    writer.close()
                    guard.check()
            except BaseException:
                writer.abort()
                raise
            with writing(out):
                audio.flush()
                os.fsync(audio.fileno())
        with writing(captions), temps.create(captions) as vtt:
            write_cues(vtt, timeline, start, end, phase_labels=phase_labels)
        with writing(out):
            temps.commit()
    finally:
        temps.discard()
    return RenderResult(
        path=out,
        duration_ms=total,
        size_bytes=out.stat().st_size,
        frames=count,
        captions=captions,
    )


# -- options ---------------------------------------------------------------------------------


def _format_of(out: Path, fmt: str | None) -> str:
    name = (fmt if fmt is not None else out.suffix.lstrip(".")).lower()
    if name not in FORMATS:
        known = ", ".join(FORMATS)
        if fmt is None:
            raise UsageError(
                f"cannot tell the audio format from the file name {out.name!r}; "
                f"end it in one of .{', .'.join(FORMATS)}"
            )
        raise UsageError(f"unknown audio format {fmt!r}; use one of {known}")
    return name


def _check_options(*, rate: int, channels: int, background: float | None, fmt: str) -> None:
    if not _MIN_RATE <= rate <= _MAX_RATE:
        raise UsageError(f"sample rate {rate} Hz is out of range; use {_MIN_RATE} to {_MAX_RATE}")
    if fmt == "mp3" and rate not in MP3_RATES:
        rates = ", ".join(str(r) for r in sorted(MP3_RATES))
        raise UsageError(f"MP3 cannot carry {rate} Hz; use one of {rates}, or another format")
    if channels not in (1, 2):
        raise UsageError(f"{channels} channels: use 1 (mono) or 2 (stereo)")
    if background is not None and not 0.0 <= background <= 1.0:
        raise UsageError(
            f"background level {background} is out of range; use 0 to 1 (0.02 is quiet)"
        )


def _check_beeps(timeline: Timeline, beeps: Mapping[Beep, Clip]) -> None:
    missing = sorted(
        {e.text for e in timeline.events if e.kind is EventKind.BEEP and e.beep not in beeps}
    )
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise RenderError(
            f"no sound was given for the beep(s) {names}; each needs a clip (sounds/NAME.wav)"
        )


# -- clips -----------------------------------------------------------------------------------


def _pcm16(clip: Clip) -> array[int]:
    """The clip's samples as native 16-bit integers, channels still interleaved."""
    width = clip.sample_width
    data = clip.frames[: clip.frame_count * clip.channels * width]
    if width == 2:
        samples = array("h", data)
        if _BIG_ENDIAN:
            samples.byteswap()
        return samples
    if width == 1:  # WAV's 8-bit samples are unsigned
        return array("h", map(operator.lshift, map(operator.sub, data, repeat(128)), repeat(8)))
    if width in (3, 4):
        if width == 3:  # widen to 32 bits, the low byte zero
            wide = bytearray(len(data) // 3 * 4)
            for byte in range(3):
                wide[byte + 1 :: 4] = data[byte::3]
            data = bytes(wide)
        words = array("i", data)
        if _BIG_ENDIAN:
            words.byteswap()
        return array("h", map(operator.rshift, words, repeat(16)))
    raise RenderError(f"cannot mix {width * 8}-bit audio; use 8, 16, 24 or 32-bit PCM clips")


def _downmix(samples: array[int], channels: int) -> array[int]:
    if channels == 1:
        return samples
    lanes = [samples[c::channels] for c in range(channels)]
    return array("h", [s // channels for s in map(sum, zip(*lanes, strict=True))])


def _interleave(lanes: Sequence[array[int]]) -> array[int]:
    out = array("h", bytes(2 * len(lanes) * len(lanes[0])))
    for c, lane in enumerate(lanes):
        out[c :: len(lanes)] = lane
    return out


def _convert(clip: Clip, rate: int, channels: int) -> array[int]:
    """The clip as native 16-bit samples at `rate` with `channels` (interleaved)."""
    samples = _pcm16(clip)
    if clip.channels == channels:
        lanes = [samples[c::channels] for c in range(channels)] if channels > 1 else [samples]
        lanes = [resample(lane, clip.rate, rate) for lane in lanes]
    else:  # to mono, then duplicated if stereo is wanted
        mono = resample(_downmix(samples, clip.channels), clip.rate, rate)
        lanes = [mono] * channels
    return lanes[0] if channels == 1 else _interleave(lanes)


class _ClipBank:
    """Clips converted to the output format, the recently used ones cached up to a byte budget."""

    def __init__(
        self,
        clips: ClipMaker,
        beeps: Mapping[Beep, Clip],
        *,
        rate: int,
        channels: int,
        budget: int = _CACHE_BYTES,
    ) -> None:
        self._clips = clips
        self._beeps = beeps
        self._rate = rate
        self.channels = channels
        self._budget = budget
        self._cache: OrderedDict[tuple[EventKind, str], array[int]] = OrderedDict()
        self._bytes = 0

    def samples(self, event: Event, *, skip: int = 0) -> array[int] | None:
        """The event's converted samples, or None if it has no more than `skip` frames."""
        key = (event.kind, event.text)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached if len(cached) // self.channels > skip else None
        if event.kind is EventKind.BEEP:
            clip = self._beeps[event.beep]
        else:
            try:
                clip = self._clips.clip(event.text)
            except OSError as exc:
                raise RenderError(f"cannot read the audio of {event.text!r}: {exc}") from exc
        if converted_frames(clip.frame_count, clip.rate, self._rate) <= skip:
            return None
        samples = _convert(clip, self._rate, self.channels)
        size = len(samples) * samples.itemsize
        if size <= self._budget:
            self._cache[key] = samples
            self._bytes += size
            while self._bytes > self._budget:
                _, dropped = self._cache.popitem(last=False)
                self._bytes -= len(dropped) * dropped.itemsize
        return samples


@dataclass(frozen=True)
class _Placement:
    """A converted clip at its frames of the rendered window, [start, end)."""

    start: int
    end: int
    samples: array[int]


def _placements(
    events: Iterable[Event], bank: _ClipBank, *, rate: int, first: int, count: int
) -> Iterator[_Placement]:
    """The events heard in frames [0, count) of the window that starts at frame `first`."""
    channels = bank.channels
    for event in events:
        start = ms_to_frames(event.at_ms, rate) - first
        if start >= count:
            return
        # An event that began before the window is converted only if it reaches into it.
        samples = bank.samples(event, skip=max(0, -start))
        if samples is not None:
            yield _Placement(start, start + len(samples) // channels, samples)


# -- mixing ----------------------------------------------------------------------------------


def _tone(rate: int, channels: int, level: float) -> array[int]:
    """Two seconds of the background tone: any block of up to one second is a slice of it."""
    amplitude = level * _INT16_MAX
    step = 2 * math.pi * BACKGROUND_HZ / rate
    second = array("h", (round(amplitude * math.sin(step * i)) for i in range(rate)))
    if channels == 2:
        second = _interleave([second, second])
    return second + second


def _mix_blocks(
    placements: Iterator[_Placement],
    *,
    count: int,
    block: int,
    channels: int,
    bed: array[int] | None,
    bed_start: int,
) -> Iterator[bytearray]:
    """Frames [0, count) of the window in blocks of `block` frames, native 16-bit.

    A sound that lands on silence is copied; one that lands on the background or on another
    sound is added, saturating at full scale.
    """
    rate = len(bed) // (2 * channels) if bed is not None else 0
    lanes = _Lanes(block * channels)
    active: list[_Placement] = []
    upcoming = next(placements, None)
    for b0 in range(0, count, block):
        b1 = min(b0 + block, count)
        while upcoming is not None and upcoming.start < b1:
            active.append(upcoming)
            upcoming = next(placements, None)
        active = [p for p in active if p.end > b0]
        if bed is None:
            buf = bytearray(2 * channels * (b1 - b0))
        else:
            offset = (bed_start + b0) % rate * channels
            buf = bytearray(memoryview(bed)[offset : offset + (b1 - b0) * channels])
        filled: list[tuple[int, int]] = []
        for p in active:
            s0, s1 = max(p.start, b0), min(p.end, b1)
            if s0 >= s1:
                continue
            src = memoryview(p.samples)[(s0 - p.start) * channels : (s1 - p.start) * channels]
            d0, d1 = 2 * (s0 - b0) * channels, 2 * (s1 - b0) * channels
            if bed is None and all(s1 <= a or s0 >= b for a, b in filled):
                buf[d0:d1] = src
            else:
                buf[d0:d1] = lanes.add(buf[d0:d1], src)
            filled.append((s0, s1))
        yield buf


class _Lanes:
    """Adds runs of 16-bit samples at once, as big integers with 16-bit lanes side by side.

    Adding the low 15 bits of every lane cannot carry into the next lane, and the lanes' top
    bits are then set by exclusive or: the whole sum is a few passes of C over the bytes instead
    of a Python operation a sample (about seven times faster). A lane that overflows sends the
    run to the saturating sample-by-sample path.
    """

    def __init__(self, samples: int) -> None:
        self._low = int.from_bytes(b"\xff\x7f" * samples, "little")
        self._top = int.from_bytes(b"\x00\x80" * samples, "little")

    def add(self, under: bytes | bytearray, over: memoryview) -> bytes:
        """`under` + `over`, native 16-bit samples of the same count, saturating."""
        order = sys.byteorder
        x = int.from_bytes(under, order)
        y = int.from_bytes(over, order)
        total = ((x & self._low) + (y & self._low)) ^ ((x ^ y) & self._top)
        # A lane overflowed where the sum's sign differs from both of its terms'.
        if not (x ^ total) & (y ^ total) & self._top:
            return total.to_bytes(len(under), order)
        sums = map(operator.add, array("h", under), array("h", bytes(over)))
        clamped = map(min, repeat(_INT16_MAX), map(max, repeat(_INT16_MIN), sums))
        return array("h", clamped).tobytes()


# -- writing ---------------------------------------------------------------------------------
