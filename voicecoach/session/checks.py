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

    It is looked up among the voices of the routine's engine (or of every engine in order, as a
    run would: a voice file for piper, a variant such as ``gmw/en-us+f3`` for espeak-ng). When
    no engine can list its voices the id cannot be checked: that
    is a note, not a problem, for the file may well be right for another machine.
    """
    from voicecoach.speech.voices import find_voice

    voice = routine.voice
    if voice.id is None:
        return VoiceCheck()
    pos = voice.id_pos or SourcePos(str(routine.source or ""), 1, 1)
    try:
        find_voice(voice.id, routine.language, voice.engine)
    except SpeechUnavailable as err:
        return VoiceCheck(note=Problem(pos, f"note: voice {voice.id!r} not checked: {err}"))
    except VoicecoachError as err:
        return VoiceCheck(problem=Problem(pos, str(err)))
    return VoiceCheck()
