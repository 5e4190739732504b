"""Rendering a routine to one audio file: the run's timeline, voice and speech cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach.beeps import DEFAULT_BEEPS_DB
from voicecoach.routine.model import Routine, Voice
from voicecoach.session.prepare import measured_timeline, open_speech
from voicecoach.timeline.seek import window

if TYPE_CHECKING:
    from voicecoach.render.mix import RenderResult


def render_routine(
    routine: Routine,
    out: Path,
    *,
    voice: Voice | None = None,
    beeps_db: float = DEFAULT_BEEPS_DB,
    sample_rate: int = 22050,
    channels: int = 1,
    background: float | None = None,
    start_at: str | None = None,
    end_at: str | None = None,
    cache_root: Path | None = None,
    on_synthesis: Callable[[int, int], None] | None = None,
    on_render: Callable[[int, int], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> RenderResult:
    """Render `routine` to one audio file with captions: the same timeline, phrases and voice
    as `voicecoach run` (so the same speech cache). `notify` hears of a fallback to another
    engine."""
    from voicecoach.beeps import levelled_beeps
    from voicecoach.render.mix import render_timeline

    voice = voice or routine.voice
    cache = open_speech(routine, voice, cache_root=cache_root, notify=notify)
    timeline = measured_timeline(routine, cache, rate=voice.rate, on_progress=on_synthesis)
    start_ms, end_ms = window(timeline, start_at, end_at, routine=routine)
    return render_timeline(
        timeline,
        clips=cache,
        beeps=levelled_beeps(beeps_db, volume=voice.volume),
        out=out,
        rate=sample_rate,
        channels=channels,
        background=background,
        start_ms=start_ms,
        end_ms=end_ms,
        progress=on_render,
    )
