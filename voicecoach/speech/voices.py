"""Choosing an engine and a voice: which engine starts, which voices are installed, and the voice
a routine's language is spoken with."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from voicecoach.errors import SpeechUnavailable
from voicecoach.routine.model import Voice
from voicecoach.speech.engine import (
    Engine,
    HasVariants,
    ReadsVoiceFiles,
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


def voice_id_for(
    engine: Engine, voice_id: str | None, language: str, voices: Sequence[VoiceInfo]
) -> str:
    """`voice_id` checked among `engine`'s voices (or a voice file the engine reads, or a voice
    with a variant: ``gmw/en-us+f3``), or the engine's default for `language`;
    UnknownVoiceError if there is none."""
    if voice_id is not None and isinstance(engine, ReadsVoiceFiles):
        found = engine.voice_from_file(voice_id)
        if found is not None:
            return found.id
    if voice_id is not None and "+" in voice_id and isinstance(engine, HasVariants):
        base, variant = voice_id.split("+", 1)
        base_id = resolve_voice(base or None, language, voices=voices, engine=engine)
        variants = {v.id.lower(): v.id for v in engine.variants()}
        wanted = variant.strip().lower()
        if wanted not in variants:
            close = difflib.get_close_matches(wanted, list(variants), n=5, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownVoiceError(
                f"unknown voice variant {variant!r}{hint} ('voicecoach voices' lists them)"
            )
        return f"{base_id}+{variants[wanted]}"
    return resolve_voice(voice_id, language, voices=voices, engine=engine)


def find_voice(voice_id: str, language: str, engine: str | None = None) -> tuple[str, str]:
    """(engine, voice id) of the first engine in order (`engine` only, if named) that has the
    voice `voice_id` names; UnknownVoiceError from the first that lists voices if none has it,
    SpeechUnavailable if none can list them."""
    tried = preference(None) if engine is None else (get_engine(engine),)
    unknown: UnknownVoiceError | None = None
    problems = []
    for candidate in tried:
        try:
            voices = engine_voices(candidate)
        except SpeechUnavailable as err:
            problems.append(f"{candidate.name}: {err}")
            continue
        try:
            return candidate.name, voice_id_for(candidate, voice_id, language, voices)
        except UnknownVoiceError as err:
            unknown = unknown or err
    if unknown is not None:
        raise unknown
    raise _none_started(problems, tried)


def open_voice(voice: Voice, language: str) -> tuple[Synthesizer, str | None]:
    """Start the engine and voice that speak `language` as `voice` asks, and say if it is not the
    one asked for.

    The engines are tried in order: the voice's engine first (else the registry's order of
    preference). An engine that is not installed, does not start or has no voice for the language
    is passed over for the next; so is one without the voice `voice.id` names, unless that engine
    was named too (then the unknown voice is an error). Returns the synthesizer (whose ``settings``
    name the engine and voice in use) and, when the first engine was passed over for another
    reason than not having a voice named for another engine, one sentence saying what speaks
    instead and why. Raises UnknownVoiceError or SpeechUnavailable when no engine can speak.
    """
    tried = preference(voice.engine)
    problems: list[str] = []
    first_problem: str | None = None
    unknown: UnknownVoiceError | None = None
    for engine in tried:
        try:
            voice_id = voice_id_for(engine, voice.id, language, engine_voices(engine))
            settings = SpeechSettings(engine.name, voice_id, voice.rate, voice.volume)
            synthesizer = engine.open(settings)
        except UnknownVoiceError as err:
            if voice.id is not None and voice.engine == engine.name:
                raise
            unknown = unknown or err
            problems.append(f"{engine.name}: {err}")
            if voice.id is None and engine is tried[0]:
                first_problem = f"{engine.name} has no voice for language {language!r}"
            continue
        except SpeechUnavailable as err:
            problems.append(f"{engine.name}: {err}")
            if engine is tried[0]:
                first_problem = str(err)
            continue
        note = None
        if first_problem is not None and engine is not tried[0]:
            used = synthesizer.settings
            note = f"{first_problem}; speaking with {used.engine} ({used.voice_id}) instead"
        return synthesizer, note
    if unknown is not None:
        raise unknown
    raise _none_started(problems, tried)


@dataclass(frozen=True)
class VoiceListing:
    """What ``voicecoach voices`` shows: each engine's voices, and the variants of those that
    have them."""

    #: (engine name, its voices, or the name of an earlier engine with the very same voices)
    engines: tuple[tuple[str, tuple[VoiceInfo, ...], str | None], ...]
    #: (the engines the variants go with, the variants)
    variants: tuple[tuple[str, ...], tuple[VoiceInfo, ...]]


def voice_listing(language: str | None = None, *, engine: str | None = None) -> VoiceListing:
    """The voices of `engine` (else of every engine that can list them, in order), only those
    for `language` if one is given. Raises SpeechUnavailable if no engine can list voices."""
    tried = preference(None) if engine is None else (get_engine(engine),)
    shown: list[tuple[str, tuple[VoiceInfo, ...], str | None]] = []
    seen: dict[tuple[str, ...], str] = {}
    with_variants: list[str] = []
    variants: tuple[VoiceInfo, ...] = ()
    problems = []
    for candidate in tried:
        try:
            voices = engine_voices(candidate)
        except SpeechUnavailable as err:
            problems.append(f"{candidate.name}: {err}")
            continue
        ids = tuple(v.id for v in voices)
        mine = tuple(v for v in voices if language is None or v.speaks(language))
        shown.append((candidate.name, mine, seen.get(ids)))
        seen.setdefault(ids, candidate.name)
        if isinstance(candidate, HasVariants):
            variants = variants or tuple(candidate.variants())
            with_variants.append(candidate.name)
    if not shown:
        raise _none_started(problems, tried)
    return VoiceListing(tuple(shown), (tuple(with_variants), variants))
