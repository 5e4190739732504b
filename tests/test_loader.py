"""The routine loader: every rule of the routine format, each bad input with its exact message."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicecoach import resources
from voicecoach.errors import RoutineError, SourcePos
from voicecoach.routine.fields import DEFAULTS_KEYS, EXERCISE_KEYS
from voicecoach.routine.loader import load_routine, load_routine_text
from voicecoach.routine.model import (
    DEFAULT_COUNTDOWN_S,
    DEFAULT_PREPARE_MS,
    DEFAULT_REST_AFTER_MS,
    DEFAULT_REST_MS,
    DEFAULT_SETS,
    DEFAULT_SIDE_SWITCH_MS,
    Circuit,
    Cue,
    Cues,
    Exercise,
    Reps,
    Routine,
    Tempo,
    Voice,
    WorkKind,
)

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"


@pytest.fixture(autouse=True)
def stand_in_bundled_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader's rules are tested against a small fixed library, not the bundled content."""
    monkeypatch.setattr(
        resources, "bundled_library_files", lambda: (DATA / "bundled" / "core.yaml",)
    )


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work from the repository's top, so library paths in messages are short."""
    monkeypatch.chdir(Path(__file__).parent.parent)


def load(text: str, *, base_dir: Path | None = GOOD) -> Routine:
    return load_routine_text(textwrap.dedent(text), filename="routine.yaml", base_dir=base_dir)


def problems(text: str | bytes, *, base_dir: Path | None = GOOD) -> list[str]:
    if isinstance(text, str):
        text = textwrap.dedent(text)
    with pytest.raises(RoutineError) as info:
        load_routine_text(text, filename="routine.yaml", base_dir=base_dir)
    return [str(p) for p in info.value.problems]


def one_exercise(body: str) -> str:
    """A routine whose only exercise has the given keys (written at column 5)."""
    lines = textwrap.dedent(body).strip("\n").splitlines()
    item = "\n".join(("  - " if i == 0 else "    ") + line for i, line in enumerate(lines))
    return f"name: Test\nexercises:\n{item}\n"


# --- files that are not a routine at all ----------------------------------------------------

FILE_CASES = [
    pytest.param(
        "",
        ["routine.yaml:1:1: file is empty; a routine needs at least 'name' and 'exercises'"],
        id="empty-file",
    ),
    pytest.param(
        "# only a comment\n\n",
        ["routine.yaml:1:1: file is empty; a routine needs at least 'name' and 'exercises'"],
        id="comments-only",
    ),
    pytest.param(
        "- name: Deadlift\n",
        [
            "routine.yaml:1:1: the top level must be a mapping with 'name', 'exercises' and "
            "other keys, got a list"
        ],
        id="top-level-list",
    ),
    pytest.param(
        "just some words\n",
        [
            "routine.yaml:1:1: the top level must be a mapping with 'name', 'exercises' and "
            'other keys, got "just some words"'
        ],
        id="top-level-text",
    ),
    pytest.param(
        "name: 'Back day\nexercises: []\n",
        [
            "routine.yaml:1:7: the text opened with ' here is never closed; end it with "
            "another ' on the same line"
        ],
        id="yaml-unclosed-quote",
    ),
    pytest.param(
        "name: Back: day\n",
        [
            "routine.yaml:1:11: a colon followed by a space inside a text; put the whole text "
            'in quotes, like name: "Back day: the hard one"'
        ],
        id="yaml-colon-in-value",
    ),
    pytest.param(
        "name: Back\n exercises: []\n",
        [
            "routine.yaml:2:11: this key is not lined up with the keys above it; indent the keys "
            "of one exercise (or one mapping) to the same column, with spaces"
        ],
        id="yaml-bad-indent",
    ),
    pytest.param(
        "name: A\n---\nname: B\n",
        [
            "routine.yaml:2:1: a second YAML document ('---' or text after '...'); a routine "
            "file holds one document: remove this part or put it in a file of its own"
        ],
        id="yaml-two-documents",
    ),
    pytest.param(
        "name: A\x00\n",
        ["routine.yaml:1:8: character U+0000 is not allowed in a YAML file"],
        id="nul-character",
    ),
    pytest.param(
        "name: A\nname: B\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:1: duplicate key 'name'; it is already set at line 1, column 1"],
        id="duplicate-top-key",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nreps: 6"),
        ["routine.yaml:5:5: duplicate key 'reps'; it is already set at line 4, column 5"],
        id="duplicate-exercise-key",
    ),
    pytest.param(
        "name: A\nexercises: &x [{name: Row, reps: 5, more: *x}]\n",
        [
            "routine.yaml:2:43: alias '*x' is inside the value it refers to; "
            "a routine cannot contain itself"
        ],
        id="recursive-alias",
    ),
    pytest.param(
        "name: *title\n",
        ["routine.yaml:1:7: alias '*title' has no anchor '&title' before it"],
        id="undefined-alias",
    ),
    pytest.param(
        "name: A\nexercises: " + "[" * 60 + "]" * 60 + "\n",
        ["routine.yaml:2:61: lists and mappings nest more than 50 levels deep"],
        id="nesting-too-deep",
    ),
    pytest.param(
        "name: !!python/object/apply:os.system [echo hi]\nexercises: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:1:7: tag '!!python/object/apply:os.system' is not supported; "
            "write plain YAML values without tags",
            "routine.yaml:1:7: 'name' must be text, got a list",
        ],
        id="python-tag",
    ),
    pytest.param(
        "name: !!int ten\nexercises: [{name: X, reps: 5}]\n",
        ['routine.yaml:1:7: "ten" is not a !!int'],
        id="bad-explicit-int",
    ),
    pytest.param(
        "? [a, b]\n: 1\nname: A\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:1:3: a key must be plain text, not a list"],
        id="list-as-key",
    ),
    pytest.param(
        "name: A\nexercises:\n  - <<: [1]\n    name: X\n    reps: 5\n",
        ["routine.yaml:3:10: '<<' merges a mapping or a list of mappings, got 1"],
        id="merge-of-a-number",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FILE_CASES)
