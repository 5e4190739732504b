"""Rendering a timeline to one audio file: exact onsets and lengths, formats, windows, captions,
and nothing left behind when writing fails.

Timelines are built by hand. Phrases are synthetic clips with a sharp onset (a tone that starts
at its peak, or a noise burst), so the rendered file can be searched for them; beeps are the real
files in ``sounds/``. Every file is decoded again (``wave`` or soundfile) and measured.
"""

from __future__ import annotations

import errno
import io
import itertools
import os
import re
import sys
import tracemalloc
import wave
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicecoach.beeps import BEEP_MS, Beep
from voicecoach.clip import Clip
from voicecoach.errors import UsageError
from voicecoach.render import mix as render
from voicecoach.render import resample, writers
from voicecoach.render.captions import write_captions
from voicecoach.render.mix import RenderResult, ms_to_frames, render_timeline
from voicecoach.render.writers import RenderError
from voicecoach.resources import sounds_dir
from voicecoach.timeline.model import Event, EventKind, Phase, PhaseKind, Role, Timeline

Samples = npt.NDArray[np.int16]


# -- building blocks -------------------------------------------------------------------------


def pcm_clip(samples: npt.ArrayLike, rate: int = 22050, channels: int = 1) -> Clip:
    """A 16-bit clip of `samples` (frames x channels, or one channel)."""
    data = np.asarray(samples, dtype="<i2")
    return Clip(data.tobytes(), rate, channels, 2)


def tone(ms: int, hz: float, *, rate: int = 22050, level: float = 0.5) -> Samples:
    """A tone that starts at its peak: its first sample is the loudest."""
    n = ms * rate // 1000
    return (level * 32767 * np.cos(2 * np.pi * hz * np.arange(n) / rate)).astype(np.int16)


def burst(ms: int, seed: int, *, rate: int = 22050, level: float = 0.5) -> Samples:
    """Noise whose first sample is loud: an onset to the sample."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-level, level, ms * rate // 1000) * 32767
    x[0] = level * 32767
    return x.astype(np.int16)


@dataclass
class FakeClips:
    """A ClipMaker over a dict, counting what it was asked for."""

    clips: dict[str, Clip]
    asked: list[str] = field(default_factory=list)

    def clip(self, text: str) -> Clip:
        self.asked.append(text)
        return self.clips[text]


def make_timeline(
    sounds: Sequence[tuple[int, EventKind, str, int]],
    total_ms: int,
    phases: Sequence[tuple[int, int, str]] = (),
) -> Timeline:
    """A timeline of (at_ms, kind, text, duration_ms) events; one phase over all if none given."""
    bounds = list(phases) or [(0, total_ms, "Work")]
    return Timeline(
        phases=tuple(
            Phase(i, PhaseKind.WORK, a, b, label, "main") for i, (a, b, label) in enumerate(bounds)
        ),
        events=tuple(
            Event(at, kind, text, duration, Role.ENGINE, 0) for at, kind, text, duration in sounds
        ),
        total_ms=total_ms,
    )


def real_beeps() -> dict[str, Clip]:
    """The beep sounds shipped in sounds/ (the test is skipped if they are not there yet)."""
    folder = sounds_dir()
    beeps = {b.value: folder / f"{b.value}.wav" for b in Beep}
    missing = [name for name, path in beeps.items() if not path.is_file()]
    if missing:
        pytest.skip(f"beep sounds not generated yet: {missing}")
    return {name: Clip.from_wav(path) for name, path in beeps.items()}


def decode(path: Path) -> tuple[Samples, int]:
    """The frames of an audio file (frames x channels, 16-bit) and its rate."""
    if path.suffix == ".wav":
        with wave.open(str(path), "rb") as w:
            assert w.getsampwidth() == 2
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            return data.reshape(-1, w.getnchannels()).astype(np.int16), w.getframerate()
    sf = pytest.importorskip("soundfile")
    data, rate = sf.read(str(path), dtype="int16", always_2d=True)
    return np.asarray(data, dtype=np.int16), int(rate)


def onsets(x: Samples, *, threshold: int = 2000, quiet: int = 400) -> list[int]:
    """Frames where the signal first exceeds `threshold` after `quiet` frames below it."""
    loud = np.flatnonzero(np.abs(x.astype(np.int32)) > threshold)
    if len(loud) == 0:
        return []
    starts = [int(loud[0])]
    starts += [int(b) for a, b in itertools.pairwise(loud) if b - a > quiet]
    return starts


def lag_of(signal: Samples, clip: Samples, expected: int, search: int) -> int:
    """Where `clip` best matches `signal` near frame `expected`, by cross-correlation."""
    lo = max(0, expected - search)
    window = signal[lo : expected + search + len(clip)].astype(np.float64)
    c = np.correlate(window, clip.astype(np.float64), mode="valid")
    return lo + int(np.argmax(c))


def render_to(
    tmp_path: Path,
    timeline: Timeline,
    clips: dict[str, Clip],
    name: str = "session.wav",
    beeps: dict[str, Clip] | None = None,
    **options: Any,
) -> tuple[RenderResult, Samples, int]:
    out = tmp_path / name
    result = render_timeline(
        timeline, clips=FakeClips(clips), beeps=beeps or {}, out=out, **options
    )
    data, rate = decode(out)
    return result, data, rate


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


SPEAK, BEEP = EventKind.SPEAK, EventKind.BEEP

#: Phrases at awkward times: 10 and 30 ms are exact halves at 22050 Hz (220.5, 661.5 frames).
PHRASES: dict[str, Samples] = {
    "one": burst(180, seed=1),
    "two": tone(250, 440),
    "three": burst(90, seed=3),
    "four": tone(400, 1000),
}
AWKWARD = [(10, "one"), (530, "two"), (1_001, "three"), (1_999, "four"), (3_333, "one")]


def awkward_timeline(total_ms: int = 4_321) -> tuple[Timeline, dict[str, Clip]]:
    clips = {text: pcm_clip(x) for text, x in PHRASES.items()}
    sounds = [(at, SPEAK, text, clips[text].duration_ms) for at, text in AWKWARD]
    return make_timeline(sounds, total_ms), clips


# -- frames ----------------------------------------------------------------------------------


@given(
    ms=st.integers(min_value=-(10**7), max_value=10**9),
    rate=st.sampled_from([8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000]),
)
def test_ms_to_frames_is_round(ms: int, rate: int) -> None:
    """The frame of a time is Python's round(ms * rate / 1000), halves to even."""
    assert ms_to_frames(ms, rate) == round(ms * rate / 1000)


