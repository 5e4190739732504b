"""Running a session for real: audio, speech, exact timing, keys, history and signals.

:func:`run_routine` takes its steps in order: open the sound device (or go on silent), open speech
(or go on with beeps and text), open the history, choose where to start, plan a timeline that can
start speaking at once (:mod:`voicecoach.session.prepare`), then play it and record how it ended.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from voicecoach.beeps import DEFAULT_BEEPS_DB, Beep, levelled_beeps
from voicecoach.clip import Clip
from voicecoach.errors import AudioUnavailable, SpeechUnavailable, UsageError
from voicecoach.interrupts import signals_as_interrupt
from voicecoach.outcome import Outcome
from voicecoach.routine.model import Routine, Voice
from voicecoach.session.prepare import (
    Finisher,
    make_quietly,
    on_demand_phrases,
    open_speech,
    plan_session,
)
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.model import Amrap, Phase, SetKey, Timeline
from voicecoach.timeline.seek import find_start, resume_start

if TYPE_CHECKING:
    from voicecoach.history.recorder import SafeRecorder
    from voicecoach.history.store import HistoryStore
    from voicecoach.playback.clock import Clock
    from voicecoach.playback.display import LiveDisplay, PlainDisplay
    from voicecoach.playback.player import Done, Keys, Player, PlayStats, Summary
    from voicecoach.playback.sinks import Sink
    from voicecoach.speech.cache import PhraseCache


class HistoryRecorder:
    """Feeds the player's finished sets to a :class:`~voicecoach.history.store.SafeRecorder`:
    what each set asked for, and what was done (its target, or what was typed)."""

    def __init__(self, recorder: SafeRecorder, session_id: int | None, now: Callable[[], datetime]):
        self.recorder = recorder
        self.session_id = session_id
        self.now = now
        #: The recorded row of each set phase, for a number typed after the set.
        self.rows: dict[int, int] = {}

    def set_finished(self, phase: Phase, *, skipped: bool, done: Done) -> None:
        from voicecoach.history.store import Entered

        # An open-ended AMRAP set ends on Enter: its planned length says nothing.
        planned_seconds = None if phase.reps or phase.amrap is Amrap.OPEN else phase.duration_ms
        row = self.recorder.record_set(
            self.session_id,
            exercise=phase.exercise or phase.label,
            exercise_index=phase.exercise_index if phase.exercise_index is not None else -1,
            round_number=phase.round_number,
            set_number=phase.set_number or 1,
            side=phase.side,
            reps=done.reps,
            seconds=done.seconds,
            weight=done.weight,
            skipped=skipped,
            finished_at=self.now(),
            warmup=phase.warmup,
            rounds=done.rounds,
            planned_reps=phase.reps,
            planned_seconds=None if planned_seconds is None else planned_seconds / 1000,
            planned_weight=phase.weight,
            entered=Entered(done.entered),
        )
        if row is not None:
            self.rows[phase.index] = row

    def set_corrected(self, phase: Phase, done: Done) -> None:
        from voicecoach.history.store import Entered

        self.recorder.correct_set(
            self.rows.get(phase.index),
            reps=done.reps,
            seconds=None if done.reps is not None else done.seconds,
            weight=done.weight,
            entered=Entered.TYPED,
        )


@dataclass(frozen=True)
class RunOptions:
    """How `voicecoach run` was asked to play a routine."""

    #: The voice to speak with; None: the routine's own (see :meth:`Voice.with_overrides`).
    voice: Voice | None = None
    #: How loud the beeps are relative to the voice, in dB.
    beeps_db: float = DEFAULT_BEEPS_DB
    plain: bool = False
    start_at: str | None = None
    resume: bool = False
    require_audio: bool = False
    history: bool = True
    history_path: Path | None = None
    #: How long to wait for another voicecoach writing to the history; None: the store's default.
    history_busy_timeout_s: float | None = None
    cache_root: Path | None = None
    #: Apply the routine's progression rules from the history (False: the file's own targets).
    progress: bool = True
    #: The program the session is played for (``voicecoach next``), and its place in it.
    program: str | None = None
    program_slot: int | None = None


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
    on_prepare: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Play `routine` out loud in real time; return how it ended.

    `notify` gets the one-time messages (a missing part, history turned off); `interactive` says
    whether standard input is a terminal to read keys from, `live` whether to draw the live panel
    rather than plain lines on `out`. `on_prepare(done, total)` follows the phrases made before
    the session can start. A signal (or Ctrl-C) while they are made records the session as
    interrupted and raises KeyboardInterrupt. `clock` and `sink` are for tests and benchmarks.
    """
    voice = options.voice or routine.voice
    with contextlib.ExitStack() as resources:
        audio = True
        if sink is None:
            sink, audio = _open_sink(options, notify)
        resources.callback(sink.close)
        cache = _open_speech(routine, voice, options, notify) if audio else None
        store, recorder = _open_history(options, notify)
        if store is not None:
            resources.callback(store.close)
        resources.callback(recorder.close)
        done_sets: frozenset[SetKey] = frozenset()
        resumes = None
        # Where the workout was started: kept in the session's row, so that a resumption of it
        # carries on from there, not from the beginning.
        start_at = options.start_at
        if options.resume:
            done_sets, resumes, resumed_from = _resume_point(store, routine)
            start_at = start_at or resumed_from
        if options.progress and store is not None:
            from voicecoach.history.progression import todays_routine

            routine = todays_routine(routine, store, resuming=resumes)
        beeps = levelled_beeps(options.beeps_db, volume=voice.volume) if audio else {}

        def lead_in() -> None:
            # A slow voice is being prepared: a short beep now, so the session is heard at once.
            sink.play(beeps[Beep.TICK])

        def start_session() -> int | None:
            return recorder.start_session(
                routine_name=routine.name,
                routine_path=str(routine.source.resolve()) if routine.source else None,
                content_hash=_hash(routine),
                started_at=_now(),
                resumes=resumes,
                program=options.program,
                program_slot=options.program_slot,
                language=routine.language,
                start_at=start_at,
            )

        with signals_as_interrupt():
            try:
                timeline, start_phase, finisher = _plan(
                    routine,
                    voice.rate,
                    cache,
                    _start_chooser(routine, options, done_sets, start_at),
                    on_prepare,
                    lead_in,
                )
            except KeyboardInterrupt:
                # Stopped while the speech was being prepared: a session, interrupted at once.
                stopped = start_session()
                recorder.end_session(stopped, status=Outcome.INTERRUPTED, ended_at=_now())
                raise
        if finisher is None:
            # Exact lengths: say now what did not fit. Otherwise the final timeline says it.
            for warning in timeline.warnings:
                notify(str(warning))
        display = _open_display(timeline, routine, out, live=live)
        resources.callback(display.close)
        session_id = start_session()
        player = _player(
            timeline,
            routine,
            cache=cache,
            beeps=beeps,
            sink=sink,
            clock=clock,
            display=display,
            recorder=HistoryRecorder(recorder, session_id, _now),
            live=live,
        )
        summary = _play(
            player,
            start_phase,
            cache,
            finisher,
            on_demand_phrases(routine),
            interactive=interactive,
        )
        recorder.end_session(session_id, status=summary.outcome, ended_at=_now())
    if finisher is not None:
        _finish_speech(finisher, notify)
    return RunResult(
        summary=summary,
        stats=player.stats,
        timeline=player.timeline,
        synthesized=cache.synthesized if cache is not None else 0,
        speech=cache is not None,
        audio=audio,
    )


