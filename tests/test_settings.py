"""The settings file: reading and checking it, precedence (option > routine > settings file >
default), `voicecoach config`, and the commands that take their defaults from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.errors import RoutineError
from voicecoach.routine.loader import load_routine
from voicecoach.routine.model import Voice
from voicecoach.settings import (
    DEFAULT,
    DEFAULT_ENGINE,
    Overrides,
    Settings,
    load_settings,
    resolve,
    settings_path,
)

FULL = """\
engine: pyttsx3
voice: gmw/en-gb-x-rp
rate: 150
volume: 0.8
beeps: -3
language: de
history: workouts/history.sqlite3
routines: ~/my-routines
"""


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder of this test's own, with no settings file yet."""
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    (home / "voicecoach").mkdir(parents=True)
    return home


def write_settings(config_home: Path, text: str) -> Path:
    path = config_home / "voicecoach" / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def routine(tmp_path: Path, voice: str = "", language: str = "") -> Path:
    path = tmp_path / "r.yaml"
    lines = ["name: R", voice, language, "exercises: [{name: Plank, hold: 5}]", ""]
    path.write_text("\n".join(line for line in lines if line is not None), encoding="utf-8")
    return path


# -- reading ---------------------------------------------------------------------------------


def test_the_settings_file_lives_in_the_config_folder(config_home: Path) -> None:
    assert settings_path() == config_home / "voicecoach" / "config.yaml"
    assert load_settings() == Settings()


def test_every_key_is_read(config_home: Path) -> None:
    path = write_settings(config_home, FULL)
    assert load_settings() == Settings(
        path=path,
        engine="pyttsx3",
        voice="gmw/en-gb-x-rp",
        rate=150,
        volume=0.8,
        beeps_db=-3.0,
        language="de",
        history=path.parent / "workouts" / "history.sqlite3",
        routines=Path.home() / "my-routines",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "rate: 500\n", "1:7: 'rate' must be a whole number from 80 to 400, got 500", id="rate"
        ),
        pytest.param(
            "beeps: loud\n",
            "1:8: 'beeps' must be a number of decibels from -40 to 12 next to the voice "
            '(0: as loud as the voice), got "loud"',
            id="beeps",
        ),
        pytest.param(
            "engine: festival\n",
            "1:9: 'engine' must be one of pyttsx3, espeak-ng, piper, got \"festival\"",
            id="engine",
        ),
        pytest.param(
            "volume: 2\n", "1:9: 'volume' must be a number from 0.0 to 1.0, got 2", id="volume"
        ),
        pytest.param(
            "speed: 150\n",
            "1:1: unknown key 'speed' in the settings file; expected one of engine, voice, rate, "
            "volume, beeps, language, history, routines",
            id="unknown-key",
        ),
        pytest.param(
            "- rate: 150\n",
            "1:1: the settings file must be a mapping of engine, voice, rate, volume, beeps, "
            "language, history, routines, got a list",
            id="not-a-mapping",
        ),
    ],
)
def test_problems_are_located_as_in_routines(config_home: Path, text: str, message: str) -> None:
    path = write_settings(config_home, text)
    with pytest.raises(RoutineError) as caught:
        load_settings()
    assert [str(p) for p in caught.value.problems] == [f"{path}:{message}"]


def test_every_problem_is_reported_at_once(config_home: Path) -> None:
    path = write_settings(config_home, "rate: 10\nvolume: -1\nlanguage: it\n")
    with pytest.raises(RoutineError) as caught:
        load_settings()
    assert [(p.pos.file, p.pos.line) for p in caught.value.problems] == [
        (str(path), 1),
        (str(path), 2),
        (str(path), 3),
    ]


def test_a_bad_settings_file_stops_a_command_with_exit_status_2(config_home: Path) -> None:
    path = write_settings(config_home, "rate: fast\n")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:1:7: 'rate' must be a whole number from 80 to 400, got \"fast\"\n"
    )


# -- precedence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "in_routine", "in_file", "rate", "source"),
    [
        pytest.param(120, 140, 160, 120, "option --rate", id="option-first"),
        pytest.param(None, 140, 160, 140, "routine", id="then-routine"),
        pytest.param(None, None, 160, 160, "settings file", id="then-settings-file"),
        pytest.param(None, None, None, 170, DEFAULT, id="then-default"),
    ],
)
def test_option_then_routine_then_settings_file_then_default(
    tmp_path: Path,
    flag: int | None,
    in_routine: int | None,
    in_file: int | None,
    rate: int,
    source: str,
) -> None:
    voice = f"voice: {{rate: {in_routine}}}" if in_routine else ""
    loaded = load_routine(routine(tmp_path, voice))
    settings = Settings(path=tmp_path / "config.yaml", rate=in_file)
    in_force = resolve(settings, Overrides(rate=flag), loaded)
    assert in_force.rate.value == rate
    assert in_force.rate.source.startswith(source)
    assert in_force.apply(loaded).voice.rate == rate


