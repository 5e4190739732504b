"""What the workout history adds up to, and how it is shown in a terminal.

The numbers come from pure functions over recorded rows (:func:`compute_stats`), with the present
moment passed in; :func:`collect_stats` only fetches the rows from a store first. The ``format_*``
functions make the text the CLI prints; :func:`sessions_json` and :func:`stats_json` the data
behind ``--json``. :func:`history_report` and :func:`stats_report` are the whole of the
``history`` and ``stats`` commands: they read the history file (never creating one) and return
what to print.

The rules, in one place:

- A session counts in the statistics when at least one of its sets was done (not skipped); a
  session started and abandoned before its first set is a false start, not a workout.
- A session belongs to the calendar day, and so the ISO week (Monday to Sunday), on which it
  started, in the time zone it was recorded in: the day the person trained, wherever they were.
- A session's time runs from its start to its end, or to its last set if it never ended.
- Sets per muscle group: every done set counts once for each muscle its exercise works; an
  exercise the mapping does not know counts under :data:`UNLISTED_MUSCLE`.
- The streak counts weeks, not days, since few people train every day: the number of ISO weeks
  in a row with at least one workout, up to this week. A week still going on does not break it:
  with no workout yet this week, the streak is the one that ended last week.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from voicecoach.history.store import (
    HistoryStore,
    SessionRecord,
    SetRecord,
    default_path,
    open_existing,
)
from voicecoach.timeline.language import Language, language_for
from voicecoach.timeline.model import SetId
from voicecoach.timetext import format_duration

#: Where sets of an exercise with no known muscles are counted.
UNLISTED_MUSCLE: Final = "other"
#: Weeks shown by default: about two months.
DEFAULT_WEEKS: Final = 8
#: Partial blocks from one eighth of a cell up to seven eighths.
_EIGHTHS: Final = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
_FULL: Final = "█"
_MIN_BAR: Final = 10


@dataclass(frozen=True)
class WeekStats:
    """What was done in one ISO week."""

    monday: date
    sessions: int
    sets: int
    seconds: float

    @property
    def label(self) -> str:
        """The ISO week, as in ``2024-W05``."""
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Stats:
    """The history over a window of weeks, and the current streak."""

    #: Every week of the window, oldest first, the last one being the current week.
    weeks: tuple[WeekStats, ...]
    #: (muscle, done sets) within the window, most worked first, then by name.
    sets_per_muscle: tuple[tuple[str, int], ...]
    #: Weeks in a row with at least one workout (see the module's rules).
    streak_weeks: int

    @property
    def sessions(self) -> int:
        return sum(w.sessions for w in self.weeks)

    @property
    def sets(self) -> int:
        return sum(w.sets for w in self.weeks)

    @property
    def seconds(self) -> float:
        return sum(w.seconds for w in self.weeks)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _is_workout(session: SessionRecord) -> bool:
    return session.sets_done > 0


def compute_stats(
    sessions: Iterable[SessionRecord],
    sets: Iterable[SetRecord],
    *,
    muscles: Mapping[str, Collection[str]],
    now: datetime,
    weeks: int = DEFAULT_WEEKS,
) -> Stats:
    """Weekly totals over the `weeks` ISO weeks up to `now`, sets per muscle, and the streak.

    `sessions` should be the whole history (the streak may reach back further than the window);
    `sets` need only cover the sessions in the window, others are ignored. `muscles` maps an
    exercise name to the muscles it works, as the exercise library lists them.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    this_monday = _monday(now.date())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    workouts = [
        s
        for s in sessions
        if _is_workout(s) and s.started_at.date() < this_monday + timedelta(weeks=1)
    ]

    per_week: dict[date, list[SessionRecord]] = {}
    for s in workouts:
        per_week.setdefault(_monday(s.started_at.date()), []).append(s)
    week_rows = tuple(
        WeekStats(
            monday=monday,
            sessions=len(per_week.get(monday, ())),
            sets=sum(s.sets_done for s in per_week.get(monday, ())),
            seconds=sum(s.duration_s for s in per_week.get(monday, ())),
        )
        for monday in (first_monday + timedelta(weeks=i) for i in range(weeks))
    )

    in_window = {s.id for s in workouts if s.started_at.date() >= first_monday}
    per_muscle: Counter[str] = Counter()
    counted: set[tuple[int, SetId]] = set()
    for done in sets:
        key = (done.session_id, done.set_id)
        if (
            done.session_id in in_window
            and not done.skipped
            and not done.warmup
            and key not in counted
        ):
            counted.add(key)
            per_muscle.update(set(muscles.get(done.exercise, ())) or {UNLISTED_MUSCLE})
    by_count = tuple(sorted(per_muscle.items(), key=lambda item: (-item[1], item[0])))

    streak = 0
    week = this_monday if this_monday in per_week else this_monday - timedelta(weeks=1)
    while week in per_week:
        streak += 1
        week -= timedelta(weeks=1)

    return Stats(weeks=week_rows, sets_per_muscle=by_count, streak_weeks=streak)


