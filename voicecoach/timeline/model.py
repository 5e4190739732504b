"""The timeline: every phase and every sound of a session at its absolute time.

A :class:`Timeline` is what :func:`voicecoach.timeline.compiler.compile_routine` makes of a
routine. It is the single source of timing: dry-run, live play and render all read it, and
nothing downstream computes a time of its own. Times are integer milliseconds from the session
start.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from voicecoach.beeps import Beep
from voicecoach.errors import SourcePos


class PhaseKind(StrEnum):
    """What the person is doing during a phase."""

    ANNOUNCE = "announce"
    PREPARE = "prepare"
    WORK = "work"
    HOLD = "hold"
    REST = "rest"
    SWITCH = "switch"
    DONE = "done"


class Amrap(StrEnum):
    """How a work phase of "as many as possible" ends, and what Enter does in it."""

    #: Paced counts up to the cap; Enter ends the set, and the count reached is recorded.
    OPEN = "open"
    #: A set of a fixed time; the reps typed (digits, then Enter) are recorded.
    TIMED = "timed"
    #: An AMRAP block: Enter marks each finished round; the rounds are recorded.
    ROUNDS = "rounds"


class Block(StrEnum):
    """The kind of circuit a phase belongs to, when it is not a standard one."""

    INTERVALS = "intervals"
    EMOM = "emom"
    AMRAP = "amrap"


class EventKind(StrEnum):
    """What an event plays."""

    SPEAK = "speak"
    BEEP = "beep"


class Role(StrEnum):
    """Why an event is there."""

    BEEP = "beep"
    #: A rep count.
    COUNT = "count"
    #: The engine's own words: announcements, rests, time calls.
    ENGINE = "engine"
    #: A call that starts a set or a side: "Set 2 of 3, 8 to 10 reps.", "Switch: right side."
    SET = "set"
    FINISH = "finish"
    SETUP = "setup"
    INTRO = "intro"
    BEFORE_REP = "before_rep"
    DURING = "during"


@dataclass(frozen=True)
class SetPlace:
    """Which set a phase belongs to: set and round numbers, and the side."""

    set_number: int | None = None
    set_count: int | None = None
    side: str | None = None
    round_number: int | None = None
    round_count: int | None = None
    #: A warm-up set, numbered among the warm-up sets (see targets.shown_place).
    warmup: bool = False


@dataclass(frozen=True)
class Stretch:
    """A phase before a set that was lengthened so that what must be said fits in it."""

    #: "Deadlift, set 1 of 3", in the routine's language.
    where: str
    given_ms: int
    used_ms: int

    @property
    def seconds(self) -> tuple[str, str]:
        """The given and the used time as tenths of seconds, rounded apart (given down, used
        up), so that a lengthening never reads as from one figure to the same."""
        return (
            f"{math.floor(self.given_ms / 100) / 10:.1f}",
            f"{math.ceil(self.used_ms / 100) / 10:.1f}",
        )


#: One set of a session: (exercise index, round number, set number); see :attr:`Phase.set_id`.
SetId = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class Phase:
    """One stretch of the session, from `start_ms` up to (not including) `end_ms`."""

    index: int
    kind: PhaseKind
    start_ms: int
    end_ms: int
    #: Short human label: "Deadlift, set 1 of 3, left", "Rest", "Workout complete".
    label: str
    section: str
    #: Position of the exercise in playing order (`Routine.all_exercises()`), None if none.
    exercise_index: int | None = None
    exercise: str | None = None
    set_number: int | None = None
    set_count: int | None = None
    side: str | None = None
    round_number: int | None = None
    round_count: int | None = None
    #: Paced repetitions of a work phase.
    reps: int | None = None
    weight: str | None = None
    #: A warm-up set: played like any set, never counted as a work set.
    warmup: bool = False
    amrap: Amrap | None = None
    block: Block | None = None
    #: The first phase of the block this phase belongs to (its announcement).
    block_start: int | None = None
    #: What is said when Enter marks a finished round of an AMRAP block.
    on_enter: str | None = None

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def set_id(self) -> SetId:
        """Which set of the session this phase belongs to. The sides of one set share it: this
        is the one place that says the sides of a set are one set (the history's records carry
        the same three values, see :meth:`voicecoach.history.store.SetRecord.set_id`)."""
        return (self.exercise_index, self.round_number, self.set_number)

    @property
    def place(self) -> SetPlace:
        """The set this phase belongs to."""
        return SetPlace(
            self.set_number, self.set_count, self.side, self.round_number, self.round_count
        )

    @property
    def is_work(self) -> bool:
        """True for the phases in which a set is done (paced reps, continuous work or a hold)."""
        return self.kind in (PhaseKind.WORK, PhaseKind.HOLD)


@dataclass(frozen=True)
class Event:
    """One sound: a phrase spoken or a beep played, at `at_ms`, lasting `duration_ms`."""

    at_ms: int
    kind: EventKind
    #: The phrase spoken, or the beep's name (see :class:`voicecoach.beeps.Beep`).
    text: str
    duration_ms: int
    role: Role
    phase_index: int

    @property
    def end_ms(self) -> int:
        return self.at_ms + self.duration_ms

    @property
    def beep(self) -> Beep:
        """The beep a BEEP event plays."""
        if self.kind is not EventKind.BEEP:
            raise ValueError(f"event {self.text!r} at {self.at_ms} ms is not a beep")
        return Beep(self.text)


@dataclass(frozen=True)
class CueWarning:
    """An author's cue that the timeline had no room for, and was dropped there."""

    text: str
    pos: SourcePos | None
    needed_ms: int
    #: The largest room that was on offer where the cue was due.
    available_ms: int
    #: Where it was due: "Deadlift, set 2 of 3".
    where: str
    times: int = 1

    def __str__(self) -> str:
        place = f"{self.pos}: " if self.pos else ""
        times = f" ({self.times} times)" if self.times > 1 else ""
        # Rounded apart (needed up, room down), so the two never read as the same figure.
        needed = math.ceil(self.needed_ms / 100) / 10
        room = math.floor(self.available_ms / 100) / 10
        return (
            f"{place}warning: cue {self.text!r} needs {needed:.1f} s but "
            f"{self.where} has at most {room:.1f} s free; dropped there{times}"
        )


