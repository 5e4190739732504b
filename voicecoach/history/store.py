"""Workout history: every session and every set, kept in one SQLite file.

:class:`HistoryStore` owns the file. Each recording call is its own transaction, so a session
stopped at any moment (Ctrl-C, a crash, ``kill -9``, a power cut) leaves a valid database in which
everything recorded before the stop is kept and the unfinished session reads as interrupted.
:class:`voicecoach.history.recorder.SafeRecorder` wraps a store for the player, so that a storage
fault never stops the workout.

The file holds nothing but our two tables, marked with :data:`APPLICATION_ID`; a file at the path
that is not ours (not SQLite at all, or another program's database) is refused and left exactly
as it is. The schema carries its version in ``PRAGMA user_version`` and older versions are
migrated when the file is opened. docs/history.md describes the schema and its versions.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import platformdirs

from voicecoach.errors import VoicecoachError
from voicecoach.outcome import Outcome
from voicecoach.timeline.model import SetId, SetKey

#: Written to ``PRAGMA application_id`` so that the file says whose it is ("VCOH").
APPLICATION_ID: Final = 0x5643_4F48
#: The schema version this module writes; older files are migrated up to it when opened.
SCHEMA_VERSION: Final = 5
#: How long to wait for another voicecoach that is writing to the same file.
DEFAULT_BUSY_TIMEOUT_S: Final = 3.0

_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_NO_HISTORY_HINT: Final = "run with --no-history to train without recording"

_SCHEMA: Final = (
    """
    CREATE TABLE sessions (
        id            INTEGER PRIMARY KEY,
        routine_name  TEXT NOT NULL,
        routine_path  TEXT,
        content_hash  TEXT,
        resumes       INTEGER REFERENCES sessions (id),
        started_at    TEXT NOT NULL,
        ended_at      TEXT,
        status        TEXT NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'completed', 'quit', 'interrupted')),
        program       TEXT,
        program_slot  INTEGER,
        language      TEXT,
        start_at      TEXT
    )
    """,
    "CREATE INDEX sessions_by_routine ON sessions (routine_name, id)",
    """
    CREATE TABLE sets (
        id              INTEGER PRIMARY KEY,
        session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        exercise        TEXT NOT NULL,
        exercise_index  INTEGER NOT NULL,
        round_number    INTEGER,
        set_number      INTEGER NOT NULL,
        side            TEXT,
        reps            INTEGER,
        seconds         REAL,
        weight          TEXT,
        skipped         INTEGER NOT NULL CHECK (skipped IN (0, 1)),
        finished_at     TEXT NOT NULL,
        warmup          INTEGER NOT NULL DEFAULT 0 CHECK (warmup IN (0, 1)),
        rounds          INTEGER,
        planned_reps    INTEGER,
        planned_seconds REAL,
        planned_weight  TEXT,
        entered         TEXT NOT NULL DEFAULT 'target'
                        CHECK (entered IN ('target', 'typed', 'counted', 'logged'))
    )
    """,
    "CREATE INDEX sets_by_session ON sets (session_id, id)",
)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    # Version 1 did not know which revision of a routine was played, did not link a resumed
    # session to the one it continues, and kept no weight per set.
    conn.execute("ALTER TABLE sessions ADD COLUMN content_hash TEXT")
    conn.execute("ALTER TABLE sessions ADD COLUMN resumes INTEGER REFERENCES sessions (id)")
    conn.execute("ALTER TABLE sets ADD COLUMN weight TEXT")


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    # Version 2 knew no warm-up sets (which do not count as work sets) and no AMRAP blocks
    # (whose rounds are recorded). It kept one value per set, the target, as if it had been done;
    # version 3 keeps what was planned beside what was done: for the old sets both are the
    # target, as recorded then. And it knows the program a session was played for.
    for statement in (
        "ALTER TABLE sets ADD COLUMN warmup INTEGER NOT NULL DEFAULT 0 CHECK (warmup IN (0, 1))",
        "ALTER TABLE sets ADD COLUMN rounds INTEGER",
        "ALTER TABLE sessions ADD COLUMN program TEXT",
        "ALTER TABLE sessions ADD COLUMN program_slot INTEGER",
        "ALTER TABLE sets ADD COLUMN planned_reps INTEGER",
        "ALTER TABLE sets ADD COLUMN planned_seconds REAL",
        "ALTER TABLE sets ADD COLUMN planned_weight TEXT",
        "ALTER TABLE sets ADD COLUMN entered TEXT NOT NULL DEFAULT 'target'"
        " CHECK (entered IN ('target', 'typed', 'counted', 'logged'))",
        "UPDATE sets SET planned_reps = reps, planned_seconds = seconds, planned_weight = weight",
    ):
        conn.execute(statement)


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    # Version 3 did not know the language a session was played in: its sessions keep none
    # (unknown), and are shown in the language of the table around them.
    conn.execute("ALTER TABLE sessions ADD COLUMN language TEXT")


def _migrate_4_to_5(conn: sqlite3.Connection) -> None:
    # Version 4 did not keep where a session started with --start-at, so resuming one began at
    # the first set not done from the very beginning (the warm-up). Its sessions have no start
    # position: they resume as they did.
    conn.execute("ALTER TABLE sessions ADD COLUMN start_at TEXT")


#: Migration from version N to N + 1, by N.
_MIGRATIONS: Final[dict[int, Callable[[sqlite3.Connection], None]]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
}


class HistoryError(VoicecoachError):
    """The workout history cannot be opened, read or written; the message says how to go on.

    `disk_full` says that the cause is a full disk (or quota): a fault that freeing space
    undoes, so what could not be written may be written later.
    """

    def __init__(self, message: str, *, disk_full: bool = False) -> None:
        super().__init__(message)
        self.disk_full = disk_full


#: What the file says of a session that has begun and not ended; read back as interrupted.
_RUNNING: Final = "running"


def content_hash(data: bytes) -> str:
    """The hash recorded with a session to tell revisions of a routine file apart (SHA-256)."""
    return hashlib.sha256(data).hexdigest()


def default_path() -> Path:
    """The history file in the user's data folder (``$XDG_DATA_HOME/voicecoach`` on Linux)."""
    return Path(platformdirs.user_data_dir("voicecoach", appauthor=False)) / "history.sqlite3"


