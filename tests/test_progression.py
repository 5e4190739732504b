"""Progression rules: a table of cases per rule, exact in kg and lb, with rounding, failure
counting, deloads and the double-progression trap; the ``progress`` key's checks; a routine's
targets from a real history file."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from pathlib import Path

import pytest
from pull_day import record_pull_day

from voicecoach.errors import RoutineError
from voicecoach.history.progression import (
    DoneSet,
    PastSession,
    decide,
    deload,
    history_lookup,
    progress_routine,
    step_up,
)
from voicecoach.history.store import HistoryStore
from voicecoach.routine.loader import load_routine_text
from voicecoach.routine.model import Exercise
from voicecoach.routine.progress import Change, Load, Rule, RuleKind
from voicecoach.timeline.language import language_for

EN = language_for("en")


def kg(x: float | str) -> Load:
    return Load(Decimal(str(x)), "kg")


def lb(x: float | str) -> Load:
    return Load(Decimal(str(x)), "lb")


def exercise(body: str) -> Exercise:
    """The one exercise of a routine written with `body` as its keys."""
    text = "name: T\nexercises:\n  - name: Lift\n" + "".join(
        f"    {line}\n" for line in body.splitlines()
    )
    (only,) = load_routine_text(text, filename="t.yaml").all_exercises()
    return only


def lifted(
    reps: list[int | None],
    *,
    planned: int,
    weight: Load,
    due: int | None = None,
    done_at: list[Load] | None = None,
) -> PastSession:
    """A past session: reps done per work set (None: skipped), at `weight` unless `done_at`."""
    sets = tuple(
        DoneSet(
            planned_reps=planned,
            planned_seconds=None,
            reps=r,
            seconds=None,
            weight=None if r is None else (done_at[i] if done_at else weight),
            skipped=r is None,
        )
        for i, r in enumerate(reps)
    )
    return PastSession(sets, len(reps) if due is None else due)


# --- double ---------------------------------------------------------------------------------

DEADLIFT = exercise("sets: 3\nreps: [8, 10]\nweight: 40 kg\nprogress: double 2.5 kg")
DOUBLE_CASES = [
    # (id, history newest first, weight, aim, change)
    ("no history: as written", [], kg(40), 10, Change.FIRST),
    (
        "every set at the top: a step, aim low",
        [lifted([10, 10, 10], planned=10, weight=kg(40))],
        kg(42.5),
        8,
        Change.UP,
    ),
    (
        "the trap: one set short of the top stays",
        [lifted([10, 10, 9], planned=10, weight=kg(40))],
        kg(40),
        10,
        Change.STAY,
    ),
    (
        "the trap: the first set short stays",
        [lifted([9, 10, 10], planned=10, weight=kg(40))],
        kg(40),
        10,
        Change.STAY,
    ),
    (
        "above the top counts as the top",
        [lifted([12, 11, 10], planned=10, weight=kg(40))],
        kg(42.5),
        8,
        Change.UP,
    ),
    (
        "one more rep than the fewest",
        [lifted([9, 8, 8], planned=8, weight=kg(40))],
        kg(40),
        9,
        Change.STAY,
    ),
    (
        "below the range: aim at its bottom",
        [lifted([6, 5, 5], planned=8, weight=kg(40))],
        kg(40),
        8,
        Change.STAY,
    ),
    (
        "a skipped set blocks the step",
        [lifted([10, 10, None], planned=10, weight=kg(40))],
        kg(40),
        10,
        Change.STAY,
    ),
    (
        "stopped before the last set",
        [lifted([10, 10], planned=10, weight=kg(40), due=3)],
        kg(40),
        10,
        Change.STAY,
    ),
    (
        "a set done lighter does not count",
        [lifted([10, 10, 10], planned=10, weight=kg(40), done_at=[kg(40), kg(40), kg(35)])],
        kg(40),
        10,
        Change.STAY,
    ),
    (
        "the working weight is what most sets were done at",
        [lifted([10, 10, 10], planned=10, weight=kg(40), done_at=[kg(45)] * 3)],
        kg(47.5),
        8,
        Change.UP,
    ),
    (
        "only the last session decides",
        [
            lifted([10, 10, 9], planned=10, weight=kg(42.5)),
            lifted([10, 10, 10], planned=10, weight=kg(40)),
        ],
        kg(42.5),
        10,
        Change.STAY,
    ),
    (
        "a session with every set skipped is passed over",
        [
            lifted([None, None, None], planned=10, weight=kg(42.5)),
            lifted([10, 10, 10], planned=10, weight=kg(40)),
        ],
        kg(42.5),
        8,
        Change.UP,
    ),
    (
        "an odd weight steps to a multiple of the step",
        [lifted([10, 10, 10], planned=10, weight=kg(41))],
        kg(42.5),
        8,
        Change.UP,
    ),
    (
        "a weight in lb while the routine says kg: start again from the routine",
        [lifted([10, 10, 10], planned=10, weight=lb(90))],
        kg(40),
        10,
        Change.FIRST,
    ),
]


@pytest.mark.parametrize(
    ("history", "weight", "aim", "change"),
    [case[1:] for case in DOUBLE_CASES],
    ids=[case[0] for case in DOUBLE_CASES],
)
def test_double(history: list[PastSession], weight: Load, aim: int, change: Change) -> None:
    assert DEADLIFT.progress is not None
    advice = decide(DEADLIFT.progress, DEADLIFT, history)
    assert (advice.weight, advice.reps, advice.change) == (weight, aim, change)


def test_double_in_lb_stays_in_lb() -> None:
    row = exercise("sets: 2\nreps: [8, 10]\nweight: 95 lb\nprogress: double 5 lb")
    assert row.progress is not None
    advice = decide(row.progress, row, [lifted([10, 10], planned=10, weight=lb(95))])
    assert str(advice.weight) == "100 lb"
    assert EN.explain(advice) == "last time 10/10 at 95 lb: up to 100 lb, aim for 8"


def test_double_explains_the_trap() -> None:
    assert DEADLIFT.progress is not None
    advice = decide(DEADLIFT.progress, DEADLIFT, [lifted([10, 10, 9], planned=10, weight=kg(40))])
    assert EN.explain(advice) == "last time 10/10/9 at 40 kg: stay at 40 kg, aim for 10"


# --- linear ---------------------------------------------------------------------------------

SQUAT = exercise("sets: 3\nreps: 5\nweight: 60 kg\nprogress: linear 2.5 kg")


def hit(weight: float) -> PastSession:
    return lifted([5, 5, 5], planned=5, weight=kg(weight))


def miss(weight: float) -> PastSession:
    return lifted([5, 5, 4], planned=5, weight=kg(weight))


LINEAR_CASES = [
    # (id, history newest first, weight, change, sessions short in a row)
    ("no history", [], kg(60), Change.FIRST, 0),
    ("every set reached: a step", [hit(60)], kg(62.5), Change.UP, 0),
    ("one miss: stay", [miss(62.5), hit(60)], kg(62.5), Change.STAY, 1),
    ("two misses: stay", [miss(62.5), miss(62.5), hit(60)], kg(62.5), Change.STAY, 2),
    ("the third miss in a row: 10 % off", [miss(62.5)] * 3 + [hit(60)], kg(55), Change.DELOAD, 3),
    ("a hit after the deload steps again", [hit(55)] + [miss(62.5)] * 3, kg(57.5), Change.UP, 0),
    ("a miss after the deload counts on", [miss(55)] + [miss(62.5)] * 3, kg(55), Change.STAY, 4),
    (
        "the sixth miss in a row deloads again",
        [miss(55)] * 3 + [miss(62.5)] * 3,
        kg(50),
        Change.DELOAD,
        6,
    ),
    ("100 kg less 10 % is 90 kg", [miss(100)] * 3, kg(90), Change.DELOAD, 3),
]


@pytest.mark.parametrize(
    ("history", "weight", "change", "misses"),
    [case[1:] for case in LINEAR_CASES],
    ids=[case[0] for case in LINEAR_CASES],
)
def test_linear(history: list[PastSession], weight: Load, change: Change, misses: int) -> None:
    assert SQUAT.progress is not None
    advice = decide(SQUAT.progress, SQUAT, history)
    assert (advice.weight, advice.change, advice.misses, advice.reps) == (
        weight,
        change,
        misses,
        5,
    )


def test_linear_deload_and_after_as_written() -> None:
    lift = exercise(
        "sets: 3\nreps: 5\nweight: 100 lb\n"
        "progress: {rule: linear, step: 5 lb, deload: 20%, after: 2}"
    )
    assert lift.progress is not None
    short = lifted([5, 5, 4], planned=5, weight=lb(100))
    assert decide(lift.progress, lift, [short]).change is Change.STAY
    advice = decide(lift.progress, lift, [short, short])
    assert (advice.change, str(advice.weight)) == (Change.DELOAD, "80 lb")
    assert EN.explain(advice) == (
        "last time 5/5/4 at 100 lb, 2 sessions short in a row: down to 80 lb, aim for 5"
    )


ROUNDING_CASES = [
    # (id, weight, step, deload fraction or None for a step up, expected)
    ("up from a multiple", kg(40), "2.5", None, kg(42.5)),
    ("up from between multiples goes to the nearest", kg(41), "2.5", None, kg(42.5)),
    ("up, half way goes up", kg(43.75), "2.5", None, kg(47.5)),
    ("up never stays", kg(44.9), "5", None, kg(50)),
    ("deload to the nearest multiple", kg(47), "2.5", "0.1", kg(42.5)),
    ("deload at least one step", kg(10), "5", "0.1", kg(5)),
    ("deload never below one step", kg(5), "5", "0.5", kg(5)),
    ("deload, half way goes down", lb(125), "5", "0.1", lb(110)),
]


@pytest.mark.parametrize(
    ("weight", "step", "fraction", "expected"),
    [case[1:] for case in ROUNDING_CASES],
    ids=[case[0] for case in ROUNDING_CASES],
)
def test_rounding_to_the_step(
    weight: Load, step: str, fraction: str | None, expected: Load
) -> None:
    if fraction is None:
        assert step_up(weight, Decimal(step)) == expected
    else:
        assert deload(weight, Decimal(step), Decimal(fraction)) == expected


# --- reps and time --------------------------------------------------------------------------

PULL_UPS = exercise("sets: 3\nreps: 10\nprogress: {rule: reps, step: 1, up_to: 12}")


def bodyweight(reps: list[int | None], planned: int) -> PastSession:
    return lifted(reps, planned=planned, weight=kg(0))


def no_weight(session: PastSession) -> PastSession:
    return PastSession(
        tuple(
            DoneSet(s.planned_reps, s.planned_seconds, s.reps, s.seconds, None, s.skipped)
            for s in session.sets
        ),
        session.due,
    )


REPS_CASES = [
    ("no history", [], 10, Change.FIRST),
    ("every set reached: one more", [bodyweight([10, 10, 10], 10)], 11, Change.UP),
    ("a set short: stay", [bodyweight([10, 10, 9], 10)], 10, Change.STAY),
    ("from last time's target, not the file's", [bodyweight([11, 11, 11], 11)], 12, Change.UP),
    ("at up_to: stays there", [bodyweight([12, 12, 12], 12)], 12, Change.TOP),
    ("a skipped set: stay", [bodyweight([10, None, 10], 10)], 10, Change.STAY),
]


@pytest.mark.parametrize(
    ("history", "reps", "change"),
    [case[1:] for case in REPS_CASES],
    ids=[case[0] for case in REPS_CASES],
)
def test_reps(history: list[PastSession], reps: int, change: Change) -> None:
    assert PULL_UPS.progress is not None
    advice = decide(PULL_UPS.progress, PULL_UPS, [no_weight(p) for p in history])
    assert (advice.reps, advice.change) == (reps, change)


PLANK = exercise("sets: 2\nhold: 30\nprogress: {rule: time, step: 5, up_to: 60}")


def held(seconds: list[float | None], planned: float) -> PastSession:
    return PastSession(
        tuple(DoneSet(None, planned, None, s, None, skipped=s is None) for s in seconds),
        len(seconds),
    )


TIME_CASES = [
    ("no history", [], 30, Change.FIRST),
    ("every hold done: five more", [held([30, 30], 30)], 35, Change.UP),
    ("a hold cut short: stay", [held([30, 22], 30)], 30, Change.STAY),
    ("up to up_to", [held([58, 58], 58)], 60, Change.UP),
    ("at up_to: stays", [held([60, 60], 60)], 60, Change.TOP),
]


@pytest.mark.parametrize(
    ("history", "seconds", "change"),
    [case[1:] for case in TIME_CASES],
    ids=[case[0] for case in TIME_CASES],
)
def test_time(history: list[PastSession], seconds: int, change: Change) -> None:
    assert PLANK.progress is not None
    advice = decide(PLANK.progress, PLANK, history)
    assert (advice.hold_s, advice.change) == (seconds, change)


def test_text_form_defaults() -> None:
    assert exercise("reps: 5\nprogress: reps 2").progress == Rule(
        RuleKind.REPS, Decimal(2), up_to=20
    )
    assert exercise("hold: 20\nprogress: time 5").progress == Rule(
        RuleKind.TIME, Decimal(5), up_to=120
    )
    assert exercise("reps: 5\nweight: 40 kg\nprogress: linear 2,5 kg").progress == Rule(
        RuleKind.LINEAR, Decimal("2.5"), "kg", Decimal("0.10"), 3
    )


# --- the key's checks -----------------------------------------------------------------------

BAD_PROGRESS = [
    (
        "reps: 8\nweight: 40 kg\nprogress: double 2.5 kg",
        "t.yaml:6:15: 'progress: double' needs a reps range like [8, 10]: the weight goes up once "
        "every set reaches the top",
    ),
    (
        "reps: [8, 10]\nweight: moderate\nprogress: double 2.5 kg",
        "t.yaml:6:15: 'progress: double' needs a 'weight' in kg, like \"40 kg\"; this exercise's "
        "weight is 'moderate'",
    ),
    (
        "reps: 5\nweight: 40 kg\nprogress: linear 5 lb",
        "t.yaml:6:15: 'progress: linear' steps in lb but the weight is in kg (40 kg); write both "
        "in the same unit",
    ),
    (
        "hold: 30\nprogress: reps 1",
        "t.yaml:5:15: 'progress: reps' needs 'reps'; this exercise sets 'hold'",
    ),
    (
        "reps: 5\nprogress: time 5",
        "t.yaml:5:15: 'progress: time' lengthens a 'hold'; this exercise sets 'reps'",
    ),
    (
        "reps: 5\nprogress: triple 5",
        "t.yaml:5:15: unknown progression rule 'triple'; expected one of double, linear, reps, "
        "time",
    ),
    (
        "reps: 5\nprogress: reps",
        't.yaml:5:15: \'progress\' must look like "double 2.5 kg", "linear 2.5 kg", "reps 1" '
        "or \"time 5\", got 'reps'",
    ),
    ("reps: 5\nprogress: {rule: reps, stepp: 1}", "t.yaml:5:15: 'progress' needs 'step'"),
    (
        "reps: 5\nweight: 40 kg\nprogress: {rule: linear, step: 2.5 kg, deload: 90%}",
        "t.yaml:6:15: 'deload' must be a percentage from 1% to 50%, got '90%'",
    ),
    (
        "reps: 5\nprogress: {rule: reps, step: 1, up_to: 0}",
        "t.yaml:5:44: 'up_to' must be a whole number from 1 to 3600, got 0",
    ),
    (
        "reps: 5\nweight: 40 kg\nprogress: double heavy",
        "t.yaml:6:15: the step of 'double' must be a weight like \"2.5 kg\", got 'heavy'",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD_PROGRESS)
def test_bad_progress_is_located(body: str, message: str) -> None:
    with pytest.raises(RoutineError) as caught:
        exercise(body)
    assert message in [str(p) for p in caught.value.problems]


def test_progress_is_not_a_default() -> None:
    with pytest.raises(RoutineError) as caught:
        load_routine_text(
            "name: T\ndefaults:\n  progress: reps 1\nexercises: [{name: X, reps: 5}]\n",
            filename="t.yaml",
        )
    assert [str(p) for p in caught.value.problems] == [
        "t.yaml:3:3: 'progress' cannot be set in 'defaults'; each exercise progresses by its "
        "own rule: set it on the exercise"
    ]


# --- a routine's targets from a history file ------------------------------------------------


def test_progress_routine_from_a_history_file(tmp_path: Path) -> None:
    from datetime import datetime

    routine = load_routine_text(
        "name: Pull Day\nexercises:\n"
        "  - {name: Deadlift, sets: 3, reps: [8, 10], weight: 40 kg, progress: double 2.5 kg}\n"
        "  - {name: Plank, sets: 2, hold: 30, progress: time 5}\n"
        "  - {name: Row, sets: 3, reps: 10, weight: 20 kg}\n",
        filename="pull.yaml",
    )
    t0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        record_pull_day(store, t0, planks=2)
        today = progress_routine(routine, history_lookup(store, "Pull Day"))
    deadlift, plank, row = today.all_exercises()
    assert (deadlift.weight, str(deadlift.reps), plank.seconds_ms) == ("40 kg", "10", 35_000)
    assert deadlift.advice is not None
    assert EN.explain(deadlift.advice) == "last time 10/10/9 at 40 kg: stay at 40 kg, aim for 10"
    assert plank.advice is not None
    assert EN.explain(plank.advice) == "last time 30/30 s: up to hold 35 s"
    assert row == routine.all_exercises()[2]


# --- spoken, shown -------------------------------------------------------------------------

SPOKEN = [
    (
        "en",
        "Last time 10, 10 and 9 at 40 kilos. Today 40 kilos again: aim for 10 on every set.",
    ),
    (
        "de",
        "Letztes Mal 10, 10 und 9 mit 40 Kilo. Heute wieder 40 Kilo: Ziel 10 in jedem Satz.",
    ),
    (
        "fr",
        "La dernière fois 10, 10 et 9 à 40 kilos. Aujourd'hui encore 40 kilos : visez 10 à "
        "chaque série.",
    ),
]


@pytest.mark.parametrize(("language", "spoken"), SPOKEN)
def test_the_announcement_speaks_todays_target(language: str, spoken: str) -> None:
    from voicecoach.timeline.language import language_for

    assert DEADLIFT.progress is not None
    advice = decide(DEADLIFT.progress, DEADLIFT, [lifted([10, 10, 9], planned=10, weight=kg(40))])
    assert language_for(language).progress(advice) == spoken


def test_spoken_steps_deloads_and_holds() -> None:
    from voicecoach.timeline.language import language_for

    assert DEADLIFT.progress is not None
    assert SQUAT.progress is not None
    assert PLANK.progress is not None
    en = language_for("en")
    up = decide(DEADLIFT.progress, DEADLIFT, [lifted([10, 10, 10], planned=10, weight=kg(40))])
    assert en.progress(up) == (
        "Last time 10, 10 and 10 at 40 kilos. Today 42.5 kilos: aim for 8 on every set."
    )
    assert language_for("de").progress(up) == (
        "Letztes Mal 10, 10 und 10 mit 40 Kilo. Heute 42,5 Kilo: Ziel 8 in jedem Satz."
    )
    down = decide(SQUAT.progress, SQUAT, [miss(62.5)] * 3)
    assert en.progress(down) == (
        "Last time 5, 5 and 4 at 62.5 kilos. 3 sessions short in a row. Today 55 kilos, to "
        "build back up: aim for 5 on every set."
    )
    hold = decide(PLANK.progress, PLANK, [held([30, 30], 30)])
    assert en.progress(hold) == "Last time 30 and 30 seconds. Today hold 35 seconds."
    assert en.progress(decide(PLANK.progress, PLANK, [])) is None


def test_a_list_of_sets_takes_todays_target_in_its_work_sets_only() -> None:
    lift = exercise(
        "use: deadlift\nweight: 100 kg\nreps: [5, 6]\nprogress: double 2.5 kg\nsets:\n"
        "  - {weight: 60 kg, warmup: true}\n  - {weight: 80 kg, reps: 3, warmup: true}\n"
        "  - {}\n  - {}\n  - {rpe: 9}\n"
    )
    assert lift.progress is not None
    advice = decide(lift.progress, lift, [lifted([6, 6, 6], planned=6, weight=kg(100))])
    from voicecoach.history.progression import apply, due_sets

    today = apply(lift, advice)
    assert due_sets(lift) == 3
    assert [(t.weight, str(t.reps), t.warmup) for t in today.targets()] == [
        ("60 kg", "5-6", True),
        ("80 kg", "3", True),
        ("102.5 kg", "5", False),
        ("102.5 kg", "5", False),
        ("102.5 kg", "5", False),
    ]


def test_a_resumed_session_keeps_the_targets_it_started_with(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from voicecoach.history.progression import todays_routine

    routine = load_routine_text(
        "name: Pull Day\nexercises:\n"
        "  - {name: Deadlift, sets: 3, reps: [8, 10], weight: 40 kg, progress: double 2.5 kg}\n",
        filename="pull.yaml",
    )
    t0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)

    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        record_pull_day(store, t0, [(10, "40 kg")] * 3)
        stopped = record_pull_day(
            store, t0 + timedelta(days=3), [(8, "42.5 kg")], status="interrupted"
        )
        resumed = todays_routine(routine, store, resuming=stopped)
        afresh = todays_routine(routine, store)
    (deadlift,) = resumed.all_exercises()
    assert (deadlift.weight, str(deadlift.reps)) == ("42.5 kg", "8")
    (later,) = afresh.all_exercises()
    assert (later.weight, str(later.reps)) == ("42.5 kg", "9")
