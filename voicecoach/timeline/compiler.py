"""Compile a routine into its timeline: a pure function of the routine and phrase lengths.

The session is laid out phase by phase, in the order a coach speaks. Within a phase, fixed sounds
go first (boundary beeps, countdown ticks, rep counts and the beeps that mark the lowering), then
what must be said (a set's call, the first set's setup cues, the cues that fit nowhere inside a
rep), then what is said when there is room (time calls, reminders, cues during the reps). Nothing
ever overlaps: every two sounds are at least :data:`GAP_MS` apart.

The rules a person can hear (docs/routine-format.md, "What is said, and when"):

- A rep follows the movement. `starts_with: lift` (deadlift, rows, pull-ups) begins with the
  lifting part of the tempo, `lower` (squat, push-up) with the lowering. Either way the count is
  spoken as the lifting part starts, and the `rep` beep marks the start of the lowering.
- `before_rep` cues are spoken in the pause before a rep: before the first rep in the time before
  the countdown, before the others in the pause the tempo leaves at the rest position (the bottom
  pause when the rep starts with the lift, the top pause when it starts with the lowering).
- `during` cues start after the count, while the lifting part and the top pause last.
- `finish` cues are spoken before the last rep starts, or as the last seconds of a hold begin.
- A room before a set that is too short for what must be said in it (the set's call, the first
  set's setup cues, the cues that fit nowhere inside a rep, the countdown) is lengthened.
- No phrase but a count is said twice within :data:`REPEAT_GAP_MS`, except what must be said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.beeps import BEEP_MS, Beep
from voicecoach.routine.model import (
    AMRAP_CAP,
    Circuit,
    CircuitStyle,
    Cue,
    Exercise,
    Routine,
    Section,
    SetTarget,
    StartsWith,
    WorkKind,
)
from voicecoach.timeline.durations import DurationProvider
from voicecoach.timeline.language import Language, language_for
from voicecoach.timeline.model import (
    Amrap,
    Block,
    CueWarning,
    Event,
    EventKind,
    Phase,
    PhaseKind,
    Role,
    SetPlace,
    Stretch,
    Timeline,
)
from voicecoach.timeline.room import GAP_MS, Placement, Room
from voicecoach.timeline.targets import (
    amrap_kind,
    announcement,
    is_drop,
    rest_before,
    set_call,
    shown_place,
    target_of,
)

#: From the start of a work phase (the "go" beep) to the first repetition.
GO_LEAD_MS = 500
#: Silence at the end of an announcement before the next phase.
ANNOUNCE_TAIL_MS = 400
#: Shortest hold or continuous work that gets a spoken "halfway".
HALFWAY_MIN_MS = 20_000
#: Shortest hold or continuous work that gets "ten seconds left".
TEN_LEFT_MIN_MS = 30_000
#: At most one `during` cue per this much work.
DURING_EVERY_MS = 12_000
#: The same words (anything but a rep count) are not said again within this time, start to start,
#: unless they must be said (a set's call, a first set's setup cue).
REPEAT_GAP_MS = 30_000
#: Rests of at least this long get time calls ("One minute left.", "10 seconds, get ready.").
TALKING_REST_MS = 30_000
#: A rest calls each whole minute left that comes at least this long after it starts (after
#: "Rest, one minute fifteen." and the next name).
MINUTE_CALL_ROOM_MS = 10_000
#: A rest before a new exercise of at least this long previews its first setup cue.
PREVIEW_REST_MS = 45_000
#: A finish cue of a hold starts about this long before the end.
FINISH_HOLD_MS = 5_000
#: A drop set's change of weight takes at least its phrase and this much more.
DROP_ROOM_MS = BEEP_MS[Beep.REST] + 3 * GAP_MS


@dataclass(frozen=True)
class BlockPlace:
    """The interval, EMOM or AMRAP block a phase belongs to, and where the block starts."""

    block: Block
    #: The index of the block's first phase (its announcement).
    start: int


#: The place of a phase that belongs to no set (announcements, rests between exercises).
_NO_SET = SetPlace()


@dataclass
class _Drop:
    cue: Cue
    needed: int
    available: int
    where: str
    times: int = 1


@dataclass(frozen=True)
class _Say:
    """A phrase to place in a lead-in."""

    text: str
    role: Role
    cue: Cue | None = None


@dataclass
class _Plan:
    """What one exercise says where, worked out before its first set."""

    #: `during` cues too long for the top of any rep: said before the sets instead.
    moved_during: tuple[Cue, ...]
    #: `before_rep` cues too long for the pause between reps: said before the first rep only.
    moved_before: tuple[Cue, ...]
    during: tuple[Cue, ...]
    before: tuple[Cue, ...]


class _Compiler:
    def __init__(self, routine: Routine, durations: DurationProvider) -> None:
        self.routine = routine
        self.durations = durations
        self.say: Language = language_for(routine.language)
        self.english: Language = language_for("en")
        self.t = 0
        self.phases: list[Phase] = []
        self.events: list[Event] = []
        self.drops: dict[tuple[str, object], _Drop] = {}
        self.stretched: list[Stretch] = []
        self.rotation: dict[tuple[int, str], int] = {}
        self.exercise_index = {id(e): i for i, e in enumerate(routine.all_exercises())}
        self.introduced: set[str] = set()
        self.spoken: dict[str, list[int]] = {}
        self.get_ready_turn = 0

    # -- sounds ------------------------------------------------------------------------------

    def length(self, text: str) -> int:
        return max(1, self.durations.duration_ms(text))

    def _add(
        self, room: Room, at: int, kind: EventKind, text: str, length: int, role: Role
    ) -> None:
        room.take(at, length)
        self.events.append(Event(at, kind, text, length, role, len(self.phases)))
        if kind is EventKind.SPEAK and role is not Role.COUNT:
            self.spoken.setdefault(text, []).append(at)

    def said_recently(self, text: str, at: int) -> bool:
        """Whether `text` is said within REPEAT_GAP_MS of `at` (before or after)."""
        return any(abs(at - s) < REPEAT_GAP_MS for s in self.spoken.get(text, ()))

    def beep(self, room: Room, beep: Beep, at: int) -> bool:
        length = BEEP_MS[beep]
        if not room.fits(at, length):
            return False
        self._add(room, at, EventKind.BEEP, beep.value, length, Role.BEEP)
        return True

    def speak_at(self, room: Room, text: str, at: int, role: Role) -> bool:
        length = self.length(text)
        if not room.fits(at, length):
            return False
        self._add(room, at, EventKind.SPEAK, text, length, role)
        return True

    def speak(
        self,
        room: Room,
        text: str,
        role: Role,
        *,
        lo: int,
        hi: int,
        placement: Placement,
        target: int = 0,
        must: bool = False,
    ) -> int | None:
        """Place a phrase in [lo, hi]; returns where it starts, None if there is no room or
        (unless it `must` be said) it was said too recently."""
        length = self.length(text)
        at = room.find(length, lo, hi, placement, target)
        if at is None or (not must and self.said_recently(text, at)):
            return None
        self._add(room, at, EventKind.SPEAK, text, length, role)
        return at

    def speak_cue(
        self,
        room: Room,
        cue: Cue,
        role: Role,
        *,
        lo: int,
        hi: int,
        placement: Placement,
        where: str,
        target: int = 0,
        must: bool = False,
    ) -> int | None:
        """An author's cue: like :meth:`speak`, and a cue with no room is reported."""
        at = self.speak(
            room, cue.text, role, lo=lo, hi=hi, placement=placement, target=target, must=must
        )
        if at is None and room.find(self.length(cue.text), lo, hi, placement, target) is None:
            self.drop(cue, self.length(cue.text), room.largest(lo, hi), where)
        return at

    def drop(self, cue: Cue, needed: int, available: int, where: str) -> None:
        key = (cue.text, cue.pos)
        found = self.drops.get(key)
        if found is None:
            self.drops[key] = _Drop(cue, needed, available, where)
        else:
            found.times += 1
            found.available = max(found.available, available)

    def rotate(self, exercise: Exercise, kind: str, cues: Sequence[Cue]) -> Cue:
        """The next of `cues` in turn (each exercise and kind keeps its own turn)."""
        key = (self.exercise_index[id(exercise)], kind)
        i = self.rotation.get(key, 0)
        self.rotation[key] = i + 1
        return cues[i % len(cues)]

    # -- phases ------------------------------------------------------------------------------

    def open_phase(self, length: int) -> Room:
        return Room(self.t, self.t + length)

    def close_phase(
        self,
        kind: PhaseKind,
        room: Room,
        label: str,
        section: Section,
        *,
        exercise: Exercise | None = None,
        place: SetPlace = _NO_SET,
        reps: int | None = None,
        weight: str | None = None,
        warmup: bool = False,
        amrap: Amrap | None = None,
        block: BlockPlace | None = None,
        on_enter: str | None = None,
        name: str | None = None,
    ) -> None:
        """End the phase `room` holds; `name` overrides the exercise's name (an AMRAP block's
        work phase is named after the block)."""
        self.phases.append(
            Phase(
                index=len(self.phases),
                kind=kind,
                start_ms=room.start,
                end_ms=room.end,
                label=label,
                section=section.value,
                exercise_index=None if exercise is None else self.exercise_index[id(exercise)],
                exercise=name if name is not None or exercise is None else exercise.name,
                set_number=place.set_number,
                set_count=place.set_count,
                side=place.side,
                round_number=place.round_number,
                round_count=place.round_count,
                reps=reps,
                weight=weight,
                warmup=warmup,
                amrap=amrap,
                block=None if block is None else block.block,
                block_start=None if block is None else block.start,
                on_enter=on_enter,
            )
        )
        self.t = room.end

    def after_work(self) -> bool:
        return bool(self.phases) and self.phases[-1].is_work

    def boundary_ms(self) -> int:
        """Room the end-of-work beep takes at the start of the next phase (0 after no work)."""
        return BEEP_MS[Beep.REST] + GAP_MS if self.after_work() else 0

    def boundary(self, room: Room, rest: bool) -> int:
        """Beep the end of work if the previous phase was work; returns where speech may start."""
        if not self.after_work():
            return room.start
        beep = Beep.REST if rest else Beep.STOP
        self.beep(room, beep, room.start)
        return room.start + BEEP_MS[beep] + GAP_MS

    def where(self, exercise: Exercise, place: SetPlace) -> str:
        """Where a set is, in the words of warnings (English, like every message)."""
        return self.english.place(exercise.name, shown_place(exercise, place))

    # -- announcing ---------------------------------------------------------------------------

    def announce(
        self,
        section: Section,
        exercise: Exercise,
        head: list[str],
        *,
        place: SetPlace,
        in_circuit: bool,
    ) -> None:
        """A phase sized to its content: headings, the exercise, its weight, its intro (once per
        exercise in a session, however many items use it). Only the exercise's own line may
        repeat within REPEAT_GAP_MS (a quick circuit announces it every round)."""
        texts: list[tuple[str, Role]] = [(h, Role.ENGINE) for h in head]
        texts += [(t, Role.ENGINE) for t in announcement(self.say, exercise, in_circuit=in_circuit)]
        texts += [(c.text, Role.INTRO) for c in self.intro(exercise)]
        start = self.t
        cursor = start + (BEEP_MS[Beep.STOP] + GAP_MS if self.after_work() else 0)
        placed: list[tuple[int, str, int, Role]] = []
        name_line = len(head)
        for i, (text, role) in enumerate(texts):
            # The exercise's name and target are always said; the rest not twice in a row.
            if i != name_line and self.said_recently(text, cursor):
                continue
            length = self.length(text)
            placed.append((cursor, text, length, role))
            cursor += length + GAP_MS
        end = cursor - GAP_MS if placed else start
        room = self.open_phase(end - start + ANNOUNCE_TAIL_MS)
        self.boundary(room, rest=False)
        for at, text, length, role in placed:
            self._add(room, at, EventKind.SPEAK, text, length, role)
        self.close_phase(
            PhaseKind.ANNOUNCE, room, exercise.name, section, exercise=exercise, place=place
        )

    def intro(self, exercise: Exercise) -> tuple[Cue, ...]:
        """The exercise's intro cues the first time it is announced in the session, else none."""
        key = exercise.library_id or exercise.name.casefold()
        if key in self.introduced:
            return ()
        self.introduced.add(key)
        return exercise.cues.intro

    # -- before a set -------------------------------------------------------------------------

    def lead_in(
        self,
        kind: PhaseKind,
        given_ms: int,
        section: Section,
        exercise: Exercise,
        place: SetPlace,
        *,
        label: str,
        head: Sequence[_Say] = (),
        must: Sequence[_Say] = (),
        before: _Say | None = None,
        set_text: str | None = None,
        extra: Sequence[_Say] = (),
        countdown: bool = True,
        time_calls: bool = False,
        stretch: bool = True,
        last_call: bool = True,
        head_needed: bool = False,
        block: BlockPlace | None = None,
    ) -> None:
        """A prepare, rest or switch phase before a set.

        From the start: the end-of-work beep, the `head` phrases ("Rest, two minutes."), time
        calls; towards the end: the cues that `must` be said, the set's call, a `before` cue for
        the first rep, then the countdown ticks, which nothing displaces. When the given time is
        too short for what must be said and the countdown, the phase is lengthened (`stretch`).
        """
        ticks_ms = exercise.countdown_s * 1000 if countdown else 0
        must_all = [*must, *([_Say(set_text, Role.SET)] if set_text else [])]
        if before is not None:
            must_all.append(before)
        needed = (
            self.boundary_ms()
            + sum(self.length(s.text) + GAP_MS for s in (*must_all, *(head if head_needed else ())))
            + ticks_ms
            + (GAP_MS if not ticks_ms else 0)
        )
        if given_ms <= 0 and not must_all and not ticks_ms:
            return
        length = given_ms
        if stretch and needed > given_ms:
            length = needed
            self.stretched.append(
                Stretch(
                    where=self.say.place(exercise.name, shown_place(exercise, place)),
                    given_ms=given_ms,
                    used_ms=needed,
                )
            )
        if length <= 0:
            return
        room = self.open_phase(length)
        cursor = self.boundary(room, rest=kind is PhaseKind.REST)
        ticks = (
            [room.end - k * 1000 for k in range(exercise.countdown_s, 0, -1)] if ticks_ms else []
        )
        for tick in ticks:
            self.beep(room, Beep.TICK, tick)
        hi = (ticks[0] if ticks else room.end) - GAP_MS
        where = self.where(exercise, place)
        if head_needed:
            cursor = self.head(room, head, cursor, must=True)
        # What must be said, from the countdown backwards: the first rep's cue, the set's call,
        # then the rest in the order given.
        for say in reversed(must_all):
            at = self.place_say(room, say, lo=cursor, hi=hi, must=True, where=where)
            if at is not None:
                hi = at - GAP_MS
        if not head_needed:
            cursor = self.head(room, head, cursor, must=False)
        if time_calls:
            self.time_calls(room, lo=cursor, get_ready=last_call)
        for say in extra:
            self.place_say(room, say, lo=cursor, hi=hi, must=False, where=where)
        self.close_phase(kind, room, label, section, exercise=exercise, place=place, block=block)

    def head(self, room: Room, head: Sequence[_Say], cursor: int, *, must: bool) -> int:
        """The phrases that open a phase, one after the other; returns where the room after
        them starts."""
        for say in head:
            at = self.speak(
                room,
                say.text,
                say.role,
                lo=cursor,
                hi=room.end,
                placement=Placement.EARLIEST,
                must=must,
            )
            if at is not None:
                cursor = at + self.length(say.text) + GAP_MS
        return cursor

    def place_say(
        self, room: Room, say: _Say, *, lo: int, hi: int, must: bool, where: str
    ) -> int | None:
        if say.cue is not None:
            return self.speak_cue(
                room,
                say.cue,
                say.role,
                lo=lo,
                hi=hi,
                placement=Placement.LATEST,
                where=f"the time before {where}",
                must=must,
            )
        return self.speak(
            room, say.text, say.role, lo=lo, hi=hi, placement=Placement.LATEST, must=must
        )

    def time_calls(self, room: Room, *, lo: int, get_ready: bool) -> None:
        """Time left in a rest of TALKING_REST_MS or more: each whole minute, 30 s, and 10 s
        ("10 seconds, get ready" when a set follows); when none of those find room, the first
        five seconds from 20 seconds left on that do."""
        length = room.end - room.start
        if length < TALKING_REST_MS:
            return
        calls: list[tuple[int, str]] = [
            (m * 60_000, self.say.time_left(m * 60_000))
            for m in range(length // 60_000, 0, -1)
            if length >= m * 60_000 + MINUTE_CALL_ROOM_MS
        ]
        if length >= 45_000:
            calls.append((30_000, self.say.time_left(30_000)))
        calls.append((10_000, self.say.get_ready_soon if get_ready else self.say.time_left(10_000)))
        placed = 0
        for left, text in calls:
            target = room.end - left
            if (
                self.speak(
                    room,
                    text,
                    Role.ENGINE,
                    lo=max(lo, target),
                    hi=target + 1500 + self.length(text),
                    placement=Placement.EARLIEST,
                )
                is not None
            ):
                placed += 1
        for left in range(20_000, length - 4_000, 5_000):
            if placed:
                break
            target = room.end - left
            text = self.say.time_left(left)
            if (
                self.speak(
                    room,
                    text,
                    Role.ENGINE,
                    lo=max(lo, target),
                    hi=target + 1500 + self.length(text),
                    placement=Placement.EARLIEST,
                )
                is not None
            ):
                placed += 1

    # -- one set ------------------------------------------------------------------------------

    def plan(self, exercise: Exercise) -> _Plan:
        """Which `during` and `before_rep` cues fit inside a rep at all; the others are said
        before the sets instead (they are never simply lost)."""
        cues = exercise.cues
        if exercise.work is not WorkKind.REPS or exercise.reps is None:
            span = exercise.seconds_ms or 0
            fits = [c for c in cues.during if self.length(c.text) <= span - GAP_MS * 2]
            return _Plan(
                moved_during=tuple(c for c in cues.during if c not in fits),
                moved_before=cues.before_rep,
                during=tuple(fits),
                before=(),
            )
        t = exercise.tempo
        shortest_count = min(
            self.length(self.say.count(i)) for i in range(1, exercise.reps.high + 1)
        )
        top = t.concentric_ms + t.top_ms - shortest_count - 2 * GAP_MS
        pause = (t.bottom_ms if exercise.starts_with is StartsWith.LIFT else t.top_ms) - GAP_MS
        if exercise.reps.high < 2:
            pause = 0
        during = tuple(c for c in cues.during if self.length(c.text) <= top)
        before = tuple(c for c in cues.before_rep if self.length(c.text) <= pause)
        return _Plan(
            moved_during=tuple(c for c in cues.during if c not in during),
            moved_before=tuple(c for c in cues.before_rep if c not in before),
            during=during,
            before=before,
        )

    def work(
        self, section: Section, exercise: Exercise, place: SetPlace, plan: _Plan, aim: SetTarget
    ) -> None:
        """One set (or one side of a set) with its target `aim`: paced reps, continuous work or
        a hold; an open-ended AMRAP set counts on to AMRAP_CAP."""
        where = self.where(exercise, place)
        amrap = amrap_kind(aim)
        count = AMRAP_CAP if amrap is Amrap.OPEN else aim.reps.high if aim.reps else None
        if count is not None:
            room, tops = self.reps(exercise, plan, where, count, finish=amrap is not Amrap.OPEN)
            kind = PhaseKind.WORK
            label_work = self.say.amrap(None) if aim.reps is None else self.say.reps(aim.reps)
        else:
            assert aim.seconds_ms is not None
            room, tops = self.timed(exercise, aim.seconds_ms, where)
            kind = PhaseKind.HOLD if exercise.work is WorkKind.HOLD else PhaseKind.WORK
            length = aim.seconds_ms
            label_work = self.say.amrap(length) if amrap else self.say.duration(length)
        if plan.during and tops:
            self.during(room, exercise, plan.during, tops, where)
        self.close_phase(
            kind,
            room,
            self.say.labelled(
                self.say.place(exercise.name, shown_place(exercise, place)), label_work
            ),
            section,
            exercise=exercise,
            place=place,
            reps=aim.reps.high if aim.reps and not amrap else None,
            weight=aim.weight,
            warmup=aim.warmup,
            amrap=amrap,
        )

    def reps(
        self, exercise: Exercise, plan: _Plan, where: str, count: int, *, finish: bool
    ) -> tuple[Room, list[tuple[int, int]]]:
        """`count` paced reps; returns the room and the stretches where `during` cues may
        start. The `finish` cue is said unless the last rep is not known in advance."""
        t = exercise.tempo
        lift_first = exercise.starts_with is StartsWith.LIFT
        starts = [self.t + GO_LEAD_MS + i * t.rep_ms for i in range(count)]
        lifts = [s if lift_first else s + t.eccentric_ms + t.bottom_ms for s in starts]
        # A tempo with no lifting part at the end still gets its last count said in full.
        last_count = lifts[-1] + self.length(self.say.count(count)) + GAP_MS - self.t
        room = self.open_phase(max(GO_LEAD_MS + count * t.rep_ms, last_count))
        self.beep(room, Beep.GO, room.start)
        lowers = [s + t.concentric_ms + t.top_ms if lift_first else s for s in starts]
        for i, at in enumerate(lifts):
            self.speak_at(room, self.say.count(i + 1), at, Role.COUNT)
        if t.eccentric_ms > 0:
            for lift, lower in zip(lifts, lowers, strict=True):
                if lower != lift:
                    self.beep(room, Beep.REP, lower)
        # The pause at the rest position before each rep: the bottom pause of the rep before
        # when reps start with the lift, its top pause when they start with the lowering.
        pause = t.bottom_ms if lift_first else t.top_ms
        if exercise.cues.finish and finish:
            cue = self.rotate(exercise, "finish", exercise.cues.finish)
            self.finish(room, cue, lifts, where)
        if plan.before:
            for s in starts[1:]:
                self.in_turn(
                    room, exercise, "before_rep", plan.before, [(s - pause, s)], Placement.LATEST, s
                )
        tops = [(lift, lift + t.concentric_ms + t.top_ms) for lift in lifts]
        return room, tops

    def finish(self, room: Room, cue: Cue, lifts: list[int], where: str) -> None:
        """Before the last count: between the count before it and the last (for reps that start
        with the lowering, that includes the last lowering); failing that, right after the last
        count, while the last rep is still under way."""
        if (
            len(lifts) > 1
            and self.speak(
                room, cue.text, Role.FINISH, lo=lifts[-2], hi=lifts[-1], placement=Placement.LATEST
            )
            is not None
        ):
            return
        self.speak_cue(
            room,
            cue,
            Role.FINISH,
            lo=lifts[-1],
            hi=room.end,
            placement=Placement.EARLIEST,
            where=f"the last rep of {where}",
        )

    def timed(
        self, exercise: Exercise, length: int, where: str
    ) -> tuple[Room, list[tuple[int, int]]]:
        """A hold or continuous work of `length`, with "halfway", "ten seconds left" and the
        finish cue."""
        room = self.open_phase(length)
        self.beep(room, Beep.GO, room.start)
        if length >= HALFWAY_MIN_MS:
            self.speak(
                room,
                self.say.halfway,
                Role.ENGINE,
                lo=room.start + length // 2,
                hi=room.end,
                placement=Placement.EARLIEST,
            )
        if length >= TEN_LEFT_MIN_MS:
            self.speak(
                room,
                self.say.ten_seconds_left,
                Role.ENGINE,
                lo=room.end - 10_000,
                hi=room.end,
                placement=Placement.EARLIEST,
            )
        if exercise.cues.finish:
            cue = self.rotate(exercise, "finish", exercise.cues.finish)
            lo = room.end - min(length, 2 * FINISH_HOLD_MS)
            self.speak_cue(
                room,
                cue,
                Role.FINISH,
                lo=lo,
                hi=room.end,
                placement=Placement.NEAREST,
                target=room.end - FINISH_HOLD_MS,
                where=f"the last seconds of {where}",
            )
        end = room.end - min(length // 4, 10_000)
        return room, [(room.start + GO_LEAD_MS, end)]

    def during(
        self,
        room: Room,
        exercise: Exercise,
        cues: Sequence[Cue],
        tops: list[tuple[int, int]],
        where: str,
    ) -> None:
        """`during` cues, one per DURING_EVERY_MS at most (fewer in long continuous work, so
        each is heard about twice), each starting where its stretch allows."""
        lo, hi = tops[0][0], tops[-1][1]
        span = hi - lo
        every = max(DURING_EVERY_MS, span // (2 * len(cues)))
        count = max(1, round(span / every))
        placement = Placement.NEAREST if len(tops) == 1 else Placement.EARLIEST
        for i in range(count):
            target = lo + (2 * i + 1) * span // (2 * count)
            nearest = sorted(tops, key=lambda ab: abs(ab[0] - target))
            self.in_turn(room, exercise, "during", cues, nearest, placement, target)

    def in_turn(
        self,
        room: Room,
        exercise: Exercise,
        kind: str,
        cues: Sequence[Cue],
        spans: Sequence[tuple[int, int]],
        placement: Placement,
        target: int,
    ) -> bool:
        """Say the next of `cues` in turn (or the one after it, when that was said too recently)
        in the first of `spans` with room; False if none could be said."""
        key = (self.exercise_index[id(exercise)], kind)
        turn = self.rotation.get(key, 0)
        role = Role.DURING if kind == "during" else Role.BEFORE_REP
        for j in range(len(cues)):
            cue = cues[(turn + j) % len(cues)]
            for a, b in spans:
                at = self.speak(
                    room, cue.text, role, lo=a, hi=b, placement=placement, target=target
                )
                if at is not None:
                    self.rotation[key] = turn + j + 1
                    return True
        return False

    # -- items --------------------------------------------------------------------------------

    def exercise_sets(
        self,
        section: Section,
        exercise: Exercise,
        *,
        sets: int,
        round_no: int | None,
        round_count: int | None,
    ) -> None:
        """Every set of an exercise, each side of a set in turn, each after its lead-in."""
        plan = self.plan(exercise)
        sides: Sequence[str | None] = exercise.sides or (None,)
        for n in range(1, sets + 1):
            for k, side in enumerate(sides):
                place = SetPlace(n, sets, side, round_no, round_count)
                if n == 1 and k == 0:
                    self.prepare(section, exercise, place, plan)
                elif k == 0 and is_drop(exercise, n):
                    weight = target_of(exercise, n).weight
                    drop = self.say.drop_to(weight) if weight else self.say.drop_call
                    self.lead_in(
                        PhaseKind.REST,
                        max(rest_before(exercise, n), self.length(drop) + DROP_ROOM_MS),
                        section,
                        exercise,
                        place,
                        label=self.say.drop_label,
                        set_text=drop,
                        countdown=False,
                    )
                elif k == 0:
                    self.rest_before_set(section, exercise, place, plan)
                else:
                    self.lead_in(
                        PhaseKind.SWITCH,
                        exercise.side_switch_ms,
                        section,
                        exercise,
                        place,
                        label=self.say.switch_label,
                        head=[_Say(self.say.switch_sides(side or ""), Role.SET)],
                        before=self.first_rep_cue(exercise),
                        head_needed=True,
                    )
                self.work(section, exercise, place, plan, target_of(exercise, n))

    def prepare(self, section: Section, exercise: Exercise, place: SetPlace, plan: _Plan) -> None:
        """Before the first set: every setup cue (or a way of saying "get into position"), the
        cues that fit nowhere inside a rep, the set's call and the first rep's cue. Everything
        the author wrote is heard here at least once (a circuit's next round, a few seconds on,
        does not repeat what was said within the repeat gap)."""
        before = self.first_rep_cue(exercise)
        must = [_Say(c.text, Role.SETUP, c) for c in exercise.cues.setup]
        ready = None if must else self.next_get_ready()
        # The cues that fit nowhere inside a rep are said here once at least; a circuit's next
        # round, a few seconds on, does not say them again within the repeat gap.
        must += [
            _Say(c.text, Role.DURING, c)
            for c in plan.moved_during
            if not self.said_recently(c.text, self.t)
        ]
        must += [
            _Say(c.text, Role.BEFORE_REP, c)
            for c in plan.moved_before
            if (before is None or c.text != before.text) and not self.said_recently(c.text, self.t)
        ]
        self.lead_in(
            PhaseKind.PREPARE,
            exercise.prepare_ms,
            section,
            exercise,
            place,
            label=self.say.get_ready_label(exercise.name),
            head=[] if ready is None else [_Say(ready, Role.ENGINE)],
            must=must,
            before=before,
            set_text=set_call(self.say, exercise, 1, place.side),
            head_needed=True,
        )

    def rest_before_set(
        self, section: Section, exercise: Exercise, place: SetPlace, plan: _Plan
    ) -> None:
        """The rest between two sets: time calls, then (room allowing) a setup cue and one of
        the cues that fit nowhere inside a rep, then the next set's call with its target."""
        number = place.set_number or 1
        rest_ms = rest_before(exercise, number)
        extra = [_Say(c.text, Role.SETUP, c) for c in exercise.cues.setup]
        moved = (*plan.moved_during, *plan.moved_before)
        if moved:
            cue = self.rotate(exercise, "moved", moved)
            role = Role.DURING if cue in plan.moved_during else Role.BEFORE_REP
            extra.insert(0, _Say(cue.text, role, cue))
        self.lead_in(
            PhaseKind.REST,
            rest_ms,
            section,
            exercise,
            place,
            label=self.say.rest_label,
            head=[_Say(self.say.rest(rest_ms), Role.ENGINE)],
            before=self.first_rep_cue(exercise),
            set_text=set_call(self.say, exercise, number, place.side, target=True),
            extra=extra,
            time_calls=True,
        )

    def first_rep_cue(self, exercise: Exercise) -> _Say | None:
        """The `before_rep` cue for a set's first rep, said just before the countdown unless it
        was said within the repeat gap."""
        cues = exercise.cues.before_rep
        if not cues:
            return None
        cue = self.rotate(exercise, "before_first", cues)
        if self.said_recently(cue.text, self.t):
            return None
        return _Say(cue.text, Role.BEFORE_REP, cue)

    def next_get_ready(self) -> str | None:
        """ "Get into position." or another way of saying it, in turn; None when every way was
        said within the repeat gap."""
        options = self.say.get_ready
        for j in range(len(options)):
            text = options[(self.get_ready_turn + j) % len(options)]
            if not self.said_recently(text, self.t):
                self.get_ready_turn += j + 1
                return text
        return None

    def rest_between(
        self,
        ms: int,
        section: Section,
        exercise: Exercise,
        nxt: Exercise | None,
        place: SetPlace = _NO_SET,
    ) -> None:
        """A rest between exercises, rounds or items: what comes next and, in a long rest, its
        first setup cue; time calls; no countdown (an announcement follows)."""
        head = [_Say(self.say.rest(ms), Role.ENGINE)]
        if nxt is not None:
            head.append(_Say(self.say.next_up(nxt.name), Role.ENGINE))
            if nxt.cues.setup and ms >= PREVIEW_REST_MS:
                head.append(_Say(nxt.cues.setup[0].text, Role.SETUP))
        self.lead_in(
            PhaseKind.REST,
            ms,
            section,
            exercise,
            place,
            label=self.say.rest_label,
            head=head,
            countdown=False,
            time_calls=True,
            stretch=False,
            last_call=False,
        )

    def compile(self) -> Timeline:
        # Interval, EMOM and AMRAP blocks are laid out by a module that builds on this one.
        from voicecoach.timeline.blocks import compile_block

        items = [(section, item) for section, its in self.routine.sections() for item in its]
        for i, (section, item) in enumerate(items):
            head = [self.say.welcome(self.routine.name)] if i == 0 else []
            first_of_section = i == 0 or items[i - 1][0] is not section
            if first_of_section and len(self.routine.sections()) > 1:
                head.append(self.say.section_names[section.value])
            nxt = items[i + 1][1] if i + 1 < len(items) else None
            rest_after = item.rest_after_ms if nxt is not None else 0
            if isinstance(item, Circuit) and item.style is not CircuitStyle.STANDARD:
                rest_after += compile_block(self, section, item, head, rest_follows=rest_after > 0)
                last_ex = item.exercises[-1]
            elif isinstance(item, Circuit):
                self.circuit(section, item, head)
                last_ex = item.exercises[-1]
            else:
                self.announce(section, item, head, place=SetPlace(), in_circuit=False)
                self.exercise_sets(section, item, sets=item.sets, round_no=None, round_count=None)
                last_ex = item
            if nxt is not None and rest_after > 0:
                first = nxt.exercises[0] if isinstance(nxt, Circuit) else nxt
                self.rest_between(rest_after, section, last_ex, first)
        self.done()
        return self.timeline()

    def circuit(self, section: Section, circuit: Circuit, head: list[str]) -> None:
        head = [*head, self.say.circuit(circuit.name, circuit.rounds)]
        for r in range(1, circuit.rounds + 1):
            if circuit.rounds > 1:
                head.append(self.say.round(r, circuit.rounds))
            place = SetPlace(round_number=r, round_count=circuit.rounds)
            for j, ex in enumerate(circuit.exercises):
                self.announce(section, ex, head, place=place, in_circuit=True)
                head = []
                self.exercise_sets(section, ex, sets=1, round_no=r, round_count=circuit.rounds)
                if j + 1 < len(circuit.exercises) and circuit.rest_ms > 0:
                    self.rest_between(circuit.rest_ms, section, ex, circuit.exercises[j + 1], place)
            if r < circuit.rounds and circuit.rest_between_rounds_ms > 0:
                self.rest_between(
                    circuit.rest_between_rounds_ms,
                    section,
                    circuit.exercises[-1],
                    circuit.exercises[0],
                    place,
                )

    def done(self) -> None:
        start = self.t
        text = self.say.done(start)
        length = self.length(text)
        first = start + BEEP_MS[Beep.FINISH] + GAP_MS
        room = self.open_phase(first - start + length + ANNOUNCE_TAIL_MS)
        self.beep(room, Beep.FINISH, start)
        self.speak_at(room, text, first, Role.ENGINE)
        last_section = self.routine.sections()[-1][0]
        self.close_phase(PhaseKind.DONE, room, self.say.done_label, last_section)

    def timeline(self) -> Timeline:
        events = sorted(self.events, key=lambda e: (e.at_ms, e.phase_index))

        def order(d: _Drop) -> tuple[bool, str, int, int, str]:
            pos = d.cue.pos
            return (
                pos is None,
                pos.file if pos else "",
                pos.line if pos else 0,
                pos.column if pos else 0,
                d.cue.text,
            )

        warnings = tuple(
            CueWarning(d.cue.text, d.cue.pos, d.needed, d.available, d.where, d.times)
            for d in sorted(self.drops.values(), key=order)
        )
        return Timeline(
            tuple(self.phases),
            tuple(events),
            self.t,
            warnings,
            self.durations.measured,
            language=self.routine.language,
            stretched=tuple(self.stretched),
        )


def compile_routine(routine: Routine, durations: DurationProvider) -> Timeline:
    """Lay out `routine` as a timeline, using `durations` for the length of every phrase."""
    return _Compiler(routine, durations).compile()