# -- onsets and lengths ----------------------------------------------------------------------


@pytest.mark.parametrize("rate", [22050, 44100])
@pytest.mark.parametrize("channels", [1, 2], ids=["mono", "stereo"])
def test_every_phrase_starts_on_its_frame(tmp_path: Path, rate: int, channels: int) -> None:
    """Each phrase's first sample is at round(at_ms * rate / 1000), and nothing sounds before."""
    timeline, clips = awkward_timeline()
    result, data, got_rate = render_to(tmp_path, timeline, clips, rate=rate, channels=channels)
    assert got_rate == rate
    assert data.shape == (round(timeline.total_ms * rate / 1000), channels)
    assert result.frames == len(data)
    assert result.duration_ms == timeline.total_ms
    expected = [round(at * rate / 1000) for at, _ in AWKWARD]
    for c in range(channels):
        assert onsets(data[:, c]) == expected
    if channels == 2:
        assert np.array_equal(data[:, 0], data[:, 1])


def test_clips_at_the_output_rate_are_copied_exactly(tmp_path: Path) -> None:
    """At the clips' own rate and channel count the mix holds each clip unchanged."""
    timeline, clips = awkward_timeline()
    _, data, _ = render_to(tmp_path, timeline, clips)
    signal = data[:, 0]
    for at, text in AWKWARD:
        start = round(at * 22050 / 1000)
        x = PHRASES[text]
        assert np.array_equal(signal[start : start + len(x)], x)
    assert np.count_nonzero(signal) <= sum(len(PHRASES[t]) for _, t in AWKWARD)


