"""Statistics of one exercise: best set, estimated one-rep maximum, volume per week, load chart.

What ``voicecoach stats --exercise NAME`` prints. Only work sets done count (not skipped, not
warm-up sets). Weights are compared and added in one unit, the unit of the latest set with a
weight; sets in another unit are left out of the weight figures, never converted.

- Best set: the heaviest weight done, then the most reps at it, then the earliest.
- Estimated one-rep maximum: Epley's formula, weight × (1 + reps / 30), for one rep the weight
  itself; the highest over all sets, with the set it comes from.
- Load per session: the heaviest work set of each session.
- Volume per week: weight × reps of the work sets, per ISO week, from the exercise's first week
  to its last (weeks without sets in between show as zero).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from voicecoach.errors import UsageError
from voicecoach.history.store import SessionRecord, SetRecord, default_path, open_existing
from voicecoach.routine.progress import Load, number_text, parse_load
from voicecoach.timeline.language import Language, language_for


def epley(weight: Decimal, reps: int) -> Decimal:
    """The one-rep maximum Epley's formula estimates from `reps` at `weight` (one rep: itself)."""
    if reps < 1:
        raise ValueError(f"reps must be at least 1, not {reps}")
    if reps == 1:
        return weight
    return weight * (1 + Decimal(reps) / 30)


@dataclass(frozen=True)
class DoneLift:
    """One done work set with a weight."""

    when: datetime
    session_id: int
    reps: int
    load: Load


