"""`voicecoach history` and `voicecoach stats`, and what `voicecoach run` records.

The known history is written with the HistoryStore API into a real SQLite file, from routine
files in the test's folder; the reports are pinned with a fixed present moment, the commands
for what the wall clock does not change. The recordings come from real runs: a subprocess with
sound captured to files, or in-process on a fake clock with real speech.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import AlsaCapture

from voicecoach.cli import cli
from voicecoach.history.stats import (
    DEFAULT_WEEKS,
    UNLISTED_MUSCLE,
    history_report,
    known_muscles,
    stats_report,
)
from voicecoach.history.store import HistoryStore, open_existing
from voicecoach.outcome import Outcome
from voicecoach.routine.loader import load_routine
from voicecoach.session.prepare import measured_timeline, open_speech
from voicecoach.session.run import RunOptions, RunResult, run_routine
from voicecoach.testing import FakeClock, RecordingSink
from voicecoach.timeline.language import language_for

CET = timezone(timedelta(hours=1))
EET = timezone(timedelta(hours=2))
#: A Wednesday, in ISO week 2024-W11.
NOW = datetime(2024, 3, 13, 18, 0, tzinfo=CET)

BACK_DAY = """\
name: Back Day
library: my-library.yaml
exercises:
  - use: band-row
    name: Rows with a band
    reps: 8
  - use: wall-angel
  - name: Farmer Walk
    duration: 30
"""

MY_LIBRARY = """\
exercises:
  wall-angel:
    name: Wall Angel
    muscles: [upper back, shoulders]
    reps: 10
