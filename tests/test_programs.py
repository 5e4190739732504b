"""Programs: the file and its located errors, the bundled plans, the rotation over ten sessions
with interruptions, and what `voicecoach program` and `voicecoach next` say."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.errors import RoutineError
from voicecoach.history.store import HistoryStore
from voicecoach.resources import bundled_programs
from voicecoach.routine.program import load_program
from voicecoach.session.program import next_session, program_report
from voicecoach.timeline.language import language_for

CET = timezone(timedelta(hours=1))
#: Monday of ISO week 2026-W45.
MONDAY = datetime(2026, 11, 2, 18, 0, tzinfo=CET)
FULL_BODY = bundled_programs()["full-body-twice-a-week"]

EN = language_for("en")


def play(
    store: HistoryStore,
    routine: str,
    at: datetime,
    *,
    work_sets: int,
    status: str = "completed",
    slot: int | None = None,
    program: str | None = "Full body, twice a week",
    deadlift: list[int] | None = None,
) -> None:
    """Record one session as a run would: warm-up sets first, then `work_sets` sets (the first
    ones the deadlift's, `deadlift` reps at 30 kg when given)."""
    sid = store.start_session(
        routine_name=routine,
        routine_path=None,
        content_hash=None,
        started_at=at,
        program=program if slot is not None else None,
        program_slot=slot,
    )
    n = 0
    store.record_set(
        sid,
        exercise="Marching on the Spot",
        exercise_index=0,
        round_number=None,
        set_number=1,
        side=None,
        reps=None,
        seconds=90.0,
        weight=None,
        skipped=False,
        finished_at=at + timedelta(minutes=2),
        planned_seconds=90.0,
    )
    for n in range(1, work_sets + 1):
        reps = (deadlift or [])[n - 1] if deadlift and n <= len(deadlift) else 10
        store.record_set(
            sid,
            exercise="Deadlift",
            exercise_index=3,
            round_number=None,
            set_number=n,
            side=None,
            reps=reps,
            seconds=None,
            weight="30 kg",
            skipped=False,
            finished_at=at + timedelta(minutes=5 + 3 * n),
            planned_reps=10,
            planned_weight="30 kg",
        )
    store.end_session(sid, status=status, ended_at=at + timedelta(minutes=6 + 3 * n))


def test_bundled_programs_load() -> None:
    full = load_program(FULL_BODY)
    assert (full.name, [s.ref for s in full.sessions], full.per_week) == (
        "Full body, twice a week",
        ["full-body-a", "full-body-b"],
        2,
    )
    basics = load_program(bundled_programs()["back-basics-twice-a-week"])
    assert ([s.ref for s in basics.sessions], basics.per_week) == (["home-back-basics"], 2)


BAD = [
    ("program: X\nsessions: [full-body-a]\n", ["p.yaml:1:1: a program needs 'per_week'"]),
    (
        "program: X\nsessions: [full-body-c]\nper_week: 2\n",
        [
            "p.yaml:2:12: no routine named 'full-body-c'; did you mean full-body-b, full-body-a? "
            "(see 'voicecoach list' for the routines by name, or give a path to a .yaml file)"
        ],
    ),
    (
        "program: X\nsessions: []\nper_week: 8\n",
        [
            "p.yaml:2:11: 'sessions' must list 1 to 14 routine names or paths, like "
            "[full-body-a, full-body-b], got 0 items",
            "p.yaml:3:11: 'per_week' must be a whole number from 1 to 7, got 8",
        ],
    ),
    (
        "program: X\nsessions: [mine.yaml, 3]\nper_wek: 2\n",
        [
            "p.yaml:1:1: a program needs 'per_week'",
            "p.yaml:2:12: no routine file at {dir}/mine.yaml",
            "p.yaml:2:23: a session must be a routine name or path, got 3",
            "p.yaml:3:1: unknown key 'per_wek' in a program; did you mean 'per_week'?",
        ],
    ),
]


@pytest.mark.parametrize(("text", "messages"), BAD)
def test_bad_program_files_are_located(tmp_path: Path, text: str, messages: list[str]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RoutineError) as caught:
        load_program(path)
    shown = [
        str(p).replace(str(path), "p.yaml").replace(str(tmp_path), "")
        for p in caught.value.problems
    ]
    assert shown == [m.replace("{dir}", "") for m in messages]


def test_validate_checks_program_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(FULL_BODY)])
    assert result.exit_code == 0
    assert result.output == f"{FULL_BODY}: ok (program, 2 sessions in turn, 2 a week)\n"


