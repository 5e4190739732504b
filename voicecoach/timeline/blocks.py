"""Interval, EMOM and AMRAP circuits, laid out on the timeline.

A circuit with `style: intervals`, `every` or `amrap` is one block: an announcement (the circuit,
its plan, the list of exercises and their intro cues), a preparation with the countdown, then:

- intervals: work and rests back to back. No announcement, preparation or countdown per
  exercise: the name is spoken as work starts ("Mountain climbers, go."), "Rest." and the next
  name in the rest, and the rest ends with the countdown ticks. From the first work to the last,
  the block lasts exactly rounds x (work + rests) less the last rest.
- EMOM (`every`): each exercise of each round gets one interval, starting on its boundary with the
  go beep and the task ("Burpees, 10 reps."); what the work leaves over is rest, with a
  "10 seconds." call and the countdown into the next boundary (the last interval has no
  countdown: nothing starts on its boundary). The block lasts exactly rounds x exercises x every.
- AMRAP (`amrap`): one work phase as long as the block: the list at the start, a time call every
  minute, at 30 and at 10 seconds, and the countdown. The person marks each finished round with
  Enter (the player says the list again then: the phase's `on_enter`).

Only the engine's own sounds are fixed; the authors' cues go where they fit, as in the compiler,
and a cue that finds no room is reported. A block's rhythm is its calls ("Rest.", the next name,
the time left), so they are said every time, even within the compiler's repeat gap.
"""

from __future__ import annotations

from voicecoach.beeps import BEEP_MS, Beep
from voicecoach.routine.model import Circuit, CircuitStyle, Exercise, Section, StartsWith, WorkKind
from voicecoach.timeline.compiler import (
    ANNOUNCE_TAIL_MS,
    DURING_EVERY_MS,
    HALFWAY_MIN_MS,
    TALKING_REST_MS,
    TEN_LEFT_MIN_MS,
    BlockPlace,
    _Compiler,
    _Say,
)
from voicecoach.timeline.model import Amrap, Block, EventKind, PhaseKind, Role, SetPlace
from voicecoach.timeline.room import GAP_MS, Placement
from voicecoach.timeline.targets import amrap_kind

#: The time before the end of an EMOM rest at which "10 seconds." is said.
EMOM_CALL_MS = 10_000
#: The calls of an AMRAP block near its end, besides one a minute.
AMRAP_LAST_CALLS_MS = (30_000, 10_000)
#: How late a time call may come after its moment when something else is being said.
CALL_SLACK_MS = 5_000

_BLOCK = {
    CircuitStyle.INTERVALS: Block.INTERVALS,
    CircuitStyle.EMOM: Block.EMOM,
    CircuitStyle.AMRAP: Block.AMRAP,
}


def compile_block(
    c: _Compiler, section: Section, circuit: Circuit, head: list[str], *, rest_follows: bool
) -> int:
    """Lay out an interval, EMOM or AMRAP circuit, `head` phrases first (welcome, section).

    When a rest follows the block (`rest_follows`), what the last EMOM interval leaves over is
    not laid out but returned, to be one rest with the one after: the person hears one rest
    with its whole length, not two in a row."""
    kw = BlockPlace(_BLOCK[circuit.style], len(c.phases))
    first = circuit.exercises[0]
    rounds = circuit.rounds if circuit.style is not CircuitStyle.AMRAP else None
    _announce(c, section, circuit, head, kw)
    # The first exercise's setup cues say better than "Get into position" what to do.
    ready = None if first.cues.setup else c.next_get_ready()
    c.lead_in(
        PhaseKind.PREPARE,
        first.prepare_ms,
        section,
        first,
        SetPlace(round_number=1 if rounds else None, round_count=rounds),
        label=c.say.get_ready_label(circuit.name),
        head=[] if ready is None else [_Say(ready, Role.ENGINE)],
        must=[_Say(cue.text, Role.SETUP, cue) for cue in first.cues.setup],
        set_text=_first_up(c, circuit),
        head_needed=True,
        block=kw,
    )
    if circuit.style is CircuitStyle.INTERVALS:
        _intervals(c, section, circuit, kw)
    elif circuit.style is CircuitStyle.EMOM:
        return _emom(c, section, circuit, kw, rest_follows=rest_follows)
    else:
        _amrap(c, section, circuit, kw)
    return 0


def _first_up(c: _Compiler, circuit: Circuit) -> str | None:
    """ "Next up: Squats." before an interval block's first work, unless the rest before the
    block just said it."""
    if circuit.style is not CircuitStyle.INTERVALS:
        return None
    text = c.say.next_up(circuit.exercises[0].name)
    return None if c.said_recently(text, c.t) else text


