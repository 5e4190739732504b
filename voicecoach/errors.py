"""The project's one exception hierarchy.

Every error voicecoach raises on purpose derives from :class:`VoicecoachError`. The CLI turns
them into exit statuses in one place: :class:`RoutineError` (bad input) is 2, a missing audio or
speech part that the user required is 3, anything else of ours is 1.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SourcePos:
    """A place in a file: 1-based line and column, as editors count them."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file."""

    pos: SourcePos
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}"


class VoicecoachError(Exception):
    """Base class of every error voicecoach raises on purpose."""

    exit_code = 1


class RoutineError(VoicecoachError):
    """A routine or exercise library that cannot be used; carries one or more located problems."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(VoicecoachError):
    """A command-line request that cannot be met (unknown routine name, bad option value)."""

    exit_code = 2


class SpeechUnavailable(VoicecoachError):
    """No text-to-speech engine could be started."""

    exit_code = 3


class AudioUnavailable(VoicecoachError):
    """No audio output device could be opened."""

    exit_code = 3
