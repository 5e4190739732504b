"""Speaking one phrase, to try a voice."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from voicecoach.clip import Clip
from voicecoach.interrupts import signals_as_interrupt
from voicecoach.routine.model import Routine, Voice
from voicecoach.session.prepare import open_speech

if TYPE_CHECKING:
    from voicecoach.playback.clock import Clock
    from voicecoach.playback.sinks import Sink


def say_once(
    text: str,
    *,
    language: str = "en",
    voice: Voice | None = None,
    clock: Clock | None = None,
    sink: Sink | None = None,
    notify: Callable[[str], None] | None = None,
) -> Clip:
    """Speak `text` once with the given settings and wait until it has been played; `notify`
    hears of a fallback to another engine."""
    from voicecoach.playback.clock import MonotonicClock
    from voicecoach.playback.sinks import open_audio_sink

    routine = Routine("say", (), (), (), language=language)
    cache = open_speech(routine, voice, notify=notify)
    clip = cache.clip(text)
    sink = sink if sink is not None else open_audio_sink()
    clock = clock or MonotonicClock()
    try:
        with signals_as_interrupt():
            sink.play(clip)
            clock.wait_until(clock.now() + clip.duration_ms / 1000)
    finally:
        sink.close()
    return clip
