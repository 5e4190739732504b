"""What `voicecoach show` prints: a routine at a glance."""

from __future__ import annotations

from voicecoach.routine.model import (
    AMRAP_CAP,
    Circuit,
    CircuitStyle,
    Exercise,
    Routine,
    SetTarget,
    WorkKind,
)
from voicecoach.timeline.model import Amrap, Timeline
from voicecoach.timetext import short_clock

_SECTION_TITLE = {"warmup": "Warm-up", "exercises": "Exercises", "cooldown": "Cool-down"}


def _effort(rpe: float | None, rir: int | None) -> str:
    parts = ([f"RPE {rpe:g}"] if rpe is not None else []) + (
        [f"{rir} in reserve"] if rir is not None else []
    )
    return "".join(f", {p}" for p in parts)


def _target(t: SetTarget, kind: WorkKind) -> str:
    if t.amrap:
        text = "max reps" + (f" in {(t.seconds_ms or 0) / 1000:g} s" if t.seconds_ms else "")
    elif t.reps is not None:
        text = f"{t.reps} reps"
    elif kind is WorkKind.HOLD:
        text = f"hold {(t.seconds_ms or 0) / 1000:g} s"
    else:
        text = f"{(t.seconds_ms or 0) / 1000:g} s"
    if t.weight:
        text += f", {t.weight}"
    return text + _effort(t.rpe, t.rir)


def _set_lines(ex: Exercise) -> list[str]:
    """One line per set of an exercise whose sets have their own targets."""
    lines: list[str] = []
    counts = {True: 0, False: 0}
    targets = ex.targets()
    for i, t in enumerate(targets):
        counts[t.warmup] += 1
        head = f"warm-up {counts[True]}" if t.warmup else f"set {counts[False]}"
        if t.drop:
            head += " (drop)"
        rest = f", rest {t.rest_ms / 1000:g} s" if i + 1 < len(targets) else ""
        lines.append(f"{head}: {_target(t, ex.work)}{rest}")
    return lines


def _circuit_head(c: Circuit) -> str:
    if c.style is CircuitStyle.AMRAP:
        return f"as many rounds as possible in {short_clock(c.amrap_ms or 0)}"
    rounds = f"{c.rounds} round{'s' if c.rounds != 1 else ''}"
    if c.style is CircuitStyle.EMOM:
        return f"{rounds}, every {(c.every_ms or 0) / 1000:g} s (EMOM)"
    if c.style is CircuitStyle.INTERVALS:
        return (
            f"{rounds}, intervals, rest {c.rest_ms / 1000:g} s, "
            f"{c.rest_between_rounds_ms / 1000:g} s between rounds"
        )
    return rounds


def _work(ex: Exercise) -> str:
    if ex.amrap:
        text = "max reps" + (f" in {(ex.seconds_ms or 0) / 1000:g} s" if ex.seconds_ms else "")
        text += f", tempo {ex.tempo}"
    elif ex.work is WorkKind.REPS:
        text = f"{ex.reps} reps, tempo {ex.tempo}"
    elif ex.work is WorkKind.HOLD:
        text = f"hold {(ex.seconds_ms or 0) / 1000:g} s"
    else:
        text = f"{(ex.seconds_ms or 0) / 1000:g} s"
    if ex.sides:
        text += f", sides: {', '.join(ex.sides)}"
    if ex.weight:
        text += f", {ex.weight}"
    return text + _effort(ex.rpe, ex.rir)


def _exercise_line(ex: Exercise, *, in_circuit: bool) -> str:
    if ex.set_list:
        warmups = sum(1 for t in ex.set_list if t.warmup)
        sets = f"{ex.sets - warmups} sets" + (f" after {warmups} warm-up" if warmups else "")
        sides = f", sides: {', '.join(ex.sides)}" if ex.sides else ""
        tempo = f", tempo {ex.tempo}" if ex.work is WorkKind.REPS else ""
        return f"{ex.name}: {sets}{tempo}{sides}"
    sets = "" if in_circuit else f"{ex.sets} x "
    rest = "" if in_circuit or ex.sets == 1 else f", rest {ex.rest_ms / 1000:g} s"
    return f"{ex.name}: {sets}{_work(ex)}{rest}"


