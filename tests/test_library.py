"""Exercise libraries: reading and checking them, and the bundled library and routines."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest

from voicecoach import resources
from voicecoach.errors import RoutineError, SourcePos
from voicecoach.routine.library import bundled_library, load_library
from voicecoach.routine.loader import load_routine, load_routine_text
from voicecoach.routine.model import Cue, Reps, Tempo, WorkKind

DATA = Path(__file__).parent / "data"


def library_problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "lib.yaml"
    if isinstance(text, str):
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(RoutineError) as info:
        load_library(path)
    prefix = f"{path}:"
    assert all(str(p).startswith(prefix) for p in info.value.problems)
    return [str(p).removeprefix(prefix) for p in info.value.problems]


def test_good_library_loads() -> None:
    path = DATA / "good" / "back-library.yaml"
    library = load_library(path)
    assert list(library) == ["deadlift", "forearm-plank", "one-arm-row", "wall-sit"]
    deadlift = library["deadlift"]
    assert (deadlift.id, deadlift.name, deadlift.pos) == (
        "deadlift",
        "Deadlift",
        SourcePos(str(path), 3, 3),
    )
    assert deadlift.muscles == ("lower back", "glutes", "hamstrings", "trapezius")
    assert deadlift.equipment == ("barbell",)
    assert deadlift.fields.work is None
    assert deadlift.fields.tempo == Tempo(2000, 1000, 1000, 1000)
    assert deadlift.fields.rest_ms == 120_000
    assert deadlift.fields.cues["during"] == (
        Cue("Keep your back straight.", SourcePos(str(path), 11, 16)),
        Cue("Brace your stomach.", SourcePos(str(path), 11, 42)),
    )
    row = library["one-arm-row"].fields
    assert row.work is not None
    assert (row.work.kind, row.work.reps) == (WorkKind.REPS, Reps(10, 10))
    assert (row.sides, row.side_switch_ms) == (("left", "right"), 4_000)
    assert library["wall-sit"].name is None


LIBRARY_CASES = [
    pytest.param(
        "",
        ["1:1: file is empty; a library needs 'exercises:' mapping ids to exercises"],
        id="empty",
    ),
    pytest.param(
        "- deadlift\n",
        ["1:1: the top level of a library must be a mapping with 'exercises', got a list"],
        id="top-level-list",
    ),
    pytest.param(
        "exercise:\n  row: {name: Row}\n",
        [
            "1:1: unknown key 'exercise' at the top level of a library; did you mean 'exercises'?",
            "1:1: a library needs 'exercises:' mapping ids to exercises",
        ],
        id="top-key-misspelt",
    ),
    pytest.param(
        "exercises: [row]\n",
        ["1:12: 'exercises' in a library must map ids to exercises, got a list"],
        id="exercises-a-list",
    ),
    pytest.param(
        "exercises:\n  row: Row\n",
        ["2:8: library entry 'row' must be a mapping of exercise fields, got \"Row\""],
        id="entry-not-a-mapping",
    ),
    pytest.param(
        "exercises:\n  bent over row: {name: Row}\n",
        ["2:3: library id 'bent over row' must be one word without spaces, like 'band-row'"],
        id="id-with-spaces",
    ),
    pytest.param(
        "exercises:\n  row: {name: Row}\n  row: {name: Row again}\n",
        ["3:3: duplicate key 'row'; it is already set at line 2, column 3"],
        id="duplicate-id",
    ),
    pytest.param(
        "exercises:\n  wide-row: {use: row}\n",
        [
            "2:14: 'use' cannot be set in a library entry; "
            "library entries cannot build on one another"
        ],
        id="use-in-entry",
    ),
    pytest.param(
        "exercises:\n  row: {countdown: 3}\n",
        ["2:9: 'countdown' cannot be set in a library entry; set it in a routine's 'defaults'"],
        id="countdown-in-entry",
    ),
    pytest.param(
        "exercises:\n  row: {nmae: Row}\n",
        ["2:9: unknown key 'nmae' in a library entry; did you mean 'name'?"],
        id="entry-key-misspelt",
    ),
    pytest.param(
        "exercises:\n  plank: {hold: 30, reps: 5}\n",
        [
            "2:21: a library entry sets at most one of 'reps', 'hold' or 'duration'; "
            "this one sets 'hold' and 'reps'"
        ],
        id="two-work-keys",
    ),
    pytest.param(
        "exercises:\n  plank: {hold: 30, tempo: 2-0-2-0}\n",
        ["2:21: 'tempo' only paces 'reps'; this library entry sets 'hold' instead"],
        id="tempo-with-hold",
    ),
    pytest.param(
        "exercises:\n  row: {muscles: lats}\n",
        ["2:18: 'muscles' must be a list of texts like [glutes, hamstrings], got \"lats\""],
        id="muscles-not-a-list",
    ),
    pytest.param(
        "exercises:\n  row: {muscles: [lats, 3, '']}\n",
        [
            "2:25: 'muscles' must list non-empty texts, got 3; put it in quotes to use it as text",
            "2:28: 'muscles' must list non-empty texts, got \"\"",
        ],
        id="muscles-not-texts",
    ),
    pytest.param(
        "exercises:\n  row: {equipment: 2}\n",
        ["2:20: 'equipment' must be text, got 2; put it in quotes to use it as text"],
        id="equipment-a-number",
    ),
    pytest.param(
        "exercises:\n  row: {equipment: [bench, {a: b}]}\n",
        ["2:28: 'equipment' must list non-empty texts, got a mapping"],
        id="equipment-list-with-mapping",
    ),
    pytest.param(
        "exercises:\n  row: {sets: 50, rest: fast}\n",
        [
            "2:15: 'sets' must be a whole number from 1 to 20, got 50",
            "2:25: 'rest' must be a number of seconds from 0 to 600, got \"fast\"",
        ],
        id="exercise-field-ranges",
    ),
    pytest.param(
        b"exercises:\n  row: {name: \xc3(}\n",
        ["2:15: file is not UTF-8 (byte 0xc3 here); save it as UTF-8"],
        id="not-utf8",
    ),
    pytest.param(
        "exercises:\n  row: {name: [Row}\n",
        [
            "2:15: the list opened with '[' here is not closed where expected; separate its "
            "items with ',' and end it with ']'"
        ],
        id="yaml-syntax",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LIBRARY_CASES)
def test_library_problems(tmp_path: Path, text: str | bytes, expected: list[str]) -> None:
    assert library_problems(tmp_path, text) == expected


def test_library_over_one_mib(tmp_path: Path) -> None:
    text = "exercises: {}\n" + "#" * (1024 * 1024)
    assert library_problems(tmp_path, text) == [
        "1:1: file is 1,048,590 bytes; library files are at most 1 MiB"
    ]


def test_missing_library_file(tmp_path: Path) -> None:
    with pytest.raises(RoutineError) as info:
        load_library(tmp_path / "none.yaml")
    assert str(info.value) == f"{tmp_path / 'none.yaml'}:1:1: cannot read the file: no such file"


def test_changed_library_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text("exercises:\n  row: {name: Row}\n")
    assert load_library(path)["row"].name == "Row"
    path.write_text("exercises:\n  row: {name: Bent-over row}\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_library(path)["row"].name == "Bent-over row"


# --- the bundled content ------------------------------------------------------------------------


def test_bundled_library_is_sound() -> None:
    """Every bundled entry loads, has a name and can be used without overriding anything."""
    library = bundled_library()
    assert library
    for entry in library.values():
        assert entry.name, entry.id
        assert entry.muscles, entry.id


def test_bundled_library_ids_are_not_repeated_across_files() -> None:
    seen: dict[str, Path] = {}
    for path in resources.bundled_library_files():
        for library_id in load_library(path):
            assert library_id not in seen, f"{library_id} is in {seen.get(library_id)} and {path}"
            seen[library_id] = path


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=name) for name, p in resources.bundled_routines().items()],
)
def test_bundled_routine_loads(path: Path) -> None:
    routine = load_routine(path)
    assert routine.exercises
    assert routine.source == path


# --- the user documentation ----------------------------------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "routine-format.md"


def test_example_at_the_top_of_the_format_docs_loads() -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    routine = load_routine_text(example.group(1), filename="example.yaml", base_dir=None)
    assert [e.library_id for e in routine.all_exercises()] == [
        "march-in-place",
        "deadlift",
        None,
        "forearm-plank",
        "superman-hold",
        "child-pose",
    ]


@pytest.mark.parametrize(
    "message",
    sorted(
        {
            m.split(": ", 1)[1].removesuffix("; put it in quotes to use it as text")
            for case in LIBRARY_CASES
            for m in case.values[1]
        }
    ),
)
def test_library_message_is_documented(message: str) -> None:
    section = DOC.read_text(encoding="utf-8").split("## When a file cannot be used", 1)[1]
    section = re.sub(r"```.*?```", "", section, flags=re.DOTALL)
    patterns = [
        re.sub(r"\\\{[^}]*\\\}|…", ".+?", re.escape(t)) for t in re.findall(r"`([^`\n]+)`", section)
    ]
    assert any(re.fullmatch(p, message) for p in patterns), message
