"""Compile a routine into its timeline: a pure function of the routine and phrase lengths.

The session is laid out phase by phase. Within a phase, fixed sounds go first (boundary beeps,
countdown ticks, rep counts and turnaround ticks, "halfway"), then the engine's phrases, then the
author's cues in order of importance (finish, setup, intro, during), each in the free room its
rule allows. Nothing ever overlaps: every two sounds are at least :data:`GAP_MS` apart. An
author's cue that finds no room is dropped there and reported as a :class:`CueWarning`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
    WorkKind,
)
from voicecoach.timeline.durations import DurationProvider
from voicecoach.timeline.model import (
    Amrap,
    CueWarning,
    Event,
    EventKind,
    Phase,
    PhaseKind,
    Role,
    Timeline,
)
from voicecoach.timeline.phrases import Phrases
from voicecoach.timeline.targets import (
    amrap_kind,
    announcement,
    is_drop,
    rest_before,
    set_call,
    target_of,
)

#: Silence kept between any two sounds.
GAP_MS = 100
#: From the start of a work phase (the "go" beep) to the first repetition.
GO_LEAD_MS = 500
#: Silence at the end of an announcement before the next phase.
ANNOUNCE_TAIL_MS = 400
#: Shortest hold or continuous work that gets a spoken "halfway".
HALFWAY_MIN_MS = 20_000
#: Shortest hold or continuous work that gets "ten seconds left".
TEN_LEFT_MIN_MS = 30_000
#: About one `during` cue per this much work.
DURING_EVERY_MS = 12_000
#: A drop set's change of weight takes at least its phrase and this much more.
DROP_ROOM_MS = BEEP_MS[Beep.REST] + 3 * GAP_MS


@dataclass
class _Room:
    """The sounds already placed in one phase, and the free room between them."""

    start: int
    end: int
    taken: list[tuple[int, int]] = field(default_factory=list)

    def fits(self, at: int, length: int) -> bool:
        # The next phase may start with a sound of its own: keep the gap before it too.
        if at < self.start or at + length > self.end - GAP_MS:
            return False
        return all(at + length + GAP_MS <= s or at >= e + GAP_MS for s, e in self.taken)

    def take(self, at: int, length: int) -> None:
        self.taken.append((at, at + length))
        self.taken.sort()

    def gaps(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Free stretches inside [lo, hi], already shrunk by GAP_MS next to taken sounds."""
        out: list[tuple[int, int]] = []
        cursor = max(lo, self.start)
        limit = min(hi, self.end - GAP_MS)
        for s, e in self.taken:
            if e + GAP_MS <= cursor:
                continue
            if s - GAP_MS > cursor:
                out.append((cursor, min(s - GAP_MS, limit)))
            cursor = max(cursor, e + GAP_MS)
            if cursor >= limit:
                break
        if cursor < limit:
            out.append((cursor, limit))
        return [(a, b) for a, b in out if b > a]

    def earliest(self, length: int, lo: int, hi: int) -> int | None:
        for a, b in self.gaps(lo, hi):
            if b - a >= length:
                return a
        return None

    def latest(self, length: int, lo: int, hi: int) -> int | None:
        for a, b in reversed(self.gaps(lo, hi)):
            if b - a >= length:
                return b - length
        return None

    def nearest(self, length: int, target: int, lo: int, hi: int) -> int | None:
        """The start closest to `target` (ties to the later one) where `length` fits."""
        best: int | None = None
        for a, b in self.gaps(lo, hi):
            if b - a < length:
                continue
            at = min(max(target, a), b - length)
            if best is None or abs(at - target) < abs(best - target):
                best = at
        return best

    def largest(self, lo: int, hi: int) -> int:
        return max((b - a for a, b in self.gaps(lo, hi)), default=0)


@dataclass
class _Drop:
    cue: Cue
    needed: int
    available: int
    where: str
    times: int = 1