@dataclass(frozen=True)
class SessionRecord:
    """One recorded session, with what its sets add up to."""

    id: int
    routine_name: str
    routine_path: str | None
    content_hash: str | None
    #: The interrupted session this one carried on from, if it was resumed.
    resumes: int | None
    started_at: datetime
    ended_at: datetime | None
    #: A session that was never ended reads as INTERRUPTED.
    status: Outcome
    sets_done: int
    sets_skipped: int
    #: When its last recorded set finished.
    last_set_at: datetime | None
    #: The program it was played as a session of (``voicecoach next``), and its place in it.
    program: str | None = None
    program_slot: int | None = None
    #: The routine's language (``en``, ``de``, ``fr``); None for a session recorded before the
    #: history kept it.
    language: str | None = None
    #: The exercise the workout was started at (``run --start-at``), as given; a session that
    #: resumes one keeps the start of the session it carries on. None: from the beginning.
    start_at: str | None = None
    #: True while the voicecoach playing it still runs (its lock is held): the session has not
    #: ended yet, and :attr:`status` says how it would read if it stopped now.
    live: bool = False

    @property
    def shown_status(self) -> str:
        """The status a person is shown: ``running`` while the session still plays elsewhere,
        else :attr:`status`'s value."""
        return _RUNNING if self.live else self.status.value

    @property
    def duration_s(self) -> float:
        """Seconds from the start to the end, or to the last set when the session never ended
        (0 when a time in the file cannot be read)."""
        end = self.ended_at or self.last_set_at
        if end is None or _UNREADABLE_TIME in (end, self.started_at):
            return 0.0
        return max(0.0, (end - self.started_at).total_seconds())


class Entered(StrEnum):
    """Where a set's done values came from."""

    #: The set ended as planned: its target was recorded (hands-free).
    TARGET = "target"
    #: Typed on the terminal during the session.
    TYPED = "typed"
    #: Counted by the session itself (the reps reached of an AMRAP set).
    COUNTED = "counted"
    #: Corrected afterwards with ``voicecoach log``.
    LOGGED = "logged"


