"""The speech-engine registry: engines in order of preference, chosen by name or by what starts.

These tests register :class:`~voicecoach.testing.FakeEngine` instead of touching the real
engines; the real ones are tested in test_speech.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.errors import SpeechUnavailable
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Voice
from voicecoach.session.prepare import open_speech
from voicecoach.speech import registry
from voicecoach.speech.engine import SpeechSettings, UnknownEngineError, VoiceInfo
from voicecoach.speech.voices import list_voices, open_synthesizer, resolve_voice, settings_for
from voicecoach.testing import FakeEngine, engines


def test_the_built_in_engines_in_order_of_preference() -> None:
    assert registry.engine_names()[:2] == ("pyttsx3", "espeak-ng")


def test_engines_replaces_the_registry_for_a_block_and_puts_it_back() -> None:
    before = registry.engine_names()
    with engines(FakeEngine("a"), FakeEngine("b")):
        assert registry.engine_names() == ("a", "b")
    assert registry.engine_names() == before


def test_an_engine_name_is_registered_once() -> None:
    with engines(FakeEngine("a")), pytest.raises(ValueError, match="'a' is registered already"):
        registry.register(FakeEngine("a"))


def test_register_first_puts_an_engine_before_the_others() -> None:
    with engines(FakeEngine("a")):
        registry.register(FakeEngine("b"), first=True)
        assert registry.engine_names() == ("b", "a")


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: open_synthesizer(SpeechSettings(engine="festival")), id="open"),
        pytest.param(lambda: list_voices(engine="festival"), id="voices"),
        pytest.param(lambda: settings_for(Voice(engine="festival"), "en"), id="settings"),
    ],
)
def test_an_unknown_engine_is_refused_not_replaced(call: object) -> None:
    with engines(FakeEngine("a"), FakeEngine("b")), pytest.raises(UnknownEngineError) as caught:
        call()  # type: ignore[operator]
    assert str(caught.value) == "unknown speech engine 'festival'; use one of: a, b"
    assert caught.value.exit_code == 2


def test_without_a_name_the_first_engine_that_starts_speaks() -> None:
    missing = FakeEngine("a", start_error="a is not installed")
    second = FakeEngine("b")
    with engines(missing, second):
        settings = settings_for(Voice(), "en")
        synth = open_synthesizer(settings)
    assert settings == SpeechSettings(engine="b", voice_id="b/en")
    assert synth.settings.engine == "b"
    assert second.opened == [settings]


def test_a_named_engine_is_tried_first() -> None:
    first, chosen = FakeEngine("a"), FakeEngine("b")
    with engines(first, chosen):
        synth = open_synthesizer(settings_for(Voice(engine="b"), "de"))
    assert synth.settings == SpeechSettings(engine="b", voice_id="b/de")
    assert first.opened == []


def test_a_named_engine_that_does_not_start_hands_over_to_one_with_the_same_voice() -> None:
    shared = (VoiceInfo("x/en", "English", ("en",)),)
    broken = FakeEngine("a", voices=shared)
    other = FakeEngine("b", voices=shared)
    with engines(broken, other):
        settings = settings_for(Voice(engine="a"), "en")
        broken.start_error = "a crashed on start"
        synth = open_synthesizer(settings)
    assert synth.settings == SpeechSettings(engine="b", voice_id="x/en")


def test_no_engine_starts_says_why_for_each_and_how_to_install() -> None:
    with (
        engines(FakeEngine("a", start_error="no a"), FakeEngine("b", start_error="no b")),
        pytest.raises(SpeechUnavailable) as caught,
    ):
        settings_for(Voice(), "en")
    assert str(caught.value) == (
        "no text-to-speech engine could be started (a: no a; b: no b). "
        "Install one: install a; install b"
    )


def test_voices_know_their_engine() -> None:
    with engines(FakeEngine("a")):
        assert {v.engine for v in list_voices()} == {"a"}
        assert [v.id for v in list_voices("de")] == ["a/de"]


def test_the_default_voice_is_the_engines_choice() -> None:
    class PicksGerman(FakeEngine):
        def default_voice(self, language: str, voices: object) -> str | None:
            return "g/de"

    engine = PicksGerman("g")
    with engines(engine):
        assert resolve_voice(None, "en", engine=engine) == "g/de"


def test_the_routines_voice_names_the_engine(tmp_path: Path) -> None:
    source = tmp_path / "r.yaml"
    source.write_text(
        "name: R\nvoice: {engine: b, rate: 150}\nexercises: [{name: Squat, reps: 5}]\n"
    )
    routine = load_routine(source)
    assert routine.voice == Voice(rate=150, engine="b")
    second = FakeEngine("b")
    with engines(FakeEngine("a"), second):
        cache = open_speech(routine, cache_root=tmp_path / "cache")
        cache.clip("Squat.")
    assert cache.settings == SpeechSettings(engine="b", voice_id="b/en", rate=150)
    assert second.made == ["Squat."]


def test_engine_option_lists_that_engines_voices() -> None:
    with engines(FakeEngine("a"), FakeEngine("b")):
        result = CliRunner().invoke(cli, ["voices", "--engine", "b", "--language", "de"])
    assert result.exit_code == 0
    assert result.output == "b/de  Fake German  (de)\n"


def test_engine_option_refuses_an_unknown_engine() -> None:
    with engines(FakeEngine("a")):
        result = CliRunner().invoke(cli, ["voices", "--engine", "festival"])
    assert result.exit_code == 2
    assert "unknown speech engine 'festival'; use one of: a" in result.output


@pytest.mark.parametrize("command", ["run", "render", "say", "voices"])
def test_every_speech_command_takes_an_engine(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert "--engine NAME" in result.output
    assert "pyttsx3, espeak-ng or piper" in " ".join(result.output.split())
