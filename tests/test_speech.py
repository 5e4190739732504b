"""Speech: real synthesis with pyttsx3 and espeak-ng, the phrase cache, voices."""

from __future__ import annotations

import math
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicecoach.clip import Clip
from voicecoach.errors import SpeechUnavailable, VoicecoachError
from voicecoach.routine.model import Voice
from voicecoach.speech.cache import PhraseCache, default_cache_root
from voicecoach.speech.engine import SpeechSettings, Synthesizer, UnknownVoiceError, VoiceInfo
from voicecoach.speech.espeak_engine import EspeakNgSynthesizer, parse_espeak_voices
from voicecoach.speech.pyttsx3_engine import Pyttsx3Synthesizer
from voicecoach.speech.text import plain_text
from voicecoach.speech.voices import list_voices, open_synthesizer, resolve_voice, settings_for
from voicecoach.timeline.durations import DurationProvider

SHORT = "Go."
LONG = "Keep your back flat, brace your core and drive the floor away with both feet."


def samples(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.frames, dtype="<i2").astype(np.float64)


def rms_dbfs(clip: Clip) -> float:
    x = samples(clip)
    return 20 * math.log10(math.sqrt(float(np.mean(x * x))) / 32768)


def assert_speech(clip: Clip) -> None:
    """A mono 16-bit clip that holds sound, at a level a person would hear."""
    assert (clip.channels, clip.sample_width) == (1, 2)
    assert clip.rate == 22050
    assert clip.frame_count > 0
    assert rms_dbfs(clip) > -40
    assert np.max(np.abs(samples(clip))) > 1000


class CountingSynthesizer:
    """A real synthesizer, with the texts it was asked for written down (to check order)."""

    def __init__(self, inner: Synthesizer) -> None:
        self.inner = inner
        self.texts: list[str] = []

    @property
    def settings(self) -> SpeechSettings:
        return self.inner.settings

    def synthesize(self, text: str, path: Path) -> None:
        self.texts.append(text)
        self.inner.synthesize(text, path)


@pytest.fixture
def pyttsx3_synth() -> Pyttsx3Synthesizer:
    return Pyttsx3Synthesizer(SpeechSettings())


@pytest.fixture
def espeak_synth() -> EspeakNgSynthesizer:
    return EspeakNgSynthesizer(SpeechSettings(engine="espeak-ng"))


# -- synthesis --------------------------------------------------------------------------------


@pytest.mark.speech
@pytest.mark.parametrize("engine", ["pyttsx3", "espeak-ng"])
def test_synthesizers_write_mono_16_bit_speech(engine: str, tmp_path: Path) -> None:
    """Both engines write a mono 16-bit WAV with audible speech, longer for longer text."""
    synth = open_synthesizer(SpeechSettings(engine=engine))
    assert synth.settings.engine == engine
    synth.synthesize(SHORT, tmp_path / "short.wav")
    synth.synthesize(LONG, tmp_path / "long.wav")
    short, long = Clip.from_wav(tmp_path / "short.wav"), Clip.from_wav(tmp_path / "long.wav")
    assert_speech(short)
    assert_speech(long)
    assert long.duration_ms > 3 * short.duration_ms
    # 15 words at 170 words a minute, plus pauses: several seconds, not milliseconds or minutes.
    assert 3_000 < long.duration_ms < 9_000


@pytest.mark.speech
def test_rate_changes_the_length(tmp_path: Path) -> None:
    """A faster rate makes a shorter clip."""
    slow = Pyttsx3Synthesizer(SpeechSettings(rate=120))
    fast = Pyttsx3Synthesizer(SpeechSettings(rate=300))
    slow.synthesize(LONG, tmp_path / "slow.wav")
    fast.synthesize(LONG, tmp_path / "fast.wav")
    slow_ms = Clip.from_wav(tmp_path / "slow.wav").duration_ms
    fast_ms = Clip.from_wav(tmp_path / "fast.wav").duration_ms
    assert fast_ms < 0.7 * slow_ms


@pytest.mark.speech
def test_volume_changes_the_level(tmp_path: Path) -> None:
    """Half the volume is quieter by several dB."""
    loud = Pyttsx3Synthesizer(SpeechSettings(volume=1.0))
    quiet = Pyttsx3Synthesizer(SpeechSettings(volume=0.3))
    loud.synthesize(LONG, tmp_path / "loud.wav")
    quiet.synthesize(LONG, tmp_path / "quiet.wav")
    loud_db = rms_dbfs(Clip.from_wav(tmp_path / "loud.wav"))
    quiet_db = rms_dbfs(Clip.from_wav(tmp_path / "quiet.wav"))
    assert quiet_db < loud_db - 6


