"""A cold start with a slow engine: its worker is started while the routine is read, and stopped
whenever no phrase is left to make (a warm cache, another engine, the session's phrases done)."""

from __future__ import annotations

import io
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.errors import SpeechUnavailable
from voicecoach.resources import bundled_routines
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Routine, Voice
from voicecoach.session.prepare import measured_timeline, open_speech, plan_session
from voicecoach.session.run import RunOptions, RunResult, run_routine
from voicecoach.speech.engine import SpeechSettings
from voicecoach.speech.registry import cool_down, warm_up
from voicecoach.speech.worker import WorkerProcess
from voicecoach.testing import FakeEngine, RecordingSink, SpeechCatchesUp, engines
from voicecoach.timeline.language import language_for


class AheadEngine(FakeEngine):
    """A fake slow engine that starts ahead, as piper does: it logs its warm-ups and releases,
    each release with how many phrases had been made by then."""

    slow = True

    def __init__(self, name: str = "ahead") -> None:
        super().__init__(name)
        self.log: list[str] = []

    def warm_up(self) -> None:
        self.log.append("warm up")

    def release(self) -> None:
        self.log.append(f"release after {len(self.made)}")


def routine() -> Routine:
    return load_routine(bundled_routines()["home-back-basics"])


def test_only_an_engine_that_starts_ahead_is_warmed_up_and_cooled_down_once() -> None:
    ahead, fast = AheadEngine(), FakeEngine("fast")
    with engines(ahead, fast):
        assert warm_up("fast") is False
        assert warm_up("no-such-engine") is False
        assert warm_up("ahead") is True
        cool_down(keep="ahead")
        assert ahead.log == ["warm up"]
        cool_down()
        cool_down()
    assert ahead.log == ["warm up", "release after 0"]


def test_a_cold_cache_keeps_the_engine_started_ahead_and_a_warm_one_stops_it(
    tmp_path: Path,
) -> None:
    engine = AheadEngine()
    session = routine()
    with engines(engine):
        cache = open_speech(session, Voice(engine=engine.name), cache_root=tmp_path)
        warm_up(engine.name)
        cold = plan_session(session, cache, rate=170)
        assert engine.log == ["warm up"]
        assert len(engine.made) == 1
        assert cold.pending
        measured_timeline(session, cache, rate=170)  # every phrase made
        made = len(engine.made)
        warm_up(engine.name)
        warm = plan_session(session, cache, rate=170)
        assert warm.pending == []
        assert engine.log == ["warm up", "warm up", f"release after {made}"]
        assert len(engine.made) == made


def test_an_engine_started_ahead_is_stopped_when_another_speaks(tmp_path: Path) -> None:
    ahead, fast = AheadEngine(), FakeEngine("fast")
    session = routine()
    with engines(ahead, fast):
        warm_up(ahead.name)
        cache = open_speech(session, Voice(engine=fast.name), cache_root=tmp_path)
        plan_session(session, cache, rate=170)
    assert ahead.log == ["warm up", "release after 0"]
    assert fast.made


def play(session: Routine, cache_root: Path) -> RunResult:
    clock = SpeechCatchesUp(1000.0)
    return run_routine(
        session,
        RunOptions(history=False, cache_root=cache_root),
        out=io.StringIO(),
        notify=lambda message: None,
        interactive=False,
        live=False,
        clock=clock,
        sink=RecordingSink(clock.now),
    )


def test_the_engine_is_released_once_the_session_and_pause_phrases_are_made(
    tmp_path: Path,
) -> None:
    """Cold: the pause phrase comes last, then the engine is stopped for the rest of the
    session. Warm: nothing is made, and the engine is stopped all the same."""
    engine = AheadEngine()
    session = replace(routine(), voice=Voice(engine=engine.name))
    with engines(engine):
        cold = play(session, tmp_path)
        made = len(engine.made)
        assert engine.made[-1] == language_for("en").paused
        assert engine.log == [f"release after {made}"]
        assert cold.synthesized == made
        warm = play(session, tmp_path)
    assert warm.synthesized == 0
    assert engine.log == [f"release after {made}", f"release after {made}"]


def test_run_starts_the_engine_ahead_and_stops_it_when_the_routine_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no settings file
    engine = AheadEngine()
    with engines(engine):
        failed = CliRunner().invoke(cli, ["run", "no-such-routine", "--engine", engine.name])
        assert failed.exit_code == 2
        assert engine.log == ["warm up", "release after 0"]
        dry = CliRunner().invoke(cli, ["run", "nothing", "--engine", engine.name, "--dry-run"])
        assert dry.exit_code == 2
    assert engine.log == ["warm up", "release after 0"], "a dry run starts nothing ahead"


# -- the worker process, started ahead and stopped --------------------------------------------

FAKE_TARGET = "voicecoach.testing:FakeInProcess"


def synthesize(worker: WorkerProcess, path: Path) -> dict[str, object]:
    request = {"op": "synthesize", "settings": asdict(SpeechSettings()), "text": "Brace."}
    return worker.call({**request, "path": str(path)}, timeout=60)


def test_a_worker_started_in_the_background_serves_the_first_phrase(tmp_path: Path) -> None:
    worker = WorkerProcess(FAKE_TARGET, label="fake")
    try:
        worker.start_in_background().join(60)
        assert worker.pid is not None
        assert synthesize(worker, tmp_path / "a.wav") == {"done": True}
        assert worker.starts == 1
    finally:
        worker.close()


def test_stop_ends_the_worker_or_calls_its_start_off_and_the_next_phrase_starts_one(
    tmp_path: Path,
) -> None:
    worker = WorkerProcess(FAKE_TARGET, label="fake")
    try:
        starting = worker.start_in_background()
        worker.stop()
        starting.join(60)
        assert worker.pid is None
        before = worker.starts
        assert synthesize(worker, tmp_path / "a.wav") == {"done": True}
        assert worker.starts == before + 1
        running = worker.pid
        worker.stop()
        assert worker.pid is None
        assert running is not None
    finally:
        worker.close()


def test_a_worker_that_cannot_start_in_the_background_is_reported_by_the_next_phrase(
    tmp_path: Path,
) -> None:
    worker = WorkerProcess("voicecoach.testing:NoSuchEngine", label="fake")
    worker.start_in_background().join(60)
    assert worker.pid is None
    with pytest.raises(SpeechUnavailable, match="NoSuchEngine"):
        synthesize(worker, tmp_path / "a.wav")