@dataclass(frozen=True)
class SetRecord:
    """One set: what it asked for (``planned_*``) and what was done (or that it was skipped)."""

    session_id: int
    exercise: str
    exercise_index: int
    round_number: int | None
    set_number: int
    side: str | None
    #: Done: reps, seconds it lasted, weight.
    reps: int | None
    seconds: float | None
    weight: str | None
    skipped: bool
    finished_at: datetime
    #: A warm-up set: recorded, never counted as a work set (summaries, stats, progression).
    warmup: bool = False
    #: The rounds finished in an AMRAP block (its row's `reps` is None).
    rounds: int | None = None
    planned_reps: int | None = None
    planned_seconds: float | None = None
    planned_weight: str | None = None
    entered: Entered = Entered.TARGET
    #: The row's id in the file (0 for a record not read from one); not part of equality.
    id: int = field(default=0, compare=False)

    @property
    def set_id(self) -> SetId:
        """The set this record belongs to, as :attr:`voicecoach.timeline.model.Phase.set_id`
        says it (the sides of one set share it)."""
        return (self.exercise_index, self.round_number, self.set_number)

    @property
    def key(self) -> SetKey:
        return (self.exercise_index, self.round_number, self.set_number, self.side)


def _aware(value: datetime, name: str) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone, e.g. datetime.now().astimezone()")
    return value.isoformat()


#: Shown for a time in the file that is not a time at all (a file edited by hand, say).
_UNREADABLE_TIME: Final = datetime.fromtimestamp(0, UTC)


def _read_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return _UNREADABLE_TIME


def _is_disk_full(exc: sqlite3.Error) -> bool:
    # SQLITE_FULL for the file and its log; the shared-memory index beside a write-ahead log
    # cannot be sized on a full disk either, which SQLite reports as an I/O error of its own.
    return exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_FULL or (
        exc.sqlite_errorcode == sqlite3.SQLITE_IOERR_SHMSIZE
    )


def _sqlite_error(
    exc: sqlite3.Error, path: Path, action: str, busy_timeout_s: float
) -> HistoryError:
    """The HistoryError that says what `exc`, met while trying to `action` the file, means."""
    return HistoryError(_explain(exc, path, action, busy_timeout_s), disk_full=_is_disk_full(exc))


def _explain(exc: sqlite3.Error, path: Path, action: str, busy_timeout_s: float) -> str:
    code = exc.sqlite_errorcode & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"the workout history {path} is in use by another voicecoach (still locked after "
            f"{busy_timeout_s:g} s); wait for that one to finish, or {_NO_HISTORY_HINT}"
        )
    if _is_disk_full(exc):
        return (
            f"could not {action} the workout history {path}: the disk is full; free some "
            f"space, or {_NO_HISTORY_HINT}"
        )
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return (
            f"the workout history {path} is damaged ({exc}); voicecoach leaves it as it is. "
            f"Move it aside to start a new history, or {_NO_HISTORY_HINT}"
        )
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return (
            f"could not {action} the workout history {path} ({exc}); check that you may write "
            f"to that file and its folder, or {_NO_HISTORY_HINT}"
        )
    return f"could not {action} the workout history {path}: {exc}"


def _refuse(path: Path, what: str) -> HistoryError:
    return HistoryError(
        f"{path} is not a voicecoach history but {what}; voicecoach leaves it as it is. "
        f"Move it aside to start a new history there, or {_NO_HISTORY_HINT}"
    )


def _check_not_foreign(path: Path, busy_timeout_s: float) -> None:
    """Refuse a file at `path` that is not ours, without writing anything to it.

    A missing file, an empty one and an SQLite database with nothing in it are fair game: there is
    nothing in them to lose. The check is made again inside the first transaction, so a file that
    changes in between is still caught.
    """
    with contextlib.suppress(OSError):
        # A FIFO or a device would block the read below, or never end.
        if not stat.S_ISREG(path.stat().st_mode):
            raise _refuse(path, "a special file (a FIFO, a device or a folder)")
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise HistoryError(
            f"cannot read the workout history {path}: {exc.strerror}; {_NO_HISTORY_HINT}"
        ) from exc
    if not head:
        return
    if head != _SQLITE_MAGIC:
        raise _refuse(path, "a file of another kind (not SQLite)")
    # Without a write-ahead log the file alone is the whole database: read it as an immutable file,
    # which takes no lock and creates no side file. With one, it may hold the newest pages, so read
    # through it, still read-only.
    # On a full disk, the log's shared-memory index cannot be made: the file alone is read then
    # (a log left empty by a writer that could not start).
    wal = path.with_name(path.name + "-wal")
    modes = ("mode=ro", "immutable=1") if wal.exists() else ("immutable=1",)
    conn = _connect_read_only(path, busy_timeout_s, modes)
    try:
        app_id, version, tables = _identify(conn)
    except sqlite3.Error as exc:
        raise _sqlite_error(exc, path, "read", busy_timeout_s) from exc
    finally:
        conn.close()
    _judge(path, app_id, version, tables)


