"""Clocks: the one place that reads the monotonic clock and sleeps.

The player is given a :class:`Clock`; it never reads time or sleeps by itself. The real
:class:`MonotonicClock` is used for sessions and benchmarks;
:class:`voicecoach.testing.FakeClock` lets a test run a 30-minute session in milliseconds:
sleeping on it jumps straight to the deadline.
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