"""


@dataclass(frozen=True)
class Known:
    """One session of the known history; its sets finish one minute apart."""

    routine: str
    started_at: datetime
    sets: tuple[tuple[str, bool], ...]  # (exercise, skipped)
    status: Outcome | None  # None: never ended
    minutes: float = 0


def write_known_history(folder: Path) -> Path:
    """The known history, with Back Day's files in `folder`; returns the database's path."""
    (folder / "back-day.yaml").write_text(BACK_DAY, encoding="utf-8")
    (folder / "my-library.yaml").write_text(MY_LIBRARY, encoding="utf-8")
    paths = {"Back Day": str(folder / "back-day.yaml"), "Old Plan": str(folder / "gone.yaml")}
    row, angel, walk = ("Rows with a band", False), ("Wall Angel", False), ("Farmer Walk", False)
    completed, quit = Outcome.COMPLETED, Outcome.QUIT
    known = (
        # W08: before a window of three weeks, still part of the streak.
        Known("Back Day", datetime(2024, 2, 20, 7, tzinfo=CET), (row,) * 2, completed, 20),
        # W09
        Known(
            "Back Day",
            datetime(2024, 2, 27, 7, 5, tzinfo=CET),
            (row, row, angel, angel, walk, ("Farmer Walk", True)),
            completed,
            31.5,
        ),
        # W10, on the Monday where it was played (Sunday still in Central Europe), of a routine
        # whose file is gone: the library still knows its deadlifts. Never ended.
        Known(
            "Old Plan", datetime(2024, 3, 4, 0, 30, tzinfo=EET), (("Deadlift", False),) * 3, None
        ),
        # W11
        Known("Back Day", datetime(2024, 3, 12, 6, 45, tzinfo=CET), (angel,), quit, 4),
        # A false start: it is listed, but it is no workout.
        Known("Back Day", datetime(2024, 3, 13, 17, 0, tzinfo=CET), (), None),
    )
    db = folder / "history.sqlite3"
    with HistoryStore.open(db) as store:
        for session in known:
            sid = store.start_session(
                routine_name=session.routine,
                routine_path=paths[session.routine],
                content_hash=None,
                started_at=session.started_at,
            )
            for n, (exercise, skipped) in enumerate(session.sets, start=1):
                store.record_set(
                    sid,
                    exercise=exercise,
                    exercise_index=0,
                    round_number=None,
                    set_number=n,
                    side=None,
                    reps=8,
                    seconds=None,
                    weight=None,
                    skipped=skipped,
                    finished_at=session.started_at + timedelta(minutes=n),
                )
            if session.status is not None:
                store.end_session(
                    sid,
                    status=session.status,
                    ended_at=session.started_at + timedelta(minutes=session.minutes),
                )
    return db


@pytest.fixture
def known_db(tmp_path: Path) -> Path:
    return write_known_history(tmp_path)


def invoke(*args: str | Path) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# --- history ----------------------------------------------------------------------------------


def test_history_table_pinned(known_db: Path) -> None:
    """Newest first, times as recorded where they were recorded, false start included."""
    result = invoke("history", "--history", known_db)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "ID  Started           Routine   Status       Sets  Skipped   Time\n"
        " 5  2024-03-13 17:00  Back Day  interrupted     0        0   0:00\n"
        " 4  2024-03-12 06:45  Back Day  quit            1        0   4:00\n"
        " 3  2024-03-04 00:30  Old Plan  interrupted     3        0   3:00\n"
        " 2  2024-02-27 07:05  Back Day  completed       5        1  31:30\n"
        " 1  2024-02-20 07:00  Back Day  completed       2        0  20:00\n"
    )


def test_history_by_routine_and_limit(known_db: Path) -> None:
    result = invoke("history", "--history", known_db, "--routine", "Back Day", "--limit", "2")
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["ID", "5", "4"]
    every = invoke("history", "--history", known_db, "--limit", "0")
    assert len(every.stdout.splitlines()) == 1 + 5


def test_history_of_a_routine_never_played_names_those_played(known_db: Path) -> None:
    result = invoke("history", "--history", known_db, "--routine", "front day")
    assert result.exit_code == 0
    assert result.stdout == (
        "No workouts of 'front day' recorded yet; sessions were recorded of: Back Day, Old Plan.\n"
    )


def test_history_json(known_db: Path) -> None:
    result = invoke("history", "--json", "--history", known_db, "--limit", "2")
    assert result.exit_code == 0
    sessions = json.loads(result.stdout)
    sets = [[(s["exercise"], s["set"], s["skipped"]) for s in one.pop("sets")] for one in sessions]
    assert sets == [[], [("Wall Angel", 1, False)]]
    assert sessions == [
        {
            "id": 5,
            "routine": "Back Day",
            "routine_path": str(known_db.parent / "back-day.yaml"),
            "content_hash": None,
            "resumes": None,
            "started_at": "2024-03-13T17:00:00+01:00",
            "ended_at": None,
            "status": "interrupted",
            "sets_done": 0,
            "sets_skipped": 0,
            "duration_s": 0.0,
            "program": None,
            "program_slot": None,
            "language": None,
        },
        {
            "id": 4,
            "routine": "Back Day",
            "routine_path": str(known_db.parent / "back-day.yaml"),
            "content_hash": None,
            "resumes": None,
            "started_at": "2024-03-12T06:45:00+01:00",
            "ended_at": "2024-03-12T06:49:00+01:00",
            "status": "quit",
            "sets_done": 1,
            "sets_skipped": 0,
            "duration_s": 240.0,
            "program": None,
            "program_slot": None,
            "language": None,
        },
    ]


# --- stats ------------------------------------------------------------------------------------


def test_known_muscles_from_the_library_and_the_routines(tmp_path: Path) -> None:
    """Routines name their exercises their own way; the library names the rest."""
    write_known_history(tmp_path)
    muscles = known_muscles([str(tmp_path / "back-day.yaml"), str(tmp_path / "gone.yaml")])
    assert muscles["Rows with a band"] == ("latissimus", "middle back", "rear shoulders")
    assert muscles["Wall Angel"] == ("upper back", "shoulders")
    assert muscles["Deadlift"][:2] == ("lower back", "upper back")
    assert "Farmer Walk" not in muscles


def test_known_muscles_pass_over_what_cannot_be_read(tmp_path: Path) -> None:
    """Relative paths, broken routines and missing files leave the library's names alone."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: Broken\nexercises:\n  - name: Deadlift\n    rset: 3\n")
    relative = Path("back-day.yaml")
    library_only = known_muscles([])
    assert known_muscles([str(broken), str(relative), str(tmp_path / "none.yaml")]) == library_only


