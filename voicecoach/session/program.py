"""A program's week and its next session, from the history: what `voicecoach program` prints and
what `voicecoach next` plays."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from voicecoach.errors import UsageError
from voicecoach.history.store import HistoryStore, SessionRecord, open_existing
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Circuit, Routine
from voicecoach.routine.program import (
    Program,
    list_programs,
    load_program,
    monday,
    next_slot,
    played_from,
    resolve_program,
    slot_of,
)


@dataclass(frozen=True)
class NextSession:
    """The session a program asks for next: its place, and the routine with today's targets."""

    program: Program
    slot: int
    routine: Routine


#: Beside the history: the file each program played with `next` was read from, by its name, so
#: that `next` and `program` without PROGRAM find a program played from a path again.
PROGRAM_FILES = "programs.json"


def _program_files(history: Path) -> dict[str, str]:
    try:
        known = json.loads((history.parent / PROGRAM_FILES).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(known, dict):
        return {}
    return {k: v for k, v in known.items() if isinstance(k, str) and isinstance(v, str)}


def remember_program(program: Program, history: Path) -> None:
    """Note beside the `history` file where `program` was read from (nothing for a program
    without a file)."""
    if program.source is None:
        return
    known = _program_files(history)
    known[program.name] = str(program.source.resolve())
    target = history.parent / PROGRAM_FILES
    partial = target.with_name(f".{PROGRAM_FILES}.{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        partial.replace(target)
    except OSError:
        # Only a convenience: the session is still recorded, and PROGRAM names it again.
        partial.unlink(missing_ok=True)


def choose_program(arg: str | None, store: HistoryStore | None) -> Program:
    """The program a PROGRAM argument names; without one, the one last played with `next`,
    by its name or from the file it was read from."""
    if arg is not None:
        return load_program(resolve_program(arg))
    names = [e.name for e in list_programs()]
    if store is not None:
        last = next((s.program for s in store.recent_sessions(None) if s.program), None)
        for entry in list_programs():
            if last is not None and load_program(entry.path).name == last:
                return load_program(entry.path)
        played = _program_files(store.path).get(last) if last is not None else None
        if played is not None and Path(played).is_file():
            program = load_program(Path(played))
            if program.name == last:
                return program
    raise UsageError(
        f"name a program: {', '.join(names)} (no session of a program has been played yet)"
    )


def next_session(program: Program, store: HistoryStore | None, *, progress: bool) -> NextSession:
    """The program's next session, by the history, with today's targets unless not `progress`."""
    from voicecoach.history.progression import todays_routine

    routines = [load_routine(s.path) for s in program.sessions]
    names = [r.name for r in routines]
    history = played_from(store.recent_sessions(None)) if store is not None else []
    slot = next_slot(program.name, names, history)
    routine = routines[slot]
    if progress and store is not None:
        routine = todays_routine(routine, store)
    return NextSession(program, slot, routine)


def format_program(
    program: Program,
    upcoming: NextSession,
    sessions: Sequence[SessionRecord],
    *,
    now: datetime,
    handle: str,
    language: str | None = None,
) -> str:
    """What `voicecoach program` prints: the plan, this week's sessions done and due, and what
    the next session asks for, loads included.

    It is in the language of the program's routines when they all share one; otherwise in
    `language` (the settings file's), else English.
    """
    from voicecoach.timeline.language import language_for
    from voicecoach.timeline.overview import target

    routines = [load_routine(s.path) for s in program.sessions]
    names = [r.name for r in routines]
    spoken = {r.language for r in routines}
    words = language_for(spoken.pop() if len(spoken) == 1 else language or "en")
    h = words.history
    turn = ", ".join(
        f"{i}. {n} ({s.ref})"
        for i, (n, s) in enumerate(zip(names, program.sessions, strict=True), 1)
    )
    week_start = monday(now.date())
    year, week, _ = week_start.isocalendar()
    mine = [
        (s, slot)
        for s in reversed(sessions)
        if (slot := slot_of(played_from([s])[0], program.name, names)) is not None
    ]
    this_week = [(s, slot) for s, slot in mine if week_start <= s.started_at.date() <= now.date()]
    done = sum(1 for s, _ in this_week if s.sets_done > 0)
    due = max(0, program.per_week - done)
    lines = [program.name, words.plural(program.per_week, h.per_week, turn=turn), ""]
    last_start = week_start - timedelta(weeks=1)
    if any(s.started_at.date() < week_start for s, _ in mine):
        last = sum(
            1 for s, _ in mine if last_start <= s.started_at.date() < week_start and s.sets_done
        )
        missed = max(0, program.per_week - last)
        last_year, last_week, _ = last_start.isocalendar()
        lines.append(
            words.plural(
                last, h.last_week, week=f"{last_year}-W{last_week:02d}", planned=program.per_week
            )
            + (words.plural(missed, h.missed) if missed else "")
        )
    lines.append(
        words.plural(
            done,
            h.this_week,
            week=f"{year}-W{week:02d}",
            planned=program.per_week,
            rest=h.due.format(n=due) if due else h.plan_done,
        )
    )
    for s, slot in this_week:
        day = h.weekdays[s.started_at.weekday()]
        status = h.statuses[s.status.value]
        lines.append(
            f"  {day} {s.started_at.strftime('%Y-%m-%d %H:%M')}  {slot + 1}. {s.routine_name}  "
            f"{status}, {words.plural(s.sets_done, h.sets)}"
        )
    slot = upcoming.slot
    ref = program.sessions[slot].ref
    lines += ["", h.next_session.format(slot=slot + 1, name=upcoming.routine.name, ref=ref)]
    for item in upcoming.routine.exercises:
        circuit = item if isinstance(item, Circuit) else None
        for ex in item.exercises if isinstance(item, Circuit) else (item,):
            why = f" ({words.explain(ex.advice)})" if ex.advice is not None else ""
            lines.append(f"  {ex.name}: {target(ex, words, circuit=circuit)}{why}")
    lines.append(h.start_with.format(handle=handle))
    return "\n".join(lines)


def program_report(
    arg: str | None, history_path: Path | None, *, now: datetime, language: str | None = None
) -> str:
    """`voicecoach program [PROGRAM]`: the history is only read; without one, nothing is made.
    `language` is the settings file's, for a program whose routines speak several."""
    store = open_existing(history_path, read_only=True)
    try:
        program = choose_program(arg, store)
        upcoming = next_session(program, store, progress=True)
        sessions = store.recent_sessions(None) if store is not None else []
    finally:
        if store is not None:
            store.close()
    listed = {e.path.resolve() for e in list_programs()}
    if arg is not None:
        handle = arg
    elif program.source is None:
        handle = program.name
    else:
        source = program.source.resolve()
        handle = program.source.stem if source in listed else str(source)
    return format_program(program, upcoming, sessions, now=now, handle=handle, language=language)
