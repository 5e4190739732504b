"""Test doubles and test helpers, kept out of the production modules (as trio keeps its
``MockClock`` in ``trio.testing``).

- :class:`FakeClock` and :class:`FakeKeys`: a clock that jumps to each deadline and scheduled key
  presses, so a 30-minute session plays in milliseconds; :class:`SpeechCatchesUp`, one that
  lets the background synthesis finish first.
- :class:`RecordingSink`: a sink that records what it was asked to play, and when.
- :class:`FakeEngine`: a speech engine, made the only one with :func:`engines`;
  :class:`FakeInProcess`: what a worker process runs, for tests of the worker itself.
- The ALSA capture configuration: hearing what voicecoach plays on a machine without a sound card.

Hearing what voicecoach plays on a machine without a sound card.

ALSA can route its default device into WAV files: with the configuration below in
``<config home>/alsa/asoundrc``, a process started with ``XDG_CONFIG_HOME`` set to that config
home plays every sound into ``$SA_CAPTURE_DIR/play.wav``, then ``play.wav.0001``, and so on,
each file holding exactly the samples played. ALSA reads its configuration once, at the first
device open, so set ``XDG_CONFIG_HOME`` before that (or in the child's environment);
``SA_CAPTURE_DIR`` is read at every open. The tests and the benchmarks use this to check the real
simpleaudio and ALSA path; it is also a way to check a routine's sound on a headless machine.
"""

from __future__ import annotations

import contextlib
import os
import threading
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from voicecoach.clip import Clip
from voicecoach.errors import SpeechUnavailable
from voicecoach.speech.engine import Engine, SpeechSettings, VoiceInfo, check_text

#: Mono 16-bit 22050 Hz, the format of the speech clips and the beeps, into a `file` PCM.
CAPTURE_ASOUNDRC = """\
pcm.!default {
  type plug
  slave { pcm "capfile"; format S16_LE; rate 22050; channels 1 }
}
pcm.capfile {
  type file
  slave.pcm "null"
  file {
    @func concat
    strings [ { @func getenv vars [ SA_CAPTURE_DIR ] default "/tmp" } "/play.wav" ]
  }
  format "wav"
  truncate false
}
"""