@dataclass(frozen=True)
class Timeline:
    """A compiled session: phases back to back from 0 to `total_ms`, events in time order."""

    phases: tuple[Phase, ...]
    events: tuple[Event, ...]
    total_ms: int
    warnings: tuple[CueWarning, ...] = ()
    #: True when phrase lengths were measured from synthesized audio, False when estimated.
    measured: bool = False
    #: The routine's language: the words of labels, panels and summaries.
    language: str = "en"
    #: Phases before a set that were lengthened to fit what must be said.
    stretched: tuple[Stretch, ...] = ()

    def phrases(self) -> tuple[str, ...]:
        """Every distinct phrase spoken, in order of first use; then those said on a key."""
        seen: dict[str, None] = {}
        for e in self.events:
            if e.kind is EventKind.SPEAK:
                seen.setdefault(e.text, None)
        for p in self.phases:
            if p.on_enter is not None:
                seen.setdefault(p.on_enter, None)
        return tuple(seen)

    def in_order(self) -> Iterator[Phase | Event]:
        """Phases and events merged in time order; a phase comes before the sounds it starts
        with (what the dry run prints and the player plays)."""
        events = iter(self.events)
        pending = next(events, None)
        for phase in self.phases:
            while pending is not None and pending.phase_index < phase.index:
                yield pending
                pending = next(events, None)
            yield phase
        while pending is not None:
            yield pending
            pending = next(events, None)

    def events_in(self, phase: Phase) -> Iterator[Event]:
        """The events that belong to `phase`."""
        return (e for e in self.events if e.phase_index == phase.index)

    def set_count(self) -> int:
        """How many work sets the session has (the sides of one set count as one set; warm-up
        sets do not count)."""
        return len({p.set_id for p in self.phases if p.is_work and not p.warmup})


#: What identifies one set within a routine: (exercise_index, round_number, set_number, side).
SetKey = tuple[int, int | None, int, str | None]


def set_key(phase: Phase) -> SetKey:
    """The key of the set a work or hold phase plays, as :meth:`HistoryStore.resume_point` uses."""
    if not phase.is_work or phase.exercise_index is None or phase.set_number is None:
        raise ValueError(f"phase {phase.index} ({phase.label}) is not a set")
    return (phase.exercise_index, phase.round_number, phase.set_number, phase.side)
