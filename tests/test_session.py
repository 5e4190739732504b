"""Running a session in process: the whole run path on a fake clock, the cold-cache start, a
missing speech engine, starting at an exercise, and a second run that synthesizes nothing.

These tests play whole bundled routines on a :class:`FakeClock`, so a 20-minute session takes a
fraction of a second; the real clock, real audio and the terminal are in test_run.py.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from voicecoach.beeps import levelled_beeps
from voicecoach.clip import Clip
from voicecoach.errors import UsageError
from voicecoach.outcome import Outcome
from voicecoach.playback.display import PlainDisplay
from voicecoach.playback.player import Player
from voicecoach.resources import bundled_routines
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Routine
from voicecoach.session.prepare import Finisher, dry_run_timeline, open_speech, plan_session
from voicecoach.session.run import RunOptions, RunResult, run_routine
from voicecoach.speech.cache import PhraseCache
from voicecoach.testing import FakeClock, FakeEngine, RecordingSink, engines
from voicecoach.timeline.dryrun import format_lines
from voicecoach.timeline.language import language_for
from voicecoach.timeline.model import Event, EventKind, Phase, PhaseKind, Timeline
from voicecoach.timeline.seek import find_start

START = 1000.0
ROUTINE = "home-back-basics"
BEEPS = levelled_beeps()


def bundled(name: str = ROUTINE) -> Routine:
    return load_routine(bundled_routines()[name])


def at_ms(seconds: float, start: float = START) -> int:
    """A fake clock reading as milliseconds from the session's start."""
    return round((seconds - start) * 1000)


def played(sink: RecordingSink, names: dict[Clip, str], start: float = START) -> list[Timed]:
    """What the sink was asked to play, as (ms from the start, phrase or beep name)."""
    out = []
    for p in sink.played:
        assert p.at is not None
        out.append((at_ms(p.at, start), names[p.clip]))
    return out


Timed = tuple[int, str]


def timed(events: Iterable[Event], shift_ms: int = 0) -> list[Timed]:
    return [(e.at_ms - shift_ms, e.text) for e in events]


def clip_names(timeline: Timeline, cache: PhraseCache | None) -> dict[Clip, str]:
    """Every clip the session can play, mapped to its phrase or beep name."""
    names = {clip: name for name, clip in BEEPS.items()}
    if cache is not None:
        for text in timeline.phrases():
            clip = cache.get(text)
            assert clip is not None, f"{text!r} is not in the cache"
            assert clip not in names, f"{text!r} sounds like {names.get(clip)!r}"
            names[clip] = text
    return names


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A speech cache root holding every phrase of the bundled routine (as a dry run leaves it)."""
    root = tmp_path_factory.mktemp("speech-cache")
    dry_run_timeline(bundled(), cache_root=root)
    return root


def run_fake(
    routine: Routine, options: RunOptions, clock: FakeClock | None = None
) -> tuple[RunResult, RecordingSink, list[str], list[str]]:
    """`run_routine` on a fake clock into a recording sink: (result, sink, lines out, notices)."""
    clock = clock or FakeClock(START)
    sink = RecordingSink(clock.now)
    out = io.StringIO()
    notices: list[str] = []
    result = run_routine(
        routine,
        options,
        out=out,
        notify=notices.append,
        interactive=False,
        live=False,
        clock=clock,
        sink=sink,
    )
    return result, sink, out.getvalue().splitlines(), notices


# -- a whole bundled routine --------------------------------------------------------------------


class DistinctClips:
    """A silent-looking clip per phrase, as long as the timeline says, told apart by content."""

    def __init__(self, timeline: Timeline) -> None:
        self.by_text: dict[str, Clip] = {}
        for k, text in enumerate(timeline.phrases(), 1):
            length = next(e.duration_ms for e in timeline.events if e.text == text)
            frames = 22050 * length // 1000
            self.by_text[text] = Clip(k.to_bytes(2, "little", signed=True) * frames, 22050)

    def get(self, text: str) -> Clip | None:
        return self.by_text.get(text)


def test_bundled_routine_plays_exactly_its_dry_run_on_a_fake_clock() -> None:
    """Every sound at the dry run's time, every line as the dry run prints it, then the end."""
    routine = bundled()
    timeline, voice = dry_run_timeline(routine, estimate=True)
    assert voice is None
    clips = DistinctClips(timeline)
    clock = FakeClock(START)
    sink = RecordingSink(clock.now)
    out = io.StringIO()
    player = Player(
        timeline, clips=clips, beeps=BEEPS, sink=sink, clock=clock, display=PlainDisplay(out)
    )
    summary = player.run()

    names = {clip: text for text, clip in clips.by_text.items()}
    names.update({clip: name for name, clip in BEEPS.items()})
    assert played(sink, names) == timed(timeline.events)
    assert [p.clip.duration_ms for p in sink.played] == [e.duration_ms for e in timeline.events]
    assert out.getvalue().splitlines() == format_lines(timeline)
    assert summary.outcome is Outcome.COMPLETED
    assert at_ms(clock.now()) == timeline.total_ms
    assert player.stats.end_lateness_ms == 0
    assert max(player.stats.lateness_ms) == 0
    assert player.stats.played == len(timeline.events)