@pytest.mark.parametrize("rate", [22050, 44100])
def test_real_beeps_start_on_their_frame(tmp_path: Path, rate: int) -> None:
    """The shipped beeps (which fade in) are found by cross-correlation at their frame."""
    beeps = real_beeps()
    times = [(137 + 1_003 * i, b.value) for i, b in enumerate(Beep)]
    sounds = [(at, BEEP, name, BEEP_MS[Beep(name)]) for at, name in times]
    timeline = make_timeline(sounds, times[-1][0] + 1_500)
    _, data, _ = render_to(tmp_path, timeline, {}, beeps=beeps, rate=rate)
    signal = data[:, 0]
    for at, name in times:
        clip = render._convert(beeps[name], rate, 1)
        reference = np.frombuffer(clip.tobytes(), dtype=np.int16)
        expected = round(at * rate / 1000)
        found = lag_of(signal, reference, expected, search=rate // 20)
        assert abs(found - expected) * 1000 / rate <= 1
        assert found == expected
        # Nothing before the beep: the frame before its onset is silent.
        assert signal[expected - 1] == 0


@pytest.mark.parametrize(
    ("rate", "channels", "total_ms"),
    [
        pytest.param(22050, 1, 1, id="22050-mono-1ms"),
        pytest.param(22050, 2, 12_345, id="22050-stereo"),
        pytest.param(44100, 1, 12_345, id="44100-mono"),
        pytest.param(44100, 2, 9_999, id="44100-stereo"),
        pytest.param(48000, 2, 1_010, id="48000-stereo"),
        pytest.param(11025, 1, 30, id="11025-half-frame"),
    ],
)
def test_length_is_the_timelines_to_the_frame(
    tmp_path: Path, rate: int, channels: int, total_ms: int
) -> None:
    """The file has round(total_ms * rate / 1000) frames, whatever the rate and channels."""
    timeline = make_timeline([], total_ms)
    result, data, _ = render_to(tmp_path, timeline, {}, rate=rate, channels=channels)
    assert data.shape == (round(total_ms * rate / 1000), channels)
    assert not data.any()
    header = 44
    assert result.size_bytes == header + data.size * 2


def test_a_clip_running_past_the_end_is_cut_there(tmp_path: Path) -> None:
    clip = pcm_clip(burst(500, seed=9))
    timeline = make_timeline([(800, SPEAK, "long", 500)], 1_000)
    _, data, _ = render_to(tmp_path, timeline, {"long": clip})
    assert len(data) == 22050
    assert onsets(data[:, 0]) == [round(800 * 22.05)]


# -- clip conversion -------------------------------------------------------------------------


def test_doubling_the_rate_keeps_every_sample_and_fills_in_between() -> None:
    """22050 to 44100 Hz: even frames are the clip's samples, odd ones the cubic midpoints."""
    x = burst(50, seed=4)
    y = np.frombuffer(render._convert(pcm_clip(x), 44100, 1).tobytes(), dtype=np.int16)
    assert len(y) == 2 * len(x)
    assert np.array_equal(y[0::2], x)
    padded = np.concatenate([[0], x.astype(np.int64), [0, 0]])
    middle = (9 * (padded[1:-2] + padded[2:-1]) - (padded[:-3] + padded[3:]) + 8) >> 4
    assert np.array_equal(y[1::2], np.clip(middle, -32768, 32767))


@pytest.mark.parametrize(
    ("src", "dst"), [(22050, 44100), (22050, 48000), (16000, 22050), (44100, 22050)]
)
def test_resampled_tone_stays_the_same_tone(src: int, dst: int) -> None:
    """A 440 Hz tone converted to another rate matches the ideal tone there closely."""
    x = tone(200, 440, rate=src)
    y = np.frombuffer(render._convert(pcm_clip(x, rate=src), dst, 1).tobytes(), dtype=np.int16)
    assert len(y) == -(-len(x) * dst // src)
    ideal = 0.5 * 32767 * np.cos(2 * np.pi * 440 * np.arange(len(y)) / dst)
    inner = slice(4, len(y) - 4)  # the clip's ends are cut hard
    error = y[inner] - ideal[inner]
    snr = 10 * np.log10(np.mean(ideal[inner] ** 2) / np.mean(error**2))
    assert snr > 40
    assert y[0] == x[0]


@pytest.mark.parametrize(
    ("width", "encode"),
    [
        pytest.param(1, lambda x: ((x.astype(np.int32) >> 8) + 128).astype(np.uint8), id="8-bit"),
        pytest.param(3, lambda x: _int24(x.astype(np.int32) << 8), id="24-bit"),
        pytest.param(4, lambda x: (x.astype(np.int32) << 16).astype("<i4"), id="32-bit"),
    ],
)
def test_other_sample_widths_become_16_bit(
    width: int, encode: Callable[[Samples], npt.NDArray[Any]]
) -> None:
    x = burst(20, seed=5)
    clip = Clip(encode(x).tobytes(), 22050, 1, width)
    y = np.frombuffer(render._convert(clip, 22050, 1).tobytes(), dtype=np.int16)
    expected = (x.astype(np.int32) >> 8) << 8 if width == 1 else x
    assert np.array_equal(y, expected)


def _int24(x: npt.NDArray[np.int32]) -> npt.NDArray[np.uint8]:
    b = x.astype("<i4").view(np.uint8).reshape(-1, 4)
    return np.ascontiguousarray(b[:, :3])


RESAMPLERS = [
    pytest.param(resample._with_numpy, id="numpy"),
    pytest.param(resample._with_python, id="stdlib"),
]


@given(
    samples=st.lists(st.integers(min_value=-32768, max_value=32767), max_size=700),
    rates=st.sampled_from(
        [(22050, 44100), (22050, 48000), (16000, 22050), (44100, 22050), (22050, 8000)]
    )
    | st.tuples(st.integers(8000, 192_000), st.integers(8000, 192_000)),
)
def test_numpy_and_the_standard_library_resample_alike(
    samples: list[int], rates: tuple[int, int]
) -> None:
    """Both ways give the same samples bit for bit, saturation included (full-scale noise
    overshoots), at common rates and at any two rates (thousands of phases: numpy's gathers)."""
    x = array("h", samples)
    assert resample._with_numpy(x, *rates) == resample._with_python(x, *rates)


@pytest.mark.parametrize("resampler", RESAMPLERS)
@pytest.mark.parametrize(
    ("src", "dst", "hz", "clean_db"),
    [
        pytest.param(22050, 44100, 1000, 75, id="22050-44100-1k"),
        pytest.param(22050, 44100, 3000, 40, id="22050-44100-3k"),
        pytest.param(22050, 48000, 1000, 65, id="22050-48000-1k"),
        pytest.param(22050, 48000, 3000, 38, id="22050-48000-3k"),
        pytest.param(16000, 22050, 1000, 60, id="16000-22050-1k"),
        pytest.param(16000, 22050, 3000, 30, id="16000-22050-3k"),
        pytest.param(44100, 22050, 3000, 90, id="44100-22050-3k"),
    ],
)
def test_a_resampled_sine_keeps_its_pitch_and_level_and_gains_no_other_tone(
    resampler: Callable[[Any, int, int], Any], src: int, dst: int, hz: int, clean_db: float
) -> None:
    """A half-scale sine converted to another rate: the spectrum's peak is at its frequency,
    its level within 0.25 dB, and every other component (images of the tone near the old
    Nyquist frequency, aliases, distortion) at least `clean_db` below it. The floors are what
    Catmull-Rom gives less a few dB; linear interpolation (checked) leaves the 3 kHz tone's image
    at 44100 Hz 26.5 dB down and its level 0.4 dB low."""
    x = (0.5 * 32767 * np.sin(2 * np.pi * hz * np.arange(src) / src)).astype(np.int16)
    y = np.frombuffer(resampler(array("h", x.tobytes()), src, dst), dtype=np.int16)
    assert len(y) == dst
    part = y[dst // 10 : dst // 10 + dst // 2].astype(np.float64)  # half a second: 2 Hz bins
    window = np.hanning(len(part))
    spectrum = np.abs(np.fft.rfft(part * window))
    freqs = np.fft.rfftfreq(len(part), 1 / dst)
    peak = int(np.argmax(spectrum))
    assert freqs[peak] == hz
    level_db = 20 * np.log10(spectrum[peak] / (window.sum() / 2) / 32767)
    assert abs(level_db - 20 * np.log10(0.5)) < 0.25
    others = spectrum[np.abs(freqs - hz) > 20]  # past the window's main lobe
    assert 20 * np.log10(others.max() / spectrum[peak]) < -clean_db


def test_a_render_without_numpy_is_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WAV needs nothing beyond voicecoach: without numpy the standard library converts the
    rate, and the file is byte for byte the one rendered with numpy."""
    timeline, clips = awkward_timeline()
    render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "a.wav", rate=44100)
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy fails
    with pytest.raises(ImportError):
        import numpy  # noqa: F401
    render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "b.wav", rate=44100)
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


def test_stereo_clips_are_averaged_for_mono_and_kept_for_stereo() -> None:
    left, right = burst(20, seed=6), burst(20, seed=7)
    clip = pcm_clip(np.stack([left, right], axis=1), channels=2)
    mono = np.frombuffer(render._convert(clip, 22050, 1).tobytes(), dtype=np.int16)
    assert np.array_equal(mono, (left.astype(np.int32) + right) // 2)
    stereo = np.frombuffer(render._convert(clip, 22050, 2).tobytes(), dtype=np.int16)
    assert np.array_equal(stereo.reshape(-1, 2), np.stack([left, right], axis=1))


# -- mixing ----------------------------------------------------------------------------------


def test_overlapping_sounds_add_and_saturate(tmp_path: Path) -> None:
    """Two loud sounds at once add up, and clip at full scale instead of wrapping around."""
    a = np.full(2205, 30000, dtype=np.int16)
    b = np.concatenate([np.full(1000, 10000), np.full(1205, -10000)]).astype(np.int16)
    clips = {"a": pcm_clip(a), "b": pcm_clip(b)}
    timeline = make_timeline([(100, SPEAK, "a", 100), (150, SPEAK, "b", 100)], 400)
    _, data, _ = render_to(tmp_path, timeline, clips)
    x = data[:, 0].astype(np.int32)
    sa, sb = round(100 * 22.05), round(150 * 22.05)
    assert np.array_equal(x[sa:sb], a[: sb - sa])
    assert (x[sb : sb + 1000] == 32767).all()  # 30000 + 10000, saturated
    assert (x[sb + 1000 : sa + 2205] == 20000).all()
    assert (x[sa + 2205 : sb + 2205] == -10000).all()


_int16 = st.integers(min_value=-32768, max_value=32767)


@given(
    pairs=st.lists(st.tuples(_int16, _int16), min_size=1, max_size=300),
    quiet=st.booleans(),
)
def test_adding_in_lanes_is_adding_each_sample_saturated(
    pairs: list[tuple[int, int]], quiet: bool
) -> None:
    """The whole-run sum equals the sample-by-sample one, overflowing lanes saturated."""
    if quiet:  # no lane can overflow: the fast path only
        pairs = [(a // 2, b // 2) for a, b in pairs]
    under = np.array([a for a, _ in pairs], dtype=np.int16)
    over = np.array([b for _, b in pairs], dtype=np.int16)
    mixed = render._Lanes(400).add(under.tobytes(), memoryview(over.tobytes()))
    expected = np.clip(under.astype(np.int32) + over, -32768, 32767).astype(np.int16)
    assert np.array_equal(np.frombuffer(mixed, dtype=np.int16), expected)


def test_background_tone_is_added_under_everything(tmp_path: Path) -> None:
    """With a background the file is the plain mix plus a steady quiet 110 Hz tone."""
    timeline, clips = awkward_timeline()
    _, plain, _ = render_to(tmp_path, timeline, clips, name="plain.wav")
    _, both, _ = render_to(tmp_path, timeline, clips, name="both.wav", background=0.02)
    _, alone, _ = render_to(tmp_path, make_timeline([], timeline.total_ms), {}, background=0.02)
    expected = np.clip(plain.astype(np.int32) + alone, -32768, 32767)
    assert np.array_equal(both, expected)
    x = alone[:, 0].astype(np.float64)
    assert abs(np.abs(x).max() - 0.02 * 32767) <= 1
    spectrum = np.abs(np.fft.rfft(x[:22050]))
    assert int(np.argmax(spectrum)) == render.BACKGROUND_HZ


# -- formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [1, 2], ids=["mono", "stereo"])
def test_flac_holds_the_same_samples_as_wav(tmp_path: Path, channels: int) -> None:
    pytest.importorskip("soundfile")
    timeline, clips = awkward_timeline()
    _, wav, _ = render_to(tmp_path, timeline, clips, "a.wav", rate=44100, channels=channels)
    _, flac, rate = render_to(tmp_path, timeline, clips, "a.flac", rate=44100, channels=channels)
    assert rate == 44100
    assert np.array_equal(wav, flac)


@pytest.mark.parametrize("fmt", ["ogg", "mp3"])
@pytest.mark.parametrize(("rate", "channels"), [(22050, 1), (44100, 2)])
def test_lossy_formats_decode_to_the_right_length(
    tmp_path: Path, fmt: str, rate: int, channels: int
) -> None:
    """Ogg Vorbis and MP3 decode (libsndfile) to exactly the timeline's frames, onsets intact."""
    sf = pytest.importorskip("soundfile")
    if fmt == "mp3" and "MP3" not in sf.available_formats():
        pytest.skip("this libsndfile has no MP3")
    timeline, clips = awkward_timeline()
    out = tmp_path / f"session.{fmt}"
    render_timeline(
        timeline, clips=FakeClips(clips), beeps={}, out=out, rate=rate, channels=channels
    )
    info = sf.info(str(out))
    assert (info.samplerate, info.channels) == (rate, channels)
    assert info.frames == round(timeline.total_ms * rate / 1000)
    data, _ = decode(out)
    assert len(data) == info.frames
    # Lossy coding smears an onset by a little; each phrase is still there within 1 ms.
    found = onsets(data[:, 0], threshold=4000)
    expected = [round(at * rate / 1000) for at, _ in AWKWARD]
    assert len(found) == len(expected)
    assert all(abs(f - e) * 1000 / rate <= 1 for f, e in zip(found, expected, strict=True))
    if channels == 2:  # libsndfile's 16-bit stereo MP3 path is broken; this one must not be
        assert np.abs(data[:, 0].astype(np.int32) - data[:, 1]).max() < 500


def test_format_can_be_given_apart_from_the_name(tmp_path: Path) -> None:
    sf = pytest.importorskip("soundfile")
    timeline, clips = awkward_timeline()
    out = tmp_path / "session.oga"
    render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=out, fmt="ogg")
    assert sf.info(str(out)).format == "OGG"


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        pytest.param("x.aac", None, "cannot tell the audio format", id="unknown-suffix"),
        pytest.param("x", None, "cannot tell the audio format", id="no-suffix"),
        pytest.param("x.wav", "opus", "unknown audio format 'opus'", id="unknown-format"),
    ],
)
def test_unknown_formats_are_refused(
    tmp_path: Path, name: str, fmt: str | None, message: str
) -> None:
    timeline, clips = awkward_timeline()
    with pytest.raises(UsageError, match=message):
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / name, fmt=fmt)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"rate": 4000}, id="rate"),
        pytest.param({"channels": 6}, id="channels"),
        pytest.param({"background": 1.5}, id="background"),
        pytest.param({"rate": 96000, "fmt": "mp3"}, id="mp3-rate"),
    ],
)
def test_impossible_options_are_usage_errors(tmp_path: Path, options: dict[str, Any]) -> None:
    timeline, clips = awkward_timeline()
    with pytest.raises(UsageError):
        render_timeline(
            timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "x.wav", **options
        )
    assert leftovers(tmp_path) == []


