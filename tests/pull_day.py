"""Pull Day sessions written through the real history store, shared by the tests of
progression and of the commands that read the history.

Each session starts at `at`: its deadlift sets finish a minute apart from one minute in, its
planks from six minutes in, and it ends nine minutes in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from voicecoach.history.store import HistoryStore

#: The usual last session: 10, 10 and 9 reps at 40 kg.
TEN_TEN_NINE = ((10, "40 kg"), (10, "40 kg"), (9, "40 kg"))


def record_pull_day(
    store: HistoryStore,
    at: datetime,
    deadlifts: Sequence[tuple[int, str]] = TEN_TEN_NINE,
    *,
    planks: int = 0,
    status: str = "completed",
) -> int:
    """Record one Pull Day session: `deadlifts` as (reps, weight), each planned at 10 reps and
    its own weight, then `planks` planks held their planned 30 s; returns its id."""
    sid = store.start_session(
        routine_name="Pull Day", routine_path=None, content_hash=None, started_at=at
    )
    for n, (reps, weight) in enumerate(deadlifts, 1):
        store.record_set(
            sid,
            exercise="Deadlift",
            exercise_index=0,
            round_number=None,
            set_number=n,
            side=None,
            reps=reps,
            seconds=None,
            weight=weight,
            skipped=False,
            finished_at=at + timedelta(minutes=n),
            planned_reps=10,
            planned_weight=weight,
        )
    for n in range(1, planks + 1):
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
            finished_at=at + timedelta(minutes=5 + n),
            planned_seconds=30.0,
        )
    store.end_session(sid, status=status, ended_at=at + timedelta(minutes=9))
    return sid
