"""What was done, recorded per set: hands-free targets, reps typed on the terminal during a set or
in the rest after it, a new weight for the next sets, all on a fake clock into a real history
file, and what the live panel says will be recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from voicecoach.clip import Clip
from voicecoach.history.recorder import SafeRecorder
from voicecoach.history.store import Entered, HistoryStore
from voicecoach.playback.keyinput import Key, KeyInput, Mark, Number
from voicecoach.playback.player import Player
from voicecoach.routine.loader import load_routine_text
from voicecoach.session.run import HistoryRecorder
from voicecoach.testing import FakeClock, FakeKeys, RecordingSink
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.language import language_for
from voicecoach.timeline.model import Phase, PhaseKind, Timeline

ROUTINE = """\
name: Typed
defaults: {prepare: 5, countdown: 1, rest: 30, rest_after: 20, tempo: 1-0-1-0}
exercises:
  - {name: Deadlift, sets: 3, reps: [8, 10], weight: 40 kg}
  - {name: Plank, sets: 1, hold: 30}
"""
START = 1000.0
T0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


class NoClips:
    def get(self, text: str) -> Clip | None:
        return None


def work(timeline: Timeline, exercise: str, number: int) -> Phase:
    return next(
        p
        for p in timeline.phases
        if p.is_work and p.exercise == exercise and p.set_number == number
    )


def after(phase: Phase, timeline: Timeline) -> Phase:
    return timeline.phases[phase.index + 1]


def typing(at_ms: int, text: str) -> list[tuple[float, str]]:
    """Keys typed one every 100 ms from `at_ms` of the timeline."""
    return [(START + (at_ms + 100 * i) / 1000, key) for i, key in enumerate(text)]


def test_typed_reps_and_weight_are_recorded_exactly(tmp_path: Path) -> None:
    routine = load_routine_text(ROUTINE, filename="typed.yaml")
    timeline = compile_routine(routine, EstimatedDurations())
    set1, set2, set3 = (work(timeline, "Deadlift", n) for n in (1, 2, 3))
    plank = work(timeline, "Plank", 1)
    rest1 = after(set1, timeline)
    assert rest1.kind is PhaseKind.REST
    presses = [
        # In the rest after set 1: 9 reps, typed with a slip taken back by Backspace.
        *typing(rest1.start_ms + 2000, "97\x7f\n"),
        # During set 2: w, then the weight of this set and the next ones.
        *typing(set2.start_ms + 1000, "w42.5\n"),
        # During set 3: 8 reps, recorded when the set ends.
        *typing(set3.start_ms + 1000, "8\r"),
        # Right after the plank (the workout's end phase): it was held 25 seconds.
        *typing(plank.end_ms + 500, "25\n"),
    ]
    clock = FakeClock(START, presses)
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(path) as store:
        safe = SafeRecorder(store, warn=lambda message: None)
        sid = safe.start_session(
            routine_name=routine.name, routine_path=None, content_hash=None, started_at=T0
        )
        minutes = iter(range(1, 100))
        recorder = HistoryRecorder(safe, sid, lambda: T0 + timedelta(minutes=next(minutes)))
        player = Player(
            timeline,
            clips=NoClips(),
            beeps={},
            sink=RecordingSink(clock.now),
            clock=clock,
            keys=FakeKeys(clock),
            recorder=recorder,
        )
        summary = player.run()
        assert sid is not None
        rows = [
            (s.exercise, s.set_number, s.planned_reps, s.reps, s.planned_weight, s.weight)
            for s in store.sets_for(sid)
        ]
        holds = [(s.planned_seconds, s.seconds, s.entered.value) for s in store.sets_for(sid)]
    assert summary.sets_done == 4
    assert rows == [
        ("Deadlift", 1, 10, 9, "40 kg", "40 kg"),
        ("Deadlift", 2, 10, 10, "40 kg", "42.5 kg"),
        ("Deadlift", 3, 10, 8, "40 kg", "42.5 kg"),
        ("Plank", 1, None, None, None, None),
    ]
    assert holds == [(None, None, "typed")] * 3 + [(30.0, 25.0, "typed")]


def test_hands_free_records_the_targets(tmp_path: Path) -> None:
    routine = load_routine_text(ROUTINE, filename="typed.yaml")
    timeline = compile_routine(routine, EstimatedDurations())
    clock = FakeClock(START)
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        safe = SafeRecorder(store, warn=lambda message: None)
        sid = safe.start_session(
            routine_name=routine.name, routine_path=None, content_hash=None, started_at=T0
        )
        player = Player(
            timeline,
            clips=NoClips(),
            beeps={},
            sink=RecordingSink(clock.now),
            clock=clock,
            recorder=HistoryRecorder(safe, sid, lambda: T0),
        )
        player.run()
        assert sid is not None
        done = [(s.reps, s.weight, s.seconds, s.entered) for s in store.sets_for(sid)]
    assert done == [(10, "40 kg", None, Entered.TARGET)] * 3 + [(None, None, 30.0, Entered.TARGET)]


class Panel:
    """A display that keeps what the live panel would show of the record, and the messages."""

    def __init__(self) -> None:
        self.records: list[str] = []
        self.messages: list[str] = []

    def phase(self, phase: Phase, upcoming: Phase | None) -> None:
        pass

    def event(self, event: object, *, played: bool) -> None:
        pass

    def progress(self, position_ms: int) -> None:
        pass

    def message(self, text: str) -> None:
        self.messages.append(text)

    def retimed(self, timeline: Timeline) -> None:
        pass

    def record(self, text: str) -> None:
        if not self.records or self.records[-1] != text:
            self.records.append(text)


def test_the_panel_shows_what_will_be_recorded() -> None:
    routine = load_routine_text(ROUTINE, filename="typed.yaml")
    timeline = compile_routine(routine, EstimatedDurations())
    rest1 = after(work(timeline, "Deadlift", 1), timeline)
    clock = FakeClock(START, typing(rest1.start_ms + 1000, "9\n"))
    panel = Panel()
    Player(
        timeline,
        clips=NoClips(),
        beeps={},
        sink=RecordingSink(clock.now),
        clock=clock,
        keys=FakeKeys(clock),
        display=panel,  # type: ignore[arg-type]
    ).run()
    assert panel.records[:4] == [
        "Deadlift set 1: 10 reps at 40 kg",
        "Deadlift set 1: 9 reps at 40 kg",
        "Deadlift set 2: 10 reps at 40 kg",
        "Deadlift set 3: 10 reps at 40 kg",
    ]
    assert "reps: 9, Enter records it" in panel.messages
    assert "recorded: Deadlift set 1: 9 reps at 40 kg" in panel.messages


def test_the_panel_speaks_the_routine_s_language_while_numbers_are_typed() -> None:
    """A German routine's panel says what will be recorded, and what was typed, in German."""
    routine = load_routine_text(
        "language: de\n" + ROUTINE.replace("name: Typed", "name: Getippt"), filename="de.yaml"
    )
    timeline = compile_routine(routine, EstimatedDurations())
    rest1 = after(work(timeline, "Deadlift", 1), timeline)
    clock = FakeClock(START, typing(rest1.start_ms + 1000, "9\nw42.5\n"))
    panel = Panel()
    Player(
        timeline,
        clips=NoClips(),
        beeps={},
        sink=RecordingSink(clock.now),
        clock=clock,
        keys=FakeKeys(clock),
        display=panel,  # type: ignore[arg-type]
        words=language_for("de"),
    ).run()
    assert panel.records[:2] == [
        "Deadlift Satz 1: 10 Wiederholungen mit 40 kg",
        "Deadlift Satz 1: 9 Wiederholungen mit 40 kg",
    ]
    assert "Wiederholungen: 9, Enter trägt ein" in panel.messages
    assert "eingetragen: Deadlift Satz 1: 9 Wiederholungen mit 40 kg" in panel.messages
    assert "Gewicht der nächsten Sätze eingeben, dann Enter" in panel.messages
    assert "Deadlift: ab jetzt 42.5 kg" in panel.messages


def test_key_input_numbers_marks_and_keys() -> None:
    keys = KeyInput()
    fed = [keys.feed(c) for c in "12\n\n4,5\rq3\x1b\nx"]
    assert [f for f in fed if f is not None] == [
        Number("12"),
        Mark(),
        Number("4.5"),
        Key("q"),
        Mark(),  # Escape dropped the 3
        Key("x"),
    ]
    assert Number("12").whole == 12
    assert Number("4.5").whole is None
