"""Text is text for every engine: control characters, phoneme brackets and markup in a phrase
never change how it, or any later phrase, is spoken, and never reach a cache entry's key."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voicecoach.clip import Clip
from voicecoach.speech.cache import PhraseCache
from voicecoach.speech.engine import SpeechSettings
from voicecoach.speech.text import plain_text
from voicecoach.speech.voices import open_synthesizer

#: Each of these changed the pyttsx3 engine's volume or rate for every later phrase, or was read
#: as phonemes or markup, before engines were given plain text.
HOSTILE = (
    "\x010A ok",  # espeak embedded command: volume 0
    "\x01450S ok",  # rate 450
    "\x0150P \x0199R ok",  # pitch, range
    "[[h@'loU]] brace",
    "<prosody volume='0'>quiet</prosody> now",
    "<speak><break time='10s'/></speak> go",
    "brace\x00 now",
    "hold \x1b[2J on",
)
ORDINARY = ("Breathe in and brace.", "Set 2 of 3.", "Keep your back straight.")


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        pytest.param("\x010A ok", "0A ok", id="embedded-command"),
        pytest.param("[[h@'loU]] brace", "((h@'loU)) brace", id="phonemes"),
        pytest.param("<prosody volume='0'>quiet</prosody> now", "quiet now", id="markup"),
        pytest.param("5 > 3", "5 3", id="stray-angle-bracket"),
        pytest.param("brace\x00now", "brace now", id="nul"),
        pytest.param("Back \ud800 day", "Back day", id="lone-surrogate"),
        pytest.param("Knie\u00adbeuge", "Kniebeuge", id="soft-hyphen"),
        pytest.param("x\u202ey", "xy", id="direction-override"),
        pytest.param("Café – 20 kg, Rücken!", "Café – 20 kg, Rücken!", id="ordinary"),
        pytest.param("<b></b>", "", id="markup-only"),
    ],
)
def test_plain_text(text: str, plain: str) -> None:
    assert plain_text(text) == plain


def test_cache_key_is_that_of_the_plain_text() -> None:
    """A phrase and its plain text share one cache entry: what an engine is given decides."""
    settings = SpeechSettings()
    assert settings.cache_key("\x010A ok") == settings.cache_key("0A ok")
    assert settings.cache_key("Go.") != settings.cache_key("Go!")


def _peak(clip: Clip) -> int:
    return int(np.max(np.abs(np.frombuffer(clip.frames, dtype="<i2").astype(np.int32))))


def _level_db(clip: Clip) -> float:
    """RMS level in dB below full scale (-120 for silence)."""
    x = np.frombuffer(clip.frames, dtype="<i2").astype(np.float64) / 32768
    return float(10 * np.log10(max(float(np.mean(x * x)), 1e-12)))


@pytest.mark.speech
@pytest.mark.parametrize(
    ("engine", "voice", "spread", "level_db"),
    [
        pytest.param("pyttsx3", "gmw/en-us", 0.01, 1.1, id="pyttsx3"),
        pytest.param("espeak-ng", "gmw/en-us", 0.01, 1.1, id="espeak-ng"),
        # Piper varies each reading a little by design (its noise scales), and scales each
        # sentence to full scale, so a reading's level varies too: over 30 readings of each
        # phrase, lengths spread up to 15.3 % and levels up to 4.6 dB ("Set 2 of 3."). Margins
        # about twice that, still far below the threefold change of a poisoned rate or the
        # silence of a poisoned volume.
        pytest.param("piper", "en_US-joe-medium", 0.35, 9.0, id="piper", marks=pytest.mark.piper),
    ],
)
def test_hostile_phrases_change_nothing_for_later_ones(
    engine: str, voice: str, spread: float, level_db: float, tmp_path: Path
) -> None:
    """Ordinary phrases made after hostile ones are the same length and level as before them
    (within the engine's own `spread` from one reading to the next), from the engine and in the
    cache; every hostile phrase is spoken, as text."""
    synth = open_synthesizer(SpeechSettings(engine=engine, voice_id=voice))
    assert synth.settings.engine == engine

    def raw(text: str, name: str) -> Clip:
        path = tmp_path / f"{name}.wav"
        synth.synthesize(text, path)
        return Clip.from_wav(path)

    before = [raw(text, f"before-{i}") for i, text in enumerate(ORDINARY)]
    clean = PhraseCache(tmp_path / "clean", synthesizer=synth)
    clean.ensure(ORDINARY)
    for i, text in enumerate(HOSTILE):
        assert _peak(raw(text, f"hostile-{i}")) > 1000, text
    after = [raw(text, f"after-{i}") for i, text in enumerate(ORDINARY)]
    for text, old, new in zip(ORDINARY, before, after, strict=True):
        # pyttsx3's length varies by a few samples from run to run; a changed rate is 3x.
        assert abs(new.frame_count - old.frame_count) <= spread * old.frame_count, text
        assert abs(_level_db(new) - _level_db(old)) <= level_db, text

    mixed = PhraseCache(tmp_path / "mixed", synthesizer=synth)
    mixed.ensure([*HOSTILE, *ORDINARY])
    for text in ORDINARY:
        new_clip, old_clip = mixed.clip(text), clean.clip(text)
        assert abs(new_clip.frame_count - old_clip.frame_count) <= spread * old_clip.frame_count
        assert abs(_level_db(new_clip) - _level_db(old_clip)) <= level_db, text
    for text in HOSTILE:
        assert mixed.path(text) == mixed.path(plain_text(text))
