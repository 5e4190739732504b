"""Play a timeline in real time: sounds at their deadlines, keys, pause, skip, back and quit.

Every timeline offset is turned into an absolute deadline, ``anchor + at_ms / 1000``, on the
injected clock; the player never adds up sleeps, so no drift builds up over a session. Sounds are
handed to a non-blocking sink, so the clock is never held up by audio. Pausing, skipping and going
back move the anchor, and nothing else.

Missed deadlines: a sound is played late if the player reaches it late; one that is due more than
:data:`LATE_DROP_MS` ago (the machine was suspended, say) is dropped instead, and counted. Phase
boundaries are never dropped: they carry the display and the record of finished sets.
"""

from __future__ import annotations

import queue
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from voicecoach.beeps import Beep
from voicecoach.clip import Clip
from voicecoach.outcome import Outcome
from voicecoach.playback.clock import Clock
from voicecoach.playback.keyinput import KeyInput, Mark, Number
from voicecoach.playback.sinks import Sink
from voicecoach.routine.progress import parse_load
from voicecoach.timeline.language import Language, language_for
from voicecoach.timeline.model import Amrap, Event, EventKind, Phase, Role, SetId, Timeline

#: A sound due longer ago than this is not played at all.
LATE_DROP_MS = 1000
#: Length of the countdown after resuming from a pause or jumping back, in seconds.
RESUME_COUNTDOWN_S = 3
#: How often a live display is refreshed between events.
DISPLAY_EVERY_S = 0.1
#: How often the player looks for a better timeline while one is being prepared.
OFFER_POLL_S = 0.05


class ReadyClips(Protocol):
    """Speech clips by phrase, for playing: None when a phrase is not synthesized yet (it never
    waits for synthesis, unlike the renderer's :class:`voicecoach.render.mix.ClipMaker`)."""

    def get(self, text: str) -> Clip | None: ...


class Keys(Protocol):
    """Single key presses (space, n, b, q, Enter, digits) from the person training."""

    def fileno(self) -> int | None: ...

    def read(self) -> str | None: ...


class Display(Protocol):
    """What the person sees; every call is made from the player's thread."""

    def phase(self, phase: Phase, upcoming: Phase | None) -> None: ...

    def event(self, event: Event, *, played: bool) -> None: ...

    def progress(self, position_ms: int) -> None: ...

    def message(self, text: str) -> None: ...

    def retimed(self, timeline: Timeline) -> None: ...

    def record(self, text: str) -> None: ...


@dataclass(frozen=True)
class Done:
    """What a set is recorded as: its target, unless a number was typed for it."""

    reps: int | None
    #: Seconds held (a hold), or how long the set lasted.
    seconds: float | None
    weight: str | None
    #: Where the values came from: "target" (as planned), "typed" during the session, or
    #: "counted" (what an AMRAP phase reached).
    entered: str = "target"
    #: The rounds an AMRAP block finished.
    rounds: int | None = None


class Recorder(Protocol):
    """Told of every set as it finishes (history), and of a number typed for it afterwards."""

    def set_finished(self, phase: Phase, *, skipped: bool, done: Done) -> None: ...

    def set_corrected(self, phase: Phase, done: Done) -> None: ...


class NoKeys:
    """No keyboard: the session runs start to end (Ctrl-C still stops it)."""

    def fileno(self) -> int | None:
        return None

    def read(self) -> str | None:
        return None


@dataclass
class PlayStats:
    """What the player measured while playing."""

    #: How late each sound and phase boundary was handled, in milliseconds (>= 0).
    lateness_ms: list[float] = field(default_factory=list)
    played: int = 0
    dropped_late: int = 0
    missing_clips: int = 0
    #: Timeline position and clock reading when the session ended (for drift measurements).
    end_position_ms: int = 0
    end_lateness_ms: float = 0.0
    #: Timelines offered while playing (see :meth:`Player.offer`): taken, and turned down as
    #: not of the same routine.
    offers_taken: int = 0
    offers_refused: int = 0


@dataclass(frozen=True)
class Summary:
    """The result of playing a session."""

    outcome: Outcome
    position_ms: int
    total_ms: int
    sets_done: int
    sets_skipped: int
    sets_total: int
    last_phase: Phase | None

    def line(self, language: str = "en") -> str:
        """One line for the terminal, in `language` (the routine's)."""
        from voicecoach.timeline.language import language_for
        from voicecoach.timetext import clock as fmt

        return language_for(language).summary(
            completed=self.outcome is Outcome.COMPLETED,
            quit=self.outcome is Outcome.QUIT,
            sets_done=self.sets_done,
            sets_total=self.sets_total,
            sets_skipped=self.sets_skipped,
            position=fmt(self.position_ms),
            total=fmt(self.total_ms),
            where=self.last_phase.label if self.last_phase else None,
        )


