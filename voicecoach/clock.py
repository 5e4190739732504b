"""Clocks: the one place that reads the monotonic clock and sleeps.

The player is given a :class:`Clock`; it never reads time or sleeps by itself. The real
:class:`MonotonicClock` is used for sessions and benchmarks; :class:`FakeClock` lets a test run a
30-minute session in milliseconds: sleeping on it jumps straight to the deadline.
"""

from __future__ import annotations

import select
import time
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds and waiting for a deadline."""

    def now(self) -> float:
        """Seconds on a monotonic scale (only differences mean anything)."""
        ...

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        """Wait until `deadline`, or until `fileno` has input to read (True in that case)."""
        ...


class MonotonicClock:
    """The real clock: `time.monotonic` and sleeping or `select` on a file descriptor."""

    def now(self) -> float:
        return time.monotonic()

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        remaining = deadline - time.monotonic()
        if fileno is None:
            if remaining > 0:
                time.sleep(remaining)
            return False
        ready, _, _ = select.select([fileno], [], [], max(0.0, remaining))
        return bool(ready)


class FakeClock:
    """A clock for tests: waiting jumps to the deadline at once; time never goes backwards.

    `presses` are (time, key) pairs: :meth:`wait_until` stops at the first press that falls before
    its deadline and :meth:`read_key` returns it, as a terminal would.
    """

    def __init__(self, start: float = 1000.0, presses: list[tuple[float, str]] | None = None):
        self._now = start
        self._presses = sorted(presses or [])
        self._ready: list[str] = []
        self.waits = 0

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a FakeClock never goes backwards")
        self._now += seconds

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        self.waits += 1
        if self._presses and self._presses[0][0] <= deadline:
            at, key = self._presses.pop(0)
            self._now = max(self._now, at)
            self._ready.append(key)
            return True
        self._now = max(self._now, deadline)
        return False

    def read_key(self) -> str | None:
        """The key pressed at the moment :meth:`wait_until` returned True."""
        return self._ready.pop(0) if self._ready else None
