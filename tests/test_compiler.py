"""The timeline compiler: exact layouts for small routines, invariants for any routine."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicecoach.beeps import BEEP_MS, Beep
from voicecoach.errors import SourcePos
from voicecoach.routine.model import (
    Circuit,
    Cue,
    Cues,
    Exercise,
    Reps,
    Routine,
    Tempo,
    WorkKind,
)
from voicecoach.timeline.compiler import GO_LEAD_MS, compile_routine
from voicecoach.timeline.dryrun import format_lines, format_text, to_json
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.model import EventKind, PhaseKind, Role, Timeline
from voicecoach.timeline.room import GAP_MS


def exercise(name: str = "Band row", **kw: object) -> Exercise:
    base: dict[str, object] = dict(
        work=WorkKind.REPS,
        reps=Reps(3, 3),
        seconds_ms=None,
        sets=2,
        sides=(),
        tempo=Tempo(1000, 0, 1000, 0),
        rest_ms=20_000,
        rest_after_ms=30_000,
        prepare_ms=10_000,
        side_switch_ms=5_000,
        countdown_s=3,
    )
    base.update(kw)
    return Exercise(name=name, **base)  # type: ignore[arg-type]


def routine(*items: Exercise | Circuit, language: str = "en") -> Routine:
    return Routine("Test", warmup=(), exercises=tuple(items), cooldown=(), language=language)


class _Constant:
    """Every phrase lasts the same: layouts become easy to check by hand."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    @property
    def measured(self) -> bool:
        return True

    def duration_ms(self, text: str) -> int:
        return self.ms


def lines(tl: Timeline) -> list[tuple[int, str, str]]:
    return [(e.at_ms, e.kind.value, e.text) for e in tl.events]


def check_invariants(tl: Timeline) -> None:
    assert tl.phases[0].start_ms == 0
    for a, b in zip(tl.phases, tl.phases[1:], strict=False):
        assert a.end_ms == b.start_ms, (a, b)
        assert a.end_ms > a.start_ms
    assert tl.phases[-1].end_ms == tl.total_ms
    assert tl.total_ms == sum(p.duration_ms for p in tl.phases)
    assert [e.at_ms for e in tl.events] == sorted(e.at_ms for e in tl.events)
    for a, b in zip(tl.events, tl.events[1:], strict=False):
        assert a.end_ms + GAP_MS <= b.at_ms, f"{a} overlaps {b}"
    for e in tl.events:
        phase = tl.phases[e.phase_index]
        assert phase.start_ms <= e.at_ms, (e, phase)
        assert e.end_ms <= phase.end_ms, (e, phase)


def test_one_set_of_paced_reps_exact_layout() -> None:
    """A single set: announcement, prepare with countdown, go, counts and turnaround ticks."""
    ex = exercise(sets=1, prepare_ms=5_000)
    tl = compile_routine(routine(ex), _Constant(500))
    check_invariants(tl)
    assert [p.kind for p in tl.phases] == [
        PhaseKind.ANNOUNCE,
        PhaseKind.PREPARE,
        PhaseKind.WORK,
        PhaseKind.DONE,
    ]
    announce_end = 500 + GAP_MS + 500 + 400  # welcome, exercise, tail
    prepare_end = announce_end + 5_000
    work_end = prepare_end + GO_LEAD_MS + 3 * 2000
    assert [(p.start_ms, p.end_ms) for p in tl.phases[:3]] == [
        (0, announce_end),
        (announce_end, prepare_end),
        (prepare_end, work_end),
    ]
    first_rep = prepare_end + GO_LEAD_MS
    # The rep starts with the lowering (the default): the `rep` beep marks it, the count is
    # spoken as the lifting part starts, a second later.
    assert lines(tl)[:12] == [
        (0, "speak", "Test. Let's begin."),
        (600, "speak", "Band row. 3 reps."),
        (announce_end, "speak", "Get into position."),
        (prepare_end - 3000, "beep", "tick"),
        (prepare_end - 2000, "beep", "tick"),
        (prepare_end - 1000, "beep", "tick"),
        (prepare_end, "beep", "go"),
        (first_rep, "beep", "rep"),
        (first_rep + 1000, "speak", "one"),
        (first_rep + 2000, "beep", "rep"),
        (first_rep + 3000, "speak", "two"),
        (first_rep + 4000, "beep", "rep"),
    ]
    done = tl.phases[-1]
    assert lines(tl)[-2:] == [
        (done.start_ms, "beep", "finish"),
        (
            done.start_ms + BEEP_MS[Beep.FINISH] + GAP_MS,
            "speak",
            "Workout complete: 1 minute. Well done.",
        ),
    ]


