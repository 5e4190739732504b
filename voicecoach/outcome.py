"""How a session ended: the one name for it, used by the player, the history and the CLI."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """How a session ended.

    The history also stores ``running`` for a session that has begun and not ended yet; read
    back, a session that never ended is :attr:`INTERRUPTED`.
    """

    COMPLETED = "completed"
    QUIT = "quit"
    INTERRUPTED = "interrupted"