def test_without_soundfile_flac_asks_for_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "soundfile", None)  # import soundfile raises ImportError
    timeline, clips = awkward_timeline()
    with pytest.raises(RenderError, match=r"pip install 'voicecoach\[formats\]'"):
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "x.flac")
    assert leftovers(tmp_path) == []
    # WAV needs nothing more.
    render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "x.wav")


def test_a_missing_beep_sound_is_an_error_before_writing(tmp_path: Path) -> None:
    timeline = make_timeline([(0, BEEP, "go", 250)], 1_000)
    with pytest.raises(RenderError, match="'go'"):
        render_timeline(timeline, clips=FakeClips({}), beeps={}, out=tmp_path / "x.wav")
    assert leftovers(tmp_path) == []


# -- windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_ms", "end_ms"),
    [
        pytest.param(0, 1_000, id="head"),
        pytest.param(600, 2_100, id="cuts-into-phrases"),
        pytest.param(10, None, id="from-an-onset"),
        pytest.param(3_400, 99_999, id="end-past-the-end"),
        pytest.param(1_001, 1_002, id="one-ms"),
    ],
)
@pytest.mark.parametrize("rate", [22050, 44100])
def test_a_window_is_that_slice_of_the_whole(
    tmp_path: Path, start_ms: int, end_ms: int | None, rate: int
) -> None:
    """--from/--to render exactly the frames the whole session's file has there."""
    timeline, clips = awkward_timeline()
    _, whole, _ = render_to(tmp_path, timeline, clips, "whole.wav", rate=rate, background=0.01)
    result, part, _ = render_to(
        tmp_path,
        timeline,
        clips,
        "part.wav",
        rate=rate,
        background=0.01,
        start_ms=start_ms,
        end_ms=end_ms,
    )
    end = min(end_ms or timeline.total_ms, timeline.total_ms)
    a, b = round(start_ms * rate / 1000), round(end * rate / 1000)
    assert np.array_equal(part, whole[a:b])
    assert result.duration_ms == end - start_ms
    assert result.frames == b - a


