"""History schema version 3: planned and done values per set, the migration from version 2 on a
database made by the version 2 release, corrections, and kill -9 at any moment."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from voicecoach.history.store import SCHEMA_VERSION, Entered, HistoryStore
from voicecoach.outcome import Outcome

DATA = Path(__file__).parent / "data"
#: A history made by the release before schema 3 (history schema 2): three real runs of a small
#: routine with a weight (one completed, one interrupted with Ctrl-C, one resuming it) and one
#: circuit session with a skipped set, written through that release's HistoryStore.
V2 = DATA / "history-v2.sqlite3"


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def test_the_fixture_is_a_version_2_history() -> None:
    conn = sqlite3.connect(f"{V2.resolve().as_uri()}?immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(sets)")]
    finally:
        conn.close()
    assert "planned_reps" not in columns


def test_migration_from_version_2_keeps_every_row_and_value(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    shutil.copy(V2, path)
    old_sessions, old_sets = _rows(path, "sessions"), _rows(path, "sets")
    with HistoryStore.open(path) as store:
        sessions = store.recent_sessions(None)
        sets = store.all_sets()
    # Every old column of every old row is there as it was; the new ones come after them.
    new_sessions, new_sets = _rows(path, "sessions"), _rows(path, "sets")
    assert [row[: len(old_sessions[0])] for row in new_sessions] == old_sessions
    assert [row[: len(old_sets[0])] for row in new_sets] == old_sets
    assert len(sessions) == len(old_sessions)
    assert len(sets) == len(old_sets)
    # Version 2 recorded the target as done: planned and done are that target.
    for s in sets:
        assert (s.planned_reps, s.planned_seconds, s.planned_weight) == (
            s.reps,
            s.seconds,
            s.weight,
        )
        assert s.entered is Entered.TARGET
        assert not s.warmup
    assert {s.weight for s in sets} >= {"40 kg", "16 kg"}
    assert {s.program for s in sessions} == {None}
    statuses = [s.status for s in sorted(sessions, key=lambda s: s.id)]
    assert statuses == [
        Outcome.COMPLETED,
        Outcome.INTERRUPTED,
        Outcome.COMPLETED,
        Outcome.QUIT,
    ]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


@pytest.mark.parametrize("release", [V2, DATA / "history-v3.sqlite3"], ids=["v2", "v3"])
def test_a_migrated_file_has_the_schema_of_a_new_one(tmp_path: Path, release: Path) -> None:
    migrated, new = tmp_path / "migrated.sqlite3", tmp_path / "new.sqlite3"
    shutil.copy(release, migrated)
    HistoryStore.open(migrated).close()
    HistoryStore.open(new).close()

    def columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
        conn = sqlite3.connect(path)
        try:
            return {
                t: sorted(r[1:] for r in conn.execute(f"PRAGMA table_info({t})"))
                for t in ("sessions", "sets")
            }
        finally:
            conn.close()

    assert columns(migrated) == columns(new)


_WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from voicecoach.history.store import Entered, HistoryStore

    print("opening", flush=True)
    store = HistoryStore.open(Path(sys.argv[1]))
    now = datetime.now(timezone.utc)
    session = store.start_session(
        routine_name="Kill Test", routine_path=None, content_hash=None, started_at=now
    )
    n = 0
    while True:
        n += 1
        set_id = store.record_set(
            session, exercise="Deadlift", exercise_index=0, round_number=None, set_number=n,
            side=None, reps=8, seconds=None, weight="40 kg", skipped=False, finished_at=now,
            planned_reps=10, planned_weight="40 kg",
        )
        print(f"set {n}", flush=True)
        store.correct_set(set_id, reps=9, entered=Entered.TYPED)
        print(f"corrected {n}", flush=True)
    """
)


@pytest.mark.parametrize("after_lines", [0, 1, 2, 5, 17, 40])
def test_kill_9_at_any_moment_leaves_every_finished_set(tmp_path: Path, after_lines: int) -> None:
    """A writer killed with SIGKILL after `after_lines` lines of output (0: while it opens and
    migrates a version 2 file) leaves a valid database holding every set it reported."""
    path = tmp_path / "history.sqlite3"
    shutil.copy(V2, path)
    before = len(_rows(path, "sets"))
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    lines: list[str] = []
    for line in child.stdout:
        lines.append(line.strip())
        if len(lines) > after_lines:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    recorded = [int(line.split()[1]) for line in lines if line.startswith("set ")]
    corrected = {int(line.split()[1]) for line in lines if line.startswith("corrected ")}
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    with HistoryStore.open(path) as store:
        sets = store.all_sets()
        kill = [s for s in store.recent_sessions(None) if s.routine_name == "Kill Test"]
    assert len(sets) >= before + len(recorded)
    if recorded or after_lines:
        assert len(kill) == 1
        assert kill[0].status is Outcome.INTERRUPTED
    mine = {s.set_number: s for s in sets if kill and s.session_id == kill[0].id}
    assert set(recorded) <= set(mine)
    for n in corrected:
        assert (mine[n].reps, mine[n].entered) == (9, Entered.TYPED)
    for s in mine.values():
        assert s.reps in (8, 9)
        assert s.planned_reps == 10
