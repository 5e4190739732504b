"""Playing version 2 structures on a fake clock, with the keys pressed: Enter ends an open AMRAP
set, records typed reps, marks the rounds of an AMRAP block; intervals and EMOM play on time."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from voicecoach.beeps import Beep
from voicecoach.clip import Clip
from voicecoach.history.recorder import SafeRecorder
from voicecoach.history.store import HistoryStore
from voicecoach.outcome import Outcome
from voicecoach.playback.display import LiveDisplay
from voicecoach.playback.player import Done, Player, Summary
from voicecoach.routine.loader import load_routine_text
from voicecoach.session.run import HistoryRecorder
from voicecoach.testing import FakeClock, FakeKeys
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.model import Amrap, Phase, PhaseKind, Role, Timeline

START = 1000.0
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


class Durations:
    measured = True

    def duration_ms(self, text: str) -> int:
        return 300 + 40 * len(text)


def clip_for(text: str) -> Clip:
    data = text.encode("utf-8")
    return Clip(data.ljust(2 * ((len(data) + 1) // 2), b"\0"), 22050)


class Clips:
    def get(self, text: str) -> Clip | None:
        return clip_for(text)


class Sink:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.played: list[tuple[int, str]] = []

    def play(self, clip: Clip) -> None:
        at = round((self.clock.now() - START) * 1000)
        self.played.append((at, clip.frames.rstrip(b"\0").decode("utf-8")))

    def stop(self) -> None:
        pass


class Recorder:
    def __init__(self) -> None:
        self.sets: list[tuple[str | None, int | None, bool, int | None, bool]] = []

    def set_finished(self, phase: Phase, *, skipped: bool, done: Done) -> None:
        # What an AMRAP phase reached: the rounds of a block, the reps of a set.
        reached = done.rounds if phase.amrap is Amrap.ROUNDS else done.reps if phase.amrap else None
        self.sets.append((phase.exercise, phase.set_number, skipped, reached, phase.warmup))

    def set_corrected(self, phase: Phase, done: Done) -> None:
        raise AssertionError(f"nothing is typed after a set here, yet {phase.label} was corrected")


BEEPS = {beep: clip_for(beep.value) for beep in Beep}


def timeline(text: str) -> Timeline:
    routine = load_routine_text(textwrap.dedent(text), filename="routine.yaml")
    return compile_routine(routine, Durations())


def play(
    tl: Timeline, presses: list[tuple[float, str]] | None = None
) -> tuple[Player, Sink, Recorder, Summary]:
    clock = FakeClock(START, [(START + t, k) for t, k in (presses or [])])
    sink = Sink(clock)
    recorder = Recorder()
    player = Player(
        tl,
        clips=Clips(),
        beeps=BEEPS,
        sink=sink,
        clock=clock,
        keys=FakeKeys(clock),
        recorder=recorder,
    )
    return player, sink, recorder, player.run()


def work(tl: Timeline) -> list[Phase]:
    return [p for p in tl.phases if p.is_work]


OPEN = """
    name: Max push-ups
    exercises:
      - {name: Push-ups, reps: max, sets: 2, rest: 30}
