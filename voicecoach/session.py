"""Running a session for real: speech made ahead of use, exact timing, history, signals.

The order of work is chosen so the session starts speaking at once, even on a cold speech cache:

1. the routine is compiled with estimated phrase lengths, only to learn which phrases come first;
2. the phrases of the first two phases are synthesized (a few tens of milliseconds);
3. the routine is compiled again: the first phases now have their measured lengths, and the
   player starts on this provisional timeline;
4. a background thread synthesizes every other phrase, in order of use, then compiles the final
   timeline, all lengths measured, and offers it to the player, which takes it as long as the
   phase it is in is the same in both (it always is: that phase was measured in step 2).

On a warm cache steps 2 and 4 find everything made, and the final timeline is used from the start.
"""

from __future__ import annotations

import contextlib
import difflib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from voicecoach.clip import Clip
from voicecoach.compiler import compile_routine
from voicecoach.durations import DurationProvider, EstimatedDurations
from voicecoach.errors import UsageError
from voicecoach.model import Routine, Voice
from voicecoach.timeline import EventKind, Phase, PhaseKind, Timeline

if TYPE_CHECKING:
    from voicecoach.audio import Sink
    from voicecoach.clock import Clock
    from voicecoach.history import HistoryStore, SafeRecorder, SetKey
    from voicecoach.player import Keys, Player, PlayStats, Summary
    from voicecoach.render import RenderResult
    from voicecoach.speech import PhraseCache


class ReadyOrEstimated:
    """Measured lengths for the phrases already synthesized, estimates for the rest."""

    def __init__(self, cache: PhraseCache, estimate: DurationProvider) -> None:
        self.cache = cache
        self.estimate = estimate
        self.estimated: set[str] = set()

    @property
    def measured(self) -> bool:
        return not self.estimated

    def duration_ms(self, text: str) -> int:
        clip = self.cache.get(text)
        if clip is not None:
            return clip.duration_ms
        self.estimated.add(text)
        return self.estimate.duration_ms(text)


def open_speech(
    routine: Routine,
    *,
    voice_id: str | None = None,
    rate: int | None = None,
    volume: float | None = None,
    cache_root: Path | None = None,
) -> PhraseCache:
    """A phrase cache for the routine's voice (options override the routine's settings).

    Raises SpeechUnavailable when no engine starts, UnknownVoiceError for a voice id that does
    not exist.
    """
    from voicecoach.speech import PhraseCache, open_synthesizer, settings_for

    voice = Voice(
        id=voice_id if voice_id is not None else routine.voice.id,
        rate=rate if rate is not None else routine.voice.rate,
        volume=volume if volume is not None else routine.voice.volume,
    )
    settings = settings_for(voice, routine.language)
    return PhraseCache(cache_root, synthesizer=open_synthesizer(settings))


def measured_timeline(
    routine: Routine,
    cache: PhraseCache,
    *,
    rate: int,
    on_progress: Callable[[int, int], None] | None = None,
) -> Timeline:
    """The timeline with every phrase length measured, synthesizing what the cache lacks."""
    rough = compile_routine(routine, ReadyOrEstimated(cache, EstimatedDurations(rate)))
    cache.ensure(rough.phrases(), on_progress=on_progress)
    return compile_routine(routine, cache.durations())


