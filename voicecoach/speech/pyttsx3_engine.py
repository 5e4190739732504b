"""The pyttsx3 engine (its espeak driver), in a worker process of its own.

libespeak-ng is native code that can crash the process it runs in, and pyttsx3 allows one engine
a process, used from one thread. So :class:`Pyttsx3Synthesizer` sends each phrase to a worker
process (:mod:`voicecoach.speech.worker`) in which one thread owns the one engine; if that
process dies, the phrase raises :class:`~voicecoach.speech.worker.WorkerCrashed` and the next one
starts a new process.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TypeVar

from voicecoach.errors import SpeechUnavailable
from voicecoach.speech.engine import (
    SpeechSettings,
    UnknownVoiceError,
    VoiceInfo,
    check_text,
    timeout_s,
)
from voicecoach.speech.espeak_engine import EspeakNgEngine
from voicecoach.speech.text import plain_text
from voicecoach.speech.worker import WorkerProcess, raise_error, shared_worker

_T = TypeVar("_T")


class _Pyttsx3Worker:
    """The one thread that owns the process's one pyttsx3 engine."""

    def __init__(self) -> None:
        self._jobs: list[tuple[Callable[[Any], Any], Future[Any]]] = []
        self._wake = threading.Condition()
        self._started: Future[None] = Future()
        self._broken: str | None = None
        self._finished = threading.Event()
        self._completed = False
        self._espeak_busy: Callable[[], bool] = lambda: False
        self._errors: list[BaseException] = []
        self._applied: tuple[str, int, float] | None = None
        self._thread = threading.Thread(target=self._run, name="voicecoach-pyttsx3", daemon=True)
        self._thread.start()

    def wait_started(self) -> None:
        """Raise SpeechUnavailable if the engine could not be started."""
        try:
            self._started.result(timeout=30)
        except FutureTimeout:
            raise SpeechUnavailable("pyttsx3 did not start within 30 s") from None

    def call(self, job: Callable[[Any], _T], timeout: float) -> _T:
        """Run `job(engine)` on the worker thread and return its result."""
        self.wait_started()
        if self._broken:
            raise SpeechUnavailable(self._broken)
        future: Future[_T] = Future()
        with self._wake:
            self._jobs.append((job, future))
            self._wake.notify()
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self._broken = (
                f"pyttsx3 stopped answering (no result in {timeout:.0f} s); "
                "restart voicecoach, or use the espeak-ng engine"
            )
            raise SpeechUnavailable(self._broken) from None

    def _run(self) -> None:
        try:
            import pyttsx3

            _pass_the_text_length()
            engine = pyttsx3.init("espeak")
            engine.connect("finished-utterance", self._on_finished)
            engine.connect("error", self._on_error)
            with contextlib.suppress(ImportError, AttributeError):
                from pyttsx3.drivers import _espeak

                self._espeak_busy = lambda: bool(_espeak.IsPlaying())
            with tempfile.TemporaryDirectory(prefix="voicecoach-") as folder:
                self.warm_up(engine, folder)
        except Exception as err:  # noqa: BLE001 - any failure here means "no pyttsx3"
            self._started.set_exception(
                SpeechUnavailable(f"pyttsx3 could not start: {type(err).__name__}: {err}")
            )
            return
        self._started.set_result(None)
        while True:
            with self._wake:
                while not self._jobs:
                    self._wake.wait()
                job, future = self._jobs.pop(0)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job(engine))
            except BaseException as err:  # noqa: BLE001 - handed to the waiting caller
                future.set_exception(err)

    # Callbacks: called on espeak's own thread (finished) or on this worker (errors).
    def _on_finished(self, name: str | None, completed: bool) -> None:
        # Not matched by name: pyttsx3 reports the name of the last command it ran, which is its
        # own end-of-loop marker. One phrase is in flight at a time, so any event is its event.
        self._completed = completed
        self._finished.set()

    def _on_error(self, name: str | None, exception: BaseException) -> None:
        self._errors.append(exception)

    def _wait_idle(self) -> None:
        """Wait until espeak's own queue is empty.

        espeak runs property changes and phrases on its own thread, and is busy for a moment
        after each. pyttsx3 starts every runAndWait by cancelling whatever espeak is busy with,
        and espeak's cancel puts back the rate, volume and voice of the last phrase: new settings
        are silently lost, or the new phrase is cancelled. So nothing starts until it is idle.
        """
        deadline = time.monotonic() + 5.0
        while self._espeak_busy() and time.monotonic() < deadline:
            time.sleep(0.0005)

    def warm_up(self, engine: Any, folder: str) -> None:
        """Runs on the worker thread once: one throwaway phrase.

        A fresh engine queues property changes until its first runAndWait and then applies them
        right before that run's cancel (see :meth:`_wait_idle`); after one run it applies them
        at once, where they can be waited for.
        """
        self._wait_idle()
        path = os.path.join(folder, "warm-up.wav")
        self._finished.clear()
        engine.save_to_file("ready", path)
        engine.runAndWait()
        self._finished.wait(10.0)
        self._wait_idle()

    def synthesize(self, engine: Any, text: str, path: str, settings: SpeechSettings) -> None:
        """Runs on the worker thread: one phrase, one runAndWait, completion from the callback."""
        self._wait_idle()
        self._errors.clear()
        wanted = (settings.voice_id, settings.rate, float(settings.volume))
        if wanted != self._applied:
            engine.setProperty("voice", settings.voice_id)
            engine.setProperty("rate", round(PYTTSX3.rate_control(settings.rate)))
            engine.setProperty("volume", float(settings.volume))
            self._applied = wanted
            self._wait_idle()
            self._raise_errors(text, settings)
        # pyttsx3 opens the file only once the speech is made, and an error there is printed,
        # never reported: a folder that cannot be written would look like a hang.
        with open(path, "wb"):
            pass
        self._finished.clear()
        engine.save_to_file(text, path)
        # runAndWait may return before the file is written: the finished-utterance event, sent
        # once the file is closed, is what says it is done.
        engine.runAndWait()
        done = self._finished.wait(timeout_s(text))
        self._wait_idle()
        self._raise_errors(text, settings)
        if not done:
            self._broken = f"pyttsx3 never finished {text!r}; restart voicecoach"
            raise SpeechUnavailable(self._broken)
        if not self._completed:
            raise SpeechUnavailable(f"pyttsx3 cancelled {text!r} before it was done")

    def _raise_errors(self, text: str, settings: SpeechSettings) -> None:
        # pyttsx3 hands errors only to the "error" callback: a bad voice id raises nothing.
        if not self._errors:
            return
        self._applied = None
        first = self._errors[0]
        if "voice" in str(first).lower():
            raise UnknownVoiceError(f"pyttsx3 has no voice {settings.voice_id!r} ({first})")
        raise SpeechUnavailable(f"pyttsx3 failed on {text!r}: {first}")

    @staticmethod
    def voices(engine: Any) -> list[VoiceInfo]:
        out = []
        for v in engine.getProperty("voices"):
            langs = tuple(str(lang).lower() for lang in (v.languages or ()) if lang)
            out.append(VoiceInfo(str(v.id).lower(), str(v.name or v.id), langs, "pyttsx3"))
        return out