def tasks(c: _Compiler, circuit: Circuit) -> str:
    """The list of a block, as spoken: 'Pull-up, 5 reps. Push-up, 10 reps.'"""
    return " ".join(c.say.task(ex.name, _work_text(c, ex)) for ex in circuit.exercises)


def _work_text(c: _Compiler, ex: Exercise) -> str:
    if ex.amrap:
        return c.say.amrap(ex.seconds_ms)
    return c.say.work_text(ex.reps, ex.seconds_ms, ex.work is WorkKind.HOLD)


def _plan(c: _Compiler, circuit: Circuit) -> list[str]:
    """What the announcement says of the block besides its name."""
    say = c.say
    if circuit.style is CircuitStyle.AMRAP:
        assert circuit.amrap_ms is not None
        return [say.amrap_block(circuit.amrap_ms), tasks(c, circuit)]
    if circuit.style is CircuitStyle.EMOM:
        assert circuit.every_ms is not None
        return [say.emom(circuit.every_ms), tasks(c, circuit)]
    works = {ex.work_ms for ex in circuit.exercises}
    rests = {circuit.rest_ms, circuit.rest_between_rounds_ms}
    timed = all(ex.work is not WorkKind.REPS or ex.amrap for ex in circuit.exercises)
    if timed and len(works) == 1 and len(rests) == 1:
        work_ms = works.pop()
        assert work_ms is not None
        plan = [say.intervals(work_ms, rests.pop())]
        if len(circuit.exercises) > 1:
            plan.append(" ".join(f"{ex.name}." for ex in circuit.exercises))
        return plan
    return [tasks(c, circuit)]


def _announce(
    c: _Compiler, section: Section, circuit: Circuit, head: list[str], kw: BlockPlace
) -> None:
    """The block's announcement, sized to its phrases, with every exercise's intro cues."""
    rounds = 1 if circuit.style is CircuitStyle.AMRAP else circuit.rounds
    texts = [(h, Role.ENGINE) for h in head]
    texts.append((c.say.circuit(circuit.name, rounds), Role.ENGINE))
    texts += [(t, Role.ENGINE) for t in _plan(c, circuit)]
    for ex in circuit.exercises:
        texts += [(cue.text, Role.INTRO) for cue in c.intro(ex)]
    start = c.t
    cursor = start + (BEEP_MS[Beep.STOP] + GAP_MS if c.after_work() else 0)
    placed: list[tuple[int, str, int, Role]] = []
    for text, role in texts:
        length = c.length(text)
        placed.append((cursor, text, length, role))
        cursor += length + GAP_MS
    end = cursor - GAP_MS if placed else start
    room = c.open_phase(end - start + ANNOUNCE_TAIL_MS)
    c.boundary(room, rest=False)
    for at, text, length, role in placed:
        c._add(room, at, EventKind.SPEAK, text, length, role)
    c.close_phase(
        PhaseKind.ANNOUNCE,
        room,
        circuit.name,
        section,
        exercise=circuit.exercises[0],
        block=kw,
    )


# -- intervals -----------------------------------------------------------------------------------


def _intervals(c: _Compiler, section: Section, circuit: Circuit, kw: BlockPlace) -> None:
    exercises = circuit.exercises
    rounds = circuit.rounds
    for r in range(1, rounds + 1):
        for j, ex in enumerate(exercises):
            here = SetPlace(1, 1, None, r, rounds)
            _work(c, section, ex, here, kw, call=c.say.go_name(ex.name), paced=True)
            end_of_round = j == len(exercises) - 1
            if r == rounds and end_of_round:
                return
            rest_ms = circuit.rest_between_rounds_ms if end_of_round else circuit.rest_ms
            nxt = exercises[0] if end_of_round else exercises[j + 1]
            next_round = r + 1 if end_of_round else r
            if rest_ms <= 0:  # no rest, no room for the next exercise's setup cues
                where = c.where(nxt, SetPlace(round_number=next_round, round_count=rounds))
                for cue in nxt.cues.setup:
                    c.drop(cue, c.length(cue.text), 0, where)
            # A long rest says how long it is, as between sets; a short one is just "Rest."
            heads = [c.say.rest(rest_ms) if rest_ms >= TALKING_REST_MS else c.say.rest_short]
            if end_of_round and rounds > 1:
                heads.append(c.say.round(next_round, rounds))
            if len(exercises) > 1:  # one exercise: the next is the one just done
                heads.append(c.say.next_up(nxt.name))
            _rest(
                c,
                section,
                nxt,
                rest_ms,
                heads=heads,
                call=None,
                countdown=True,
                place=SetPlace(round_number=next_round, round_count=rounds),
                kw=kw,
            )


