"""The room of one phase: the sounds already placed in it and the free stretches between them.

Every two sounds are at least :data:`GAP_MS` apart. A phrase with a choice of where to go is
placed by a :class:`Placement` inside the stretch its rule allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

#: Silence kept between any two sounds.
GAP_MS = 100


class Placement(Enum):
    """Where in its allowed stretch a phrase goes when there is a choice."""

    EARLIEST = "earliest"
    LATEST = "latest"
    NEAREST = "nearest"


@dataclass
class Room:
    """The sounds already placed in one phase, and the free room between them."""

    start: int
    end: int
    taken: list[tuple[int, int]] = field(default_factory=list)

    def fits(self, at: int, length: int) -> bool:
        # The next phase may start with a sound of its own: keep the gap before it too.
        if at < self.start or at + length > self.end - GAP_MS:
            return False
        return all(at + length + GAP_MS <= s or at >= e + GAP_MS for s, e in self.taken)

    def take(self, at: int, length: int) -> None:
        self.taken.append((at, at + length))
        self.taken.sort()

    def gaps(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Free stretches inside [lo, hi], already shrunk by GAP_MS next to taken sounds."""
        out: list[tuple[int, int]] = []
        cursor = max(lo, self.start)
        limit = min(hi, self.end - GAP_MS)
        for s, e in self.taken:
            if e + GAP_MS <= cursor:
                continue
            if s - GAP_MS > cursor:
                out.append((cursor, min(s - GAP_MS, limit)))
            cursor = max(cursor, e + GAP_MS)
            if cursor >= limit:
                break
        if cursor < limit:
            out.append((cursor, limit))
        return [(a, b) for a, b in out if b > a]

    def find(self, length: int, lo: int, hi: int, placement: Placement, target: int) -> int | None:
        """A start for `length` inside [lo, hi], by `placement`; None if there is no room."""
        spans = [(a, b) for a, b in self.gaps(lo, hi) if b - a >= length]
        if not spans:
            return None
        if placement is Placement.EARLIEST:
            return spans[0][0]
        if placement is Placement.LATEST:
            return spans[-1][1] - length
        best: int | None = None
        for a, b in spans:
            at = min(max(target, a), b - length)
            if best is None or abs(at - target) < abs(best - target):
                best = at
        return best

    def largest(self, lo: int, hi: int) -> int:
        return max((b - a for a, b in self.gaps(lo, hi)), default=0)
