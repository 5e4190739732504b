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


def library_language_warnings(routine: Routine) -> list[Problem]:
    """A warning for each exercise that takes spoken words (its name, cues) from a library
    written in another language than the routine's: the routine's voice would speak them.

    Only libraries that say their language (`language:` at their top level, as the bundled one
    does) are compared; what the exercise writes itself is its own. Located at its `use`.
    """
    from voicecoach.timeline.language import language_for

    mine = language_for(routine.language)
    out: list[Problem] = []
    for ex in routine.all_exercises():
        theirs = ex.library_language
        if theirs is None or theirs == routine.language or not ex.borrowed:
            continue
        other = language_for(theirs).english_name
        cues = [k for k in ex.borrowed if k != "name"]
        parts = (["its name"] if "name" in ex.borrowed else []) + (
            [f"its cue{'s' if len(cues) > 1 else ''} ({', '.join(cues)})"] if cues else []
        )
        keys = " and ".join(
            f"'{k}'" for k, there in (("name", "name" in ex.borrowed), ("cues", cues)) if there
        )
        pos = ex.use_pos or ex.pos or SourcePos(str(routine.source or ""), 1, 1)
        out.append(
            Problem(
                pos,
                f"warning: {ex.library_id!r} comes from a library in {other}: "
                f"{' and '.join(parts)} would be spoken in {other} by the {mine.english_name} "
                f"voice; write {'it' if len(ex.borrowed) == 1 else 'them'} here in "
                f"{mine.english_name} ({keys}), or use a library in {mine.english_name}",
            )
        )
    return out