def _open_sink(options: RunOptions, notify: Callable[[str], None]) -> tuple[Sink, bool]:
    """The sound device and True, or a silent sink and False (said once) when there is none and
    none is required."""
    from voicecoach.playback.sinks import SilentSink, open_audio_sink

    try:
        return open_audio_sink(), True
    except AudioUnavailable as err:
        if options.require_audio:
            raise
        notify(f"sound is off: {err}. The session goes on with text only.")
        return SilentSink(), False


def _open_speech(
    routine: Routine, voice: Voice, options: RunOptions, notify: Callable[[str], None]
) -> PhraseCache | None:
    """The phrase cache, or None (said once) when no engine starts and speech is not required."""
    try:
        return open_speech(routine, voice, cache_root=options.cache_root, notify=notify)
    except SpeechUnavailable as err:
        if options.require_audio:
            raise
        notify(f"speech is off: {err}. The session goes on with beeps and text.")
        return None


def _start_chooser(
    routine: Routine, options: RunOptions, done_sets: frozenset[SetKey], start_at: str | None
) -> Callable[[Timeline], int]:
    """Where in a timeline the session starts: --start-at, --resume (from where the interrupted
    session was started, `start_at`), or the beginning."""

    def start(timeline: Timeline) -> int:
        if options.start_at:
            return find_start(timeline, options.start_at, routine=routine)
        if options.resume:
            begin = find_start(timeline, start_at, routine=routine) if start_at else 0
            found = resume_start(timeline, done_sets, start=begin)
            if found is None:
                since = f" from {start_at!r} on" if start_at else ""
                raise UsageError(
                    f"nothing to resume: every set of {routine.name!r}{since} was done last time"
                )
            return found
        return 0

    return start


