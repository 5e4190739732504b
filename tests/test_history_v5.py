"""History schema version 5: where a session was started (``run --start-at``), and the migration
from version 4 on a database made by the version 4 release."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from voicecoach.history.store import HistoryStore
from voicecoach.outcome import Outcome

DATA = Path(__file__).parent / "data"
#: A history made by the release before schema 5 (history schema 4), written through that
#: release's HistoryStore: a completed session with a warm-up set, weights, a typed and a logged
#: number and a skipped side; a session stopped with Ctrl-C and the session that resumed it; a
#: program's session with an AMRAP and a hold; and a session whose voicecoach was killed (its row
#: left running); one in German, the others in English.
V4 = DATA / "history-v4.sqlite3"
T0 = datetime(2026, 11, 20, 18, 0, tzinfo=timezone(timedelta(hours=1)))


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def _columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            t: sorted(r[1:] for r in conn.execute(f"PRAGMA table_info({t})"))
            for t in ("sessions", "sets")
        }
    finally:
        conn.close()


def test_the_fixture_is_a_version_4_history() -> None:
    conn = sqlite3.connect(f"{V4.resolve().as_uri()}?immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (4,)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(sessions)")]
        statuses = [row[0] for row in conn.execute("SELECT status FROM sessions ORDER BY id")]
    finally:
        conn.close()
    assert "start_at" not in columns
    assert statuses == ["completed", "interrupted", "quit", "completed", "running"]


def test_migration_from_version_4_keeps_every_row_and_value(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    shutil.copy(V4, path)
    old_sessions, old_sets = _rows(path, "sessions"), _rows(path, "sets")

    with HistoryStore.open(path) as store:
        sessions = sorted(store.recent_sessions(None), key=lambda s: s.id)
        sets = store.all_sets()

    new_sessions, new_sets = _rows(path, "sessions"), _rows(path, "sets")
    # The session whose voicecoach was killed is settled as interrupted (its lock is free).
    killed = (*old_sessions[-1][:7], "interrupted", *old_sessions[-1][8:])
    assert [row[: len(old_sessions[0])] for row in new_sessions] == [*old_sessions[:-1], killed]
    assert new_sets == old_sets
    # Where the old sessions were started is not known: they resume from the beginning.
    assert [s.start_at for s in sessions] == [None] * 5
    assert [s.status for s in sessions] == [
        Outcome.COMPLETED,
        Outcome.INTERRUPTED,
        Outcome.QUIT,
        Outcome.COMPLETED,
        Outcome.INTERRUPTED,
    ]
    assert (sessions[2].resumes, sessions[3].program, sessions[3].program_slot) == (2, "Base", 2)
    assert [s.language for s in sessions] == ["en", "en", "en", "de", "en"]
    assert len(sets) == len(old_sets) == 10
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (5,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_a_migrated_file_has_the_schema_of_a_new_one(tmp_path: Path) -> None:
    migrated, new = tmp_path / "migrated.sqlite3", tmp_path / "new.sqlite3"
    shutil.copy(V4, migrated)
    HistoryStore.open(migrated).close()
    HistoryStore.open(new).close()
    assert _columns(migrated) == _columns(new)


def test_where_a_session_was_started_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    shutil.copy(V4, path)
    with HistoryStore.open(path) as store:
        sid = store.start_session(
            routine_name="Quick Test",
            routine_path=None,
            content_hash=None,
            started_at=T0,
            start_at="bird-dog",
        )
    with HistoryStore.open_read_only(path) as store:
        session = store.session(sid)
    assert session is not None
    assert session.start_at == "bird-dog"