def _connect_read_only(
    path: Path, busy_timeout_s: float, modes: tuple[str, ...]
) -> sqlite3.Connection:
    """A read-only connection to `path` by the first of the URI `modes` with which SQLite can
    read the file's schema version."""
    problem: sqlite3.Error | None = None
    for mode in modes:
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=busy_timeout_s
            )
            conn.execute(f"PRAGMA busy_timeout = {round(busy_timeout_s * 1000)}")
            conn.execute("PRAGMA user_version").fetchone()
            return conn
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            problem = exc
    assert problem is not None
    raise _sqlite_error(problem, path, "read", busy_timeout_s) from problem


def _identify(conn: sqlite3.Connection) -> tuple[int, int, set[str]]:
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {
        str(row[0])
        for row in conn.execute("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'")
    }
    return app_id, version, tables


def _judge(path: Path, app_id: int, version: int, tables: set[str]) -> bool:
    """True if the database is empty and ours to create; raise if it is not ours to touch."""
    if app_id == 0 and version == 0 and not tables:
        return True
    if app_id != APPLICATION_ID:
        raise _refuse(path, "another program's SQLite database")
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"the workout history {path} was written by a newer voicecoach (history schema "
            f"{version}; this one knows up to {SCHEMA_VERSION}); upgrade voicecoach, or "
            f"{_NO_HISTORY_HINT}"
        )
    if version not in range(1, SCHEMA_VERSION + 1) or not {"sessions", "sets"} <= tables:
        raise HistoryError(
            f"the workout history {path} is damaged (schema version {version}, tables "
            f"{', '.join(sorted(tables)) or 'none'}); voicecoach leaves it as it is. "
            f"Move it aside to start a new history, or {_NO_HISTORY_HINT}"
        )
    return False


# Sets are counted by SetRecord.set_id, (exercise_index, round_number, set_number): the sides
# of one set are one set.
_SESSION_COLUMNS: Final = """
    s.id, s.routine_name, s.routine_path, s.content_hash, s.resumes, s.started_at, s.ended_at,
    s.status,
    (SELECT count(*) FROM (SELECT DISTINCT exercise_index, round_number, set_number
        FROM sets WHERE session_id = s.id AND skipped = 0 AND warmup = 0)),
    (SELECT count(*) FROM (SELECT DISTINCT exercise_index, round_number, set_number
        FROM sets WHERE session_id = s.id AND skipped = 1 AND warmup = 0)),
    (SELECT finished_at FROM sets WHERE session_id = s.id ORDER BY id DESC LIMIT 1),
    s.program, s.program_slot, s.language, s.start_at
"""

_SET_COLUMNS: Final = """
    session_id, exercise, exercise_index, round_number, set_number, side, reps, seconds, weight,
    skipped, finished_at, warmup, rounds, planned_reps, planned_seconds, planned_weight, entered
"""


def _session(row: tuple[Any, ...], live: Callable[[int], bool]) -> SessionRecord:
    """The record of a row; `live(id)` tells whether a session never ended still plays."""
    (sid, name, rpath, chash, resumes, started, ended, status, done, skipped, last) = row[:11]
    program, slot, language, start_at = row[11:]
    read_status = Outcome.INTERRUPTED if status == _RUNNING else Outcome(str(status))
    started_at = _read_time(str(started))
    assert started_at is not None
    return SessionRecord(
        id=int(sid),
        routine_name=str(name),
        routine_path=None if rpath is None else str(rpath),
        content_hash=None if chash is None else str(chash),
        resumes=None if resumes is None else int(resumes),
        started_at=started_at,
        ended_at=_read_time(None if ended is None else str(ended)),
        status=read_status,
        sets_done=int(done),
        sets_skipped=int(skipped),
        last_set_at=_read_time(None if last is None else str(last)),
        program=None if program is None else str(program),
        program_slot=None if slot is None else int(slot),
        language=None if language is None else str(language),
        start_at=None if start_at is None else str(start_at),
        live=status == _RUNNING and live(int(sid)),
    )


