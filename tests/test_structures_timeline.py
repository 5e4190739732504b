"""Version 2 structures on the timeline: per-set targets, AMRAP sets, interval, EMOM and AMRAP
circuits. Exact totals, the words said, and the timeline invariants over generated routines."""

from __future__ import annotations

import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicecoach.beeps import BEEP_MS, Beep
from voicecoach.routine.loader import load_routine_text
from voicecoach.routine.model import AMRAP_CAP, Routine
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.dryrun import header, to_json
from voicecoach.timeline.language import language_for
from voicecoach.timeline.model import (
    Amrap,
    Block,
    EventKind,
    Phase,
    PhaseKind,
    Timeline,
    set_key,
)
from voicecoach.timeline.overview import format_overview
from voicecoach.timeline.room import GAP_MS
from voicecoach.timeline.seek import resume_start, window


class Constant:
    """Every phrase lasts the same."""

    measured = True

    def __init__(self, ms: int = 800) -> None:
        self.ms = ms

    def duration_ms(self, text: str) -> int:
        return self.ms


def routine(text: str) -> Routine:
    return load_routine_text(textwrap.dedent(text), filename="routine.yaml")


def compiled(text: str, ms: int = 800) -> Timeline:
    return compile_routine(routine(text), Constant(ms))


def said(tl: Timeline, phase: Phase) -> list[str]:
    return [e.text for e in tl.events_in(phase) if e.kind is EventKind.SPEAK]


def ticks(tl: Timeline, phase: Phase) -> list[int]:
    return [
        e.at_ms for e in tl.events_in(phase) if e.kind is EventKind.BEEP and e.beep is Beep.TICK
    ]


def block_work(tl: Timeline) -> list[Phase]:
    return [p for p in tl.phases if p.is_work and p.block is not None]


def check_invariants(tl: Timeline) -> None:
    """Phases back to back from 0, events inside their phase, no two sounds overlapping."""
    assert tl.phases[0].start_ms == 0
    for a, b in zip(tl.phases, tl.phases[1:], strict=False):
        assert a.end_ms == b.start_ms, (a, b)
        assert a.end_ms > a.start_ms, a
    assert tl.phases[-1].end_ms == tl.total_ms
    for a, b in zip(tl.events, tl.events[1:], strict=False):
        assert a.end_ms + GAP_MS <= b.at_ms, f"{a} overlaps {b}"
    for e in tl.events:
        phase = tl.phases[e.phase_index]
        assert phase.start_ms <= e.at_ms, (e, phase)
        assert e.end_ms <= phase.end_ms, (e, phase)


TABATA = """
    name: Tabata
    exercises:
      - circuit: Tabata
        style: intervals
        rounds: 8
        rest: 10
        exercises: [{name: Mountain climbers, duration: 20}]
"""


def test_interval_block_lasts_rounds_times_work_and_rest_less_the_last_rest() -> None:
    tl = compiled(TABATA)
    work = block_work(tl)
    assert len(work) == 8
    assert work[-1].end_ms - work[0].start_ms == 8 * (20_000 + 10_000) - 10_000
    check_invariants(tl)


def test_alternating_intervals_and_their_exact_total() -> None:
    tl = compiled(
        """
        name: Alternating
        exercises:
          - circuit: Tabata
            style: intervals
            rounds: 4
            rest: 10
            exercises: [{name: Squats, duration: 20}, {name: Push-ups, duration: 20}]
        """
    )
    work = block_work(tl)
    assert [p.exercise for p in work] == ["Squats", "Push-ups"] * 4
    assert work[-1].end_ms - work[0].start_ms == 4 * (20_000 + 10_000 + 20_000 + 10_000) - 10_000
    check_invariants(tl)


def test_superset_of_reps_rests_after_the_pair() -> None:
    tl = compiled(
        """
        name: Superset
        exercises:
          - circuit: Pair
            style: intervals
            rounds: 3
            rest: 0
            rest_between_rounds: 90
            exercises: [{name: Row, reps: 10}, {name: Push-up, reps: 8, tempo: 1-0-1-0}]
        """
    )
    work = block_work(tl)
    row, push = work[0].duration_ms, work[1].duration_ms
    # Each set is announced by name and counted: the name, then the count at the tempo.
    assert row == BEEP_MS[Beep.GO] + GAP_MS + 800 + GAP_MS + 10 * 4000
    assert work[-1].end_ms - work[0].start_ms == 3 * (row + push + 90_000) - 90_000
    assert work[1].start_ms == work[0].end_ms  # back to back within the pair
    check_invariants(tl)


