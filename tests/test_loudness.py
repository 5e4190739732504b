"""Loudness measuring and levelling: exact on tones, checked against a BS.1770 meter on speech."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from voicecoach.beeps import BEEP_HZ, Beep, levelled_beeps, load_beeps
from voicecoach.clip import Clip
from voicecoach.loudness import (
    PEAK_CEILING_DB,
    SPEECH_DB,
    amplify,
    gain_to,
    level,
    loudness_db,
    peak_db,
)
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Voice
from voicecoach.session.render import render_routine
from voicecoach.speech.cache import PhraseCache
from voicecoach.speech.engine import SpeechSettings
from voicecoach.speech.pyttsx3_engine import Pyttsx3Synthesizer

RATE = 22050


def tone(amplitude: float, seconds: float, hz: float = 1000.0) -> Clip:
    t = np.arange(round(seconds * RATE)) / RATE
    x = np.round(amplitude * 32767 * np.sin(2 * np.pi * hz * t)).astype("<i2")
    return Clip(x.tobytes(), RATE)


def silence(seconds: float) -> Clip:
    return Clip(bytes(2 * round(seconds * RATE)), RATE)


def joined(*clips: Clip) -> Clip:
    return Clip(b"".join(c.frames for c in clips), RATE)


def bs1770_lufs(clip: Clip) -> float:
    """Integrated loudness by pyloudnorm; a clip shorter than a block is repeated to fill one."""
    import pyloudnorm

    x = np.frombuffer(clip.frames, dtype="<i2").astype(np.float64) / 32768
    block = int(0.4 * clip.rate) + 1
    if len(x) < block:
        x = np.tile(x, block // len(x) + 1)
    return float(pyloudnorm.Meter(clip.rate).integrated_loudness(x))


@pytest.mark.parametrize(
    ("amplitude", "seconds"),
    [
        pytest.param(0.5, 2.0, id="half-scale-2s"),
        pytest.param(0.1, 0.6, id="tenth-scale-0.6s"),
        pytest.param(0.25, 0.05, id="shorter-than-a-block"),
    ],
)
def test_a_sine_measures_its_mean_square(amplitude: float, seconds: float) -> None:
    expected = 20 * math.log10(amplitude * 32767 / 32768 / math.sqrt(2))
    assert loudness_db(tone(amplitude, seconds)) == pytest.approx(expected, abs=0.05)


def test_silence_has_no_loudness_and_is_left_alone() -> None:
    quiet = silence(1.0)
    assert loudness_db(quiet) == -math.inf
    assert loudness_db(Clip(b"", RATE)) == -math.inf
    assert level(quiet) == quiet


def test_pauses_between_words_barely_lower_the_loudness() -> None:
    """The gates leave out silent blocks, as BS.1770's do: long pauses in a phrase lower its
    loudness by what the blocks at the words' edges lose (1.1 dB here), not by the share of
    silence (3.5 dB here), and exactly as much as a BS.1770 meter finds."""
    word = tone(0.3, 0.8)
    paused = joined(word, silence(1.5), word, silence(1.5), word)
    assert loudness_db(joined(word, word, word)) - loudness_db(paused) < 1.5
    assert loudness_db(paused) == pytest.approx(bs1770_lufs(paused), abs=0.3)


def test_level_brings_a_clip_to_the_target_and_scales_by_volume() -> None:
    quiet = tone(0.05, 1.5)
    assert loudness_db(level(quiet)) == pytest.approx(SPEECH_DB, abs=0.05)
    half = level(quiet, volume=0.5)
    assert loudness_db(half) == pytest.approx(SPEECH_DB + 20 * math.log10(0.5), abs=0.05)
    assert level(quiet, -30.0).frame_count == quiet.frame_count


def test_level_never_pushes_a_peak_over_the_ceiling() -> None:
    """A clip with one loud click among quiet speech is levelled only as far as the click allows."""
    body = np.round(0.01 * 32767 * np.sin(2 * np.pi * 300 * np.arange(RATE) / RATE))
    body[RATE // 2] = 30000
    clip = Clip(body.astype("<i2").tobytes(), RATE)
    out = level(clip)
    assert peak_db(out) == pytest.approx(PEAK_CEILING_DB, abs=0.01)
    assert loudness_db(out) < SPEECH_DB - 3
    assert gain_to(clip, SPEECH_DB) == pytest.approx(10 ** ((PEAK_CEILING_DB - peak_db(clip)) / 20))


def test_amplify_clips_at_full_scale_instead_of_wrapping_around() -> None:
    loud = Clip(np.array([20000, -20000, 100], dtype="<i2").tobytes(), RATE)
    out = np.frombuffer(amplify(loud, 3.0).frames, dtype="<i2")
    assert out.tolist() == [32767, -32768, 300]


@pytest.mark.parametrize(
    ("samples", "gain", "expected"),
    [
        ([16000, -16000, 100], 2.0, [32000, -32000, 200]),  # a gain above 1 that fits
        ([16383, -16384, 1], 2.0, [32766, -32768, 2]),  # to the last sample value
        ([16384, -16384, 1], 2.0, [32767, -32768, 2]),  # one over: clipped
        ([-32768, 32767, 5], 0.5, [-16384, 16384, 2]),  # halved (rounded to even)
    ],
)
def test_amplify_scales_every_sample_and_clips_only_what_overflows(
    samples: list[int], gain: float, expected: list[int]
) -> None:
    clip = Clip(np.array(samples, dtype="<i2").tobytes(), RATE)
    assert np.frombuffer(amplify(clip, gain).frames, dtype="<i2").tolist() == expected


@pytest.mark.parametrize("hz", [200.0, 1000.0])
def test_the_measure_agrees_with_bs1770_on_tones_of_speech_frequencies(hz: float) -> None:
    clip = tone(0.2, 3.0, hz)
    assert loudness_db(clip) == pytest.approx(bs1770_lufs(clip), abs=1.0)


@pytest.mark.parametrize("beeps_db", [0.0, -6.0, -12.0])
def test_beeps_are_levelled_relative_to_the_voice(beeps_db: float) -> None:
    """Every beep lands on the voice's loudness plus the setting, within what K-weighting adds
    to a 0.5-1.8 kHz tone (BS.1770 reads beeps up to 2 dB louder than this measure does)."""
    beeps = levelled_beeps(beeps_db)
    for beep, clip in beeps.items():
        assert loudness_db(clip) == pytest.approx(SPEECH_DB + beeps_db, abs=0.05), beep
        assert bs1770_lufs(clip) == pytest.approx(SPEECH_DB + beeps_db, abs=2.5), beep
        assert clip.frame_count == load_beeps()[beep].frame_count
    assert set(beeps) == set(Beep) == set(BEEP_HZ)


def test_beeps_follow_the_speech_volume() -> None:
    louder = loudness_db(levelled_beeps(-6.0)[Beep.GO])
    assert loudness_db(levelled_beeps(-6.0, volume=0.5)[Beep.GO]) == pytest.approx(
        louder - 6.02, abs=0.05
    )


PHRASES = (
    "Go.",
    "Set 2 of 3. Band row, 8 to 10 reps.",
    "Breathe in and brace. Keep the spine neutral.",
)


@pytest.mark.speech
@pytest.mark.parametrize("volume", [1.0, 0.5])
def test_phrases_enter_the_cache_at_the_target_loudness(tmp_path: Path, volume: float) -> None:
    """Real espeak-ng phrases, levelled on their way into the cache: at the target (or up to
    3 dB under it where a peak would clip), scaled by the volume, and BS.1770 agrees."""
    synthesizer = Pyttsx3Synthesizer(SpeechSettings(volume=volume))
    cache = PhraseCache(tmp_path, synthesizer=synthesizer)
    target = SPEECH_DB + 20 * math.log10(volume)
    for text in PHRASES:
        clip = cache.clip(text)
        assert target - 3 <= loudness_db(clip) <= target + 0.1, text
        assert peak_db(clip) <= PEAK_CEILING_DB + 0.01, text
        assert bs1770_lufs(clip) == pytest.approx(loudness_db(clip), abs=2.0), text
        assert Clip.from_wav(cache.path(text)) == clip


@pytest.mark.speech
def test_a_render_measures_the_loudness_docs_render_md_states(tmp_path: Path) -> None:
    """A rendered session at volume 1.0: −19 to −21 LUFS integrated, peaks at most −1 dBFS."""
    routine = load_routine(Path(__file__).parent.parent / "routines" / "home-back-basics.yaml")
    result = render_routine(
        routine, tmp_path / "out.wav", voice=Voice(engine="pyttsx3"), cache_root=tmp_path / "c"
    )
    rendered = Clip.from_wav(result.path)
    assert -21.5 <= bs1770_lufs(rendered) <= -18.5
    assert peak_db(rendered) <= PEAK_CEILING_DB + 0.01
