"""The workout history on real SQLite files: recording, reading back, faults and foreign files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import voicecoach
from voicecoach.errors import VoicecoachError
from voicecoach.history.recorder import SafeRecorder
from voicecoach.history.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Entered,
    HistoryError,
    HistoryStore,
    SessionRecord,
    SetRecord,
    content_hash,
    default_path,
)
from voicecoach.outcome import Outcome
from voicecoach.timeline.model import Phase, PhaseKind, set_key

CET = timezone(timedelta(hours=1))
T0 = datetime(2024, 3, 4, 7, 30, tzinfo=CET)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(db_path) as opened:
        yield opened


def start(store: HistoryStore, routine: str = "back", **kwargs: object) -> int:
    fields: dict[str, object] = {
        "routine_name": routine,
        "routine_path": f"/routines/{routine}.yaml",
        "content_hash": "h1",
        "started_at": T0,
    }
    fields.update(kwargs)
    return store.start_session(**fields)  # type: ignore[arg-type]


def record(
    store: HistoryStore | SafeRecorder, session_id: int | None, n: int, **kwargs: object
) -> int | None:
    fields: dict[str, object] = {
        "exercise": "Row",
        "exercise_index": 0,
        "round_number": None,
        "set_number": n,
        "side": None,
        "reps": 8,
        "seconds": 30.0,
        "weight": None,
        "skipped": False,
        "finished_at": T0 + timedelta(minutes=n),
    }
    fields.update(kwargs)
    return store.record_set(session_id, **fields)  # type: ignore[arg-type]


def raw(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Run `sql` on the file with a plain connection, as any other SQLite client would."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_full_session_reads_back_as_recorded(store: HistoryStore) -> None:
    """Every field of a session and its sets comes back as it was recorded."""
    sid = start(store)
    record(store, sid, 1, exercise="Deadlift", reps=5, weight="60 kg", seconds=25.5)
    record(store, sid, 1, exercise="Side plank", exercise_index=1, side="left", reps=None)
    record(store, sid, 1, exercise="Side plank", exercise_index=1, side="right", skipped=True)
    record(store, sid, 2, exercise="Burpee", exercise_index=2, round_number=2, set_number=1)
    store.end_session(sid, status="completed", ended_at=T0 + timedelta(minutes=42))

    assert store.recent_sessions(10) == [
        SessionRecord(
            id=sid,
            routine_name="back",
            routine_path="/routines/back.yaml",
            content_hash="h1",
            resumes=None,
            started_at=T0,
            ended_at=T0 + timedelta(minutes=42),
            status=Outcome.COMPLETED,
            sets_done=3,
            sets_skipped=1,
            last_set_at=T0 + timedelta(minutes=2),
        )
    ]
    assert store.recent_sessions(10)[0].duration_s == 42 * 60
    assert store.sets_for(sid) == [
        SetRecord(
            sid, "Deadlift", 0, None, 1, None, 5, 25.5, "60 kg", False, T0 + timedelta(minutes=1)
        ),
        SetRecord(
            sid,
            "Side plank",
            1,
            None,
            1,
            "left",
            None,
            30.0,
            None,
            False,
            T0 + timedelta(minutes=1),
        ),
        SetRecord(
            sid, "Side plank", 1, None, 1, "right", 8, 30.0, None, True, T0 + timedelta(minutes=1)
        ),
        SetRecord(sid, "Burpee", 2, 2, 1, None, 8, 30.0, None, False, T0 + timedelta(minutes=2)),
    ]
    assert store.sets_for(sid)[3].key == (2, 2, 1, None)


def test_times_keep_their_utc_offset(store: HistoryStore) -> None:
    """A session recorded in one time zone reads back in that zone, not converted."""
    tokyo = datetime(2024, 3, 4, 23, 59, tzinfo=timezone(timedelta(hours=9)))
    sid = start(store, started_at=tokyo)
    got = store.session(sid)
    assert got is not None
    assert got.started_at == tokyo
    assert got.started_at.utcoffset() == timedelta(hours=9)


def test_new_file_settings(db_path: Path) -> None:
    """A new history is WAL, synced in full, waits for locks, and says whose and which version."""
    made: list[sqlite3.Connection] = []

    def connect(name: str) -> sqlite3.Connection:
        made.append(sqlite3.connect(name))
        return made[-1]

    with HistoryStore.open(db_path, busy_timeout_s=1.5, connect=connect):
        conn = made[0]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (1500,)
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert raw(db_path, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert raw(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_default_path_follows_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a path the history goes to $XDG_DATA_HOME/voicecoach, folder created."""
    if sys.platform != "linux":
        pytest.skip("XDG_DATA_HOME is the Linux convention")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "voicecoach" / "history.sqlite3"
    with HistoryStore.open() as store:
        assert store.path == default_path()
    assert default_path().is_file()


