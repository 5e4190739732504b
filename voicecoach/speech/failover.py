"""A session's synthesizer: an engine that fails mid-session hands the rest to the next one.

A worker process that dies (:class:`~voicecoach.speech.worker.WorkerCrashed`) is restarted
once, for the same phrase; a second crash, or any other failure of the engine, moves the
remaining phrases to the next engine that starts, with the same voice if it has it, else its
default voice for the language. Each change is said once through `notify`. A phrase no engine
can make raises SpeechUnavailable, as any synthesizer does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from voicecoach.errors import SpeechUnavailable
from voicecoach.speech.engine import SpeechSettings, Synthesizer, UnknownVoiceError
from voicecoach.speech.registry import engine_voices, preference
from voicecoach.speech.worker import WorkerCrashed


class FailoverSynthesizer:
    """Wraps the synthesizer a session started with (see the module's docstring)."""

    def __init__(
        self, synthesizer: Synthesizer, *, language: str, notify: Callable[[str], None]
    ) -> None:
        self._current = synthesizer
        self._language = language
        self._notify = notify
        self._lock = threading.Lock()
        self._restarted: set[str] = set()
        self._failed: set[str] = set()

    @property
    def settings(self) -> SpeechSettings:
        """The settings of the engine in use now."""
        return self._current.settings

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path`, moving to the next engine if this one fails."""
        while True:
            current = self._current
            try:
                current.synthesize(text, path)
                return
            except UnknownVoiceError:
                raise
            except WorkerCrashed as err:
                name = current.settings.engine
                if name not in self._restarted:
                    self._restarted.add(name)
                    self._notify(f"speech: {err}; starting it again")
                    continue
                self._next(current, err)
            except SpeechUnavailable as err:
                self._next(current, err)

    def _next(self, failed: Synthesizer, err: SpeechUnavailable) -> None:
        with self._lock:
            if self._current is not failed:
                return  # another thread moved on already
            self._failed.add(failed.settings.engine)
            problems = [str(err)]
            for engine in preference(failed.settings.engine):
                if engine.name in self._failed:
                    continue
                try:
                    voices = engine_voices(engine)
                    voice = failed.settings.voice_id
                    if not any(v.id == voice for v in voices):
                        voice = engine.default_voice(self._language, voices) or voice
                    settings = replace(failed.settings, engine=engine.name, voice_id=voice)
                    self._current = engine.open(settings)
                except SpeechUnavailable as other:
                    self._failed.add(engine.name)
                    problems.append(f"{engine.name}: {other}")
                    continue
                self._notify(f"speech: {err}; the remaining phrases are spoken by {engine.name}")
                return
            raise SpeechUnavailable("; ".join(problems))
