"""Text-to-speech: every distinct phrase synthesized once to a WAV clip, and cached on disk.

Two engines write the same kind of file (mono, 16-bit PCM WAV): :class:`Pyttsx3Synthesizer`
(pyttsx3's espeak driver, in process) and :class:`EspeakNgSynthesizer` (the ``espeak-ng``
program), the fallback when pyttsx3 cannot start. :func:`open_synthesizer` picks one.
:class:`PhraseCache` keeps the clips under the user's cache folder, keyed by engine, voice, rate,
volume and text, so a second run of a routine synthesizes nothing.

Threading rules:

- pyttsx3 allows one engine per process, and it breaks when two threads use it. One worker
  thread, started on first use and shared by every :class:`Pyttsx3Synthesizer`, owns the engine;
  ``synthesize`` hands it a request and waits. Any thread may call it; requests run one at a time.
- :class:`PhraseCache` may be used from several threads at once: typically
  :meth:`PhraseCache.ensure` runs on a background thread while the player's thread reads clips
  with :meth:`PhraseCache.get` (never synthesizes) or :meth:`PhraseCache.clip` (synthesizes a
  missing phrase at once, ahead of the rest). Syntheses in one cache run one at a time and a phrase
  is never made twice; reads of finished phrases never wait for a synthesis.
- Cache files are replaced atomically, so other processes sharing the folder only ever see whole
  files.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
import secrets
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar, cast

import platformdirs

from voicecoach.clip import Clip
from voicecoach.errors import SpeechUnavailable, VoicecoachError
from voicecoach.model import DEFAULT_RATE_WPM, DEFAULT_VOLUME, Voice

#: The engines, in the order :func:`open_synthesizer` tries them by default.
ENGINES = ("pyttsx3", "espeak-ng")

#: The voice used for a routine's language when the routine names none, first one found wins.
DEFAULT_VOICES: dict[str, tuple[str, ...]] = {
    "en": ("gmw/en-us", "en-us", "gmw/en", "en"),
    "de": ("gmw/de", "de"),
}

#: Bump when the way cache entries are made changes, so old entries are not reused.
_CACHE_FORMAT = 1

#: Silence stored for a phrase the engine renders as nothing at all (a lone "-", say): an empty
#: clip could not be told from a damaged cache entry, and could not be played.
_EMPTY_PHRASE_MS = 10

_T = TypeVar("_T")


def install_hint() -> str:
    """The command that installs espeak-ng on this platform."""
    if sys.platform == "darwin":
        return "brew install espeak-ng"
    if sys.platform == "win32":
        return "install eSpeak NG from https://github.com/espeak-ng/espeak-ng/releases"
    return "sudo apt-get install espeak-ng"


class UnknownVoiceError(VoicecoachError):
    """A voice id that no installed voice has, or a language without a voice."""

    exit_code = 2


class SpeechCacheError(VoicecoachError):
    """The speech cache folder cannot be written."""


@dataclass(frozen=True)
class SpeechSettings:
    """How phrases are spoken; together with the text, the key of a cache entry."""

    engine: str = "pyttsx3"
    voice_id: str = DEFAULT_VOICES["en"][0]
    rate: int = DEFAULT_RATE_WPM
    volume: float = DEFAULT_VOLUME

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown speech engine {self.engine!r}; use one of {ENGINES}")
        if self.rate <= 0:
            raise ValueError(f"speech rate must be positive, not {self.rate}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"speech volume must be between 0.0 and 1.0, not {self.volume}")

    def cache_key(self, text: str) -> str:
        """The sha256 (hex) of engine, voice, rate, volume and text."""
        parts = [_CACHE_FORMAT, self.engine, self.voice_id, self.rate, float(self.volume), text]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: the id to put in a routine, a readable name, its languages."""

    id: str
    name: str
    languages: tuple[str, ...] = ()

    def speaks(self, language: str) -> bool:
        """True if the voice is for `language` ("en" matches "en-us" too)."""
        want = language.lower()
        return any(lang == want or lang.startswith(want + "-") for lang in self.languages)