def test_a_window_converts_only_the_clips_it_hears(tmp_path: Path) -> None:
    timeline, clips = awkward_timeline()
    source = FakeClips(clips)
    render_timeline(
        timeline, clips=source, beeps={}, out=tmp_path / "x.wav", start_ms=1_500, end_ms=2_000
    )
    # "three" (1001-1091 ms) is looked at but not heard; "four" is heard; "one" at 3333 is not.
    assert source.asked == ["one", "two", "three", "four"]


@pytest.mark.parametrize(
    ("start_ms", "end_ms"),
    [
        pytest.param(-1, None, id="negative"),
        pytest.param(4_321, None, id="at-the-end"),
        pytest.param(1_000, 1_000, id="empty"),
        pytest.param(1_000, 500, id="backwards"),
    ],
)
def test_impossible_windows_are_usage_errors(
    tmp_path: Path, start_ms: int, end_ms: int | None
) -> None:
    timeline, clips = awkward_timeline()
    with pytest.raises(UsageError):
        render_timeline(
            timeline,
            clips=FakeClips(clips),
            beeps={},
            out=tmp_path / "x.wav",
            start_ms=start_ms,
            end_ms=end_ms,
        )
    assert leftovers(tmp_path) == []


# -- captions --------------------------------------------------------------------------------