def test_rotation_over_ten_sessions_with_interruptions(tmp_path: Path) -> None:
    """After A comes B and after B comes A, whatever happened in the last session: completed,
    quit, interrupted after its work sets, or stopped in the warm-up before any work set."""
    program = load_program(FULL_BODY)
    sessions = [
        # (routine, work sets, status, played with next?) -> the session `next` offers after it
        ("Full Body A", 3, "completed", True),
        ("Full Body B", 3, "completed", True),
        ("Full Body A", 0, "interrupted", True),  # stopped in the warm-up
        ("Full Body B", 2, "interrupted", True),  # stopped after two work sets
        ("Full Body A", 3, "quit", True),
        ("Full Body B", 3, "completed", False),  # played with `run`, not `next`
        ("Full Body A", 3, "completed", True),
        ("Full Body B", 0, "interrupted", True),
        ("Full Body A", 1, "interrupted", True),
        ("Full Body B", 3, "completed", True),
    ]
    offered = []
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        offered.append(next_session(program, store, progress=False).routine.name)
        for day, (routine, work, status, by_next) in enumerate(sessions):
            upcoming = next_session(program, store, progress=False)
            assert upcoming.routine.name == routine
            play(
                store,
                routine,
                MONDAY + timedelta(days=day),
                work_sets=work,
                status=status,
                slot=upcoming.slot if by_next else None,
            )
            offered.append(next_session(program, store, progress=False).routine.name)
    assert offered == ["Full Body A"] + ["Full Body B", "Full Body A"] * 5


def test_next_session_carries_todays_targets(tmp_path: Path) -> None:
    program = load_program(FULL_BODY)
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        play(store, "Full Body A", MONDAY, work_sets=3, slot=0)
        play(
            store,
            "Full Body B",
            MONDAY + timedelta(days=3),
            work_sets=3,
            slot=1,
            deadlift=[10, 9, 9],
        )
        upcoming = next_session(program, store, progress=True)
        (deadlift,) = [e for e in upcoming.routine.all_exercises() if e.name == "Deadlift"]
    assert upcoming.slot == 0
    assert (deadlift.weight, str(deadlift.reps)) == ("32.5 kg", "8")
    assert deadlift.advice is not None
    assert EN.explain(deadlift.advice) == "last time 10/10/10 at 30 kg: up to 32.5 kg, aim for 8"


