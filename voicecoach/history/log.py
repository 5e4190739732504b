"""``voicecoach log``: show and correct what was done in a finished session.

An entry names a set and what was done in it::

    deadlift 3: 8             set 3 of Deadlift: 8 reps (8 seconds for a hold)
    deadlift 3: 8 @ 42.5 kg   and the weight it was done at
    deadlift 3: @ 42.5 kg     only the weight
    split squat 2 left: 7     one side of a set
    plank 1: 25               25 seconds held

The exercise is matched without regard to case, spaces and dashes; a set is its number within
the exercise (the round, in a circuit). A wrong entry is reported with the column it goes wrong
at, and nothing is changed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from voicecoach.errors import UsageError
from voicecoach.history.store import (
    Entered,
    SessionRecord,
    SetRecord,
    default_path,
    open_existing,
)
from voicecoach.routine.progress import parse_load

#: The most reps (or seconds) an entry may give.
MAX_DONE: Final = 3600
_ENTRY: Final = re.compile(
    r"\s*(?P<name>[^:]*?)\s+(?P<set>\d+)(?:\s+(?P<side>[^:]+?))?\s*:"
    r"\s*(?P<reps>\d+)?\s*(?:@\s*(?P<weight>.*?))?\s*"
)


@dataclass(frozen=True)
class Correction:
    """One entry, matched to a recorded set."""

    target: SetRecord
    reps: int | None
    seconds: float | None
    weight: str | None


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


def entry_error(entry: str, column: int, message: str) -> UsageError:
    """A located message for a bad entry: the entry, a caret under the column, what is wrong."""
    return UsageError(
        f'--set "{entry}": column {column + 1}: {message}\n  {entry}\n  {" " * column}^'
    )


def _syntax(entry: str) -> UsageError:
    """Where and how an entry that does not parse goes wrong."""
    colon = entry.find(":")
    if colon < 0:
        return entry_error(
            entry,
            len(entry),
            "missing ':' between the set and what was done, like \"deadlift 3: 8\"",
        )
    head = entry[:colon]
    if not re.search(r"\S\s+\d+(\s+[^\d\s]\S*)?\s*$", head):
        return entry_error(
            entry, colon, "the exercise and the set number go before ':', like \"deadlift 3: 8\""
        )
    tail = entry[colon + 1 :]
    good = re.match(r"\s*\d*\s*", tail)
    offset = colon + 1 + (good.end() if good else 0)
    return entry_error(
        entry,
        offset,
        "after ':' come the reps (seconds for a hold), '@' and the weight, or both, "
        'like "8 @ 42.5 kg"',
    )


def set_label(s: SetRecord) -> str:
    """How an entry names this set: "deadlift 3", "split squat 2 left"."""
    number = s.round_number if s.round_number is not None else s.set_number
    side = f" {s.side}" if s.side else ""
    return f"{_norm(s.exercise)} {number}{side}"


def parse_entry(entry: str, sets: Sequence[SetRecord]) -> Correction:
    """The correction `entry` asks for, against the sets of one session."""
    found = _ENTRY.fullmatch(entry)
    if found is None:
        raise _syntax(entry)
    name, number = _norm(found["name"]), int(found["set"])
    work = [s for s in sets if not s.warmup]
    by_name: dict[str, list[SetRecord]] = {}
    for s in work:
        by_name.setdefault(_norm(s.exercise), []).append(s)
    if name not in by_name:
        close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise entry_error(
            entry,
            found.start("name"),
            f"no exercise {found['name']!r} in this session{hint} "
            f"(it has: {', '.join(dict.fromkeys(s.exercise for s in work))})",
        )
    mine = by_name[name]
    numbers = sorted({s.round_number if s.round_number is not None else s.set_number for s in mine})
    chosen = [
        s
        for s in mine
        if (s.round_number if s.round_number is not None else s.set_number) == number
    ]
    if not chosen:
        raise entry_error(
            entry,
            found.start("set"),
            f"{mine[0].exercise} has no set {number} in this session "
            f"(recorded: {', '.join(str(n) for n in numbers)})",
        )
    sides = [s.side for s in chosen if s.side]
    side = found["side"]
    if side is not None:
        match = [s for s in chosen if s.side and _norm(s.side) == _norm(side)]
        if not match:
            raise entry_error(
                entry,
                found.start("side"),
                f"set {number} of {mine[0].exercise} has no side {side!r}"
                + (f" (it has: {', '.join(sides)})" if sides else " (it has no sides)"),
            )
        chosen = match
    elif sides:
        raise entry_error(
            entry,
            found.end("set"),
            f"set {number} of {mine[0].exercise} has sides: name one ({', '.join(sides)}), "
            f'like "{name} {number} {sides[0]}: 8"',
        )
    target = chosen[-1]  # a set done again (back key) counts as last recorded
    if found["reps"] is None and found["weight"] is None:
        raise entry_error(
            entry, len(entry), "say what was done: reps (or seconds), @ weight, or both"
        )
    weight = None
    if found["weight"] is not None:
        load = parse_load(found["weight"])
        if load is None:
            raise entry_error(
                entry,
                found.start("weight"),
                'the weight must be a number with kg or lb, like "42.5 kg", '
                f"got {found['weight']!r}",
            )
        weight = str(load)
    reps = seconds = None
    if found["reps"] is not None:
        value = int(found["reps"])
        if value > MAX_DONE:
            raise entry_error(entry, found.start("reps"), f"{value} is more than {MAX_DONE}")
        if target.planned_reps is None and target.reps is None:
            seconds = float(value)  # a hold or timed set: the seconds done
        else:
            reps = value
    return Correction(target, reps, seconds, weight)


def format_session_sets(
    session: SessionRecord, sets: Sequence[SetRecord], *, language: str | None = None
) -> str:
    """What ``voicecoach log`` prints: the session, then each set as an entry would name it.

    It is in the session's language; for a session recorded before the history kept it, in
    `language` (the settings file's), else English.
    """
    from voicecoach.timeline.language import language_for

    words = language_for(session.language or language or "en")
    h = words.history
    lines = [
        h.log_session.format(
            id=session.id,
            routine=session.routine_name,
            when=session.started_at.strftime("%Y-%m-%d %H:%M"),
            status=h.statuses[session.shown_status],
        )
    ]
    rows = []
    for s in sets:
        label = set_label(s)
        if s.skipped:
            done = h.skipped
        else:
            if s.reps is not None:
                done = words.plural(s.reps, h.reps)
            elif s.seconds is not None:
                done = h.seconds.format(s=f"{s.seconds:g}")
            else:
                done = h.done
            if s.weight:
                done += f" @ {words.written_weight(s.weight)}"
        planned = []
        if s.planned_reps is not None:
            planned.append(h.reps[1].format(n=s.planned_reps))
        elif s.planned_seconds is not None:
            planned.append(h.seconds.format(s=f"{s.planned_seconds:g}"))
        if s.planned_weight:
            planned.append(f"@ {words.written_weight(s.planned_weight)}")
        note = h.planned.format(what=" ".join(planned)) if planned else ""
        if s.warmup:
            note = (f"{h.warmup}, " + note).rstrip(", ")
        if s.entered.value != "target":
            entered = h.entered[s.entered.value]
            note = f"{note}, {entered}" if note else entered
        rows.append((label + ":", done, note))
    wl = max((len(r[0]) for r in rows), default=0)
    wd = max((len(r[1]) for r in rows), default=0)
    lines += [f"  {a:<{wl}}  {b:<{wd}}  {c}".rstrip() for a, b, c in rows]
    lines.append(h.log_hint)
    return "\n".join(lines)


def log_report(
    path: Path | None,
    entries: Sequence[str],
    *,
    session_id: int | None = None,
    language: str | None = None,
) -> str:
    """What ``voicecoach log`` prints: the last finished session (or `session_id`) set by set,
    after applying the corrections in `entries`. Every entry is checked before any is applied:
    one bad entry changes nothing. `language` is the settings file's (see
    :func:`format_session_sets`)."""
    store = open_existing(path)
    if store is None:
        raise UsageError(
            f"no workouts recorded yet: there is no history at {path or default_path()}"
        )
    with store:
        session = store.session(session_id) if session_id is not None else store.last_finished()
        if session is None:
            raise UsageError(
                f"no session {session_id} in the history"
                if session_id is not None
                else "no finished session in the history yet"
            )
        sets = store.sets_for(session.id)
        corrections = [parse_entry(entry, sets) for entry in entries]
        for c in corrections:
            store.correct_set(
                c.target.id, reps=c.reps, seconds=c.seconds, weight=c.weight, entered=Entered.LOGGED
            )
        if corrections:
            sets = store.sets_for(session.id)
    return format_session_sets(session, sets, language=language)
