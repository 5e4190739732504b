"""The routine model: what a routine file means once it has been loaded and checked.

Every value here is frozen and already validated; library entries and `defaults` have been applied,
so each :class:`Exercise` is complete. Times are integer milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from voicecoach.errors import SourcePos

#: Engine defaults where neither the exercise, its library entry nor `defaults` set a field.
DEFAULT_SETS = 1
DEFAULT_REST_MS = 60_000
DEFAULT_REST_AFTER_MS = 90_000
DEFAULT_TEMPO = "2-0-2-0"
DEFAULT_COUNTDOWN_S = 3
DEFAULT_PREPARE_MS = 10_000
DEFAULT_SIDE_SWITCH_MS = 5_000
DEFAULT_RATE_WPM = 170
DEFAULT_VOLUME = 1.0

LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class Cue:
    """One phrase written by the routine's author, with where it was written."""

    text: str
    pos: SourcePos | None = None


@dataclass(frozen=True)
class Cues:
    """The author's cues of one exercise, by when they are spoken."""

    intro: tuple[Cue, ...] = ()
    setup: tuple[Cue, ...] = ()
    during: tuple[Cue, ...] = ()
    finish: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Tempo:
    """The pace of one repetition, in milliseconds per part: lowering, bottom, lifting, top."""

    eccentric_ms: int
    bottom_ms: int
    concentric_ms: int
    top_ms: int

    @property
    def rep_ms(self) -> int:
        """Length of one whole repetition."""
        return self.eccentric_ms + self.bottom_ms + self.concentric_ms + self.top_ms

    def __str__(self) -> str:
        parts = (self.eccentric_ms, self.bottom_ms, self.concentric_ms, self.top_ms)
        return "-".join(f"{p / 1000:g}" for p in parts)


@dataclass(frozen=True)
class Reps:
    """A number of repetitions, or a range of them (paced to the upper bound)."""

    low: int
    high: int

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    def __str__(self) -> str:
        return f"{self.low}-{self.high}" if self.is_range else str(self.high)


class WorkKind(StrEnum):
    """What one set of an exercise asks for."""

    REPS = "reps"
    HOLD = "hold"
    DURATION = "duration"


@dataclass(frozen=True)
class Exercise:
    """One fully resolved exercise: library entry, `defaults` and the item's own keys applied."""

    name: str
    work: WorkKind
    reps: Reps | None
    #: Length of a hold or of continuous work; None for reps.
    seconds_ms: int | None
    sets: int
    sides: tuple[str, ...]
    tempo: Tempo
    rest_ms: int
    rest_after_ms: int
    prepare_ms: int
    side_switch_ms: int
    countdown_s: int
    weight: str | None = None
    cues: Cues = field(default_factory=Cues)
    notes: str | None = None
    library_id: str | None = None
    muscles: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    pos: SourcePos | None = None


@dataclass(frozen=True)
class Circuit:
    """Exercises played back to back, `rounds` times; every exercise in it has one set."""

    name: str
    rounds: int
    exercises: tuple[Exercise, ...]
    rest_ms: int
    rest_between_rounds_ms: int
    #: Rest after the circuit's last round: `defaults.rest_after`, or the engine default.
    rest_after_ms: int
    pos: SourcePos | None = None


Item = Exercise | Circuit


class Section(StrEnum):
    """The three parts of a session, in the order they are played."""

    WARMUP = "warmup"
    EXERCISES = "exercises"
    COOLDOWN = "cooldown"


@dataclass(frozen=True)
class Voice:
    """Speech settings; `id` None means the default voice of the routine's language, `engine`
    None the first speech engine that starts (in the registry's order of preference)."""

    id: str | None = None
    rate: int = DEFAULT_RATE_WPM
    volume: float = DEFAULT_VOLUME
    engine: str | None = None

    def with_overrides(
        self,
        *,
        id: str | None = None,
        rate: int | None = None,
        volume: float | None = None,
        engine: str | None = None,
    ) -> Voice:
        """This voice with each setting that is given (not None) replaced: command-line flags
        over the routine's `voice`."""
        return Voice(
            id=self.id if id is None else id,
            rate=self.rate if rate is None else rate,
            volume=self.volume if volume is None else volume,
            engine=self.engine if engine is None else engine,
        )


@dataclass(frozen=True)
class Routine:
    """One workout session, as a routine file describes it."""

    name: str
    warmup: tuple[Item, ...]
    exercises: tuple[Item, ...]
    cooldown: tuple[Item, ...]
    language: str = "en"
    voice: Voice = field(default_factory=Voice)
    description: str | None = None
    source: Path | None = None

    def sections(self) -> tuple[tuple[Section, tuple[Item, ...]], ...]:
        """The non-empty sections in playing order."""
        parts = (
            (Section.WARMUP, self.warmup),
            (Section.EXERCISES, self.exercises),
            (Section.COOLDOWN, self.cooldown),
        )
        return tuple((s, items) for s, items in parts if items)

    def all_exercises(self) -> tuple[Exercise, ...]:
        """Every exercise in playing order, circuits opened (each listed once)."""
        out: list[Exercise] = []
        for _, items in self.sections():
            for item in items:
                out.extend(item.exercises if isinstance(item, Circuit) else (item,))
        return tuple(out)
