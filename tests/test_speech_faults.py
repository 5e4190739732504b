"""Speech faults end nothing: each is made for real (a private mount namespace without the voice
data, a cache folder the process may not write, a cache home that is a file, damaged and
displaced cache entries) and the session goes on with what is left, saying why once."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AlsaCapture

from voicecoach.clip import Clip
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Voice
from voicecoach.session.prepare import open_speech
from voicecoach.speech.cache import PhraseCache
from voicecoach.testing import FakeEngine, engines

TINY = """\
name: Tiny
defaults:
  countdown: 1
  prepare: 1
exercises:
  - name: Wall sit
    hold: 2
"""

#: The voice data libespeak-ng and the espeak-ng program read (Debian's path).
VOICE_DATA = Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data")


def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def run(
    capture: AlsaCapture,
    tmp_path: Path,
    *wrapper: str,
    cache_home: Path | None = None,
    engine: str = "pyttsx3",
) -> subprocess.CompletedProcess[str]:
    """`voicecoach run tiny.yaml --plain --no-history --engine ENGINE` in a child, started
    through `wrapper`."""
    env = capture.child_env()
    env["XDG_CACHE_HOME"] = str(cache_home or tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "voicecoach", "run", str(tiny(tmp_path))]
    return subprocess.run(
        [*wrapper, *command, "--plain", "--no-history", "--engine", engine],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def spoken_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "  say  " in line]


def messages(stderr: str) -> list[str]:
    """What a child said on stderr, without the progress of a slow start (on a busy machine)."""
    return [line for line in stderr.splitlines() if not line.startswith("preparing speech")]


def needs_root(tool: str) -> None:
    if os.geteuid() != 0 or shutil.which(tool) is None:
        pytest.skip(f"needs root and {tool} to make the fault for real")


@pytest.mark.speech
@pytest.mark.audio
def test_missing_voice_data_leaves_piper_or_beeps_and_text_with_the_reason(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    needs_root("unshare")
    if not VOICE_DATA.is_dir():
        pytest.skip(f"the voice data is not at {VOICE_DATA}")
    hide = f'mount -t tmpfs none {VOICE_DATA} && exec "$@"'
    done = run(alsa_capture, tmp_path, "unshare", "-m", "sh", "-c", hide, "sh")
    assert done.returncode == 0, done.stderr
    [notice] = messages(done.stderr)
    said = spoken_lines(done.stdout)
    assert said
    missing = f"Error processing file '{VOICE_DATA}/phontab': No such file or directory."
    if importlib.util.find_spec("piper") is not None:
        # piper carries its own copy of the voice data.
        assert notice == (
            f"speech: pyttsx3 could not start: its process exited with status 1 ({missing}); "
            "speaking with piper (en_US-joe-medium) instead."
        )
        assert not [line for line in said if line.endswith("(not played)")]
    else:
        assert notice.startswith("speech is off: no text-to-speech engine could be started (")
        assert notice.count(missing) == 2
        assert notice.endswith("The session goes on with beeps and text.")
        assert all(line.endswith("(not played)") for line in said)


@pytest.mark.speech
@pytest.mark.audio
def test_a_cache_folder_that_cannot_be_written_still_speaks(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    needs_root("setpriv")
    home = tmp_path / "cache"
    (home / "voicecoach" / "speech").mkdir(parents=True)
    for folder in (home / "voicecoach" / "speech", home / "voicecoach", home):
        folder.chmod(0o555)
    # Root without the capabilities that let it write anywhere.
    drop = ("setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--")
    done = run(alsa_capture, tmp_path, *drop, cache_home=home)
    assert done.returncode == 0, done.stderr
    assert messages(done.stderr) == [
        f"the speech cache folder {home}/voicecoach/speech cannot be written "
        "(Permission denied); phrases are made for this session only"
    ]
    said = spoken_lines(done.stdout)
    assert said
    assert not [line for line in said if line.endswith("(not played)")]
    assert list((home / "voicecoach" / "speech").iterdir()) == []


@pytest.mark.speech
@pytest.mark.audio
def test_a_cache_home_that_is_a_file_still_speaks(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    home = tmp_path / "not-a-folder"
    home.write_text("x")
    done = run(alsa_capture, tmp_path, cache_home=home)
    assert done.returncode == 0, done.stderr
    assert messages(done.stderr) == [
        f"the speech cache folder {home}/voicecoach/speech cannot be written "
        "(Not a directory); phrases are made for this session only"
    ]
    assert not [line for line in spoken_lines(done.stdout) if line.endswith("(not played)")]


def fake_cache(tmp_path: Path, engine: FakeEngine, warnings: list[str]) -> PhraseCache:
    routine = load_routine(tiny(tmp_path))
    return open_speech(routine, Voice(), cache_root=tmp_path / "speech", notify=warnings.append)


def test_a_clip_whose_header_says_1_hz_is_made_again(tmp_path: Path) -> None:
    engine = FakeEngine()
    warnings: list[str] = []
    with engines(engine):
        cache = fake_cache(tmp_path, engine, warnings)
        good = cache.clip("Hold.")
        path = cache.path("Hold.")
        Clip(good.frames, 1).to_wav(path)
        again = fake_cache(tmp_path, engine, warnings)
        assert again.get("Hold.") is None
        assert again.clip("Hold.") == good
    assert Clip.from_wav(path) == good
    assert engine.made == ["Hold.", "Hold."]
    assert warnings == []


def test_an_entry_replaced_by_a_folder_is_made_and_kept_in_memory(tmp_path: Path) -> None:
    engine = FakeEngine()
    warnings: list[str] = []
    with engines(engine):
        cache = fake_cache(tmp_path, engine, warnings)
        cache.path("Hold.").mkdir(parents=True)
        clip = cache.clip("Hold.")
        assert cache.clip("Hold.") == clip
        cache.clip("Breathe.")
    assert engine.made == ["Hold.", "Breathe."]
    assert cache.path("Hold.").is_dir()
    assert Clip.from_wav(cache.path("Breathe.")) == cache.clip("Breathe.")
    [warning] = warnings
    assert warning.startswith(f"cannot store {cache.path('Hold.')} in the speech cache (")
    assert not list((tmp_path / "speech").glob(".*"))  # no temporary files left
