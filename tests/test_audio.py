"""Audio: real playback through simpleaudio and ALSA, captured to WAV files (see conftest.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ALSA_CONFIG_HOME, AlsaCapture, write_alsa_config

from voicecoach.beeps import BEEP_MS, Beep, load_beeps
from voicecoach.clip import Clip
from voicecoach.errors import AudioUnavailable
from voicecoach.playback.sinks import (
    PROBE_MS,
    SilentSink,
    SimpleaudioSink,
    Sink,
    open_audio_sink,
)
from voicecoach.speech.engine import SpeechSettings
from voicecoach.speech.pyttsx3_engine import Pyttsx3Synthesizer
from voicecoach.testing import RecordingSink

RATE = 22050


def tone(seconds: float, hz: float = 441.0) -> Clip:
    """A sine tone; long ones repeat a one-second tone (441 Hz: whole periods in a second)."""
    t = np.arange(min(round(seconds * RATE), RATE)) / RATE
    one = (np.sin(2 * np.pi * hz * t) * 8000).astype("<i2")
    return Clip(np.resize(one, round(seconds * RATE)).tobytes(), RATE)


def correlation(a: Clip, b: Clip) -> float:
    x = np.frombuffer(a.frames, dtype="<i2").astype(np.float64)
    y = np.frombuffer(b.frames, dtype="<i2").astype(np.float64)
    n = min(len(x), len(y))
    return float(np.corrcoef(x[:n], y[:n])[0, 1])


@pytest.fixture
def sink() -> SimpleaudioSink:
    return SimpleaudioSink()


@pytest.mark.audio
@pytest.mark.parametrize("beep", list(Beep))
def test_beep_is_played_sample_for_sample(
    sink: SimpleaudioSink, alsa_capture: AlsaCapture, beep: Beep
) -> None:
    """What reaches the device is exactly the beep's samples."""
    clip = load_beeps()[beep]
    sink.play(clip)
    assert sink.wait_done(timeout=5)
    sink.close()
    assert alsa_capture.clips() == [clip]


