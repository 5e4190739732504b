"""Choosing an engine and a voice: which engine starts, which voices are installed, and the voice
a routine's language is spoken with."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Sequence

from voicecoach.errors import SpeechUnavailable
from voicecoach.routine.model import Voice
from voicecoach.speech.engine import (
    DEFAULT_VOICES,
    ENGINES,
    SpeechSettings,
    Synthesizer,
    UnknownVoiceError,
    VoiceInfo,
    install_hint,
)
from voicecoach.speech.espeak_engine import EspeakNgSynthesizer
from voicecoach.speech.pyttsx3_engine import Pyttsx3Synthesizer


def open_synthesizer(settings: SpeechSettings) -> Synthesizer:
    """Start the engine `settings` names, else the other one; raise SpeechUnavailable if none.

    The returned synthesizer's ``settings`` name the engine actually in use: pass them on to
    :class:`PhraseCache`.
    """
    order = [settings.engine, *(e for e in ENGINES if e != settings.engine)]
    problems = []
    for engine in order:
        try:
            if engine == "pyttsx3":
                return Pyttsx3Synthesizer(settings)
            return EspeakNgSynthesizer(settings)
        except SpeechUnavailable as err:
            problems.append(f"{engine}: {err}")
    raise SpeechUnavailable(
        "no text-to-speech engine could be started ("
        + "; ".join(problems)
        + f"). Install espeak-ng: {install_hint()}"
    )


_voices_lock = threading.Lock()
_voices: list[VoiceInfo] | None = None


def list_voices(language: str | None = None) -> list[VoiceInfo]:
    """The installed voices, sorted by id; only those for `language` if one is given.

    Asks pyttsx3, or the espeak-ng program when pyttsx3 cannot start. Raises SpeechUnavailable
    when neither can.
    """
    global _voices
    with _voices_lock:
        if _voices is None:
            try:
                found = Pyttsx3Synthesizer(SpeechSettings()).voices()
            except SpeechUnavailable:
                found = EspeakNgSynthesizer(SpeechSettings(engine="espeak-ng")).voices()
            _voices = sorted(found, key=lambda v: v.id)
        voices = _voices
    return [v for v in voices if language is None or v.speaks(language)]


def resolve_voice(
    voice_id: str | None, language: str, *, voices: Sequence[VoiceInfo] | None = None
) -> str:
    """The voice id to speak `language` with: `voice_id` checked, or the language's default.

    `voice_id` may be an id (``gmw/en-us``), the last part of one (``en-us``) or a voice's name
    (``English (America)``), in any case. Unknown ids raise :class:`UnknownVoiceError`, which lists
    the closest ids. `voices` defaults to :func:`list_voices`.
    """
    voices = list(voices) if voices is not None else list_voices()
    by_id = {v.id.lower(): v for v in voices}
    if voice_id is None:
        for candidate in DEFAULT_VOICES.get(language, ()):
            if candidate in by_id:
                return by_id[candidate].id
        for v in voices:
            if v.speaks(language):
                return v.id
        raise UnknownVoiceError(
            f"no voice speaks language {language!r}; name one with 'voice: {{id: ...}}' "
            "('voicecoach voices' lists them)"
        )
    wanted = voice_id.strip().lower()
    if wanted in by_id:
        return by_id[wanted].id
    for v in voices:
        if v.name.lower() == wanted:
            return v.id
    tails = [v for v in voices if v.id.lower().rsplit("/", 1)[-1] == wanted]
    if len(tails) == 1:
        return tails[0].id
    close = difflib.get_close_matches(wanted, list(by_id), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownVoiceError(
        f"unknown voice {voice_id!r}{hint} ('voicecoach voices' lists every voice id)"
    )


def settings_for(
    voice: Voice,
    language: str,
    *,
    engine: str = ENGINES[0],
    voices: Sequence[VoiceInfo] | None = None,
) -> SpeechSettings:
    """Speech settings for a routine's `voice` and `language`, with the voice id resolved."""
    return SpeechSettings(
        engine=engine,
        voice_id=resolve_voice(voice.id, language, voices=voices),
        rate=voice.rate,
        volume=voice.volume,
    )