_worker_lock = threading.Lock()
_worker: _Pyttsx3Worker | None = None


def _pyttsx3_worker() -> _Pyttsx3Worker:
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = _Pyttsx3Worker()
        worker = _worker
    worker.wait_started()
    return worker


class Pyttsx3InProcess:
    """What the worker process runs (:class:`~voicecoach.speech.worker.NativeSynthesis`)."""

    def start(self) -> None:
        _pyttsx3_worker()

    def synthesize(self, settings: SpeechSettings, text: str, path: Path) -> None:
        worker, target = _pyttsx3_worker(), str(path)
        worker.call(
            lambda engine: worker.synthesize(engine, text, target, settings),
            timeout=timeout_s(text) + 20,
        )

    def voices(self) -> list[VoiceInfo]:
        return _pyttsx3_worker().call(_Pyttsx3Worker.voices, timeout=30)


#: The worker process's target, for :func:`~voicecoach.speech.worker.shared_worker`.
WORKER_TARGET = f"{__name__}:{Pyttsx3InProcess.__name__}"


def pyttsx3_worker() -> WorkerProcess:
    """This process's pyttsx3 worker process (started on first use)."""
    return shared_worker(WORKER_TARGET, label="pyttsx3")


class Pyttsx3Synthesizer:
    """Synthesis through pyttsx3's espeak driver, in the process's pyttsx3 worker process."""

    def __init__(self, settings: SpeechSettings) -> None:
        """Start (or reuse) the worker; raise SpeechUnavailable if pyttsx3 cannot start."""
        self._settings = replace(settings, engine="pyttsx3")
        self._worker = pyttsx3_worker()
        self._worker.start()

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path` as a mono 16-bit 22050 Hz WAV.

        Raises WorkerCrashed if the worker process dies meanwhile.
        """
        text = plain_text(text)  # never an engine command, phonemes or markup
        check_text(text)
        request = {"op": "synthesize", "settings": asdict(self._settings)}
        request |= {"text": text, "path": str(path)}
        raise_error(self._worker.call(request, timeout=timeout_s(text) + 20))
        if not path.is_file():
            raise SpeechUnavailable(f"pyttsx3 reported {text!r} done but wrote no file")

    def voices(self) -> list[VoiceInfo]:
        """The voices pyttsx3 offers."""
        reply = self._worker.call({"op": "voices"}, timeout=30)
        raise_error(reply)
        return [
            VoiceInfo(v["id"], v["name"], tuple(v["languages"]), v["engine"])
            for v in reply["voices"]
        ]


def _pass_the_text_length() -> None:
    """Make pyttsx3 tell libespeak-ng the true size of each text.

    pyttsx3 2.99's ``_espeak.Synth`` passes ten times the text's length as its size, and
    libespeak-ng copies that many bytes: it reads far past the end of the text, which crashes
    the process whenever the memory after the text is not mapped (always for texts of some tens
    of kilobytes, now and then for short ones).
    """
    from pyttsx3.drivers import _espeak

    def synth(
        text: bytes | str,
        position: int = 0,
        position_type: int = _espeak.POS_CHARACTER,
        end_position: int = 0,
        flags: int = 0,
        user_data: object = None,
    ) -> int:
        data = text.encode("utf-8") if isinstance(text, str) else text
        size = len(data) + 1  # with the terminating zero byte, which bytes objects have
        result: int = _espeak.cSynth(
            data, size, position, position_type, end_position, flags, None, user_data
        )
        return result

    _espeak.Synth = synth


class Pyttsx3Engine(EspeakNgEngine):
    """pyttsx3's espeak driver (:class:`~voicecoach.speech.engine.Engine`): libespeak-ng, so the
    voices, default voices, install hint and rate of espeak-ng."""

    name = "pyttsx3"

    def open(self, settings: SpeechSettings) -> Pyttsx3Synthesizer:  # type: ignore[override]
        return Pyttsx3Synthesizer(settings)

    def voices(self) -> list[VoiceInfo]:
        return Pyttsx3Synthesizer(SpeechSettings(engine=self.name)).voices()

    def warm_up(self) -> None:
        """Start the worker process in the background: it is needed to list the voices even
        when every phrase is in the cache."""
        pyttsx3_worker().start_in_background()

    def release(self) -> None:
        """Stop the worker process (about 27 MB), once the session has no phrase left to make."""
        pyttsx3_worker().stop()


PYTTSX3 = Pyttsx3Engine()