def test_file_problems(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_file_over_one_mib_is_refused_before_parsing() -> None:
    """One byte over the limit is refused, with the size in bytes (MiB would round to 1.0)."""
    text = "name: A\n" + "#" * (1024 * 1024 - 8) + "\n"
    assert problems(text) == [
        "routine.yaml:1:1: file is 1,048,577 bytes; routine files are at most 1 MiB"
    ]


def test_file_size_shown_in_mib(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * int(1.2 * 1024 * 1024))
    with pytest.raises(RoutineError) as info:
        load_routine(path)
    assert str(info.value) == f"{path}:1:1: file is 1.2 MiB; routine files are at most 1 MiB"


def test_file_of_exactly_one_mib_is_read() -> None:
    body = "name: A\nexercises: [{name: X, reps: 5}]\n"
    text = body + "#" * (1024 * 1024 - len(body) - 1) + "\n"
    assert len(text.encode()) == 1024 * 1024
    assert load(text).name == "A"


def test_not_utf8_is_located_at_the_first_bad_byte() -> None:
    data = "name: Rücken\nexercises:\n  - name: Zug\n".encode() + b"    notes: caf\xe9\n"
    assert problems(data) == [
        "routine.yaml:4:15: file is not UTF-8 (byte 0xe9 here); save it as UTF-8"
    ]


def test_utf16_file_is_refused() -> None:
    data = "name: A\n".encode("utf-16")
    assert problems(data) == [
        "routine.yaml:1:1: file is not UTF-8 (byte 0xff here); save it as UTF-8"
    ]


def test_utf8_byte_order_mark_is_allowed() -> None:
    data = "\ufeffname: A\nexercises: [{name: X, reps: 5}]\n".encode()
    assert load_routine_text(data, filename="r.yaml", base_dir=None).name == "A"


def test_alias_bomb_is_refused() -> None:
    """A billion-laughs file: nine levels of ten aliases each."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines += ["name: Laughs", "exercises: [{name: X, reps: 5, notes: *a9}]"]
    assert problems("\n".join(lines) + "\n") == [
        "routine.yaml:5:10: alias expansion too large (alias bomb?): "
        "aliases add more than 20,000 values"
    ]


def test_missing_file() -> None:
    with pytest.raises(RoutineError) as info:
        load_routine(Path("no/such/routine.yaml"))
    assert str(info.value) == "no/such/routine.yaml:1:1: cannot read the file: no such file"


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(RoutineError) as info:
        load_routine(tmp_path)
    assert str(info.value) == f"{tmp_path}:1:1: cannot read the file: it is a folder"


# --- the top level --------------------------------------------------------------------------

TOP_CASES = [
    pytest.param(
        "exercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:1:1: a routine needs a 'name'"],
        id="missing-name",
    ),
    pytest.param(
        "name: A\n",
        ["routine.yaml:1:1: a routine needs 'exercises', a list of at least one item"],
        id="missing-exercises",
    ),
    pytest.param(
        "name: A\nexercises: []\n",
        ["routine.yaml:2:12: 'exercises' must list at least one item"],
        id="no-exercises",
    ),
    pytest.param(
        "name: A\nexercises: {name: X, reps: 5}\n",
        ["routine.yaml:2:12: 'exercises' must be a list of exercises and circuits, got a mapping"],
        id="exercises-not-a-list",
    ),
    pytest.param(
        "name: A\nwarmup: march\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:9: 'warmup' must be a list of exercises and circuits, got \"march\""],
        id="warmup-not-a-list",
    ),
    pytest.param(
        "name: A\nexercises: [{name: X, reps: 5}]\ncooldown: 3\n",
        ["routine.yaml:3:11: 'cooldown' must be a list of exercises and circuits, got 3"],
        id="cooldown-not-a-list",
    ),
    pytest.param(
        "name: ''\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:1:7: 'name' cannot be empty"],
        id="name-empty",
    ),
    pytest.param(
        f"name: {'A' * 81}\nexercises: [{{name: X, reps: 5}}]\n",
        ["routine.yaml:1:7: 'name' must be at most 80 characters, got 81"],
        id="name-too-long",
    ),
    pytest.param(
        "name: 2024\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:1:7: 'name' must be text, got 2024; put it in quotes to use it as text"],
        id="name-a-number",
    ),
    pytest.param(
        "name: A\ndescription: [a, b]\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:14: 'description' must be text, got a list"],
        id="description-not-text",
    ),
    pytest.param(
        "name: A\nlanguage: it\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:11: 'language' must be one of en, de, fr, got \"it\""],
        id="language-unknown",
    ),
    pytest.param(
        "name: A\nlanguage: 1\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:11: 'language' must be one of en, de, fr, got 1"],
        id="language-a-number",
    ),
    pytest.param(
        "name: A\nexercise: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:1:1: a routine needs 'exercises', a list of at least one item",
            "routine.yaml:2:1: unknown key 'exercise' at the top level; did you mean 'exercises'?",
        ],
        id="top-key-misspelt",
    ),
    pytest.param(
        "name: A\nauthor: me\nexercises: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:2:1: unknown key 'author' at the top level; expected one of name, "
            "description, language, voice, defaults, library, warmup, exercises, cooldown"
        ],
        id="top-key-unknown",
    ),
    pytest.param(
        "name: A\nrest: 30\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:1: 'rest' cannot be set at the top level; put it under 'defaults'"],
        id="top-key-belongs-in-defaults",
    ),
    pytest.param(
        "name: A\nvoice: Anna\nexercises: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:2:8: 'voice' must be a mapping with 'id', 'rate', 'volume' or 'engine', "
            'got "Anna"'
        ],
        id="voice-not-a-mapping",
    ),
    pytest.param(
        "name: A\nvoice: {speed: 200}\nexercises: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:2:9: unknown key 'speed' in 'voice'; "
            "expected one of id, rate, volume, engine, model"
        ],
        id="voice-unknown-key",
    ),
    pytest.param(
        "name: A\nvoice: {id: ''}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:13: 'id' cannot be empty"],
        id="voice-id-empty",
    ),
    pytest.param(
        "name: A\nvoice: {rate: 79}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:15: 'rate' must be a whole number from 80 to 400, got 79"],
        id="voice-rate-too-low",
    ),
    pytest.param(
        "name: A\nvoice: {rate: 401}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:15: 'rate' must be a whole number from 80 to 400, got 401"],
        id="voice-rate-too-high",
    ),
    pytest.param(
        "name: A\nvoice: {rate: 170.5}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:15: 'rate' must be a whole number from 80 to 400, got 170.5"],
        id="voice-rate-not-whole",
    ),
    pytest.param(
        "name: A\nvoice: {volume: 1.5}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:17: 'volume' must be a number from 0.0 to 1.0, got 1.5"],
        id="voice-volume-too-high",
    ),
    pytest.param(
        "name: A\nvoice: {volume: -0.1}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:17: 'volume' must be a number from 0.0 to 1.0, got -0.1"],
        id="voice-volume-negative",
    ),
    pytest.param(
        "name: A\nvoice: {volume: true}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:17: 'volume' must be a number from 0.0 to 1.0, got true"],
        id="voice-volume-boolean",
    ),
    pytest.param(
        "name: A\nvoice: {volume: loud}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:17: 'volume' must be a number from 0.0 to 1.0, got \"loud\""],
        id="voice-volume-text",
    ),
    pytest.param(
        "name: A\ndefaults: [rest, 30]\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:11: 'defaults' must be a mapping of exercise fields, got a list"],
        id="defaults-not-a-mapping",
    ),
    pytest.param(
        "name: A\ndefaults: {prepair: 30}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:12: unknown key 'prepair' in 'defaults'; did you mean 'prepare'?"],
        id="defaults-key-misspelt",
    ),
    pytest.param(
        "name: A\ndefaults: {name: Row}\nexercises: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:2:12: 'name' cannot be set in 'defaults'; each exercise has its own",
        ],
        id="defaults-name",
    ),
    pytest.param(
        "name: A\ndefaults: {use: deadlift}\nexercises: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:2:12: 'use' cannot be set in 'defaults'; each exercise chooses its own",
        ],
        id="defaults-use",
    ),
    pytest.param(
        "name: A\ndefaults: {countdown: 11}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:23: 'countdown' must be a whole number from 0 to 10, got 11"],
        id="countdown-too-high",
    ),
    pytest.param(
        "name: A\ndefaults: {countdown: 2.5}\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:23: 'countdown' must be a whole number from 0 to 10, got 2.5"],
        id="countdown-not-whole",
    ),
    pytest.param(
        "name: A\ndefaults: {reps: 5, hold: 30}\nexercises: [{name: X}]\n",
        [
            "routine.yaml:2:21: 'defaults' sets at most one of 'reps', 'hold' or 'duration'; "
            "this one sets 'reps' and 'hold'"
        ],
        id="defaults-two-work-keys",
    ),
    pytest.param(
        "name: A\nlibrary: 3\nexercises: [{name: X, reps: 5}]\n",
        ["routine.yaml:2:10: 'library' must be a path or a list of paths, got 3"],
        id="library-not-a-path",
    ),
    pytest.param(
        "name: A\nlibrary: [back-library.yaml, missing.yaml]\nexercises: [{name: X, reps: 5}]\n",
        [
            "routine.yaml:2:30: library file 'missing.yaml' not found "
            f"(looked for '{GOOD / 'missing.yaml'}')"
        ],
        id="library-missing",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TOP_CASES)
def test_top_level_problems(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_library_that_is_a_folder() -> None:
    assert problems("name: A\nlibrary: .\nexercises: [{name: X, reps: 5}]\n") == [
        "routine.yaml:2:10: cannot read library file '.': it is a folder"
    ]


def test_broken_library_reports_its_own_problems(in_repo: None) -> None:
    """Problems of a library file are given in its name, after the routine's own."""
    text = """\
        name: A
        library: ../bad/broken-library.yaml
        exercises:
          - use: hip-hinge
            sets: 0
          - use: hip-hinj
            reps: 5
        """
    assert problems(text, base_dir=Path("tests/data/good")) == [
        "routine.yaml:5:11: 'sets' must be a whole number from 1 to 20, got 0",
        "routine.yaml:6:10: unknown exercise 'hip-hinj' in 'use'; did you mean 'hip-hinge'?",
        "tests/data/bad/broken-library.yaml:4:11: 'reps' must be a whole number from 1 to 100, "
        "a range like [8, 10] or 'max', got 0",
        "tests/data/bad/broken-library.yaml:5:12: 'tempo' must look like \"2-0-2-0\" "
        '(lowering-bottom-lifting-top seconds, each 0-20), got "fast"',
        "tests/data/bad/broken-library.yaml:6:3: library id 'side plank' must be one word "
        "without spaces, like 'band-row'",
        "tests/data/bad/broken-library.yaml:8:5: 'tempo' only paces 'reps'; "
        "this library entry sets 'hold' instead",
    ]


def test_unreadable_library_hides_unknown_ids(tmp_path: Path) -> None:
    """When a library cannot be read at all, an id missing from it is not called unknown."""
    (tmp_path / "lib.yaml").write_text("exercises:\n  row: {name: Row\n")
    text = "name: A\nlibrary: lib.yaml\nexercises: [{use: row}]\n"
    assert problems(text, base_dir=tmp_path) == [
        f"{tmp_path / 'lib.yaml'}:2:8: the mapping opened with '{{' here is not closed where "
        "expected; separate its items with ',' and end it with '}'"
    ]


# --- exercises --------------------------------------------------------------------------------

EXERCISE_CASES = [
    pytest.param(
        "name: A\nexercises:\n  - Deadlift\n",
        [
            "routine.yaml:3:5: an item must be a mapping: an exercise (with 'name' or 'use') "
            "or a circuit (with 'circuit'), got \"Deadlift\""
        ],
        id="item-not-a-mapping",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrset: 60"),
        ["routine.yaml:5:5: unknown key 'rset' in an exercise; did you mean 'rest'?"],
        id="key-misspelt",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsound: beep"),
        [
            "routine.yaml:5:5: unknown key 'sound' in an exercise; expected one of name, use, "
            "reps, hold, duration, sets, sides, tempo, starts_with, rest, rest_after, prepare, "
            "side_switch, weight, progress, cues, notes, rpe, rir"
        ],
        id="key-unknown",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ncountdown: 5"),
        ["routine.yaml:5:5: 'countdown' cannot be set in an exercise; set it in 'defaults'"],
        id="countdown-on-exercise",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nmuscles: [lats]"),
        ["routine.yaml:5:5: 'muscles' cannot be set in an exercise; only library entries have it"],
        id="muscles-on-exercise",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrounds: 3"),
        [
            "routine.yaml:5:5: 'rounds' cannot be set in an exercise; "
            "it belongs to a circuit, an item with a 'circuit' name"
        ],
        id="rounds-on-exercise",
    ),
    pytest.param(
        one_exercise("reps: 5"),
        ["routine.yaml:3:5: an exercise needs a 'name' or a library exercise in 'use'"],
        id="missing-name",
    ),
    pytest.param(
        "name: A\nlibrary: back-library.yaml\nexercises: [{use: wall-sit}]\n",
        ["routine.yaml:3:13: an exercise needs a 'name'; library entry 'wall-sit' has none"],
        id="library-entry-without-name",
    ),
    pytest.param(
        one_exercise("name: Row"),
        [
            "routine.yaml:3:5: an exercise needs exactly one of 'reps', 'hold' or 'duration'; "
            "this one sets none"
        ],
        id="no-work",
    ),
    pytest.param(
        "name: A\nlibrary: back-library.yaml\nexercises: [{use: deadlift}]\n",
        [
            "routine.yaml:3:13: an exercise needs exactly one of 'reps', 'hold' or 'duration'; "
            "this one sets none (nor does library entry 'deadlift')"
        ],
        id="no-work-with-library",
    ),
    pytest.param(
        one_exercise("name: Plank\nreps: 5\nhold: 30"),
        [
            "routine.yaml:5:5: an exercise needs exactly one of 'reps', 'hold' or 'duration'; "
            "this one sets 'reps' and 'hold'"
        ],
        id="reps-and-hold",
    ),
    pytest.param(
        one_exercise("name: Plank\nduration: 60\nreps: 5\nhold: 30"),
        [
            "routine.yaml:5:5: an exercise needs exactly one of 'reps', 'hold' or 'duration'; "
            "this one sets 'duration', 'reps' and 'hold' ('duration' goes with 'reps: max' only)"
        ],
        id="all-three-work-keys",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 0"),
        [
            "routine.yaml:4:11: 'reps' must be a whole number from 1 to 100, "
            "a range like [8, 10] or 'max', got 0"
        ],
        id="reps-zero",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 101"),
        [
            "routine.yaml:4:11: 'reps' must be a whole number from 1 to 100, "
            "a range like [8, 10] or 'max', got 101"
        ],
        id="reps-too-many",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 2.5"),
        [
            "routine.yaml:4:11: 'reps' must be a whole number from 1 to 100, "
            "a range like [8, 10] or 'max', got 2.5"
        ],
        id="reps-not-whole",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: '10'"),
        [
            "routine.yaml:4:11: 'reps' must be a whole number from 1 to 100, "
            "a range like [8, 10] or 'max', got \"10\""
        ],
        id="reps-text",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: yes"),
        [
            "routine.yaml:4:11: 'reps' must be a whole number from 1 to 100, "
            "a range like [8, 10] or 'max', got yes"
        ],
        id="reps-boolean",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 8-10"),
        [
            "routine.yaml:4:11: 'reps' must be a whole number from 1 to 100, "
            "a range like [8, 10] or 'max', got \"8-10\""
        ],
        id="reps-range-as-text",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: [10, 8]"),
        [
            "routine.yaml:4:11: a 'reps' range must be [low, high]: two whole numbers "
            "from 1 to 100, low below high, got [10, 8]"
        ],
        id="reps-range-reversed",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: [8, 8]"),
        [
            "routine.yaml:4:11: a 'reps' range must be [low, high]: two whole numbers "
            "from 1 to 100, low below high, got [8, 8]"
        ],
        id="reps-range-equal",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: [0, 8]"),
        [
            "routine.yaml:4:11: a 'reps' range must be [low, high]: two whole numbers "
            "from 1 to 100, low below high, got [0, 8]"
        ],
        id="reps-range-from-zero",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: [8, 10, 12]"),
        [
            "routine.yaml:4:11: a 'reps' range must be [low, high]: two whole numbers "
            "from 1 to 100, low below high, got [8, 10, 12]"
        ],
        id="reps-range-three-numbers",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: [8, many]"),
        [
            "routine.yaml:4:11: a 'reps' range must be [low, high]: two whole numbers "
            'from 1 to 100, low below high, got [8, "many"]'
        ],
        id="reps-range-with-text",
    ),
    pytest.param(
        one_exercise("name: Plank\nhold: 0"),
        ["routine.yaml:4:11: 'hold' must be a number of seconds from 1 to 3600, got 0"],
        id="hold-zero",
    ),
    pytest.param(
        one_exercise("name: Plank\nhold: 3601"),
        ["routine.yaml:4:11: 'hold' must be a number of seconds from 1 to 3600, got 3601"],
        id="hold-too-long",
    ),
    pytest.param(
        one_exercise("name: Plank\nhold: 30s"),
        ["routine.yaml:4:11: 'hold' must be a number of seconds from 1 to 3600, got \"30s\""],
        id="hold-with-unit",
    ),
    pytest.param(
        one_exercise("name: Row\nduration: 0.5"),
        ["routine.yaml:4:15: 'duration' must be a number of seconds from 1 to 3600, got 0.5"],
        id="duration-too-short",
    ),
    pytest.param(
        one_exercise("name: Row\nduration: .inf"),
        ["routine.yaml:4:15: 'duration' must be a number of seconds from 1 to 3600, got .inf"],
        id="duration-infinite",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: 25"),
        ["routine.yaml:5:11: 'sets' must be a whole number from 1 to 20, got 25"],
        id="sets-too-many",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: 0"),
        ["routine.yaml:5:11: 'sets' must be a whole number from 1 to 20, got 0"],
        id="sets-zero",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: 2.5"),
        ["routine.yaml:5:11: 'sets' must be a whole number from 1 to 20, got 2.5"],
        id="sets-not-whole",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: true"),
        ["routine.yaml:5:11: 'sets' must be a whole number from 1 to 20, got true"],
        id="sets-boolean",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: three"),
        ["routine.yaml:5:11: 'sets' must be a whole number from 1 to 20, got \"three\""],
        id="sets-text",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets:"),
        ["routine.yaml:5:10: 'sets' must be a whole number from 1 to 20, got nothing"],
        id="sets-empty",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsides: []"),
        [
            "routine.yaml:5:12: 'sides' must be a list of 1 to 4 labels like [left, right], "
            "got 0 labels"
        ],
        id="sides-empty",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsides: [a, b, c, d, e]"),
        [
            "routine.yaml:5:12: 'sides' must be a list of 1 to 4 labels like [left, right], "
            "got 5 labels"
        ],
        id="sides-too-many",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsides: both"),
        [
            "routine.yaml:5:12: 'sides' must be a list of 1 to 4 labels like [left, right], "
            'got "both"'
        ],
        id="sides-not-a-list",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsides: [left, left]"),
        ["routine.yaml:5:19: side 'left' is listed twice"],
        id="sides-repeated",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsides: [1, 2]"),
        [
            "routine.yaml:5:13: a side label must be text, got 1; "
            "put it in quotes to use it as text",
            "routine.yaml:5:16: a side label must be text, got 2; "
            "put it in quotes to use it as text",
        ],
        id="sides-numbers",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsides: [left, ' ']"),
        ["routine.yaml:5:19: a side label cannot be empty"],
        id="sides-blank-label",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ntempo: fast"),
        [
            "routine.yaml:5:12: 'tempo' must look like \"2-0-2-0\" "
            '(lowering-bottom-lifting-top seconds, each 0-20), got "fast"'
        ],
        id="tempo-word",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ntempo: 2-0-2"),
        [
            "routine.yaml:5:12: 'tempo' must look like \"2-0-2-0\" "
            '(lowering-bottom-lifting-top seconds, each 0-20), got "2-0-2"'
        ],
        id="tempo-three-parts",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ntempo: 21-0-2-0"),
        [
            "routine.yaml:5:12: 'tempo' must look like \"2-0-2-0\" "
            '(lowering-bottom-lifting-top seconds, each 0-20), got "21-0-2-0"'
        ],
        id="tempo-part-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ntempo: 2020"),
        [
            "routine.yaml:5:12: 'tempo' must look like \"2-0-2-0\" "
            "(lowering-bottom-lifting-top seconds, each 0-20), got 2020"
        ],
        id="tempo-a-number",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ntempo: 0-0-0-0"),
        ["routine.yaml:5:12: 'tempo' cannot be all zeros; a rep needs some time, like \"2-0-2-0\""],
        id="tempo-all-zero",
    ),
    pytest.param(
        one_exercise("name: Plank\nhold: 30\ntempo: 2-0-2-0"),
        ["routine.yaml:5:5: 'tempo' only paces 'reps'; this exercise sets 'hold' instead"],
        id="tempo-with-hold",
    ),
    pytest.param(
        "name: A\nlibrary: back-library.yaml\nexercises:\n"
        "  - use: forearm-plank\n    tempo: 3-0-3-0\n",
        [
            "routine.yaml:5:5: 'tempo' only paces 'reps'; "
            "this exercise gets 'hold' from library entry 'forearm-plank'"
        ],
        id="tempo-with-library-hold",
    ),
    pytest.param(
        "name: A\ndefaults: {duration: 30}\nexercises:\n  - name: March\n    tempo: 1-0-1-0\n",
        [
            "routine.yaml:5:5: 'tempo' only paces 'reps'; "
            "this exercise gets 'duration' from 'defaults'"
        ],
        id="tempo-with-defaults-duration",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrest: 601"),
        ["routine.yaml:5:11: 'rest' must be a number of seconds from 0 to 600, got 601"],
        id="rest-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrest: -1"),
        ["routine.yaml:5:11: 'rest' must be a number of seconds from 0 to 600, got -1"],
        id="rest-negative",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrest: 1 min"),
        ["routine.yaml:5:11: 'rest' must be a number of seconds from 0 to 600, got \"1 min\""],
        id="rest-with-unit",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrest_after: 901"),
        ["routine.yaml:5:17: 'rest_after' must be a number of seconds from 0 to 900, got 901"],
        id="rest-after-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nprepare: 121"),
        ["routine.yaml:5:14: 'prepare' must be a number of seconds from 0 to 120, got 121"],
        id="prepare-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nside_switch: 61"),
        ["routine.yaml:5:18: 'side_switch' must be a number of seconds from 0 to 60, got 61"],
        id="side-switch-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nweight: 20"),
        ['routine.yaml:5:13: \'weight\' needs a unit, like "20 kg" or "45 lb", got 20'],
        id="weight-bare-number",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nweight: '12.5'"),
        ['routine.yaml:5:13: \'weight\' needs a unit, like "20 kg" or "45 lb", got "12.5"'],
        id="weight-quoted-number",
    ),
    pytest.param(
        one_exercise(f"name: Row\nreps: 5\nweight: {'x' * 41}"),
        ["routine.yaml:5:13: 'weight' must be at most 40 characters, got 41"],
        id="weight-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nweight: [20, kg]"),
        ["routine.yaml:5:13: 'weight' must be text, got a list"],
        id="weight-a-list",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ncues: Keep your back straight."),
        [
            "routine.yaml:5:11: 'cues' must be a mapping of intro, setup, before_rep, during, "
            'finish to texts, got "Keep your back straight."'
        ],
        id="cues-not-a-mapping",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ncues: {durring: Breathe.}"),
        ["routine.yaml:5:12: unknown key 'durring' in 'cues'; did you mean 'during'?"],
        id="cue-kind-misspelt",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ncues: {during: 3}"),
        [
            "routine.yaml:5:20: 'during' must be a cue or a list of cues (texts), got 3; "
            "put it in quotes to use it as text"
        ],
        id="cue-a-number",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ncues: {during: {a: b}}"),
        ["routine.yaml:5:20: 'during' must be a cue or a list of cues (texts), got a mapping"],
        id="cue-a-mapping",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ncues: {setup: [Breathe., no]}"),
        [
            "routine.yaml:5:30: a cue must be text, got no; put it in quotes to use it as text",
        ],
        id="cue-list-with-boolean",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\ncues: {finish: ''}"),
        ["routine.yaml:5:20: a cue cannot be empty"],
        id="cue-empty",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nnotes: 3"),
        ["routine.yaml:5:12: 'notes' must be text, got 3; put it in quotes to use it as text"],
        id="notes-a-number",
    ),
    pytest.param(
        one_exercise("name: ''\nreps: 5"),
        ["routine.yaml:3:11: 'name' cannot be empty"],
        id="exercise-name-empty",
    ),
    pytest.param(
        one_exercise(f"name: {'R' * 81}\nreps: 5"),
        ["routine.yaml:3:11: 'name' must be at most 80 characters, got 81"],
        id="exercise-name-too-long",
    ),
    pytest.param(
        "name: A\nlibrary: back-library.yaml\nexercises: [{use: deadlif, reps: 5}]\n",
        ["routine.yaml:3:19: unknown exercise 'deadlif' in 'use'; did you mean 'deadlift'?"],
        id="use-misspelt",
    ),
    pytest.param(
        "name: A\nexercises: [{use: bench-press, reps: 5}]\n",
        [
            "routine.yaml:2:19: unknown exercise 'bench-press' in 'use'; "
            "no library has an exercise by that id"
        ],
        id="use-unknown",
    ),
    pytest.param(
        "name: A\nexercises: [{use: 7, reps: 5}]\n",
        ["routine.yaml:2:19: 'use' must be text, got 7; put it in quotes to use it as text"],
        id="use-a-number",
    ),
]


