"""What a new user runs into, each answered in a useful way: a voice that does not exist, notes
of a circuit, a circuit with sets, a missing library, libraries given to validate and kept
beside routines, --start-at by any name the person knows, history of a routine by file name,
special files, and long lists of problems."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner
from test_history_cli import write_known_history

from voicecoach import resources
from voicecoach.cli import cli
from voicecoach.errors import SpeechUnavailable
from voicecoach.session import checks

ROUTINES = Path(__file__).parent.parent / "routines"


def invoke(*args: str | Path) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


VOICE_ROUTINE = """\
    name: Voice
    voice: {id: en-uk}
    exercises:
      - {name: Squat, reps: 5}
"""


@pytest.mark.speech
def test_unknown_voice_is_located_at_validate(tmp_path: Path) -> None:
    path = write(tmp_path, "voice.yaml", VOICE_ROUTINE)
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:13: unknown voice 'en-uk'")


def test_voice_not_checked_without_an_engine_is_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an engine the id cannot be checked: a located note, and the file is valid."""

    def no_engine(voice_id: str, language: str, engine: str | None = None) -> tuple[str, str]:
        raise SpeechUnavailable("no text-to-speech engine could be started")

    monkeypatch.setattr("voicecoach.speech.voices.find_voice", no_engine)
    path = write(tmp_path, "voice.yaml", VOICE_ROUTINE)
    result = invoke("validate", path)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{path}:2:13: note: voice 'en-uk' not checked: no text-to-speech engine could be started\n"
    )
    assert checks.check_voice.__doc__  # documented where it is decided


def test_show_puts_each_circuit_note_under_its_exercise(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "circuit.yaml",
        """\
        name: Notes
        exercises:
          - circuit: Pair
            rounds: 2
            exercises:
              - {name: First, reps: 5, notes: about the first}
              - {name: Second, reps: 5, notes: about the second}
        """,
    )
    lines = invoke("show", path).stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "- First:" in line)
    assert lines[first + 1].strip() == "note: about the first"
    assert "- Second:" in lines[first + 2]
    assert lines[first + 3].strip() == "note: about the second"


def test_circuit_sets_point_to_rounds(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        """\
        name: C
        exercises:
          - circuit: C
            rounds: 2
            sets: 3
            exercises: [{name: S, reps: 5}]
        """,
    )
    result = invoke("validate", path)
    assert result.stderr == (
        f"{path}:5:5: 'sets' cannot be set in a circuit; a circuit repeats with 'rounds', "
        "a whole number from 1 to 20\n"
    )


def test_missing_library_is_one_problem(tmp_path: Path) -> None:
    uses = "".join(f"  - use: mine-{i}\n" for i in range(5))
    path = write(tmp_path, "r.yaml", f"name: R\nlibrary: gone.yaml\nexercises:\n{uses}")
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "library file 'gone.yaml' not found" in result.stderr