@pytest.mark.speech
def test_pyttsx3_prints_nothing(
    pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """pyttsx3's "Audio saved to ..." line never reaches stdout (nor anything else)."""
    for i, text in enumerate(["Rest.", "Set two of three.", LONG]):
        pyttsx3_synth.synthesize(text, tmp_path / f"{i}.wav")
    print("still here")
    out, err = capfd.readouterr()
    assert out == "still here\n"
    assert err == ""


@pytest.mark.speech
def test_pyttsx3_from_several_threads(pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    """Threads may share the one engine: every request gets its own complete file."""
    texts = [f"Phrase number {i}." for i in range(12)]
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(k, len(texts), 3):
                pyttsx3_synth.synthesize(texts[i], tmp_path / f"{i}.wav")
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for i in range(len(texts)):
        assert_speech(Clip.from_wav(tmp_path / f"{i}.wav"))


@pytest.mark.speech
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("-5 seconds left", id="dash"),
        pytest.param("--help", id="double-dash"),
        pytest.param("-w {dir}/evil.wav hello", id="option-lookalike"),
    ],
)
def test_espeak_ng_never_reads_text_as_options(
    espeak_synth: EspeakNgSynthesizer, text: str, tmp_path: Path
) -> None:
    """Text beginning with '-' is spoken, not taken for an option."""
    text = text.format(dir=tmp_path)
    out = tmp_path / "out.wav"
    assert espeak_synth.command(text, out)[-2:] == ["--", text]
    espeak_synth.synthesize(text, out)
    assert_speech(Clip.from_wav(out))
    assert not (tmp_path / "evil.wav").exists()


@pytest.mark.speech
def test_espeak_ng_missing_says_how_to_install(tmp_path: Path) -> None:
    """A missing espeak-ng program is SpeechUnavailable with the install command."""
    with pytest.raises(SpeechUnavailable, match="apt-get install espeak-ng"):
        EspeakNgSynthesizer(SpeechSettings(), executable=str(tmp_path / "espeak-ng"))


@pytest.mark.speech
@pytest.mark.parametrize("engine", ["pyttsx3", "espeak-ng"])
def test_empty_text_is_refused(engine: str, tmp_path: Path) -> None:
    synth = open_synthesizer(SpeechSettings(engine=engine))
    with pytest.raises(ValueError, match="empty"):
        synth.synthesize("  ", tmp_path / "x.wav")


# -- voices -----------------------------------------------------------------------------------


@pytest.mark.speech
def test_default_voices_by_language() -> None:
    """English and German routines get an English and a German voice."""
    assert resolve_voice(None, "en") == "gmw/en-us"
    assert resolve_voice(None, "de") == "gmw/de"


@pytest.mark.speech
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("gmw/en-us", "gmw/en-us", id="id"),
        pytest.param("GMW/EN-US", "gmw/en-us", id="any-case"),
        pytest.param("en-us", "gmw/en-us", id="last-part"),
        pytest.param("German", "gmw/de", id="name"),
    ],
)
def test_explicit_voice(given: str, expected: str) -> None:
    assert resolve_voice(given, "en") == expected


@pytest.mark.speech
def test_unknown_voice_lists_close_matches() -> None:
    """A typo gets an error (exit status 2) naming the voices it was probably meant to be."""
    with pytest.raises(UnknownVoiceError) as caught:
        resolve_voice("gmw/en-su", "en")
    message = str(caught.value)
    assert "unknown voice 'gmw/en-su'" in message
    assert "gmw/en-us" in message
    assert caught.value.exit_code == 2
    assert isinstance(caught.value, VoicecoachError)


@pytest.mark.speech
@pytest.mark.parametrize("engine", ["pyttsx3", "espeak-ng"])
def test_synthesizer_refuses_an_unknown_voice(engine: str, tmp_path: Path) -> None:
    """Both engines report a bad voice id (pyttsx3 on its own would speak the old voice)."""
    synth = open_synthesizer(SpeechSettings(engine=engine, voice_id="xx/no-such-voice"))
    with pytest.raises(UnknownVoiceError, match="no-such-voice"):
        synth.synthesize("Hello.", tmp_path / "x.wav")
    # The engine is still usable afterwards.
    good = open_synthesizer(SpeechSettings(engine=engine))
    good.synthesize("Hello.", tmp_path / "y.wav")
    assert_speech(Clip.from_wav(tmp_path / "y.wav"))


