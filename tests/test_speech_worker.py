"""Native speech in a worker process: a crash there is a message, never the end of a session.

The real pyttsx3 worker is killed with real signals; the cause of the crash seen in CI on
Python 3.13 (pyttsx3 telling libespeak-ng that its text is ten times longer than it is) is
exercised with texts long enough to crash every time without the fix.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from voicecoach.clip import Clip
from voicecoach.resources import bundled_routines
from voicecoach.routine.loader import load_routine
from voicecoach.session.run import RunOptions, run_routine
from voicecoach.speech.engine import SpeechSettings
from voicecoach.speech.pyttsx3_engine import Pyttsx3Synthesizer, pyttsx3_worker
from voicecoach.speech.worker import WorkerCrashed, WorkerProcess
from voicecoach.testing import RecordingSink, SpeechCatchesUp
from voicecoach.timeline.model import EventKind

pytestmark = pytest.mark.speech


@pytest.fixture
def worker() -> Iterator[WorkerProcess]:
    """The process's pyttsx3 worker, with no hook left behind."""
    found = pyttsx3_worker()
    yield found
    found.after_send = None


def kill_at(numbers: set[int], signum: int) -> Any:
    """A hook that kills the worker right after the synthesis requests numbered `numbers`."""
    count = 0

    def hook(worker: WorkerProcess, request: dict[str, Any]) -> None:
        nonlocal count
        if request["op"] != "synthesize":
            return
        count += 1
        if count in numbers:
            assert worker.pid is not None
            os.kill(worker.pid, signum)

    return hook


@pytest.mark.parametrize("signum", [signal.SIGSEGV, signal.SIGKILL])
def test_a_killed_worker_is_an_error_and_the_next_phrase_starts_a_new_one(
    worker: WorkerProcess, tmp_path: Path, signum: int
) -> None:
    synth = Pyttsx3Synthesizer(SpeechSettings())
    starts = worker.starts
    worker.after_send = kill_at({1}, signum)
    with pytest.raises(WorkerCrashed) as caught:
        synth.synthesize("Brace.", tmp_path / "a.wav")
    assert str(caught.value) == (
        f"pyttsx3 stopped: its process was killed by {signal.Signals(signum).name}"
    )
    synth.synthesize("Brace.", tmp_path / "b.wav")
    assert worker.starts == starts + 1
    assert Clip.from_wav(tmp_path / "b.wav").duration_ms > 100


@pytest.mark.parametrize("signum", [signal.SIGSEGV, signal.SIGKILL])
def test_a_session_goes_on_when_the_worker_dies_mid_synthesis_on_a_cold_cache(
    worker: WorkerProcess, tmp_path: Path, signum: int
) -> None:
    """The first crash restarts pyttsx3, the second hands the rest to espeak-ng; every phrase
    is played, and each change is said once."""
    routine = load_routine(bundled_routines()["home-back-basics"])
    worker.after_send = kill_at({3, 7}, signum)
    clock = SpeechCatchesUp(1000.0)
    sink = RecordingSink(clock.now)
    notices: list[str] = []
    result = run_routine(
        routine,
        RunOptions(history=False, cache_root=tmp_path / "cold"),
        out=io.StringIO(),
        notify=notices.append,
        interactive=False,
        live=False,
        clock=clock,
        sink=sink,
    )
    name = signal.Signals(signum).name
    assert notices[:2] == [
        f"speech: pyttsx3 stopped: its process was killed by {name}; starting it again",
        f"speech: pyttsx3 stopped: its process was killed by {name}; "
        "the remaining phrases are spoken by espeak-ng",
    ]
    spoken = [e for e in result.timeline.events if e.kind is EventKind.SPEAK]
    assert result.stats.missing_clips == 0
    assert result.stats.played == len(result.timeline.events)
    assert result.stats.offers_taken == 1
    assert result.timeline.measured
    assert len(spoken) > 20
    assert result.summary.outcome.value == "completed"


STRESS = """
import sys
from pathlib import Path
from pyttsx3.drivers import _espeak
from voicecoach.speech.engine import SpeechSettings
from voicecoach.speech.pyttsx3_engine import Pyttsx3InProcess

native = Pyttsx3InProcess()
native.start()
folder = Path(sys.argv[1])
for i in range(40):
    native.synthesize(SpeechSettings(), f"Set {i} of 40, keep going.", folder / f"{i}.wav")
# libespeak-ng copies the size it is given out of the text: ten times a text of some tens of
# kilobytes reaches unmapped memory every time.
for i in range(40):
    _espeak.Synth(b"Go." + b" " * (30000 + 4099 * i), flags=_espeak.CHARS_UTF8)
    _espeak.Cancel()
print("done")
"""


def test_long_texts_do_not_crash_libespeak(tmp_path: Path) -> None:
    """The stress test that crashed with SIGSEGV in every run before the fix."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(STRESS), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.endswith("done\n")
    assert len(list(tmp_path.glob("*.wav"))) == 40


class SpeechDoneFirst(SpeechCatchesUp):
    """:class:`SpeechCatchesUp` that also notes, once the session's speech is finished (its
    phrases and the pause phrase made), whether the engine's process still runs."""

    def __init__(self, worker: WorkerProcess) -> None:
        super().__init__(1000.0)
        self.worker = worker
        self.pid_while_playing: list[int | None] = []

    def wait_until(self, deadline: float, fileno: int | None = None) -> bool:
        woke = super().wait_until(deadline, fileno)
        if not self.pid_while_playing:
            self.pid_while_playing.append(self.worker.pid)
        return woke


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_no_pyttsx3_process_runs_while_the_session_plays(
    worker: WorkerProcess, tmp_path: Path, cache: str
) -> None:
    """Once every phrase is made (at once on a warm cache) the worker is stopped: the session
    plays on its own process alone."""
    routine = load_routine(bundled_routines()["pull-up-progression"])
    options = RunOptions(history=False, cache_root=tmp_path / "speech")
    for _ in range(2 if cache == "warm" else 1):
        clock = SpeechDoneFirst(worker)
        result = run_routine(
            routine,
            options,
            out=io.StringIO(),
            notify=lambda message: None,
            interactive=False,
            live=False,
            clock=clock,
            sink=RecordingSink(clock.now),
        )
        assert result.summary.outcome.value == "completed"
        assert clock.pid_while_playing == [None]
    assert worker.starts > 0, "the engine was started (to make phrases or to list voices)"
