"""Preparing speech for a session: phrase lengths, and a timeline that can start speaking at once.

The order of work is chosen so the session starts speaking at once, even on a cold speech cache:

1. the routine is compiled with estimated phrase lengths, only to learn which phrases come first;
2. the phrases of the first two phases are synthesized (a few tens of milliseconds);
3. the routine is compiled again: the first phases now have their measured lengths, and the
   player starts on this provisional timeline;
4. a background thread synthesizes every other phrase, in order of use, then compiles the final
   timeline, all lengths measured, and offers it to the player, which takes it as long as the
   phase it is in is the same in both (it always is: that phase was measured in step 2).

On a warm cache steps 2 and 4 find everything made, and the final timeline is used from the start.

An engine that keeps a worker process (piper: onnxruntime and a voice, a few hundred MB) is
started ahead by ``voicecoach run`` while the routine is read
(:func:`voicecoach.speech.registry.warm_up`); step 1 stops it unless a phrase is missing, and
once step 4 and the pause phrase are done it is stopped for the rest of the session
(:func:`make_quietly`): a session plays with no worker process left.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach.routine.model import Routine, Voice
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import DurationProvider, EstimatedDurations
from voicecoach.timeline.model import EventKind, Timeline

if TYPE_CHECKING:
    from voicecoach.playback.player import Player
    from voicecoach.speech.cache import PhraseCache
    from voicecoach.speech.engine import Synthesizer


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
    voice: Voice | None = None,
    *,
    cache_root: Path | None = None,
    notify: Callable[[str], None] | None = None,
) -> PhraseCache:
    """A phrase cache for `voice` (default: the routine's) in the routine's language.

    When the engine asked for (or the first in order of preference) cannot speak the language,
    the next one that can does, and `notify` is told so once. With `notify`, an engine that
    fails later (its worker process crashes, say) is restarted or replaced by the next engine for
    the remaining phrases, and `notify` is told once each time (see
    :mod:`voicecoach.speech.failover`); it is also told once when the cache folder cannot be
    written (phrases are then made for this session only).

    Raises SpeechUnavailable when no engine starts, UnknownVoiceError for a voice id that does
    not exist.
    """
    from voicecoach.speech.cache import PhraseCache
    from voicecoach.speech.failover import FailoverSynthesizer
    from voicecoach.speech.voices import open_voice

    synthesizer: Synthesizer
    synthesizer, note = open_voice(voice or routine.voice, routine.language)
    if notify is not None:
        if note is not None:
            notify(f"speech: {note}.")
        synthesizer = FailoverSynthesizer(synthesizer, language=routine.language, notify=notify)
    return PhraseCache(cache_root, synthesizer=synthesizer, warn=notify)


def on_demand_phrases(routine: Routine) -> list[str]:
    """The phrases a run may say that are in no timeline: "Paused." when a key pauses it."""
    from voicecoach.timeline.language import language_for

    return [language_for(routine.language).paused]


def measured_timeline(
    routine: Routine,
    cache: PhraseCache,
    *,
    rate: int,
    on_progress: Callable[[int, int], None] | None = None,
) -> Timeline:
    """The timeline with every phrase length measured, synthesizing what the cache lacks."""
    lengths = ReadyOrEstimated(cache, EstimatedDurations(rate))
    rough = compile_routine(routine, lengths)
    if lengths.measured:  # every phrase was in the cache: the timeline is exact already
        return rough
    cache.ensure(rough.phrases(), on_progress=on_progress)
    return compile_routine(routine, cache.durations())


def dry_run_timeline(
    routine: Routine,
    voice: Voice | None = None,
    *,
    estimate: bool = False,
    cache_root: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[Timeline, str | None]:
    """The timeline a dry run prints, and the voice whose lengths it uses (None: estimated).

    Lengths are measured when a voice can be started (missing phrases are synthesized into the
    cache, so the run that follows starts at once), estimated otherwise or when asked to.
    """
    from voicecoach.errors import SpeechUnavailable

    voice = voice or routine.voice
    speed = voice.rate
    if not estimate:
        try:
            cache = open_speech(routine, voice, cache_root=cache_root)
        except SpeechUnavailable:
            cache = None
        if cache is not None:
            timeline = measured_timeline(routine, cache, rate=speed, on_progress=on_progress)
            cache.ensure(on_demand_phrases(routine))
            s = cache.settings
            return timeline, f"{s.voice_id} at {s.rate} words a minute ({s.engine})"
    return compile_routine(routine, EstimatedDurations(speed)), None


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare_speech` did for one routine."""

    routine: str
    phrases: int
    made: int
    voice: str


def prepare_speech(
    routine: Routine,
    voice: Voice | None = None,
    *,
    cache_root: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> Prepared:
    """Fill the speech cache with every phrase of `routine` ahead of its run (``voicecoach
    prepare``), so the run starts at once and a slow voice never has to catch up (nor even
    start: a run that finds every phrase made never starts the engine)."""
    voice = voice or routine.voice
    cache = open_speech(routine, voice, cache_root=cache_root, notify=notify)
    timeline = measured_timeline(routine, cache, rate=voice.rate, on_progress=on_progress)
    extra = on_demand_phrases(routine)
    cache.ensure(extra)
    s = cache.settings
    ready = len({*timeline.phrases(), *extra})
    return Prepared(routine.name, ready, cache.synthesized, f"{s.voice_id} ({s.engine})")


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
    on_progress: Callable[[int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Plan:
    """Steps 1 to 3 of the module's docstring: a timeline that can start speaking now.

    `on_progress(done, total)` follows step 2, the only one that waits for the engine (long when
    the first phrases are long, an intro of a thousand words, say).

    With a slow engine (piper: about half a second to start its worker and load its voice, then
    a tenth to a quarter of a phrase's length to make it), only the first phrase is made before
    the start, and `on_wait` is called first when it has to be made: the run plays a short beep
    then, so that something is heard within a second. Every other phrase is made in the
    background in order of use, faster than the session plays them.
    """
    from voicecoach.speech.registry import cool_down, is_slow

    estimate = EstimatedDurations(rate)
    rough = compile_routine(routine, ReadyOrEstimated(cache, estimate))
    # An engine started ahead (the run's warm_up) is stopped unless it has phrases to make.
    missing = not all(cache.is_ready(t) for t in rough.phrases())
    cool_down(keep=cache.settings.engine if missing else None)
    start_phase = start(rough) if start is not None else 0
    first = [
        e.text
        for p in rough.phases[start_phase : start_phase + 2]
        for e in rough.events_in(p)
        if e.kind is EventKind.SPEAK
    ]
    if is_slow(cache.settings.engine):
        first = first[:1]
        if on_wait is not None and not all(cache.is_ready(t) for t in first):
            on_wait()
    cache.ensure(first, on_progress=on_progress)
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


def make_quietly(cache: PhraseCache, texts: Sequence[str]) -> None:
    """Make `texts` ahead of need (the pause phrase, said only on a key press), then stop what
    the engine keeps running between phrases (its worker process: piper's holds onnxruntime and
    the voice, about 170 MB; pyttsx3's about 27 MB), since the session has no other phrase to
    make.

    A phrase that cannot be made is left out: the session goes on without it (the reason, the
    same for every phrase, is reported by the :class:`Finisher`).
    """
    from voicecoach.errors import SpeechUnavailable
    from voicecoach.speech.engine import SpeechCacheError
    from voicecoach.speech.registry import release

    try:
        with contextlib.suppress(SpeechUnavailable, SpeechCacheError):
            cache.ensure(texts)
    finally:
        release(cache.settings.engine)


class Finisher:
    """Step 4: synthesizes the pending phrases on a thread, then offers the final timeline; then
    makes the phrases given to :meth:`start` as `after`, and stops the engine's worker process
    (:func:`make_quietly`)."""

    def __init__(self, routine: Routine, cache: PhraseCache, pending: list[str]) -> None:
        self.routine = routine
        self.cache = cache
        self.pending = pending
        self.after: Sequence[str] = ()
        self.error: BaseException | None = None
        self.final: Timeline | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="voicecoach-speech", daemon=True)

    def start(self, player: Player, *, after: Sequence[str] = ()) -> None:
        self._player = player
        self.after = after
        player.expect_offer()
        self._thread.start()

    def stop(self) -> None:
        """Make no phrase after the one being made (the session is over)."""
        self._stop.set()

    def _run(self) -> None:
        try:
            self._finish()
        finally:
            make_quietly(self.cache, () if self._stop.is_set() else self.after)

    def _finish(self) -> None:
        try:
            for text in self.pending:
                if self._stop.is_set():
                    self._player.offer(None)
                    return
                self.cache.clip(text)
            self.final = compile_routine(self.routine, self.cache.durations())
        except Exception as err:  # noqa: BLE001 - reported by the caller after the session
            self.error = err
            self._player.offer(None)
            return
        self._player.offer(self.final)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)