@pytest.mark.speech
def test_run_routine_plays_the_measured_dry_run(warm_cache: Path) -> None:
    """The run path (plan, player, plain display) on a warm cache plays the dry run, to the ms."""
    routine = bundled()
    timeline, _ = dry_run_timeline(routine, cache_root=warm_cache)
    assert timeline.measured
    result, sink, lines, notices = run_fake(
        routine, RunOptions(history=False, cache_root=warm_cache)
    )
    names = clip_names(timeline, open_speech(routine, cache_root=warm_cache))
    assert result.timeline.events == timeline.events
    assert result.timeline.phases == timeline.phases
    assert played(sink, names) == timed(timeline.events)
    assert lines == [*format_lines(timeline)]
    assert notices == []
    assert result.summary.outcome is Outcome.COMPLETED
    assert result.summary.sets_done == timeline.set_count() == 11
    assert result.synthesized == 0
    assert (result.speech, result.audio) == (True, True)
    assert sink.closed


# -- the cold-cache start -----------------------------------------------------------------------


class GatedClock(FakeClock):
    """A fake clock that stops, for real, at `gate_s` into the session until `opened` is set.

    The player then looks for an offered timeline before going on, so the final timeline is
    taken at a known point rather than whenever the synthesis thread happens to finish.
    """

    def __init__(self, gate_s: float, opened: threading.Event) -> None:
        super().__init__(START)
        self.gate = START + gate_s
        self.opened = opened

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        if deadline > self.gate and not self.opened.is_set():
            assert self.opened.wait(120), "the final timeline was never offered"
        return super().wait_until(deadline, fileno)


@dataclass
class SwapWatch:
    """A display that notes when the player took the final timeline."""

    clock: FakeClock
    retimed_at: list[float]

    def phase(self, phase: Phase, upcoming: Phase | None) -> None:
        pass

    def event(self, event: Event, *, played: bool) -> None:
        pass

    def progress(self, position_ms: int) -> None:
        pass

    def message(self, text: str) -> None:
        pass

    def retimed(self, timeline: Timeline) -> None:
        self.retimed_at.append(self.clock.now())

    def record(self, text: str) -> None:
        pass


class SignallingFinisher(Finisher):
    """The real Finisher; `offered` is set once it has handed its result to the player."""

    def __init__(
        self, routine: Routine, cache: PhraseCache, pending: list[str], offered: threading.Event
    ) -> None:
        super().__init__(routine, cache, pending)
        self.offered = offered

    def _run(self) -> None:
        try:
            super()._run()
        finally:
            self.offered.set()


