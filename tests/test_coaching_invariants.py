"""What a coach would check in any session: invariants over generated routines."""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicecoach.routine.model import (
    Circuit,
    CircuitStyle,
    Cue,
    Cues,
    Exercise,
    Reps,
    Routine,
    StartsWith,
    Tempo,
    WorkKind,
)
from voicecoach.timeline.compiler import REPEAT_GAP_MS, TALKING_REST_MS, compile_routine
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.language import language_for
from voicecoach.timeline.model import EventKind, Phase, PhaseKind, Role, Timeline

words = st.sampled_from(["back", "straight", "brace", "squeeze", "breathe", "slowly", "now"])


def cue_lists(tag: str, max_words: int = 6) -> st.SearchStrategy[tuple[Cue, ...]]:
    """Cues of one kind; `tag` keeps the kinds' texts apart, as an author's would be."""
    text = st.lists(words, min_size=1, max_size=max_words).map(
        lambda ws: f"{tag} " + " ".join(ws) + "."
    )
    return st.lists(text.map(Cue), max_size=3, unique_by=lambda c: c.text).map(tuple)


@st.composite
def exercises(draw: st.DrawFn, name: str, in_circuit: bool = False) -> Exercise:
    work = draw(st.sampled_from(list(WorkKind)))
    low = draw(st.integers(1, 12))
    high = draw(st.integers(low, 12))
    parts = [draw(st.sampled_from([0, 500, 1000, 1500, 2000, 3000])) for _ in range(4)]
    if sum(parts) < 1000:
        parts[2] = 1000
    return Exercise(
        name=name,
        work=work,
        reps=Reps(low, high) if work is WorkKind.REPS else None,
        seconds_ms=None if work is WorkKind.REPS else draw(st.integers(1, 120)) * 1000,
        sets=1 if in_circuit else draw(st.integers(1, 4)),
        sides=draw(st.sampled_from([(), ("left", "right")])),
        tempo=Tempo(*parts),
        rest_ms=draw(st.integers(0, 120)) * 1000,
        rest_after_ms=draw(st.integers(0, 120)) * 1000,
        prepare_ms=draw(st.integers(0, 20)) * 1000,
        side_switch_ms=draw(st.integers(0, 10)) * 1000,
        countdown_s=draw(st.integers(0, 5)),
        weight=draw(st.sampled_from([None, "light band", "20 kg"])),
        starts_with=draw(st.sampled_from(list(StartsWith))),
        cues=Cues(
            intro=draw(cue_lists(f"{name} intro", 9)),
            setup=draw(cue_lists(f"{name} setup", 9)),
            before_rep=draw(cue_lists(f"{name} before", 3)),
            during=draw(cue_lists(f"{name} during", 3)),
            finish=draw(cue_lists(f"{name} finish", 2)),
        ),
    )


@st.composite
def routines(draw: st.DrawFn) -> Routine:
    names = iter(["Row", "Deadlift", "Plank", "Pull-up", "Squat", "Bridge", "Hang", "Raise"] * 4)

    def item() -> Exercise | Circuit:
        if draw(st.booleans()) and draw(st.booleans()):
            size = draw(st.integers(1, 3))
            members = tuple(draw(exercises(next(names), in_circuit=True)) for _ in range(size))
            style = draw(st.sampled_from([CircuitStyle.STANDARD, CircuitStyle.INTERVALS]))
            return Circuit(
                "Circuit",
                draw(st.integers(1, 3)),
                members,
                rest_ms=draw(st.integers(0, 45)) * 1000,
                rest_between_rounds_ms=draw(st.integers(0, 120)) * 1000,
                rest_after_ms=draw(st.integers(0, 90)) * 1000,
                style=style,
            )
        return draw(exercises(next(names)))

    return Routine(
        "Generated",
        warmup=tuple(item() for _ in range(draw(st.integers(0, 1)))),
        exercises=tuple(item() for _ in range(draw(st.integers(1, 3)))),
        cooldown=tuple(item() for _ in range(draw(st.integers(0, 1)))),
        language=draw(st.sampled_from(["en", "de", "fr"])),
    )


@functools.cache
def _time_calls(language: str) -> frozenset[str]:
    words = language_for(language)
    return frozenset({words.get_ready_soon, *(words.time_left(s * 1000) for s in range(1, 901))})


@functools.cache
def _rest_calls(language: str) -> frozenset[str]:
    """ "Rest, one minute thirty." for every length: a long rest says how long it is."""
    words = language_for(language)
    return frozenset(words.rest(s * 1000) for s in range(1, 901))


def _exercise(r: Routine, phase: Phase) -> Exercise:
    assert phase.exercise_index is not None
    return r.all_exercises()[phase.exercise_index]


