"""Faults around a session end nothing: real signals while the speech is still being prepared,
closed or vanishing standard streams, an empty phrase to say."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AlsaCapture

from voicecoach.history.store import HistoryStore
from voicecoach.outcome import Outcome

TINY = """\
name: Tiny
defaults:
  countdown: 0
  prepare: 0
exercises:
  - name: Wall sit
    hold: 1
"""

#: An intro long enough that preparing it takes seconds: the first phase waits for it.
LONG_INTRO = "Keep your back straight and breathe out as you lift. " * 60


def routine(tmp_path: Path, intro: str | None = None) -> Path:
    path = tmp_path / "routine.yaml"
    text = TINY if intro is None else TINY + f'    cues:\n      intro: "{intro.strip()}"\n'
    path.write_text(text)
    return path


def env_for(capture: AlsaCapture, tmp_path: Path) -> dict[str, str]:
    env = capture.child_env()
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


VOICECOACH = f"{sys.executable} -m voicecoach"


@pytest.mark.speech
@pytest.mark.audio
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_a_signal_while_speech_is_prepared_records_an_interrupted_session(
    alsa_capture: AlsaCapture, tmp_path: Path, signum: signal.Signals
) -> None:
    """Preparing says what it does after a second; a signal then ends the run with 130 and an
    interrupted session in the history, with no traceback and no worker left behind."""
    history = tmp_path / "history.sqlite3"
    path = routine(tmp_path, LONG_INTRO)
    child = subprocess.Popen(
        [*VOICECOACH.split(), "run", str(path), "--plain", "--history", str(history)],
        env=env_for(alsa_capture, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stderr is not None
        first = child.stderr.readline()
        child.send_signal(signum)
        status = child.wait(timeout=60)
        rest = child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert first == "preparing speech: 3 phrases...\n"
    assert (status, rest) == (130, "interrupted\n")
    with HistoryStore.open(history) as store:
        [session] = store.recent_sessions()
    assert session.status is Outcome.INTERRUPTED
    assert session.ended_at is not None


def messages(stderr: str) -> list[str]:
    """What a child said on stderr, without the progress of a slow start (on a busy machine)."""
    return [line for line in stderr.splitlines() if not line.startswith("preparing speech")]


def run_shell(capture: AlsaCapture, tmp_path: Path, line: str) -> subprocess.CompletedProcess[str]:
    """`line` in bash, with ROUTINE and VOICECOACH set; its status is voicecoach's."""
    env = env_for(capture, tmp_path)
    env["ROUTINE"] = str(routine(tmp_path))
    env["VOICECOACH"] = VOICECOACH
    return subprocess.run(
        ["bash", "-c", line],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.speech
@pytest.mark.audio
@pytest.mark.parametrize(
    "line",
    [
        pytest.param('$VOICECOACH run "$ROUTINE" --plain --no-history <&-', id="stdin-closed"),
        pytest.param('$VOICECOACH run "$ROUTINE" --plain --no-history >&-', id="stdout-closed"),
        pytest.param(
            '$VOICECOACH run "$ROUTINE" --plain --no-history | head -1; exit "${PIPESTATUS[0]}"',
            id="reader-gone",
        ),
    ],
)
def test_the_workout_goes_on_whatever_becomes_of_the_standard_streams(
    alsa_capture: AlsaCapture, tmp_path: Path, line: str
) -> None:
    done = run_shell(alsa_capture, tmp_path, line)
    assert (done.returncode, messages(done.stderr)) == (0, [])
    plan = run_shell(alsa_capture, tmp_path, '$VOICECOACH run "$ROUTINE" --dry-run --json')
    sounds = [e for e in json.loads(plan.stdout)["events"] if e["kind"] in ("speak", "beep")]
    assert len(alsa_capture.played()) == len(sounds)


def test_say_without_words_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "say", ""],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.endswith("Error: TEXT is empty: give the words to say\n")
    assert "Traceback" not in done.stderr
