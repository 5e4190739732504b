"""What every speech engine shares: the :class:`Engine` protocol that each engine module
implements (registered in :mod:`voicecoach.speech.registry`), the settings a phrase is spoken with,
voices, errors, and the :class:`Synthesizer` an engine opens.

Threading rules of the engines:

- pyttsx3 allows one engine per process, and it breaks when two threads use it. One worker
  thread, started on first use and shared by every
  :class:`~voicecoach.speech.pyttsx3_engine.Pyttsx3Synthesizer`, owns the engine; ``synthesize``
  hands it a request and waits. Any thread may call it; requests run one at a time.
- :class:`~voicecoach.speech.espeak_engine.EspeakNgSynthesizer` runs one process a phrase.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from voicecoach.errors import VoicecoachError
from voicecoach.routine.model import DEFAULT_RATE_WPM, DEFAULT_VOLUME
from voicecoach.speech.text import plain_text

#: Bump when the way cache entries are made changes, so old entries are not reused.
#: 2: phrases are levelled to one loudness. 3: keyed by the plain text engines are given, so
#: no entry made before that (when a control character could change an engine's settings for
#: every later phrase) is reused.
_CACHE_FORMAT = 3


class UnknownVoiceError(VoicecoachError):
    """A voice id that no installed voice has, or a language without a voice."""

    exit_code = 2


class UnknownEngineError(VoicecoachError):
    """A speech engine name that is not registered."""

    exit_code = 2


class SpeechCacheError(VoicecoachError):
    """The speech cache folder cannot be written."""


@dataclass(frozen=True)
class SpeechSettings:
    """How phrases are spoken; together with the text, the key of a cache entry."""

    engine: str = "pyttsx3"
    voice_id: str = "gmw/en-us"
    rate: int = DEFAULT_RATE_WPM
    volume: float = DEFAULT_VOLUME
    #: What tells the voice's file from another of the same name (engines with voice files set
    #: it): a replaced voice file makes new cache entries.
    voice_file: str = ""

    def __post_init__(self) -> None:
        if not self.engine:
            raise ValueError("a speech engine needs a name")
        if self.rate <= 0:
            raise ValueError(f"speech rate must be positive, not {self.rate}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"speech volume must be between 0.0 and 1.0, not {self.volume}")

    def cache_key(self, text: str) -> str:
        """The sha256 (hex) of engine, voice (and voice file), rate, volume and the text as
        engines get it (:func:`~voicecoach.speech.text.plain_text`)."""
        spoken = plain_text(text)
        voice: list[str] = [self.voice_id, self.voice_file] if self.voice_file else [self.voice_id]
        parts = [_CACHE_FORMAT, self.engine, *voice, self.rate, float(self.volume), spoken]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: the id to put in a routine, a readable name, its languages."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    #: The engine the voice belongs to.
    engine: str = ""

    def speaks(self, language: str) -> bool:
        """True if the voice is for `language` ("en" matches "en-us" too)."""
        want = language.lower()
        return any(lang == want or lang.startswith(want + "-") for lang in self.languages)


class Synthesizer(Protocol):
    """Writes spoken text to a mono 16-bit PCM WAV file."""

    @property
    def settings(self) -> SpeechSettings:
        """The settings every phrase is spoken with (the engine named is this one)."""
        ...

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path` (whose folder exists); raise SpeechUnavailable if not."""
        ...


class Engine(Protocol):
    """A text-to-speech engine: one module each, one line in :mod:`voicecoach.speech.registry`.

    Every method may be called before :meth:`open`; none of them may load the engine's library
    at import time (the registry imports every engine module).
    """

    @property
    def name(self) -> str:
        """The name routines and ``--engine`` use, and the first part of every cache key."""
        ...

    def open(self, settings: SpeechSettings) -> Synthesizer:
        """A synthesizer speaking with `settings` (whose voice is one of :meth:`voices`).

        Raise SpeechUnavailable when the engine is not installed or does not start.
        """
        ...

    def voices(self) -> list[VoiceInfo]:
        """The installed voices; raise SpeechUnavailable when the engine is not installed."""
        ...

    def default_voice(self, language: str, voices: Sequence[VoiceInfo]) -> str | None:
        """The id, among `voices`, to speak `language` with when a routine names no voice."""
        ...

    def install_hint(self) -> str:
        """How to install the engine on this platform (a command, or where to get it)."""
        ...

    def rate_control(self, words_per_minute: int) -> float:
        """The engine's own speed setting for a rate in words per minute."""
        ...


@runtime_checkable
class ReadsVoiceFiles(Protocol):
    """An engine whose voices can also be named by the path of a voice file."""

    def voice_from_file(self, voice_id: str) -> VoiceInfo | None:
        """The voice in the file `voice_id` names, None if it names no file; UnknownVoiceError
        if the file is not a usable voice."""
        ...


@runtime_checkable
class StartsAhead(Protocol):
    """An engine that keeps something running between phrases (a worker process with a voice
    loaded): a session starts it ahead of its first phrase, and stops it when no phrase is left
    to make (see :func:`voicecoach.speech.registry.warm_up`)."""

    def warm_up(self) -> None:
        """Start, in the background, what the first phrase needs; return at once."""
        ...

    def release(self) -> None:
        """Stop what runs between phrases; the next phrase starts it again."""
        ...


@runtime_checkable
class HasVariants(Protocol):
    """An engine whose voices take variants: ``VOICE+VARIANT`` (espeak-ng's ``gmw/en-us+f3``)."""

    def variants(self) -> list[VoiceInfo]:
        """The variants, by the id that goes after ``+``."""
        ...


def timeout_s(text: str) -> float:
    # espeak-ng makes about a minute of speech a second; a generous bound that still ends a hang.
    return 10.0 + 0.01 * len(text)


def check_text(text: str) -> None:
    if not text.strip():
        raise ValueError("cannot synthesize an empty phrase")