@dataclass(frozen=True)
class _Item:
    at_ms: int
    phase: Phase | None
    event: Event | None


class _Quit(Exception):
    pass


class Player:
    """Plays one timeline; construct it, then call :meth:`run` once."""

    def __init__(
        self,
        timeline: Timeline,
        *,
        clips: ReadyClips,
        beeps: Mapping[Beep, Clip],
        sink: Sink,
        clock: Clock,
        keys: Keys | None = None,
        display: Display | None = None,
        recorder: Recorder | None = None,
        pause_phrase: str = "Paused.",
        resume_phrase: str = "Resumed.",
        words: Language | None = None,
        live_refresh: bool = False,
    ) -> None:
        self.clips = clips
        self.beeps = beeps
        self.sink = sink
        self.clock = clock
        self.keys = keys or NoKeys()
        self.display = display
        self.recorder = recorder
        self.pause_phrase = pause_phrase
        self.resume_phrase = resume_phrase
        #: The routine's language, for what the panel says while numbers are typed.
        self.words = words or language_for("en")
        self.live_refresh = live_refresh
        self.stats = PlayStats()
        self._use(timeline)
        self._current: Phase | None = None
        self._done_sets: set[int] = set()
        self._skipped_sets: set[int] = set()
        #: Counts spoken in the current phase, and what each AMRAP phase reached.
        self._counted = 0
        self.reached: dict[int, int] = {}
        #: Typed keys; reps (or seconds) typed per set phase; weights typed per exercise.
        self.input = KeyInput()
        self._typed: dict[int, int] = {}
        self._weights: dict[int, str] = {}
        self._weight_next = False
        #: The last set recorded, which a number typed in the rest after it corrects.
        self._last_set: Phase | None = None
        self._anchor = 0.0
        self._pos = 0
        self._offers: queue.SimpleQueue[Timeline | None] = queue.SimpleQueue()
        self._expecting = False
        #: An offered timeline to change over to at the next phase boundary.
        self._waiting: Timeline | None = None

    def _use(self, timeline: Timeline) -> None:
        """Play `timeline` from now on: its phases and sounds in order, and where each phase is."""
        self.timeline = timeline
        self._items = [
            _Item(it.start_ms, it, None) if isinstance(it, Phase) else _Item(it.at_ms, None, it)
            for it in timeline.in_order()
        ]
        self._phase_item = {
            it.phase.index: i for i, it in enumerate(self._items) if it.phase is not None
        }

    # -- a better timeline, while playing ------------------------------------------------------

    def expect_offer(self) -> None:
        """Say that :meth:`offer` will be called: the player then looks for it often."""
        self._expecting = True

    def offer(self, timeline: Timeline | None) -> None:
        """Hand over a timeline of the same routine with better phrase lengths (any thread).

        The player takes it at once if the phase it is in is the same in both, relative to the
        phase's start, and goes on from the same point; otherwise it takes it at the next phase
        boundary. None says that no timeline is coming after all.
        """
        self._offers.put(timeline)

    def _take_offer(self) -> bool:
        """Swap in an offered timeline; True if the position moved to a new timeline."""
        swapped = False
        while True:
            try:
                new = self._offers.get_nowait()
            except queue.Empty:
                return swapped
            self._expecting = False
            if new is not None:
                swapped = self._swap(new) or swapped

    def _swap(self, new: Timeline) -> bool:
        old, current = self.timeline, self._current
        if len(new.phases) != len(old.phases):
            self.stats.offers_refused += 1  # not the same routine: keep what is playing
            return False
        if current is None:
            self._waiting = new
            return False
        k = current.index
        old_phase, new_phase = old.phases[k], new.phases[k]

        def relative(tl: Timeline, phase: Phase) -> list[tuple[int, str, int]]:
            return [(e.at_ms - phase.start_ms, e.text, e.duration_ms) for e in tl.events_in(phase)]

        if (
            old_phase.kind is not new_phase.kind
            or old_phase.duration_ms != new_phase.duration_ms
            or relative(old, old_phase) != relative(new, new_phase)
        ):
            self._waiting = new  # this phase differs: change over where the next one starts
            return False
        self._install(new, k, self._pos - self._phase_item[k])
        self._current = new_phase
        return True

    def _install(self, new: Timeline, phase_index: int, offset: int) -> None:
        """Continue on `new` from `offset` items into phase `phase_index`, at the same instant."""
        old_start = self.timeline.phases[phase_index].start_ms
        self._use(new)
        self._pos = self._phase_item[phase_index] + offset
        self._anchor -= (new.phases[phase_index].start_ms - old_start) / 1000
        self.stats.offers_taken += 1
        if self.display is not None:
            self.display.retimed(new)

    # -- positions ---------------------------------------------------------------------------

    def position_ms(self) -> int:
        """Where the session is on the timeline now."""
        return max(0, min(self.timeline.total_ms, round((self.clock.now() - self._anchor) * 1000)))

    def _jump(self, phase_index: int, *, lead_s: float = 0.0) -> None:
        """Continue from the start of a phase, `lead_s` seconds from now."""
        self._pos = self._phase_item[phase_index]
        start = self.timeline.phases[phase_index].start_ms
        self._anchor = self.clock.now() + lead_s - start / 1000

    # -- running -----------------------------------------------------------------------------

    def run(self, start_phase: int = 0) -> Summary:
        """Play from the start of `start_phase` to the end; returns how it went.

        Ctrl-C (KeyboardInterrupt, which the CLI also raises on SIGTERM) stops the audio at once
        and ends the session as interrupted.
        """
        self._jump(start_phase)
        outcome = Outcome.COMPLETED
        try:
            self._loop()
            self._finish_at(self.timeline.total_ms)
        except _Quit:
            outcome = Outcome.QUIT
        except KeyboardInterrupt:
            outcome = Outcome.INTERRUPTED
        finally:
            self.sink.stop()
        position = (
            self.position_ms() if outcome is not Outcome.COMPLETED else self.timeline.total_ms
        )
        self.stats.end_position_ms = position

        def sets(indices: set[int]) -> set[SetId]:
            # Warm-up sets are not work sets, as in Timeline.set_count().
            phases = self.timeline.phases
            return {phases[i].set_id for i in indices if not phases[i].warmup}

        done = sets(self._done_sets)
        return Summary(
            outcome=outcome,
            position_ms=position,
            total_ms=self.timeline.total_ms,
            sets_done=len(done),
            sets_skipped=len(sets(self._skipped_sets) - done),
            sets_total=self.timeline.set_count(),
            last_phase=self._current,
        )

    def _loop(self) -> None:
        while self._pos < len(self._items):
            item = self._items[self._pos]
            if item.phase is not None and self._waiting is not None:
                new, self._waiting = self._waiting, None
                self._install(new, item.phase.index, 0)
                item = self._items[self._pos]
            deadline = self._anchor + item.at_ms / 1000
            if self._wait(deadline):
                continue
            late_ms = max(0.0, (self.clock.now() - deadline) * 1000)
            self._pos += 1
            if item.phase is not None:
                self._enter(item.phase, late_ms)
            elif item.event is not None:
                self._fire(item.event, late_ms)

    def _finish_at(self, end_ms: int) -> None:
        """Let the last sound play out, then close the last phase."""
        deadline = self._anchor + end_ms / 1000
        while self._wait(deadline):
            pass
        self.stats.end_lateness_ms = (self.clock.now() - deadline) * 1000
        if self._current is not None and self._current.is_work:
            self._record(self._current, skipped=False)

    def _wait(self, deadline: float) -> bool:
        """Wait for `deadline`; True if a key moved the session, so the caller must look again."""
        while True:
            now = self.clock.now()
            if now >= deadline:
                return False
            wake = deadline
            if self.live_refresh and self.display is not None:
                wake = min(wake, now + DISPLAY_EVERY_S)
            if self._expecting:
                wake = min(wake, now + OFFER_POLL_S)
            if self.clock.wait_until(wake, self.keys.fileno()):
                key = self.keys.read()
                if key is not None and self._key(key):
                    return True
            elif wake < deadline and self.display is not None:
                self.display.progress(self.position_ms())
            if self._take_offer():
                return True

    # -- what happens at a deadline ------------------------------------------------------------

    def _enter(self, phase: Phase, late_ms: float) -> None:
        previous = self._current
        if previous is not None and previous.is_work and previous.index < phase.index:
            self._record(previous, skipped=False)
        self._current = phase
        self._counted = 0
        self.stats.lateness_ms.append(late_ms)
        if self.display is not None:
            nxt = phase.index + 1
            upcoming = self.timeline.phases[nxt] if nxt < len(self.timeline.phases) else None
            self.display.phase(phase, upcoming)
            self._show_record()

    def _fire(self, event: Event, late_ms: float) -> None:
        self.stats.lateness_ms.append(late_ms)
        if event.role is Role.COUNT:
            self._counted += 1
        if late_ms > LATE_DROP_MS:
            self.stats.dropped_late += 1
            played = False
        else:
            clip = (
                self.beeps.get(event.beep)
                if event.kind is EventKind.BEEP
                else self.clips.get(event.text)
            )
            if clip is None:
                self.stats.missing_clips += 1
                played = False
            else:
                self.sink.play(clip)
                self.stats.played += 1
                played = True
        if self.display is not None:
            self.display.event(event, played=played)

    def _record(self, phase: Phase, *, skipped: bool) -> None:
        (self._skipped_sets if skipped else self._done_sets).add(phase.index)
        if phase.amrap is Amrap.OPEN and not skipped:
            self.reached.setdefault(phase.index, self._counted)
        elif phase.amrap is Amrap.ROUNDS:
            self.reached.setdefault(phase.index, 0)
        self._last_set = phase
        if self.recorder is not None:
            self.recorder.set_finished(phase, skipped=skipped, done=self.done(phase))

    # -- what was done -------------------------------------------------------------------------

    def done(self, phase: Phase) -> Done:
        """What set `phase` is recorded as: its target, what an AMRAP phase reached, or the reps
        and weight typed for it."""
        typed = self._typed.get(phase.index)
        weight = phase.weight
        if phase.exercise_index is not None:
            weight = self._weights.get(phase.exercise_index, weight)
        entered = "typed" if typed is not None or weight != phase.weight else "target"
        if phase.amrap is Amrap.ROUNDS:
            rounds = self.reached.get(phase.index, 0)
            return Done(None, phase.duration_ms / 1000, weight, "counted", rounds=rounds)
        if phase.amrap is not None:
            counted = self._counted if phase is self._current else 0
            reached = typed if typed is not None else self.reached.get(phase.index, counted)
            seconds = None if phase.amrap is Amrap.OPEN else phase.duration_ms / 1000
            return Done(reached, seconds, weight, entered if typed is not None else "counted")
        if phase.reps is not None:
            return Done(phase.reps if typed is None else typed, None, weight, entered)
        seconds = phase.duration_ms / 1000 if typed is None else float(typed)
        return Done(None, seconds, weight, entered)

    def _entry_target(self) -> Phase | None:
        """The set a number typed now is for: the set being played, else the last one done."""
        current = self._current
        if current is not None and current.is_work:
            return current
        return self._last_set

    def _show_record(self) -> None:
        target = self._entry_target()
        if self.display is not None and target is not None:
            self.display.record(self._set_done(target))

    def _number(self, number: Number) -> bool:
        """A number typed and Enter: the reps of a set (seconds of a hold; in an AMRAP phase what
        it reached), or after w a weight. True if the session's position changed."""
        if self._weight_next:
            self._weight_next = False
            self._new_weight(number)
            return False
        target = self._entry_target()
        if target is None or number.whole is None:
            w = self.words
            self._tell(w.panel_nothing_to_record if target is None else w.panel_whole_reps)
            return False
        if target is self._current and target.amrap is not None:
            self.reached[target.index] = number.whole
            if target.amrap is Amrap.OPEN:
                return self._end_open_set(target)
            self._tell(self.words.reached(number.whole, rounds=target.amrap is Amrap.ROUNDS))
            return False
        self._typed[target.index] = number.whole
        if target.index in self._done_sets | self._skipped_sets:
            self._done_sets.add(target.index)
            self._skipped_sets.discard(target.index)
            if self.recorder is not None:
                self.recorder.set_corrected(target, self.done(target))
        self._tell(self.words.panel_recorded.format(what=self._set_done(target)))
        return False

    def _new_weight(self, number: Number) -> None:
        """The weight of the next sets of the exercise being played, or of the next exercise."""
        current = self._current
        start = current.index if current is not None else 0
        upcoming = [p for p in self.timeline.phases[start:] if p.is_work]
        index = upcoming[0].exercise_index if upcoming else None
        if index is None:
            self._tell(self.words.panel_no_weight_target)
            return
        phase = upcoming[0]
        load = parse_load(phase.weight)
        weight = f"{number.text} {load.unit if load is not None else 'kg'}"
        self._weights[index] = weight
        self._tell(self.words.panel_weight_from_now.format(exercise=phase.exercise, weight=weight))

    def _set_done(self, phase: Phase) -> str:
        """ "Deadlift set 2: 10 reps at 40 kg", in the routine's language."""
        done = self.done(phase)
        return self.words.set_done(
            phase.exercise or phase.label,
            phase.set_number or 1,
            phase.side,
            reps=done.reps,
            seconds=done.seconds,
            weight=done.weight,
            rounds=done.rounds,
        )

    def _tell(self, text: str) -> None:
        if self.display is not None:
            self.display.message(text)
            self._show_record()

    # -- keys --------------------------------------------------------------------------------

    def _key(self, char: str) -> bool:
        """Act on a key; True if the session's position changed."""
        got = self.input.feed(char)
        if isinstance(got, Number):
            return self._number(got)
        if isinstance(got, Mark):
            return self._enter_key()
        if got is None:
            if self.input.typed and self.display is not None:
                w = self.words
                typing = w.panel_typing_weight if self._weight_next else w.panel_typing_reps
                self.display.message(typing.format(typed=self.input.typed))
            return False
        key = got.key.lower()
        if key == "w":
            self._weight_next = True
            self._tell(self.words.panel_type_weight)
            return False
        if key == "q":
            raise _Quit
        if key == " ":
            self._pause()
            return True
        if key == "n":
            self._skip()
            return True
        if key == "b":
            self._back()
            return True
        return False

    def _enter_key(self) -> bool:
        """Enter alone: end an open-ended AMRAP set, or mark a round of an AMRAP block. True if
        the session's position changed."""
        current = self._current
        if current is None or current.amrap is None:
            return False
        if current.amrap is Amrap.ROUNDS:
            rounds = self.reached.get(current.index, 0) + 1
            self.reached[current.index] = rounds
            if current.on_enter is not None:
                self._say(current.on_enter)
            if self.display is not None:
                self.display.message(self.words.rounds_done(rounds))
            return False
        if current.amrap is Amrap.TIMED:
            return False
        return self._end_open_set(current)

    def _end_open_set(self, current: Phase) -> bool:
        """An open-ended AMRAP set ends here: the count reached (or the number typed) is
        recorded, and the session goes on with the next phase."""
        self.sink.stop()
        self._record(current, skipped=False)
        self._current = None
        nxt = current.index + 1
        if nxt < len(self.timeline.phases):
            self._jump(nxt)
        else:
            self._pos = len(self._items)
        return True

    def _say(self, text: str) -> None:
        clip = self.clips.get(text)
        if clip is not None:
            self.sink.play(clip)
        if self.display is not None:
            self.display.message(text)

    def _pause(self) -> None:
        """Hold the session where it is; space resumes after a short countdown."""
        held_at = self.position_ms()
        self.sink.stop()
        self._say(self.pause_phrase)
        while True:
            if not self.clock.wait_until(self.clock.now() + 3600, self.keys.fileno()):
                continue
            key = (self.keys.read() or "").lower()
            if key == "q":
                raise _Quit
            if key in (" ", "n", "b"):
                break
        if key == "n":
            self._skip()
            return
        if key == "b":
            self._back()
            return
        self._countdown()
        if self.display is not None:
            self.display.message(self.resume_phrase)
        # Everything before the held position has been handled; the rest waits for its time.
        self._anchor = self.clock.now() - held_at / 1000

    def _countdown(self) -> None:
        """Three ticks, one a second; the session continues on the fourth second."""
        tick = self.beeps.get(Beep.TICK)
        start = self.clock.now()
        for k in range(RESUME_COUNTDOWN_S):
            while self.clock.wait_until(start + k, self.keys.fileno()):
                if (self.keys.read() or "").lower() == "q":
                    raise _Quit
            if tick is not None:
                self.sink.play(tick)
        while self.clock.wait_until(start + RESUME_COUNTDOWN_S, self.keys.fileno()):
            if (self.keys.read() or "").lower() == "q":
                raise _Quit

    def _skip(self) -> None:
        """Jump to the start of the next phase; a set skipped while in it is recorded so."""
        self.sink.stop()
        current = self._current
        if current is None:
            return
        if current.is_work:
            self._record(current, skipped=True)
            self._current = None  # already recorded: entering the next phase must not again
        nxt = current.index + 1
        if nxt < len(self.timeline.phases):
            self._jump(nxt)
        else:
            self._pos = len(self._items)

    def _back(self) -> None:
        """Redo the current set from its start (in a rest: the set just done), after a countdown."""
        self.sink.stop()
        current = self._current
        if current is None:
            return
        work = [p for p in self.timeline.phases[: current.index + 1] if p.is_work]
        if not work:
            return
        self._current = None
        self.reached.pop(work[-1].index, None)  # done again: what it reached counts again
        self._typed.pop(work[-1].index, None)  # and what was typed for it is gone
        self._countdown()
        self._jump(work[-1].index)
