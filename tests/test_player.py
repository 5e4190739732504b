"""The player's logic on a fake clock: timing, pause, skip, back, quit and interruption."""

from __future__ import annotations

import pytest

from voicecoach.clip import Clip
from voicecoach.outcome import Outcome
from voicecoach.playback.player import Done, Player
from voicecoach.routine.model import Cue, Cues, Exercise, Reps, Routine, Tempo, WorkKind
from voicecoach.testing import FakeClock, FakeKeys
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.model import EventKind, Phase, PhaseKind, Timeline

START = 1000.0


class Durations:
    measured = True

    def duration_ms(self, text: str) -> int:
        return 300 + 40 * len(text)


def clip_for(text: str) -> Clip:
    """A distinct clip per text, so the sink can tell what it was asked to play."""
    return Clip(text.encode("utf-8").ljust(2 * ((len(text.encode()) + 1) // 2), b"\0"), 22050)


class Clips:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def get(self, text: str) -> Clip | None:
        self.asked.append(text)
        return clip_for(text)


class Sink:
    """Records what was played and when, on the fake clock, in timeline milliseconds."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.played: list[tuple[int, str]] = []
        self.stops = 0

    def play(self, clip: Clip) -> None:
        at = round((self.clock.now() - START) * 1000)
        self.played.append((at, clip.frames.rstrip(b"\0").decode("utf-8")))

    def stop(self) -> None:
        self.stops += 1


class Recorder:
    def __init__(self) -> None:
        self.sets: list[tuple[str | None, int | None, str | None, bool]] = []

        self.done: list[tuple[int, Done]] = []
        self.corrected: list[tuple[int, Done]] = []

    def set_finished(self, phase: Phase, *, skipped: bool, done: Done) -> None:
        self.sets.append((phase.exercise, phase.set_number, phase.side, skipped))
        self.done.append((phase.index, done))

    def set_corrected(self, phase: Phase, done: Done) -> None:
        self.corrected.append((phase.index, done))


BEEPS = {name: clip_for(name) for name in ("tick", "go", "stop", "rest", "rep", "finish")}


def make_routine() -> Routine:
    row = Exercise(
        name="Row",
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
        cues=Cues(setup=(Cue("Brace."),), during=(Cue("Back straight."),)),
    )
    plank = Exercise(
        name="Plank",
        work=WorkKind.HOLD,
        reps=None,
        seconds_ms=30_000,
        sets=1,
        sides=("left", "right"),
        tempo=Tempo(1000, 0, 1000, 0),
        rest_ms=20_000,
        rest_after_ms=30_000,
        prepare_ms=10_000,
        side_switch_ms=5_000,
        countdown_s=3,
    )
    return Routine("Test", warmup=(), exercises=(row, plank), cooldown=())


@pytest.fixture
def timeline() -> Timeline:
    return compile_routine(make_routine(), Durations())


def play(
    timeline: Timeline, presses: list[tuple[float, str]] | None = None, start_phase: int = 0
) -> tuple[Player, Sink, Recorder, FakeClock]:
    clock = FakeClock(START, [(START + t, k) for t, k in (presses or [])])
    sink = Sink(clock)
    recorder = Recorder()
    player = Player(
        timeline,
        clips=Clips(),
        beeps=BEEPS,
        sink=sink,
        clock=clock,
        keys=FakeKeys(clock),
        recorder=recorder,
    )
    player.summary = player.run(start_phase)  # type: ignore[attr-defined]
    return player, sink, recorder, clock


def expected(timeline: Timeline, from_ms: int = 0, shift_ms: int = 0) -> list[tuple[int, str]]:
    return [(e.at_ms + shift_ms, e.text) for e in timeline.events if e.at_ms >= from_ms]


def test_whole_session_plays_every_event_at_its_time(timeline: Timeline) -> None:
    """On the fake clock every sound starts exactly at its timeline offset."""
    player, sink, recorder, clock = play(timeline)
    assert sink.played == expected(timeline)
    assert player.summary.outcome is Outcome.COMPLETED  # type: ignore[attr-defined]
    assert max(player.stats.lateness_ms) == 0
    assert round((clock.now() - START) * 1000) == timeline.total_ms
    assert recorder.sets == [
        ("Row", 1, None, False),
        ("Row", 2, None, False),
        ("Plank", 1, "left", False),
        ("Plank", 1, "right", False),
    ]
    assert player.summary.line() == (  # type: ignore[attr-defined]
        f"Workout complete: 3 of 3 sets done in {_clock(timeline.total_ms)}."
    )


def _clock(ms: int) -> str:
    from voicecoach.timetext import clock

    return clock(ms)


class LateClock(FakeClock):
    """Every wake-up comes `lag` seconds late, as on a busy machine."""

    def __init__(self, lag: float) -> None:
        super().__init__(START)
        self.lag = lag

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        result = super().wait_until(deadline, fileno)
        self.advance(self.lag)
        return result


def test_late_wakeups_do_not_add_up(timeline: Timeline) -> None:
    """Absolute deadlines: each event is as late as one wake-up, never the sum of them."""
    clock = LateClock(0.004)
    sink = Sink(clock)
    player = Player(timeline, clips=Clips(), beeps=BEEPS, sink=sink, clock=clock)
    player.run()
    assert len(sink.played) == len(timeline.events)
    assert max(player.stats.lateness_ms) == pytest.approx(4, abs=0.01)
    assert player.stats.end_lateness_ms == pytest.approx(4, abs=0.01)


def test_pause_holds_the_session_and_resumes_after_a_countdown(timeline: Timeline) -> None:
    work = next(p for p in timeline.phases if p.kind is PhaseKind.WORK)
    pause_at = work.start_ms + 1200  # between the first count and the first turnaround
    pause_s = pause_at / 1000
    _, sink, _, _ = play(timeline, [(pause_s, " "), (pause_s + 60, " ")])
    before = [p for p in sink.played if p[0] < pause_at]
    assert before == [e for e in expected(timeline) if e[0] < pause_at]
    resumed_at = pause_at + 60_000
    assert sink.played[len(before) :][:4] == [
        (pause_at, "Paused."),
        (resumed_at, "tick"),
        (resumed_at + 1000, "tick"),
        (resumed_at + 2000, "tick"),
    ]
    shift = 63_000
    assert sink.played[len(before) + 4 :] == expected(timeline, pause_at + 1, shift)


def test_skip_jumps_to_the_next_phase_and_records_the_set_as_skipped(timeline: Timeline) -> None:
    first_work = next(p for p in timeline.phases if p.kind is PhaseKind.WORK)
    press = (first_work.start_ms + 1500) / 1000
    player, sink, recorder, _ = play(timeline, [(press, "n")])
    nxt = timeline.phases[first_work.index + 1]
    shift = nxt.start_ms - (first_work.start_ms + 1500)
    assert recorder.sets[0] == ("Row", 1, None, True)
    assert recorder.sets[1:] == [
        ("Row", 2, None, False),
        ("Plank", 1, "left", False),
        ("Plank", 1, "right", False),
    ]
    skipped_to = [p for p in sink.played if p[0] >= first_work.start_ms + 1500]
    assert skipped_to == [
        (at - shift, text) for at, text in expected(timeline, from_ms=nxt.start_ms)
    ]
    assert player.summary.sets_skipped == 1  # type: ignore[attr-defined]


def test_back_redoes_the_current_set_after_a_countdown(timeline: Timeline) -> None:
    first_work = next(p for p in timeline.phases if p.kind is PhaseKind.WORK)
    press_ms = first_work.start_ms + 2500
    _, sink, recorder, _ = play(timeline, [(press_ms / 1000, "b")])
    after = [p for p in sink.played if p[0] >= press_ms]
    assert after[:3] == [(press_ms, "tick"), (press_ms + 1000, "tick"), (press_ms + 2000, "tick")]
    restart = press_ms + 3000
    redo = list(timeline.events_in(first_work))
    assert after[3 : 3 + len(redo)] == [
        (restart + e.at_ms - first_work.start_ms, e.text) for e in redo
    ]
    assert recorder.sets[0] == ("Row", 1, None, False)
    assert len(recorder.sets) == 4


def test_quit_stops_audio_and_reports(timeline: Timeline) -> None:
    player, sink, _, _ = play(timeline, [(30.0, "q")])
    summary = player.summary  # type: ignore[attr-defined]
    assert summary.outcome is Outcome.QUIT
    assert summary.position_ms == 30_000
    assert sink.stops >= 1
    assert all(at <= 30_000 for at, _ in sink.played)
    assert summary.line().startswith("Quit at 00:30.000 of ")


class InterruptingClock(FakeClock):
    """Raises KeyboardInterrupt (as Ctrl-C or the SIGTERM handler does) at a given time."""

    def __init__(self, at: float) -> None:
        super().__init__(START)
        self.at = START + at

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        if deadline >= self.at:
            super().wait_until(self.at, fileno)
            raise KeyboardInterrupt
        return super().wait_until(deadline, fileno)


def test_interrupt_stops_audio_and_ends_as_interrupted(timeline: Timeline) -> None:
    clock = InterruptingClock(45.0)
    sink = Sink(clock)
    recorder = Recorder()
    player = Player(timeline, clips=Clips(), beeps=BEEPS, sink=sink, clock=clock, recorder=recorder)
    summary = player.run()
    assert summary.outcome is Outcome.INTERRUPTED
    assert summary.position_ms == 45_000
    assert sink.stops == 1
    assert summary.sets_done == len(recorder.sets)


def test_start_at_a_later_phase(timeline: Timeline) -> None:
    plank = next(p for p in timeline.phases if p.exercise == "Plank")
    _, sink, recorder, _ = play(timeline, start_phase=plank.index)
    assert sink.played == expected(timeline, plank.start_ms, -plank.start_ms)
    assert [s[0] for s in recorder.sets] == ["Plank", "Plank"]


def test_missing_clip_is_counted_not_waited_for(timeline: Timeline) -> None:
    class Sparse(Clips):
        def get(self, text: str) -> Clip | None:
            return None if text == "Brace." else clip_for(text)

    clock = FakeClock(START)
    sink = Sink(clock)
    player = Player(timeline, clips=Sparse(), beeps=BEEPS, sink=sink, clock=clock)
    player.run()
    braces = sum(1 for e in timeline.events if e.text == "Brace.")
    assert player.stats.missing_clips == braces
    assert len(sink.played) == len(timeline.events) - braces
    assert all(e.kind is EventKind.SPEAK for e in timeline.events if e.text == "Brace.")


class Longer(Durations):
    """Every phrase 150 ms longer: a different timeline of the same routine."""

    def duration_ms(self, text: str) -> int:
        return super().duration_ms(text) + 150


class OfferingClock(FakeClock):
    """Offers `timeline` to the player at `at` seconds, as the speech thread would."""

    def __init__(self, at: float, timeline: Timeline) -> None:
        super().__init__(START)
        self.at = START + at
        self.timeline = timeline
        self.player: Player | None = None

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        if self.player is not None and self.now() < self.at <= deadline:
            result = super().wait_until(self.at, fileno)
            self.player.offer(self.timeline)
            self.player = None
            return result
        return super().wait_until(deadline, fileno)


def test_a_timeline_that_differs_in_the_current_phase_is_taken_at_the_next_boundary() -> None:
    """The phase playing is finished as planned; the better timeline starts with the next one."""
    routine = make_routine()
    provisional = compile_routine(routine, Durations())
    final = compile_routine(routine, Longer())
    assert provisional.phases[0] != final.phases[0]
    clock = OfferingClock(0.5, final)
    sink = Sink(clock)
    player = Player(provisional, clips=Clips(), beeps=BEEPS, sink=sink, clock=clock)
    clock.player = player
    player.expect_offer()
    summary = player.run()
    boundary = provisional.phases[1].start_ms
    shift = boundary - final.phases[1].start_ms
    assert sink.played == [
        *[(e.at_ms, e.text) for e in provisional.events if e.phase_index == 0],
        *[(e.at_ms + shift, e.text) for e in final.events if e.phase_index >= 1],
    ]
    assert player.stats.offers_taken == 1
    assert summary.total_ms == final.total_ms
    assert player.timeline is final
