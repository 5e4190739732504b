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

import contextlib
import errno
import heapq
import math
import operator
import os
import secrets
import sys
import wave
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat
from pathlib import Path
from types import ModuleType
from typing import IO, Protocol, cast

from voicecoach.clip import Clip
from voicecoach.errors import UsageError, VoicecoachError
from voicecoach.timeline import Event, EventKind, Timeline

#: Audio formats by name (also the file suffix): libsndfile's (format, subtype), None for WAV.
FORMATS: dict[str, tuple[str, str] | None] = {
    "wav": None,
    "flac": ("FLAC", "PCM_16"),
    "ogg": ("OGG", "VORBIS"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
}

#: Sample rates an MP3 (MPEG-1, 2 and 2.5 layer III) can carry.
MP3_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})

#: Pitch of the optional background tone. A whole number of hertz makes one second of the tone
#: repeat exactly, so it is computed once and every block is a slice of it.
BACKGROUND_HZ = 110

_MIN_RATE, _MAX_RATE = 8000, 192_000
#: Blocks are at most one second of audio (the background tone's period).
_BLOCK_SECONDS = 1
#: Converted clips kept for reuse, in bytes; counts and cues repeat all session long.
_CACHE_BYTES = 4 * 1024 * 1024
#: A WAV file's sizes are 32-bit; the RIFF header takes 36 bytes of them.
_WAV_MAX_DATA = 0xFFFF_FFFF - 36
_INT16_MAX, _INT16_MIN = 32767, -32768
#: Fixed-point precision of the resampler's weights.
_Q = 14
_BIG_ENDIAN = sys.byteorder == "big"


class RenderError(VoicecoachError):
    """A session could not be rendered to a file (nothing is left behind at the target)."""


