"""WebVTT captions of a rendered session: every spoken phrase a cue, and each phase's label."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import IO

from voicecoach.errors import UsageError
from voicecoach.render.writers import TempFiles, check_target, writing
from voicecoach.timeline.model import Event, EventKind, Timeline
from voicecoach.timetext import signed_clock, vtt_time


def write_captions(
    timeline: Timeline,
    path: Path,
    start_ms: int = 0,
    end_ms: int | None = None,
    *,
    phase_labels: bool = True,
) -> int:
    """Write the WebVTT captions of `timeline` (or of its window) to `path`; return the cue count.

    Every spoken phrase is a cue from its `at_ms` to its `end_ms`, its text escaped (``&``, ``<``,
    ``>``) and on one line. With `phase_labels`, every phase with a label is also a cue of its own
    for the whole phase, placed at the top of the picture (``line:0``) so that it never hides a
    phrase; at the same start time the phase cue comes first. A window keeps the cues that overlap
    it, cut to it and timed from its start. The file is replaced atomically.

    Example::

        write_captions(timeline, Path("session.vtt"))
    """
    path = Path(path)
    start, end = check_window(timeline, start_ms, end_ms)
    check_target(path)
    temps = TempFiles()
    try:
        with writing(path):
            with temps.create(path) as vtt:
                cues = write_cues(vtt, timeline, start, end, phase_labels=phase_labels)
            temps.commit()
    finally:
        temps.discard()
    return cues


def check_window(timeline: Timeline, start_ms: int, end_ms: int | None) -> tuple[int, int]:
    total = timeline.total_ms
    end = total if end_ms is None else min(end_ms, total)
    if not 0 <= start_ms < total:
        raise UsageError(
            f"the start {signed_clock(start_ms)} is outside the session, "
            f"which lasts {signed_clock(total)}"
        )
    if end <= start_ms:
        raise UsageError(
            f"the end {signed_clock(end)} must come after the start {signed_clock(start_ms)}"
        )
    return start_ms, end


def _vtt_text(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_cues(
    file: IO[bytes], timeline: Timeline, start: int, end: int, *, phase_labels: bool
) -> int:
    """Stream the WebVTT file of the window [start, end) to `file`; return the cue count."""
    # (start, rank, end, settings, text): at the same start a phase (rank 0) comes first.
    phases: Iterable[tuple[int, int, int, str, str]] = (
        ((p.start_ms, 0, p.end_ms, " line:0", p.label) for p in timeline.phases)
        if phase_labels
        else ()
    )
    speech = (
        (e.at_ms, 1, e.end_ms, "", e.text)
        for e in in_time_order(timeline.events)
        if e.kind is EventKind.SPEAK
    )
    file.write(b"WEBVTT\n")
    cues = 0
    for a, _, b, settings, text in heapq.merge(phases, speech, key=lambda c: (c[0], c[1])):
        lo, hi = max(a, start), min(b, end)
        body = _vtt_text(text)
        if lo >= hi or not body:
            continue
        cue = f"\n{vtt_time(lo - start)} --> {vtt_time(hi - start)}{settings}\n{body}\n"
        file.write(cue.encode("utf-8"))
        cues += 1
    return cues


def in_time_order(events: Sequence[Event]) -> Sequence[Event]:
    """`events` sorted by time (a compiled timeline's already are)."""
    if all(a.at_ms <= b.at_ms for a, b in pairwise(events)):
        return events
    return sorted(events, key=lambda e: e.at_ms)