@pytest.mark.speech
def test_list_voices_by_language() -> None:
    german = list_voices("de")
    assert "gmw/de" in {v.id for v in german}
    assert all(v.speaks("de") for v in german)
    assert len(list_voices()) > len(german)


@pytest.mark.speech
def test_espeak_ng_lists_the_same_voice_ids_as_pyttsx3(
    pyttsx3_synth: Pyttsx3Synthesizer, espeak_synth: EspeakNgSynthesizer
) -> None:
    """A voice id from a routine works whichever engine ends up speaking it."""
    assert {v.id for v in espeak_synth.voices()} == {v.id for v in pyttsx3_synth.voices()}


@pytest.mark.speech
def test_german_voice_speaks(tmp_path: Path) -> None:
    synth = open_synthesizer(settings_for(Voice(), "de"))
    assert synth.settings.voice_id == "gmw/de"
    synth.synthesize("Noch drei Wiederholungen.", tmp_path / "de.wav")
    assert_speech(Clip.from_wav(tmp_path / "de.wav"))


def test_parse_espeak_voices() -> None:
    listing = (
        "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
        " 5  af              --/M      Afrikaans          gmw/af               \n"
        " 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)\n"
    )
    assert parse_espeak_voices(listing) == [
        VoiceInfo("gmw/af", "Afrikaans", ("af",), "espeak-ng"),
        VoiceInfo("gmw/en-us", "English (America)", ("en-us", "en"), "espeak-ng"),
    ]


def test_resolve_voice_without_a_voice_for_the_language() -> None:
    voices = [VoiceInfo("gmw/en-us", "English (America)", ("en-us",))]
    with pytest.raises(UnknownVoiceError, match="no voice speaks language 'fr'"):
        resolve_voice(None, "fr", voices=voices)


# -- the cache --------------------------------------------------------------------------------


@pytest.mark.speech
def test_second_run_synthesizes_nothing(pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    """A fresh cache on the same folder (the next run) finds every phrase already made."""
    texts = ["Deadlift.", "Set one of three.", "Rest.", "Deadlift."]
    first = PhraseCache(tmp_path, synthesizer=pyttsx3_synth)
    assert first.ensure(texts) == 3
    assert first.synthesized == 3
    assert first.ensure(texts) == 0
    second = PhraseCache(tmp_path, synthesizer=pyttsx3_synth)
    assert second.ensure(texts) == 0
    assert second.synthesized == 0
    for text in texts:
        assert second.clip(text) == first.clip(text)
        assert_speech(second.clip(text))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{pyttsx3_synth.settings.cache_key(t)}.wav" for t in set(texts)
    )


@pytest.mark.speech
def test_ensure_goes_in_the_order_given(pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    synth = CountingSynthesizer(pyttsx3_synth)
    cache = PhraseCache(tmp_path, synthesizer=synth)
    progress: list[tuple[int, int]] = []
    cache.ensure(["c", "a", "b", "a"], on_progress=lambda *args: progress.append(args))
    assert synth.texts == ["c", "a", "b"]
    assert progress == [(0, 3), (1, 3), (2, 3), (3, 3)]


def _damage_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"this is not a wave file at all" * 10)


def _damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def _damage_no_frames(path: Path) -> None:
    Clip(b"", 22050).to_wav(path)


@pytest.mark.speech
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_damage_truncate, id="truncated"),
        pytest.param(_damage_garbage, id="garbage"),
        pytest.param(_damage_empty, id="empty-file"),
        pytest.param(_damage_no_frames, id="zero-frames"),
    ],
)
def test_damaged_entry_is_made_again(
    pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path, damage: object
) -> None:
    PhraseCache(tmp_path, synthesizer=pyttsx3_synth).ensure([LONG])
    path = PhraseCache(tmp_path, synthesizer=pyttsx3_synth).path(LONG)
    assert callable(damage)
    damage(path)
    cache = PhraseCache(tmp_path, synthesizer=pyttsx3_synth)
    assert cache.get(LONG) is None
    assert cache.ensure([LONG]) == 1
    assert cache.synthesized == 1
    assert_speech(Clip.from_wav(path))
    assert cache.clip(LONG) == Clip.from_wav(path)


