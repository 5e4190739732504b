"""Stopping a run mid-session, and `--resume` starting at the first set not done.

The stops are real: `voicecoach run` in a subprocess, killed or interrupted once its first set is
in the database. The resumed sessions play in-process on a fake clock with real speech, from
histories written by real runs or by the HistoryStore API.
"""

from __future__ import annotations

import io
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import AlsaCapture

from voicecoach.errors import UsageError
from voicecoach.history.store import HistoryStore, content_hash
from voicecoach.outcome import Outcome
from voicecoach.routine.loader import load_routine
from voicecoach.session.prepare import measured_timeline, open_speech
from voicecoach.session.run import RunOptions, RunResult, run_routine
from voicecoach.testing import FakeClock, RecordingSink
from voicecoach.timeline.language import language_for
from voicecoach.timeline.model import SetKey

ROUTINE = (Path(__file__).parent / "data" / "quick-test.yaml").read_text(encoding="utf-8")

ROW_1: SetKey = (0, None, 1, None)
ROW_2: SetKey = (0, None, 2, None)
LEFT: SetKey = (1, None, 1, "left")
RIGHT: SetKey = (1, None, 1, "right")
ALL_SETS = (ROW_1, ROW_2, LEFT, RIGHT)
EXERCISES = ("Band Row", "Bird Dog")
T0 = datetime(2024, 3, 13, 18, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def routine_file(tmp_path: Path) -> Path:
    path = tmp_path / "quick.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture(scope="module")
def _speech_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture
def speech_cache(_speech_root: Path, routine_file: Path) -> Path:
    """A speech cache holding every phrase of the routine, so that no phrase is made mid-run."""
    routine = load_routine(routine_file)
    cache = open_speech(routine, cache_root=_speech_root)
    measured_timeline(routine, cache, rate=routine.voice.rate)
    cache.ensure([language_for(routine.language).paused])
    return _speech_root


@dataclass(frozen=True)
class Played:
    result: RunResult
    out: str
    notes: list[str]

    def phases(self) -> list[str]:
        """The phases shown, as ``[kind] label``, in the order they were played."""
        return [
            line.split("  phase  ", 1)[1] for line in self.out.splitlines() if "  phase  " in line
        ]


def play(routine_file: Path, options: RunOptions, out: io.StringIO | None = None) -> Played:
    """Run the routine in-process on a fake clock, plain display, sound recorded not played."""
    clock = FakeClock()
    out = out if out is not None else io.StringIO()
    notes: list[str] = []
    result = run_routine(
        load_routine(routine_file),
        options,
        out=out,
        notify=notes.append,
        interactive=False,
        live=False,
        clock=clock,
        sink=RecordingSink(clock.now),
    )
    return Played(result, out.getvalue(), notes)


def interrupted_session(
    db: Path,
    routine_file: Path,
    done: tuple[SetKey, ...],
    *,
    digest: str | None = None,
    start_at: str | None = None,
) -> int:
    """Record a session of the routine (started at exercise `start_at`, if given) that did the
    sets `done`, then stopped without an end."""
    with HistoryStore.open(db) as store:
        sid = store.start_session(
            routine_name="Quick Test",
            routine_path=str(routine_file),
            content_hash=digest or content_hash(routine_file.read_bytes()),
            started_at=T0,
            start_at=start_at,
        )
        for n, (index, round_number, set_number, side) in enumerate(done, 1):
            store.record_set(
                sid,
                exercise=EXERCISES[index],
                exercise_index=index,
                round_number=round_number,
                set_number=set_number,
                side=side,
                reps=2,
                seconds=None,
                weight=None,
                skipped=False,
                finished_at=T0 + timedelta(seconds=5 * n),
            )
    return sid


def keys(store: HistoryStore, session_id: int) -> list[SetKey]:
    return [s.key for s in store.sets_for(session_id)]


@pytest.mark.speech
@pytest.mark.parametrize(
    ("done", "first_phase", "played_sets"),
    [
        pytest.param((), "[announce] Band Row", ALL_SETS, id="nothing-done"),
        pytest.param((ROW_1,), "[rest] Rest", (ROW_2, LEFT, RIGHT), id="after-the-first-set"),
        pytest.param(
            (ROW_1, ROW_2), "[announce] Bird Dog", (LEFT, RIGHT), id="after-the-first-exercise"
        ),
        pytest.param(
            (ROW_1, ROW_2, LEFT), "[switch] Switch sides", (RIGHT,), id="between-the-sides"
        ),
        # The session plays on from the first gap, sets done further on included.
        pytest.param((ROW_2,), "[announce] Band Row", ALL_SETS, id="a-gap-before-a-set-done"),
    ],
)
def test_resume_starts_at_the_first_set_not_done(
    db: Path,
    routine_file: Path,
    speech_cache: Path,
    done: tuple[SetKey, ...],
    first_phase: str,
    played_sets: tuple[SetKey, ...],
) -> None:
    """The resumed session plays from the first set not done (with its lead-in) and is linked."""
    old = interrupted_session(db, routine_file, done)

    played = play(
        routine_file,
        RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache),
    )

    assert played.phases()[0] == first_phase
    assert played.phases()[-1] == "[done] Workout complete"
    assert played.notes == []
    # The sides of one set count as one set in the summary.
    assert played.result.summary.sets_done == len({key[:3] for key in played_sets})
    with HistoryStore.open(db) as store:
        new, previous = store.recent_sessions(10)
        assert previous.id == old
        assert new.resumes == old
        assert new.status is Outcome.COMPLETED
        assert new.routine_path == str(routine_file)
        assert keys(store, new.id) == list(played_sets)
        assert store.last_interrupted("Quick Test") is None