def test_intervals_have_no_announcement_preparation_or_countdown_per_exercise() -> None:
    tl = compiled(TABATA)
    work = block_work(tl)
    inside = [p for p in tl.phases if work[0].start_ms <= p.start_ms < work[-1].end_ms]
    assert {p.kind for p in inside} == {PhaseKind.WORK, PhaseKind.REST}
    first_work, first_rest = inside[0], inside[1]
    assert said(tl, first_work)[0] == "Mountain climbers, go."
    assert next(iter(tl.events_in(first_work))).beep is Beep.GO
    # One exercise: the next is the one just done, so no "Next up".
    assert said(tl, first_rest) == ["Rest.", "Round 2 of 8."]
    assert ticks(tl, first_rest) == [first_rest.end_ms - k * 1000 for k in (3, 2, 1)]


EMOM = """
    name: EMOM
    exercises:
      - circuit: Every minute
        every: 60
        rounds: 5
        exercises: [{name: Burpees, reps: 10}, {name: Plank, hold: 30}]
"""


def test_emom_block_lasts_rounds_times_exercises_times_every() -> None:
    tl = compiled(EMOM)
    work = block_work(tl)
    assert len(work) == 10
    start = work[0].start_ms
    assert [p.start_ms - start for p in work] == [k * 60_000 for k in range(10)]
    rests = [p for p in tl.phases if p.block is Block.EMOM and p.kind is PhaseKind.REST]
    assert rests[-1].end_ms - start == 5 * 2 * 60_000
    check_invariants(tl)


def test_emom_says_the_work_at_the_boundary_and_counts_into_the_next() -> None:
    tl = compiled(EMOM)
    work = block_work(tl)
    assert said(tl, work[0]) == ["Burpees, 10 reps."]
    assert work[0].duration_ms == 10 * 4000
    rest = tl.phases[work[0].index + 1]
    assert rest.kind is PhaseKind.REST
    assert said(tl, rest) == ["Rest.", "Next up: Plank.", "10 seconds."]
    ten = next(e for e in tl.events_in(rest) if e.text == "10 seconds.")
    assert ten.at_ms == rest.end_ms - 10_000
    assert ticks(tl, rest) == [rest.end_ms - k * 1000 for k in (3, 2, 1)]
    assert ticks(tl, tl.phases[work[-1].index + 1]) == []


CIRCUIT = """
    name: Circuit
    exercises:
      - circuit: Pair
        rounds: 3
        rest: 15
        exercises: [{name: Row, reps: 10}, {name: Push-up, reps: 8}]
      - name: Plank
        hold: 30
"""


def test_next_up_is_not_said_again_before_an_interval_block() -> None:
    tl = compiled(
        """
        name: Alternating
        exercises:
          - {name: Plank, hold: 30, rest_after: 15}
          - circuit: Tabata
            style: intervals
            rounds: 2
            rest: 10
            exercises: [{name: Squats, duration: 20}, {name: Push-ups, duration: 20}]
        """
    )
    texts = [e.text for e in tl.events if e.kind is EventKind.SPEAK]
    first_work = block_work(tl)[0]
    before = [e.text for e in tl.events if e.at_ms < first_work.start_ms]
    assert before.count("Next up: Squats.") == 1
    assert "Next up: Push-ups." in texts


def test_the_dry_run_header_speaks_the_routines_language_and_counts_in_the_singular() -> None:
    one = "name: One\n{}exercises: [{{name: Plank, hold: 30}}]\n"
    en = routine(one.format(""))
    assert header(en, compile_routine(en, Constant()))[1:3] == [
        "total 0 min 44 s (00:44.300), 1 set, 1 exercise",
        "speech lengths measured from the voice",
    ]
    de = routine(one.format("language: de\n"))
    line, lengths = header(de, compile_routine(de, Constant()))[1:3]
    assert line.startswith("gesamt ")
    assert line.endswith(", 1 Satz, 1 Übung")
    assert lengths == "Sprechlängen gemessen an der Stimme"
    fr = routine(one.format("language: fr\n"))
    line, lengths = header(fr, compile_routine(fr, Constant()))[1:3]
    assert line.endswith(", 1 série, 1 exercice")
    assert lengths == "durées de parole mesurées sur la voix"


