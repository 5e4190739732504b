"""Progression: today's targets of a routine's exercises, from what was done before.

The routine's own ``weight``, ``reps`` and ``hold`` are where progression starts; after that the
history decides (ROUTINE_FORMAT.md, version 2, "Progression"). :func:`decide` is a pure function
of the rule, the routine's target and the exercise's past sessions, newest first;
:func:`progress_routine` applies it to every exercise with a ``progress`` rule and returns the
routine with today's targets in place, so that compiling it needs no knowledge of the history.

The rules, exactly:

- ``double STEP``: when *every* work set of the last session reached the top of the reps range
  at the working weight, the weight goes up by STEP and the aim is the bottom of the range again;
  otherwise the weight stays and the aim is one rep more than the fewest done, within the range.
- ``linear STEP``: a session in which every work set reached its target adds STEP. Otherwise the
  weight stays, except that the ``after``-th session in a row that fell short (and every
  ``after``-th after it, while it keeps falling short) takes ``deload`` off the weight.
- ``reps STEP``: every work set reached: STEP more reps per set, up to ``up_to``.
- ``time STEP``: every work set held: STEP more seconds, up to ``up_to``.

Arithmetic is exact (decimals), in the unit written (kg or lb, never converted). A weight that
progression computes is a whole multiple of the step: a step up rounds ``weight + step`` to the
nearest multiple (half way up), and is always higher; a deload rounds ``weight × (1 − deload)``
to the nearest multiple (half way down), always at least one step lower, never below one step.

What counts: the working weight of a session is the weight most of its work sets were done at
(the heavier one on a tie); a set done lighter never reached its target. A work set skipped, or
never reached because the session stopped, fell short. A session resumed from an interrupted one
counts with it as one. Sessions in which the exercise has no work set done at all (stopped before
it, or all skipped) are passed over. Warm-up sets never count.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

from voicecoach.history.store import HistoryStore
from voicecoach.routine.model import Circuit, Exercise, Item, Reps, Routine, WorkKind
from voicecoach.routine.progress import Advice, Change, Load, Rule, RuleKind, parse_load


@dataclass(frozen=True)
class DoneSet:
    """One work set of a past session: what it asked for, and what was done."""

    planned_reps: int | None
    planned_seconds: float | None
    reps: int | None
    seconds: float | None
    weight: Load | None
    skipped: bool = False


@dataclass(frozen=True)
class PastSession:
    """The work sets of one exercise in one past session; `due` of them were planned."""

    sets: tuple[DoneSet, ...]
    due: int


def step_up(weight: Load, step: Decimal) -> Load:
    """`weight` + `step`, rounded to the nearest multiple of `step` (half way up), always higher."""
    raised = ((weight.amount + step) / step).quantize(Decimal(1), ROUND_HALF_UP) * step
    if raised <= weight.amount:
        raised += step
    return Load(raised, weight.unit)


def deload(weight: Load, step: Decimal, fraction: Decimal) -> Load:
    """`weight` less `fraction` of it, rounded to the step (half way down); at least one step
    lower, never below one step."""
    lowered = (weight.amount * (1 - fraction) / step).quantize(Decimal(1), ROUND_HALF_DOWN) * step
    lowered = min(lowered, weight.amount - step)
    return Load(max(lowered, step), weight.unit)


def working_weight(sets: Sequence[DoneSet]) -> Load | None:
    """The weight most done work sets were done at; the heavier one on a tie."""
    counts = Counter(s.weight for s in sets if not s.skipped and s.weight is not None)
    if not counts:
        return None
    return max(counts, key=lambda w: (counts[w], w.amount))


def _reached(done: DoneSet, *, reps: int | None, seconds: float | None, at: Load | None) -> bool:
    if done.skipped:
        return False
    if at is not None and (
        done.weight is None or done.weight.unit != at.unit or done.weight.amount < at.amount
    ):
        return False
    if reps is not None:
        return done.reps is not None and done.reps >= reps
    if seconds is not None:
        return done.seconds is not None and done.seconds >= seconds
    return True


def complete(session: PastSession, *, at: Load | None = None, reps: int | None = None) -> bool:
    """Every due work set reached its target (`reps` in place of each set's planned reps)."""
    if len(session.sets) < session.due:
        return False
    return all(
        _reached(
            s,
            reps=reps if reps is not None else s.planned_reps,
            seconds=s.planned_seconds if s.planned_reps is None else None,
            at=at,
        )
        for s in session.sets
    )


def _done(session: PastSession) -> tuple[int, ...]:
    return tuple(
        s.reps if s.reps is not None else round(s.seconds or 0)
        for s in session.sets
        if not s.skipped and (s.reps is not None or s.seconds is not None)
    )


def decide(rule: Rule, start: Exercise, history: Sequence[PastSession]) -> Advice:
    """Today's target of `start` (the routine's exercise) under `rule`; `history` newest first."""
    past = [p for p in history if any(not s.skipped for s in p.sets)]
    first = Advice(
        rule,
        Change.FIRST,
        weight=parse_load(start.weight),
        reps=start.reps.high if start.reps else None,
        hold_s=round(start.seconds_ms / 1000) if start.seconds_ms else None,
    )
    if not past:
        return first
    if rule.kind.by_weight:
        weight = working_weight(past[0].sets)
        start_load = parse_load(start.weight)
        if weight is None or start_load is None or weight.unit != start_load.unit:
            return first  # no weight recorded, or the routine changed its unit: start again
        if rule.kind is RuleKind.DOUBLE:
            return _double(rule, start, past[0], weight)
        return _linear(rule, start, past, weight)
    return _count(rule, start, past[0])


def _double(rule: Rule, start: Exercise, last: PastSession, weight: Load) -> Advice:
    assert start.reps is not None
    low, high = start.reps.low, start.reps.high
    done = _done(last)
    if complete(last, at=weight, reps=high):
        return Advice(rule, Change.UP, done, weight, step_up(weight, rule.step), low)
    # Sets skipped, never reached or done lighter do not lower the aim: the sets done say it.
    at_weight = [
        s.reps for s in last.sets if not s.skipped and s.weight == weight and s.reps is not None
    ]
    aim = min(high, max(low, min(at_weight, default=low - 1) + 1))
    return Advice(rule, Change.STAY, done, weight, weight, aim)


def _linear(rule: Rule, start: Exercise, past: Sequence[PastSession], weight: Load) -> Advice:
    done = _done(past[0])
    reps = start.reps.high if start.reps else None
    if complete(past[0], at=weight):
        return Advice(rule, Change.UP, done, weight, step_up(weight, rule.step), reps)
    misses = 0
    for session in past:
        at = working_weight(session.sets)
        if at is not None and complete(session, at=at):
            break
        misses += 1
    if misses % rule.after == 0:
        lighter = deload(weight, rule.step, rule.deload)
        return Advice(rule, Change.DELOAD, done, weight, lighter, reps, misses=misses)
    return Advice(rule, Change.STAY, done, weight, weight, reps, misses=misses)


def _count(rule: Rule, start: Exercise, last: PastSession) -> Advice:
    step, up_to = int(rule.step), rule.up_to
    done = _done(last)
    if rule.kind is RuleKind.REPS:
        planned = [s.planned_reps for s in last.sets if s.planned_reps is not None]
        current = max(planned) if planned else (start.reps.high if start.reps else 1)
    else:
        held = [s.planned_seconds for s in last.sets if s.planned_seconds is not None]
        current = round(max(held)) if held else round((start.seconds_ms or 0) / 1000)
    change = Change.STAY
    if complete(last):
        new = current + step if up_to is None else min(up_to, current + step)
        change = Change.UP if new > current else Change.TOP
        current = new
    if rule.kind is RuleKind.REPS:
        return Advice(rule, change, done, weight=parse_load(start.weight), reps=current)
    return Advice(rule, change, done, weight=parse_load(start.weight), hold_s=current)


def apply(exercise: Exercise, advice: Advice) -> Exercise:
    """The exercise with today's target in place, and the advice kept for speech and display.

    With a list of sets, today's target replaces the exercise's own weight, reps or hold in its
    work sets that have them; warm-up sets and a set's own different values stay as written.
    """
    weight, reps, seconds_ms = exercise.weight, exercise.reps, exercise.seconds_ms
    if advice.change is not Change.FIRST:
        if advice.rule.kind.by_weight and advice.weight is not None:
            weight = str(advice.weight)
        if advice.reps is not None and exercise.work is WorkKind.REPS:
            reps = Reps(advice.reps, advice.reps)
        if advice.hold_s is not None and exercise.work is WorkKind.HOLD:
            seconds_ms = advice.hold_s * 1000
    set_list = tuple(
        target
        if target.warmup
        else dataclasses.replace(
            target,
            weight=weight if target.weight == exercise.weight else target.weight,
            reps=reps if target.reps == exercise.reps else target.reps,
            seconds_ms=seconds_ms
            if target.seconds_ms == exercise.seconds_ms
            else target.seconds_ms,
        )
        for target in exercise.set_list
    )
    return dataclasses.replace(
        exercise,
        weight=weight,
        reps=reps,
        seconds_ms=seconds_ms,
        set_list=set_list,
        advice=advice,
    )


def due_sets(exercise: Exercise, rounds: int = 1) -> int:
    """The work sets one session of `exercise` plans: its work sets (warm-up sets are not) or
    rounds, times its sides."""
    return exercise.work_sets * rounds * max(1, len(exercise.sides))


#: The past sessions of one exercise of a routine, newest first: (exercise, due sets) -> sessions.
HistoryLookup = Callable[[Exercise, int], Sequence[PastSession]]


def progress_routine(routine: Routine, lookup: HistoryLookup) -> Routine:
    """The routine with today's targets for every exercise that has a ``progress`` rule."""

    def item(it: Item) -> Item:
        if isinstance(it, Circuit):
            return dataclasses.replace(it, exercises=tuple(one(e, it.rounds) for e in it.exercises))
        return one(it, 1)

    def one(exercise: Exercise, rounds: int) -> Exercise:
        if exercise.progress is None:
            return exercise
        history = lookup(exercise, due_sets(exercise, rounds))
        return apply(exercise, decide(exercise.progress, exercise, history))

    return dataclasses.replace(
        routine,
        warmup=tuple(item(i) for i in routine.warmup),
        exercises=tuple(item(i) for i in routine.exercises),
        cooldown=tuple(item(i) for i in routine.cooldown),
    )


def history_lookup(
    store: HistoryStore, routine_name: str, *, before: int | None = None
) -> HistoryLookup:
    """The past sessions of a routine's exercises, as :func:`decide` reads them, from `store`;
    only sessions recorded before session `before`, when given."""

    def lookup(exercise: Exercise, due: int) -> list[PastSession]:
        return [
            PastSession(
                tuple(
                    DoneSet(
                        planned_reps=s.planned_reps,
                        planned_seconds=s.planned_seconds,
                        reps=s.reps,
                        seconds=s.seconds,
                        weight=parse_load(s.weight),
                        skipped=s.skipped,
                    )
                    for s in sets
                ),
                due,
            )
            for _, sets in store.exercise_history(routine_name, exercise.name, before=before)
        ]

    return lookup


def todays_routine(
    routine: Routine, store: HistoryStore, *, resuming: int | None = None
) -> Routine:
    """`routine` with today's targets from its progression rules and the history in `store`.

    When resuming session `resuming`, the targets are those it was started with: the sessions
    it carries on are not counted as the last time.
    """
    before = None
    if resuming is not None:
        first = store.session(resuming)
        while first is not None and first.resumes is not None:
            first = store.session(first.resumes)
        before = None if first is None else first.id
    return progress_routine(routine, history_lookup(store, routine.name, before=before))