@pytest.mark.speech
@pytest.mark.parametrize(
    ("start_at", "done", "first_phase", "played_sets"),
    [
        pytest.param("Bird Dog", (), "[announce] Bird Dog", (LEFT, RIGHT), id="nothing-done"),
        pytest.param("bird-dog", (LEFT,), "[switch] Switch sides", (RIGHT,), id="one-side-done"),
        # The sets before the start position were never meant to be played in that workout.
        pytest.param(
            "Bird Dog", (ROW_2, LEFT), "[switch] Switch sides", (RIGHT,), id="sets-before-it-undone"
        ),
    ],
)
def test_resume_after_start_at_starts_from_that_exercise_on(
    db: Path,
    routine_file: Path,
    speech_cache: Path,
    start_at: str,
    done: tuple[SetKey, ...],
    first_phase: str,
    played_sets: tuple[SetKey, ...],
) -> None:
    """A session started with --start-at and interrupted resumes at its first set not done
    after that exercise, not at the first set of the routine; the resumption keeps the start."""
    old = interrupted_session(db, routine_file, done, start_at=start_at)

    played = play(
        routine_file,
        RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache),
    )

    assert played.phases()[0] == first_phase
    assert played.phases()[-1] == "[done] Workout complete"
    with HistoryStore.open(db) as store:
        new = store.recent_sessions(1)[0]
        assert (new.resumes, new.start_at, new.status) == (old, start_at, Outcome.COMPLETED)
        assert keys(store, new.id) == list(played_sets)


@pytest.mark.speech
def test_resume_when_every_set_from_the_start_was_done_says_so(
    db: Path, routine_file: Path, speech_cache: Path
) -> None:
    """Started at Bird Dog and stopped after both sides: Band Row, never meant to be played,
    is not offered."""
    interrupted_session(db, routine_file, (LEFT, RIGHT), start_at="Bird Dog")
    options = RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache)

    with pytest.raises(UsageError) as caught:
        play(routine_file, options)

    assert str(caught.value) == (
        "nothing to resume: every set of 'Quick Test' from 'Bird Dog' on was done last time"
    )