def test_a_window_to_a_circuit_or_its_exercise_ends_after_its_last_round() -> None:
    alternating = """
        name: Alternating
        exercises:
          - circuit: Tabata
            style: intervals
            rounds: 4
            rest: 10
            exercises: [{name: Squats, duration: 20}, {name: Push-ups, duration: 20}]
          - {name: Plank, hold: 30}
    """
    for text, circuit, last in (
        (alternating, "Tabata", "Push-ups"),
        (EMOM + "      - {name: Stretch, hold: 30}\n", "Every minute", "Plank"),
        (CIRCUIT, "Pair", "Push-up"),
    ):
        r = routine(text)
        tl = compile_routine(r, Constant())
        work = [p for p in tl.phases if p.is_work]
        for end_at in (circuit, last):
            _, end = window(tl, None, end_at, routine=r)
            done = [p for p in work if p.end_ms <= end]
            assert done[-1].exercise == last, (circuit, end_at)
            assert done[-1].round_number == done[-1].round_count, (circuit, end_at)
            assert all(p.block is None for p in work if p.end_ms > end), (circuit, end_at)
        first = work[0].exercise
        assert first is not None
        _, end = window(tl, None, first, routine=r)
        firsts = [p for p in work if p.exercise == first]
        assert end == firsts[-1].end_ms


def test_the_rest_after_an_emom_block_is_one_rest_with_its_whole_length() -> None:
    """What the last interval leaves over and the circuit's rest_after (90 s by default) are
    one rest, announced with its whole length."""
    tl = compiled(EMOM + "      - {name: Stretch, hold: 30}\n")
    work = block_work(tl)
    stretch = next(p for p in tl.phases if p.exercise == "Stretch")
    between = tl.phases[work[-1].index + 1 : stretch.index]
    assert [p.kind for p in between] == [PhaseKind.REST]
    (rest,) = between
    assert rest.start_ms == work[-1].end_ms
    assert rest.end_ms == work[-1].start_ms + 60_000 + 90_000
    words = said(tl, rest)
    assert words[:2] == [
        f"Rest, {language_for('en').duration(rest.duration_ms)}.",
        "Next up: Stretch.",
    ]
    assert "1 minute left." in words
    check_invariants(tl)


AMRAP = """
    name: AMRAP
    exercises:
      - circuit: Cindy
        amrap: 300
        exercises: [{name: Pull-up, reps: 5}, {name: Push-up, reps: 10}]
"""


def test_amrap_block_is_one_work_phase_with_time_calls() -> None:
    tl = compiled(AMRAP)
    (work,) = block_work(tl)
    assert work.duration_ms == 300_000
    assert work.amrap is Amrap.ROUNDS
    assert work.on_enter == "Next round: Pull-up, 5 reps. Push-up, 10 reps."
    assert work.on_enter in tl.phrases()
    calls = [
        (work.end_ms - e.at_ms, e.text)
        for e in tl.events_in(work)
        if e.kind is EventKind.SPEAK and e.at_ms > work.start_ms + 2000
    ]
    assert calls == [
        (240_000, "4 minutes left."),
        (180_000, "3 minutes left."),
        (120_000, "2 minutes left."),
        (60_000, "1 minute left."),
        (30_000, "30 seconds left."),
        (10_000, "10 seconds left."),
    ]
    assert said(tl, work)[0] == "Pull-up, 5 reps. Push-up, 10 reps."
    assert ticks(tl, work) == [work.end_ms - k * 1000 for k in (3, 2, 1)]
    assert tl.set_count() == 1
    check_invariants(tl)


SETS = """
    name: Sets
    exercises:
      - name: Deadlift
        weight: 100 kg
        reps: 5
        rpe: 8
        rir: 2
        sets:
          - {weight: 60 kg, warmup: true}
          - {weight: 80 kg, reps: 3, warmup: true}
          - {}
          - {rest: 10}
          - {weight: 80 kg, reps: max, rpe: 9.5, rir: 0}
"""


def test_each_set_says_its_target() -> None:
    tl = compiled(SETS)
    calls = [e.text for e in tl.events if e.text.startswith(("Set ", "Warm-up set", "Drop"))]
    assert calls == [
        "Warm-up set 1 of 2: 5 reps at 60 kilos.",
        "Warm-up set 2 of 2: 3 reps at 80 kilos.",
        "Set 1 of 3: 5 reps at 100 kilos. Aim for RPE 8, two reps in reserve.",
        "Set 2 of 3: 5 reps at 100 kilos. Aim for RPE 8, two reps in reserve.",
        "Drop to 80 kilos. Go.",
    ]
    assert "Deadlift. 2 warm-up sets, then 3 sets." in tl.phrases()
    check_invariants(tl)


