"""What `voicecoach show` prints: a routine at a glance."""

from __future__ import annotations

from voicecoach.routine.model import (
    AMRAP_CAP,
    Circuit,
    CircuitStyle,
    Exercise,
    Reps,
    Routine,
    SetTarget,
    WorkKind,
)
from voicecoach.timeline.language import Language, language_for
from voicecoach.timeline.language.base import ShowWords
from voicecoach.timeline.model import Amrap, Timeline
from voicecoach.timetext import short_clock


def _s(ms: int | None) -> str:
    return f"{(ms or 0) / 1000:g}"


def _effort(w: ShowWords, rpe: float | None, rir: int | None) -> str:
    parts = ([f"RPE {rpe:g}"] if rpe is not None else []) + (
        [w.in_reserve.format(rir=rir)] if rir is not None else []
    )
    return "".join(f", {p}" for p in parts)


def _amrap(w: ShowWords, seconds_ms: int | None) -> str:
    return w.max_reps_in.format(s=_s(seconds_ms)) if seconds_ms else w.max_reps


def _work_text(
    w: ShowWords, kind: WorkKind, *, amrap: bool, reps: Reps | None, seconds_ms: int | None
) -> str:
    """What one set asks for: "max reps in 60 s", "10 reps", "hold 30 s", "20 s"."""
    if amrap:
        return _amrap(w, seconds_ms)
    if reps is not None:
        return w.reps.format(reps=reps)
    if kind is WorkKind.HOLD:
        return w.hold.format(s=_s(seconds_ms))
    return w.seconds.format(s=_s(seconds_ms))


def _target(words: Language, t: SetTarget, kind: WorkKind) -> str:
    w = words.show
    text = _work_text(w, kind, amrap=t.amrap, reps=t.reps, seconds_ms=t.seconds_ms)
    if t.weight:
        text += f", {words.written_weight(t.weight)}"
    return text + _effort(w, t.rpe, t.rir)


def _set_lines(words: Language, ex: Exercise) -> list[str]:
    """One line per set of an exercise whose sets have their own targets."""
    w = words.show
    lines: list[str] = []
    counts = {True: 0, False: 0}
    targets = ex.targets()
    for i, t in enumerate(targets):
        counts[t.warmup] += 1
        head = w.warmup_n.format(n=counts[True]) if t.warmup else w.set_n.format(n=counts[False])
        if t.drop:
            head += w.drop
        rest = w.rest.format(s=_s(t.rest_ms)) if i + 1 < len(targets) else ""
        lines.append(f"{head}: {_target(words, t, ex.work)}{rest}")
    return lines


def _rounds(w: ShowWords, n: int) -> str:
    return w.round_one if n == 1 else w.rounds.format(n=n)


def _circuit_head(w: ShowWords, c: Circuit) -> str:
    if c.style is CircuitStyle.AMRAP:
        return w.amrap_block.format(time=short_clock(c.amrap_ms or 0))
    rounds = _rounds(w, c.rounds)
    if c.style is CircuitStyle.EMOM:
        return w.emom.format(rounds=rounds, s=_s(c.every_ms))
    if c.style is CircuitStyle.INTERVALS:
        return w.intervals.format(
            rounds=rounds, rest=_s(c.rest_ms), between=_s(c.rest_between_rounds_ms)
        )
    return rounds


def _work(words: Language, ex: Exercise) -> str:
    w = words.show
    text = _work_text(w, ex.work, amrap=ex.amrap, reps=ex.reps, seconds_ms=ex.seconds_ms)
    if ex.amrap or ex.work is WorkKind.REPS:
        text += ", " + w.tempo.format(tempo=ex.tempo)
    if ex.sides:
        text += ", " + w.sides.format(sides=", ".join(ex.sides))
    if ex.weight:
        text += f", {words.written_weight(ex.weight)}"
    return text + _effort(w, ex.rpe, ex.rir)


def _exercise_line(words: Language, ex: Exercise, *, in_circuit: bool) -> str:
    w = words.show
    if ex.set_list:
        warmups = sum(1 for t in ex.set_list if t.warmup)
        sets = w.sets.format(sets=ex.sets - warmups)
        sets += w.after_warmups.format(n=warmups) if warmups else ""
        sides = ", " + w.sides.format(sides=", ".join(ex.sides)) if ex.sides else ""
        tempo = ", " + w.tempo.format(tempo=ex.tempo) if ex.work is WorkKind.REPS else ""
        return f"{ex.name}: {sets}{tempo}{sides}"
    sets = "" if in_circuit else f"{ex.sets} x "
    rest = "" if in_circuit or ex.sets == 1 else w.rest.format(s=_s(ex.rest_ms))
    return f"{ex.name}: {sets}{_work(words, ex)}{rest}"


