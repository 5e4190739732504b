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


#: How many problems of one file are shown; the rest are counted ("and 12 more problems").
MAX_REPORTED_PROBLEMS = 50


class RoutineError(VoicecoachError):
    """A routine or exercise library that cannot be used; carries one or more located problems."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.report()))

    def report(self) -> list[str]:
        """The lines that tell the problems: the first :data:`MAX_REPORTED_PROBLEMS`, then how
        many more there are."""
        lines = [str(p) for p in self.problems[:MAX_REPORTED_PROBLEMS]]
        more = len(self.problems) - MAX_REPORTED_PROBLEMS
        if more > 0:
            lines.append(f"... and {more:,} more problem{'s' if more != 1 else ''}")
        return lines


class UsageError(VoicecoachError):
    """A command-line request that cannot be met (unknown routine name, bad option value)."""

    exit_code = 2


class SpeechUnavailable(VoicecoachError):
    """No text-to-speech engine could be started."""

    exit_code = 3


class AudioUnavailable(VoicecoachError):
    """No audio output device could be opened."""

    exit_code = 3