@pytest.mark.parametrize(("text", "expected"), EXERCISE_CASES)
def test_exercise_problems(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


# --- circuits ---------------------------------------------------------------------------------


def circuit(body: str) -> str:
    """A routine whose only item is a circuit with the given keys (written at column 5)."""
    return one_exercise(body)


CIRCUIT_CASES = [
    pytest.param(
        circuit("circuit: Core\nexercises: [{name: Plank, hold: 20}]"),
        ["routine.yaml:3:5: a circuit needs 'rounds', a whole number from 1 to 20"],
        id="missing-rounds",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 0\nexercises: [{name: Plank, hold: 20}]"),
        ["routine.yaml:4:13: 'rounds' must be a whole number from 1 to 20, got 0"],
        id="rounds-zero",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 21\nexercises: [{name: Plank, hold: 20}]"),
        ["routine.yaml:4:13: 'rounds' must be a whole number from 1 to 20, got 21"],
        id="rounds-too-many",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3"),
        ["routine.yaml:3:5: a circuit needs 'exercises', a list of at least one exercise"],
        id="missing-exercises",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3\nexercises: []"),
        [
            "routine.yaml:5:16: a circuit's 'exercises' must list at least one exercise",
        ],
        id="no-exercises",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3\nexercises: {name: Plank, hold: 20}"),
        ["routine.yaml:5:16: a circuit's 'exercises' must be a list, got a mapping"],
        id="exercises-not-a-list",
    ),
    pytest.param(
        circuit("circuit: ''\nrounds: 3\nexercises: [{name: Plank, hold: 20}]"),
        ["routine.yaml:3:14: 'circuit' cannot be empty"],
        id="circuit-name-empty",
    ),
    pytest.param(
        circuit(
            "circuit: Core\nrounds: 3\nexercises:\n"
            "  - circuit: Inner\n    rounds: 2\n    exercises: [{name: Plank, hold: 20}]"
        ),
        [
            "routine.yaml:6:9: a circuit cannot hold another circuit; "
            "list its exercises directly in the outer circuit"
        ],
        id="nested-circuit",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3\nexercises:\n  - name: Plank\n    hold: 20\n    sets: 3"),
        [
            "routine.yaml:8:15: inside a circuit 'sets' must be 1 or absent, got 3; "
            "the circuit's 'rounds' repeat it"
        ],
        id="sets-inside-circuit",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3\nexercises: [Plank]"),
        [
            "routine.yaml:5:17: a circuit's exercises must be mappings with 'name' or 'use', "
            'got "Plank"'
        ],
        id="circuit-exercise-not-a-mapping",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3\nreps: 5\nexercises: [{name: Plank, hold: 20}]"),
        [
            "routine.yaml:5:5: 'reps' cannot be set in a circuit; "
            "put it on the exercises inside the circuit"
        ],
        id="exercise-key-on-circuit",
    ),
    pytest.param(
        circuit("name: Core\ncircuit: Core\nrounds: 3\nexercises: [{name: Plank, hold: 20}]"),
        [
            "routine.yaml:3:5: 'name' cannot be set in a circuit; "
            "a circuit's name is its 'circuit' value"
        ],
        id="name-on-circuit",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3\nround_rest: 30\nexercises: [{name: Plank, hold: 20}]"),
        [
            "routine.yaml:5:5: unknown key 'round_rest' in a circuit; expected one of circuit, "
            "rounds, exercises, rest, rest_between_rounds, style, every, amrap"
        ],
        id="circuit-key-unknown",
    ),
    pytest.param(
        circuit("circuit: Core\nrounds: 3\nrest: 601\nexercises: [{name: Plank, hold: 20}]"),
        ["routine.yaml:5:11: 'rest' must be a number of seconds from 0 to 600, got 601"],
        id="circuit-rest-too-long",
    ),
    pytest.param(
        circuit(
            "circuit: Core\nrounds: 3\nrest_between_rounds: 901\n"
            "exercises: [{name: Plank, hold: 20}]"
        ),
        [
            "routine.yaml:5:26: 'rest_between_rounds' must be a number of seconds "
            "from 0 to 900, got 901"
        ],
        id="rest-between-rounds-too-long",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CIRCUIT_CASES)
def test_circuit_problems(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = """\
        exercises:
          - name: Row
            reps: 5
            sets: 30
          - nmae: Plank
            hold: 30
            reps: 3
        language: it
        voice: {rate: 20}
        """
    with pytest.raises(RoutineError) as info:
        load(text)
    assert [str(p) for p in info.value.problems] == [
        "routine.yaml:1:1: a routine needs a 'name'",
        "routine.yaml:4:11: 'sets' must be a whole number from 1 to 20, got 30",
        "routine.yaml:5:5: unknown key 'nmae' in an exercise; did you mean 'name'?",
        "routine.yaml:5:5: an exercise needs a 'name' or a library exercise in 'use'",
        "routine.yaml:7:5: an exercise needs exactly one of 'reps', 'hold' or 'duration'; "
        "this one sets 'hold' and 'reps'",
        "routine.yaml:8:11: 'language' must be one of en, de, fr, got \"it\"",
        "routine.yaml:9:15: 'rate' must be a whole number from 80 to 400, got 20",
    ]
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    assert [p.pos for p in info.value.problems] == sorted(p.pos for p in info.value.problems)


# --- good files -------------------------------------------------------------------------------


def test_full_featured_routine_loads_to_the_exact_model() -> None:
    """Defaults, a library override, sides, ranges, a circuit and German, all together."""
    routine = load_routine(GOOD / "full.yaml")
    main = f"{GOOD / 'full.yaml'}"
    lib = f"{GOOD / 'back-library.yaml'}"
    defaults_tempo = Tempo(2000, 0, 1500, 0)
    common = dict(rest_after_ms=100_000, prepare_ms=8_000, side_switch_ms=5_000, countdown_s=5)
    plank_cues = Cues(
        during=(Cue("Keep a straight line from head to heels.", SourcePos(lib, 18, 15)),)
    )
    assert routine == Routine(
        name="Rücken kompakt",
        description="Back training at home, with a barbell and a dumbbell.",
        language="de",
        voice=Voice(id="german", rate=150, volume=0.8),
        source=GOOD / "full.yaml",
        warmup=(
            Exercise(
                name="Marschieren auf der Stelle",
                work=WorkKind.DURATION,
                reps=None,
                seconds_ms=120_000,
                sets=1,  # `sets` in `defaults` is for the main part
                sides=(),
                tempo=defaults_tempo,
                rest_ms=75_000,
                rest_after_ms=15_000,
                prepare_ms=8_000,
                side_switch_ms=5_000,
                countdown_s=5,
                pos=SourcePos(main, 17, 5),
            ),
        ),
        exercises=(
            Exercise(
                name="Deadlift",
                work=WorkKind.REPS,
                reps=Reps(5, 8),
                seconds_ms=None,
                sets=3,
                sides=(),
                tempo=Tempo(2000, 1000, 1000, 1000),
                rest_ms=120_000,
                weight="40 kg",
                cues=Cues(
                    setup=(Cue("Breathe in deeply and fill your chest.", SourcePos(lib, 10, 15)),),
                    during=(Cue("Rücken gerade.", SourcePos(main, 25, 16)),),
                ),
                library_id="deadlift",
                muscles=("lower back", "glutes", "hamstrings", "trapezius"),
                equipment=("barbell",),
                pos=SourcePos(main, 21, 5),
                **common,  # type: ignore[arg-type]
            ),
            Exercise(
                name="One-arm dumbbell row",
                work=WorkKind.REPS,
                reps=Reps(10, 10),
                seconds_ms=None,
                sets=2,
                sides=("left", "right"),
                tempo=defaults_tempo,
                rest_ms=75_000,
                rest_after_ms=100_000,
                prepare_ms=8_000,
                side_switch_ms=4_000,
                countdown_s=5,
                cues=Cues(finish=(Cue("Squeeze your shoulder blade.", SourcePos(lib, 27, 15)),)),
                library_id="one-arm-row",
                muscles=("lats", "rhomboids"),
                equipment=("dumbbell", "bench"),
                pos=SourcePos(main, 26, 5),
            ),
            Exercise(
                name="Forearm plank",
                work=WorkKind.HOLD,
                reps=None,
                seconds_ms=45_500,
                sets=3,
                sides=(),
                tempo=defaults_tempo,
                rest_ms=75_000,
                cues=plank_cues,
                library_id="forearm-plank",
                muscles=("core", "lower back"),
                equipment=("mat",),
                pos=SourcePos(main, 28, 5),
                **common,  # type: ignore[arg-type]
            ),
            Circuit(
                name="Rumpf",
                rounds=3,
                rest_ms=10_000,
                rest_between_rounds_ms=75_000,
                rest_after_ms=100_000,
                pos=SourcePos(main, 30, 5),
                exercises=(
                    Exercise(
                        name="Forearm plank",
                        work=WorkKind.HOLD,
                        reps=None,
                        seconds_ms=30_000,
                        sets=1,
                        sides=(),
                        tempo=defaults_tempo,
                        rest_ms=75_000,
                        cues=plank_cues,
                        library_id="forearm-plank",
                        muscles=("core", "lower back"),
                        equipment=("mat",),
                        pos=SourcePos(main, 34, 9),
                        **common,  # type: ignore[arg-type]
                    ),
                    Exercise(
                        name="Superman",
                        work=WorkKind.REPS,
                        reps=Reps(12, 12),
                        seconds_ms=None,
                        sets=1,
                        sides=(),
                        tempo=Tempo(1000, 2000, 1000, 0),
                        rest_ms=75_000,
                        notes="Arme und Beine gleichzeitig heben.",
                        pos=SourcePos(main, 35, 9),
                        **common,  # type: ignore[arg-type]
                    ),
                ),
            ),
        ),
        cooldown=(
            Exercise(
                name="Dehnen",
                work=WorkKind.DURATION,
                reps=None,
                seconds_ms=60_000,
                sets=1,
                sides=(),
                tempo=defaults_tempo,
                rest_ms=75_000,
                cues=Cues(intro=(Cue("Ruhig atmen.", SourcePos(main, 44, 14)),)),
                pos=SourcePos(main, 40, 5),
                **common,  # type: ignore[arg-type]
            ),
        ),
    )


def test_engine_defaults_fill_what_nothing_sets() -> None:
    routine = load("name: Minimal\nexercises: [{name: Row, reps: 8}]\n")
    assert routine == Routine(
        name="Minimal",
        warmup=(),
        exercises=(
            Exercise(
                name="Row",
                work=WorkKind.REPS,
                reps=Reps(8, 8),
                seconds_ms=None,
                sets=DEFAULT_SETS,
                sides=(),
                tempo=Tempo(2000, 0, 2000, 0),
                rest_ms=DEFAULT_REST_MS,
                rest_after_ms=DEFAULT_REST_AFTER_MS,
                prepare_ms=DEFAULT_PREPARE_MS,
                side_switch_ms=DEFAULT_SIDE_SWITCH_MS,
                countdown_s=DEFAULT_COUNTDOWN_S,
                pos=SourcePos("routine.yaml", 2, 13),
            ),
        ),
        cooldown=(),
        language="en",
        voice=Voice(id=None, rate=170, volume=1.0),
        source=None,
    )


PRECEDENCE = """\
    name: Precedence
    library: back-library.yaml
    defaults: {rest: 30, prepare: 20, side_switch: 2, weight: 5 kg, sets: 4}
    exercises:
      - use: one-arm-row
        rest: 90
      - use: one-arm-row
      - name: Own
        reps: 5
    """


@pytest.mark.parametrize(
    ("index", "field", "value"),
    [
        pytest.param(0, "rest_ms", 90_000, id="exercise-beats-defaults"),
        pytest.param(1, "rest_ms", 30_000, id="defaults-when-library-silent"),
        pytest.param(1, "side_switch_ms", 4_000, id="library-beats-defaults"),
        pytest.param(2, "side_switch_ms", 2_000, id="defaults-without-library"),
        pytest.param(1, "reps", Reps(10, 10), id="library-work"),
        pytest.param(1, "sets", 4, id="defaults-sets"),
        pytest.param(1, "weight", "5 kg", id="defaults-weight"),
        pytest.param(1, "sides", ("left", "right"), id="library-sides"),
        pytest.param(2, "sides", (), id="no-sides"),
        pytest.param(2, "rest_after_ms", DEFAULT_REST_AFTER_MS, id="engine-default"),
    ],
)
def test_precedence(index: int, field: str, value: object) -> None:
    exercise = load(PRECEDENCE).all_exercises()[index]
    assert getattr(exercise, field) == value


def test_work_on_the_exercise_replaces_the_library_work() -> None:
    """`use: deadlift` + `hold: 10` is a hold; the library tempo is kept but unused."""
    routine = load(
        """\
        name: A
        library: back-library.yaml
        exercises:
          - use: deadlift
            hold: 10
          - use: forearm-plank
            hold: 45
          - use: forearm-plank
            reps: 10
        """
    )
    hold, plank, reps = routine.exercises
    assert isinstance(hold, Exercise)
    assert isinstance(plank, Exercise)
    assert isinstance(reps, Exercise)
    assert (hold.work, hold.seconds_ms, hold.reps) == (WorkKind.HOLD, 10_000, None)
    assert hold.tempo == Tempo(2000, 1000, 1000, 1000)
    assert (plank.work, plank.seconds_ms) == (WorkKind.HOLD, 45_000)
    assert (reps.work, reps.reps, reps.seconds_ms) == (WorkKind.REPS, Reps(10, 10), None)


def test_defaults_work_applies_only_when_nothing_else_sets_work() -> None:
    routine = load(
        """\
        name: A
        library: back-library.yaml
        defaults: {duration: 40}
        exercises:
          - name: March
          - use: forearm-plank
          - name: Row
            reps: 6
        """
    )
    kinds = [(e.work, e.seconds_ms, e.reps) for e in routine.all_exercises()]
    assert kinds == [
        (WorkKind.DURATION, 40_000, None),
        (WorkKind.HOLD, 30_000, None),
        (WorkKind.REPS, None, Reps(6, 6)),
    ]


def test_cues_merge_kind_by_kind() -> None:
    routine = load(
        """\
        name: A
        library: back-library.yaml
        defaults:
          cues: {intro: Let's go., finish: Last one.}
        exercises:
          - use: deadlift
            reps: 5
            cues:
              during: Chest up.
              finish: []
        """
    )
    (deadlift,) = routine.all_exercises()
    texts = {
        k: [c.text for c in getattr(deadlift.cues, k)]
        for k in ("intro", "setup", "during", "finish")
    }
    assert texts == {
        "intro": ["Let's go."],
        "setup": ["Breathe in deeply and fill your chest."],
        "during": ["Chest up."],
        "finish": [],
    }
    assert deadlift.cues.setup[0].pos == SourcePos(str(GOOD / "back-library.yaml"), 10, 15)
    assert deadlift.cues.during[0].pos == SourcePos("routine.yaml", 9, 15)


def test_routine_library_is_searched_before_the_bundled_one() -> None:
    routine = load(
        """\
        name: A
        library: [back-library.yaml]
        exercises:
          - use: deadlift
            reps: 5
          - use: band-row
        """
    )
    deadlift, band_row = routine.all_exercises()
    assert deadlift.name == "Deadlift"
    assert (band_row.name, band_row.tempo, band_row.equipment) == (
        "Band row",
        Tempo(1000, 0, 1000, 1000),
        ("resistance band",),
    )


def test_circuit_rests_default_to_routine_defaults() -> None:
    routine = load(
        """\
        name: A
        defaults: {rest: 45, rest_after: 120, sets: 3}
        exercises:
          - circuit: Core
            rounds: 2
            exercises:
              - {name: Plank, hold: 20}
              - {name: Bridge, reps: 10, sets: 1}
          - circuit: Legs
            rounds: 1
            rest: 5
            rest_between_rounds: 30.5
            exercises: [{name: Squat, reps: 10}]
        """
    )
    core, legs = routine.exercises
    assert isinstance(core, Circuit)
    assert isinstance(legs, Circuit)
    assert (core.rest_ms, core.rest_between_rounds_ms, core.rest_after_ms) == (0, 45_000, 120_000)
    assert [e.sets for e in core.exercises] == [1, 1]
    assert (legs.rest_ms, legs.rest_between_rounds_ms) == (5_000, 30_500)


def test_circuit_rests_without_defaults() -> None:
    routine = load(
        "name: A\nexercises:\n  - {circuit: Core, rounds: 2, exercises: [{name: P, hold: 5}]}\n"
    )
    (core,) = routine.exercises
    assert isinstance(core, Circuit)
    assert (core.rest_ms, core.rest_between_rounds_ms, core.rest_after_ms) == (
        0,
        DEFAULT_REST_MS,
        DEFAULT_REST_AFTER_MS,
    )


@pytest.mark.parametrize(
    ("written", "tempo"),
    [
        pytest.param("2-0-2-0", Tempo(2000, 0, 2000, 0), id="whole"),
        pytest.param("1.5-0.25-1-0", Tempo(1500, 250, 1000, 0), id="decimals"),
        pytest.param("'3 - 1 - 1 - 0'", Tempo(3000, 1000, 1000, 0), id="spaces"),
        pytest.param("0-0-0-20", Tempo(0, 0, 0, 20_000), id="one-part"),
    ],
)
def test_tempo_forms(written: str, tempo: Tempo) -> None:
    (exercise,) = load(one_exercise(f"name: Row\nreps: 5\ntempo: {written}")).all_exercises()
    assert exercise.tempo == tempo


@pytest.mark.parametrize(
    ("written", "value"),
    [
        pytest.param("rest: 2.25", 2_250, id="decimal"),
        pytest.param("rest: 0", 0, id="zero"),
        pytest.param("sets: 3.0", 3, id="whole-float"),
    ],
)
def test_number_forms(written: str, value: int) -> None:
    (exercise,) = load(one_exercise(f"name: Row\nreps: 5\n{written}")).all_exercises()
    key = written.split(":")[0]
    assert getattr(exercise, "sets" if key == "sets" else "rest_ms") == value


def test_merge_keys_and_aliases_are_supported() -> None:
    routine = load(
        """\
        name: A
        exercises:
          - &row {name: Row, reps: 8, rest: 40}
          - <<: *row
            name: Wide row
          - *row
        """
    )
    assert [(e.name, e.rest_ms) for e in routine.all_exercises()] == [
        ("Row", 40_000),
        ("Wide row", 40_000),
        ("Row", 40_000),
    ]


def test_text_is_tidied() -> None:
    routine = load(
        """\
        name: "  Back   day "
        exercises:
          - name: Row
            reps: 5
            sides: [" left ", right]
            weight: " 20   kg "
            cues:
              during: >
                Keep your
                back straight.
        """
    )
    (row,) = routine.all_exercises()
    assert routine.name == "Back day"
    assert (row.sides, row.weight) == (("left", "right"), "20 kg")
    assert row.cues.during[0].text == "Keep your back straight."


def test_library_paths_are_relative_to_the_routine_file(tmp_path: Path) -> None:
    (tmp_path / "libs").mkdir()
    (tmp_path / "libs" / "mine.yaml").write_text("exercises:\n  squat: {name: Squat, reps: 10}\n")
    (tmp_path / "routine.yaml").write_text(
        "name: A\nlibrary: libs/mine.yaml\nexercises: [{use: squat}]\n"
    )
    routine = load_routine(tmp_path / "routine.yaml")
    assert routine.all_exercises()[0].name == "Squat"
    assert routine.source == tmp_path / "routine.yaml"


def test_keys_that_only_defaults_may_have_are_known() -> None:
    """Every exercise field except name, use, progress and the movement can be a default, plus
    countdown."""
    assert set(DEFAULTS_KEYS) == (
        set(EXERCISE_KEYS) - {"name", "use", "progress", "starts_with"}
    ) | {"countdown"}


# --- whatever the input: a Routine or a RoutineError --------------------------------------------


def load_anything(data: str | bytes) -> None:
    """Load anything; a refusal must be a RoutineError made of well-formed located problems."""
    try:
        load_routine_text(data, filename="fuzz.yaml", base_dir=GOOD)
    except RoutineError as exc:
        problems = exc.problems
    else:
        return
    assert problems
    for problem in problems:
        assert problem.pos.file.endswith(".yaml")
        assert problem.pos.line >= 1
        assert problem.pos.column >= 1
        assert problem.message
        assert "\n" not in problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_gives_a_routine_or_a_routine_error(text: str) -> None:
    load_anything(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary())
def test_any_bytes_give_a_routine_or_a_routine_error(data: bytes) -> None:
    load_anything(data)


_KEYS = st.sampled_from(
    sorted(
        {*EXERCISE_KEYS, *DEFAULTS_KEYS, "circuit", "rounds", "exercises", "warmup", "cooldown"}
        | {"language", "voice", "library", "id", "rate", "volume", "engine", "intro", "during"}
        | {"<<"}
    )
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["2-0-2-0", "0-0-0-0", "left", "20 kg", "back-library.yaml", "deadlift", ""])
    | st.text(max_size=12)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_KEYS | st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "name": _SCALARS,
            "language": st.sampled_from(["en", "de", "fr"]) | _SCALARS,
            "voice": _VALUES,
            "defaults": _VALUES,
            "library": st.sampled_from(["back-library.yaml", "missing.yaml", "."]) | _VALUES,
            "warmup": _VALUES,
            "exercises": st.lists(
                st.dictionaries(_KEYS, _VALUES, max_size=6) | _VALUES, max_size=4
            ),
            "cooldown": _VALUES,
        },
    )
)
def test_any_yaml_structure_gives_a_routine_or_a_routine_error(doc: dict[str, object]) -> None:
    load_anything(yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=2000), st.integers(0, 8), st.text(max_size=6)),
        min_size=1,
        max_size=4,
    )
)
def test_edited_good_file_gives_a_routine_or_a_routine_error(
    edits: list[tuple[int, int, str]],
) -> None:
    """A real routine with a few characters cut out or typed in, as an editor leaves it."""
    text = (GOOD / "full.yaml").read_text()
    for at, cut, typed in edits:
        at %= len(text) + 1
        text = text[:at] + typed + text[at + cut :]
    load_anything(text)


# --- the user documentation lists every message ------------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "routine-format.md"
QUOTE_HINT = "; put it in quotes to use it as text"


def documented_message_patterns() -> list[re.Pattern[str]]:
    """The message templates of the format's documentation, `{…}` standing for any text."""
    section = DOC.read_text(encoding="utf-8").split("## When a file cannot be used", 1)[1]
    patterns = []
    section = re.sub(r"```.*?```", "", section, flags=re.DOTALL)
    for template in re.findall(r"`([^`\n]+)`", section):
        pattern = re.sub(r"\\\{[^}]*\\\}|…", ".+?", re.escape(template))
        patterns.append(re.compile(pattern))
    return patterns


ALL_CASES = [*FILE_CASES, *TOP_CASES, *EXERCISE_CASES, *CIRCUIT_CASES]


@pytest.mark.parametrize(
    "message",
    sorted({m.split(": ", 1)[1] for case in ALL_CASES for m in case.values[1]}),
)
def test_message_is_documented(message: str) -> None:
    message = message.removesuffix(QUOTE_HINT)
    assert any(p.fullmatch(message) for p in documented_message_patterns()), message