def test_stats_report_pinned(known_db: Path) -> None:
    """Three weeks up to NOW, worked out by hand.

    W08 is before the window but in the streak; the false start and the skipped set do not
    count; the session never ended lasts until its last set; the Monday played in Eastern
    Europe is in W10; muscles come from the library (Deadlift), from the library under the
    routine's own name (Rows with a band) and from the routine's own library (Wall Angel).
    """
    assert stats_report(known_db, now=NOW, weeks=3, width=48) == (
        "Last 3 weeks: 2024-W09 to 2024-W11\n"
        "\n"
        "Week      Sessions  Sets   Time\n"
        "2024-W09         1     5  31:30\n"
        "2024-W10         1     3   3:00\n"
        "2024-W11         1     1   4:00\n"
        "Total            3     9  38:30\n"
        "\n"
        "Sets per week\n"
        "2024-W09 │████████████████████████████████████ 5\n"
        "2024-W10 │█████████████████████▋               3\n"
        "2024-W11 │███████▎                             1\n"
        "\n"
        "Sets per muscle group\n"
        "upper back     │██████████████████████████████ 6\n"
        "forearms       │███████████████                3\n"
        "glutes         │███████████████                3\n"
        "hamstrings     │███████████████                3\n"
        "lower back     │███████████████                3\n"
        "shoulders      │███████████████                3\n"
        "trapezius      │███████████████                3\n"
        "latissimus     │██████████                     2\n"
        "middle back    │██████████                     2\n"
        "rear shoulders │██████████                     2\n"
        "other          │█████                          1\n"
        "\n"
        "Streak: 4 weeks in a row with at least one workout"
    )


def test_stats_json_pinned(known_db: Path) -> None:
    data = json.loads(stats_report(known_db, now=NOW, weeks=2, as_json=True))
    assert data == {
        "weeks": [
            {"week": "2024-W10", "monday": "2024-03-04", "sessions": 1, "sets": 3, "seconds": 180},
            {"week": "2024-W11", "monday": "2024-03-11", "sessions": 1, "sets": 1, "seconds": 240},
        ],
        "total": {"sessions": 2, "sets": 4, "seconds": 420},
        "sets_per_muscle": [
            {"muscle": "upper back", "sets": 4},
            {"muscle": "forearms", "sets": 3},
            {"muscle": "glutes", "sets": 3},
            {"muscle": "hamstrings", "sets": 3},
            {"muscle": "lower back", "sets": 3},
            {"muscle": "trapezius", "sets": 3},
            {"muscle": "shoulders", "sets": 1},
        ],
        "streak_weeks": 4,
    }


def test_stats_command_shows_this_week(tmp_path: Path) -> None:
    """The command reads the clock itself: one workout half an hour ago is in this week's row."""
    db = tmp_path / "history.sqlite3"
    started = datetime.now().astimezone() - timedelta(minutes=30)
    with HistoryStore.open(db) as store:
        sid = store.start_session(
            routine_name="Now", routine_path=None, content_hash=None, started_at=started
        )
        store.record_set(
            sid,
            exercise="Plank",
            exercise_index=0,
            round_number=None,
            set_number=1,
            side=None,
            reps=None,
            seconds=30.0,
            weight=None,
            skipped=False,
            finished_at=started + timedelta(minutes=1),
        )
    text = invoke("stats", "--history", db)
    data = json.loads(invoke("stats", "--history", db, "--weeks", "2", "--json").stdout)

    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert re.fullmatch(r"Last 8 weeks: \d{4}-W\d\d to \d{4}-W\d\d", lines[0])
    assert lines[-1] == "Streak: 1 week in a row with at least one workout"
    assert "Sets per muscle group" in lines
    assert f"{UNLISTED_MUSCLE} │" in text.stdout
    year, week, _ = datetime.now().astimezone().isocalendar()
    assert data["weeks"][-1]["week"] == f"{year}-W{week:02d}"
    assert data["total"]["sessions"] == 1
    assert data["streak_weeks"] == 1


