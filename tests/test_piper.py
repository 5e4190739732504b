"""The piper engine: voice files and folders, rate, the cache key, fallbacks, and real synthesis
with the bundled voice (tests marked ``piper``: they need the extra ``neural``)."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import AlsaCapture

from voicecoach.beeps import Beep, levelled_beeps
from voicecoach.clip import Clip
from voicecoach.errors import RoutineError
from voicecoach.loudness import SPEECH_DB, loudness_db, peak_db
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Voice
from voicecoach.session.prepare import measured_timeline, open_speech, plan_session
from voicecoach.speech import piper_engine
from voicecoach.speech.cache import PhraseCache
from voicecoach.speech.engine import SpeechSettings, UnknownVoiceError
from voicecoach.speech.piper_engine import (
    PIPER,
    PiperSynthesizer,
    find_voice_file,
    read_voice_file,
    voice_file_identity,
    voice_files,
    voices_dir,
)
from voicecoach.speech.registry import cool_down, warm_up
from voicecoach.speech.voices import open_voice
from voicecoach.speech.worker import WorkerCrashed, WorkerProcess
from voicecoach.testing import FakeEngine, engines
from voicecoach.timeline.model import EventKind

CONFIG = {
    "audio": {"sample_rate": 22050},
    "espeak": {"voice": "de"},
    "language": {"code": "de_DE", "family": "de"},
    "inference": {"length_scale": 1.0},
}


def fake_voice(folder: Path, name: str, config: dict[str, object] | None = None) -> Path:
    """A voice file pair that is read, listed and named, but not a model that loads."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    model.write_bytes(b"not a model")
    (folder / f"{name}.onnx.json").write_text(json.dumps(config or CONFIG), encoding="utf-8")
    return model


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user data folder of this test's own, so the voices folder is empty to start with."""
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


# -- without loading a model ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "scale"),
    [
        pytest.param(192, 1.0, id="natural-pace"),
        pytest.param(96, 2.0, id="half-as-fast"),
        pytest.param(170, 192 / 170, id="default-rate"),
        pytest.param(80, 2.4, id="slowest-rate"),
        pytest.param(400, 0.48, id="fastest-rate"),
    ],
)
def test_rate_becomes_length_scale(rate: int, scale: float) -> None:
    assert PIPER.rate_control(rate) == pytest.approx(scale)


def test_a_voice_file_has_its_stem_as_id_and_its_configured_languages(tmp_path: Path) -> None:
    voice = read_voice_file(fake_voice(tmp_path, "de_DE-thorsten-medium"))
    assert voice.id == "de_DE-thorsten-medium"
    assert voice.languages == ("de-de", "de")
    info = voice.info()
    assert info.speaks("de")
    assert not info.speaks("en")
    assert info.engine == "piper"
    assert info.id == str(tmp_path / "de_DE-thorsten-medium.onnx"), "named by its path"


def test_a_voice_file_without_its_configuration_is_refused_with_the_fix(tmp_path: Path) -> None:
    model = fake_voice(tmp_path, "lonely")
    (tmp_path / "lonely.onnx.json").unlink()
    with pytest.raises(UnknownVoiceError, match=r"needs its configuration lonely\.onnx\.json"):
        read_voice_file(model)
    with pytest.raises(UnknownVoiceError, match="does not exist"):
        read_voice_file(tmp_path / "missing.onnx")


def test_the_voices_folder_is_listed_after_the_bundled_voice(data_home: Path) -> None:
    folder = voices_dir()
    assert folder == data_home / "voicecoach" / "voices"
    fake_voice(folder, "de_DE-thorsten-medium")
    fake_voice(folder, "half-downloaded")
    (folder / "half-downloaded.onnx.json").unlink()
    listed = [v.id for v in voice_files()]
    bundled = [v.id for v in voice_files() if v.origin == piper_engine.BUNDLED]
    assert listed == [*bundled, "de_DE-thorsten-medium"]
    assert find_voice_file("DE_de-Thorsten-Medium").model == folder / "de_DE-thorsten-medium.onnx"
    with pytest.raises(UnknownVoiceError, match="no Piper voice 'nobody'"):
        find_voice_file("nobody")