def collect_stats(
    store: HistoryStore,
    *,
    muscles: Mapping[str, Collection[str]],
    now: datetime,
    weeks: int = DEFAULT_WEEKS,
) -> Stats:
    """:func:`compute_stats` over the history in `store`."""
    sessions = store.recent_sessions(None)
    first_monday = _monday(now.date()) - timedelta(weeks=weeks - 1)
    sets = [
        done
        for s in sessions
        if _is_workout(s) and s.started_at.date() >= first_monday
        for done in store.sets_for(s.id)
    ]
    return compute_stats(sessions, sets, muscles=muscles, now=now, weeks=weeks)


def chart_number(value: float) -> str:
    """A value as the bar charts show it: "40", "42.5"."""
    return f"{value:g}" if value != int(value) else str(int(value))


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    width: int = 60,
    value_format: Callable[[float], str] = chart_number,
) -> str:
    """One line per row: label, a bar of unicode blocks scaled to the largest value, the value.

    No line is wider than `width` characters (at least 20): labels too long for it are cut with
    an ellipsis. A value above zero always shows at least a sliver of bar.
    """
    if width < 20:
        raise ValueError(f"a bar chart needs a width of at least 20, not {width}")
    if any(value < 0 for _, value in rows):
        raise ValueError("a bar chart cannot show negative values")
    if not rows:
        return ""
    values = [value_format(value) for _, value in rows]
    value_w = max(len(v) for v in values)
    # label, " │", bar, " ", value
    label_w = min(max(len(label) for label, _ in rows), max(1, width - value_w - 3 - _MIN_BAR))
    bar_w = width - label_w - value_w - 3
    if bar_w < 1:
        raise ValueError(f"a width of {width} leaves no room for bars beside these values")
    top = max(value for _, value in rows)
    lines = []
    for (label, value), shown in zip(rows, values, strict=True):
        if len(label) > label_w:
            label = label[: label_w - 1].rstrip() + "…"
        eighths = round(value / top * bar_w * 8) if top else 0
        if value > 0 and eighths == 0:
            eighths = 1
        bar = _FULL * (eighths // 8) + _EIGHTHS[eighths % 8]
        lines.append(f"{label:<{label_w}} │{bar:<{bar_w}} {shown:>{value_w}}")
    return "\n".join(lines)


def table_language(sessions: Iterable[SessionRecord], preferred: str | None = None) -> Language:
    """The language of a table of several sessions: `preferred` (the settings file's language)
    when given; else the one language all of them were played in; else English. Sessions
    recorded before the history kept their language do not count."""
    if preferred is not None:
        return language_for(preferred)
    spoken = {s.language for s in sessions if s.language is not None}
    return language_for(spoken.pop() if len(spoken) == 1 else "en")


def format_stats(stats: Stats, *, width: int = 60, words: Language | None = None) -> str:
    """The statistics as the ``stats`` command prints them: a table, two charts, the streak, in
    `words`' language (English by default)."""
    words = words or language_for("en")
    h = words.history
    table: list[tuple[str, ...]] = [h.stats_header]
    table += [
        (w.label, str(w.sessions), str(w.sets), format_duration(w.seconds)) for w in stats.weeks
    ]
    table.append((h.total, str(stats.sessions), str(stats.sets), format_duration(stats.seconds)))
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    first, last = stats.weeks[0].label, stats.weeks[-1].label
    lines = [words.plural(len(stats.weeks), h.last_weeks, first=first, last=last), ""]
    for row in table:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))

    lines += ["", h.sets_per_week]
    lines.append(bar_chart([(w.label, w.sets) for w in stats.weeks], width=width))
    lines += ["", h.sets_per_muscle]
    if stats.sets_per_muscle:
        muscles = [
            (h.other_muscle if m == UNLISTED_MUSCLE else m, n) for m, n in stats.sets_per_muscle
        ]
        lines.append(bar_chart(muscles, width=width))
    else:
        lines.append(h.no_sets)

    weeks = stats.streak_weeks
    lines += [
        "",
        h.streak.format(weeks=words.plural(weeks, h.weeks)) if weeks else h.no_streak,
    ]
    return "\n".join(lines)