class Synthesizer(Protocol):
    """Writes spoken text to a mono 16-bit PCM WAV file."""

    @property
    def settings(self) -> SpeechSettings:
        """The settings every phrase is spoken with (the engine named is this one)."""
        ...

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path` (whose folder exists); raise SpeechUnavailable if not."""
        ...


def _timeout_s(text: str) -> float:
    # espeak-ng makes about a minute of speech a second; a generous bound that still ends a hang.
    return 10.0 + 0.01 * len(text)


def _check_text(text: str) -> None:
    if not text.strip():
        raise ValueError("cannot synthesize an empty phrase")


# -- pyttsx3 -----------------------------------------------------------------------------------


class _ChatterFilter:
    """Stands in for sys.stdout and drops pyttsx3's "Audio saved to PATH" lines.

    pyttsx3 prints that line from espeak's own thread for every file it saves. Redirecting file
    descriptor 1 would also swallow what other threads print meanwhile (the player's screen), so
    only the library's exact lines are dropped here and everything else is passed on untouched.
    """

    PREFIX = "Audio saved to "

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.paths: set[str] = set()
        self._lock = threading.Lock()
        # Threads whose next write is the newline that ends a dropped line (print writes the
        # text and the end separately).
        self._eat_newline: set[int] = set()

    def write(self, text: str) -> int:
        me = threading.get_ident()
        with self._lock:
            if me in self._eat_newline:
                self._eat_newline.discard(me)
                if text == "\n":
                    return len(text)
            if text.startswith(self.PREFIX) and text[len(self.PREFIX) :] in self.paths:
                self._eat_newline.add(me)
                return len(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


_chatter_lock = threading.Lock()
_chatter: _ChatterFilter | None = None


@contextlib.contextmanager
def _quiet_chatter(path: str) -> Iterator[None]:
    """Keep pyttsx3's line about `path` off stdout while the block runs."""
    global _chatter
    installed: _ChatterFilter | None = None
    with _chatter_lock:
        if sys.stdout is not None:  # None: no console at all (pythonw), nothing to protect
            if _chatter is None or sys.stdout is not _chatter:
                _chatter = _ChatterFilter(sys.stdout)
                sys.stdout = cast(TextIO, _chatter)
            installed = _chatter
            installed.paths.add(path)
    try:
        yield
    finally:
        if installed is not None:
            with _chatter_lock:
                installed.paths.discard(path)
                # Put the real stream back unless someone replaced stdout meanwhile (then the
                # filter, a pass-through once idle, stays where it is).
                if not installed.paths and sys.stdout is installed:
                    sys.stdout = installed.stream
                    _chatter = None


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
        with _quiet_chatter(path):
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
            engine.setProperty("rate", settings.rate)
            engine.setProperty("volume", float(settings.volume))
            self._applied = wanted
            self._wait_idle()
            self._raise_errors(text, settings)
        self._finished.clear()
        with _quiet_chatter(path):
            engine.save_to_file(text, path)
            # runAndWait may return before the file is written: the finished-utterance event,
            # sent once the file is closed, is what says it is done.
            engine.runAndWait()
            done = self._finished.wait(_timeout_s(text))
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
            out.append(VoiceInfo(str(v.id).lower(), str(v.name or v.id), langs))
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


class Pyttsx3Synthesizer:
    """Synthesis through pyttsx3's espeak driver, on the process's one pyttsx3 worker thread."""

    def __init__(self, settings: SpeechSettings) -> None:
        """Start (or reuse) the worker; raise SpeechUnavailable if pyttsx3 cannot start."""
        self._settings = replace(settings, engine="pyttsx3")
        self._worker = _pyttsx3_worker()

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path` as a mono 16-bit 22050 Hz WAV."""
        _check_text(text)
        worker, settings, target = self._worker, self._settings, str(path)
        worker.call(
            lambda engine: worker.synthesize(engine, text, target, settings),
            timeout=_timeout_s(text) + 20,
        )
        if not path.is_file():
            raise SpeechUnavailable(f"pyttsx3 reported {text!r} done but wrote no file")

    def voices(self) -> list[VoiceInfo]:
        """The voices pyttsx3 offers."""
        return self._worker.call(_Pyttsx3Worker.voices, timeout=30)


# -- espeak-ng ---------------------------------------------------------------------------------


def _espeak_ng(executable: str | None) -> str:
    found = executable or shutil.which("espeak-ng")
    if not found or not Path(found).is_file():
        raise SpeechUnavailable(
            f"the espeak-ng program was not found; install it: {install_hint()}"
        )
    return found


class EspeakNgSynthesizer:
    """Synthesis by running the ``espeak-ng`` program, one process a phrase (no shell)."""

    def __init__(self, settings: SpeechSettings, *, executable: str | None = None) -> None:
        """Raise SpeechUnavailable if `executable` (default: espeak-ng on PATH) is missing."""
        self._settings = replace(settings, engine="espeak-ng")
        self._exe = _espeak_ng(executable)

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    def command(self, text: str, path: Path) -> list[str]:
        """The argument list that writes `text` to `path`."""
        s = self._settings
        return [
            self._exe,
            *("-w", str(path), "-v", s.voice_id, "-s", str(s.rate)),
            *("-a", str(round(s.volume * 100))),
            "--",  # the text may begin with "-": it is never read as an option
            text,
        ]

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path` as a mono 16-bit WAV."""
        _check_text(text)
        try:
            done = subprocess.run(
                self.command(text, path),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=_timeout_s(text),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise SpeechUnavailable(f"espeak-ng failed: {err}") from err
        message = done.stderr.decode(errors="replace").strip()
        if done.returncode != 0 or not path.is_file():
            if "voice does not exist" in message:
                raise UnknownVoiceError(f"espeak-ng has no voice {self._settings.voice_id!r}")
            raise SpeechUnavailable(f"espeak-ng failed (exit {done.returncode}): {message}")

    def voices(self) -> list[VoiceInfo]:
        """The voices espeak-ng offers (``espeak-ng --voices``)."""
        try:
            done = subprocess.run(
                [self._exe, "--voices"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as err:
            raise SpeechUnavailable(f"espeak-ng --voices failed: {err}") from err
        return parse_espeak_voices(done.stdout.decode(errors="replace"))


_OTHER_LANGUAGE = re.compile(r"\(([\w-]+)\s+\d+\)")


def parse_espeak_voices(listing: str) -> list[VoiceInfo]:
    """Read the table ``espeak-ng --voices`` prints (ids lowercased, as pyttsx3 gives them)."""
    voices = []
    for line in listing.splitlines()[1:]:
        cols = line.split(None, 5)
        if len(cols) < 5:
            continue
        _, language, _, name, file = cols[:5]
        others = _OTHER_LANGUAGE.findall(cols[5]) if len(cols) > 5 else []
        langs = tuple(dict.fromkeys(x.lower() for x in (language, *others)))
        voices.append(VoiceInfo(file.lower(), name.replace("_", " "), langs))
    return voices


# -- choosing an engine and a voice ------------------------------------------------------------


def open_synthesizer(settings: SpeechSettings) -> Synthesizer:
    """Start the engine `settings` names, else the other one; raise SpeechUnavailable if none.

    The returned synthesizer's ``settings`` name the engine actually in use: pass them on to
    :class:`PhraseCache`.
    """
    order = [settings.engine, *(e for e in ENGINES if e != settings.engine)]
    problems = []
    for engine in order:
        try:
            if engine == "pyttsx3":
                return Pyttsx3Synthesizer(settings)
            return EspeakNgSynthesizer(settings)
        except SpeechUnavailable as err:
            problems.append(f"{engine}: {err}")
    raise SpeechUnavailable(
        "no text-to-speech engine could be started ("
        + "; ".join(problems)
        + f"). Install espeak-ng: {install_hint()}"
    )


_voices_lock = threading.Lock()
_voices: list[VoiceInfo] | None = None


def list_voices(language: str | None = None) -> list[VoiceInfo]:
    """The installed voices, sorted by id; only those for `language` if one is given.

    Asks pyttsx3, or the espeak-ng program when pyttsx3 cannot start. Raises SpeechUnavailable
    when neither can.
    """
    global _voices
    with _voices_lock:
        if _voices is None:
            try:
                found = Pyttsx3Synthesizer(SpeechSettings()).voices()
            except SpeechUnavailable:
                found = EspeakNgSynthesizer(SpeechSettings(engine="espeak-ng")).voices()
            _voices = sorted(found, key=lambda v: v.id)
        voices = _voices
    return [v for v in voices if language is None or v.speaks(language)]


def resolve_voice(
    voice_id: str | None, language: str, *, voices: Sequence[VoiceInfo] | None = None
) -> str:
    """The voice id to speak `language` with: `voice_id` checked, or the language's default.

    `voice_id` may be an id (``gmw/en-us``), the last part of one (``en-us``) or a voice's name
    (``English (America)``), in any case. Unknown ids raise :class:`UnknownVoiceError`, which lists
    the closest ids. `voices` defaults to :func:`list_voices`.
    """
    voices = list(voices) if voices is not None else list_voices()
    by_id = {v.id.lower(): v for v in voices}
    if voice_id is None:
        for candidate in DEFAULT_VOICES.get(language, ()):
            if candidate in by_id:
                return by_id[candidate].id
        for v in voices:
            if v.speaks(language):
                return v.id
        raise UnknownVoiceError(
            f"no voice speaks language {language!r}; name one with 'voice: {{id: ...}}' "
            "('voicecoach voices' lists them)"
        )
    wanted = voice_id.strip().lower()
    if wanted in by_id:
        return by_id[wanted].id
    for v in voices:
        if v.name.lower() == wanted:
            return v.id
    tails = [v for v in voices if v.id.lower().rsplit("/", 1)[-1] == wanted]
    if len(tails) == 1:
        return tails[0].id
    close = difflib.get_close_matches(wanted, list(by_id), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownVoiceError(
        f"unknown voice {voice_id!r}{hint} ('voicecoach voices' lists every voice id)"
    )


def settings_for(
    voice: Voice,
    language: str,
    *,
    engine: str = ENGINES[0],
    voices: Sequence[VoiceInfo] | None = None,
) -> SpeechSettings:
    """Speech settings for a routine's `voice` and `language`, with the voice id resolved."""
    return SpeechSettings(
        engine=engine,
        voice_id=resolve_voice(voice.id, language, voices=voices),
        rate=voice.rate,
        volume=voice.volume,
    )


# -- the cache ---------------------------------------------------------------------------------


def default_cache_root() -> Path:
    """``<user cache dir>/voicecoach/speech`` (``$XDG_CACHE_HOME`` on Linux when set)."""
    return Path(platformdirs.user_cache_dir("voicecoach", appauthor=False)) / "speech"


def _read_entry(path: Path) -> Clip | None:
    """The clip in a cache file, or None if it is missing or damaged in any way."""
    try:
        clip = Clip.from_wav(path)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, wave.Error, struct.error, ValueError):
        return None
    if clip.channels != 1 or clip.sample_width != 2 or clip.frame_count == 0 or clip.rate <= 0:
        return None
    return clip


ProgressCallback = Callable[[int, int], None]


class PhraseCache:
    """Phrases as clips: synthesized once into ``<root>/<cache key>.wav``, then read back.

    See the module's docstring for what may be called from which thread.
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        synthesizer: Synthesizer,
        settings: SpeechSettings | None = None,
    ) -> None:
        """`root` defaults to :func:`default_cache_root`; `settings` to the synthesizer's.

        `settings`, if given, must be the synthesizer's: they name the files.
        """
        if settings is not None and settings != synthesizer.settings:
            raise ValueError(
                f"cache settings {settings} differ from the synthesizer's {synthesizer.settings}"
            )
        self.root = root if root is not None else default_cache_root()
        self.settings = synthesizer.settings
        self.synthesizer = synthesizer
        #: How many phrases this cache has synthesized (cache misses), over its lifetime.
        self.synthesized = 0
        self._clips: dict[str, Clip] = {}
        self._lock = threading.Lock()  # guards _clips and synthesized
        self._making = threading.Lock()  # one synthesis at a time

    def path(self, text: str) -> Path:
        """The cache file of `text`."""
        return self.root / f"{self.settings.cache_key(text)}.wav"

    def get(self, text: str) -> Clip | None:
        """The clip of `text` if it has been made, else None; never synthesizes."""
        with self._lock:
            found = self._clips.get(text)
        return found if found is not None else self._load(text)

    def clip(self, text: str) -> Clip:
        """The clip of `text`, synthesized now if it is not in the cache (or is damaged)."""
        found = self.get(text)
        return found if found is not None else self._make(text)

    def is_ready(self, text: str) -> bool:
        """True if :meth:`get` would return a clip."""
        return self.get(text) is not None

    def ensure(self, texts: Iterable[str], *, on_progress: ProgressCallback | None = None) -> int:
        """Make every phrase of `texts` that is missing, in the order given; return how many.

        Put the phrases needed first at the front: each becomes available to :meth:`get` as soon
        as it is made. `on_progress(done, total)` is called after each distinct phrase.
        """
        todo = list(dict.fromkeys(texts))
        made = 0
        for done, text in enumerate(todo, 1):
            if self.get(text) is None:
                self._make(text)
                made += 1
            if on_progress is not None:
                on_progress(done, len(todo))
        return made

    def durations(self) -> MeasuredDurations:
        """Phrase lengths measured from this cache's clips (a DurationProvider)."""
        return MeasuredDurations(self)

    def _load(self, text: str) -> Clip | None:
        clip = _read_entry(self.path(text))
        if clip is not None:
            with self._lock:
                clip = self._clips.setdefault(text, clip)
        return clip

    def _make(self, text: str) -> Clip:
        _check_text(text)
        with self._making:
            # Another thread may have made it while this one waited.
            found = self.get(text)
            if found is not None:
                return found
            target = self.path(text)
            try:
                self.root.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise SpeechCacheError(
                    f"cannot create the speech cache folder {self.root}: {err.strerror}; "
                    "set XDG_CACHE_HOME to a writable folder"
                ) from err
            temp = self.root / f".{target.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp.wav"
            try:
                self.synthesizer.synthesize(text, temp)
                clip = self._check_made(text, temp)
                with open(temp, "rb+") as f:
                    os.fsync(f.fileno())
                # The folder itself is not synced: an entry lost to a crash is simply made again.
                os.replace(temp, target)
            except OSError as err:
                raise SpeechCacheError(
                    f"cannot write the speech cache entry {target}: {err}; "
                    "set XDG_CACHE_HOME to a writable folder"
                ) from err
            finally:
                temp.unlink(missing_ok=True)
            with self._lock:
                self._clips[text] = clip
                self.synthesized += 1
            return clip

    def _check_made(self, text: str, temp: Path) -> Clip:
        try:
            clip = Clip.from_wav(temp)
        except (OSError, EOFError, wave.Error, struct.error) as err:
            raise SpeechUnavailable(
                f"{self.settings.engine} wrote no usable audio for {text!r}: {err}"
            ) from err
        if clip.channels != 1 or clip.sample_width != 2:
            raise SpeechUnavailable(
                f"{self.settings.engine} wrote {clip.channels} channel(s) of "
                f"{clip.sample_width * 8}-bit audio for {text!r}; expected mono 16-bit"
            )
        if clip.frame_count == 0:
            clip = Clip(bytes(2 * (clip.rate * _EMPTY_PHRASE_MS // 1000)), clip.rate)
            clip.to_wav(temp)
        return clip


@dataclass(frozen=True)
class MeasuredDurations:
    """Phrase lengths taken from synthesized clips (synthesizing any phrase not made yet)."""

    cache: PhraseCache = field(repr=False)

    @property
    def measured(self) -> bool:
        return True

    def duration_ms(self, text: str) -> int:
        return self.cache.clip(text).duration_ms


__all__ = [
    "DEFAULT_VOICES",
    "ENGINES",
    "EspeakNgSynthesizer",
    "MeasuredDurations",
    "PhraseCache",
    "Pyttsx3Synthesizer",
    "SpeechCacheError",
    "SpeechSettings",
    "Synthesizer",
    "UnknownVoiceError",
    "VoiceInfo",
    "default_cache_root",
    "install_hint",
    "list_voices",
    "open_synthesizer",
    "parse_espeak_voices",
    "resolve_voice",
    "settings_for",
]