def test_a_replaced_voice_file_changes_the_cache_key(tmp_path: Path) -> None:
    """The key holds the file's identity: same name, new file, new clips."""
    model = fake_voice(tmp_path, "voice")
    config = tmp_path / "voice.onnx.json"
    first = voice_file_identity(model, config)
    assert voice_file_identity(model, config) == first
    config.write_text(json.dumps({**CONFIG, "inference": {"length_scale": 1.3}}), encoding="utf-8")
    second = voice_file_identity(model, config)
    assert second != first
    settings = SpeechSettings(engine="piper", voice_id="voice", voice_file=first)
    assert settings.cache_key("Go.") != SpeechSettings(
        engine="piper", voice_id="voice", voice_file=second
    ).cache_key("Go.")
    assert settings.cache_key("Go.") != SpeechSettings(engine="piper", voice_id="voice").cache_key(
        "Go."
    )


# -- fallbacks (real espeak-ng behind them) -----------------------------------------------------


@pytest.mark.speech
def test_without_the_extra_piper_falls_back_to_pyttsx3_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(piper_engine, "installed", lambda: False)
    synthesizer, note = open_voice(Voice(engine="piper"), "en")
    assert synthesizer.settings.engine == "pyttsx3"
    assert synthesizer.settings.voice_id == "gmw/en-us"
    assert note == (
        f"piper-tts is not installed: {piper_engine.INSTALL_HINT}; "
        "speaking with pyttsx3 (gmw/en-us) instead"
    )


@pytest.mark.speech
def test_a_language_without_a_piper_voice_falls_back_to_pyttsx3_once(
    data_home: Path, tmp_path: Path
) -> None:
    """German: no Piper voice is installed for it, so pyttsx3 speaks, and the run is told once."""
    routine = load_routine(Path(__file__).parent.parent / "routines" / "ruecken-zuhause.yaml")
    said: list[str] = []
    cache = open_speech(
        routine, Voice(engine="piper"), cache_root=tmp_path / "speech", notify=said.append
    )
    assert (cache.settings.engine, cache.settings.voice_id) == ("pyttsx3", "gmw/de")
    assert said == [
        "speech: piper has no voice for language 'de'; speaking with pyttsx3 (gmw/de) instead."
    ]


@pytest.mark.speech
def test_a_voice_named_for_another_engine_is_no_fallback(tmp_path: Path) -> None:
    """A routine naming an espeak-ng voice (and no engine) speaks with it, without a note."""
    british = "gmw/en-gb-x-rp"
    synthesizer, note = open_voice(Voice(id=british), "en")
    assert (synthesizer.settings.engine, synthesizer.settings.voice_id) == ("pyttsx3", british)
    assert note is None
    with pytest.raises(UnknownVoiceError, match=f"unknown voice '{british}'"):
        open_voice(Voice(id=british, engine="piper"), "en")


# -- the real engine ------------------------------------------------------------------------------

PHRASES = ("Go.", "Set 2 of 3. Band row, 8 to 10 reps.")


@pytest.mark.speech
@pytest.mark.piper
def test_the_bundled_voice_speaks_levelled_clips_and_a_second_cache_makes_nothing(
    tmp_path: Path,
) -> None:
    synthesizer = PIPER.open(SpeechSettings(engine="piper", voice_id="en_US-joe-medium"))
    assert synthesizer.settings.voice_file, "the cache key names the voice file"
    cache = PhraseCache(tmp_path, synthesizer=synthesizer)
    short, long = (cache.clip(text) for text in PHRASES)
    for clip in (short, long):
        assert (clip.rate, clip.channels, clip.sample_width) == (22050, 1, 2)
        # Piper scales each sentence to full scale: a peaky reading is levelled only as far as
        # the -1 dBFS ceiling allows (up to 3.2 dB under the target seen over 15 readings).
        assert SPEECH_DB - 4.5 <= loudness_db(clip) <= SPEECH_DB + 0.1
        assert peak_db(clip) <= -0.99
    assert 250 <= short.duration_ms <= 1200
    assert 1800 <= long.duration_ms <= 5000
    assert cache.synthesized == 2

    again = PhraseCache(tmp_path, synthesizer=synthesizer)
    assert [again.clip(text) for text in PHRASES] == [short, long]
    assert again.synthesized == 0