def test_a_routine_without_a_language_takes_the_settings_file_one(tmp_path: Path) -> None:
    settings = Settings(path=tmp_path / "config.yaml", language="de")
    plain = load_routine(routine(tmp_path))
    assert resolve(settings, routine=plain).apply(plain).language == "de"
    english = load_routine(routine(tmp_path, language="language: en"))
    assert resolve(settings, routine=english).apply(english).language == "en"


def test_a_voice_named_nearer_than_the_engine_brings_its_own_engine(tmp_path: Path) -> None:
    """A routine naming an espeak-ng voice is not made to speak it with the settings file's
    engine: the voice's engine speaks it."""
    settings = Settings(path=tmp_path / "config.yaml", engine="piper")
    loaded = load_routine(routine(tmp_path, "voice: {id: gmw/de}"))
    voice = resolve(settings, routine=loaded).voice_settings
    assert voice == Voice(id="gmw/de", engine=None)
    same_place = load_routine(routine(tmp_path, "voice: {id: gmw/de, engine: espeak-ng}"))
    assert resolve(settings, routine=same_place).voice_settings.engine == "espeak-ng"


def test_the_default_engine_is_the_neural_voice(tmp_path: Path) -> None:
    in_force = resolve(Settings())
    assert (in_force.engine.value, in_force.engine.source) == (DEFAULT_ENGINE, DEFAULT)
    assert DEFAULT_ENGINE == "piper"


# -- voicecoach config ------------------------------------------------------------------------


def test_config_shows_each_value_and_where_it_comes_from(config_home: Path, tmp_path: Path) -> None:
    path = write_settings(config_home, "engine: pyttsx3\nbeeps: -3\nhistory: /data/h.sqlite3\n")
    source = routine(tmp_path, "voice: {rate: 140}", "language: de")
    result = CliRunner().invoke(cli, ["config", str(source), "--volume", "0.5"])
    assert result.exit_code == 0, result.output
    routines = config_home / "voicecoach" / "routines"
    file = f"settings file {path}"
    rows = [
        ("engine", "pyttsx3", file),
        ("voice", "(the engine's voice for the language)", "default"),
        ("rate", "140", f"routine {source}"),
        ("volume", "0.5", "option --volume"),
        ("beeps", "-3 dB", file),
        ("language", "de", f"routine {source}"),
        ("history", "/data/h.sqlite3", file),
        ("routines", str(routines), "default"),
    ]
    width = max(len(value) for _, value, _ in rows)
    assert result.output.splitlines() == [
        f"settings file: {path}",
        "",
        *(f"{key:<9} {value:<{width}}  {where}" for key, value, where in rows),
    ]


@pytest.mark.parametrize("missing", [False, True])
def test_config_says_which_engine_speaks_when_piper_is_not_installed(
    config_home: Path, monkeypatch: pytest.MonkeyPatch, missing: bool
) -> None:
    import sys

    if missing:
        monkeypatch.setitem(sys.modules, "piper", None)  # `import piper` fails, as without it
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    engine = next(line for line in result.output.splitlines() if line.startswith("engine "))
    shown = "piper (not installed: pyttsx3 is used)" if missing else "piper"
    assert engine.endswith("  default")
    assert engine.removeprefix("engine").removesuffix("default").strip() == shown


def test_the_routines_folder_of_the_settings_file_is_searched_by_name(
    config_home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "my-day.yaml").write_text(
        "name: My day\nexercises: [{name: Plank, hold: 5}]\n", encoding="utf-8"
    )
    write_settings(config_home, f"routines: {folder}\n")
    result = CliRunner().invoke(cli, ["show", "my-day"])
    assert result.exit_code == 0, result.output
    assert "My day" in result.output


def test_history_commands_read_the_settings_file_history(config_home: Path, tmp_path: Path) -> None:
    history = tmp_path / "elsewhere" / "h.sqlite3"
    write_settings(config_home, f"history: {history}\n")
    result = CliRunner().invoke(cli, ["history"])
    assert result.exit_code == 0, result.output
    assert str(history) in result.output
