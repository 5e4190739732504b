"""Single key presses from a terminal, for pause, skip, back and quit.

:class:`TerminalKeys` puts the terminal in cbreak mode (keys arrive one by one, unechoed; Ctrl-C
still raises KeyboardInterrupt) for as long as it is open and always restores it. The player
waits on its file descriptor through the clock, so no thread is involved.
"""

from __future__ import annotations

import os
import sys
import termios
import tty
from types import TracebackType
from typing import IO, Any


class TerminalKeys:
    """Keys from a terminal's standard input; use as a context manager."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdin
        self._fd = self.stream.fileno()
        self._saved: list[Any] | None = None

    def __enter__(self) -> TerminalKeys:
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._saved is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def fileno(self) -> int | None:
        return self._fd

    def read(self) -> str | None:
        data = os.read(self._fd, 1)
        if not data:
            return None
        return data.decode("utf-8", errors="replace")