def _today(words: Language, ex: Exercise, indent: str) -> list[str]:
    """Today's target of an exercise and why, on its own line; nothing without progression."""
    if ex.advice is None:
        return []
    return [indent + words.show.today.format(text=words.explain(ex.advice))]


def target(
    ex: Exercise, words: Language, *, sets: bool = True, circuit: Circuit | None = None
) -> str:
    """What one exercise asks for today, in `words`' language: "3 x 10 reps at 40 kg",
    "2 x hold 35 s", "max reps in 60 s"; in a `circuit`, its rounds: "8 rounds x 20 s"."""
    w, h = words.show, words.history
    if ex.set_list:
        return "; ".join(
            h.warmup_target.format(target=_target(words, t, ex.work))
            if t.warmup
            else _target(words, t, ex.work)
            for t in ex.targets()
        )
    text = _work_text(w, ex.work, amrap=ex.amrap, reps=ex.reps, seconds_ms=ex.seconds_ms)
    if ex.weight:
        text = h.at_weight.format(work=text, weight=words.written_weight(ex.weight))
    if not sets:
        return text
    if circuit is not None and circuit.style is CircuitStyle.AMRAP:
        return h.amrap_round.format(work=text, time=short_clock(circuit.amrap_ms or 0))
    if circuit is not None:
        return h.sets_of.format(n=_rounds(w, circuit.rounds), work=text)
    return h.sets_of.format(n=ex.sets, work=text)


def todays_targets(routine: Routine) -> list[str]:
    """One line per exercise with a progression rule: today's target and why, in the routine's
    language."""
    words = language_for(routine.language)
    return [
        f"  {ex.name}: {target(ex, words)} ({words.explain(ex.advice)})"
        for ex in routine.all_exercises()
        if ex.advice is not None
    ]


def format_overview(routine: Routine, timeline: Timeline) -> str:
    """Exercises with sets and rests, total time, muscles and equipment, in the routine's
    language."""
    words = language_for(routine.language)
    w = words.show
    lines = [routine.name]
    if routine.description:
        lines.append(routine.description.strip())
    capped = any(p.amrap is Amrap.OPEN for p in timeline.phases)
    # Estimated lengths differ by a few seconds from those validate and the dry run measure.
    lines.append(
        w.total.format(
            time=short_clock(timeline.total_ms),
            cap=w.capped.format(cap=AMRAP_CAP) if capped else "",
            sets=timeline.set_count(),
            language=routine.language,
            estimated="" if timeline.measured else w.estimated,
        )
    )
    for section, items in routine.sections():
        lines += ["", f"{w.sections[section.value]}:"]
        for item in items:
            if isinstance(item, Circuit):
                lines.append("  " + w.circuit.format(name=item.name, head=_circuit_head(w, item)))
                for e in item.exercises:
                    # Each note under its own exercise, not all of them after the circuit.
                    lines.append(f"    - {_exercise_line(words, e, in_circuit=True)}")
                    lines += ["        " + w.note.format(text=e.notes.strip())] if e.notes else []
                    lines += _today(words, e, "        ")
            else:
                lines.append(f"  - {_exercise_line(words, item, in_circuit=False)}")
                if item.set_list:
                    lines += [f"      {line}" for line in _set_lines(words, item)]
                lines += ["      " + w.note.format(text=item.notes.strip())] if item.notes else []
                lines += _today(words, item, "      ")
    muscles = sorted({m for e in routine.all_exercises() for m in e.muscles})
    equipment = sorted({q for e in routine.all_exercises() for q in e.equipment})
    lines += [
        "",
        w.muscles.format(muscles=", ".join(muscles) if muscles else w.not_given),
        w.equipment.format(equipment=", ".join(equipment) if equipment else w.no_equipment),
        *(w.stretched.format(text=words.lengthened(s)) for s in timeline.stretched),
    ]
    return "\n".join(lines) + "\n"
