"""The coach's commands, exactly as printed: today's targets in `show` and the dry run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.history.store import HistoryStore

PULL_DAY = """\
name: Pull Day
defaults: {prepare: 5, rest: 60}
exercises:
  - {name: Deadlift, sets: 3, reps: [8, 10], weight: 40 kg, progress: double 2.5 kg}
  - {name: Plank, sets: 2, hold: 30, progress: time 5}
"""
T0 = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def invoke(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def pull_day(tmp_path: Path) -> tuple[Path, Path]:
    """Pull Day's file, and a history with one session of it: 10/10/9 at 40 kg, planks held."""
    routine = tmp_path / "pull-day.yaml"
    routine.write_text(PULL_DAY, encoding="utf-8")
    db = tmp_path / "history.sqlite3"
    with HistoryStore.open(db) as store:
        sid = store.start_session(
            routine_name="Pull Day", routine_path=None, content_hash=None, started_at=T0
        )
        for n, reps in enumerate([10, 10, 9], 1):
            store.record_set(
                sid,
                exercise="Deadlift",
                exercise_index=0,
                round_number=None,
                set_number=n,
                side=None,
                reps=reps,
                seconds=None,
                weight="40 kg",
                skipped=False,
                finished_at=T0 + timedelta(minutes=n),
                planned_reps=10,
                planned_weight="40 kg",
            )
        for n in (1, 2):
            store.record_set(
                sid,
                exercise="Plank",
                exercise_index=1,
                round_number=None,
                set_number=n,
                side=None,
                reps=None,
                seconds=30.0,
                weight=None,
                skipped=False,
                finished_at=T0 + timedelta(minutes=5 + n),
                planned_seconds=30.0,
            )
        store.end_session(sid, status="completed", ended_at=T0 + timedelta(minutes=9))
    return routine, db


def test_show_gives_todays_targets_and_why(pull_day: tuple[Path, Path]) -> None:
    routine, db = pull_day
    assert invoke("show", routine, "--history", db) == (
        "Pull Day\n"
        "total 8 min 15 s, 5 sets, language en\n"
        "\n"
        "Exercises:\n"
        "  - Deadlift: 3 x 10 reps, tempo 2-0-2-0, 40 kg, rest 60 s\n"
        "      today: last time 10/10/9 at 40 kg: stay at 40 kg, aim for 10\n"
        "  - Plank: 2 x hold 35 s, rest 60 s\n"
        "      today: last time 30/30 s: up to hold 35 s\n"
        "\n"
        "Muscles: not given\n"
        "Equipment: none\n"
    )
    plain = invoke("show", routine, "--history", db, "--no-progress")
    assert "today:" not in plain
    assert "Deadlift: 3 x 8-10 reps" in plain


def test_dry_run_prints_and_speaks_todays_targets(pull_day: tuple[Path, Path]) -> None:
    routine, db = pull_day
    lines = invoke("run", routine, "--dry-run", "--estimate", "--history", db).splitlines()
    assert lines[3:6] == [
        "today's targets, from the history:",
        "  Deadlift: 3 x 10 reps at 40 kg (last time 10/10/9 at 40 kg: stay at 40 kg, aim for 10)",
        "  Plank: 2 x hold 35 s (last time 30/30 s: up to hold 35 s)",
    ]
    said = [line.split("say    ", 1)[1] for line in lines if "  say    " in line]
    assert said[1:3] == [
        "Deadlift. 3 sets, 10 reps.",
        "Last time 10, 10 and 9 at 40 kilos. Today 40 kilos again: aim for 10 on every set.",
    ]
    assert "Plank. 2 sets, hold 35 seconds." in said
    fresh = invoke("run", routine, "--dry-run", "--estimate", "--no-progress", "--history", db)
    assert "today's targets" not in fresh
    assert "Weight: 40 kg." in fresh
