"""The coach's commands, exactly as printed: today's targets in `show` and the dry run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pull_day import record_pull_day

from voicecoach.cli import cli
from voicecoach.history.store import Entered, HistoryStore
from voicecoach.outcome import Outcome

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
        record_pull_day(store, T0, planks=2)
    return routine, db


def test_show_gives_todays_targets_and_why(pull_day: tuple[Path, Path]) -> None:
    routine, db = pull_day
    assert invoke("show", routine, "--history", db) == (
        "Pull Day\n"
        "total 8 min 17 s, 5 sets, language en; speech lengths estimated\n"
        "\n"
        "Exercises:\n"
        "  - Deadlift: 3 x 10 reps, tempo 2-0-2-0, 40 kg, rest 60 s\n"
        "      today: last time 10/10/9 at 40 kg: stay at 40 kg, aim for 10\n"
        "  - Plank: 2 x hold 35 s, rest 60 s\n"
        "      today: last time 30/30 s: up to hold 35 s\n"
        "\n"
        "Muscles: not given\n"
        "Equipment: none\n"
        "Note: time before Deadlift, set 1 of 3 lengthened from 5.0 s to 6.1 s to fit what must "
        "be said\n"
        "Note: time before Plank, set 1 of 2 lengthened from 5.0 s to 5.6 s to fit what must be "
        "said\n"
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


# --- log, stats --exercise, history --csv and --json, exactly --------------------------------

CET = timezone(timedelta(hours=1))


def record(
    store: HistoryStore,
    started: datetime,
    deadlift: list[tuple[int, str]],
    *,
    status: Outcome = Outcome.COMPLETED,
    skipped: tuple[int, ...] = (),
    language: str | None = None,
    names: tuple[str, str, str] = ("Pull Day", "Deadlift", "Plank"),
) -> int:
    """A Pull Day session: deadlift sets (reps done, weight done) against 10 reps at 40 kg,
    then one 30-second plank held 25 s; sets a minute apart. `names` are the routine's, the
    deadlift's and the plank's; `language` the session's (None: not recorded)."""
    routine, deadlift_name, plank = names
    sid = store.start_session(
        routine_name=routine,
        routine_path=None,
        content_hash=None,
        started_at=started,
        language=language,
    )
    for n, (reps, weight) in enumerate(deadlift, 1):
        store.record_set(
            sid,
            exercise=deadlift_name,
            exercise_index=0,
            round_number=None,
            set_number=n,
            side=None,
            reps=reps,
            seconds=None,
            weight=weight,
            skipped=n in skipped,
            finished_at=started + timedelta(minutes=n),
            planned_reps=10,
            planned_weight="40 kg",
            entered=Entered.TARGET if (reps, weight) == (10, "40 kg") else Entered.TYPED,
        )
    store.record_set(
        sid,
        exercise=plank,
        exercise_index=1,
        round_number=None,
        set_number=1,
        side=None,
        reps=None,
        seconds=25.0,
        weight=None,
        skipped=False,
        finished_at=started + timedelta(minutes=5),
        planned_seconds=30.0,
        entered=Entered.TYPED,
    )
    store.end_session(sid, status=status, ended_at=started + timedelta(minutes=6))
    return sid


def three_weeks_of_pulling(
    db: Path, start: datetime = datetime(2026, 11, 2, 18, 0, tzinfo=CET), **session: Any
) -> Path:
    """Three Pull Day sessions in `db` from `start` (a Monday): two in the first week, one two
    weeks later, quit, with a skipped set; `session` as :func:`record` takes it."""
    with HistoryStore.open(db) as store:
        record(store, start, [(10, "40 kg"), (10, "40 kg"), (9, "40 kg")], **session)
        record(store, start + timedelta(days=3), [(10, "40 kg")] * 3, **session)
        record(
            store,
            start + timedelta(days=14),
            [(8, "42.5 kg"), (8, "42.5 kg"), (6, "40 kg")],
            status=Outcome.QUIT,
            skipped=(3,),
            **session,
        )
    return db


@pytest.fixture
def weeks_of_pulling(tmp_path: Path) -> Path:
    return three_weeks_of_pulling(tmp_path / "history.sqlite3")