def test_validate_checks_a_library_as_a_library(tmp_path: Path) -> None:
    bundled = resources.bundled_library_files()[0]
    result = invoke("validate", bundled)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{bundled}: ok (exercise library, ")
    broken = write(tmp_path, "lib.yaml", "exercises:\n  row: {name: Row, reps: 0}\n")
    result = invoke("validate", broken)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{broken}:2:26: 'reps' must be a whole number")


def test_a_library_run_as_a_routine_is_named_as_one(tmp_path: Path) -> None:
    path = write(tmp_path, "lib.yaml", "exercises:\n  row: {name: Row, reps: 5}\n")
    result = invoke("show", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:1:1: this file is an exercise library, not a routine; "
        "'voicecoach validate' checks it\n"
    )


def test_list_shows_no_library_as_a_routine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "voicecoach" / "routines"
    folder.mkdir(parents=True)
    write(folder, "mine.yaml", "name: Mine\nexercises: [{name: S, reps: 5}]\n")
    write(folder, "my-library.yaml", "exercises:\n  row: {name: Row, reps: 5}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    names = [line.split()[0] for line in invoke("list").stdout.splitlines()]
    assert "mine" in names
    assert "my-library" not in names


@pytest.mark.parametrize(
    ("name", "first"),
    [
        pytest.param("Deadlift", "Deadlift", id="display-name"),
        pytest.param("DEADLIFT", "Deadlift", id="any-case"),
        pytest.param("glutes-and-calves", "Glute Bridge", id="circuit-name-dashed"),
        pytest.param("Glutes and Calves", "Glute Bridge", id="circuit-name"),
        pytest.param("romanian-deadlift", "Romanian Deadlift", id="dashes-for-spaces"),
    ],
)
def test_start_at_with_dry_run(name: str, first: str) -> None:
    result = invoke(
        "run", ROUTINES / "posterior-chain.yaml", "--dry-run", "--estimate", "--start-at", name
    )
    assert result.exit_code == 0, result.stderr
    body = result.stdout.split("\n\n", 1)[1]
    assert body.splitlines()[0].endswith(f"phase  [announce] {first}")


def test_start_at_by_library_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.yaml",
        """\
        name: R
        exercises:
          - {name: Squat, reps: 5}
          - {use: deadlift, name: Heavy pulls}
        """,
    )
    result = invoke("run", path, "--dry-run", "--estimate", "--start-at", "Deadlift")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split("\n\n", 1)[1].splitlines()[0].endswith("[announce] Heavy pulls")


def test_start_at_unknown_says_what_there_is() -> None:
    result = invoke(
        "run", ROUTINES / "posterior-chain.yaml", "--dry-run", "--estimate", "--start-at", "Dedlift"
    )
    assert result.exit_code == 2
    assert "no exercise 'Dedlift' in this routine; did you mean Deadlift" in result.stderr


@pytest.mark.parametrize(
    "routine",
    ["Back Day", "back-day", "BACK DAY", "back-day.yaml"],
)
def test_history_of_a_routine_by_display_or_file_name(tmp_path: Path, routine: str) -> None:
    db = write_known_history(tmp_path)
    result = invoke("history", "--history", db, "--routine", routine)
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["ID", "5", "4", "2", "1"]


def test_history_by_path(tmp_path: Path) -> None:
    db = write_known_history(tmp_path)
    result = invoke("history", "--history", db, "--routine", tmp_path / "back-day.yaml")
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["ID", "5", "4", "2", "1"]


def test_a_fifo_as_history_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "history.sqlite3"
    os.mkfifo(fifo)
    result = invoke("history", "--history", fifo)
    assert result.exit_code == 1
    assert "is not a voicecoach history but a special file (a FIFO" in result.stderr


def test_a_fifo_as_routine_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)
    result = invoke("validate", fifo)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{fifo}:1:1: cannot read the file: it is a FIFO (named pipe), not a regular file\n"
    )


def test_a_fifo_in_the_speech_cache_is_a_missing_entry(tmp_path: Path) -> None:
    from voicecoach.speech.cache import _read_entry

    os.mkfifo(tmp_path / "entry.wav")
    assert _read_entry(tmp_path / "entry.wav") is None


def test_problems_past_fifty_are_counted(tmp_path: Path) -> None:
    items = "".join(f"  - {{name: E{i}, reps: 0}}\n" for i in range(60))
    path = write(tmp_path, "many.yaml", f"name: Many\nexercises:\n{items}")
    lines = invoke("validate", path).stderr.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "... and 10 more problems"


@pytest.mark.parametrize("text", ["root:x:0:0:root:/root:/bin/bash\n", "- a\n- b\n", "just text\n"])
def test_a_foreign_file_is_named_never_quoted(tmp_path: Path, text: str) -> None:
    """A file that is none of voicecoach's (given as a routine, or as a program's session) is
    one problem that quotes nothing of it."""
    path = write(tmp_path, "foreign.yaml", text)
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:1:1: this is not a routine, an exercise library or a program: none of 'name', "
        "'exercises' or 'program' is at its top level\n"
    )
