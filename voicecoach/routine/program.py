"""Program files: the sessions of a training plan, played in turn (ROUTINE_FORMAT.md, "Programs").

A program file is a YAML mapping marked by its ``program`` key::

    program: Full body, twice a week
    sessions: [full-body-a, full-body-b]   # routine names or paths, in turn
    per_week: 2

:func:`load_program` checks it as routines are checked: every problem is reported at its file,
line and column, in one :class:`~voicecoach.errors.RoutineError`. A session given as a path is
relative to the program file; one given as a name is found as ``voicecoach run`` finds it (the
user's routines folder, then the bundled ones).

Which session comes next is read from the history (:func:`next_slot`): the one after the latest
session played of the program, whether that session was completed, quit or interrupted, even
before its first work set. So after A comes B, always; an interrupted A can be finished with
``voicecoach run A --resume``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final, Protocol

from voicecoach.errors import Problem, RoutineError, SourcePos, UsageError
from voicecoach.routine.fields import Checker, Place
from voicecoach.routine.yamlsource import (
    Map,
    Node,
    Scalar,
    Seq,
    describe,
    parse_yaml,
    read_error,
    read_source_file,
)

PROGRAM_KEYS: Final = ("program", "sessions", "per_week")
SESSIONS_RANGE: Final = (1, 14)
PER_WEEK_RANGE: Final = (1, 7)
NAME_MAX: Final = 80
_TOP: Final = Place("in a program", PROGRAM_KEYS)


@dataclass(frozen=True)
class ProgramSession:
    """One session of a program: the routine as the file names it, and its file."""

    ref: str
    path: Path
    pos: SourcePos | None = None


@dataclass(frozen=True)
class Program:
    """A checked program file."""

    name: str
    sessions: tuple[ProgramSession, ...]
    per_week: int
    source: Path | None = None


def load_program(path: Path) -> Program:
    """Load and check the program file at `path`; raises RoutineError with located problems."""
    filename = str(path)
    try:
        text = read_source_file(path, filename=filename, kind="program")
    except (OSError, ValueError) as exc:
        raise RoutineError(
            [Problem(SourcePos(filename, 1, 1), f"cannot read the file: {read_error(exc)}")]
        ) from None
    root, problems = parse_yaml(text, filename=filename)
    return program_from_tree(root, problems, filename=filename, path=path)


def program_from_tree(
    root: Node | None, yaml_problems: Sequence[Problem], *, filename: str, path: Path
) -> Program:
    """Check a program's value tree (what :func:`parse_yaml` made of its file)."""
    check = Checker()
    check.problems.extend(yaml_problems)
    program = None
    if root is None:
        if not yaml_problems:
            check.problem(
                SourcePos(filename, 1, 1),
                "file is empty; a program needs 'program', 'sessions' and 'per_week'",
            )
    elif not isinstance(root, Map):
        check.problem(
            root.pos,
            "the top level must be a mapping with 'program', 'sessions' and 'per_week', "
            f"got {describe(root)}",
        )
    else:
        found = {k: v for k, (_, v) in check.keys(root, _TOP).items()}
        for key in PROGRAM_KEYS:
            if key not in found:
                check.problem(root.pos, f"a program needs '{key}'")
        name = check.name(found["program"], "program") if "program" in found else None
        per_week = (
            check.whole(found["per_week"], "per_week", PER_WEEK_RANGE)
            if "per_week" in found
            else None
        )
        sessions = _sessions(check, found["sessions"], path.parent) if "sessions" in found else None
        if name is not None and per_week is not None and sessions is not None:
            program = Program(name, sessions, per_week, path)
    if check.problems or program is None:
        raise RoutineError(sorted(dict.fromkeys(check.problems), key=lambda p: p.pos))
    return program