_CUE = re.compile(
    r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)( line:0)?\n(.+)"
)


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str
    top: bool


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file as this renderer writes them, checking its layout."""
    assert text.startswith("WEBVTT\n\n")
    assert text.endswith("\n")
    body = text[len("WEBVTT\n\n") : -1]
    cues = []
    for block in body.split("\n\n") if body else []:
        m = _CUE.fullmatch(block)
        assert m, block
        h1, m1, s1, f1, h2, m2, s2, f2 = (int(g) for g in m.groups()[:8])
        cues.append(
            Cue(
                ((h1 * 60 + m1) * 60 + s1) * 1000 + f1,
                ((h2 * 60 + m2) * 60 + s2) * 1000 + f2,
                m.group(10),
                m.group(9) is not None,
            )
        )
    starts = [c.start_ms for c in cues]
    assert starts == sorted(starts), "WebVTT cues must not start before the one before"
    return cues


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def captions_timeline() -> Timeline:
    return make_timeline(
        [
            (0, BEEP, "go", 250),
            (400, SPEAK, "Brace & breathe <slowly>", 1_234),
            (2_000, SPEAK, "Rest -> water", 900),
            (3_600_000 + 61_001, SPEAK, "An hour later", 1_500),
        ],
        3_700_000,
        phases=[(0, 1_800, "Deadlift, set 1 of 3"), (1_800, 3_700_000, "Rest")],
    )


def test_captions_have_every_phrase_at_its_time(tmp_path: Path) -> None:
    """Speech cues match the timeline's phrases exactly: times to the ms, text escaped."""
    timeline = captions_timeline()
    path = tmp_path / "s.vtt"
    assert write_captions(timeline, path) == 5
    cues = parse_vtt(path.read_text(encoding="utf-8"))
    speech = [c for c in cues if not c.top]
    spoken = [e for e in timeline.events if e.kind is SPEAK]
    assert [(c.start_ms, c.end_ms, unescape(c.text)) for c in speech] == [
        (e.at_ms, e.end_ms, e.text) for e in spoken
    ]
    assert speech[0].text == "Brace &amp; breathe &lt;slowly&gt;"
    assert "-->" not in "".join(c.text for c in cues)
    assert "\n01:01:01.001 --> 01:01:02.501\n" in path.read_text()


def test_phase_labels_are_cues_at_the_top(tmp_path: Path) -> None:
    timeline = captions_timeline()
    path = tmp_path / "s.vtt"
    write_captions(timeline, path)
    top = [(c.start_ms, c.end_ms, c.text) for c in parse_vtt(path.read_text()) if c.top]
    assert top == [(0, 1_800, "Deadlift, set 1 of 3"), (1_800, 3_700_000, "Rest")]
    write_captions(timeline, path, phase_labels=False)
    assert not any(c.top for c in parse_vtt(path.read_text()))


def test_windowed_captions_are_cut_and_shifted(tmp_path: Path) -> None:
    timeline = captions_timeline()
    path = tmp_path / "s.vtt"
    write_captions(timeline, path, 1_000, 2_500)
    cues = parse_vtt(path.read_text())
    assert [(c.start_ms, c.end_ms, c.top) for c in cues] == [
        (0, 800, True),  # Deadlift phase: 1000-1800
        (0, 634, False),  # "Brace": 400-1634, cut at the window's start
        (800, 1_500, True),  # Rest: from 1800, cut at the window's end
        (1_000, 1_500, False),  # "Rest -> water": 2000-2900, cut at the end
    ]


def test_phrase_text_stays_on_one_line(tmp_path: Path) -> None:
    timeline = make_timeline([(0, SPEAK, "two\n\nlines\r\n here", 500)], 1_000)
    path = tmp_path / "s.vtt"
    write_captions(timeline, path, phase_labels=False)
    assert parse_vtt(path.read_text()) == [Cue(0, 500, "two lines here", False)]


def test_render_writes_captions_beside_the_audio(tmp_path: Path) -> None:
    timeline, clips = awkward_timeline()
    result = render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "s.wav")
    assert result.captions == tmp_path / "s.vtt"
    cues = [c for c in parse_vtt(result.captions.read_text()) if not c.top]
    assert [(c.start_ms, c.text) for c in cues] == AWKWARD
    assert leftovers(tmp_path) == ["s.vtt", "s.wav"]