def test_folder_that_cannot_be_made(tmp_path: Path) -> None:
    """A file where the folder should be is a HistoryError naming the folder."""
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(HistoryError, match=r"cannot create the folder .*data.*--no-history"):
        HistoryStore.open(tmp_path / "data" / "history.sqlite3")


def test_history_error_is_a_voicecoach_error() -> None:
    assert issubclass(HistoryError, VoicecoachError)


def test_session_never_ended_reads_as_interrupted(db_path: Path) -> None:
    """'running' is only ever in the file: read back, an unended session is interrupted."""
    with HistoryStore.open(db_path) as store:
        sid = start(store)
        record(store, sid, 1)
        assert store.recent_sessions(1)[0].status is Outcome.INTERRUPTED
    assert raw(db_path, "SELECT status, ended_at FROM sessions") == [("running", None)]
    with HistoryStore.open(db_path) as store:
        got = store.session(sid)
        assert got is not None
        assert (got.status, got.ended_at, got.sets_done) == (Outcome.INTERRUPTED, None, 1)
        assert got.duration_s == 60
    assert raw(db_path, "SELECT status, ended_at FROM sessions") == [("interrupted", None)]


def test_session_marked_by_another_open_still_ends_as_it_ends(db_path: Path) -> None:
    """A history viewer opened mid-workout marks it interrupted; its own end sets it right."""
    with HistoryStore.open(db_path) as playing:
        sid = start(playing)
        with HistoryStore.open(db_path) as viewer:
            assert viewer.recent_sessions(1)[0].status is Outcome.INTERRUPTED
        record(playing, sid, 1)
        playing.end_session(sid, status="completed", ended_at=T0 + timedelta(minutes=5))
        assert playing.recent_sessions(1)[0].status is Outcome.COMPLETED