def write_capture_config(config_home: Path, text: str = CAPTURE_ASOUNDRC) -> Path:
    """Write `text` as ``<config_home>/alsa/asoundrc``; returns the file's path."""
    path = config_home / "alsa" / "asoundrc"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def capture_env(
    config_home: Path, capture_dir: Path, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """An environment (`base`, default this process's) whose sounds land in `capture_dir`."""
    env = dict(os.environ if base is None else base)
    env["XDG_CONFIG_HOME"] = str(config_home)
    env["SA_CAPTURE_DIR"] = str(capture_dir)
    return env


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


class SpeechCatchesUp(FakeClock):
    """A fake clock on which a session, like a real one, outlasts its background synthesis: at
    its first wait it waits, for real, for the session's speech thread to finish."""

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        for thread in threading.enumerate():
            if thread.name == "voicecoach-speech":
                thread.join(120)
        return super().wait_until(deadline, fileno)


class FakeKeys:
    """Key presses scheduled on a :class:`FakeClock`, for tests."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def fileno(self) -> int | None:
        return -1

    def read(self) -> str | None:
        return self.clock.read_key()


@dataclass(frozen=True)
class Played:
    """One clip a :class:`RecordingSink` was asked to play."""

    clip: Clip
    #: The clock's reading at the call, None without a clock.
    at: float | None = None
    #: What the label callable said the clip is ("go", "Rest."), None without one.
    label: str | None = None


class RecordingSink:
    """Records every clip it is asked to play, and when; plays nothing. Thread-safe."""

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        *,
        label: Callable[[Clip], str | None] | None = None,
    ) -> None:
        """`clock` stamps each call (a fake clock's ``now``); `label` names each clip."""
        self.clock = clock
        self.label = label
        self.played: list[Played] = []
        #: Clock readings of the calls to stop() (None without a clock).
        self.stops: list[float | None] = []
        self.closed = False
        self._lock = threading.Lock()

    def _now(self) -> float | None:
        return self.clock() if self.clock is not None else None

    def play(self, clip: Clip) -> None:
        entry = Played(clip, self._now(), self.label(clip) if self.label else None)
        with self._lock:
            self.played.append(entry)

    def stop(self) -> None:
        with self._lock:
            self.stops.append(self._now())

    def close(self) -> None:
        with self._lock:
            self.closed = True

    def labels(self) -> list[str | None]:
        """The labels of the clips played, in order."""
        with self._lock:
            return [p.label for p in self.played]


# -- a speech engine --------------------------------------------------------------------------


class FakeSynthesizer:
    """What :meth:`FakeEngine.open` returns: writes each phrase as a quiet tone."""

    def __init__(self, engine: FakeEngine, settings: SpeechSettings) -> None:
        self.engine = engine
        self._settings = settings

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    def synthesize(self, text: str, path: Path) -> None:
        """Write a tone :attr:`FakeEngine.ms_per_char` long a character of `text` to `path`."""
        check_text(text)
        engine = self.engine
        if engine.fail_from is not None and len(engine.made) >= engine.fail_from:
            raise SpeechUnavailable(f"{engine.name} failed on {text!r}")
        engine.made.append(text)
        frames = len(text) * engine.ms_per_char * FakeEngine.RATE // 1000
        # A square wave at a tenth of full scale, so a clip is not mistaken for silence.
        period = [3000] * 25 + [-3000] * 25
        samples = (period * (frames // len(period) + 1))[:frames]
        Clip(array("h", samples).tobytes(), FakeEngine.RATE).to_wav(path)


class FakeEngine:
    """A speech engine for tests (:class:`~voicecoach.speech.engine.Engine`), registered with
    :func:`engines` instead of patching the real ones.

    Each phrase becomes a tone :attr:`ms_per_char` milliseconds a character long, at 22,050 Hz;
    :attr:`made` lists the phrases synthesized, in order. `start_error` makes the engine
    missing (open and voices raise SpeechUnavailable with it); `fail_from` makes every phrase
    from that many made on fail.
    """

    RATE = 22050

    def __init__(
        self,
        name: str = "fake",
        *,
        voices: tuple[VoiceInfo, ...] | None = None,
        start_error: str | None = None,
        fail_from: int | None = None,
        ms_per_char: int = 10,
    ) -> None:
        self.name = name
        self._voices = voices or (
            VoiceInfo(f"{name}/en", "Fake English", ("en",), name),
            VoiceInfo(f"{name}/de", "Fake German", ("de",), name),
        )
        self.start_error = start_error
        self.fail_from = fail_from
        self.ms_per_char = ms_per_char
        self.made: list[str] = []
        #: The settings of every open, in order.
        self.opened: list[SpeechSettings] = []

    def open(self, settings: SpeechSettings) -> FakeSynthesizer:
        if self.start_error is not None:
            raise SpeechUnavailable(self.start_error)
        self.opened.append(settings)
        return FakeSynthesizer(self, settings)

    def voices(self) -> list[VoiceInfo]:
        if self.start_error is not None:
            raise SpeechUnavailable(self.start_error)
        return list(self._voices)

    def default_voice(self, language: str, voices: Sequence[VoiceInfo]) -> str | None:
        return next((v.id for v in voices if v.speaks(language)), None)

    def install_hint(self) -> str:
        return f"install {self.name}"

    def rate_control(self, words_per_minute: int) -> float:
        return words_per_minute / 170


class FakeInProcess:
    """What a worker process runs in tests of :class:`~voicecoach.speech.worker.WorkerProcess`
    (target ``voicecoach.testing:FakeInProcess``): :class:`FakeEngine`'s tones, in the child."""

    def start(self) -> None:
        """Nothing to load."""

    def synthesize(self, settings: SpeechSettings, text: str, path: Path) -> None:
        FakeSynthesizer(FakeEngine(), settings).synthesize(text, path)

    def voices(self) -> list[VoiceInfo]:
        return FakeEngine().voices()


@contextlib.contextmanager
def engines(*registered: Engine) -> Iterator[tuple[Engine, ...]]:
    """Make `registered` the only speech engines, in this order, while the block runs."""
    from voicecoach.speech import registry

    before = registry.engines()
    for engine in before:
        registry.unregister(engine.name)
    try:
        for engine in registered:
            registry.register(engine)
        yield registered
    finally:
        for engine in registry.engines():
            registry.unregister(engine.name)
        for engine in before:
            registry.register(engine)