def format_sessions_table(rows: Sequence[SessionRecord], words: Language | None = None) -> str:
    """The sessions as the ``history`` command prints them, one line each, in the order given,
    in `words`' language (by default :func:`table_language` of the rows)."""
    words = words or table_language(rows)
    h = words.history
    if not rows:
        return h.no_workouts
    header = h.history_header
    cells = [header] + [
        (
            str(s.id),
            s.started_at.strftime("%Y-%m-%d %H:%M"),
            s.routine_name,
            h.statuses[s.shown_status],
            str(s.sets_done),
            str(s.sets_skipped),
            format_duration(s.duration_s),
        )
        for s in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    right = {0, 4, 5, 6}
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    )


def sessions_json(
    rows: Sequence[SessionRecord], sets: Mapping[int, Sequence[SetRecord]] | None = None
) -> list[dict[str, Any]]:
    """The sessions as JSON-ready dicts; times are ISO 8601 with their UTC offset. With `sets`
    (by session id), each session lists its sets, planned and done values side by side."""
    from voicecoach.history.export import set_json

    return [
        {
            "id": s.id,
            "routine": s.routine_name,
            "routine_path": s.routine_path,
            "content_hash": s.content_hash,
            "resumes": s.resumes,
            "started_at": s.started_at.isoformat(),
            "ended_at": None if s.ended_at is None else s.ended_at.isoformat(),
            "status": s.shown_status,
            "sets_done": s.sets_done,
            "sets_skipped": s.sets_skipped,
            "duration_s": round(s.duration_s, 3),
            "program": s.program,
            "program_slot": s.program_slot,
            "language": s.language,
            **({"sets": [set_json(s, done) for done in sets.get(s.id, ())]} if sets else {}),
        }
        for s in rows
    ]


def stats_json(stats: Stats) -> dict[str, Any]:
    """The statistics as a JSON-ready dict: weeks oldest first, muscles most worked first."""
    return {
        "weeks": [
            {
                "week": w.label,
                "monday": w.monday.isoformat(),
                "sessions": w.sessions,
                "sets": w.sets,
                "seconds": round(w.seconds, 3),
            }
            for w in stats.weeks
        ],
        "total": {
            "sessions": stats.sessions,
            "sets": stats.sets,
            "seconds": round(stats.seconds, 3),
        },
        "sets_per_muscle": [{"muscle": m, "sets": n} for m, n in stats.sets_per_muscle],
        "streak_weeks": stats.streak_weeks,
    }


