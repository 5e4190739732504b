"""A library says its language; a routine in another language that takes spoken words from it
(an exercise's name, its cues) is warned, at its `use`, by `validate` and `run`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.errors import RoutineError
from voicecoach.resources import bundled_routines
from voicecoach.routine.library import load_library
from voicecoach.routine.loader import load_routine
from voicecoach.session.checks import library_language_warnings

GERMAN_LIBRARY = """\
language: de
exercises:
  kreuzheben:
    name: Kreuzheben
    reps: 5
    cues:
      setup: Füße unter die Stange.
      during: Rücken gerade.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def warnings(path: Path) -> list[str]:
    return [str(w) for w in library_language_warnings(load_routine(path))]


def test_a_german_routine_taking_english_words_from_the_bundled_library_is_warned(
    tmp_path: Path,
) -> None:
    routine = write(
        tmp_path,
        "ruecken.yaml",
        "name: Rücken\n"
        "language: de\n"
        "exercises:\n"
        "  - use: deadlift\n"
        "    sets: 2\n"
        "  - use: band-row\n"
        "    name: Rudern mit Band\n"
        "    cues: {intro: Schulterblätter zusammen.}\n"
        "  - use: forearm-plank\n"
        "    name: Unterarmstütz\n"
        "    cues: {intro: Ruhig., setup: Ellbogen unter die Schultern., during: Bauch fest.,"
        " finish: Noch kurz.}\n",
    )
    expected = [
        f"{routine}:4:10: warning: 'deadlift' comes from a library in English: its name and its "
        "cues (intro, setup, before_rep, during, finish) would be spoken in English by the "
        "German voice; write them here in German ('name' and 'cues'), or use a library in German",
        f"{routine}:6:10: warning: 'band-row' comes from a library in English: its cues "
        "(setup, before_rep, during, finish) would be spoken in English by the German voice; "
        "write them here in German ('cues'), or use a library in German",
    ]
    assert warnings(routine) == expected
    runner = CliRunner()
    checked = runner.invoke(cli, ["validate", "--estimate", str(routine)])
    assert checked.exit_code == 0
    assert checked.stderr.splitlines() == expected
    dry = runner.invoke(cli, ["run", str(routine), "--dry-run", "--estimate", "--no-history"])
    assert dry.exit_code == 0
    assert dry.stderr.splitlines()[:2] == expected


def test_the_bundled_routines_in_german_and_french_take_no_english_words() -> None:
    """They write every name and cue of the library entries they use in their own language."""
    for name, path in bundled_routines().items():
        routine = load_routine(path)
        assert warnings(path) == [], name
        if routine.language != "en":
            assert any(e.library_id for e in routine.all_exercises()), name


def test_a_library_in_the_routines_language_is_not_warned_of(tmp_path: Path) -> None:
    write(tmp_path, "bibliothek.yaml", GERMAN_LIBRARY)
    german = write(
        tmp_path,
        "de.yaml",
        "name: Kurz\nlanguage: de\nlibrary: bibliothek.yaml\nexercises:\n  - use: kreuzheben\n",
    )
    assert warnings(german) == []
    english = write(
        tmp_path,
        "en.yaml",
        "name: Short\nlibrary: bibliothek.yaml\nexercises:\n  - use: kreuzheben\n",
    )
    assert warnings(english) == [
        f"{english}:4:10: warning: 'kreuzheben' comes from a library in German: its name and its "
        "cues (setup, during) would be spoken in German by the English voice; write them here "
        "in English ('name' and 'cues'), or use a library in English"
    ]


def test_a_library_that_does_not_say_its_language_is_not_compared(tmp_path: Path) -> None:
    write(tmp_path, "lib.yaml", GERMAN_LIBRARY.removeprefix("language: de\n"))
    routine = write(
        tmp_path,
        "fr.yaml",
        "name: Court\nlanguage: fr\nlibrary: lib.yaml\nexercises:\n  - use: kreuzheben\n",
    )
    assert warnings(routine) == []
    assert {e.language for e in load_library(tmp_path / "lib.yaml").values()} == {None}


def test_a_library_language_that_is_not_known_is_a_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, "lib.yaml", GERMAN_LIBRARY.replace("language: de", "language: deu"))
    with pytest.raises(RoutineError) as caught:
        load_library(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1:11: 'language' must be one of en, de, fr, got \"deu\"; did you mean 'de'?"
    ]
