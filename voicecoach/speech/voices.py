"""Choosing an engine and a voice: which engine starts, which voices are installed, and the voice
a routine's language is spoken with."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace

from voicecoach.errors import SpeechUnavailable
from voicecoach.routine.model import Voice
from voicecoach.speech.engine import (
    Engine,
    SpeechSettings,
    Synthesizer,
    UnknownVoiceError,
    VoiceInfo,
)
from voicecoach.speech.registry import engine_voices, engines, get_engine, preference


def _none_started(problems: list[str], tried: Sequence[Engine]) -> SpeechUnavailable:
    hints = "; ".join(dict.fromkeys(e.install_hint() for e in tried))
    return SpeechUnavailable(
        f"no text-to-speech engine could be started ({'; '.join(problems)}). Install one: {hints}"
    )


def open_synthesizer(settings: SpeechSettings) -> Synthesizer:
    """Start the engine `settings` names, else the next one that starts and has the same voice.

    Raises UnknownEngineError for an engine name that is not registered, SpeechUnavailable if
    no engine starts. The returned synthesizer's ``settings`` name the engine actually in use:
    pass them on to :class:`~voicecoach.speech.cache.PhraseCache`.
    """
    tried = preference(settings.engine)
    problems = []
    for engine in tried:
        try:
            if engine.name != settings.engine and not any(
                v.id == settings.voice_id for v in engine_voices(engine)
            ):
                problems.append(f"{engine.name}: no voice {settings.voice_id!r}")
                continue
            return engine.open(replace(settings, engine=engine.name))
        except SpeechUnavailable as err:
            problems.append(f"{engine.name}: {err}")
    raise _none_started(problems, tried)


def _answering(name: str | None) -> tuple[Engine, list[VoiceInfo]]:
    """The engine `name` (else the first in order of preference) that lists its voices."""
    tried = preference(name)
    problems = []
    for engine in tried:
        try:
            return engine, engine_voices(engine)
        except SpeechUnavailable as err:
            problems.append(f"{engine.name}: {err}")
    raise _none_started(problems, tried)


def list_voices(language: str | None = None, *, engine: str | None = None) -> list[VoiceInfo]:
    """The installed voices of `engine`, sorted by id; only those for `language` if one is given.

    Without `engine`, the voices of the first engine in order of preference that can list them.
    Raises SpeechUnavailable when none can, UnknownEngineError for an unknown engine name.
    """
    _, voices = _answering(engine)
    return [v for v in voices if language is None or v.speaks(language)]


def resolve_voice(
    voice_id: str | None,
    language: str,
    *,
    voices: Sequence[VoiceInfo] | None = None,
    engine: Engine | None = None,
) -> str:
    """The voice id to speak `language` with: `voice_id` checked, or the engine's default.

    `voice_id` may be an id (``gmw/en-us``), the last part of one (``en-us``) or a voice's name
    (``English (America)``), in any case. Unknown ids raise :class:`UnknownVoiceError`, which lists
    the closest ids. `voices` defaults to :func:`list_voices`; `engine` (which chooses the default
    voice) to the engine of the voices.
    """
    if voices is None:
        engine, voices = _answering(engine.name if engine is not None else None)
    voices = list(voices)
    by_id = {v.id.lower(): v for v in voices}
    if voice_id is None:
        if engine is None:
            owner = voices[0].engine if voices else ""
            engine = next((e for e in engines() if e.name == owner), None)
        found = engine.default_voice(language, voices) if engine is not None else None
        if found is None:
            found = next((v.id for v in voices if v.speaks(language)), None)
        if found is None:
            raise UnknownVoiceError(
                f"no voice speaks language {language!r}; name one with 'voice: {{id: ...}}' "
                "('voicecoach voices' lists them)"
            )
        return found
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
    engine: str | None = None,
    voices: Sequence[VoiceInfo] | None = None,
) -> SpeechSettings:
    """Speech settings for a routine's `voice` and `language`, with the voice id resolved.

    The engine is `engine`, else the voice's, else the first registered; when `voices` is not
    given, the first of these (in order of preference) that lists its voices.
    """
    name = engine or voice.engine
    if voices is None:
        chosen, voices = _answering(name)
    else:
        chosen = get_engine(name) if name else engines()[0]
    return SpeechSettings(
        engine=chosen.name,
        voice_id=resolve_voice(voice.id, language, voices=voices, engine=chosen),
        rate=voice.rate,
        volume=voice.volume,
    )