@pytest.mark.speech
def test_a_start_at_run_stopped_resumes_after_its_start_twice(
    db: Path, routine_file: Path, speech_cache: Path
) -> None:
    """`run --start-at 'Bird Dog'` stopped with Ctrl-C after the left side, resumed, stopped
    again before any set: each resumption starts at the switch to the right side."""

    class CtrlCOnSwitch(io.StringIO):
        def write(self, text: str) -> int:
            if "[switch] Switch sides" in text:
                raise KeyboardInterrupt
            return super().write(text)

    options = RunOptions(plain=True, history_path=db, cache_root=speech_cache)
    resume = RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache)

    first = play(routine_file, replace(options, start_at="Bird Dog"), out=CtrlCOnSwitch())
    second = play(routine_file, resume, out=CtrlCOnSwitch())
    third = play(routine_file, resume)

    assert first.phases()[0] == "[announce] Bird Dog"
    assert first.result.summary.outcome is Outcome.INTERRUPTED
    assert second.phases() == []  # stopped as its first phase was shown
    assert third.phases()[0] == "[switch] Switch sides"
    with HistoryStore.open(db) as store:
        s3, s2, s1 = store.recent_sessions(10)
        assert [s.start_at for s in (s1, s2, s3)] == ["Bird Dog"] * 3
        assert (s2.resumes, s3.resumes) == (s1.id, s2.id)
        assert keys(store, s1.id) == [LEFT]
        assert keys(store, s3.id) == [RIGHT]
        assert s3.status is Outcome.COMPLETED


@pytest.mark.speech
def test_a_resumed_session_stopped_again_resumes_from_both(
    db: Path, routine_file: Path, speech_cache: Path
) -> None:
    """Interrupted twice: the third session starts after every set the first two did."""

    class CtrlCOnBirdDog(io.StringIO):
        def write(self, text: str) -> int:
            if "[announce] Bird Dog" in text:
                raise KeyboardInterrupt
            return super().write(text)

    first = interrupted_session(db, routine_file, (ROW_1,))
    options = RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache)

    second = play(routine_file, options, out=CtrlCOnBirdDog())
    third = play(routine_file, options)

    assert second.result.summary.outcome.value == "interrupted"
    assert second.phases()[0] == "[rest] Rest"
    assert third.phases()[0] == "[announce] Bird Dog"
    with HistoryStore.open(db) as store:
        s3, s2, s1 = store.recent_sessions(10)
        assert (s1.id, s2.resumes, s3.resumes) == (first, s1.id, s2.id)
        assert s2.status is Outcome.INTERRUPTED
        assert keys(store, s2.id) == [ROW_2]
        assert keys(store, s3.id) == [LEFT, RIGHT]


@pytest.mark.speech
def test_resume_after_the_file_changed_says_so_and_how_to_go_on(
    db: Path, routine_file: Path, speech_cache: Path
) -> None:
    """Interrupted in another revision of the file: exit status 2, the reason, the way on."""
    options = RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache)
    interrupted_session(db, routine_file, (ROW_1,), digest="0" * 64)

    with pytest.raises(UsageError) as caught:
        play(routine_file, options)

    assert caught.value.exit_code == 2
    assert str(caught.value) == (
        "'Quick Test' has changed since its interrupted session 1 (2024-03-13 18:00), so its "
        "sets may no longer line up: --resume carries on an unchanged routine only. To go on "
        "anyway, start at the exercise you stopped in with --start-at 'Band Row'"
    )
    with HistoryStore.open(db) as store:
        assert len(store.recent_sessions(10)) == 1


@pytest.mark.speech
def test_resume_without_a_history_is_refused_and_makes_none(
    tmp_path: Path, routine_file: Path, speech_cache: Path
) -> None:
    db = tmp_path / "nothing-yet" / "history.sqlite3"
    options = RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache)

    with pytest.raises(UsageError) as caught:
        play(routine_file, options)

    assert caught.value.exit_code == 2
    assert str(caught.value) == f"nothing to resume: there is no workout history at {db} yet"
    assert not db.parent.exists()


