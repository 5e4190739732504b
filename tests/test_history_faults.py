"""History faults end nothing: a read-only history is read without writing, a live session is
never marked interrupted by anyone else, and a start time that is not a time is shown, not a
traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voicecoach.history.store import HistoryStore, open_existing
from voicecoach.outcome import Outcome

T0 = datetime(2026, 11, 20, 18, 0, tzinfo=timezone(timedelta(hours=1)))


def history_with(path: Path, *, live: bool = False) -> tuple[HistoryStore, int]:
    """A history with one completed session and one begun (the store is left open)."""
    store = HistoryStore.open(path)
    done = store.start_session(
        routine_name="Done", routine_path=None, content_hash=None, started_at=T0
    )
    store.end_session(done, status=Outcome.COMPLETED, ended_at=T0 + timedelta(minutes=30))
    begun = store.start_session(
        routine_name="Live", routine_path=None, content_hash=None, started_at=T0 + timedelta(1)
    )
    return store, begun


def statuses(path: Path) -> dict[int, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT id, status FROM sessions").fetchall())


def voicecoach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voicecoach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_neither_a_reader_nor_another_writer_marks_a_live_session_interrupted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    playing, live = history_with(path)
    with open_existing(path, read_only=True) as reader:  # type: ignore[union-attr]
        assert [s.routine_name for s in reader.recent_sessions(5)] == ["Live", "Done"]
    with HistoryStore.open(path):
        pass
    assert statuses(path)[live] == "running"
    playing.close()  # its voicecoach is gone, the session never ended
    with HistoryStore.open(path):
        pass
    assert statuses(path)[live] == "interrupted"
    assert not list(tmp_path.glob("*.live-*"))


def test_history_and_stats_read_a_history_they_may_not_write(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to drop the right to write anywhere")
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "history.sqlite3"
    store, _ = history_with(path)
    store.close()
    before = sorted(p.name for p in folder.iterdir()), path.read_bytes()
    path.chmod(0o444)
    folder.chmod(0o555)
    drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]
    for command in (["history"], ["stats"]):
        done = subprocess.run(
            [*drop, sys.executable, "-m", "voicecoach", *command, "--history", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (done.returncode, done.stderr) == (0, ""), command
    folder.chmod(0o755)
    assert (sorted(p.name for p in folder.iterdir()), path.read_bytes()) == before
    history = voicecoach("history", "--history", str(path)).stdout.splitlines()
    assert [line.split()[3] for line in history[1:]] == ["Live", "Done"]


def test_a_start_time_that_is_not_a_time_is_shown_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store, _ = history_with(path)
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE sessions SET started_at = 'last tuesday' WHERE routine_name = 'Done'")
    done = voicecoach("history", "--history", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    [line] = [line for line in done.stdout.splitlines() if "Done" in line]
    assert line.split()[1:5] == ["1970-01-01", "00:00", "Done", "completed"]
    assert line.endswith("  0:00")


def test_a_session_still_playing_is_shown_running_and_a_stopped_one_interrupted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    playing, live = history_with(path)
    shown = voicecoach("history", "--history", str(path))
    assert shown.returncode == 0, shown.stderr
    assert [line.split()[4] for line in shown.stdout.splitlines()[1:]] == ["running", "completed"]
    listed = voicecoach("history", "--history", str(path), "--json")
    assert [s["status"] for s in json.loads(listed.stdout)] == ["running", "completed"]
    lock = next(tmp_path.glob("*.live-*"))
    playing.close()  # its voicecoach is gone, the session never ended
    lock.touch()  # as a voicecoach killed with SIGKILL leaves it
    with open_existing(path, read_only=True) as reader:  # type: ignore[union-attr]
        session = reader.session(live)
    assert session is not None
    assert (session.live, session.shown_status) == (False, "interrupted")
    assert lock.exists(), "a reader writes nothing beside the history, stale lock files included"
