"""`voicecoach run` as a person runs it: a real process, real speech, real ALSA playback captured
to files (see conftest.py), signals, missing devices, and keys typed into a real terminal.

Nothing here asserts how long anything took: timing is the benchmarks' job. Waits are generous
and output is polled, so a slow machine makes these tests slower, not flaky.
"""

from __future__ import annotations

import errno
import fcntl
import os
import queue
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

import pytest
from conftest import AlsaCapture, write_alsa_config

from voicecoach.beeps import levelled_beeps
from voicecoach.clip import Clip
from voicecoach.history.store import HistoryStore
from voicecoach.outcome import Outcome
from voicecoach.routine.loader import load_routine
from voicecoach.session.prepare import measured_timeline, open_speech
from voicecoach.speech.cache import PhraseCache
from voicecoach.timeline.dryrun import format_lines
from voicecoach.timeline.model import EventKind, Timeline
from voicecoach.timetext import clock

#: About 27 seconds: two announcements, a 3 s prepare with a 2 s countdown, two fast reps, a short
#: rest, then a 5 s hold with room for its `during` cue.
SHORT = """\
name: Short test
defaults:
  countdown: 2
  prepare: 3
exercises:
  - name: Squat
    reps: 2
    tempo: 0.5-0-0.5-0
    rest_after: 2
  - name: Wall sit
    hold: 5
    cues:
      during: Breathe.
"""

#: About 11 seconds, for the runs that must play to the end.
TINY = """\
name: Tiny
defaults:
  countdown: 1
  prepare: 1
exercises:
  - name: Wall sit
    hold: 2
"""

#: A time as the summary line prints it.
CLOCK = r"\d\d:\d\d\.\d\d\d"

#: Long enough that nothing ends on its own while a test works the keys.
LONG_WAIT_S = 120