def target(ex: Exercise, *, sets: bool = True, circuit: Circuit | None = None) -> str:
    """What one exercise asks for today: "3 x 10 reps at 40 kg", "2 x hold 35 s", "max reps in
    60 s"; in a `circuit`, its rounds: "8 rounds x 20 s"."""
    if ex.set_list:
        return "; ".join(
            ("warm-up " if t.warmup else "") + _target(t, ex.work) for t in ex.targets()
        )
    if ex.amrap:
        text = "max reps" + (f" in {(ex.seconds_ms or 0) / 1000:g} s" if ex.seconds_ms else "")
    elif ex.work is WorkKind.REPS and ex.reps is not None:
        text = f"{ex.reps} reps"
    elif ex.work is WorkKind.HOLD:
        text = f"hold {(ex.seconds_ms or 0) / 1000:g} s"
    else:
        text = f"{(ex.seconds_ms or 0) / 1000:g} s"
    if ex.weight:
        text += f" at {ex.weight}"
    if not sets:
        return text
    if circuit is not None and circuit.style is CircuitStyle.AMRAP:
        return f"{text} a round, as many rounds as possible in {short_clock(circuit.amrap_ms or 0)}"
    if circuit is not None:
        return f"{circuit.rounds} round{'s' if circuit.rounds != 1 else ''} x {text}"
    return f"{ex.sets} x {text}"


def todays_targets(routine: Routine) -> list[str]:
    """One line per exercise with a progression rule: today's target and why."""
    return [
        f"  {ex.name}: {target(ex)} ({ex.advice.explain()})"
        for ex in routine.all_exercises()
        if ex.advice is not None
    ]


def format_overview(routine: Routine, timeline: Timeline) -> str:
    """Exercises with sets and rests, total time, muscles and equipment."""
    lines = [routine.name]
    if routine.description:
        lines.append(routine.description.strip())
    capped = any(p.amrap is Amrap.OPEN for p in timeline.phases)
    cap = f" (open-ended AMRAP sets at their {AMRAP_CAP}-rep cap)" if capped else ""
    # Estimated lengths differ by a few seconds from those validate and the dry run measure.
    estimated = "" if timeline.measured else "; speech lengths estimated"
    lines.append(
        f"total {short_clock(timeline.total_ms)}{cap}, {timeline.set_count()} sets, "
        f"language {routine.language}{estimated}"
    )
    for section, items in routine.sections():
        lines += ["", f"{_SECTION_TITLE[section.value]}:"]
        for item in items:
            if isinstance(item, Circuit):
                lines.append(f"  Circuit {item.name}: {_circuit_head(item)}")
                for e in item.exercises:
                    # Each note under its own exercise, not all of them after the circuit.
                    lines.append(f"    - {_exercise_line(e, in_circuit=True)}")
                    lines += [f"        note: {e.notes.strip()}"] if e.notes else []
                    lines += [f"        today: {e.advice.explain()}"] if e.advice else []
            else:
                lines.append(f"  - {_exercise_line(item, in_circuit=False)}")
                if item.set_list:
                    lines += [f"      {line}" for line in _set_lines(item)]
                lines += [f"      note: {item.notes.strip()}"] if item.notes else []
                lines += [f"      today: {item.advice.explain()}"] if item.advice else []
    muscles = sorted({m for e in routine.all_exercises() for m in e.muscles})
    equipment = sorted({q for e in routine.all_exercises() for q in e.equipment})
    lines += [
        "",
        f"Muscles: {', '.join(muscles) if muscles else 'not given'}",
        f"Equipment: {', '.join(equipment) if equipment else 'none'}",
        *(f"Note: {s}" for s in timeline.stretched),
    ]
    return "\n".join(lines) + "\n"
