"""`voicecoach prepare`: every phrase of routines, or of a program's sessions, made ahead."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.speech
@pytest.mark.usefixtures("cache_home")
def test_prepare_makes_every_phrase_once_and_a_run_then_makes_none(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "r.yaml",
        "name: Short\nexercises: [{name: Plank, hold: 5, cues: {during: Hold.}}]\n",
    )
    first = CliRunner().invoke(cli, ["prepare", str(routine)])
    assert first.exit_code == 0, first.output
    [line] = first.output.splitlines()
    assert line.startswith("Short: ")
    phrases = int(line.split()[1])
    assert line == f"Short: {phrases} phrases ready, {phrases} made now, gmw/en-us (pyttsx3)"
    again = CliRunner().invoke(cli, ["prepare", str(routine)])
    assert again.output == f"Short: {phrases} phrases ready, 0 made now, gmw/en-us (pyttsx3)\n"
    dry = CliRunner().invoke(cli, ["run", str(routine), "--dry-run"])
    assert "measured from the voice gmw/en-us" in dry.output


@pytest.mark.speech
@pytest.mark.usefixtures("cache_home")
def test_prepare_takes_a_program_for_each_of_its_sessions(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: Day A\nexercises: [{name: Plank, hold: 5}]\n")
    write(tmp_path, "b.yaml", "name: Day B\nlanguage: de\nexercises: [{name: Brett, hold: 5}]\n")
    program = write(tmp_path, "p.yaml", "program: Plan\nsessions: [a.yaml, b.yaml]\nper_week: 2\n")
    result = CliRunner().invoke(cli, ["prepare", str(program)])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == ["Day A", "Day B"]
    assert result.output.splitlines()[1].endswith("gmw/de (pyttsx3)")


def test_prepare_names_what_it_cannot_find() -> None:
    result = CliRunner().invoke(cli, ["prepare", "no-such-routine"])
    assert result.exit_code == 2
    assert "no program named 'no-such-routine'" in result.output


def test_a_warm_cache_gives_the_same_timeline_compiled_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicecoach.resources import bundled_routines
    from voicecoach.routine.loader import load_routine
    from voicecoach.session import prepare
    from voicecoach.testing import FakeEngine, engines
    from voicecoach.timeline.compiler import compile_routine

    routine = load_routine(bundled_routines()["full-body-a"])
    engine = FakeEngine("fake")
    with engines(engine):
        cache = prepare.open_speech(routine, cache_root=tmp_path)
        cold = prepare.measured_timeline(routine, cache, rate=170)
        made = len(engine.made)
        assert made > 0
        compiles: list[object] = []
        monkeypatch.setattr(
            prepare,
            "compile_routine",
            lambda *a, **k: compiles.append(a) or compile_routine(*a, **k),
        )
        warm = prepare.measured_timeline(routine, cache, rate=170)
    assert len(engine.made) == made  # nothing made again
    assert len(compiles) == 1
    assert warm == cold
    assert warm == compile_routine(routine, cache.durations())


@pytest.mark.parametrize("language", ["en", "de"])
def test_prepare_and_a_dry_run_also_make_the_phrase_of_a_pause(
    tmp_path: Path, language: str
) -> None:
    # Else the first pause of a run after them would start the engine (a process holding a
    # neural voice) for one phrase.
    from voicecoach.routine.loader import load_routine
    from voicecoach.session import prepare
    from voicecoach.testing import FakeEngine, engines
    from voicecoach.timeline.language import language_for

    path = write(
        tmp_path,
        "r.yaml",
        f"name: Short\nlanguage: {language}\nexercises: [{{name: P, hold: 5}}]\n",
    )
    routine = load_routine(path)
    paused = language_for(language).paused
    for fill in (prepare.prepare_speech, prepare.dry_run_timeline):
        root = tmp_path / fill.__name__
        with engines(FakeEngine("fake")):
            fill(routine, cache_root=root)
            cache = prepare.open_speech(routine, cache_root=root)
            assert cache.is_ready(paused), fill.__name__