def _plan(
    routine: Routine,
    rate: int,
    cache: PhraseCache | None,
    start: Callable[[Timeline], int],
    on_prepare: Callable[[int, int], None] | None,
    on_wait: Callable[[], None],
) -> tuple[Timeline, int, Finisher | None]:
    """The timeline to start with, its first phase, and what finishes the speech meanwhile."""
    if cache is None:
        from voicecoach.speech.registry import cool_down

        cool_down()  # no speech: nothing started ahead is needed
        timeline = compile_routine(routine, EstimatedDurations(rate))
        return timeline, start(timeline), None
    plan = plan_session(
        routine, cache, rate=rate, start=start, on_progress=on_prepare, on_wait=on_wait
    )
    finisher = Finisher(routine, cache, plan.pending) if plan.pending else None
    return plan.timeline, plan.start_phase, finisher


def _open_display(
    timeline: Timeline, routine: Routine, out: TextIO, *, live: bool
) -> LiveDisplay | PlainDisplay:
    from voicecoach.playback.display import LiveDisplay, PlainDisplay

    if live:
        return LiveDisplay(timeline, title=routine.name)
    return PlainDisplay(out, language=routine.language)


def _player(
    timeline: Timeline,
    routine: Routine,
    *,
    cache: PhraseCache | None,
    beeps: dict[Beep, Clip],
    sink: Sink,
    clock: Clock | None,
    display: LiveDisplay | PlainDisplay,
    recorder: HistoryRecorder,
    live: bool,
) -> Player:
    from voicecoach.playback.clock import MonotonicClock
    from voicecoach.playback.player import Player
    from voicecoach.timeline.language import language_for

    words = language_for(routine.language)
    return Player(
        timeline,
        clips=cache if cache is not None else _NoClips(),
        beeps=beeps,
        sink=sink,
        clock=clock or MonotonicClock(),
        display=display,
        recorder=recorder,
        pause_phrase=words.paused,
        resume_phrase=words.resumed,
        words=words,
        live_refresh=live,
    )


def _play(
    player: Player,
    start_phase: int,
    cache: PhraseCache | None,
    finisher: Finisher | None,
    after: list[str],
    *,
    interactive: bool,
) -> Summary:
    """Play from `start_phase` with keys (on a terminal) and SIGTERM stopping like Ctrl-C;
    `after` are the phrases to make once the session's are (:func:`on_demand_phrases`)."""
    from voicecoach.playback.keys import TerminalKeys
    from voicecoach.playback.player import NoKeys

    keys_context: contextlib.AbstractContextManager[Keys] = (
        TerminalKeys() if interactive else contextlib.nullcontext(NoKeys())
    )
    with signals_as_interrupt(), keys_context as keys:
        player.keys = keys
        # "Paused." is needed only on a key press: made after the session's phrases, and then
        # the engine's worker process is stopped (make_quietly).
        if finisher is not None:
            finisher.start(player, after=after)
        elif cache is not None:
            threading.Thread(
                target=make_quietly, args=(cache, after), name="voicecoach-speech", daemon=True
            ).start()
        return player.run(start_phase)