def test_log_shows_the_last_session_and_corrects_it(weeks_of_pulling: Path) -> None:
    db = weeks_of_pulling
    assert invoke("log", "--history", db) == (
        "Session 3: Pull Day, 2026-11-16 18:00, quit\n"
        "  deadlift 1:  8 reps @ 42.5 kg  planned 10 reps @ 40 kg, typed\n"
        "  deadlift 2:  8 reps @ 42.5 kg  planned 10 reps @ 40 kg, typed\n"
        "  deadlift 3:  skipped           planned 10 reps @ 40 kg, typed\n"
        "  plank 1:     25 s              planned 30 s, typed\n"
        'Correct a set with: voicecoach log --set "EXERCISE SET: REPS [@ WEIGHT]"\n'
    )
    assert invoke(
        "log", "--history", db, "--set", "deadlift 3: 7 @ 42.5 kg", "--set", "Plank 1: 30"
    ) == (
        "Session 3: Pull Day, 2026-11-16 18:00, quit\n"
        "  deadlift 1:  8 reps @ 42.5 kg  planned 10 reps @ 40 kg, typed\n"
        "  deadlift 2:  8 reps @ 42.5 kg  planned 10 reps @ 40 kg, typed\n"
        "  deadlift 3:  7 reps @ 42.5 kg  planned 10 reps @ 40 kg, logged\n"
        "  plank 1:     30 s              planned 30 s, logged\n"
        'Correct a set with: voicecoach log --set "EXERCISE SET: REPS [@ WEIGHT]"\n'
    )


BAD_ENTRIES = [
    (
        "dedlift 3: 8",
        "voicecoach: --set \"dedlift 3: 8\": column 1: no exercise 'dedlift' in this session; "
        "did you mean 'deadlift'? (it has: Deadlift, Plank)\n  dedlift 3: 8\n  ^\n",
    ),
    (
        "deadlift 4: 8",
        'voicecoach: --set "deadlift 4: 8": column 10: Deadlift has no set 4 in this session '
        "(recorded: 1, 2, 3)\n  deadlift 4: 8\n           ^\n",
    ),
    (
        "deadlift 3 8",
        "voicecoach: --set \"deadlift 3 8\": column 13: missing ':' between the set and what "
        'was done, like "deadlift 3: 8"\n  deadlift 3 8\n              ^\n',
    ),
    (
        "deadlift 3: 8 @ heavy",
        'voicecoach: --set "deadlift 3: 8 @ heavy": column 17: the weight must be a number with '
        "kg or lb, like \"42.5 kg\", got 'heavy'\n  deadlift 3: 8 @ heavy\n                  ^\n",
    ),
]


@pytest.mark.parametrize(("entry", "message"), BAD_ENTRIES)
def test_log_locates_a_bad_entry_and_changes_nothing(
    weeks_of_pulling: Path, entry: str, message: str
) -> None:
    db = weeks_of_pulling
    before = invoke("log", "--history", db)
    result = CliRunner().invoke(
        cli, ["log", "--history", str(db), "--set", "deadlift 1: 9", "--set", entry]
    )
    assert result.exit_code == 2
    assert result.stderr == message
    assert invoke("log", "--history", db) == before


def test_stats_of_one_exercise(weeks_of_pulling: Path) -> None:
    assert invoke("stats", "--exercise", "deadlift", "--history", weeks_of_pulling) == (
        "Deadlift: 8 work sets in 3 sessions, 2026-11-02 to 2026-11-16\n"
        "Best set: 8 reps at 42.5 kg on 2026-11-16\n"
        "Estimated one-rep maximum: 53.8 kg, from 8 reps at 42.5 kg on 2026-11-16 "
        "(Epley: weight × (1 + reps / 30))\n"
        "\n"
        "Load per session (heaviest work set, kg)\n"
        "2026-11-02 │████████████████████████████████████████▌     40\n"
        "2026-11-05 │████████████████████████████████████████▌     40\n"
        "2026-11-16 │███████████████████████████████████████████ 42.5\n"
        "\n"
        "Volume per week (weight × reps of the work sets, kg)\n"
        "2026-W45 │█████████████████████████████████████████████ 2360\n"
        "2026-W46 │                                                 0\n"
        "2026-W47 │█████████████                                  680\n"
    )