@pytest.mark.speech
@pytest.mark.piper
def test_a_changed_voice_file_is_synthesized_again(tmp_path: Path) -> None:
    """A copy of the bundled voice, named by its path; its configuration changes speed."""
    bundled = next(v for v in voice_files() if v.origin == piper_engine.BUNDLED)
    folder = tmp_path / "voices"
    folder.mkdir()
    model = folder / "coach.onnx"
    shutil.copyfile(bundled.model, model)
    config = json.loads(bundled.config.read_text(encoding="utf-8"))
    config_path = folder / "coach.onnx.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")

    def speak() -> tuple[int, int]:
        synthesizer = PiperSynthesizer(SpeechSettings(engine="piper", voice_id=str(model)))
        cache = PhraseCache(tmp_path / "speech", synthesizer=synthesizer)
        return cache.clip("Squeeze at the top.").duration_ms, cache.synthesized

    before, made = speak()
    assert made == 1
    assert speak() == (before, 0), "the same file again: a cache hit"
    config["inference"]["length_scale"] = 2.2  # twice as slow: far beyond a reading's 10 %
    config_path.write_text(json.dumps(config), encoding="utf-8")
    os.utime(config_path, ns=(0, 10**18))
    after, made = speak()
    assert made == 1, "a changed voice file never plays old clips"
    assert after > before * 1.5


@pytest.mark.speech
@pytest.mark.piper
@pytest.mark.audio
def test_a_run_with_piper_plays_its_clips_through_alsa(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    """A real process, cold cache: a short beep while the voice is prepared (so a sound is heard
    at once), then every phrase in the bundled Piper voice and every beep reach the device whole,
    in the timeline's order."""
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "name: Tiny\ndefaults: {countdown: 1, prepare: 1}\nexercises:\n"
        "  - name: Wall sit\n    hold: 2\n",
        encoding="utf-8",
    )
    env = alsa_capture.child_env()
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")  # the history goes here too
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "run", str(path), "--engine", "piper", "--plain"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Loading the voice can take over a second on a busy machine: then, and only then, the run
    # says that it is preparing speech. Nothing else may reach stderr.
    slow_start = re.compile(r"preparing speech: \d+ phrases?\.\.\.")
    assert [line for line in done.stderr.splitlines() if not slow_start.fullmatch(line)] == []

    routine = load_routine(path)
    cache = open_speech(
        routine, Voice(engine="piper"), cache_root=tmp_path / "cache" / "voicecoach" / "speech"
    )
    timeline = measured_timeline(routine, cache, rate=routine.voice.rate)
    assert cache.synthesized == 0
    assert cache.settings.engine == "piper"
    beeps = levelled_beeps()
    want = [
        beeps[e.text] if e.kind is EventKind.BEEP else cache.get(e.text) for e in timeline.events
    ]
    lead_in, *got = alsa_capture.played()
    assert lead_in.frames == beeps[Beep.TICK].frames
    assert len(got) == len(want)
    for k, (clip, captured) in enumerate(zip(want, got, strict=True)):
        assert clip is not None
        assert captured.frames == clip.frames, f"sound {k} differs"
    assert any(e.kind is EventKind.SPEAK for e in timeline.events)
    assert math.isfinite(loudness_db(got[0]))


def test_a_routine_names_a_voice_file_relative_to_itself(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "name: R\nvoice: {model: voices/coach.onnx, rate: 150}\n"
        "exercises: [{name: Plank, hold: 5}]\n",
        encoding="utf-8",
    )
    voice = load_routine(path).voice
    assert voice == Voice(id=str(tmp_path / "voices" / "coach.onnx"), rate=150, engine="piper")


def test_a_routine_gives_a_voice_id_or_a_voice_file_not_both(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "name: R\nvoice: {id: gmw/de, model: coach.onnx}\nexercises: [{name: Plank, hold: 5}]\n",
        encoding="utf-8",
    )
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2:28: give 'id' or 'model' in 'voice', not both"
    ]