"""


def test_enter_ends_an_open_amrap_set_and_records_the_count_reached() -> None:
    tl = timeline(OPEN)
    first = work(tl)[0]
    counts = [e for e in tl.events_in(first) if e.role is Role.COUNT]
    press = (counts[11].at_ms + 500) / 1000  # just after "twelve"
    _, sink, recorder, summary = play(tl, [(press, "\n")])
    assert recorder.sets[0] == ("Push-ups", 1, False, 12, False)
    # The rest starts at the press, not where the 100-rep cap would have ended the set.
    assert (round(press * 1000), "rest") in sink.played
    assert summary.outcome is Outcome.COMPLETED
    assert summary.sets_done == 2
    assert [s[3] for s in recorder.sets] == [12, 100]  # the second set ran to the cap


def test_digits_typed_before_enter_are_the_reps_recorded() -> None:
    tl = timeline(OPEN)
    first = work(tl)[0]
    at = (first.start_ms + 20_000) / 1000
    _, _, recorder, _ = play(tl, [(at, "1"), (at + 0.2, "5"), (at + 0.4, "\r")])
    assert recorder.sets[0][3] == 15


def test_reps_typed_in_a_timed_amrap_set_are_recorded_when_it_ends() -> None:
    tl = timeline("name: T\nexercises: [{name: Squats, reps: max, duration: 60}]")
    (set_,) = work(tl)
    at = (set_.start_ms + 40_000) / 1000
    _, sink, recorder, summary = play(tl, [(at, "2"), (at + 0.1, "4"), (at + 0.2, "\n")])
    assert recorder.sets == [("Squats", 1, False, 24, False)]
    assert summary.position_ms == tl.total_ms  # nothing was cut short
    assert (set_.end_ms, "finish") in sink.played


def test_enter_marks_the_rounds_of_an_amrap_block() -> None:
    tl = timeline(
        """
        name: Cindy
        exercises:
          - circuit: Cindy
            amrap: 120
            exercises: [{name: Pull-up, reps: 5}, {name: Push-up, reps: 10}]
        """
    )
    (block,) = work(tl)
    assert block.amrap is Amrap.ROUNDS
    presses = [((block.start_ms + s * 1000) / 1000, "\n") for s in (35, 70, 105)]
    _, sink, recorder, summary = play(tl, presses)
    assert recorder.sets == [("Cindy", 1, False, 3, False)]
    said = [text for _, text in sink.played if text == block.on_enter]
    assert len(said) == 3
    assert summary.position_ms == tl.total_ms


def test_intervals_play_on_time_and_pause_keeps_the_rest_whole() -> None:
    tl = timeline(
        """
        name: Tabata
        exercises:
          - circuit: Tabata
            style: intervals
            rounds: 3
            rest: 10
            exercises: [{name: Squats, duration: 20}, {name: Push-ups, duration: 20}]
        """
    )
    sets = work(tl)
    pause_at = (sets[2].start_ms + 5000) / 1000
    _, sink, recorder, summary = play(tl, [(pause_at, " "), (pause_at + 30, " ")])
    assert summary.outcome is Outcome.COMPLETED
    assert summary.sets_done == 6
    assert [s[0] for s in recorder.sets] == ["Squats", "Push-ups"] * 3
    before = [(e.at_ms, e.text) for e in tl.events if e.at_ms < sets[2].start_ms + 5000]
    assert sink.played[: len(before)] == before


def test_emom_plays_every_interval_and_n_skips_one() -> None:
    tl = timeline(
        """
        name: EMOM
        exercises:
          - circuit: Minute
            every: 30
            rounds: 3
            exercises: [{name: Burpees, reps: 5}]
        """
    )
    sets = work(tl)
    assert [p.start_ms - sets[0].start_ms for p in sets] == [0, 30_000, 60_000]
    skip_at = (sets[1].start_ms + 2000) / 1000
    _, _, recorder, summary = play(tl, [(skip_at, "n")])
    assert [(s[2]) for s in recorder.sets] == [False, True, False]
    assert summary.sets_done == 2
    assert summary.sets_skipped == 1


def test_enter_outside_an_amrap_phase_changes_nothing() -> None:
    tl = timeline("name: R\nexercises: [{name: Row, reps: 3, sets: 2, rest: 20}]")
    _, sink, recorder, summary = play(tl, [(5.0, "\n"), (30.0, "\n")])
    assert [(e.at_ms, e.text) for e in tl.events] == sink.played
    assert summary.sets_done == 2
    assert [s[3] for s in recorder.sets] == [None, None]


def test_warmup_sets_are_recorded_but_not_counted_in_the_summary() -> None:
    tl = timeline(
        """
        name: Ramp
        exercises:
          - name: Squat
            reps: 3
            weight: 100 kg
            sets: [{weight: 40 kg, warmup: true, rest: 20}, {rest: 20}, {}]
        """
    )
    _, _, recorder, summary = play(tl)
    assert [s[4] for s in recorder.sets] == [True, False, False]
    assert (summary.sets_done, summary.sets_total) == (2, 2)
    assert tl.phases[work(tl)[0].index].kind is PhaseKind.WORK


def test_live_panel_shows_the_enter_key_in_amrap_phases() -> None:
    tl = timeline(
        """
        name: Panel
        exercises:
          - {name: Push-ups, reps: max}
          - circuit: Cindy
            amrap: 60
            exercises: [{name: Pull-up, reps: 5}]
        """
    )
    open_set, block = work(tl)
    display = LiveDisplay(tl, title="Panel")
    try:
        display.phase(open_set, tl.phases[open_set.index + 1])
        counts = [e for e in tl.events_in(open_set) if e.role is Role.COUNT]
        for event in counts[:3]:
            display.event(event, played=True)
        open_lines = display.render_text().splitlines()
        display.phase(block, None)
        block_lines = display.render_text().splitlines()
        display.message("2 rounds done")
        message = display.render_text().splitlines()[-1]
    finally:
        display.close()
    assert open_lines[3].endswith("rep 3, as many as you can")
    assert open_lines[-1] == (
        "keys: space pause · n next · b back · w weight · q quit · Enter: set done "
        "(type the reps first to record them)"
    )
    assert (
        block_lines[-1]
        == "keys: space pause · n next · b back · w weight · q quit · Enter: round done"
    )
    assert message == "2 rounds done"


def test_what_the_structures_reached_goes_into_the_history(tmp_path: Path) -> None:
    """Played on the fake clock into a real history file: the AMRAP count and rounds, the
    warm-up flag, and a session total without the warm-up set."""
    tl = timeline(
        """
        name: Recorded
        exercises:
          - name: Push-ups
            reps: 5
            sets: [{warmup: true, rest: 20}, {reps: max}]
          - circuit: Cindy
            amrap: 60
            exercises: [{name: Pull-up, reps: 5}]
        """
    )
    warmup, open_set, block = work(tl)
    counts = [e for e in tl.events_in(open_set) if e.role is Role.COUNT]
    press = (counts[6].at_ms + 300) / 1000  # after "seven"
    shift = open_set.end_ms / 1000 - press  # the session goes on earlier by this much
    rounds = [(block.start_ms / 1000 - shift + s, "\n") for s in (20, 40)]
    clock = FakeClock(START, [(START + t, k) for t, k in [(press, "\n"), *rounds]])
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        safe = SafeRecorder(store, warn=pytest.fail)
        sid = safe.start_session(
            routine_name="Recorded", routine_path=None, content_hash=None, started_at=T0
        )
        recorder = HistoryRecorder(safe, sid, lambda: T0)
        player = Player(
            tl,
            clips=Clips(),
            beeps=BEEPS,
            sink=Sink(clock),
            clock=clock,
            keys=FakeKeys(clock),
            recorder=recorder,
        )
        summary = player.run()
        safe.end_session(sid, status=summary.outcome, ended_at=T0)
        rows = store.sets_for(sid)
        (session,) = store.recent_sessions(None)
    assert [(r.exercise, r.warmup, r.reps, r.rounds) for r in rows] == [
        ("Push-ups", True, 5, None),
        ("Push-ups", False, 7, None),
        ("Cindy", False, None, 2),
    ]
    assert session.sets_done == 2
    assert summary.sets_done == 2
    assert warmup.warmup
