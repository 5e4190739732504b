"""What is said about the targets of an exercise and of each of its sets.

Per-set targets (a list of `sets`), effort targets (RPE, reps in reserve), warm-up sets, drop sets
and AMRAP sets change the words of the announcement and of the call before each set; the compiler
asks this module for them. A routine of version 1 gets exactly the words it always got.
"""

from __future__ import annotations

from dataclasses import replace

from voicecoach.routine.model import Exercise, SetTarget, WorkKind
from voicecoach.timeline.language import Language, SetCall
from voicecoach.timeline.model import Amrap, SetPlace


def amrap_kind(target: SetTarget) -> Amrap | None:
    """How an AMRAP set ends: at the cap or on Enter (OPEN), or after its time (TIMED)."""
    if not target.amrap:
        return None
    return Amrap.OPEN if target.seconds_ms is None else Amrap.TIMED


def announcement(say: Language, exercise: Exercise, *, in_circuit: bool) -> list[str]:
    """The phrases announcing an exercise: what it is and what a set asks for, its weight."""
    if not in_circuit and (exercise.set_list or exercise.amrap):
        targets = exercise.targets()
        warmups = sum(1 for t in targets if t.warmup)
        out = [
            say.exercise_targets(
                exercise.name,
                warmups=warmups,
                work_sets=len(targets) - warmups,
                amrap_ms=exercise.seconds_ms,
                amrap=exercise.amrap and not exercise.set_list,
            )
        ]
    else:
        out = [
            say.exercise(
                exercise.name,
                sets=1 if in_circuit else exercise.sets,
                reps=exercise.reps,
                hold_ms=exercise.seconds_ms if exercise.work is WorkKind.HOLD else None,
                duration_ms=exercise.seconds_ms if exercise.work is WorkKind.DURATION else None,
                sided=bool(exercise.sides),
            )
        ]
    plan = say.progress(exercise.advice) if exercise.advice else None
    if plan:
        out.append(plan)  # today's target from the history, weight included
    elif exercise.weight and not exercise.set_list:
        out.append(say.weight(exercise.weight))
    return out


def shown_place(exercise: Exercise, place: SetPlace) -> SetPlace:
    """`place` numbered as the voice numbers it: warm-up sets among the warm-up sets ("warm-up
    set 1 of 2"), work sets among the work sets ("set 1 of 3")."""
    targets = exercise.targets()
    if place.set_number is None or not any(t.warmup for t in targets):
        return place
    if place.set_number > len(targets):
        return place
    aim = targets[place.set_number - 1]
    same = [t for t in targets if t.warmup == aim.warmup]
    position = sum(1 for t in targets[: place.set_number] if t.warmup == aim.warmup)
    return replace(place, set_number=position, set_count=len(same), warmup=aim.warmup)


def set_call(
    say: Language, exercise: Exercise, number: int, side: str | None, *, target: bool = False
) -> str | None:
    """What is said just before set `number` (1-based) starts; None when nothing is.

    "Set 1 of 3." before a version 1 exercise's first set (its announcement just said the
    target); with `target` (after a rest) or when the sets have their own targets, an effort
    target or AMRAP sets, the set's target too: "Set 3 of 5: 5 reps at 100 kilos. Aim for RPE 8,
    two reps in reserve." Warm-up sets are numbered apart from the work sets.
    """
    targets = exercise.targets()
    aim = targets[number - 1]
    own = exercise.has_targets or exercise.amrap
    if not own and not target:
        return say.set_call(SetCall(number, len(targets), side))
    if own and len(targets) == 1 and aim.rpe is None and aim.rir is None and not target:
        return say.set_call(SetCall(number, 1, side))
    same = [t for t in targets if t.warmup == aim.warmup]
    position = sum(1 for t in targets[:number] if t.warmup == aim.warmup)
    return say.set_call(
        SetCall(
            position,
            len(same),
            side,
            work=exercise.work,
            reps=aim.reps,
            seconds_ms=aim.seconds_ms,
            weight=aim.weight,
            rpe=aim.rpe,
            rir=aim.rir,
            warmup=aim.warmup,
            amrap=aim.amrap,
        )
    )


def rest_before(exercise: Exercise, number: int) -> int:
    """The rest before set `number` (2 or more): the rest after the set before it."""
    return exercise.targets()[number - 2].rest_ms


def is_drop(exercise: Exercise, number: int) -> bool:
    """Whether set `number` is a drop set (lighter, after a rest of a few seconds)."""
    return exercise.targets()[number - 1].drop


def target_of(exercise: Exercise, number: int) -> SetTarget:
    """The target of set `number` (1-based)."""
    return exercise.targets()[number - 1]
