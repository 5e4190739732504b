"""Recording a workout into the history without ever stopping the workout for it.

:class:`SafeRecorder` stands between the player and a :class:`HistoryStore`. A full disk is a
fault that freeing space undoes: what cannot be written then (the session's start, its sets,
corrections, its end) is kept in memory, in order, and written at the next call once there is
room again, so a session whose disk fills and is freed before it ends loses nothing and ends
with its true status. A session whose disk stays full to the end keeps what was written before
(its row reads as interrupted, and the next voicecoach that can write marks it so). Any other
storage fault (a file made read-only, a lock held too long) switches history off for the rest
of the session. Each is said once, and the workout always goes on. A Ctrl-C during a write
waits for the write (and the note that it is written) to end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from voicecoach.history.store import HistoryError, HistoryStore
from voicecoach.interrupts import held_interrupts
from voicecoach.outcome import Outcome


class _Kind(Enum):
    START = "start"
    SET = "set"
    CORRECT = "correct"
    END = "end"


@dataclass(frozen=True)
class _Call:
    """A recording call not yet written: its own handle, the handle (or id) of the session or
    set it is about, and its arguments."""

    kind: _Kind
    handle: int
    about: int | None
    values: dict[str, Any]


class SafeRecorder:
    """Records one workout into a store without ever stopping the workout for it.

    The ids it returns are the file's, or, for a session or set still waiting for room on a full
    disk, a negative stand-in that later calls accept all the same. With `store` None, history
    is off from the start and nothing is said (``--no-history``), unless `reopen` is given: then
    the history could not be opened for writing because the disk is full (`unsaved`, said at
    once), and `reopen` is tried again at each call to open it once there is room. Mistakes in
    the arguments are not storage faults and still raise.
    """

    def __init__(
        self,
        store: HistoryStore | None,
        *,
        warn: Callable[[str], None],
        reopen: Callable[[], HistoryStore] | None = None,
        unsaved: HistoryError | None = None,
        path: Path | None = None,
    ) -> None:
        self._store = store
        self._reopen = reopen
        self._warn = warn
        self._path = store.path if store is not None else path
        #: The fault that switched history off, if one did.
        self.error: HistoryError | None = None
        #: The full disk that keeps calls waiting, while it lasts.
        self.unsaved: HistoryError | None = None
        self._waiting: list[_Call] = []
        self._ids: dict[int, int] = {}
        self._last_handle = 0
        self._said_full = False
        self._owned: HistoryStore | None = None
        if unsaved is not None:
            self._fault(unsaved)

    @property
    def active(self) -> bool:
        """True while sessions are being recorded (or kept to be, on a full disk)."""
        return (self._store is not None or self._reopen is not None) and self.error is None

    @property
    def waiting(self) -> int:
        """How many recording calls are kept, not yet written, for want of room."""
        return len(self._waiting)

    def close(self) -> None:
        """Close the store this recorder opened itself (see `reopen`), if it did."""
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    # Recording: each call is kept in order, then everything kept is written that can be.

    def start_session(self, **values: Any) -> int | None:
        """As :meth:`HistoryStore.start_session`; None when history is off."""
        return self._call(_Kind.START, None, values)

    def record_set(self, session_id: int | None, **values: Any) -> int | None:
        """As :meth:`HistoryStore.record_set`; None when history is off."""
        if session_id is None:
            return None
        return self._call(_Kind.SET, session_id, values)

    def correct_set(self, set_id: int | None, **values: Any) -> None:
        """As :meth:`HistoryStore.correct_set`; nothing when history is off."""
        if set_id is not None:
            self._call(_Kind.CORRECT, set_id, values)

    def end_session(self, session_id: int | None, *, status: Outcome, ended_at: datetime) -> None:
        """As :meth:`HistoryStore.end_session`; nothing when history is off.

        The last call of a session: if the disk was full meanwhile and everything kept is now
        written, that is said."""
        if session_id is None:
            return
        self._call(_Kind.END, session_id, {"status": Outcome(status), "ended_at": ended_at})
        if self._said_full and not self._waiting and self.error is None:
            self._warn("history saved: space was freed, and every set of this session is recorded")

    def _call(self, kind: _Kind, about: int | None, values: dict[str, Any]) -> int | None:
        if not self.active:
            return None
        self._last_handle -= 1
        handle = self._last_handle
        # Ctrl-C between a write and its removal from the queue would write it twice later.
        with held_interrupts():
            self._waiting.append(_Call(kind, handle, about, values))
            self._write_waiting()
        if self.error is not None:
            return None
        return self._ids.get(handle, handle)

    def _write_waiting(self) -> None:
        store = self._writer()
        while store is not None and self._waiting:
            call = self._waiting[0]
            try:
                self._write(store, call)
            except HistoryError as exc:
                self._fault(exc)
                return
            except ValueError:
                del self._waiting[0]  # a mistake in the call, not a storage fault
                raise
            del self._waiting[0]
        if not self._waiting:
            self.unsaved = None

    def _writer(self) -> HistoryStore | None:
        if self._store is None and self._reopen is not None:
            try:
                self._store = self._owned = self._reopen()
            except HistoryError as exc:
                self._fault(exc)
        return self._store

    def _id(self, handle_or_id: int | None) -> int:
        assert handle_or_id is not None
        return self._ids[handle_or_id] if handle_or_id < 0 else handle_or_id

    def _write(self, store: HistoryStore, call: _Call) -> None:
        if call.kind is _Kind.START:
            self._ids[call.handle] = store.start_session(**call.values)
        elif call.kind is _Kind.SET:
            self._ids[call.handle] = store.record_set(self._id(call.about), **call.values)
        elif call.kind is _Kind.CORRECT:
            store.correct_set(self._id(call.about), **call.values)
        else:
            store.end_session(self._id(call.about), **call.values)

    def _fault(self, exc: HistoryError) -> None:
        if exc.disk_full:
            self.unsaved = exc
            if not self._said_full:
                self._said_full = True
                where = f" ({self._path})" if self._path is not None else ""
                self._warn(
                    f"warning: history not saved: the disk is full{where}; the workout goes on, "
                    "and its sets are saved if space is freed before it ends"
                )
            return
        self.error = exc
        self._waiting.clear()
        self._warn(f"warning: workout history is off for this session ({exc}); the workout goes on")