def known_muscles(routine_paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Exercise name to muscles, from the bundled exercise library and the routine files given.

    Sets are recorded under the name the routine gave the exercise, which may differ from the
    library's (``name:`` beside ``use:``, a routine in German) or come from the routine's own
    library; so the routines a history was played from are read again where their files still
    exist. They override the library, and a later path overrides an earlier one: pass the
    newest last. A path that is relative (it could point anywhere now), missing, unreadable or no
    longer a valid routine is passed over, and its exercises count under what the library says
    or under :data:`UNLISTED_MUSCLE`.
    """
    from voicecoach.errors import RoutineError
    from voicecoach.routine.library import bundled_library
    from voicecoach.routine.loader import load_routine

    muscles = {
        entry.name: entry.muscles
        for entry in bundled_library().values()
        if entry.name is not None and entry.muscles
    }
    for name in dict.fromkeys(routine_paths):
        path = Path(name)
        if not path.is_absolute() or not path.is_file():
            continue
        try:
            routine = load_routine(path)
        except RoutineError:
            continue
        muscles.update((e.name, e.muscles) for e in routine.all_exercises() if e.muscles)
    return muscles


def _no_history(path: Path, language: str | None) -> str:
    return table_language((), language).history.no_history.format(path=path)


def _sessions_of(rows: Sequence[SessionRecord], routine: str) -> list[SessionRecord]:
    """The sessions of `routine` given as a person might: its display name in any case and
    spacing, its file name (``home-back-basics``, ``my-day.yaml``) or its path."""
    from voicecoach.routine.catalog import name_key

    wanted = name_key(routine)
    stem = name_key(Path(routine).stem) if routine.endswith((".yaml", ".yml")) else wanted
    resolved = str(Path(routine).expanduser().resolve()) if os.sep in routine else None

    def matches(s: SessionRecord) -> bool:
        if name_key(s.routine_name) == wanted:
            return True
        if not s.routine_path:
            return False
        return name_key(Path(s.routine_path).stem) == stem or s.routine_path == resolved

    return [s for s in rows if matches(s)]


def history_report(
    path: Path | None,
    *,
    routine: str | None = None,
    limit: int | None = 20,
    as_json: bool = False,
    as_csv: bool = False,
    language: str | None = None,
) -> str:
    """What ``voicecoach history`` prints: the latest sessions as a table, or as JSON with every
    set, or every set as CSV (:mod:`voicecoach.history.export`), oldest first.

    `path` None is the default history; `limit` None lists every session. With no history file
    at all, nothing is created: the text says so, the JSON is an empty list, the CSV its header.
    The table is in :func:`table_language` of its sessions and `language` (the settings
    file's); JSON and CSV are the same in every language.
    """
    from voicecoach.history.export import sets_csv

    path = default_path() if path is None else path
    store = open_existing(path, read_only=True)
    if store is None:
        return sets_csv([]) if as_csv else "[]" if as_json else _no_history(path, language)
    with store:
        rows = store.recent_sessions(limit, routine=routine)
        if routine is not None and not rows:
            rows = _sessions_of(store.recent_sessions(None), routine)[:limit]
        names = store.routine_names() if routine is not None and not rows else []
        everyone = store.recent_sessions(None) if not rows else []
        sets = {s.id: store.sets_for(s.id) for s in rows} if as_json or as_csv else {}
    if as_csv:
        return sets_csv([(s, done) for s in reversed(rows) for done in sets[s.id]])
    if as_json:
        return json.dumps(sessions_json(rows, sets), indent=2, ensure_ascii=False)
    words = table_language(rows or everyone, language)
    if routine is not None and not rows:
        h = words.history
        known = h.recorded_of.format(names=", ".join(names)) if names else ""
        return h.none_of_routine.format(routine=repr(routine)) + known + "."
    return format_sessions_table(rows, words)


def stats_report(
    path: Path | None,
    *,
    now: datetime,
    weeks: int = DEFAULT_WEEKS,
    as_json: bool = False,
    width: int = 60,
    language: str | None = None,
) -> str:
    """What ``voicecoach stats`` prints: :func:`format_stats`, or :func:`stats_json` as JSON.

    `path` None is the default history. Exercises are mapped to muscles by
    :func:`known_muscles`, from the routine files the sessions were played from. With no history
    file at all, nothing is created: the text says so, and the JSON holds empty weeks. The text
    is in :func:`table_language` of the workouts of the weeks shown and `language` (the
    settings file's); the JSON is the same in every language.
    """
    path = default_path() if path is None else path
    store = open_existing(path, read_only=True)
    played: list[SessionRecord] = []
    if store is None:
        if not as_json:
            return _no_history(path, language)
        stats = compute_stats((), (), muscles={}, now=now, weeks=weeks)
    else:
        with store:
            played = store.recent_sessions(None)
            muscles = known_muscles(s.routine_path for s in reversed(played) if s.routine_path)
            stats = collect_stats(store, muscles=muscles, now=now, weeks=weeks)
    if as_json:
        return json.dumps(stats_json(stats), indent=2, ensure_ascii=False)
    first_monday = stats.weeks[0].monday
    shown = [s for s in played if _is_workout(s) and s.started_at.date() >= first_monday]
    return format_stats(stats, width=width, words=table_language(shown, language))