def test_sets_rest_and_setup_cues_before_the_countdown() -> None:
    """Between sets: the rest beep, 'Rest', a time call, then the setup cue and the next set's
    call with its target just before the ticks."""
    ex = exercise(rest_ms=40_000, cues=Cues(setup=(Cue("Brace."),)))
    tl = compile_routine(routine(ex), _Constant(500))
    check_invariants(tl)
    rest = next(p for p in tl.phases if p.kind is PhaseKind.REST)
    events = [(e.at_ms - rest.start_ms, e.text) for e in tl.events_in(rest)]
    assert events == [
        (0, "rest"),
        (BEEP_MS[Beep.REST] + GAP_MS, "Rest, 40 seconds."),
        (30_000, "10 seconds, get ready."),
        (40_000 - 3000 - GAP_MS - 500 - GAP_MS - 500, "Brace."),
        (40_000 - 3000 - GAP_MS - 500, "Set 2 of 2: 3 reps."),
        (37_000, "tick"),
        (38_000, "tick"),
        (39_000, "tick"),
    ]


def test_sides_get_a_switch_phase() -> None:
    ex = exercise(sets=1, sides=("left", "right"))
    tl = compile_routine(routine(ex), _Constant(500))
    check_invariants(tl)
    kinds = [p.kind for p in tl.phases]
    assert kinds == [
        PhaseKind.ANNOUNCE,
        PhaseKind.PREPARE,
        PhaseKind.WORK,
        PhaseKind.SWITCH,
        PhaseKind.WORK,
        PhaseKind.DONE,
    ]
    assert [p.side for p in tl.phases if p.is_work] == ["left", "right"]
    switch = tl.phases[3]
    assert [e.text for e in tl.events_in(switch)] == [
        "stop",
        "Switch: right side.",
        "tick",
        "tick",
        "tick",
    ]
    assert tl.set_count() == 1


def test_hold_has_halfway_ten_seconds_left_and_finish_cue() -> None:
    ex = exercise(
        "Plank",
        work=WorkKind.HOLD,
        reps=None,
        seconds_ms=40_000,
        sets=1,
        cues=Cues(finish=(Cue("Nearly there."),)),
    )
    tl = compile_routine(routine(ex), _Constant(500))
    check_invariants(tl)
    hold = next(p for p in tl.phases if p.kind is PhaseKind.HOLD)
    events = [(e.at_ms - hold.start_ms, e.text, e.role) for e in tl.events_in(hold)]
    assert events == [
        (0, "go", Role.BEEP),
        (20_000, "Halfway.", Role.ENGINE),
        (30_000, "Ten seconds left.", Role.ENGINE),
        (35_000, "Nearly there.", Role.FINISH),
    ]


def test_during_cues_rotate_across_sets_and_avoid_counts() -> None:
    ex = exercise(
        reps=Reps(8, 10),
        sets=3,
        tempo=Tempo(2000, 0, 2000, 0),
        cues=Cues(during=(Cue("A."), Cue("B."), Cue("C."))),
    )
    tl = compile_routine(routine(ex), _Constant(500))
    check_invariants(tl)
    during = [
        (tl.phases[e.phase_index].set_number, e.text) for e in tl.events if e.role is Role.DURING
    ]
    # 36 s of reps: three cues a set, rotating through the list across sets.
    assert during == [(1, "A."), (1, "B."), (1, "C."), (2, "A."), (2, "B."), (2, "C."),
                      (3, "A."), (3, "B."), (3, "C.")]  # fmt: skip