_KILLED_SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path

    from voicecoach.history.store import HistoryStore

    store = HistoryStore.open(Path(sys.argv[1]))
    t0 = datetime(2024, 3, 4, 7, 30, tzinfo=timezone.utc)
    sid = store.start_session(
        routine_name="back", routine_path=None, content_hash=None, started_at=t0
    )
    n = 0
    while True:
        n += 1
        store.record_set(
            sid, exercise="Row", exercise_index=0, round_number=None, set_number=n, side=None,
            reps=8, seconds=30.0, weight=None, skipped=False, finished_at=t0 + timedelta(seconds=n),
        )
        print(n, flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_mid_session_leaves_a_valid_history(db_path: Path) -> None:
    """A voicecoach killed with SIGKILL while recording: file intact, sets kept, interrupted."""
    db_path.parent.mkdir()
    env = dict(os.environ, PYTHONPATH=str(Path(voicecoach.__file__).resolve().parents[1]))
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_SCRIPT, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    committed = 0
    for line in proc.stdout:
        committed = int(line)
        if committed >= 40:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert committed == 40

    assert raw(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert raw(db_path, "SELECT status FROM sessions") == [("running",)]
    with HistoryStore.open(db_path) as store:
        (session,) = store.recent_sessions(10)
        assert session.status is Outcome.INTERRUPTED
        numbers = [s.set_number for s in store.sets_for(session.id)]
    # Every set reported as recorded is there, and nothing but whole sets in order.
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= committed
    assert raw(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_locked_history_times_out_with_advice(db_path: Path) -> None:
    """Another writer holding the file past the busy timeout: HistoryError naming --no-history."""
    HistoryStore.open(db_path).close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        began = time.monotonic()
        with pytest.raises(HistoryError) as caught:
            HistoryStore.open(db_path, busy_timeout_s=0.2)
        waited = time.monotonic() - began
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert str(caught.value) == (
        f"the workout history {db_path} is in use by another voicecoach (still locked after "
        "0.2 s); wait for that one to finish, or run with --no-history to train without recording"
    )
    assert waited >= 0.15
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)


def test_lock_while_recording_turns_history_off(db_path: Path) -> None:
    """A lock held past the timeout mid-workout is a storage fault: warned once, workout goes on."""
    warnings: list[str] = []
    with HistoryStore.open(db_path, busy_timeout_s=0.05) as store:
        recorder = SafeRecorder(store, warn=warnings.append)
        sid = recorder.start_session(
            routine_name="back", routine_path=None, content_hash=None, started_at=T0
        )
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            record(recorder, sid, 1)
            record(recorder, sid, 2)
        finally:
            other.execute("ROLLBACK")
            other.close()
        record(recorder, sid, 3)
        recorder.end_session(sid, status="completed", ended_at=T0)
        assert not recorder.active
        assert len(warnings) == 1
        assert "in use by another voicecoach" in warnings[0]
        assert store.sets_for(sid or 0) == []


def _another_apps_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()


def _other_application_id(path: Path) -> None:
    _another_apps_db(path)
    raw(path, "PRAGMA application_id = 1234")


def _ours_but_newer(path: Path) -> None:
    HistoryStore.open(path).close()
    raw(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def _text(path: Path) -> None:
    path.write_text("monday: deadlifts 3x5\n")


def _truncated_sqlite(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(_text, r"is not a voicecoach history but a file of another kind", id="text"),
        pytest.param(_png, r"is not a voicecoach history but a file of another kind", id="png"),
        pytest.param(
            _another_apps_db, "history but another program's SQLite database", id="sqlite"
        ),
        pytest.param(_other_application_id, "another program's SQLite", id="application-id"),
        pytest.param(_ours_but_newer, "written by a newer voicecoach", id="newer-schema"),
        pytest.param(_truncated_sqlite, "is damaged", id="truncated"),
    ],
)
def test_foreign_file_is_refused_and_left_unchanged(
    db_path: Path, make: Callable[[Path], None], message: str
) -> None:
    """A file that is not our history is refused, and not one byte of it (or beside it) changes."""
    db_path.parent.mkdir()
    make(db_path)
    before = snapshot(db_path.parent)
    with pytest.raises(HistoryError, match=message) as caught:
        HistoryStore.open(db_path)
    assert "--no-history" in str(caught.value)
    assert snapshot(db_path.parent) == before


def test_foreign_wal_database_in_use_is_left_unchanged(db_path: Path) -> None:
    """Another program's database, open in WAL mode with unsaved pages: its file stays as it is."""
    db_path.parent.mkdir()
    owner = sqlite3.connect(db_path, isolation_level=None)
    try:
        owner.execute("PRAGMA journal_mode = WAL")
        owner.execute("PRAGMA wal_autocheckpoint = 0")
        owner.execute("CREATE TABLE notes (body TEXT)")
        owner.execute("INSERT INTO notes VALUES ('in the log only')")
        before = db_path.read_bytes()
        with pytest.raises(HistoryError, match="another program's SQLite database"):
            HistoryStore.open(db_path)
        assert db_path.read_bytes() == before
    finally:
        owner.close()


def test_damaged_history_is_refused_and_left_unchanged(db_path: Path) -> None:
    """Our own file with a page overwritten by garbage is reported damaged, not repaired."""
    with HistoryStore.open(db_path) as store:
        start(store)
    ((page_size,),) = raw(db_path, "PRAGMA page_size")
    ((root,),) = raw(db_path, "SELECT rootpage FROM sqlite_schema WHERE name = 'sessions'")
    data = bytearray(db_path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xff" * page_size
    db_path.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match=r"is damaged \(database disk image is malformed\)"):
        HistoryStore.open(db_path)
    assert db_path.read_bytes() == bytes(data)


def test_empty_file_becomes_a_history(db_path: Path) -> None:
    """A zero-byte file holds nothing to lose, so it is made into a history."""
    db_path.parent.mkdir()
    db_path.touch()
    with HistoryStore.open(db_path) as store:
        start(store)
    assert raw(db_path, "PRAGMA application_id") == [(APPLICATION_ID,)]


_V1_SCHEMA = (
    """
    CREATE TABLE sessions (
        id            INTEGER PRIMARY KEY,
        routine_name  TEXT NOT NULL,
        routine_path  TEXT,
        started_at    TEXT NOT NULL,
        ended_at      TEXT,
        status        TEXT NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'completed', 'quit', 'interrupted'))
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
        skipped         INTEGER NOT NULL CHECK (skipped IN (0, 1)),
        finished_at     TEXT NOT NULL
    )
    """,
    "CREATE INDEX sets_by_session ON sets (session_id, id)",
)


def test_version_1_history_is_migrated_with_its_rows(db_path: Path) -> None:
    """A version 1 file gains the new columns, keeps every row, and takes new sessions."""
    db_path.parent.mkdir()
    conn = sqlite3.connect(db_path)
    for statement in _V1_SCHEMA:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sessions VALUES (1, 'back', '/r/back.yaml', ?, ?, 'completed')",
        (T0.isoformat(), (T0 + timedelta(minutes=30)).isoformat()),
    )
    conn.execute(
        "INSERT INTO sessions VALUES (2, 'back', NULL, ?, NULL, 'running')", (T0.isoformat(),)
    )
    conn.execute(
        "INSERT INTO sets VALUES (1, 1, 'Row', 0, NULL, 1, NULL, 8, 31.5, 0, ?)",
        ((T0 + timedelta(minutes=3)).isoformat(),),
    )
    conn.commit()
    conn.close()

    with HistoryStore.open(db_path) as store:
        old, stale = sorted(store.recent_sessions(None), key=lambda s: s.id)
        assert (old.status, old.content_hash, old.resumes, old.sets_done) == (
            Outcome.COMPLETED,
            None,
            None,
            1,
        )
        assert stale.status is Outcome.INTERRUPTED
        # What version 1 recorded was the target: it is both what was planned and what was done.
        assert store.sets_for(1) == [
            SetRecord(
                1,
                "Row",
                0,
                None,
                1,
                None,
                8,
                31.5,
                None,
                False,
                T0 + timedelta(minutes=3),
                planned_reps=8,
                planned_seconds=31.5,
            )
        ]
        sid = start(store)
        record(store, sid, 1, weight="20 kg")
        assert store.sets_for(sid)[0].weight == "20 kg"
    assert raw(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_recent_sessions_newest_first_limited_and_by_routine(store: HistoryStore) -> None:
    ids = [start(store, routine) for routine in ("back", "legs", "back", "back")]
    assert [s.id for s in store.recent_sessions(2)] == [ids[3], ids[2]]
    assert [s.id for s in store.recent_sessions(None, routine="back")] == [ids[3], ids[2], ids[0]]
    assert [s.id for s in store.recent_sessions(5, routine="legs")] == [ids[1]]
    assert store.recent_sessions(0) == []
    assert store.recent_sessions(5, routine="arms") == []
    assert store.session(999) is None


def test_last_interrupted_only_if_latest(store: HistoryStore) -> None:
    """An interruption is only offered until the routine is played again."""
    first = start(store)
    assert store.last_interrupted("back") == store.session(first)
    second = start(store)
    store.end_session(second, status="completed", ended_at=T0)
    assert store.last_interrupted("back") is None
    start(store, "legs")
    store.end_session(start(store, "legs"), status="quit", ended_at=T0)
    assert store.last_interrupted("legs") is None
    assert store.last_interrupted("arms") is None


def test_last_interrupted_of_another_revision_is_not_offered(store: HistoryStore) -> None:
    sid = start(store, content_hash="old")
    assert store.last_interrupted("back", content_hash="new") is None
    assert store.resume_point("back", content_hash="new") == frozenset()
    assert store.last_interrupted("back", content_hash="old") == store.session(sid)


def test_resume_point_counts_done_and_skipped_sets(store: HistoryStore) -> None:
    sid = start(store)
    record(store, sid, 1)
    record(store, sid, 2, skipped=True)
    record(store, sid, 1, exercise_index=1, side="left")
    assert store.resume_point("back") == {
        (0, None, 1, None),
        (0, None, 2, None),
        (1, None, 1, "left"),
    }
    store.end_session(sid, status="interrupted", ended_at=T0 + timedelta(minutes=3))
    assert len(store.resume_point("back")) == 3


def test_resume_point_follows_resumed_sessions(store: HistoryStore) -> None:
    """Interrupted twice: the sets of both parts count, but not those of an earlier fresh start."""
    fresh = start(store)
    record(store, fresh, 1)
    first = start(store)
    record(store, first, 1)
    record(store, first, 2)
    second = start(store, resumes=first)
    record(store, second, 3)
    assert store.resume_point("back") == {(0, None, n, None) for n in (1, 2, 3)}
    third = start(store, resumes=second)
    assert store.resume_point("back") == {(0, None, n, None) for n in (1, 2, 3)}
    store.end_session(third, status="completed", ended_at=T0)
    assert store.resume_point("back") == frozenset()


def test_set_key_of_a_work_phase() -> None:
    work = Phase(
        index=3,
        kind=PhaseKind.HOLD,
        start_ms=0,
        end_ms=30_000,
        label="Side plank, set 2 of 2, left",
        section="exercises",
        exercise_index=4,
        exercise="Side plank",
        set_number=2,
        set_count=2,
        side="left",
    )
    assert set_key(work) == (4, None, 2, "left")
    rest = Phase(4, PhaseKind.REST, 30_000, 60_000, "Rest", "exercises")
    with pytest.raises(ValueError, match="is not a set"):
        set_key(rest)


def test_content_hash_is_sha256() -> None:
    assert content_hash(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


NAIVE = datetime(2024, 3, 4, 7, 30)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(lambda st: start(st, started_at=NAIVE), "started_at", id="start"),
        pytest.param(
            lambda st: record(st, start(st), 1, finished_at=NAIVE), "finished_at", id="set"
        ),
        pytest.param(
            lambda st: st.end_session(start(st), status="quit", ended_at=NAIVE),
            "ended_at",
            id="end",
        ),
    ],
)
def test_naive_times_are_refused(
    store: HistoryStore, call: Callable[[HistoryStore], object], field: str
) -> None:
    """A time without a zone cannot be placed on a day reliably, so it is a mistake."""
    with pytest.raises(ValueError, match=f"{field} must carry a time zone"):
        call(store)


def test_end_session_mistakes(store: HistoryStore) -> None:
    sid = start(store)
    with pytest.raises(ValueError, match="'running' is not a valid Outcome"):
        store.end_session(sid, status="running", ended_at=T0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'finished' is not a valid Outcome"):
        store.end_session(sid, status="finished", ended_at=T0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no session 999"):
        store.end_session(999, status=Outcome.QUIT, ended_at=T0)


def _limited_to_current_size(name: str) -> sqlite3.Connection:
    """A connection that may not grow the file: SQLite's own 'database or disk is full'."""
    conn = sqlite3.connect(name)
    ((pages,),) = conn.execute("PRAGMA page_count").fetchall()
    conn.execute(f"PRAGMA max_page_count = {pages}")
    return conn


def test_safe_recorder_on_a_disk_that_stays_full_warns_once_and_keeps_what_was_written(
    db_path: Path,
) -> None:
    """SQLITE_FULL mid-session to the end: one line, the workout goes on, every set written
    before is kept, the sets after it wait in memory, and the session reads as interrupted."""
    HistoryStore.open(db_path).close()
    warnings: list[str] = []
    with HistoryStore.open(db_path, connect=_limited_to_current_size) as store:
        recorder = SafeRecorder(store, warn=warnings.append)
        sid = recorder.start_session(
            routine_name="back", routine_path=None, content_hash=None, started_at=T0
        )
        assert sid is not None
        for n in range(1, 201):
            record(recorder, sid, n, exercise="Romanian deadlift with a long name " * 3)
        recorder.end_session(sid, status="completed", ended_at=T0 + timedelta(hours=1))
        assert recorder.active
        assert 0 < recorder.waiting < 201
    assert warnings == [
        f"warning: history not saved: the disk is full ({db_path}); the workout goes on, and "
        "its sets are saved if space is freed before it ends"
    ]
    assert recorder.unsaved is not None
    assert recorder.unsaved.disk_full
    assert isinstance(recorder.unsaved.__cause__, sqlite3.OperationalError)
    assert recorder.unsaved.__cause__.sqlite_errorname == "SQLITE_FULL"
    assert raw(db_path, "PRAGMA integrity_check") == [("ok",)]
    with HistoryStore.open(db_path) as store:
        (session,) = store.recent_sessions(5)
        assert session.status is Outcome.INTERRUPTED
        numbers = [s.set_number for s in store.sets_for(sid)]
        assert numbers == list(range(1, len(numbers) + 1))
        assert len(numbers) + recorder.waiting == 201  # the sets and the end
    assert raw(db_path, "SELECT status FROM sessions") == [("interrupted",)]


def test_safe_recorder_writes_what_waited_once_space_is_freed(db_path: Path) -> None:
    """The disk fills after the first sets and is freed before the end: every set is written,
    in order, with its corrections, and the session ends completed. Two lines in all."""
    HistoryStore.open(db_path).close()
    warnings: list[str] = []
    conns: list[sqlite3.Connection] = []

    def connect(name: str) -> sqlite3.Connection:
        conns.append(_limited_to_current_size(name))
        return conns[-1]

    with HistoryStore.open(db_path, connect=connect) as store:
        recorder = SafeRecorder(store, warn=warnings.append)
        sid = recorder.start_session(
            routine_name="back", routine_path=None, content_hash=None, started_at=T0
        )
        rows = []
        n = 0
        while recorder.unsaved is None:
            n += 1
            rows.append(
                record(recorder, sid, n, exercise="Romanian deadlift with a long name " * 3)
            )
        full_at = n
        for _ in range(5):
            n += 1
            rows.append(
                record(recorder, sid, n, exercise="Romanian deadlift with a long name " * 3)
            )
        recorder.correct_set(rows[-1], reps=3, entered=Entered.TYPED)
        assert rows[-1] is not None
        assert rows[-1] < 0
        conns[0].execute("PRAGMA max_page_count = 1000000")  # space is freed
        recorder.end_session(sid, status=Outcome.COMPLETED, ended_at=T0 + timedelta(hours=1))
        assert (recorder.waiting, recorder.unsaved) == (0, None)

    assert full_at > 1
    assert warnings == [
        f"warning: history not saved: the disk is full ({db_path}); the workout goes on, and "
        "its sets are saved if space is freed before it ends",
        "history saved: space was freed, and every set of this session is recorded",
    ]
    with HistoryStore.open_read_only(db_path) as store:
        (session,) = store.recent_sessions(5)
        sets = store.sets_for(sid)
    assert session.status is Outcome.COMPLETED
    assert [s.set_number for s in sets] == list(range(1, n + 1))
    assert (sets[-1].reps, sets[-1].entered) == (3, Entered.TYPED)


def test_safe_recorder_without_store_is_silent(db_path: Path) -> None:
    """--no-history: nothing is recorded and nothing is said."""
    warnings: list[str] = []
    recorder = SafeRecorder(None, warn=warnings.append)
    sid = recorder.start_session(
        routine_name="back", routine_path=None, content_hash=None, started_at=T0
    )
    record(recorder, sid, 1)
    recorder.end_session(sid, status="completed", ended_at=T0)
    assert (sid, warnings, recorder.active) == (None, [], False)


def test_safe_recorder_does_not_hide_mistakes(store: HistoryStore) -> None:
    """Only storage faults are swallowed; a bad argument is a bug and still raises."""
    recorder = SafeRecorder(store, warn=pytest.fail)
    sid = recorder.start_session(
        routine_name="back", routine_path=None, content_hash=None, started_at=T0
    )
    with pytest.raises(ValueError, match="finished_at must carry a time zone"):
        record(recorder, sid, 1, finished_at=datetime(2024, 3, 4))
    record(recorder, sid, 1)
    recorder.end_session(sid, status="completed", ended_at=T0 + timedelta(minutes=2))
    assert recorder.active
    assert store.recent_sessions(1)[0].status is Outcome.COMPLETED


def test_warmup_sets_are_recorded_but_are_not_work_sets(store: HistoryStore) -> None:
    sid = start(store)
    record(store, sid, 1, weight="40 kg", warmup=True)
    record(store, sid, 2, weight="60 kg")
    record(store, sid, 3, weight="60 kg")
    (session,) = store.recent_sessions(None)
    assert session.sets_done == 2
    assert [s.warmup for s in store.sets_for(sid)] == [True, False, False]
    # A warm-up set is still a set dealt with, for resuming.
    store.end_session(sid, status="interrupted", ended_at=T0 + timedelta(minutes=5))
    assert (0, None, 1, None) in store.resume_point("back")


def test_amrap_block_rounds_are_recorded(store: HistoryStore) -> None:
    sid = start(store)
    record(store, sid, 1, exercise="Cindy", reps=None, seconds=600.0, rounds=7)
    record(store, sid, 1, exercise="Push-ups", exercise_index=1, reps=23)
    cindy, push = store.sets_for(sid)
    assert (cindy.rounds, cindy.reps) == (7, None)
    assert (push.rounds, push.reps) == (None, 23)


def test_version_2_history_gains_warmup_and_rounds(db_path: Path) -> None:
    """A version 2 file is migrated: its sets are work sets, with no rounds."""
    db_path.parent.mkdir()
    conn = sqlite3.connect(db_path)
    for statement in _V1_SCHEMA:
        conn.execute(statement)
    conn.execute("ALTER TABLE sessions ADD COLUMN content_hash TEXT")
    conn.execute("ALTER TABLE sessions ADD COLUMN resumes INTEGER REFERENCES sessions (id)")
    conn.execute("ALTER TABLE sets ADD COLUMN weight TEXT")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO sessions VALUES (1, 'back', NULL, ?, ?, 'completed', 'h', NULL)",
        (T0.isoformat(), (T0 + timedelta(minutes=30)).isoformat()),
    )
    conn.execute(
        "INSERT INTO sets VALUES (1, 1, 'Row', 0, NULL, 1, NULL, 8, 31.5, 0, ?, '20 kg')",
        ((T0 + timedelta(minutes=3)).isoformat(),),
    )
    conn.commit()
    conn.close()
    with HistoryStore.open(db_path) as store:
        (row,) = store.sets_for(1)
        assert (row.weight, row.warmup, row.rounds) == ("20 kg", False, None)
        assert store.recent_sessions(None)[0].sets_done == 1
    assert raw(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    columns = [r[1] for r in raw(db_path, "PRAGMA table_info(sets)")]
    assert columns[-6:-4] == ["warmup", "rounds"]


class InterruptedAfterWriting(HistoryStore):
    """A store on which Ctrl-C arrives the moment a set is written, before the call returns."""

    def record_set(self, session_id: int, **values: Any) -> int:
        set_id = super().record_set(session_id, **values)
        os.kill(os.getpid(), signal.SIGINT)
        return set_id


def test_ctrl_c_during_a_write_waits_for_it_and_nothing_is_written_twice(db_path: Path) -> None:
    """The interrupt is raised once the set is written and noted so: the next call (the end of
    the session, as the run writes it after Ctrl-C) does not write that set again."""
    warnings: list[str] = []
    with InterruptedAfterWriting.open(db_path) as store:
        recorder = SafeRecorder(store, warn=warnings.append)
        sid = recorder.start_session(
            routine_name="back", routine_path=None, content_hash=None, started_at=T0
        )
        with pytest.raises(KeyboardInterrupt):
            record(recorder, sid, 1)
        assert recorder.waiting == 0
        recorder.end_session(sid, status=Outcome.INTERRUPTED, ended_at=T0)
        assert [s.set_number for s in store.sets_for(sid or 0)] == [1]
        assert warnings == []
