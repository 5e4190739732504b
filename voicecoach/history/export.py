"""Every recorded set with its session, planned and done values: CSV and JSON.

The CSV is comma-separated with double quotes where needed (RFC 4180, with LF line ends), UTF-8,
one header row, one row per set (each side of a set is a row), oldest first. Times are ISO 8601 with
their UTC offset. Spreadsheets (LibreOffice Calc, Excel, Google Sheets) open it as it is; data
tools read it with their CSV readers (``pandas.read_csv``, ``sqlite3 .import --csv``). Columns
are listed in :data:`CSV_COLUMNS` and docs/history.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from voicecoach.history.store import SessionRecord, SetRecord
from voicecoach.routine.progress import number_text, parse_load

CSV_COLUMNS: Final = (
    "session_id",
    "session_started_at",
    "routine",
    "program",
    "session_status",
    "language",
    "exercise",
    "exercise_index",
    "round",
    "set",
    "side",
    "warmup",
    "skipped",
    "rounds",
    "planned_reps",
    "done_reps",
    "planned_seconds",
    "done_seconds",
    "planned_weight",
    "done_weight",
    "done_weight_amount",
    "done_weight_unit",
    "entered",
    "finished_at",
)


def _seconds(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def set_row(session: SessionRecord, s: SetRecord) -> dict[str, Any]:
    """One set as a mapping of :data:`CSV_COLUMNS` to JSON-ready values."""
    load = parse_load(s.weight)
    return {
        "session_id": session.id,
        "session_started_at": session.started_at.isoformat(),
        "routine": session.routine_name,
        "program": session.program,
        "session_status": session.shown_status,
        "language": session.language,
        "exercise": s.exercise,
        "exercise_index": s.exercise_index,
        "round": s.round_number,
        "set": s.set_number,
        "side": s.side,
        "warmup": s.warmup,
        "skipped": s.skipped,
        "rounds": s.rounds,
        "planned_reps": s.planned_reps,
        "done_reps": None if s.skipped else s.reps,
        "planned_seconds": s.planned_seconds,
        "done_seconds": None if s.skipped else s.seconds,
        "planned_weight": s.planned_weight,
        "done_weight": None if s.skipped else s.weight,
        "done_weight_amount": None if s.skipped or load is None else float(load.amount),
        "done_weight_unit": None if s.skipped or load is None else load.unit,
        "entered": s.entered.value,
        "finished_at": s.finished_at.isoformat(),
    }


#: A text cell starting with one of these would be run as a formula by a spreadsheet.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return number_text(Decimal(str(value)))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # shown as written, never evaluated
    return str(value)


def sets_csv(rows: Sequence[tuple[SessionRecord, SetRecord]]) -> str:
    """The sets as CSV text (see the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for session, s in rows:
        row = set_row(session, s)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


#: The columns of a set that belong to its session, left out of a set within a session's JSON.
SESSION_COLUMNS: Final = (
    "session_id",
    "session_started_at",
    "routine",
    "program",
    "session_status",
    "language",
)


def set_json(session: SessionRecord, s: SetRecord) -> dict[str, Any]:
    """One set as ``history --json`` lists it within its session."""
    row = set_row(session, s)
    return {k: v for k, v in row.items() if k not in SESSION_COLUMNS}