def _sessions(check: Checker, node: Node, base: Path) -> tuple[ProgramSession, ...] | None:
    from voicecoach.routine.catalog import resolve_routine

    low, high = SESSIONS_RANGE
    if not isinstance(node, Seq) or not low <= len(node.items) <= high:
        count = f"{len(node.items)} items" if isinstance(node, Seq) else describe(node)
        check.problem(
            node.pos,
            f"'sessions' must list {low} to {high} routine names or paths, like "
            f"[full-body-a, full-body-b], got {count}",
        )
        return None
    out: list[ProgramSession] = []
    for item in node.items:
        if not isinstance(item, Scalar) or not isinstance(item.value, str) or not item.value:
            check.problem(
                item.pos, f"a session must be a routine name or path, got {describe(item)}"
            )
            continue
        ref = item.value.strip()
        looks_like_path = os.sep in ref or ref.endswith((".yaml", ".yml"))
        candidate = (base / ref).expanduser() if looks_like_path else None
        if candidate is not None:
            if candidate.is_file():
                out.append(ProgramSession(ref, candidate, item.pos))
            else:
                check.problem(item.pos, f"no routine file at {candidate}")
            continue
        try:
            out.append(ProgramSession(ref, resolve_routine(ref), item.pos))
        except UsageError as exc:
            check.problem(item.pos, str(exc))
    return tuple(out) if len(out) == len(node.items) else None


# -- finding programs by name ----------------------------------------------------------------


@dataclass(frozen=True)
class ProgramEntry:
    """A program that can be named: its file's name without ``.yaml``."""

    name: str
    path: Path
    origin: str  # "bundled" or "user"


def user_programs_dir() -> Path:
    """The user's own programs folder (it may not exist), beside the routines folder."""
    from voicecoach.routine.catalog import user_routines_dir

    return user_routines_dir().parent / "programs"


def list_programs() -> list[ProgramEntry]:
    """Every program that can be named: the user's first, then the bundled ones."""
    from voicecoach.resources import bundled_programs

    folder = user_programs_dir()
    user = (
        {p.stem: p for p in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])}
        if folder.is_dir()
        else {}
    )
    entries = [ProgramEntry(n, p, "user") for n, p in user.items()]
    entries += [
        ProgramEntry(n, p, "bundled") for n, p in bundled_programs().items() if n not in user
    ]
    return entries


def resolve_program(arg: str) -> Path:
    """The file a PROGRAM argument means: a path, or a program's name."""
    path = Path(arg).expanduser()
    if path.is_file():
        return path
    if os.sep in arg or arg.endswith((".yaml", ".yml")):
        raise UsageError(f"no program file at {arg}")
    entries = list_programs()
    for entry in entries:
        if entry.name == arg:
            return entry.path
    names = sorted({e.name for e in entries})
    close = difflib.get_close_matches(arg, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no program named {arg!r}{hint} (the programs: {', '.join(names)})")


# -- the program's turn, from the history --------------------------------------------------


class SessionLike(Protocol):
    """What the rotation reads of a recorded session."""

    @property
    def routine_name(self) -> str: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def program(self) -> str | None: ...

    @property
    def program_slot(self) -> int | None: ...

    @property
    def sets_done(self) -> int: ...


@dataclass(frozen=True)
class Played:
    """A past session, as the rotation sees it."""

    routine_name: str
    started_at: datetime
    program: str | None
    program_slot: int | None
    #: Work sets done in it.
    sets_done: int


def slot_of(played: Played, program: str, routine_names: Sequence[str]) -> int | None:
    """The place in the program a past session took, or None if it was not one of its sessions.

    A session played with ``voicecoach next`` knows its place; one played with ``voicecoach run``
    takes the first place of its routine in the program.
    """
    slot = played.program_slot
    if played.program == program and slot is not None and 0 <= slot < len(routine_names):
        return slot
    if played.routine_name in routine_names:
        return list(routine_names).index(played.routine_name)
    return None


def next_slot(program: str, routine_names: Sequence[str], history: Sequence[Played]) -> int:
    """The place of the next session: after the latest one played (`history` newest first)."""
    for played in history:
        slot = slot_of(played, program, routine_names)
        if slot is not None:
            return (slot + 1) % len(routine_names)
    return 0


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def this_week(
    program: str, routine_names: Sequence[str], history: Sequence[Played], *, now: datetime
) -> list[tuple[Played, int]]:
    """The program's sessions played this ISO week (with their place), oldest first."""
    start = monday(now.date())
    out = [
        (p, slot)
        for p in history
        if start <= p.started_at.date() <= now.date()
        and (slot := slot_of(p, program, routine_names)) is not None
    ]
    return list(reversed(out))


def played_from(sessions: Sequence[SessionLike]) -> list[Played]:
    """The rotation's view of recorded sessions (history records, newest first)."""
    return [
        Played(s.routine_name, s.started_at, s.program, s.program_slot, s.sets_done)
        for s in sessions
    ]