class ClipSource(Protocol):
    """Where the audio of a spoken phrase comes from (speech's phrase cache, or a test's)."""

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
    clips: ClipSource,
    beeps: Mapping[str, Clip],
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
    start, end = _window(timeline, start_ms, end_ms)
    first = ms_to_frames(start, rate)
    count = ms_to_frames(end, rate) - first
    _check_beeps(timeline, beeps)
    open_writer = _writer_factory(fmt, out, rate=rate, channels=channels, frames=count)
    captions = out.with_suffix(".vtt")
    for target in (out, captions):
        _check_target(target)

    bank = _ClipBank(clips, beeps, rate=rate, channels=channels)
    placements = _placements(
        _in_time_order(timeline.events), bank, rate=rate, first=first, count=count
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
    temps = _TempFiles()
    try:
        with _writing(out):
            audio = temps.create(out)
        with audio:
            with _writing(out):
                guard = _GuardedFile(audio)
                writer = open_writer(guard)
            try:
                done = 0
                for buf in blocks:
                    with _writing(out):
                        writer.write(buf)
                        guard.check()
                    done += len(buf) // (2 * channels)
                    if progress is not None:
                        progress(total if done == count else done * 1000 // rate, total)
                with _writing(out):
                    writer.close()
                    guard.check()
            except BaseException:
                writer.abort()
                raise
            with _writing(out):
                audio.flush()
                os.fsync(audio.fileno())
        with _writing(captions), temps.create(captions) as vtt:
            _write_cues(vtt, timeline, start, end, phase_labels=phase_labels)
        with _writing(out):
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


def write_captions(
    timeline: Timeline,
    path: Path,
    start_ms: int = 0,
    end_ms: int | None = None,
    *,
    phase_labels: bool = True,
) -> int:
    """Write the WebVTT captions of `timeline` (or of its window) to `path`; return the cue count.

    Every spoken phrase is a cue from its `at_ms` to its `end_ms`, its text escaped (``&``, ``<``,
    ``>``) and on one line. With `phase_labels`, every phase with a label is also a cue of its own
    for the whole phase, placed at the top of the picture (``line:0``) so that it never hides a
    phrase; at the same start time the phase cue comes first. A window keeps the cues that overlap
    it, cut to it and timed from its start. The file is replaced atomically.

    Example::

        write_captions(timeline, Path("session.vtt"))
    """
    path = Path(path)
    start, end = _window(timeline, start_ms, end_ms)
    _check_target(path)
    temps = _TempFiles()
    try:
        with _writing(path):
            with temps.create(path) as vtt:
                cues = _write_cues(vtt, timeline, start, end, phase_labels=phase_labels)
            temps.commit()
    finally:
        temps.discard()
    return cues


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


def _window(timeline: Timeline, start_ms: int, end_ms: int | None) -> tuple[int, int]:
    total = timeline.total_ms
    end = total if end_ms is None else min(end_ms, total)
    if not 0 <= start_ms < total:
        raise UsageError(
            f"the start {_clock(start_ms)} is outside the session, which lasts {_clock(total)}"
        )
    if end <= start_ms:
        raise UsageError(f"the end {_clock(end)} must come after the start {_clock(start_ms)}")
    return start_ms, end


def _clock(ms: int) -> str:
    sign = "-" if ms < 0 else ""
    minutes, seconds = divmod(abs(ms) / 1000, 60)
    return f"{sign}{int(minutes)}:{seconds:06.3f}"


def _check_beeps(timeline: Timeline, beeps: Mapping[str, Clip]) -> None:
    missing = sorted(
        {e.text for e in timeline.events if e.kind is EventKind.BEEP and e.text not in beeps}
    )
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise RenderError(
            f"no sound was given for the beep(s) {names}; each needs a clip (sounds/NAME.wav)"
        )


def _check_target(target: Path) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise RenderError(f"cannot write {target}: the folder {folder} does not exist")
    if target.is_dir():
        raise RenderError(f"cannot write {target}: it is a folder; give a file name")


@contextlib.contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Turn the operating system's errors while writing `target` into a RenderError."""
    try:
        yield
    except OSError as exc:
        raise RenderError(_describe(exc, target)) from exc


def _describe(exc: OSError, target: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return (
            f"the disk is full: could not write {target}, and nothing was written; "
            "free some space or choose another folder"
        )
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return (
            f"cannot write {target}: {exc.strerror or 'permission denied'}; "
            "choose a folder you can write to"
        )
    reason = exc.strerror or str(exc)
    return f"cannot write {target}: {reason}; nothing was written"


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


def _saturate(values: Sequence[int]) -> array[int]:
    try:
        return array("h", values)
    except OverflowError:
        return array("h", [min(_INT16_MAX, max(_INT16_MIN, v)) for v in values])


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


def _converted_frames(frames: int, src_rate: int, dst_rate: int) -> int:
    """Frames of a `frames`-long clip at `dst_rate`: every output frame before its end."""
    return -(-frames * dst_rate // src_rate)


def _catmull_rom(t: float) -> tuple[int, int, int, int]:
    """Fixed-point weights of the four samples around fraction `t` (they sum to exactly 1)."""
    weights = [
        ((-t + 2) * t - 1) * t / 2,
        ((3 * t - 5) * t * t + 2) / 2,
        ((-3 * t + 4) * t + 1) * t / 2,
        (t - 1) * t * t / 2,
    ]
    w = [round(x * (1 << _Q)) for x in weights]
    w[1] += (1 << _Q) - sum(w)
    return w[0], w[1], w[2], w[3]


def _resample(samples: array[int], src_rate: int, dst_rate: int) -> array[int]:
    """One channel from `src_rate` to `dst_rate` by Catmull-Rom (cubic) interpolation.

    Output frame j is at source position j * src / dst. The positions fall into `up` phases that
    repeat every `up` output frames (`up`/`down` is the reduced ratio), so each phase is computed
    at once over strided slices. Frame 0 is source frame 0 itself, which keeps every onset exact;
    an exact factor (22050 to 44100 Hz) keeps every source sample and fills in between. No
    low-pass filter: going down in rate may alias, which the 22 kHz sources here do not need.
    """
    if src_rate == dst_rate:
        return samples
    n = len(samples)
    g = math.gcd(src_rate, dst_rate)
    up, down = dst_rate // g, src_rate // g
    n_out = _converted_frames(n, src_rate, dst_rate)
    # Silence on both sides: one sample before, three after, for the four taps.
    padded = array("h", [0]) + samples + array("h", [0, 0, 0])
    out = array("h", bytes(2 * n_out))
    half = 1 << (_Q - 1)
    for r in range(min(up, n_out)):
        count = -(-(n_out - r) // up)
        base, phase = divmod(r * down, up)
        span = (count - 1) * down + 1
        if phase == 0:
            out[r::up] = samples[base : base + span : down]
            continue
        w0, w1, w2, w3 = _catmull_rom(phase / up)
        taps = [padded[base + t : base + t + span : down] for t in range(4)]
        out[r::up] = _saturate(
            [
                (w0 * a + w1 * b + w2 * c + w3 * d + half) >> _Q
                for a, b, c, d in zip(*taps, strict=True)
            ]
        )
    return out


def _convert(clip: Clip, rate: int, channels: int) -> array[int]:
    """The clip as native 16-bit samples at `rate` with `channels` (interleaved)."""
    samples = _pcm16(clip)
    if clip.channels == channels:
        lanes = [samples[c::channels] for c in range(channels)] if channels > 1 else [samples]
        lanes = [_resample(lane, clip.rate, rate) for lane in lanes]
    else:  # to mono, then duplicated if stereo is wanted
        mono = _resample(_downmix(samples, clip.channels), clip.rate, rate)
        lanes = [mono] * channels
    return lanes[0] if channels == 1 else _interleave(lanes)


class _ClipBank:
    """Clips converted to the output format, the recently used ones cached up to a byte budget."""

    def __init__(
        self,
        clips: ClipSource,
        beeps: Mapping[str, Clip],
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
            clip = self._beeps[event.text]
        else:
            try:
                clip = self._clips.clip(event.text)
            except OSError as exc:
                raise RenderError(f"cannot read the audio of {event.text!r}: {exc}") from exc
        if _converted_frames(clip.frame_count, clip.rate, self._rate) <= skip:
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


def _in_time_order(events: Sequence[Event]) -> Sequence[Event]:
    if all(a.at_ms <= b.at_ms for a, b in pairwise(events)):
        return events
    return sorted(events, key=lambda e: e.at_ms)


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


class _GuardedFile:
    """The temporary audio file, keeping the first write error for later.

    libsndfile writes through a callback that cannot pass an exception on (it would only see a
    short write, or nothing), so errors are kept here and raised after every block.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            return 0
        try:
            return self._file.write(data)
        except OSError as exc:
            self.error = exc
            return 0

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def flush(self) -> None:
        self._file.flush()

    def check(self) -> None:
        if self.error is not None:
            raise self.error


class _Writer(Protocol):
    def write(self, block: bytearray) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class _WavWriter:
    """16-bit PCM WAV through the standard library."""

    def __init__(self, file: _GuardedFile, *, rate: int, channels: int, frames: int) -> None:
        # wave only needs write, tell, seek and flush, which the guard forwards.
        self._wav = wave.Wave_write(cast(IO[bytes], file))
        self._wav.setnchannels(channels)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)
        self._wav.setnframes(frames)  # the header is right from the start: no patching

    def write(self, block: bytearray) -> None:
        self._wav.writeframesraw(block)

    def close(self) -> None:
        self._wav.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError, ValueError, wave.Error):
            self._wav.close()  # the file is thrown away: only let go of it


class _SoundfileWriter:
    """FLAC, Ogg Vorbis or MP3 through libsndfile, fed the same 16-bit blocks."""

    def __init__(
        self,
        soundfile: ModuleType,
        file: _GuardedFile,
        *,
        rate: int,
        channels: int,
        container: str,
        subtype: str,
    ) -> None:
        self._file = file
        self._container = container
        # libsndfile 1.2.2 writes 16-bit stereo to MP3 as half noise (it copies half of each
        # buffer: libsndfile pull request 1106); its 32-bit path is sound.
        self._wide = container == "MP3"
        with self._failures():
            self._sf = soundfile.SoundFile(
                file,
                mode="w",
                samplerate=rate,
                channels=channels,
                format=container,
                subtype=subtype,
            )

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """Turn libsndfile's failures into the error behind them, or a RenderError."""
        try:
            yield
        except (RuntimeError, AssertionError) as exc:
            # A failed write shows up as libsndfile's error, or as soundfile's assertion
            # that every frame was written; the operating system's error says more.
            self._file.check()
            raise RenderError(f"libsndfile could not write {self._container}: {exc}") from exc

    def write(self, block: bytearray) -> None:
        with self._failures():
            if self._wide:
                self._sf.buffer_write(_widen(block), dtype="int32")
            else:
                self._sf.buffer_write(block, dtype="int16")

    def close(self) -> None:
        with self._failures():
            self._sf.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            self._sf.close()  # the file is thrown away: only let go of it


def _widen(block: bytearray) -> bytearray:
    """Native 16-bit samples as native 32-bit ones of the same level (the low half zero)."""
    wide = bytearray(2 * len(block))
    high = (0, 1) if _BIG_ENDIAN else (2, 3)
    wide[high[0] :: 4] = block[0::2]
    wide[high[1] :: 4] = block[1::2]
    return wide


def _import_soundfile(fmt: str) -> ModuleType:
    try:
        import soundfile
    except (ImportError, OSError) as exc:  # OSError: the module is there, libsndfile is not
        raise RenderError(
            f"writing {fmt.upper()} needs the soundfile library: "
            "pip install 'voicecoach[formats]' (or write a .wav file)"
        ) from exc
    module: ModuleType = soundfile
    return module


def _writer_factory(
    fmt: str, out: Path, *, rate: int, channels: int, frames: int
) -> Callable[[_GuardedFile], _Writer]:
    """Check that `fmt` can be written here, and return how to open its writer on a file."""
    spec = FORMATS[fmt]
    if spec is None:
        if frames * channels * 2 > _WAV_MAX_DATA:
            raise RenderError(
                f"cannot write {out}: this session is too long for a WAV file (4 GiB at most); "
                "write .flac instead"
            )
        return lambda file: _WavWriter(file, rate=rate, channels=channels, frames=frames)
    soundfile = _import_soundfile(fmt)
    container, subtype = spec
    if container not in soundfile.available_formats() or not soundfile.check_format(
        container, subtype
    ):
        raise RenderError(
            f"this build of libsndfile ({soundfile.__libsndfile_version__}) cannot write "
            f"{fmt.upper()}; choose another format, or update soundfile"
        )

    def open_writer(file: _GuardedFile) -> _Writer:
        return _SoundfileWriter(
            soundfile, file, rate=rate, channels=channels, container=container, subtype=subtype
        )

    return open_writer


class _TempFiles:
    """Temporary files beside their targets: renamed onto them together, or all removed."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def create(self, target: Path) -> IO[bytes]:
        """A new, empty temporary file in the folder of `target`, open for reading and writing."""
        while True:
            temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
            try:
                fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            self._pending.append((temp, target))
            return os.fdopen(fd, "w+b")

    def commit(self) -> None:
        """Rename every temporary file onto its target."""
        while self._pending:
            temp, target = self._pending[0]
            os.replace(temp, target)
            del self._pending[0]

    def discard(self) -> None:
        """Remove the temporary files not committed."""
        for temp, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        self._pending.clear()


# -- captions --------------------------------------------------------------------------------


def _vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _vtt_text(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write_cues(
    file: IO[bytes], timeline: Timeline, start: int, end: int, *, phase_labels: bool
) -> int:
    """Stream the WebVTT file of the window [start, end) to `file`; return the cue count."""
    # (start, rank, end, settings, text): at the same start a phase (rank 0) comes first.
    phases: Iterable[tuple[int, int, int, str, str]] = (
        ((p.start_ms, 0, p.end_ms, " line:0", p.label) for p in timeline.phases)
        if phase_labels
        else ()
    )
    speech = (
        (e.at_ms, 1, e.end_ms, "", e.text)
        for e in _in_time_order(timeline.events)
        if e.kind is EventKind.SPEAK
    )
    file.write(b"WEBVTT\n")
    cues = 0
    for a, _, b, settings, text in heapq.merge(phases, speech, key=lambda c: (c[0], c[1])):
        lo, hi = max(a, start), min(b, end)
        body = _vtt_text(text)
        if lo >= hi or not body:
            continue
        cue = f"\n{_vtt_time(lo - start)} --> {_vtt_time(hi - start)}{settings}\n{body}\n"
        file.write(cue.encode("utf-8"))
        cues += 1
    return cues
