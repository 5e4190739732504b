"""Finding places in a timeline: an exercise by name, where to resume, a window to render."""

from __future__ import annotations

import difflib

from voicecoach.errors import UsageError
from voicecoach.routine.catalog import name_key
from voicecoach.routine.model import Circuit, Exercise, Routine
from voicecoach.timeline.model import Block, PhaseKind, SetKey, Timeline, set_key


def _names(timeline: Timeline, routine: Routine | None) -> dict[str, tuple[int, ...]]:
    """Every name an exercise can be started by, with the indexes in playing order of the
    exercises it names: display names, library ids (one exercise each) and circuit names
    (every exercise of the circuit)."""
    names: dict[str, tuple[int, ...]] = {}
    for phase in timeline.phases:
        if phase.exercise and phase.exercise_index is not None:
            names.setdefault(phase.exercise, (phase.exercise_index,))
    if routine is not None:
        index = 0
        for _, items in routine.sections():
            for item in items:
                if isinstance(item, Circuit):
                    exercises: tuple[Exercise, ...] = item.exercises
                    names.setdefault(item.name, tuple(range(index, index + len(exercises))))
                else:
                    exercises = (item,)
                for exercise in exercises:
                    if exercise.library_id:
                        names.setdefault(exercise.library_id, (index,))
                    index += 1
    return names


def _first_phase(timeline: Timeline, exercise_index: int) -> int:
    """Where exercise `exercise_index` starts: its announcement, or its block's."""
    phases = [p for p in timeline.phases if p.exercise_index == exercise_index]
    for phase in phases:
        if phase.kind is PhaseKind.ANNOUNCE:
            return phase.index
    first = phases[0]
    return first.block_start if first.block_start is not None else first.index


def find_start(timeline: Timeline, name: str, *, routine: Routine | None = None) -> int:
    """The phase index where exercise `name` is first announced.

    `name` is an exercise's display name or, given the `routine`, its library id
    (``band-row``) or the name of a circuit (which starts at its announcement); case, dashes
    and spacing are ignored.
    """
    return _first_phase(timeline, min(_exercises(timeline, name, routine)))


def _exercises(timeline: Timeline, name: str, routine: Routine | None) -> tuple[int, ...]:
    """The indexes in playing order of the exercises `name` stands for (see find_start)."""
    names = _names(timeline, routine)
    wanted = name_key(name)
    for known, indexes in names.items():
        if name_key(known) == wanted:
            return indexes
    by_norm: dict[str, str] = {}
    for known in names:  # display names first: they are what the person sees
        by_norm.setdefault(name_key(known), known)
    close = difflib.get_close_matches(wanted, list(by_norm), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(by_norm[c] for c in close)}?" if close else ""
    shown = ", ".join(dict.fromkeys(p.exercise for p in timeline.phases if p.exercise))
    raise UsageError(f"no exercise {name!r} in this routine{hint} (it has: {shown})")


def resume_start(timeline: Timeline, done: frozenset[SetKey], *, start: int = 0) -> int | None:
    """Where to pick up after an interruption: the first set not done from phase `start` on
    (where the interrupted session was started, :func:`find_start`).

    The session restarts at that exercise's announcement if the set is its first, else at the
    rest (or switch) just before the set, so the person gets the countdown; an EMOM circuit at
    the rest before the round not done, an interval circuit at its announcement (its rounds are
    one effort). A set done after a gap is played again: the session goes on in order from the
    gap. None if every set from `start` on is done.
    """
    for phase in timeline.phases[start:]:
        if not phase.is_work or set_key(phase) in done:
            continue
        if phase.block is Block.INTERVALS and phase.block_start is not None:
            return phase.block_start  # intervals are one effort: the block starts over
        before = timeline.phases[phase.index - 1] if phase.index else None
        if before is not None and before.kind is PhaseKind.PREPARE:
            announce = timeline.phases[before.index - 1]
            return announce.index if announce.kind is PhaseKind.ANNOUNCE else before.index
        return before.index if before is not None else phase.index
    return None


def window(
    timeline: Timeline,
    start_at: str | None,
    end_at: str | None,
    *,
    routine: Routine | None = None,
) -> tuple[int, int]:
    """The part of a session from exercise `start_at`'s announcement to the end of exercise
    `end_at`'s last set (None: from the start, to the end), in timeline milliseconds.

    An exercise of a circuit ends with its work in the last round; a circuit's name ends with
    the last work of its last round."""
    start = (
        timeline.phases[find_start(timeline, start_at, routine=routine)].start_ms if start_at else 0
    )
    end = timeline.total_ms
    if end_at:
        indexes = _exercises(timeline, end_at, routine)
        end = max(p.end_ms for p in timeline.phases if p.is_work and p.exercise_index in indexes)
    if end <= start:
        raise UsageError(f"--to {end_at!r} comes before --from {start_at!r} in this routine")
    return start, end
