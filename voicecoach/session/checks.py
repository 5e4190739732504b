"""Checks of a routine that need more than its file: its voice against the installed engine."""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.errors import Problem, SourcePos, SpeechUnavailable, VoicecoachError
from voicecoach.routine.model import Routine


@dataclass(frozen=True)
class VoiceCheck:
    """What checking a routine's voice id found: a problem, a note that it could not be
    checked, or neither."""

    problem: Problem | None = None
    note: Problem | None = None


def check_voice(routine: Routine) -> VoiceCheck:
    """Whether the voice id the routine names (`voice: {id: ...}`) is installed.

    It is looked up among the voices of the routine's engine (or of the first engine that
    starts), as a run would. When no engine can list its voices the id cannot be checked: that
    is a note, not a problem, for the file may well be right for another machine.
    """
    from voicecoach.speech.voices import list_voices, resolve_voice

    voice = routine.voice
    if voice.id is None:
        return VoiceCheck()
    pos = voice.id_pos or SourcePos(str(routine.source or ""), 1, 1)
    try:
        voices = list_voices(engine=voice.engine)
    except SpeechUnavailable as err:
        return VoiceCheck(note=Problem(pos, f"note: voice {voice.id!r} not checked: {err}"))
    try:
        resolve_voice(voice.id, routine.language, voices=voices)
    except VoicecoachError as err:
        return VoiceCheck(problem=Problem(pos, str(err)))
    return VoiceCheck()