def dry_run_timeline(
    routine: Routine,
    *,
    voice_id: str | None = None,
    rate: int | None = None,
    volume: float | None = None,
    estimate: bool = False,
    cache_root: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[Timeline, str | None]:
    """The timeline a dry run prints, and the voice whose lengths it uses (None: estimated).

    Lengths are measured when a voice can be started (missing phrases are synthesized into the
    cache, so the run that follows starts at once), estimated otherwise or when asked to.
    """
    from voicecoach.errors import SpeechUnavailable

    speed = rate if rate is not None else routine.voice.rate
    if not estimate:
        try:
            cache = open_speech(
                routine, voice_id=voice_id, rate=rate, volume=volume, cache_root=cache_root
            )
        except SpeechUnavailable:
            cache = None
        if cache is not None:
            timeline = measured_timeline(routine, cache, rate=speed, on_progress=on_progress)
            s = cache.settings
            return timeline, f"{s.voice_id} at {s.rate} words a minute ({s.engine})"
    return compile_routine(routine, EstimatedDurations(speed)), None


def find_start(timeline: Timeline, name: str) -> int:
    """The phase index where exercise `name` is first announced (case and spaces ignored)."""

    def norm(text: str) -> str:
        return " ".join(text.lower().replace("-", " ").split())

    wanted = norm(name)
    names: dict[str, int] = {}
    for phase in timeline.phases:
        if phase.kind is PhaseKind.ANNOUNCE and phase.exercise:
            names.setdefault(phase.exercise, phase.index)
    for exercise, index in names.items():
        if norm(exercise) == wanted:
            return index
    by_norm = {norm(exercise): exercise for exercise in names}
    close = difflib.get_close_matches(wanted, list(by_norm), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(by_norm[c] for c in close)}?" if close else ""
    raise UsageError(f"no exercise {name!r} in this routine{hint} (it has: {', '.join(names)})")


def resume_start(timeline: Timeline, done: frozenset[SetKey]) -> int | None:
    """Where to pick up after an interruption: the first set not done.

    The session restarts at that exercise's announcement if the set is its first, else at the
    rest (or switch) just before the set, so the person gets the countdown. None if every set
    is done.
    """
    from voicecoach.history import set_key

    for phase in timeline.phases:
        if not phase.is_work or set_key(phase) in done:
            continue
        before = timeline.phases[phase.index - 1] if phase.index else None
        if before is not None and before.kind is PhaseKind.PREPARE:
            announce = timeline.phases[before.index - 1]
            return announce.index if announce.kind is PhaseKind.ANNOUNCE else before.index
        return before.index if before is not None else phase.index
    return None


@dataclass
class Plan:
    """What the player starts with, and what is still to be synthesized."""

    timeline: Timeline
    start_phase: int
    pending: list[str]


def plan_session(
    routine: Routine,
    cache: PhraseCache,
    *,
    rate: int,
    start: Callable[[Timeline], int] | None = None,
) -> Plan:
    """Steps 1 to 3 of the module's docstring: a timeline that can start speaking now."""
    estimate = EstimatedDurations(rate)
    rough = compile_routine(routine, ReadyOrEstimated(cache, estimate))
    start_phase = start(rough) if start is not None else 0
    first = [
        e.text
        for p in rough.phases[start_phase : start_phase + 2]
        for e in rough.events_in(p)
        if e.kind is EventKind.SPEAK
    ]
    cache.ensure(first)
    durations = ReadyOrEstimated(cache, estimate)
    provisional = compile_routine(routine, durations)
    if durations.measured:
        return Plan(provisional, start_phase, [])
    # Phrases in order of use from the starting phase on, then the ones before it.
    ordered = [
        e.text
        for p in (*provisional.phases[start_phase:], *provisional.phases[:start_phase])
        for e in provisional.events_in(p)
        if e.kind is EventKind.SPEAK
    ]
    pending = [t for t in dict.fromkeys(ordered) if not cache.is_ready(t)]
    return Plan(provisional, start_phase, pending)


class Finisher:
    """Step 4: synthesizes the pending phrases on a thread, then offers the final timeline."""

    def __init__(self, routine: Routine, cache: PhraseCache, pending: list[str]) -> None:
        self.routine = routine
        self.cache = cache
        self.pending = pending
        self.error: BaseException | None = None
        self.final: Timeline | None = None
        self._thread = threading.Thread(target=self._run, name="voicecoach-speech", daemon=True)

    def start(self, player: Player) -> None:
        self._player = player
        player.expect_offer()
        self._thread.start()

    def _run(self) -> None:
        try:
            self.cache.ensure(self.pending)
            self.final = compile_routine(self.routine, self.cache.durations())
        except Exception as err:  # noqa: BLE001 - reported by the caller after the session
            self.error = err
            self._player.offer(None)
            return
        self._player.offer(self.final)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While active, SIGTERM stops the session the way Ctrl-C does."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class HistoryRecorder:
    """Feeds the player's finished sets to a :class:`~voicecoach.history.SafeRecorder`."""

    def __init__(self, recorder: SafeRecorder, session_id: int | None, now: Callable[[], datetime]):
        self.recorder = recorder
        self.session_id = session_id
        self.now = now

    def set_finished(self, phase: Phase, *, skipped: bool) -> None:
        seconds = None if phase.reps else phase.duration_ms / 1000
        self.recorder.record_set(
            self.session_id,
            exercise=phase.exercise or phase.label,
            exercise_index=phase.exercise_index if phase.exercise_index is not None else -1,
            round_number=phase.round_number,
            set_number=phase.set_number or 1,
            side=phase.side,
            reps=phase.reps,
            seconds=seconds,
            weight=phase.weight,
            skipped=skipped,
            finished_at=self.now(),
        )


@dataclass(frozen=True)
class RunOptions:
    """How `voicecoach run` was asked to play a routine."""

    voice_id: str | None = None
    rate: int | None = None
    volume: float | None = None
    plain: bool = False
    start_at: str | None = None
    resume: bool = False
    require_audio: bool = False
    history: bool = True
    history_path: Path | None = None
    #: How long to wait for another voicecoach writing to the history; None: the store's default.
    history_busy_timeout_s: float | None = None
    cache_root: Path | None = None


@dataclass(frozen=True)
class RunResult:
    """What a run did: the player's summary and, for benchmarks and tests, its measurements."""

    summary: Summary
    stats: PlayStats
    timeline: Timeline
    synthesized: int
    speech: bool
    audio: bool


def run_routine(
    routine: Routine,
    options: RunOptions,
    *,
    out: TextIO,
    notify: Callable[[str], None],
    interactive: bool,
    live: bool,
    clock: Clock | None = None,
    sink: Sink | None = None,
) -> RunResult:
    """Play `routine` out loud in real time; return how it ended.

    `notify` gets the one-time messages (a missing part, history turned off); `interactive` says
    whether standard input is a terminal to read keys from, `live` whether to draw the live panel
    rather than plain lines on `out`. `clock` and `sink` are for tests and benchmarks.
    """
    from voicecoach.audio import SilentSink, load_beeps, open_audio_sink
    from voicecoach.clock import MonotonicClock
    from voicecoach.display import LiveDisplay, PlainDisplay
    from voicecoach.errors import AudioUnavailable, SpeechUnavailable
    from voicecoach.keys import TerminalKeys
    from voicecoach.phrases import Phrases
    from voicecoach.player import NoKeys, Player

    with contextlib.ExitStack() as resources:
        rate = options.rate if options.rate is not None else routine.voice.rate
        audio = True
        if sink is None:
            try:
                sink = open_audio_sink()
            except AudioUnavailable as err:
                if options.require_audio:
                    raise
                notify(f"sound is off: {err}. The session goes on with text only.")
                sink, audio = SilentSink(), False
        resources.callback(sink.close)
        cache = None
        if audio:
            try:
                cache = open_speech(
                    routine,
                    voice_id=options.voice_id,
                    rate=options.rate,
                    volume=options.volume,
                    cache_root=options.cache_root,
                )
            except SpeechUnavailable as err:
                if options.require_audio:
                    raise
                notify(f"speech is off: {err}. The session goes on with beeps and text.")
        beeps: dict[str, Clip] = {b.value: c for b, c in load_beeps().items()} if audio else {}

        store, recorder = _open_history(options, notify)
        if store is not None:
            resources.callback(store.close)
        done_sets: frozenset[SetKey] = frozenset()
        resumes = None
        if options.resume:
            done_sets, resumes = _resume_point(store, routine)

        def start(timeline: Timeline) -> int:
            if options.start_at:
                return find_start(timeline, options.start_at)
            if options.resume:
                found = resume_start(timeline, done_sets)
                if found is None:
                    raise UsageError(
                        f"nothing to resume: every set of {routine.name!r} was done last time"
                    )
                return found
            return 0

        finisher = None
        if cache is not None:
            plan = plan_session(routine, cache, rate=rate, start=start)
            timeline, start_phase = plan.timeline, plan.start_phase
            if plan.pending:
                finisher = Finisher(routine, cache, plan.pending)
        else:
            timeline = compile_routine(routine, EstimatedDurations(rate))
            start_phase = start(timeline)
        if finisher is None:
            # Exact lengths: say now what did not fit. Otherwise the final timeline says it.
            for warning in timeline.warnings:
                notify(str(warning))
        paused = Phrases(routine.language).paused()
        clips = cache if cache is not None else _NoClips()

        display: LiveDisplay | PlainDisplay
        display = LiveDisplay(timeline, title=routine.name) if live else PlainDisplay(out)
        resources.callback(display.close)
        session_id = recorder.start_session(
            routine_name=routine.name,
            routine_path=str(routine.source.resolve()) if routine.source else None,
            content_hash=_hash(routine),
            started_at=_now(),
            resumes=resumes,
        )
        player = Player(
            timeline,
            clips=clips,
            beeps=beeps,
            sink=sink,
            clock=clock or MonotonicClock(),
            display=display,
            recorder=HistoryRecorder(recorder, session_id, _now),
            pause_phrase=paused,
            live_refresh=live,
        )
        keys_context: contextlib.AbstractContextManager[Keys] = (
            TerminalKeys() if interactive else contextlib.nullcontext(NoKeys())
        )
        with sigterm_as_interrupt(), keys_context as keys:
            player.keys = keys
            if finisher is not None:
                finisher.start(player)
            if cache is not None:
                # "Paused." is needed only on a key press: made after the session's phrases.
                threading.Thread(target=cache.ensure, args=([paused],), daemon=True).start()
            summary = player.run(start_phase)
        recorder.end_session(session_id, status=summary.outcome.value, ended_at=_now())
    if finisher is not None:
        # A session quit early may leave phrases still being made: let the cache finish them.
        finisher.join(timeout=30)
        if finisher.error is not None:
            notify(f"some phrases could not be prepared: {finisher.error}")
        elif finisher.final is not None:
            for warning in finisher.final.warnings:
                notify(str(warning))
    return RunResult(
        summary=summary,
        stats=player.stats,
        timeline=player.timeline,
        synthesized=cache.synthesized if cache is not None else 0,
        speech=cache is not None,
        audio=audio,
    )


class _NoClips:
    def get(self, text: str) -> Clip | None:
        return None


def _now() -> datetime:
    return datetime.now().astimezone()


def _hash(routine: Routine) -> str | None:
    from voicecoach.history import content_hash

    if routine.source is None:
        return None
    try:
        return content_hash(routine.source.read_bytes())
    except OSError:
        return None


def _open_history(
    options: RunOptions, notify: Callable[[str], None]
) -> tuple[HistoryStore | None, SafeRecorder]:
    """The history store (None when off) and a recorder that never stops the workout."""
    from voicecoach.history import DEFAULT_BUSY_TIMEOUT_S, HistoryError, HistoryStore, SafeRecorder

    if not options.history:
        if options.resume:
            raise UsageError("--resume needs the workout history: drop --no-history")
        return None, SafeRecorder(None, warn=notify)
    busy = options.history_busy_timeout_s
    try:
        store = HistoryStore.open(
            options.history_path, busy_timeout_s=DEFAULT_BUSY_TIMEOUT_S if busy is None else busy
        )
    except HistoryError as err:
        if options.resume:
            raise
        notify(f"warning: workout history is off for this session ({err})")
        return None, SafeRecorder(None, warn=notify)
    return store, SafeRecorder(store, warn=notify)


def _resume_point(
    store: HistoryStore | None, routine: Routine
) -> tuple[frozenset[SetKey], int | None]:
    if store is None:
        raise UsageError("--resume needs the workout history, which could not be opened")
    digest = _hash(routine)
    last = store.last_interrupted(routine.name, content_hash=digest)
    if last is None:
        raise UsageError(
            f"no interrupted session of {routine.name!r} to resume "
            "('voicecoach history' lists past sessions)"
        )
    done = store.resume_point(routine.name, content_hash=digest)
    return done, last.id


def say_once(
    text: str,
    *,
    language: str = "en",
    voice_id: str | None = None,
    rate: int | None = None,
    volume: float | None = None,
    clock: Clock | None = None,
    sink: Sink | None = None,
) -> Clip:
    """Speak `text` once with the given settings and wait until it has been played."""
    from voicecoach.audio import open_audio_sink
    from voicecoach.clock import MonotonicClock

    routine = Routine("say", (), (), (), language=language)
    cache = open_speech(routine, voice_id=voice_id, rate=rate, volume=volume)
    clip = cache.clip(text)
    sink = sink if sink is not None else open_audio_sink()
    clock = clock or MonotonicClock()
    try:
        with sigterm_as_interrupt():
            sink.play(clip)
            clock.wait_until(clock.now() + clip.duration_ms / 1000)
    finally:
        sink.close()
    return clip


def window(timeline: Timeline, start_at: str | None, end_at: str | None) -> tuple[int, int]:
    """The part of a session from exercise `start_at`'s announcement to the end of exercise
    `end_at`'s last set (None: from the start, to the end), in timeline milliseconds."""
    start = timeline.phases[find_start(timeline, start_at)].start_ms if start_at else 0
    end = timeline.total_ms
    if end_at:
        first = timeline.phases[find_start(timeline, end_at)]
        last = [p for p in timeline.phases if p.is_work and p.exercise == first.exercise]
        end = last[-1].end_ms
    if end <= start:
        raise UsageError(f"--to {end_at!r} comes before --from {start_at!r} in this routine")
    return start, end


def render_routine(
    routine: Routine,
    out: Path,
    *,
    voice_id: str | None = None,
    rate: int | None = None,
    volume: float | None = None,
    sample_rate: int = 22050,
    channels: int = 1,
    background: float | None = None,
    start_at: str | None = None,
    end_at: str | None = None,
    cache_root: Path | None = None,
    on_synthesis: Callable[[int, int], None] | None = None,
    on_render: Callable[[int, int], None] | None = None,
) -> RenderResult:
    """Render `routine` to one audio file with captions: the same timeline, phrases and voice
    as `voicecoach run` (so the same speech cache)."""
    from voicecoach.audio import load_beeps
    from voicecoach.render import render_timeline

    cache = open_speech(routine, voice_id=voice_id, rate=rate, volume=volume, cache_root=cache_root)
    speed = rate if rate is not None else routine.voice.rate
    timeline = measured_timeline(routine, cache, rate=speed, on_progress=on_synthesis)
    start_ms, end_ms = window(timeline, start_at, end_at)
    return render_timeline(
        timeline,
        clips=cache,
        beeps={b.value: c for b, c in load_beeps().items()},
        out=out,
        rate=sample_rate,
        channels=channels,
        background=background,
        start_ms=start_ms,
        end_ms=end_ms,
        progress=on_render,
    )