def _work(
    c: _Compiler,
    section: Section,
    ex: Exercise,
    place: SetPlace,
    kw: BlockPlace,
    *,
    call: str,
    paced: bool,
) -> None:
    """One work phase of a block: the go beep and `call` at its start, then counts (when
    `paced`) or time calls, and the author's during and finish cues where they fit."""
    where = c.where(ex, place)
    target = ex.targets()[0]
    amrap = amrap_kind(target)
    call_at = c.t + BEEP_MS[Beep.GO] + GAP_MS
    call_ms = c.length(call)
    reps = target.reps.high if target.reps and not amrap else None
    tempo = ex.tempo
    lifts: list[int] = []
    if reps is not None and paced:
        lead = BEEP_MS[Beep.GO] + GAP_MS + call_ms + GAP_MS
        # The rep model of the compiler: each count as the lifting part starts.
        offset = 0 if ex.starts_with is StartsWith.LIFT else tempo.eccentric_ms + tempo.bottom_ms
        lifts = [c.t + lead + i * tempo.rep_ms + offset for i in range(reps)]
        last_count = lifts[-1] + c.length(c.say.count(reps)) + GAP_MS - c.t
        length = max(lead + reps * tempo.rep_ms, last_count)
    else:
        lead = 0
        work_ms = ex.work_ms
        assert work_ms is not None
        length = work_ms
    room = c.open_phase(length)
    c.beep(room, Beep.GO, room.start)
    c.speak_at(room, call, call_at, Role.ENGINE)
    work_lo, work_hi = call_at + call_ms + GAP_MS, room.end
    if lifts:
        for i, at in enumerate(lifts):
            c.speak_at(room, c.say.count(i + 1), at, Role.COUNT)
        up = tempo.concentric_ms + tempo.top_ms
        if tempo.eccentric_ms > 0 and up > 0:
            # The `rep` beep as the lowering starts, after the lift and the top pause.
            lift_first = ex.starts_with is StartsWith.LIFT
            for at in lifts:
                lower = at + up if lift_first else at - tempo.eccentric_ms - tempo.bottom_ms
                if lower >= room.start + lead:
                    c.beep(room, Beep.REP, lower)
        if ex.cues.finish:
            c.finish(room, c.rotate(ex, "finish", ex.cues.finish), lifts, where)
        during = c.plan(ex).during
        if during:
            c.during(room, ex, during, [(at, at + up) for at in lifts], where)
    elif reps is None:
        if length >= HALFWAY_MIN_MS:
            c.speak(
                room,
                c.say.halfway,
                Role.ENGINE,
                lo=room.start + length // 2,
                hi=room.end,
                placement=Placement.EARLIEST,
                must=True,
            )
        if length >= TEN_LEFT_MIN_MS:
            c.speak(
                room,
                c.say.ten_seconds_left,
                Role.ENGINE,
                lo=room.end - 10_000,
                hi=room.end - GAP_MS,
                placement=Placement.EARLIEST,
                must=True,
            )
        finish_lo = room.end - min(length, 10_000)
        work_hi = room.end - min(length // 4, 10_000)
    else:
        finish_lo = room.start + length // 2
    if ex.cues.finish and not lifts:
        cue = c.rotate(ex, "finish", ex.cues.finish)
        c.speak_cue(
            room,
            cue,
            Role.FINISH,
            lo=finish_lo,
            hi=room.end - GAP_MS,
            placement=Placement.LATEST if reps is None else Placement.EARLIEST,
            where=f"the last seconds of {where}",
        )
    if ex.cues.during and work_hi > work_lo and not lifts:
        span = work_hi - work_lo
        count = max(1, round(span / DURING_EVERY_MS))
        for i in range(count):
            cue = c.rotate(ex, "during", ex.cues.during)
            c.speak_cue(
                room,
                cue,
                Role.DURING,
                lo=work_lo,
                hi=work_hi,
                placement=Placement.NEAREST,
                target=work_lo + (2 * i + 1) * span // (2 * count),
                where=where,
            )
    label = c.say.amrap(target.seconds_ms) if amrap else _work_text(c, ex)
    c.close_phase(
        PhaseKind.HOLD if ex.work is WorkKind.HOLD else PhaseKind.WORK,
        room,
        c.say.labelled(c.say.place(ex.name, place), label),
        section,
        exercise=ex,
        place=place,
        reps=reps,
        weight=target.weight,
        amrap=amrap,
        block=kw,
    )


def _rest(
    c: _Compiler,
    section: Section,
    nxt: Exercise,
    length: int,
    *,
    heads: list[str],
    call: tuple[int, str] | None,
    countdown: bool,
    place: SetPlace,
    kw: BlockPlace,
) -> None:
    """A rest inside a block: the rest beep, `heads` as early as they fit, `call` (its time
    before the end, its text), the next exercise's setup cues, the countdown ticks at the end."""
    if length <= 0:
        return
    room = c.open_phase(length)
    cursor = c.boundary(room, rest=True)
    ticks = [room.end - k * 1000 for k in range(nxt.countdown_s, 0, -1)] if countdown else []
    placed = [at for at in ticks if at >= cursor and c.beep(room, Beep.TICK, at)]
    hi = (placed[0] if placed else room.end) - GAP_MS
    if call is not None:
        before, text = call
        c.speak(
            room,
            text,
            Role.ENGINE,
            lo=room.end - before,
            hi=hi,
            placement=Placement.EARLIEST,
            must=True,
        )
    for text in heads:
        at = c.speak(
            room, text, Role.ENGINE, lo=cursor, hi=hi, placement=Placement.EARLIEST, must=True
        )
        if at is not None:
            cursor = at + c.length(text) + GAP_MS
    if call is None:
        # A rest of 30 s or more tells the time left, as between sets; the setup cues go
        # where the calls leave room.
        c.time_calls(room, lo=cursor, get_ready=countdown)
    where = c.where(nxt, place)
    for cue in reversed(nxt.cues.setup):
        at = c.speak_cue(
            room, cue, Role.SETUP, lo=cursor, hi=hi, placement=Placement.LATEST, where=where
        )
        if at is not None:
            hi = at - GAP_MS
    c.close_phase(
        PhaseKind.REST,
        room,
        c.say.rest_label,
        section,
        exercise=nxt,
        place=place,
        block=kw,
    )


# -- EMOM ----------------------------------------------------------------------------------------


def _emom(
    c: _Compiler, section: Section, circuit: Circuit, kw: BlockPlace, *, rest_follows: bool
) -> int:
    """The intervals; returns the last one's leftover when a rest follows (see compile_block)."""
    assert circuit.every_ms is not None
    exercises = circuit.exercises
    rounds = circuit.rounds
    for r in range(1, rounds + 1):
        for j, ex in enumerate(exercises):
            here = SetPlace(1, 1, None, r, rounds)
            start = c.t
            call = c.say.task(ex.name, _work_text(c, ex))
            _work(c, section, ex, here, kw, call=call, paced=False)
            last = r == rounds and j == len(exercises) - 1
            end_of_round = j == len(exercises) - 1
            nxt = exercises[0] if end_of_round else exercises[j + 1]
            next_round = r + 1 if end_of_round and not last else r
            rest_ms = start + circuit.every_ms - c.t
            if last and rest_follows:
                return max(rest_ms, 0)
            heads = [c.say.rest_short]
            if end_of_round and not last:
                heads.append(c.say.round(next_round, rounds))
            if not last and len(exercises) > 1:
                heads.append(c.say.next_up(nxt.name))
            _rest(
                c,
                section,
                nxt,
                rest_ms,
                heads=heads,
                call=None if last else (EMOM_CALL_MS, c.say.seconds_call(EMOM_CALL_MS)),
                countdown=not last,
                place=SetPlace(round_number=next_round, round_count=rounds),
                kw=kw,
            )
    return 0


# -- AMRAP ---------------------------------------------------------------------------------------


def _amrap(c: _Compiler, section: Section, circuit: Circuit, kw: BlockPlace) -> None:
    assert circuit.amrap_ms is not None
    length = circuit.amrap_ms
    the_list = tasks(c, circuit)
    # The person goes through the list at their own pace: nothing tells where a cue would be
    # true. Only the first exercise's setup cues are spoken, before the start.
    for ex in circuit.exercises:
        setup = ex.cues.setup if ex is not circuit.exercises[0] else ()
        for cue in (*setup, *ex.cues.during, *ex.cues.finish):
            c.drop(cue, c.length(cue.text), 0, circuit.name)
    room = c.open_phase(length)
    c.beep(room, Beep.GO, room.start)
    first = circuit.exercises[0]
    for k in range(first.countdown_s, 0, -1):
        c.beep(room, Beep.TICK, room.end - k * 1000)
    c.speak(
        room,
        the_list,
        Role.ENGINE,
        lo=room.start + BEEP_MS[Beep.GO] + GAP_MS,
        hi=room.end - GAP_MS,
        placement=Placement.EARLIEST,
        must=True,
    )
    left = list(range(60_000, length, 60_000))
    left += [ms for ms in AMRAP_LAST_CALLS_MS if ms < length]
    for ms in sorted(set(left), reverse=True):
        at = room.end - ms
        c.speak(
            room,
            c.say.time_left(ms),
            Role.ENGINE,
            lo=at,
            hi=min(room.end, at + CALL_SLACK_MS),
            placement=Placement.EARLIEST,
            must=True,
        )
    c.close_phase(
        PhaseKind.WORK,
        room,
        c.say.labelled(circuit.name, c.say.amrap_block(length).rstrip(".")),
        section,
        exercise=first,
        name=circuit.name,
        place=SetPlace(1, 1),
        amrap=Amrap.ROUNDS,
        on_enter=c.say.next_round(the_list),
        block=kw,
    )