def test_stats_default_weeks_is_the_library_default() -> None:
    weeks = next(p for p in cli.commands["stats"].params if p.name == "weeks")
    assert weeks.default == DEFAULT_WEEKS


# --- no history, foreign files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "output"),
    [
        pytest.param(
            ("history",), "No workouts recorded yet: there is no history at {}.\n", id="history"
        ),
        pytest.param(("history", "--json"), "[]\n", id="history-json"),
        pytest.param(
            ("stats",), "No workouts recorded yet: there is no history at {}.\n", id="stats"
        ),
    ],
)
def test_reading_without_a_history_creates_nothing(
    tmp_path: Path, args: tuple[str, ...], output: str
) -> None:
    db = tmp_path / "not-yet" / "history.sqlite3"
    result = invoke(*args, "--history", db)
    assert result.exit_code == 0
    assert result.stdout == output.format(db)
    assert list(tmp_path.iterdir()) == []


def test_stats_json_without_a_history_is_empty_weeks(tmp_path: Path) -> None:
    data = json.loads(stats_report(tmp_path / "none.sqlite3", now=NOW, weeks=2, as_json=True))
    assert data["total"] == {"sessions": 0, "sets": 0, "seconds": 0}
    assert [w["week"] for w in data["weeks"]] == ["2024-W10", "2024-W11"]
    assert data["sets_per_muscle"] == []
    assert not (tmp_path / "none.sqlite3").exists()


def test_default_history_is_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    result = invoke("history")
    assert result.stdout == (
        f"No workouts recorded yet: there is no history at "
        f"{tmp_path / 'voicecoach' / 'history.sqlite3'}.\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert open_existing() is None


@pytest.mark.parametrize("command", ["history", "stats"])
def test_foreign_file_is_refused_and_left_as_it_is(tmp_path: Path, command: str) -> None:
    notes = tmp_path / "notes.sqlite3"
    conn = sqlite3.connect(notes)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = notes.read_bytes()

    result = invoke(command, "--history", notes)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"voicecoach: {notes} is not a voicecoach history but another program's SQLite "
        "database; voicecoach leaves it as it is. Move it aside to start a new history there, "
        "or run with --no-history to train without recording\n"
    )
    assert notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


# --- what runs record ---------------------------------------------------------------------------

QUICK = (Path(__file__).parent / "data" / "quick-test.yaml").read_text(encoding="utf-8")


@pytest.fixture
def quick(tmp_path: Path) -> Path:
    path = tmp_path / "quick.yaml"
    path.write_text(QUICK, encoding="utf-8")
    return path


@pytest.mark.speech
@pytest.mark.audio
def test_a_real_run_records_the_session_and_every_set(
    tmp_path: Path, quick: Path, alsa_capture: AlsaCapture
) -> None:
    """`voicecoach run --plain --history DB` to the end: one completed session, four sets."""
    db = tmp_path / "history.sqlite3"
    env = alsa_capture.child_env()
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")

    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "run", str(quick), "--plain", "--history", str(db)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    # Bird Dog's two sides are one set.
    assert done.stdout.splitlines()[-1].startswith("Workout complete: 3 of 3 sets done in ")
    assert "history" not in done.stderr
    with HistoryStore.open(db) as store:
        (session,) = store.recent_sessions(10)
        sets = store.sets_for(session.id)
    assert session.status is Outcome.COMPLETED
    assert (session.routine_name, session.routine_path) == ("Quick Test", str(quick))
    assert [(s.exercise, s.set_number, s.side, s.reps, s.skipped) for s in sets] == [
        ("Band Row", 1, None, 2, False),
        ("Band Row", 2, None, 2, False),
        ("Bird Dog", 1, "left", 2, False),
        ("Bird Dog", 1, "right", 2, False),
    ]
    ended = session.ended_at
    assert ended is not None
    assert all(session.started_at < s.finished_at <= ended for s in sets)
    assert not (tmp_path / "data").exists()

    listed = json.loads(invoke("history", "--json", "--history", db).stdout)
    assert [(s["routine"], s["status"], s["sets_done"], s["sets_skipped"]) for s in listed] == [
        ("Quick Test", "completed", 3, 0)
    ]
    assert "  Quick Test  completed  " in history_report(db)


