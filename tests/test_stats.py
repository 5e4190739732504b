"""Statistics over a known history, and the text and JSON the CLI prints from the history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicecoach.history.stats import (
    Stats,
    WeekStats,
    bar_chart,
    collect_stats,
    compute_stats,
    format_sessions_table,
    format_stats,
    sessions_json,
)
from voicecoach.history.store import HistoryStore, SessionRecord, SetRecord
from voicecoach.outcome import Outcome
from voicecoach.timetext import format_duration

CET = timezone(timedelta(hours=1))
EET = timezone(timedelta(hours=2))
#: A Wednesday, in ISO week 2024-W11.
NOW = datetime(2024, 3, 13, 18, 0, tzinfo=CET)

MUSCLES = {
    "Deadlift": ("back", "hamstrings", "glutes"),
    "Row": ("back", "biceps"),
    "Plank": (),
}


@dataclass(frozen=True)
class Played:
    """One session of the known history: its sets finish evenly over `minutes`."""

    started_at: datetime
    minutes: float
    status: Outcome
    sets: tuple[tuple[str, bool], ...]  # (exercise, skipped)

    @property
    def ended_at(self) -> datetime | None:
        if self.status is Outcome.INTERRUPTED:
            return None
        return self.started_at + timedelta(minutes=self.minutes)

    def set_finished_at(self, n: int) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes * n / len(self.sets))


def done(exercise: str, n: int) -> tuple[tuple[str, bool], ...]:
    return ((exercise, False),) * n


def skipped(exercise: str, n: int) -> tuple[tuple[str, bool], ...]:
    return ((exercise, True),) * n


KNOWN = (
    # W06, before the window: only the streak could see it, and W07 and W09 are empty anyway.
    Played(datetime(2024, 2, 5, 8, tzinfo=CET), 20, Outcome.COMPLETED, done("Row", 5)),
    # W08
    Played(
        datetime(2024, 2, 20, 7, tzinfo=CET),
        35,
        Outcome.COMPLETED,
        done("Deadlift", 3) + done("Row", 3) + skipped("Row", 1),
    ),
    # W10: a whole session, an interrupted one, and a false start that does not count.
    Played(
        datetime(2024, 3, 4, 18, tzinfo=CET),
        45.5,
        Outcome.COMPLETED,
        done("Row", 4) + done("Plank", 2) + done("Deadlift", 2),
    ),
    Played(datetime(2024, 3, 6, 7, tzinfo=CET), 12, Outcome.INTERRUPTED, done("Mystery", 3)),
    Played(datetime(2024, 3, 7, 7, tzinfo=CET), 3, Outcome.QUIT, skipped("Row", 2)),
    # Monday of W11 where it was played, though still Sunday in Central Europe.
    Played(datetime(2024, 3, 11, 0, 30, tzinfo=EET), 25, Outcome.COMPLETED, done("Deadlift", 4)),
)


def as_records(history: tuple[Played, ...]) -> tuple[list[SessionRecord], list[SetRecord]]:
    sessions, sets = [], []
    for sid, played in enumerate(history, start=1):
        sessions.append(
            SessionRecord(
                id=sid,
                routine_name="back",
                routine_path=None,
                content_hash=None,
                resumes=None,
                started_at=played.started_at,
                ended_at=played.ended_at,
                status=played.status,
                sets_done=sum(not s for _, s in played.sets),
                sets_skipped=sum(s for _, s in played.sets),
                last_set_at=played.set_finished_at(len(played.sets)),
            )
        )
        sets += [
            SetRecord(
                sid, exercise, 0, None, n, None, 8, 30.0, None, skip, played.set_finished_at(n)
            )
            for n, (exercise, skip) in enumerate(played.sets, start=1)
        ]
    return sessions, sets


def record_into(store: HistoryStore, history: tuple[Played, ...]) -> None:
    for played in history:
        sid = store.start_session(
            routine_name="back", routine_path=None, content_hash=None, started_at=played.started_at
        )
        for n, (exercise, skip) in enumerate(played.sets, start=1):
            store.record_set(
                sid,
                exercise=exercise,
                exercise_index=0,
                round_number=None,
                set_number=n,
                side=None,
                reps=8,
                seconds=30.0,
                weight=None,
                skipped=skip,
                finished_at=played.set_finished_at(n),
            )
        if played.ended_at is not None:
            store.end_session(sid, status=played.status.value, ended_at=played.ended_at)  # type: ignore[arg-type]


EXPECTED = Stats(
    weeks=(
        WeekStats(monday=datetime(2024, 2, 19).date(), sessions=1, sets=6, seconds=2100.0),
        WeekStats(monday=datetime(2024, 2, 26).date(), sessions=0, sets=0, seconds=0.0),
        WeekStats(monday=datetime(2024, 3, 4).date(), sessions=2, sets=11, seconds=3450.0),
        WeekStats(monday=datetime(2024, 3, 11).date(), sessions=1, sets=4, seconds=1500.0),
    ),
    sets_per_muscle=(("back", 16), ("glutes", 9), ("hamstrings", 9), ("biceps", 7), ("other", 5)),
    streak_weeks=2,
)


def test_known_history() -> None:
    """Weeks, muscles and streak of the known history, worked out by hand."""
    sessions, sets = as_records(KNOWN)
    stats = compute_stats(sessions, sets, muscles=MUSCLES, now=NOW, weeks=4)
    assert stats == EXPECTED
    assert (stats.sessions, stats.sets, stats.seconds) == (4, 21, 7050.0)
    assert [w.label for w in stats.weeks] == ["2024-W08", "2024-W09", "2024-W10", "2024-W11"]


def test_known_history_from_a_real_store(tmp_path: Path) -> None:
    """The same history recorded into SQLite and read back gives the same numbers."""
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        record_into(store, KNOWN)
        assert collect_stats(store, muscles=MUSCLES, now=NOW, weeks=4) == EXPECTED


@pytest.mark.parametrize(
    ("now", "streak"),
    [
        pytest.param(NOW, 2, id="this-week-counts"),
        pytest.param(datetime(2024, 3, 18, 6, tzinfo=CET), 2, id="new-week-not-over-yet"),
        pytest.param(datetime(2024, 3, 24, 23, tzinfo=CET), 2, id="sunday-of-an-empty-week"),
        pytest.param(datetime(2024, 3, 25, 6, tzinfo=CET), 0, id="a-whole-week-missed"),
        pytest.param(datetime(2024, 3, 10, 12, tzinfo=CET), 1, id="before-the-latest-week"),
        pytest.param(datetime(2024, 2, 27, 12, tzinfo=CET), 1, id="week-after-one-workout"),
    ],
)
def test_streak_counts_weeks(now: datetime, streak: int) -> None:
    sessions, sets = as_records(KNOWN)
    assert compute_stats(sessions, sets, muscles=MUSCLES, now=now).streak_weeks == streak


def test_false_start_does_not_start_a_streak() -> None:
    sessions, sets = as_records(
        (Played(NOW - timedelta(hours=1), 2, Outcome.QUIT, skipped("Row", 3)),)
    )
    stats = compute_stats(sessions, sets, muscles=MUSCLES, now=NOW, weeks=1)
    assert stats == Stats(
        weeks=(WeekStats(datetime(2024, 3, 11).date(), 0, 0, 0.0),),
        sets_per_muscle=(),
        streak_weeks=0,
    )


def test_muscle_listed_twice_counts_once() -> None:
    sessions, sets = as_records((Played(NOW, 10, Outcome.COMPLETED, done("Row", 2)),))
    stats = compute_stats(sessions, sets, muscles={"Row": ("back", "back", "lats")}, now=NOW)
    assert stats.sets_per_muscle == (("back", 2), ("lats", 2))


def test_weeks_must_be_positive() -> None:
    with pytest.raises(ValueError, match="weeks must be at least 1, not 0"):
        compute_stats([], [], muscles={}, now=NOW, weeks=0)


def test_bar_chart_pinned() -> None:
    """Bars in eighths of a cell, scaled to the largest value, values aligned on the right."""
    chart = bar_chart(
        [("2024-W08", 6), ("2024-W09", 0), ("2024-W10", 11), ("2024-W11", 4)], width=30
    )
    assert chart == (
        "2024-W08 │█████████▎         6\n"
        "2024-W09 │                   0\n"
        "2024-W10 │█████████████████ 11\n"
        "2024-W11 │██████▏            4"
    )


def test_bar_chart_cuts_long_labels_and_shows_slivers() -> None:
    chart = bar_chart([("a very long muscle group name", 1000), ("tiny", 1)], width=30)
    assert chart == "a very long…  │██████████ 1000\ntiny          │▏             1"


def test_bar_chart_edges() -> None:
    assert bar_chart([], width=30) == ""
    assert bar_chart([("none", 0)], width=20) == "none │" + " " * 12 + " 0"
    assert bar_chart([("time", 90)], width=21, value_format=format_duration) == (
        "time │" + "█" * 10 + " 1:30"
    )
    # The bar keeps at least ten cells; the label gives way.
    assert bar_chart([("time", 90)], width=20, value_format=format_duration) == (
        "ti… │" + "█" * 10 + " 1:30"
    )
    with pytest.raises(ValueError, match="width of at least 20"):
        bar_chart([("a", 1)], width=19)
    with pytest.raises(ValueError, match="negative"):
        bar_chart([("a", -1)])


def _eighths(bar: str) -> int:
    return sum(8 if c == "█" else "▏▎▍▌▋▊▉".index(c) + 1 for c in bar.strip())


@given(
    rows=st.lists(
        st.tuples(
            st.text(
                st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="│"),
                min_size=1,
                max_size=40,
            ),
            st.integers(min_value=0, max_value=10**6),
        ),
        min_size=1,
        max_size=12,
    ),
    width=st.integers(min_value=20, max_value=120),
)
def test_bar_chart_fits_and_keeps_order(rows: list[tuple[str, int]], width: int) -> None:
    """No line is wider than asked, and a larger value never has a shorter bar."""
    lines = bar_chart(rows, width=width).split("\n")
    assert len(lines) == len(rows)
    assert all(len(line) <= width for line in lines)
    bars = [_eighths(line.split("│", 1)[1].rsplit(" ", 1)[0]) for line in lines]
    for (_, a), bar_a in zip(rows, bars, strict=True):
        for (_, b), bar_b in zip(rows, bars, strict=True):
            if a > b:
                assert bar_a >= bar_b
        assert (bar_a > 0) == (a > 0)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (59.6, "1:00"), (754, "12:34"), (3600, "1:00:00"), (7050, "1:57:30")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_stats_pinned() -> None:
    assert format_stats(EXPECTED, width=40) == "\n".join(
        [
            "Last 4 weeks: 2024-W08 to 2024-W11",
            "",
            "Week      Sessions  Sets     Time",
            "2024-W08         1     6    35:00",
            "2024-W09         0     0     0:00",
            "2024-W10         2    11    57:30",
            "2024-W11         1     4    25:00",
            "Total            4    21  1:57:30",
            "",
            "Sets per week",
            "2024-W08 │██████████████▊              6",
            "2024-W09 │                             0",
            "2024-W10 │███████████████████████████ 11",
            "2024-W11 │█████████▉                   4",
            "",
            "Sets per muscle group",
            "back       │█████████████████████████ 16",
            "glutes     │██████████████             9",
            "hamstrings │██████████████             9",
            "biceps     │███████████                7",
            "other      │███████▊                   5",
            "",
            "Streak: 2 weeks in a row with at least one workout",
        ]
    )


def test_format_stats_with_no_history() -> None:
    stats = compute_stats([], [], muscles={}, now=NOW, weeks=1)
    assert format_stats(stats, width=40) == "\n".join(
        [
            "Last 1 week: 2024-W11 to 2024-W11",
            "",
            "Week      Sessions  Sets  Time",
            "2024-W11         0     0  0:00",
            "Total            0     0  0:00",
            "",
            "Sets per week",
            "2024-W11 │" + " " * 28 + " 0",
            "",
            "Sets per muscle group",
            "no sets in these weeks",
            "",
            "Streak: none yet; one workout this week starts one",
        ]
    )


def test_sessions_table_pinned() -> None:
    sessions, _ = as_records(KNOWN)
    assert format_sessions_table(sessions[:0:-1][:4]) == "\n".join(
        [
            "ID  Started           Routine  Status       Sets  Skipped   Time",
            " 6  2024-03-11 00:30  back     completed       4        0  25:00",
            " 5  2024-03-07 07:00  back     quit            0        2   3:00",
            " 4  2024-03-06 07:00  back     interrupted     3        0  12:00",
            " 3  2024-03-04 18:00  back     completed       8        0  45:30",
        ]
    )
    assert format_sessions_table([]) == "No workouts recorded yet."


def test_sessions_json() -> None:
    sessions, _ = as_records(KNOWN)
    assert sessions_json([sessions[3]]) == [
        {
            "id": 4,
            "routine": "back",
            "routine_path": None,
            "content_hash": None,
            "resumes": None,
            "started_at": "2024-03-06T07:00:00+01:00",
            "ended_at": None,
            "status": "interrupted",
            "sets_done": 3,
            "sets_skipped": 0,
            "duration_s": 720.0,
            "program": None,
            "program_slot": None,
            "language": None,
        }
    ]


def test_warmup_sets_count_for_no_muscle() -> None:
    sessions, sets = as_records((Played(NOW, 10, Outcome.COMPLETED, done("Row", 3)),))
    sets = [replace(s, warmup=True) if s.set_number == 1 else s for s in sets]
    stats = compute_stats(sessions, sets, muscles={"Row": ("back",)}, now=NOW)
    assert stats.sets_per_muscle == (("back", 2),)