def test_warmup_sets_are_not_work_sets() -> None:
    tl = compiled(SETS)
    work = [p for p in tl.phases if p.is_work]
    assert [p.warmup for p in work] == [True, True, False, False, False]
    assert [(p.reps, p.weight) for p in work] == [
        (5, "60 kg"),
        (3, "80 kg"),
        (5, "100 kg"),
        (5, "100 kg"),
        (None, "80 kg"),
    ]
    assert tl.set_count() == 3
    assert work[0].label == "Deadlift, warm-up set 1 of 2: 5 reps"
    assert work[1].label == "Deadlift, warm-up set 2 of 2: 3 reps"
    assert work[2].label == "Deadlift, set 1 of 3: 5 reps"


def test_a_drop_set_after_no_rest_still_has_time_to_say_so() -> None:
    tl = compiled(
        """
        name: Drop
        exercises:
          - name: Curl
            reps: 8
            sets: [{weight: 12 kg, rest: 0}, {weight: 8 kg}]
        """
    )
    work = [p for p in tl.phases if p.is_work]
    drop = tl.phases[work[0].index + 1]
    assert drop.kind is PhaseKind.REST
    assert drop.label == "Drop set"
    assert said(tl, drop) == ["Drop to 8 kilos. Go."]
    assert drop.end_ms == work[1].start_ms
    check_invariants(tl)


def test_open_amrap_set_counts_to_the_cap_and_a_timed_one_calls_the_time() -> None:
    tl = compiled(
        """
        name: AMRAP sets
        exercises:
          - {name: Push-ups, reps: max, rest_after: 30}
          - {name: Squats, reps: max, duration: 60}
        """
    )
    open_set, timed = (p for p in tl.phases if p.is_work)
    assert open_set.amrap is Amrap.OPEN
    counts = [e for e in tl.events_in(open_set) if e.role.value == "count"]
    assert len(counts) == AMRAP_CAP
    assert timed.amrap is Amrap.TIMED
    assert timed.duration_ms == 60_000
    assert said(tl, timed) == ["Halfway.", "Ten seconds left."]
    assert "Push-ups. 1 set, as many reps as possible." in tl.phrases()
    # Lengths are said as people say them: "one minute", not "60 seconds".
    assert "Squats. 1 set, as many reps as possible in one minute." in tl.phrases()
    assert (
        "open-ended AMRAP sets at their 100-rep cap"
        in header(
            routine("name: X\nexercises: [{name: P, reps: max}]"),
            compiled("name: X\nexercises: [{name: P, reps: max}]"),
        )[1]
    )


def test_german_targets() -> None:
    tl = compiled(
        """
        name: Sätze
        language: de
        exercises:
          - name: Kreuzheben
            reps: 5
            sets: [{weight: 60 kg, warmup: true}, {weight: 100 kg, rpe: 8.5, rir: 1}]
        """
    )
    assert "Aufwärmsatz: 5 Wiederholungen mit 60 Kilo." in tl.phrases()
    assert (
        "Satz 1 von 1: 5 Wiederholungen mit 100 Kilo. Ziel: RPE 8einhalb, eins Wiederholung in "
        "Reserve." not in tl.phrases()
    )
    assert (
        "5 Wiederholungen mit 100 Kilo. Ziel: RPE achteinhalb, eine Wiederholung in Reserve."
        in (tl.phrases())
    )


def test_json_work_phases_carry_set_reps_and_weight() -> None:
    r = routine(SETS)
    data = to_json(r, compile_routine(r, Constant()))
    work = [e for e in data["events"] if e["kind"] == "phase" and e["phase"] == "work"]
    assert work[0] == {
        "at_ms": work[0]["at_ms"],
        "kind": "phase",
        "text": "Deadlift, warm-up set 1 of 2: 5 reps",
        "duration_ms": work[0]["duration_ms"],
        "phase": "work",
        "exercise": "Deadlift",
        "set": 1,
        "reps": 5,
        "weight": "60 kg",
        "warmup": True,
    }
    assert work[-1]["amrap"] == "open"
    assert work[-1]["reps"] is None


# --- resume ---------------------------------------------------------------------------------


def test_an_interval_block_resumes_at_its_start() -> None:
    tl = compiled(TABATA)
    work = block_work(tl)
    done = frozenset(set_key(p) for p in work[:3])
    start = resume_start(tl, done)
    assert start == work[0].block_start
    assert tl.phases[start].kind is PhaseKind.ANNOUNCE