@pytest.mark.parametrize("existing", [False, True], ids=["no-history-yet", "history-there"])
def test_dry_run_never_records(
    tmp_path: Path, quick: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    db = tmp_path / "history.sqlite3"
    if existing:
        write_known_history(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    result = invoke("run", quick, "--dry-run", "--estimate", "--history", db)

    assert result.exit_code == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert db.exists() is existing
    assert not (tmp_path / "data").exists()


# In-process runs on a fake clock, with real speech from a cache made before the run.


@pytest.fixture(scope="module")
def _speech_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture
def speech_cache(_speech_root: Path, quick: Path) -> Path:
    routine = load_routine(quick)
    cache = open_speech(routine, cache_root=_speech_root)
    measured_timeline(routine, cache, rate=routine.voice.rate)
    cache.ensure([language_for(routine.language).paused])
    return _speech_root


class LockAt(FakeClock):
    """A fake clock that has another connection lock the history from a given moment on."""

    def __init__(self, db: Path, at: float) -> None:
        super().__init__()
        self.db = db
        self.at = self.now() + at
        self.other: sqlite3.Connection | None = None

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        if self.other is None and deadline >= self.at:
            self.other = sqlite3.connect(self.db, isolation_level=None)
            self.other.execute("BEGIN EXCLUSIVE")
        return super().wait_until(deadline, fileno)

    def release(self) -> None:
        if self.other is not None:
            self.other.execute("ROLLBACK")
            self.other.close()


def play(quick: Path, options: RunOptions, clock: FakeClock) -> tuple[RunResult, list[str]]:
    notes: list[str] = []
    result = run_routine(
        load_routine(quick),
        options,
        out=io.StringIO(),
        notify=notes.append,
        interactive=False,
        live=False,
        clock=clock,
        sink=RecordingSink(clock.now),
    )
    return result, notes


@pytest.mark.speech
def test_no_history_records_nothing(tmp_path: Path, quick: Path, speech_cache: Path) -> None:
    db = tmp_path / "history.sqlite3"
    options = RunOptions(plain=True, history=False, history_path=db, cache_root=speech_cache)
    result, notes = play(quick, options, FakeClock())
    assert result.summary.sets_done == 3
    assert notes == []
    assert not db.exists()


@pytest.mark.speech
@pytest.mark.parametrize(
    ("locked_at", "recorded_sets"),
    [
        pytest.param(0.0, None, id="locked-before-the-start"),
        # Band Row's second set ends at about 18.6 s, Bird Dog's first side at about 28.9 s.
        pytest.param(22.0, 2, id="locked-after-two-sets"),
    ],
)
def test_locked_history_turns_history_off_and_the_run_goes_on(
    tmp_path: Path,
    quick: Path,
    speech_cache: Path,
    locked_at: float,
    recorded_sets: int | None,
) -> None:
    """Another connection holding the file: said once, the workout plays to the end."""
    db = tmp_path / "history.sqlite3"
    HistoryStore.open(db).close()
    clock = LockAt(db, locked_at)
    if locked_at == 0:
        clock.wait_until(clock.now())
    options = RunOptions(
        plain=True, history_path=db, history_busy_timeout_s=0.05, cache_root=speech_cache
    )
    try:
        result, notes = play(quick, options, clock)
    finally:
        clock.release()

    assert result.summary.outcome is Outcome.COMPLETED
    assert result.summary.sets_done == 3
    assert len(notes) == 1
    assert notes[0].startswith("warning: workout history is off for this session (")
    assert "still locked after 0.05 s" in notes[0]
    with HistoryStore.open(db) as store:
        sessions = store.recent_sessions(10)
        if recorded_sets is None:
            assert sessions == []
        else:
            (session,) = sessions
            assert session.sets_done == recorded_sets
            assert session.status is Outcome.INTERRUPTED