def routine_file(tmp_path: Path, text: str = SHORT, name: str = "short.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_env(capture: AlsaCapture, tmp_path: Path) -> dict[str, str]:
    """The child's environment: audio into the capture, its own cache and data folders."""
    env = capture.child_env()
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def speech_cache(routine_path: Path, tmp_path: Path) -> PhraseCache:
    """The phrase cache the child uses (same XDG_CACHE_HOME, same voice settings)."""
    routine = load_routine(routine_path)
    return open_speech(routine, cache_root=tmp_path / "cache" / "voicecoach" / "speech")


def voicecoach(*args: str) -> list[str]:
    return [sys.executable, "-m", "voicecoach", *args]


# -- a whole run ----------------------------------------------------------------------------------


def expected_clips(timeline: Timeline, cache: PhraseCache) -> list[tuple[str, Clip]]:
    beeps = levelled_beeps()
    out = []
    for e in timeline.events:
        clip = beeps[e.text] if e.kind is EventKind.BEEP else cache.get(e.text)
        assert clip is not None, f"{e.text!r} is not in the speech cache"
        out.append((e.text, clip))
    return out


@pytest.mark.speech
@pytest.mark.audio
def test_run_plays_every_phrase_and_beep_of_the_timeline(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    """Cold cache, whole session: each sound reaches the device whole and in the timeline's order.

    The child measures its phrases itself; compiling here afterwards, from the clips it left in
    the cache, gives the same timeline without synthesizing anything.
    """
    path = routine_file(tmp_path)
    done = subprocess.run(
        voicecoach("run", str(path), "--plain", "--no-history"),
        env=run_env(alsa_capture, tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""

    cache = speech_cache(path, tmp_path)
    routine = load_routine(path)
    timeline = measured_timeline(routine, cache, rate=routine.voice.rate)
    assert cache.synthesized == 0, "the child left every phrase of the session in the cache"
    assert timeline.measured
    assert not timeline.warnings
    assert "Breathe." in timeline.phrases()

    want = expected_clips(timeline, cache)
    got = alsa_capture.played()
    assert len(alsa_capture.clips()) == len(got) + 1, "the device check comes first"
    assert len(got) == len(want) == len(timeline.events)
    for k, ((text, clip), captured) in enumerate(zip(want, got, strict=True)):
        assert (captured.rate, captured.channels, captured.sample_width) == (22050, 1, 2)
        assert captured.frames == clip.frames, f"sound {k} ({text!r}) differs"

    lines = done.stdout.splitlines()
    assert lines[:-1] == format_lines(timeline)
    assert lines[-1] == f"Workout complete: 2 of 2 sets done in {clock(timeline.total_ms)}."


# -- signals --------------------------------------------------------------------------------------


class Lines:
    """A child's stdout read line by line on a thread, so waiting for a line can time out."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = LONG_WAIT_S) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no such line within {timeout} s; got {self.seen}") from None
            if line is None:
                raise AssertionError(f"output ended without such a line; got {self.seen}")
            self.seen.append(line)
            if wanted(line):
                return line

    def rest(self, timeout: float = LONG_WAIT_S) -> list[str]:
        self._thread.join(timeout)
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.seen.append(line)
        return self.seen


@pytest.mark.speech
@pytest.mark.audio
@pytest.mark.parametrize(
    "signum",
    [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT],
    ids=["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"],
)
def test_signal_stops_the_run_with_a_summary_and_status_130(
    alsa_capture: AlsaCapture, tmp_path: Path, signum: signal.Signals
) -> None:
    """A couple of seconds in: exit 130, one "Interrupted at" line, the session kept as ended."""
    path = routine_file(tmp_path)
    history = tmp_path / "history.sqlite3"
    child = subprocess.Popen(
        voicecoach("run", str(path), "--plain", "--history", str(history)),
        env=run_env(alsa_capture, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = Lines(child.stdout)  # type: ignore[arg-type]
        lines.wait_for(lambda line: line.endswith("say    Squat. 2 reps."))
        child.send_signal(signum)
        status = child.wait(timeout=30)
        stderr = child.stderr.read()  # type: ignore[union-attr]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    out = lines.rest()
    assert status == 130, "\n".join(out) + stderr
    assert re.fullmatch(rf"Interrupted at {CLOCK} of {CLOCK} in Squat: 0 of 2 sets done\.", out[-1])
    assert sum(line.startswith("Interrupted") for line in out) == 1
    assert "Traceback" not in stderr
    with HistoryStore.open(history) as store:
        [session] = store.recent_sessions()
    assert session.status is Outcome.INTERRUPTED
    assert session.ended_at is not None, "the end of the session was recorded"


# -- missing parts ---------------------------------------------------------------------------------


def no_device_env(capture: AlsaCapture, tmp_path: Path) -> dict[str, str]:
    """An ALSA configuration whose default device is a sound card that does not exist."""
    config = tmp_path / "broken-config"
    write_alsa_config(config, 'pcm.!default { type hw card "NoSuchCard" }\n')
    env = run_env(capture, tmp_path)
    env["XDG_CONFIG_HOME"] = str(config)
    return env


@pytest.mark.audio
def test_require_audio_without_a_device_exits_3_with_one_message(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    done = subprocess.run(
        [
            *voicecoach("run", str(routine_file(tmp_path, TINY)), "--plain", "--no-history"),
            "--require-audio",
        ],
        env=no_device_env(alsa_capture, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stdout == ""
    [message] = done.stderr.splitlines()
    assert message.startswith("voicecoach: no audio output device could be opened (")
    assert "aplay -l" in message
    assert alsa_capture.clips() == []


@pytest.mark.audio
def test_without_a_device_the_run_goes_on_with_text_and_says_so_once(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    path = routine_file(tmp_path, TINY)
    done = subprocess.run(
        voicecoach("run", str(path), "--plain", "--no-history"),
        env=no_device_env(alsa_capture, tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [message] = done.stderr.splitlines()
    assert message.startswith("sound is off: no audio output device could be opened (")
    assert message.endswith("The session goes on with text only.")
    lines = done.stdout.splitlines()
    assert lines[0] == "00:00.000  phase  [announce] Wall sit"
    sounds = [line for line in lines if "  say  " in line or "  beep  " in line]
    assert sounds
    assert all(line.endswith("  (not played)") for line in sounds)
    assert lines[-1].startswith("Workout complete: 1 of 1 sets done in ")
    assert alsa_capture.clips() == []
    assert not (tmp_path / "cache" / "voicecoach").exists(), "nothing was synthesized"


@pytest.mark.audio
def test_unknown_start_at_exits_2_with_did_you_mean(
    alsa_capture: AlsaCapture, tmp_path: Path
) -> None:
    done = subprocess.run(
        [
            *voicecoach("run", "home-back-basics", "--plain", "--no-history"),
            "--start-at",
            "broomstik row",
        ],
        env=run_env(alsa_capture, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    [message] = done.stderr.splitlines()
    assert message.startswith(
        "voicecoach: no exercise 'broomstik row' in this routine; did you mean Broomstick Row? "
    )
    assert alsa_capture.played() == []


# -- keys in a real terminal -----------------------------------------------------------------------


class Terminal:
    """A child process on a pseudo-terminal: type into it and read its screen output."""

    def __init__(self, argv: list[str], env: Mapping[str, str], rows: int = 30, cols: int = 100):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.output = b""
        self.child = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)},
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def _pump(self, timeout: float) -> bool:
        """Read what is there; False once the child has closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError as err:
            if err.errno == errno.EIO:
                return False
            raise
        self.output += data
        return bool(data)

    def wait_for(self, needle: str, timeout: float = LONG_WAIT_S, since: int = 0) -> int:
        """Wait until `needle` appears after byte `since`; return where the output ended then."""
        deadline = time.monotonic() + timeout
        while needle not in self.output[since:].decode("utf-8", errors="replace"):
            if time.monotonic() > deadline or not self._pump(0.05):
                raise AssertionError(f"{needle!r} did not appear; screen so far:\n{self.text}")
        return len(self.output)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = LONG_WAIT_S) -> int:
        """Read to the end; the child's exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._pump(0.05):
            pass
        return self.child.wait(timeout=max(1.0, deadline - time.monotonic()))

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        os.close(self.master)


@pytest.fixture
def terminal(alsa_capture: AlsaCapture, tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    opened: list[Terminal] = []

    def start(*args: str) -> Terminal:
        term = Terminal(voicecoach(*args), run_env(alsa_capture, tmp_path))
        opened.append(term)
        return term

    yield start
    for term in opened:
        term.close()


KEYS_HINT = "keys: space pause"


@pytest.mark.speech
@pytest.mark.audio
def test_q_in_a_terminal_quits_with_a_summary(
    terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    term = terminal("run", str(routine_file(tmp_path)), "--no-history")
    term.wait_for(KEYS_HINT)
    term.wait_for("Squat. 2 reps.")
    term.type("q")
    status = term.finish()
    assert status == 0, term.text
    assert re.search(rf"Quit at {CLOCK} of {CLOCK} in Squat: 0 of 2 sets done\.", term.text)


@pytest.mark.speech
@pytest.mark.audio
def test_space_pauses_and_space_resumes_in_a_terminal(
    terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    term = terminal("run", str(routine_file(tmp_path)), "--no-history")
    term.wait_for(KEYS_HINT)
    before = len(term.output)
    term.type(" ")
    paused = term.wait_for("Paused.", since=before)
    term.type(" ")
    # After the three-tick countdown the session goes on, into its next phase.
    term.wait_for("PREPARE  Squat: get ready", since=paused)
    term.type("q")
    assert term.finish() == 0, term.text
    assert re.search(rf"Quit at {CLOCK} of {CLOCK} in Squat", term.text)