def test_an_emom_block_resumes_at_the_round_not_done() -> None:
    tl = compiled(EMOM)
    work = block_work(tl)
    done = frozenset(set_key(p) for p in work[:4])  # rounds 1 and 2
    start = resume_start(tl, done)
    assert start is not None
    assert tl.phases[start].kind is PhaseKind.REST
    assert tl.phases[start + 1] == work[4]
    assert work[4].round_number == 3


def test_sets_resume_at_the_first_set_not_done() -> None:
    tl = compiled(SETS)
    work = [p for p in tl.phases if p.is_work]
    start = resume_start(tl, frozenset(set_key(p) for p in work[:3]))
    assert start is not None
    assert tl.phases[start + 1] == work[3]


# --- any version 2 routine --------------------------------------------------------------------

_WORK = st.one_of(
    st.integers(1, 12).map(lambda n: f"reps: {n}"),
    st.integers(5, 45).map(lambda s: f"duration: {s}"),
    st.integers(5, 45).map(lambda s: f"hold: {s}"),
)
_NAME = st.sampled_from(["Row", "Squat", "Plank", "Burpee", "Climbers"])


@st.composite
def _item(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["sets", "amrap-set", "intervals", "emom", "amrap", "standard"]))
    name = draw(_NAME)
    if kind == "sets":
        reps = draw(st.integers(1, 8))
        sets = draw(
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "weight": st.integers(20, 100).map(lambda w: f"{w} kg"),
                        "rest": st.integers(0, 90),
                        "rpe": st.sampled_from([6, 7.5, 8, 9.5, 10]),
                        "rir": st.integers(0, 5),
                        "warmup": st.booleans(),
                    },
                ),
                min_size=1,
                max_size=5,
            )
        )
        body = ", ".join(
            "{" + ", ".join(f"{k}: {str(v).lower()}" for k, v in s.items()) + "}" for s in sets
        )
        return f"- {{name: {name}, reps: {reps}, weight: 50 kg, sets: [{body}]}}"
    if kind == "amrap-set":
        limit = draw(st.one_of(st.none(), st.integers(10, 90)))
        tail = f", duration: {limit}" if limit else ""
        return f"- {{name: {name}, reps: max{tail}, sets: {draw(st.integers(1, 2))}}}"
    exercises = draw(st.lists(_WORK, min_size=1, max_size=3))
    listed = ", ".join(f"{{name: {name} {i}, {w}}}" for i, w in enumerate(exercises))
    if kind == "intervals":
        rest = draw(st.integers(0, 20))
        return (
            f"- {{circuit: C, style: intervals, rounds: {draw(st.integers(1, 4))}, "
            f"rest: {rest}, exercises: [{listed}]}}"
        )
    if kind == "emom":
        listed = ", ".join(
            f"{{name: {name} {i}, duration: {draw(st.integers(5, 40))}}}"
            for i in range(len(exercises))
        )
        return (
            f"- {{circuit: E, every: {draw(st.integers(45, 90))}, "
            f"rounds: {draw(st.integers(1, 3))}, exercises: [{listed}]}}"
        )
    if kind == "amrap":
        return f"- {{circuit: A, amrap: {draw(st.integers(60, 400))}, exercises: [{listed}]}}"
    return f"- {{circuit: S, rounds: {draw(st.integers(1, 3))}, exercises: [{listed}]}}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_item(), min_size=1, max_size=3), ms=st.integers(200, 3000))
def test_generated_version_2_routines_keep_the_timeline_invariants(
    items: list[str], ms: int
) -> None:
    text = "name: Generated\nexercises:\n" + "\n".join("  " + i for i in items) + "\n"
    tl = compile_routine(load_routine_text(text, filename="g.yaml"), Constant(ms))
    check_invariants(tl)


def test_show_lists_each_set_and_says_the_total_counts_the_cap() -> None:
    r = routine(SETS)
    text = format_overview(r, compile_routine(r, Constant()))
    assert text.splitlines()[1].startswith("total ")
    assert "(open-ended AMRAP sets at their 100-rep cap), 3 sets, language en" in text
    assert text.splitlines()[3:10] == [
        "Exercises:",
        "  - Deadlift: 3 sets after 2 warm-up, tempo 2-0-2-0",
        "      warm-up 1: 5 reps, 60 kg, rest 60 s",
        "      warm-up 2: 3 reps, 80 kg, rest 60 s",
        "      set 1: 5 reps, 100 kg, RPE 8, 2 in reserve, rest 60 s",
        "      set 2: 5 reps, 100 kg, RPE 8, 2 in reserve, rest 10 s",
        "      set 3 (drop): max reps, 80 kg, RPE 9.5, 0 in reserve",
    ]