# -- failures leave nothing behind -----------------------------------------------------------


@pytest.fixture
def old_files(tmp_path: Path) -> Path:
    """A folder holding an earlier render at the target names, which must survive a failure."""
    (tmp_path / "s.wav").write_bytes(b"old audio")
    (tmp_path / "s.flac").write_bytes(b"old audio")
    (tmp_path / "s.ogg").write_bytes(b"old audio")
    (tmp_path / "s.vtt").write_text("old captions")
    return tmp_path


def assert_untouched(folder: Path) -> None:
    assert leftovers(folder) == ["s.flac", "s.ogg", "s.vtt", "s.wav"]
    assert (folder / "s.wav").read_bytes() == b"old audio"
    assert (folder / "s.vtt").read_text() == "old captions"


def long_timeline() -> tuple[Timeline, dict[str, Clip]]:
    """Eight seconds: several blocks, so a failure can strike in the middle."""
    clips = {"a": pcm_clip(burst(300, seed=1))}
    return make_timeline([(1_000 * i + 5, SPEAK, "a", 300) for i in range(8)], 8_000), clips


def test_a_full_disk_mid_write_leaves_nothing(
    old_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC from the writer on the third block: RenderError, old files intact, no temp file."""
    timeline, clips = long_timeline()
    real_write = writers._WavWriter.write
    calls = []

    def write(self: writers._WavWriter, block: bytearray) -> None:
        calls.append(len(block))
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(self, block)

    monkeypatch.setattr(writers._WavWriter, "write", write)
    with pytest.raises(RenderError, match="disk is full") as caught:
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=old_files / "s.wav")
    assert isinstance(caught.value.__cause__, OSError)
    assert caught.value.__cause__.errno == errno.ENOSPC
    assert len(calls) == 3
    assert_untouched(old_files)


class FillingFile:
    """A file that takes `room` bytes, then fails as a full disk does."""

    def __init__(self, file: IO[bytes], room: int) -> None:
        self._file = file
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self._file.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def __enter__(self) -> FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


@pytest.mark.parametrize(
    ("name", "room"),
    [
        pytest.param("s.wav", 50_000, id="wav"),
        pytest.param("s.flac", 8_000, id="flac"),
        pytest.param("s.ogg", 3_000, id="ogg"),
        pytest.param("s.vtt", 20, id="captions"),
    ],
)
def test_a_full_disk_under_any_writer_leaves_nothing(
    old_files: Path, monkeypatch: pytest.MonkeyPatch, name: str, room: int
) -> None:
    """The disk fills under the file itself; libsndfile's writers must not hide it either."""
    if name.endswith((".flac", ".ogg")):
        pytest.importorskip("soundfile")
    timeline, clips = long_timeline()
    real_create = writers.TempFiles.create

    def create(self: writers.TempFiles, target: Path) -> IO[bytes]:
        file = real_create(self, target)
        if target.name == name:
            return FillingFile(file, room)  # type: ignore[return-value]
        return file

    monkeypatch.setattr(writers.TempFiles, "create", create)
    out = old_files / ("s.wav" if name == "s.vtt" else name)
    with pytest.raises(RenderError, match="disk is full"):
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=out, rate=44100)
    if name == "s.flac":
        assert (old_files / "s.flac").read_bytes() == b"old audio"
    assert_untouched(old_files)


def test_ctrl_c_mid_render_leaves_nothing(old_files: Path) -> None:
    """KeyboardInterrupt in the middle is re-raised after the temporary file is removed."""
    timeline, clips = long_timeline()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_timeline(
            timeline, clips=FakeClips(clips), beeps={}, out=old_files / "s.wav", progress=progress
        )
    assert seen == [(1000, 8000), (2000, 8000), (3000, 8000), (4000, 8000)]
    assert_untouched(old_files)


def test_ctrl_c_in_the_clip_source_leaves_nothing(old_files: Path) -> None:
    timeline, clips = long_timeline()

    class Interrupted(FakeClips):
        def clip(self, text: str) -> Clip:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_timeline(timeline, clips=Interrupted(clips), beeps={}, out=old_files / "s.wav")
    assert_untouched(old_files)


def test_a_missing_folder_is_a_render_error(tmp_path: Path) -> None:
    timeline, clips = awkward_timeline()
    with pytest.raises(RenderError, match="does not exist"):
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "no" / "s.wav")
    assert leftovers(tmp_path) == []


def test_a_folder_as_target_is_a_render_error(tmp_path: Path) -> None:
    timeline, clips = awkward_timeline()
    (tmp_path / "s.wav").mkdir()
    with pytest.raises(RenderError, match="is a folder"):
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "s.wav")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_a_render_error(tmp_path: Path) -> None:
    timeline, clips = awkward_timeline()
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(RenderError, match="choose a folder you can write to"):
            render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=folder / "s.wav")
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o700)


