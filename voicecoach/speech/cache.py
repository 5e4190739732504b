"""The phrase cache: every distinct phrase synthesized once to a WAV clip, and kept on disk.

:class:`PhraseCache` keeps the clips under the user's cache folder, keyed by engine, voice, rate,
volume and text, so a second run of a routine synthesizes nothing. Every phrase is levelled to one
loudness (:data:`voicecoach.loudness.SPEECH_DB`, scaled by the volume) as it enters. Entries are
written atomically, and a damaged entry is made again.

Threading rules: a :class:`PhraseCache` may be used from several threads at once: typically
:meth:`PhraseCache.ensure` runs on a background thread while the player's thread reads clips
with :meth:`PhraseCache.get` (never synthesizes) or :meth:`PhraseCache.clip` (synthesizes a
missing phrase at once, ahead of the rest). Syntheses in one cache run one at a time and a phrase
is never made twice; reads of finished phrases never wait for a synthesis. Cache files are
replaced atomically, so other processes sharing the folder only ever see whole files.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import struct
import tempfile
import threading
import wave
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from voicecoach.clip import Clip
from voicecoach.errors import SpeechUnavailable
from voicecoach.loudness import SPEECH_DB, level
from voicecoach.speech.engine import SpeechCacheError, SpeechSettings, Synthesizer, check_text
from voicecoach.speech.text import plain_text

#: Silence stored for a phrase the engine renders as nothing at all (a lone "-", say): an empty
#: clip could not be told from a damaged cache entry, and could not be played.
_EMPTY_PHRASE_MS = 10


def default_cache_root() -> Path:
    """``<user cache dir>/voicecoach/speech`` (``$XDG_CACHE_HOME`` on Linux when set)."""
    return Path(platformdirs.user_cache_dir("voicecoach", appauthor=False)) / "speech"


#: The sample rates an engine writes; a cache entry at any other rate is damaged (its header was
#: rewritten, say to 1 Hz) and is made again.
_RATES = frozenset({8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000})


def _read_entry(path: Path) -> Clip | None:
    """The clip in a cache file, or None if it is missing, damaged in any way, or not a regular
    file (a FIFO or a device, which would block or never end; making the entry replaces it)."""
    if not path.is_file():
        return None
    try:
        clip = Clip.from_wav(path)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, wave.Error, struct.error, ValueError):
        return None
    if clip.channels != 1 or clip.sample_width != 2 or clip.frame_count == 0:
        return None
    if clip.rate not in _RATES:
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
        warn: Callable[[str], None] | None = None,
    ) -> None:
        """`root` defaults to :func:`default_cache_root`; `settings` to the synthesizer's.

        `settings`, if given, must be the synthesizer's: they name the files. `warn` is told
        once when phrases cannot be stored (they are then made for this process only, in a
        private temporary folder, and kept in memory).
        """
        if settings is not None and settings != synthesizer.settings:
            raise ValueError(
                f"cache settings {settings} differ from the synthesizer's {synthesizer.settings}"
            )
        self.root = root if root is not None else default_cache_root()
        self.synthesizer = synthesizer
        self._warn = warn
        self._unstored: str | None = None  # why phrases are not stored, once it is known
        self._told = False  # whether `warn` was told about storing already
        self._scratch: Path | None = None
        #: How many phrases this cache has synthesized (cache misses), over its lifetime.
        self.synthesized = 0
        self._clips: dict[str, Clip] = {}
        self._lock = threading.Lock()  # guards _clips and synthesized
        self._making = threading.Lock()  # one synthesis at a time

    @property
    def settings(self) -> SpeechSettings:
        """The settings phrases are made with now (the synthesizer's, which may change engine)."""
        return self.synthesizer.settings

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
        as it is made. `on_progress(done, total)` is called before the first phrase (with 0) and
        after each distinct phrase.
        """
        todo = list(dict.fromkeys(texts))
        if on_progress is not None and todo:
            on_progress(0, len(todo))
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
        check_text(text)
        spoken = plain_text(text)
        with self._making:
            # Another thread may have made it while this one waited.
            found = self.get(text)
            if found is not None:
                return found
            temp = self._temp_file()
            try:
                if spoken:
                    self.synthesizer.synthesize(spoken, temp)
                else:  # markup only: nothing to say, and no engine is given it
                    Clip(b"", 22050).to_wav(temp)
                clip = self._check_made(text, temp)
                if temp.parent == self.root:
                    # The key is taken now: the synthesizer may have changed engine meanwhile.
                    self._store(clip, temp, self.path(text))
            finally:
                with contextlib.suppress(OSError):
                    temp.unlink(missing_ok=True)
            with self._lock:
                self._clips[text] = clip
                self.synthesized += 1
            return clip

    def _temp_file(self) -> Path:
        """A new file to synthesize into: in the cache folder, or in a private one if that
        cannot be written."""
        name = f".{os.getpid()}.{secrets.token_hex(8)}.tmp.wav"
        if self._unstored is None:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                temp = self.root / name
                temp.touch(exist_ok=False)
                return temp
            except OSError as err:
                self._not_stored(
                    f"the speech cache folder {self.root} cannot be written ({_why(err)})"
                )
        if self._scratch is None:
            try:
                self._scratch = Path(tempfile.mkdtemp(prefix="voicecoach-speech-"))
            except OSError as err:
                raise SpeechCacheError(
                    f"cannot write the speech cache {self.root} nor a temporary folder "
                    f"({_why(err)}); set XDG_CACHE_HOME or TMPDIR to a writable folder"
                ) from err
            weakref.finalize(self, shutil.rmtree, self._scratch, ignore_errors=True)
        return self._scratch / name

    def _store(self, clip: Clip, temp: Path, target: Path) -> None:
        try:
            clip.to_wav(temp)
            with open(temp, "rb+") as f:
                os.fsync(f.fileno())
            # The folder itself is not synced: an entry lost to a crash is simply made again.
            os.replace(temp, target)
        except OSError as err:
            # This phrase is kept in memory only; the next ones are tried again.
            self._tell(f"cannot store {target} in the speech cache ({_why(err)})")

    def _not_stored(self, why: str) -> None:
        self._unstored = why
        self._tell(f"{why}; phrases are made for this session only")

    def _tell(self, message: str) -> None:
        if not self._told and self._warn is not None:
            self._warn(message)
        self._told = True

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
        else:
            # Whatever the engine and voice, every phrase enters the cache at one loudness, and
            # the volume setting scales it from there (the engine's own volume is undone here).
            clip = level(clip, SPEECH_DB, volume=self.settings.volume)
        return clip


def _why(err: OSError) -> str:
    return err.strerror or str(err)


@dataclass(frozen=True)
class MeasuredDurations:
    """Phrase lengths taken from synthesized clips (synthesizing any phrase not made yet)."""

    cache: PhraseCache = field(repr=False)

    @property
    def measured(self) -> bool:
        return True

    def duration_ms(self, text: str) -> int:
        return self.cache.clip(text).duration_ms
