"""History schema version 4: the language a session was played in, and the migration from
version 3 on a database made by the version 3 release."""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_history_v3 import DATA, _rows

from voicecoach.history.store import SCHEMA_VERSION, HistoryStore
from voicecoach.outcome import Outcome
from voicecoach.routine.loader import load_routine
from voicecoach.session.run import RunOptions, run_routine
from voicecoach.testing import FakeClock, RecordingSink

#: A history made by the release before schema 4 (history schema 3), written through that
#: release's HistoryStore: an English session with a warm-up set, a corrected set and a skipped
#: side; a German session of a program, never ended; a French AMRAP circuit, quit.
V3 = DATA / "history-v3.sqlite3"


def _columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def test_the_fixture_is_a_version_3_history() -> None:
    conn = sqlite3.connect(f"{V3.resolve().as_uri()}?immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (3,)
    finally:
        conn.close()
    assert "planned_reps" in _columns(V3, "sets")
    assert "language" not in _columns(V3, "sessions")


def test_migration_from_version_3_keeps_every_row_and_value(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    shutil.copy(V3, path)
    old_sessions, old_sets = _rows(path, "sessions"), _rows(path, "sets")
    with HistoryStore.open(path) as store:
        sessions = sorted(store.recent_sessions(None), key=lambda s: s.id)
        sets = store.all_sets()
    new_sessions, new_sets = _rows(path, "sessions"), _rows(path, "sets")
    # The session left running by a voicecoach that is gone now reads as interrupted; every
    # other old value is as it was, and the new column comes after the old ones.
    running = [i for i, row in enumerate(old_sessions) if row[7] == "running"]
    assert running == [1]
    for i, (old, new) in enumerate(zip(old_sessions, new_sessions, strict=True)):
        expected = (*old[:7], "interrupted", *old[8:]) if i in running else old
        assert new[: len(old)] == expected
        assert new[len(old) :] == (None, None)  # language, and start_at (schema 5)
    assert new_sets == old_sets
    assert len(sets) == len(old_sets) == 8
    # The sessions before schema 4 have no language: it was not recorded.
    assert [(s.routine_name, s.status, s.language, s.program) for s in sessions] == [
        ("Home Back Basics", Outcome.COMPLETED, None, None),
        ("Rücken zuhause", Outcome.INTERRUPTED, None, "Rücken zweimal die Woche"),
        ("Dos à la maison", Outcome.QUIT, None, None),
    ]
    assert [s.reps for s in sets if s.exercise == "Deadlift"] == [8, 10, 10, 9]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_a_migrated_session_records_its_language_from_then_on(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    shutil.copy(V3, path)
    with HistoryStore.open(path) as store:
        sid = store.start_session(
            routine_name="Rücken zu Hause",
            routine_path=None,
            content_hash=None,
            started_at=store.recent_sessions(1)[0].started_at,
            language="de",
        )
        store.end_session(sid, status=Outcome.QUIT, ended_at=store.recent_sessions(1)[0].started_at)
    with HistoryStore.open_read_only(path) as store:
        assert [s.language for s in store.recent_sessions(2)] == ["de", None]


@pytest.mark.speech
@pytest.mark.parametrize("code", ["en", "de", "fr"])
def test_a_run_records_the_routine_language(tmp_path: Path, code: str) -> None:
    """A routine played in-process on a fake clock, with real speech, is recorded in its
    language."""
    routine_file = tmp_path / "quick.yaml"
    text = (DATA / "quick-test.yaml").read_text(encoding="utf-8")
    routine_file.write_text(f"language: {code}\n{text}", encoding="utf-8")
    db = tmp_path / "history.sqlite3"
    clock = FakeClock()
    run_routine(
        load_routine(routine_file),
        RunOptions(plain=True, history_path=db, cache_root=tmp_path / "speech"),
        out=io.StringIO(),
        notify=lambda _: None,
        interactive=False,
        live=False,
        clock=clock,
        sink=RecordingSink(clock.now),
    )
    with HistoryStore.open(db) as store:
        (session,) = store.recent_sessions(10)
    assert (session.status, session.language) == (Outcome.COMPLETED, code)
