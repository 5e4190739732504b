"""Finding places in a timeline: an exercise by name, where to resume, a window to render."""

from __future__ import annotations

import difflib

from voicecoach.errors import UsageError
from voicecoach.timeline.model import Block, PhaseKind, SetKey, Timeline, set_key


def find_start(timeline: Timeline, name: str) -> int:
    """The phase index where exercise `name` is first announced (case and spaces ignored)."""

    def norm(text: str) -> str:
        return " ".join(text.lower().replace("-", " ").split())

    wanted = norm(name)
    names: dict[str, int] = {}
    for phase in timeline.phases:
        if phase.kind is PhaseKind.ANNOUNCE and phase.exercise:
            names.setdefault(phase.exercise, phase.index)
    for exercise, index in names.items():
        if norm(exercise) == wanted:
            return index
    by_norm = {norm(exercise): exercise for exercise in names}
    close = difflib.get_close_matches(wanted, list(by_norm), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(by_norm[c] for c in close)}?" if close else ""
    raise UsageError(f"no exercise {name!r} in this routine{hint} (it has: {', '.join(names)})")


def resume_start(timeline: Timeline, done: frozenset[SetKey]) -> int | None:
    """Where to pick up after an interruption: the first set not done.

    The session restarts at that exercise's announcement if the set is its first, else at the
    rest (or switch) just before the set, so the person gets the countdown; an EMOM circuit at
    the rest before the round not done, an interval circuit at its announcement (its rounds are
    one effort). None if every set is done.
    """
    for phase in timeline.phases:
        if not phase.is_work or set_key(phase) in done:
            continue
        if phase.block is Block.INTERVALS and phase.block_start is not None:
            return phase.block_start  # intervals are one effort: the block starts over
        before = timeline.phases[phase.index - 1] if phase.index else None
        if before is not None and before.kind is PhaseKind.PREPARE:
            announce = timeline.phases[before.index - 1]
            return announce.index if announce.kind is PhaseKind.ANNOUNCE else before.index
        return before.index if before is not None else phase.index
    return None


def window(timeline: Timeline, start_at: str | None, end_at: str | None) -> tuple[int, int]:
    """The part of a session from exercise `start_at`'s announcement to the end of exercise
    `end_at`'s last set (None: from the start, to the end), in timeline milliseconds."""
    start = timeline.phases[find_start(timeline, start_at)].start_ms if start_at else 0
    end = timeline.total_ms
    if end_at:
        first = timeline.phases[find_start(timeline, end_at)]
        last = [p for p in timeline.phases if p.is_work and p.exercise == first.exercise]
        end = last[-1].end_ms
    if end <= start:
        raise UsageError(f"--to {end_at!r} comes before --from {start_at!r} in this routine")
    return start, end