class _Compiler:
    def __init__(self, routine: Routine, durations: DurationProvider) -> None:
        self.routine = routine
        self.durations = durations
        self.say = Phrases(routine.language)
        self.t = 0
        self.phases: list[Phase] = []
        self.events: list[Event] = []
        self.drops: dict[tuple[str, object], _Drop] = {}
        self.rotation: dict[tuple[int, str], int] = {}
        self.exercise_index = {id(e): i for i, e in enumerate(routine.all_exercises())}
        self.announced: set[int] = set()

    # -- sounds ------------------------------------------------------------------------------

    def length(self, text: str) -> int:
        return max(1, self.durations.duration_ms(text))

    def _add(self, at: int, kind: EventKind, text: str, length: int, role: Role) -> None:
        self.events.append(Event(at, kind, text, length, role, len(self.phases)))

    def beep(self, room: _Room, beep: Beep, at: int) -> bool:
        length = BEEP_MS[beep]
        if not room.fits(at, length):
            return False
        room.take(at, length)
        self._add(at, EventKind.BEEP, beep.value, length, Role.BEEP)
        return True

    def speak_at(self, room: _Room, text: str, at: int, role: Role) -> bool:
        length = self.length(text)
        if not room.fits(at, length):
            return False
        room.take(at, length)
        self._add(at, EventKind.SPEAK, text, length, role)
        return True

    def speak_flexible(
        self,
        room: _Room,
        text: str,
        role: Role,
        *,
        lo: int,
        hi: int,
        how: str,
        target: int = 0,
        cue: Cue | None = None,
        where: str = "",
    ) -> int | None:
        """Place a phrase in [lo, hi] earliest, latest or nearest `target`; None if no room."""
        length = self.length(text)
        if how == "earliest":
            at = room.earliest(length, lo, hi)
        elif how == "latest":
            at = room.latest(length, lo, hi)
        else:
            at = room.nearest(length, target, lo, hi)
        if at is None:
            if cue is not None:
                self.drop(cue, length, room.largest(lo, hi), where)
            return None
        room.take(at, length)
        self._add(at, EventKind.SPEAK, text, length, role)
        return at + length

    def drop(self, cue: Cue, needed: int, available: int, where: str) -> None:
        key = (cue.text, cue.pos)
        found = self.drops.get(key)
        if found is None:
            self.drops[key] = _Drop(cue, needed, available, where)
        else:
            found.times += 1
            found.available = max(found.available, available)

    def rotate(self, exercise: Exercise, kind: str, cues: Sequence[Cue]) -> Cue:
        key = (self.exercise_index[id(exercise)], kind)
        i = self.rotation.get(key, 0)
        self.rotation[key] = i + 1
        return cues[i % len(cues)]

    # -- phases ------------------------------------------------------------------------------

    def open_phase(self, length: int) -> _Room:
        return _Room(self.t, self.t + length)

    def close_phase(
        self, kind: PhaseKind, room: _Room, label: str, section: Section, **kw: object
    ) -> None:
        phase = Phase(
            index=len(self.phases),
            kind=kind,
            start_ms=room.start,
            end_ms=room.end,
            label=label,
            section=section.value,
            **kw,  # type: ignore[arg-type]
        )
        self.phases.append(phase)
        self.t = room.end

    def after_work(self) -> bool:
        return bool(self.phases) and self.phases[-1].is_work

    def boundary(self, room: _Room, rest: bool) -> int:
        """Beep the end of work if the previous phase was work; returns where speech may start."""
        if not self.after_work():
            return room.start
        beep = Beep.REST if rest else Beep.STOP
        self.beep(room, beep, room.start)
        return room.start + BEEP_MS[beep] + GAP_MS

    def sequence(
        self, texts: Iterable[tuple[str, Role]], start: int
    ) -> tuple[list[tuple[int, str, int, Role]], int]:
        """Lay phrases end to end from `start`; returns them and where the last one ends."""
        out: list[tuple[int, str, int, Role]] = []
        cursor = start
        for text, role in texts:
            length = self.length(text)
            out.append((cursor, text, length, role))
            cursor += length + GAP_MS
        return out, cursor - GAP_MS if out else start

    def announce(
        self,
        section: Section,
        exercise: Exercise,
        head: list[str],
        *,
        round_no: int | None,
        round_count: int | None,
        in_circuit: bool,
    ) -> None:
        """A phase sized to its content: headings, the exercise, its weight, its intro."""
        texts: list[tuple[str, Role]] = [(h, Role.ENGINE) for h in head]
        texts += [(t, Role.ENGINE) for t in announcement(self.say, exercise, in_circuit=in_circuit)]
        idx = self.exercise_index[id(exercise)]
        if idx not in self.announced:
            self.announced.add(idx)
            texts.extend((c.text, Role.INTRO) for c in exercise.cues.intro)
        # Size the phase first: the boundary beep, then every phrase end to end.
        start = self.t
        first = start + (BEEP_MS[Beep.STOP] + GAP_MS if self.after_work() else 0)
        placed, end = self.sequence(texts, first)
        room = self.open_phase(end - start + ANNOUNCE_TAIL_MS)
        self.boundary(room, rest=False)
        for at, text, length, role in placed:
            room.take(at, length)
            self._add(at, EventKind.SPEAK, text, length, role)
        self.close_phase(
            PhaseKind.ANNOUNCE,
            room,
            exercise.name,
            section,
            exercise_index=idx,
            exercise=exercise.name,
            round_number=round_no,
            round_count=round_count,
        )

    def lead_in(
        self,
        kind: PhaseKind,
        length: int,
        section: Section,
        exercise: Exercise,
        *,
        head: list[str],
        setup: bool,
        set_text: str | None,
        countdown: bool,
        label: str,
        **kw: object,
    ) -> None:
        """A prepare, rest or switch phase before work: head phrases first, then setup cues and
        the set announcement just before the countdown ticks."""
        if length <= 0:
            return
        room = self.open_phase(length)
        cursor = self.boundary(room, rest=kind is PhaseKind.REST)
        # Order of importance: the heading, then the set announcement just before the countdown,
        # then the countdown ticks that still fit, then the author's setup cues.
        for text in head:
            end = self.speak_flexible(
                room, text, Role.ENGINE, lo=cursor, hi=room.end - GAP_MS, how="earliest"
            )
            if end is not None:
                cursor = end + GAP_MS
        ticks = (
            [room.end - k * 1000 for k in range(exercise.countdown_s, 0, -1)] if countdown else []
        )
        set_start = (ticks[0] if ticks else room.end) - GAP_MS
        if set_text is not None:
            length_set = self.length(set_text)
            at = room.latest(length_set, cursor, set_start)
            if at is None:
                at = room.latest(length_set, cursor, room.end - GAP_MS)
            if at is not None:
                room.take(at, length_set)
                self._add(at, EventKind.SPEAK, set_text, length_set, Role.ENGINE)
                set_start = at - GAP_MS
        placed = [at for at in ticks if self.beep(room, Beep.TICK, at)]
        if placed:
            set_start = min(set_start, placed[0] - GAP_MS)
        if setup:
            where = self.where(exercise, kw)
            hi = set_start
            # Spoken in the author's order, the last one just before the set announcement.
            for cue in reversed(exercise.cues.setup):
                end = self.speak_flexible(
                    room, cue.text, Role.SETUP, lo=cursor, hi=hi, how="latest", cue=cue, where=where
                )
                if end is not None:
                    hi = end - self.length(cue.text) - GAP_MS
        self.close_phase(
            kind,
            room,
            label,
            section,
            exercise_index=self.exercise_index[id(exercise)],
            exercise=exercise.name,
            **kw,
        )

    def where(self, exercise: Exercise, kw: dict[str, object]) -> str:
        parts = [exercise.name]
        n, count = kw.get("set_number"), kw.get("set_count")
        if isinstance(n, int) and isinstance(count, int) and count > 1:
            parts.append(f"set {n} of {count}")
        r, rc = kw.get("round_number"), kw.get("round_count")
        if isinstance(r, int) and isinstance(rc, int) and rc > 1:
            parts.append(f"round {r} of {rc}")
        side = kw.get("side")
        if isinstance(side, str):
            parts.append(side)
        return ", ".join(parts)

    def work(
        self, section: Section, exercise: Exercise, aim: SetTarget | None = None, **kw: object
    ) -> None:
        """One set (or one side of a set): paced reps, continuous work or a hold."""
        where = self.where(exercise, kw)
        aim = aim or exercise.targets()[0]
        amrap = amrap_kind(aim)
        paced = AMRAP_CAP if amrap is Amrap.OPEN else aim.reps.high if aim.reps else None
        if paced is not None:
            reps = paced
            rep_ms = exercise.tempo.rep_ms
            length = GO_LEAD_MS + reps * rep_ms
            room = self.open_phase(length)
            self.beep(room, Beep.GO, room.start)
            turn = exercise.tempo.eccentric_ms + exercise.tempo.bottom_ms
            rep_starts = [room.start + GO_LEAD_MS + i * rep_ms for i in range(reps)]
            for i, at in enumerate(rep_starts):
                self.speak_at(room, self.say.count(i + 1), at, Role.COUNT)
            for at in rep_starts:
                if 0 < turn < rep_ms:
                    self.beep(room, Beep.REP, at + turn)
            last = rep_starts[-1]
            # An open-ended AMRAP set has no last rep known in advance.
            if exercise.cues.finish and amrap is not Amrap.OPEN:
                cue = self.rotate(exercise, "finish", exercise.cues.finish)
                self.speak_flexible(
                    room,
                    cue.text,
                    Role.FINISH,
                    lo=last,
                    hi=room.end - GAP_MS,
                    how="earliest",
                    cue=cue,
                    where=f"the last rep of {where}",
                )
            work_lo, work_hi = rep_starts[0], last
            kind = PhaseKind.WORK
            label_work = self.say.amrap(None) if aim.reps is None else self.say.reps(aim.reps)
        else:
            assert aim.seconds_ms is not None
            length = aim.seconds_ms
            room = self.open_phase(length)
            self.beep(room, Beep.GO, room.start)
            if length >= HALFWAY_MIN_MS:
                self.speak_flexible(
                    room,
                    self.say.halfway(),
                    Role.ENGINE,
                    lo=room.start + length // 2,
                    hi=room.end,
                    how="earliest",
                )
            if length >= TEN_LEFT_MIN_MS:
                self.speak_flexible(
                    room,
                    self.say.ten_seconds_left(),
                    Role.ENGINE,
                    lo=room.end - 10_000,
                    hi=room.end - GAP_MS,
                    how="earliest",
                )
            if exercise.cues.finish:
                cue = self.rotate(exercise, "finish", exercise.cues.finish)
                lo = room.end - min(length, 10_000)
                self.speak_flexible(
                    room,
                    cue.text,
                    Role.FINISH,
                    lo=lo,
                    hi=room.end - GAP_MS,
                    how="latest",
                    cue=cue,
                    where=f"the last seconds of {where}",
                )
            work_lo, work_hi = room.start, room.end - min(length // 4, 10_000)
            kind = PhaseKind.HOLD if exercise.work is WorkKind.HOLD else PhaseKind.WORK
            label_work = self.say.amrap(length) if amrap else self.say.duration(length)
        if exercise.cues.during:
            count = max(1, round((work_hi - work_lo) / DURING_EVERY_MS))
            span = work_hi - work_lo
            for i in range(count):
                cue = self.rotate(exercise, "during", exercise.cues.during)
                target = work_lo + (2 * i + 1) * span // (2 * count)
                self.speak_flexible(
                    room,
                    cue.text,
                    Role.DURING,
                    lo=work_lo,
                    hi=work_hi,
                    how="nearest",
                    target=target,
                    cue=cue,
                    where=where,
                )
        self.close_phase(
            kind,
            room,
            f"{where}: {label_work}" + (f", {self.say.warmup_word()}" if aim.warmup else ""),
            section,
            exercise_index=self.exercise_index[id(exercise)],
            exercise=exercise.name,
            reps=aim.reps.high if aim.reps and not amrap else None,
            weight=aim.weight,
            warmup=aim.warmup,
            amrap=amrap,
            **kw,
        )

    # -- items -------------------------------------------------------------------------------

    def exercise_sets(
        self,
        section: Section,
        exercise: Exercise,
        *,
        sets: int,
        round_no: int | None,
        round_count: int | None,
    ) -> None:
        sides: Sequence[str | None] = exercise.sides or (None,)
        for n in range(1, sets + 1):
            for k, side in enumerate(sides):
                kw: dict[str, object] = dict(
                    set_number=n,
                    set_count=sets,
                    side=side,
                    round_number=round_no,
                    round_count=round_count,
                )
                set_text = set_call(self.say, exercise, n, side) if k == 0 else None
                if n == 1 and k == 0:
                    self.lead_in(
                        PhaseKind.PREPARE,
                        exercise.prepare_ms,
                        section,
                        exercise,
                        head=[self.say.get_ready()],
                        setup=True,
                        set_text=set_text,
                        countdown=True,
                        label=f"{exercise.name}: get ready",
                        **kw,
                    )
                elif k == 0 and is_drop(exercise, n):
                    drop = self.say.drop()
                    self.lead_in(
                        PhaseKind.REST,
                        max(rest_before(exercise, n), self.length(drop) + DROP_ROOM_MS),
                        section,
                        exercise,
                        head=[],
                        setup=False,
                        set_text=drop,
                        countdown=False,
                        label="Drop set",
                        **kw,
                    )
                elif k == 0:
                    rest_ms = rest_before(exercise, n)
                    self.lead_in(
                        PhaseKind.REST,
                        rest_ms,
                        section,
                        exercise,
                        head=[self.say.rest(rest_ms)],
                        setup=True,
                        set_text=set_text,
                        countdown=True,
                        label="Rest",
                        **kw,
                    )
                else:
                    self.lead_in(
                        PhaseKind.SWITCH,
                        exercise.side_switch_ms,
                        section,
                        exercise,
                        head=[self.say.switch_sides(side or "")],
                        setup=False,
                        set_text=None,
                        countdown=True,
                        label="Switch sides",
                        **kw,
                    )
                self.work(section, exercise, target_of(exercise, n), **kw)

    def rest_between(
        self, ms: int, section: Section, next_text: str | None, exercise: Exercise, **kw: object
    ) -> None:
        """A rest between exercises, rounds or items: no countdown (an announcement follows)."""
        head = [self.say.rest(ms)] + ([next_text] if next_text else [])
        self.lead_in(
            PhaseKind.REST,
            ms,
            section,
            exercise,
            head=head,
            setup=False,
            set_text=None,
            countdown=False,
            label="Rest",
            **kw,
        )

    def compile(self) -> Timeline:
        # Interval, EMOM and AMRAP blocks are laid out by a module that builds on this one.
        from voicecoach.timeline.blocks import compile_block

        items = [(section, item) for section, its in self.routine.sections() for item in its]
        for i, (section, item) in enumerate(items):
            head = [self.say.welcome(self.routine.name)] if i == 0 else []
            first_of_section = i == 0 or items[i - 1][0] is not section
            if first_of_section and len(self.routine.sections()) > 1:
                head.append(self.say.section(section.value))
            nxt = items[i + 1][1] if i + 1 < len(items) else None
            next_text = None
            if nxt is not None:
                next_text = self.say.next_up(nxt.name)
            if isinstance(item, Circuit) and item.style is not CircuitStyle.STANDARD:
                compile_block(self, section, item, head)
                last_ex = item.exercises[-1]
                rest_after = item.rest_after_ms
            elif isinstance(item, Circuit):
                self.circuit(section, item, head)
                last_ex = item.exercises[-1]
                rest_after = item.rest_after_ms
            else:
                self.announce(
                    section, item, head, round_no=None, round_count=None, in_circuit=False
                )
                self.exercise_sets(section, item, sets=item.sets, round_no=None, round_count=None)
                last_ex = item
                rest_after = item.rest_after_ms
            if nxt is not None and rest_after > 0:
                self.rest_between(rest_after, section, next_text, last_ex)
        self.done()
        return self.timeline()

    def circuit(self, section: Section, circuit: Circuit, head: list[str]) -> None:
        head = [*head, self.say.circuit(circuit.name, circuit.rounds)]
        for r in range(1, circuit.rounds + 1):
            if circuit.rounds > 1:
                head.append(self.say.round(r, circuit.rounds))
            for j, ex in enumerate(circuit.exercises):
                self.announce(
                    section, ex, head, round_no=r, round_count=circuit.rounds, in_circuit=True
                )
                head = []
                self.exercise_sets(section, ex, sets=1, round_no=r, round_count=circuit.rounds)
                if j + 1 < len(circuit.exercises) and circuit.rest_ms > 0:
                    self.rest_between(
                        circuit.rest_ms,
                        section,
                        self.say.next_up(circuit.exercises[j + 1].name),
                        ex,
                        round_number=r,
                        round_count=circuit.rounds,
                    )
            if r < circuit.rounds and circuit.rest_between_rounds_ms > 0:
                self.rest_between(
                    circuit.rest_between_rounds_ms,
                    section,
                    self.say.next_up(circuit.exercises[0].name),
                    circuit.exercises[-1],
                    round_number=r,
                    round_count=circuit.rounds,
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
        self.close_phase(PhaseKind.DONE, room, "Workout complete", last_section)

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
            tuple(self.phases), tuple(events), self.t, warnings, self.durations.measured
        )


def compile_routine(routine: Routine, durations: DurationProvider) -> Timeline:
    """Lay out `routine` as a timeline, using `durations` for the length of every phrase."""
    return _Compiler(routine, durations).compile()
