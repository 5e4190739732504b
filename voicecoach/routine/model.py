"""The routine model: what a routine file means once it has been loaded and checked.

Every value here is frozen and already validated; library entries and `defaults` have been applied,
so each :class:`Exercise` is complete. Times are integer milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from voicecoach.errors import SourcePos
from voicecoach.routine.progress import Advice, Rule

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

LANGUAGES = ("en", "de", "fr")
#: An open-ended AMRAP set (`reps: max` without `duration`) counts on to this many reps at most.
AMRAP_CAP = 100
#: A rest this short (or shorter) before a lighter set makes that set a drop set.
DROP_REST_MAX_MS = 15_000


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
    #: Spoken in the pause before a rep starts (breathe in, brace), in turn like `during`.
    before_rep: tuple[Cue, ...] = ()


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


class StartsWith(StrEnum):
    """Which part of the tempo a rep begins with; the count is spoken as the lifting part starts."""

    #: Deadlift, rows, pull-ups, hip thrust: the rep begins with the lift.
    LIFT = "lift"
    #: Squat, push-up, split squat: the rep begins with the lowering.
    LOWER = "lower"


class WorkKind(StrEnum):
    """What one set of an exercise asks for."""

    REPS = "reps"
    HOLD = "hold"
    DURATION = "duration"


@dataclass(frozen=True)
class SetTarget:
    """What one set of an exercise asks for, every field resolved from the set and its exercise.

    `reps` is None for a hold, for continuous work and for an AMRAP set; `seconds_ms` is the
    length of a hold or of continuous work, or the time limit of an AMRAP set (None: open-ended).
    """

    reps: Reps | None
    seconds_ms: int | None
    weight: str | None
    #: Rest after this set; the last set's is the exercise's `rest_after`.
    rest_ms: int
    rpe: float | None = None
    rir: int | None = None
    warmup: bool = False
    #: As many reps as possible (`reps: max`).
    amrap: bool = False
    #: A lighter set after a rest of at most :data:`DROP_REST_MAX_MS`.
    drop: bool = False
    pos: SourcePos | None = None


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
    #: Target effort (RPE 5-10, in halves) and reps in reserve (0-5) of every set.
    rpe: float | None = None
    rir: int | None = None
    #: `reps: max`: as many reps as possible, within `seconds_ms` when that is set.
    amrap: bool = False
    #: One target per set when `sets` is a list; empty when every set is the same.
    set_list: tuple[SetTarget, ...] = ()
    #: How the target changes from session to session (the ``progress`` key).
    progress: Rule | None = None
    #: Today's target from the history, when progression was applied (spoken, shown).
    advice: Advice | None = None
    #: Which part of the tempo a rep begins with.
    starts_with: StartsWith = StartsWith.LOWER
    #: What the library entry of `use` lends the exercise that is spoken ("name", and the kinds
    #: of cue it does not set itself), the language that library is written in (None when it
    #: does not say), and where `use` is written.
    borrowed: tuple[str, ...] = field(default=(), compare=False)
    library_language: str | None = field(default=None, compare=False)
    use_pos: SourcePos | None = field(default=None, compare=False)

    def targets(self) -> tuple[SetTarget, ...]:
        """Every set's target, in order (`sets` of them)."""
        if self.set_list:
            return self.set_list
        same = SetTarget(
            reps=None if self.amrap else self.reps,
            seconds_ms=self.seconds_ms,
            weight=self.weight,
            rest_ms=self.rest_ms,
            rpe=self.rpe,
            rir=self.rir,
            amrap=self.amrap,
        )
        last = replace(same, rest_ms=self.rest_after_ms)
        return (*(same,) * (self.sets - 1), last)

    @property
    def work_ms(self) -> int | None:
        """One set's work as planned: reps at the tempo, or the hold or duration; None for an
        open-ended AMRAP set."""
        if self.amrap or self.work is not WorkKind.REPS:
            return self.seconds_ms
        assert self.reps is not None
        return self.reps.high * self.tempo.rep_ms

    @property
    def has_targets(self) -> bool:
        """Whether sets are announced with their own targets (a set list, RPE or RIR)."""
        return bool(self.set_list) or self.rpe is not None or self.rir is not None

    @property
    def work_sets(self) -> int:
        """How many sets count as work sets (warm-up sets do not)."""
        return sum(1 for t in self.targets() if not t.warmup)


class CircuitStyle(StrEnum):
    """How a circuit is played."""

    #: Each exercise announced, prepared and counted down (version 1).
    STANDARD = "standard"
    #: Work and rests back to back: the name as work starts, the next name in the rest.
    INTERVALS = "intervals"
    #: Every minute on the minute (`every`): each exercise starts on an interval boundary.
    EMOM = "emom"
    #: As many rounds as possible of the list in a time (`amrap`).
    AMRAP = "amrap"


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
    style: CircuitStyle = CircuitStyle.STANDARD
    #: EMOM: the length of each exercise's interval.
    every_ms: int | None = None
    #: AMRAP block: its length (`rounds` is 1 then).
    amrap_ms: int | None = None


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
    #: Where the routine file wrote `id`, for messages (not part of the value).
    id_pos: SourcePos | None = field(default=None, compare=False, repr=False)
    #: The keys the routine file wrote in its `voice` (the others are defaults), so that a
    #: settings file can fill in the rest (see :mod:`voicecoach.settings`).
    given: frozenset[str] = field(default=frozenset(), compare=False)

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
            given=self.given,
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
    #: True if the file wrote its `language` (else "en" is a default a settings file can change).
    language_given: bool = field(default=False, compare=False)

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