@pytest.mark.audio
@pytest.mark.speech
def test_speech_clip_is_played_sample_for_sample(
    sink: SimpleaudioSink, alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    Pyttsx3Synthesizer(SpeechSettings()).synthesize("Squeeze at the top.", tmp_path / "s.wav")
    clip = Clip.from_wav(tmp_path / "s.wav")
    sink.play(clip)
    assert sink.wait_done(timeout=5)
    [captured] = alsa_capture.clips()
    assert captured.frames == clip.frames
    assert correlation(captured, clip) > 0.999


@pytest.mark.audio
def test_stopped_sound_is_cut_short(sink: SimpleaudioSink, alsa_capture: AlsaCapture) -> None:
    """stop() ends the sound: less of it reaches the device than was given.

    The capture is not paced: ten minutes are written in about 30 ms, so the margin is kept wide
    for a busy machine.
    """
    long = Clip(bytes(2 * RATE * 600), RATE)
    sink.play(long)
    sink.stop()
    assert sink.wait_done(timeout=5)
    [captured] = alsa_capture.clips()
    assert captured.frame_count < long.frame_count // 2


@pytest.mark.audio
def test_next_clip_stops_the_previous_one(sink: SimpleaudioSink, alsa_capture: AlsaCapture) -> None:
    """Playing over a sound cuts it short; the new clip then plays whole, on its own stream."""
    long = tone(600)
    go = load_beeps()[Beep.GO]
    sink.play(long)
    sink.play(go)
    assert sink.wait_done(timeout=5)
    first, second = alsa_capture.clips()
    assert first.frame_count < long.frame_count // 2
    assert first.frames == long.frames[: len(first.frames)]
    assert second == go


@pytest.mark.audio
def test_play_returns_at_once(sink: SimpleaudioSink, alsa_capture: AlsaCapture) -> None:
    """play() hands the clip over and returns, even when it has to cut another sound short."""
    long = tone(600)
    started = time.perf_counter()
    sink.play(long)
    sink.play(long)
    elapsed = time.perf_counter() - started
    sink.close()
    assert elapsed < 0.1


@pytest.mark.audio
def test_open_audio_sink_checks_the_device(alsa_capture: AlsaCapture) -> None:
    """The check is a few milliseconds of silence; what is played next arrives whole."""
    sink = open_audio_sink()
    beep = load_beeps()[Beep.TICK]
    sink.play(beep)
    assert isinstance(sink, SimpleaudioSink)
    assert sink.wait_done(timeout=5)
    probe, played = alsa_capture.clips()
    assert probe.duration_ms <= PROBE_MS
    assert not any(probe.frames)
    assert alsa_capture.played() == [played] == [beep]


CHILD = textwrap.dedent(
    """
    import sys
    from voicecoach.beeps import load_beeps
    from voicecoach.playback.sinks import open_audio_sink
    from voicecoach.beeps import Beep
    from voicecoach.errors import AudioUnavailable
    try:
        sink = open_audio_sink()
    except AudioUnavailable as err:
        print(err)
        sys.exit(3)
    sink.play(load_beeps()[Beep.GO])
    sink.wait_done(timeout=5)
    """
)


@pytest.mark.audio
def test_child_process_plays_into_the_capture(alsa_capture: AlsaCapture) -> None:
    """child_env() routes a subprocess's sound (``voicecoach run``, say) into the capture."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=alsa_capture.child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert alsa_capture.played() == [load_beeps()[Beep.GO]]


@pytest.mark.audio
def test_no_device_is_a_clear_error(alsa_capture: AlsaCapture, tmp_path: Path) -> None:
    """Without a usable device: AudioUnavailable saying how to fix it, and no ALSA noise."""
    config = tmp_path / "config"
    write_alsa_config(config, 'pcm.!default { type hw card "NoSuchCard" }\n')
    env = alsa_capture.child_env()
    env["XDG_CONFIG_HOME"] = str(config)
    assert str(config) != str(ALSA_CONFIG_HOME)
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stdout.startswith("no audio output device could be opened")
    assert "aplay -l" in done.stdout
    assert "ALSA lib" not in done.stderr
    assert alsa_capture.clips() == []


@pytest.mark.audio
def test_play_after_close_is_refused(sink: SimpleaudioSink) -> None:
    sink.close()
    with pytest.raises(AudioUnavailable, match="closed"):
        sink.play(load_beeps()[Beep.TICK])


def test_load_beeps_has_every_beep_at_its_length() -> None:
    beeps = load_beeps()
    assert set(beeps) == set(Beep)
    for beep, clip in beeps.items():
        assert clip.duration_ms == BEEP_MS[beep]


def test_load_beeps_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioUnavailable, match=r"tick\.wav cannot be read"):
        load_beeps(tmp_path)


def test_recording_sink_records_clips_times_and_labels() -> None:
    now = [0.0]
    beeps = load_beeps()
    names = {clip: beep.value for beep, clip in beeps.items()}
    sink = RecordingSink(lambda: now[0], label=names.get)
    sink.play(beeps[Beep.TICK])
    now[0] = 1.5
    sink.play(beeps[Beep.GO])
    sink.stop()
    sink.close()
    assert [(p.at, p.label) for p in sink.played] == [(0.0, "tick"), (1.5, "go")]
    assert sink.labels() == ["tick", "go"]
    assert sink.stops == [1.5]
    assert sink.closed


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(SilentSink, id="silent"),
        pytest.param(RecordingSink, id="recording"),
        pytest.param(SimpleaudioSink, id="simpleaudio", marks=pytest.mark.audio),
    ],
)
def test_every_sink_is_a_sink(make: type[Sink], alsa_capture: AlsaCapture) -> None:
    sink: Sink = make()
    sink.play(tone(0.05))
    sink.stop()
    sink.close()
