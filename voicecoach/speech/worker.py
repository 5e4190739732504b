"""Native speech engines in a child process: a crash there is an error here, not the end.

pyttsx3 (and other engines that load a C library into Python) can crash the process they run in:
libespeak-ng reads past the end of pyttsx3's text buffer, for one. So such an engine runs in a
worker process, ``python -m voicecoach.speech.worker MODULE:FACTORY``, that keeps the engine's own
rules inside it (one engine, one thread). The parent sends one request at a time as a line of
JSON on the child's standard input and reads one line of JSON back; when the child dies, the
request raises :class:`WorkerCrashed`, which says how it died, and the next request starts a new
child.

Inside the child, file descriptor 1 is /dev/null (libraries print there: pyttsx3's
"Audio saved to ..." lines); the replies go out on a copy of the original descriptor. What the
engine prints on standard error is kept, and its last line is part of the error when the child
fails.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any, Protocol

from voicecoach.errors import SpeechUnavailable
from voicecoach.speech.engine import SpeechSettings, UnknownVoiceError, VoiceInfo

#: How long a child may take to start its engine.
START_TIMEOUT_S = 30.0


class WorkerCrashed(SpeechUnavailable):
    """The worker process died (a native crash, or killed) while it had a request."""

    def __init__(self, label: str, death: str) -> None:
        super().__init__(f"{label} stopped: {death}")
        #: How the process ended ("its process was killed by SIGSEGV").
        self.death = death


class NativeSynthesis(Protocol):
    """What a worker process runs: one engine, used from the child's one request loop."""

    def start(self) -> None:
        """Load the engine; raise SpeechUnavailable if it cannot be loaded."""
        ...

    def synthesize(self, settings: SpeechSettings, text: str, path: Path) -> None:
        """Write `text` spoken with `settings` to `path`, a mono 16-bit WAV file."""
        ...

    def voices(self) -> list[VoiceInfo]:
        """The engine's voices."""
        ...


def _died(returncode: int | None) -> str:
    if returncode is None:
        return "stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with status {returncode}"


