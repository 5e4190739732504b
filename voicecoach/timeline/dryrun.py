"""The dry-run views of a timeline: readable lines and JSON.

Both views list the same entries in the same order: each phase as it starts, then every sound.
A line reads ``  MM:SS.mmm  KIND   TEXT`` with KIND one of ``phase``, ``say`` or ``beep``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from voicecoach.routine.model import AMRAP_CAP, Routine
from voicecoach.timeline.language import language_for
from voicecoach.timeline.model import Amrap, EventKind, Phase, Timeline
from voicecoach.timetext import clock, short_clock


@dataclass(frozen=True)
class Entry:
    """One line of a dry run."""

    at_ms: int
    kind: str  # "phase", "speak" or "beep"
    text: str
    duration_ms: int
    role: str  # the phase kind for "phase" entries, the event role otherwise
    phase: Phase | None = None
    #: The phase's name in the routine's language ("phase" entries only).
    name: str = ""


def entries(timeline: Timeline) -> Iterator[Entry]:
    """Phases and events merged in time order; a phase comes before the sounds it starts with."""
    names = language_for(timeline.language).phase_names
    for item in timeline.in_order():
        if isinstance(item, Phase):
            yield Entry(
                item.start_ms,
                "phase",
                item.label,
                item.duration_ms,
                item.kind.value,
                item,
                names[item.kind],
            )
        else:
            yield Entry(item.at_ms, item.kind.value, item.text, item.duration_ms, item.role.value)


_KIND_WORD = {"phase": "phase", EventKind.SPEAK.value: "say", EventKind.BEEP.value: "beep"}


def header(routine: Routine, timeline: Timeline, *, voice: str | None = None) -> list[str]:
    """The dry run's first lines: name, total time, sets, and where phrase lengths came from."""
    words = language_for(routine.language)
    capped = any(p.amrap is Amrap.OPEN for p in timeline.phases)
    from voicecoach.timeline.overview import todays_targets

    targets = todays_targets(routine)
    return [
        routine.name,
        words.dry_run_total(
            f"{short_clock(timeline.total_ms)} ({clock(timeline.total_ms)})",
            AMRAP_CAP if capped else None,
            timeline.set_count(),
            len(routine.all_exercises()),
        ),
        words.speech_lengths(timeline.measured, voice),
        *([words.todays_targets, *targets] if targets else []),
        *(words.note_line.format(text=words.lengthened(s)) for s in timeline.stretched),
    ]


def format_lines(timeline: Timeline, *, from_ms: int = 0) -> list[str]:
    """Every entry as one line (those from `from_ms` on)."""
    out = []
    for e in entries(timeline):
        if e.at_ms < from_ms:
            continue
        word = _KIND_WORD[e.kind]
        text = e.text if e.kind != "phase" else f"[{e.name}] {e.text}"
        out.append(f"{clock(e.at_ms)}  {word:<5}  {text}")
    return out


def format_text(
    routine: Routine, timeline: Timeline, *, voice: str | None = None, from_ms: int = 0
) -> str:
    """The dry run as text, header first: the whole session, or from `from_ms` on."""
    lines = [*header(routine, timeline, voice=voice), "", *format_lines(timeline, from_ms=from_ms)]
    return "\n".join(lines) + "\n"


def _work_fields(phase: Phase) -> dict[str, Any]:
    """What a work phase asks for: its set, reps and weight, and what kind of set it is."""
    fields: dict[str, Any] = {
        "exercise": phase.exercise,
        "set": phase.set_number,
        "reps": phase.reps,
        "weight": phase.weight,
    }
    if phase.round_number is not None:
        fields["round"] = phase.round_number
    if phase.warmup:
        fields["warmup"] = True
    if phase.amrap is not None:
        fields["amrap"] = phase.amrap.value
    return fields


def to_json(routine: Routine, timeline: Timeline) -> dict[str, Any]:
    """The dry run as a JSON-ready mapping."""
    return {
        "name": routine.name,
        "total_ms": timeline.total_ms,
        "sets": timeline.set_count(),
        "measured": timeline.measured,
        "events": [
            {
                "at_ms": e.at_ms,
                "kind": e.kind,
                "text": e.text,
                "duration_ms": e.duration_ms,
                ("phase" if e.kind == "phase" else "role"): e.role,
                **(_work_fields(e.phase) if e.phase is not None and e.phase.is_work else {}),
            }
            for e in entries(timeline)
        ],
        "warnings": [
            {
                "text": w.text,
                "file": w.pos.file if w.pos else None,
                "line": w.pos.line if w.pos else None,
                "column": w.pos.column if w.pos else None,
                "needed_ms": w.needed_ms,
                "available_ms": w.available_ms,
                "where": w.where,
                "times": w.times,
            }
            for w in timeline.warnings
        ],
    }
