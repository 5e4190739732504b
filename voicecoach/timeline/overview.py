"""What `voicecoach show` prints: a routine at a glance."""

from __future__ import annotations

from voicecoach.routine.model import Circuit, Exercise, Routine, WorkKind
from voicecoach.timeline.model import Timeline
from voicecoach.timetext import short_clock

_SECTION_TITLE = {"warmup": "Warm-up", "exercises": "Exercises", "cooldown": "Cool-down"}


def _work(ex: Exercise) -> str:
    if ex.work is WorkKind.REPS:
        assert ex.reps is not None
        text = f"{ex.reps} reps, tempo {ex.tempo}"
    elif ex.work is WorkKind.HOLD:
        text = f"hold {(ex.seconds_ms or 0) / 1000:g} s"
    else:
        text = f"{(ex.seconds_ms or 0) / 1000:g} s"
    if ex.sides:
        text += f", sides: {', '.join(ex.sides)}"
    if ex.weight:
        text += f", {ex.weight}"
    return text


def _exercise_line(ex: Exercise, *, in_circuit: bool) -> str:
    sets = "" if in_circuit else f"{ex.sets} x "
    rest = "" if in_circuit or ex.sets == 1 else f", rest {ex.rest_ms / 1000:g} s"
    return f"{ex.name}: {sets}{_work(ex)}{rest}"


def format_overview(routine: Routine, timeline: Timeline) -> str:
    """Exercises with sets and rests, total time, muscles and equipment."""
    lines = [routine.name]
    if routine.description:
        lines.append(routine.description.strip())
    lines.append(
        f"total {short_clock(timeline.total_ms)}, {timeline.set_count()} sets, "
        f"language {routine.language}"
    )
    for section, items in routine.sections():
        lines += ["", f"{_SECTION_TITLE[section.value]}:"]
        for item in items:
            if isinstance(item, Circuit):
                rounds = f"{item.rounds} round{'s' if item.rounds != 1 else ''}"
                lines.append(f"  Circuit {item.name}: {rounds}")
                lines += [f"    - {_exercise_line(e, in_circuit=True)}" for e in item.exercises]
            else:
                lines.append(f"  - {_exercise_line(item, in_circuit=False)}")
            exercises = item.exercises if isinstance(item, Circuit) else (item,)
            lines += [f"      note: {e.notes.strip()}" for e in exercises if e.notes]
    muscles = sorted({m for e in routine.all_exercises() for m in e.muscles})
    equipment = sorted({q for e in routine.all_exercises() for q in e.equipment})
    lines += [
        "",
        f"Muscles: {', '.join(muscles) if muscles else 'not given'}",
        f"Equipment: {', '.join(equipment) if equipment else 'none'}",
    ]
    return "\n".join(lines) + "\n"