@pytest.mark.speech
def test_cold_cache_starts_provisional_then_takes_the_final_timeline(tmp_path: Path) -> None:
    """Plan on an empty cache, play at once, take the final timeline; a second plan finds all."""
    routine = bundled()
    cache = open_speech(routine, cache_root=tmp_path / "speech")
    plan = plan_session(routine, cache, rate=routine.voice.rate)
    provisional = plan.timeline
    first_two = {
        e.text
        for p in provisional.phases[:2]
        for e in provisional.events_in(p)
        if e.kind is EventKind.SPEAK
    }
    assert plan.start_phase == 0
    assert plan.pending, "a cold cache leaves phrases to synthesize"
    assert first_two.isdisjoint(plan.pending)
    assert all(cache.is_ready(t) for t in first_two)
    assert not provisional.measured

    offered = threading.Event()
    clock = GatedClock(gate_s=1.0, opened=offered)
    sink = RecordingSink(clock.now)
    swaps: list[float] = []
    player = Player(
        provisional,
        clips=cache,
        beeps=BEEPS,
        sink=sink,
        clock=clock,
        display=SwapWatch(clock, swaps),
    )
    finisher = SignallingFinisher(routine, cache, plan.pending, offered)
    finisher.start(player)
    summary = player.run(plan.start_phase)
    finisher.join(60)

    final = finisher.final
    assert finisher.error is None
    assert final is not None
    assert final.measured
    assert player.timeline is final
    assert (player.stats.offers_taken, player.stats.offers_refused) == (1, 0)
    assert summary.outcome is Outcome.COMPLETED
    # The provisional timeline only guessed the later phrases: it differs from the final one.
    assert timed(provisional.events) != timed(final.events)

    [swap_s] = swaps
    swap_ms = at_ms(swap_s)
    assert 0 < swap_ms <= 1100
    sounds = played(sink, clip_names(final, cache))
    before = [s for s in sounds if s[0] < swap_ms]
    after = [s for s in sounds if s[0] >= swap_ms]
    assert before, "the session started speaking on the provisional timeline"
    assert before == [s for s in timed(provisional.events) if s[0] < swap_ms]
    assert after == [s for s in timed(final.events) if s[0] >= swap_ms]
    assert at_ms(clock.now()) == final.total_ms
    assert player.stats.missing_clips == 0

    # Every phrase of the final timeline was made; the timelines laid out on guessed lengths may
    # have had a few optional phrases more (a time call, the closing minutes).
    made = cache.synthesized
    assert all(cache.is_ready(t) for t in final.phrases())
    assert made >= len(final.phrases())
    again = plan_session(routine, cache, rate=routine.voice.rate)
    assert again.pending == []
    assert again.timeline == final
    assert cache.synthesized == made
    fresh = open_speech(routine, cache_root=tmp_path / "speech")
    from_disk = plan_session(routine, fresh, rate=routine.voice.rate)
    assert from_disk.pending == []
    assert from_disk.timeline == final
    assert fresh.synthesized == 0


# -- missing parts --------------------------------------------------------------------------------


@pytest.fixture
def no_speech_engine() -> Iterator[None]:
    """As on a machine without a speech engine: the only one registered does not start."""
    with engines(FakeEngine("missing", start_error="the missing engine is not installed")):
        yield


@pytest.mark.usefixtures("no_speech_engine")
def test_no_speech_engine_plays_beeps_and_text_and_says_so_once(tmp_path: Path) -> None:
    routine = bundled()
    timeline, _ = dry_run_timeline(routine, estimate=True)
    result, sink, lines, notices = run_fake(
        routine, RunOptions(history=False, cache_root=tmp_path / "speech")
    )
    assert result.speech is False
    assert result.audio is True
    [notice] = notices
    assert notice.startswith("speech is off: ")
    assert "missing: the missing engine is not installed" in notice
    assert "Install one: install missing" in notice
    assert notice.endswith("The session goes on with beeps and text.")
    beeps = [e for e in timeline.events if e.kind is EventKind.BEEP]
    assert played(sink, clip_names(timeline, None)) == timed(beeps)
    assert result.stats.missing_clips == len(timeline.events) - len(beeps)
    # Every cue is still on screen, the spoken ones marked as not played.
    assert lines == [
        line + "  (not played)" if " say  " in line else line for line in format_lines(timeline)
    ]
    assert result.summary.outcome is Outcome.COMPLETED
    assert not (tmp_path / "speech").exists()


@pytest.mark.usefixtures("no_speech_engine")
def test_no_speech_engine_with_require_audio_is_an_error(tmp_path: Path) -> None:
    from voicecoach.errors import SpeechUnavailable

    with pytest.raises(SpeechUnavailable, match="Install one: install missing") as caught:
        run_fake(bundled(), RunOptions(history=False, require_audio=True))
    assert caught.value.exit_code == 3


# -- where the session starts ---------------------------------------------------------------------