def test_permission_denied_is_a_render_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, for any user: the folder refuses new files."""
    timeline, clips = awkward_timeline()

    def refuse(path: Any, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(RenderError, match="choose a folder you can write to"):
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "s.wav")
    assert leftovers(tmp_path) == []


def test_a_path_through_a_file_is_a_render_error(tmp_path: Path) -> None:
    """A path under a file (ENOTDIR) fails cleanly too."""
    timeline, clips = awkward_timeline()
    (tmp_path / "file").write_text("x")
    with pytest.raises(RenderError):
        render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "file" / "s.wav")
    assert leftovers(tmp_path) == ["file"]


def test_existing_files_are_replaced_whole(old_files: Path) -> None:
    timeline, clips = awkward_timeline()
    render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=old_files / "s.wav")
    assert decode(old_files / "s.wav")[0].shape[0] == round(timeline.total_ms * 22.05)
    assert (old_files / "s.vtt").read_text().startswith("WEBVTT")
    assert leftovers(old_files) == ["s.flac", "s.ogg", "s.vtt", "s.wav"]


# -- progress and memory ---------------------------------------------------------------------


def test_progress_counts_up_to_the_window(tmp_path: Path) -> None:
    timeline, clips = awkward_timeline()
    seen: list[tuple[int, int]] = []
    render_timeline(
        timeline,
        clips=FakeClips(clips),
        beeps={},
        out=tmp_path / "s.wav",
        start_ms=100,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1000, 4221), (2000, 4221), (3000, 4221), (4000, 4221), (4221, 4221)]


def test_memory_does_not_grow_with_the_session(tmp_path: Path) -> None:
    """A 2-minute and a 20-minute session peak at the same memory: blocks, not the session."""
    clips = {"a": pcm_clip(burst(800, seed=2))}

    def peak(minutes: int) -> int:
        total = minutes * 60_000
        sounds = [(at, SPEAK, "a", 800) for at in range(500, total - 1_000, 2_000)]
        timeline = make_timeline(sounds, total)
        tracemalloc.start()
        try:
            render_timeline(
                timeline,
                clips=FakeClips(clips),
                beeps={},
                out=tmp_path / f"{minutes}.wav",
                rate=44100,
                channels=2,
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    short, long = peak(2), peak(20)
    assert long < short + 256 * 1024, (short, long)
    assert long < 4 * 1024 * 1024


def test_converted_clips_are_cached_within_a_budget() -> None:
    clips = FakeClips({f"p{i}": pcm_clip(burst(100, seed=i)) for i in range(10)})
    bank = render._ClipBank(clips, {}, rate=22050, channels=1, budget=3 * 2205 * 2)
    events = [Event(0, SPEAK, f"p{i % 5}", 100, Role.ENGINE, 0) for i in range(10)]
    for e in events:
        assert bank.samples(e) is not None
    assert clips.asked == [f"p{i}" for i in range(5)] * 2  # 5 distinct > 3 kept: LRU misses
    clips.asked.clear()
    for e in events[:2] * 3:  # p2, p3, p4 were kept; p0 and p1 come back, and stay
        bank.samples(e)
    assert clips.asked == ["p0", "p1"]


def test_wav_writer_output_is_a_plain_pcm_wav(tmp_path: Path) -> None:
    """The header is right from the start: the file reads back through wave and soundfile."""
    timeline, clips = awkward_timeline()
    render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=tmp_path / "s.wav", channels=2)
    raw = (tmp_path / "s.wav").read_bytes()
    with wave.open(io.BytesIO(raw)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 22050)
        assert w.getnframes() == round(4_321 * 22.05)
    assert len(raw) == 44 + w.getnframes() * 4


# -- end to end ------------------------------------------------------------------------------


@pytest.mark.speech
@pytest.mark.parametrize("rate", [22050, 44100])
def test_a_bundled_routine_renders_with_real_speech(tmp_path: Path, rate: int) -> None:
    """home-back-basics, compiled on espeak-ng's measured lengths: phrases land on their frame."""
    from voicecoach.resources import bundled_routines
    from voicecoach.routine.loader import load_routine
    from voicecoach.speech.cache import PhraseCache
    from voicecoach.speech.engine import SpeechSettings
    from voicecoach.speech.espeak_engine import EspeakNgSynthesizer
    from voicecoach.timeline.compiler import compile_routine

    beeps = real_beeps()
    routine = load_routine(bundled_routines()["home-back-basics"])
    synthesizer = EspeakNgSynthesizer(SpeechSettings(engine="espeak-ng"))
    cache = PhraseCache(tmp_path / "cache", synthesizer=synthesizer)
    timeline = compile_routine(routine, cache.durations())
    assert timeline.measured
    out = tmp_path / "session.wav"
    result = render_timeline(timeline, clips=cache, beeps=beeps, out=out, rate=rate)
    data, _ = decode(out)
    signal = data[:, 0]
    assert len(signal) == round(timeline.total_ms * rate / 1000) == result.frames

    spoken = [e for e in timeline.events if e.kind is SPEAK]
    for event in spoken[:: max(1, len(spoken) // 8)]:
        reference = np.frombuffer(
            render._convert(cache.clip(event.text), rate, 1).tobytes(), dtype=np.int16
        )
        expected = round(event.at_ms * rate / 1000)
        found = lag_of(signal, reference, expected, search=rate // 10)
        assert abs(found - expected) * 1000 / rate <= 1, event
        assert found == expected
    cues = [c for c in parse_vtt(result.captions.read_text(encoding="utf-8")) if not c.top]
    assert [(c.start_ms, c.end_ms, unescape(c.text)) for c in cues] == [
        (e.at_ms, e.end_ms, " ".join(e.text.split())) for e in spoken
    ]