@pytest.mark.speech
def test_clip_makes_a_missing_phrase(pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path, synthesizer=pyttsx3_synth)
    assert cache.get("Breathe out.") is None
    assert not cache.is_ready("Breathe out.")
    clip = cache.clip("Breathe out.")
    assert_speech(clip)
    assert cache.get("Breathe out.") == clip
    assert cache.synthesized == 1


@pytest.mark.speech
def test_background_ensure_while_reading(pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    """The player reads clips while a background thread makes the rest; nothing is made twice."""
    texts = [f"Cue number {i}, keep breathing." for i in range(30)]
    cache = PhraseCache(tmp_path, synthesizer=pyttsx3_synth)
    worker = threading.Thread(target=cache.ensure, args=(texts,))
    worker.start()
    # Ask from the end, so most requests find the phrase not made yet and make it at once.
    got = {text: cache.clip(text) for text in reversed(texts)}
    worker.join()
    assert cache.synthesized == len(texts)
    for text in texts:
        assert cache.get(text) == got[text]
    assert not list(tmp_path.glob(".*"))  # no temporary files left


@pytest.mark.speech
def test_measured_durations(pyttsx3_synth: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path, synthesizer=pyttsx3_synth)
    durations: DurationProvider = cache.durations()
    assert durations.measured
    assert durations.duration_ms(LONG) == cache.clip(LONG).duration_ms


@pytest.mark.speech
def test_espeak_ng_fallback_fills_the_cache(
    espeak_synth: EspeakNgSynthesizer, tmp_path: Path
) -> None:
    cache = PhraseCache(tmp_path, synthesizer=espeak_synth)
    assert cache.ensure([SHORT, LONG]) == 2
    assert_speech(cache.clip(LONG))
    assert cache.path(LONG) != PhraseCache(
        tmp_path, synthesizer=Pyttsx3Synthesizer(SpeechSettings())
    ).path(LONG)


@pytest.mark.speech
@pytest.mark.parametrize("text", ["-", "..."])
def test_phrase_without_sound_is_cached_as_silence(
    espeak_synth: EspeakNgSynthesizer, text: str, tmp_path: Path
) -> None:
    """A phrase the engine renders as nothing is stored (as a short clip) and not remade."""
    cache = PhraseCache(tmp_path, synthesizer=espeak_synth)
    cache.ensure([text])
    assert cache.clip(text).frame_count > 0
    assert PhraseCache(tmp_path, synthesizer=espeak_synth).ensure([text]) == 0


@pytest.mark.speech
def test_settings_must_match_the_synthesizer(espeak_synth: EspeakNgSynthesizer) -> None:
    with pytest.raises(ValueError, match="differ"):
        PhraseCache(Path("."), synthesizer=espeak_synth, settings=SpeechSettings(engine="pyttsx3"))


def test_default_cache_root_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_root() == tmp_path / "voicecoach" / "speech"


BASE = SpeechSettings()


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(SpeechSettings(engine="espeak-ng"), id="engine"),
        pytest.param(SpeechSettings(voice_id="gmw/de"), id="voice"),
        pytest.param(SpeechSettings(rate=171), id="rate"),
        pytest.param(SpeechSettings(volume=0.9), id="volume"),
    ],
)
def test_cache_key_changes_with_each_setting(other: SpeechSettings) -> None:
    assert other.cache_key("Rest.") != BASE.cache_key("Rest.")
    assert len(BASE.cache_key("Rest.")) == 64


@given(st.text(min_size=1), st.text(min_size=1))
def test_cache_key_is_a_function_of_the_text(a: str, b: str) -> None:
    """Texts share a key exactly when engines are given the same plain text."""
    assert (BASE.cache_key(a) == BASE.cache_key(b)) == (plain_text(a) == plain_text(b))
    assert BASE.cache_key(a) == SpeechSettings().cache_key(a)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"engine": ""}, "a speech engine needs a name", id="engine"),
        pytest.param({"rate": 0}, "rate must be positive", id="rate"),
        pytest.param({"volume": 1.5}, "volume must be between", id="volume"),
    ],
)
def test_bad_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SpeechSettings(**kwargs)  # type: ignore[arg-type]