def test_program_report_exactly(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    with HistoryStore.open(db) as store:
        play(store, "Full Body A", MONDAY - timedelta(days=4), work_sets=3, slot=0)
        play(store, "Full Body B", MONDAY, work_sets=3, slot=1, deadlift=[10, 10, 9])
        play(store, "Full Body A", MONDAY + timedelta(days=2), work_sets=3, slot=0, status="quit")
    now = MONDAY + timedelta(days=3)
    assert program_report("full-body-twice-a-week", db, now=now) == (
        "Full body, twice a week\n"
        "2 sessions a week, in turn: 1. Full Body A (full-body-a), 2. Full Body B (full-body-b)\n"
        "\n"
        "Last week (2026-W44): 1 of 2 done, 1 missed\n"
        "This week (2026-W45): 2 of 2 done, the week's plan is done\n"
        "  Mon 2026-11-02 18:00  2. Full Body B  completed, 4 sets\n"
        "  Wed 2026-11-04 18:00  1. Full Body A  quit, 4 sets\n"
        "\n"
        "Next: 2. Full Body B (full-body-b)\n"
        "  Deadlift: 3 x 10 reps at 30 kg (last time 10/10/9 at 30 kg: stay at 30 kg, aim for 10)\n"
        "  Bent-Over Dumbbell Row: 3 x 8-10 reps at 8 kg (no history yet: as written)\n"
        "  Split Squat: 3 x 8-10 reps\n"
        "  Side Plank: 2 x hold 20 s\n"
        "Start it with: voicecoach next full-body-twice-a-week"
    )


def test_program_and_next_commands(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    runner = CliRunner()
    first = runner.invoke(cli, ["next", "--history", str(db), "--dry-run", "--estimate"])
    assert first.exit_code == 2
    assert "name a program: back-basics-twice-a-week, full-body-twice-a-week" in first.output
    with HistoryStore.open(db) as store:
        play(store, "Full Body A", datetime.now(CET) - timedelta(hours=2), work_sets=3, slot=0)
    shown = runner.invoke(cli, ["program", "--history", str(db)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "Full body, twice a week"
    assert "Next: 2. Full Body B (full-body-b)" in shown.output
    dry = runner.invoke(cli, ["next", "--history", str(db), "--dry-run", "--estimate"])
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("Full Body B\n")
    assert "Full body, twice a week: session 2 of 2, Full Body B" in dry.stderr


EVERY_SHAPE = """\
name: Every Shape
exercises:
  - {name: Push-ups, reps: max, duration: 60}
  - {name: Dips, reps: max}
  - name: Deadlift
    weight: 100 kg
    reps: 5
    sets:
      - {weight: 60 kg, warmup: true, rest: 30}
      - {}
      - {reps: max}
  - circuit: Tabata
    style: intervals
    rounds: 8
    rest: 10
    exercises:
      - {name: Mountain Climbers, duration: 20}
  - circuit: Minute by minute
    every: 60
    rounds: 3
    exercises:
      - {name: Burpees, reps: 10}
  - circuit: Cindy
    amrap: 300
    exercises:
      - {name: Air squats, reps: 15}
"""


def test_program_show_and_next_take_every_shape_of_routine(tmp_path: Path) -> None:
    (tmp_path / "shapes.yaml").write_text(EVERY_SHAPE, encoding="utf-8")
    program = tmp_path / "p.yaml"
    program.write_text("program: P\nsessions: [shapes.yaml]\nper_week: 2\n", encoding="utf-8")
    db = tmp_path / "history.sqlite3"
    runner = CliRunner()
    shown = runner.invoke(cli, ["program", "--history", str(db), str(program)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[6:12] == [
        "  Push-ups: 1 x max reps in 60 s",
        "  Dips: 1 x max reps",
        "  Deadlift: warm-up 5 reps, 60 kg; 5 reps, 100 kg; max reps, 100 kg",
        "  Mountain Climbers: 8 rounds x 20 s",
        "  Burpees: 3 rounds x 10 reps",
        "  Air squats: 15 reps a round, as many rounds as possible in 5 min 00 s",
    ]
    overview = runner.invoke(cli, ["show", str(tmp_path / "shapes.yaml")])
    assert overview.exit_code == 0, overview.output
    assert "  - Dips: 1 x max reps, tempo 2-0-2-0" in overview.output
    dry = runner.invoke(
        cli, ["next", "--history", str(db), "--dry-run", "--estimate", str(program)]
    )
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("Every Shape\n")


def test_next_without_program_finds_one_played_from_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import voicecoach.cli

    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ("one", "two"):
        (folder / f"{name}.yaml").write_text(
            f"name: Session {name}\nexercises:\n  - {{name: Squats, reps: 10}}\n", encoding="utf-8"
        )
    (folder / "p3.yaml").write_text(
        "program: Plan from a path\nsessions: [one.yaml, two.yaml]\nper_week: 2\n",
        encoding="utf-8",
    )
    db = tmp_path / "history" / "history.sqlite3"

    def played(routine: object, args: object, *, program: str, slot: int) -> None:
        # What a run records of a session of a program, without playing it.
        with HistoryStore.open(db) as store:
            at = datetime.now(CET) - timedelta(hours=1)
            play(store, "Session one", at, work_sets=1, slot=slot, program=program)

    monkeypatch.setattr(voicecoach.cli, "_play", played)
    runner = CliRunner()
    done = runner.invoke(cli, ["next", "--history", str(db), str(folder / "p3.yaml")])
    assert done.exit_code == 0, done.output
    dry = runner.invoke(cli, ["next", "--history", str(db), "--dry-run", "--estimate"])
    assert dry.exit_code == 0, dry.output
    assert "Plan from a path: session 2 of 2, Session two" in dry.stderr
    shown = runner.invoke(cli, ["program", "--history", str(db)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "Plan from a path"
    assert f"Start it with: voicecoach next {(folder / 'p3.yaml').resolve()}" in shown.output