def _finish_speech(finisher: Finisher, notify: Callable[[str], None]) -> None:
    """A session quit early may leave a phrase being made: let it finish (no more: with a slow
    voice the rest could take a minute), then report what did not fit (or could not be made)."""
    finisher.stop()
    finisher.join(timeout=30)
    if finisher.error is not None:
        notify(f"some phrases could not be prepared: {finisher.error}")
    elif finisher.final is not None:
        for warning in finisher.final.warnings:
            notify(str(warning))


class _NoClips:
    def get(self, text: str) -> Clip | None:
        return None


def _now() -> datetime:
    return datetime.now().astimezone()


def _hash(routine: Routine) -> str | None:
    from voicecoach.history.store import content_hash

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
    from voicecoach.history.recorder import SafeRecorder
    from voicecoach.history.store import (
        DEFAULT_BUSY_TIMEOUT_S,
        HistoryError,
        HistoryStore,
        default_path,
    )

    if not options.history:
        if options.resume:
            raise UsageError("--resume needs the workout history: drop --no-history")
        return None, SafeRecorder(None, warn=notify)
    path = default_path() if options.history_path is None else options.history_path
    if options.resume and not path.exists():
        # Nothing to resume from, and nothing to make: the file is not created for this.
        raise UsageError(f"nothing to resume: there is no workout history at {path} yet")
    busy = options.history_busy_timeout_s
    if busy is None:
        busy = DEFAULT_BUSY_TIMEOUT_S

    def open_to_write() -> HistoryStore:
        return HistoryStore.open(path, busy_timeout_s=busy)

    try:
        store = open_to_write()
    except HistoryError as err:
        if err.disk_full:
            # Read what can be read (today's targets, where to resume), and write the session
            # if space is freed while it plays.
            recorder = SafeRecorder(None, warn=notify, reopen=open_to_write, unsaved=err, path=path)
            return _read_only(path, busy), recorder
        if options.resume:
            raise
        notify(f"warning: workout history is off for this session ({err})")
        return None, SafeRecorder(None, warn=notify)
    return store, SafeRecorder(store, warn=notify)


def _read_only(path: Path, busy_timeout_s: float) -> HistoryStore | None:
    """The history opened to read, or None (it was already said that it is not saved)."""
    from voicecoach.history.store import HistoryError, HistoryStore

    try:
        return HistoryStore.open_read_only(path, busy_timeout_s=busy_timeout_s)
    except HistoryError:
        return None


def _resume_point(
    store: HistoryStore | None, routine: Routine
) -> tuple[frozenset[SetKey], int, str | None]:
    """The sets done in the routine's interrupted session, its id, and where it was started."""
    if store is None:
        raise UsageError("--resume needs the workout history, which could not be opened")
    digest = _hash(routine)
    last = store.last_interrupted(routine.name, content_hash=digest)
    if last is None:
        before = store.last_interrupted(routine.name)
        if before is not None and digest is not None:
            sets = store.sets_for(before.id)
            anyway = (
                f"start at the exercise you stopped in with --start-at {sets[-1].exercise!r}"
                if sets
                else "start it again from the beginning"
            )
            raise UsageError(
                f"{routine.name!r} has changed since its interrupted session "
                f"{before.id} ({before.started_at:%Y-%m-%d %H:%M}), so its sets may no longer "
                f"line up: --resume carries on an unchanged routine only. To go on anyway, "
                f"{anyway}"
            )
        raise UsageError(
            f"no interrupted session of {routine.name!r} to resume "
            "('voicecoach history' lists past sessions)"
        )
    done = store.resume_point(routine.name, content_hash=digest)
    return done, last.id, last.start_at