@dataclass(frozen=True)
class ExerciseStats:
    name: str
    unit: str | None
    sessions: int
    work_sets: int
    first: date | None
    last: date | None
    best: DoneLift | None
    best_e1rm: tuple[Decimal, DoneLift] | None
    #: (session date, working weight) oldest first.
    loads: tuple[tuple[date, Decimal], ...]
    #: (ISO week label, weight × reps) oldest first, weeks without sets included.
    volume: tuple[tuple[str, Decimal], ...]
    #: Reps per week for sets without a weight.
    reps_per_week: tuple[tuple[str, int], ...]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _norm(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").replace("_", " ").split())


def exercise_names(sets: Sequence[SetRecord]) -> list[str]:
    """The exercises with at least one recorded set, as first written, sorted."""
    names: dict[str, str] = {}
    for s in sets:
        names.setdefault(_norm(s.exercise), s.exercise)
    return sorted(names.values(), key=str.casefold)


def compute_exercise_stats(
    name: str, sessions: Sequence[SessionRecord], sets: Sequence[SetRecord]
) -> ExerciseStats:
    """The statistics of exercise `name` (case, spaces and dashes ignored) over all its work
    sets done. Weights are compared and added up in one unit: the unit of the latest set with
    a weight; sets in another unit are left out of the weight figures."""
    started = {s.id: s.started_at for s in sessions}
    mine = [s for s in sets if _norm(s.exercise) == _norm(name) and not s.skipped and not s.warmup]
    shown = mine[-1].exercise if mine else name
    lifts = [
        DoneLift(s.finished_at, s.session_id, s.reps, load)
        for s in mine
        if s.reps and (load := parse_load(s.weight)) is not None
    ]
    unit = lifts[-1].load.unit if lifts else None
    lifts = [lift for lift in lifts if lift.load.unit == unit]
    best = max(lifts, key=lambda x: (x.load.amount, x.reps, -x.when.timestamp()), default=None)
    e1rm = max(
        ((epley(x.load.amount, x.reps), x) for x in lifts),
        key=lambda pair: (pair[0], -pair[1].when.timestamp()),
        default=None,
    )
    per_session: dict[int, list[DoneLift]] = {}
    for lift in lifts:
        per_session.setdefault(lift.session_id, []).append(lift)
    loads = tuple(
        (started.get(sid, group[0].when).date(), max(x.load.amount for x in group))
        for sid, group in sorted(per_session.items(), key=lambda kv: kv[1][0].when)
    )
    days = [s.finished_at.date() for s in mine]
    volume: tuple[tuple[str, Decimal], ...] = ()
    reps_weeks: tuple[tuple[str, int], ...] = ()
    if days:
        first_monday, this_monday = _monday(min(days)), _monday(max(days))
        weeks = [
            first_monday + timedelta(weeks=i)
            for i in range((this_monday - first_monday).days // 7 + 1)
        ]
        if lifts:
            totals = {w: Decimal(0) for w in weeks}
            for lift in lifts:
                totals[_monday(lift.when.date())] += lift.load.amount * lift.reps
            volume = tuple((_week(w), v) for w, v in totals.items())
        else:
            counts = {w: 0 for w in weeks}
            for s in mine:
                counts[_monday(s.finished_at.date())] += s.reps or 0
            reps_weeks = tuple((_week(w), n) for w, n in counts.items())
    return ExerciseStats(
        name=shown,
        unit=unit,
        sessions=len({s.session_id for s in mine}),
        work_sets=len(
            {(s.session_id, s.exercise_index, s.round_number, s.set_number) for s in mine}
        ),
        first=min(days) if days else None,
        last=max(days) if days else None,
        best=best,
        best_e1rm=e1rm,
        loads=loads,
        volume=volume,
        reps_per_week=reps_weeks,
    )


def _amount(value: Decimal) -> str:
    return number_text(value.quantize(Decimal("0.1")) if value != value.to_integral() else value)


def format_exercise_stats(
    st: ExerciseStats, *, width: int = 60, words: Language | None = None
) -> str:
    """What ``voicecoach stats --exercise NAME`` prints, in `words`' language (English by
    default)."""
    from voicecoach.history.stats import bar_chart, chart_number

    words = words or language_for("en")
    h = words.history
    if not st.work_sets:
        return h.no_work_sets.format(name=repr(st.name))
    lines = [
        h.exercise_head.format(
            name=st.name,
            sets=words.plural(st.work_sets, h.work_sets),
            sessions=words.plural(st.sessions, h.sessions),
            first=st.first,
            last=st.last,
        )
    ]

    def shown(value: float) -> str:
        return chart_number(value).replace(".", h.decimal)

    chart: dict[str, Any] = {"width": width, "value_format": shown}
    if st.best is not None and st.best_e1rm is not None and st.unit is not None:
        b = st.best
        lines.append(
            h.best_set.format(
                reps=words.plural(b.reps, h.reps),
                load=words.written_weight(str(b.load)),
                day=b.when.date(),
            )
        )
        value, src = st.best_e1rm
        lines.append(
            h.e1rm.format(
                value=words.written_weight(f"{_amount(value)} {st.unit}"),
                reps=words.plural(src.reps, h.reps),
                load=words.written_weight(str(src.load)),
                day=src.when.date(),
                formula=h.e1rm_formula,
            )
        )
        lines += ["", h.load_chart.format(unit=st.unit)]
        lines.append(bar_chart([(str(d), float(w)) for d, w in st.loads], **chart))
        lines += ["", h.volume_chart.format(unit=st.unit)]
        lines.append(bar_chart([(w, float(v)) for w, v in st.volume], **chart))
    else:
        lines.append(h.no_weight)
        lines.append(bar_chart([(w, float(n)) for w, n in st.reps_per_week], width=width))
    return "\n".join(lines)


def names_of_library_id(library_id: str, routine_paths: Sequence[str]) -> list[str]:
    """The names the exercise library id `library_id` (case and dashes ignored) has: in the
    bundled library, and in the routine files given that still load (`use:` with its `name:`,
    or an id of the routine's own library)."""
    from voicecoach.errors import RoutineError
    from voicecoach.routine.library import bundled_library
    from voicecoach.routine.loader import load_routine

    wanted = _norm(library_id)
    names = [e.name for e in bundled_library().values() if e.name and _norm(e.id) == wanted]
    for name in dict.fromkeys(routine_paths):
        path = Path(name)
        if not path.is_absolute() or not path.is_file():
            continue
        try:
            routine = load_routine(path)
        except RoutineError:
            continue
        names += [
            e.name
            for e in routine.all_exercises()
            if e.library_id is not None and _norm(e.library_id) == wanted
        ]
    return names


def exercise_report(
    path: Path | None, name: str, *, width: int = 60, language: str | None = None
) -> str:
    """`voicecoach stats --exercise NAME`; the history is only read, never created. The text is
    in the language of the sessions the exercise was done in, by
    :func:`voicecoach.history.stats.table_language` with `language` (the settings file's)."""
    from voicecoach.history.stats import table_language

    path = default_path() if path is None else path
    store = open_existing(path, read_only=True)
    if store is None:
        return table_language((), language).history.no_history.format(path=path)
    with store:
        sessions = store.recent_sessions(None)
        sets = store.all_sets()
    known = exercise_names(sets)
    recorded = {_norm(n) for n in known}
    if _norm(name) not in recorded:
        paths = [s.routine_path for s in sessions if s.routine_path]
        named = {_norm(n) for n in names_of_library_id(name, paths)} & recorded
        # The name of the newest set of the exercise that library id stands for.
        name = next((s.exercise for s in reversed(sets) if _norm(s.exercise) in named), name)
    if _norm(name) not in recorded:
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(
            f"no sets of an exercise named {name!r} in the history{hint} "
            f"(recorded: {', '.join(known) or 'none'})"
        )
    mine = {s.session_id for s in sets if _norm(s.exercise) == _norm(name)}
    words = table_language((s for s in sessions if s.id in mine), language)
    return format_exercise_stats(
        compute_exercise_stats(name, sessions, sets), width=width, words=words
    )