class WorkerProcess:
    """One child process serving one engine; thread-safe, one request at a time.

    `after_send`, if set, is called with the worker and the request after each request has been
    written and before its answer is read (tests use it to kill the child mid-synthesis).
    """

    def __init__(self, target: str, *, label: str) -> None:
        self.target = target
        self.label = label
        self.after_send: Callable[[WorkerProcess, dict[str, Any]], None] | None = None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=20)
        #: How many children have been started (1 + restarts).
        self.starts = 0
        self._start_called_off = False

    @property
    def pid(self) -> int | None:
        """The running child's process id, if one is running."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def start(self) -> None:
        """Start the child unless it runs; raise SpeechUnavailable if its engine cannot start."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()

    def start_in_background(self) -> threading.Thread:
        """Start the child on a thread of its own, and return that thread: the child starts
        while this process does other work, and the first :meth:`call` waits for it.

        A child that cannot start is not reported here: the next call starts one again and
        raises what stopped it. :meth:`stop` calls the start off.
        """
        self._start_called_off = False

        def start() -> None:
            with self._lock:
                if self._start_called_off or (self._proc is not None and self._proc.poll() is None):
                    return
                with contextlib.suppress(SpeechUnavailable):  # raised again by the next call
                    self._start()

        thread = threading.Thread(target=start, daemon=True, name=f"{self.label}-start")
        thread.start()
        return thread

    def call(self, request: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        """Send `request`, return the child's reply; start a child first if none runs.

        Raises WorkerCrashed if the child dies meanwhile, SpeechUnavailable if it cannot start
        or does not answer within `timeout` seconds (it is then stopped).
        """
        with self._lock:
            proc = self._proc if self._proc is not None and self._proc.poll() is None else None
            if proc is None:
                proc = self._start()
            assert proc.stdin is not None
            try:
                proc.stdin.write(json.dumps(request).encode() + b"\n")
                proc.stdin.flush()
            except OSError:
                return self._reply(proc, timeout)  # it died: the reader has the end
            if self.after_send is not None:
                self.after_send(self, request)
            try:
                return self._reply(proc, timeout)
            except KeyboardInterrupt:
                # Its answer would be read as the next request's: that one starts a new child.
                self._proc = None
                _stop(proc)
                raise

    def close(self) -> None:
        """Stop the child (it also stops by itself when this process ends)."""
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is not None:
                _stop(proc)

    def stop(self) -> None:
        """Stop the child now, even while it starts or makes a phrase (a request waiting on it
        raises WorkerCrashed), and call off a start in the background that has not begun; the
        next request starts a new child."""
        self._start_called_off = True
        proc = self._proc
        if proc is not None:
            proc.kill()
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        self._replies = queue.Queue()
        self._stderr.clear()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "voicecoach.speech.worker", self.target],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # Out of the terminal's process group: Ctrl-C and a closed terminal reach the
                # session, which stops the child itself (a child whose parent is gone reads end
                # of input and exits).
                start_new_session=True,
            )
        except OSError as err:
            raise SpeechUnavailable(f"{self.label} could not start: {err}") from err
        self.starts += 1
        assert proc.stdout is not None
        assert proc.stderr is not None
        replies, stderr = self._replies, self._stderr
        threading.Thread(
            target=_read_replies, args=(proc.stdout, replies), daemon=True, name="speech-reply"
        ).start()
        threading.Thread(
            target=_read_errors, args=(proc.stderr, stderr), daemon=True, name="speech-stderr"
        ).start()
        self._proc = proc
        try:
            ready = self._reply(proc, START_TIMEOUT_S)
        except WorkerCrashed as err:
            raise SpeechUnavailable(f"{self.label} could not start: {err.death}") from None
        if not ready.get("ready"):
            self._proc = None
            _stop(proc)
            raise SpeechUnavailable(str(ready.get("message")))
        return proc

    def _reply(self, proc: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            self._proc = None
            _stop(proc)
            raise SpeechUnavailable(
                f"{self.label} stopped answering (no result in {timeout:.0f} s)"
            ) from None
        if reply is not None:
            return reply
        self._proc = None
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        _stop(proc)
        last = next((line for line in reversed(self._stderr) if line.strip()), "")
        why = f" ({last.strip()})" if last and proc.returncode != 0 else ""
        raise WorkerCrashed(self.label, f"its process {_died(proc.returncode)}{why}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    if proc.poll() is None:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _read_replies(stream: IO[bytes], replies: queue.Queue[dict[str, Any] | None]) -> None:
    with contextlib.suppress(OSError, ValueError):
        for line in stream:
            try:
                replies.put(json.loads(line))
            except ValueError:
                break
    replies.put(None)


def _read_errors(stream: IO[bytes], lines: deque[str]) -> None:
    with contextlib.suppress(OSError, ValueError):
        for line in stream:
            lines.append(line.decode(errors="replace"))


_workers_lock = threading.Lock()
_workers: dict[str, WorkerProcess] = {}


def shared_worker(target: str, *, label: str) -> WorkerProcess:
    """The process-wide worker for `target` (one engine per process, as the engines need)."""
    with _workers_lock:
        worker = _workers.get(target)
        if worker is None:
            worker = _workers[target] = WorkerProcess(target, label=label)
        return worker


# -- parent side: a Synthesizer ----------------------------------------------------------------


def raise_error(reply: dict[str, Any]) -> None:
    """Turn an error reply into the exception the child raised."""
    kind, message = reply.get("error"), str(reply.get("message"))
    if kind == "voice":
        raise UnknownVoiceError(message)
    if kind is not None:
        raise SpeechUnavailable(message)


# -- child side ----------------------------------------------------------------------------------


def _load(target: str) -> NativeSynthesis:
    module, _, factory = target.partition(":")
    made: NativeSynthesis = getattr(importlib.import_module(module), factory)()
    return made


def _answer(out: IO[bytes], reply: dict[str, Any]) -> None:
    out.write(json.dumps(reply).encode() + b"\n")
    out.flush()


def _handle(native: NativeSynthesis, request: dict[str, Any]) -> dict[str, Any]:
    try:
        if request["op"] == "voices":
            return {"voices": [asdict(v) for v in native.voices()]}
        settings = SpeechSettings(**request["settings"])
        native.synthesize(settings, request["text"], Path(request["path"]))
        return {"done": True}
    except UnknownVoiceError as err:
        return {"error": "voice", "message": str(err)}
    except SpeechUnavailable as err:
        return {"error": "unavailable", "message": str(err)}
    except Exception as err:  # noqa: BLE001 - reported to the parent, which decides
        return {"error": "failed", "message": f"{type(err).__name__}: {err}"}


def main(argv: Sequence[str]) -> int:
    """Serve requests for the engine `argv[0]` names until standard input ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        native = _load(argv[0])
        native.start()
    except SpeechUnavailable as err:
        _answer(out, {"ready": False, "message": str(err)})
        return 1
    except Exception as err:  # noqa: BLE001 - any failure here means "this engine is missing"
        _answer(out, {"ready": False, "message": f"{type(err).__name__}: {err}"})
        return 1
    _answer(out, {"ready": True})
    for line in sys.stdin.buffer:
        _answer(out, _handle(native, json.loads(line)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