def test_stats_of_one_exercise_by_its_library_id(tmp_path: Path) -> None:
    routine = tmp_path / "rows.yaml"
    routine.write_text(
        "name: Rows\nexercises:\n  - {use: barbell-row, name: Rudern, reps: 8, weight: 40 kg}\n",
        encoding="utf-8",
    )
    db = tmp_path / "history.sqlite3"
    with HistoryStore.open(db) as store:
        for day, (name, path) in enumerate([("Bent-Over Barbell Row", None), ("Rudern", routine)]):
            sid = store.start_session(
                routine_name="Rows",
                routine_path=None if path is None else str(path),
                content_hash=None,
                started_at=T0 + timedelta(days=day),
            )
            store.record_set(
                sid,
                exercise=name,
                exercise_index=0,
                round_number=None,
                set_number=1,
                side=None,
                reps=8,
                seconds=None,
                weight="40 kg",
                skipped=False,
                finished_at=T0 + timedelta(days=day, minutes=1),
            )
    by_name = invoke("stats", "--exercise", "bent-over barbell row", "--history", db)
    assert by_name.startswith("Bent-Over Barbell Row: 1 work set in 1 session")
    # The library id, in any case and with spaces for dashes: the newest name it was played as.
    for given in ("barbell-row", "Barbell Row"):
        by_id = invoke("stats", "--exercise", given, "--history", db)
        assert by_id.startswith("Rudern: 1 work set in 1 session"), by_id


def test_history_csv_has_every_set_planned_and_done(weeks_of_pulling: Path) -> None:
    lines = invoke("history", "--csv", "--history", weeks_of_pulling).splitlines()
    assert lines[0] == (
        "session_id,session_started_at,routine,program,session_status,language,exercise,"
        "exercise_index,"
        "round,set,side,warmup,skipped,rounds,planned_reps,done_reps,planned_seconds,"
        "done_seconds,planned_weight,done_weight,done_weight_amount,done_weight_unit,entered,"
        "finished_at"
    )
    assert len(lines) == 1 + 4 + 4 + 4
    assert lines[1] == (
        "1,2026-11-02T18:00:00+01:00,Pull Day,,completed,,Deadlift,0,,1,,0,0,,10,10,,,40 kg,"
        "40 kg,40,kg,target,2026-11-02T18:01:00+01:00"
    )
    assert lines[-2] == (
        "3,2026-11-16T18:00:00+01:00,Pull Day,,quit,,Deadlift,0,,3,,0,1,,10,,,,40 kg,,,,typed,"
        "2026-11-16T18:03:00+01:00"
    )
    assert lines[-1] == (
        "3,2026-11-16T18:00:00+01:00,Pull Day,,quit,,Plank,1,,1,,0,0,,,,30,25,,,,,typed,"
        "2026-11-16T18:05:00+01:00"
    )


def test_history_json_lists_every_set(weeks_of_pulling: Path) -> None:
    sessions = json.loads(invoke("history", "--json", "--history", weeks_of_pulling))
    assert [len(s["sets"]) for s in sessions] == [4, 4, 4]
    assert sessions[0]["sets"][0] == {
        "exercise": "Deadlift",
        "exercise_index": 0,
        "round": None,
        "set": 1,
        "side": None,
        "warmup": False,
        "skipped": False,
        "rounds": None,
        "planned_reps": 10,
        "done_reps": 8,
        "planned_seconds": None,
        "done_seconds": None,
        "planned_weight": "40 kg",
        "done_weight": "42.5 kg",
        "done_weight_amount": 42.5,
        "done_weight_unit": "kg",
        "entered": "typed",
        "finished_at": "2026-11-16T18:01:00+01:00",
    }


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted() -> None:
    from voicecoach.history.export import sets_csv
    from voicecoach.history.store import SessionRecord, SetRecord

    at = datetime(2026, 11, 2, 18, 0, tzinfo=CET)
    session = SessionRecord(
        1, "=HYPERLINK(1)", None, None, None, at, at, Outcome.COMPLETED, 1, 0, at
    )
    row = SetRecord(1, "+Lift", 0, None, 1, None, 5, None, None, False, at)
    body = sets_csv([(session, row)]).splitlines()[1]
    assert "'=HYPERLINK(1)" in body
    assert ",'+Lift," in body


def test_history_csv_reads_back_with_a_csv_reader(weeks_of_pulling: Path) -> None:
    import csv
    import io

    text = invoke("history", "--csv", "--history", weeks_of_pulling)
    rows = list(csv.DictReader(io.StringIO(text)))
    volume = sum(
        float(r["done_weight_amount"]) * int(r["done_reps"])
        for r in rows
        if r["done_reps"] and r["done_weight_amount"]
    )
    assert len(rows) == 12
    assert volume == 2360 + 680