@pytest.mark.speech
def test_resume_with_no_history_is_refused(
    db: Path, routine_file: Path, speech_cache: Path
) -> None:
    options = RunOptions(resume=True, history=False, history_path=db, cache_root=speech_cache)
    with pytest.raises(UsageError, match="--resume needs the workout history: drop --no-history"):
        play(routine_file, options)
    assert not db.exists()


@pytest.mark.speech
def test_recorded_routine_path_is_absolute(
    tmp_path: Path, routine_file: Path, speech_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A routine given by a relative path is recorded by its absolute one, found from anywhere."""
    monkeypatch.chdir(tmp_path)
    play(
        Path(routine_file.name),
        RunOptions(plain=True, history_path=Path("h.sqlite3"), cache_root=speech_cache),
    )
    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        (session,) = store.recent_sessions(10)
    assert session.routine_path == str(routine_file.resolve())


# --- real runs, stopped ---------------------------------------------------------------------------


def run_env(tmp_path: Path, capture: AlsaCapture) -> dict[str, str]:
    """A child's environment: sound into `capture`, speech cache and data folder in `tmp_path`."""
    env = capture.child_env()
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


def voicecoach(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "voicecoach", *map(str, args)]


def sets_recorded(db: Path) -> int:
    """How many sets the database holds, read without writing or locking anything."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM sets").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not made yet
        return 0
    finally:
        conn.close()


def raw(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.speech
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize(
    ("stop", "exit_status", "status_in_file"),
    [
        pytest.param(signal.SIGKILL, -signal.SIGKILL, "running", id="kill-9"),
        pytest.param(signal.SIGINT, 130, "interrupted", id="ctrl-c"),
    ],
)
def test_run_stopped_after_its_first_set_leaves_a_resumable_history(
    tmp_path: Path,
    db: Path,
    routine_file: Path,
    alsa_capture: AlsaCapture,
    speech_cache: Path,
    stop: signal.Signals,
    exit_status: int,
    status_in_file: str,
) -> None:
    """A real run stopped mid-session: the file is intact and the session reads interrupted.

    Resuming it then starts at the rest before the second set.
    """
    with (tmp_path / "out.txt").open("w") as out, (tmp_path / "err.txt").open("w") as err:
        proc = subprocess.Popen(
            voicecoach("run", routine_file, "--plain", "--history", db),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=run_env(tmp_path, alsa_capture),
        )
        try:
            deadline = time.monotonic() + 60
            while sets_recorded(db) < 1 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(stop)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == exit_status, (tmp_path / "err.txt").read_text()

    assert raw(db, "PRAGMA integrity_check") == [("ok",)]
    assert raw(db, "SELECT status FROM sessions") == [(status_in_file,)]
    with HistoryStore.open(db) as store:
        (session,) = store.recent_sessions(10)
        assert session.status is Outcome.INTERRUPTED
        assert session.routine_path == str(routine_file)
        assert keys(store, session.id) == [ROW_1]

    resumed = play(
        routine_file,
        RunOptions(resume=True, plain=True, history_path=db, cache_root=speech_cache),
    )
    assert resumed.phases()[0] == "[rest] Rest"
    with HistoryStore.open(db) as store:
        new = store.recent_sessions(1)[0]
        assert new.resumes == session.id
        assert keys(store, new.id) == [ROW_2, LEFT, RIGHT]


def test_resume_when_every_set_was_done_says_so(
    tmp_path: Path, db: Path, routine_file: Path, alsa_capture: AlsaCapture
) -> None:
    """Interrupted after its last set (in the closing words, say): nothing left, exit status 2."""
    interrupted_session(db, routine_file, ALL_SETS)

    done = subprocess.run(
        voicecoach("run", routine_file, "--resume", "--plain", "--history", db),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=run_env(tmp_path, alsa_capture),
        timeout=60,
    )

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "voicecoach: nothing to resume: every set of 'Quick Test' was done last time\n"
    )
    with HistoryStore.open(db) as store:
        assert len(store.recent_sessions(10)) == 1
    assert not (tmp_path / "data").exists()
