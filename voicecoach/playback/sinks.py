"""Audio output: sinks that play clips without blocking, and the beep sounds.

A :class:`Sink` plays one clip at a time: :meth:`Sink.play` returns at once and first stops
whatever the sink is still playing, so two sounds never overlap on one ALSA stream (on bare
hardware without a sound server the second stream could not even be opened). The timeline is
planned so that sounds do not overlap; a clip cut short by the next one is the exception.

- :class:`SimpleaudioSink` plays through simpleaudio (the ``simpleaudio-patched`` distribution).
- :class:`SilentSink` plays nothing: speech and beeps off, the screen still shows every cue.
- :class:`voicecoach.testing.RecordingSink` records what it was asked to play (for tests).

simpleaudio plays each clip on its own thread with a fixed 100 ms device buffer. ``stop()``
returns at once, but the stream drains what is already in the device buffer before it closes:
up to about 0.2 s more sound on real hardware.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
import threading
import time
from typing import Any, Protocol

from voicecoach.clip import Clip
from voicecoach.errors import AudioUnavailable

#: Length of the silence :func:`open_audio_sink` plays to check the device.
PROBE_MS = 5
#: Sample rate of the probe (and of the beeps and speech clips).
PROBE_RATE = 22050


class Sink(Protocol):
    """Plays clips one at a time, without blocking the caller."""

    def play(self, clip: Clip) -> None:
        """Start `clip` and return at once, stopping whatever this sink still plays first."""
        ...

    def stop(self) -> None:
        """Stop the sound playing now, if any; returns at once."""
        ...

    def close(self) -> None:
        """Stop, and release the device."""
        ...


class SilentSink:
    """A sink that plays nothing."""

    def play(self, clip: Clip) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def _import_simpleaudio() -> Any:
    try:
        import simpleaudio
    except ImportError as err:
        raise AudioUnavailable(
            f"simpleaudio cannot be loaded ({err}); reinstall it: "
            "pip install --force-reinstall simpleaudio-patched "
            "(on Linux it builds against the ALSA headers: sudo apt-get install libasound2-dev gcc)"
        ) from err
    return simpleaudio


def _device_hint() -> str:
    if sys.platform.startswith("linux"):
        return (
            "check that a sound card is present ('aplay -l' lists them) or that PulseAudio or "
            "PipeWire is running, and that this user may use it (the 'audio' group)"
        )
    return "check that an output device is connected and enabled in the system's sound settings"


class SimpleaudioSink:
    """Plays clips through simpleaudio, one at a time.

    When :meth:`play` has to cut a sound short, the old stream still drains its buffer before it
    closes; the new clip is handed to a small helper thread that starts it once the old stream is
    gone (within about 0.2 s), so :meth:`play` still returns at once. A failure there is raised
    by the next call to :meth:`play`.
    """

    def __init__(self, *, handover_timeout: float = 0.5) -> None:
        """Raise AudioUnavailable if simpleaudio cannot be loaded."""
        self._sa = _import_simpleaudio()
        self._sa_error: type[Exception] = self._sa._simpleaudio.SimpleaudioError
        self._handover_timeout = handover_timeout
        self._lock = threading.Condition()
        self._current: Any = None  # simpleaudio.PlayObject of the last clip started
        self._pending: Clip | None = None  # waits for the cut-short stream to close
        self._error: AudioUnavailable | None = None
        self._closed = False
        self._helper: threading.Thread | None = None

    def play(self, clip: Clip) -> None:
        """Start `clip`; raise AudioUnavailable if the device cannot be opened."""
        if clip.frame_count == 0:
            self.stop()
            return
        with self._lock:
            if self._closed:
                raise AudioUnavailable("this audio output has been closed")
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            current = self._current
            if current is not None and current.is_playing():
                current.stop()
                self._pending = clip
                self._start_helper()
                self._lock.notify_all()
                return
            self._pending = None
            self._start(clip)

    def stop(self) -> None:
        """Stop the current clip (and drop one waiting to start)."""
        with self._lock:
            self._pending = None
            if self._current is not None:
                self._current.stop()

    def close(self) -> None:
        """Stop, and end the helper thread."""
        with self._lock:
            self._closed = True
            self._pending = None
            if self._current is not None:
                self._current.stop()
            self._lock.notify_all()
            helper = self._helper
        if helper is not None:
            helper.join(timeout=1.0)

    def is_playing(self) -> bool:
        """True while a clip plays or waits to start."""
        with self._lock:
            return self._pending is not None or (
                self._current is not None and bool(self._current.is_playing())
            )

    def wait_done(self, timeout: float | None = None) -> bool:
        """Wait until nothing plays; False if `timeout` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.is_playing():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def _start(self, clip: Clip) -> None:
        # Called with the lock held.
        try:
            self._current = self._sa.play_buffer(
                clip.frames, clip.channels, clip.sample_width, clip.rate
            )
        except (self._sa_error, ValueError) as err:
            self._current = None
            raise AudioUnavailable(f"cannot play audio ({err}); {_device_hint()}") from err

    def _start_helper(self) -> None:
        if self._helper is None:
            self._helper = threading.Thread(
                target=self._hand_over, name="voicecoach-audio", daemon=True
            )
            self._helper.start()

    def _hand_over(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                previous = self._current
            deadline = time.monotonic() + self._handover_timeout
            while previous is not None and previous.is_playing() and time.monotonic() < deadline:
                time.sleep(0.001)
            with self._lock:
                clip, self._pending = self._pending, None
                if clip is None or self._closed:
                    continue
                try:
                    self._start(clip)
                except AudioUnavailable as err:
                    self._error = err


_alsa_handler: Any = None


def _quiet_alsa() -> None:
    """Keep ALSA's own diagnostics ("ALSA lib confmisc.c: cannot find card") off stderr.

    The failure still reaches us as simpleaudio's exception, which is turned into a message that
    says how to fix it. Best effort: without libasound nothing changes.
    """
    global _alsa_handler
    if _alsa_handler is not None or not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        lib = ctypes.CDLL(name)
        # The real handler type is variadic; the fixed arguments are all a no-op needs.
        handler_type = ctypes.CFUNCTYPE(
            None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
        )
        handler = handler_type(lambda *_: None)
        lib.snd_lib_error_set_handler(handler)
        _alsa_handler = handler  # kept alive for as long as ALSA may call it


def open_audio_sink() -> Sink:
    """Open the default output device, checked by playing a few milliseconds of silence.

    Raises AudioUnavailable, saying how to fix it, when there is no usable device.
    """
    _quiet_alsa()
    sink = SimpleaudioSink()
    try:
        sink.play(Clip(bytes(2 * (PROBE_RATE * PROBE_MS // 1000)), PROBE_RATE))
    except AudioUnavailable as err:
        raise AudioUnavailable(
            f"no audio output device could be opened ({err.__cause__}); {_device_hint()}"
        ) from err
    sink.wait_done(timeout=1.0)
    return sink


__all__ = [
    "PROBE_MS",
    "SilentSink",
    "SimpleaudioSink",
    "Sink",
    "open_audio_sink",
]