def _lifts(r: Routine, phase: Phase) -> list[int]:
    """When the lifting part of each rep starts, by the rep model."""
    ex = _exercise(r, phase)
    t = ex.tempo
    first = phase.start_ms + 500
    offset = 0 if ex.starts_with is StartsWith.LIFT else t.eccentric_ms + t.bottom_ms
    assert ex.reps is not None
    return [first + i * t.rep_ms + offset for i in range(ex.reps.high)]


def _reps(r: Routine, phase: Phase) -> list[tuple[int, int]]:
    """Each rep's movement: from the start of its first moving part to the end of its last."""
    ex = _exercise(r, phase)
    t = ex.tempo
    assert ex.reps is not None
    out = []
    for i in range(ex.reps.high):
        start = phase.start_ms + 500 + i * t.rep_ms
        if ex.starts_with is StartsWith.LIFT:
            # lift, top, lower; the bottom pause is the rest position between reps
            out.append((start, start + t.concentric_ms + t.top_ms + t.eccentric_ms))
        else:
            # lower, bottom, lift; the top pause is the rest position
            out.append((start, start + t.eccentric_ms + t.bottom_ms + t.concentric_ms))
    return out


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(routines(), st.sampled_from([80, 170, 400]))
def test_a_coach_would_sign_this_session(r: Routine, rate: int) -> None:
    """Counts as each lift starts; no before_rep cue inside a rep; every first set's setup cue
    said; no phrase but a count said twice within the repeat gap (what must be said aside);
    every rest of 30 s or more has a time call; every label in the routine's language."""
    tl = compile_routine(r, EstimatedDurations(rate))
    words = language_for(r.language)
    english = language_for("en")
    for phase in tl.phases:
        events = list(tl.events_in(phase))
        spoken = [e for e in events if e.kind is EventKind.SPEAK]
        if phase.kind is PhaseKind.WORK and phase.reps and phase.block is None:
            counts = [e.at_ms for e in spoken if e.role is Role.COUNT]
            assert counts == _lifts(r, phase), phase.label
            reps = _reps(r, phase)
            for e in spoken:
                if e.role is Role.BEFORE_REP:
                    assert all(e.end_ms <= a or e.at_ms >= b for a, b in reps), (e, phase.label)
        if phase.kind is PhaseKind.PREPARE:
            setup = _exercise(r, phase).cues.setup
            said = [e.text for e in spoken if e.role is Role.SETUP]
            assert said == [c.text for c in setup], phase.label
        if phase.kind is PhaseKind.REST and phase.duration_ms >= TALKING_REST_MS:
            calls = _time_calls(r.language)
            assert any(e.text in calls for e in spoken), phase.label
            assert any(e.text in _rest_calls(r.language) for e in spoken), phase.label
        # Labels from the language's table: the phase names and the fixed labels.
        fixed = {
            PhaseKind.REST: words.rest_label,
            PhaseKind.SWITCH: words.switch_label,
            PhaseKind.DONE: words.done_label,
        }
        if phase.kind in fixed:
            assert phase.label == fixed[phase.kind]
        if phase.kind is PhaseKind.PREPARE:
            # A block gets ready for the whole circuit.
            name = "Circuit" if phase.block is not None else phase.exercise or ""
            assert phase.label == words.get_ready_label(name)
        if phase.is_work:
            assert phase.label.startswith(
                words.labelled(words.place(phase.exercise or "", phase.place), "")
            )
        if r.language != "en" and phase.kind in fixed:
            assert (
                phase.label
                != {
                    PhaseKind.REST: english.rest_label,
                    PhaseKind.SWITCH: english.switch_label,
                    PhaseKind.DONE: english.done_label,
                }[phase.kind]
            )
    _no_repeats_within_the_gap(tl)


def _no_repeats_within_the_gap(tl: Timeline) -> None:
    """Anything but a count is said again only REPEAT_GAP_MS later, except what must be said:
    a set's call, the setup cues before a first set, an exercise's announcement and a block's
    own calls (its rhythm: the name at each work, "Rest.", the next name, the time left)."""
    last: dict[str, int] = {}
    for e in tl.events:
        if e.kind is not EventKind.SPEAK or e.role is Role.COUNT:
            continue
        phase = tl.phases[e.phase_index]
        must = (
            e.role is Role.SET
            or (e.role is Role.SETUP and phase.kind is PhaseKind.PREPARE)
            or (phase.kind is PhaseKind.ANNOUNCE and e.text.startswith(f"{phase.exercise}. "))
            or (phase.block is not None and e.role is Role.ENGINE)
        )
        if e.text in last and not must:
            assert e.at_ms - last[e.text] >= REPEAT_GAP_MS, (e, last[e.text])
        last[e.text] = e.at_ms