class _Lengths:
    """Counts take 300 ms, every other phrase `ms`."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    @property
    def measured(self) -> bool:
        return True

    def duration_ms(self, text: str) -> int:
        return 300 if text in ("one", "two", "three") else self.ms


def test_cue_too_long_for_a_rep_is_said_before_the_set_instead() -> None:
    """A `during` cue that fits inside no rep is not lost: it is said before the first set."""
    pos = SourcePos("r.yaml", 7, 15)
    ex = exercise(sets=2, tempo=Tempo(500, 0, 500, 0), cues=Cues(during=(Cue("Long cue.", pos),)))
    tl = compile_routine(routine(ex), _Lengths(2_000))
    check_invariants(tl)
    said = [(tl.phases[e.phase_index].kind, e.role) for e in tl.events if e.text == "Long cue."]
    assert said[0] == (PhaseKind.PREPARE, Role.DURING)
    assert all(kind is not PhaseKind.WORK for kind, _ in said)
    assert tl.warnings == ()


def test_finish_cue_that_fits_nowhere_is_dropped_with_a_located_warning() -> None:
    pos = SourcePos("r.yaml", 9, 15)
    ex = exercise(sets=2, cues=Cues(finish=(Cue("Last one.", pos),)))
    tl = compile_routine(routine(ex), _Lengths(5_000))
    check_invariants(tl)
    assert not [e for e in tl.events if e.role is Role.FINISH]
    (warning,) = tl.warnings
    assert warning.times == 2
    assert str(warning) == (
        "r.yaml:9:15: warning: cue 'Last one.' needs 5.0 s but the last rep of Band row, set 1 "
        "of 2 has at most 0.5 s free; dropped there (2 times)"
    )


def test_circuit_rounds_and_rests() -> None:
    a = exercise("Row", sets=1)
    b = exercise("Plank", work=WorkKind.HOLD, reps=None, seconds_ms=10_000, sets=1)
    circuit = Circuit("Core", 2, (a, b), rest_ms=5_000, rest_between_rounds_ms=15_000,
                      rest_after_ms=90_000)  # fmt: skip
    tl = compile_routine(routine(circuit), _Constant(500))
    check_invariants(tl)
    work = [(p.exercise, p.round_number) for p in tl.phases if p.is_work]
    assert work == [("Row", 1), ("Plank", 1), ("Row", 2), ("Plank", 2)]
    rests = [p.duration_ms for p in tl.phases if p.kind is PhaseKind.REST]
    assert rests == [5_000, 15_000, 5_000]
    spoken = [e.text for e in tl.events if e.kind is EventKind.SPEAK and e.role is Role.ENGINE]
    assert spoken[:3] == ["Test. Let's begin.", "Circuit: Core. 2 rounds.", "Round 1 of 2."]
    assert "Round 2 of 2." in spoken


def test_german_phrases_and_counts() -> None:
    ex = exercise("Rudern", sets=2)
    tl = compile_routine(routine(ex, language="de"), _Constant(500))
    spoken = [e.text for e in tl.events if e.kind is EventKind.SPEAK]
    assert spoken[:3] == [
        "Test. Los geht's.",
        "Rudern. 2 Sätze, 3 Wiederholungen.",
        "In Position gehen.",
    ]
    assert [e.text for e in tl.events if e.role is Role.COUNT][:3] == ["eins", "zwei", "drei"]
    assert "Pause, 20 Sekunden." in spoken
    assert "Satz 2 von 2: 3 Wiederholungen." in spoken


def test_dry_run_lines_agree_with_json() -> None:
    ex = exercise(sides=("left", "right"), cues=Cues(during=(Cue("Back straight."),)))
    r = routine(ex)
    tl = compile_routine(r, EstimatedDurations())
    data = to_json(r, tl)
    assert data["total_ms"] == tl.total_ms
    parsed = []
    for line in format_lines(tl):
        time_text, kind, text = line.split(maxsplit=2)
        minutes, rest = time_text.split(":")
        seconds, millis = rest.split(".")
        at = (int(minutes) * 60 + int(seconds)) * 1000 + int(millis)
        parsed.append((at, kind, text))
    from_json = [
        (e["at_ms"], {"speak": "say"}.get(e["kind"], e["kind"]),
         e["text"] if e["kind"] != "phase" else f"[{e['phase']}] {e['text']}")
        for e in data["events"]
    ]  # fmt: skip
    assert parsed == from_json
    json.dumps(data)
    assert format_text(r, tl).splitlines()[0] == "Test"


# -- invariants over generated routines ----------------------------------------------------

words = st.sampled_from(["back", "straight", "brace", "squeeze", "breathe", "slowly", "now"])
cue_texts = st.lists(words, min_size=1, max_size=9).map(lambda ws: " ".join(ws).capitalize() + ".")
cue_lists = st.lists(cue_texts.map(Cue), max_size=3).map(tuple)


@st.composite
def exercises(draw: st.DrawFn, in_circuit: bool = False) -> Exercise:
    work = draw(st.sampled_from(list(WorkKind)))
    low = draw(st.integers(1, 15))
    high = draw(st.integers(low, 15))
    parts = [draw(st.sampled_from([0, 500, 1000, 1500, 2000, 3000])) for _ in range(4)]
    if sum(parts) < 1000:
        parts[2] = 1000
    return Exercise(
        name=draw(st.sampled_from(["Row", "Deadlift", "Plank", "Pull-up"])),
        work=work,
        reps=Reps(low, high) if work is WorkKind.REPS else None,
        seconds_ms=None if work is WorkKind.REPS else draw(st.integers(1, 120)) * 1000,
        sets=1 if in_circuit else draw(st.integers(1, 4)),
        sides=draw(st.sampled_from([(), ("left", "right")])),
        tempo=Tempo(*parts),
        rest_ms=draw(st.integers(0, 90)) * 1000,
        rest_after_ms=draw(st.integers(0, 120)) * 1000,
        prepare_ms=draw(st.integers(0, 20)) * 1000,
        side_switch_ms=draw(st.integers(0, 10)) * 1000,
        countdown_s=draw(st.integers(0, 5)),
        weight=draw(st.sampled_from([None, "light band", "20 kg"])),
        cues=Cues(
            intro=draw(cue_lists),
            setup=draw(cue_lists),
            during=draw(cue_lists),
            finish=draw(cue_lists),
        ),
    )


@st.composite
def routines(draw: st.DrawFn) -> Routine:
    def item() -> Exercise | Circuit:
        if draw(st.booleans()) and draw(st.booleans()):
            members = tuple(draw(st.lists(exercises(in_circuit=True), min_size=1, max_size=3)))
            return Circuit(
                "Circuit",
                draw(st.integers(1, 3)),
                members,
                rest_ms=draw(st.integers(0, 30)) * 1000,
                rest_between_rounds_ms=draw(st.integers(0, 60)) * 1000,
                rest_after_ms=draw(st.integers(0, 90)) * 1000,
            )
        return draw(exercises())

    return Routine(
        "Generated",
        warmup=tuple(item() for _ in range(draw(st.integers(0, 1)))),
        exercises=tuple(item() for _ in range(draw(st.integers(1, 3)))),
        cooldown=tuple(item() for _ in range(draw(st.integers(0, 1)))),
        language=draw(st.sampled_from(["en", "de"])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routines(), st.sampled_from([80, 170, 400]))
def test_any_routine_compiles_to_a_consistent_timeline(r: Routine, rate: int) -> None:
    """Phases back to back, events ordered, inside their phase, never overlapping."""
    tl = compile_routine(r, EstimatedDurations(rate))
    check_invariants(tl)
    for phase in tl.phases:
        if phase.kind is PhaseKind.WORK and phase.reps:
            counts = [e for e in tl.events_in(phase) if e.role is Role.COUNT]
            assert len(counts) <= phase.reps
    assert tl.set_count() == sum(
        (e.sets if isinstance(it, Exercise) else it.rounds)
        for _, items in r.sections()
        for it in items
        for e in ((it,) if isinstance(it, Exercise) else it.exercises)
    )


@settings(max_examples=30, deadline=None)
@given(routines())
def test_compiling_is_pure(r: Routine) -> None:
    """The same routine and durations give the same timeline."""
    assert compile_routine(r, EstimatedDurations()) == compile_routine(r, EstimatedDurations())


@pytest.mark.parametrize(
    ("text", "longer_than"),
    [
        pytest.param("Back straight.", "Go.", id="more-words-longer"),
        pytest.param("One, two, three.", "One two three.", id="commas-pause"),
    ],
)
def test_estimates_grow_with_words_and_pauses(text: str, longer_than: str) -> None:
    est = EstimatedDurations()
    assert est.duration_ms(text) > est.duration_ms(longer_than)
    assert EstimatedDurations(85).duration_ms(text) > est.duration_ms(text)


def test_warning_rounds_the_need_up_and_the_room_down() -> None:
    """2201 ms needed in 2199 ms of room must not read as '2.2 s but at most 2.2 s'."""
    from voicecoach.timeline.model import CueWarning

    warning = CueWarning("Rücken gerade.", None, 2201, 2199, "Diagonalstütz, links")
    assert str(warning) == (
        "warning: cue 'Rücken gerade.' needs 2.3 s but Diagonalstütz, links has at most "
        "2.1 s free; dropped there"
    )
