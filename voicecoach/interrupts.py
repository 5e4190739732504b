"""Signals that stop a session, and the moments they must wait for.

A session stops on Ctrl-C the way Python does it (KeyboardInterrupt), and on SIGTERM, SIGHUP and
SIGQUIT the same way while :func:`signals_as_interrupt` is active, so every stop ends with a
summary and the history row ended. Such an exception can land between any two steps of Python
code; :func:`held_interrupts` makes a few steps that must not be split (a history write and the
note that it was written) wait for it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

#: The signals that stop a session the way Ctrl-C does: a kill, a closed terminal, Ctrl-\\.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """While active, SIGTERM, SIGHUP and SIGQUIT stop the session the way Ctrl-C does (with a
    summary and the history row ended), instead of killing the process where it stands."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)


@contextlib.contextmanager
def held_interrupts() -> Iterator[None]:
    """While active, Ctrl-C and the stop signals wait: one that arrives is delivered again, to
    whatever handled it before, as the block ends. Off the main thread (where signals are never
    handled) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}
    try:
        for signum in (signal.SIGINT, *STOP_SIGNALS):
            previous[signum] = signal.signal(signum, hold)
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)
    if caught:
        signal.raise_signal(caught[0])