def _set(row: tuple[Any, ...]) -> SetRecord:
    (sid, exercise, index, round_number, set_number, side, reps, seconds, weight, skipped, at) = (
        row[:11]
    )
    warmup, rounds, planned_reps, planned_seconds, planned_weight, entered, row_id = row[11:]
    finished_at = _read_time(str(at))
    assert finished_at is not None
    return SetRecord(
        session_id=int(sid),
        exercise=str(exercise),
        exercise_index=int(index),
        round_number=None if round_number is None else int(round_number),
        set_number=int(set_number),
        side=None if side is None else str(side),
        reps=None if reps is None else int(reps),
        seconds=None if seconds is None else float(seconds),
        weight=None if weight is None else str(weight),
        skipped=bool(skipped),
        finished_at=finished_at,
        warmup=bool(warmup),
        rounds=None if rounds is None else int(rounds),
        planned_reps=None if planned_reps is None else int(planned_reps),
        planned_seconds=None if planned_seconds is None else float(planned_seconds),
        planned_weight=None if planned_weight is None else str(planned_weight),
        entered=Entered(str(entered)),
        id=int(row_id),
    )


class HistoryStore:
    """The history file, open. Use it from one thread; close it (or use ``with``) when done.

    Every method that touches the file raises :class:`HistoryError` for a storage fault (a
    database locked too long, a full disk, a damaged file); mistakes in the arguments are
    ``ValueError``.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, busy_timeout_s: float) -> None:
        """Use :meth:`open`; this takes over a connection already prepared by it."""
        self._conn = conn
        self.path = path
        self._busy_timeout_s = busy_timeout_s
        #: The sessions this store is playing, each with its held lock file (see _LiveLock).
        self._live: dict[int, _LiveLock] = {}

    @classmethod
    def open_read_only(
        cls, path: Path, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S
    ) -> HistoryStore:
        """Open the history at `path` to read only: nothing in or beside the file is written,
        so a read-only file or a full disk can still be read, and a session still playing is
        left as it is. A file of an older schema is opened with :meth:`open` once, to upgrade.
        """
        _check_not_foreign(path, busy_timeout_s)
        # Through the write-ahead log where SQLite can use it; else the file alone, as it is.
        conn = _connect_read_only(path, busy_timeout_s, ("mode=ro", "immutable=1"))
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version < SCHEMA_VERSION:
            conn.close()
            return cls.open(path, busy_timeout_s=busy_timeout_s)
        conn.isolation_level = None
        return cls(conn, path, busy_timeout_s)

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        connect: Callable[[str], sqlite3.Connection] = sqlite3.connect,
    ) -> HistoryStore:
        """Open the history at `path` (default: :func:`default_path`), creating it if need be.

        The folder is created, an older schema is migrated, and sessions left running by a
        voicecoach that was stopped are marked interrupted. A file that is not a voicecoach
        history is refused and left untouched. If another voicecoach keeps the file locked for
        longer than `busy_timeout_s`, :class:`HistoryError` says so. `connect` makes the SQLite
        connection from a file name (to trace or limit it).

        Example: ``with HistoryStore.open() as store: store.recent_sessions(10)``
        """
        path = default_path() if path is None else path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"cannot create the folder {path.parent} for the workout history: "
                f"{exc.strerror}; {_NO_HISTORY_HINT}",
                disk_full=exc.errno in (errno.ENOSPC, errno.EDQUOT),
            ) from exc
        _check_not_foreign(path, busy_timeout_s)
        try:
            conn = connect(str(path))
        except sqlite3.Error as exc:
            raise _sqlite_error(exc, path, "open", busy_timeout_s) from exc
        store = cls(conn, path, busy_timeout_s)
        try:
            store._prepare()
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        conn = self._conn
        # Transactions are ours to begin and end: each recording call commits on its own.
        conn.isolation_level = None
        with self._errors("open"):
            conn.execute(f"PRAGMA busy_timeout = {round(self._busy_timeout_s * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            # WAL: a reader (`voicecoach history`) never blocks the workout that is recording.
            # Where the file system cannot do WAL, SQLite keeps its rollback journal, which is
            # just as safe, only less concurrent.
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL syncs the log at every commit, so a recorded set survives even a power cut.
            # NORMAL would survive a killed process but could lose the last sets to a power cut;
            # at one commit per set, about one a minute, the cost of FULL is nothing.
            conn.execute("PRAGMA synchronous = FULL")
            with self._transaction():
                if _judge(self.path, *_identify(conn)):
                    for statement in _SCHEMA:
                        conn.execute(statement)
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                for from_version in range(version, SCHEMA_VERSION):
                    _MIGRATIONS[from_version](conn)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                # A session whose voicecoach is gone (its lock file is free) was interrupted; one
                # still playing, in another voicecoach, is left alone.
                running = conn.execute("SELECT id FROM sessions WHERE status = 'running'")
                for (session_id,) in running.fetchall():
                    if not _LiveLock.held(self.path, int(session_id)):
                        conn.execute(
                            "UPDATE sessions SET status = 'interrupted' WHERE id = ?", (session_id,)
                        )

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise  # our own mistakes, not the storage's
        except sqlite3.Error as exc:
            raise _sqlite_error(exc, self.path, action, self._busy_timeout_s) from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        for lock in self._live.values():
            lock.release()
        self._live.clear()
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Recording: one statement, so one transaction, per call.

    def start_session(
        self,
        *,
        routine_name: str,
        routine_path: str | None,
        content_hash: str | None,
        started_at: datetime,
        resumes: int | None = None,
        program: str | None = None,
        program_slot: int | None = None,
        language: str | None = None,
        start_at: str | None = None,
    ) -> int:
        """Record that a session has begun; returns its id. It reads as interrupted until ended.

        `resumes` is the id of the interrupted session this one carries on from (see
        :meth:`resume_point`); `program` and `program_slot` name the program and the place in
        it that the session was played as; `language` is the routine's (``en``, ``de``, ``fr``);
        `start_at` the exercise it was started at, as given to ``run --start-at``.
        """
        started = _aware(started_at, "started_at")
        with self._errors("write to"):
            cursor = self._conn.execute(
                "INSERT INTO sessions (routine_name, routine_path, content_hash, resumes,"
                " started_at, status, program, program_slot, language, start_at)"
                " VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)",
                (
                    routine_name,
                    routine_path,
                    content_hash,
                    resumes,
                    started,
                    program,
                    program_slot,
                    language,
                    start_at,
                ),
            )
        assert cursor.lastrowid is not None
        self._live[cursor.lastrowid] = _LiveLock.take(self.path, cursor.lastrowid)
        return cursor.lastrowid

    def record_set(
        self,
        session_id: int,
        *,
        exercise: str,
        exercise_index: int,
        round_number: int | None,
        set_number: int,
        side: str | None,
        reps: int | None,
        seconds: float | None,
        weight: str | None,
        skipped: bool,
        finished_at: datetime,
        warmup: bool = False,
        rounds: int | None = None,
        planned_reps: int | None = None,
        planned_seconds: float | None = None,
        planned_weight: str | None = None,
        entered: Entered = Entered.TARGET,
    ) -> int:
        """Record one set of a session, done or skipped; returns its id for :meth:`correct_set`.

        `reps`, `seconds` (how long it lasted) and `weight` are what was done; the ``planned_``
        values are what the set asked for. `warmup` marks a warm-up set; `rounds` is what an
        AMRAP block reached.
        """
        finished = _aware(finished_at, "finished_at")
        with self._errors("write to"):
            cursor = self._conn.execute(
                f"INSERT INTO sets ({_SET_COLUMNS}) VALUES ({', '.join('?' * 17)})",
                (
                    session_id,
                    exercise,
                    exercise_index,
                    round_number,
                    set_number,
                    side,
                    reps,
                    seconds,
                    weight,
                    int(skipped),
                    finished,
                    int(warmup),
                    rounds,
                    planned_reps,
                    planned_seconds,
                    planned_weight,
                    Entered(entered).value,
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def correct_set(
        self,
        set_id: int,
        *,
        reps: int | None = None,
        weight: str | None = None,
        seconds: float | None = None,
        entered: Entered,
    ) -> None:
        """Change what was done in one recorded set (the values given); a skipped set so
        corrected counts as done."""
        changes = {"reps": reps, "weight": weight, "seconds": seconds}
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            raise ValueError("nothing to correct: give reps, weight or seconds")
        assignments = ", ".join(f"{k} = ?" for k in given)
        with self._errors("write to"):
            cursor = self._conn.execute(
                f"UPDATE sets SET {assignments}, skipped = 0, entered = ? WHERE id = ?",
                (*given.values(), Entered(entered).value, set_id),
            )
        if cursor.rowcount != 1:
            raise ValueError(f"no set {set_id} in {self.path}")

    def end_session(self, session_id: int, *, status: Outcome, ended_at: datetime) -> None:
        """Record how and when a session ended: completed, quit, or interrupted."""
        end_status = Outcome(status)
        ended = _aware(ended_at, "ended_at")
        with self._errors("write to"):
            cursor = self._conn.execute(
                "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?",
                (end_status.value, ended, session_id),
            )
        if cursor.rowcount != 1:
            raise ValueError(f"no session {session_id} in {self.path}")
        lock = self._live.pop(session_id, None)
        if lock is not None:
            lock.release()

    # Reading.

    def _sessions(self, where: str, params: tuple[object, ...]) -> list[SessionRecord]:
        with self._errors("read"):
            rows = self._conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions AS s {where}", params
            ).fetchall()
        return [_session(row, self._still_playing) for row in rows]

    def _still_playing(self, session_id: int) -> bool:
        return _LiveLock.held(self.path, session_id, tidy=False)

    def recent_sessions(
        self, limit: int | None = 20, routine: str | None = None
    ) -> list[SessionRecord]:
        """The latest sessions, newest first: at most `limit` (None: all), of `routine` if given."""
        where = "WHERE s.routine_name = ?" if routine is not None else ""
        params: tuple[object, ...] = (routine,) if routine is not None else ()
        return self._sessions(
            f"{where} ORDER BY s.id DESC LIMIT ?", (*params, -1 if limit is None else limit)
        )

    def routine_names(self) -> list[str]:
        """The names of the routines with at least one recorded session, in alphabetical order."""
        with self._errors("read"):
            rows = self._conn.execute(
                "SELECT DISTINCT routine_name FROM sessions ORDER BY routine_name"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def session(self, session_id: int) -> SessionRecord | None:
        """One session by id, or None."""
        found = self._sessions("WHERE s.id = ?", (session_id,))
        return found[0] if found else None

    def sets_for(self, session_id: int) -> list[SetRecord]:
        """The sets of one session, in the order they were recorded."""
        with self._errors("read"):
            rows = self._conn.execute(
                f"SELECT {_SET_COLUMNS}, id FROM sets WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
        return [_set(row) for row in rows]

    def all_sets(self) -> list[SetRecord]:
        """Every recorded set, oldest first."""
        with self._errors("read"):
            rows = self._conn.execute(f"SELECT {_SET_COLUMNS}, id FROM sets ORDER BY id").fetchall()
        return [_set(row) for row in rows]

    def exercise_history(
        self, routine_name: str, exercise: str, *, limit: int = 12, before: int | None = None
    ) -> list[tuple[SessionRecord, list[SetRecord]]]:
        """The work sets of `exercise` in the latest sessions of a routine, newest first.

        A session resumed from an interrupted one is read together with it, as one session.
        Warm-up sets are left out; sessions without a set of the exercise are not listed, nor
        sessions from `before` on (an id), when given.
        """
        sessions = [
            s
            for s in self.recent_sessions(None, routine=routine_name)
            if before is None or s.id < before
        ]
        by_id = {s.id: s for s in sessions}
        resumed = {s.resumes for s in sessions if s.resumes is not None}
        out: list[tuple[SessionRecord, list[SetRecord]]] = []
        for session in sessions:
            if session.id in resumed:
                continue  # read with the session that carried it on
            chain: list[int] = []
            node: SessionRecord | None = session
            while node is not None and node.id not in chain:
                chain.append(node.id)
                node = None if node.resumes is None else by_id.get(node.resumes)
            with self._errors("read"):
                rows = self._conn.execute(
                    f"SELECT {_SET_COLUMNS}, id FROM sets WHERE session_id IN "
                    f"({', '.join('?' * len(chain))}) AND exercise = ? AND warmup = 0 "
                    "ORDER BY id",
                    (*chain, exercise),
                ).fetchall()
            if rows:
                out.append((session, [_set(row) for row in rows]))
                if len(out) >= limit:
                    break
        return out

    def last_finished(self) -> SessionRecord | None:
        """The latest session that is over (completed, quit or interrupted), or None."""
        found = self._sessions("WHERE s.status != 'running' ORDER BY s.id DESC LIMIT 1", ())
        return found[0] if found else None

    def last_interrupted(
        self, routine_name: str, *, content_hash: str | None = None
    ) -> SessionRecord | None:
        """The latest session of a routine if it was interrupted, else None.

        Only the latest counts: once the routine has been played again, the old interruption is
        history. With `content_hash`, a session recorded from another revision of the routine
        file (or from before hashes were kept) is not offered either, since its set positions may
        no longer match.
        """
        latest = self.recent_sessions(1, routine=routine_name)
        if not latest or latest[0].status is not Outcome.INTERRUPTED:
            return None
        if content_hash is not None and latest[0].content_hash != content_hash:
            return None
        return latest[0]

    def resume_point(
        self, routine_name: str, *, content_hash: str | None = None
    ) -> frozenset[SetKey]:
        """The keys of the sets already dealt with in the routine's interrupted session.

        Empty when there is nothing to resume. Skipped sets count as dealt with: skipping was a
        choice. When that session was itself a resumption, the sets of the sessions it carried
        on from count too. The player starts at the first set whose key is not in here, from
        that session's :attr:`SessionRecord.start_at` on, and passes the interrupted session's id
        as `resumes` (and its `start_at`) to :meth:`start_session`.
        """
        session = self.last_interrupted(routine_name, content_hash=content_hash)
        done: set[SetKey] = set()
        seen: set[int] = set()
        while session is not None and session.id not in seen:
            seen.add(session.id)
            done.update(s.key for s in self.sets_for(session.id))
            session = None if session.resumes is None else self.session(session.resumes)
        return frozenset(done)


class _LiveLock:
    """A file beside the history, ``NAME.live-ID``, locked by the voicecoach playing session ID.

    The kernel drops the lock when that process ends, however it ends: a session marked running
    whose lock is free was interrupted; one whose lock is held is still playing. Where file
    locks are not available (Windows), every session is taken for live and left running (it
    reads as interrupted all the same).
    """

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @staticmethod
    def _file(history: Path, session_id: int) -> Path:
        return history.with_name(f"{history.name}.live-{session_id}")

    @classmethod
    def take(cls, history: Path, session_id: int) -> _LiveLock:
        path = cls._file(history, session_id)
        try:
            import fcntl

            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (ImportError, OSError):
            return cls(path, None)  # no lock: the session cannot be told from a stopped one
        return cls(path, fd)

    @classmethod
    def held(cls, history: Path, session_id: int, *, tidy: bool = True) -> bool:
        """True if a live voicecoach holds session `session_id`'s lock (or it cannot be told).

        A lock file left by a voicecoach that was stopped is removed, unless `tidy` is False
        (a reader writes nothing beside the history)."""
        path = cls._file(history, session_id)
        try:
            import fcntl
        except ImportError:
            return True
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        except OSError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        if tidy:
            with contextlib.suppress(OSError):
                path.unlink()
        return False

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def open_existing(
    path: Path | None = None,
    *,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    read_only: bool = False,
) -> HistoryStore | None:
    """The history at `path` (default: :func:`default_path`) to read, or None if there is none.

    Reading never makes a history: where there is no file, nothing is created, not even the
    folder. A file that is there is opened as :meth:`HistoryStore.open` opens it (a file that is
    not a voicecoach history is refused, an older schema is migrated, and sessions left running
    by a voicecoach that was stopped are marked interrupted), or with `read_only` as
    :meth:`HistoryStore.open_read_only` does, writing nothing.
    """
    path = default_path() if path is None else path
    try:
        path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        pass  # not ours to explain: opening says what is wrong and how to go on
    if read_only:
        return HistoryStore.open_read_only(path, busy_timeout_s=busy_timeout_s)
    return HistoryStore.open(path, busy_timeout_s=busy_timeout_s)