class SlowEngine(FakeEngine):
    """A fake engine that says it is slow, as piper does."""

    slow = True


@pytest.mark.parametrize("slow", [True, False])
def test_a_slow_engine_makes_only_the_first_phrase_before_the_start(
    tmp_path: Path, slow: bool
) -> None:
    """With a slow engine the session waits for its first phrase only, and the run is told to
    fill the wait (a beep); the rest is made in the background. A fast engine makes the first
    two phases' phrases, and nothing is played meanwhile. On a warm cache nobody waits."""
    engine = SlowEngine("slow") if slow else FakeEngine("fast")
    routine = load_routine(Path(__file__).parent.parent / "routines" / "home-back-basics.yaml")
    waits: list[str] = []
    with engines(engine):
        cache = open_speech(routine, Voice(engine=engine.name), cache_root=tmp_path)
        plan = plan_session(routine, cache, rate=170, on_wait=lambda: waits.append("beep"))
        first = [e.text for e in plan.timeline.events if e.kind is EventKind.SPEAK]
        if slow:
            assert engine.made == first[:1]
            assert waits == ["beep"]
        else:
            assert len(engine.made) > 1
            assert waits == []
        assert plan.pending == [t for t in dict.fromkeys(first) if t not in engine.made]
        measured_timeline(routine, cache, rate=170)  # every phrase, the final lengths' too
        again = plan_session(routine, cache, rate=170, on_wait=lambda: waits.append("again"))
        assert again.pending == []
        assert "again" not in waits


@pytest.mark.speech
@pytest.mark.piper
@pytest.mark.parametrize("signum", [signal.SIGSEGV, signal.SIGKILL])
def test_a_crash_in_the_piper_worker_is_an_error_and_the_next_phrase_starts_a_new_one(
    tmp_path: Path, signum: int
) -> None:
    """onnxruntime runs in the piper worker process: a native crash there ends that process
    (which the session's failover restarts, or replaces by the next engine), never this one."""
    bundled = next(v for v in voice_files() if v.origin == piper_engine.BUNDLED)
    synth = PiperSynthesizer(SpeechSettings(engine="piper", voice_id=str(bundled.model)))
    worker = piper_engine.piper_worker()
    killed: list[int] = []

    def kill(worker: WorkerProcess, request: dict[str, Any]) -> None:
        if request["op"] == "synthesize" and not killed:
            assert worker.pid is not None
            killed.append(worker.pid)
            os.kill(worker.pid, signum)

    worker.after_send = kill
    try:
        with pytest.raises(WorkerCrashed) as caught:
            synth.synthesize("Brace.", tmp_path / "a.wav")
    finally:
        worker.after_send = None
    name = signal.Signals(signum).name
    assert str(caught.value) == f"piper stopped: its process was killed by {name}"
    synth.synthesize("Brace.", tmp_path / "b.wav")
    assert worker.pid not in (None, killed[0])
    clip = Clip.from_wav(tmp_path / "b.wav")
    assert clip.duration_ms > 200
    assert peak_db(clip) > -30


@pytest.mark.speech
@pytest.mark.piper
def test_the_piper_worker_started_ahead_is_stopped_when_no_phrase_needs_it(
    tmp_path: Path,
) -> None:
    """warm_up starts the real worker (onnxruntime imported, no voice loaded); cool_down ends
    the process, and the next phrase starts another."""
    worker = piper_engine.piper_worker()
    worker.close()
    before = worker.starts
    assert warm_up("piper")
    # Waits for the start in the background if it came first; else starts the worker itself,
    # and the start in the background finds it running.
    worker.start()
    started = worker.pid
    assert started is not None
    cool_down()
    assert worker.starts == before + 1
    assert worker.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(started, 0)
    bundled = next(v for v in voice_files() if v.origin == piper_engine.BUNDLED)
    synth = PiperSynthesizer(SpeechSettings(engine="piper", voice_id=str(bundled.model)))
    synth.synthesize("Brace.", tmp_path / "a.wav")
    assert worker.pid not in (None, started)