@pytest.mark.speech
@pytest.mark.parametrize("name", ["Broomstick Row", "broomstick-row", "  BROOMSTICK   row "])
def test_start_at_an_exercise_begins_at_its_announcement(warm_cache: Path, name: str) -> None:
    routine = bundled()
    timeline, _ = dry_run_timeline(routine, cache_root=warm_cache)
    announce = next(
        p
        for p in timeline.phases
        if p.kind is PhaseKind.ANNOUNCE and p.exercise == "Broomstick Row"
    )
    result, sink, lines, _ = run_fake(
        routine, RunOptions(history=False, cache_root=warm_cache, start_at=name)
    )
    names = clip_names(timeline, open_speech(routine, cache_root=warm_cache))
    later = [e for e in timeline.events if e.phase_index >= announce.index]
    assert played(sink, names) == timed(later, shift_ms=announce.start_ms)
    assert lines[0] == format_lines(timeline)[_line_of(timeline, announce)]
    assert lines[0].endswith("phase  [announce] Broomstick Row")
    assert lines == format_lines(timeline)[_line_of(timeline, announce) :]
    assert result.summary.outcome is Outcome.COMPLETED
    # The rows and the cool-down; what came before was not done.
    assert result.summary.sets_done == sum(p.is_work for p in timeline.phases[announce.index :])
    assert result.summary.sets_done == 5


def _line_of(timeline: Timeline, phase: Phase) -> int:
    """Index of `phase`'s line in the dry run's lines."""
    return phase.index + sum(1 for e in timeline.events if e.phase_index < phase.index)


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        pytest.param("broomstik row", "Broomstick Row", id="typo"),
        pytest.param("BROOMSTIK ROW", "Broomstick Row", id="typo-in-capitals"),
        pytest.param("cat cwo", "Cat-Cow", id="typo-without-dash"),
        pytest.param("upper-body lfit", "Upper Body Lift", id="typo-with-dash"),
    ],
)
def test_unknown_start_names_the_closest_exercise(name: str, suggestion: str) -> None:
    timeline, _ = dry_run_timeline(bundled(), estimate=True)
    with pytest.raises(UsageError, match=f"did you mean {suggestion}\\?") as caught:
        find_start(timeline, name)
    assert caught.value.exit_code == 2
    assert "(it has: Marching on the Spot, Arm Circles" in str(caught.value)


def test_unknown_start_with_nothing_close_lists_the_exercises() -> None:
    timeline, _ = dry_run_timeline(bundled(), estimate=True)
    with pytest.raises(UsageError) as caught:
        find_start(timeline, "zzz")
    assert "did you mean" not in str(caught.value)
    assert "(it has: Marching on the Spot" in str(caught.value)


# -- a second run -------------------------------------------------------------------------------


class SpeechCatchesUp(FakeClock):
    """A fake clock on which the session, like a real one, outlasts the background synthesis.

    At `gate_s` into the session it waits, for real, for the synthesis thread and for the pause
    phrase: on the real clock both are done long before (a session is minutes, they take a
    second or two).
    """

    def __init__(self, gate_s: float, paused_ready: Callable[[], bool]) -> None:
        super().__init__(START)
        self.gate = START + gate_s
        self.paused_ready = paused_ready
        self.caught_up = False

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        if deadline > self.gate and not self.caught_up:
            for thread in threading.enumerate():
                if thread.name == "voicecoach-speech":
                    thread.join(120)
            for _ in range(2400):
                if self.paused_ready():
                    break
                time.sleep(0.05)
            self.caught_up = True
        return super().wait_until(deadline, fileno)


@pytest.mark.speech
def test_second_run_synthesizes_nothing(tmp_path: Path) -> None:
    """After one whole run on a cold cache, every phrase of the next run is a cache hit."""
    routine = bundled("ruecken-zuhause")
    root = tmp_path / "speech"
    paused = language_for(routine.language).paused
    probe = open_speech(routine, cache_root=root)
    clock = SpeechCatchesUp(5.0, lambda: probe.is_ready(paused))

    first, _, _, _ = run_fake(routine, RunOptions(history=False, cache_root=root), clock)
    assert first.stats.offers_taken == 1
    assert first.timeline.measured
    assert all(probe.is_ready(t) for t in (*first.timeline.phrases(), paused))
    files = sorted(root.iterdir())
    assert len(files) == first.synthesized

    second, _, _, _ = run_fake(routine, RunOptions(history=False, cache_root=root))
    assert second.synthesized == 0
    assert second.stats.offers_taken == 0
    assert second.timeline == first.timeline
    assert sorted(root.iterdir()) == files
